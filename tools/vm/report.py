#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn one VM run into test results, failing closed.

Reads the job's sections from results.txt (see guest/lib.sh) and knows what
it must find there: a load and an unload for every twin module built, the
KTAP of every KUnit module's load with each suite its source declares, and
a result for every kselftest program listed. Anything missing, unparsable,
out of order or left over is a failure with a name, and so is a console
report (oops, warning, lockdep, KASAN, hung task ...), a new taint bit, a
stale or foreign results file, a VM that did not power off cleanly, and a
skip that is not on the lane's list of expected skips.

Prints one line per result and, last, "COUNTS <pass> <fail> <skip>". Exits
0 when it could judge the run (whatever the verdict), 1 when it could not,
after printing a failure and a COUNTS line that counts it.
"""
import argparse
import glob
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
    r"self-detected stall|soft lockup|hard LOCKUP|"
    r"Call Trace:|list_add corruption|list_del corruption|"
    r"refcount_t: |Bad page state|Bad page map|"
    r"sysfs: cannot create duplicate filename|"
    r"debugfs: .* already present|kobject_add_internal failed|"
    r"mmtwin.*(leak|still in use)|"
    r"Slab cache still has objects|"
    # slab_bug()'s banner, the kernel's and the slab twin's: "BUG <cache>
    # (<taint>): <what>", e.g. objects remaining when a cache is destroyed.
    r"^(?:\[[^\]]*\] )?BUG \S+ \(.*\): ")
# The kernel's own allocation-failure report starts with the task's name;
# the buddy twin prints the same words behind "mmtwin_buddy:".
ALLOC_FAILURE = re.compile(r"^(?:\[[^\]]*\] )?(?!mmtwin_)\S+: page allocation failure")

# Taint bits a run may gain: O (out-of-tree module), E (unsigned module)
# and N (a KUnit test ran: KUnit sets it on purpose).
TAINT_ALLOWED = (1 << 12) | (1 << 13) | (1 << 18)
TAINT_LETTERS = "PFSRMBUDAWCIOELKXTN"

# "ok 3 name", "not ok 4 - name", "ok 5 name # SKIP why", "ok 6 # SKIP why"
TAP_LINE = re.compile(r"^(not )?ok (\d+)\b\s*(?:- )?([^#]*?)\s*"
                      r"(#\s*(SKIP|TODO|XFAIL|TIMEOUT|exit=)\b(.*))?$",
                      re.IGNORECASE)
TAP_PLAN = re.compile(r"^1\.\.(\d+)\b")
RUNNER_HDR = re.compile(r"^# selftests: (\S+): (\S+)$")
# The runner prefixes a program's output with sed, which leaves a last line
# without a newline as it is: the runner's own result line is then glued on.
RUNNER_GLUED = re.compile(r"^(#.*?)((?:not )?ok \d+ selftests: \S+: \S+.*)$")
MARKER = re.compile(r"@@ (BEGIN|END|EXIT|RUNID|TAINT|KERNEL)\b")


class Tally:
    def __init__(self, label, skips):
        self.label = label
        self.counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
        self.skips = skips          # name -> reason, for this lane
        self.skipped = set()
        self.passed = set()

    def add(self, status, name, detail=None, reason=""):
        if status == "SKIP":
            if name not in self.skips:
                status = "FAIL"
                name = f"{name}: unexpected skip ({reason.strip() or 'no reason given'})"
            else:
                self.skipped.add(name)
                name = f"{name} (skipped: {self.skips[name]})"
        elif status == "PASS":
            self.passed.add(name)
        self.counts[status] += 1
        print(f"  {status:4} {self.label}: {name}")
        if status == "FAIL" and detail:
            for line in detail.rstrip("\n").splitlines()[-40:]:
                print(f"         | {line}")

    def fail(self, name, detail=None):
        self.add("FAIL", name, detail)

    def note_skip_list(self):
        """An expected skip that passed is news, not a failure."""
        for name in sorted(self.skips):
            if name in self.passed:
                print(f"  NOTE {self.label}: expected to skip but passed: {name}")


def load_skips(path):
    """The lane's list: '<result name><TAB><reason>' a line, # comments."""
    skips = {}
    if not path:
        return skips
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            name, sep, reason = line.partition("\t")
            if not sep or "CONFIG_" not in reason:
                raise ValueError(f"{path}:{n}: want '<name><TAB><reason naming "
                                 f"the CONFIG_ option>', got {line!r}")
            skips[name] = reason
    return skips


def selected(name, only):
    return not only or any(w in name for w in only.split(","))


class Expected:
    """What one run must show, from what was built and what the sources say."""

    def __init__(self, args):
        kos = sorted(os.path.basename(p)[:-3] for p in
                     glob.glob(os.path.join(args.modules, "**", "*.ko"),
                               recursive=True))
        if not kos:
            raise ValueError(f"no modules built under {args.modules}")
        self.twins = [m for m in kos if not m.endswith(("_kunit", "_bench"))]
        self.kunit = {m: kunit_suites(args.kunit_src, m)
                      for m in kos if m.endswith("_kunit")
                      and selected(m, args.only)}
        with open(args.selftest_list) as f:
            listed = [l.strip() for l in f if l.strip()]
        if not listed:
            raise ValueError(f"{args.selftest_list} lists no kselftest")
        self.selftests = [t for t in listed if selected(t, args.only)]


def kunit_suites(src_dir, module):
    """Suites declared by the sources a KUnit module is built from."""
    kbuild = open(os.path.join(src_dir, "Kbuild")).read()
    m = re.search(rf"^{module}-y\s*:=\s*(.*)$", kbuild, re.M)
    if not m:
        raise ValueError(f"kunit/Kbuild does not say what {module} is built from")
    suites = []
    for obj in m.group(1).split():
        src = open(os.path.join(src_dir, obj[:-2] + ".c")).read()
        suites += re.findall(r"struct kunit_suite\s+\w+\s*=\s*\{[^}]*?"
                             r"\.name\s*=\s*\"([^\"]+)\"", src, re.S)
    if not suites:
        raise ValueError(f"no kunit_suite found in the sources of {module}")
    return suites


def parse_results(t, text, run_id):
    """Checks the frame of the stream; returns sections and taint values.

    A section is (kind, name, status or None, body)."""
    lines = text.splitlines()
    ids = [l.split()[2] for l in lines if re.match(r"^@@ RUNID \S+$", l)]
    if ids != [run_id]:
        t.fail(f"results belong to this run (want run id {run_id}, found {ids or 'none'})")
    exits = [(i, l) for i, l in enumerate(lines) if l.startswith("@@ EXIT")]
    last = max((i for i, l in enumerate(lines) if l.strip()), default=-1)
    if len(exits) != 1:
        t.fail(f"job reports exactly one exit status (found {len(exits)})")
    elif exits[0][1] != "@@ EXIT 0":
        t.fail(f"job exits 0 (it said '{exits[0][1]}')")
    elif exits[0][0] != last:
        t.fail("no output after @@ EXIT", "\n".join(lines[exits[0][0]:last + 1]))
    taint = dict(re.findall(r"^@@ TAINT (\w+) (\d+)$", text, re.M))

    out, kind, name, body = [], None, None, []
    for line in lines:
        glued = MARKER.search(line)
        if glued and glued.start() > 0:
            t.fail(f"marker glued to test output: {line!r}")
            line = line[glued.start():]
        m = re.match(r"^@@ BEGIN (\S+) (\S+)$", line)
        if m:
            if kind is not None:
                t.fail(f"{kind} {name}: section never closed "
                       f"(@@ BEGIN {m.group(1)} {m.group(2)} came first)", "\n".join(body))
            kind, name, body = m.group(1), m.group(2), []
            continue
        m = re.match(r"^@@ END (\S+) (\S+) (-?\d+)$", line)
        if m:
            if (m.group(1), m.group(2)) != (kind, name):
                t.fail(f"stray '{line}' (open section: {kind} {name})")
            else:
                out.append((kind, name, int(m.group(3)), "\n".join(body) + "\n"))
            kind = None
            continue
        if kind is not None:
            body.append(line)
    if kind is not None:
        out.append((kind, name, None, "\n".join(body) + "\n"))
    return out, taint


def check_taint(t, taint):
    if "start" not in taint or "end" not in taint:
        t.fail(f"job reports the taint at start and end (got {sorted(taint)})")
        return
    new = int(taint["end"]) & ~int(taint["start"]) & ~TAINT_ALLOWED
    letters = "".join(c for i, c in enumerate(TAINT_LETTERS) if new >> i & 1)
    t.add("PASS" if not new else "FAIL", "kernel not tainted by the run"
          + (f" (new bits {new:#x}: {letters})" if new else ""))


def kunit_cases(group, prefix=""):
    for case in group.get("test_cases", []):
        yield prefix + case["name"], case["status"]
    for sub in group.get("sub_groups", []):
        name = sub["name"]
        yield from kunit_cases(sub, f"{prefix}{name}." if name else prefix)


def report_kunit(t, kunit_py, module, suites, rc, body, logdir):
    if rc is None:
        t.fail(f"kunit {module}: load did not finish", body)
        return
    if rc != 0:
        t.fail(f"kunit {module}: module loads (modprobe status {rc})", body)
    ktap = os.path.join(logdir, f"kunit-{module}.ktap")
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
    found = {g["name"] for g in tree.get("sub_groups", [])}
    for suite in suites:
        if suite not in found:
            t.fail(f"kunit {module}: suite {suite} ran", body)
    failed = 0
    for name, status in kunit_cases(tree):
        status = {"PASS": "PASS", "SKIP": "SKIP"}.get(status, "FAIL")
        failed += status == "FAIL"
        if not name.split(".")[-1]:
            # kunit.py adds a nameless failed result for a broken plan.
            name = f"{module}: kunit.py parse verdict (KTAP plan or structure broken)"
        t.add(status, f"kunit {name}", body if status == "FAIL" else None,
              reason=kunit_skip_reason(body, name))
    # kunit.py's own verdict counts too: a plan it could not match, a crash.
    if proc.returncode != 0 and not failed:
        t.fail(f"kunit {module}: kunit.py parse verdict (status {proc.returncode})",
               proc.stdout + proc.stderr)


def kunit_skip_reason(body, name):
    case = name.split(".")[-1]
    m = re.search(rf"ok \d+ {re.escape(case)} # SKIP(.*)", body)
    return m.group(1) if m else ""


def report_program(t, prog, status, reason, nested):
    """One kselftest program: its cases (nested TAP) and its runner line."""
    plan = None
    cases = []
    for line in nested:
        m = TAP_PLAN.match(line)
        if m and plan is None:
            plan = int(m.group(1))
            continue
        m = TAP_LINE.match(line)
        if m:
            cases.append(m)
    body = "\n".join(nested)
    name = f"kselftest {prog}"
    failed = 0
    for m in cases:
        case = f"{name}: {m.group(3) or '#' + m.group(2)}"
        directive = (m.group(5) or "").upper()
        if directive == "SKIP":
            t.add("SKIP", case, reason=m.group(6))
        elif m.group(1) or directive in ("TIMEOUT", "EXIT="):
            failed += 1
            t.add("FAIL", case, body)
        else:
            t.add("PASS", case)
    if plan is not None and plan != len(cases):
        t.fail(f"{name}: plan 1..{plan} but {len(cases)} results", body)
    if not cases:
        # A program that printed no TAP is judged by its exit status alone.
        t.add(status, name, body, reason=reason)
    elif status == "FAIL" and not failed:
        t.fail(f"{name}: {reason.strip() or 'failed'}", body)


def report_kselftests(t, expected, rc, body):
    """The kernel runner's KTAP: one line a program, its output behind '# '."""
    lines = []
    for line in body.splitlines():
        m = RUNNER_GLUED.match(line)
        lines += [m.group(1), m.group(2)] if m else [line]
    seen = []
    prog, nested = None, []
    # The runner prints one TAP stream per collection, each with its plan.
    plans = []
    for line in lines:
        m = TAP_PLAN.match(line)
        if m:
            plans.append([int(m.group(1)), 0])
            continue
        m = RUNNER_HDR.match(line)
        if m:
            prog, nested = f"{m.group(1)}:{m.group(2)}", []
            continue
        m = TAP_LINE.match(line)
        if m and prog is not None:
            directive = (m.group(5) or "").upper()
            status = ("SKIP" if directive == "SKIP" else
                      "FAIL" if m.group(1) else "PASS")
            if not m.group(3).endswith(f": {prog.split(':')[1]}"):
                t.fail(f"kselftest runner: result '{line}' does not match {prog}")
            report_program(t, prog, status, m.group(4) or "", nested)
            seen.append(prog)
            if plans:
                plans[-1][1] += 1
            prog = None
            continue
        if prog is not None and line.startswith("#"):
            nested.append(line[2:] if line.startswith("# ") else line[1:])
    if prog is not None:
        t.fail(f"kselftest {prog}: did not finish", "\n".join(nested))
    for plan, reported in plans:
        if plan != reported:
            t.fail(f"kselftest runner: plan 1..{plan} but {reported} programs reported", body)
    for p in expected:
        if p not in seen:
            t.fail(f"kselftest {p}: never ran", body[-2000:])
    if rc not in (0, None):
        t.fail(f"kselftest runner exits 0 (status {rc})", body[-2000:])


def report_console(t, console):
    lines = console.splitlines()
    bad = [i for i, l in enumerate(lines)
           if BAD_CONSOLE.search(l) or ALLOC_FAILURE.search(l)]
    name = "console clean (no oops, warning, lockdep, KASAN or hang report)"
    if bad:
        t.fail(name, "\n".join(lines[bad[0]:bad[0] + 60]))
    else:
        t.add("PASS", name)


def judge(t, args, expected):
    if not os.path.isfile(args.results):
        t.fail(f"results file exists ({args.results})")
        return
    results = open(args.results, errors="replace").read()
    console = open(args.console, errors="replace").read() \
        if os.path.isfile(args.console) else None
    if args.vm_status != 0:
        why = " (timeout)" if args.vm_status == 124 else ""
        t.fail(f"VM runs the job and powers off (status {args.vm_status}{why})",
               (console or "")[-4000:])
    else:
        t.add("PASS", "VM runs the job and powers off")

    sections, taint = parse_results(t, results, args.run_id)
    check_taint(t, taint)
    got = {}
    for kind, name, rc, body in sections:
        if (kind, name) in got:
            t.fail(f"{kind} {name}: reported twice")
        got[(kind, name)] = (rc, body)

    def simple(kind, name):
        if (kind, name) not in got:
            t.fail(f"{kind} {name}: never ran")
            return
        rc, body = got.pop((kind, name))
        t.add("PASS" if rc == 0 else "FAIL",
              f"{kind} {name}" + ("" if rc == 0 else f" (status {rc})"), body)

    simple("setup", "swap")
    for m in expected.twins:
        simple("load", m)
    for m, suites in expected.kunit.items():
        if ("kunit", m) not in got:
            t.fail(f"kunit {m}: never ran")
        else:
            rc, body = got.pop(("kunit", m))
            if not args.kunit_py:
                t.fail(f"kunit {m}: no kunit.py to parse it", body)
            else:
                report_kunit(t, args.kunit_py, m, suites, rc, body, args.logdir)
        simple("unload", m)
    if ("kselftest", "all") in got:
        rc, body = got.pop(("kselftest", "all"))
        report_kselftests(t, expected.selftests, rc, body)
    elif expected.selftests:
        t.fail("kselftests: never ran")
    for m in expected.twins:
        simple("unload", m)
    for (kind, name), (rc, body) in got.items():
        t.fail(f"{kind} {name}: not expected by this run", body)

    if console is None:
        t.fail(f"console log exists ({args.console})")
    else:
        report_console(t, console)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--label", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--console", required=True)
    ap.add_argument("--vm-status", type=int, required=True)
    ap.add_argument("--run-id", required=True)
    ap.add_argument("--modules", required=True, help="the lane's module build")
    ap.add_argument("--kunit-src", required=True, help="kunit/ of the tree")
    ap.add_argument("--selftest-list", required=True, help="kselftest-list.txt")
    ap.add_argument("--skips", help="the lane's expected skips")
    ap.add_argument("--only", default="")
    ap.add_argument("--kunit-py")
    ap.add_argument("--logdir", required=True)
    args = ap.parse_args()

    t = Tally(args.label, {})
    try:
        t.skips = load_skips(args.skips)
        judge(t, args, Expected(args))
        t.note_skip_list()
        status = 0
    except Exception as e:  # fail closed: a reporter that cannot judge fails
        t.fail(f"reporter could not judge the run: {type(e).__name__}: {e}")
        status = 1
    c = t.counts
    print(f"COUNTS {c['PASS']} {c['FAIL']} {c['SKIP']}")
    return status


if __name__ == "__main__":
    sys.exit(main())
