#!/usr/bin/env python3
"""ctest check: afterclose-junit's XML as a dashboard reads it (well-formed, classname = suite,
failure message with expected vs observed errno, the skip reason as the text of <skipped>, the
kernel as a suite property, the rest of the old per-case properties in <system-out>)."""
import subprocess
import sys
import xml.etree.ElementTree as ET

junit, results, labels = sys.argv[1:4]
run = subprocess.run([junit, "--labels", labels, results], capture_output=True, text=True)
if run.returncode != 1:  # the testdata holds a failure: exit 1
    sys.exit(f"afterclose-junit exited {run.returncode}: {run.stderr}")
root = ET.fromstring(run.stdout)
problems = []


def want(cond, what):
    if not cond:
        problems.append(what)


want(root.get("tests") == "5" and root.get("failures") == "1" and root.get("errors") == "1"
     and sum(int(s.get("skipped")) for s in root.iter("testsuite")) == 2, f"totals: {root.attrib}")
want(root.get("skipped") is None, "no skip count on <testsuites> (the strict schemas refuse it)")
cases = {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}
fail = cases.get(("timewait", "bind_loopback_succeeds"))
want(fail is not None, "the failed test case")
if fail is not None:
    f = fail.find("failure")
    want(f is not None and f.get("message") ==
         "bind 127.0.0.1:9999: expected OK, observed EADDRINUSE", "failure message")
    want(not list(fail.iter("property")), "no properties in a <testcase>")
    out = fail.findtext("system-out", "")
    want("kernel: 6.1.0\niface_kind: veth\nlabels: root\n" in out, f"details {out!r}")
suites = {s.get("name"): s for s in root.iter("testsuite")}
props = {p.get("name"): p.get("value") for p in suites["timewait"].iter("property")}
want(props == {"kernel": "6.1.0"}, f"suite properties {props}")
skip = cases.get(("timers", "time_wait_lasts_60s"))
want(skip is not None and skip.findtext("skipped") ==
     "unshare(CLONE_NEWUSER) as uid 65534: Operation not permitted", "skip message")
want(cases.get(("timers", "fin_timeout_<&\"'>")) is not None, "escaped name")
crash = cases.get(("closeseq", "fin_wait2_then_time_wait"))
want(crash is not None and crash.find("error") is not None, "crash is an <error>")
for p in problems:
    print("MISMATCH:", p, file=sys.stderr)
print("junit: %d test cases, %d problems" % (len(list(root.iter("testcase"))), len(problems)))
sys.exit(1 if problems else 0)
