#!/usr/bin/env python3
"""ctest: every console line reaches its UART whole (issue 10, item 4).

Boots a flash file at -smp 4 (tools/tessera_qemu.py's command line), where
the secondaries boot through the monitor and the trusted OS while other
CPUs print, and judges each UART on its own:

- the secure UART (the monitor, the trusted OS, partitions' FFA_CONSOLE_LOG
  as the trusted OS prints it): every line starts with one world prefix
  ("[EL3] ", "[S-EL1] ", "[SP ") and holds no other prefix anywhere. A line
  that starts without one is a fragment of another line (before the fix:
  `[EL3] SPMD: C[PEL3U 2 enters the normal world at 0x6] S001PMD61f: ...`
  followed by `161f8 (x0 = 0x6`).
- the normal world's UART (the harness): no world prefix at all, and every
  TAP result line well formed.

Why two streams: tessera_qemu.command() muxes both UARTs into one stdio
chardev, and QEMU's mux passes bytes through as each UART sends them, with
no notion of lines. A harness line and a secure line written at the same
moment on two CPUs mix there whatever the firmware does (two UARTs, two
worlds that share no lock, by design). So the secure UART is sent to a file
of its own here; each UART's lines are the firmware's to keep whole.

Repeated warnings: the harness floods the trusted OS with 200 offers of an
already-mapped page from every CPU (console.already_mapped_buffer_offered_
from_every_cpu); its "cannot map NS pages" warning is rate limited, so at
most MAX_MAP_WARNINGS such lines may appear (200 before the limit), and no
WARN/ERROR line may repeat more than MAX_REPEATS times, numbers aside.

The run must also show the secondaries' boot on the secure UART and end
with the harness's closing line, so that a boot that never reached the
interesting part cannot pass."""
import argparse
import pathlib
import re
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
import tessera_qemu  # noqa: E402

PREFIXES = ("[EL3] ", "[S-EL1] ", "[SP ")
MAX_MAP_WARNINGS = 10
MAX_REPEATS = 20
PREFIX_RE = re.compile(r"\[(?:EL3|S-EL1)\] |\[SP ")
# (A skipped test's line carries its reason: "ok N - NAME # SKIP REASON".)
TAP_RESULT = re.compile(r"^(?:not )?ok \d+ - [\w.]+(?: # SKIP [\w ,()'-]+)?$")
TAP_ANYWHERE = re.compile(r"(?:not )?ok \d+ - ")


def secure_problems(text):
    problems = []
    for n, line in enumerate(text.replace("\r", "").split("\n"), 1):
        if not line:
            continue
        found = [m.start() for m in PREFIX_RE.finditer(line)]
        if not line.startswith(PREFIXES):
            problems.append((n, "no world prefix at its start (a fragment of another line)", line))
        elif len(found) > 1:
            problems.append((n, f"{len(found)} world prefixes", line))
    return problems


def repeated_warnings(text):
    """Problems with floods of warnings: (count, what, an example line)."""
    problems = []
    lines = [l for l in text.replace("\r", "").split("\n") if "WARN: " in l or "ERROR: " in l]
    maps = [l for l in lines if "cannot map NS pages" in l]
    if len(maps) > MAX_MAP_WARNINGS:
        problems.append((len(maps), f"'cannot map NS pages' lines, more than {MAX_MAP_WARNINGS}: not rate limited",
                         maps[-1]))
    counts = {}
    for l in lines:
        key = re.sub(r"0x[0-9a-fA-F]+|\d+", "N", l)
        counts.setdefault(key, []).append(l)
    for key, same in counts.items():
        if len(same) > MAX_REPEATS and "cannot map NS pages" not in key:
            problems.append((len(same), f"copies of one warning, more than {MAX_REPEATS}", same[-1]))
    return problems


def normal_world_problems(text):
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith(tessera_qemu.QEMU + ":"):
            continue  # QEMU's own complaints: other tests judge those
        if PREFIX_RE.search(line):
            problems.append((n, "a secure world prefix on the normal world's UART", line))
        tap = [m.start() for m in TAP_ANYWHERE.finditer(line)]
        if tap and (tap != [0] or not TAP_RESULT.match(line)):
            problems.append((n, "a TAP result line that is not whole", line))
    return problems


def check(flash, timeout):
    run, secure = tessera_qemu.run_apart(flash, timeout, smp=4)
    failures = []
    if run.timed_out:
        failures.append(f"QEMU did not finish within {timeout} s")
    if run.closing_line() is None:
        failures.append("the harness's closing 'N passed, N failed' line is missing")
    booted = set(re.findall(r"^\[S-EL1\] CPU (\d+) ready\r?$", secure, re.M))
    if len(booted) < 3:
        failures.append(f"the secure UART shows {len(booted)} secondary CPU(s) booting, not 3: "
                        "the run did not exercise SMP")
    for n, what, line in secure_problems(secure):
        failures.append(f"secure UART line {n}: {what}: {line!r}")
    for count, what, line in repeated_warnings(secure):
        failures.append(f"secure UART: {count} {what}: {line!r}")
    for n, what, line in normal_world_problems(run.output):
        failures.append(f"normal-world UART line {n}: {what}: {line!r}")
    return failures, secure, run.output


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flash", required=True)
    ap.add_argument("--timeout", type=int, default=150)
    ap.add_argument("--runs", type=int, default=1, help="boots to judge (interleaving depends on timing)")
    ap.add_argument("--keep", help="directory to keep each run's two UART logs in")
    args = ap.parse_args()
    if not pathlib.Path(args.flash).exists():
        print(f"no flash file {args.flash}: build the firmware preset first", file=sys.stderr)
        return 1
    failed = False
    for i in range(args.runs):
        failures, secure, nwd = check(args.flash, args.timeout)
        if args.keep:
            keep = pathlib.Path(args.keep)
            keep.mkdir(parents=True, exist_ok=True)
            (keep / f"run{i + 1}-secure.log").write_text(secure)
            (keep / f"run{i + 1}-nwd.log").write_text(nwd)
        if failures:
            failed = True
            print(f"run {i + 1}: FAIL")
            for f in failures[:40]:
                print(f"  {f}")
            if len(failures) > 40:
                print(f"  ... and {len(failures) - 40} more")
        else:
            print(f"run {i + 1}: ok ({len(secure.splitlines())} secure lines, {len(nwd.splitlines())} "
                  "normal-world lines, each whole)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
