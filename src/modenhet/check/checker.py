"""The checker: everything that can be known about a rule set without evidence.

It reads the loaded statements and reports every problem it finds, not only the first: the
header and the schema (`check.header`), factors, levels and criteria (`check.factors`), lets,
their cycles and their depth; then the expressions' static types and paths
(`check.expressions`). Without errors it yields the `RuleSetModel`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any, cast

from modenhet.check.expressions import ExpressionChecker
from modenhet.check.factors import FactorChecker
from modenhet.check.header import HeaderChecker
from modenhet.check.model import (
    CriterionDef,
    FactorDef,
    LetDef,
    Level,
    OverallMode,
    RuleSetModel,
)
from modenhet.errors import Diagnostic
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.loader import LoadedRules
from modenhet.language.parser import depth
from modenhet.language.statictypes import ANY
from modenhet.source import Span
from modenhet.values import RESERVED


def check(
    loaded: LoadedRules, *, metaschema: bool = False
) -> tuple[RuleSetModel | None, list[Diagnostic]]:
    """Check the loaded rule files; the model is None when there is any error.

    `metaschema` also checks the schema against its draft's metaschema (`modenhet check` does;
    loading a rule set to evaluate does not, so that a valid document never imports jsonschema,
    and a schema that fails there gives each document an error instead)."""
    checker = _Checker(loaded, metaschema)
    model = checker.run()
    diagnostics = sorted(checker.diagnostics, key=_order_in(loaded))
    if any(d.severity == "error" for d in diagnostics):
        return None, diagnostics
    return model, diagnostics


def _order_in(loaded: LoadedRules) -> Any:
    rank = {source.name: i for i, source in enumerate(loaded.files)}
    return lambda d: (rank.get(d.file, len(rank)), d.line, d.column, d.message)


class _Checker:
    def __init__(self, loaded: LoadedRules, metaschema: bool = False) -> None:
        self.loaded = loaded
        self.diagnostics = list(loaded.diagnostics)
        self.lets: dict[str, LetDef] = {}
        self.header = HeaderChecker(loaded, metaschema, self.diagnostics)  # and its schema
        self.cyclic: set[str] = set()  # lets in a cycle: already an error
        self.replaced: dict[Span, n.Expr] = {}  # too deep to walk: reported, then replaced

    # -- reporting

    def error(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def warning(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    # -- the whole rule set

    def run(self) -> RuleSetModel | None:
        header = self.header.check_header()
        self.collect_lets()
        self.check_let_cycles()
        self.check_let_depths()
        stated = FactorChecker(self.loaded, self.diagnostics).check_factors(
            header.get("levels", ())
        )
        factors = [self.shallow_factor(f) for f in stated]
        settled = dict.fromkeys(self.cyclic, ANY)  # a let in a cycle: reported, no type
        types = ExpressionChecker(
            self.lets, self.header.index, self.header.evidence_roots, self.diagnostics, settled
        )
        for let in self.lets.values():
            types.let_type(let.name)
        for factor in factors:
            for criterion in factor.criteria:
                types.boolean(criterion.when, {}, Text(N_("the condition of a criterion")))
                self.constant_criterion(criterion)
        self.unused_lets(factors)
        if self.loaded.files and not self.loaded.files[0].text.strip():
            return None
        ruleset = cast(n.RulesetStmt | None, header.get("ruleset"))
        levels = cast(tuple[Level, ...], header.get("levels", ()))
        if ruleset is None or not levels:
            return None
        return RuleSetModel(
            name=ruleset.name.value,
            version=ruleset.version.value if ruleset.version else None,
            levels=levels,
            overall=cast(OverallMode, header.get("overall", "min")),
            lets=self.lets,
            factors=tuple(factors),
            sources=tuple(self.loaded.files),
            schema_path=self.header.schema_path,
            schema=self.header.schema,
            sha256=self.loaded.sha256(),
            expr_kinds=types.expr_kinds,
        )

    # -- lets

    def collect_lets(self) -> None:
        for placed in self.loaded.statements:
            statement = placed.statement
            if not isinstance(statement, n.LetStmt):
                continue
            name = statement.name.value
            if name in self.lets:
                first = self.lets[name].span
                self.error(
                    "M216",
                    statement.name.span,
                    Text(
                        N_("let '%(name)s' is defined twice (first in %(file)s at line %(line)s)"),
                        name=name,
                        file=first.file,
                        line=first.line,
                    ),
                    Text(N_("let names are unique across the rule set")),
                )
                continue
            if name in RESERVED:
                continue  # already reported by the parser
            self.lets[name] = LetDef(name, statement.expr, statement.name.span)
            if name in self.header.evidence_roots:
                self.warning(
                    "M602",
                    statement.name.span,
                    Text(
                        N_("let '%(name)s' hides the evidence key '%(name)s' of the schema"),
                        name=name,
                    ),
                    Text(N_("write `%(name)s` to read the evidence key"), name=name),
                )

    def let_references(self, expr: n.Expr, bound: frozenset[str]) -> Iterable[n.Path]:
        """Paths in `expr` whose root is a let (not hidden by a quantifier variable)."""
        match expr:
            case n.Path(root=root, root_is_key=False) if root in self.lets and root not in bound:
                yield expr
            case n.Quantifier(variable=variable, collection=collection, body=body):
                yield from self.let_references(collection, bound)
                yield from self.let_references(body, bound | {variable})
            case _:
                for child in n.children(expr):
                    yield from self.let_references(child, bound)

    def check_let_cycles(self) -> None:
        graph = {
            name: [p.root for p in self.let_references(let.expr, frozenset())]
            for name, let in self.lets.items()
        }
        reported: set[str] = set()
        for start in self.lets:
            if start in reported:
                continue
            cycle = _find_cycle(start, graph)
            if cycle is None:
                continue
            reported.update(cycle)
            first = min(cycle, key=lambda name: self.lets[name].span.sort_key())
            turn = cycle.index(first)
            ordered = [*cycle[turn:], *cycle[:turn], first]
            let = self.lets[first]
            if len(cycle) == 1:
                self.error(
                    "M217", let.span, Text(N_("let '%(name)s' refers to itself"), name=first)
                )
            else:
                self.error(
                    "M217",
                    let.span,
                    Text(
                        N_("let '%(name)s' refers to itself through %(chain)s"),
                        name=first,
                        chain=" -> ".join(ordered[1:]),
                    ),
                )
            self.cyclic.update(cycle)

    # -- depth and length through lets: every later walk recurses over what these bound

    def check_let_depths(self) -> None:
        """How deeply each let nests with the lets it uses written out, and how many keys a
        path through it has, worked out without recursion (dependencies first); a let over
        either limit is reported and replaced, so nothing later walks it."""
        graph = {
            name: [p.root for p in self.let_references(let.expr, frozenset())]
            for name, let in self.lets.items()
        }
        self.let_depth: dict[str, int] = dict.fromkeys(self.cyclic, 1)
        self.let_path: dict[str, int] = dict.fromkeys(self.cyclic, 0)
        for start in self.lets:
            stack = [start]
            while stack:
                name = stack[-1]
                if name in self.let_depth:
                    stack.pop()
                    continue
                waiting = [d for d in graph[name] if d not in self.let_depth]
                if waiting:  # the graph has no cycles left, so this ends
                    stack += waiting
                    continue
                stack.pop()
                let = self.lets[name]
                if self.too_deep(let.expr, let.span):
                    self.replaced[let.expr.span] = let.expr
                    self.lets[name] = LetDef(name, n.Invalid(let.expr.span), let.span)
                    self.let_depth[name], self.let_path[name] = 1, 0
                    continue
                self.let_depth[name], _ = self.measure(let.expr)
                expr = let.expr
                self.let_path[name] = (
                    len(expr.keys) + self.let_path.get(expr.root, 1)
                    if isinstance(expr, n.Path) and not expr.root_is_key
                    else len(expr.keys) + 1
                    if isinstance(expr, n.Path)
                    else 0
                )

    def measure(self, expr: n.Expr) -> tuple[int, tuple[int, n.Path | None]]:
        """The nesting of `expr` with its lets written out, and its longest path (keys counted
        through lets) with where it stands; lets it uses must be measured already."""
        deepest = 0
        longest: tuple[int, n.Path | None] = (0, None)
        stack: list[tuple[n.Expr, int, frozenset[str]]] = [(expr, 1, frozenset())]
        while stack:
            node, level, bound = stack.pop()
            if isinstance(node, n.Path):
                via_let = not node.root_is_key and node.root in self.lets and node.root not in bound
                keys = len(node.keys) + (self.let_path.get(node.root, 1) if via_let else 1)
                if keys > longest[0]:
                    longest = (keys, node)
                if via_let:
                    level += self.let_depth.get(node.root, 1) - 1
            deepest = max(deepest, level)
            if isinstance(node, n.Quantifier):
                stack.append((node.collection, level + 1, bound))
                stack.append((node.body, level + 1, bound | {node.variable}))
                continue
            stack += [(child, level + 1, bound) for child in n.children(node)]
        return deepest, longest

    def too_deep(self, expr: n.Expr, span: Span) -> bool:
        """Report an expression over the depth-through-lets or the path-length limit."""
        limits = self.loaded.limits
        deepest, (keys, path) = self.measure(expr)
        if path is not None and keys > limits.path_length:
            self.error(
                "M113",
                path.span,
                Text(
                    N_(
                        "this path reads %(keys)s keys deep (counting the lets it starts from); "
                        "the limit is %(limit)s (raise it with the environment variable "
                        "%(variable)s)"
                    ),
                    keys=keys,
                    limit=limits.path_length,
                    variable="MODENHET_MAX_PATH_LENGTH",
                ),
            )
            return True
        # An expression that uses no let is bounded by the expression depth (M113 in the parser)
        if deepest > limits.depth_through_lets and deepest > depth(expr):
            self.error(
                "M113",
                span,
                Text(
                    N_(
                        "with the lets it uses written out, this expression is nested "
                        "%(depth)s levels deep; the limit is %(limit)s (raise it with the "
                        "environment variable %(variable)s)"
                    ),
                    depth=deepest,
                    limit=limits.depth_through_lets,
                    variable="MODENHET_MAX_DEPTH_THROUGH_LETS",
                ),
            )
            return True
        return False

    def shallow_factor(self, factor: FactorDef) -> FactorDef:
        """The factor, with a criterion over a depth limit reported and replaced."""

        def shallow(criterion: CriterionDef) -> CriterionDef:
            if not self.too_deep(criterion.when, criterion.when.span):
                return criterion
            self.replaced[criterion.when.span] = criterion.when
            return dataclasses.replace(criterion, when=n.Invalid(criterion.when.span))

        blocks = tuple(
            dataclasses.replace(block, criteria=tuple(shallow(c) for c in block.criteria))
            for block in factor.blocks
        )
        return dataclasses.replace(factor, blocks=blocks)

    def written(self, expr: n.Expr) -> n.Expr:
        """The expression as written, also where it was replaced for being too deep."""
        return self.replaced.get(expr.span, expr) if isinstance(expr, n.Invalid) else expr

    def unused_lets(self, factors: list[FactorDef]) -> None:
        """Warn about lets that no criterion uses, directly or through other lets."""
        used: set[str] = set()
        pending = [
            path.root
            for factor in factors
            for criterion in factor.criteria
            for path in self.let_references(self.written(criterion.when), frozenset())
        ]
        while pending:
            name = pending.pop()
            if name in used:
                continue
            used.add(name)
            expr = self.written(self.lets[name].expr)
            pending += [p.root for p in self.let_references(expr, frozenset())]
        for name, let in self.lets.items():
            if name not in used and name not in self.cyclic:
                self.warning(
                    "M607",
                    let.span,
                    Text(N_("let '%(name)s' is not used by any criterion"), name=name),
                )

    def constant_criterion(self, criterion: CriterionDef) -> None:
        """Warn about a condition that no evidence can change (after folding constants)."""
        value = constant_truth(criterion.when)
        if value is not None:
            message = (
                N_("criterion '%(id)s' is always met: '%(text)s' does not depend on the evidence")
                if value
                else N_(
                    "criterion '%(id)s' is never met: '%(text)s' does not depend on the evidence"
                )
            )
            self.warning(
                "M606",
                criterion.when.span,
                Text(message, id=criterion.id, text=criterion.when.span.text()),
            )


def constant_truth(expr: n.Expr) -> bool | None:
    """True or False when `expr` has that value whatever the evidence, else None.

    Literals, comparisons of literals and the logic over them fold; `x or true` is always true
    and `x and false` always false, since a known operand decides `or` and `and`.
    """
    match expr:
        case n.Boolean(value=value):
            return value
        case n.Not(operand=operand):
            inner = constant_truth(operand)
            return None if inner is None else not inner
        case n.And(operands=operands) | n.Or(operands=operands):
            dominant = isinstance(expr, n.Or)
            values = [constant_truth(o) for o in operands]
            if dominant in values:
                return dominant
            if all(v is not None for v in values):
                return not dominant
            return None
        case n.Comparison(op=op, left=left, right=right) if _literal(left) and _literal(right):
            from modenhet.values import EvalError, equal, order

            try:
                a, b = _literal_value(left), _literal_value(right)
                if op in ("==", "!="):
                    return equal(a, b) == (op == "==")
                return order(op, a, b)
            except EvalError:
                return None
    return None


def _literal(expr: n.Expr) -> bool:
    return isinstance(expr, n.Number | n.String | n.Boolean | n.DateLiteral)


def _literal_value(expr: n.Expr) -> Any:
    assert isinstance(expr, n.Number | n.String | n.Boolean | n.DateLiteral)
    return expr.value


def _find_cycle(start: str, graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle through `start` in the let graph, as the list of lets in order."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    visited: set[str] = set()
    while stack:
        node, trail = stack.pop()
        for target in graph.get(node, []):
            if target == start:
                return trail
            if target not in visited and target in graph:
                visited.add(target)
                stack.append((target, [*trail, target]))
    return None
