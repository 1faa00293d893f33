#!/usr/bin/env python3
"""Builds a configuration's FIP with Debian's fiptool: the SPMC image and
manifest, the normal-world image, and one SP package per partition, each
stored under its partition's first UUID (read from the package's manifest
with fdtget, so that the UUID is written in one place only)."""
import argparse
import os
import pathlib
import struct
import subprocess
import sys
import tempfile


def package_uuid(pkg):
    data = pathlib.Path(pkg).read_bytes()
    magic, _version, pm_off, pm_size, _img_off, _img_size = struct.unpack_from("<6I", data)
    if magic != 0x474B5053:
        sys.exit(f"mkfip: {pkg} is not an SP package")
    with tempfile.NamedTemporaryFile(suffix=".dtb", delete=False) as f:
        f.write(data[pm_off:pm_off + pm_size])
    try:
        out = subprocess.run(["fdtget", "-t", "x", f.name, "/", "uuid"], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if out.returncode != 0:
        sys.exit(f"mkfip: {pkg}: manifest has no uuid: {out.stderr.strip()}")
    words = [int(w, 16) for w in out.stdout.split()[:4]]
    raw = b"".join(struct.pack("<I", w) for w in words)  # SMCCC register order -> RFC bytes
    h = raw.hex()
    return f"{h[0:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--tos", required=True)
    ap.add_argument("--tos-config", required=True)
    ap.add_argument("--tos-extra1", help="the TA store (tools/mkta_store.py)")
    ap.add_argument("--nwd", required=True)
    ap.add_argument("--sp", action="append", default=[], help="an SP package (repeatable)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    cmd = ["fiptool", "create", "--align", "16", "--tos-fw", a.tos, "--tos-fw-config", a.tos_config,
           "--nt-fw", a.nwd]
    if a.tos_extra1:
        cmd += ["--tos-fw-extra1", a.tos_extra1]
    for pkg in a.sp:
        cmd += ["--blob", f"uuid={package_uuid(pkg)},file={pkg}"]
    pathlib.Path(a.out).unlink(missing_ok=True)
    cmd.append(a.out)
    r = subprocess.run(cmd)
    sys.exit(r.returncode)


if __name__ == "__main__":
    main()
