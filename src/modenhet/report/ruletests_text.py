"""`modenhet test`'s report for people: each test file, each failing case with the criteria
that made the difference (the tree `explain` shows), the summary, and the coverage tables."""

from __future__ import annotations

import datetime

from tabulate import tabulate

from modenhet.authoring.ruletests.coverage import Coverage, percent_text
from modenhet.authoring.ruletests.model import STATUSES, CaseResult, Mismatch
from modenhet.authoring.ruletests.runner import TestRun
from modenhet.i18n import in_language, people_date, translator
from modenhet.report.explain_text import tree
from modenhet.report.words import status_word


def text(run: TestRun, *, verbose: bool = False, lang: str = "en") -> str:
    """The report in the reader's language; names, paths, statuses as the test file writes
    them (`not_met`) and the rule set's texts as they are."""
    words = translator(lang)
    _, ngettext = words.gettext, words.ngettext
    marks = {"ok": _("ok"), "fail": _("FAIL"), "error": _("ERROR")}
    width = max(5, *map(len, marks.values()))
    ok, fail, error = (word.ljust(width) for word in marks.values())
    lines: list[str] = []
    by_file: dict[str, list[CaseResult]] = {}
    for result in run.results:
        by_file.setdefault(result.case.file, []).append(result)
    for test_file in run.files:
        if test_file.runnable and test_file.as_of is not None:
            results = by_file.get(test_file.path, [])
            count = len(test_file.cases)
            lines.append(
                ngettext(
                    "%(path)s: %(count)s case(s) against %(rules)s, as of %(date)s",
                    "%(path)s: %(count)s case(s) against %(rules)s, as of %(date)s",
                    count,
                )
                % {
                    "path": test_file.path,
                    "count": count,
                    "rules": test_file.rules,
                    "date": _date(test_file.as_of, lang),
                }
            )
        else:
            lines.append(
                _("%(path)s: not run (errors in the test file)") % {"path": test_file.path}
            )
            continue
        for result in results:
            case = result.case
            if result.passed:
                if verbose:
                    lines.append(f"  {ok} {case.name}")
                continue
            lines.append(f"  {fail} {case.name}  ({case.file}:{case.line})")
            for mismatch in result.mismatches:
                lines += ["    " + line for line in mismatch_lines(result, mismatch, lang)]
        broken = [c for c in test_file.cases if not c.runnable]
        for case in broken:
            not_run = _("not run")
            lines.append(f"  {error} {case.name}  ({case.file}:{case.line}): {not_run}")
    lines.append(summary_line(run, lang))
    return "\n".join(lines) + "\n"


def summary_line(run: TestRun, lang: str = "en") -> str:
    """`38 passed, 1 failed`, with the cases and files that could not run."""
    words = translator(lang)
    _, ngettext = words.gettext, words.ngettext
    summary = _("%(passed)s passed, %(failed)s failed") % {
        "passed": run.passed,
        "failed": run.failed,
    }
    errors = sum(1 for f in run.files for c in f.cases if not c.runnable and f.runnable)
    if errors:
        summary += ", " + _("%(count)s not run") % {"count": errors}
    bad_files = sum(1 for f in run.files if not f.runnable)
    if bad_files:
        summary += "; " + ngettext(
            "%(count)s test file(s) not run", "%(count)s test file(s) not run", bad_files
        ) % {"count": bad_files}
    return summary


def _date(day: datetime.date, lang: str) -> str:
    """ISO in English (as the test file writes it), 30.06.2025 in Norwegian."""
    return day.isoformat() if lang == "en" else people_date(day)


def mismatch_lines(result: CaseResult, mismatch: Mismatch, lang: str = "en") -> list[str]:
    words = translator(lang)
    _ = words.gettext
    expected = mismatch.expectation
    lines = [f"{result.case.file}:{expected.line}: {mismatch.summary_text.render(lang)}"]
    if mismatch.note:
        lines.append(f"  {in_language(mismatch.note, lang)}")
    for reason in mismatch.reasons:
        missing = "; " + _("missing %(paths)s") % {"paths": ", ".join(reason.missing)}
        message = f"; {reason.message}" if reason.message else ""
        level = _("level %(level)s") % {"level": reason.level}
        lines.append(
            f"  {reason.factor}.{reason.id} ({level}) — {status_word(reason.status, _)}"
            f"{missing if reason.missing else ''}{message}  [{reason.file}:{reason.line}]"
        )
        lines += tree(reason.why, "    ", _)
    return lines


# --------------------------------------------------------------------------------- coverage


def total_line(coverage: Coverage, lang: str = "en") -> str:
    _ = translator(lang).gettext
    return _(
        "Coverage of %(rules)s: %(percent)s %% (%(covered)s of %(total)s: criteria seen met and "
        "not met %(criteria)s of %(criteria_total)s, levels stood at %(levels)s of "
        "%(levels_total)s)"
    ) % {
        "rules": coverage.rules,
        "percent": _percent(coverage, lang),
        "covered": coverage.covered,
        "total": coverage.total,
        "criteria": coverage.criteria_covered,
        "criteria_total": 2 * len(coverage.criteria),
        "levels": coverage.levels_covered,
        "levels_total": len(coverage.levels_counted),
    }


def _percent(coverage: Coverage, lang: str) -> str:
    """`99.99` in English, `99,99` in Norwegian (a decimal comma)."""
    number = percent_text(coverage.percent)
    return number if lang == "en" else number.replace(".", ",")


def coverage_report(coverage: Coverage, lang: str = "en") -> str:
    """Per criterion, how many cases saw each status; per factor, how many cases stood at
    each level; what no case covered; the total."""
    words = translator(lang)
    _, ngettext = words.gettext, words.ngettext
    rows = [
        [f"{c.factor}.{c.id}", str(c.level)] + [str(c.seen[status]) for status in STATUSES]
        for c in coverage.criteria
    ]
    # English heads the statuses as test files write them (`not_met`); other languages in words
    statuses = list(STATUSES) if lang == "en" else [status_word(s, _) for s in STATUSES]
    criteria = tabulate(
        rows,
        headers=[_("Criterion"), _("Level"), *statuses],
        disable_numparse=True,
        colalign=("left", "right", "right", "right", "right", "right"),
    )
    numbers = sorted({level.level for level in coverage.levels})
    factors: dict[str, dict[int, str]] = {}
    for level in coverage.levels:
        cell = str(level.cases) if level.possible else _("(never)")
        factors.setdefault(level.factor, {})[level.level] = cell
    level_rows = [
        [factor] + [cells.get(number, "–") for number in numbers]
        for factor, cells in factors.items()
    ]
    levels = tabulate(
        level_rows,
        headers=[_("Cases at level"), *map(str, numbers)],
        disable_numparse=True,
        colalign=("left", *["right"] * len(numbers)),
    )
    head = ngettext(
        "Coverage of %(name)s (%(rules)s) by %(count)s case(s)",
        "Coverage of %(name)s (%(rules)s) by %(count)s case(s)",
        coverage.cases,
    ) % {"name": coverage.name, "rules": coverage.rules, "count": coverage.cases}
    parts = [head, "", criteria, "", levels, ""]
    missing = [item.render(lang) for item in coverage.uncovered()]
    if missing:
        parts += [_("Not covered:"), *[f"  {item}" for item in missing], ""]
    parts.append(total_line(coverage, lang))
    return "\n".join(parts)
