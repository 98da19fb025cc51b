"""The configuration file: found upward, beaten by options, shown by `modenhet config`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click

from conftest import AS_OF, RULES, SAMPLES

BERGEN = str(SAMPLES / "4601-bergen.json")


def modenhet(
    cwd: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
        env=env,
    )


def project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    below = tmp_path / "a" / "b"
    below.mkdir(parents=True)
    return below


def test_modenhet_toml_found_upward_and_options_beat_it(tmp_path: Path) -> None:
    here = project(tmp_path, "modenhet.toml", 'format = "json"\nlang = "en"\nfail-under = 5\n')
    done = modenhet(here, "evaluate", BERGEN, "--as-of", AS_OF.isoformat())
    assert done.returncode == 0, done.stderr  # Bergen is at 5
    assert json.loads(done.stdout)["results"][0]["overall"] == 5
    lower = modenhet(here, "evaluate", str(SAMPLES / "4642-laerdal.json"), "--as-of", "2025-06-30")
    assert lower.returncode == 1
    assert "below --fail-under 5" in lower.stderr
    table = modenhet(here, "evaluate", BERGEN, "--as-of", "2025-06-30", "-f", "table")
    assert table.returncode == 0
    assert table.stdout.startswith("Rule set: ")  # lang = "en" from the file
    nynorsk = modenhet(
        here, "evaluate", BERGEN, "--as-of", "2025-06-30", "-f", "table", "--lang", "nn"
    )
    assert nynorsk.stdout.startswith("Regelsett: ")
    # The format applies to the other commands that offer it.
    check = modenhet(here, "check", "--lang", "en", str(RULES))
    assert check.returncode == 0
    assert isinstance(json.loads(check.stdout), (dict, list))


def test_pyproject_table_and_rules_relative_to_the_file(tmp_path: Path) -> None:
    shutil.copytree(RULES.parent, tmp_path / "rules")
    shutil.copytree(RULES.parent.parent / "schemas", tmp_path / "schemas")
    text = (tmp_path / "rules" / RULES.name).read_text("utf-8")
    marked = text.replace('version "', 'version "9', 1)  # not the shipped rule set's hash
    (tmp_path / "rules" / RULES.name).write_text(marked, encoding="utf-8")
    pyproject = f'[project]\nname = "x"\n\n[tool.modenhet]\nrules = "rules/{RULES.name}"\n'
    here = project(tmp_path, "pyproject.toml", pyproject)
    shown = modenhet(here, "config")
    assert shown.returncode == 0
    lines = shown.stdout.splitlines()
    assert lines[0] == f"Configuration file: {tmp_path / 'pyproject.toml'} [tool.modenhet]"
    (rules_line,) = [line for line in lines if line.startswith("rules ")]
    where = str(tmp_path / "rules" / RULES.name)  # above the working folder: absolute
    assert rules_line.split() == ["rules", where, "(pyproject.toml", "[tool.modenhet])"]
    (lang_line,) = [line for line in lines if line.startswith("lang ")]
    assert lang_line.split() == ["lang", "nn", "(default)"]
    done = modenhet(here, "evaluate", BERGEN, "--as-of", "2025-06-30", "-f", "json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["ruleset"]["version"].startswith("9")
    # At the top, below the file's folder, the path is relative.
    top = modenhet(tmp_path, "config")
    assert f"rules/{RULES.name}" in top.stdout.split()


def test_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "modenhet.toml").write_text('lang = "nb"\n', encoding="utf-8")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "y"\n', encoding="utf-8")
    shown = modenhet(inner, "config")
    assert shown.stdout.splitlines()[0] == f"Configuration file: {tmp_path / 'modenhet.toml'}"
    assert "lang        nb" in shown.stdout


def test_no_file(tmp_path: Path) -> None:
    shown = modenhet(tmp_path, "config")
    assert shown.returncode == 0
    assert shown.stdout.startswith("No configuration file")


def test_a_bad_file_names_the_problem(tmp_path: Path) -> None:
    cases = {
        "formt = 1\n": "unknown setting 'formt' (did you mean 'format'?)",
        'lang = "de"\n': "lang must be one of nn, nb, en, not 'de'",
        'format = "pdf"\n': "format must be one of",
        'fail-under = "2"\n': "fail-under must be a whole number (a level), not '2'",
        "jobs = 1.5\n": 'jobs must be a whole number or "auto", not 1.5',
        "rules = \n": "not valid TOML",
    }
    for text, message in cases.items():
        (tmp_path / "modenhet.toml").write_text(text, encoding="utf-8")
        done = modenhet(tmp_path, "evaluate", BERGEN)
        assert done.returncode == 2, text
        assert done.stderr.startswith("modenhet.toml: error: "), done.stderr
        assert message in done.stderr
        assert "Traceback" not in done.stderr


def test_modenhet_lang_beats_the_file_and_the_option_beats_both(tmp_path: Path) -> None:
    here = project(tmp_path, "modenhet.toml", 'lang = "en"\n')
    environment = {**os.environ, "MODENHET_LANG": "nb"}

    def run(*args: str) -> str:
        done = modenhet(here, *args, env=environment)
        assert done.returncode == 0, done.stderr
        return done.stdout

    bergen = ("evaluate", BERGEN, "--as-of", "2025-06-30")
    assert "Samlet nivå: 5" in run(*bergen)  # bokmål from MODENHET_LANG, not the file's English
    assert "Samla nivå: 5" in run(*bergen, "--lang", "nn")  # the option beats both
    shown = run("config")
    (lang,) = [line.split() for line in shown.splitlines() if line.startswith("lang ")]
    assert lang == ["lang", "nb", "(environment", "MODENHET_LANG)"]


def test_the_lang_setting_reaches_every_command_with_lang() -> None:
    from modenhet.cli import COMMANDS, main
    from modenhet.cli.config import SETTINGS

    context = click.Context(main)
    with_lang = set()
    for name in COMMANDS:
        command = main.get_command(context, name)
        assert command is not None
        if any(parameter.name == "lang" for parameter in command.params):
            with_lang.add(name)
    assert set(SETTINGS["lang"][1]) == with_lang
