"""Rule text to AST: the one cached Lark parser, the transformer that builds `nodes`, and syntax
errors in words a policy expert understands.

Problems the parser can see without stopping (a reserved word used as a name, a bad date or
escape) become diagnostics and parsing goes on; a real syntax error ends the file's parse.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import math
import re
from pathlib import Path
from typing import Any

from lark import Lark, Token, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)
from lark.visitors import Transformer_NonRecursive

from modenhet.errors import Diagnostic
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.parsercache import cached_lark
from modenhet.language.wording import backticked, did_you_mean, either
from modenhet.limits import RULE_NUMBER_DIGITS
from modenhet.source import Source, Span
from modenhet.values import RESERVED

STATEMENT_WORDS = frozenset(
    {
        "ruleset",
        "version",
        "schema",
        "overall",
        "levels",
        "let",
        "include",
        "factor",
        "weight",
        "level",
        "criterion",
        "when",
        "advice",
        "ref",
        "legal",
    }
)

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


_PARSER_OPTIONS: dict[str, Any] = {
    "parser": "lalr",
    "lexer": "contextual",
    "propagate_positions": True,
    "maybe_placeholders": False,
}


@functools.cache
def lark_parser() -> Lark:
    """The LALR parser, built once per process and its tables kept between runs."""
    grammar = (Path(__file__).parent / "grammar.lark").read_text(encoding="utf-8")
    return cached_lark(grammar, _PARSER_OPTIONS, lambda: Lark(grammar, **_PARSER_OPTIONS))


class SyntaxProblem(Exception):
    """A syntax error that ends the parse of a file."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


DEFAULT_MAX_DEPTH = 64  # MODENHET_MAX_EXPRESSION_DEPTH raises it (modenhet.limits)


def parse(
    source: Source, max_depth: int = DEFAULT_MAX_DEPTH
) -> tuple[n.RuleFile | None, list[Diagnostic]]:
    """Parse one file: the AST (None after a syntax error) and the diagnostics found.

    Nothing here recurses over the nesting of the text (Lark's LALR parser and the
    non-recursive transformer are iterative), and an expression nested deeper than `max_depth`
    is reported and replaced, so later stages never meet one.
    """
    builder = _AstBuilder(source)
    try:
        tree = lark_parser().parse(source.text)
        statements = builder.transform(tree)
    except UnexpectedInput as error:
        return None, [*builder.diagnostics, _syntax_diagnostic(source, error)]
    except VisitError as error:  # an exception inside the transformer arrives wrapped
        if isinstance(error.orig_exc, SyntaxProblem):
            return None, [*builder.diagnostics, error.orig_exc.diagnostic]
        raise
    statements = [_shallow(statement, max_depth, builder) for statement in statements]
    return n.RuleFile(source, tuple(statements)), builder.diagnostics


def depth(expr: n.Expr) -> int:
    """How deeply an expression nests, counted without recursion."""
    deepest = 0
    stack = [(expr, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack += [(child, level + 1) for child in n.children(node)]
    return deepest


def _shallow(statement: n.Statement, max_depth: int, builder: _AstBuilder) -> n.Statement:
    """The statement, with any expression nested deeper than the limit reported and replaced."""

    def checked(expr: n.Expr) -> n.Expr:
        found = depth(expr)
        if found <= max_depth:
            return expr
        builder._error(
            "M113",
            expr.span,
            Text(
                N_(
                    "this expression is nested %(found)s levels deep; the limit is %(limit)s "
                    "(raise it with the environment variable %(variable)s)"
                ),
                found=found,
                limit=max_depth,
                variable="MODENHET_MAX_EXPRESSION_DEPTH",
            ),
        )
        return n.Invalid(expr.span)

    if isinstance(statement, n.LetStmt):
        return dataclasses.replace(statement, expr=checked(statement.expr))
    if isinstance(statement, n.FactorStmt):
        blocks = tuple(
            dataclasses.replace(
                block,
                criteria=tuple(
                    dataclasses.replace(c, when=checked(c.when)) for c in block.criteria
                ),
            )
            for block in statement.levels
        )
        return dataclasses.replace(statement, levels=blocks)
    return statement


# ------------------------------------------------------------------------------- the AST builder


def _token_span(source: Source, token: Token) -> Span:
    return Span(
        source,
        token.line or 1,
        token.column or 1,
        token.end_line or token.line or 1,
        token.end_column or token.column or 1,
    )


@v_args(inline=True, meta=True)
class _AstBuilder(Transformer_NonRecursive[Token, list[n.Statement]]):
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
                _token_span(self.source, token),
                Text(N_("a name must start with a letter or _, not '%(char)s'"), char=first),
                Text(N_("write the number after the first letter")),
            )

    def _identifier(self, token: Token, what: Text) -> n.Name:
        name = n.Name(str(token), _token_span(self.source, token))
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
        span = _token_span(self.source, token)
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
        return n.OverallStmt(n.Name(str(mode), _token_span(self.source, mode)), self._span(meta))

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
        return n.Comparison(str(op), left, right, _token_span(self.source, op), self._span(meta))

    def member(self, meta: Any, item: n.Expr, collection: n.Expr) -> n.Membership:
        """sum "in" sum"""
        return n.Membership(item, collection, False, self._span(meta))

    def not_member(self, meta: Any, item: n.Expr, collection: n.Expr) -> n.Membership:
        """sum "not" "in" sum"""
        return n.Membership(item, collection, True, self._span(meta))

    def arith(self, meta: Any, left: n.Expr, op: Token, right: n.Expr) -> n.Arithmetic:
        """sum PLUS product | sum MINUS product | product MUL_OP unary"""
        return n.Arithmetic(str(op), left, right, _token_span(self.source, op), self._span(meta))

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
        span = _token_span(self.source, token)
        return n.Number(self._number_value(token, span), span)

    def string(self, meta: Any, token: Token) -> n.String:
        """STRING -> string"""
        text = self._text(token)
        return n.String(text.value, text.span)

    def date(self, meta: Any, token: Token) -> n.DateLiteral | n.Invalid:
        """DATE -> date"""
        span = _token_span(self.source, token)
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
        return n.Call(str(name), args, _token_span(self.source, name), self._span(meta))

    def name(self, meta: Any, token: Token) -> n.Path:
        """NAME -> name"""
        name = self._identifier(token, Text(N_("a name in an expression")))
        return n.Path(name.value, (), False, name.span)

    def backtick_root(self, meta: Any, token: Token) -> n.Path:
        """BACKTICK_KEY -> backtick_root"""
        return n.Path(_key_text(token), (), True, _token_span(self.source, token))

    def parens(self, meta: Any, expr: n.Expr) -> n.Expr:
        """ "(" expr ")" -> parens"""
        return expr


def _key_text(token: Token) -> str:
    text = str(token)
    return text[1:-1] if token.type == "BACKTICK_KEY" else text


# ------------------------------------------------------------------------------- syntax errors

_TERMINAL_WORDS: dict[str, str | Text] = {
    "STRING": Text(N_("a text in double quotes")),
    "NAME": Text(N_("a name")),
    "NUMBER": Text(N_("a number")),
    "DATE": Text(N_("a date")),
    "BACKTICK_KEY": Text(N_("a `key`")),
    "COMPARE": Text(N_("a comparison")),
    "PLUS": "`+`",
    "MINUS": "`-`",
    "MUL_OP": Text(N_("`*` or `/`")),
    "$END": Text(N_("the end of the file")),
}
_OPERATORS = {"COMPARE", "PLUS", "MINUS", "MUL_OP", "AND", "OR", "IN", "NOT", "DOT"}
_STATEMENTS = {"RULESET", "SCHEMA", "OVERALL", "LEVELS", "LET", "INCLUDE", "FACTOR"}
_EXPRESSION_START = {
    "ANY",
    "ALL",
    "AS_OF",
    "BACKTICK_KEY",
    "DATE",
    "FALSE",
    "LPAR",
    "LSQB",
    "MINUS",
    "NAME",
    "NOT",
    "NULL",
    "NUMBER",
    "STRING",
    "TRUE",
}
_OPENERS = {"LBRACE": "RBRACE", "LPAR": "RPAR", "LSQB": "RSQB"}

# Typical mistakes, recognised by the parser state in which they fail (as Lark's
# `match_examples` does), with the message to show and the token types they apply to.
_CHAINED = (
    N_("comparisons do not chain"),
    N_("write `a < b and b < c`, or put parentheses around one comparison"),
)
_EXAMPLES: dict[tuple[str, str], tuple[tuple[str, ...], frozenset[str]]] = {
    _CHAINED: (
        (
            "let x = a < b < c",
            "let x = a in b in c",
            "let x = a not in b in c",
            "let x = a < b - c < d",
            "let x = a in b + c in d",
        ),
        frozenset({"COMPARE", "IN", "NOT"}),
    ),
}


@functools.cache
def _example_states() -> dict[int, tuple[tuple[str, str], frozenset[str]]]:
    states: dict[int, tuple[tuple[str, str], frozenset[str]]] = {}
    for label, (examples, token_types) in _EXAMPLES.items():
        for example in examples:
            try:
                lark_parser().parse(example)
            except UnexpectedToken as error:
                states[error.state.position] = (label, token_types)
    return states


def _describe_token(token: Token) -> str | Text:
    if token.type == "$END":
        return Text(N_("end of the file"))
    if token.type == "NAME":
        return Text(N_("name '%(name)s'"), name=str(token))
    if token.type in ("STRING", "NUMBER", "DATE", "BACKTICK_KEY"):
        return f"{token}"
    return f"'{token}'"


def _describe_expected(expected: set[str]) -> str | Text:
    parser = lark_parser()
    words: list[str | Text] = []
    if len(expected & _EXPRESSION_START) > 8:
        words.append(Text(N_("an expression")))
        expected = expected - _EXPRESSION_START
    if expected & _OPERATORS and len(expected & _OPERATORS) > 2:
        words.append(Text(N_("an operator")))
        expected = expected - _OPERATORS
    if len(expected & _STATEMENTS) > 2:
        words.append(Text(N_("a statement (let, factor, include)")))
        expected = expected - _STATEMENTS
    for name in sorted(expected):
        if name in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[name])
            continue
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        words.append(f"'{pattern.value}'")
    if not words:
        return Text(N_("something else"))
    return either(words)


def _keywords(expected: set[str]) -> list[str]:
    parser = lark_parser()
    words = []
    for name in expected:
        try:
            pattern = parser.get_terminal(name).pattern
        except KeyError:
            continue
        if pattern.type == "str" and pattern.value.isalpha():
            words.append(pattern.value)
    return words


def _unclosed(source: Source, before: int) -> Token | None:
    """The innermost bracket opened before offset `before` and never closed."""
    stack: list[Token] = []
    try:
        for token in lark_parser().lex(source.text[:before], dont_ignore=False):
            if token.type in _OPENERS:
                stack.append(token)
            elif stack and token.type == _OPENERS[stack[-1].type]:
                stack.pop()
    except UnexpectedInput:
        return None
    return stack[-1] if stack else None


def _syntax_diagnostic(source: Source, error: UnexpectedInput) -> Diagnostic:
    line, column = error.line, error.column
    at_end = isinstance(error, UnexpectedEOF) or (
        isinstance(error, UnexpectedToken) and error.token.type == "$END"
    )
    if line < 1 or at_end:  # Lark reports -1 or the last token: point at the end of the text
        line, column = source.end()
    span = Span(source, line, column, line, column + 1)
    if isinstance(error, UnexpectedCharacters):
        return _character_diagnostic(source, error, span)
    if isinstance(error, UnexpectedEOF):
        return Diagnostic.of("M101", span, Text(N_("unexpected end of the file")))
    assert isinstance(error, UnexpectedToken)
    token = error.token
    expected = set(error.accepts or error.expected)
    if token.type != "$END":
        span = _token_span(source, token)
    found = _describe_token(token)

    state = getattr(error.state, "position", None)
    known = _example_states().get(state) if isinstance(state, int) else None
    if known and token.type in known[1]:
        chained, rewrite = known[0]
        return Diagnostic.of("M104", span, Text(chained), Text(rewrite))
    if token.type == "$END":
        opener = _unclosed(source, len(source.text))
        if opener is not None:
            closer = {"LBRACE": "}", "LPAR": ")", "LSQB": "]"}[opener.type]
            return Diagnostic.of(
                "M103",
                _token_span(source, opener),
                Text(
                    N_(
                        "this '%(opener)s' is never closed: expected '%(closer)s' before the "
                        "end of the file"
                    ),
                    opener=str(opener),
                    closer=closer,
                ),
            )
    if expected == {"WHEN"}:
        return Diagnostic.of(
            "M102",
            span,
            Text(N_("expected 'when' after the criterion's title, found %(found)s"), found=found),
            Text(N_('write: criterion ID "Title" when CONDITION')),
        )
    if token.type == "EQUAL":
        return _not_a_comparison(span)
    unexpected = Text(
        N_("unexpected %(found)s; expected %(expected)s"),
        found=found,
        expected=_describe_expected(expected),
    )
    hint: Text | None = None
    if token.type == "NAME":
        close = difflib.get_close_matches(str(token), _keywords(expected), n=1)
        if close:
            hint = did_you_mean(close[0])
        elif str(token) in STATEMENT_WORDS | RESERVED:
            hint = Text(N_("'%(word)s' cannot stand here"), word=str(token))
    return Diagnostic.of("M101", span, unexpected, hint)


def _character_diagnostic(source: Source, error: UnexpectedCharacters, span: Span) -> Diagnostic:
    char = error.char
    if char == '"':
        return Diagnostic.of(
            "M105",
            span,
            Text(N_("this text is never closed: a string must end with '\"' on the same line")),
            Text(N_("write a line break inside a string as \\n")),
        )
    if char == "`":
        return Diagnostic.of(
            "M105", span, Text(N_("this back-ticked key is never closed on its line"))
        )
    if char == "'":
        return Diagnostic.of(
            "M112",
            span,
            Text(N_("texts are written in double quotes")),
            Text(N_('write "..."')),
        )
    if char == "!":
        return Diagnostic.of(
            "M112",
            span,
            Text(N_("'!' is not an operator")),
            Text(N_("write 'not' or '!='")),
        )
    if char == "=":
        return _not_a_comparison(span)
    if char == "." or char.isdigit():
        return Diagnostic.of(
            "M112",
            span,
            Text(N_("a number is written as digits with an optional .digits part (0.5, 1_000)")),
        )
    return Diagnostic.of("M112", span, Text(N_("unexpected character %(char)s"), char=repr(char)))


def _not_a_comparison(span: Span) -> Diagnostic:
    return Diagnostic.of(
        "M112", span, Text(N_("'=' is not a comparison")), Text(N_("write '==' to compare"))
    )
