#!/usr/bin/env python3
"""Fails when a firmware image is larger than its target (bytes)."""
import pathlib
import sys


def main():
    if len(sys.argv) != 3:
        print("usage: check_image_size.py IMAGE MAX_BYTES")
        return 2
    image, limit = pathlib.Path(sys.argv[1]), int(sys.argv[2])
    if not image.is_file():
        print(f"FAIL: no such file {image}; build the firmware preset first (./tessera build)")
        return 1
    size = image.stat().st_size
    if size > limit:
        print(f"FAIL: {image.name} is {size:,} bytes, over its target of {limit:,} by {size - limit:,}. "
              "Build boot-only code for size or move it out; never drop a check or a message to fit.")
        return 1
    print(f"PASS: {image.name} is {size:,} bytes, {limit - size:,} under its target of {limit:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
