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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-goldens",
        action="store_true",
        help="Rewrite tests/goldens/ from the current output (review the diff before committing).",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/goldens/NAME, or rewrite it under --update-goldens."""

    def compare(name: str, text: str) -> None:
        path = ROOT / "tests" / "goldens" / name
        if request.config.getoption("--update-goldens"):
            path.parent.mkdir(exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
            return
        assert path.exists(), f"no golden file {name}: run pytest --update-goldens and review it"
        assert text == path.read_bytes().decode("utf-8")

    return compare


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


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh folder for modenhet's caches (grammar tables, checked rule sets), turned on."""
    from modenhet.language import parsercache

    folder = tmp_path / "cache"
    monkeypatch.setenv(parsercache.CACHE_DIR_VARIABLE, str(folder))
    monkeypatch.delenv(parsercache.NO_CACHE_VARIABLE, raising=False)
    return folder
