#!/usr/bin/env python3
"""Where a configuration's secure world spends its instructions, by
function: boots a flash file under `qemu -icount` as `./tessera bench`
does, with QEMU's translation and execution log (-d in_asm,exec,nochain)
filtered to secure RAM, and attributes every executed translation block's
instructions to the function its first instruction lies in (the ELF
files' symbols). Debian's QEMU 7.2 ships no TCG plugins; the log serves.

    tools/profile_trace.py --flash build/firmware/sel2-spmc-1p/flash.bin \\
        --elf build/firmware/el3_sel2.elf --elf build/firmware/sel2_spmc.elf \\
        --elf build/firmware/mp_c.elf

prints, for the functions that ran most: instructions, their share,
calls (executions of the block at the function's first address) and
instructions per call. The run is the whole harness (boot, tests and
benchmarks); the log takes about 500 MB of a temporary file for
sel2-spmc-1p. Counts are close, not exact: a block -icount cut short
counts whole, and a block that runs on into the next function counts for
the first. Python standard library only."""
import argparse
import bisect
import collections
import os
import pathlib
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import tessera_qemu  # noqa: E402

SECURE_RAM = "0x0e000000..0x0effffff"
TRACE = re.compile(r"Trace \d+: (0x[0-9a-f]+) \[[0-9a-f]+/([0-9a-f]+)/")


def symbols(elfs, nm):
    """Sorted (address, name) of every function symbol in `elfs`."""
    out = []
    for elf in elfs:
        listing = subprocess.run([nm, "-n", "--defined-only", "-C", elf], capture_output=True, text=True,
                                 check=True).stdout
        image = pathlib.Path(elf).stem
        for line in listing.splitlines():
            parts = line.split(" ", 2)
            if len(parts) == 3 and parts[1] in "tTwW":
                out.append((int(parts[0], 16), f"{image}:{parts[2]}"))
    return sorted(out)


def attribute(log, syms):
    """Instructions and calls per function, from QEMU's log."""
    addrs = [a for a, _ in syms]
    starts = {a: n for a, n in syms}
    instructions, calls = collections.Counter(), collections.Counter()
    size = {}  # host block -> its guest instructions (from its IN: listing)
    pending, listing, count = 0, False, 0
    for line in log:
        if line.startswith("IN:"):
            listing, count = True, 0
            continue
        if listing:
            if line.startswith("0x"):
                count += 1
                continue
            if not line.strip():
                listing, pending = False, count
                continue
        m = TRACE.match(line)
        if not m:
            continue
        host, pc = m.group(1), int(m.group(2), 16)
        size.setdefault(host, pending)
        i = bisect.bisect_right(addrs, pc) - 1
        name = syms[i][1] if i >= 0 else "?"
        instructions[name] += size[host]
        if pc in starts:
            calls[starts[pc]] += 1
    return instructions, calls


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flash", required=True)
    ap.add_argument("--elf", action="append", required=True, help="an image's ELF, for its symbols (repeatable)")
    ap.add_argument("--top", type=int, default=40)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--nm", default="aarch64-linux-gnu-nm")
    a = ap.parse_args()
    syms = symbols(a.elf, a.nm)
    with tempfile.TemporaryDirectory() as tmp:
        log_path = os.path.join(tmp, "trace.log")
        cmd = tessera_qemu.command(a.flash, icount=True,
                                   extra=["-d", "in_asm,exec,nochain", "-dfilter", SECURE_RAM, "-D", log_path])
        try:
            subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=a.timeout,
                           stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            print(f"profile_trace: QEMU still ran after {a.timeout} s; the profile covers what it did",
                  file=sys.stderr)
        with open(log_path, errors="replace") as log:
            instructions, calls = attribute(log, syms)
    total = sum(instructions.values()) or 1
    print(f"{'instructions':>12} {'share':>6} {'calls':>8} {'per call':>9}  function")
    for name, n in instructions.most_common(a.top):
        c = calls[name]
        per = f"{n // c:>9}" if c else f"{'':>9}"
        print(f"{n:>12} {100 * n / total:5.1f}% {c:>8} {per}  {name}")
    print(f"{total:>12} in all (secure RAM, {SECURE_RAM})")


if __name__ == "__main__":
    main()
