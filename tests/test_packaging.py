"""The default rule set and the schemas ship inside the package, as one copy of the
repository's top-level folders; the README's tour shows real output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modenhet.cli import main
from modenhet.resources import data_dir, default_rules_path, default_schema_path

from conftest import ROOT


@pytest.mark.parametrize("folder", ["rules", "schemas", "data"])
def test_packaged_data_is_the_repository_folder(folder: str) -> None:
    """Every file, subfolders too (rules/archive/ holds rule set 2025.1)."""
    packaged = data_dir(folder)

    def files(root: Path) -> list[str]:
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())

    mine = files(ROOT / folder)
    assert files(packaged) == mine
    for name in mine:
        assert (packaged / name).read_bytes() == (ROOT / folder / name).read_bytes(), name


def test_default_paths_exist() -> None:
    assert default_rules_path().is_file() and default_schema_path().is_file()


def test_evaluate_from_another_directory(tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "modenhet",
            "evaluate",
            str(ROOT / "samples"),
            "--as-of",
            "2025-06-30",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert "9 dokument: 9 evaluerte, 0 med feil" in completed.stdout  # nynorsk by default
    assert "Bergen (4601)" in completed.stdout


def readme_blocks() -> list[tuple[list[str], str]]:
    text = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```text\n\$ modenhet ((?:evaluate|explain) [^\n]*)\n(.*?)```", text, re.S)
    return [(command.split(), output) for command, output in blocks]


@pytest.mark.parametrize(("args", "expected"), readme_blocks())
def test_readme_tour_shows_real_output(
    args: list[str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, args)
    assert result.stdout == expected


def test_readme_python_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    text = (ROOT / "README.md").read_text("utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.S)
    assert code is not None
    namespace: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), namespace)  # noqa: S102
    res = namespace["res"]
    assert res.overall == 1  # type: ignore[attr-defined]


def test_readme_first_command_is_the_tour_first_command() -> None:
    """The command a new user runs first gives exactly the first output the README shows."""
    text = (ROOT / "README.md").read_text("utf-8")
    first = re.search(r"```sh\n[^\n]*\.venv/bin/(modenhet [^\n]*)\n```", text)
    assert first is not None
    command, _output = readme_blocks()[0]
    assert first.group(1).split() == ["modenhet", *command]
