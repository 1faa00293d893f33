#!/usr/bin/env python3
"""ctest wrapper: boots a flash file in QEMU and fails on any failed harness
test, a timeout, a missing closing line or missing benchmark figures."""
import argparse
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "tools"))
import tessera_qemu  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--flash", required=True)
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--smp", type=int, default=None)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--abi-doc", help="docs/abi-support.md: FFA_FEATURES answers must match its table")
    ap.add_argument("--abi-column", default="sel1-spmc", help="the configuration column to compare")
    ap.add_argument("--expect-bench", default="", help="comma-separated benchmark names that must be reported")
    a = ap.parse_args()

    if not pathlib.Path(a.flash).is_file():
        print(f"FAIL: no flash file {a.flash}; build the firmware preset first (./tessera build)")
        return 1
    r = tessera_qemu.run(tessera_qemu.command(a.flash, smp=a.smp, icount=a.icount), a.timeout)
    print(r.output)
    verdict = []
    if r.timed_out:
        verdict.append(f"QEMU did not power off within {a.timeout:.0f} s")
    closing = r.closing_line()
    if closing is None:
        verdict.append("the harness printed no 'N passed, N failed' line")
    elif closing[1] or closing[0] == 0:
        verdict.append(f"{closing[1]} harness test(s) failed: " + "; ".join(r.failures()))
    bench = r.benchmarks()
    for name in filter(None, a.expect_bench.split(",")):
        if name not in bench or bench[name] <= 0:
            verdict.append(f"benchmark {name} not reported")
    if a.abi_doc and not pathlib.Path(a.abi_doc).is_file():
        verdict.append(f"{a.abi_doc} is missing")
    elif a.abi_doc:
        documented = tessera_qemu.abi_support_table(a.abi_doc, a.abi_column)
        answered = r.features()
        if not documented:
            verdict.append(f"{a.abi_doc} has no '## Function support' table with a {a.abi_column} column")
        if not answered:
            verdict.append("the harness printed no '# features' lines")
        for fid in sorted(set(documented) | set(answered)):
            doc, got = documented.get(fid), answered.get(fid)
            if doc != got:
                verdict.append(f"{fid:#010x}: {a.abi_doc} says {doc!r}, FFA_FEATURES says {got!r}")
    if verdict:
        print("FAIL: " + " / ".join(verdict))
        return 1
    print(f"PASS: {closing[0]} harness tests in {r.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
