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
from dataclasses import dataclass
from typing import Any

from modenhet.check.model import CriterionDef, FactorDef, RuleSetModel
from modenhet.engine.exact import single_evidence_path
from modenhet.engine.fastcode import PARTIAL_KEY, PathNode
from modenhet.engine.fastexpr import ExpressionCompiler
from modenhet.engine.runtime import NAMESPACE
from modenhet.language import nodes as n
from modenhet.limits import process_limits
from modenhet.values import render_path

FastFunction = Callable[[dict[str, Any], datetime.date], tuple[Any, ...]]


Point = tuple[int, int] | None  # (factor, block) where a read is placed; None: before all

# How deep an and/or/not tree the generated code finds missing paths for (`missing_tree`);
# deeper ones are left to the exact evaluator, so the analysis stays small and never recurses
# far.
MISSING_TREE_DEPTH = 16


@dataclass(frozen=True)
class Program:
    """The two generated functions and their source.

    `levels(doc, as_of)` gives (factor levels, overall) evaluating only the blocks it must, or
    None when anything is unusual; `statuses(doc, as_of)` evaluates every criterion:
    (statuses, levels, overall, fallback, bad). `decide(doc, as_of)` gives the same and each
    factor's `level_max`, the `overall_max`, and the missing paths of the unknown criteria
    `missing_tree` handles — read only when nothing fell back.
    """

    levels: Callable[[dict[str, Any], datetime.date], tuple[tuple[int, ...], int] | None]
    statuses: FastFunction
    source: str
    decide: FastFunction  # `statuses`, then (level_max...), overall_max, {index: missing}


class FastCompiler(ExpressionCompiler):
    """Builds the source of `evaluate(doc, as_of)` and compiles it."""

    def __init__(self, model: RuleSetModel) -> None:
        self.model = model
        self.kinds = model.expr_kinds
        self.namespace: dict[str, Any] = dict(NAMESPACE)
        self.counter = 0
        self.root = PathNode("doc")
        self.path_lets: dict[str, PathNode] = {}
        self.let_vars: dict[str, str] = {}
        self.let_code: dict[str, str] = {}  # let name -> its expression, in dependency order
        self.uses: set[str] = set()  # what the expression being compiled reads: variables
        self.let_uses: dict[str, set[str]] = {}
        self.nodes: dict[str, PathNode] = {}
        self.source = ""
        # Criteria whose missing paths the statuses function computes: index -> (the tree of
        # and/or/not over single-path conditions, the conditions' code).
        self.missing_trees: dict[int, tuple[tuple[Any, ...], list[str]]] = {}

    # -- the two functions

    def build(self) -> Program:
        criteria = self.model.criteria
        codes: dict[int, str] = {}
        # The condition that it is met, for the levels function, and statements before it.
        mets: dict[int, tuple[list[str], str]] = {}
        uses: dict[int, set[str]] = {}
        for criterion in criteria:
            self.uses = set()
            codes[criterion.index] = self.boolean(
                self.expr(criterion.when, {}), criterion.when
            ).source
            mets[criterion.index] = self.met_statements(criterion.when, {})
            if single_evidence_path(criterion.when, self.model) is None:
                conditions: list[str] = []
                tree = self.missing_tree(criterion.when, conditions)
                if tree is not None and tree[0] != "leaf":
                    self.missing_trees[criterion.index] = (tree, conditions)
            uses[criterion.index] = self.uses
        self.source = self.statuses_source(codes) + "\n\n" + self.levels_source(mets, uses)
        try:
            code = compile(self.source, "<modenhet generated>", "exec")
        except (SyntaxError, RecursionError, MemoryError):
            # An expression nested beyond what Python's own parser takes: leave those
            # criteria and lets to the exact evaluator, and compile the rest.
            codes = {index: _compilable(source) for index, source in codes.items()}
            mets = {index: _compilable_met(*met) for index, met in mets.items()}
            self.missing_trees = {}
            self.let_code = {name: _compilable(source) for name, source in self.let_code.items()}
            self.source = self.statuses_source(codes) + "\n\n" + self.levels_source(mets, uses)
            code = compile(self.source, "<modenhet generated>", "exec")
        exec(code, self.namespace)  # noqa: S102 - our own generated source, see the module doc
        namespace = self.namespace
        return Program(namespace["levels"], namespace["evaluate"], self.source, namespace["decide"])

    def statuses_source(self, codes: dict[int, str]) -> str:
        """Every path read once, every let once, every criterion, then the levels."""
        steps = process_limits().evaluation_steps
        lines = [
            "def decide(doc, as_of):",
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
        lines += self.missing_lines(codes)
        lines += self.levels()
        lines += self.bounds()
        statuses = "".join(f"s{index}, " for index in codes)
        levels = "".join(f"f{i}, " for i in range(len(self.model.factors)))
        bounds = "".join(f"g{i}, " for i in range(len(self.model.factors)))
        lines.append(
            f"    return ({statuses}), ({levels}), overall, fallback, bad, ({bounds}), overall_max,"
            " missing"
        )
        # `evaluate`: the first five of those (statuses, levels, overall, fallback, bad).
        lines += ["", "", "evaluate = lambda doc, as_of: decide(doc, as_of)[:5]  # noqa: E731"]
        return "\n".join(lines) + "\n"

    def levels_source(
        self, mets: dict[int, tuple[list[str], str]], uses: dict[int, set[str]]
    ) -> str:
        """Factor by factor, block by block, stopping at the first block not met (`mets`: the
        condition that each criterion is met); each path and let is read where the first block
        that needs it is reached."""
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
                    out.append(f"{pad}{variable} = _partial_key({parent}, {key}, budget)")
                elif parent == "doc":
                    out.append(
                        f"{pad}{variable} = doc.get({key}) if doc.__class__ is dict "
                        "else _not_object(doc)"
                    )
                    out.append(f"{pad}if {variable} is None:")
                    out.append(f"{pad}    {variable} = _nfc_get_root(doc, {key}, budget)")
                else:  # read from the parent as an object (`_as_object`), tested once
                    whole = _object_variable(parent)
                    out.append(f"{pad}{variable} = {whole}.get({key})")
                    out.append(f"{pad}if {variable} is None and {key} not in {whole}:")  # absent
                    out.append(f"{pad}    {variable} = _nfc_get({whole}, {key}, budget)")
                if node.children:
                    whole = _object_variable(variable)
                    out.append(
                        f"{pad}{whole} = {variable} if {variable}.__class__ is dict "
                        f"else _as_object({variable})"
                    )
            return out

        steps = process_limits().evaluation_steps
        lines = ["def levels(doc, as_of):", f"    budget = [{steps}]", "    spent = 0", "    try:"]
        lines += reads(None, "        ")
        floor = self.model.floor
        for number, factor in enumerate(self.model.factors):
            lines.append(f"        f{number} = {floor}")
            depth = 2
            for position, (criteria, reached) in enumerate(_steps(factor)):
                pad = "    " * depth
                lines += reads((number, position), pad)
                if len(criteria) == 1:  # statements first, where a criterion has them
                    lines += [pad + line for line in mets[criteria[0].index][0]]
                    condition = mets[criteria[0].index][1]
                else:  # a block tested whole: conditions only
                    condition = " and ".join(
                        _compilable(self.met(c.when, {})) if mets[c.index][0] else mets[c.index][1]
                        for c in criteria
                    )
                if condition:
                    lines.append(f"{pad}if {condition}:")
                    depth += 1
                    pad = "    " * depth
                if reached is not None:
                    lines.append(f"{pad}f{number} = {reached}")
        lines += ["    " + line for line in self.overall_lines()]
        lines += ["    except Exception:", "        return None"]
        # Out of steps, counting the helpers' and its own (`ExpressionCompiler.charge`).
        lines += ["    if spent > budget[0]:", "        return None"]
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

    def prelude(self, node: PathNode, depth: int) -> list[str]:
        """Read each evidence path once; a key read from a non-object sets `bad`."""
        if not node.children:
            return []
        pad = "    " * depth
        lines = [f"{pad}if {node.variable}.__class__ is dict:"]
        for key, child in node.children.items():
            if key == PARTIAL_KEY and node.variable != "doc":
                lines.append(
                    f"{pad}    {child.variable} = _partial_key({node.variable}, {key!r}, budget)"
                )
                continue
            lines.append(f"{pad}    {child.variable} = {node.variable}.get({key!r})")
            lines.append(f"{pad}    if {child.variable} is None:")
            nfc_get = _nfc_helper(node.variable)
            lines.append(
                f"{pad}        {child.variable} = {nfc_get}({node.variable}, {key!r}, budget)"
            )
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
        return self.factor_levels("f", "is True") + self.overall_lines()

    def factor_levels(self, prefix: str, reached: str) -> list[str]:
        """Each factor's level into `{prefix}0`, `{prefix}1`, ...: the highest block whose
        criteria, and those of every block below, all have statuses that pass `s{i} {reached}`
        (spec section 6; "is not False" gives `level_max`, spec 9.1)."""
        lines: list[str] = []
        floor = self.model.floor
        for number, factor in enumerate(self.model.factors):
            lines.append(f"    {prefix}{number} = {floor}")
            depth = 1
            for block in factor.blocks:
                pad = "    " * depth
                condition = " and ".join(f"s{c.index} {reached}" for c in block.criteria)
                if condition:
                    lines.append(f"{pad}if {condition}:")
                    depth += 1
                    pad = "    " * depth
                lines.append(f"{pad}{prefix}{number} = {block.number}")
        return lines

    def missing_tree(
        self, expr: n.Expr, conditions: list[str], depth: int = 0
    ) -> tuple[Any, ...] | None:
        """`expr` as a tree of and, or and not over conditions that can each only be unknown
        for one evidence path (appending each condition's code to `conditions`), or None when
        it is not built that way, or nests deeper than `MISSING_TREE_DEPTH` (the exact
        evaluator then finds its missing paths)."""
        if depth > MISSING_TREE_DEPTH:
            return None
        path = single_evidence_path(expr, self.model)
        if path is not None:
            conditions.append(self.boolean(self.expr(expr, {}), expr).source)
            hidden = frozenset(self.model.lets)
            return ("leaf", len(conditions) - 1, render_path(path, hidden))
        if isinstance(expr, n.Quantifier):
            return self.missing_quantifier(expr, conditions)
        collection = _searched_list(expr)
        if collection is not None:
            path = single_evidence_path(collection, self.model)
            if path is None:
                return None
            conditions.append(self.boolean(self.expr(expr, {}), expr).source)
            conditions.append(self.expr(collection, {}).source)
            hidden = frozenset(self.model.lets)
            return ("list", len(conditions) - 2, len(conditions) - 1, render_path(path, hidden))
        if isinstance(expr, n.Not):
            operand = self.missing_tree(expr.operand, conditions, depth + 1)
            return None if operand is None else ("not", operand)
        if isinstance(expr, n.And | n.Or):
            operands = [
                self.missing_tree(operand, conditions, depth + 1) for operand in expr.operands
            ]
            if any(operand is None for operand in operands):
                return None
            return ("and" if isinstance(expr, n.And) else "or", tuple(operands))
        return None

    def missing_quantifier(
        self, expr: n.Quantifier, conditions: list[str]
    ) -> tuple[Any, ...] | None:
        """`any`/`all` over a list at one evidence path whose body can only be unknown for one
        path below the member: unknown for the list's path, or for that path in each member
        whose body is unknown (`list[2].key`), as the exact evaluator finds them."""
        collection = single_evidence_path(expr.collection, self.model)
        variable = expr.variable
        body = _member_path(expr.body, variable)
        if collection is None or body is None or not isinstance(expr.collection, n.Path):
            return None
        member = self.fresh("_v")
        code = self.boolean(self.expr(expr.body, {variable: member}), expr.body).source
        source = self.expr(expr.collection, {}).source
        conditions.append(f"_quantified({source}, lambda {member}: {code}, budget)")
        hidden = frozenset(self.model.lets)
        dominant = expr.kind == "any"
        return ("quantifier", len(conditions) - 1, dominant, collection, body, hidden)

    def missing_lines(self, codes: dict[int, str]) -> list[str]:
        """`missing`: the missing paths of each unknown criterion with a missing tree. Read only
        when no criterion fell back to the exact evaluator; a condition that raises leaves the
        criterion to the exact evaluator."""
        lines = ["    missing = {}"]
        for index, (tree, conditions) in self.missing_trees.items():
            if index not in codes:
                continue
            values = "".join(f"{code}, " for code in conditions)
            lines += [
                f"    if s{index} is None:",
                "        try:",
                f"            missing[{index}] = "
                f"_missing_tree({self.constant(tree)}, ({values}), budget)",
                "        except Exception:",
                "            pass",
            ]
        return lines

    def bounds(self) -> list[str]:
        """Each factor's `level_max` (g0, g1, ...) and `overall_max` from the statuses (spec
        9.1): the levels reached were every unknown criterion met. Only read when no criterion
        fell back to the exact evaluator (whose statuses may differ), so `s is not False` is
        `s in (True, None)` here."""
        return self.factor_levels("g", "is not False") + self.overall_lines("g", "overall_max")

    def overall_lines(self, prefix: str = "f", target: str = "overall") -> list[str]:
        """The overall level from f0, f1, ... (or another `prefix`): exact integer arithmetic
        for mean and weighted."""
        floor = self.model.floor
        factor_levels = [f"{prefix}{i}" for i in range(len(self.model.factors))]
        declared = tuple(level.number for level in self.model.levels)
        if not factor_levels:
            return [f"    {target} = {floor}"]
        if self.model.overall == "min":
            return [f"    {target} = min({', '.join(factor_levels)}, {declared[-1]})"]
        if self.model.overall == "mean":
            total = " + ".join(factor_levels)
            return [f"    {target} = _floor_level({total}, {len(factor_levels)}, {declared})"]
        weights = [factor.weight for factor in self.model.factors]
        scale = math.lcm(*(w.denominator for w in weights))
        scaled = [int(w * scale) for w in weights]
        total = " + ".join(f"{w} * {f}" for w, f in zip(scaled, factor_levels, strict=True))
        return [f"    {target} = _floor_level({total}, {sum(scaled)}, {declared})"]


def _searched_list(expr: n.Expr) -> n.Path | None:
    """The list at a path that `expr` looks for the rule's own values in (`"nav" in x`,
    `contains_all(x, ["a", "b"])`): unknown when that path is absent or null, or (the exact
    evaluator finds those paths) when the list holds a null."""
    if isinstance(expr, n.Membership) and isinstance(expr.collection, n.Path):
        if isinstance(expr.item, n.String | n.Number | n.Boolean):
            return expr.collection
    if isinstance(expr, n.Call) and expr.name in ("contains_all", "contains_any"):
        haystack, needles = expr.args
        if isinstance(haystack, n.Path) and isinstance(needles, n.ListLiteral):
            if all(isinstance(i, n.String | n.Number | n.Boolean) for i in needles.items):
                return haystack
    return None


def _member_path(body: n.Expr, variable: str) -> tuple[str, ...] | None:
    """The keys of the one path below a quantifier's `variable` that `body` reads, when it reads
    no other path and holds no quantifier, let or `as_of`; else None. (The runtime checks
    that a member whose body is unknown lacks that path, else the exact evaluator decides.)"""
    keys: set[tuple[str, ...]] = set()
    stack = [body]
    while stack:
        node = stack.pop()
        if isinstance(node, n.Path):
            if node.root_is_key or node.root != variable or not node.keys:
                return None
            keys.add(node.keys)
        elif isinstance(node, n.Quantifier | n.AsOf):
            return None
        stack.extend(n.children(node))
    return keys.pop() if len(keys) == 1 else None


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


def _object_variable(variable: str) -> str:
    """The variable of the levels function holding the object read into `variable` (`e12`:
    `o12`), or an object without keys for null (`_as_object`)."""
    return f"o{variable[1:]}"


def _nfc_helper(parent: str) -> str:
    """The runtime helper for a key absent in one Unicode form: the document itself is always
    an object (spec 9.3a), any other object may be a partial value."""
    return "_nfc_get_root" if parent == "doc" else "_nfc_get"


def _compilable(source: str) -> str:
    """The expression, or one that always defers to the exact evaluator when Python cannot
    compile it (too many nested parentheses)."""
    try:
        compile(source, "<modenhet expression>", "eval")
    except (SyntaxError, RecursionError, MemoryError):
        return "_fallback()"
    return source


def _compilable_met(lines: list[str], condition: str) -> tuple[list[str], str]:
    """`_compilable` for the statements and condition of `met_statements`."""
    try:
        compile("\n".join([*lines, f"if {condition}: pass"]), "<modenhet met>", "exec")
    except (SyntaxError, RecursionError, MemoryError):
        return [], "_fallback()"
    return lines, condition


def _merge(points: set[Point]) -> Point:
    """One place that comes before every use: the earliest block when one factor uses it."""
    if not points or None in points:
        return None
    factors = {point[0] for point in points if point is not None}
    if len(factors) != 1:
        return None
    return min(point for point in points if point is not None)


def _descendants(node: PathNode) -> list[PathNode]:
    out: list[PathNode] = []
    for child in node.children.values():
        out.append(child)
        out += _descendants(child)
    return out
