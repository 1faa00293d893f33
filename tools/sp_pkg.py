#!/usr/bin/env python3
"""Builds an SP package: the container (TF-A's sp_pkg format, version 2)
that carries a secure partition's manifest DTB and image in the FIP.

Layout, little-endian: u32 magic 'SPKG' (0x474b5053), u32 version (2),
u32 manifest offset, u32 manifest size, u32 image offset, u32 image size;
the manifest at 0x1000 and the image at the next 4 KiB boundary after it."""
import argparse
import struct
import sys

MAGIC = 0x474B5053
VERSION = 2
ALIGN = 0x1000


def align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--manifest", required=True, help="the partition manifest (DTB)")
    ap.add_argument("--image", required=True, help="the partition image (raw binary)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    pm = open(a.manifest, "rb").read()
    img = open(a.image, "rb").read()
    if not pm.startswith(b"\xd0\x0d\xfe\xed"):
        sys.exit(f"sp_pkg: {a.manifest} is not a device tree blob (compile it with dtc)")
    pm_off = ALIGN
    img_off = align(pm_off + len(pm))
    header = struct.pack("<6I", MAGIC, VERSION, pm_off, len(pm), img_off, len(img))
    blob = header + b"\0" * (pm_off - len(header)) + pm + b"\0" * (img_off - pm_off - len(pm)) + img
    open(a.out, "wb").write(blob)


if __name__ == "__main__":
    main()
