"""Rule text to one canonical layout (`modenhet fmt`), keeping every comment.

The AST decides the layout; the comments, which the parser drops, are found again by lexing the
text and put back beside the output line that holds the tokens around them. docs/formatting.md
describes the layout.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from modenhet.errors import Diagnostic, RuleError
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.parser import lark_parser, parse
from modenhet.source import Source, Span

WIDTH = 100  # an and/or chain longer than this is broken, one operand a line
INDENT = 2

_NAME = re.compile(r"[^\W\d]\w*")  # the grammar's NAME
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}
_GROUPS = {
    n.RulesetStmt: "header",
    n.SchemaStmt: "header",
    n.OverallStmt: "header",
    n.LevelsStmt: "levels",
    n.LetStmt: "let",
    n.IncludeStmt: "include",
    n.FactorStmt: "factor",
}


def format_source(source: Source) -> tuple[str | None, list[Diagnostic]]:
    """The canonical text, or None and the parser's diagnostics when the file has an error."""
    tree, diagnostics = parse(source)
    if tree is None or diagnostics:
        return None, diagnostics
    try:
        return _Formatter(tree).run(), []
    except _Unmatched as error:
        return None, [
            Diagnostic.of(
                "M101",
                error.span,
                Text(
                    N_(
                        "'%(text)s' does not start with a whole word here: a keyword may run "
                        "into the name after it ('whencount' read as 'when count')"
                    ),
                    text=error.span.text(),
                ),
                Text(N_("write a space after the keyword")),
            )
        ]


def format_text(text: str, name: str = "<text>") -> str:
    """The canonical text of rule text; `RuleError` when it does not parse."""
    formatted, diagnostics = format_source(Source.from_text(name, text))
    if formatted is None:
        raise RuleError(diagnostics)
    return formatted


def quote(value: str) -> str:
    """A string literal: double quotes, and the four escapes where they are needed."""
    return '"' + "".join(_ESCAPES.get(char, char) for char in value) + '"'


def key_text(key: str) -> str:
    """A key after `.`: bare when it is a name, else in back-ticks."""
    bare = _NAME.fullmatch(key) and (key[0].isalpha() or key[0] == "_")
    return key if bare else f"`{key}`"


# ------------------------------------------------------------------------------- tokens, comments


@dataclass(frozen=True, slots=True)
class _Comment:
    text: str
    prev: int  # the index of the token before it (-1 at the start of the file)
    eol: bool  # it stands on that token's line
    blank_before: bool  # a blank line stands before it


class _Tokens:
    """The tokens the parser reads (indexed in order) and the comments between them."""

    def __init__(self, source: Source) -> None:
        self.text: list[str] = []
        self.blank_before: list[bool] = []
        self.comments: list[_Comment] = []
        self._starts: dict[tuple[int, int], int] = {}
        self._ends: dict[tuple[int, int], int] = {}
        newlines, line_ended = 0, True
        for token in lark_parser().lex(source.text, dont_ignore=True):
            if token.type == "WHITESPACE":
                newlines += token.count("\n")
                line_ended = line_ended or "\n" in token
                continue
            if token.type == "COMMENT":
                prev = len(self.text) - 1
                self.comments.append(_Comment(token.rstrip(), prev, not line_ended, newlines > 1))
                newlines, line_ended = 0, True
                continue
            self._starts[(token.line or 0, token.column or 0)] = len(self.text)
            self._ends[(token.end_line or 0, token.end_column or 0)] = len(self.text)
            self.text.append(str(token))
            self.blank_before.append(newlines > 1)
            newlines, line_ended = 0, False

    def first(self, span: Span) -> int:
        found = self._starts.get((span.line, span.column))
        if found is None:
            raise _Unmatched(span)
        return found

    def last(self, span: Span) -> int:
        found = self._ends.get((span.end_line, span.end_column))
        if found is None:
            raise _Unmatched(span)
        return found


class _Unmatched(Exception):
    """The parser read a token where this plain lexing of the text has none: its contextual
    lexer split a word in two, taking the keyword it expected from the front of a name
    (found by tests/test_fuzz.py; `fmt` crashed with a KeyError)."""

    def __init__(self, span: Span) -> None:
        super().__init__(span)
        self.span = span


# ---------------------------------------------------------------------------------- output lines


@dataclass(slots=True)
class _Piece:
    text: str
    token: int | None = None  # the source token it writes (None for added parentheses, commas)


@dataclass(slots=True)
class _Line:
    indent: int
    comment_indent: int  # of the comments put on their own lines before it
    item: bool = False  # a statement, level, criterion: the author's blank lines before it stay
    closer: bool = False  # a block's `}`: blank lines may stand before its comments, not before it
    blank: bool = False  # a blank line must stand before it (and its comments)
    continued: bool = False  # it starts with the `and` or `or` of a broken chain
    pieces: list[_Piece] = field(default_factory=list)
    column: int = 0  # where the next piece goes

    def add(self, *pieces: _Piece) -> _Line:
        self.pieces += pieces
        self.column += sum(len(piece.text) for piece in pieces)
        return self

    def tokens(self) -> list[int]:
        return [piece.token for piece in self.pieces if piece.token is not None]

    def render(self) -> str:
        return " " * self.indent + "".join(piece.text for piece in self.pieces)


@dataclass(slots=True)
class _Placed:
    """The comments of one output line: on their own lines before it, and at its end."""

    before: list[_Comment] = field(default_factory=list)
    inner: list[_Comment] = field(default_factory=list)  # between two of its tokens
    end: _Comment | None = None


# ------------------------------------------------------------------------------------ formatter

_QUANTIFIER, _OR, _AND, _NOT, _COMPARISON, _SUM, _PRODUCT, _UNARY, _POSTFIX, _PRIMARY = range(10)
_Operand = tuple[n.Expr, int, bool]  # a sub-expression, the precedence it needs, nothing after it


class _Formatter:
    def __init__(self, tree: n.RuleFile) -> None:
        self.tree = tree
        self.tokens = _Tokens(tree.source)
        self.comment_prevs = sorted(comment.prev for comment in self.tokens.comments)
        self.pinned: set[int] = set()  # comments between two operands of an and/or chain
        self.lines: list[_Line] = []
        self._hard: dict[int, bool] = {}
        self._flat: dict[tuple[int, bool], list[_Piece]] = {}

    def run(self) -> str:
        previous: n.Statement | None = None
        for statement in self.tree.statements:
            start = len(self.lines)
            self.statement(statement)
            self.lines[start].item = True
            if previous is not None:
                group = _GROUPS[type(statement)]
                self.lines[start].blank = group != _GROUPS[type(previous)] or group in (
                    "levels",
                    "factor",
                )
            previous = statement
        return self.emit()

    # -- statements

    def line(self, indent: int, *pieces: _Piece, item: bool = False) -> _Line:
        line = _Line(indent, indent, item=item, column=indent).add(*pieces)
        self.lines.append(line)
        return line

    def text(self, text: n.Text, before: str = " ") -> list[_Piece]:
        return [_Piece(before), _Piece(quote(text.value), self.tokens.first(text.span))]

    def statement(self, statement: n.Statement) -> None:
        first = self.tokens.first(statement.span)
        match statement:
            case n.RulesetStmt(name=name, version=version):
                line = self.line(0, _Piece("ruleset", first), *self.text(name))
                if version is not None:
                    line.add(_Piece(" "), _Piece("version", self.tokens.last(name.span) + 1))
                    line.add(*self.text(version))
            case n.SchemaStmt(path=path) | n.IncludeStmt(path=path):
                self.line(0, _Piece(self.tokens.text[first], first), *self.text(path))
            case n.OverallStmt(mode=mode):
                self.line(0, _Piece("overall ", first), _Piece(mode.value, first + 1))
            case n.LevelsStmt(levels=levels):
                opening = self.line(0, _Piece("levels", first))
                for decl in levels:
                    number = self.tokens.first(decl.number.span)
                    label = self.text(decl.label)
                    self.line(INDENT, _Piece(self.tokens.text[number], number), *label, item=True)
                self.block(opening, first + 1, statement.span, INDENT)
            case n.LetStmt(name=name, expr=expr):
                line = self.line(0, _Piece("let ", first), _Piece(name.value, first + 1))
                self.expression(expr, line.add(_Piece(" = ", first + 2)))
            case n.FactorStmt(id=id_, title=title, weight=weight, levels=blocks):
                line = self.line(0, _Piece("factor ", first), _Piece(id_.value, first + 1))
                line.add(*self.text(title))
                brace = self.tokens.last(title.span) + 1
                if weight is not None:
                    number = self.tokens.first(weight.span)
                    line.add(_Piece(" weight", number - 1), _Piece(" "))
                    line.add(_Piece(self.tokens.text[number], number))
                    brace = number + 1
                for block in blocks:
                    self.level_block(block)
                self.block(line, brace, statement.span, INDENT)

    def level_block(self, block: n.LevelBlock) -> None:
        first = self.tokens.first(block.span)
        number = first + 1
        opening = self.line(INDENT, _Piece("level ", first), item=True)
        opening.add(_Piece(self.tokens.text[number], number))
        for criterion in block.criteria:
            self.criterion(criterion)
        self.block(opening, number + 1, block.span, 2 * INDENT)

    def block(self, opening: _Line, brace: int, span: Span, inner: int) -> None:
        """` {` on the opening line, then `}` on its own line (or `{}` when nothing is inside)."""
        closing = self.tokens.last(span)
        opening.add(_Piece(" {", brace))
        if self.lines[-1] is opening and not self.comments_between(brace, closing):
            opening.add(_Piece("}", closing))
            return
        line = self.line(opening.indent, _Piece("}", closing))
        line.comment_indent, line.closer = inner, True

    def comments_between(self, start: int, end: int) -> bool:
        """Whether a comment stands after token `start` and before token `end`."""
        index = bisect.bisect_left(self.comment_prevs, start)
        return index < len(self.comment_prevs) and self.comment_prevs[index] < end

    def criterion(self, criterion: n.Criterion) -> None:
        first = self.tokens.first(criterion.span)
        line = self.line(2 * INDENT, _Piece("criterion ", first), item=True)
        line.add(_Piece(criterion.id.value, first + 1), *self.text(criterion.title))
        when = self.tokens.last(criterion.title.span) + 1
        self.expression(criterion.when, self.line(3 * INDENT, _Piece("when ", when)))
        for option in criterion.options:
            line = self.line(3 * INDENT, _Piece(option.keyword, self.tokens.first(option.span)))
            if option.text is not None:
                line.add(*self.text(option.text))

    # -- expressions

    def expression(self, expr: n.Expr, line: _Line) -> None:
        _Layout(self, line).put(expr, _QUANTIFIER, True, 0)

    def number_text(self, number: n.Number) -> str:
        """The number as written, with the sign its minus signs give (`- -5` is `5`)."""
        first, last = self.tokens.first(number.span), self.tokens.last(number.span)
        written = [self.tokens.text[index] for index in range(first, last + 1)]
        minus = written.count("-") % 2 == 1
        digits = next(text for text in written if text[0].isdigit())
        return "-" + digits if minus else digits

    def prec(self, expr: n.Expr) -> int:
        match expr:
            case n.Quantifier():
                return _QUANTIFIER
            case n.Or():
                return _OR
            case n.And():
                return _AND
            case n.Not():
                return _NOT
            case n.Comparison() | n.Membership():
                return _COMPARISON
            case n.Arithmetic(op=op):
                return _SUM if op in "+-" else _PRODUCT
            case n.Negate():
                return _UNARY
            case n.Number() if self.number_text(expr).startswith("-"):
                return _UNARY
            case n.KeyRead():
                return _POSTFIX
        return _PRIMARY

    def needs_parens(self, expr: n.Expr, least: int, tail: bool) -> bool:
        """Whether `expr` needs parentheses where the grammar wants precedence `least` or
        tighter. A quantifier's body reaches as far right as possible: it stands bare only
        where nothing follows (`tail`) and the grammar allows one (or, and, not, expr)."""
        if isinstance(expr, n.Quantifier):
            return least > _NOT or not tail
        return self.prec(expr) < least

    def template(self, expr: n.Expr, tail: bool) -> list[_Piece | _Operand]:
        """`expr` as its own pieces and its operands, each with the precedence its place wants
        and whether nothing follows it (where `expr` itself is followed by nothing: `tail`)."""
        tokens = self.tokens
        first = tokens.first(expr.span)
        match expr:
            case n.Or(operands=items) | n.And(operands=items):
                word = "or" if isinstance(expr, n.Or) else "and"
                least = _AND if isinstance(expr, n.Or) else _NOT
                out: list[_Piece | _Operand] = [(items[0], least, False)]
                for index, item in enumerate(items[1:], start=1):
                    operator = _Piece(word, self.operator_before(item))
                    last = tail and index == len(items) - 1
                    out += [_Piece(" "), operator, _Piece(" "), (item, least, last)]
                return out
            case n.Not(operand=operand):
                return [_Piece("not ", first), (operand, _NOT, tail)]
            case n.Negate(operand=operand):
                return [_Piece("-", first), (operand, _UNARY, False)]
            case n.Comparison(op=op, left=left, right=right):
                operator = _Piece(op, tokens.first(expr.op_span))
                return [
                    (left, _SUM, False),
                    _Piece(" "),
                    operator,
                    _Piece(" "),
                    (right, _SUM, False),
                ]
            case n.Arithmetic(op=op, left=left, right=right):
                least = _SUM if op in "+-" else _PRODUCT
                operator = _Piece(op, tokens.first(expr.op_span))
                return [
                    (left, least, False),
                    _Piece(" "),
                    operator,
                    _Piece(" "),
                    (right, least + 1, False),
                ]
            case n.Membership(item=item, collection=collection, negated=negated):
                keyword = _Piece(" not in " if negated else " in ")
                return [(item, _SUM, False), keyword, (collection, _SUM, False)]
            case n.Quantifier(kind=kind, variable=variable, collection=collection, body=body):
                head = _Piece(f"{kind} {variable} in ", first)
                return [head, (collection, _SUM, False), _Piece(": "), (body, _QUANTIFIER, True)]
            case n.Call() | n.ListLiteral():
                call = isinstance(expr, n.Call)
                items = expr.args if isinstance(expr, n.Call) else expr.items
                opening = expr.name + "(" if isinstance(expr, n.Call) else "["
                out = [_Piece(opening, first)]
                for index, item in enumerate(items):
                    if index:
                        out.append(_Piece(", "))
                    out.append((item, _QUANTIFIER, True))
                closing = ")" if call else "]"
                return [*out, _Piece(closing, tokens.last(expr.span))]
            case n.KeyRead(base=base, key=key):
                return [
                    (base, _POSTFIX, False),
                    _Piece("." + key_text(key), tokens.last(expr.span)),
                ]
        return [_Piece(self.leaf(expr), first)]

    def operator_before(self, operand: n.Expr) -> int:
        """The index of the `and` or `or` before a chain's operand (parentheses between)."""
        index = self.tokens.first(operand.span) - 1
        while self.tokens.text[index] == "(":
            index -= 1
        return index

    def hard(self, expr: n.Expr) -> bool:
        """Whether `expr` must take several lines: a comment stands between two operands of an
        and/or chain in it. Such a chain is broken there, one operand a line."""
        key = id(expr)
        if key not in self._hard:
            # A list, not a generator: every chain is visited, so that its comments are pinned.
            hard = any([self.hard(child) for child in n.children(expr)])
            if isinstance(expr, n.And | n.Or):
                for left, right in zip(expr.operands, expr.operands[1:], strict=False):
                    start, end = self.tokens.last(left.span), self.tokens.first(right.span)
                    index = bisect.bisect_left(self.comment_prevs, start)
                    while index < len(self.comment_prevs) and self.comment_prevs[index] < end:
                        self.pinned.add(self.comment_prevs[index])
                        hard = True
                        index += 1
            self._hard[key] = hard
        return self._hard[key]

    def flat(self, expr: n.Expr, tail: bool) -> list[_Piece]:
        """`expr` on one line, with the parentheses precedence needs inside it."""
        key = (id(expr), tail)
        if key not in self._flat:
            pieces: list[_Piece] = []
            for item in self.template(expr, tail):
                if isinstance(item, _Piece):
                    pieces.append(item)
                else:
                    pieces += self.flat_in(*item)
            self._flat[key] = pieces
        return self._flat[key]

    def flat_in(self, expr: n.Expr, least: int, tail: bool) -> list[_Piece]:
        if self.needs_parens(expr, least, tail):
            return [_Piece("("), *self.flat(expr, True), _Piece(")")]
        return self.flat(expr, tail)

    def leaf(self, expr: n.Expr) -> str:
        match expr:
            case n.Number():
                return self.number_text(expr)
            case n.String(value=value):
                return quote(value)
            case n.DateLiteral(value=value):
                return value.isoformat()
            case n.Boolean(value=value):
                return "true" if value else "false"
            case n.Null():
                return "null"
            case n.AsOf():
                return "as_of"
            case n.Path(root=root, keys=keys, root_is_key=root_is_key):
                return (f"`{root}`" if root_is_key else root) + "".join(
                    "." + key_text(key) for key in keys
                )
        raise AssertionError(f"no layout for {type(expr).__name__}")  # Invalid: a parse error

    # -- comments and blank lines

    def place_comments(self) -> list[_Placed]:
        """Each comment goes with the output line that holds its neighbours: at its end when it
        stood at the end of a line, else on its own line before it. Between two operands of an
        and/or chain a comment stays between them (the chain is broken there)."""
        starts = [min(line.tokens()) for line in self.lines]
        ends = [max(line.tokens()) for line in self.lines]
        placed = [_Placed() for _ in range(len(self.lines) + 1)]  # the last: the end of file
        latest = (-1, 0)  # comments keep their order: (line, 0 before | 1 inside | 2 at end)
        for comment in self.tokens.comments:
            k = bisect.bisect_right(starts, comment.prev) - 1
            if (
                comment.eol
                and k > 0
                and comment.prev == starts[k]
                and self.lines[k].continued
                and placed[k - 1].end is None
                and latest <= (k - 1, 2)
            ):  # `a and  # why` -> `a  # why` / `and b`: it stays at the end of the same line
                placed[k - 1].end = comment
                latest = (k - 1, 2)
            elif k >= 0 and comment.prev < ends[k]:
                placed[k].inner.append(comment)
                latest = (k, 1)
            elif comment.eol and k >= 0 and placed[k].end is None and latest <= (k, 2):
                placed[k].end = comment
                latest = (k, 2)
            else:
                placed[k + 1].before.append(comment)
                latest = (k + 1, 0)
        for where in placed:
            if where.inner and where.end is None and where.inner[-1].prev not in self.pinned:
                where.end = where.inner.pop()
            where.before += where.inner
        return placed

    def emit(self) -> str:
        placed = self.place_comments()
        out: list[str] = []
        opened = True  # at the start of the file or just after a `{`: no blank line

        def blank() -> None:
            if not opened and out[-1] != "":
                out.append("")

        end = _Line(0, 0, item=True)
        for line, where in zip([*self.lines, end], placed, strict=True):
            spacing = line.item or line.closer
            for index, comment in enumerate(where.before):
                if (index == 0 and line.blank) or (spacing and comment.blank_before):
                    blank()
                out.append(" " * line.comment_indent + comment.text)
                opened = False
            if line is end:
                break
            if (line.blank and not where.before) or (
                line.item and self.tokens.blank_before[min(line.tokens())]
            ):
                blank()
            text = line.render()
            out.append(text + (f"  {where.end.text}" if where.end else ""))
            opened = text.endswith("{")
        return "\n".join(out) + "\n" if out else ""


class _Layout:
    """Writes an expression from the end of a line on: on that line when it fits and holds no
    comment between chain operands, else with its and/or chains broken, each further operand
    on a new line that starts with the operator, in the column of the chain's first operand."""

    def __init__(self, formatter: _Formatter, line: _Line) -> None:
        self.f = formatter
        self.line = line

    def put_pieces(self, pieces: list[_Piece]) -> None:
        self.line.add(*pieces)

    def fits(self, pieces: list[_Piece], trail: int) -> bool:
        return self.line.column + _width(pieces) + trail <= WIDTH

    def put(self, expr: n.Expr, least: int, tail: bool, trail: int) -> None:
        """Write `expr` where precedence `least` is wanted, followed by `trail` characters."""
        if self.f.needs_parens(expr, least, tail):
            self.put_pieces([_Piece("(")])
            self.put_bare(expr, True, trail + 1)
            self.put_pieces([_Piece(")")])
        else:
            self.put_bare(expr, tail, trail)

    def put_bare(self, expr: n.Expr, tail: bool, trail: int) -> None:
        flat = self.f.flat(expr, tail)
        if not self.f.hard(expr) and self.fits(flat, trail):
            self.put_pieces(flat)
        elif isinstance(expr, n.And | n.Or):
            self.chain(expr, tail, trail)
        else:
            items = self.f.template(expr, tail)
            after = [trail]  # the width of what follows each item on the line, if it stays flat
            for item in reversed(items[1:]):
                width = (
                    len(item.text) if isinstance(item, _Piece) else _width(self.f.flat_in(*item))
                )
                after.append(after[-1] + width)
            for item, rest in zip(items, reversed(after), strict=True):
                if isinstance(item, _Piece):
                    self.put_pieces([item])
                else:
                    self.put(*item, rest)

    def chain(self, expr: n.And | n.Or, tail: bool, trail: int) -> None:
        word = "or" if isinstance(expr, n.Or) else "and"
        least = _AND if isinstance(expr, n.Or) else _NOT
        column = self.line.column
        for index, operand in enumerate(expr.operands):
            last = index == len(expr.operands) - 1
            end = trail if last else 0
            if index:
                operator = _Piece(word + " ", self.f.operator_before(operand))
                self.line = self.f.line(column, operator)
                self.line.continued = True
            if (
                isinstance(expr, n.Or)
                and isinstance(operand, n.And)
                and (
                    self.f.hard(operand) or not self.fits(self.f.flat(operand, tail and last), end)
                )
            ):
                # A broken `and` inside a broken `or` gets parentheses, so that its lines cannot
                # be read as operands of the `or`.
                self.put_pieces([_Piece("(")])
                self.chain(operand, True, end + 1)
                self.put_pieces([_Piece(")")])
            else:
                self.put(operand, least, tail and last, end)


def _width(pieces: list[_Piece]) -> int:
    return sum(len(piece.text) for piece in pieces)
