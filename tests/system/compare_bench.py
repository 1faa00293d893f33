#!/usr/bin/env python3
"""ctest: the same benchmark rows from two flash files, each booted under
-icount, must agree within a margin: here, a direct request costs no
more with many partitions loaded than with one (sel2-spmc-harness's
sixteen against sel2-spmc-1p's mp-c; sel1-spmc's eight endpoints against
sel1-spmc-1p's trusted OS and echo). Both runs must pass their tests,
skipping only for the reasons --allow-skip names; a row either run does
not report fails."""
import argparse
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import tessera_qemu  # noqa: E402


def figures(flash, timeout, allowed):
    """{row: instructions} of a passing run, or a list of what was wrong."""
    if not pathlib.Path(flash).is_file():
        return [f"no such file {flash}; build the firmware preset first (./tessera build)"]
    r, secure = tessera_qemu.run_apart(flash, timeout, icount=True)
    closing = r.closing_line()
    wrong = []
    if r.timed_out:
        wrong.append(f"{flash}: QEMU did not power off within {timeout:.0f} s")
    if closing is None or closing[1] or closing[0] == 0:
        wrong.append(f"{flash}: its tests did not pass: " + "; ".join(r.failures()[:5]))
    bad = [name for name, _ in r.unexplained_skips(allowed)]
    if bad:
        wrong.append(f"{flash}: skipped tests it should run: " + ", ".join(bad[:5]))
    if wrong:
        print(secure + r.output)
    return wrong or r.benchmarks()


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--base", required=True, help="flash file of the reference run")
    ap.add_argument("--other", required=True, help="flash file whose rows may not exceed the reference's")
    ap.add_argument("--rows", required=True, help="comma-separated benchmark rows to compare")
    ap.add_argument("--margin", type=int, default=16, help="instructions the other run may exceed by")
    ap.add_argument("--allow-skip", action="append", default=[], help="a skip reason either run may have")
    ap.add_argument("--timeout", type=float, default=120)
    a = ap.parse_args()
    runs = [figures(f, a.timeout, a.allow_skip) for f in (a.base, a.other)]
    verdict = [w for r in runs if isinstance(r, list) for w in r]
    if not verdict:
        base, other = runs
        for row in filter(None, a.rows.split(",")):
            if row not in base or row not in other:
                verdict.append(f"benchmark {row} not reported by both runs")
                continue
            print(f"# {row}: {base[row]} ({pathlib.Path(a.base).parent.name}), "
                  f"{other[row]} ({pathlib.Path(a.other).parent.name})")
            if other[row] > base[row] + a.margin:
                verdict.append(f"{row} costs {other[row]} in {a.other}, more than {base[row]} + {a.margin} in {a.base}")
    for v in verdict:
        print("FAIL: " + v)
    if verdict:
        return 1
    print("PASS: the rows agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
