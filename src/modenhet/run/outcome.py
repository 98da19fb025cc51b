"""A batch run: every evidence document read, validated and evaluated in input order.

The CLI and the reporters share this; a document that cannot be read or does not validate
becomes an outcome with its problems, and the run goes on with the others.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from modenhet.errors import Severity, Violation
from modenhet.evidence.reader import EvidenceItem
from modenhet.results import Evaluation

if TYPE_CHECKING:  # only the engine makes a RuleSet; reporters import this module without it
    from modenhet.engine.ruleset import RuleSet

PROBLEMS_IN_A_CELL = 10
SEVERITIES: tuple[Severity, Severity] = ("error", "warning")  # the columns of problems, in order


@dataclass
class Outcome:
    """One document of the run: where it came from, and its evaluation or its problems."""

    item: EvidenceItem
    evaluation: Evaluation | None
    problems: list[Violation]

    @property
    def source(self) -> str:
        return self.item.source

    @property
    def municipality(self) -> Any:
        return self.item.municipality

    @property
    def failed(self) -> bool:
        return self.evaluation is None

    @property
    def errors(self) -> list[Violation]:
        """The problems that stopped the document (none for an evaluated one)."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Violation]:
        """The problems that did not stop it: a document is evaluated with warnings."""
        return [p for p in self.problems if p.severity != "error"]

    def problems_in_brief(
        self, *, pointers: bool, severity: Severity = "error", lang: str = "en"
    ) -> tuple[list[str], int]:
        """The first problems of one severity, whole, in the reader's language, as text for
        one cell of a table, and how many more there are: a document with thousands of
        violations must not make a cell no spreadsheet opens (Excel holds 32,767 characters
        in one)."""
        listed = self.errors if severity == "error" else self.warnings
        shown = [
            f"{p.pointer}: {p.message_in(lang)}" if pointers and p.pointer else p.message_in(lang)
            for p in listed[:PROBLEMS_IN_A_CELL]
        ]
        return shown, len(listed) - len(shown)


@dataclass(frozen=True)
class RunInfo:
    """What a report records about the run itself."""

    ruleset: RuleSet
    as_of: datetime.date
    tool_version: str
    lang: str = "nn"  # the language of the report's own words (modenhet.i18n)
    excel: bool = False  # CSV as a Norwegian Excel opens it: BOM, semicolons, decimal comma
    inputs: tuple[str, ...] = ()  # the evidence files (after folders), `-` for standard input
    color: bool = False  # the terminal table's statuses in colour (`--color`, NO_COLOR, ...)


def input_set(files: Sequence[str]) -> dict[str, Any]:
    """What the JSON report records of the run's inputs: the evidence files in the order they
    were read, their count and a SHA-256 over the list (each name, then a NUL byte), so that
    `--verify` can list the documents again and see one removed, repeated or moved."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode("utf-8", "surrogateescape") + b"\0")
    return {"files": list(files), "count": len(files), "sha256": digest.hexdigest()}


# How a streaming format renders one document's record (`modenhet.report.RECORDS`).
Render = Callable[[RunInfo, Outcome], str]


def record(outcome: Outcome) -> dict[str, Any]:
    """One result object of the JSON report (spec section 8): the evaluation, or the errors
    that stopped it; then, where there are any, the warnings (which stop nothing). The report
    writes it; `--verify` derives it again and compares."""
    result: dict[str, Any] = {"source": outcome.source, "sha256": outcome.item.sha256}
    evaluation = outcome.evaluation
    errors, warnings = outcome.errors, outcome.warnings
    if evaluation is None and not errors:  # unread, and why only said as warnings: listed
        errors, warnings = outcome.problems, []  # as what stopped it, so the list is not empty
    if evaluation is None:
        if outcome.item.document is not None:
            result["municipality"] = outcome.municipality
        result["error"] = [problem_entry(problem) for problem in errors]
    else:
        result["municipality"] = outcome.municipality
        result.update(evaluation.to_dict())
    if warnings:
        result["warnings"] = [problem_entry(problem) for problem in warnings]
    return result


def problem_entry(problem: Violation) -> dict[str, str]:
    """A problem as the JSON report lists it: where, the English message, and its severity."""
    return {"pointer": problem.pointer, "message": problem.message, "severity": problem.severity}


def evaluate_items(
    ruleset: RuleSet, items: Iterable[EvidenceItem], as_of: datetime.date, *, validate: bool
) -> Iterator[Outcome]:
    for item in items:
        # A document fails on errors only: with warnings alone it is evaluated, and they are
        # reported beside its result.
        problems = list(item.problems)
        if item.document is None or _has_error(problems):
            yield Outcome(item, None, problems)
            continue
        if validate:
            problems += item.locate(ruleset.violations(item.document))
            if _has_error(problems):
                yield Outcome(item, None, problems)
                continue
        yield Outcome(item, ruleset.evaluate(item.document, as_of, full=True), problems)


def _has_error(problems: Sequence[Violation]) -> bool:
    return any(problem.severity == "error" for problem in problems)


def municipality_name(outcome: Outcome) -> str:
    """`Bergen (4601)`, or the source when the document names no municipality."""
    municipality = outcome.municipality
    if isinstance(municipality, dict):
        name, number = municipality.get("name"), municipality.get("number")
        if isinstance(name, str) and isinstance(number, str):
            return f"{name} ({number})"
        if isinstance(name, str) or isinstance(number, str):
            return str(name or number)
    return outcome.source
