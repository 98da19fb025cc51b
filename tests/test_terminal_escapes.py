"""One escaping for every human output (issue 14, item 5): the same hostile corpus — ESC, an
OSC 8 link, BEL, CR, bidi controls — in a rule set, a document and a file name reaches no
command's terminal output raw; Markdown shows it as text. Output that cannot be written (a
full disk, /dev/full, a closed pipe) is one line, exit status 1, the old file intact."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modenhet.cli import main

from conftest import ROOT

CORPUS = {
    "ESC": "\x1b[2J\x1b[31m",
    "OSC 8": "\x1b]8;;https://evil.example/\x07klikk\x1b]8;;\x07",
    "BEL": "\x07",
    "CR": "ok\rFORFALSKA",
    "bidi": "\u202eevil\u202c\u2066x\u2069",
    "C1": "\x9b2J",
}
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def rules(text: str, *, threshold: int = 0) -> str:
    q = quoted(text)
    return (
        f'ruleset "Regel {q}" version "{q}"\n'
        f'levels {{ 1 "Ein {q}" 2 "To {q}" }}\n'
        f'factor f "Faktor {q}" {{\n'
        f'  level 2 {{ criterion c "Kriterium {q}" when x.a > {threshold} '
        f'advice "Råd {q}" ref "Ref {q}" }}\n'
        "}\n"
    )


@pytest.fixture(params=sorted(CORPUS))
def hostile(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A folder with hostile rules, a hostile document and a rule test, as the working folder."""
    text = CORPUS[request.param]
    (tmp_path / "old.rules").write_text(rules(text), encoding="utf-8")
    (tmp_path / "new.rules").write_text(rules(text, threshold=5), encoding="utf-8")
    document = {
        "municipality": {"number": "0301", "name": f"Kommune {text}"},
        "x": {"a": 3, text: text},
    }
    (tmp_path / "doc.json").write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "old.test.yaml").write_text(
        "rules: old.rules\nas_of: 2025-06-30\ncases:\n"
        f"  {json.dumps('case ' + text)}:\n"
        "    evidence: {x: {a: 3}}\n    expect: {overall: 1}\n",
        encoding="utf-8",
    )
    (tmp_path / "bad.rules").write_text(
        f'ruleset "x"\nlevels {{ 1 "a" }}\nfactor f "{quoted(text)}" {{\n'
        f'  level 1 {{ criterion c "t" when nope({json.dumps(text)}) }}\n}}\n',
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    return text


COMMANDS = {
    "evaluate": ["evaluate", "doc.json", "-r", "old.rules", "--as-of", "2025-06-30"],
    "explain": ["explain", "doc.json", "-r", "old.rules", "--as-of", "2025-06-30", "--all"],
    "compare": ["compare", "doc.json", "doc.json", "-r", "old.rules", "--as-of", "2025-06-30"],
    "impact": ["impact", "old.rules", "new.rules", "doc.json", "--as-of", "2025-06-30"],
    "validate": [
        "validate",
        "doc.json",
        "--schema",
        str(ROOT / "schemas" / "evidence.schema.json"),
    ],
    "check": ["check", "old.rules", "bad.rules"],
    "test": ["test", "old.test.yaml", "-v", "--coverage"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_no_raw_control_character_reaches_the_terminal(hostile: str, command: str) -> None:
    result = CliRunner().invoke(main, COMMANDS[command], catch_exceptions=False)
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown
    assert shown.strip(), "the command said nothing"
    raw = RAW.findall(shown)
    assert not raw, (command, raw, shown)


def test_the_hostile_text_is_shown_escaped(hostile: str) -> None:
    result = CliRunner().invoke(main, COMMANDS["explain"], catch_exceptions=False)
    escaped = hostile.encode("unicode_escape").decode("ascii")
    for char in hostile:
        if RAW.match(char):
            code = ord(char)
            assert (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}") in result.stdout
    assert escaped  # the corpus entry is not empty


def test_verify_escapes_the_report(hostile: str) -> None:
    made = CliRunner().invoke(
        main,
        [
            "evaluate",
            "doc.json",
            "-r",
            "old.rules",
            "--as-of",
            "2025-06-30",
            "-f",
            "json",
            "-o",
            "r.json",
        ],
    )
    assert made.exit_code == 0, made.output
    report = json.loads(Path("r.json").read_text("utf-8"))
    report["results"][0]["source"] = f"doc{hostile}.json"
    Path("r.json").write_text(json.dumps(report), "utf-8")
    result = CliRunner().invoke(main, ["evaluate", "--verify", "r.json", "-r", "old.rules"])
    assert result.exit_code == 1
    assert not RAW.findall(result.stdout + result.stderr)


def test_markdown_shows_hostile_names_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.rules").write_text(rules("<script>alert(1)</script>"), encoding="utf-8")
    document = {
        "municipality": {"number": "0301", "name": "![img](https://evil.example/p.png)\rX"},
        "x": {"a": 3},
    }
    (tmp_path / "doc.json").write_text(json.dumps(document), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["evaluate", "doc.json", "-r", "r.rules", "--as-of", "2025-06-30", "-f", "markdown"]
    )
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "![img](" not in page and "!\\[img\\](https://evil.example/p.png)\\\\x0dX" in page
    assert "\r" not in page
    assert "Rule set: Regel &lt;script&gt;" in page or "Regelsett: Regel &lt;script&gt;" in page


# ------------------------------------------------------------------ output that cannot be written


def modenhet(*args: str, cwd: Path, stdout: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        cwd=cwd, stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, timeout=120,
    )  # fmt: skip


EVALUATE = ["evaluate", str(ROOT / "samples"), "--as-of", "2025-06-30"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="/dev/full is Linux")
@pytest.mark.parametrize("format_", ["table", "json", "markdown"])
def test_output_to_dev_full_is_one_line(tmp_path: Path, format_: str) -> None:
    for how in ("-o", ">"):
        if how == "-o":
            done = modenhet(*EVALUATE, "-f", format_, "-o", "/dev/full", cwd=tmp_path)
            expected = "/dev/full: error: cannot write the report: No space left on device\n"
        else:
            with open("/dev/full", "w") as full:
                done = modenhet(*EVALUATE, "-f", format_, cwd=tmp_path, stdout=full.fileno())
            expected = "error: cannot write to standard output: No space left on device\n"
        assert done.returncode == 1
        assert done.stderr == expected


@pytest.mark.parametrize(
    "args",
    [
        EVALUATE + ["-f", "json"],
        ["explain", str(ROOT / "samples" / "1820-alstahaug.json"), "--all"],
        ["schema"],
    ],
)
def test_a_closed_pipe_is_one_line(tmp_path: Path, args: list[str]) -> None:
    """`modenhet … | head -1`: the reader goes away after one line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "modenhet", *args],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    try:
        error = process.stderr.read().decode()
        code = process.wait(timeout=120)
    finally:
        process.kill()
        process.stderr.close()
    if code == 0:  # everything fitted in the pipe before it closed: nothing to report
        assert error == ""
        return
    assert code == 1
    assert error == (
        "error: cannot write to standard output: the reader closed the pipe before the output "
        "was written whole\n"
    )


def test_a_full_disk_leaves_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("the old report\n", encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = CliRunner().invoke(main, [*EVALUATE, "-f", "json", "-o", str(target)])
    assert result.exit_code == 1
    assert result.stderr == f"{target}: error: cannot write the report: No space left on device\n"
    assert target.read_text("utf-8") == "the old report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]  # no temporary file
