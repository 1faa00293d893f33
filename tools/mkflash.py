#!/usr/bin/env python3
"""Builds a QEMU virt flash image: the EL3 monitor at offset 0, padded to
the FIP offset (0x40000), then the FIP. Refuses a monitor that would
overlap the FIP."""
import argparse
import sys

FIP_OFFSET = 0x40000
FLASH_SIZE = 64 << 20


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--monitor", required=True)
    ap.add_argument("--fip", required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    monitor = open(a.monitor, "rb").read()
    fip = open(a.fip, "rb").read()
    if len(monitor) > FIP_OFFSET:
        sys.exit(f"mkflash: monitor is {len(monitor)} bytes; the FIP starts at {FIP_OFFSET:#x}")
    if FIP_OFFSET + len(fip) > FLASH_SIZE:
        sys.exit(f"mkflash: FIP of {len(fip)} bytes does not fit in the 64 MiB flash")
    image = monitor + b"\0" * (FIP_OFFSET - len(monitor)) + fip
    # QEMU wants the flash file no larger than the device; pad to whole 4 KiB.
    image += b"\0" * (-len(image) % 4096)
    open(a.out, "wb").write(image)


if __name__ == "__main__":
    main()
