"""Files that data names — `rules:` and `documents:` in a rule test, a JSONL line — are read
only when they are what they claim to be: a regular file of bounded size, in its place, never
a FIFO, a device or /proc/self/environ (issue 14, items 3 and the JSONL line)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modenhet.cli import main
from modenhet.evidence.reader import bounded_lines, iter_evidence

from conftest import ROOT

SECRET = "MODENHET_TEST_SECRET_4a81f"

RULES = """\
ruleset "Liten" version "1"
levels {
  1 "Ein"
  2 "To"
}
factor f "F" {
  level 2 {
    criterion x "X er positiv" when a.x > 0
  }
}
"""

CASES = """\
as_of: 2025-06-30
cases:
  met:
    evidence: {a: {x: 1}}
    expect: {overall: 2}
"""

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/environ").exists(), reason="/proc/self/environ is Linux"
)


def modenhet(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, so that a read that blocks fails the test by its
    timeout instead of hanging it."""
    env = {**os.environ, SECRET: "sekrit-value-9d2c"}
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "liten.rules").write_text(RULES, encoding="utf-8")
    return tmp_path


def write_test(folder: Path, name: str, head: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(head + CASES, encoding="utf-8")
    return path


@needs_proc
@pytest.mark.parametrize("named", ["/proc/self/environ", "../../../../proc/self/environ"])
def test_rules_naming_the_environment_never_prints_it(folder: Path, named: str) -> None:
    write_test(folder, "t.test.yaml", f"rules: {named}\n")
    result = modenhet("test", "--lang", "en", "t.test.yaml", "--rules-anywhere", cwd=folder)
    assert result.returncode == 1
    assert "sekrit-value" not in result.stdout + result.stderr
    assert SECRET not in result.stdout + result.stderr
    assert "t.test.yaml:1: error: `rules` must name a .rules file" in result.stderr
    assert "Traceback" not in result.stderr


@needs_proc
def test_a_rules_link_to_the_environment_is_refused(folder: Path) -> None:
    (folder / "env.rules").symlink_to("/proc/self/environ")
    write_test(folder, "t.test.yaml", "rules: env.rules\n")
    for extra in ([], ["--rules-anywhere"]):
        result = modenhet("test", "--lang", "en", "t.test.yaml", *extra, cwd=folder)
        assert result.returncode == 1
        assert "sekrit-value" not in result.stdout + result.stderr
        assert "a link to a file that is not a .rules file" in result.stderr


@needs_fifo
def test_a_fifo_named_by_rules_does_not_block(folder: Path) -> None:
    os.mkfifo(folder / "pipe.rules")
    write_test(folder, "t.test.yaml", "rules: pipe.rules\n")
    result = modenhet("test", "--lang", "en", "t.test.yaml", cwd=folder)
    assert result.returncode == 1
    assert "t.test.yaml:1: error: " in result.stderr
    assert "pipe.rules is not a regular file (a device, a pipe or a socket)" in result.stderr


@needs_fifo
def test_a_fifo_found_as_the_test_files_rule_set_does_not_block(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "t.rules")  # NAME.rules for NAME.test.yaml: found without `rules:`
    write_test(tmp_path, "t.test.yaml", "")
    result = modenhet("test", "--lang", "en", "t.test.yaml", cwd=tmp_path)
    assert result.returncode == 1
    assert "t.rules is not a regular file" in result.stderr


@needs_fifo
def test_a_fifo_or_device_as_a_documents_file_does_not_block(folder: Path) -> None:
    os.mkfifo(folder / "pipe.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    for name in ("pipe.json", "zero.json"):
        (folder / "t.test.yaml").write_text(
            f"rules: liten.rules\nas_of: 2025-06-30\ndocuments:\n  d: {name}\n"
            "cases:\n  c:\n    evidence: d\n    expect: {overall: 2}\n",
            encoding="utf-8",
        )
        result = modenhet("test", "--lang", "en", "t.test.yaml", cwd=folder)
        assert result.returncode == 1, result.stderr
        assert "is not a regular file (a device, a pipe or a socket)" in result.stderr
        assert "Traceback" not in result.stderr


@needs_fifo
def test_a_fifo_named_as_a_test_file_does_not_block(folder: Path) -> None:
    os.mkfifo(folder / "pipe.test.yaml")
    result = modenhet("test", "--lang", "en", "pipe.test.yaml", cwd=folder)
    assert result.returncode == 1
    assert "pipe.test.yaml: error: is not a regular file" in result.stderr


def test_rules_outside_the_test_files_tree_needs_the_option(folder: Path) -> None:
    write_test(folder, "a/b/t.test.yaml", "rules: ../../liten.rules\n")
    refused = modenhet("test", "--lang", "en", "a/b/t.test.yaml", cwd=folder)
    assert refused.returncode == 1
    assert (
        "a/b/t.test.yaml:1: error: `rules` names liten.rules, outside the test file's folder "
        "and the folder above it (allow it with --rules-anywhere)"
    ) in refused.stderr
    allowed = modenhet("test", "--lang", "en", "a/b/t.test.yaml", "--rules-anywhere", cwd=folder)
    assert allowed.returncode == 0, allowed.stderr
    assert "1 passed" in allowed.stdout


def test_rules_in_the_folder_below_and_above_are_allowed(folder: Path) -> None:
    write_test(folder, "a/t.test.yaml", "rules: ../liten.rules\n")
    (folder / "a" / "sub").mkdir()
    (folder / "a" / "sub" / "own.rules").write_text(RULES, encoding="utf-8")
    write_test(folder, "a/u.test.yaml", "rules: sub/own.rules\n")
    result = CliRunner().invoke(main, ["test", "--lang", "en", str(folder / "a")])
    assert result.exit_code == 0, result.output
    assert "2 passed" in result.output


def test_rules_must_end_in_rules(folder: Path) -> None:
    (folder / "liten.txt").write_text(RULES, encoding="utf-8")
    write_test(folder, "t.test.yaml", "rules: liten.txt\n")
    result = CliRunner().invoke(main, ["test", "--lang", "en", str(folder / "t.test.yaml")])
    assert result.exit_code == 1
    assert "error: `rules` must name a .rules file" in result.output


# --------------------------------------------------------------------------- JSONL lines


def test_a_jsonl_line_over_the_limit_is_an_error_result(tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_bytes(b'{"a": 1}\n[' + b"1," * 300_000 + b'1]\r\n\n{"b": 2}\n')
    items = list(iter_evidence([str(path)], limit=1000))
    assert [item.source for item in items] == [f"{path}:1", f"{path}:2", f"{path}:4"]
    assert items[0].document == {"a": 1} and items[2].document == {"b": 2}
    (problem,) = items[1].problems
    assert problem.message.startswith("the line is 600003 bytes; the limit is 1000")
    assert items[1].sha256 is None


def test_a_long_line_is_never_held_whole() -> None:
    class Counting:
        """A file of one 64 MiB line that remembers the largest read asked of it."""

        def __init__(self) -> None:
            self.left = 64 * 1024 * 1024
            self.largest = 0

        def readline(self, size: int = -1) -> bytes:
            assert size > 0, "a line must be read in bounded pieces"
            self.largest = max(self.largest, size)
            if not self.left:
                return b""
            piece = min(size, self.left)
            self.left -= piece
            return b"x" * piece if self.left else b"x" * (piece - 1) + b"\n"

    handle = Counting()
    assert list(bounded_lines(handle, 1000)) == [(1, 64 * 1024 * 1024 - 1)]  # type: ignore[arg-type]
    assert handle.largest <= 1 << 20


@pytest.mark.parametrize("size", [999, 1000, 1001])
def test_the_line_limit_is_exact(tmp_path: Path, size: int) -> None:
    path = tmp_path / "edge.jsonl"
    body = b'{"k": "' + b"x" * (size - 9) + b'"}'
    assert len(body) == size
    path.write_bytes(b"\xef\xbb\xbf" + body + b"\r\n")
    (item,) = iter_evidence([str(path)], limit=1000)
    assert (item.document is not None) == (size <= 1000), item.problems


def test_evaluate_reports_the_long_line_and_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    sample = (ROOT / "samples" / "4601-bergen.json").read_bytes().replace(b"\n", b"")
    path.write_bytes(b"[" + b"1," * 100 + b"1]\n" + sample + b"\n")
    result = modenhet("evaluate", "x.jsonl", "--max-bytes", "100", "-f", "json", cwd=tmp_path)
    assert result.returncode == 1
    assert "x.jsonl:1: error: the line is 203 bytes; the limit is 100" in result.stderr
