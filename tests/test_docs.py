"""Every example in docs/language.md runs, so the reference cannot drift from the tool.

The convention (which fenced blocks there are and what the HTML comments after them say) is
explained in the HTML comment at the top of docs/language.md. Each rule-set example is one
test case: its rule text, the files it includes, and the evidence and command outputs after it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import modenhet

from conftest import ROOT

DOC = ROOT / "docs" / "language.md"
AS_OF = datetime.date(2025, 6, 30)
TOP = "docs-example.rules"  # the name of the top rule file, as commands in the docs write it
EVIDENCE = "docs-example.json"
HEADER = """\
ruleset "Døme"
levels {
  1 "Innleiande"
  2 "Grunnleggjande"
  3 "Definert"
  4 "Styrt"
  5 "Leiande"
}
"""
# A fenced block, then optionally an HTML comment `<!-- KEY: VALUE -->` right after it.
FENCE = re.compile(r"^```([^`\n]*)\n(.*?)^```\n(?:\s*<!--\s*(\w+):(.*?)-->)?", re.M | re.S)
RULE_KINDS = ("rules", "rules warning", "rules error")
STARTS_WITH_RULESET = re.compile(r"(\s*#.*\n)*\s*ruleset\b")  # after comments, if any


@dataclass
class Block:
    info: str  # the fence's info string: "rules", "rules error ...", "json", "text", ...
    text: str
    line: int
    note: tuple[str, str] | None  # the HTML comment right after the block

    def fragment(self, key: str) -> str:
        """The expected message fragment: after the kind on the fence line, or in `key:`."""
        rest = self.info.removeprefix(f"rules {key}").strip()
        return rest or (self.note[1].strip() if self.note and self.note[0] == key else "")


@dataclass
class Case:
    """A rule-set example: its top file, the files it includes, and what follows it."""

    top: Block
    files: dict[str, str] = field(default_factory=dict)  # included files, relative to the top
    after: list[Block] = field(default_factory=list)  # json and text blocks


def read_doc() -> tuple[list[Case], list[str]]:
    """The cases of the docs, and every problem with the convention found on the way."""
    cases: list[Case] = []
    files: dict[str, str] = {}
    problems = []
    text = DOC.read_text(encoding="utf-8")
    for match in FENCE.finditer(text):
        info, body, key, value = match.groups()
        line = text.count("\n", 0, match.start()) + 1
        block = Block(info.strip(), body, line, (key, value) if key else None)
        kind = " ".join(block.info.split()[:2])
        if block.info.startswith("rules file="):
            files[block.info.removeprefix("rules file=").strip()] = body
        elif kind in RULE_KINDS:
            cases.append(Case(block, files))
            files = {}
        elif block.info in ("json", "text") and cases and not files:
            cases[-1].after.append(block)
        else:
            problems.append(f"line {line}: a block '{block.info}' is not part of any example")
            continue
        wanted = {"json": "expect", "text": "command"}.get(block.info)
        if wanted and (block.note is None or block.note[0] != wanted):
            problems.append(f"line {line}: a {block.info} block needs <!-- {wanted}: ... -->")
        if block.info == "json" and cases[-1].top.info.startswith("rules error"):
            problems.append(f"line {line}: evidence needs a rule set that loads")
        if kind in RULE_KINDS[1:] and not block.fragment(kind.split()[1]):
            problems.append(f"line {line}: a '{kind}' block needs the message fragment")
    if files:
        problems.append("the docs end with included files that no example includes")
    return cases, problems


CASES, PROBLEMS = read_doc()


def test_every_block_follows_the_convention() -> None:
    assert CASES, f"no examples found in {DOC}"
    assert PROBLEMS == []


def write_case(case: Case, folder: Path) -> Path:
    """The rule files in folder/rules/ and a copy of schemas/ beside it (for ../schemas/...)."""
    shutil.copytree(ROOT / "schemas", folder / "schemas")
    rules = folder / "rules"
    for name, text in case.files.items():
        (rules / name).parent.mkdir(parents=True, exist_ok=True)
        (rules / name).write_text(text, encoding="utf-8")
    top = case.top.text if STARTS_WITH_RULESET.match(case.top.text) else HEADER + case.top.text
    rules.mkdir(exist_ok=True)
    (rules / TOP).write_text(top, encoding="utf-8")
    return rules / TOP


def load(case: Case, path: Path) -> modenhet.RuleSet | None:
    """Load the example as its kind says: no findings, a warning first, or an error first."""
    kind = " ".join(case.top.info.split()[:2])
    if kind == "rules error":
        with pytest.raises(modenhet.RuleError) as caught:
            modenhet.load_ruleset(path)
        first = caught.value.errors[0].message
        assert case.top.fragment("error") in first, first
        return None
    try:
        ruleset = modenhet.load_ruleset(path)
    except modenhet.RuleError as error:
        pytest.fail(f"the example does not load:\n{error}")
    warnings = [w.message for w in ruleset.warnings]
    if kind == "rules warning":
        assert warnings and case.top.fragment("warning") in warnings[0], warnings
    else:
        assert warnings == []
    loaded = {source.path for source in ruleset.model.sources}
    for name in case.files:
        assert (path.parent / name).resolve() in loaded, f"{name} is never included"
    return ruleset


def check_expectations(result: modenhet.Evaluation, expect: str) -> None:
    """`overall=N`, `FACTOR=LEVEL`, `CRITERION=STATUS` (or `FACTOR.CRITERION=STATUS`),
    `missing:CRITERION=p1,p2`, `gap:FACTOR=c1,c2` and `factors=f1,f2` (rule-file order).
    Every factor level, every criterion status and the missing paths of every unknown
    criterion must be stated, so no result goes unchecked."""
    factors = result.factors
    criteria = {f"{f.id}.{c.id}": c for f in factors.values() for c in f.criteria}
    short = {}
    for name, criterion in criteria.items():
        short[criterion.id] = None if criterion.id in short else name
    stated = set()
    for token in expect.split():
        key, _, value = token.partition("=")
        what, _, name = key.rpartition(":")
        listed = value.split(",") if value else []
        if key in ("overall", "factors"):
            got = result.overall if key == "overall" else ",".join(factors)
            assert str(got) == value, key
        elif what == "gap":
            assert [c.id for c in factors[name].gap] == listed, key
        elif not what and name in factors:
            assert factors[name].level == int(value), f"level of {name}"
        else:
            name = short.get(name) or name
            assert name in criteria, f"no single criterion named {key!r}"
            got = criteria[name].missing if what == "missing" else criteria[name].status
            assert got == (listed if what == "missing" else value), key
            key = f"{what}:{name}" if what else name
        stated.add(key)
    unknown = {f"missing:{n}" for n, c in criteria.items() if c.status == "unknown"}
    unstated = ({"overall", *factors, *criteria} | unknown) - stated
    assert not unstated, f"the expect comment does not state {sorted(unstated)}"


def run_command(command: str, cwd: Path) -> str:
    """Run `modenhet ...` as a user would (in the rule file's folder): stderr, then stdout."""
    words = shlex.split(command)
    assert words[0] == "modenhet", command
    package = Path(modenhet.__file__).parent.parent  # the same modenhet as this test's
    env = {**os.environ, "PYTHONPATH": str(package), "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", *words[1:]],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stderr + done.stdout


def update_shown(line: int, shown: str, output: str) -> None:
    """Under --update-goldens: put the real output in place of the shown one (review the diff)."""
    text = DOC.read_text("utf-8")
    start = sum(len(row) for row in text.splitlines(keepends=True)[: line - 1])
    at = text.index(shown.rstrip("\n"), start)
    DOC.write_text(
        text[:at] + output.rstrip("\n") + text[at + len(shown.rstrip("\n")) :], encoding="utf-8"
    )


@pytest.mark.parametrize("case", CASES, ids=lambda case: f"line{case.top.line}")
def test_example(case: Case, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    path = write_case(case, tmp_path)
    ruleset = load(case, path)
    for block in case.after:
        assert block.note is not None
        if block.info == "json":
            assert ruleset is not None
            (path.parent / EVIDENCE).write_text(block.text, encoding="utf-8")
            doc = json.loads(block.text)
            assert ruleset.validate(doc) == [], "the evidence does not follow the schema"
            check_expectations(ruleset.evaluate(doc, as_of=AS_OF), block.note[1])
        else:
            command = block.note[1].strip()
            shown = block.text
            if shown.startswith("$ "):  # the command line as the reader types it
                first, _, shown = shown.partition("\n")
                assert first == f"$ {command}", f"line {block.line}: the command differs"
            output = run_command(command, path.parent)
            if request.config.getoption("--update-goldens") and output.rstrip() != shown.rstrip():
                update_shown(block.line, shown, output)
                continue
            assert output.rstrip("\n") == shown.rstrip("\n"), f"output at line {block.line}"
