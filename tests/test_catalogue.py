"""The catalogue of check's diagnostics: every code documented with a wrong example that
produces it and a right example that does not, the page current, and no code left out."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from modenhet.catalogue import CATALOGUE, Entry, markdown
from modenhet.check.checker import check
from modenhet.errors import Diagnostic
from modenhet.language.loader import load_rule_files
from modenhet.limits import Limits

from conftest import HEADER, ROOT


def write_example(text: str, folder: Path) -> Path:
    """The example's files under folder/rules/ (the first is the top file), schemas beside."""
    if not (folder / "schemas").exists():
        shutil.copytree(ROOT / "schemas", folder / "schemas")
    parts = re.split(r"^--- (\S+)\n", text, flags=re.M)
    files = {"test.rules": parts[0], **dict(zip(parts[1::2], parts[2::2], strict=True))}
    for name, body in files.items():
        path = folder / "rules" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        top = name == "test.rules" and not body.lstrip().startswith(("ruleset", "levels"))
        path.write_text((HEADER + body) if top else body, encoding="utf-8")
    return folder / "rules" / "test.rules"


def findings(text: str, folder: Path, limits: Limits | None = None) -> list[Diagnostic]:
    _, diagnostics = check(load_rule_files(write_example(text, folder), limits))
    return diagnostics


def limits_for(item: Entry) -> Limits | None:
    """The limits that catalogue examples of a limit are written for (a factor with 65 level
    blocks would not make a readable example)."""
    return {"M305": Limits(rule_files=3), "M218": Limits(level_blocks=2)}.get(item.code)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_the_wrong_example_gives_the_code(code: str, tmp_path: Path) -> None:
    item = CATALOGUE[code]
    found = findings(item.wrong, tmp_path, limits_for(item))
    assert code in [d.code for d in found], [f"{d.code} {d.message}" for d in found]
    assert all(d.severity == item.severity for d in found if d.code == code)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_the_right_example_is_clean(code: str, tmp_path: Path) -> None:
    item = CATALOGUE[code]
    found = findings(item.right, tmp_path, limits_for(item))
    assert [f"{d.code} {d.message}" for d in found if d.severity == "error" or d.code == code] == []


def test_docs_errors_md_is_current() -> None:
    assert (ROOT / "docs" / "errors.md").read_text("utf-8") == markdown(), (
        "run: python -m modenhet.catalogue > docs/errors.md"
    )


def test_every_code_in_the_source_is_catalogued_and_every_catalogued_code_is_used() -> None:
    used: set[str] = set()
    for path in (ROOT / "src" / "modenhet").rglob("*.py"):
        if path.name != "catalogue.py":
            used |= set(re.findall(r'"(M\d{3})"', path.read_text("utf-8")))
    assert used == set(CATALOGUE)


def test_every_diagnostic_has_a_catalogued_code(tmp_path: Path) -> None:
    for index, item in enumerate(CATALOGUE.values()):
        for text in (item.wrong, item.right):
            folder = tmp_path / f"{index}-{len(text)}"
            for diagnostic in findings(text, folder, limits_for(item)):
                assert diagnostic.code in CATALOGUE, diagnostic.message


def test_a_rule_set_with_a_mistake_of_every_kind_gives_every_code_once(tmp_path: Path) -> None:
    """tests/all_codes/rules/test.rules and the files it includes hold one mistake of each kind
    (a syntax error ends a file's parse, so each of those has a file of its own; the limit on
    files is lowered to 10 so that the last include passes it, and the one on level blocks
    to 4 so that factor f, with five, passes it). Two kinds cannot stand beside
    the others: a rule set without levels has no levels to check blocks against, and a schema
    that cannot be read has no paths to check — tests/all_codes/no-levels.rules holds those."""
    shutil.copytree(ROOT / "tests" / "all_codes", tmp_path / "all_codes")
    shutil.copytree(ROOT / "schemas", tmp_path / "all_codes" / "schemas")
    top = tmp_path / "all_codes" / "rules" / "test.rules"
    _, main = check(load_rule_files(top, Limits(rule_files=10, level_blocks=4)))
    _, rest = check(load_rule_files(tmp_path / "all_codes" / "no-levels.rules"))
    codes = sorted(d.code for d in main + rest)
    assert codes == sorted(CATALOGUE)
    assert sorted(d.code for d in rest) == ["M205", "M208"]


def test_sarif_output(tmp_path: Path) -> None:
    """`check --format sarif` on the rule set with every kind of mistake: SARIF 2.1.0 that the
    sarif-pydantic model of the standard accepts, a rule per code, a result per finding."""
    import json

    from click.testing import CliRunner
    from sarif_pydantic import Sarif

    from modenhet.cli import main

    shutil.copytree(ROOT / "tests" / "all_codes", tmp_path / "all_codes")
    shutil.copytree(ROOT / "schemas", tmp_path / "all_codes" / "schemas")
    top = tmp_path / "all_codes" / "rules" / "test.rules"
    result = CliRunner(
        env={"MODENHET_MAX_RULE_FILES": "10", "MODENHET_MAX_LEVEL_BLOCKS": "4"}
    ).invoke(main, ["check", str(top), "--format", "sarif"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    log = Sarif.model_validate(data)
    assert log.version == "2.1.0"
    (run,) = data["runs"]
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == list(CATALOGUE)
    codes = sorted(r["ruleId"] for r in run["results"])
    assert codes == sorted(set(CATALOGUE) - {"M205", "M208"})
    first = run["results"][0]
    assert first["level"] in ("error", "warning")
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1
    assert run["columnKind"] == "unicodeCodePoints"


def test_json_output(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from modenhet.cli import main

    path = write_example(CATALOGUE["M401"].wrong, tmp_path)
    result = CliRunner().invoke(main, ["check", str(path), "--format", "json"])
    assert result.exit_code == 1
    (finding,) = json.loads(result.stdout)
    assert finding["code"] == "M401" and finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (12, 12)
