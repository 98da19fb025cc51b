"""The fast path: the checked rule set compiled once into one generated Python function.

The function reads every evidence path once, computes every let once and each criterion as one
inline expression over plain values (None for unknown), then the factor levels and the overall
level. Anything unusual — a type mismatch, a non-boolean, division by zero, a key read from a
non-object — raises, and the exact evaluator decides that criterion (or, for a shared read or
let, the whole document). Rule text never becomes code: keys and literals enter the source only
through `repr` of str, int and bool, other constants through generated names in the namespace,
and every identifier in the source is generated.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from modenhet.check.model import CriterionDef, FactorDef, RuleSetModel
from modenhet.engine.fastcode import Code, date_code
from modenhet.engine.functions import FUNCTIONS
from modenhet.engine.runtime import NAMESPACE
from modenhet.language import nodes as n
from modenhet.language.statictypes import ANY, DATE, Kinds
from modenhet.limits import process_limits

FastFunction = Callable[[dict[str, Any], datetime.date], tuple[Any, ...]]


@dataclass
class _PathNode:
    variable: str
    parent: _PathNode | None = None
    key: str = ""
    children: dict[str, _PathNode] = field(default_factory=dict)


Point = tuple[int, int] | None  # (factor, block) where a read is placed; None: before all


@dataclass(frozen=True)
class Program:
    """The two generated functions and their source.

    `levels(doc, as_of)` gives (factor levels, overall) evaluating only the blocks it must, or
    None when anything is unusual; `statuses(doc, as_of)` evaluates every criterion.
    """

    levels: Callable[[dict[str, Any], datetime.date], tuple[tuple[int, ...], int] | None]
    statuses: FastFunction
    source: str


class FastCompiler:
    """Builds the source of `evaluate(doc, as_of)` and compiles it."""

    def __init__(self, model: RuleSetModel) -> None:
        self.model = model
        self.kinds = model.expr_kinds
        self.namespace: dict[str, Any] = dict(NAMESPACE)
        self.counter = 0
        self.root = _PathNode("doc")
        self.path_lets: dict[str, _PathNode] = {}
        self.let_vars: dict[str, str] = {}
        self.let_code: dict[str, str] = {}  # let name -> its expression, in dependency order
        self.uses: set[str] = set()  # what the expression being compiled reads: variables
        self.let_uses: dict[str, set[str]] = {}
        self.nodes: dict[str, _PathNode] = {}
        self.source = ""

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: Any) -> str:
        name = self.fresh("_k")
        self.namespace[name] = value
        return name

    # -- the two functions

    def build(self) -> Program:
        criteria = self.model.criteria
        codes: dict[int, str] = {}
        uses: dict[int, set[str]] = {}
        for criterion in criteria:
            self.uses = set()
            codes[criterion.index] = self.boolean(
                self.expr(criterion.when, {}), criterion.when
            ).source
            uses[criterion.index] = self.uses
        self.source = self.statuses_source(codes) + "\n\n" + self.levels_source(codes, uses)
        try:
            code = compile(self.source, "<modenhet generated>", "exec")
        except (SyntaxError, RecursionError, MemoryError):
            # An expression nested beyond what Python's own parser takes: leave those
            # criteria and lets to the exact evaluator, and compile the rest.
            codes = {index: _compilable(source) for index, source in codes.items()}
            self.let_code = {name: _compilable(source) for name, source in self.let_code.items()}
            self.source = self.statuses_source(codes) + "\n\n" + self.levels_source(codes, uses)
            code = compile(self.source, "<modenhet generated>", "exec")
        exec(code, self.namespace)  # noqa: S102 - our own generated source, see the module doc
        return Program(self.namespace["levels"], self.namespace["evaluate"], self.source)

    def statuses_source(self, codes: dict[int, str]) -> str:
        """Every path read once, every let once, every criterion, then the levels."""
        steps = process_limits().evaluation_steps
        lines = [
            "def evaluate(doc, as_of):",
            "    fallback = []",
            "    bad = False",
            f"    budget = [{steps}]",
        ]
        prelude = self.prelude(self.root, 2)
        if prelude:  # a key of a partial value raises: the whole document goes exact
            lines += ["    try:", *prelude, "    except Exception:", "        bad = True"]
        for name, code in self.let_code.items():
            variable = self.let_vars[name]
            lines += [
                "    try:",
                f"        {variable} = {code}",
                "    except Exception:",
                f"        {variable} = None",
                "        bad = True",
            ]
        for index, code in codes.items():
            lines += [
                "    try:",
                f"        s{index} = {code}",
                "    except Exception:",
                f"        s{index} = None",
                f"        fallback.append({index})",
            ]
        lines += self.levels()
        statuses = "".join(f"s{index}, " for index in codes)
        levels = "".join(f"f{i}, " for i in range(len(self.model.factors)))
        lines.append(f"    return ({statuses}), ({levels}), overall, fallback, bad")
        return "\n".join(lines) + "\n"

    def levels_source(self, codes: dict[int, str], uses: dict[int, set[str]]) -> str:
        """Factor by factor, block by block, stopping at the first block not met; each path and
        let is read where the first block that needs it is reached."""
        placed = self.placements(uses)
        by_point: dict[Point, list[str]] = {}
        for variable in [*self.tree_order(), *(self.let_vars[name] for name in self.let_code)]:
            by_point.setdefault(placed.get(variable), []).append(variable)
        lets = {self.let_vars[name]: code for name, code in self.let_code.items()}

        def reads(point: Point, pad: str) -> list[str]:
            out = []
            for variable in by_point.get(point, []):
                if variable in lets:
                    out.append(f"{pad}{variable} = {lets[variable]}")
                    continue
                node = self.nodes[variable]
                assert node.parent is not None
                parent, key = node.parent.variable, repr(node.key)
                if node.key == PARTIAL_KEY and parent != "doc":
                    out.append(f"{pad}{variable} = _partial_key({parent}, {key})")
                    continue
                out.append(
                    f"{pad}{variable} = {parent}.get({key}) if {parent}.__class__ is dict "
                    f"else _not_object({parent})"
                )
                out.append(f"{pad}if {variable} is None:")
                out.append(f"{pad}    {variable} = {_nfc_helper(parent)}({parent}, {key})")
            return out

        steps = process_limits().evaluation_steps
        lines = ["def levels(doc, as_of):", f"    budget = [{steps}]", "    try:"]
        lines += reads(None, "        ")
        floor = self.model.floor
        for number, factor in enumerate(self.model.factors):
            lines.append(f"        f{number} = {floor}")
            depth = 2
            for position, (criteria, reached) in enumerate(_steps(factor)):
                pad = "    " * depth
                lines += reads((number, position), pad)
                condition = " and ".join(f"({codes[c.index]}) is True" for c in criteria)
                if condition:
                    lines.append(f"{pad}if {condition}:")
                    depth += 1
                    pad = "    " * depth
                if reached is not None:
                    lines.append(f"{pad}f{number} = {reached}")
        lines += ["    " + line for line in self.overall_lines()]
        lines += ["    except Exception:", "        return None"]
        levels = "".join(f"f{i}, " for i in range(len(self.model.factors)))
        lines.append(f"    return ({levels}), overall")
        return "\n".join(lines) + "\n"

    def placements(self, uses: dict[int, set[str]]) -> dict[str, Point]:
        """Where each read and let goes: at the first block that needs it when only one factor
        does, else before all factors."""
        points: dict[str, set[Point]] = {}
        position = {}
        for number, factor in enumerate(self.model.factors):
            for step, (criteria, _) in enumerate(_steps(factor)):
                for criterion in criteria:
                    position[criterion.index] = (number, step)
        for index, variables in uses.items():
            for variable in variables:
                points.setdefault(variable, set()).add(position[index])
        placed: dict[str, Point] = {}
        let_variables = [self.let_vars[name] for name in self.let_code]
        for _ in range(len(let_variables) + 1):  # lets that use lets: settle in a few rounds
            for name in reversed(self.let_code):
                variable = self.let_vars[name]
                placed[variable] = _merge(points.get(variable, set()))
                for used in self.let_uses[name]:
                    points.setdefault(used, set()).add(placed[variable])
        for node in reversed(self.tree_order()):  # children before their parents
            placed[node] = _merge(points.get(node, set()))
            parent = self.nodes[node].parent
            if parent is not None and parent.variable != "doc":
                points.setdefault(parent.variable, set()).add(placed[node])
        return placed

    def prelude(self, node: _PathNode, depth: int) -> list[str]:
        """Read each evidence path once; a key read from a non-object sets `bad`."""
        if not node.children:
            return []
        pad = "    " * depth
        lines = [f"{pad}if {node.variable}.__class__ is dict:"]
        for key, child in node.children.items():
            if key == PARTIAL_KEY and node.variable != "doc":
                lines.append(f"{pad}    {child.variable} = _partial_key({node.variable}, {key!r})")
                continue
            lines.append(f"{pad}    {child.variable} = {node.variable}.get({key!r})")
            lines.append(f"{pad}    if {child.variable} is None:")
            nfc_get = _nfc_helper(node.variable)
            lines.append(f"{pad}        {child.variable} = {nfc_get}({node.variable}, {key!r})")
        for child in node.children.values():
            lines += self.prelude(child, depth + 1)
        lines.append(f"{pad}else:")
        for descendant in _descendants(node):
            lines.append(f"{pad}    {descendant.variable} = None")
        lines.append(f"{pad}    if {node.variable} is not None:")
        lines.append(f"{pad}        bad = True")
        return lines

    def tree_order(self) -> list[str]:
        """Path variables with each parent before its children."""
        return [node.variable for node in _descendants(self.root)]

    def levels(self) -> list[str]:
        lines: list[str] = []
        floor = self.model.floor
        for number, factor in enumerate(self.model.factors):
            lines.append(f"    f{number} = {floor}")
            depth = 1
            for block in factor.blocks:
                pad = "    " * depth
                condition = " and ".join(f"s{c.index} is True" for c in block.criteria)
                if condition:
                    lines.append(f"{pad}if {condition}:")
                    depth += 1
                    pad = "    " * depth
                lines.append(f"{pad}f{number} = {block.number}")
        return lines + self.overall_lines()

    def overall_lines(self) -> list[str]:
        """The overall level from f0, f1, ...: exact integer arithmetic for mean and weighted."""
        floor = self.model.floor
        factor_levels = [f"f{i}" for i in range(len(self.model.factors))]
        declared = tuple(level.number for level in self.model.levels)
        if not factor_levels:
            return [f"    overall = {floor}"]
        if self.model.overall == "min":
            return [f"    overall = min({', '.join(factor_levels)}, {declared[-1]})"]
        if self.model.overall == "mean":
            total = " + ".join(factor_levels)
            return [f"    overall = _floor_level({total}, {len(factor_levels)}, {declared})"]
        weights = [factor.weight for factor in self.model.factors]
        scale = math.lcm(*(w.denominator for w in weights))
        scaled = [int(w * scale) for w in weights]
        total = " + ".join(f"{w} * {f}" for w, f in zip(scaled, factor_levels, strict=True))
        return [f"    overall = _floor_level({total}, {sum(scaled)}, {declared})"]

    # -- paths and lets

    def evidence(self, keys: tuple[str, ...], start: _PathNode | None = None) -> Code:
        node = start or self.root
        for key in keys:
            if key not in node.children:
                child = _PathNode(self.fresh("e"), node, key)
                node.children[key] = child
                self.nodes[child.variable] = child
            node = node.children[key]
        self.uses.add(node.variable)
        return Code(node.variable, simple=True)

    def pure_path_let(self, name: str) -> _PathNode | None:
        """The path node of a let that is only an evidence path (`let e = evidence.x`)."""
        if name in self.path_lets:
            return self.path_lets[name]
        expr = self.model.lets[name].expr
        if not isinstance(expr, n.Path):
            return None
        if expr.root_is_key or expr.root not in self.model.lets:
            base: _PathNode | None = self.root
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
                return Code(f"{_key_helper(key)}({self.expr(base, bound).source}, {key!r})")
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
        self, parts: list[Code], body: Callable[[list[str]], str], *, may_be_unknown: bool = False
    ) -> Code:
        """An operator that is unknown when an operand is: `None if t is None else BODY`.

        Each compound operand is computed once into a temporary; `may_be_unknown` says the
        operation itself can be unknown with known operands (a quantifier, `sum` of nulls).
        """
        names: list[str] = []
        checks: list[str] = []
        for part in parts:
            if part.simple and not part.maybe_none:
                names.append(part.source)
                continue
            t = self.fresh("_t")
            names.append(t)
            checks.append(f"({t} := {part.source}) is None")
        maybe_none = may_be_unknown or any(part.maybe_none for part in parts)
        if not checks:
            return Code(body(names), maybe_none=maybe_none)
        return Code(f"(None if {' or '.join(checks)} else {body(names)})", maybe_none)

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
            for key in path.keys:
                source = f"{_key_helper(key)}({source}, {key!r})"
            return Code(source, simple=not path.keys)
        if not path.root_is_key and path.root in self.model.lets:
            node = self.pure_path_let(path.root)
            if node is not None:
                return self.evidence(path.keys, node)
            source = self.let(path.root)
            for key in path.keys:
                source = f"{_key_helper(key)}({source}, {key!r})"
            return Code(source, simple=not path.keys)
        return self.evidence((path.root, *path.keys))

    def arithmetic(self, expr: n.Arithmetic, bound: dict[str, str]) -> Code:
        left, right = self.expr(expr.left, bound), self.expr(expr.right, bound)
        op = expr.op
        if op in ("/", "*"):  # a product of integers is checked for size by the helper
            return self.strict([left, right], lambda t: f"_arith({op!r}, {t[0]}, {t[1]})")
        return self.strict(
            [left, right],
            lambda t: (
                f"({t[0]} {op} {t[1]} if {t[0]}.__class__ is int and {t[1]}.__class__ is int "
                f"else _arith({op!r}, {t[0]}, {t[1]}))"
            ),
        )

    def comparison(self, expr: n.Comparison, bound: dict[str, str]) -> Code:
        left, right = self.expr(expr.left, bound), self.expr(expr.right, bound)
        left_kinds = self.kinds.get(id(expr.left), ANY)
        right_kinds = self.kinds.get(id(expr.right), ANY)
        op = expr.op
        if op in ("==", "!="):
            equal = self.equality(expr.left, left, left_kinds, expr.right, right, right_kinds)
            if op == "==":
                return equal
            return self.strict([equal], lambda t: f"(not {t[0]})")
        if _always_number(expr.left) and _always_number(expr.right):
            return self.strict([left, right], lambda t: f"({t[0]} {op} {t[1]})")
        probe = 0 if _always_number(expr.right) else 1 if _always_number(expr.left) else None
        if probe is not None:
            return self.strict(
                [left, right],
                lambda t: (
                    f"({t[0]} {op} {t[1]} if {t[probe]}.__class__ is int or "
                    f"{t[probe]}.__class__ is float else _order({op!r}, {t[0]}, {t[1]}, budget))"
                ),
            )
        if left_kinds == DATE or right_kinds == DATE:
            return self.strict(
                [left, right],
                lambda t: f"({date_code(t[0])} {op} {date_code(t[1])})",
            )
        return self.strict([left, right], lambda t: f"_order({op!r}, {t[0]}, {t[1]}, budget)")

    def equality(
        self,
        left_expr: n.Expr,
        left: Code,
        left_kinds: Kinds,
        right_expr: n.Expr,
        right: Code,
        right_kinds: Kinds,
    ) -> Code:
        pairs = ((right_expr, left, left_kinds), (left_expr, right, right_kinds))
        for literal, other, other_kinds in pairs:
            test = _literal_equality(literal, other_kinds)
            if test is not None:
                return self.strict([other], test)
        return self.strict([left, right], lambda t: f"_equal({t[0]}, {t[1]}, budget)")

    def membership(self, item: n.Expr, collection: n.Expr, bound: dict[str, str]) -> Code:
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
            )
        members_code = self.members(collection, bound)
        return Code(f"_member({item_code.source}, {members_code.source}, budget)")

    def members(self, collection: n.Expr, bound: dict[str, str]) -> Code:
        """A list whose elements are tested one by one: a literal's items may be unknown."""
        if isinstance(collection, n.ListLiteral) and not _is_constant(collection):
            inner = ", ".join(self.expr(e, bound).source for e in collection.items)
            return Code(f"[{inner}]", maybe_none=False)
        return self.expr(collection, bound)

    def quantifier(self, expr: n.Quantifier, bound: dict[str, str]) -> Code:
        collection = self.members(expr.collection, bound)
        variable = self.fresh("_v")
        body = self.boolean(self.expr(expr.body, {**bound, expr.variable: variable}), expr.body)
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


# Nesting one `if` per criterion lets each read wait for the criterion that needs it; past this
# many criteria in a factor the blocks are tested whole, to stay clear of Python's limit of 100
# levels of indentation.
_MAX_NESTED_CRITERIA = 60


def _steps(factor: FactorDef) -> list[tuple[tuple[CriterionDef, ...], int | None]]:
    """The tests of a factor in order: the criteria tested together, and the level reached when
    they hold (None until the block's last criterion)."""
    steps: list[tuple[tuple[CriterionDef, ...], int | None]] = []
    one_by_one = len(factor.criteria) <= _MAX_NESTED_CRITERIA
    for block in factor.blocks:
        if not one_by_one or not block.criteria:
            steps.append((block.criteria, block.number))
            continue
        for position, criterion in enumerate(block.criteria):
            last = position == len(block.criteria) - 1
            steps.append(((criterion,), block.number if last else None))
    return steps


PARTIAL_KEY = "at_least"


def _nfc_helper(parent: str) -> str:
    """The runtime helper for a key absent in one Unicode form: the document itself is always
    an object (spec 9.3a), any other object may be a partial value."""
    return "_nfc_get_root" if parent == "doc" else "_nfc_get"


def _key_helper(key: str) -> str:
    """The runtime helper reading `key`: `at_least` must not be read out of a partial value."""
    return "_partial_key" if key == PARTIAL_KEY else "_key"


def _compilable(source: str) -> str:
    """The expression, or one that always defers to the exact evaluator when Python cannot
    compile it (too many nested parentheses)."""
    try:
        compile(source, "<modenhet expression>", "eval")
    except (SyntaxError, RecursionError, MemoryError):
        return "_fallback()"
    return source


def _merge(points: set[Point]) -> Point:
    """One place that comes before every use: the earliest block when one factor uses it."""
    if not points or None in points:
        return None
    factors = {point[0] for point in points if point is not None}
    if len(factors) != 1:
        return None
    return min(point for point in points if point is not None)


def _always_number(expr: n.Expr) -> bool:
    """Expressions whose generated code yields only a number (or None, or raises)."""
    if isinstance(expr, n.Call):
        return FUNCTIONS[expr.name].fast_number
    return isinstance(expr, n.Number | n.Arithmetic | n.Negate)


def _always_boolean(expr: n.Expr) -> bool:
    """Expressions whose generated code yields only True, False or None."""
    if isinstance(expr, n.Call):
        return FUNCTIONS[expr.name].fast_boolean
    return isinstance(
        expr, n.Comparison | n.Membership | n.And | n.Or | n.Not | n.Quantifier | n.Boolean
    )


def _descendants(node: _PathNode) -> list[_PathNode]:
    out: list[_PathNode] = []
    for child in node.children.values():
        out.append(child)
        out += _descendants(child)
    return out


def _literal_value(expr: n.Expr) -> Any:
    assert isinstance(expr, n.Number | n.String | n.Boolean | n.DateLiteral)
    return expr.value


def _is_constant(expr: n.ListLiteral) -> bool:
    return all(isinstance(i, n.Number | n.String | n.Boolean | n.DateLiteral) for i in expr.items)
