"""The grammar cache: used when good, ignored when stale, damaged, foreign or unwritable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lark import Lark

from modenhet.language import parsercache
from modenhet.language.parser import _PARSER_OPTIONS, lark_parser

GRAMMAR = (Path(parsercache.__file__).parent / "grammar.lark").read_text(encoding="utf-8")
SAMPLE_RULE = 'ruleset "Prøve"\nlevels { 1 "Lågt" }\nfactor f "Fæ" { level 1 { } }\n'


@pytest.fixture
def cache(cache_folder: Path) -> Path:
    return cache_folder


class Builds:
    """Counts how often the grammar analysis really runs."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> Lark:
        self.count += 1
        return Lark(GRAMMAR, **_PARSER_OPTIONS)


def test_the_second_run_loads_what_the_first_saved(cache: Path) -> None:
    builds = Builds()
    first = parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    second = parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    assert builds.count == 1
    assert [p.name for p in cache.iterdir()] == [
        f"grammar-{parsercache.cache_key(GRAMMAR, _PARSER_OPTIONS)}.lark"
    ]
    assert first.parse(SAMPLE_RULE) == second.parse(SAMPLE_RULE)
    tree = second.parse(SAMPLE_RULE)
    assert tree.meta.line == 1  # positions survive the round trip


def test_a_loaded_parser_builds_the_same_rule_set(cache: Path) -> None:
    parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, Builds())
    script = (
        "import modenhet, json; from modenhet.language import parsercache, parser;"
        "import lark; lark.Lark.__init__ = None;"  # building anew would now crash
        "rs = modenhet.load_ruleset('rules/bustadsosialt.rules');"
        "print(len(rs.factors))"
    )
    checkout = Path(__file__).parent.parent
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=checkout, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "6"


def test_any_change_to_what_the_tables_depend_on_changes_the_name() -> None:
    key = parsercache.cache_key(GRAMMAR, _PARSER_OPTIONS)
    assert parsercache.cache_key(GRAMMAR + "\n", _PARSER_OPTIONS) != key
    assert parsercache.cache_key(GRAMMAR, {**_PARSER_OPTIONS, "lexer": "basic"}) != key


def test_a_damaged_file_is_built_anew_and_replaced(cache: Path) -> None:
    builds = Builds()
    parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    (saved,) = cache.iterdir()
    saved.write_bytes(saved.read_bytes()[:100])
    parser = parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    assert builds.count == 2
    assert parser.parse(SAMPLE_RULE)
    assert parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds) and builds.count == 2


def test_a_file_someone_else_owns_is_not_loaded(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = Builds()
    parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(cache).st_uid + 1)
    parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    assert builds.count == 2


def test_an_unwritable_cache_costs_time_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(parsercache.CACHE_DIR_VARIABLE, str(blocker / "modenhet"))
    builds = Builds()
    assert parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds).parse(SAMPLE_RULE)
    assert builds.count == 1


def test_no_cache_writes_nothing(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parsercache.NO_CACHE_VARIABLE, "1")
    builds = Builds()
    parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    parsercache.cached_lark(GRAMMAR, _PARSER_OPTIONS, builds)
    assert builds.count == 2
    assert not cache.exists()


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(parsercache.CACHE_DIR_VARIABLE, raising=False)
    monkeypatch.delenv(parsercache.NO_CACHE_VARIABLE, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert parsercache.cache_dir() == tmp_path / "modenhet"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec says: ignore it
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert parsercache.cache_dir() == tmp_path / "home" / ".cache" / "modenhet"


def test_the_shipped_parser_goes_through_the_cache(cache: Path) -> None:
    lark_parser.cache_clear()
    try:
        lark_parser()
    finally:
        lark_parser.cache_clear()
    assert len(list(cache.glob("grammar-*.lark"))) == 1
