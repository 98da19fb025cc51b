"""The model both two-sided analyses share: `compare` (two runs of the same municipalities) and
`impact` (two rule sets over the same evidence) each pair an OLD and a NEW side, and say how
levels and criterion statuses moved between them.

Plain data: the analyses fill it, the reporters (`modenhet.report.diff_json`,
`compare_table`, `impact_table`) write it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from modenhet.errors import Severity, Violation
from modenhet.i18n import people_date

if TYPE_CHECKING:
    from gettext import NullTranslations

Status = Literal["met", "not_met", "unknown", "error"]
# "bounds": the proven level is the same, its level_max is not (spec 9.4: a change in either
# bound is a change; it is neither an improvement nor a regression).
Movement = Literal["up", "down", "same", "bounds"]
Change = Literal["up", "down", "same", "bounds", "added", "removed"]
CriterionChangeKind = Literal["added", "removed", "changed"]
OLD: Literal["OLD"] = "OLD"
NEW: Literal["NEW"] = "NEW"

T = TypeVar("T")


@dataclass(frozen=True)
class Problem:
    """An error or warning of the analysis: `FILE[:LINE][#POINTER]: severity: MESSAGE`.

    `message` is English (stderr and JSON). A warning the table shows too keeps its message id
    and values, so that the table can say it in the reader's language (a date as people write
    it there, `30.06.2025`; ISO in `message`).
    """

    where: str  # "" for the analysis as a whole
    severity: Severity
    message: str
    template: str = ""  # the message id, "" for a message that is not translated
    values: tuple[tuple[str, str | datetime.date], ...] = ()

    @classmethod
    def at(cls, source: str, violation: Violation) -> Problem:
        return cls(violation.where(source), violation.severity, violation.message)

    @classmethod
    def worded(
        cls, where: str, severity: Severity, template: str, **values: str | datetime.date
    ) -> Problem:
        """A problem whose message is `template % values`, a message id marked with `N_`."""
        english = {
            name: value.isoformat() if isinstance(value, datetime.date) else value
            for name, value in values.items()
        }
        return cls(where, severity, template % english, template, tuple(values.items()))

    def translated(self, translations: NullTranslations) -> str:
        if not self.template:
            return self.message
        shown = {
            name: people_date(value) if isinstance(value, datetime.date) else value
            for name, value in self.values
        }
        return translations.gettext(self.template) % shown

    def render(self) -> str:
        if not self.where:
            return f"{self.severity}: {self.message}"
        return f"{self.where}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class RulesetInfo:
    name: str
    version: str | None
    sha256: str

    def __str__(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}


@dataclass(frozen=True)
class LevelChange:
    """A level under OLD and under NEW (None where that side has no such factor), with its
    `level_max` (None where the side does not record it: a report from before bounds)."""

    old: int | None
    new: int | None
    old_label: str | None = None
    new_label: str | None = None
    old_max: int | None = None
    new_max: int | None = None
    old_label_max: str | None = None
    new_label_max: str | None = None

    @property
    def moved(self) -> Movement | None:
        """By the proven level; where it is the same, "bounds" when level_max moved. None
        where one side has no level to compare."""
        if self.old is None or self.new is None:
            return None
        if self.new != self.old:
            return "up" if self.new > self.old else "down"
        if self.old_max is not None and self.new_max is not None and self.old_max != self.new_max:
            return "bounds"
        return "same"

    @property
    def change(self) -> Change:
        """`moved`, or added / removed for a factor only NEW / only OLD has."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        moved = self.moved
        assert moved is not None
        return moved


class _FactorLevels(Protocol):
    """A factor on one side: a report's snapshot of it, or a result of the engine."""

    @property
    def level(self) -> int: ...

    @property
    def label(self) -> str | None: ...

    @property
    def level_max(self) -> int | None: ...

    @property
    def label_max(self) -> str | None: ...


class _OverallLevels(Protocol):
    """A document's overall level on one side, with its bound."""

    @property
    def overall(self) -> int: ...

    @property
    def overall_label(self) -> str | None: ...

    @property
    def overall_max(self) -> int | None: ...

    @property
    def overall_label_max(self) -> str | None: ...


def factor_levels(then: _FactorLevels | None, now: _FactorLevels | None) -> LevelChange:
    """A factor's levels under OLD and NEW (None where that side has no such factor)."""
    return LevelChange(
        then.level if then else None,
        now.level if now else None,
        then.label if then else None,
        now.label if now else None,
        then.level_max if then else None,
        now.level_max if now else None,
        then.label_max if then else None,
        now.label_max if now else None,
    )


def overall_levels(before: _OverallLevels, after: _OverallLevels) -> LevelChange:
    """A document's overall level under OLD and NEW."""
    return LevelChange(
        before.overall,
        after.overall,
        before.overall_label,
        after.overall_label,
        before.overall_max,
        after.overall_max,
        before.overall_label_max,
        after.overall_label_max,
    )


@dataclass(frozen=True)
class FactorChange:
    id: str
    title: str  # NEW's title, or OLD's for a factor NEW does not have
    levels: LevelChange


@dataclass(frozen=True)
class CriterionChange:
    """A criterion, matched by factor ID and criterion ID, whose status (or level block) is not
    the same on both sides; a level of None means the criterion is not in that side's rules."""

    factor: str
    id: str
    title: str
    old_level: int | None
    old: Status | None
    new_level: int | None
    new: Status | None

    @property
    def key(self) -> str:
        return f"{self.factor}.{self.id}"

    @property
    def level(self) -> int:
        """The level block it stands in: NEW's, or OLD's where NEW does not have it."""
        level = self.new_level if self.new_level is not None else self.old_level
        assert level is not None
        return level

    @property
    def change(self) -> CriterionChangeKind:
        if self.old_level is None:
            return "added"
        if self.new_level is None:
            return "removed"
        return "changed"


class Placed(Protocol):
    """What a side knows of a criterion: its title and its level block."""

    @property
    def title(self) -> str: ...

    @property
    def level(self) -> int: ...


def criterion_change(
    factor: str,
    criterion: str,
    was: Placed | None,
    is_: Placed | None,
    old: Status | None = None,
    new: Status | None = None,
) -> CriterionChange:
    """A criterion of either side, titled as NEW has it (as OLD has it where NEW does not)."""
    described = is_ or was
    assert described is not None
    old_level = was.level if was else None
    new_level = is_.level if is_ else None
    return CriterionChange(factor, criterion, described.title, old_level, old, new_level, new)


def paired(old: Mapping[str, T], new: Mapping[str, T]) -> Iterator[tuple[str, T | None, T | None]]:
    """Every ID of either side with its OLD and NEW value: NEW's order, then OLD's others."""
    for key in dict.fromkeys([*new, *old]):
        yield key, old.get(key), new.get(key)


def display_name(number: str | None, name: str | None, fallback: str) -> str:
    """`Molde (1506)`, like `evaluate` names a municipality."""
    if name and number:
        return f"{name} ({number})"
    return name or number or fallback


def municipality_of(value: Any) -> tuple[str | None, str | None]:
    """The number and name of a document's `municipality` value, where they are strings."""
    if not isinstance(value, dict):
        return None, None
    number, name = value.get("number"), value.get("name")
    return (
        number if isinstance(number, str) and number else None,
        name if isinstance(name, str) and name else None,
    )
