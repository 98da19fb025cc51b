"""Shared fixtures: rule files written to a temporary folder, the repository's folders."""

from __future__ import annotations

import datetime
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import modenhet

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
RULES = ROOT / "rules" / "bustadsosialt.rules"
AS_OF = datetime.date(2025, 6, 30)

HEADER = """\
ruleset "Test" version "1"
levels {
  1 "Ein"
  2 "To"
  3 "Tre"
  4 "Fire"
  5 "Fem"
}
"""


@pytest.fixture
def write_rules(tmp_path: Path) -> Callable[..., Path]:
    """Write a rule file (dedented) and return its path; `header=True` prepends HEADER."""

    def write(text: str, name: str = "test.rules", header: bool = False) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        body = textwrap.dedent(text)
        path.write_text((HEADER + body) if header else body, encoding="utf-8")
        return path

    return write


@pytest.fixture
def ruleset_from(write_rules: Callable[..., Path]) -> Callable[..., modenhet.RuleSet]:
    """Load a rule set from text; the text gets HEADER unless it starts with `ruleset`."""

    def load(text: str) -> modenhet.RuleSet:
        body = textwrap.dedent(text)
        return modenhet.load_ruleset(write_rules(body, header=not body.startswith("ruleset")))

    return load
