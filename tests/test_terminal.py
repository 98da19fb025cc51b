"""Terminal conventions: colour (`--color`, NO_COLOR, FORCE_COLOR, never in a pipe), -q and -v,
and the progress line with its total and time left, on a terminal only."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modenhet.cli import main

from conftest import AS_OF, ROOT, SAMPLES

ALSTAHAUG = str(SAMPLES / "1820-alstahaug.json")
DATE = ["--as-of", AS_OF.isoformat()]
ESC = "\x1b["


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**clean, **(env or {})},
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def on_a_terminal(*args: str, code: str = "", env: dict[str, str] | None = None) -> str:
    """What a command writes to a terminal (stdout and stderr both on one pseudo-terminal)."""
    primary, secondary = pty.openpty()
    clean = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    program = f"import sys\n{code}\nfrom modenhet.cli import main\nmain(sys.argv[1:])"
    process = subprocess.Popen(
        [sys.executable, "-c", program, *args],
        stdout=secondary,
        stderr=secondary,
        cwd=ROOT,
        env={**clean, "COLUMNS": "200", **(env or {})},
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert process.wait(timeout=120) in (0, 1)
    return shown.decode("utf-8")


COLOURED = {
    "unknown": "\x1b[33mukjent\x1b[0m",
    "not_met": "\x1b[31mikkje oppfylt\x1b[0m",
}


def test_colour_always_never_and_the_environment() -> None:
    always = run("evaluate", ALSTAHAUG, *DATE, "--color", "always")
    assert COLOURED["unknown"] in always.stdout and COLOURED["not_met"] in always.stdout
    assert run("evaluate", ALSTAHAUG, *DATE, "--color", "never").stdout.count(ESC) == 0
    plain = run("evaluate", ALSTAHAUG, *DATE)  # a pipe: auto means no colour
    assert ESC not in plain.stdout
    forced = run("evaluate", ALSTAHAUG, *DATE, env={"FORCE_COLOR": "1"})
    assert forced.stdout == always.stdout
    assert ESC not in run("evaluate", ALSTAHAUG, *DATE, env={"FORCE_COLOR": "0"}).stdout
    no = run("evaluate", ALSTAHAUG, *DATE, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert ESC not in no.stdout
    # Without the colour codes the table is the same table.
    stripped = always.stdout
    for code in ("\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[1;35m", "\x1b[0m"):
        stripped = stripped.replace(code, "")
    assert stripped == plain.stdout
    # Never in a file, whatever the environment, unless asked for.
    assert (
        ESC not in run("evaluate", ALSTAHAUG, *DATE, "-f", "json", env={"FORCE_COLOR": "1"}).stdout
    )


def test_colour_on_a_terminal_by_default_and_not_with_no_color() -> None:
    shown = on_a_terminal("evaluate", ALSTAHAUG, *DATE)
    assert COLOURED["unknown"] in shown
    assert ESC not in on_a_terminal("evaluate", ALSTAHAUG, *DATE, env={"NO_COLOR": "x"})


def test_an_error_is_coloured_and_a_document_cannot_colour_anything(tmp_path: Path) -> None:
    doc = json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8"))
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    doc["municipality"]["name"] = "Alstahaug\x1b[2J\x1b[33m"
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(doc), encoding="utf-8")
    done = run("evaluate", str(broken), str(hostile), *DATE, "--color", "always", "--no-validate")
    assert "\x1b[1;35mfeil\x1b[0m" in done.stdout
    assert "\x1b[2J" not in done.stdout and "\\x1b[2J" in done.stdout
    assert "\x1b[33m" not in done.stdout  # the document's own colour code is escaped


def test_colour_fits_columns_as_the_plain_table() -> None:
    coloured = run("evaluate", ALSTAHAUG, *DATE, "--color", "always", env={"COLUMNS": "80"})
    plain = run("evaluate", ALSTAHAUG, *DATE, env={"COLUMNS": "80"})
    stripped = coloured.stdout
    for code in ("\x1b[32m", "\x1b[31m", "\x1b[33m", "\x1b[1;35m", "\x1b[0m"):
        stripped = stripped.replace(code, "")
    assert stripped == plain.stdout
    assert max(len(line) for line in plain.stdout.splitlines()) <= 80


def test_quiet_leaves_warnings_out_and_verbose_ends_with_a_summary(tmp_path: Path) -> None:
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["municipality"]["name"] = "Bjørgvin"  # not the official name: a warning
    warned = tmp_path / "warned.json"
    warned.write_text(json.dumps(doc), encoding="utf-8")
    normal = CliRunner().invoke(main, ["evaluate", str(warned), *DATE, "-f", "json"])
    assert normal.exit_code == 0
    assert "warning" in normal.stderr
    quiet = CliRunner().invoke(main, ["evaluate", str(warned), *DATE, "-f", "json", "-q"])
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    assert quiet.stdout == normal.stdout
    verbose = CliRunner().invoke(
        main, ["evaluate", str(warned), ALSTAHAUG, *DATE, "-f", "json", "-v", "--lang", "en"]
    )
    assert verbose.stderr.splitlines()[-1] == "2 documents: 2 evaluated, 0 failed, 1 with warnings"
    validated = CliRunner().invoke(main, ["validate", str(warned)])
    assert validated.exit_code == 0
    assert "#/municipality/name: åtvaring: " in validated.stderr
    assert validated.stdout.endswith("1 gyldig, 0 ikkje gyldig, 1 med åtvaringar\n")
    assert CliRunner().invoke(main, ["validate", str(warned), "-q"]).stderr == ""
    broken = tmp_path / "broken.json"
    broken.write_text("[]", encoding="utf-8")
    errors = CliRunner().invoke(main, ["evaluate", str(broken), *DATE, "-q"])
    assert errors.exit_code == 1 and "error" in errors.stderr  # problems are still shown


@pytest.fixture
def folder_of_documents(tmp_path: Path) -> Path:
    text = (SAMPLES / "4601-bergen.json").read_text("utf-8")
    for number in range(200):
        (tmp_path / f"doc-{number:03d}.json").write_text(text, encoding="utf-8")
    return tmp_path


FAST = "from modenhet.cli.progress import Progress\nProgress.DELAY = 0.0\nProgress.INTERVAL = 0.0"


def test_progress_has_the_total_and_the_time_left_on_a_terminal(folder_of_documents: Path) -> None:
    shown = on_a_terminal("evaluate", str(folder_of_documents), *DATE, "-f", "csv", "-o",
                          str(folder_of_documents / "out.csv"), code=FAST)  # fmt: skip
    assert "\rEvaluerte " in shown  # in the reader's language, nynorsk by default
    assert " av 200 dokument (0 med feil) · " in shown
    assert " att" in shown
    quiet = on_a_terminal("evaluate", str(folder_of_documents), *DATE, "-f", "csv", "-q", "-o",
                          str(folder_of_documents / "out.csv"), code=FAST)  # fmt: skip
    assert "Evaluerte" not in quiet


def test_time_left_in_words() -> None:
    from modenhet.cli.progress import Progress, duration

    assert [duration(s) for s in (0.2, 4.1, 125, 3725)] == ["1 s", "5 s", "2 min 5 s", "1 h 2 min"]
    progress = Progress(total=3000, enabled=False, lang="en")
    assert progress.text(1000, 2, 2.0) == (
        "Evaluated 1,000 of 3,000 documents (2 failed) · 500/s · about 4 s left"
    )
    assert (
        Progress(enabled=False, lang="en").text(1000, 0, 2.0)
        == "Evaluated 1,000 documents (0 failed) · 500/s"
    )
