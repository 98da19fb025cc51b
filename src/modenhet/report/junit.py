"""`modenhet test -f junit`: JUnit XML for CI systems, a testsuite per test file and a
testcase per case; the same run gives the same bytes (no timestamps, no durations)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from modenhet.authoring.ruletests.runner import TestRun
from modenhet.report.ruletests_text import mismatch_lines

_XML_INVALID = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0xFFFE, 0xFFFF], "\ufffd"
)


def _xml(text: str) -> str:
    """Text XML 1.0 can hold (evidence may carry control characters)."""
    return text.translate(_XML_INVALID)


def junit(run: TestRun, *, verbose: bool = False) -> str:
    """JUnit XML: a testsuite per test file, a testcase per case; the same run gives the same
    bytes (no timestamps, no durations)."""
    suites = ET.Element("testsuites", name="modenhet test")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    by_case = {id(result.case): result for result in run.results}
    for test_file in run.files:
        suite = ET.SubElement(suites, "testsuite", name=_xml(test_file.path))
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if test_file.rules is not None:
            properties = ET.SubElement(suite, "properties")
            ET.SubElement(properties, "property", name="rules", value=_xml(test_file.rules))
            if test_file.as_of is not None:
                ET.SubElement(properties, "property", name="as_of", value=str(test_file.as_of))
        if not test_file.runnable:
            counts["tests"] += 1
            counts["errors"] += 1
            case_element = ET.SubElement(
                suite, "testcase", classname=_xml(test_file.path), name="(the test file)"
            )
            problems = [p.render() for p in test_file.problems if p.severity == "error"]
            error = ET.SubElement(
                case_element, "error", message=_xml(problems[0].split("\n")[0] if problems else "")
            )
            error.text = _xml("\n".join(problems))
        for case in test_file.cases if test_file.runnable else []:
            counts["tests"] += 1
            case_element = ET.SubElement(
                suite,
                "testcase",
                classname=_xml(test_file.path),
                name=_xml(case.name),
                file=_xml(case.file),
                line=str(case.line),
            )
            result = by_case.get(id(case))
            if result is None:
                counts["errors"] += 1
                problems = [p.render() for p in case.problems if p.severity == "error"]
                first = problems[0].split("\n")[0] if problems else "not run"
                error = ET.SubElement(case_element, "error", message=_xml(first))
                error.text = _xml("\n".join(problems))
            elif not result.passed:
                counts["failures"] += 1
                details = [line for m in result.mismatches for line in mismatch_lines(result, m)]
                failure = ET.SubElement(
                    case_element,
                    "failure",
                    message=_xml("; ".join(m.summary for m in result.mismatches)),
                    type="mismatch",
                )
                failure.text = _xml("\n".join(details))
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        suites.set(key, str(value))
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
