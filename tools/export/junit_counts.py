"""afterclose's merged JUnit read by python3-junitparser, against ctest's own JUnit of the same
run: every ctest test is there with ctest's verdict, and the totals a dashboard shows (tests,
failures + errors, skipped) are ctest's. ctest's verdicts are its summary's: status "fail" and a
"notrun" that is not a skip (a failed fixture, a missing program) failed. A case where ctest
and the record disagree is a failure of type "disagreement" and is listed.
    junit_counts.py AFTERCLOSE-JUNIT.xml CTEST-JUNIT.xml"""
import collections
import sys
import xml.etree.ElementTree as ET

from junitparser import Error, Failure, JUnitXml, Skipped

ours_path, ctest_path = sys.argv[1:3]
SKIPS = ("SKIP_RETURN_CODE=", "SKIP_REGULAR_EXPRESSION_MATCHED")


def ctest_verdict(case):
    status = case.get("status")
    if status in ("run", "fail"):
        return {"run": "pass", "fail": "fail"}[status]
    skipped = case.find("skipped")
    message = skipped.get("message", "") if skipped is not None else ""
    return "skip" if status == "disabled" or message.startswith(SKIPS) else "error"


ctest = collections.defaultdict(list)
for case in ET.parse(ctest_path).getroot().iter("testcase"):
    ctest[case.get("name")].append(ctest_verdict(case))

ours = collections.defaultdict(list)
disagreements = []
xml = JUnitXml.fromfile(ours_path)
problems = []
for suite in xml:
    n = collections.Counter()
    for case in suite:
        kinds = [r for r in case.result if isinstance(r, (Failure, Error, Skipped))]
        r = kinds[0] if kinds else None
        v = ("fail" if isinstance(r, Failure) else "error" if isinstance(r, Error)
             else "skip" if isinstance(r, Skipped) else "pass")
        n[v] += 1
        name = f"{case.classname}/{case.name}"
        if name not in ctest and case.classname == case.name:
            name = case.name
        ours[name].append(v)
        if v == "fail" and r.type == "disagreement":
            disagreements.append(f"{name}: {r.message}")
    header = (suite.tests, suite.failures, suite.errors, suite.skipped)
    if header != (sum(n.values()), n["fail"], n["error"], n["skip"]):
        problems.append(f"suite {suite.name}: header {header} but cases {dict(n)}")

for name in sorted(set(ctest) | set(ours)):
    want, got = sorted(ctest.get(name, [])), sorted(ours.get(name, []))
    ok = len(want) == len(got) and all(
        w == g or (w == "fail" and g == "error") or
        (g == "fail" and w in ("pass", "skip") and any(d.startswith(name + ":")
                                                      for d in disagreements))
        for w, g in zip(want, got))
    if not ok:
        problems.append(f"{name}: ctest {want or 'absent'}, JUnit {got or 'absent'}")

c = collections.Counter(v for vs in ctest.values() for v in vs)
o = collections.Counter(v for vs in ours.values() for v in vs)
print(f"ctest:       {sum(c.values())} tests, {c['fail'] + c['error']} failed "
      f"({c['fail']} failed, {c['error']} not run), {c['skip']} skipped")
print(f"junitparser: {sum(o.values())} tests, {o['fail']} failures, {o['error']} errors, "
      f"{o['skip']} skipped; {len(disagreements)} ctest/record disagreements")
for d in disagreements:
    print(f"  disagreement: {d}")
flipped = sum(1 for d in disagreements if "ctest: skipped" in d)
if (sum(o.values()), o["fail"] + o["error"], o["skip"]) != (
        sum(c.values()), c["fail"] + c["error"] + len(disagreements), c["skip"] - flipped):
    problems.append("the totals differ from ctest's")
for p in problems:
    print("MISMATCH:", p, file=sys.stderr)
sys.exit(1 if problems else 0)
