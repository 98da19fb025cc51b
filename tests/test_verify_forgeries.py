"""`evaluate --verify` against forged and malformed reports (issue 14, item 4): each forgery
fails with a one-line reason and exit status 1, each malformed report gives one clear line and
exit status 2, and nothing a report names can make it hang or fill the memory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from modenhet import __version__, default_rules_path, load_ruleset
from modenhet.cli import main
from modenhet.run.outcome import input_set

from conftest import ROOT, SAMPLES

Report = dict[str, Any]
VERSION = load_ruleset(default_rules_path()).version


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def made(workspace: Path, *evidence: str) -> Report:
    target = workspace / "report.json"
    code, _, err = run(
        "evaluate", *(evidence or ("samples/",)), "--as-of", "2025-06-30", "-f", "json",
        "-o", str(target),
    )  # fmt: skip
    assert code == 0, err
    report: Report = json.loads(target.read_text("utf-8"))
    return report


def verify(workspace: Path, report: Report) -> tuple[int, str, str]:
    """The verdict in English (test_i18n_reports.py checks it in nynorsk and bokmål)."""
    (workspace / "report.json").write_text(json.dumps(report, ensure_ascii=False), "utf-8")
    return run("evaluate", "--verify", "report.json", "--lang", "en")


def test_the_report_records_its_input_set(workspace: Path) -> None:
    report = made(workspace)
    files = sorted(f"samples/{p.name}" for p in (workspace / "samples").glob("*.json"))
    assert report["inputs"] == input_set(files)
    assert report["inputs"]["count"] == len(files) > 1
    assert list(report)[:5] == ["tool", "ruleset", "as_of", "inputs", "results"]
    assert report["ruleset"]["name"] == "Bustadsosialt arbeid"
    assert report["ruleset"]["version"] == VERSION
    code, out, _ = verify(workspace, report)
    assert code == 0, out
    assert f"  inputs: {len(files)} file(s), SHA-256 " in out
    assert f"  results: {len(files)} document(s), each once, in input order" in out


def rename(report: Report) -> None:
    report["ruleset"]["name"] = "Eit anna regelsett"


def new_version(report: Report) -> None:
    report["ruleset"]["version"] = "2099.1"


def no_version(report: Report) -> None:
    report["ruleset"]["version"] = None


def older_tool(report: Report) -> None:
    report["tool"]["version"] = "0.0.9"


def remove_last(report: Report) -> None:
    del report["results"][-1]


def remove_first(report: Report) -> None:
    del report["results"][0]


def repeat(report: Report) -> None:
    report["results"].append(report["results"][2])


def swap(report: Report) -> None:
    results = report["results"]
    results[0], results[1] = results[1], results[0]


def drop_an_input(report: Report) -> None:
    """Remove a file and its result, but leave the count and digest: caught by the digest."""
    del report["inputs"]["files"][0]
    del report["results"][0]


def foreign_result(report: Report) -> None:
    report["results"][0]["source"] = "samples/../samples/1103-stavanger.json"


FORGERIES: dict[str, tuple[Callable[[Report], None], str]] = {
    "renamed rule set": (
        rename,
        "  rule set: changed: name recorded Eit anna regelsett, now Bustadsosialt arbeid\n",
    ),
    "new rule-set version": (
        new_version,
        f"  rule set: changed: version recorded 2099.1, now {VERSION}",
    ),
    "no rule-set version": (
        no_version,
        f"  rule set: changed: version recorded None, now {VERSION}",
    ),
    "changed tool version": (
        older_tool,
        f"  tool: made by modenhet 0.0.9, this is modenhet {__version__}: verify with the "
        "version that made the report\n",
    ),
    "removed last result": (
        remove_last,
        "  results: 1 document(s) of the input files have no result, the first "
        "samples/5501-tromso.json\n",
    ),
    "removed first result": (
        remove_first,
        "  results: 1 document(s) of the input files have no result, the first "
        "samples/1103-stavanger.json\n",
    ),
    "repeated result": (
        repeat,
        "  results: samples/1506-molde.json is there 2 times, the input files give it 1 time(s)\n",
    ),
    "reordered results": (
        swap,
        "  results: not in input order: result 1 is samples/1151-utsira.json, the input "
        "files give samples/1103-stavanger.json\n",
    ),
    "dropped input": (
        drop_an_input,
        "  inputs: the list of input files does not match its recorded count and SHA-256\n",
    ),
    "foreign result": (
        foreign_result,
        "  results: samples/../samples/1103-stavanger.json is not a document of the input files",
    ),
}


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_a_forgery_fails_with_one_line(workspace: Path, name: str) -> None:
    forge, line = FORGERIES[name]
    report = made(workspace)
    forge(report)
    code, out, err = verify(workspace, report)
    assert code == 1, out + err
    assert line in out
    assert "The report does not hold: " in out
    assert "Traceback" not in out + err


def test_jsonl_lines_reordered_or_removed(workspace: Path) -> None:
    lines = [
        json.dumps(json.loads(p.read_text("utf-8")), ensure_ascii=False)
        for p in sorted((workspace / "samples").glob("*.json"))[:3]
    ]
    (workspace / "many.jsonl").write_text("\n\n".join(lines) + "\n", encoding="utf-8")
    report = made(workspace, "many.jsonl")
    assert [r["source"] for r in report["results"]] == [
        "many.jsonl:1",
        "many.jsonl:3",
        "many.jsonl:5",
    ]
    assert verify(workspace, report)[0] == 0
    swapped = json.loads(json.dumps(report))
    swap(swapped)
    code, out, _ = verify(workspace, swapped)
    assert code == 1 and "  results: not in input order: result 1 is many.jsonl:3" in out
    assert "  many.jsonl:3: holds\n  many.jsonl:1: holds\n" in out  # each still read right
    remove_last(report)
    code, out, _ = verify(workspace, report)
    assert code == 1 and "have no result, the first many.jsonl:5" in out


MALFORMED: dict[str, tuple[Callable[[Report], Any], str]] = {
    "integer as_of": (
        lambda r: r.update(as_of=20250630),
        "#/as_of: 20250630 is not of type 'string'",
    ),
    "impossible date": (lambda r: r.update(as_of="2025-02-30"), "as_of 2025-02-30 is no date"),
    "results of numbers": (lambda r: r.update(results=[1]), "#/results/0: 1 is not valid under"),
    "rule set a string": (
        lambda r: r.update(ruleset="abc"),
        "#/ruleset: 'abc' is not of type 'object'",
    ),
    "no inputs": (lambda r: r.pop("inputs"), "it records no input set"),
    "tool renamed": (
        lambda r: r["tool"].update(name="fakeit"),
        "#/tool/name: 'modenhet' was expected",
    ),
    "a list": (lambda r: [r], "#: [{"),
    "huge message": (lambda r: r.update(as_of=["x" * 100_000]), "#/as_of: ['xxxx"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_report_gives_one_line(workspace: Path, name: str) -> None:
    change, expected = MALFORMED[name]
    report = made(workspace)
    replaced = change(report)
    if isinstance(replaced, list):
        report = replaced  # type: ignore[assignment]
    code, out, err = verify(workspace, report)
    assert code == 2, out + err
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith(
        (
            "report.json: error: not a modenhet JSON report",
            "report.json: error: it records no input set",
        )
    )
    assert expected in line
    assert len(line) < 300


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "not JSON: Expecting value"),
        ("{", "not JSON: Expecting property name"),
        ('{"as_of": NaN}', "not JSON: NaN is not JSON"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_a_file_that_is_no_report(workspace: Path, text: str, expected: str) -> None:
    (workspace / "report.json").write_bytes(text.encode("utf-8", "surrogateescape"))
    code, out, err = run("evaluate", "--verify", "report.json", "--lang", "en")
    assert code == 2
    (line,) = err.splitlines()
    assert expected in line, line


def modenhet(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_sources_that_are_devices_or_fifos_neither_hang_nor_fill_memory(workspace: Path) -> None:
    os.mkfifo(workspace / "pipe.json")
    os.mkfifo(workspace / "pipe.jsonl")
    report = made(workspace)
    sources = ["/dev/zero", "pipe.json", "pipe.jsonl:1", "/dev/urandom"]
    report["inputs"] = input_set(["/dev/zero", "pipe.json", "pipe.jsonl", "/dev/urandom"])
    report["results"] = [{**report["results"][0], "source": source} for source in sources]
    (workspace / "report.json").write_text(json.dumps(report), "utf-8")
    done = modenhet("evaluate", "--verify", "report.json", "--lang", "en", cwd=workspace)
    assert done.returncode == 1, done.stderr
    assert "  /dev/zero: is not a regular file (a device, a pipe or a socket)" in done.stdout
    assert "  pipe.json: is not a regular file" in done.stdout
    assert "  pipe.jsonl:1: is not a regular file" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_a_report_that_is_a_fifo_or_device(workspace: Path, kind: str) -> None:
    path = workspace / "report.json"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    done = modenhet("evaluate", "--verify", "report.json", "--lang", "en", cwd=workspace)
    assert done.returncode == 2
    assert done.stderr == (
        "report.json: error: is not a regular file (a device, a pipe or a socket)\n"
    )


def test_a_report_over_the_size_limit(workspace: Path) -> None:
    made(workspace)
    env = {**os.environ, "MODENHET_MAX_REPORT_BYTES": "1000"}
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", "evaluate", "--verify", "report.json", "--lang", "en"],
        cwd=workspace, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert "report.json: error: the file is " in done.stderr
    assert "bytes; the limit is 1000" in done.stderr


def test_escapes_in_a_report_reach_the_terminal_escaped(workspace: Path) -> None:
    report = made(workspace)
    report["ruleset"]["name"] = "\x1b]8;;https://evil\x07klikk\x1b]8;;\x07\u202e"
    report["results"][0]["source"] = "samples/\x1b[2J.json"
    code, out, _ = verify(workspace, report)
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "\\x1b]8;;https://evil\\x07klikk" in out


def test_a_file_named_twice_is_verified(workspace: Path) -> None:
    """`evaluate a.json a.json` has two results of one file: a report that holds."""
    report = made(workspace, "samples/4601-bergen.json", "samples/4601-bergen.json")
    code, out, _ = verify(workspace, report)
    assert code == 0, out
    del report["results"][1]
    code, out, _ = verify(workspace, report)
    assert code == 1
    assert "  results: 1 document(s) of the input files have no result, the first " in out
