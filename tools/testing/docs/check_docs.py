#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Check mmtwin's Documentation/ against docutils and against the code.

  check_docs.py TOP

1. Every Documentation/*.rst parses with Debian's docutils without a
   warning (report and halt level: warning).
2. Every entry of Documentation/ABI/*/* has What, Date, KernelVersion,
   Contact and Description, in that order, Description indented.
3. Every debugfs file (debugfs_create_file, mmtwin_fault_debugfs) and
   sysfs attribute (__ATTR*) a module creates has a What: line.
4. Every tracepoint (TRACE_EVENT, DEFINE_EVENT) of modules/*/trace.h has a
   section "mmtwin:<name>" in Documentation/tracepoints.rst naming each of
   its fields.
Prints TAP; exits 1 on any failure.
"""
import glob
import io
import os
import re
import sys

import docutils.core
import docutils.utils

top = sys.argv[1]
results = []


def ok(good, name, detail=""):
    results.append((good, name, detail))


def check_rst():
    for path in sorted(glob.glob(os.path.join(top, "Documentation", "*.rst"))):
        err = io.StringIO()
        try:
            docutils.core.publish_doctree(
                open(path).read(), source_path=path,
                settings_overrides={"report_level": 2, "halt_level": 2,
                                    "warning_stream": err})
            good = not err.getvalue()
        except docutils.utils.SystemMessage as e:
            err.write(str(e))
            good = False
        ok(good, f"docutils: {os.path.relpath(path, top)}", err.getvalue())


ABI_KEYS = ["What", "Date", "KernelVersion", "Contact", "Description"]


def abi_entries():
    """(file, [What paths]) for every entry of every ABI file."""
    entries = []
    for path in sorted(glob.glob(os.path.join(top, "Documentation/ABI/*/*"))):
        rel = os.path.relpath(path, top)
        block = []
        for line in open(path).read().split("\n") + [""]:
            if line.startswith("What:") and block and not block[-1].startswith("What:"):
                entries.append((rel, block))
                block = []
            if line.strip() or block:
                block.append(line)
        if block:
            entries.append((rel, block))
    return entries


def check_abi():
    whats = set()
    for rel, block in abi_entries():
        keys = []
        for line in block:
            m = re.match(r"^([A-Za-z]+):(\t|$)", line)
            if m:
                keys.append(m.group(1))
                if m.group(1) == "What":
                    whats.add(line.split(None, 1)[1].strip())
            elif line.strip() and not line.startswith("\t"):
                keys.append(f"unindented: {line!r}")
        dedup = [k for i, k in enumerate(keys) if k != "What" or i == 0]
        good = dedup == ABI_KEYS
        ok(good, f"ABI {rel}: {block[0].split(None, 1)[1]}",
           f"keys {keys}, want What.. then {ABI_KEYS[1:]}")
    return whats


def created_files():
    """(path, source) of every debugfs file and sysfs attribute."""
    found = []
    for src in sorted(glob.glob(os.path.join(top, "modules/*/*.c"))):
        twin = os.path.basename(os.path.dirname(src))
        text = open(src).read()
        droot = "/sys/kernel/debug/mmtwin" + ("" if twin == "core" else f"/{twin}")
        for name in re.findall(r'debugfs_create_(?:file|file_unsafe|bool|u32|u64|ulong)'
                               r'\("([a-z_]+)"', text):
            found.append((f"{droot}/{name}", src))
        for name in re.findall(r'mmtwin_fault_debugfs\("([a-z_]+)"', text):
            found.append((f"{droot}/{name}/", src))
        # [a-z] first: "_name" is a macro's parameter, not a file.
        for name in re.findall(r"__ATTR(?:_RW_MODE|_RO|_WO|_RW)?\(([a-z][a-z0-9_]*)", text):
            found.append((f"/sys/kernel/mmtwin/{twin}/{name}", src))
    return found


def check_coverage(whats):
    for path, src in created_files():
        ok(path in whats, f"ABI documents {path}",
           f"created in {os.path.relpath(src, top)}, no 'What: {path}'")


def check_tracepoints():
    doc = open(os.path.join(top, "Documentation/tracepoints.rst")).read()
    sections = {}
    for m in re.finditer(r"^mmtwin:([a-z_0-9]+)\n-+\n(.*?)(?=^mmtwin:[a-z_0-9]+\n-+\n|\Z)",
                         doc, re.S | re.M):
        sections[m.group(1)] = m.group(2)
    for hdr in sorted(glob.glob(os.path.join(top, "modules/*/trace.h"))):
        text = open(hdr).read()
        classes = {}
        for m in re.finditer(r"(TRACE_EVENT|DECLARE_EVENT_CLASS)\((\w+),(.*?)\n\);", text, re.S):
            fields = re.findall(r"__(?:field|string|array)\([^,]+,\s*(\w+)", m.group(3))
            fields += re.findall(r"__string\((\w+)", m.group(3))
            classes[m.group(2)] = (m.group(1), sorted(set(fields)))
        events = {n: f for n, (k, f) in classes.items() if k == "TRACE_EVENT"}
        for cls, name in re.findall(r"DEFINE_EVENT\((\w+),\s*(\w+)", text):
            events[name] = classes[cls][1]
        for name, fields in sorted(events.items()):
            body = sections.get(name)
            missing = [f for f in fields if body is None or f"``{f}``" not in body]
            ok(body is not None and not missing,
               f"tracepoints.rst documents mmtwin:{name}",
               "no section" if body is None else f"fields not named: {missing}")


check_rst()
check_coverage(check_abi())
check_tracepoints()
print("TAP version 13")
for i, (good, name, detail) in enumerate(results, 1):
    print(f"{'ok' if good else 'not ok'} {i} {name}")
    if not good and detail:
        print("\n".join("# " + l for l in detail.splitlines()))
print(f"1..{len(results)}")
sys.exit(0 if all(g for g, _, _ in results) else 1)
