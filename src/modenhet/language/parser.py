"""Rule text to AST: the one cached Lark parser, and syntax errors in words a policy expert
understands; the AST itself is built by `astbuilder`.

Problems the parser can see without stopping (a reserved word used as a name, a bad date or
escape) become diagnostics and parsing goes on; a real syntax error ends the file's parse.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from pathlib import Path
from typing import Any

from lark import Lark, Token
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from modenhet.errors import Diagnostic
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.astbuilder import AstBuilder, token_span
from modenhet.language.parsercache import cached_lark
from modenhet.language.wording import did_you_mean, either
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
    builder = AstBuilder(source)
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


def _shallow(statement: n.Statement, max_depth: int, builder: AstBuilder) -> n.Statement:
    """The statement, with any expression nested deeper than the limit reported and replaced."""

    def checked(expr: n.Expr) -> n.Expr:
        found = depth(expr)
        if found <= max_depth:
            return expr
        message = Text(
            N_(
                "this expression is nested %(found)s levels deep; the limit is %(limit)s "
                "(raise it with the environment variable %(variable)s)"
            ),
            found=found,
            limit=max_depth,
            variable="MODENHET_MAX_EXPRESSION_DEPTH",
        )
        builder.diagnostics.append(Diagnostic.of("M113", expr.span, message))
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
        span = token_span(source, token)
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
                token_span(source, opener),
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
