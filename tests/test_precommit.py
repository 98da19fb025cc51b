"""The pre-commit hooks in .pre-commit-hooks.yaml run commands that exist, with arguments the
commands accept, on the files they are meant for.

pre-commit runs a hook as `entry` split like a shell line, then `args`, then (unless
`pass_filenames: false`) the staged files that match `files` and `types`; the tests build the
same command line.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from conftest import HEADER, ROOT

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
RULE_HOOKS = ("modenhet-check", "modenhet-fmt")


def load_yaml(text: str) -> Any:
    try:
        import yaml
    except ImportError:  # ruamel.yaml comes with check-jsonschema, one of the test extras
        ruamel = pytest.importorskip("ruamel.yaml")
        return ruamel.YAML(typ="safe", pure=True).load(text)
    return yaml.safe_load(text)


def hooks() -> dict[str, dict[str, Any]]:
    listed = load_yaml(HOOKS_FILE.read_text(encoding="utf-8"))
    assert isinstance(listed, list)
    return {hook["id"]: hook for hook in listed}


def command_line(hook: dict[str, Any], filenames: list[str]) -> list[str]:
    """The command pre-commit runs, with the modenhet of this interpreter."""
    program, *rest = shlex.split(hook["entry"])
    assert program == "modenhet"
    passed = filenames if hook.get("pass_filenames", True) else []
    return [sys.executable, "-m", "modenhet", *rest, *hook.get("args", []), *passed]


def click_command(name: str) -> click.Command:
    from modenhet.cli import main

    command = main.get_command(click.Context(main), name)
    if command is None:
        pytest.skip(f"`modenhet {name}` is not written yet")
    return command


def test_the_hooks_and_their_fields() -> None:
    found = hooks()
    assert list(found) == ["modenhet-check", "modenhet-fmt", "modenhet-test"]
    for id_, hook in found.items():
        assert hook["language"] == "python", id_  # pre-commit installs modenhet itself
        assert hook["name"] and hook["description"], id_
        assert set(hook) <= {
            "id",
            "name",
            "description",
            "entry",
            "args",
            "language",
            "files",
            "types",
            "pass_filenames",
        }, id_
    assert found["modenhet-check"]["entry"] == "modenhet check"
    assert [*shlex.split(found["modenhet-fmt"]["entry"]), *found["modenhet-fmt"]["args"]] == [
        "modenhet",
        "fmt",
        "--check",
    ]
    # Without a path, `modenhet test` would run the default rule set's tests, not the repository's.
    assert found["modenhet-test"]["entry"] == "modenhet test"
    assert found["modenhet-test"]["args"] == ["."]
    assert found["modenhet-test"]["pass_filenames"] is False


@pytest.mark.parametrize("id_", RULE_HOOKS)
def test_the_rule_hooks_see_rule_files_only(id_: str) -> None:
    hook = hooks()[id_]
    assert hook.get("pass_filenames", True)
    assert hook["types"] == ["text"]
    files = re.compile(hook["files"])  # pre-commit matches with re.search
    for path in ("rules/bustadsosialt.rules", "bustadsosialt.rules", "a/b/økonomi.rules"):
        assert files.search(path), path
    for path in ("rules/x.rules.bak", "samples/x.json", "rules.md", "pyproject.toml"):
        assert not files.search(path), path


def test_the_test_hook_runs_when_rules_or_cases_change() -> None:
    files = re.compile(hooks()["modenhet-test"]["files"])
    for path in ("rules/a.rules", "rules/a.test.yaml", "cases/b.test.yml", "evidence/c.json"):
        assert files.search(path), path
    assert not files.search("README.md")


@pytest.mark.parametrize("id_", ["modenhet-check", "modenhet-fmt", "modenhet-test"])
def test_each_command_accepts_what_its_hook_passes(id_: str) -> None:
    """Click parses the hook's command line without a usage error (exit 2 under pre-commit)."""
    hook = hooks()[id_]
    _, _, _, name, *rest = command_line(hook, ["rules/a.rules", "rules/b.rules"])
    command = click_command(name)
    with command.make_context(f"modenhet {name}", rest) as context:
        if hook.get("pass_filenames", True):
            # The files arrive as the command's RULES, not as an option's value.
            assert ("rules/a.rules", "rules/b.rules") in [
                tuple(v) for v in context.params.values() if isinstance(v, tuple | list)
            ]
    if id_ == "modenhet-fmt":
        assert context.params.get("check") is True
    if id_ == "modenhet-test":
        assert context.params.get("paths") == (".",)


def run(hook: dict[str, Any], filenames: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The hook's command, its messages in English (MODENHET_LANG), as these tests read them."""
    return subprocess.run(
        command_line(hook, filenames),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "MODENHET_LANG": "en"},
    )


def test_the_check_hook_passes_good_files_and_fails_a_bad_one(tmp_path: Path) -> None:
    """The real CLI, as pre-commit runs it: relative paths, from the repository's root."""
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bustadsosialt.rules").write_text(
        (ROOT / "rules" / "bustadsosialt.rules").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "schemas").symlink_to(ROOT / "schemas")
    (tmp_path / "rules" / "lite.rules").write_text(HEADER, encoding="utf-8")
    hook = hooks()["modenhet-check"]

    good = run(hook, ["rules/bustadsosialt.rules", "rules/lite.rules"], tmp_path)
    assert good.returncode == 0, good.stderr
    assert "rules/bustadsosialt.rules: ok" in good.stdout
    assert "rules/lite.rules: ok" in good.stdout

    (tmp_path / "rules" / "feil.rules").write_text(
        HEADER + "let x = cout(evidence.economy.instruments_used)\n", encoding="utf-8"
    )
    bad = run(hook, ["rules/lite.rules", "rules/feil.rules"], tmp_path)
    assert bad.returncode == 1, bad.stderr
    assert "rules/feil.rules:9:9: error: unknown function 'cout'" in bad.stderr


def test_the_fmt_hook_accepts_its_arguments(tmp_path: Path) -> None:
    """`--check` changes nothing: exit 0 or 1, never the usage error 2."""
    click_command("fmt")
    path = tmp_path / "lite.rules"
    path.write_text(HEADER, encoding="utf-8")
    result = run(hooks()["modenhet-fmt"], ["lite.rules"], tmp_path)
    assert result.returncode in (0, 1), result.stderr
    assert path.read_text(encoding="utf-8") == HEADER


def test_the_test_hook_runs_the_repositorys_tests(tmp_path: Path) -> None:
    click_command("test")
    if not (ROOT / "rules" / "bustadsosialt.test.yaml").exists():
        pytest.skip("the default rule set has no tests yet")
    (tmp_path / "rules").mkdir()
    for name in ("bustadsosialt.rules", "bustadsosialt.test.yaml"):
        text = (ROOT / "rules" / name).read_text(encoding="utf-8")
        (tmp_path / "rules" / name).write_text(text, encoding="utf-8")
    (tmp_path / "schemas").symlink_to(ROOT / "schemas")
    result = run(hooks()["modenhet-test"], [], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "rules/bustadsosialt.test.yaml" in result.stdout

    (tmp_path / "rules" / "bustadsosialt.test.yaml").unlink()
    assert run(hooks()["modenhet-test"], [], tmp_path).returncode == 1  # no tests: a problem
