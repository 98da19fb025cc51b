"""The public rule set: load (parse, include, check) once, compile once, evaluate many.

`RuleSet.evaluate` runs the generated fast path and lets the exact evaluator decide whatever
the fast path could not; it never validates (the CLI does, with `RuleSet.validate`).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Any

from modenhet.check.checker import check
from modenhet.check.model import FactorDef, Level, RuleSetModel
from modenhet.engine import modelcache
from modenhet.engine.codegen import FastCompiler
from modenhet.engine.exact import ExactCompiler, ExactRun, single_evidence_path
from modenhet.engine.exactcore import Failure, Known, Result, Unknown, value_at
from modenhet.errors import Diagnostic, EvidenceError, RuleError, Violation
from modenhet.language.loader import load_rule_files
from modenhet.results import ERROR, Evaluation, levels_evaluation
from modenhet.values import render_path


def load_ruleset(path: str | os.PathLike[str]) -> RuleSet:
    """Parse, include and check a rule set; raises `RuleError` with every diagnostic found.
    A rule set that checked before, from files that have not changed, comes from the cache
    (`modenhet.engine.modelcache`)."""
    cached = modelcache.lookup(path)
    if cached is not None:
        return RuleSet(*cached)
    loaded = load_rule_files(path)
    model, diagnostics = check(loaded)
    if model is None:
        raise RuleError(diagnostics)
    warnings = [d for d in diagnostics if d.severity == "warning"]
    modelcache.store(path, model, warnings)
    return RuleSet(model, warnings)


class RuleSet:
    """A checked and compiled rule set."""

    def __init__(self, model: RuleSetModel, warnings: list[Diagnostic] | None = None) -> None:
        self.model = model
        self.warnings = warnings or []
        self._exact = ExactCompiler(model)
        program = FastCompiler(model).build()
        self._levels = program.levels
        self._fast = program.statuses
        self._full = program.decide
        self.generated_source = program.source
        self.hidden_roots = frozenset(model.lets)
        # Criteria that can only be unknown for one path: their missing path, rendered once.
        self.static_missing: dict[int, list[str]] = {}
        self.static_paths: dict[int, tuple[str | int, ...]] = {}  # the same, as keys
        for criterion in model.criteria:
            path = single_evidence_path(criterion.when, model)
            if path is not None:
                self.static_missing[criterion.index] = [render_path(path, self.hidden_roots)]
                self.static_paths[criterion.index] = path
        self._validator: Any = None

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its checked model and warnings; the copy compiles them again (the
        generated functions cannot be pickled)."""
        return (RuleSet, (self.model, self.warnings))

    def __repr__(self) -> str:
        model = self.model
        version = f" {model.version}" if model.version else ""
        factors, criteria = len(model.factors), len(model.criteria)
        return (
            f"<RuleSet {model.name!r}{version}: {factors} factor{'s' * (factors != 1)}, "
            f"{criteria} criteri{'a' if criteria != 1 else 'on'}, "
            f"levels {model.levels[0].number}–{model.levels[-1].number}>"
        )

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

    def evaluate(
        self, doc: Any, as_of: datetime.date | None = None, *, full: bool = False
    ) -> Evaluation:
        """Evaluate one parsed evidence document (a dict) at `as_of` (default: today).

        By default only the levels are computed now (block by block, stopping at the first
        block not met) and everything else when first read. `full=True` is for a caller that
        will read every status (a report): every criterion is decided in one pass of the
        generated code instead of the levels pass followed by the statuses pass. The result is
        the same either way."""
        if as_of.__class__ is not _DATE:
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
        if not full:
            quick = self._levels(doc, as_of)
            if quick is not None:
                # The levels alone; the statuses, and with them the bounds (spec 9.1) and the
                # decided counts, are computed when first read.
                details = _Details((self, doc, as_of))
                return levels_evaluation(self.model, quick[0], quick[1], as_of, details)
        bounds: tuple[tuple[int, ...], int] | None = None
        statuses, run, decided = self._decide(doc, as_of)
        found: dict[int, list[str]] | None = None
        if decided is None:
            levels, overall = self.levels_of(statuses)
        else:  # the generated code's levels, bounds and missing paths, from the same statuses
            levels, overall, bounds, found = decided
        details = _Details((self, doc, as_of))
        if run is not None:
            details._run = run
            details._exact_decided = True
        details._found = found
        return Evaluation(self.model, statuses, levels, overall, as_of, details, bounds=bounds)

    def statuses_of(
        self, doc: Any, as_of: datetime.date
    ) -> tuple[tuple[Any, ...], ExactRun | None]:
        """Every criterion's status (the exact evaluator deciding what the fast path could not),
        and the exact run if one was needed."""
        statuses, run, _ = self._decide(doc, as_of)
        return statuses, run

    def _decide(
        self, doc: Any, as_of: datetime.date
    ) -> tuple[
        tuple[Any, ...],
        ExactRun | None,
        tuple[tuple[int, ...], int, tuple[tuple[int, ...], int], dict[int, list[str]]] | None,
    ]:
        """`statuses_of`, and the levels, overall, bounds and missing paths (of the unknown
        criteria the generated code can find them for; `static_missing` has most others) the
        generated code computed when it decided every criterion itself (else None: the
        levels are computed again, the missing paths by the exact evaluator)."""
        statuses, levels, overall, fallback, bad, levels_max, overall_max, found = self._full(
            doc, as_of
        )
        if not (bad or fallback):
            return statuses, None, (levels, overall, (levels_max, overall_max), found)
        run = ExactRun(self._exact, doc, as_of)
        corrected = list(statuses)
        for index in range(len(statuses)) if bad else fallback:
            corrected[index] = _status(run.result(index))
        return tuple(corrected), run, None

    @property
    def exact(self) -> ExactCompiler:
        """The exact evaluator's compiled criteria (what `explain` walks again)."""
        return self._exact

    def levels_of(self, statuses: tuple[Any, ...]) -> tuple[tuple[int, ...], int]:
        """Factor levels and the overall level from criterion statuses (spec section 6)."""
        levels = self.model.factor_levels(statuses, reaching=(True,))
        return levels, self.model.overall_of(levels)

    def bounds_of(self, statuses: tuple[Any, ...]) -> tuple[tuple[int, ...], int]:
        """Each factor's `level_max` and the document's `overall_max` (spec 9.1)."""
        return self.model.bounds_of(statuses)

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
        from modenhet.evidence.validation import SchemaValidator

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

        from modenhet.evidence.messages import problem
        from modenhet.i18n import N_, Text

        if isinstance(error, Unresolvable):
            reason = Text(
                N_(
                    "its reference '%(ref)s' cannot be resolved (modenhet reads no other file "
                    "and fetches nothing from the network; put the definition in the schema's "
                    "$defs)"
                ),
                ref=error.ref,
            )
        elif isinstance(error, SchemaError):
            reason = Text(N_("it is not a valid JSON Schema: %(problem)s"), problem=error.message)
        else:
            raise
        cannot = N_("the rule set's schema cannot be applied: %(reason)s")
        return [problem("", Text(cannot, reason=reason))]


class _Details(tuple["RuleSet", Any, datetime.date]):
    """The engine's side of an evaluation's lazy results (`results.Details`): the statuses the
    levels did not need, missing paths, error messages and partly known paths, by the exact
    evaluator on demand.

    One is made for every evaluation, so it is a tuple (the rule set, the document, `as_of`):
    cheaper to make than an object with slots. What it learns later is kept in attributes set
    when first needed (the class's values until then)."""

    _run: ExactRun | None = None
    _found: dict[int, list[str]] | None = None  # missing paths the generated code found
    # Whether the exact evaluator decided a criterion the fast path could not: only then can a
    # partial value have been read (the fast path hands every one over).
    _exact_decided = False

    @property
    def _ruleset(self) -> RuleSet:
        return self[0]

    @property
    def _doc(self) -> Any:
        return self[1]

    @property
    def _as_of(self) -> datetime.date:
        return self[2]

    def statuses(self) -> tuple[Any, ...]:
        statuses, run = self._ruleset.statuses_of(self._doc, self._as_of)
        self._run = self._run or run
        self._exact_decided = run is not None
        return statuses

    def _result(self, index: int) -> Result:
        if self._run is None:
            self._run = ExactRun(self._ruleset.exact, self._doc, self._as_of)
        return self._run.result(index)

    def missing(self, index: int) -> list[str]:
        ruleset = self._ruleset
        known = ruleset.static_missing.get(index)
        if known is not None and (self._run is None or index not in self._run.decided):
            # Decided by the fast path: unknown only for its one path. (The exact evaluator
            # decides a criterion that reads a partial value, whose missing paths may lie
            # inside it: `e.x[0]` of a list holding a partial number.)
            return list(known)
        if self._found is not None:
            found = self._found.get(index)
            if found is not None:
                return list(found)
        result = self._result(index)
        if not isinstance(result, Unknown):
            return []
        return [render_path(path, ruleset.hidden_roots) for path in result.missing]

    def message(self, index: int) -> str:
        criterion = next(c for c in self._ruleset.model.criteria if c.index == index)
        result = self._result(index)
        detail = result.message if isinstance(result, Failure) else "error"
        return f"{criterion.factor_id}.{criterion.id}: {detail}"

    def partly_known(self, index: int) -> frozenset[str]:
        if not self._exact_decided:
            return frozenset()  # decided by the fast path, which never reads a partial value
        ruleset = self._ruleset
        static = ruleset.static_paths.get(index)
        if static is not None and (self._run is None or index not in self._run.decided):
            # No need to run the exact evaluator: one path can be missing (see `missing`).
            present = value_at(self._doc, static) is not None
            return frozenset(ruleset.static_missing[index]) if present else frozenset()
        result = self._result(index)
        if not isinstance(result, Unknown):
            return frozenset()
        return frozenset(
            render_path(path, ruleset.hidden_roots)
            for path in result.missing
            if value_at(self._doc, path) is not None
        )


def _status(result: Result) -> Any:
    if isinstance(result, Known):
        return result.value if result.value.__class__ is bool else ERROR
    if isinstance(result, Failure):
        return ERROR
    return None


_DATE = datetime.date


def _as_date(as_of: Any) -> datetime.date:
    if as_of is None:
        return datetime.date.today()
    if isinstance(as_of, datetime.datetime):
        return as_of.date()
    if isinstance(as_of, datetime.date):
        return as_of
    raise TypeError(f"as_of must be a datetime.date, not {type(as_of).__name__}")
