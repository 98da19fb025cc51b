"""The checked rule set: what the checker hands to the compilers.

Plain frozen data with the AST of each condition; nothing here refers to Lark or to files
other than for display.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from modenhet.language import nodes as n
from modenhet.source import Source, Span
from modenhet.values import floor_level

OverallMode = Literal["min", "mean", "weighted"]


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    label: str


@dataclass(frozen=True, slots=True)
class CriterionDef:
    """One criterion with its place: `index` counts criteria across the whole rule set."""

    index: int
    factor_id: str
    id: str
    level: int
    title: str
    when: n.Expr
    advice: str | None
    ref: str | None
    span: Span
    legal: bool = False  # states a legal duty: the legal floor


@dataclass(frozen=True, slots=True)
class LevelBlockDef:
    number: int
    criteria: tuple[CriterionDef, ...]


@dataclass(frozen=True, slots=True)
class FactorDef:
    id: str
    title: str
    weight: Fraction
    blocks: tuple[LevelBlockDef, ...]
    span: Span
    criteria: tuple[CriterionDef, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        criteria = tuple(c for block in self.blocks for c in block.criteria)
        object.__setattr__(self, "criteria", criteria)


@dataclass(frozen=True, slots=True)
class LetDef:
    name: str
    expr: n.Expr
    span: Span


@dataclass(frozen=True, slots=True)
class RuleSetModel:
    """Everything a compiler needs, in rule-file order."""

    name: str
    version: str | None
    levels: tuple[Level, ...]
    overall: OverallMode
    lets: dict[str, LetDef]
    factors: tuple[FactorDef, ...]
    sources: tuple[Source, ...]
    schema_path: Path | None
    schema: dict[str, Any] | None
    sha256: str
    expr_kinds: dict[int, frozenset[str]]  # the checker's static kinds, by id() of each node

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with `expr_kinds` keyed by the nodes themselves: an id() means nothing in
        another process, and pickle keeps each node's identity within the one copy."""
        state = {f.name: getattr(self, f.name) for f in fields(self)}
        kinds = self.expr_kinds
        state["expr_kinds"] = [
            (node, kinds[id(node)])
            for node in _nodes((self.lets, self.factors))
            if id(node) in kinds
        ]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        state["expr_kinds"] = {id(node): kinds for node, kinds in state["expr_kinds"]}
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def floor(self) -> int:
        return self.levels[0].number

    @property
    def criteria(self) -> tuple[CriterionDef, ...]:
        return tuple(c for factor in self.factors for c in factor.criteria)

    def factor_levels(
        self, statuses: tuple[Any, ...], *, reaching: tuple[Any, ...]
    ) -> tuple[int, ...]:
        """Each factor's highest level whose criteria, and those of every block below, all have
        a status code (True, False, None, "error") in `reaching` (spec section 6)."""
        levels: list[int] = []
        for factor in self.factors:
            level = self.floor
            for block in factor.blocks:
                if not all(statuses[c.index] in reaching for c in block.criteria):
                    break
                level = block.number
            levels.append(level)
        return tuple(levels)

    def overall_of(self, levels: tuple[int, ...]) -> int:
        """The overall level from the factor levels, by the rule set's `overall` (section 3),
        computed exactly."""
        declared = tuple(level.number for level in self.levels)
        if not levels:
            return self.floor
        if self.overall == "min":
            return min(levels)
        weights = [f.weight if self.overall == "weighted" else Fraction(1) for f in self.factors]
        total = sum((w * level for w, level in zip(weights, levels, strict=True)), Fraction(0))
        mean = total / sum(weights, Fraction(0))
        return floor_level(mean.numerator, mean.denominator, declared)

    def bounds_of(self, statuses: tuple[Any, ...]) -> tuple[tuple[int, ...], int]:
        """Each factor's `level_max` and the document's `overall_max` (spec 9.1): the levels
        reached were every unknown criterion met; not met and error stay as they are."""
        levels = self.factor_levels(statuses, reaching=(True, None))
        return levels, self.overall_of(levels)

    def label(self, level: int) -> str:
        for declared in self.levels:
            if declared.number == level:
                return declared.label
        raise KeyError(level)


def _nodes(value: Any) -> list[Any]:
    """Every dataclass object reachable from `value` through fields, tuples, lists and dicts,
    each once (the AST nodes of the conditions and lets among them)."""
    found: list[Any] = []
    seen: set[int] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif is_dataclass(item) and not isinstance(item, type) and id(item) not in seen:
            if isinstance(item, (Source, Span)):
                continue
            seen.add(id(item))
            found.append(item)
            stack.extend(getattr(item, f.name) for f in fields(item))
    return found
