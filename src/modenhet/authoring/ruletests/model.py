"""What a rule test file says and what running it found: the problems located in a file, the
cases and their expected values, and the mismatches with the criteria that explain them. Plain
data: the reader fills it, the runner adds results, `modenhet.cli.test` reports.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from modenhet.engine.ruleset import RuleSet
from modenhet.errors import SEVERITY_WORDS, Diagnostic
from modenhet.i18n import N_, Text, in_language, translator
from modenhet.results import Evaluation

STATUSES = ("met", "not_met", "unknown", "error")
Severity = Literal["error", "warning"]
Key = str | int  # a step of a path into the YAML document: a mapping key or a list index


@dataclass(frozen=True)
class Problem:
    """Something wrong with a test file, where it is: `FILE:LINE: error: MESSAGE`; `message`
    in English (JUnit), `render(language)` for people."""

    file: str
    line: int | None
    message: str
    severity: Severity = "error"
    column: int | None = None
    detail: str | None = None  # further lines (a rule file's source line and caret)
    text: Text | None = None  # the message to translate
    diagnostic: Diagnostic | None = None  # a rule file's, rendered as `check` renders it

    @classmethod
    def of(cls, file: str, line: int | None, text: Text, severity: Severity = "error") -> Problem:
        return cls(file, line, str(text), severity, text=text)

    def render(self, language: str = "en") -> str:
        if self.diagnostic is not None:
            return self.diagnostic.render(language)
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        severity = translator(language).gettext(SEVERITY_WORDS[self.severity])
        text = f"{where}: {severity}: {in_language(self.text or self.message, language)}"
        return f"{text}\n{self.detail}" if self.detail else text

    @classmethod
    def of_diagnostic(cls, diagnostic: Diagnostic) -> Problem:
        _, _, rest = diagnostic.render().partition("\n")
        return cls(
            diagnostic.file,
            diagnostic.line,
            diagnostic.message,
            diagnostic.severity,
            diagnostic.column,
            rest or None,
            diagnostic.text,
            diagnostic,
        )


@dataclass(frozen=True)
class Expectation:
    """One expected value of a case: the overall level, a factor's level or a criterion's
    status (with, optionally, its missing paths)."""

    kind: Literal["overall", "factor", "criterion"]
    target: str  # "" for overall, the factor ID, or FACTOR.CRITERION
    line: int
    level: int | None = None
    status: str | None = None
    missing: tuple[str, ...] | None = None

    def describe(self) -> Text:
        if self.kind == "criterion":
            return status_text(self.status or "", self.missing)
        return level_text(self.level)


@dataclass
class Case:
    """One named case: the evidence (overrides applied) and what it must give."""

    name: str
    file: str
    line: int
    document: dict[str, Any] | None
    as_of: datetime.date | None
    expectations: list[Expectation]
    problems: list[Problem] = field(default_factory=list)

    @property
    def runnable(self) -> bool:
        if self.document is None or self.as_of is None:
            return False
        return not any(p.severity == "error" for p in self.problems)


@dataclass
class TestFile:
    """A test file as read: its rule set and cases, and every problem found in it. A file with
    an error outside its cases runs no case; a case with an error is not run."""

    __test__ = False  # not a pytest class

    path: str
    rules: str | None = None  # the rule set's path, as shown
    ruleset: RuleSet | None = None
    as_of: datetime.date | None = None
    cases: list[Case] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def runnable(self) -> bool:
        return self.ruleset is not None and not any(p.severity == "error" for p in self.problems)


@dataclass
class CriterionReason:
    """A criterion that made the difference, with its status and why (`modenhet explain`'s
    tree: every value read, with its JSON pointer, or missing)."""

    factor: str
    id: str
    level: int
    title: str
    status: str
    missing: list[str]
    message: str | None
    file: str
    line: int
    why: dict[str, Any]


@dataclass
class Mismatch:
    """An expected value that the rule set did not give."""

    expectation: Expectation
    actual: str | Text
    reasons: list[CriterionReason] = field(default_factory=list)
    note: str | Text | None = None

    @property
    def summary(self) -> str:
        """In English, as JUnit carries it; `summary_text` for people."""
        return str(self.summary_text)

    @property
    def summary_text(self) -> Text:
        return Text(
            N_("%(target)s: expected %(expected)s, got %(actual)s"),
            target=self.expectation.target or Text(N_("overall")),
            expected=self.expectation.describe(),
            actual=self.actual,
        )


@dataclass
class CaseResult:
    case: Case
    evaluation: Evaluation
    mismatches: list[Mismatch]

    @property
    def passed(self) -> bool:
        return not self.mismatches


# A status as failures name it: in English as the test file writes it (`not_met`), in the
# other languages in words.
STATUS_TEXTS = {
    "met": N_("met"),
    "not_met": N_("not_met"),
    "unknown": N_("unknown"),
    "error": N_("error"),
}


def status_text(status: str, missing: Sequence[str] | None) -> Text:
    """A status as failures show it; with the missing paths when the test expects them."""
    word = Text(STATUS_TEXTS.get(status, status))
    if missing is None:
        return word
    if not missing:
        return Text(N_("%(status)s (missing: nothing)"), status=word)
    return Text(N_("%(status)s (missing: %(paths)s)"), status=word, paths=", ".join(missing))


def level_text(level: int | None) -> Text:
    """`level 3`, in the reader's language."""
    return Text(N_("level %(level)s"), level=level)
