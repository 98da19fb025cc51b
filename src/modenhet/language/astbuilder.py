"""Lark's parse tree to the AST of `nodes`: one transformer method per grammar production.

Kept apart from `parser`, which runs Lark and words its syntax errors: what the builder can see
without stopping (a reserved word used as a name, a bad date, escape or number) becomes a
diagnostic, and building goes on.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

from lark import Token, v_args
from lark.visitors import Transformer_NonRecursive

from modenhet.errors import Diagnostic
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.wording import backticked
from modenhet.limits import RULE_NUMBER_DIGITS
from modenhet.source import Source, Span
from modenhet.values import RESERVED

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def token_span(source: Source, token: Token) -> Span:
    """Where a token stands; line and column 1 where Lark gave it no position."""
    return Span(
        source,
        token.line or 1,
        token.column or 1,
        token.end_line or token.line or 1,
        token.end_column or token.column or 1,
    )


@v_args(inline=True, meta=True)
class AstBuilder(Transformer_NonRecursive[Token, list[n.Statement]]):
    """One method per grammar production (quoted in its docstring) that yields a node."""

    def __init__(self, source: Source) -> None:
        super().__init__()
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    # -- helpers

    def _span(self, meta: Any) -> Span:
        if getattr(meta, "empty", True):
            return Span(self.source, 1, 1, 1, 1)
        return Span(self.source, meta.line, meta.column, meta.end_line, meta.end_column)

    def _error(
        self, code: str, span: Span, message: str | Text, hint: str | Text | None = None
    ) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def _starts_well(self, token: Token) -> None:
        """The lexer's NAME also starts with characters like '²'; a name starts with a letter."""
        first = str(token)[0]
        if not (first.isalpha() or first == "_"):
            self._error(
                "M111",
                token_span(self.source, token),
                Text(N_("a name must start with a letter or _, not '%(char)s'"), char=first),
                Text(N_("write the number after the first letter")),
            )

    def _identifier(self, token: Token, what: Text) -> n.Name:
        name = n.Name(str(token), token_span(self.source, token))
        self._starts_well(token)
        if name.value in RESERVED:
            self._error(
                "M110",
                name.span,
                Text(
                    N_("'%(name)s' is a reserved word and cannot be %(what)s"),
                    name=name.value,
                    what=what,
                ),
                Text(
                    N_("choose another name; reserved: %(words)s"),
                    words=backticked(sorted(RESERVED)),
                ),
            )
        return name

    def _text(self, token: Token) -> n.Text:
        span = token_span(self.source, token)
        return n.Text(self._unescape(token, span), span)

    def _unescape(self, token: Token, span: Span) -> str:
        raw = str(token)[1:-1]
        if "\\" not in raw:
            return raw
        out: list[str] = []
        index = 0
        while index < len(raw):
            char = raw[index]
            if char == "\\":
                escaped = raw[index + 1]
                if escaped not in _ESCAPES:
                    column = span.column + 1 + index
                    self._error(
                        "M106",
                        Span(self.source, span.line, column, span.line, column + 2),
                        Text(N_("unknown escape '\\%(char)s' in a string"), char=escaped),
                        Text(N_('the escapes are \\" \\\\ \\n and \\t')),
                    )
                out.append(_ESCAPES.get(escaped, escaped))
                index += 2
            else:
                out.append(char)
                index += 1
        return "".join(out)

    def _number_value(self, token: Token, span: Span) -> int | float:
        text = str(token).replace("_", "")
        whole = text.split(".")[0].lstrip("0")
        if len(whole) > RULE_NUMBER_DIGITS:
            self._error(
                "M109",
                span,
                Text(
                    N_(
                        "the number %(start)s... is too large: it has %(digits)s digits, and a "
                        "number in a rule has at most %(limit)s"
                    ),
                    start=str(token)[:20],
                    digits=f"{len(whole):,}",
                    limit=f"{RULE_NUMBER_DIGITS:,}",
                ),
            )
            return 1  # not 0: a weight would also be reported as not positive
        try:
            value: int | float = float(text) if "." in text else int(text)
        except ValueError:  # Python refuses integers of more than 4300 digits
            value = math.inf
        if isinstance(value, float) and not math.isfinite(value):
            self._error(
                "M109",
                span,
                Text(N_("the number %(start)s... is too large"), start=str(token)[:20]),
            )
            return 0
        return value

    # -- statements

    def start(self, meta: Any, *statements: n.Statement) -> list[n.Statement]:
        """start: _statement*"""
        return list(statements)

    def ruleset_stmt(self, meta: Any, name: Token, version: Token | None = None) -> n.RulesetStmt:
        """ruleset_stmt: "ruleset" STRING ("version" STRING)?"""
        return n.RulesetStmt(
            self._text(name), self._text(version) if version else None, self._span(meta)
        )

    def schema_stmt(self, meta: Any, path: Token) -> n.SchemaStmt:
        """schema_stmt: "schema" STRING"""
        return n.SchemaStmt(self._text(path), self._span(meta))

    def overall_stmt(self, meta: Any, mode: Token) -> n.OverallStmt:
        """overall_stmt: "overall" NAME"""
        return n.OverallStmt(n.Name(str(mode), token_span(self.source, mode)), self._span(meta))

    def levels_stmt(self, meta: Any, *decls: n.LevelDecl) -> n.LevelsStmt:
        """levels_stmt: "levels" "{" level_decl* "}\""""
        return n.LevelsStmt(decls, self._span(meta))

    def level_decl(self, meta: Any, number: Token, label: Token) -> n.LevelDecl:
        """level_decl: NUMBER STRING"""
        return n.LevelDecl(self.number(meta, number), self._text(label), self._span(meta))

    def let_stmt(self, meta: Any, name: Token, expr: n.Expr) -> n.LetStmt:
        """let_stmt: "let" NAME "=" expr"""
        return n.LetStmt(self._identifier(name, Text(N_("a let name"))), expr, self._span(meta))

    def include_stmt(self, meta: Any, path: Token) -> n.IncludeStmt:
        """include_stmt: "include" STRING"""
        return n.IncludeStmt(self._text(path), self._span(meta))

    def factor_stmt(
        self, meta: Any, id_: Token, title: Token, weight: n.Number | None, *levels: n.LevelBlock
    ) -> n.FactorStmt:
        """factor_stmt: "factor" NAME STRING factor_weight "{" level_block* "}\""""
        return n.FactorStmt(
            self._identifier(id_, Text(N_("a factor ID"))),
            self._text(title),
            weight,
            levels,
            self._span(meta),
        )

    def factor_weight(self, meta: Any, number: Token | None = None) -> n.Number | None:
        """factor_weight: ("weight" NUMBER)?"""
        return self.number(meta, number) if number is not None else None

    def level_block(self, meta: Any, number: Token, *criteria: n.Criterion) -> n.LevelBlock:
        """level_block: "level" NUMBER "{" criterion* "}\""""
        return n.LevelBlock(self.number(meta, number), criteria, self._span(meta))

    def criterion(
        self, meta: Any, id_: Token, title: Token, when: n.Expr, *options: n.CriterionOption
    ) -> n.Criterion:
        """criterion: "criterion" NAME STRING "when" expr criterion_option*"""
        return n.Criterion(
            self._identifier(id_, Text(N_("a criterion ID"))),
            self._text(title),
            when,
            options,
            self._span(meta),
        )

    def criterion_option(
        self, meta: Any, keyword: Token, text: Token | None = None
    ) -> n.CriterionOption:
        """criterion_option: ADVICE STRING | REF STRING | LEGAL"""
        value = self._text(text) if text is not None else None
        return n.CriterionOption(str(keyword), value, self._span(meta))

    # -- expressions

    def quantifier(
        self, meta: Any, kind: Token, variable: Token, collection: n.Expr, body: n.Expr
    ) -> n.Quantifier:
        """quantifier: ANY NAME "in" sum ":" expr | ALL NAME "in" sum ":" expr"""
        name = self._identifier(variable, Text(N_("a quantifier variable")))
        return n.Quantifier(str(kind), name.value, name.span, collection, body, self._span(meta))

    def or_op(self, meta: Any, left: n.Expr, right: n.Expr) -> n.Or:
        """or_expr "or" _or_operand"""
        operands = (*left.operands, right) if isinstance(left, n.Or) else (left, right)
        return n.Or(operands, self._span(meta))

    def and_op(self, meta: Any, left: n.Expr, right: n.Expr) -> n.And:
        """and_expr "and" _and_operand"""
        operands = (*left.operands, right) if isinstance(left, n.And) else (left, right)
        return n.And(operands, self._span(meta))

    def not_op(self, meta: Any, operand: n.Expr) -> n.Not:
        """ "not" _not_operand"""
        return n.Not(operand, self._span(meta))

    def compare(self, meta: Any, left: n.Expr, op: Token, right: n.Expr) -> n.Comparison:
        """sum COMPARE sum"""
        return n.Comparison(str(op), left, right, token_span(self.source, op), self._span(meta))

    def member(self, meta: Any, item: n.Expr, collection: n.Expr) -> n.Membership:
        """sum "in" sum"""
        return n.Membership(item, collection, False, self._span(meta))

    def not_member(self, meta: Any, item: n.Expr, collection: n.Expr) -> n.Membership:
        """sum "not" "in" sum"""
        return n.Membership(item, collection, True, self._span(meta))

    def arith(self, meta: Any, left: n.Expr, op: Token, right: n.Expr) -> n.Arithmetic:
        """sum PLUS product | sum MINUS product | product MUL_OP unary"""
        return n.Arithmetic(str(op), left, right, token_span(self.source, op), self._span(meta))

    def negate(self, meta: Any, minus: Token, operand: n.Expr) -> n.Expr:
        """MINUS unary"""
        span = self._span(meta)
        if isinstance(operand, n.Number):  # `-5` is a literal, so constant checks see it
            return n.Number(-operand.value, span)
        return n.Negate(operand, span)

    def key_read(self, meta: Any, base: n.Expr, key: Token) -> n.Expr:
        """postfix "." _key"""
        if key.type == "NAME":
            self._starts_well(key)
        name = _key_text(key)
        span = self._span(meta)
        if isinstance(base, n.Path):
            return n.Path(base.root, (*base.keys, name), base.root_is_key, span)
        return n.KeyRead(base, name, span)

    def number(self, meta: Any, token: Token) -> n.Number:
        """NUMBER -> number"""
        span = token_span(self.source, token)
        return n.Number(self._number_value(token, span), span)

    def string(self, meta: Any, token: Token) -> n.String:
        """STRING -> string"""
        text = self._text(token)
        return n.String(text.value, text.span)

    def date(self, meta: Any, token: Token) -> n.DateLiteral | n.Invalid:
        """DATE -> date"""
        span = token_span(self.source, token)
        text = str(token)
        if not _DATE_FORM.fullmatch(text):
            self._error(
                "M107",
                span,
                Text(N_("invalid date %(text)s: a date is written YYYY-MM-DD"), text=text),
                Text(
                    N_(
                        "write months and days with two digits, e.g. 2023-07-01; "
                        "subtraction of numbers is written with spaces: 5 - 3"
                    )
                ),
            )
            return n.Invalid(span)
        try:
            return n.DateLiteral(datetime.date.fromisoformat(text), span)
        except ValueError:
            self._error(
                "M108",
                span,
                Text(N_("invalid date %(text)s: there is no such day in the calendar"), text=text),
            )
            return n.Invalid(span)

    def true(self, meta: Any) -> n.Boolean:
        """ "true" -> true"""
        return n.Boolean(True, self._span(meta))

    def false(self, meta: Any) -> n.Boolean:
        """ "false" -> false"""
        return n.Boolean(False, self._span(meta))

    def null(self, meta: Any) -> n.Null:
        """ "null" -> null"""
        return n.Null(self._span(meta))

    def as_of(self, meta: Any) -> n.AsOf:
        """ "as_of" -> as_of"""
        return n.AsOf(self._span(meta))

    def list_literal(self, meta: Any, *items: n.Expr) -> n.ListLiteral:
        """ "[" _items? "]" -> list_literal"""
        return n.ListLiteral(items, self._span(meta))

    def call(self, meta: Any, name: Token, *args: n.Expr) -> n.Call:
        """NAME "(" _items? ")" -> call"""
        self._starts_well(name)
        return n.Call(str(name), args, token_span(self.source, name), self._span(meta))

    def name(self, meta: Any, token: Token) -> n.Path:
        """NAME -> name"""
        name = self._identifier(token, Text(N_("a name in an expression")))
        return n.Path(name.value, (), False, name.span)

    def backtick_root(self, meta: Any, token: Token) -> n.Path:
        """BACKTICK_KEY -> backtick_root"""
        return n.Path(_key_text(token), (), True, token_span(self.source, token))

    def parens(self, meta: Any, expr: n.Expr) -> n.Expr:
        """ "(" expr ")" -> parens"""
        return expr


def _key_text(token: Token) -> str:
    """A key as read: a back-ticked key without its back-ticks."""
    text = str(token)
    return text[1:-1] if token.type == "BACKTICK_KEY" else text
