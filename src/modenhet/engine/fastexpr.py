"""The fast path's expressions: each rule expression as one inline Python expression over
plain values (None for unknown), with the paths and lets it reads. `FastCompiler`
(`codegen.py`) lays these out into the generated functions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from modenhet.engine.fastcode import PARTIAL_KEY, Code, PathNode, date_code
from modenhet.engine.functions import FUNCTIONS
from modenhet.language import nodes as n
from modenhet.language.statictypes import ANY, DATE, Kinds
from modenhet.limits import process_limits

if TYPE_CHECKING:
    from modenhet.check.model import RuleSetModel


class ExpressionCompiler:
    """The expression half of the fast path's compiler (a base of `FastCompiler`)."""

    model: RuleSetModel
    kinds: dict[int, frozenset[str]]
    namespace: dict[str, Any]
    root: PathNode
    path_lets: dict[str, PathNode]
    let_vars: dict[str, str]
    let_code: dict[str, str]
    uses: set[str]
    let_uses: dict[str, set[str]]
    nodes: dict[str, PathNode]
    counter: int

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        name = self.fresh("_k")
        self.namespace[name] = value
        return name

    # -- paths and lets

    def evidence(self, keys: tuple[str, ...], start: PathNode | None = None) -> Code:
        node = start or self.root
        for key in keys:
            if key not in node.children:
                child = PathNode(self.fresh("e"), node, key)
                node.children[key] = child
                self.nodes[child.variable] = child
            node = node.children[key]
        self.uses.add(node.variable)
        return Code(node.variable, simple=True)

    def pure_path_let(self, name: str) -> PathNode | None:
        """The path node of a let that is only an evidence path (`let e = evidence.x`)."""
        if name in self.path_lets:
            return self.path_lets[name]
        expr = self.model.lets[name].expr
        if not isinstance(expr, n.Path):
            return None
        if expr.root_is_key or expr.root not in self.model.lets:
            base: PathNode | None = self.root
            keys: tuple[str, ...] = (expr.root, *expr.keys)
        else:
            base, keys = self.pure_path_let(expr.root), expr.keys
        if base is None:
            return None
        self.evidence(keys, base)
        node = base
        for key in keys:
            node = node.children[key]
        self.path_lets[name] = node
        return node

    def let(self, name: str) -> str:
        """The variable holding a computed let, compiling it (after its own lets) the first time."""
        if name not in self.let_vars:
            outer, self.uses = self.uses, set()
            code = self.expr(self.model.lets[name].expr, {})
            self.let_uses[name], self.uses = self.uses, outer
            self.let_vars[name] = self.fresh("l")
            self.let_code[name] = code.source
        variable = self.let_vars[name]
        self.uses.add(variable)
        return variable

    # -- expressions

    def boolean(self, code: Code, expr: n.Expr) -> Code:
        """Insist on true, false or unknown where a condition is needed.

        Only the form of the expression can vouch for a boolean: a schema's type for a path is
        a promise the evidence may break, and `evaluate` does not validate.
        """
        if _always_boolean(expr):
            return code
        t = self.fresh("_t")
        return Code(f"({t} if ({t} := {code.source}).__class__ is bool else _not_boolean({t}))")

    def expr(self, expr: n.Expr, bound: dict[str, str]) -> Code:  # noqa: C901
        match expr:
            case n.Number(value=value):
                return Code(
                    # An int literal may be beyond a float's range (hundreds of digits):
                    # math.isfinite would raise OverflowError; ints are always finite.
                    f"({value!r})"
                    if value.__class__ is int or math.isfinite(value)
                    else self.constant(value),
                    maybe_none=False,
                    simple=True,
                )
            case n.String(value=value):
                return Code(repr(value), maybe_none=False, simple=True)
            case n.Boolean(value=value):
                return Code(repr(value), maybe_none=False, simple=True)
            case n.DateLiteral(value=value):
                return Code(self.constant(value), maybe_none=False, simple=True)
            case n.AsOf():
                return Code("as_of", maybe_none=False, simple=True)
            case n.Null() | n.Invalid():
                return Code("_negate(None)")  # refused by the checker; raises if ever reached
            case n.ListLiteral(items=items):
                if _is_constant(expr):
                    return Code(self.constant([_literal_value(i) for i in items]), False)
                parts = [self.expr(item, bound) for item in items]
                return Code(f"_items({', '.join(p.source for p in parts)},)")
            case n.Path():
                return self.path(expr, bound)
            case n.KeyRead(base=base, key=key):
                return Code(f"{_key_helper(key)}({self.expr(base, bound).source}, {key!r}, budget)")
            case n.Call():
                return self.call(expr, bound)
            case n.Negate(operand=operand):
                return self.strict(
                    [self.expr(operand, bound)],
                    lambda t: (
                        f"(-{t[0]} if {t[0]}.__class__ is int or {t[0]}.__class__ is float "
                        f"else _negate({t[0]}))"
                    ),
                )
            case n.Not(operand=operand):
                inner = self.boolean(self.expr(operand, bound), operand)
                return self.strict([inner], lambda t: f"(not {t[0]})")
            case n.And(operands=operands) | n.Or(operands=operands):
                parts = [self.boolean(self.expr(o, bound), o) for o in operands]
                return self.logic(parts, dominant=isinstance(expr, n.Or))
            case n.Arithmetic():
                return self.arithmetic(expr, bound)
            case n.Comparison():
                return self.comparison(expr, bound)
            case n.Membership(item=item, collection=collection, negated=negated):
                code = self.membership(item, collection, bound)
                return self.strict([code], lambda t: f"(not {t[0]})") if negated else code
            case n.Quantifier():
                return self.quantifier(expr, bound)
        raise AssertionError(f"unhandled node {expr!r}")  # pragma: no cover

    def strict(
        self,
        parts: list[Code],
        body: Callable[[list[str]], str],
        *,
        may_be_unknown: bool = False,
        met: bool = False,
    ) -> Code:
        """An operator that is unknown when an operand is: `None if t is None else BODY`.

        Each compound operand is computed once into a temporary; `may_be_unknown` says the
        operation itself can be unknown with known operands (a quantifier, `sum` of nulls).
        `met`: BODY is true or false (or raises), and the code is the condition that it is
        true: `t is not None and BODY` (see `met`).
        """
        names: list[str] = []
        assigned: list[str] = []  # the operands that may be unknown, each read once
        for part in parts:
            if part.simple:  # a name or a literal: read where it is needed
                names.append(part.source)
                if part.maybe_none:
                    assigned.append(part.source)
                continue
            t = self.fresh("_t")
            names.append(t)
            assigned.append(f"({t} := {part.source})")
        if met:
            assert not may_be_unknown
            known = "".join(f"{t} is not None and " for t in assigned)
            return Code(f"({known}{body(names)})", maybe_none=False, met=True)
        maybe_none = may_be_unknown or any(part.maybe_none for part in parts)
        checks = [f"{t} is None" for t in assigned]
        if not checks:
            return Code(body(names), maybe_none=maybe_none)
        return Code(f"(None if {' or '.join(checks)} else {body(names)})", maybe_none)

    def met(self, expr: n.Expr, bound: dict[str, str]) -> str:
        """A condition that holds exactly when `expr` is true — for the levels function, where
        a criterion counts only when met, and false, unknown and error alike stop a factor.
        It raises where the fast path cannot decide, as `expr`'s code does. `and` is met when
        each operand is (spec 5: true only then, whatever the other operands); a value that
        is not a boolean is not met (the criterion is an error); comparisons and membership of
        the rule's strings drop their unknown case."""
        match expr:
            case n.And(operands=operands):
                return f"({' and '.join(self.met(operand, bound) for operand in operands)})"
            case n.Comparison():
                return self.comparison(expr, bound, met=True).source
            case n.Membership(item=item, collection=collection, negated=False):
                code = self.membership(item, collection, bound, met=True)
                return code.source if code.met else f"({code.source} is True)"
            case n.Quantifier():  # `any` is met when a member's body is, `all` when each is
                return self.quantifier(expr, bound, met=True).source
            case n.Call(name=name) if FUNCTIONS[name].fast_met is not None:
                emit = FUNCTIONS[name].fast_met
                assert emit is not None
                test = emit(self, expr, bound)
                if test is not None:
                    return test
        return f"({self.expr(expr, bound).source} is True)"

    def logic(self, parts: list[Code], *, dominant: bool) -> Code:
        """Kleene `and` (dominant False) or `or` (dominant True), short-circuiting."""
        win, lose = ("True", "False") if dominant else ("False", "True")
        names = [self.fresh("_t") for _ in parts]
        first = " or ".join(
            f"({t} := {p.source}) is {win}" for t, p in zip(names, parts, strict=True)
        )
        rest = " and ".join(f"{t} is {lose}" for t in names)
        combine = "_any" if dominant else "_all"
        return Code(
            f"({win} if {first} else {lose} if {rest} else {combine}(({', '.join(names)},)))"
        )

    def path(self, path: n.Path, bound: dict[str, str]) -> Code:
        if not path.root_is_key and path.root in bound:
            source = bound[path.root]
            for position, key in enumerate(path.keys):
                if position == 0 and key != PARTIAL_KEY:  # from a member: `_key` written out
                    t = self.fresh("_t")
                    read = (
                        f"{source}.get({key!r}) if {source}.__class__ is dict "
                        f"else _not_object({source})"
                    )
                    source = (
                        f"({t} if ({t} := {read}) is not None "
                        f"else _nfc_get({source}, {key!r}, budget))"
                    )
                else:
                    source = f"{_key_helper(key)}({source}, {key!r}, budget)"
            return Code(source, simple=not path.keys)
        if not path.root_is_key and path.root in self.model.lets:
            node = self.pure_path_let(path.root)
            if node is not None:
                return self.evidence(path.keys, node)
            source = self.let(path.root)
            for key in path.keys:
                source = f"{_key_helper(key)}({source}, {key!r}, budget)"
            return Code(source, simple=not path.keys)
        return self.evidence((path.root, *path.keys))

    def arithmetic(self, expr: n.Arithmetic, bound: dict[str, str]) -> Code:
        left, right = self.expr(expr.left, bound), self.expr(expr.right, bound)
        op = expr.op
        if op in ("/", "*"):  # a product of integers is checked for size by the helper
            return self.strict([left, right], lambda t: f"_arith({op!r}, {t[0]}, {t[1]})")
        unsure = [
            i for i, operand in enumerate((expr.left, expr.right)) if not _always_int(operand)
        ]

        def body(t: list[str]) -> str:  # two integers: exact, as `_arith` computes them
            if not unsure:
                return f"({t[0]} {op} {t[1]})"
            test = " and ".join(f"{t[i]}.__class__ is int" for i in unsure)
            return f"({t[0]} {op} {t[1]} if {test} else _arith({op!r}, {t[0]}, {t[1]}))"

        return self.strict([left, right], body)

    def comparison(self, expr: n.Comparison, bound: dict[str, str], met: bool = False) -> Code:
        """`expr`'s code; `met`: the condition that it is true (see `met`)."""
        left, right = self.expr(expr.left, bound), self.expr(expr.right, bound)
        left_kinds = self.kinds.get(id(expr.left), ANY)
        right_kinds = self.kinds.get(id(expr.right), ANY)
        op = expr.op
        if op in ("==", "!="):
            if op == "==":
                return self.equality(
                    expr.left, left, left_kinds, expr.right, right, right_kinds, met=met
                )
            equal = self.equality(expr.left, left, left_kinds, expr.right, right, right_kinds)
            return self.strict([equal], lambda t: f"(not {t[0]})", met=met)
        if _always_number(expr.left) and _always_number(expr.right):
            return self.strict([left, right], lambda t: f"({t[0]} {op} {t[1]})", met=met)
        probe = 0 if _always_number(expr.right) else 1 if _always_number(expr.left) else None
        if met and probe is not None:
            probed, number = (left, right) if probe == 0 else (right, left)
            if probed.simple and number.simple and not number.maybe_none:  # `x.n >= 2`
                t = [left.source, right.source]  # a number first, null and the rest after
                return Code(
                    f"({t[0]} {op} {t[1]} if {t[probe]}.__class__ is int or "
                    f"{t[probe]}.__class__ is float else {t[probe]} is not None "
                    f"and _order({op!r}, {t[0]}, {t[1]}, budget))",
                    maybe_none=False,
                    met=True,
                )
        if probe is not None:
            return self.strict(
                [left, right],
                lambda t: (
                    f"({t[0]} {op} {t[1]} if {t[probe]}.__class__ is int or "
                    f"{t[probe]}.__class__ is float else _order({op!r}, {t[0]}, {t[1]}, budget))"
                ),
                met=met,
            )
        if left_kinds == DATE or right_kinds == DATE:
            return self.strict(
                [left, right], lambda t: f"({date_code(t[0])} {op} {date_code(t[1])})", met=met
            )
        return self.strict(
            [left, right], lambda t: f"_order({op!r}, {t[0]}, {t[1]}, budget)", met=met
        )

    def equality(
        self,
        left_expr: n.Expr,
        left: Code,
        left_kinds: Kinds,
        right_expr: n.Expr,
        right: Code,
        right_kinds: Kinds,
        met: bool = False,
    ) -> Code:
        pairs = ((right_expr, left, left_kinds), (left_expr, right, right_kinds))
        for literal, other, other_kinds in pairs:
            test = _literal_equality(literal, other_kinds)
            if test is not None:
                return self.strict([other], test, met=met)
        return self.strict([left, right], lambda t: f"_equal({t[0]}, {t[1]}, budget)", met=met)

    def membership(
        self, item: n.Expr, collection: n.Expr, bound: dict[str, str], met: bool = False
    ) -> Code:
        """`item in collection`; `met`: the condition that it is true where that is simpler
        (then the code's `met` is set; see `met`)."""
        item_code = self.expr(item, bound)
        item_kinds = self.kinds.get(id(item), ANY)
        if (
            isinstance(collection, n.ListLiteral)
            and collection.items
            and all(isinstance(e, n.String) and e.value.isascii() for e in collection.items)
            and "date" not in item_kinds
        ):
            strings = [e.value for e in collection.items if isinstance(e, n.String)]
            members = self.constant(frozenset(strings))
            as_list = self.constant(strings)
            return self.strict(
                [item_code],
                lambda t: (
                    f"(True if {t[0]} in {members} else False if {t[0]}.__class__ is str and "
                    f"{t[0]}.isascii() else _member({t[0]}, {as_list}, budget))"
                ),
                met=met,
            )
        members_code = self.members(collection, bound)
        if met and isinstance(item, n.String):  # `"nav" in x`: one `in` settles most lists
            text = item_code.source
            test = self.walked_list(
                members_code,
                lambda t: f"len({t})",
                lambda t: f"({text} in {t} or _member_walked({text}, {t}, budget) is True)",
            )
            return Code(test, maybe_none=False, met=True)
        helper = "_has_string" if isinstance(item, n.String) else "_member"
        return Code(f"{helper}({item_code.source}, {members_code.source}, budget)")

    def walked_list(
        self, code: Code, steps: Callable[[str], str], test: Callable[[str], str]
    ) -> str:
        """The condition that the list `code` passes `test`, written out in the levels function
        instead of a helper's call: null is not met, a list past the length limit or anything
        else is left to the exact evaluator, and the list's `steps` are charged (`charge`)."""
        t = self.fresh("_t")
        limit = process_limits().list_length
        return (
            f"(({self.charge(steps(t))} and {test(t)}) "
            f"if ({t} := {code.source}).__class__ is list and len({t}) <= {limit} "
            f"else {t} is not None and _fallback())"
        )

    def met_statements(self, expr: n.Expr, bound: dict[str, str]) -> tuple[list[str], str]:
        """`met` as statements to run before an `if`, and its condition: a quantifier walks
        its list in a loop of the levels function itself (a generator costs more)."""
        if not isinstance(expr, n.Quantifier):
            return [], self.met(expr, bound)
        collection = self.members(expr.collection, bound)
        variable, t, found = self.fresh("_v"), self.fresh("_t"), self.fresh("_q")
        test = self.met(expr.body, {**bound, expr.variable: variable})
        every = expr.kind == "all"
        limit = process_limits().list_length
        lines = [
            f"{found} = False",
            f"if ({t} := {collection.source}).__class__ is list and len({t}) <= {limit}:",
            f"    spent += len({t})  # as `charge`",
            "    if spent > budget[0]:",
            "        _out_of_steps()",
            *([f"    {found} = True"] if every else []),
            f"    for {variable} in {t}:",
            f"        if {'not ' if every else ''}{test}:",
            f"            {found} = {not every}",
            "            break",
            f"elif {t} is not None:",
            "    _fallback()",
        ]
        return lines, found

    def charge(self, steps: str) -> str:
        """Steps taken in the levels function itself, counted in its `spent` (the helpers take
        theirs from `budget`): out of steps as soon as the two together pass the limit, and
        checked once more before it returns (`codegen.FastCompiler.levels_source`)."""
        return f"((spent := spent + {steps}) <= budget[0] or _out_of_steps())"

    def members(self, collection: n.Expr, bound: dict[str, str]) -> Code:
        """A list whose elements are tested one by one: a literal's items may be unknown."""
        if isinstance(collection, n.ListLiteral) and not _is_constant(collection):
            inner = ", ".join(self.expr(e, bound).source for e in collection.items)
            return Code(f"[{inner}]", maybe_none=False)
        return self.expr(collection, bound)

    def quantifier(self, expr: n.Quantifier, bound: dict[str, str], met: bool = False) -> Code:
        """`any`/`all`; `met`: the condition that it is true, with Python's own `any` and
        `all` over the condition that each member's body is (see `met`)."""
        collection = self.members(expr.collection, bound)
        variable = self.fresh("_v")
        inner = {**bound, expr.variable: variable}
        if met:
            test = self.met(expr.body, inner)
            return Code(
                self.walked_list(
                    collection,
                    lambda t: f"len({t})",
                    lambda t: f"{expr.kind}({test} for {variable} in {t})",
                ),
                maybe_none=False,
                met=True,
            )
        body = self.boolean(self.expr(expr.body, inner), expr.body)
        combine = "_any" if expr.kind == "any" else "_all"
        return self.strict(
            [collection],
            lambda t: f"{combine}({body.source} for {variable} in _walkable({t[0]}, budget))",
            may_be_unknown=True,
        )

    def call(self, expr: n.Call, bound: dict[str, str]) -> Code:
        return FUNCTIONS[expr.name].fast(self, expr, bound)


def _literal_equality(literal: n.Expr, other_kinds: Kinds) -> Callable[[list[str]], str] | None:
    """`x == LITERAL` without a helper call, where the literal's kind allows it."""
    if isinstance(literal, n.String) and "date" not in other_kinds:
        text = repr(literal.value)
        return lambda t: (
            f"({t[0]} == {text} or ({t[0]}.__class__ is str and not {t[0]}.isascii() "
            f"and _nfc({t[0]}, budget) == {text}))"
        )
    if isinstance(literal, n.Number):
        number = f"({literal.value!r})"
        # A partial number may equal it or not (spec 9.3): `_number_equal` hands it over.
        return lambda t: (
            f"(True if {t[0]} == {number} and {t[0]}.__class__ is not bool "
            f"else {t[0]}.__class__ is dict and _number_equal({t[0]}))"
        )
    if isinstance(literal, n.Boolean):
        truth = repr(literal.value)
        return lambda t: f"({t[0]} is {truth})"
    return None


def _key_helper(key: str) -> str:
    """The runtime helper reading `key`: `at_least` must not be read out of a partial value."""
    return "_partial_key" if key == PARTIAL_KEY else "_key"


def _always_number(expr: n.Expr) -> bool:
    """Expressions whose generated code yields only a number (or None, or raises)."""
    if isinstance(expr, n.Call):
        return FUNCTIONS[expr.name].fast_number
    return isinstance(expr, n.Number | n.Arithmetic | n.Negate)


# The built-ins whose fast code yields only an integer (or None, or raises).
_INTEGER_FUNCTIONS = frozenset({"count", "days_since", "years_since", "year"})


def _always_int(expr: n.Expr) -> bool:
    """Expressions whose generated code yields only an integer (or None, or raises)."""
    if isinstance(expr, n.Call):
        return expr.name in _INTEGER_FUNCTIONS
    return isinstance(expr, n.Number) and expr.value.__class__ is int


def _always_boolean(expr: n.Expr) -> bool:
    """Expressions whose generated code yields only True, False or None."""
    if isinstance(expr, n.Call):
        return FUNCTIONS[expr.name].fast_boolean
    return isinstance(
        expr, n.Comparison | n.Membership | n.And | n.Or | n.Not | n.Quantifier | n.Boolean
    )


def _literal_value(expr: n.Expr) -> Any:
    assert isinstance(expr, n.Number | n.String | n.Boolean | n.DateLiteral)
    return expr.value


def _is_constant(expr: n.ListLiteral) -> bool:
    return all(isinstance(i, n.Number | n.String | n.Boolean | n.DateLiteral) for i in expr.items)
