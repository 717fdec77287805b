#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one VM run into test results.

Reads the job's sections from results.txt (see guest/lib.sh), parses KUnit
KTAP with the kernel's own kunit.py and kselftest TAP, and fails the run if
the console shows a crash, a warning or a lockdep/KASAN report, whatever the
tests said. Prints one line per test and, last, "COUNTS <pass> <fail> <skip>".
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

# Kernel messages that fail a run even when every test passed. Case matters:
# "MP-BIOS bug" and "loops_per_jiffy" are not reports.
BAD_CONSOLE = re.compile(
    r"WARNING:|BUG:|Oops:|Kernel panic|kernel BUG at|KASAN:|UBSAN:|"
    r"general protection fault|Unable to handle kernel|"
    r"possible circular locking|possible recursive locking|"
    r"inconsistent lock state|DEBUG_LOCKS_WARN_ON|"
    r"turning off the locking correctness validator|"
    r"INFO: task .* blocked for more than|detected stalls? on CPU|"
    r"self-detected stall|mmtwin.*(leak|still in use)")

# "ok 3 name", "not ok 4 - name", "ok 5 name # SKIP why", "ok 6 # SKIP why"
TAP_LINE = re.compile(r"^(not )?ok \d+\b\s*(?:- )?([^#]*?)\s*(#\s*(SKIP|TODO|XFAIL)\b(.*))?$",
                      re.IGNORECASE)


class Tally:
    def __init__(self, label):
        self.label = label
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}

    def add(self, status, name, detail=None):
        self.counts[status] += 1
        print(f"  {status:4} {self.label}: {name}")
        if status == "FAIL" and detail:
            for line in detail.rstrip("\n").splitlines()[-40:]:
                print(f"         | {line}")


def sections(text):
    """Yields (kind, name, status, body) for each @@ BEGIN/END section."""
    kind = name = None
    body = []
    for line in text.splitlines():
        m = re.match(r"^@@ BEGIN (\S+) (\S+)$", line)
        if m:
            kind, name, body = m.group(1), m.group(2), []
            continue
        m = re.match(r"^@@ END (\S+) (\S+) (-?\d+)$", line)
        if m and kind is not None:
            yield kind, name, int(m.group(3)), "\n".join(body) + "\n"
            kind = None
            continue
        if kind is not None:
            body.append(line)
    if kind is not None:
        yield kind, name, None, "\n".join(body) + "\n"


def kunit_cases(group, prefix=""):
    for case in group.get("test_cases", []):
        yield prefix + case["name"], case["status"]
    for sub in group.get("sub_groups", []):
        name = sub["name"]
        yield from kunit_cases(sub, f"{prefix}{name}." if name else prefix)


def report_kunit(t, kunit_py, suite, body, logdir):
    ktap = os.path.join(logdir, f"kunit-{suite}.ktap")
    with open(ktap, "w") as f:
        f.write(body)
    with tempfile.NamedTemporaryFile("r", suffix=".json") as js:
        proc = subprocess.run([sys.executable, kunit_py, "parse",
                               f"--json={js.name}", ktap],
                              capture_output=True, text=True)
        try:
            tree = json.load(open(js.name))
        except ValueError:
            tree = {}
    cases = list(kunit_cases(tree))
    if not cases:
        t.add("FAIL", f"kunit {suite}: no results parsed",
              proc.stdout + proc.stderr + body)
        return
    for name, status in cases:
        status = {"PASS": "PASS", "SKIP": "SKIP"}.get(status, "FAIL")
        t.add(status, f"kunit {name}", body if status == "FAIL" else None)


def report_tap(t, name, rc, body):
    seen = failed = 0
    for line in body.splitlines():
        m = TAP_LINE.match(line)
        if not m:
            continue
        seen += 1
        case = f"kselftest {name}: {m.group(2) or '#' + str(seen)}"
        if m.group(4) and m.group(4).upper() == "SKIP":
            t.add("SKIP", f"{case} (skipped:{m.group(5)})")
        elif m.group(1):
            failed += 1
            t.add("FAIL", case, body)
        else:
            t.add("PASS", case)
    if rc is None:
        t.add("FAIL", f"kselftest {name}: did not finish", body)
    elif seen == 0:
        status = "PASS" if rc == 0 else "SKIP" if rc == 4 else "FAIL"
        t.add(status, f"kselftest {name}", body)
    elif rc not in (0, 4) and not failed:
        t.add("FAIL", f"kselftest {name}: exit status {rc}", body)


def report_console(t, console):
    bad = [l for l in console.splitlines() if BAD_CONSOLE.search(l)]
    if bad:
        # Show the report itself: from the first bad line on.
        lines = console.splitlines()
        first = lines.index(bad[0])
        t.add("FAIL", "console clean (no oops, warning, lockdep or KASAN report)",
              "\n".join(lines[first:first + 60]))
    else:
        t.add("PASS", "console clean (no oops, warning, lockdep or KASAN report)")


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--label", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--console", required=True)
    ap.add_argument("--vm-status", type=int, required=True)
    ap.add_argument("--kunit-py")
    ap.add_argument("--logdir", required=True)
    args = ap.parse_args()

    t = Tally(args.label)
    results = open(args.results, errors="replace").read()
    console = open(args.console, errors="replace").read()

    finished = re.search(r"^@@ EXIT 0$", results, re.M) is not None
    t.add("PASS" if finished else "FAIL",
          f"VM boots, runs the job and powers off (status {args.vm_status})",
          None if finished else console[-4000:])

    for kind, name, rc, body in sections(results):
        if kind == "kunit":
            if not args.kunit_py:
                t.add("FAIL", f"kunit {name}: no kunit.py to parse it", body)
            else:
                report_kunit(t, args.kunit_py, name, body, args.logdir)
        elif kind == "kselftest":
            report_tap(t, name, rc, body)
        elif kind in ("load", "unload"):
            t.add("PASS" if rc == 0 else "FAIL", f"{kind} {name}", body)
        else:
            print(body, end="")
    report_console(t, console)
    c = t.counts
    print(f"COUNTS {c['PASS']} {c['FAIL']} {c['SKIP']}")


if __name__ == "__main__":
    main()
