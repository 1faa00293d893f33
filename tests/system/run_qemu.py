#!/usr/bin/env python3
"""ctest wrapper: boots a flash file in QEMU (or a user's normal-world image
through `./tessera run --nwd-image`, the path a user takes) and fails on any
failed harness test, a skipped one whose reason --allow-skip does not name
(the harness skips a test when the secure world does not host what it
needs, src/nwd/harness/test.h), a timeout, a missing closing line, missing
benchmark figures, a warning or error from QEMU itself, or (with
--abi-doc) a statement of docs/abi-support.md that the run contradicts
(abi_doc.py)."""
import argparse
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import tessera_qemu  # noqa: E402

import abi_doc  # noqa: E402  (next to this file)

# `./tessera run --nwd-image` exits 3 when QEMU had to be stopped.
TESSERA_RUN_TIMED_OUT = 3


def run_user_image(image, timeout, smp):
    """The run a user gets from `./tessera run --nwd-image IMAGE`, judged by
    the same rules as a flash file booted here."""
    cmd = [sys.executable, str(ROOT / "tessera"), "run", "--no-build", "--timeout", str(timeout),
           "--nwd-image", image]
    if smp:
        cmd += ["--smp", str(smp)]
    start = time.monotonic()
    p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, errors="replace", timeout=timeout + 60)
    # Only the console: tessera's own 'tessera: ...' lines are not QEMU's.
    console = "".join(l for l in p.stdout.splitlines(keepends=True) if not l.startswith("tessera:"))
    print("".join(l for l in p.stdout.splitlines(keepends=True) if l.startswith("tessera:")), end="")
    return tessera_qemu.Run(console.replace("\r", ""), p.returncode, p.returncode == TESSERA_RUN_TIMED_OUT,
                            time.monotonic() - start)


def groups(csv):
    return [g for g in csv.split(",") if g]


def abi_doc_complaints(a, r):
    """What the run contradicts in --abi-doc: the FFA_FEATURES answers for
    function and feature IDs, the notes' 'Tested by' claims and the OP-TEE
    table's tests; with --claims-of, only those groups' claims."""
    if a.claims_of is not None:
        return abi_doc.check_tested_by(a.abi_doc, a.abi_column, r, only=groups(a.claims_of))
    if a.features_only:
        return (abi_doc.check_function_support(a.abi_doc, a.abi_column, r)
                + abi_doc.check_feature_ids(a.abi_doc, a.abi_column, r))
    return (abi_doc.check_function_support(a.abi_doc, a.abi_column, r)
            + abi_doc.check_feature_ids(a.abi_doc, a.abi_column, r)
            + abi_doc.check_tested_by(a.abi_doc, a.abi_column, r, elsewhere=groups(a.groups_elsewhere))
            + abi_doc.check_optee_tests(a.abi_doc, r, ROOT / "tests" / "unit"))


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--flash", help="a flash file to boot")
    what.add_argument("--nwd-image", help="a normal-world image to boot through `./tessera run --nwd-image`")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--smp", type=int, default=None)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--abi-doc", help="docs/abi-support.md: its tables must agree with the run")
    ap.add_argument("--abi-column", default="sel1-spmc", help="the configuration column to compare")
    ap.add_argument("--groups-elsewhere", default="",
                    help="comma-separated test groups another harness runs: their 'Tested by' claims are not "
                         "checked here")
    ap.add_argument("--claims-of", default=None,
                    help="comma-separated test groups: check only their 'Tested by' claims, nothing else of "
                         "--abi-doc (a harness whose FFA_FEATURES answers differ, as the v1.0 client's do)")
    ap.add_argument("--features-only", action="store_true",
                    help="with --abi-doc: check only the FFA_FEATURES answers (functions and feature IDs) against "
                         "the column, not its 'Tested by' claims (a configuration that skips the tests behind "
                         "them)")
    ap.add_argument("--expect-bench", default="", help="comma-separated benchmark names that must be reported")
    ap.add_argument("--allow-skip", action="append", default=[],
                    help="a skip reason (or part of one) this configuration may skip tests for; repeatable. "
                         "Without it, any skipped test fails the run")
    a = ap.parse_args()

    given = a.flash or a.nwd_image
    if not pathlib.Path(given).is_file():
        print(f"FAIL: no such file {given}; build the firmware preset first (./tessera build)")
        return 1
    if a.flash:
        # The secure UART in a file of its own (as check_linux.py does): a
        # secure line printed on one CPU while the harness prints a TAP line
        # on another would mix with it byte by byte in a shared console.
        r, secure = tessera_qemu.run_apart(a.flash, a.timeout, smp=a.smp, icount=a.icount)
        r.output = secure + r.output
    else:
        r = run_user_image(a.nwd_image, a.timeout, a.smp)
    print(r.output)
    verdict = []
    if r.timed_out:
        verdict.append(f"QEMU did not power off within {a.timeout:.0f} s")
    elif a.nwd_image and r.returncode != 0:
        verdict.append(f"./tessera run --nwd-image exited {r.returncode}")
    complaints = r.host_complaints()
    if complaints:
        verdict.append("QEMU complained: " + " | ".join(complaints[:5]))
    closing = r.closing_line()
    if closing is None:
        verdict.append("the harness printed no 'N passed, N failed' line")
    elif closing[1] or closing[0] == 0:
        verdict.append(f"{closing[1]} harness test(s) failed: " + "; ".join(r.failures()))
    skips = r.skips()
    unexplained = [f"{name} ({reason})" for name, reason in r.unexplained_skips(a.allow_skip)]
    if unexplained:
        verdict.append(f"{len(unexplained)} test(s) skipped for a reason this configuration may not skip for: " +
                       "; ".join(unexplained[:5]))
    bench = r.benchmarks()
    for name in filter(None, a.expect_bench.split(",")):
        if name not in bench or bench[name] <= 0:
            verdict.append(f"benchmark {name} not reported")
    if a.abi_doc and not pathlib.Path(a.abi_doc).is_file():
        verdict.append(f"{a.abi_doc} is missing")
    elif a.abi_doc:
        verdict += abi_doc_complaints(a, r)
    for v in verdict:  # one line each: a document's rows can add many
        print("FAIL: " + v)
    if verdict:
        return 1
    skipped = f", {len(skips)} skipped (allowed: {'; '.join(a.allow_skip)})" if skips else ""
    print(f"PASS: {closing[0]} harness tests in {r.seconds:.1f} s{skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
