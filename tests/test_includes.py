"""Includes (spec section 3) and the rule set's SHA-256 (spec section 8)."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import pytest

import modenhet

from conftest import HEADER


def factor(fid: str) -> str:
    return f'factor {fid} "{fid.title()}" {{ level 2 {{ criterion c "C" when {fid}_ok }} }}\n'


@pytest.fixture
def tree(write_rules: Callable[..., Path]) -> Path:
    """top includes a.rules and sub/b.rules; b includes a again (loaded once) and c."""
    top = write_rules(
        HEADER + factor("top") + 'include "a.rules"\ninclude "sub/b.rules"\n' + factor("last"),
        "rules/top.rules",
    )
    write_rules("let a_ok = x.a\n" + factor("a"), "rules/a.rules")
    write_rules('include "../a.rules"\ninclude "c.rules"\n' + factor("b"), "rules/sub/b.rules")
    write_rules(factor("c"), "rules/sub/c.rules")
    return top


def test_factors_take_the_place_of_their_first_include(tree: Path) -> None:
    ruleset = modenhet.load_ruleset(tree)
    assert [f.id for f in ruleset.factors] == ["top", "a", "c", "b", "last"]


def test_lets_are_visible_across_files(tree: Path) -> None:
    ruleset = modenhet.load_ruleset(tree)
    doc = {"top_ok": True, "x": {"a": True}, "b_ok": True, "c_ok": True, "last_ok": True}
    result = ruleset.evaluate(doc)
    assert {f.id: f.level for f in result.factors.values()} == {
        "top": 2,
        "a": 2,
        "c": 2,
        "b": 2,
        "last": 2,
    }


def test_sha256_over_every_file_in_load_order(tree: Path) -> None:
    root = tree.parent
    digest = hashlib.sha256()
    for relative in ("top.rules", "a.rules", "sub/b.rules", "sub/c.rules"):  # first opened
        digest.update(relative.encode() + b"\0" + (root / relative).read_bytes() + b"\0")
    assert modenhet.load_ruleset(tree).sha256 == digest.hexdigest()


def test_sha256_changes_with_an_included_file(tree: Path) -> None:
    before = modenhet.load_ruleset(tree).sha256
    (tree.parent / "sub" / "c.rules").write_text(factor("c") + "# endra\n", encoding="utf-8")
    assert modenhet.load_ruleset(tree).sha256 != before


def load_errors(path: Path) -> list[str]:
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    return [f"{d.file}:{d.line}:{d.column}: {d.message}" for d in caught.value.errors]


def test_include_cycle(write_rules: Callable[..., Path]) -> None:
    top = write_rules(HEADER + 'include "a.rules"\n', "r/top.rules")
    write_rules('include "b.rules"\n', "r/a.rules")
    write_rules('include "a.rules"\n', "r/b.rules")
    (message,) = load_errors(top)
    assert message.endswith("b.rules:1:9: include cycle: a.rules -> b.rules -> a.rules")


def test_a_file_including_the_top_file_is_a_cycle(write_rules: Callable[..., Path]) -> None:
    top = write_rules(HEADER + 'include "a.rules"\n', "r/top.rules")
    write_rules('include "top.rules"\n', "r/a.rules")
    (message,) = load_errors(top)
    assert "include cycle: top.rules -> a.rules -> top.rules" in message


def test_include_leaving_the_directory(write_rules: Callable[..., Path]) -> None:
    top = write_rules(HEADER + 'include "../outside.rules"\n', "r/top.rules")
    write_rules(factor("outside"), "outside.rules")
    (message,) = load_errors(top)
    assert "leaves the rule set's directory" in message


def test_absolute_include(write_rules: Callable[..., Path], tmp_path: Path) -> None:
    target = write_rules(factor("abs"), "r/abs.rules")
    top = write_rules(HEADER + f'include "{target}"\n', "r/top.rules")
    (message,) = load_errors(top)
    assert "is absolute" in message


def test_symlink_out_of_the_directory(write_rules: Callable[..., Path]) -> None:
    outside = write_rules(factor("outside"), "outside.rules")
    top = write_rules(HEADER + 'include "link.rules"\n', "r/top.rules")
    os.symlink(outside, top.parent / "link.rules")
    (message,) = load_errors(top)
    assert "leaves the rule set's directory" in message


def test_symlinked_top_file_resolves_includes_from_its_real_folder(
    write_rules: Callable[..., Path], tmp_path: Path
) -> None:
    top = write_rules(HEADER + 'include "a.rules"\n', "real/top.rules")
    write_rules(factor("a"), "real/a.rules")
    link = tmp_path / "elsewhere.rules"
    os.symlink(top, link)
    assert [f.id for f in modenhet.load_ruleset(link).factors] == ["a"]


def test_missing_include(write_rules: Callable[..., Path]) -> None:
    top = write_rules(HEADER + 'include "nowhere.rules"\n', "r/top.rules")
    (message,) = load_errors(top)
    assert ":9:9: cannot read included file 'nowhere.rules': no such file" in message


def test_included_file_may_hold_only_let_factor_include(write_rules: Callable[..., Path]) -> None:
    top = write_rules(HEADER + 'include "a.rules"\n', "r/top.rules")
    write_rules("overall mean\n" + factor("a"), "r/a.rules")
    (message,) = load_errors(top)
    assert "a.rules:1:1: 'overall' may stand only in the top rule file" in message


def test_duplicate_factor_across_files(write_rules: Callable[..., Path]) -> None:
    top = write_rules(HEADER + factor("a") + 'include "a.rules"\n', "r/top.rules")
    write_rules(factor("a"), "r/a.rules")
    (message,) = load_errors(top)
    assert "a.rules:1:8: factor 'a' is defined twice" in message


def test_included_file_with_syntax_error_is_reported_with_its_own_name(
    write_rules: Callable[..., Path],
) -> None:
    top = write_rules(HEADER + 'include "a.rules"\n', "r/top.rules")
    write_rules('factor a "A" {\n', "r/a.rules")
    (message,) = load_errors(top)
    assert message.startswith(str(top.parent / "a.rules") + ":1:14: this '{' is never closed")
