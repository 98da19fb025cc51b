"""The checker: everything that can be known about a rule set without evidence.

It reads the loaded statements and reports every problem it finds, not only the first: the
order and uniqueness of statements, levels, factor and criterion IDs, lets and their cycles, the
schema; then the expressions' static types and paths (`check.expressions`). Without errors it
yields the `RuleSetModel`.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from modenhet.check.expressions import ExpressionChecker
from modenhet.check.model import (
    CriterionDef,
    FactorDef,
    LetDef,
    Level,
    LevelBlockDef,
    OverallMode,
    RuleSetModel,
)
from modenhet.check.schemapaths import SchemaIndex
from modenhet.errors import Diagnostic
from modenhet.evidence.schemacheck import schema_problem, structural_problem
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.loader import LoadedRules, Unreadable, read_bounded
from modenhet.language.parser import depth
from modenhet.language.statictypes import ANY
from modenhet.language.wording import did_you_mean
from modenhet.source import Span
from modenhet.values import RESERVED

OVERALL_MODES = ("min", "mean", "weighted")
HEADER = (n.RulesetStmt, n.SchemaStmt, n.OverallStmt, n.LevelsStmt)
HEADER_WORDS = {
    n.RulesetStmt: "ruleset",
    n.SchemaStmt: "schema",
    n.OverallStmt: "overall",
    n.LevelsStmt: "levels",
}


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
        self.metaschema = metaschema
        self.diagnostics = list(loaded.diagnostics)
        self.lets: dict[str, LetDef] = {}
        self.schema: dict[str, Any] | None = None
        self.schema_path: Path | None = None
        self.index: SchemaIndex | None = None
        self.evidence_roots: frozenset[str] = frozenset()
        self.cyclic: set[str] = set()  # lets in a cycle: already an error
        self.replaced: dict[Span, n.Expr] = {}  # too deep to walk: reported, then replaced

    # -- reporting

    def error(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def warning(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    # -- the whole rule set

    def run(self) -> RuleSetModel | None:
        header = self.check_header()
        self.collect_lets()
        self.check_let_cycles()
        self.check_let_depths()
        factors = [self.shallow_factor(f) for f in self.check_factors(header.get("levels", ()))]
        settled = dict.fromkeys(self.cyclic, ANY)  # a let in a cycle: reported, no type
        types = ExpressionChecker(
            self.lets, self.index, self.evidence_roots, self.diagnostics, settled
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
            schema_path=self.schema_path,
            schema=self.schema,
            sha256=self.loaded.sha256(),
            expr_kinds=types.expr_kinds,
        )

    # -- header: ruleset, schema, overall, levels

    def check_header(self) -> dict[str, Any]:
        header: dict[str, Any] = {}
        seen: dict[type, n.Statement] = {}
        body_started = False
        top_statements = [p.statement for p in self.loaded.statements if p.top]
        if not self.loaded.files:
            return header
        top = self.loaded.files[0]
        if self.loaded.diagnostics and not top_statements:
            return header  # a syntax error already said what is wrong
        if not top_statements or not isinstance(top_statements[0], n.RulesetStmt):
            span = top_statements[0].span if top_statements else Span(top, 1, 1, 1, 1)
            self.error(
                "M201",
                span,
                Text(N_('a rule set begins with  ruleset "NAME"')),
                Text(N_('write the first line as: ruleset "Bustadsosialt arbeid" version "1"')),
            )
        for placed in self.loaded.statements:
            statement = placed.statement
            if not isinstance(statement, HEADER):
                body_started = body_started or placed.top
                continue
            word = HEADER_WORDS[type(statement)]
            if not placed.top:
                self.error(
                    "M204",
                    statement.span,
                    Text(N_("'%(word)s' may stand only in the top rule file"), word=word),
                    Text(N_("an included file contains only let, factor and include")),
                )
                continue
            if type(statement) in seen:
                first = seen[type(statement)].span
                self.error(
                    "M202",
                    statement.span,
                    Text(
                        N_("'%(word)s' is written twice (first at line %(line)s)"),
                        word=word,
                        line=first.line,
                    ),
                )
                continue
            seen[type(statement)] = statement
            if body_started:
                self.error(
                    "M203",
                    statement.span,
                    Text(
                        N_("'%(word)s' must come before the first let, factor or include"),
                        word=word,
                    ),
                )
            self.header_statement(statement, header)
        if "levels" not in header and top_statements and n.LevelsStmt not in seen:
            self.error(
                "M205",
                top_statements[0].span,
                Text(N_("the rule set declares no levels")),
                Text(N_('add  levels { 1 "Initial" 2 "..." }  after the ruleset line')),
            )
        return header

    def header_statement(self, statement: n.Statement, header: dict[str, Any]) -> None:
        match statement:
            case n.RulesetStmt():
                header["ruleset"] = statement
            case n.OverallStmt(mode=mode):
                if mode.value in OVERALL_MODES:
                    header["overall"] = mode.value
                else:
                    close = difflib.get_close_matches(mode.value, OVERALL_MODES, n=1)
                    self.error(
                        "M207",
                        mode.span,
                        Text(N_("unknown overall mode '%(mode)s'"), mode=mode.value),
                        did_you_mean(close[0])
                        if close
                        else Text(N_("write overall min, overall mean or overall weighted")),
                    )
            case n.LevelsStmt():
                header["levels"] = self.check_levels(statement)
            case n.SchemaStmt(path=path):
                self.load_schema(path)

    def check_levels(self, statement: n.LevelsStmt) -> tuple[Level, ...]:
        levels: list[Level] = []
        for decl in statement.levels:
            value = decl.number.value
            if not isinstance(value, int):
                self.error("M206", decl.number.span, _not_whole(value))
                continue
            if levels and value == levels[-1].number or value in {lv.number for lv in levels}:
                self.error(
                    "M206",
                    decl.number.span,
                    Text(N_("level %(level)s is declared twice"), level=value),
                )
                continue
            if levels and value < levels[-1].number:
                self.error(
                    "M206",
                    decl.number.span,
                    Text(
                        N_("levels must increase: %(level)s comes after %(previous)s"),
                        level=value,
                        previous=levels[-1].number,
                    ),
                )
                continue
            levels.append(Level(value, decl.label.value))
        if not statement.levels:
            self.error(
                "M205",
                statement.span,
                Text(N_("'levels' declares no level")),
                Text(N_('declare at least the floor: levels { 1 "Initial" }')),
            )
        return tuple(levels)

    def load_schema(self, path: n.Text) -> None:
        top = self.loaded.files[0]
        target = top.path.parent / path.value
        try:  # a regular file within the size limit: never a FIFO, a device or gigabytes
            text = read_bounded(target, self.loaded.limits.rule_file_bytes).decode("utf-8")
        except (Unreadable, UnicodeDecodeError) as error:
            self.error(
                "M208",
                path.span,
                Text(
                    N_("cannot read the schema '%(path)s': %(reason)s"),
                    path=path.value,
                    reason=error.text if isinstance(error, Unreadable) else str(error),
                ),
                Text(N_("the path is relative to this rule file")),
            )
            return
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as error:
            self.error(
                "M208",
                path.span,
                Text(
                    N_(
                        "the schema '%(path)s' is not JSON: %(reason)s at line %(line)s, column "
                        "%(column)s"
                    ),
                    path=path.value,
                    reason=error.msg,
                    line=error.lineno,
                    column=error.colno,
                ),
            )
            return
        except (ValueError, RecursionError) as error:  # a 5000-digit number; [[[[...]]]]
            reason: str | Text = (
                Text(N_("it is nested too deeply"))
                if isinstance(error, RecursionError)
                else str(error)
            )
            self.error(
                "M208",
                path.span,
                Text(
                    N_("the schema '%(path)s' is not JSON: %(reason)s"),
                    path=path.value,
                    reason=reason,
                ),
            )
            return
        if not isinstance(schema, dict):
            self.error(
                "M208",
                path.span,
                Text(N_("the schema '%(path)s' is not a JSON object"), path=path.value),
            )
            return
        problem = schema_problem(schema) if self.metaschema else structural_problem(schema)
        if problem is not None:  # else validating a document could crash, loop or take hours
            self.error(
                "M208",
                path.span,
                Text(
                    N_("the schema '%(path)s' is not a valid JSON Schema: %(problem)s"),
                    path=path.value,
                    problem=problem,
                ),
            )
            return
        self.schema, self.schema_path = schema, target
        self.index = SchemaIndex(schema)
        root = self.index.root()
        self.evidence_roots = frozenset(
            key for s in root.schemas for key in s.get("properties", {})
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
            if name in self.evidence_roots:
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

    # -- factors, levels, criteria

    def check_factors(self, levels: tuple[Level, ...]) -> list[FactorDef]:
        declared = {level.number for level in levels}
        floor = levels[0].number if levels else None
        factors: list[FactorDef] = []
        seen: dict[str, n.FactorStmt] = {}
        index = 0
        for placed in self.loaded.statements:
            statement = placed.statement
            if not isinstance(statement, n.FactorStmt):
                continue
            fid = statement.id.value
            if fid in seen:
                first = seen[fid].id.span
                self.error(
                    "M209",
                    statement.id.span,
                    Text(
                        N_("factor '%(id)s' is defined twice (first in %(file)s at line %(line)s)"),
                        id=fid,
                        file=first.file,
                        line=first.line,
                    ),
                )
            seen.setdefault(fid, statement)
            weight = Fraction(1)
            if statement.weight is not None:
                value = statement.weight.value
                if value <= 0:
                    self.error(
                        "M210",
                        statement.weight.span,
                        Text(N_("weight %(value)s is not positive"), value=value),
                        Text(N_("a weight is a number above 0")),
                    )
                else:
                    weight = Fraction(str(value))
            blocks: list[LevelBlockDef] = []
            most = self.loaded.limits.level_blocks
            if len(statement.levels) > most:  # the generated code nests one `if` per block
                self.error(
                    "M218",
                    statement.levels[most].number.span,
                    Text(
                        N_(
                            "factor '%(id)s' has %(count)s level blocks; the limit is %(limit)s "
                            "(raise it with the environment variable %(variable)s)"
                        ),
                        id=fid,
                        count=len(statement.levels),
                        limit=most,
                        variable="MODENHET_MAX_LEVEL_BLOCKS",
                    ),
                    Text(N_("split the factor")),
                )
            criterion_ids: dict[str, n.Criterion] = {}
            previous: int | None = None
            for block in statement.levels:
                number = block.number.value
                span = block.number.span
                if not isinstance(number, int):
                    self.error("M211", span, _not_whole(number))
                    continue
                if levels and number not in declared:
                    self.error(
                        "M211",
                        span,
                        Text(N_("level %(level)s is not declared in 'levels'"), level=number),
                        Text(
                            N_("declared levels: %(levels)s"),
                            levels=", ".join(str(d) for d in sorted(declared)),
                        ),
                    )
                elif number == floor:
                    self.error(
                        "M212",
                        span,
                        Text(
                            N_(
                                "level %(level)s is the floor, which every factor reaches "
                                "without criteria"
                            ),
                            level=number,
                        ),
                        Text(N_("give criteria only to levels above the floor")),
                    )
                elif (
                    previous is not None
                    and number == previous
                    or any(b.number == number for b in blocks)
                ):
                    self.error(
                        "M213",
                        span,
                        Text(
                            N_("level %(level)s appears twice in factor '%(factor)s'"),
                            level=number,
                            factor=fid,
                        ),
                        Text(N_("put all criteria of a level in one block")),
                    )
                elif previous is not None and number < previous:
                    self.error(
                        "M213",
                        span,
                        Text(
                            N_("level %(level)s comes after level %(previous)s"),
                            level=number,
                            previous=previous,
                        ),
                        Text(N_("write the level blocks of a factor in increasing order")),
                    )
                previous = number
                criteria: list[CriterionDef] = []
                for criterion in block.criteria:
                    cid = criterion.id.value
                    if cid in criterion_ids:
                        first_span = criterion_ids[cid].id.span
                        self.error(
                            "M214",
                            criterion.id.span,
                            Text(
                                N_(
                                    "criterion '%(id)s' is defined twice in factor '%(factor)s' "
                                    "(first at line %(line)s)"
                                ),
                                id=cid,
                                factor=fid,
                                line=first_span.line,
                            ),
                        )
                    criterion_ids.setdefault(cid, criterion)
                    self.check_options(criterion)
                    criteria.append(
                        CriterionDef(
                            index,
                            fid,
                            cid,
                            number,
                            criterion.title.value,
                            criterion.when,
                            criterion.option("advice"),
                            criterion.option("ref"),
                            criterion.span,
                            criterion.option("legal") is not None,
                        )
                    )
                    index += 1
                if not block.criteria and isinstance(number, int):
                    self.warning(
                        "M608",
                        span,
                        Text(
                            N_(
                                "level %(level)s of factor '%(factor)s' has no criteria: every "
                                "document that reaches the level below reaches it"
                            ),
                            level=number,
                            factor=fid,
                        ),
                    )
                blocks.append(LevelBlockDef(number, tuple(criteria)))
            factors.append(
                FactorDef(fid, statement.title.value, weight, tuple(blocks), statement.span)
            )
        return factors

    def check_options(self, criterion: n.Criterion) -> None:
        seen: set[str] = set()
        for option in criterion.options:
            if option.keyword in seen:
                self.error(
                    "M215",
                    option.span,
                    Text(
                        N_("'%(keyword)s' is written twice for criterion '%(id)s'"),
                        keyword=option.keyword,
                        id=criterion.id.value,
                    ),
                )
            seen.add(option.keyword)


def _not_whole(level: float) -> Text:
    return Text(N_("level %(level)s is not a whole number"), level=level)


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
