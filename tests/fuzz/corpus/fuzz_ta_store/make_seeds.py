#!/usr/bin/env python3
"""Seeds for fuzz_ta_store: valid TA stores (one and three TAs) in the
layout tools/mkta_store.py writes, so that the fuzzer starts past the
magic numbers and mutates the header fields that matter."""
import pathlib
import struct
import sys


def image(uid, flags=1):
    h = struct.pack("<8I", 0x31415454, 1, 0x40, 0x1000, 0x2000, 0x2100, 0x8000, 0x7000)
    h += bytes((uid + i) & 0xFF for i in range(16)) + struct.pack("<4I", flags, 0, 0, 0)
    return h + bytes(0x2100 - len(h))


def store(images):
    entries, blobs, off = b"", b"", 16 + 24 * len(images)
    for img in images:
        entries += img[32:48] + struct.pack("<II", off, len(img))
        blobs += img
        off += len(img)
    return struct.pack("<4I", 0x54534154, 1, len(images), off) + entries + blobs


out = pathlib.Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)
(out / "one").write_bytes(store([image(1)]))
(out / "three").write_bytes(store([image(1), image(0x40, 3), image(0x80, 0)]))
