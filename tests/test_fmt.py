"""`modenhet fmt` and the canonical layout (docs/formatting.md).

Property tests over generated rule files, written with a random layout (whitespace, line breaks,
indentation, redundant parentheses and comments almost anywhere): formatting is idempotent,
keeps the meaning (the same AST, and the same results on evidence) and keeps every comment in
order. Then the shipped rules, a messed-up copy of them, and the command line.

MODENHET_FMT_EXAMPLES=2000 runs a longer hunt; the default keeps the file to a few seconds.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import shutil
import unicodedata
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modenhet
from modenhet.cli import main
from modenhet.errors import RuleError
from modenhet.language import nodes as n
from modenhet.language.formatter import WIDTH, format_text
from modenhet.language.parser import lark_parser, parse
from modenhet.source import Source
from test_differential import AS_OFS, _samples, documents, mutated_samples, rule_sets

from conftest import AS_OF, RULES

EXAMPLES = int(os.environ.get("MODENHET_FMT_EXAMPLES", "150"))
SLOW = settings(
    max_examples=max(EXAMPLES // 10, 10),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
SHIPPED = RULES.read_text(encoding="utf-8")

# ------------------------------------------------------------------------------------ helpers


def comments(text: str) -> list[str]:
    """Every comment of rule text, in order (without trailing whitespace)."""
    tokens = lark_parser().lex(unicodedata.normalize("NFC", text), dont_ignore=True)
    return [str(token).rstrip() for token in tokens if token.type == "COMMENT"]


SPANS = {"span", "op_span", "name_span", "variable_span", "source"}


def shape(value: Any) -> Any:
    """An AST without its positions, so that two layouts of one rule file compare equal."""
    if is_dataclass(value) and not isinstance(value, type):
        items = tuple(shape(getattr(value, f.name)) for f in fields(value) if f.name not in SPANS)
        return (type(value).__name__, *items)
    if isinstance(value, tuple):
        return tuple(shape(item) for item in value)
    if isinstance(value, float):
        return ("float", repr(value))
    return value


def ast(text: str) -> Any:
    tree, diagnostics = parse(Source.from_text("generated.rules", text))
    assert tree is not None and not diagnostics, [d.render() for d in diagnostics]
    return shape(tree.statements)


def expressions(tree: n.RuleFile) -> list[n.Expr]:
    roots: list[n.Expr] = []
    for statement in tree.statements:
        if isinstance(statement, n.LetStmt):
            roots.append(statement.expr)
        elif isinstance(statement, n.FactorStmt):
            roots += [c.when for block in statement.levels for c in block.criteria]
    out: list[n.Expr] = []
    while roots:
        expr = roots.pop()
        out.append(expr)
        roots += n.children(expr)
    return out


SEPARATORS = [" ", " ", " ", "  ", "\t", "\n", "\n  ", "\n\t\t", " \r\n     ", "\n        "]
COMMENT_TEXTS = ["# note", "#", "##", "# «sitat» på nynorsk", '# "q" `t` (p [b', "#and or )",
                 "#\ttab", "# trailing   ", "# let x = 1", "# }"]  # fmt: skip


def mess(text: str, rng: random.Random, *, blanks: bool = True, new: bool = True) -> str:
    """The same rule file in a random layout: redundant parentheses around expressions, random
    whitespace and line breaks between tokens, the comments kept (own-line ones on their own
    line) and, when `new`, comments added almost anywhere."""
    text = unicodedata.normalize("NFC", text)
    source = Source.from_text("messy.rules", text)
    tree, diagnostics = parse(source)
    assert tree is not None and not diagnostics, diagnostics
    starts = [0]
    for line in source.lines:
        starts.append(starts[-1] + len(line) + 1)
    inserts = []
    for expr in expressions(tree):
        if rng.random() < 0.3:
            span = expr.span
            inserts.append((starts[span.line - 1] + span.column - 1, 1, "("))
            inserts.append((starts[span.end_line - 1] + span.end_column - 1, 0, ")"))
    parts, last = [], 0
    for offset, _, paren in sorted(inserts):
        parts += [text[last:offset], paren]
        last = offset
    text = "".join(parts) + text[last:]

    out: list[str] = []
    density = rng.choice([0.03, 0.1, 0.3])  # of added comments
    newline = False  # the whitespace before the next thing had a line break
    after_comment = False
    for token in lark_parser().lex(text, dont_ignore=True):
        if token.type == "WHITESPACE":
            newline = newline or "\n" in token
            continue
        if token.type == "COMMENT":
            own = newline or not out
            out.append(("\n" if own and out else "") + rng.choice(["", "  ", "\t"]) * own)
            out.append(" " * (not own) + str(token).rstrip())
            newline, after_comment = False, True
            continue
        if new and rng.random() < density:
            if out and not after_comment and rng.random() < 0.5:
                out.append(rng.choice([" ", "   "]) + rng.choice(COMMENT_TEXTS))
            else:
                out.append(("\n" if out else "") + rng.choice(COMMENT_TEXTS))
            after_comment = True
        if after_comment:
            out.append("\n" * (1 + (blanks and rng.random() < 0.2)) + rng.choice(["", "  ", "\t"]))
        elif out:
            separators = SEPARATORS + ["\n\n", "\n \n  "] * blanks
            out.append(rng.choice(separators))
        out.append(str(token))
        newline = after_comment = False
    return "".join(out) + "\n" * rng.randint(0, 2)


# ------------------------------------------------------------ generated rule files (syntax)

NAMES = ["a", "x", "økonomi", "år_2024", "_p", "Å", "level", "ref", "when", "legal", "count",
         "criterion", "version", "weight", "sum"]  # fmt: skip
KEYS = ["v", "økonomi", "and", "in", "true", "level", "`a-b`", "`1`", "``", "`x y`", "`and`",
        "`v`"]  # fmt: skip
STRINGS = ['""', '"a"', '"å"', '"a\\"b"', '"x\\ny"', '"t\\tt"', '"\ttab"', '"back\\\\slash"',
           '"# not a comment"', '"{}"',
           '"ein lang tekst som held fram ei stund, om og om att"']  # fmt: skip
NUMBERS = ["0", "1", "10", "1_000", "0.5", "2.50", "007", "1_000_000.25"]
DATES = ["2024-02-29", "2025-06-30", "1999-12-31"]
# Comments around the operators of a chain break it there (and keep it broken).
AROUND_OPERATOR = [(" ", " "), (" ", " "), (" ", " # efter\n"), (" ", "\n# under\n"),
                   (" # før\n", " "), ("\n# over\n", " ")]  # fmt: skip
LONG = ["evidence.participation.user_organisations", "samordning.forum_meetings_per_year",
        "økonomi.instruments_used", "kompetanse.staff_trained_share"]  # fmt: skip


def pick(draw: Any, options: list[str]) -> str:
    return draw(st.sampled_from(options))  # type: ignore[no-any-return]


def path(draw: Any) -> str:
    root = pick(draw, [*NAMES, "`x`", "`a-b`", *LONG])
    count = draw(st.integers(0, 2))
    return root + "".join("." + pick(draw, KEYS) for _ in range(count))


# Precedence of what an expression generator writes (loosest first), as in the grammar.
QUANTIFIER, OR, AND, NOT, COMPARISON, SUM, PRODUCT, UNARY, POSTFIX, PRIMARY = range(10)
KIND_PRECEDENCE = {5: UNARY, 6: POSTFIX, 7: UNARY, 8: PRODUCT, 9: SUM, 10: COMPARISON,
                   11: COMPARISON, 12: NOT, 13: AND, 14: OR, 15: QUANTIFIER}  # fmt: skip


def expr(draw: Any, depth: int, least: int = QUANTIFIER, tail: bool = True) -> str:  # noqa: C901
    """An expression that can stand where the grammar wants precedence `least`; `tail` when
    nothing follows it (a quantifier may stand bare only there)."""
    kind = draw(st.integers(0, 15 if depth > 0 else 4))
    own = KIND_PRECEDENCE.get(kind, PRIMARY)
    needed = own < least or (kind == 15 and (least > NOT or not tail))
    wrapped = needed or draw(st.integers(0, 9)) == 0
    tail = tail or wrapped
    sub = depth - 1
    if kind == 0:
        text = pick(draw, NUMBERS + STRINGS + DATES + ["true", "false", "null", "as_of"])
    elif kind in (1, 2):
        text = path(draw)
    elif kind == 3:
        items = [expr(draw, sub) for _ in range(draw(st.integers(0, 3)))]
        text = "[" + ", ".join(items) + ("," if items and draw(st.booleans()) else "") + "]"
    elif kind == 4:
        items = [expr(draw, sub) for _ in range(draw(st.integers(0, 3)))]
        comma = "," if items and draw(st.booleans()) else ""
        text = pick(draw, NAMES) + "(" + ", ".join(items) + comma + ")"
    elif kind == 5:
        text = pick(draw, ["-", "- ", "- -", "-(-"]) + pick(draw, NUMBERS)
        text += ")" if "(" in text else ""
    elif kind == 6:
        text = expr(draw, sub, POSTFIX, False) + "." + pick(draw, KEYS)
    elif kind == 7:
        text = "-" + expr(draw, sub, UNARY, False)
    elif kind == 8:
        op = pick(draw, ["*", "/"])
        text = f"{expr(draw, sub, PRODUCT, False)} {op} {expr(draw, sub, UNARY, False)}"
    elif kind == 9:
        op = pick(draw, ["+", "-"])
        text = f"{expr(draw, sub, SUM, False)} {op} {expr(draw, sub, PRODUCT, False)}"
    elif kind == 10:
        op = pick(draw, ["==", "!=", "<", "<=", ">", ">="])
        text = f"{expr(draw, sub, SUM, False)} {op} {expr(draw, sub, SUM, False)}"
    elif kind == 11:
        op = pick(draw, ["in", "not in"])
        text = f"{expr(draw, sub, SUM, False)} {op} {expr(draw, sub, SUM, False)}"
    elif kind == 12:
        text = "not " + expr(draw, sub, NOT, tail)
    elif kind in (13, 14):
        word, operand = ("and", NOT) if kind == 13 else ("or", AND)
        count = draw(st.integers(2, 5))
        items = [expr(draw, sub, operand, tail and i == count - 1) for i in range(count)]
        text = f" {word} ".join(items)
    else:
        variable = pick(draw, NAMES)
        collection = expr(draw, sub, SUM, False)
        text = f"{pick(draw, ['any', 'all'])} {variable} in {collection}: {expr(draw, sub)}"
    return f"({text})" if wrapped else text


def title(draw: Any) -> str:
    return pick(draw, STRINGS)


@st.composite
def rule_files(draw: Any) -> str:
    """A rule file over the whole grammar: every statement, in any order (the parser accepts
    that; the checker would not, which does not matter to the layout)."""
    statements = []
    for _ in range(draw(st.integers(0, 7))):
        kind = draw(st.integers(0, 7))
        if kind == 7:  # a short chain: it fits on a line unless comments break it
            words = [
                pick(draw, ["and", "or"]).join(pick(draw, AROUND_OPERATOR))
                for _ in range(draw(st.integers(1, 3)))
            ]
            chain = "".join(f"{expr(draw, 0, AND)}{word}" for word in words) + expr(draw, 1, AND)
            statements.append(f"let {pick(draw, NAMES)} = {chain}")
        elif kind == 0:
            version = f" version {title(draw)}" if draw(st.booleans()) else ""
            statements.append(f"ruleset {title(draw)}{version}")
        elif kind == 1:
            word = pick(draw, ["schema", "include"])
            statements.append(f"{word} {title(draw)}")
        elif kind == 2:
            statements.append(f"overall {pick(draw, NAMES)}")
        elif kind == 3:
            count = draw(st.integers(0, 3))
            decls = " ".join(f"{pick(draw, NUMBERS[:4])} {title(draw)}" for _ in range(count))
            statements.append(f"levels {{ {decls} }}")
        elif kind in (4, 5):
            statements.append(f"let {pick(draw, NAMES)} = {expr(draw, 3)}")
        else:
            weight = f" weight {pick(draw, NUMBERS)}" if draw(st.booleans()) else ""
            blocks = []
            for _ in range(draw(st.integers(0, 2))):
                criteria = []
                for _ in range(draw(st.integers(0, 2))):
                    options = [
                        pick(draw, ["legal", f"advice {title(draw)}", f"ref {title(draw)}"])
                        for _ in range(draw(st.integers(0, 3)))
                    ]
                    criteria.append(
                        f"criterion {pick(draw, NAMES)} {title(draw)} when {expr(draw, 3)} "
                        + " ".join(options)
                    )
                blocks.append(f"level {pick(draw, NUMBERS[:3])} {{ {' '.join(criteria)} }}")
            body = " ".join(blocks)
            statements.append(f"factor {pick(draw, NAMES)} {title(draw)}{weight} {{ {body} }}")
    return "\n".join(statements) + "\n"


# --------------------------------------------------------------------------- the properties


def check_formatting(messy: str) -> str:
    """The three properties on one rule text; returns the formatted text."""
    formatted = format_text(messy)
    assert format_text(formatted) == formatted, "not idempotent"
    assert ast(formatted) == ast(messy), "the AST changed"
    assert comments(formatted) == comments(messy), "comments lost or reordered"
    assert formatted == "" or formatted.endswith("\n") and not formatted.endswith("\n\n")
    for line in formatted.split("\n"):
        assert line == line.rstrip(), f"trailing whitespace: {line!r}"
    return formatted


@settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # fmt: skip
@given(text=rule_files(), seed=st.integers(0, 2**32 - 1))
def test_formatting_is_idempotent_and_keeps_the_ast_and_every_comment(text: str, seed: int) -> None:
    assert ast(text) is not None  # the generator writes rule text that parses
    check_formatting(mess(text, random.Random(seed)))


def outcome(ruleset: modenhet.RuleSet, doc: Any, as_of: datetime.date) -> Any:
    """What an evaluation decides: statuses, missing paths, levels, gaps, overall (not the
    messages, which quote the expression as written)."""
    result = ruleset.evaluate(doc, as_of=as_of)
    return result.overall, {
        factor_id: (
            factor.level,
            [(c.id, c.status, sorted(c.missing)) for c in factor.criteria],
            [c.id for c in factor.gap],
        )
        for factor_id, factor in result.factors.items()
    }


def same_meaning(messy: str, folder: Path, docs: list[Any], as_of: datetime.date) -> str:
    formatted = check_formatting(messy)
    (folder / "messy.rules").write_text(messy, encoding="utf-8", newline="")
    (folder / "formatted.rules").write_text(formatted, encoding="utf-8", newline="")
    before = modenhet.load_ruleset(folder / "messy.rules")
    after = modenhet.load_ruleset(folder / "formatted.rules")
    for doc in docs:
        assert outcome(before, doc, as_of) == outcome(after, doc, as_of)
    return formatted


@SLOW
@given(
    rules=rule_sets(),
    seed=st.integers(0, 2**32 - 1),
    docs=st.lists(documents(), min_size=1, max_size=3),
    as_of=AS_OFS,
)
def test_a_formatted_rule_set_evaluates_as_the_original(
    rules: str, seed: int, docs: list[Any], as_of: datetime.date, tmp_path: Path
) -> None:
    same_meaning(mess(rules, random.Random(seed)), tmp_path, [*docs, *_samples()], as_of)


@SLOW
@given(
    seed=st.integers(0, 2**32 - 1),
    docs=st.lists(mutated_samples(keep_kinds=True), max_size=2),
)
def test_a_messed_up_copy_of_the_shipped_rules_evaluates_the_samples_alike(
    seed: int, docs: list[Any], tmp_path: Path
) -> None:
    shutil.copytree(RULES.parent.parent / "schemas", tmp_path / "schemas", dirs_exist_ok=True)
    (tmp_path / "rules").mkdir(exist_ok=True)
    messy = mess(SHIPPED, random.Random(seed))
    formatted = same_meaning(messy, tmp_path / "rules", [*_samples(), *docs], AS_OF)
    assert formatted.count("\n") >= SHIPPED.count("\n") - 2  # only the author's blank lines


# ------------------------------------------------------------------------ the shipped rules


def test_the_shipped_rules_are_formatted() -> None:
    assert format_text(SHIPPED) == SHIPPED


@pytest.mark.parametrize("seed", range(5))
def test_a_messed_up_copy_of_the_shipped_rules_comes_back_exactly(seed: int) -> None:
    """Whitespace, line breaks, indentation and parentheses messed up, the comments kept in
    their places: formatting gives the shipped file back, byte for byte."""
    messy = mess(SHIPPED, random.Random(seed), blanks=False, new=False)
    assert messy != SHIPPED
    assert comments(messy) == comments(SHIPPED)
    assert messy.count("(") > SHIPPED.count("(") + 20
    assert format_text(messy) == SHIPPED


# ------------------------------------------------------------------------- the layout, by example


def fmt(text: str) -> str:
    return format_text(text)


def test_statements_and_blank_lines() -> None:
    messy = """# Toppen
ruleset "R"   version "1"
schema "s.json" overall min levels { 1 "Ein" 2 "To" }
let a = evidence.a let b = a.b


let c = 1
include "x.rules"
factor f "F" weight 2 { level 2 { criterion c "C" when a.x advice "Gjer \\"det\\"" ref "§ 5"
legal } level 3 { } }
factor g "G" {}
"""
    assert (
        fmt(messy)
        == """# Toppen
ruleset "R" version "1"
schema "s.json"
overall min

levels {
  1 "Ein"
  2 "To"
}

let a = evidence.a
let b = a.b

let c = 1

include "x.rules"

factor f "F" weight 2 {
  level 2 {
    criterion c "C"
      when a.x
      advice "Gjer \\"det\\""
      ref "§ 5"
      legal
  }
  level 3 {}
}

factor g "G" {}
"""
    )


def test_expressions_are_spaced_and_keep_only_the_parentheses_they_need() -> None:
    cases = {
        "let x = ((a.b))+(c*d)": "let x = a.b + c * d",
        "let x = (a+b)*c - (d-e) - -5": "let x = (a + b) * c - (d - e) - -5",
        "let x = a - - 5 + -(5) + - -5 + (-5).k": "let x = a - -5 + -5 + 5 + (-5).k",
        "let x = 1_000+0.50+007": "let x = 1_000 + 0.50 + 007",
        "let x = (a or b) and not (c and d)": "let x = (a or b) and not (c and d)",
        "let x = (a and b) or (c)": "let x = a and b or c",
        "let x = a or (b or c)": "let x = a or (b or c)",  # the AST keeps the grouping
        "let x = (any o in l: o.v) and (all o in l: o.w)": (
            "let x = (any o in l: o.v) and all o in l: o.w"
        ),
        "let x = not(any o in l:o)": "let x = not any o in l: o",
        "let x = (a < b) == (c in [1,2,])": "let x = (a < b) == (c in [1, 2])",
        "let x = count ( [ ] ) >= 2025-06-30": "let x = count([]) >= 2025-06-30",
        "let x = a.`b`.`c-d`.and.`1` + `a`.b": "let x = a.b.`c-d`.and.`1` + `a`.b",
        'let x = "tab\there" + "a\\"b\\\\"': 'let x = "tab\\there" + "a\\"b\\\\"',
    }
    for messy, canonical in cases.items():
        assert fmt(messy) == canonical + "\n", messy


def test_long_chains_break_before_the_operator() -> None:
    long = " and ".join(f"evidence.participation.user_organisations_{i} >= {i}" for i in range(4))
    text = fmt(f'factor f "F" {{ level 2 {{ criterion c "C" when {long} or x }} }}')
    assert text.splitlines()[3:8] == [
        "      when (evidence.participation.user_organisations_0 >= 0",
        "            and evidence.participation.user_organisations_1 >= 1",
        "            and evidence.participation.user_organisations_2 >= 2",
        "            and evidence.participation.user_organisations_3 >= 3)",
        "           or x",
    ]
    assert all(len(line) <= WIDTH for line in text.splitlines())
    short = fmt("let x = a and b")
    assert short == "let x = a and b\n"


def test_comments_stay_where_they_belong() -> None:
    messy = """# fil
ruleset "R" # slutten av linja
levels {
  1 "Ein"
    # før to
  2 "To"  # etter to
        # til slutt i blokka
}

factor f "F" {
  # før nivået
  level 2 {
    criterion c "C"  # tittel
      when a # etter a
        and # etter and
        # før b
        b
        advice "A"   # råd
    # sist i nivå 2
  }
}
# slutt
"""
    assert (
        fmt(messy)
        == """# fil
ruleset "R"  # slutten av linja

levels {
  1 "Ein"
  # før to
  2 "To"  # etter to
  # til slutt i blokka
}

factor f "F" {
  # før nivået
  level 2 {
    criterion c "C"  # tittel
      when a  # etter a
           # etter and
           # før b
           and b
      advice "A"  # råd
    # sist i nivå 2
  }
}
# slutt
"""
    )


def test_a_comment_between_operands_keeps_the_chain_broken_there() -> None:
    broken = "let x = a  # c\n        and b\n"
    assert fmt("let x = a # c\nand b\n") == broken
    assert fmt("let x = a and # c\nb\n") == broken  # at the end of the same line
    assert fmt("let x = a and\n# c\nb\n") == "let x = a\n        # c\n        and b\n"
    # In their order, also when a parenthesis that goes stands between them:
    in_order = "let x = a\n        # c1\n        # c2\n        and b\n"
    assert fmt("let x = (a\n# c1\n) # c2\nand b\n") == in_order


def test_a_comment_inside_a_line_goes_to_its_end() -> None:
    assert fmt("let x = count(a, # eitt\n b)\n") == "let x = count(a, b)  # eitt\n"
    assert fmt("let x = f(# ein\n# to\na)\n") == "# ein\nlet x = f(a)  # to\n"


def test_a_syntax_error_is_not_formatted() -> None:
    with pytest.raises(RuleError) as error:
        fmt("let x = (a and\n")
    assert "never closed" in str(error.value)
    with pytest.raises(RuleError, match="invalid date 2023-7-1"):
        fmt("let x = 2023-7-1\n")  # a parse error the parser goes on after: still not formatted


def test_empty_and_comment_only_files() -> None:
    assert fmt("") == ""
    assert fmt("  \n\n") == ""
    assert fmt("# a\n\n\n# b") == "# a\n\n# b\n"


def test_crlf_tabs_and_decomposed_letters_become_canonical() -> None:
    assert fmt("let\tx =\r\n  a\u030a\r\n") == "let x = \u00e5\n"


# --------------------------------------------------------------------------- the command line


def cli(*args: str, stdin: str | None = None) -> Result:
    """`modenhet fmt` in English, as these tests read it."""
    result = CliRunner().invoke(
        main, ["fmt", "--lang", "en", *args], input=stdin, catch_exceptions=False
    )
    assert "Traceback" not in result.stderr
    return result


MESSY = 'ruleset "R"  levels { 1 "Ein" }\nlet x = (a)and b # kvifor\n'
CLEAN = 'ruleset "R"\n\nlevels {\n  1 "Ein"\n}\n\nlet x = a and b  # kvifor\n'


def test_check_passes_on_the_shipped_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(RULES.parent.parent)
    result = cli("--check", "rules/")
    assert result.exit_code == 0, result.output
    # The default rule set and 2025.1 in rules/archive/.
    assert result.stdout == "0 file(s) would be reformatted, 2 already formatted\n"


def test_fmt_rewrites_atomically_and_leaves_formatted_files_alone(tmp_path: Path) -> None:
    messy, clean = tmp_path / "messy.rules", tmp_path / "clean.rules"
    messy.write_text(MESSY, encoding="utf-8")
    clean.write_text(CLEAN, encoding="utf-8")
    messy.chmod(0o640)
    os.utime(clean, ns=(1_000_000_000, 1_000_000_000))
    inode = clean.stat().st_ino

    result = cli(str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{messy}: reformatted\n1 file(s) reformatted, 1 already formatted\n"
    assert messy.read_text(encoding="utf-8") == CLEAN
    assert messy.stat().st_mode & 0o777 == 0o640
    assert clean.stat().st_mtime_ns == 1_000_000_000 and clean.stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean.rules", "messy.rules"]


def test_check_and_diff_change_nothing(tmp_path: Path) -> None:
    path = tmp_path / "messy.rules"
    path.write_text(MESSY, encoding="utf-8")
    checked = cli("--check", str(path))
    assert checked.exit_code == 1
    assert (
        checked.stdout
        == f"{path}: would be reformatted\n1 file(s) would be reformatted, 0 already formatted\n"
    )  # noqa: E501
    diffed = cli("--diff", str(path))
    assert diffed.exit_code == 1  # as ruff and black: a file would change
    assert diffed.stdout.startswith(f"--- {path}\n+++ {path}\n@@ ")
    assert "+let x = a and b  # kvifor\n" in diffed.stdout
    assert "would be reformatted" in diffed.stderr
    assert cli("--diff", "--check", str(path)).exit_code == 1
    assert path.read_text(encoding="utf-8") == MESSY
    cli(str(path))  # formatted now: nothing would change
    assert cli("--diff", str(path)).exit_code == 0
    assert cli("--diff", str(path)).stdout == ""


def test_a_missing_path_stops_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "messy.rules"
    path.write_text(MESSY, encoding="utf-8")
    result = cli(str(path), str(tmp_path / "nope.rules"))
    assert result.exit_code == 2
    assert result.stderr == f"{tmp_path / 'nope.rules'}: error: no such file or folder\n"
    assert path.read_text(encoding="utf-8") == MESSY
    assert cli().exit_code == 2  # no RULES: a usage error


def test_a_file_with_a_syntax_error_is_reported_and_left_alone(tmp_path: Path) -> None:
    bad, good = tmp_path / "bad.rules", tmp_path / "good.rules"
    bad.write_text("let x = (a and\n", encoding="utf-8")
    good.write_text(MESSY, encoding="utf-8")
    result = cli(str(bad), str(good))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{bad}:1:9: error: this '(' is never closed")
    assert f"{bad}: 1 error(s), not formatted\n" in result.stdout
    assert bad.read_text(encoding="utf-8") == "let x = (a and\n"
    assert good.read_text(encoding="utf-8") == CLEAN


def test_folders_hidden_folders_symlinks_and_stdin(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "sub" / "a.rules").write_text(MESSY, encoding="utf-8")
    (tmp_path / ".hidden" / "b.rules").write_text(MESSY, encoding="utf-8")
    (tmp_path / "notes.txt").write_text(MESSY, encoding="utf-8")
    (tmp_path / "link.rules").symlink_to(tmp_path / "sub" / "a.rules")
    result = cli("--check", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [  # the link and its target are one file
        f"{tmp_path / 'link.rules'}: would be reformatted",
        "1 file(s) would be reformatted, 0 already formatted",
    ]
    assert cli(str(tmp_path / "link.rules")).exit_code == 0
    assert (tmp_path / "link.rules").is_symlink()
    assert (tmp_path / "sub" / "a.rules").read_text(encoding="utf-8") == CLEAN
    assert (tmp_path / ".hidden" / "b.rules").read_text(encoding="utf-8") == MESSY

    piped = cli("-", stdin=MESSY)
    assert (piped.exit_code, piped.stdout, piped.stderr) == (0, CLEAN, "")
    assert cli("--check", "-", stdin=MESSY).exit_code == 1
    assert cli("--check", "-", stdin=CLEAN).exit_code == 0


def test_a_file_that_is_not_utf8_cannot_be_formatted(tmp_path: Path) -> None:
    path = tmp_path / "latin1.rules"
    path.write_bytes('let x = "blåbær"\n'.encode("latin-1"))
    result = cli(str(path))
    assert result.exit_code == 2
    assert "not UTF-8" in result.stderr


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    assert cli(str(tmp_path)).exit_code == 2


def test_the_examples_in_the_docs() -> None:
    """docs/formatting.md shows pairs of blocks: a messy rule file, then its formatted text."""
    text = (RULES.parent.parent / "docs" / "formatting.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```rules (messy|formatted)\n(.*?)^```$", text, re.M | re.S)
    assert [kind for kind, _ in blocks] == ["messy", "formatted"] * (len(blocks) // 2)
    assert blocks
    for (_, messy), (_, formatted) in zip(blocks[::2], blocks[1::2], strict=True):
        assert fmt(messy) == formatted
