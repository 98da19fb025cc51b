"""docs/auditing.md shows real commands with their real output: run them again here, in a
folder holding copies of samples/, rules/ and schemas/, and compare."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import modenhet

from conftest import ROOT

DOC = ROOT / "docs" / "auditing.md"
BLOCK = re.compile(r"```text\n\$ (modenhet [^\n]*)\n(.*?)```", re.S)


def run(command: str, cwd: Path) -> str:
    package = Path(modenhet.__file__).parent.parent  # the same modenhet as this test's
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", *shlex.split(command)[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(package), "NO_COLOR": "1"},
    )
    return done.stderr + done.stdout


def test_every_command_shows_its_real_output(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    for folder in ("samples", "rules", "schemas"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    text = DOC.read_text("utf-8")
    blocks = BLOCK.findall(text)
    assert len(blocks) >= 8
    for command, shown in blocks:  # in order: later commands read what earlier ones wrote
        output = run(command, tmp_path)
        if request.config.getoption("--update-goldens"):
            text = text.replace(f"$ {command}\n{shown}", f"$ {command}\n{output}", 1)
            continue
        assert output == shown, command
    if request.config.getoption("--update-goldens"):
        DOC.write_text(text, encoding="utf-8")
