"""The TextMate grammar in editors/ highlights what the parser reads.

A small interpreter of TextMate grammars (match, begin/end, patterns, captures, include,
repository), running the grammar's regexes with Python's `re`, tokenizes the shipped rule file,
the rule examples of docs/language.md and a few tricky snippets. The parser's own grammar
(grammar.lark, through Lark's contextual lexer, the one the parser uses) says what each token
is, and every token must get the scope that fits it, and nothing but such a token may get it.
"""

from __future__ import annotations

import functools
import json
import plistlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from lark import Lark, Token
from lark.exceptions import LarkError

from modenhet.engine.functions import FUNCTIONS

from conftest import ROOT, RULES

EDITORS = ROOT / "editors"
VSCODE = EDITORS / "vscode"
GRAMMAR = VSCODE / "syntaxes" / "modenhet.tmLanguage.json"
SUBLIME = EDITORS / "sublime" / "modenhet.tmLanguage"
DOC = ROOT / "docs" / "language.md"

BUILTINS = frozenset(FUNCTIONS)  # the built-in functions' registry

# ------------------------------------------------------------------- a TextMate interpreter

# The keys the interpreter understands. A grammar that uses another one (a back-reference in
# `end`, `while`, `patterns` inside captures, injections) must fail here rather than be
# half-interpreted.
GRAMMAR_KEYS = {"$schema", "name", "scopeName", "fileTypes", "comment", "patterns", "repository"}
RULE_KEYS = {
    "comment",
    "name",
    "contentName",
    "match",
    "captures",
    "begin",
    "end",
    "beginCaptures",
    "endCaptures",
    "applyEndPatternLast",
    "patterns",
    "include",
}
CAPTURE_KEYS = {"name"}
# `$1` or `${1:/downcase}` in a scope name is the text of that group (vscode-textmate).
SUBSTITUTION = re.compile(r"\$(\d+)|\$\{(\d+):/(downcase|upcase)\}")


@dataclass(frozen=True)
class TmToken:
    line: int  # 1-based
    start: int  # 0-based column, in code points
    end: int
    text: str
    scopes: tuple[str, ...]


@dataclass
class _Frame:
    """An open begin/end region (or the grammar itself, at the bottom of the stack)."""

    rule: dict[str, Any]
    scopes: tuple[str, ...]  # up to and including the region's name
    content: tuple[str, ...]  # plus its contentName: the scopes of the text inside
    end: re.Pattern[str] | None


@dataclass
class TextMateGrammar:
    data: dict[str, Any]
    _regexes: dict[str, re.Pattern[str]] = field(default_factory=dict)
    _expanded: dict[int, list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        unknown = set(self.data) - GRAMMAR_KEYS
        assert not unknown, f"grammar keys the interpreter does not know: {unknown}"
        for rule in self.rules():
            assert set(rule) <= RULE_KEYS, f"unknown keys {set(rule) - RULE_KEYS} in {rule}"
            assert ("match" in rule) + ("begin" in rule) <= 1, rule
            assert ("begin" in rule) == ("end" in rule), rule
            # In `end`, \1 means a group of `begin` to TextMate, and its own group to `re`.
            assert not re.search(r"\\[1-9]", rule.get("end", "")), rule
            for key in ("captures", "beginCaptures", "endCaptures"):
                for index, capture in rule.get(key, {}).items():
                    assert index.isdigit() and set(capture) <= CAPTURE_KEYS, (key, capture)
            if "include" in rule:
                assert set(rule) <= {"include", "comment"}, rule
                self._include(rule["include"])  # every include resolves
            for key in ("match", "begin", "end"):
                if key in rule:
                    self.regex(rule[key])

    def rules(self) -> Iterator[dict[str, Any]]:
        """Every rule of the grammar, the repository's included."""
        todo = list(self.data["patterns"]) + list(self.data.get("repository", {}).values())
        while todo:
            rule = todo.pop()
            yield rule
            todo.extend(rule.get("patterns", []))

    def regex(self, source: str) -> re.Pattern[str]:
        if source not in self._regexes:
            self._regexes[source] = re.compile(source)
        return self._regexes[source]

    def _include(self, reference: str) -> list[dict[str, Any]]:
        if reference in ("$self", "$base"):
            return list(self.data["patterns"])
        assert reference.startswith("#"), f"only local includes are interpreted: {reference}"
        return [self.data["repository"][reference[1:]]]

    def _candidates(self, rule: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        """The match and begin rules tried inside a region, in order, includes expanded."""
        if id(rule) in self._expanded:
            return self._expanded[id(rule)]
        found: list[tuple[str, dict[str, Any]]] = []

        def expand(rules: list[dict[str, Any]], seen: frozenset[int]) -> None:
            for r in rules:
                if id(r) in seen:
                    continue
                if "include" in r:
                    expand(self._include(r["include"]), seen | {id(r)})
                elif "match" in r:
                    found.append(("match", r))
                elif "begin" in r:
                    found.append(("begin", r))
                else:  # a container of patterns
                    expand(r.get("patterns", []), seen | {id(r)})

        expand(rule.get("patterns", []), frozenset())
        self._expanded[id(rule)] = found
        return found

    def tokenize(self, text: str) -> list[TmToken]:
        """Tokens with their scope stacks, line by line as an editor feeds them."""
        top = (self.data["scopeName"],)
        stack = [_Frame(self.data, top, top, None)]
        tokens: list[TmToken] = []
        for number, line in enumerate(text.split("\n"), start=1):
            # vscode-textmate passes each line with its line break, so `$` and `\n` see it.
            tokens.extend(self._tokenize_line(number, line + "\n", stack))
        return tokens

    def _tokenize_line(self, number: int, line: str, stack: list[_Frame]) -> list[TmToken]:
        scopes: list[tuple[str, ...]] = [()] * len(line)
        pos = 0
        while pos < len(line):
            frame = stack[-1]
            tried: list[tuple[str, dict[str, Any], re.Pattern[str]]] = [
                (kind, rule, self.regex(rule[kind])) for kind, rule in self._candidates(frame.rule)
            ]
            if frame.end is not None:
                end = ("end", frame.rule, frame.end)
                last = frame.rule.get("applyEndPatternLast")
                tried = [*tried, end] if last else [end, *tried]
            best: tuple[str, dict[str, Any], re.Match[str]] | None = None
            for kind, rule, regex in tried:
                m = regex.search(line, pos)
                # The earliest match wins; on a tie, the rule listed first.
                if m and (best is None or m.start() < best[2].start()):
                    best = (kind, rule, m)
            if best is None:
                scopes[pos:] = [frame.content] * (len(line) - pos)
                break
            kind, rule, m = best
            scopes[pos : m.start()] = [frame.content] * (m.start() - pos)
            if kind == "end":
                captures = rule.get("endCaptures", rule.get("captures", {}))
                self._paint(scopes, m, frame.scopes, captures)
                stack.pop()
            else:
                assert m.end() > m.start(), f"{rule[kind]!r} matched nothing on line {number}"
                outer = frame.content + self._names(rule.get("name"), m)
                if kind == "match":
                    self._paint(scopes, m, outer, rule.get("captures", {}))
                else:
                    captures = rule.get("beginCaptures", rule.get("captures", {}))
                    self._paint(scopes, m, outer, captures)
                    inner = outer + self._names(rule.get("contentName"), m)
                    stack.append(_Frame(rule, outer, inner, self.regex(rule["end"])))
            pos = m.end()
        tokens = []
        start = 0
        for i in range(1, len(line)):  # the line break itself is not a token
            if i == len(line) - 1 or scopes[i] != scopes[start]:
                tokens.append(TmToken(number, start, i, line[start:i], scopes[start]))
                start = i
        return tokens

    def _paint(
        self,
        scopes: list[tuple[str, ...]],
        m: re.Match[str],
        outer: tuple[str, ...],
        captures: dict[str, dict[str, str]],
    ) -> None:
        scopes[m.start() : m.end()] = [outer] * (m.end() - m.start())
        # Groups in the order of their opening parentheses: an enclosing group comes first.
        for index in sorted(captures, key=int):
            start, end = m.span(int(index))
            for i in range(start, end):
                scopes[i] = scopes[i] + self._names(captures[index].get("name"), m)

    @staticmethod
    def _names(name: str | None, m: re.Match[str]) -> tuple[str, ...]:
        if not name:
            return ()

        def group(s: re.Match[str]) -> str:
            text = (m.group(int(s[1] or s[2])) or "").lstrip(".")
            return {"downcase": text.lower(), "upcase": text.upper()}.get(s[3], text)

        return tuple(SUBSTITUTION.sub(group, name).split())


@functools.cache
def grammar() -> TextMateGrammar:
    return TextMateGrammar(json.loads(GRAMMAR.read_text(encoding="utf-8")))


# ------------------------------------------------------------------- what the parser reads


@functools.cache
def _lark() -> tuple[Lark, list[Token]]:
    # Every token stays in the tree; the comments, which the parser ignores, are collected as
    # the lexer passes them. (A callback on every terminal would miss tokens: in Lark 1.3 the
    # condition on a NAME callback compares with a late-bound loop variable, lexer.py CallChain.)
    comments: list[Token] = []
    parser = Lark.open_from_package(
        "modenhet.language",
        "grammar.lark",
        parser="lalr",
        lexer="contextual",
        maybe_placeholders=False,
        keep_all_tokens=True,
        lexer_callbacks={"COMMENT": comments.append},
    )
    return parser, comments


def parser_tokens(text: str) -> list[Token]:
    """Every token the parser reads from a rule text that parses, comments included."""
    parser, comments = _lark()
    comments.clear()
    tree = parser.parse(text)
    tokens = sorted(
        [*tree.scan_values(lambda v: isinstance(v, Token)), *comments],
        key=lambda t: t.start_pos or 0,
    )
    starts = [t.start_pos for t in tokens]
    assert starts == sorted(set(starts)), "two tokens at one place"
    return tokens


STATEMENT_WORDS = {
    "RULESET",
    "VERSION",
    "SCHEMA",
    "OVERALL",
    "LEVELS",
    "LET",
    "INCLUDE",
    "FACTOR",
    "WEIGHT",
    "LEVEL",
    "CRITERION",
    "ADVICE",
    "REF",
    "LEGAL",
}
EXPECTED = {  # terminal -> the scope it must get (a prefix)
    **{word: f"keyword.other.{word.lower()}." for word in STATEMENT_WORDS},
    "WHEN": "keyword.control.conditional.when.",
    "AND": "keyword.operator.logical.and.",
    "OR": "keyword.operator.logical.or.",
    "NOT": "keyword.operator.logical.not.",
    "IN": "keyword.operator.logical.in.",
    "ANY": "keyword.control.quantifier.any.",
    "ALL": "keyword.control.quantifier.all.",
    "TRUE": "constant.language.boolean.true.",
    "FALSE": "constant.language.boolean.false.",
    "NULL": "constant.language.null.",
    "AS_OF": "constant.language.as-of.",
    "COMMENT": "comment.line.number-sign.",
    "STRING": "string.quoted.double.",
    "DATE": "constant.other.date.",
    "NUMBER": "constant.numeric.",
    "BACKTICK_KEY": "variable.other.readwrite.",
    "COMPARE": "keyword.operator.comparison.",
    "PLUS": "keyword.operator.arithmetic.",
    "MINUS": "keyword.operator.arithmetic.",
    "MUL_OP": "keyword.operator.arithmetic.",
    "EQUAL": "keyword.operator.assignment.",
    "DOT": "punctuation.accessor.",
    "COMMA": "punctuation.separator.",
    "COLON": "punctuation.separator.",
    "LBRACE": "punctuation.section.block.begin.",
    "RBRACE": "punctuation.section.block.end.",
    "LSQB": "punctuation.section.brackets.begin.",
    "RSQB": "punctuation.section.brackets.end.",
    "LPAR": "punctuation.section.parens.begin.",
    "RPAR": "punctuation.section.parens.end.",
}
NAME_AFTER = {  # a NAME right after this terminal is ...
    "DOT": "variable.other.property.",  # a key, whatever it spells
    "FACTOR": "entity.name.type.factor.",
    "CRITERION": "entity.name.function.criterion.",
    "LET": "entity.name.variable.let.",
    "ANY": "variable.parameter.quantifier.",
    "ALL": "variable.parameter.quantifier.",
    "OVERALL": "support.constant.overall.",
}
# Scopes that mark a part of a token (its quotes, an escape, an error), not what it is.
DETAIL = ("punctuation.definition.", "constant.character.escape.", "invalid.")


def expected_scopes(tokens: list[Token]) -> Iterator[tuple[Token, str]]:
    """Each parser token with the scope it must get, a NAME by where it stands."""
    for i, token in enumerate(tokens):
        if token.type != "NAME":
            yield token, EXPECTED[token.type]
            continue
        before = tokens[i - 1].type if i else None
        after = tokens[i + 1].type if i + 1 < len(tokens) else None
        if before in NAME_AFTER:
            yield token, NAME_AFTER[before]
        elif after == "LPAR":
            builtin = token.value in BUILTINS
            yield token, "support.function.builtin." if builtin else "variable.function."
        else:
            yield token, "variable.other."


def has(scopes: tuple[str, ...], prefix: str) -> bool:
    return any(scope.startswith(prefix) for scope in scopes)


def scope_map(text: str) -> dict[tuple[int, int], tuple[str, ...]]:
    """(line, column) -> the scopes the TextMate grammar gives that character."""
    return {
        (t.line, column): t.scopes
        for t in grammar().tokenize(text)
        for column in range(t.start, t.end)
    }


def check_against_parser(text: str) -> list[str]:
    """Every disagreement between the highlighting and the parser, in words.

    Each character's scopes, but for the grammar's own and the DETAIL ones, must be exactly the
    one scope its parser token calls for, and none for the space between tokens.
    """
    text = unicodedata.normalize("NFC", text)  # the parser reads NFC, and so does this test
    owner: dict[tuple[int, int], tuple[Token, str]] = {}
    for token, prefix in expected_scopes(parser_tokens(text)):
        assert "\n" not in token.value, "no token spans lines"
        for column in range(token.column - 1, token.column - 1 + len(token.value)):
            owner[token.line, column] = token, prefix
    problems: dict[object, str] = {}  # the first problem of each token
    for (line, column), scopes in scope_map(text).items():
        main = [s for s in scopes[1:] if not s.startswith(DETAIL)]
        if (line, column) not in owner:
            if main:
                problems[line, column] = f"{line}:{column + 1}, between tokens, is {main}"
            continue
        token, prefix = owner[line, column]
        if len(main) != 1 or not main[0].startswith(prefix):
            where = f"{token.line}:{token.column}"
            problems.setdefault(where, f"{where} {token.value!r} is {main}, not {prefix}*")
    return list(problems.values())


# ---------------------------------------------------------------------------- the rule texts

FENCE = re.compile(r"^```(rules[^\n]*)\n(.*?)^```$", re.M | re.S)


@dataclass(frozen=True)
class Example:
    label: str
    kind: str  # "rules", "rules warning", "rules error" or "rules file"
    text: str


def doc_examples() -> list[Example]:
    examples = []
    doc = DOC.read_text(encoding="utf-8")
    for m in FENCE.finditer(doc):
        line = doc.count("\n", 0, m.start()) + 1
        info = m.group(1)
        kind = next(
            k for k in ("rules warning", "rules error", "rules file", "rules") if info.startswith(k)
        )
        examples.append(Example(f"docs/language.md:{line}", kind, m.group(2)))
    return examples


# Valid to the parser, and written to trip a highlighter that goes by words alone.
TRICKY = """\
ruleset "Døme" version "1"   # a comment with "quotes" and `ticks`
schema "s.json"
overall weighted
levels { 1 "Ein" 2 "To" 3 "Tre" }
include "felles/namn.rules"
let level = evidence.level.in.`level`
let when_ = [1, 2_000, 0.5,]
let weight = -level.weight * 2 - -1
let overall = (a or b) and not c in d and e not in f
let år_2024 = `budget-2025`.x.`a b`.any.all.true
factor f "T" weight 1.5 {
  level 2 {
    criterion c "t" when level.level.in > 2 and x. # a key after a comment
       level == 3
      advice "a \\"b\\" \\\\ \\n \\t" ref "r" legal
    criterion d "t"
      when when > 0 and not overall.schema == ref
       and legal and level
      legal
    criterion e "t" when any o in l: o.all and not o.`in` in ["a", "b"]
    criterion g "t" when all x in [1, 2]: x * 2 / 1 >= 1_000 / 0.5
    criterion h "t" when `x`.y == 2025-06-30 or year(as_of) - 1 == count(l)
      advice "#not a comment"
    criterion i "t" when year > 2024 and exists(x.year) and not true == false
    criterion j "t" when days_since(d) < years_since(d) + min(l) + max(l) + sum(l)
    criterion k "t" when contains_all(l, m) or contains_any(l, m) or criterion == factor
  }
}
"""


def rule_texts() -> list[Example]:
    return [
        Example("rules/bustadsosialt.rules", "rules", RULES.read_text(encoding="utf-8")),
        Example("tricky", "rules", TRICKY),
        *doc_examples(),
    ]


def test_the_examples_are_found() -> None:
    examples = doc_examples()
    assert len(examples) > 40
    assert {e.kind for e in examples} == {"rules", "rules warning", "rules error", "rules file"}


@pytest.mark.parametrize("example", rule_texts(), ids=lambda e: e.label)
def test_highlighting_agrees_with_the_parser(example: Example) -> None:
    """Every token the parser reads gets its scope; no other text gets a token's scope."""
    try:
        parser_tokens(unicodedata.normalize("NFC", example.text))
    except LarkError:
        assert example.kind == "rules error", "a valid example must parse"
        pytest.skip("a syntax error is the point of this example")
    assert check_against_parser(example.text) == []


@pytest.mark.parametrize(
    "example", [e for e in rule_texts() if e.kind != "rules error"], ids=lambda e: e.label
)
def test_nothing_is_invalid_in_a_valid_file(example: Example) -> None:
    invalid = [t for t in grammar().tokenize(example.text) if has(t.scopes, "invalid")]
    assert invalid == []


# ------------------------------------------------------------------------ particular tokens


def scopes_of(text: str, word: str, occurrence: int = 1) -> tuple[str, ...]:
    """The scopes of the first character of the n-th occurrence of `word` in `text`."""
    start = -1
    for _ in range(occurrence):
        start = text.index(word, start + 1)
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1)
    return scope_map(text)[line, column]


def test_the_shipped_rule_file() -> None:
    text = RULES.read_text(encoding="utf-8")
    tokens = grammar().tokenize(text)
    comments = [t for t in tokens if t.text.startswith("#")]
    assert len(comments) > 10
    assert all(has(t.scopes, "comment.line.number-sign.modenhet") for t in comments)
    assert has(scopes_of(text, "ruleset"), "keyword.other.ruleset.modenhet")
    assert has(scopes_of(text, '"Bustadsosialt arbeid"'), "string.quoted.double.modenhet")
    assert has(scopes_of(text, "level 2"), "keyword.other.level.modenhet")
    assert has(scopes_of(text, "criterion council_decision"), "keyword.other.criterion")
    assert has(scopes_of(text, "council_decision "), "entity.name.function.criterion")
    assert has(scopes_of(text, "when forankring"), "keyword.control.conditional.when")
    assert has(scopes_of(text, "forankring.council"), "variable.other.modenhet")
    assert has(scopes_of(text, "council_decision_date"), "variable.other.property")
    assert has(scopes_of(text, "<= as_of\n"), "keyword.operator.comparison")
    assert has(scopes_of(text, "as_of\n"), "constant.language.as-of")
    assert has(scopes_of(text, "years_since("), "support.function.builtin")
    assert has(scopes_of(text, "legal\n"), "keyword.other.legal")
    assert has(scopes_of(text, "any o in"), "keyword.control.quantifier.any")
    assert has(scopes_of(text, "o in medverknad"), "variable.parameter.quantifier")
    assert has(scopes_of(text, "0.5"), "constant.numeric.decimal")
    assert has(scopes_of(text, "factor anchoring"), "keyword.other.factor")
    assert has(scopes_of(text, "anchoring "), "entity.name.type.factor")
    assert has(scopes_of(text, "let forankring"), "keyword.other.let")
    assert has(scopes_of(text, "forankring ="), "entity.name.variable.let")


def test_a_word_after_a_dot_is_a_key() -> None:
    text = "let y = x.level.in\nlet z = x.\n  # a comment\n  when\n"
    for word in ("level", "in", "when"):
        scopes = scopes_of(text, word)
        assert has(scopes, "variable.other.property.modenhet"), (word, scopes)
        assert not has(scopes, "keyword"), (word, scopes)
    assert has(scopes_of(text, "# a comment"), "comment.line")


def test_a_statement_word_where_a_name_stands_is_a_name() -> None:
    text = 'let level = 1\ncriterion c "t" when when > level and legal\n  legal\n'
    assert has(scopes_of(text, "level", 1), "entity.name.variable.let")
    assert has(scopes_of(text, "when", 1), "keyword.control.conditional.when")
    assert has(scopes_of(text, "when", 2), "variable.other.modenhet")
    assert has(scopes_of(text, "level", 2), "variable.other.modenhet")
    assert has(scopes_of(text, "legal", 1), "variable.other.modenhet")
    assert has(scopes_of(text, "legal", 2), "keyword.other.legal")


def test_strings_and_escapes() -> None:
    text = 'advice "a \\"b\\" \\\\ \\n \\t \\p"\n'
    assert has(scopes_of(text, '"a'), "punctuation.definition.string.begin")
    for escape in ('\\"', "\\\\", "\\n", "\\t"):
        scopes = scopes_of(text, escape)
        assert has(scopes, "constant.character.escape.modenhet"), (escape, scopes)
        assert has(scopes, "string.quoted.double.modenhet")
    assert has(scopes_of(text, "\\p"), "invalid.illegal.unknown-escape.modenhet")
    assert has(scopes_of(text, 'p"'), "invalid.illegal.unknown-escape.modenhet")
    assert has(scopes_of(text, '"\n'), "punctuation.definition.string.end")
    # A string ends at the end of its line: the language has no multi-line strings.
    unclosed = 'ref "K:\\planar\nlet x = 1\n'
    assert has(scopes_of(unclosed, "r\n"), "invalid.illegal.unclosed-string")
    assert has(scopes_of(unclosed, "let"), "keyword.other.let")


def test_the_documented_mistakes_are_marked() -> None:
    errors = {e.text: e for e in doc_examples() if e.kind == "rules error"}
    escape = next(text for text in errors if "K:\\planar" in text)
    assert has(scopes_of(escape, "\\p"), "invalid.illegal.unknown-escape.modenhet")
    short = next(text for text in errors if "2023-7-1" in text)
    assert has(scopes_of(short, "2023-7-1"), "invalid.illegal.date.modenhet")
    assert has(scopes_of(short, "2023-7-1"), "constant.other.date.modenhet")
    typo = next(text for text in errors if "cout(" in text)
    assert has(scopes_of(typo, "cout("), "variable.function.modenhet")
    assert not has(scopes_of(typo, "cout("), "support.function")


def test_dates_numbers_and_stray_characters() -> None:
    text = "when a >= 2023-07-01 and b == 2025 - 6 - 1 and c > 1_000_000; d\n"
    assert has(scopes_of(text, "2023-07-01"), "constant.other.date.modenhet")
    assert not has(scopes_of(text, "2023-07-01"), "invalid")
    assert has(scopes_of(text, "2025 "), "constant.numeric.integer")
    assert has(scopes_of(text, "- 6"), "keyword.operator.arithmetic")
    assert has(scopes_of(text, "1_000_000"), "constant.numeric.integer")
    assert has(scopes_of(text, ";"), "invalid.illegal.character")


# ---------------------------------------------------------------------- the grammar's files


def test_every_regex_is_one_python_re_reads() -> None:
    """The interpreter runs the regexes with `re`: Oniguruma-only syntax fails here."""
    sources = [r[k] for r in grammar().rules() for k in ("match", "begin", "end") if k in r]
    assert len(sources) > 30
    for source in sources:
        re.compile(source)
        # Constructs whose meaning differs between the two engines, or that `re` lacks.
        assert not re.search(r"\\[GAzZhHpPkgK]|\[\[:|\(\?[imx]*-?[imx]*\)|\\x\{", source), source


def test_the_vscode_extension() -> None:
    manifest = json.loads((VSCODE / "package.json").read_text(encoding="utf-8"))
    (language,) = manifest["contributes"]["languages"]
    assert language["id"] == "modenhet-rules"
    assert language["extensions"] == [".rules"]
    (contributed,) = manifest["contributes"]["grammars"]
    assert contributed["language"] == "modenhet-rules"
    assert (VSCODE / contributed["path"]).resolve() == GRAMMAR
    assert contributed["scopeName"] == grammar().data["scopeName"] == "source.modenhet"
    assert {"name", "publisher", "version", "engines"} <= set(manifest)

    configuration = json.loads((VSCODE / language["configuration"]).read_text(encoding="utf-8"))
    assert configuration["comments"] == {"lineComment": "#"}
    assert ["{", "}"] in configuration["brackets"]
    pairs = {(p["open"], p["close"]) for p in configuration["autoClosingPairs"]}
    assert {("{", "}"), ("[", "]"), ("(", ")"), ('"', '"')} <= pairs
    for rule in ("increaseIndentPattern", "decreaseIndentPattern"):
        re.compile(configuration["indentationRules"][rule])


def test_the_sublime_copy_is_the_same_grammar() -> None:
    """editors/sublime/ holds the grammar as a plist; regenerate it when the JSON changes."""
    with SUBLIME.open("rb") as file:
        assert plistlib.load(file) == grammar().data, (
            "regenerate editors/sublime/modenhet.tmLanguage (see editors/README.md)"
        )
