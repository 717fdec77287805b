#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The checker of the checker: tools/vm/report.py on made-up VM runs.

A good run must pass with no failure; each hole that once let a failure
through (see the FIXTURES list) must come out as a failure with its name.
Prints TAP; exits 1 if any case does not.
"""
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPORT = os.path.join(HERE, "..", "..", "vm", "report.py")
KUNIT_PY = os.environ.get("KUNIT_PY", "")
RUN_ID = "0123abcd"

GOOD_KTAP = """\
[    1.000000] KTAP version 1
[    1.000000] 1..1
[    1.000000]     KTAP version 1
[    1.000000]     # Subtest: mmtwin_core
[    1.000000]     # module: mmtwin_core_kunit
[    1.000000]     1..2
[    1.000000]     ok 1 register_probe
[    1.000000]     ok 2 duplicate_name
[    1.000000] # mmtwin_core: pass:2 fail:0 skip:0 total:2
[    1.000000] # Totals: pass:2 fail:0 skip:0 total:2
[    1.000000] ok 1 mmtwin_core
"""

GOOD_SELFTESTS = """\
TAP version 13
1..1
# timeout set to 600
# selftests: core: core_test
# TAP version 13
# 1..2
# # Starting 2 tests from 1 test cases.
# ok 1 core.roots_exist
# ok 2 core.twins_listed
# # PASSED: 2 / 2 tests passed.
ok 1 selftests: core: core_test
"""


def section(kind, name, body="", rc=0):
    return f"@@ BEGIN {kind} {name}\n{body}@@ END {kind} {name} {rc}\n"


def good_results(ktap=GOOD_KTAP, selftests=GOOD_SELFTESTS, kunit_rc=0):
    return (f"@@ RUNID {RUN_ID}\n@@ KERNEL 6.12.117-mmtwin\n@@ TAINT start 0\n"
            + section("setup", "swap")
            + section("load", "mmtwin_core") + section("load", "mmtwin_buddy")
            + section("kunit", "mmtwin_core_kunit", ktap, kunit_rc)
            + section("unload", "mmtwin_core_kunit")
            + section("kselftest", "all", selftests)
            + section("unload", "mmtwin_buddy") + section("unload", "mmtwin_core")
            + "@@ TAINT end 274432\n@@ EXIT 0\n")


GOOD_CONSOLE = "[    0.000000] Linux version 6.12.117-mmtwin\n[    9.0] reboot: Power down\n"


class Run:
    """A made-up VM run directory with everything report.py reads."""

    def __init__(self, tmp):
        self.dir = tmp
        self.results = good_results()
        self.console = GOOD_CONSOLE
        self.skips = "# none\n"
        self.vm_status = 0
        self.run_id = RUN_ID
        self.write_results = True
        mods = os.path.join(tmp, "build")
        for m in ("modules/core/mmtwin_core", "modules/buddy/mmtwin_buddy",
                  "kunit/mmtwin_core_kunit"):
            os.makedirs(os.path.dirname(os.path.join(mods, m)), exist_ok=True)
            open(os.path.join(mods, m + ".ko"), "w").close()
        src = os.path.join(tmp, "kunit")
        os.makedirs(src)
        with open(os.path.join(src, "Kbuild"), "w") as f:
            f.write("obj-m += mmtwin_core_kunit.o\n"
                    "mmtwin_core_kunit-y := core_kunit.o\n")
        with open(os.path.join(src, "core_kunit.c"), "w") as f:
            f.write('static struct kunit_suite mmtwin_core_suite = {\n'
                    '\t.name = "mmtwin_core",\n\t.test_cases = cases,\n};\n')
        with open(os.path.join(tmp, "list.txt"), "w") as f:
            f.write("core:core_test\n")

    def judge(self):
        p = lambda n: os.path.join(self.dir, n)
        if self.write_results:
            open(p("results.txt"), "w").write(self.results)
        open(p("console.log"), "w").write(self.console)
        open(p("skips.txt"), "w").write(self.skips)
        cmd = [sys.executable, REPORT, "--label", "fixture",
               "--results", p("results.txt"), "--console", p("console.log"),
               "--vm-status", str(self.vm_status), "--run-id", self.run_id,
               "--modules", p("build"), "--kunit-src", p("kunit"),
               "--selftest-list", p("list.txt"), "--skips", p("skips.txt"),
               "--logdir", self.dir]
        if KUNIT_PY:
            cmd += ["--kunit-py", KUNIT_PY]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        counts = [l for l in proc.stdout.splitlines() if l.startswith("COUNTS ")]
        return proc, (list(map(int, counts[-1].split()[1:])) if counts else None)


def set_(attr, value):
    return lambda r: setattr(r, attr, value)


def replace(old, new):
    def mutate(r):
        assert old in r.results, old
        r.results = r.results.replace(old, new, 1)
    return mutate


# (what went wrong, how to make the run show it, words the failure must use)
FIXTURES = [
    ("KUnit module fails to load",
     set_("results", good_results(ktap="# modprobe: modprobe: can't load module\n",
                                  kunit_rc=1)),
     "module loads (modprobe status 1)"),
    ("KUnit module loads but runs none of its suites",
     set_("results", good_results(ktap="[    1.0] KTAP version 1\n[    1.0] 1..0\n")),
     "suite mmtwin_core ran"),
    ("KUnit module never reported",
     replace(section("kunit", "mmtwin_core_kunit", GOOD_KTAP), ""),
     "kunit mmtwin_core_kunit: never ran"),
    ("KUnit plan promises a suite that never printed",
     replace("[    1.000000] 1..1\n", "[    1.000000] 1..2\n"),
     "kunit.py parse verdict"),
    ("results.txt missing", set_("write_results", False), "results file exists"),
    ("stale results.txt from an older run", set_("run_id", "feedbeef"),
     "results belong to this run"),
    ("VM hung after the job (timeout)", set_("vm_status", 124), "status 124 (timeout)"),
    ("VM exited non-zero", set_("vm_status", 1), "powers off (status 1"),
    ("job never reported its exit", replace("@@ EXIT 0\n", ""),
     "exactly one exit status (found 0)"),
    ("job exit status non-zero", replace("@@ EXIT 0\n", "@@ EXIT 3\n"), "job exits 0"),
    ("output after @@ EXIT", replace("@@ EXIT 0\n", "@@ EXIT 0\nlate line\n"),
     "no output after @@ EXIT"),
    ("last test line without newline glues @@ END onto it",
     replace("ok 1 selftests: core: core_test\n@@ END",
             "ok 1 selftests: core: core_test@@ END"),
     "marker glued to test output"),
    ("section opened while another is open",
     replace("@@ END load mmtwin_core 0\n", ""),
     "load mmtwin_core: section never closed"),
    ("TAP plan 1..20 with one result",
     replace("# 1..2\n", "# 1..20\n"), "plan 1..20 but 2 results"),
    ("runner plan larger than the programs reported",
     replace("TAP version 13\n1..1\n", "TAP version 13\n1..3\n"),
     "plan 1..3 but 1 programs reported"),
    ("second collection's plan larger than its programs",
     replace("ok 1 selftests: core: core_test\n",
             "ok 1 selftests: core: core_test\nTAP version 13\n1..2\n"
             "# selftests: core: extra\nok 1 selftests: core: extra\n"),
     "plan 1..2 but 1 programs reported"),
    ("a listed kselftest program never ran",
     replace(GOOD_SELFTESTS, "TAP version 13\n1..0\n"),
     "kselftest core:core_test: never ran"),
    ("a failing kselftest case",
     replace("# ok 2 core.twins_listed", "# not ok 2 core.twins_listed"),
     "kselftest core:core_test: core.twins_listed"),
    ("a failing last case without a newline, the runner's line glued on",
     replace("# ok 2 core.twins_listed\n# # PASSED: 2 / 2 tests passed.\n"
             "ok 1 selftests: core: core_test\n",
             "# not ok 2 core.twins_listedok 1 selftests: core: core_test\n"),
     "kselftest core:core_test: core.twins_listed"),
    ("program killed by the runner's timeout",
     replace("ok 1 selftests: core: core_test\n",
             "not ok 1 selftests: core: core_test # TIMEOUT 600 seconds\n"),
     "TIMEOUT"),
    ("skip that is not on the lane's list",
     replace("# ok 2 core.twins_listed", "# ok 2 core.twins_listed # SKIP not loaded"),
     "unexpected skip (not loaded)"),
    ("twin load fails", replace("@@ END load mmtwin_buddy 0", "@@ END load mmtwin_buddy 1"),
     "load mmtwin_buddy (status 1)"),
    ("twin load never reported", replace(section("load", "mmtwin_buddy"), ""),
     "load mmtwin_buddy: never ran"),
    ("swap setup failed", replace("@@ END setup swap 0", "@@ END setup swap 1"),
     "setup swap (status 1)"),
    ("kernel tainted by a WARN that printed nowhere we read",
     replace("@@ TAINT end 274432", "@@ TAINT end 274944"), "new bits 0x200: W"),
    ("taint never reported", replace("@@ TAINT end 274432\n", ""),
     "taint at start and end"),
    ("skip list line without a CONFIG_ option",
     set_("skips", "kselftest core:core_test: x\tnot loaded\n"),
     "reporter could not judge the run"),
]
CONSOLE_REPORTS = [
    "BUG kmalloc-64 (Tainted: G           OE     ): Objects remaining on __kmem_cache_shutdown()",
    "kmem_cache_destroy kmalloc-128: Slab cache still has objects when called from slub_kmalloc_exit+0x1e/0x60 [mmtwin_slub]",
    "sysfs: cannot create duplicate filename '/kernel/mmtwin/buddy'",
    "debugfs: File 'buddy' in directory 'mmtwin' already present!",
    "kobject_add_internal failed for buddy with -EEXIST, don't try to register things with the same name in the same directory.",
    "insmod: page allocation failure: order:10, mode:0xcc0(GFP_KERNEL), nodemask=(null)",
    "Call Trace:",
    "WARNING: CPU: 1 PID: 88 at mm/page_alloc.c:4627 __alloc_pages+0x1/0x2",
    "watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [sh:90]",
    "INFO: task sh:91 blocked for more than 30 seconds.",
    "BUG: KASAN: slab-use-after-free in mmtwin_free+0x1/0x2",
    "WARNING: possible circular locking dependency detected",
]


def main():
    cases = 0
    bad = 0

    def check(ok, name, proc=None):
        nonlocal cases, bad
        cases += 1
        print(f"{'ok' if ok else 'not ok'} {cases} {name}")
        if not ok:
            bad += 1
            if proc is not None:
                for line in (proc.stdout + proc.stderr).splitlines()[-30:]:
                    print(f"# {line}")

    total = 2 + len(FIXTURES) + len(CONSOLE_REPORTS) + 1
    print("TAP version 13")
    print(f"1..{total}")
    with tempfile.TemporaryDirectory() as tmp:
        r = Run(tmp)
        proc, counts = r.judge()
        check(proc.returncode == 0 and counts is not None and counts[1] == 0
              and counts[0] >= 8, "a good run passes with no failure", proc)
        # The twin's own allocation-failure line is not the kernel's report.
        r.console = GOOD_CONSOLE + "[ 5.0] mmtwin_buddy: sh: page allocation failure: order:3\n"
        proc, counts = r.judge()
        check(counts is not None and counts[1] == 0,
              "the twin's counted allocation failure is not a kernel report", proc)

    for what, mutate, words in FIXTURES:
        with tempfile.TemporaryDirectory() as tmp:
            r = Run(tmp)
            mutate(r)
            proc, counts = r.judge()
            fails = [l for l in proc.stdout.splitlines()
                     if l.lstrip().startswith("FAIL") and words in l]
            check(counts is not None and counts[1] >= 1 and fails,
                  f"fails: {what}", proc)

    for line in CONSOLE_REPORTS:
        with tempfile.TemporaryDirectory() as tmp:
            r = Run(tmp)
            r.console = GOOD_CONSOLE + f"[   12.345678] {line}\n"
            proc, counts = r.judge()
            check(counts is not None and counts[1] == 1 and
                  "FAIL fixture: console clean" in proc.stdout,
                  f"fails on console: {line[:50]}", proc)

    with tempfile.TemporaryDirectory() as tmp:
        r = Run(tmp)
        r.skips = "kselftest core:core_test: core.twins_listed\tneeds CONFIG_FOO\n"
        proc, counts = r.judge()
        check(counts is not None and counts[1] == 0 and
              "expected to skip but passed" in proc.stdout,
              "an expected skip that passed is reported, not failed", proc)

    return 1 if bad else 0


if __name__ == "__main__":
    if not KUNIT_PY or not os.path.isfile(KUNIT_PY):
        print(f"KUNIT_PY must name the kernel's tools/testing/kunit/kunit.py (got '{KUNIT_PY}')")
        sys.exit(2)
    sys.exit(main())
