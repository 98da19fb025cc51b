"""The catalogue of `check`'s diagnostics: a stable code for each kind, its severity, a one-line
summary, a hint, and a wrong and a right example (docs/errors.md is generated from this, and the
tests run every example).

Examples are rule text; without a `ruleset` line they get a standard header (levels 1-5). A line
`--- NAME` starts another file of the rule set (for includes); `schema "../schemas/evidence...`
reaches the packaged evidence schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from modenhet.i18n import N_

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Entry:
    code: str
    name: str
    severity: Severity
    summary: str
    hint: str | None
    wrong: str
    right: str


def _entries() -> list[Entry]:
    e = Entry
    when = 'factor f "F" {\n  level 2 {\n    criterion c "C"\n      when '
    end = "\n  }\n}\n"
    return [
        # -- M1: reading the text
        e(
            "M101",
            "syntax",
            "error",
            "the text does not follow the grammar",
            None,
            'factor f "F" {\n  levl 2 { }\n}\n',
            'factor f "F" {\n  level 2 { }\n}\n',
        ),
        e(
            "M102",
            "missing-when",
            "error",
            "a criterion's title must be followed by `when`",
            N_('write: criterion ID "Title" when CONDITION'),
            when.replace("\n      when ", " x.a") + end,
            when + "x.a" + end,
        ),
        e(
            "M103",
            "unclosed",
            "error",
            "a bracket or brace is never closed",
            N_("add the closing bracket"),
            "let a = (1 + 2\n",
            "let a = (1 + 2)\n",
        ),
        e(
            "M104",
            "chained-comparison",
            "error",
            "comparisons do not chain",
            N_("write `a < b and b < c`, or put parentheses around one comparison"),
            "let a = 1 < x.a < 5\n",
            "let a = 1 < x.a and x.a < 5\n",
        ),
        e(
            "M105",
            "unclosed-string",
            "error",
            "a string is never closed on its line",
            N_("write a line break inside a string as \\n"),
            'let a = "abc\n',
            'let a = "abc"\n',
        ),
        e(
            "M106",
            "bad-escape",
            "error",
            "an unknown escape in a string",
            N_('the escapes are \\" \\\\ \\n and \\t'),
            'let a = "a\\qb"\n',
            'let a = "a\\\\qb"\n',
        ),
        e(
            "M107",
            "bad-date-form",
            "error",
            "a date literal is not written YYYY-MM-DD",
            N_(
                "write months and days with two digits; subtraction of numbers is written with "
                "spaces"
            ),
            "let a = 2023-7-1\n",
            "let a = 2023-07-01\n",
        ),
        e(
            "M108",
            "no-such-day",
            "error",
            "a date literal names a day that does not exist",
            None,
            "let a = 2023-02-30\n",
            "let a = 2023-02-28\n",
        ),
        e(
            "M109",
            "number-too-large",
            "error",
            "a number is too large",
            None,
            "let a = " + "9" * 400 + ".5\n",
            "let a = 9.5\n",
        ),
        e(
            "M110",
            "reserved-word",
            "error",
            "a reserved word is used as a name",
            N_(
                "choose another name; reserved: `all`, `and`, `any`, `as_of`, `false`, `in`, "
                "`not`, `null`, `or`, `true`"
            ),
            "let and = 1\n",
            "let og = 1\n",
        ),
        e(
            "M111",
            "bad-name",
            "error",
            "a name must start with a letter or _",
            N_("write the number after the first letter"),
            "let ²x = 1\n",
            "let x² = 1\n",
        ),
        e(
            "M112",
            "bad-character",
            "error",
            "a character that has no meaning in rule text",
            None,
            "let a = x.a ! 1\n",
            "let a = x.a != 1\n",
        ),
        e(
            "M113",
            "too-deep",
            "error",
            "an expression or path is nested deeper than the limits allow",
            N_("split it with lets"),
            "let a = " + "-" * 70 + "x.a\n",
            "let a = - - x.a\n",
        ),
        # -- M2: statements and structure
        e(
            "M201",
            "no-ruleset",
            "error",
            'a rule set begins with `ruleset "NAME"`',
            N_('write the first line as: ruleset "Bustadsosialt arbeid" version "1"'),
            'levels { 1 "Ein" }\nruleset "X"\n',
            'ruleset "X"\nlevels { 1 "Ein" }\n',
        ),
        e(
            "M202",
            "repeated-header",
            "error",
            "a header statement is written twice",
            None,
            'ruleset "X"\noverall min\noverall mean\nlevels { 1 "Ein" }\n',
            'ruleset "X"\noverall mean\nlevels { 1 "Ein" }\n',
        ),
        e(
            "M203",
            "late-header",
            "error",
            "`schema`, `overall` and `levels` come before the first let, factor or include",
            None,
            'ruleset "X"\nlet a = 1\nlevels { 1 "Ein" }\n',
            'ruleset "X"\nlevels { 1 "Ein" }\nlet a = 1\n',
        ),
        e(
            "M204",
            "header-in-include",
            "error",
            "an included file contains only let, factor and include",
            None,
            'include "a.rules"\n--- a.rules\noverall mean\n',
            'include "a.rules"\n--- a.rules\nlet a = 1\n',
        ),
        e(
            "M205",
            "no-levels",
            "error",
            "the rule set declares no levels",
            N_('add  levels { 1 "Initial" 2 "..." }  after the ruleset line'),
            'ruleset "X"\n',
            'ruleset "X"\nlevels { 1 "Ein" }\n',
        ),
        e(
            "M206",
            "bad-level",
            "error",
            "a level is not a whole number, is repeated or is out of order",
            None,
            'ruleset "X"\nlevels { 1 "Ein" 1.5 "Halv" }\n',
            'ruleset "X"\nlevels { 1 "Ein" 2 "To" }\n',
        ),
        e(
            "M207",
            "bad-overall",
            "error",
            "`overall` is min, mean or weighted",
            None,
            'ruleset "X"\noverall maks\nlevels { 1 "Ein" }\n',
            'ruleset "X"\noverall min\nlevels { 1 "Ein" }\n',
        ),
        e(
            "M208",
            "bad-schema",
            "error",
            "the schema named by `schema` cannot be read, is not JSON or cannot be used "
            "(not a valid JSON Schema, or its `$ref`s loop or multiply)",
            N_("the path is relative to this rule file"),
            'ruleset "X"\nschema "nowhere.json"\nlevels { 1 "Ein" }\n',
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" }\n',
        ),
        e(
            "M209",
            "duplicate-factor",
            "error",
            "two factors have the same ID",
            None,
            'factor f "F" { }\nfactor f "G" { }\n',
            'factor f "F" { }\nfactor g "G" { }\n',
        ),
        e(
            "M210",
            "bad-weight",
            "error",
            "a factor's weight is not positive",
            N_("a weight is a number above 0"),
            'factor f "F" weight 0 { }\n',
            'factor f "F" weight 2 { }\n',
        ),
        e(
            "M211",
            "undeclared-level",
            "error",
            "a level block names a level that `levels` does not declare",
            None,
            'factor f "F" {\n  level 7 { }\n}\n',
            'factor f "F" {\n  level 5 { }\n}\n',
        ),
        e(
            "M212",
            "floor-block",
            "error",
            "a level block for the floor, which needs no criteria",
            N_("give criteria only to levels above the floor"),
            'factor f "F" {\n  level 1 { criterion c "C" when x.a }\n}\n',
            'factor f "F" {\n  level 2 { criterion c "C" when x.a }\n}\n',
        ),
        e(
            "M213",
            "block-order",
            "error",
            "level blocks are repeated or out of order",
            N_("write the level blocks of a factor in increasing order, each once"),
            'factor f "F" {\n  level 3 { criterion a "A" when x.a }\n'
            '  level 2 { criterion b "B" when x.b }\n}\n',
            'factor f "F" {\n  level 2 { criterion b "B" when x.b }\n'
            '  level 3 { criterion a "A" when x.a }\n}\n',
        ),
        e(
            "M214",
            "duplicate-criterion",
            "error",
            "two criteria of a factor have the same ID",
            None,
            'factor f "F" {\n  level 2 {\n    criterion c "C" when x.a\n'
            '    criterion c "D" when x.b\n  }\n}\n',
            'factor f "F" {\n  level 2 {\n    criterion c "C" when x.a\n'
            '    criterion d "D" when x.b\n  }\n}\n',
        ),
        e(
            "M215",
            "repeated-option",
            "error",
            "`advice`, `ref` or `legal` is written twice",
            None,
            when + 'x.a advice "A" advice "B"' + end,
            when + 'x.a advice "A B"' + end,
        ),
        e(
            "M216",
            "duplicate-let",
            "error",
            "two lets have the same name",
            N_("let names are unique across the rule set"),
            "let a = 1\nlet a = 2\n",
            "let a = 1\nlet b = 2\n",
        ),
        e(
            "M217",
            "let-cycle",
            "error",
            "a let refers to itself, directly or through other lets",
            None,
            "let a = b + 1\nlet b = a * 2\n",
            "let a = x.b + 1\nlet b = a * 2\n",
        ),
        e(
            "M218",
            "too-many-level-blocks",
            "error",
            "a factor has more level blocks than the limit",
            N_("split the factor, or raise the limit (modenhet.limits)"),
            when + 'x.a\n  }\n  level 3 {\n    criterion d "D" when x.b\n  }\n  level 4 {\n'
            '    criterion e "E" when x.c' + end,
            when + 'x.a\n  }\n  level 3 {\n    criterion d "D" when x.b' + end,
        ),
        # -- M3: includes
        e(
            "M301",
            "absolute-include",
            "error",
            "an include path is absolute",
            N_("write the path relative to the including file"),
            'include "/tmp/a.rules"\n',
            'include "a.rules"\n--- a.rules\nlet a = 1\n',
        ),
        e(
            "M302",
            "include-outside",
            "error",
            "an include leaves the rule set's folder",
            N_("included files must lie inside the folder of the top rule file"),
            'include "../a.rules"\n',
            'include "sub/a.rules"\n--- sub/a.rules\nlet a = 1\n',
        ),
        e(
            "M303",
            "include-cycle",
            "error",
            "includes form a circle",
            None,
            'include "a.rules"\n--- a.rules\ninclude "b.rules"\n--- b.rules\ninclude "a.rules"\n',
            'include "a.rules"\n--- a.rules\ninclude "b.rules"\n--- b.rules\nlet b = 1\n',
        ),
        e(
            "M304",
            "include-unreadable",
            "error",
            "an included file cannot be read, is not UTF-8 or is a folder",
            None,
            'include "nowhere.rules"\n',
            'include "a.rules"\n--- a.rules\nlet a = 1\n',
        ),
        e(
            "M305",
            "too-many-files",
            "error",
            "more rule files are included, or nested deeper, than the limits allow",
            N_("split the rule set, or raise the limit (modenhet.limits)"),
            'include "a.rules"\n--- a.rules\ninclude "b.rules"\n--- b.rules\ninclude "c.rules"\n'
            "--- c.rules\nlet c = 1\n",
            'include "a.rules"\n--- a.rules\nlet a = 1\n',
        ),
        # -- M4: expressions
        e(
            "M401",
            "unknown-function",
            "error",
            "a function that does not exist",
            None,
            when + "cout(x.list) > 1" + end,
            when + "count(x.list) > 1" + end,
        ),
        e(
            "M402",
            "argument-count",
            "error",
            "a function is called with the wrong number of arguments",
            None,
            when + "count(x.a, x.b) > 1" + end,
            when + "count(x.a) > 1" + end,
        ),
        e(
            "M403",
            "exists-needs-path",
            "error",
            "`exists` takes a path",
            None,
            when + "exists(1)" + end,
            when + "exists(x.a)" + end,
        ),
        e(
            "M404",
            "null",
            "error",
            "`null` is not a value",
            N_("to test for a missing or null value write `exists(PATH)` or `not exists(PATH)`"),
            when + "x.a == null" + end,
            when + "not exists(x.a)" + end,
        ),
        e(
            "M405",
            "type-mismatch",
            "error",
            "an operator or function gets a kind of value it cannot use",
            None,
            when + '"a" + 1 > 2' + end,
            when + "x.a + 1 > 2" + end,
        ),
        e(
            "M406",
            "not-boolean",
            "error",
            "a condition must be true or false",
            None,
            when + "5" + end,
            when + "x.a == 5" + end,
        ),
        e(
            "M407",
            "not-a-date",
            "error",
            "a string where a date is expected is not YYYY-MM-DD",
            None,
            when + 'as_of < "2023"' + end,
            when + 'as_of < "2023-01-01"' + end,
        ),
        e(
            "M408",
            "key-of-non-object",
            "error",
            "a key is read from something that is not an object",
            None,
            when + "as_of.year == 2025" + end,
            when + "year(as_of) == 2025" + end,
        ),
        # -- M5: the schema
        e(
            "M501",
            "not-in-schema",
            "error",
            "an evidence path is not in the schema",
            None,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            + when
            + "evidence.economy.budget_nkk > 0"
            + end,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            + when
            + "evidence.economy.budget_nok > 0"
            + end,
        ),
        e(
            "M502",
            "schema-not-object",
            "error",
            "a key is read from a value the schema says is not an object",
            None,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            + when
            + "evidence.economy.budget_nok.value > 0"
            + end,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            + when
            + "evidence.economy.budget_nok > 0"
            + end,
        ),
        # -- M6: warnings
        e(
            "M601",
            "near-let",
            "warning",
            "a path whose first name is one edit from a let",
            None,
            "let økonomi = evidence.economy\n" + when + "økonmi.budget_nok > 0" + end,
            "let økonomi = evidence.economy\n" + when + "økonomi.budget_nok > 0" + end,
        ),
        e(
            "M602",
            "let-hides-key",
            "warning",
            "a let hides an evidence key of the schema",
            None,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            "let evidence = 1\n" + when + "evidence > 0" + end,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            "let talet = 1\n" + when + "talet > 0" + end,
        ),
        e(
            "M603",
            "never-equal",
            "warning",
            "`==` between kinds of values that are never equal",
            None,
            when + 'x.a == 1 and 1 == "1"' + end,
            when + "x.a == 1" + end,
        ),
        e(
            "M604",
            "outside-enum",
            "warning",
            "a comparison with a value the schema's enum never allows",
            None,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            + when
            + 'evidence.strategy.action_plan.status == "gjeldande"'
            + end,
            'ruleset "X"\nschema "../schemas/evidence.schema.json"\nlevels { 1 "Ein" 2 "To" }\n'
            + when
            + 'evidence.strategy.action_plan.status == "current"'
            + end,
        ),
        e(
            "M605",
            "division-by-zero",
            "warning",
            "a division by a 0 written in the rule",
            N_("divide by a number other than 0"),
            when + "x.a / 0 > 1" + end,
            when + "x.a / 2 > 1" + end,
        ),
        e(
            "M606",
            "constant-criterion",
            "warning",
            "a criterion that is met always, or never",
            N_("a condition should depend on the evidence"),
            when + "x.a or true" + end,
            when + "x.a or x.b" + end,
        ),
        e(
            "M607",
            "unused-let",
            "warning",
            "a let that no criterion uses",
            N_("remove it, or use it in a criterion"),
            "let ubrukt = x.a\n" + when + "x.b" + end,
            "let brukt = x.a\n" + when + "brukt" + end,
        ),
        e(
            "M608",
            "empty-level",
            "warning",
            "a level block without criteria",
            N_(
                "every document that reaches the level below reaches it; give it criteria or "
                "remove it"
            ),
            'factor f "F" {\n  level 2 { criterion c "C" when x.a }\n  level 3 { }\n}\n',
            'factor f "F" {\n  level 2 { criterion c "C" when x.a }\n'
            '  level 3 { criterion d "D" when x.b }\n}\n',
        ),
    ]


CATALOGUE: dict[str, Entry] = {entry.code: entry for entry in _entries()}


def entry(code: str) -> Entry:
    return CATALOGUE[code]


def markdown() -> str:
    """docs/errors.md: every code with its summary, hint and a wrong and a right example."""
    lines = [
        "# What `modenhet check` reports",
        "",
        "<!-- Generated by `python -m modenhet.catalogue` from src/modenhet/catalogue.py;"
        " tests/test_catalogue.py runs every example and checks that this page is current. -->",
        "",
        "Every finding of `modenhet check` (and every `RuleError` of `modenhet.load_ruleset`) has a"
        " stable code, printed after the caret:",
        "",
        "```text",
        "rules.rules:11:26: error: unknown function 'cout' (did you mean 'count'?)",
        '   11 |     criterion a "A" when cout(x) > 1',
        "      |                          ^^^^ M401",
        "```",
        "",
        "Errors (M1–M5) stop the rule set from being used; warnings (M6) do not, unless"
        " `check --strict`. `check --format sarif` gives the same findings as SARIF 2.1.0 for"
        " code-scanning tools. In the examples, rule text without a `ruleset` line gets a"
        " header with levels 1–5; `--- a.rules` starts another file of the same rule set.",
        "",
        "The messages and hints are shown in the language `--lang` names: nynorsk by default"
        " (`feil: ukjend funksjon 'cout' (meinte du 'count'?)`), bokmål or English, as on this"
        " page (`--lang en`). `--format json` and `--format sarif` keep them in English.",
        "",
        "| Code | Name | Severity | What it means |",
        "|---|---|---|---|",
    ]
    for item in CATALOGUE.values():
        lines.append(
            f"| [{item.code}](#{item.code.lower()}) | {item.name} | {item.severity} | "
            f"{item.summary} |"
        )
    for item in CATALOGUE.values():
        lines += ["", f"## {item.code}", "", f"**{item.name}** ({item.severity}): {item.summary}."]
        if item.hint:
            lines += ["", f"Hint: {item.hint}"]
        lines += [
            "",
            "Wrong:",
            "",
            "```rules",
            item.wrong.rstrip("\n"),
            "```",
            "",
            "Right:",
            "",
            "```rules",
            item.right.rstrip("\n"),
            "```",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
