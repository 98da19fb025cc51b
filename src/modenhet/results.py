"""The results of evaluating one document: statuses, factor levels, the gap, the overall level.

The engine hands over plain tuples; the objects here are built on first access, and the
missing paths of an unknown criterion are computed by the exact evaluator only when read.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Literal

from modenhet.exact import Failure, Result, Unknown
from modenhet.model import CriterionDef, FactorDef, RuleSetModel
from modenhet.values import render_path

Status = Literal["met", "not_met", "unknown", "error"]
ERROR = "error"  # the status code of a criterion in error (True, False, None are the others)
STATUS_NAMES: dict[Any, Status] = {True: "met", False: "not_met", None: "unknown", ERROR: "error"}


class CriterionResult:
    """One criterion of one document: `.id .level .title .status .missing .message .advice .ref`."""

    __slots__ = ("_evaluation", "definition", "status")

    def __init__(self, evaluation: Evaluation, definition: CriterionDef, status: Status) -> None:
        self._evaluation = evaluation
        self.definition = definition
        self.status: Status = status

    id = property(lambda self: self.definition.id)
    factor = property(lambda self: self.definition.factor_id)
    level = property(lambda self: self.definition.level)
    title = property(lambda self: self.definition.title)
    advice = property(lambda self: self.definition.advice)
    ref = property(lambda self: self.definition.ref)

    @property
    def missing(self) -> list[str]:
        """The absent or null paths that make an unknown criterion unknown ([] otherwise)."""
        if self.status != "unknown":
            return []
        result = self._evaluation.exact_result(self.definition.index)
        if not isinstance(result, Unknown):
            return []
        hidden = self._evaluation.hidden_roots
        return [render_path(path, hidden) for path in result.missing]

    @property
    def message(self) -> str | None:
        """For an error: what went wrong, naming the criterion, the expression and the values."""
        if self.status != "error":
            return None
        result = self._evaluation.exact_result(self.definition.index)
        detail = result.message if isinstance(result, Failure) else "error"
        return f"{self.factor}.{self.id}: {detail}"

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
        }

    def __repr__(self) -> str:
        return f"<CriterionResult {self.factor}.{self.id} {self.status}>"


class FactorResult:
    """One factor of one document: its level and label, its criteria and the gap."""

    def __init__(self, evaluation: Evaluation, definition: FactorDef, level: int) -> None:
        self._evaluation = evaluation
        self.definition = definition
        self.level = level

    id = property(lambda self: self.definition.id)
    title = property(lambda self: self.definition.title)

    @property
    def label(self) -> str:
        return self._evaluation.model.label(self.level)

    @cached_property
    def criteria(self) -> list[CriterionResult]:
        return [self._evaluation.criterion(c) for c in self.definition.criteria]

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "level": self.level,
            "label": self.label,
            "criteria": [c.to_dict() for c in self.criteria],
            "gap": [{"id": c.id, "status": c.status, "missing": c.missing} for c in self.gap],
        }

    def __repr__(self) -> str:
        return f"<FactorResult {self.id} level {self.level}>"


class Evaluation:
    """The result of `RuleSet.evaluate`: `.overall`, `.factors` (by ID, in rule-file order)."""

    def __init__(
        self,
        model: RuleSetModel,
        statuses: tuple[Any, ...],
        levels: tuple[int, ...],
        overall: int,
        as_of: datetime.date,
        exact: Callable[[int], Result],
        hidden_roots: frozenset[str],
    ) -> None:
        self.model = model
        self.statuses = statuses
        self.levels = levels
        self.overall = overall
        self.as_of = as_of
        self._exact = exact
        self.hidden_roots = hidden_roots
        self._criteria: dict[int, CriterionResult] = {}

    @property
    def overall_label(self) -> str:
        return self.model.label(self.overall)

    @cached_property
    def factors(self) -> Mapping[str, FactorResult]:
        return {
            factor.id: FactorResult(self, factor, level)
            for factor, level in zip(self.model.factors, self.levels, strict=True)
        }

    def criterion(self, definition: CriterionDef) -> CriterionResult:
        found = self._criteria.get(definition.index)
        if found is None:
            status = STATUS_NAMES[self.statuses[definition.index]]
            found = self._criteria[definition.index] = CriterionResult(self, definition, status)
        return found

    def exact_result(self, index: int) -> Result:
        return self._exact(index)

    def factors_dict(self) -> dict[str, Any]:
        return {fid: factor.to_dict() for fid, factor in self.factors.items()}

    def __repr__(self) -> str:
        levels = ", ".join(f"{f.id}={f.level}" for f in self.factors.values())
        return f"<Evaluation overall {self.overall}: {levels}>"
