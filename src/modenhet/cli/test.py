"""`modenhet test`: run rule tests (YAML files of evidence and expected levels), report each
failure with the criteria that made the difference, and measure coverage."""

from __future__ import annotations

import sys
import xml.etree.ElementTree as ET
from fractions import Fraction

import click
from tabulate import tabulate

from modenhet.cli.common import (
    OK,
    OUTPUT,
    PROBLEM,
    check_output,
    fail,
    output,
    report_format,
    rule_set_files,
    stderr,
)
from modenhet.ruletests import (
    STATUSES,
    CaseResult,
    Coverage,
    Mismatch,
    TestRun,
    parse_threshold,
    percent_text,
)


def _threshold(ctx: click.Context, param: click.Parameter, value: str | None) -> Fraction | None:
    if value is None:
        return None
    try:
        return parse_threshold(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="Report, per criterion, whether the cases saw it met, not met and unknown; per factor, "
    "the levels some case stood at; and the total.",
)
@click.option(
    "--fail-under",
    metavar="PERCENT",
    callback=_threshold,
    help="Exit with status 1 when the coverage of a rule set is below PERCENT (exact: 99.99 "
    "is below 100).",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["text", "junit"]),
    default="text",
    show_default=True,
    help="text for people; junit: JUnit XML for CI systems.",
)
@OUTPUT
@click.option("-v", "--verbose", is_flag=True, help="Name every case, also those that pass.")
def test(
    *,
    paths: tuple[str, ...],
    show_coverage: bool,
    fail_under: Fraction | None,
    format_: str,
    output_path: str | None,
    verbose: bool,
) -> None:
    """Run rule tests: evidence and the levels and statuses a rule set must give for it.

    PATH is a test file (YAML) or a folder, searched recursively for *.test.yaml and
    *.test.yml. Without PATH, the tests that ship with the default rule set are run. Each
    failure shows the expected and the actual value and the criteria that made the
    difference, with the evidence they read. See docs/testing-rules.md for the format.

    \b
    Examples:
        modenhet test
        modenhet test rules/ --coverage --fail-under 100
        modenhet test my.test.yaml -f junit -o test-results.xml
    """
    from modenhet.resources import default_rules_path
    from modenhet.ruletests import PathNotFound, discover, run_tests

    format_ = report_format(format_, output_path, ("text", "junit"))
    default = default_rules_path()
    try:
        files = discover(paths, default.parent)
    except PathNotFound as error:
        fail(f"{error.path}: error: no such file or folder")
    run = run_tests(files, default)
    check_output(
        output_path,
        [test_file.path for test_file in run.files]
        + [path for f in run.files if f.ruleset is not None for path in rule_set_files(f.ruleset)],
    )
    for problem in run.problems:
        stderr(problem.render())
    with output(output_path) as out:
        if format_ == "junit":
            out.write(junit(run))
        else:
            out.write(text(run, verbose))
    # Next to JUnit XML on standard output, what people read goes to standard error.
    human = sys.stderr if format_ == "junit" and output_path is None else sys.stdout
    status = OK if run.results and not run.failed and not run.errors else PROBLEM
    if not files:
        stderr("error: no test files found (a folder is searched for *.test.yaml and *.test.yml)")
    elif not run.results and not run.errors:
        stderr("error: no test case was run")
    for coverage in run.coverage:
        if show_coverage:
            click.echo(coverage_report(coverage), file=human)
        elif fail_under is not None:
            click.echo(total_line(coverage), file=human)
        if fail_under is not None and coverage.below(fail_under):
            stderr(
                f"error: the coverage of {coverage.rules}, {percent_text(coverage.percent)} % "
                f"({coverage.covered} of {coverage.total}), is below --fail-under "
                f"{_fraction_text(fail_under)}"
            )
            status = PROBLEM
    sys.exit(status)


def _fraction_text(value: Fraction) -> str:
    """The threshold as it was written (it was read exactly from decimal digits)."""
    from decimal import Decimal, localcontext

    with localcontext() as context:
        context.prec = 50
        return str(Decimal(value.numerator) / Decimal(value.denominator))


# ------------------------------------------------------------------------------------- text


def text(run: TestRun, verbose: bool) -> str:
    lines: list[str] = []
    by_file: dict[str, list[CaseResult]] = {}
    for result in run.results:
        by_file.setdefault(result.case.file, []).append(result)
    for test_file in run.files:
        if test_file.runnable and test_file.as_of is not None:
            results = by_file.get(test_file.path, [])
            lines.append(
                f"{test_file.path}: {len(test_file.cases)} case(s) against {test_file.rules}, "
                f"as of {test_file.as_of.isoformat()}"
            )
        else:
            lines.append(f"{test_file.path}: not run (errors in the test file)")
            continue
        for result in results:
            if result.passed:
                if verbose:
                    lines.append(f"  ok    {result.case.name}")
                continue
            lines.append(f"  FAIL  {result.case.name}  ({result.case.file}:{result.case.line})")
            for mismatch in result.mismatches:
                lines += ["    " + line for line in mismatch_lines(result, mismatch)]
        broken = [c for c in test_file.cases if not c.runnable]
        for case in broken:
            lines.append(f"  ERROR {case.name}  ({case.file}:{case.line}): not run")
    errors = sum(1 for f in run.files for c in f.cases if not c.runnable and f.runnable)
    summary = f"{run.passed} passed, {run.failed} failed"
    if errors:
        summary += f", {errors} not run"
    bad_files = sum(1 for f in run.files if not f.runnable)
    if bad_files:
        summary += f"; {bad_files} test file(s) not run"
    lines.append(summary)
    return "\n".join(lines) + "\n"


def mismatch_lines(result: CaseResult, mismatch: Mismatch) -> list[str]:
    from modenhet.cli.explain import tree

    expected = mismatch.expectation
    lines = [f"{result.case.file}:{expected.line}: {mismatch.summary}"]
    if mismatch.note:
        lines.append(f"  {mismatch.note}")
    for reason in mismatch.reasons:
        missing = f"; missing {', '.join(reason.missing)}" if reason.missing else ""
        message = f"; {reason.message}" if reason.message else ""
        lines.append(
            f"  {reason.factor}.{reason.id} (level {reason.level}) "
            f"— {reason.status.replace('_', ' ')}{missing}{message}  [{reason.file}:{reason.line}]"
        )
        lines += tree(reason.why, "    ")
    return lines


# --------------------------------------------------------------------------------- coverage


def total_line(coverage: Coverage) -> str:
    counted = len(coverage.levels_counted)
    return (
        f"Coverage of {coverage.rules}: {percent_text(coverage.percent)} % "
        f"({coverage.covered} of {coverage.total}: criteria seen met and not met "
        f"{coverage.criteria_covered} of {2 * len(coverage.criteria)}, levels stood at "
        f"{coverage.levels_covered} of {counted})"
    )


def coverage_report(coverage: Coverage) -> str:
    """Per criterion, how many cases saw each status; per factor, how many cases stood at
    each level; what no case covered; the total."""
    rows = [
        [f"{c.factor}.{c.id}", str(c.level)] + [str(c.seen[status]) for status in STATUSES]
        for c in coverage.criteria
    ]
    criteria = tabulate(
        rows,
        headers=["Criterion", "Level", *STATUSES],
        disable_numparse=True,
        colalign=("left", "right", "right", "right", "right", "right"),
    )
    numbers = sorted({level.level for level in coverage.levels})
    factors: dict[str, dict[int, str]] = {}
    for level in coverage.levels:
        cell = str(level.cases) if level.possible else "(never)"
        factors.setdefault(level.factor, {})[level.level] = cell
    level_rows = [
        [factor] + [cells.get(number, "–") for number in numbers]
        for factor, cells in factors.items()
    ]
    levels = tabulate(
        level_rows,
        headers=["Cases at level", *map(str, numbers)],
        disable_numparse=True,
        colalign=("left", *["right"] * len(numbers)),
    )
    parts = [
        f"Coverage of {coverage.name} ({coverage.rules}) by {coverage.cases} case(s)",
        "",
        criteria,
        "",
        levels,
        "",
    ]
    missing = list(coverage.uncovered())
    if missing:
        parts += ["Not covered:", *[f"  {item}" for item in missing], ""]
    parts.append(total_line(coverage))
    return "\n".join(parts)


# ------------------------------------------------------------------------------------ JUnit

_XML_INVALID = dict.fromkeys(
    [c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)] + [0xFFFE, 0xFFFF], "\ufffd"
)


def _xml(text: str) -> str:
    """Text XML 1.0 can hold (evidence may carry control characters)."""
    return text.translate(_XML_INVALID)


def junit(run: TestRun) -> str:
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
