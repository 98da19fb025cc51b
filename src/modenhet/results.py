"""The results of evaluating one document: statuses, factor levels and their bounds, the gap,
what to collect next, the overall level.

Plain data over the checked model. What is costly to know (every status, the missing paths of
an unknown criterion, the message of an error) is asked of a `Details` object only when read:
the engine supplies one that runs the exact evaluator on demand, and `Settled` is the same
knowledge computed once, which a worker process sends back. Nothing here imports the engine.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import FrozenInstanceError, dataclass, field
from typing import Any, Literal, Protocol

from modenhet.check.model import CriterionDef, FactorDef, RuleSetModel
from modenhet.evidence.schemawalk import field_title
from modenhet.values import parse_path

Status = Literal["met", "not_met", "unknown", "error"]
ERROR = "error"  # the status code of a criterion in error (True, False, None are the others)
STATUS_NAMES: dict[Any, Status] = {True: "met", False: "not_met", None: "unknown", ERROR: "error"}


class _SetOnce:
    """The guarantee of a frozen dataclass for the slotted result classes: a public attribute
    is set in `__init__` (with `object.__setattr__`, as a frozen dataclass does) and never
    again, and `__slots__` admits no new one. The private slots are the lazily computed parts,
    filled in when first read."""

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if name[0] != "_":
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __setstate__(self, state: Any) -> None:
        """Unpickled as `__init__` sets the fields (pickle gives `(None, {slot: value})`)."""
        for part in state if isinstance(state, tuple) else (state,):
            for name, value in (part or {}).items():
                object.__setattr__(self, name, value)


class CriterionResult(_SetOnce):
    """One criterion of one document: `.id .level .title .status .missing .message .advice .ref`.

    Made only when a factor's `criteria` are read, and then cheaply: the status is stored, the
    definition's fields are read from it when asked (a report's `to_dict` makes no objects)."""

    __slots__ = ("_evaluation", "definition", "status")

    _evaluation: Evaluation
    definition: CriterionDef
    status: Status

    def __init__(self, evaluation: Evaluation, definition: CriterionDef, status: Status) -> None:
        setattr_ = object.__setattr__  # the fields, once (class _SetOnce)
        setattr_(self, "_evaluation", evaluation)
        setattr_(self, "definition", definition)
        setattr_(self, "status", status)

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def level(self) -> int:
        return self.definition.level

    @property
    def title(self) -> str:
        return self.definition.title

    @property
    def advice(self) -> str | None:
        return self.definition.advice

    @property
    def ref(self) -> str | None:
        return self.definition.ref

    @property
    def legal(self) -> bool:
        return self.definition.legal

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

    def missing_fields(self) -> list[MissingField]:
        """The missing paths with the titles the evidence schema gives them, and whether each
        holds a partial value: what a report names for people (the title, the path beside)."""
        missing = self.missing
        if not missing:
            return []
        evaluation = self._evaluation
        partly = evaluation.partly_known(self.definition.index)
        return [
            MissingField(path, evaluation.field_title(path), path in partly) for path in missing
        ]

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


class FactorResult(_SetOnce):
    """One factor of one document: its level (proven) and `level_max` (possible), its label,
    its criteria and the gap."""

    __slots__ = ("_evaluation", "definition", "level", "id", "title", "_criteria", "_number")

    _evaluation: Evaluation
    definition: FactorDef
    level: int
    id: str
    title: str
    _criteria: list[CriterionResult] | None
    _number: int  # the factor's place in the rule set

    def __init__(
        self, evaluation: Evaluation, definition: FactorDef, level: int, number: int
    ) -> None:
        object.__setattr__(self, "__class__", _FillingFactorResult)  # see `_unguarded`
        self._evaluation = evaluation
        self.definition = definition
        self.level = level
        self.id = definition.id
        self.title = definition.title
        self._criteria = None
        self._number = number  # the factor's place in the rule set
        self.__class__ = FactorResult

    @property
    def label(self) -> str:
        return self._evaluation.model.label(self.level)

    @property
    def level_max(self) -> int:
        """The level the factor would reach were every unknown criterion met (spec 9.1)."""
        return self._evaluation.levels_max[self._number]

    @property
    def label_max(self) -> str:
        return self._evaluation.model.label(self.level_max)

    @property
    def bounded(self) -> bool:
        """True when the proven level and `level_max` differ: the level is not settled."""
        return self.level_max != self.level

    @property
    def decided(self) -> tuple[int, int]:
        """How many of the factor's criteria are met or not met, of how many (spec 9.1)."""
        statuses = self._evaluation.statuses
        criteria = self.definition.criteria
        decided = 0
        for criterion in criteria:
            status = statuses[criterion.index]
            if status is True or status is False:
                decided += 1
        return decided, len(criteria)

    @property
    def criteria(self) -> list[CriterionResult]:
        if self._criteria is None:
            evaluation = self._evaluation
            statuses = evaluation.statuses
            names, make = STATUS_NAMES, _criterion_result
            self._criteria = [
                make(evaluation, c, names[statuses[c.index]]) for c in self.definition.criteria
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
        return [c for c in self.criteria if c.status != "met" and c.definition.level == target]

    @property
    def progress(self) -> tuple[int, int] | None:
        """How many of the next block's criteria are met already, of how many (None at the
        factor's highest block)."""
        target = self.next_level
        if target is None:
            return None
        block = [c for c in self.criteria if c.definition.level == target]
        return sum(c.status == "met" for c in block), len(block)

    def to_collect(self) -> list[ToCollect]:
        """The missing paths that stand between the proven level and `level_max`, the ones
        that could unlock the most levels first (docs/auditing.md, "What to collect next").

        They are the missing paths of the unknown criteria in the blocks above the proven
        level, up to `level_max`. A path could unlock the levels from the highest one the
        factor can still reach without it (its unknown criteria taken as not met, every
        other unknown criterion as met) up to `level_max`: counted on the rule set's scale of
        levels, it is how many levels cannot be proven until the path is filled in."""
        if self.level_max == self.level:
            return []
        evaluation = self._evaluation
        first_block: dict[str, int] = {}  # the lowest block whose unknown criteria name it
        below: dict[int, int] = {}  # each block: the highest level reachable under it
        named: dict[str, int] = {}  # how many unknown criteria name it
        partial: set[str] = set()
        reachable = self.level
        for block in self.definition.blocks:
            if block.number <= self.level:
                continue
            if block.number > self.level_max:
                break
            below[block.number] = reachable
            for criterion in block.criteria:
                if evaluation.statuses[criterion.index] is not None:
                    continue
                partly = evaluation.partly_known(criterion.index)
                for path in evaluation.missing(criterion.index):
                    first_block.setdefault(path, block.number)
                    named[path] = named.get(path, 0) + 1
                    if path in partly:
                        partial.add(path)
            reachable = block.number
        declared = [level.number for level in evaluation.model.levels]
        found: list[ToCollect] = []
        for path, block_number in first_block.items():
            without = below[block_number]
            unlocks = sum(without < number <= self.level_max for number in declared)
            found.append(
                ToCollect(
                    path,
                    evaluation.field_title(path),
                    path in partial,
                    unlocks,
                    ((self.id, unlocks),),
                    named[path],
                )
            )
        return sorted_to_collect(found)

    def to_dict(self) -> dict[str, Any]:
        """The factor as the JSON report has it, read straight from the statuses (no
        `CriterionResult` is made for it)."""
        evaluation = self._evaluation
        statuses = evaluation.statuses
        target = self.next_level
        criteria: list[dict[str, Any]] = []
        gap: list[dict[str, Any]] = []
        met = of = 0
        for c in self.definition.criteria:
            index = c.index
            status = STATUS_NAMES[statuses[index]]
            missing = evaluation.missing(index) if status == "unknown" else []
            criteria.append(
                {
                    "id": c.id,
                    "level": c.level,
                    "title": c.title,
                    "status": status,
                    "missing": missing,
                    "message": evaluation.message(index) if status == "error" else None,
                    "advice": c.advice,
                    "ref": c.ref,
                    "legal": c.legal,
                }
            )
            if c.level == target:
                of += 1
                if status == "met":
                    met += 1
                else:
                    gap.append(
                        {
                            "id": c.id,
                            "status": status,
                            "missing": list(missing),
                            "legal": c.legal,
                            "advice": c.advice,
                            "ref": c.ref,
                        }
                    )
        decided, total = self.decided
        return {
            "title": self.title,
            "level": self.level,
            "label": self.label,
            "level_max": self.level_max,
            "label_max": self.label_max,
            "decided": {"criteria": decided, "of": total},
            "criteria": criteria,
            "gap": gap,
            "next": None if target is None else {"level": target, "met": met, "of": of},
        }

    def __repr__(self) -> str:
        return f"<FactorResult {self.id} level {level_text(self.level, self.level_max)}>"


@dataclass(frozen=True)
class MissingField:
    """A missing path of an unknown criterion, as a report names it."""

    path: str  # as a rule writes it, from the document root
    title: str | None  # the field's title in the evidence schema
    partial: bool  # the path holds a partial value ("partly known"), not nothing


@dataclass(frozen=True)
class ToCollect:
    """An evidence path to fill in: what it could unlock (`FactorResult.to_collect`)."""

    path: str  # as a rule writes it, from the document root
    title: str | None  # the field's title in the evidence schema
    partial: bool  # the path holds a partial value ("partly known"), not nothing
    levels: int  # how many levels it could unlock, over all the factors below
    factors: tuple[tuple[str, int], ...]  # (factor ID, levels it could unlock there)
    criteria: int  # the unknown criteria between the bounds that name it

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "partial": self.partial,
            "levels": self.levels,
            "factors": dict(self.factors),
            "criteria": self.criteria,
        }


def sorted_to_collect(found: list[ToCollect]) -> list[ToCollect]:
    """Most levels first, then the path named by more unknown criteria; ties keep the order
    in which the rule set first reads them (stable sort)."""
    return sorted(found, key=lambda item: (-item.levels, -item.criteria))


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

    def partly_known(self, index: int) -> frozenset[str]:
        """Of an unknown criterion's missing paths, those that hold a partial value."""
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
    levels_max: tuple[int, ...]
    overall_max: int
    partly: dict[int, frozenset[str]] = field(default_factory=dict)  # `partly_known`, by index

    def statuses(self) -> tuple[Any, ...]:
        return self.statuses_known

    def missing(self, index: int) -> list[str]:
        return list(self.missing_paths.get(index, []))

    def message(self, index: int) -> str:
        return self.messages[index]

    def partly_known(self, index: int) -> frozenset[str]:
        return self.partly.get(index, frozenset())


class Evaluation(_SetOnce):
    """The result of `RuleSet.evaluate`: `.overall` and `.overall_max`, `.decided`, `.factors`
    (by ID, in rule-file order)."""

    __slots__ = (
        "model",
        "_statuses",
        "levels",
        "overall",
        "as_of",
        "_details",
        "_factors",
        "_bounds",
    )

    model: RuleSetModel
    _statuses: tuple[Any, ...] | None
    levels: tuple[int, ...]
    overall: int
    as_of: datetime.date
    _details: Details
    _factors: dict[str, FactorResult] | None
    _bounds: tuple[tuple[int, ...], int] | None

    def __init__(
        self,
        model: RuleSetModel,
        statuses: tuple[Any, ...] | None,
        levels: tuple[int, ...],
        overall: int,
        as_of: datetime.date,
        details: Details,
        *,
        bounds: tuple[tuple[int, ...], int] | None = None,
    ) -> None:
        object.__setattr__(self, "__class__", _FillingEvaluation)  # see `_unguarded`
        self.model = model
        self._statuses = statuses
        self.levels = levels
        self.overall = overall
        self.as_of = as_of
        self._details = details
        self._factors = None
        # (levels_max, overall_max) when known in advance; else computed from the statuses.
        self._bounds = bounds
        self.__class__ = Evaluation

    @classmethod
    def from_settled(cls, model: RuleSetModel, settled: Settled) -> Evaluation:
        """An evaluation made elsewhere with the same rule set, as `settle` recorded it."""
        return cls(
            model,
            settled.statuses_known,
            settled.levels,
            settled.overall,
            settled.as_of,
            settled,
            bounds=(settled.levels_max, settled.overall_max),
        )

    def settle(self) -> Settled:
        """Every status, missing path and error message, computed now."""
        statuses = self.statuses
        missing = {i: self.missing(i) for i, status in enumerate(statuses) if status is None}
        errors = {i: self.message(i) for i, status in enumerate(statuses) if status == ERROR}
        partly: dict[int, frozenset[str]] = {}
        for i, status in enumerate(statuses):
            if status is None and (paths := self.partly_known(i)):
                partly[i] = paths
        return Settled(
            statuses,
            self.levels,
            self.overall,
            self.as_of,
            missing,
            errors,
            self.levels_max,
            self.overall_max,
            partly,
        )

    @property
    def overall_label(self) -> str:
        return self.model.label(self.overall)

    @property
    def levels_max(self) -> tuple[int, ...]:
        """Each factor's `level_max` (spec 9.1), in rule-file order."""
        return self.bounds[0]

    @property
    def overall_max(self) -> int:
        """The `overall` rule applied to the `level_max` values (spec 9.1)."""
        return self.bounds[1]

    @property
    def bounds(self) -> tuple[tuple[int, ...], int]:
        """(`levels_max`, `overall_max`), computed from the statuses when first read."""
        if self._bounds is None:
            self._bounds = self.model.bounds_of(self.statuses)
        return self._bounds

    @property
    def overall_label_max(self) -> str:
        return self.model.label(self.overall_max)

    @property
    def bounded(self) -> bool:
        """True when some factor's level is not settled (its `level_max` exceeds it)."""
        return self.levels_max != self.levels

    @property
    def overall_bounded(self) -> bool:
        """True when the overall level is not settled (`overall_max` exceeds it); it may be
        settled while some factor is not."""
        return self.overall_max != self.overall

    @property
    def decided(self) -> tuple[int, int]:
        """How many criteria are met or not met, of how many (spec 9.1)."""
        statuses = self.statuses
        return sum(1 for status in statuses if status is True or status is False), len(statuses)

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
                factor.id: FactorResult(self, factor, level, number)
                for number, (factor, level) in enumerate(
                    zip(self.model.factors, self.levels, strict=True)
                )
            }
        return self._factors

    def missing(self, index: int) -> list[str]:
        """The missing paths of an unknown criterion, rendered as a rule would write them."""
        return self._details.missing(index)

    def partly_known(self, index: int) -> frozenset[str]:
        """Of an unknown criterion's missing paths, those that hold a partial value (spec 9.2:
        `{"at_least": ...}`, a year-only date) rather than nothing: reports mark them as partly
        known (spec 9.3)."""
        if self.statuses[index] is not None:
            return frozenset()
        return self._details.partly_known(index)

    def field_title(self, path: str) -> str | None:
        """The title the rule set's evidence schema gives the field at a rendered path."""
        schema = self.model.schema
        segments = parse_path(path)
        if schema is None or segments is None:
            return None
        return field_title(schema, segments)

    def to_collect(self) -> list[ToCollect]:
        """Every factor's `to_collect` in one list: a path that several factors need counts
        the levels it could unlock in each."""
        merged: dict[str, ToCollect] = {}
        for factor in self.factors.values():
            for item in factor.to_collect():
                seen = merged.get(item.path)
                if seen is None:
                    merged[item.path] = item
                    continue
                merged[item.path] = ToCollect(
                    item.path,
                    seen.title,
                    seen.partial or item.partial,
                    seen.levels + item.levels,
                    seen.factors + item.factors,
                    seen.criteria + item.criteria,
                )
        return sorted_to_collect(list(merged.values()))

    def message(self, index: int) -> str:
        """What went wrong in a criterion in error, naming it, the expression and the values."""
        return self._details.message(index)

    @property
    def legal_floor(self) -> list[CriterionResult]:
        """Every criterion stating a legal duty that is not met, in any block, in rule order."""
        statuses = self.statuses
        found = []
        for factor in self.factors.values():
            made = factor._criteria  # the factor's objects when they are made already
            for position, c in enumerate(factor.definition.criteria):
                if c.legal and statuses[c.index] is not True:
                    found.append(
                        made[position]
                        if made is not None
                        else CriterionResult(self, c, STATUS_NAMES[statuses[c.index]])
                    )
        return found

    def factors_dict(self) -> dict[str, Any]:
        return {fid: factor.to_dict() for fid, factor in self.factors.items()}

    def to_dict(self) -> dict[str, Any]:
        """The evaluation as the JSON report's result object gives it (spec section 8), from
        `overall` to `legal_floor`; the report's entry adds `source`, `sha256` and
        `municipality` before them, which the evaluation does not know."""
        decided, of = self.decided
        return {
            "overall": self.overall,
            "overall_label": self.overall_label,
            "overall_max": self.overall_max,
            "overall_label_max": self.overall_label_max,
            "decided": {"criteria": decided, "of": of},
            "factors": self.factors_dict(),
            "legal_floor": [
                {"factor": c.factor, "id": c.id, "status": c.status, "missing": c.missing}
                for c in self.legal_floor
            ],
        }

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as what it knows, computed (`settle`): the document and the compiled rule
        set stay behind, and the copy reads its statuses, missing paths and messages from the
        `Settled` record, as the evaluation of a worker process does."""
        return (Evaluation.from_settled, (self.model, self.settle()))

    def __repr__(self) -> str:
        levels = ", ".join(
            f"{f.id}={level_text(f.level, f.level_max)}" for f in self.factors.values()
        )
        overall = level_text(self.overall, self.overall_max)
        return f"<Evaluation overall {overall}: {levels}>"


def _unguarded(cls: type[Any]) -> type[Any]:
    """`cls` without the guard of `_SetOnce`: an object is one of these while it is filled in,
    with plain slot stores (`object.__setattr__` costs several times as much, for dozens of
    objects a document), and a `cls` before anyone sees it (docs/performance.md)."""
    plain = {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__}
    return type(f"_Filling{cls.__name__}", (cls,), plain)


_FillingCriterionResult = _unguarded(CriterionResult)
_FillingFactorResult = _unguarded(FactorResult)
_FillingEvaluation = _unguarded(Evaluation)


def _criterion_result(e: Evaluation, definition: CriterionDef, status: Status) -> CriterionResult:
    """`CriterionResult(e, definition, status)`, without the call of `__init__`."""
    self: CriterionResult = object.__new__(_FillingCriterionResult)
    self._evaluation = e
    self.definition = definition
    self.status = status
    self.__class__ = CriterionResult
    return self


def levels_evaluation(
    model: RuleSetModel, levels: tuple[int, ...], overall: int, as_of: Any, details: Details
) -> Evaluation:
    """`Evaluation(model, None, levels, overall, as_of, details)` for the engine's levels-only
    path, one a document: filled in as `__init__` does (every slot), without its call."""
    self: Evaluation = object.__new__(_FillingEvaluation)
    self.model = model
    self._statuses = None
    self.levels = levels
    self.overall = overall
    self.as_of = as_of
    self._details = details
    self._factors = None
    self._bounds = None
    self.__class__ = Evaluation
    return self


def level_text(level: int, level_max: int) -> str:
    """A level as people read it (spec 9.4): `2–4` (an en dash) where `level_max` exceeds the
    proven level, else the single number."""
    return f"{level}–{level_max}" if level_max != level else str(level)
