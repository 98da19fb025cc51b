"""The static types of expressions: what each expression can be, checked against what its
operators, functions and criteria need, with evidence paths walked in the schema (a misspelt
key, a comparison that is always false, a value the schema's `enum` never allows, a path one
edit from a let). The kinds found are kept for the compilers.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any

from modenhet.check.model import LetDef
from modenhet.check.schemapaths import SchemaIndex, SchemaNode, UnknownKey
from modenhet.errors import Diagnostic
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.functions import BUILTINS
from modenhet.language.statictypes import (
    ANY,
    BOOLEAN,
    DATE,
    LIST,
    NUMBER,
    OBJECT,
    STRING,
    Kinds,
    kinds_text,
)
from modenhet.source import Span
from modenhet.values import EvalError, parse_date

_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ExpressionChecker:
    """Infers and checks the expressions of one rule set: its lets (each once) and, through
    `boolean`, each criterion's condition. Diagnostics go to the checker's list."""

    def __init__(
        self,
        lets: Mapping[str, LetDef],
        index: SchemaIndex | None,
        evidence_roots: frozenset[str],
        diagnostics: list[Diagnostic],
        settled: Mapping[str, Kinds],
    ) -> None:
        self.lets = lets
        self.index = index  # the schema's paths, None without a usable schema
        self.evidence_roots = evidence_roots  # the keys the schema allows at the top
        self.diagnostics = diagnostics
        self.let_types: dict[str, Kinds] = dict(settled)  # a let in a cycle: ANY, reported
        self.let_nodes: dict[str, SchemaNode] = {}
        self.in_progress: set[str] = set()
        self.expr_kinds: dict[int, Kinds] = {}
        self.var_nodes: dict[str, list[SchemaNode | None]] = {}

    def error(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def warning(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

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

    # -- expressions

    def boolean(self, expr: n.Expr, scope: dict[str, Kinds], what: str | Text) -> None:
        kinds = self.infer(expr, scope)
        if not kinds & BOOLEAN:
            self.error(
                "M406",
                expr.span,
                Text(
                    N_("%(what)s must be true or false, but '%(text)s' is %(kinds)s"),
                    what=what,
                    text=expr.span.text(),
                    kinds=kinds_text(kinds),
                ),
            )

    def require(
        self, expr: n.Expr, kinds: Kinds, needed: Kinds, what: str | Text, code: str = "M405"
    ) -> bool:
        if kinds & needed:
            return True
        self.error(
            code,
            expr.span,
            Text(
                N_("%(what)s needs %(needed)s, but '%(text)s' is %(kinds)s"),
                what=what,
                needed=kinds_text(needed),
                text=expr.span.text(),
                kinds=kinds_text(kinds),
            ),
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
                    Text(N_("'null' is not a value")),
                    Text(
                        N_(
                            "to test for a missing or null value write `exists(PATH)` or "
                            "`not exists(PATH)`"
                        )
                    ),
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
                self.require(
                    base, base_kinds, OBJECT, Text(N_("reading key '%(key)s'"), key=key), "M408"
                )
                return ANY
            case n.Call():
                return self.call(expr, scope)
            case n.Negate(operand=operand):
                self.require(operand, self.infer(operand, scope), NUMBER, "'-'")
                return NUMBER
            case n.Not(operand=operand):
                self.boolean(operand, scope, Text(N_("the operand of 'not'")))
                return BOOLEAN
            case n.And(operands=operands) | n.Or(operands=operands):
                word = "and" if isinstance(expr, n.And) else "or"
                for operand in operands:
                    self.boolean(operand, scope, Text(N_("an operand of '%(word)s'"), word=word))
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
                self.boolean(expr.body, inner, Text(N_("the body of '%(kind)s'"), kind=expr.kind))
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
                    Text(
                        N_("'%(op)s' needs two numbers, but '%(text)s' is %(kinds)s"),
                        op=expr.op,
                        text=side.span.text(),
                        kinds=kinds_text(kinds),
                    ),
                    Text(N_("there is no '+' for strings, dates or lists"))
                    if expr.op == "+"
                    else None,
                )
                break
        if expr.op == "/" and isinstance(expr.right, n.Number) and expr.right.value == 0:
            self.warning(
                "M605",
                expr.right.span,
                Text(
                    N_("division by zero: '%(text)s' is an error whenever '%(left)s' is known"),
                    text=expr.span.text(),
                    left=expr.left.span.text(),
                ),
                Text(N_("divide by a number other than 0")),
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
                    Text(
                        N_("'%(text)s' compares %(left)s with %(right)s: always false")
                        if expr.op == "=="
                        else N_("'%(text)s' compares %(left)s with %(right)s: always true"),
                        text=expr.span.text(),
                        left=kinds_text(left),
                        right=kinds_text(right),
                    ),
                )
            self.enum_values(expr.left, expr.right, scope, expr.op)
            self.enum_values(expr.right, expr.left, scope, expr.op)
            return
        if not _may_order(left, right):
            self.error(
                "M405",
                expr.op_span,
                Text(
                    N_("cannot order %(left)s and %(right)s with '%(op)s'"),
                    left=kinds_text(left),
                    right=kinds_text(right),
                    op=expr.op,
                ),
                Text(N_("'<', '<=', '>' and '>=' compare two numbers, two strings or two dates")),
            )

    def date_string(self, literal: n.String) -> None:
        try:
            parse_date(literal.value)
        except EvalError:
            text = literal.value
            message = (
                Text(N_('"%(text)s" is not a date: there is no such day'), text=text)
                if _DATE_FORM.fullmatch(text)
                else Text(
                    N_('"%(text)s" is not a date: a date is written YYYY-MM-DD'), text=text[:40]
                )
            )
            self.error("M407", literal.span, message)

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
        close = difflib.get_close_matches(
            str(literal.value), [str(v) for v in allowed if v is not None], n=1
        )
        message = (
            N_(
                "%(value)s is never a value of '%(path)s' (the schema allows %(allowed)s): "
                "always true"
            )
            if op == "!="
            else N_(
                "%(value)s is never a value of '%(path)s' (the schema allows %(allowed)s): "
                "always false"
            )
        )
        self.warning(
            "M604",
            literal.span,
            Text(
                message,
                value=json.dumps(literal.value, ensure_ascii=False),
                path=path.span.text(),
                allowed=shown,
            ),
            Text(N_('did you mean "%(value)s"?'), value=close[0]) if close else None,
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
                Text(
                    N_("unknown function '%(name)s' (did you mean '%(close)s'?)"),
                    name=expr.name,
                    close=close[0],
                )
                if close
                else Text(N_("unknown function '%(name)s'"), name=expr.name),
                Text(N_("the functions are %(names)s"), names=", ".join(BUILTINS)),
            )
            for arg in expr.args:
                self.infer(arg, scope)
            return ANY
        if len(expr.args) != len(builtin.params):
            count = len(builtin.params)
            self.error(
                "M402",
                expr.span,
                Text(
                    N_("%(name)s() takes %(count)s argument, not %(given)s")
                    if count == 1
                    else N_("%(name)s() takes %(count)s arguments, not %(given)s"),
                    name=expr.name,
                    count=count,
                    given=len(expr.args),
                ),
                Text(N_("write %(signature)s"), signature=builtin.signature),
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
                    Text(
                        N_("%(name)s() takes a path, like exists(evidence.economy.budget_nok)"),
                        name=expr.name,
                    ),
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
                Text(
                    N_("cannot read key '%(key)s' from '%(root)s', which is %(kinds)s"),
                    key=keys[0],
                    root=path.root,
                    kinds=kinds_text(kinds),
                ),
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
                    Text(
                        N_("'%(path)s' is %(kinds)s in the schema; it has no key '%(key)s'"),
                        path=".".join(walked),
                        kinds=kinds_text(node.kinds()),
                        key=key,
                    ),
                )
                return ANY
            child = self.index.child(node, key)
            if isinstance(child, UnknownKey):
                close = difflib.get_close_matches(key, child.known, n=1, cutoff=0.6)
                where: str | Text = ".".join(walked) or Text(N_("the evidence document"))
                values = {"path": ".".join([*walked, key]), "where": where, "key": key}
                self.error(
                    "M501",
                    path.span,
                    Text(
                        N_(
                            "'%(path)s' is not in the schema: %(where)s has no key '%(key)s' "
                            "(did you mean '%(close)s'?)"
                        ),
                        close=close[0],
                        **values,
                    )
                    if close
                    else Text(
                        N_("'%(path)s' is not in the schema: %(where)s has no key '%(key)s'"),
                        **values,
                    ),
                    None
                    if close
                    else Text(N_("keys there: %(keys)s"), keys=", ".join(child.known[:12])),
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
                    Text(
                        N_(
                            "'%(root)s' is not a let, so it reads the evidence key '%(root)s'; "
                            "did you mean the let '%(name)s'?"
                        ),
                        root=path.root,
                        name=name,
                    ),
                    Text(N_("write `%(root)s` if you mean the evidence key"), root=path.root),
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


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when one insertion, deletion, substitution or swap of neighbours turns a into b.

    Not difflib: its ratio cannot tell one edit from two (`abc`/`acb`, one swap, scores 0.67;
    `evidence_total`/`evidence_tota12`, two edits, 0.90), and the near-let warning promises
    exactly one edit (docs/design.md)."""
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
