"""Rule text never becomes code in the generated fast path.

One rule-set template is filled twice: with plain names and with hostile ones (keys such as
`__import__('os').system('x')`, strings full of quotes, backslashes, triple quotes, braces and
newlines, let names and IDs that are Python builtins or the generator's own identifiers). Both
must evaluate correctly, and their generated sources must be the same program once string
constants are blanked: names from the rules only ever reach the code as string constants.
"""

from __future__ import annotations

import ast
import datetime
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import modenhet

import reference

AS_OF = datetime.date(2025, 6, 30)

TEMPLATE = """\
ruleset "{TITLE}" version "{TITLE}"
levels {{
  1 "{TITLE}"
  2 "{TITLE}"
  3 "three"
}}
let {LET1} = evidence.`{KEY1}`
let {LET2} = {LET1}.`{KEY2}`
let {LET3} = {LET2} + 1
let {LET4} = [{STR1}, {STR2}]
factor {FAC1} "{TITLE}" {{
  level 2 {{
    criterion {CRIT1} "{TITLE}" when {LET3} == 2 advice "{TITLE}" ref "{TITLE}"
    criterion {CRIT2} "{TITLE}" when evidence.`{KEY3}` == {STR1}
    criterion {CRIT3} "{TITLE}"
      when any {VAR} in evidence.`{KEY4}`: {VAR}.`{KEY1}` == {STR2} and exists({VAR}.`{KEY1}`)
    criterion {CRIT4} "{TITLE}" when evidence.x in [{STR1}, {STR2}] and {STR2} in {LET4}
  }}
}}
factor {FAC2} "{TITLE}" weight 2 {{
  level 3 {{
    criterion {CRIT1} "{TITLE}" when contains_all(evidence.`{KEY2}`.`{KEY4}`, [{STR1}])
    criterion {CRIT2} "{TITLE}" when not exists(`{LET1}`.`{KEY3}`) and count({LET4}) == 2
  }}
}}
"""

PLAIN = {
    "TITLE": "Title",
    "LET1": "let_one", "LET2": "let_two", "LET3": "let_three", "LET4": "let_four",
    "FAC1": "factor_one", "FAC2": "factor_two",
    "CRIT1": "crit_one", "CRIT2": "crit_two", "CRIT3": "crit_three", "CRIT4": "crit_four",
    "VAR": "item",
    "KEY1": "key1", "KEY2": "key2", "KEY3": "key3", "KEY4": "key4",
    "STR1": "plain one", "STR2": "plain two",
}  # fmt: skip

HOSTILE = {
    "TITLE": 'Title "quoted", \\back\\slash, """triple""", \'\'\'single\'\'\', {braces} {0}\nline',
    # let names and IDs: builtins, dunders and the generator's own identifiers
    "LET1": "doc", "LET2": "__builtins__", "LET3": "e1", "LET4": "_k1",
    "FAC1": "f0", "FAC2": "__class__",
    "CRIT1": "s0", "CRIT2": "evaluate", "CRIT3": "__import__", "CRIT4": "exec",
    "VAR": "_v1",
    # keys (back-ticked: anything but a back-tick or a newline)
    "KEY1": "__class__",
    "KEY2": "__import__('os').system('x')",
    "KEY3": '"; import os; os.system("x"); "',
    "KEY4": "a\\b{c}'''\"\"\"",
    # strings
    "STR1": '"""; __import__(\'os\').system(\'x\'); """',
    "STR2": "\\' + str(1) + '\n{0}{x}}\t# not a comment",
}  # fmt: skip

STRING_FIELDS = ("TITLE", "STR1", "STR2")


def quote(text: str) -> str:
    """A string literal of the rule language."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n").replace("\t", "\\t") + '"'


def rule_text(names: dict[str, str]) -> str:
    filled = {k: quote(v) if k in ("STR1", "STR2") else v for k, v in names.items()}
    filled["TITLE"] = quote(names["TITLE"])[1:-1]  # written inside the template's quotes
    return TEMPLATE.format(**filled)


def document(names: dict[str, str]) -> dict[str, Any]:
    """Evidence on which every criterion is met."""
    return {
        "evidence": {
            names["KEY1"]: {names["KEY2"]: 1},
            names["KEY3"]: names["STR1"],
            names["KEY4"]: [{names["KEY1"]: names["STR2"]}],
            "x": names["STR2"],
        },
    }


@pytest.fixture
def load(tmp_path: Path) -> Callable[[dict[str, str]], modenhet.RuleSet]:
    def load(names: dict[str, str]) -> modenhet.RuleSet:
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        folder.mkdir()
        path = folder / "hostile.rules"
        path.write_text(rule_text(names), encoding="utf-8")
        return modenhet.load_ruleset(path)

    return load


@pytest.fixture
def no_system(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """os.system records instead of running: nothing may call it."""
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    return calls


@pytest.mark.parametrize("names", [PLAIN, HOSTILE], ids=["plain", "hostile"])
def test_evaluates_correctly(
    names: dict[str, str], load: Callable[[dict[str, str]], modenhet.RuleSet], no_system: list[str]
) -> None:
    rs = load(names)
    assert rs.name == names["TITLE"] and rs.version == names["TITLE"]
    doc = document(names)
    result = rs.evaluate(doc, as_of=AS_OF)
    assert list(result.factors) == [names["FAC1"], names["FAC2"]]
    first, second = result.factors.values()
    assert [(c.id, c.status) for c in first.criteria] == [
        (names["CRIT1"], "met"), (names["CRIT2"], "met"),
        (names["CRIT3"], "met"), (names["CRIT4"], "met"),
    ]  # fmt: skip
    # The second factor reads a path the document lacks; no root key hidden by LET1 exists.
    assert [(c.id, c.status) for c in second.criteria] == [
        (names["CRIT1"], "unknown"), (names["CRIT2"], "met"),
    ]  # fmt: skip
    assert (first.level, second.level, result.overall) == (2, 1, 1)
    assert first.label == names["TITLE"] and second.label == names["TITLE"]
    criterion = first.criteria[0]
    assert (criterion.title, criterion.advice, criterion.ref) == (names["TITLE"],) * 3
    assert second.criteria[0].missing == [
        f"evidence.{render(names['KEY2'])}.{render(names['KEY4'])}"
    ]
    _agrees_with_reference(rs, doc)
    _agrees_with_reference(rs, {})
    _agrees_with_reference(rs, {"evidence": {names["KEY4"]: [None, {}], "x": names["STR1"]}})
    assert no_system == []


def render(key: str) -> str:
    return key if key.isidentifier() else f"`{key}`"


def _agrees_with_reference(rs: modenhet.RuleSet, doc: dict[str, Any]) -> None:
    result = rs.evaluate(doc, as_of=AS_OF)
    ref = reference.evaluate(rs.model, doc, AS_OF)
    criteria = [c for f in result.factors.values() for c in f.criteria]
    assert [c.status for c in criteria] == [ref.statuses[c.index] for c in rs.model.criteria]
    assert [set(c.missing) for c in criteria] == [ref.missing[c.index] for c in rs.model.criteria]
    for factor in result.factors.values():
        assert factor.level == ref.levels[factor.id]
    for c in criteria:
        if c.status == "error":
            assert (c.message or "").startswith(f"{c.definition.factor_id}.{c.id}: ")


class _BlankStrings(ast.NodeTransformer):
    def visit_Constant(self, node: ast.Constant) -> ast.Constant:
        return ast.Constant("<str>") if isinstance(node.value, str) else node


def _identifiers(tree: ast.AST) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.add(node.id)
        elif isinstance(node, ast.Attribute):
            out.add(node.attr)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, ast.keyword) and node.arg:
            out.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.Lambda):
            out.add(getattr(node, "name", "<lambda>"))
    return out


def test_rule_names_reach_the_code_only_as_string_constants(
    load: Callable[[dict[str, str]], modenhet.RuleSet],
) -> None:
    plain, hostile = load(PLAIN), load(HOSTILE)
    plain_tree = ast.parse(plain.generated_source)
    hostile_tree = ast.parse(hostile.generated_source)
    # The same program once string constants are blanked: no name from the rules chose code.
    assert ast.dump(_BlankStrings().visit(hostile_tree)) == ast.dump(
        _BlankStrings().visit(plain_tree)
    )
    hostile_tree = ast.parse(hostile.generated_source)
    identifiers = _identifiers(hostile_tree)
    assert identifiers == _identifiers(ast.parse(plain.generated_source))
    assert not identifiers & {"__import__", "exec", "eval", "system", "os", "__builtins__",
                              "compile", "open", "getattr"}  # fmt: skip


def test_keys_and_strings_are_plain_constants(
    load: Callable[[dict[str, str]], modenhet.RuleSet],
) -> None:
    rs = load(HOSTILE)
    tree = ast.parse(rs.generated_source)
    constants = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
    namespace = getattr(rs._fast, "__globals__", {})
    hoisted: set[Any] = set()
    for value in namespace.values():
        if isinstance(value, list | frozenset | set | tuple):
            hoisted.update(v for v in value if isinstance(v, str))
    for key in ("KEY1", "KEY2", "KEY3", "KEY4"):
        assert HOSTILE[key] in constants, key
    for string in ("STR1", "STR2"):
        assert HOSTILE[string] in constants | hoisted, string
    # No rule text stands in the source outside a string constant: blank every constant and
    # the source holds none of the hostile fragments.
    blanked = ast.unparse(_BlankStrings().visit(tree))
    for fragment in ("import", "system", "os.", '"""', "'''", "{c}", "{x}", "__builtins__"):
        assert fragment not in blanked, fragment
    # Titles, advice and refs never enter the generated code at all.
    assert HOSTILE["TITLE"] not in constants


@pytest.mark.parametrize(
    "condition",
    [
        '"\\"" == evidence.`"`',
        '"\\\\" == evidence.`\\`',
        '"\\n" in evidence.l',
        '"}" + "{" == "x"',  # a static error: no string +
    ],
    ids=["quote", "backslash", "newline", "braces-static-error"],
)
def test_single_hostile_literals(condition: str, tmp_path: Path) -> None:
    path = tmp_path / "one.rules"
    path.write_text(
        'ruleset "T"\nlevels { 1 "a" 2 "b" }\n'
        f'factor f "F" {{ level 2 {{ criterion c "C" when {condition} }} }}\n',
        encoding="utf-8",
    )
    if "+" in condition:
        with pytest.raises(modenhet.RuleError):
            modenhet.load_ruleset(path)
        return
    rs = modenhet.load_ruleset(path)
    ast.parse(rs.generated_source)
    doc = {"evidence": {'"': '"', "\\": "\\", "l": ["\n"]}}
    result = rs.evaluate(doc, as_of=AS_OF)
    assert result.factors["f"].criteria[0].status == "met"
