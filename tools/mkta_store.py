#!/usr/bin/env python3
"""Packs Trusted Application images (built by tessera_ta(), src/ta/ta.ld)
into one TA store, which the FIP carries as tos-fw-extra1 and the monitor
stages for the trusted OS (docs/trusted-applications.md).

Layout, little-endian: a 16-byte header {magic "TAST", version 1, count,
total size}, `count` 24-byte entries {uuid[16], offset, size}, then the
images, each padded to 16 bytes. Each image is checked here the way the
trusted OS checks it (src/optee/ta_store.cpp), so that a bad TA fails the
build rather than the boot."""
import argparse
import pathlib
import struct
import sys

TA_MAGIC, TA_VERSION, HEADER = 0x31415454, 1, 64
STORE_MAGIC, STORE_VERSION, MAX_TAS, SLOT = 0x54534154, 1, 16, 0x40000
FLAGS_KNOWN = 0x7


def check(path, data):
    if len(data) < HEADER:
        sys.exit(f"mkta_store: {path}: shorter than a TA header")
    magic, version, entry, text_end, ro_end, file_end, mem_end, stack_top = struct.unpack_from("<8I", data)
    uuid = data[32:48]
    flags = struct.unpack_from("<I", data, 48)[0]
    if magic != TA_MAGIC or version != TA_VERSION:
        sys.exit(f"mkta_store: {path}: not a TA image (magic/version)")
    if not (HEADER <= entry < text_end <= ro_end <= file_end <= mem_end <= SLOT):
        sys.exit(f"mkta_store: {path}: header offsets out of order or over 256 KiB")
    if text_end % 4096 or ro_end % 4096 or mem_end % 4096 or not (file_end < stack_top <= mem_end) or stack_top % 16:
        sys.exit(f"mkta_store: {path}: sections must be page aligned, the stack inside BSS")
    if flags & ~FLAGS_KNOWN:
        sys.exit(f"mkta_store: {path}: unknown flags {flags:#x}")
    if len(data) > file_end:
        sys.exit(f"mkta_store: {path}: file longer than its header says")
    return uuid, data + bytes(file_end - len(data))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("images", nargs="+")
    a = ap.parse_args()
    if len(a.images) > MAX_TAS:
        sys.exit(f"mkta_store: at most {MAX_TAS} TAs")
    tas = [check(p, pathlib.Path(p).read_bytes()) for p in a.images]
    uuids = [u for u, _ in tas]
    if len(set(uuids)) != len(uuids):
        sys.exit("mkta_store: two TAs have the same UUID")
    offset = 16 + 24 * len(tas)
    entries, blobs = b"", b""
    for uuid, img in tas:
        entries += uuid + struct.pack("<II", offset, len(img))
        img += bytes(-len(img) % 16)
        blobs += img
        offset += len(img)
    out = struct.pack("<4I", STORE_MAGIC, STORE_VERSION, len(tas), offset) + entries + blobs
    pathlib.Path(a.out).write_bytes(out)


if __name__ == "__main__":
    main()
