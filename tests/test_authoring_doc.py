"""docs/authoring.md takes a policy expert from an empty file to a tested rule set: follow it
from top to bottom in a temporary folder — write the files it writes, run the commands it runs
— and compare every command's output with the page.

The convention is explained in the HTML comment at the top of docs/authoring.md.
`pytest tests/test_authoring_doc.py --update-goldens` rewrites the outputs from what the
commands print now; review the diff before committing.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

import modenhet

from conftest import ROOT

DOC = ROOT / "docs" / "authoring.md"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.M | re.S)
FILE_KINDS = ("rules", "yaml")
ATTRIBUTE = re.compile(r"(\w+)(?:=(\S+))?")


@dataclass
class Block:
    info: str
    body: str
    line: int  # of the opening fence in the page
    start: int  # offsets of the body in the page text
    end: int


def blocks(text: str) -> list[Block]:
    found = []
    for match in FENCE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        found.append(Block(match[1].strip(), match[2], line, match.start(2), match.end(2)))
    return found


def write_file(folder: Path, block: Block) -> None:
    """A `rules file=PATH` or `yaml file=PATH` block: the whole file, lines of it (`line=N`,
    `lines=N-M`, after `from=OTHER` has copied another file), or its end (`append`)."""
    kind, _, rest = block.info.partition(" ")
    attributes = dict(ATTRIBUTE.findall(rest))
    where = f"docs/authoring.md:{block.line}"
    assert kind in FILE_KINDS and "file" in attributes, f"{where}: name the file: file=PATH"
    unknown = set(attributes) - {"file", "from", "line", "lines", "append"}
    assert not unknown, f"{where}: unknown attributes {sorted(unknown)}"
    path = folder / attributes["file"]
    if "from" in attributes:
        shutil.copyfile(folder / attributes["from"], path)
    span = attributes.get("line") or attributes.get("lines")
    if span:
        first, _, last = span.partition("-")
        start, stop = int(first), int(last or first)
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        assert 1 <= start <= stop <= len(lines), f"{where}: {path.name} has {len(lines)} lines"
        replaced = "".join(lines[start - 1 : stop])
        assert replaced != block.body, f"{where}: the block is what the lines say already"
        lines[start - 1 : stop] = [block.body]
        path.write_text("".join(lines), encoding="utf-8")
    elif "append" in attributes:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(block.body)
    else:
        assert "from" not in attributes, f"{where}: from= goes with line= or lines="
        path.write_text(block.body, encoding="utf-8")


def run(command: str, cwd: Path) -> str:
    package = Path(modenhet.__file__).parent.parent  # the same modenhet as this test's
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", *shlex.split(command)[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(package), "NO_COLOR": "1"},
    )
    return done.stderr + done.stdout


def test_the_tutorial_runs_as_written(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    for folder in ("samples", "schemas"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    update = request.config.getoption("--update-goldens")
    text = DOC.read_text(encoding="utf-8")
    pieces: list[str] = []
    done = 0  # how much of the page is in pieces
    commands: list[str] = []
    for block in blocks(text):
        if block.info.split(" ", 1)[0] in FILE_KINDS:
            write_file(tmp_path, block)
            continue
        where = f"docs/authoring.md:{block.line}"
        assert block.info == "text", f"{where}: a ```{block.info} block is not run by the test"
        first, _, shown = block.body.partition("\n")
        assert first.startswith("$ modenhet "), f"{where}: a text block starts `$ modenhet ...`"
        command = first[2:]
        commands.append(command)
        output = run(command, tmp_path)
        if update:
            offset = block.start + len(first) + 1
            pieces += [text[done:offset], output]
            done = block.end
        else:
            assert output == shown, f"{where}: {command}"
    if update:
        DOC.write_text("".join([*pieces, text[done:]]), encoding="utf-8")
    used = {shlex.split(command)[1] for command in commands}
    assert {"check", "evaluate", "explain", "test", "fmt", "impact"} <= used


def test_the_convention_is_explained_at_the_top() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.startswith("<!--")
    comment = text[: text.index("-->")]
    assert "tests/test_authoring_doc.py" in comment and "--update-goldens" in comment
    for word in ("file=", "from=", "line=", "lines=", "append", "$ modenhet"):
        assert word in comment, word


def test_the_impact_example_in_cli_md_is_the_tutorials() -> None:
    """docs/cli.md shows the tutorial's `modenhet impact` run; this keeps the copy true."""
    command = "$ modenhet impact participation.rules participation-next.rules samples/"
    tutorial = [b.body for b in blocks(DOC.read_text(encoding="utf-8")) if command in b.body]
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    copies = [b.body for b in blocks(reference) if command in b.body]
    assert len(tutorial) == 1 and copies == tutorial
