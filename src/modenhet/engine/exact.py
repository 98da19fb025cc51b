"""The exact evaluator: the AST compiled once into closures with the full semantics of spec
sections 5 and 6 — four values (true, false, unknown, error), the commutative logic, and the
missing paths of every unknown.

It decides every criterion the fast path (`codegen.py`) could not, and computes missing paths
on demand. Speed matters less here than being plainly right.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from modenhet import values as v
from modenhet.check.model import CriterionDef, RuleSetModel
from modenhet.engine import bounds as b
from modenhet.language import nodes as n
from modenhet.limits import Budget, EvaluationLimit, process_limits

LIST_LENGTH = process_limits().list_length

PathKey = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Known:
    value: Any
    origin: PathKey | None = None  # where in the document the value was read


@dataclass(frozen=True, slots=True)
class Unknown:
    missing: tuple[PathKey, ...]
    origin: PathKey | None = None  # the absent or null path, so key reads can extend it


@dataclass(frozen=True, slots=True)
class Failure:
    message: str


Result = Known | Unknown | Failure
TRUE = Known(True)
FALSE = Known(False)


class Frame:
    """One document's evaluation: the document, `as_of`, let values (computed once) and the
    values of the quantifier variables in scope."""

    __slots__ = ("doc", "as_of", "lets", "let_code", "bindings", "budget")

    def __init__(
        self, doc: Any, as_of: datetime.date, let_code: dict[str, Callable[[Frame], Result]]
    ) -> None:
        self.doc = doc
        self.as_of = as_of
        self.lets: dict[str, Result] = {}
        self.let_code = let_code
        self.bindings: dict[str, Result] = {}
        self.budget = Budget(process_limits().evaluation_steps)

    def let(self, name: str) -> Result:
        if name not in self.lets:
            outer, self.bindings = self.bindings, {}  # a let never sees quantifier variables
            self.lets[name] = self.let_code[name](self)
            self.bindings = outer
        return self.lets[name]


Code = Callable[[Frame], Result]
_MISSING = object()


def read_key(obj: dict[str, Any], key: str) -> Any:
    """`obj[key]`, matching keys in NFC; `_MISSING` when absent."""
    if key in obj:
        return obj[key]
    for candidate in obj:
        if candidate.__class__ is str and not candidate.isascii() and v.nfc(candidate) == key:
            return obj[candidate]
    return _MISSING


def value_at(doc: Any, path: PathKey) -> Any:
    """The value at a missing path in the document, or None when it is absent or null; an
    index reads the known elements of a partial list as it reads a list."""
    value = doc
    for segment in path:
        if isinstance(segment, int):
            if v.partial_kind(value) == "list":
                value = value["at_least"]
            if value.__class__ is not list or segment >= len(value):
                return None
            value = value[segment]
        else:
            if value.__class__ is not dict:
                return None
            value = read_key(value, segment)
            if value is _MISSING:
                return None
    return value


def key_of(result: Result, key: str) -> Result:
    """Read `key` from a result, keeping track of where in the document it was."""
    match result:
        case Known(value=value, origin=origin):
            path = (*origin, key) if origin is not None else None
            if value.__class__ is not dict or (
                len(value) == 1 and origin != () and v.partial_kind(value)  # () is the document
            ):
                return Failure(f"cannot read key '{key}' from {v.described(value)}")
            found = read_key(value, key)
            if found is _MISSING or found is None:
                return Unknown((path,) if path is not None else (), path)
            return Known(found, path)
        case Unknown(origin=origin) if origin is not None:
            path = (*origin, key)
            return Unknown((path,), path)
    return result


def merge_missing(results: Sequence[Result]) -> tuple[PathKey, ...]:
    seen: dict[PathKey, None] = {}
    for result in results:
        if isinstance(result, Unknown):
            seen.update(dict.fromkeys(result.missing))
    return tuple(seen)


def strict(results: Sequence[Result]) -> Result | None:
    """The outcome of an operator before it is attempted: unknown wins over error."""
    if any(isinstance(r, Unknown) for r in results):
        return Unknown(merge_missing(results))
    for result in results:
        if isinstance(result, Failure):
            return result
    return None


def conjunction(results: Sequence[Result], what: str) -> Result:
    """`and` over results: any false; else any error; else any unknown; else true."""
    return _combine(results, what, dominant=False)


def disjunction(results: Sequence[Result], what: str) -> Result:
    """`or` over results: any true; else any error; else any unknown; else false."""
    return _combine(results, what, dominant=True)


def _combine(results: Sequence[Result], what: str, *, dominant: bool) -> Result:
    failure: Failure | None = None
    unknown: list[Result] = []
    for result in results:
        if isinstance(result, Known):
            if result.value.__class__ is not bool:
                failure = failure or Failure(
                    f"{what} must be true or false, but is {v.described(result.value)}"
                )
            elif result.value is dominant:
                return Known(dominant)
        elif isinstance(result, Failure):
            failure = failure or result
        else:
            unknown.append(result)
    if failure is not None:
        return failure
    if unknown:
        return Unknown(merge_missing(unknown))
    return Known(not dominant)


def _attempt(text: str, compute: Callable[[], Any]) -> Result:
    try:
        return Known(compute())
    except v.EvalError as error:
        return Failure(f"{error} (in '{text}')")


def _bounded(text: str, compute: Callable[[], Any]) -> Result:
    """`_attempt` for a computation on partial or bounded values: it may be undecided."""
    try:
        return Known(compute())
    except b.Undecided as undecided:
        return Unknown(undecided.paths)
    except v.EvalError as error:
        return Failure(f"{error} (in '{text}')")


class PartialMembers(list[Result]):
    """The known elements of a partial list (spec 9.2): the list holds these and perhaps more.
    `sources` is where the partial list was read, for the missing paths of what it leaves open."""

    sources: tuple[PathKey, ...] = ()


def elements(result: Result, text: str, budget: Budget | None = None) -> list[Result] | Result:
    """The element results of a list, or the result itself when it is not a known list. A list
    longer than the limit is an error; walking it is taken from the document's budget. A
    partial list gives its known elements as `PartialMembers`."""
    if not isinstance(result, Known):
        return result
    items = result.value
    partial = v.partial_kind(items) == "list"
    if partial:
        items = items["at_least"]
    elif items.__class__ is not list:
        return Failure(f"expected a list, got {v.described(result.value)} (in '{text}')")
    if len(items) > LIST_LENGTH:
        return Failure(
            f"the list has {len(items):,} elements; the limit is "
            f"{LIST_LENGTH:,} (raise it with MODENHET_MAX_LIST_LENGTH) (in '{text}')"
        )
    if budget is not None:
        budget.spend(len(items))
    origin = result.origin
    out: list[Result] = PartialMembers() if partial else []
    if partial:
        out.sources = b.sources_of(origin)  # type: ignore[attr-defined]
    for index, item in enumerate(items):
        path = (*origin, index) if origin is not None else None
        if item is None:
            out.append(Unknown((path,) if path is not None else (), path))
        else:
            out.append(Known(item, path))
    return out


def equality(left: Result, right: Result, text: str, budget: Budget) -> Result:
    early = strict((left, right))
    if early is not None:
        return early
    assert isinstance(left, Known) and isinstance(right, Known)
    budget.spend(v.comparison_steps(left.value, right.value))
    if not (b.may_be_partial(left.value) or b.may_be_partial(right.value)):
        return _attempt(text, lambda: v.equal(left.value, right.value))
    found: list[PathKey] = []
    try:
        equal = b.equal(left.value, right.value, left.origin, right.origin, found)
    except v.EvalError as error:
        return Failure(f"{error} (in '{text}')")
    return Unknown(b.join(found)) if equal is None else Known(equal)


def membership(item: Result, members: list[Result] | Result, text: str, budget: Budget) -> Result:
    """`item in LIST` as `item == e1 or ... or item == en` (spec section 4); over a partial
    list, true when a known element equals the item, else unknown (spec 9.3)."""
    if not isinstance(members, list):
        return members
    results = [equality(item, member, text, budget) for member in members]
    if isinstance(members, PartialMembers):
        return open_ended(results, True, members.sources, item)
    return disjunction(results, text)


def partial_aggregate(name: str, items: PartialMembers) -> Result:
    """`sum`, `min`, `max` of a partial list: unknown, but for `max` (`min`) of known elements
    that are all numbers, which is at least the largest (at most the smallest) (spec 9.3)."""
    numbers = [b.number_of(i.value, i.origin) if isinstance(i, Known) else None for i in items]
    if name == "sum" or not numbers or any(number is None for number in numbers):
        return Unknown(b.join(items.sources, merge_missing(items)))
    return Known(b.open_extreme(name, numbers, items.sources))


def open_ended(
    results: Sequence[Result], dominant: bool, sources: tuple[PathKey, ...], *first: Result
) -> Result:
    """`or` (dominant True) or `and` over the known elements of a partial list: decided only by
    a dominant result, since an element not yet known could decide it (spec 9.3)."""
    for result in results:
        if isinstance(result, Known) and result.value is dominant:
            return Known(dominant)
    return Unknown(b.join(merge_missing(first), sources, merge_missing(results)))


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
                    result = key_of(base_result, key)
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
                return _bounded(text, lambda: partial(*results))
            return _attempt(text, lambda: compute(*values))

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
                result = key_of(result, key)
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
        text = expr.span.text()
        name = expr.name
        if name == "exists":
            arg = expr.args[0]
            assert isinstance(arg, n.Path)
            return self.exists(arg, bound)
        if name in ("contains_all", "contains_any"):
            first, second = (self.compile(a, bound) for a in expr.args)
            texts = [a.span.text() for a in expr.args]
            combine = conjunction if name == "contains_all" else disjunction

            def contains(frame: Frame) -> Result:
                left, right = first(frame), second(frame)
                early = strict((left, right))
                if early is not None:
                    return early
                haystack = elements(left, texts[0], frame.budget)
                needles = elements(right, texts[1], frame.budget)
                for side in (haystack, needles):
                    if not isinstance(side, list):
                        return side
                assert isinstance(haystack, list) and isinstance(needles, list)
                frame.budget.spend(len(haystack) * len(needles))  # each needle walks them all
                found = [membership(nd, haystack, text, frame.budget) for nd in needles]
                if isinstance(needles, PartialMembers):  # more needles may come (spec 9.3)
                    if name == "contains_any" and not haystack and type(haystack) is list:
                        return FALSE
                    also = haystack.sources if isinstance(haystack, PartialMembers) else ()
                    return open_ended(found, name == "contains_any", b.join(needles.sources, also))
                return combine(found, text)

            return contains
        if name in ("sum", "min", "max"):
            read = self.compile(expr.args[0], bound)
            compute = v.total if name == "sum" else lambda items: v.extreme(name, items)

            def aggregate(frame: Frame) -> Result:
                result = read(frame)
                if not isinstance(result, Known):
                    return result
                items = elements(result, text, frame.budget)
                if not isinstance(items, list):
                    return Failure(
                        f"{name}() needs a list, not {v.described(result.value)} (in '{text}')"
                    )
                if isinstance(items, PartialMembers):
                    return partial_aggregate(name, items)
                early = strict(items)
                if early is not None:
                    return early
                known = [i.value for i in items]  # type: ignore[union-attr]
                if any(b.is_partial_operand(item) for item in known):
                    return _bounded(text, lambda: b.aggregate(name, items))
                return _attempt(text, lambda: compute(known))

            return aggregate
        if name in ("days_since", "years_since", "year"):
            read = self.compile(expr.args[0], bound)

            def dated(frame: Frame) -> Result:
                result = read(frame)
                if not isinstance(result, Known):
                    return result
                return _bounded(text, lambda: b.dated(name, result, frame.as_of))

            return dated
        return self.strict_op(text, expr.args, bound, v.count, partial=b.count_result)

    def exists(self, path: n.Path, bound: frozenset[str]) -> Code:
        keys = path.keys
        if not path.root_is_key and (path.root in bound or path.root in self.model.lets):
            root = path.root
            is_let = root not in bound

            def start(frame: Frame) -> Result:
                return frame.let(root) if is_let else frame.bindings[root]
        else:
            keys = (path.root, *keys)

            def start(frame: Frame) -> Result:
                return Known(frame.doc)

        def run(frame: Frame) -> Result:
            result = start(frame)
            if isinstance(result, Failure):
                return result
            if isinstance(result, Unknown):
                return FALSE
            value = result.value
            for key in keys:
                if value.__class__ is not dict or (
                    value is not frame.doc and v.partial_kind(value) is not None
                ):
                    return FALSE
                value = read_key(value, key)
                if value is _MISSING or value is None:
                    return FALSE
            return TRUE

        return run


_SINGLE_PATH_CALLS = frozenset({"count", "days_since", "years_since", "year", "exists"})


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
            case n.Call(name=name) if name == "exists":
                return True  # never unknown
            case n.Call(name=name) if name in _SINGLE_PATH_CALLS:
                return all(walk(arg) for arg in node.args)
            case n.Comparison() | n.Arithmetic() | n.Negate() | n.Not() | n.And() | n.Or():
                return all(walk(child) for child in n.children(node))
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
