"""`modenhet test`'s report for people: each test file, each failing case with the criteria
that made the difference (the tree `explain` shows), the summary, and the coverage tables."""

from __future__ import annotations

from tabulate import tabulate

from modenhet.authoring.ruletests.coverage import Coverage, percent_text
from modenhet.authoring.ruletests.model import STATUSES, CaseResult, Mismatch
from modenhet.authoring.ruletests.runner import TestRun
from modenhet.report.explain_text import tree


def text(run: TestRun, *, verbose: bool = False) -> str:
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
