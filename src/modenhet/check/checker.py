"""The checker: everything that can be known about a rule set without evidence.

It reads the loaded statements and reports every problem it finds, not only the first: the
order and uniqueness of statements, levels, factor and criterion IDs, lets and their cycles,
functions, the schema's paths and static types. Without errors it yields the `RuleSetModel`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any, cast

from modenhet.check.model import (
    CriterionDef,
    FactorDef,
    LetDef,
    Level,
    LevelBlockDef,
    OverallMode,
    RuleSetModel,
)
from modenhet.check.schemapaths import OPEN, SchemaIndex, SchemaNode, UnknownKey, resolve_local
from modenhet.errors import Diagnostic
from modenhet.language import nodes as n
from modenhet.language.functions import BUILTINS
from modenhet.language.loader import LoadedRules, Unreadable, read_bounded
from modenhet.language.statictypes import (
    ANY,
    BOOLEAN,
    DATE,
    LIST,
    NUMBER,
    OBJECT,
    STRING,
    Kinds,
    describe_kinds,
)
from modenhet.source import Span
from modenhet.values import RESERVED, EvalError, parse_date

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


def structural_problem(schema: dict[str, Any]) -> str | None:
    """What makes a schema unusable, found without jsonschema: a `$schema` that is not a
    string (jsonschema would crash picking the draft), and loops or an explosion of `$ref`s."""
    if not isinstance(schema.get("$schema", ""), str):
        return "its '$schema' is not a string"
    return _expansion_problem(schema)


def schema_problem(schema: dict[str, Any]) -> str | None:
    """`structural_problem`, and whether jsonschema can apply the schema (checked against its
    draft's metaschema); None when it can. Imported here: only this needs jsonschema."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError
    from jsonschema.validators import validator_for

    if not isinstance(schema.get("$schema", ""), str):
        return "its '$schema' is not a string"
    try:
        validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except SchemaError as error:
        where = "".join(f"/{part}" for part in error.absolute_path)
        message = error.message if len(error.message) <= 200 else error.message[:200] + "…"
        return f"{message} (at #{where})"
    except RecursionError:
        return "it is nested too deeply"
    return _expansion_problem(schema)


# Keywords whose schemas apply to the same place of the document as the schema holding them:
# validating one value walks all of them (a `$ref` included), however the document looks.
_SAME_PLACE = ("allOf", "anyOf", "oneOf", "not", "if", "then", "else", "$ref")
_SAME_PLACE_MAPS = ("dependentSchemas", "dependencies")
SCHEMA_EXPANSION_LIMIT = 10_000


def _expansion_problem(schema: dict[str, Any]) -> str | None:
    """A schema whose `$ref`s and `allOf`/`anyOf`/`oneOf` loop, or multiply, without reading
    deeper into the document would make validating each value endless or take minutes
    (sixteen definitions each naming the next four times: 4**16 schemas for every value).
    Count, for every sub-schema, the schemas that apply at its place; refuse a loop or more
    than `SCHEMA_EXPANSION_LIMIT`."""
    cost: dict[int, int] = {}
    active: set[int] = set()

    def same_place(node: dict[str, Any]) -> list[Any]:
        found: list[Any] = []
        for keyword in _SAME_PLACE:
            value = node.get(keyword)
            if keyword == "$ref":
                found.append(resolve_local(schema, value))
            elif isinstance(value, list):
                found.extend(value)
            else:
                found.append(value)
        for keyword in _SAME_PLACE_MAPS:
            value = node.get(keyword)
            if isinstance(value, dict):
                found.extend(value.values())
        return [item for item in found if isinstance(item, dict)]

    def count(node: dict[str, Any]) -> int:
        key = id(node)
        if key in cost:
            return cost[key]
        if key in active:
            raise _Loop
        active.add(key)
        total = 1 + sum(count(child) for child in same_place(node))
        active.discard(key)
        cost[key] = min(total, SCHEMA_EXPANSION_LIMIT + 1)
        return cost[key]

    stack: list[Any] = [schema]
    try:
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                if count(node) > SCHEMA_EXPANSION_LIMIT:
                    return (
                        f"its $ref, allOf, anyOf and oneOf bring more than "
                        f"{SCHEMA_EXPANSION_LIMIT:,} schemas to one place of the document"
                    )
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
    except _Loop:
        return "its $ref, allOf, anyOf or oneOf lead back to themselves at the same place"
    except RecursionError:
        return "it is nested too deeply"
    return None


class _Loop(Exception):
    pass


def _order_in(loaded: LoadedRules) -> Any:
    rank = {source.name: i for i, source in enumerate(loaded.files)}
    return lambda d: (rank.get(d.file, len(rank)), d.line, d.column, d.message)


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


class _Checker:
    def __init__(self, loaded: LoadedRules, metaschema: bool = False) -> None:
        self.loaded = loaded
        self.metaschema = metaschema
        self.diagnostics = list(loaded.diagnostics)
        self.lets: dict[str, LetDef] = {}
        self.let_types: dict[str, Kinds] = {}
        self.let_nodes: dict[str, SchemaNode] = {}
        self.in_progress: set[str] = set()
        self.schema: dict[str, Any] | None = None
        self.schema_path: Path | None = None
        self.index: SchemaIndex | None = None
        self.evidence_roots: frozenset[str] = frozenset()
        self.expr_kinds: dict[int, Kinds] = {}
        self.var_nodes: dict[str, list[SchemaNode | None]] = {}
        self.cyclic: set[str] = set()  # lets in a cycle: already an error

    # -- reporting

    def error(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def warning(self, code: str, span: Span, message: str, hint: str | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    # -- the whole rule set

    def run(self) -> RuleSetModel | None:
        header = self.check_header()
        self.collect_lets()
        self.check_let_cycles()
        factors = self.check_factors(header.get("levels", ()))
        for let in self.lets.values():
            self.let_type(let.name)
        for factor in factors:
            for criterion in factor.criteria:
                self.boolean(criterion.when, {}, "the condition of a criterion")
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
            expr_kinds=self.expr_kinds,
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
                'a rule set begins with  ruleset "NAME"',
                'write the first line as: ruleset "Bustadsosialt arbeid" version "1"',
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
                    f"'{word}' may stand only in the top rule file",
                    "an included file contains only let, factor and include",
                )
                continue
            if type(statement) in seen:
                first = seen[type(statement)].span
                self.error(
                    "M202",
                    statement.span,
                    f"'{word}' is written twice (first at line {first.line})",
                )
                continue
            seen[type(statement)] = statement
            if body_started:
                self.error(
                    "M203",
                    statement.span,
                    f"'{word}' must come before the first let, factor or include",
                )
            self.header_statement(statement, header)
        if "levels" not in header and top_statements and n.LevelsStmt not in seen:
            self.error(
                "M205",
                top_statements[0].span,
                "the rule set declares no levels",
                'add  levels { 1 "Initial" 2 "..." }  after the ruleset line',
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
                        f"unknown overall mode '{mode.value}'",
                        f"did you mean '{close[0]}'?"
                        if close
                        else "write overall min, overall mean or overall weighted",
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
                self.error("M206", decl.number.span, f"level {value} is not a whole number")
                continue
            if levels and value == levels[-1].number or value in {lv.number for lv in levels}:
                self.error("M206", decl.number.span, f"level {value} is declared twice")
                continue
            if levels and value < levels[-1].number:
                self.error(
                    "M206",
                    decl.number.span,
                    f"levels must increase: {value} comes after {levels[-1].number}",
                )
                continue
            levels.append(Level(value, decl.label.value))
        if not statement.levels:
            self.error(
                "M205",
                statement.span,
                "'levels' declares no level",
                'declare at least the floor: levels { 1 "Initial" }',
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
                f"cannot read the schema '{path.value}': {error}",
                "the path is relative to this rule file",
            )
            return
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as error:
            self.error(
                "M208",
                path.span,
                f"the schema '{path.value}' is not JSON: {error.msg} at line "
                f"{error.lineno}, column {error.colno}",
            )
            return
        except (ValueError, RecursionError) as error:  # a 5000-digit number; [[[[...]]]]
            reason = "it is nested too deeply" if isinstance(error, RecursionError) else error
            self.error("M208", path.span, f"the schema '{path.value}' is not JSON: {reason}")
            return
        if not isinstance(schema, dict):
            self.error("M208", path.span, f"the schema '{path.value}' is not a JSON object")
            return
        problem = schema_problem(schema) if self.metaschema else structural_problem(schema)
        if problem is not None:  # else validating a document could crash, loop or take hours
            self.error(
                "M208",
                path.span,
                f"the schema '{path.value}' is not a valid JSON Schema: {problem}",
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
                    f"let '{name}' is defined twice (first in {first.file} at line {first.line})",
                    "let names are unique across the rule set",
                )
                continue
            if name in RESERVED:
                continue  # already reported by the parser
            self.lets[name] = LetDef(name, statement.expr, statement.name.span)
            if name in self.evidence_roots:
                self.warning(
                    "M602",
                    statement.name.span,
                    f"let '{name}' hides the evidence key '{name}' of the schema",
                    f"write `{name}` to read the evidence key",
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
                self.error("M217", let.span, f"let '{first}' refers to itself")
            else:
                self.error(
                    "M217",
                    let.span,
                    f"let '{first}' refers to itself through " + " -> ".join(ordered[1:]),
                )
            for name in cycle:
                self.let_types[name] = ANY
                self.cyclic.add(name)

    def unused_lets(self, factors: list[FactorDef]) -> None:
        """Warn about lets that no criterion uses, directly or through other lets."""
        used: set[str] = set()
        pending = [
            path.root
            for factor in factors
            for criterion in factor.criteria
            for path in self.let_references(criterion.when, frozenset())
        ]
        while pending:
            name = pending.pop()
            if name in used:
                continue
            used.add(name)
            pending += [p.root for p in self.let_references(self.lets[name].expr, frozenset())]
        for name, let in self.lets.items():
            if name not in used and name not in self.cyclic:
                self.warning("M607", let.span, f"let '{name}' is not used by any criterion")

    def constant_criterion(self, criterion: CriterionDef) -> None:
        """Warn about a condition that no evidence can change (after folding constants)."""
        value = constant_truth(criterion.when)
        if value is not None:
            outcome = "always met" if value else "never met"
            self.warning(
                "M606",
                criterion.when.span,
                f"criterion '{criterion.id}' is {outcome}: '{criterion.when.span.text()}' does "
                "not depend on the evidence",
            )

    def let_type(self, name: str) -> Kinds:
        if name in self.let_types:
            return self.let_types[name]
        if name in self.in_progress:
            return ANY
        self.in_progress.add(name)
        kinds = self.infer(self.lets[name].expr, {})
        self.in_progress.discard(name)
        self.let_types[name] = kinds
        return kinds

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
                    f"factor '{fid}' is defined twice (first in {first.file} at line {first.line})",
                )
            seen.setdefault(fid, statement)
            weight = Fraction(1)
            if statement.weight is not None:
                value = statement.weight.value
                if value <= 0:
                    self.error(
                        "M210",
                        statement.weight.span,
                        f"weight {value} is not positive",
                        "a weight is a number above 0",
                    )
                else:
                    weight = Fraction(str(value))
            blocks: list[LevelBlockDef] = []
            criterion_ids: dict[str, n.Criterion] = {}
            previous: int | None = None
            for block in statement.levels:
                number = block.number.value
                span = block.number.span
                if not isinstance(number, int):
                    self.error("M211", span, f"level {number} is not a whole number")
                    continue
                if levels and number not in declared:
                    self.error(
                        "M211",
                        span,
                        f"level {number} is not declared in 'levels'",
                        "declared levels: " + ", ".join(str(d) for d in sorted(declared)),
                    )
                elif number == floor:
                    self.error(
                        "M212",
                        span,
                        f"level {number} is the floor, which every factor reaches without criteria",
                        "give criteria only to levels above the floor",
                    )
                elif (
                    previous is not None
                    and number == previous
                    or any(b.number == number for b in blocks)
                ):
                    self.error(
                        "M213",
                        span,
                        f"level {number} appears twice in factor '{fid}'",
                        "put all criteria of a level in one block",
                    )
                elif previous is not None and number < previous:
                    self.error(
                        "M213",
                        span,
                        f"level {number} comes after level {previous}",
                        "write the level blocks of a factor in increasing order",
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
                            f"criterion '{cid}' is defined twice in "
                            f"factor '{fid}' (first at line {first_span.line})",
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
                        f"level {number} of factor '{fid}' has no criteria: every document that "
                        "reaches the level below reaches it",
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
                    f"'{option.keyword}' is written twice for criterion '{criterion.id.value}'",
                )
            seen.add(option.keyword)

    # -- expressions

    def boolean(self, expr: n.Expr, scope: dict[str, Kinds], what: str) -> None:
        kinds = self.infer(expr, scope)
        if not kinds & BOOLEAN:
            self.error(
                "M406",
                expr.span,
                f"{what} must be true or false, but '{expr.span.text()}' is "
                f"{describe_kinds(kinds)}",
            )

    def require(
        self, expr: n.Expr, kinds: Kinds, needed: Kinds, what: str, code: str = "M405"
    ) -> bool:
        if kinds & needed:
            return True
        self.error(
            code,
            expr.span,
            f"{what} needs {describe_kinds(needed)}, but '{expr.span.text()}' "
            f"is {describe_kinds(kinds)}",
        )
        return False

    def infer(self, expr: n.Expr, scope: dict[str, Kinds]) -> Kinds:
        """The kinds `expr` can have; reports what can never work. Each node is inferred once
        and its kinds recorded for the compilers."""
        kinds = self._infer(expr, scope)
        self.expr_kinds[id(expr)] = kinds
        return kinds

    def _infer(self, expr: n.Expr, scope: dict[str, Kinds]) -> Kinds:
        match expr:
            case n.Number():
                return NUMBER
            case n.String():
                return STRING
            case n.DateLiteral() | n.AsOf():
                return DATE
            case n.Boolean():
                return BOOLEAN
            case n.Invalid():
                return ANY
            case n.Null():
                self.error(
                    "M404",
                    expr.span,
                    "'null' is not a value",
                    "to test for a missing or null value write exists(PATH) or not exists(PATH)",
                )
                return ANY
            case n.ListLiteral(items=items):
                for item in items:
                    self.infer(item, scope)
                return LIST
            case n.Path():
                return self.path_kinds(expr, scope)
            case n.KeyRead(base=base, key=key):
                base_kinds = self.infer(base, scope)
                self.require(base, base_kinds, OBJECT, f"reading key '{key}'", "M408")
                return ANY
            case n.Call():
                return self.call(expr, scope)
            case n.Negate(operand=operand):
                self.require(operand, self.infer(operand, scope), NUMBER, "'-'")
                return NUMBER
            case n.Not(operand=operand):
                self.boolean(operand, scope, "the operand of 'not'")
                return BOOLEAN
            case n.And(operands=operands) | n.Or(operands=operands):
                word = "and" if isinstance(expr, n.And) else "or"
                for operand in operands:
                    self.boolean(operand, scope, f"an operand of '{word}'")
                return BOOLEAN
            case n.Arithmetic():
                return self.arithmetic(expr, scope)
            case n.Comparison():
                self.comparison(expr, scope)
                return BOOLEAN
            case n.Membership(item=item, collection=collection):
                item_kinds = self.infer(item, scope)
                kinds = self.infer(collection, scope)
                if self.require(collection, kinds, LIST, "'in'"):
                    self.membership_values(item, item_kinds, collection)
                return BOOLEAN
            case n.Quantifier():
                kinds = self.infer(expr.collection, scope)
                self.require(expr.collection, kinds, LIST, f"'{expr.kind}'")
                inner = {**scope, expr.variable: self.element_kinds(expr.collection, scope)}
                stack = self.var_nodes.setdefault(expr.variable, [])
                stack.append(self.element_node(expr.collection, scope))
                self.boolean(expr.body, inner, f"the body of '{expr.kind}'")
                stack.pop()
                return BOOLEAN
        raise AssertionError(f"unhandled node {expr!r}")  # pragma: no cover

    def arithmetic(self, expr: n.Arithmetic, scope: dict[str, Kinds]) -> Kinds:
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        for side, kinds in ((expr.left, left), (expr.right, right)):
            if not kinds & NUMBER:
                self.error(
                    "M405",
                    expr.op_span,
                    f"'{expr.op}' needs two numbers, but "
                    f"'{side.span.text()}' is {describe_kinds(kinds)}",
                    "there is no '+' for strings, dates or lists" if expr.op == "+" else None,
                )
                break
        if expr.op == "/" and isinstance(expr.right, n.Number) and expr.right.value == 0:
            self.warning(
                "M605",
                expr.right.span,
                f"division by zero: '{expr.span.text()}' is an error whenever "
                f"'{expr.left.span.text()}' is known",
                "divide by a number other than 0",
            )
        return NUMBER

    def comparison(self, expr: n.Comparison, scope: dict[str, Kinds]) -> None:
        left = self.infer(expr.left, scope)
        right = self.infer(expr.right, scope)
        for other, kinds in ((expr.right, left), (expr.left, right)):
            if kinds == DATE and isinstance(other, n.String):
                self.date_string(other)
        if expr.op in ("==", "!="):
            if left != ANY and right != ANY and not _may_equal(left, right):
                self.warning(
                    "M603",
                    expr.op_span,
                    f"'{expr.span.text()}' compares "
                    f"{describe_kinds(left)} with {describe_kinds(right)}: "
                    f"always {'false' if expr.op == '==' else 'true'}",
                )
            self.enum_values(expr.left, expr.right, scope, expr.op)
            self.enum_values(expr.right, expr.left, scope, expr.op)
            return
        if not _may_order(left, right):
            self.error(
                "M405",
                expr.op_span,
                f"cannot order {describe_kinds(left)} and {describe_kinds(right)} with '{expr.op}'",
                "'<', '<=', '>' and '>=' compare two numbers, two strings or two dates",
            )

    def date_string(self, literal: n.String) -> None:
        try:
            parse_date(literal.value)
        except EvalError as error:
            self.error("M407", literal.span, str(error))

    def membership_values(self, item: n.Expr, item_kinds: Kinds, collection: n.Expr) -> None:
        if isinstance(collection, n.ListLiteral) and item_kinds == DATE:
            for element in collection.items:
                if isinstance(element, n.String):
                    self.date_string(element)
        if isinstance(collection, n.ListLiteral):
            for element in collection.items:
                self.enum_values(item, element, {}, "in")
        elif isinstance(item, n.String | n.Number | n.Boolean):
            node = self.schema_node(collection, {})
            if node is not None and not node.is_open and self.index is not None:
                self.enum_check(self.index.items(node), item, collection, "in")

    def enum_values(self, path: n.Expr, literal: n.Expr, scope: dict[str, Kinds], op: str) -> None:
        if not isinstance(literal, n.String | n.Number | n.Boolean):
            return
        node = self.schema_node(path, scope)
        if node is not None:
            self.enum_check(node, literal, path, op)

    def enum_check(self, node: SchemaNode, literal: n.Expr, path: n.Expr, op: str) -> None:
        allowed = node.enum()
        if allowed is None or not isinstance(literal, n.String | n.Number | n.Boolean):
            return
        if any(_json_equal(literal.value, value) for value in allowed):
            return
        shown = ", ".join(json.dumps(v, ensure_ascii=False) for v in allowed if v is not None)
        outcome = "true" if op == "!=" else "false"
        close = difflib.get_close_matches(
            str(literal.value), [str(v) for v in allowed if v is not None], n=1
        )
        self.warning(
            "M604",
            literal.span,
            f"{json.dumps(literal.value, ensure_ascii=False)} is never "
            f"a value of '{path.span.text()}' (the schema allows {shown}): always "
            f"{outcome}",
            f'did you mean "{close[0]}"?' if close else None,
        )

    def element_kinds(self, collection: n.Expr, scope: dict[str, Kinds]) -> Kinds:
        if isinstance(collection, n.ListLiteral) and collection.items:
            kinds: frozenset[str] = frozenset()
            for item in collection.items:
                kinds |= self.expr_kinds.get(id(item), ANY)
            return kinds
        node = self.element_node(collection, scope)
        return node.kinds() if node is not None and not node.is_open else ANY

    def element_node(self, collection: n.Expr, scope: dict[str, Kinds]) -> SchemaNode | None:
        """The schema of the elements of a list the schema describes."""
        node = self.schema_node(collection, scope)
        if node is None or self.index is None or node.is_open:
            return None
        return self.index.items(node)

    def call(self, expr: n.Call, scope: dict[str, Kinds]) -> Kinds:
        builtin = BUILTINS.get(expr.name)
        if builtin is None:
            close = difflib.get_close_matches(expr.name, list(BUILTINS), n=1)
            self.error(
                "M401",
                expr.name_span,
                f"unknown function '{expr.name}'"
                + (f" (did you mean '{close[0]}'?)" if close else ""),
                "the functions are " + ", ".join(BUILTINS),
            )
            for arg in expr.args:
                self.infer(arg, scope)
            return ANY
        if len(expr.args) != len(builtin.params):
            count = len(builtin.params)
            self.error(
                "M402",
                expr.span,
                f"{expr.name}() takes {count} argument{'s' * (count != 1)}, not {len(expr.args)}",
                f"write {builtin.signature}",
            )
            for arg in expr.args:
                self.infer(arg, scope)
            return builtin.result
        if builtin.takes_path:
            arg = expr.args[0]
            if not isinstance(arg, n.Path):
                self.error(
                    "M403",
                    arg.span,
                    f"{expr.name}() takes a path, like exists(evidence.economy.budget_nok)",
                )
            self.infer(arg, scope)
            return builtin.result
        for arg, needed in zip(expr.args, builtin.params, strict=True):
            kinds = self.infer(arg, scope)
            if self.require(arg, kinds, needed, f"{expr.name}()") and needed == DATE | STRING:
                if isinstance(arg, n.String):
                    self.date_string(arg)
        return builtin.result

    # -- paths

    def path_kinds(self, path: n.Path, scope: dict[str, Kinds]) -> Kinds:
        if not path.root_is_key and path.root in scope:
            node = self.var_nodes.get(path.root, [None])[-1]
            if node is not None and path.keys:
                return self.evidence_kinds(path, node, path.keys, (path.root,))
            return self.read_keys(path, scope[path.root], path.keys)
        if not path.root_is_key and path.root in self.lets:
            if not path.keys:
                return self.let_type(path.root)
            node = self.let_schema_node(path.root)
            if node is not None and self.index is not None:
                prefix = self.let_path(path.root) or ()
                return self.evidence_kinds(path, node, path.keys, prefix)
            return self.read_keys(path, self.let_type(path.root), path.keys)
        if not path.root_is_key:
            self.near_let(path)
        if self.index is None:
            return ANY
        return self.evidence_kinds(path, self.index.root(), (path.root, *path.keys))

    def read_keys(self, path: n.Path, kinds: Kinds, keys: tuple[str, ...]) -> Kinds:
        if keys and not kinds & OBJECT:
            self.error(
                "M408",
                path.span,
                f"cannot read key '{keys[0]}' from '{path.root}', which is {describe_kinds(kinds)}",
            )
        return ANY if keys else kinds

    def evidence_kinds(
        self, path: n.Path, node: SchemaNode, keys: tuple[str, ...], prefix: tuple[str, ...] = ()
    ) -> Kinds:
        """Walk `keys` from `node` (reached by the evidence path `prefix`) in the schema."""
        assert self.index is not None
        walked: list[str] = list(prefix)
        for key in keys:
            if not node.is_open and not node.kinds() & OBJECT:
                self.error(
                    "M502",
                    path.span,
                    f"'{'.'.join(walked)}' is {describe_kinds(node.kinds())} "
                    f"in the schema; it has no key '{key}'",
                )
                return ANY
            child = self.index.child(node, key)
            if isinstance(child, UnknownKey):
                close = difflib.get_close_matches(key, child.known, n=1, cutoff=0.6)
                where = ".".join(walked) or "the evidence document"
                self.error(
                    "M501",
                    path.span,
                    f"'{'.'.join([*walked, key])}' is not in the schema: "
                    f"{where} has no key '{key}'"
                    + (f" (did you mean '{close[0]}'?)" if close else ""),
                    None if close else "keys there: " + ", ".join(child.known[:12]),
                )
                return ANY
            node = child
            walked.append(key)
        return node.kinds()

    def near_let(self, path: n.Path) -> None:
        if path.root in self.evidence_roots:
            return
        if len(path.root) < 3:
            return  # one edit away from a two-letter let is everything
        for name in self.lets:
            if len(name) >= 3 and edit_distance_at_most_one(path.root, name):
                self.warning(
                    "M601",
                    path.span,
                    f"'{path.root}' is not a let, so it reads the evidence "
                    f"key '{path.root}'; did you mean the let '{name}'?",
                    f"write `{path.root}` if you mean the evidence key",
                )
                return

    def schema_node(self, expr: n.Expr, scope: dict[str, Kinds]) -> SchemaNode | None:
        """The schema node an evidence path reaches, or None when unknown or not a path."""
        if self.index is None or not isinstance(expr, n.Path):
            return None
        if not expr.root_is_key and expr.root in scope:
            node: SchemaNode | None = self.var_nodes.get(expr.root, [None])[-1]
            keys: tuple[str, ...] = expr.keys
        elif not expr.root_is_key and expr.root in self.lets:
            node = self.let_schema_node(expr.root)
            keys = expr.keys
        else:
            node, keys = self.index.root(), (expr.root, *expr.keys)
        for key in keys:
            if node is None:
                return None
            child = self.index.child(node, key)
            node = None if isinstance(child, UnknownKey) else child
        return node

    def let_path(self, name: str, depth: int = 0) -> tuple[str, ...] | None:
        """The evidence path a let stands for when it is only a path (`let e = evidence.x`)."""
        expr = self.lets[name].expr
        if not isinstance(expr, n.Path) or depth > len(self.lets):
            return None
        if expr.root_is_key or expr.root not in self.lets:
            return (expr.root, *expr.keys)
        base = self.let_path(expr.root, depth + 1)
        return None if base is None else (*base, *expr.keys)

    def let_schema_node(self, name: str) -> SchemaNode | None:
        """The schema node of a let that is itself an evidence path (`let e = evidence.x`)."""
        if name in self.let_nodes:
            return self.let_nodes[name]
        if name in self.in_progress:
            return None
        self.in_progress.add(name)
        node = self.schema_node(self.lets[name].expr, {})
        self.in_progress.discard(name)
        if node is not None:
            self.let_nodes[name] = node
        return node


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


def _may_equal(left: Kinds, right: Kinds) -> bool:
    if left & right:
        return True
    return bool((left & DATE and right & STRING) or (left & STRING and right & DATE))


def _may_order(left: Kinds, right: Kinds) -> bool:
    pairs = {
        ("number", "number"),
        ("string", "string"),
        ("date", "date"),
        ("date", "string"),
        ("string", "date"),
    }
    return any((a, b) in pairs for a in left for b in right)


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)


__all__ = ["check", "OPEN"]
