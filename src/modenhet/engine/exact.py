"""The exact evaluator: the AST compiled once into closures with the full semantics of spec
sections 5 and 6 — four values (true, false, unknown, error), the commutative logic, and the
missing paths of every unknown.

It decides every criterion the fast path (`codegen.py`) could not, and computes missing paths
on demand. Speed matters less here than being plainly right.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any

from modenhet import values as v
from modenhet.check.model import CriterionDef, RuleSetModel
from modenhet.engine import bounds as b
from modenhet.engine.exactcore import (
    Code,
    Failure,
    Frame,
    Known,
    PartialMembers,
    PathKey,
    Result,
    attempt,
    bounded,
    conjunction,
    disjunction,
    elements,
    equality,
    key_of,
    membership,
    open_ended,
    strict,
)
from modenhet.engine.functions import FUNCTIONS
from modenhet.language import nodes as n
from modenhet.limits import EvaluationLimit


class ExactRun:
    """The exact evaluator on one document: criteria decided on demand, lets computed once."""

    __slots__ = ("compiler", "frame", "decided")

    def __init__(self, compiler: ExactCompiler, doc: Any, as_of: datetime.date) -> None:
        self.compiler = compiler
        self.frame = compiler.frame(doc, as_of)
        self.decided: dict[int, Result] = {}

    def result(self, index: int) -> Result:
        found = self.decided.get(index)
        if found is None:
            found = self.decided[index] = self.compiler.criteria[index](self.frame)
        return found


class ExactCompiler:
    """AST to closures, once per rule set."""

    def __init__(self, model: RuleSetModel) -> None:
        self.model = model
        self.hidden_roots = frozenset(model.lets)
        self.let_code: dict[str, Code] = {
            name: self.compile(let.expr, frozenset()) for name, let in model.lets.items()
        }
        self.criteria: list[Code] = [self.criterion(c) for c in model.criteria]

    def criterion(self, criterion: CriterionDef) -> Code:
        when = self.compile(criterion.when, frozenset())
        what = f"the condition '{criterion.when.span.text()}'"

        def run(frame: Frame) -> Result:
            try:
                result = when(frame)
            except EvaluationLimit as error:
                return Failure(str(error))
            if isinstance(result, Known) and result.value.__class__ is not bool:
                return Failure(f"{what} must be true or false, but is {v.described(result.value)}")
            return result

        return run

    def frame(self, doc: Any, as_of: datetime.date) -> Frame:
        return Frame(doc, as_of, self.let_code)

    # -- expressions

    def compile(self, expr: n.Expr, bound: frozenset[str]) -> Code:  # noqa: C901
        text = expr.span.text()
        match expr:
            case n.Number(value=value) | n.String(value=value) | n.DateLiteral(value=value):
                constant = Known(value)
                return lambda frame: constant
            case n.Boolean(value=value):
                constant = Known(value)
                return lambda frame: constant
            case n.Null() | n.Invalid():  # the checker refuses these; keep the tree total
                failure = Failure(f"'{text}' is not a value")
                return lambda frame: failure
            case n.AsOf():
                return lambda frame: Known(frame.as_of)
            case n.ListLiteral(items=items):
                return self.list_literal(items, bound)
            case n.Path():
                return self.path(expr, bound)
            case n.KeyRead(base=base, key=key):
                read = self.compile(base, bound)

                def read_key_of(frame: Frame) -> Result:
                    base_result = read(frame)
                    result = key_of(base_result, key, frame.budget)
                    if isinstance(result, Failure) and not isinstance(base_result, Failure):
                        return Failure(f"{result.message} (in '{text}')")
                    return result

                return read_key_of
            case n.Call():
                return self.call(expr, bound)
            case n.Negate(operand=operand):
                return self.strict_op(text, (operand,), bound, v.negate, partial=b.negate_result)
            case n.Not(operand=operand):
                inner = self.compile(operand, bound)
                return lambda frame: _not(inner(frame), f"the operand of 'not' ('{text}')")
            case n.And(operands=operands):
                parts = [self.compile(o, bound) for o in operands]
                what = f"an operand of 'and' in '{text}'"
                return lambda frame: conjunction([p(frame) for p in parts], what)
            case n.Or(operands=operands):
                parts = [self.compile(o, bound) for o in operands]
                what = f"an operand of 'or' in '{text}'"
                return lambda frame: disjunction([p(frame) for p in parts], what)
            case n.Arithmetic(op=op, left=left, right=right):
                return self.strict_op(
                    text,
                    (left, right),
                    bound,
                    lambda x, y: v.arithmetic(op, x, y),
                    partial=lambda x, y: b.arithmetic_result(op, x, y),
                )
            case n.Comparison(op=op, left=left, right=right):
                return self.comparison(op, left, right, text, bound)
            case n.Membership(item=item, collection=collection, negated=negated):
                read_item = self.compile(item, bound)
                read_members = self.members(collection, bound)
                if negated:
                    return lambda frame: _not(
                        membership(read_item(frame), read_members(frame), text, frame.budget),
                        text,
                    )
                return lambda frame: membership(
                    read_item(frame), read_members(frame), text, frame.budget
                )
            case n.Quantifier():
                return self.quantifier(expr, bound)
        raise AssertionError(f"unhandled node {expr!r}")  # pragma: no cover

    def strict_op(
        self,
        text: str,
        operands: Sequence[n.Expr],
        bound: frozenset[str],
        compute: Callable[..., Any],
        charged: bool = False,
        partial: Callable[..., Any] | None = None,
    ) -> Code:
        """An operator with strict operands; `charged` takes a comparison's cost beyond one
        step from the budget (`values.comparison_steps`). `partial` computes it, from the
        operands' results, when an operand is a partial or bounded value (spec 9.3)."""
        parts = [self.compile(o, bound) for o in operands]

        def run(frame: Frame) -> Result:
            results = [p(frame) for p in parts]
            early = strict(results)
            if early is not None:
                return early
            values = [r.value for r in results]  # type: ignore[union-attr]
            if charged:
                frame.budget.spend(v.comparison_steps(*values))
            if partial is not None and any(b.is_partial_operand(value) for value in values):
                return bounded(text, lambda: partial(*results))
            return attempt(text, lambda: compute(*values))

        return run

    def comparison(
        self, op: str, left: n.Expr, right: n.Expr, text: str, bound: frozenset[str]
    ) -> Code:
        operands = (left, right)
        if op in ("==", "!="):
            parts = [self.compile(o, bound) for o in operands]

            def compare(frame: Frame) -> Result:
                result = equality(parts[0](frame), parts[1](frame), text, frame.budget)
                return _not(result, text) if op == "!=" else result

            return compare
        return self.strict_op(
            text,
            operands,
            bound,
            lambda x, y: v.order(op, x, y),
            True,
            partial=lambda x, y: b.order_result(op, x, y),
        )

    def list_literal(self, items: Sequence[n.Expr], bound: frozenset[str]) -> Code:
        parts = [self.compile(item, bound) for item in items]

        def run(frame: Frame) -> Result:
            results = [p(frame) for p in parts]
            return strict(results) or Known([r.value for r in results])  # type: ignore[union-attr]

        return run

    def members(
        self, collection: n.Expr, bound: frozenset[str]
    ) -> Callable[[Frame], list[Result] | Result]:
        """A closure giving the element results of a list (literal items one by one)."""
        if isinstance(collection, n.ListLiteral):
            parts = [self.compile(item, bound) for item in collection.items]
            return lambda frame: [p(frame) for p in parts]
        read = self.compile(collection, bound)
        text = collection.span.text()
        return lambda frame: elements(read(frame), text, frame.budget)

    def path(self, path: n.Path, bound: frozenset[str]) -> Code:
        keys = path.keys
        if not path.root_is_key and path.root in bound:
            root = path.root
            start: Code = lambda frame: frame.bindings[root]  # noqa: E731
        elif not path.root_is_key and path.root in self.model.lets:
            name = path.root
            start = lambda frame: frame.let(name)  # noqa: E731
        else:
            keys = (path.root, *keys)
            start = lambda frame: Known(frame.doc, ())  # noqa: E731

        text = path.span.text()

        def run(frame: Frame) -> Result:
            result = start(frame)
            if isinstance(result, Failure):
                return result
            for key in keys:
                result = key_of(result, key, frame.budget)
            if isinstance(result, Failure):
                return Failure(f"{result.message} (in '{text}')")
            return result

        return run

    def quantifier(self, expr: n.Quantifier, bound: frozenset[str]) -> Code:
        read_members = self.members(expr.collection, bound)
        body = self.compile(expr.body, bound | {expr.variable})
        variable = expr.variable
        combine = disjunction if expr.kind == "any" else conjunction
        what = f"the body of '{expr.span.text()}'"

        def run(frame: Frame) -> Result:
            members = read_members(frame)
            if not isinstance(members, list):
                return members
            outer = frame.bindings
            results = []
            for member in members:
                frame.bindings = {**outer, variable: member}
                results.append(body(frame))
            frame.bindings = outer
            if isinstance(members, PartialMembers):
                return open_ended(results, expr.kind == "any", members.sources)
            return combine(results, what)

        return run

    # -- functions

    def call(self, expr: n.Call, bound: frozenset[str]) -> Code:
        return FUNCTIONS[expr.name].exact(self, expr, bound)


def single_evidence_path(expr: n.Expr, model: RuleSetModel) -> PathKey | None:
    """The one evidence path an unknown `expr` can only be missing, if there is exactly one.

    For conditions built from comparisons, arithmetic, logic, literals and paths (directly or
    through lets that are themselves paths), unknown means that path is absent or null, so its
    missing path is known before any evidence is seen.
    """
    paths: set[PathKey] = set()

    def walk(node: n.Expr) -> bool:
        match node:
            case n.Number() | n.String() | n.DateLiteral() | n.Boolean() | n.AsOf():
                return True
            case n.Path():
                path = _expanded(node, model, 0)
                if path is None:
                    return False
                paths.add(path)
                return True
            case n.Call(name=name):
                function = FUNCTIONS[name]
                if function.never_unknown:
                    return True
                return function.single_path and all(walk(arg) for arg in node.args)
            case n.Comparison() | n.Arithmetic() | n.Negate() | n.Not() | n.And() | n.Or():
                return all(walk(child) for child in n.children(node))
            case n.Membership(item=item, collection=n.ListLiteral(items=items)):
                # `x in ["a", "b"]`: the rule's own values, never null
                constant = (n.Number, n.String, n.Boolean, n.DateLiteral)
                return all(isinstance(i, constant) for i in items) and walk(item)
        return False

    if walk(expr) and len(paths) == 1:
        return paths.pop()
    return None


def _expanded(path: n.Path, model: RuleSetModel, depth: int) -> PathKey | None:
    """An evidence path with its lets expanded, or None when a let computes a value."""
    if path.root_is_key or path.root not in model.lets:
        return (path.root, *path.keys)
    let = model.lets[path.root].expr
    if not isinstance(let, n.Path) or depth > len(model.lets):
        return None
    base = _expanded(let, model, depth + 1)
    return None if base is None else (*base, *path.keys)


def _not(result: Result, what: str) -> Result:
    if isinstance(result, Known):
        if result.value.__class__ is not bool:
            return Failure(f"{what} must be true or false, but is {v.described(result.value)}")
        return Known(not result.value)
    return result
