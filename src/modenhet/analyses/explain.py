"""Why a criterion has its status: the condition as a tree that follows the expression, every
sub-expression with its outcome, and every path with the value it read and where (a JSON
pointer into the evidence) — or that it was missing.

Built with the exact evaluator's semantics, one sub-expression at a time; it serves `modenhet
explain` for one document, so clarity matters more than speed.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from modenhet.check.model import CriterionDef
from modenhet.engine.exact import ExactCompiler
from modenhet.engine.exactcore import Failure, Frame, Known, PathKey, Result, elements
from modenhet.evidence.positions import escape_pointer
from modenhet.evidence.schemawalk import field_title
from modenhet.language import nodes as n
from modenhet.limits import Budget, EvaluationLimit
from modenhet.values import LongNumber, number_text, render_path

if TYPE_CHECKING:
    from modenhet.engine.ruleset import RuleSet
    from modenhet.evidence.reader import EvidenceItem
    from modenhet.results import Evaluation, ToCollect

MAX_ELEMENTS = 20  # elements of a list shown under a quantifier


@dataclass
class Step:
    """One sub-expression: its text and place, its outcome, and what it read."""

    text: str
    file: str
    line: int
    column: int
    outcome: str  # true | false | unknown | error | value
    value: Any = None
    pointer: str | None = None  # where a path's value was read in the evidence
    missing: list[str] = field(default_factory=list)
    message: str | None = None
    label: str | None = None  # "let x =", "element [2]"
    children: list[Step] = field(default_factory=list)
    title: str | None = None  # of a path that is missing: the evidence schema's title of it

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "expression": self.text,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "outcome": self.outcome,
        }
        if self.label:
            data["label"] = self.label
        if self.outcome == "value":
            data["value"] = _json_value(self.value)
        if self.pointer is not None:
            data["pointer"] = self.pointer
        if self.title is not None:
            data["title"] = self.title
        if self.missing:
            data["missing"] = self.missing
        if self.message:
            data["message"] = self.message
        data["children"] = [child.to_dict() for child in self.children]
        return data


def _constant(expr: n.Expr) -> bool:
    literal = n.Number | n.String | n.Boolean | n.DateLiteral
    if isinstance(expr, n.ListLiteral):
        return all(isinstance(item, literal) for item in expr.items)
    return isinstance(expr, literal)


def pointer_of(path: PathKey) -> str:
    return "".join(f"/{escape_pointer(str(part))}" for part in path)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value.__class__ is int and value.bit_length() > 13_000:  # too long for JSON's writer
        return LongNumber(number_text(value))
    return value


class Explainer:
    """Explains criteria of one document."""

    def __init__(self, compiler: ExactCompiler, doc: Any, as_of: datetime.date) -> None:
        self.compiler = compiler
        self.frame: Frame = compiler.frame(doc, as_of)
        self.hidden = compiler.hidden_roots

    def criterion(self, criterion: CriterionDef) -> Step:
        """The tree of one criterion. Its walk, every re-evaluation of a part included, has the
        step budget the evaluator gives a document; running out makes the parts not yet
        explained errors that name the limit."""
        self.frame.budget = Budget(self.frame.budget.limit)
        return self.step(criterion.when, frozenset())

    def run(self, expr: n.Expr, bound: frozenset[str]) -> Result:
        try:
            return self.compiler.compile(expr, bound)(self.frame)
        except EvaluationLimit as error:
            return Failure(str(error))

    def step(self, expr: n.Expr, bound: frozenset[str], label: str | None = None) -> Step:
        result = self.run(expr, bound)
        span = expr.span
        step = Step(expr.span.text(), span.file, span.line, span.column, *self.outcome(result))
        step.label = label
        if isinstance(expr, n.Path):
            origin = getattr(result, "origin", None)
            if origin is not None:
                step.pointer = pointer_of(origin)
                if step.outcome == "unknown":  # missing: named by its title too
                    step.title = self._title(origin)
            lets = self.compiler.model.lets
            if not expr.root_is_key and expr.root in lets and expr.root not in bound:
                let = lets[expr.root].expr
                if not isinstance(let, n.Path):  # a computed let: show how it was computed
                    step.children.append(self.step(let, frozenset(), f"let {expr.root} ="))
            return step
        if isinstance(expr, n.Quantifier):
            step.children = self.quantifier(expr, bound)
            return step
        for child in n.children(expr):
            if not _constant(child):  # a literal shows in the expression itself
                step.children.append(self.step(child, bound))
        return step

    def _title(self, origin: PathKey) -> str | None:
        schema = self.compiler.model.schema
        return None if schema is None else field_title(schema, tuple(origin))

    def quantifier(self, expr: n.Quantifier, bound: frozenset[str]) -> list[Step]:
        steps = [self.step(expr.collection, bound)]
        collection = self.run(expr.collection, bound)
        try:
            members = (
                [self.run(item, bound) for item in expr.collection.items]
                if isinstance(expr.collection, n.ListLiteral)
                else elements(collection, expr.collection.span.text(), self.frame.budget)
            )
        except EvaluationLimit:
            return steps  # the collection's own step shows the error
        if not isinstance(members, list):
            return steps
        outer = self.frame.bindings
        inner = bound | {expr.variable}
        for index, member in enumerate(members[:MAX_ELEMENTS]):
            self.frame.bindings = {**outer, expr.variable: member}
            steps.append(self.step(expr.body, inner, f"{expr.variable} = element [{index}]"))
        self.frame.bindings = outer
        if len(members) > MAX_ELEMENTS:
            span = expr.span
            steps.append(
                Step(
                    f"... {len(members) - MAX_ELEMENTS} more elements",
                    span.file,
                    span.line,
                    span.column,
                    "value",
                )
            )
        return steps

    def outcome(self, result: Result) -> tuple[str, Any, str | None, list[str], str | None]:
        """(outcome, value, pointer, missing, message) of a result."""
        if isinstance(result, Known):
            if result.value is True or result.value is False:
                return ("true" if result.value else "false"), result.value, None, [], None
            return "value", result.value, None, [], None
        if isinstance(result, Failure):
            return "error", None, None, [], result.message
        missing = [render_path(path, self.hidden) for path in result.missing]
        return "unknown", None, None, missing, None


def explain_document(
    ruleset: RuleSet,
    evaluation: Evaluation,
    item: EvidenceItem,
    factor_ids: Sequence[str] = (),
    *,
    everything: bool = False,
) -> dict[str, Any]:
    """The explanation of one document as data (what `explain -f json` writes): for each
    factor asked for, its level and the criteria of its gap (or every criterion), each with
    the tree of its condition."""
    as_of = evaluation.as_of
    explainer = Explainer(ruleset.exact, item.document, as_of)
    factors: list[dict[str, Any]] = []
    for factor in evaluation.factors.values():
        if factor_ids and factor.id not in factor_ids:
            continue
        chosen = factor.criteria if everything else factor.gap
        decided, of = factor.decided
        factors.append(
            {
                "id": factor.id,
                "title": factor.title,
                "level": factor.level,
                "label": factor.label,
                "level_max": factor.level_max,
                "label_max": factor.label_max,
                "decided": {"criteria": decided, "of": of},
                "to_collect": [_collect_entry(item) for item in factor.to_collect()],
                "next": None
                if factor.progress is None
                else {
                    "level": factor.next_level,
                    "met": factor.progress[0],
                    "of": factor.progress[1],
                },
                "criteria": [
                    {
                        "id": c.id,
                        "level": c.level,
                        "title": c.title,
                        "status": c.status,
                        "legal": c.legal,
                        "file": c.definition.span.file,
                        "line": c.definition.span.line,
                        "advice": c.advice,
                        "ref": c.ref,
                        "why": explainer.criterion(c.definition).to_dict(),
                    }
                    for c in chosen
                ],
            }
        )
    return {
        "source": item.source,
        "municipality": item.municipality,
        "as_of": as_of.isoformat(),
        "ruleset": {"name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256},
        "overall": evaluation.overall,
        "overall_label": evaluation.overall_label,
        "overall_max": evaluation.overall_max,
        "overall_label_max": evaluation.overall_label_max,
        "decided": {"criteria": evaluation.decided[0], "of": evaluation.decided[1]},
        "factors": factors,
    }


def _collect_entry(item: ToCollect) -> dict[str, Any]:
    """One path of a factor's "what to collect next" (`FactorResult.to_collect`)."""
    return {
        "path": item.path,
        "title": item.title,
        "partial": item.partial,
        "levels": item.levels,
        "criteria": item.criteria,
    }
