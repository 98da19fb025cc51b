"""The public rule set: load (parse, include, check) once, compile once, evaluate many.

`RuleSet.evaluate` runs the generated fast path and lets the exact evaluator decide whatever
the fast path could not; it never validates (the CLI does, with `RuleSet.validate`).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from fractions import Fraction
from typing import Any

from modenhet.checker import check
from modenhet.codegen import FastCompiler
from modenhet.errors import Diagnostic, EvidenceError, RuleError, Violation
from modenhet.exact import (
    ExactCompiler,
    ExactRun,
    Failure,
    Known,
    Result,
    single_evidence_path,
)
from modenhet.loader import load_rule_files
from modenhet.model import FactorDef, Level, RuleSetModel
from modenhet.results import ERROR, Evaluation
from modenhet.runtime import floor_level
from modenhet.values import render_path


def load_ruleset(path: str | os.PathLike[str]) -> RuleSet:
    """Parse, include and check a rule set; raises `RuleError` with every diagnostic found."""
    loaded = load_rule_files(path)
    model, diagnostics = check(loaded)
    if model is None:
        raise RuleError(diagnostics)
    return RuleSet(model, [d for d in diagnostics if d.severity == "warning"])


class RuleSet:
    """A checked and compiled rule set."""

    def __init__(self, model: RuleSetModel, warnings: list[Diagnostic] | None = None) -> None:
        self.model = model
        self.warnings = warnings or []
        self._exact = ExactCompiler(model)
        program = FastCompiler(model).build()
        self._levels = program.levels
        self._fast = program.statuses
        self.generated_source = program.source
        self.hidden_roots = frozenset(model.lets)
        # Criteria that can only be unknown for one path: their missing path, rendered once.
        self.static_missing: dict[int, list[str]] = {}
        for criterion in model.criteria:
            path = single_evidence_path(criterion.when, model)
            if path is not None:
                self.static_missing[criterion.index] = [render_path(path, self.hidden_roots)]
        self._validator: Any = None
        # Per factor, its blocks as (level, criterion indices): what the levels are read from.
        self._blocks = [
            [(block.number, tuple(c.index for c in block.criteria)) for block in factor.blocks]
            for factor in model.factors
        ]

    # -- what the rule set is

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def version(self) -> str | None:
        return self.model.version

    @property
    def sha256(self) -> str:
        return self.model.sha256

    @property
    def levels(self) -> tuple[Level, ...]:
        return self.model.levels

    @property
    def factors(self) -> tuple[FactorDef, ...]:
        return self.model.factors

    @property
    def schema(self) -> dict[str, Any] | None:
        return self.model.schema

    # -- evaluation

    def evaluate(self, doc: Any, as_of: datetime.date | None = None) -> Evaluation:
        """Evaluate one parsed evidence document (a dict) at `as_of` (default: today)."""
        as_of = _as_date(as_of)
        if doc.__class__ is not dict:
            raise EvidenceError(
                "<document>",
                [
                    Violation(
                        "", f"the evidence document must be a JSON object, not {type(doc).__name__}"
                    )
                ],
            )
        quick = self._levels(doc, as_of)
        if quick is not None:
            # The levels alone; the statuses, and with them the bounds (spec 9.1) and the
            # decided counts, are computed when first read.
            return Evaluation(self, None, quick[0], quick[1], as_of, doc)
        statuses, run = self.statuses_of(doc, as_of)
        levels, overall = self.levels_of(statuses)
        return Evaluation(self, statuses, levels, overall, as_of, doc, run)

    def statuses_of(
        self, doc: Any, as_of: datetime.date
    ) -> tuple[tuple[Any, ...], ExactRun | None]:
        """Every criterion's status (the exact evaluator deciding what the fast path could not),
        and the exact run if one was needed."""
        statuses, _, _, fallback, bad = self._fast(doc, as_of)
        run: ExactRun | None = None
        if bad or fallback:
            run = ExactRun(self._exact, doc, as_of)
            corrected = list(statuses)
            for index in range(len(statuses)) if bad else fallback:
                corrected[index] = _status(run.result(index))
            statuses = tuple(corrected)
        return statuses, run

    def exact_run(self, doc: Any, as_of: datetime.date) -> ExactRun:
        return ExactRun(self._exact, doc, as_of)

    def levels_of(self, statuses: tuple[Any, ...]) -> tuple[tuple[int, ...], int]:
        """Factor levels and the overall level from criterion statuses (spec section 6)."""
        levels = self.factor_levels(statuses, unknown_as_met=False)
        return levels, self.overall_of(levels)

    def bounds_of(self, statuses: tuple[Any, ...]) -> tuple[tuple[int, ...], int]:
        """Each factor's `level_max` and the document's `overall_max` (spec 9.1): the levels
        reached were every unknown criterion met; not met and error stay as they are."""
        levels = self.factor_levels(statuses, unknown_as_met=True)
        return levels, self.overall_of(levels)

    def factor_levels(self, statuses: tuple[Any, ...], *, unknown_as_met: bool) -> tuple[int, ...]:
        """Each factor's highest level whose criteria, and those of every block below, are all
        met (or unknown, with `unknown_as_met`)."""
        floor = self.model.floor
        levels: list[int] = []
        for blocks in self._blocks:
            level = floor
            for number, indices in blocks:
                for index in indices:
                    status = statuses[index]
                    if status is not True and (status is not None or not unknown_as_met):
                        break
                else:
                    level = number
                    continue
                break
            levels.append(level)
        return tuple(levels)

    def overall_of(self, levels: tuple[int, ...]) -> int:
        """The overall level from the factor levels, by the rule set's `overall` (section 3)."""
        model = self.model
        declared = tuple(level.number for level in model.levels)
        if not levels:
            return model.floor
        if model.overall == "min":
            return min(levels)
        weights = [f.weight if model.overall == "weighted" else Fraction(1) for f in model.factors]
        total = sum((w * level for w, level in zip(weights, levels, strict=True)), Fraction(0))
        mean = total / sum(weights, Fraction(0))
        return floor_level(mean.numerator, mean.denominator, declared)

    # -- validation

    def validate(self, doc: Any) -> list[dict[str, str]]:
        """Schema violations of a parsed document, sorted by pointer; [] when valid or no schema.

        Warnings (a municipality name that differs from SSB's list) are left out; `violations`
        has them too."""
        return [v.as_dict() for v in self.violations(doc) if v.severity == "error"]

    def violations(self, doc: Any) -> list[Violation]:
        """`validate` as `Violation` objects (the CLI locates them in the file's text)."""
        if self.model.schema is None:
            return []
        return schema_violations(self._schema_validator, doc)

    def _schema_validator(self) -> Any:
        from modenhet.validation import SchemaValidator

        if self._validator is None:
            assert self.model.schema is not None
            self._validator = SchemaValidator(self.model.schema)
        return self._validator


def schema_violations(validator: Callable[[], Any], doc: Any) -> list[Violation]:
    """`validator().violations(doc)`, with a schema that cannot be applied as a problem of the
    document instead of a crash: one that fails its metaschema (`modenhet check` reports it,
    but loading a rule set to evaluate does not check it, to stay quick), or a `$ref` that
    cannot be resolved (modenhet reads no other file and fetches nothing from the network)."""
    try:
        return validator().violations(doc)  # type: ignore[no-any-return]
    except Exception as error:
        from jsonschema.exceptions import SchemaError
        from referencing.exceptions import Unresolvable

        if isinstance(error, Unresolvable):
            reason = (
                f"its reference '{error.ref}' cannot be resolved (modenhet reads no other file "
                "and fetches nothing from the network; put the definition in the schema's $defs)"
            )
        elif isinstance(error, SchemaError):
            reason = f"it is not a valid JSON Schema: {error.message}"
        else:
            raise
        return [Violation("", f"the rule set's schema cannot be applied: {reason}")]


def _status(result: Result) -> Any:
    if isinstance(result, Known):
        return result.value if result.value.__class__ is bool else ERROR
    if isinstance(result, Failure):
        return ERROR
    return None


def _as_date(as_of: Any) -> datetime.date:
    if as_of is None:
        return datetime.date.today()
    if isinstance(as_of, datetime.datetime):
        return as_of.date()
    if isinstance(as_of, datetime.date):
        return as_of
    raise TypeError(f"as_of must be a datetime.date, not {type(as_of).__name__}")
