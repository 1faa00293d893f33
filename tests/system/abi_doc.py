"""Keeps docs/abi-support.md true: reads its tables and holds each
checkable statement to what the normal-world harness reported in one run
(tools/tessera_qemu.py's Run). Every check returns a list of complaints,
each naming the table, the row and what differs; an empty list is a pass.
Python standard library only."""
import fnmatch
import pathlib
import re

# FF-A error codes by the names the document uses.
FFA_ERRORS = {
    "NOT_SUPPORTED": -1, "INVALID_PARAMETERS": -2, "NO_MEMORY": -3, "BUSY": -4, "INTERRUPTED": -5,
    "DENIED": -6, "RETRY": -7, "ABORTED": -8, "NO_DATA": -9,
}
# "Tested by a, b and c" in a note: the groups, up to the first word that is
# not a group (the sentence's end, a ';', a '(').
TESTED_BY = re.compile(r"\bTested by (\w+(?:(?:, | and )\w+)*)")


def section_table(path, title):
    """The first table under '## title' as a list of {header: cell} dicts,
    cells as written (backticks kept)."""
    rows, header, inside = [], None, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            inside = line.strip() == "## " + title
            continue
        if not inside:
            continue
        if not line.startswith("|"):
            if header is not None:
                break  # the table ended
            continue
        # A cell may hold an escaped '\|' (as in 'w5 \| w6 << 32').
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if header is None:
            header = [c.strip("`") for c in cells]
        elif not set("".join(cells)) <= set("-: "):
            rows.append(dict(zip(header, cells)))
    return rows


def plain(cell):
    return cell.replace("`", "").strip()


def function_rows(path):
    """The '## Function support' rows with a function ID, by ID."""
    rows = {}
    for row in section_table(path, "Function support"):
        fid = plain(row.get("function ID", ""))
        if fid.startswith("0x"):
            rows[int(fid, 16)] = row
    return rows


def row_name(row):
    return f"{plain(row.get('ABI', '?'))} ({plain(row.get('function ID', '?'))})"


# --- FFA_FEATURES of function IDs: the yes/no column -----------------------

def check_function_support(path, column, run):
    rows = function_rows(path)
    documented = {fid: plain(row.get(column, "")) for fid, row in rows.items()}
    answered = run.features()
    out = []
    if not documented:
        out.append(f"{path} has no '## Function support' table with a {column} column")
    if not answered:
        out.append("the harness printed no '# features' lines")
    for fid in sorted(set(documented) | set(answered)):
        doc, got = documented.get(fid), answered.get(fid)
        if doc != got:
            name = row_name(rows[fid]) if fid in rows else f"{fid:#010x}"
            out.append(f"Function support, {name}: the {column} column says {doc!r}, FFA_FEATURES says {got!r}")
    return out


# --- FFA_FEATURES of feature IDs: the answer and w2 ------------------------

def documented_answer(cell):
    """('yes', w2 or None) for 'FFA_SUCCESS[, w2 = N]', ('no', error code)
    for an error's name, or None when the cell names neither."""
    text = plain(cell)
    if text.startswith("FFA_SUCCESS"):
        m = re.search(r"\bw2 = (0x[0-9a-fA-F]+|\d+)", text)
        return ("yes", int(m.group(1), 0) if m else None)
    m = re.match(r"([A-Z_]+)", text)
    if m and m.group(1) in FFA_ERRORS:
        return ("no", FFA_ERRORS[m.group(1)])
    return None


def describe(answer):
    if answer is None:
        return "nothing"
    kind, value = answer
    if kind == "yes":
        return "FFA_SUCCESS" + (f", w2 = {value}" if value is not None else "")
    names = {code: name for name, code in FFA_ERRORS.items()}
    return names.get(value, f"error {value}")


def check_feature_ids(path, column, run):
    rows = {int(plain(r.get("feature ID", "")), 0): r for r in section_table(path, "Feature IDs")
            if re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)", plain(r.get("feature ID", "")))}
    answered = run.feature_ids()
    out = []
    if not rows:
        out.append(f"{path} has no '## Feature IDs' table")
    if not answered:
        out.append("the harness printed no '# feature-id' lines")
    for fid in sorted(set(rows) | set(answered)):
        row, got = rows.get(fid), answered.get(fid)
        doc = documented_answer(row.get(column, "")) if row else None
        where = f"Feature IDs, feature ID {fid}" + (f" ({plain(row.get('feature', ''))})" if row else "")
        if row and doc is None:
            out.append(f"{where}: the {column} column names no answer (FFA_SUCCESS or an error)")
            continue
        # w2 is compared only where the document states it.
        if doc and got and doc[0] == "yes" and doc[1] is None:
            got = ("yes", None)
        if doc != got:
            out.append(f"{where}: the {column} column says {describe(doc)}, FFA_FEATURES answered {describe(got)}")
    return out


# --- "Tested by" claims in the notes ----------------------------------------

def claimed_groups(note):
    groups = []
    for m in TESTED_BY.finditer(note):
        groups += re.split(r", | and ", m.group(1))
    return groups


def group_of(test):
    return test.split(".", 1)[0]


def check_group_ran(where, group, tests, calls):
    """Every test of `group` ran here and passed, and its calls were logged."""
    ran = {t: ok for t, ok in tests.items() if group_of(t) == group}
    if not ran:
        return [f"{where}: says 'Tested by {group}', but this harness has no test group {group}"]
    failed = sorted(t for t, ok in ran.items() if not ok)
    if failed:
        return [f"{where}: says 'Tested by {group}', but these tests of it failed: {', '.join(failed)}"]
    if group not in calls:
        return [f"{where}: says 'Tested by {group}', but the harness printed no '# calls {group}' line "
                "(call_log.cpp's kMaxGroups?)"]
    return []


def check_tested_by(path, column, run, only=None, elsewhere=()):
    """For each row whose note says 'Tested by G[, G] and G': each group
    named exists in this harness, all its tests passed and its calls were
    logged; and for a `yes` row (a normal-world call), at least one of
    those groups called the row's own function ID (not its other-width
    twin). Which groups are this harness's: with `only`, just those (the
    v1.0 harness); otherwise all but the groups `elsewhere` (another
    harness's system test checks them)."""
    tests, calls = run.tests(), run.calls_by_group()
    out = []
    if not calls:
        out.append("the harness printed no '# calls' lines")
    claimed = set()
    for fid, row in sorted(function_rows(path).items()):
        named = claimed_groups(row.get("notes", ""))
        claimed.update(named)
        here = [g for g in named if g in only] if only is not None else [g for g in named if g not in elsewhere]
        if not here:
            continue
        where = f"Function support, {row_name(row)}"
        missing = [c for group in here for c in check_group_ran(where, group, tests, calls)]
        out += missing
        if missing:
            continue  # what those groups called says nothing more
        if plain(row.get(column, "")) == "yes" and not any(fid in calls[g] for g in here):
            out.append(f"{where}: says 'Tested by {' and '.join(here)}', but no test of "
                       f"{'that group' if len(here) == 1 else 'those groups'} called {fid:#010x}")
    for group in sorted(set(only or ()) - claimed):
        out.append(f"Function support: no row says 'Tested by {group}', which this check was asked to check")
    return out


# --- The OP-TEE messages table's harness tests ------------------------------

def harness_test_names(part):
    """`group.name_32`/`_64` -> both names; a name with '*' is a pattern."""
    names = []
    for token in re.findall(r"`([^`]+)`", part):
        if token.startswith("_") and names:
            token = names[-1][: names[-1].rfind("_")] + token
        names.append(token)
    return names


def unit_test_names(unit_dir):
    """'Suite.Name' of every GoogleTest test in tests/unit/*.cpp."""
    names = set()
    for f in sorted(pathlib.Path(unit_dir).glob("*.cpp")):
        names.update(f"{s}.{n}" for s, n in
                     re.findall(r"\bTEST(?:_F|_P)?\(\s*(\w+)\s*,\s*(\w+)\s*\)", f.read_text(encoding="utf-8")))
    return names


def check_named_test(where, pattern, tests):
    ran = {t: ok for t, ok in tests.items() if fnmatch.fnmatchcase(t, pattern)}
    if not ran:
        return [f"{where}: names harness test {pattern}, which did not run"]
    failed = sorted(t for t, ok in ran.items() if not ok)
    return [f"{where}: names harness test {pattern}, which failed: {', '.join(failed)}"] if failed else []


def check_unit_pattern(where, pattern, unit_names):
    # 'Suite*' names suites; 'Suite.Test' a test.
    if any(fnmatch.fnmatchcase(n, pattern) or fnmatch.fnmatchcase(n.split(".")[0], pattern) for n in unit_names):
        return []
    return [f"{where}: names unit test {pattern}, which tests/unit/*.cpp does not define"]


def check_optee_tests(path, run, unit_dir):
    """Each harness test the '## OP-TEE FF-A messages' table names ran and
    passed; each unit test it names exists."""
    rows = section_table(path, "OP-TEE FF-A messages")
    if not rows:
        return [f"{path} has no '## OP-TEE FF-A messages' table"]
    tests, units, out = run.tests(), unit_test_names(unit_dir), []
    for row in rows:
        where = f"OP-TEE FF-A messages, {plain(row.get('message (w3)', '?'))}"
        for part in row.get("harness test", "").split(";"):
            part = part.strip()
            if part.startswith("unit:"):
                for pattern in re.findall(r"`([^`]+)`", part):
                    out += check_unit_pattern(where, pattern, units)
            else:  # '—' and 'as above' name nothing new
                for pattern in harness_test_names(part):
                    out += check_named_test(where, pattern, tests)
    return out
