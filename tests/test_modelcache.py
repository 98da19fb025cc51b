"""The checked rule set kept between runs: used only while every file it was read from is
unchanged, never for a rule set with errors, and never a reason for a run to fail."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from modenhet.engine import modelcache, ruleset
from modenhet.errors import RuleError
from modenhet.language import parsercache
from modenhet.limits import process_limits

from conftest import AS_OF, ROOT, SAMPLES

HEADER = (
    'ruleset "Prøve" version "1"\nschema "evidence.schema.json"\n'
    'levels {\n  1 "Lågt"\n  2 "Middels"\n  3 "Høgt"\n}\n'
)
BODY = 'factor f "Faktor" {\n  level 2 {\n    criterion c "Kriterium" when %s\n  }\n}\n'


@pytest.fixture
def cache(cache_folder: Path) -> Path:
    return cache_folder


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    """A rule file that includes another, with the evidence schema beside them."""
    shutil.copy(ROOT / "schemas" / "evidence.schema.json", tmp_path / "evidence.schema.json")
    (tmp_path / "part.rules").write_text(
        BODY % "evidence.economy.housing_social_fte > 1", encoding="utf-8"
    )
    top = tmp_path / "top.rules"
    top.write_text(HEADER + 'include "part.rules"\n', encoding="utf-8")
    return top


def loads_from_cache(path: Path, monkeypatch: pytest.MonkeyPatch) -> bool:
    """Whether `load_ruleset` answers without reading the rule files (the cache's answer)."""
    calls: list[str] = []
    real = ruleset.load_rule_files

    def counted(where: object) -> object:
        calls.append(str(where))
        return real(where)  # type: ignore[arg-type]

    monkeypatch.setattr(ruleset, "load_rule_files", counted)
    ruleset.load_ruleset(path)
    monkeypatch.setattr(ruleset, "load_rule_files", real)
    return not calls


def test_the_second_load_comes_from_the_cache_and_evaluates_the_same(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = ROOT / "rules" / "bustadsosialt.rules"
    first = ruleset.load_ruleset(default)
    assert [p.name for p in cache.glob("ruleset-*.pickle")] != []
    assert loads_from_cache(default, monkeypatch)
    second = ruleset.load_ruleset(default)
    assert second.generated_source == first.generated_source
    for sample in sorted(SAMPLES.glob("*.json")):
        document = json.loads(sample.read_text(encoding="utf-8"))
        again, before = second.evaluate(document, AS_OF), first.evaluate(document, AS_OF)
        assert again.to_dict() == before.to_dict()


def test_an_edited_include_or_schema_is_checked_again(
    cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset.load_ruleset(rules)
    assert loads_from_cache(rules, monkeypatch)
    part = rules.parent / "part.rules"
    part.write_text(BODY % "evidence.economy.housing_social_fte > 2", encoding="utf-8")
    assert not loads_from_cache(rules, monkeypatch)  # the include changed
    assert loads_from_cache(rules, monkeypatch)  # and is kept again
    schema = rules.parent / "evidence.schema.json"
    schema.write_text(schema.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert not loads_from_cache(rules, monkeypatch)


def test_an_include_that_now_fails_is_reported_not_hidden_by_the_cache(
    cache: Path, rules: Path
) -> None:
    ruleset.load_ruleset(rules)
    (rules.parent / "part.rules").write_text(BODY % "evidence.economy.nope > 1", encoding="utf-8")
    with pytest.raises(RuleError) as raised:
        ruleset.load_ruleset(rules)
    assert "nope" in str(raised.value)


def test_a_rule_set_with_errors_is_not_kept(cache: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.rules"
    broken.write_text('factor f "F" {\n  levl 2 { }\n}\n', encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError):
            ruleset.load_ruleset(broken)
    assert list(cache.glob("ruleset-*.pickle")) == []


def test_a_damaged_or_foreign_entry_is_checked_anew(
    cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset.load_ruleset(rules)
    (entry,) = cache.glob("ruleset-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert not loads_from_cache(rules, monkeypatch)
    assert loads_from_cache(rules, monkeypatch)  # replaced by a good one
    monkeypatch.setattr(os, "getuid", lambda: os.stat(entry).st_uid + 1)
    assert not loads_from_cache(rules, monkeypatch)  # someone else's file: pickle runs code


def test_other_limits_or_folder_give_another_entry(
    cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = modelcache._entry(rules)
    monkeypatch.setenv("MODENHET_MAX_RULE_FILES", "3")
    process_limits.cache_clear()  # the limits are read once a process
    try:
        assert modelcache._entry(rules) != first
    finally:
        monkeypatch.delenv("MODENHET_MAX_RULE_FILES")
        process_limits.cache_clear()
    assert modelcache._entry(rules) == first
    monkeypatch.chdir(tmp_path)
    assert modelcache._entry(rules) != first


def test_no_cache_and_special_files(
    cache: Path, rules: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(parsercache.NO_CACHE_VARIABLE, "1")
    ruleset.load_ruleset(rules)
    assert not cache.exists() or list(cache.glob("ruleset-*")) == []
    monkeypatch.delenv(parsercache.NO_CACHE_VARIABLE)
    fifo = tmp_path / "pipe.rules"
    os.mkfifo(fifo)
    assert modelcache._entry(fifo) is None  # never opened: the loader refuses it, located
