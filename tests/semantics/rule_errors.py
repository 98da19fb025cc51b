"""Spec 2-5: rule texts that must not load — `RuleError` with a diagnostic on the given line
(counted in the text below, without the test header) whose message or hint says the given
words."""

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleErrorCase:
    name: str
    text: str
    line: int
    words: tuple[str, ...] = ()  # each in the diagnostic's message or hint (case-insensitive)
    column: int | None = None  # in code points of the NFC line
    bug: str | None = None


def when(condition: str, lets: str = "") -> str:
    """A rule text with the condition on line 2 (after one line of lets)."""
    return f'{lets}\nfactor f "F" {{ level 2 {{ criterion c "C" when {condition} }} }}\n'


# fmt: off
ERRORS = [
    # section 2: lexical rules
    RuleErrorCase("null is not a value", when("evidence.a == null"), 2, ("exists",)),
    RuleErrorCase("date with one-digit month", when("evidence.d < 2023-7-1"), 2, ("date",)),
    RuleErrorCase("date that does not exist", when("evidence.d < 2023-02-30"), 2, ("date",)),
    RuleErrorCase("29 February in a common year", when("evidence.d < 2023-02-29"), 2, ("date",)),
    RuleErrorCase("unknown escape", when(r'evidence.s == "a\x"'), 2, ("escape",)),
    RuleErrorCase("raw newline in a string", 'let s = "a\nb"\n', 1),
    RuleErrorCase("exponent", when("evidence.n < 1e5"), 2),
    RuleErrorCase("leading dot", when("evidence.n < .5"), 2),
    RuleErrorCase("trailing dot", when("evidence.n < 5."), 2),
    RuleErrorCase("double underscore", when("evidence.n < 1__000"), 2),
    RuleErrorCase("back-tick key with a newline", "let a = `x\ny`\n", 1),
    RuleErrorCase("columns count code points of the NFC line", 'let a\u030ab = "å" + null\n', 1,
                  ("null",), column=16),
    RuleErrorCase("a name must start with a letter or _", "let ²x = 1\n", 1),
    RuleErrorCase("reserved let name", "let and = 1\n", 1, ("reserved",)),
    RuleErrorCase("reserved let name as_of", "let as_of = 1\n", 1, ("reserved",)),
    RuleErrorCase("reserved criterion ID",
                  'factor f "F" { level 2 { criterion in "C" when true } }', 1, ("reserved",)),
    RuleErrorCase("reserved factor ID", 'factor all "F" { }', 1, ("reserved",)),
    RuleErrorCase("reserved quantifier variable", when("any true in evidence.l: true"), 2),
    RuleErrorCase("reserved quantifier variable null", when("all null in evidence.l: true"), 2),
    # section 3: statements
    RuleErrorCase("let defined twice", "let a = 1\nlet a = 2\n", 2, ("twice",)),
    RuleErrorCase("let cycle", "let a = b\nlet b = a\n", 1, ("itself",)),
    RuleErrorCase("let refers to itself", "let a = a + 1\n", 1, ("itself",)),
    RuleErrorCase("factor defined twice", 'factor f "F" { }\nfactor f "G" { }\n', 2, ("twice",)),
    RuleErrorCase("criterion defined twice",
                  'factor f "F" {\n level 2 { criterion c "C" when true }\n'
                  ' level 3 { criterion c "D" when true }\n}\n', 3, ("twice",)),
    RuleErrorCase("level not declared", 'factor f "F" { level 7 { } }', 1, ("declared",)),
    RuleErrorCase("level block at the floor", 'factor f "F" { level 1 { } }', 1, ("floor",)),
    RuleErrorCase("level blocks out of order", 'factor f "F" {\n level 3 { }\n level 2 { }\n}',
                  3),
    RuleErrorCase("level block twice", 'factor f "F" {\n level 3 { }\n level 3 { }\n}', 3),
    RuleErrorCase("weight zero", 'factor f "F" weight 0 { }', 1, ("weight",)),
    # section 4: expressions
    RuleErrorCase("chained comparison", when("evidence.a < evidence.b < evidence.c"), 2,
                  ("chain",)),
    RuleErrorCase("chained equality", when("evidence.a == evidence.b == true"), 2),
    RuleErrorCase("chained membership", when("evidence.a in evidence.b in evidence.c"), 2),
    RuleErrorCase("unknown function", when("cout(evidence.l) > 1"), 2, ("unknown function",)),
    # section 5: static errors
    RuleErrorCase("string plus number", when('"a" + 1 > 0'), 2),
    RuleErrorCase("count of a number", when("count(3) > 0"), 2),
    RuleErrorCase("no string +", when('evidence.x + "a" == "ba"'), 2),
    RuleErrorCase("when 5", when("5"), 2),
    RuleErrorCase("key of as_of", when("as_of.year == 2025"), 2),
    RuleErrorCase("string ordered with a number", when('"a" < 1'), 2),
    RuleErrorCase("not of a number", when("not 1"), 2),
    RuleErrorCase("date literal plus one", when("2024-01-01 + 1 > 0"), 2),
    RuleErrorCase("non-date string against as_of", when('as_of < "i går"'), 2, ("date",)),
]
# fmt: on
