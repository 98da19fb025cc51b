"""The built-in functions, one registry entry each: the signature `check` reads
(`modenhet.language.functions`), how the exact evaluator computes the call, and how the fast
path writes it as Python. Both compilers take every call from here, so a new function is one
entry (with its tests: `tests/test_functions.py` fails until the entry, the docs and the
editors' grammars all have it).

An exact implementation turns a call into a closure over `exactcore` results with the full
semantics (unknown, error, partial values); a fast emitter turns it into an expression of the
generated function over plain values, raising where anything is unusual so that the exact
evaluator decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from modenhet import values as v
from modenhet.check.model import RuleSetModel
from modenhet.engine import bounds as b
from modenhet.engine.exactcore import (
    FALSE,
    MISSING,
    TRUE,
    Code,
    Failure,
    Frame,
    Known,
    PartialMembers,
    Result,
    Unknown,
    attempt,
    bounded,
    conjunction,
    disjunction,
    elements,
    membership,
    open_ended,
    partial_aggregate,
    read_key,
    strict,
)
from modenhet.engine.fastcode import Code as FastCode
from modenhet.engine.fastcode import date_code
from modenhet.language import nodes as n
from modenhet.language.functions import BUILTINS, Builtin
from modenhet.limits import process_limits


class ExactCompiling(Protocol):
    """What an exact implementation asks of the exact compiler."""

    model: RuleSetModel

    def compile(self, expr: n.Expr, bound: frozenset[str]) -> Code: ...

    def strict_op(
        self,
        text: str,
        operands: Sequence[n.Expr],
        bound: frozenset[str],
        compute: Callable[..., Any],
        charged: bool = False,
        partial: Callable[..., Any] | None = None,
    ) -> Code: ...


class FastCompiling(Protocol):
    """What a fast emitter asks of the fast path's code generator."""

    model: RuleSetModel

    def expr(self, expr: n.Expr, bound: dict[str, str]) -> FastCode: ...

    def strict(
        self,
        parts: list[FastCode],
        body: Callable[[list[str]], str],
        *,
        may_be_unknown: bool = False,
    ) -> FastCode: ...

    def path(self, path: n.Path, bound: dict[str, str]) -> FastCode: ...

    def let(self, name: str) -> str: ...

    def pure_path_let(self, name: str) -> Any: ...

    def constant(self, value: Any) -> str: ...

    def fresh(self, prefix: str) -> str: ...

    def walked_list(
        self, code: FastCode, steps: Callable[[str], str], test: Callable[[str], str]
    ) -> str: ...


ExactImplementation = Callable[[ExactCompiling, n.Call, frozenset[str]], Code]
FastEmitter = Callable[[FastCompiling, n.Call, dict[str, str]], FastCode]
# The condition that a call is true, for the levels function, or None: `(code) is True`.
MetEmitter = Callable[[FastCompiling, n.Call, dict[str, str]], str | None]


@dataclass(frozen=True)
class Function:
    """One built-in: its signature, its two implementations, and what the compilers may rely
    on about its fast code."""

    signature: Builtin
    exact: ExactImplementation
    fast: FastEmitter
    fast_number: bool = False  # the fast code yields only a number (or None, or raises)
    fast_boolean: bool = False  # the fast code yields only True, False or None
    single_path: bool = False  # unknown only where a path of its arguments is missing
    never_unknown: bool = False  # true or false (or an error), whatever is missing
    fast_met: MetEmitter | None = None  # see `MetEmitter`

    @property
    def name(self) -> str:
        return self.signature.name


# ------------------------------------------------------------------------------- exists


def _exists_exact(compiler: ExactCompiling, expr: n.Call, bound: frozenset[str]) -> Code:
    """True when the path is present and not null; never unknown (spec section 4)."""
    path = expr.args[0]
    assert isinstance(path, n.Path)
    keys = path.keys
    if not path.root_is_key and (path.root in bound or path.root in compiler.model.lets):
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
            value = read_key(value, key, frame.budget)
            if value is MISSING or value is None:
                return FALSE
        return TRUE

    return run


def _exists_fast(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> FastCode:
    path = expr.args[0]
    assert isinstance(path, n.Path)
    if not path.root_is_key and path.root in bound:
        return FastCode(f"_exists({bound[path.root]}, {path.keys!r}, budget)", maybe_none=False)
    if (
        not path.root_is_key
        and path.root in compiler.model.lets
        and compiler.pure_path_let(path.root) is None
    ):
        return FastCode(
            f"_exists({compiler.let(path.root)}, {path.keys!r}, budget)", maybe_none=False
        )
    return FastCode(f"({compiler.path(path, bound).source} is not None)", maybe_none=False)


# -------------------------------------------------------------------------------- count


def _count_exact(compiler: ExactCompiling, expr: n.Call, bound: frozenset[str]) -> Code:
    text = expr.span.text()
    return compiler.strict_op(text, expr.args, bound, v.count, partial=b.count_result)


def _count_fast(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> FastCode:
    args = [compiler.expr(arg, bound) for arg in expr.args]
    return compiler.strict(
        args, lambda t: f"(len({t[0]}) if {t[0]}.__class__ is list else _count({t[0]}))"
    )


# ---------------------------------------------------------------------- sum, min, max


def _aggregate_exact(compiler: ExactCompiling, expr: n.Call, bound: frozenset[str]) -> Code:
    text = expr.span.text()
    name = expr.name
    read = compiler.compile(expr.args[0], bound)
    compute: Callable[[list[Any]], Any] = (
        v.total if name == "sum" else lambda items: v.extreme(name, items)
    )

    def aggregate(frame: Frame) -> Result:
        result = read(frame)
        if not isinstance(result, Known):
            return result
        items = elements(result, text, frame.budget)
        if not isinstance(items, list):
            return Failure(f"{name}() needs a list, not {v.described(result.value)} (in '{text}')")
        if isinstance(items, PartialMembers):
            return partial_aggregate(name, items)
        early = strict(items)
        if early is not None:
            return early
        known = [i.value for i in items]  # type: ignore[union-attr]
        if any(b.is_partial_operand(item) for item in known):
            return bounded(text, lambda: b.aggregate(name, items))
        return attempt(text, lambda: compute(known))

    return aggregate


def _aggregate_fast(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> FastCode:
    name = expr.name
    args = [compiler.expr(arg, bound) for arg in expr.args]
    return compiler.strict(
        args, lambda t: f"_aggregate({name!r}, {t[0]}, budget)", may_be_unknown=True
    )


# ----------------------------------------------------------- days_since, years_since, year


def _dated_exact(compiler: ExactCompiling, expr: n.Call, bound: frozenset[str]) -> Code:
    text = expr.span.text()
    name = expr.name
    read = compiler.compile(expr.args[0], bound)

    def dated(frame: Frame) -> Result:
        result = read(frame)
        if not isinstance(result, Known):
            return result
        return bounded(text, lambda: b.dated(name, result, frame.as_of))

    return dated


def _dated_fast(body: Callable[[str], str]) -> FastEmitter:
    """A date function's fast emitter: `body` writes it over its argument's code."""

    def emit(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> FastCode:
        if isinstance(expr.args[0], n.AsOf):  # `year(as_of)`: cheap, and never unknown
            return FastCode(body("as_of"), maybe_none=False, simple=True)
        args = [compiler.expr(arg, bound) for arg in expr.args]
        return compiler.strict(args, lambda t: body(t[0]))

    return emit


def _years_since_fast(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> FastCode:
    """`years_since`, a date read before at this `as_of` found in the runtime's table without
    a call (`runtime.years_since` fills it; a value that is not a key raises)."""
    y = compiler.fresh("_t")
    table = "(_YEARS.get(as_of) or _NO_YEARS)"
    return _dated_fast(
        lambda arg: (
            f"({y} if ({y} := {table}.get({arg})) is not None else _years_since({arg}, as_of))"
        )
    )(compiler, expr, bound)


# ----------------------------------------------------------- contains_all, contains_any


def _contains_exact(compiler: ExactCompiling, expr: n.Call, bound: frozenset[str]) -> Code:
    text = expr.span.text()
    every = expr.name == "contains_all"
    first, second = (compiler.compile(a, bound) for a in expr.args)
    texts = [a.span.text() for a in expr.args]
    combine = conjunction if every else disjunction

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
            if not every and not haystack and type(haystack) is list:
                return FALSE
            also = haystack.sources if isinstance(haystack, PartialMembers) else ()
            return open_ended(found, not every, b.join(needles.sources, also))
        return combine(found, text)

    return contains


def _contains_fast(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> FastCode:
    every = expr.name == "contains_all"
    strings = _rule_strings(expr.args[1])
    if strings is not None:  # the rule's own strings, as most rules write them
        source = compiler.expr(expr.args[0], bound).source
        constant = compiler.constant(strings)
        return FastCode(f"_contains_strings({source}, {constant}, {every}, budget)")
    args = [compiler.expr(arg, bound) for arg in expr.args]
    return FastCode(f"_contains({args[0].source}, {args[1].source}, {every}, budget)")


# Needles written out as `in` tests in the levels function, at most (more: `_contains_strings`).
_INLINE_NEEDLES = 8


def _contains_met(compiler: FastCompiling, expr: n.Call, bound: dict[str, str]) -> str | None:
    """The condition that the call is true, for the levels function, written out for a few of
    the rule's own strings: `"a" in t and "b" in t` (or `or`), the steps charged as
    `_contains_strings` takes them, which decides the rest (`_contains_rest`)."""
    strings = _rule_strings(expr.args[1])
    if strings is None or not 0 < len(strings) <= _INLINE_NEEDLES:
        return None
    every = expr.name == "contains_all"
    constant = compiler.constant(strings)
    joiner = " and " if every else " or "

    def test(t: str) -> str:
        found = joiner.join(f"{text!r} in {t}" for text in strings)
        return f"({found} or _contains_rest({t}, {constant}, {every}, budget) is True)"

    return compiler.walked_list(
        compiler.expr(expr.args[0], bound), lambda t: f"{len(strings) + 1} * (len({t}) + 1)", test
    )


def _rule_strings(needles: n.Expr) -> tuple[str, ...] | None:
    """The needles of `contains_*` when the rule writes them as a list of ASCII strings, within
    the length limit: never null, and equal to a string in another Unicode form only if that
    string is not ASCII, so `in` decides whenever the haystack holds them or is all ASCII."""
    if not isinstance(needles, n.ListLiteral) or len(needles.items) > process_limits().list_length:
        return None
    strings = [item.value for item in needles.items if isinstance(item, n.String)]
    if len(strings) < len(needles.items) or not all(text.isascii() for text in strings):
        return None
    return tuple(strings)


# ------------------------------------------------------------------------- the registry


def _entry(
    name: str,
    exact: ExactImplementation,
    fast: FastEmitter,
    met: MetEmitter | None = None,
    **facts: bool,
) -> Function:
    return Function(BUILTINS[name], exact, fast, fast_met=met, **facts)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        _entry("count", _count_exact, _count_fast, fast_number=True, single_path=True),
        _entry("exists", _exists_exact, _exists_fast, fast_boolean=True, never_unknown=True),
        _entry("sum", _aggregate_exact, _aggregate_fast),
        _entry("min", _aggregate_exact, _aggregate_fast),
        _entry("max", _aggregate_exact, _aggregate_fast),
        _entry(
            "days_since",
            _dated_exact,
            _dated_fast(lambda arg: f"(as_of - {date_code(arg)}).days"),
            fast_number=True,
            single_path=True,
        ),
        _entry(
            "years_since",
            _dated_exact,
            _years_since_fast,
            fast_number=True,
            single_path=True,
        ),
        _entry(
            "year",
            _dated_exact,
            _dated_fast(lambda arg: f"{date_code(arg)}.year"),
            fast_number=True,
            single_path=True,
        ),
        _entry("contains_all", _contains_exact, _contains_fast, _contains_met, fast_boolean=True),
        _entry("contains_any", _contains_exact, _contains_fast, _contains_met, fast_boolean=True),
    )
}
