"""The results of evaluating one document: statuses, factor levels, the gap, the overall level.

Plain data over the checked model. What is costly to know (every status, the missing paths of
an unknown criterion, the message of an error) is asked of a `Details` object only when read:
the engine supplies one that runs the exact evaluator on demand, and `Settled` is the same
knowledge computed once, which a worker process sends back. Nothing here imports the engine.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from modenhet.check.model import CriterionDef, FactorDef, RuleSetModel

Status = Literal["met", "not_met", "unknown", "error"]
ERROR = "error"  # the status code of a criterion in error (True, False, None are the others)
STATUS_NAMES: dict[Any, Status] = {True: "met", False: "not_met", None: "unknown", ERROR: "error"}


class CriterionResult:
    """One criterion of one document: `.id .level .title .status .missing .message .advice .ref`."""

    __slots__ = (
        "_evaluation",
        "definition",
        "status",
        "id",
        "level",
        "title",
        "advice",
        "ref",
        "legal",
    )

    def __init__(self, evaluation: Evaluation, definition: CriterionDef, status: Status) -> None:
        self._evaluation = evaluation
        self.definition = definition
        self.status: Status = status
        self.id = definition.id
        self.level = definition.level
        self.title = definition.title
        self.advice = definition.advice
        self.ref = definition.ref
        self.legal = definition.legal

    @property
    def factor(self) -> str:
        return self.definition.factor_id

    @property
    def missing(self) -> list[str]:
        """The absent or null paths that make an unknown criterion unknown ([] otherwise)."""
        if self.status != "unknown":
            return []
        return self._evaluation.missing(self.definition.index)

    @property
    def message(self) -> str | None:
        """For an error: what went wrong, naming the criterion, the expression and the values."""
        if self.status != "error":
            return None
        return self._evaluation.message(self.definition.index)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "level": self.level,
            "title": self.title,
            "status": self.status,
            "missing": self.missing,
            "message": self.message,
            "advice": self.advice,
            "ref": self.ref,
            "legal": self.legal,
        }

    def gap_entry(self) -> dict[str, Any]:
        """What the report's gap lists: the spec's id, status, missing, then what to do."""
        return {
            "id": self.id,
            "status": self.status,
            "missing": self.missing,
            "legal": self.legal,
            "advice": self.advice,
            "ref": self.ref,
        }

    def __repr__(self) -> str:
        return f"<CriterionResult {self.factor}.{self.id} {self.status}>"


class FactorResult:
    """One factor of one document: its level and label, its criteria and the gap."""

    __slots__ = ("_evaluation", "definition", "level", "id", "title", "_criteria")

    def __init__(self, evaluation: Evaluation, definition: FactorDef, level: int) -> None:
        self._evaluation = evaluation
        self.definition = definition
        self.level = level
        self.id = definition.id
        self.title = definition.title
        self._criteria: list[CriterionResult] | None = None

    @property
    def label(self) -> str:
        return self._evaluation.model.label(self.level)

    @property
    def criteria(self) -> list[CriterionResult]:
        if self._criteria is None:
            evaluation = self._evaluation
            statuses = evaluation.statuses
            self._criteria = [
                CriterionResult(evaluation, c, STATUS_NAMES[statuses[c.index]])
                for c in self.definition.criteria
            ]
        return self._criteria

    @property
    def next_level(self) -> int | None:
        """The factor's next block above the reached level, or None at its highest block."""
        for block in self.definition.blocks:
            if block.number > self.level:
                return block.number
        return None

    @property
    def gap(self) -> list[CriterionResult]:
        """The criteria of the next block that are not met (spec section 6)."""
        target = self.next_level
        if target is None:
            return []
        return [c for c in self.criteria if c.level == target and c.status != "met"]

    @property
    def progress(self) -> tuple[int, int] | None:
        """How many of the next block's criteria are met already, of how many (None at the
        factor's highest block)."""
        target = self.next_level
        if target is None:
            return None
        block = [c for c in self.criteria if c.level == target]
        return sum(c.status == "met" for c in block), len(block)

    def to_dict(self) -> dict[str, Any]:
        progress = self.progress
        return {
            "title": self.title,
            "level": self.level,
            "label": self.label,
            "criteria": [c.to_dict() for c in self.criteria],
            "gap": [c.gap_entry() for c in self.gap],
            "next": None
            if progress is None
            else {"level": self.next_level, "met": progress[0], "of": progress[1]},
        }

    def __repr__(self) -> str:
        return f"<FactorResult {self.id} level {self.level}>"


class Details(Protocol):
    """What an evaluation learns only when asked: the engine's side of the lazy results."""

    def statuses(self) -> tuple[Any, ...]:
        """Each criterion's status code (True, False, None, "error"), by criterion index."""
        ...

    def missing(self, index: int) -> list[str]:
        """The missing paths of an unknown criterion, rendered as a rule would write them."""
        ...

    def message(self, index: int) -> str:
        """What went wrong in a criterion in error, naming it, the expression and the values."""
        ...


@dataclass(frozen=True)
class Settled:
    """All that reports read from an evaluation, computed: what a worker process of a batch
    run sends back instead of the evaluation (which holds the rule set and the document)."""

    statuses_known: tuple[Any, ...]
    levels: tuple[int, ...]
    overall: int
    as_of: datetime.date
    missing_paths: dict[int, list[str]]  # of each unknown criterion, by index
    messages: dict[int, str]  # of each criterion in error, by index

    def statuses(self) -> tuple[Any, ...]:
        return self.statuses_known

    def missing(self, index: int) -> list[str]:
        return list(self.missing_paths.get(index, []))

    def message(self, index: int) -> str:
        return self.messages[index]


class Evaluation:
    """The result of `RuleSet.evaluate`: `.overall`, `.factors` (by ID, in rule-file order)."""

    __slots__ = ("model", "_statuses", "levels", "overall", "as_of", "_details", "_factors")

    def __init__(
        self,
        model: RuleSetModel,
        statuses: tuple[Any, ...] | None,
        levels: tuple[int, ...],
        overall: int,
        as_of: datetime.date,
        details: Details,
    ) -> None:
        self.model = model
        self._statuses = statuses
        self.levels = levels
        self.overall = overall
        self.as_of = as_of
        self._details = details
        self._factors: dict[str, FactorResult] | None = None

    @classmethod
    def from_settled(cls, model: RuleSetModel, settled: Settled) -> Evaluation:
        """An evaluation made elsewhere with the same rule set, as `settle` recorded it."""
        return cls(
            model, settled.statuses_known, settled.levels, settled.overall, settled.as_of, settled
        )

    def settle(self) -> Settled:
        """Every status, missing path and error message, computed now."""
        statuses = self.statuses
        missing = {i: self.missing(i) for i, status in enumerate(statuses) if status is None}
        errors = {i: self.message(i) for i, status in enumerate(statuses) if status == ERROR}
        return Settled(statuses, self.levels, self.overall, self.as_of, missing, errors)

    @property
    def overall_label(self) -> str:
        return self.model.label(self.overall)

    @property
    def statuses(self) -> tuple[Any, ...]:
        """Each criterion's status code (True, False, None, "error"), by criterion index.

        The levels are known without them; they are computed when first read.
        """
        if self._statuses is None:
            self._statuses = self._details.statuses()
        return self._statuses

    @property
    def factors(self) -> Mapping[str, FactorResult]:
        if self._factors is None:
            self._factors = {
                factor.id: FactorResult(self, factor, level)
                for factor, level in zip(self.model.factors, self.levels, strict=True)
            }
        return self._factors

    def missing(self, index: int) -> list[str]:
        """The missing paths of an unknown criterion, rendered as a rule would write them."""
        return self._details.missing(index)

    def message(self, index: int) -> str:
        """What went wrong in a criterion in error, naming it, the expression and the values."""
        return self._details.message(index)

    @property
    def legal_floor(self) -> list[CriterionResult]:
        """Every criterion stating a legal duty that is not met, in any block, in rule order."""
        return [
            criterion
            for factor in self.factors.values()
            for criterion in factor.criteria
            if criterion.legal and criterion.status != "met"
        ]

    def factors_dict(self) -> dict[str, Any]:
        return {fid: factor.to_dict() for fid, factor in self.factors.items()}

    def __repr__(self) -> str:
        levels = ", ".join(f"{f.id}={f.level}" for f in self.factors.values())
        return f"<Evaluation overall {self.overall}: {levels}>"
