#!/usr/bin/env python3
"""Firmware code may include only the standard headers that need no runtime
(DESIGN.md section 6): anything else fails here, the way Zircon's ktl
enforces its subset. Host-only code (src/arch/fake) is exempt."""
import pathlib
import re
import sys

ALLOWED = {"cstdint", "cstddef", "type_traits", "utility", "limits", "bit", "array", "span", "optional", "concepts",
           # C's own freestanding headers (C11 4p6: the compiler provides
           # them), for the TA API headers that TAs written in C include.
           "stdint.h", "stddef.h", "stdbool.h"}
HOST_ONLY = ("src/arch/fake/",)


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    bad = []
    for path in sorted((root / "src").rglob("*")):
        if path.suffix not in (".h", ".cpp", ".S"):
            continue
        rel = path.relative_to(root).as_posix()
        if rel.startswith(HOST_ONLY):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r"\s*#\s*include\s*<([^>]+)>", line)
            if m and m.group(1) not in ALLOWED:
                bad.append(f"{rel}:{n}: <{m.group(1)}> is not on the freestanding list {sorted(ALLOWED)}")
    for b in bad:
        print(b)
    print(f"{len(bad)} disallowed include(s)" if bad else "all includes are on the freestanding list")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
