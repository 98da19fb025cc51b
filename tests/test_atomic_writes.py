"""Nothing lost, nothing half-written: a run killed half-way leaves the previous report as it
was, no command changes its inputs, and a folder with some broken documents still gets a
report of every good one with the exit status that tells some failed (spec/cli.md)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modenhet.cli import main

from conftest import ROOT, SAMPLES

AS_OF = ["--as-of", "2025-06-30"]
OLD_REPORT = b'{"the previous report": "must survive"}\n'


def cli(*args: str, stdin: bytes | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def leftovers(folder: Path, keep: set[str]) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.name not in keep)


# ----------------------------------------------------------------------- killed half-way


def test_a_run_killed_half_way_leaves_the_previous_report(tmp_path: Path) -> None:
    """`evaluate - -o report.json` over an existing report, fed JSONL through a pipe and
    killed with SIGKILL while it is reading: the report is still the previous one, byte for
    byte. Protection: cli.common.output writes a temporary file beside the target and renames
    it over the target only when the report is complete."""
    target = tmp_path / "report.json"
    target.write_bytes(OLD_REPORT)
    line = json.dumps(json.loads((SAMPLES / "4601-bergen.json").read_bytes())).encode() + b"\n"
    process = subprocess.Popen(
        [sys.executable, "-m", "modenhet", "evaluate", "-", "-f", "json", "-o", str(target),
         *AS_OF],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )  # fmt: skip
    assert process.stdin is not None
    started = time.monotonic()
    written = 0
    try:
        # Keep feeding documents until the run is writing its report (its temporary file
        # has the report's start in it), then a few more so it is truly half-way.
        while time.monotonic() - started < 60:
            process.stdin.write(line * 50)
            process.stdin.flush()
            written += 50
            partial = [p for p in tmp_path.iterdir() if p.name != target.name]
            if partial and written >= 500 and any(p.stat().st_size > 0 for p in partial):
                break
            time.sleep(0.05)
        assert process.poll() is None, "the run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdin.close()
        assert process.stderr is not None
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert target.read_bytes() == OLD_REPORT  # the previous report, untouched
    # What a killed run may leave: its temporary file, hidden (a dot-file), never with the
    # report's own name or an evidence suffix, so neither a user nor `evaluate FOLDER`
    # mistakes it for a report or a document.
    for path in leftovers(tmp_path, {target.name}):
        assert path.name.startswith(f".{target.name}.") and path.name.endswith(".tmp"), path
    result = cli("evaluate", str(tmp_path), "-f", "json", *AS_OF)
    sources = [r["source"] for r in json.loads(result.stdout)["results"]]
    assert sources == [str(target)]  # the leftover is not read as a document


def test_the_same_run_not_killed_replaces_the_report(tmp_path: Path) -> None:
    """The counterpart: the same command, let finish, replaces the report and leaves
    nothing beside it."""
    target = tmp_path / "report.json"
    target.write_bytes(OLD_REPORT)
    line = json.dumps(json.loads((SAMPLES / "4601-bergen.json").read_bytes())).encode() + b"\n"
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", "evaluate", "-", "-f", "json", "-o", str(target),
         *AS_OF],
        input=line * 20, capture_output=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert len(json.loads(target.read_bytes())["results"]) == 20
    assert leftovers(tmp_path, {target.name}) == []


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "missing.json", "-o", "out.json"],  # a path that does not exist: 2
        ["evaluate", "doc.json", "-r", "broken.rules", "-o", "out.json"],  # rules: 1
        ["evaluate", "doc.json", "-r", "missing.rules", "-o", "out.json"],  # rules: 2
        ["evaluate", "doc.json", "-f", "nonsense", "-o", "out.json"],  # a bad option: 2
    ],
    ids=["missing-evidence", "rules-do-not-check", "missing-rules", "bad-option"],
)
def test_a_run_that_produces_no_report_leaves_no_file(
    tmp_path: Path, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """spec/cli.md: `-o` writes whenever a report is produced; a run that produces none
    leaves no file (not an empty one, nor a temporary one)."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(SAMPLES / "4601-bergen.json", tmp_path / "doc.json")
    (tmp_path / "broken.rules").write_text('ruleset "T"\nlevels { 1 "a" }\nlet = x\n', "utf-8")
    result = cli(*args, *AS_OF)
    assert result.exit_code in (1, 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.rules", "doc.json"]


# ---------------------------------------------------------------- inputs never modified


def fingerprint(folder: Path) -> dict[str, tuple[str, int, int]]:
    """Every file's SHA-256, modification time and mode: a rewrite with the same bytes
    shows too."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            info = path.stat()
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[path.relative_to(folder).as_posix()] = (digest, info.st_mtime_ns, info.st_mode)
    return found


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working copy of the rule set, its schema, its tests and the samples, plus a JSONL
    file with a broken line and a broken document, as a user's folder would hold them."""
    root = tmp_path / "work"
    for folder in ("rules", "schemas", "samples"):
        shutil.copytree(ROOT / folder, root / folder)
    bergen = json.dumps(json.loads((SAMPLES / "4601-bergen.json").read_bytes()))
    (root / "samples" / "many.jsonl").write_text(f"{bergen}\n{{broken\n\n{bergen}\n", "utf-8")
    (root / "samples" / "zz-broken.json").write_bytes(b'{"municipality": \xff')
    monkeypatch.chdir(root)
    return root


COMMANDS: list[list[str]] = [
    ["evaluate", "samples/", "-r", "rules/bustadsosialt.rules", *AS_OF],
    ["evaluate", "samples/", "-r", "rules/bustadsosialt.rules", "-f", "json", *AS_OF],
    ["evaluate", "samples/", "-f", "jsonl", *AS_OF],
    ["evaluate", "samples/", "-f", "csv", "--excel", *AS_OF],
    ["evaluate", "samples/", "-f", "markdown", *AS_OF],
    ["evaluate", "samples/", "-f", "html", *AS_OF],
    ["evaluate", "samples/", "-f", "json", "-o", "../report.json", *AS_OF],
    ["evaluate", "--verify", "../report.json"],
    ["check", "rules/bustadsosialt.rules"],
    ["check", "rules/bustadsosialt.rules", "-f", "sarif"],
    ["fmt", "--check", "rules/bustadsosialt.rules"],
    ["fmt", "--diff", "rules/bustadsosialt.rules"],
    ["validate", "samples/"],
    ["validate", "samples/", "--schema", "schemas/evidence.schema.json", "-f", "json"],
    ["explain", "samples/4601-bergen.json", "-r", "rules/bustadsosialt.rules", *AS_OF],
    ["test", "rules/bustadsosialt.test.yaml"],
    ["compare", "samples/1506-molde.json", "samples/1506-molde.json", *AS_OF],
    ["compare", "samples/", "samples/", "-f", "json", *AS_OF],
    ["impact", "rules/bustadsosialt.rules", "rules/bustadsosialt.rules", "samples/", *AS_OF],
]


def test_no_command_changes_its_inputs(inputs: Path) -> None:
    """Every command that reads rule files, schemas, rule tests or evidence, in every format
    (`fmt --check` and `--diff` included), leaves each input file byte for byte, with its
    modification time: reports go to standard output or to `-o` elsewhere."""
    before = fingerprint(inputs)
    statuses = {}
    for args in COMMANDS:
        result = cli(*args)
        assert result.exit_code in (0, 1), (args, result.output)
        statuses[" ".join(args)] = result.exit_code
        assert fingerprint(inputs) == before, f"{args} changed an input"
    assert (inputs.parent / "report.json").exists()
    # The broken documents make every evidence command say so.
    assert statuses[" ".join(COMMANDS[0])] == 1 and statuses[" ".join(COMMANDS[12])] == 1


def test_rule_files_are_read_only_to_every_command_but_fmt(inputs: Path) -> None:
    """The same with the inputs made read-only: nothing tries to write them (it would fail
    with an OSError). `fmt` without `--check` is the one command that rewrites rule files."""
    for path in inputs.rglob("*"):
        if path.is_file():
            path.chmod(0o444)
    try:
        for args in COMMANDS:
            result = cli(*args)
            assert result.exit_code in (0, 1), (args, result.output)
    finally:
        for path in inputs.rglob("*"):
            if path.is_file():
                path.chmod(0o644)


RULES = "rules/bustadsosialt.rules"
OVERWRITES: list[list[str]] = [
    ["evaluate", "samples/1151-utsira.json", "-o", "samples/1151-utsira.json", *AS_OF],
    ["evaluate", "samples/", "-f", "json", "-o", "samples/../samples/4601-bergen.json", *AS_OF],
    ["evaluate", "samples/", "-o", "hard-link.json", *AS_OF],  # the same file as Bergen's
    ["evaluate", "samples/", "-r", RULES, "-o", RULES, *AS_OF],
    ["evaluate", "samples/", "-r", RULES, "-o", "schemas/evidence.schema.json", *AS_OF],
    ["test", "rules/bustadsosialt.test.yaml", "-o", "rules/bustadsosialt.test.yaml"],
    ["test", "rules/", "-f", "junit", "-o", "rules/bustadsosialt.rules"],
    ["compare", "samples/1506-molde.json", "samples/1506-molde.json",
     "-o", "samples/1506-molde.json", *AS_OF],
    ["impact", "rules/bustadsosialt.rules", "rules/bustadsosialt.rules", "samples/",
     "-o", "samples/5501-tromso.json", *AS_OF],
    ["evaluate", "samples/", "-o", "samples", *AS_OF],  # a folder
]  # fmt: skip


@pytest.mark.parametrize("args", OVERWRITES, ids=lambda args: " ".join(args[:2] + args[-3:-2]))
def test_a_report_never_replaces_an_input(inputs: Path, args: list[str]) -> None:
    """`-o` naming a file the run reads (evidence, a rule file, the schema, a rule test; by
    another path or a hard link too) or a folder is refused with status 2 before anything is
    written: a slip of the keyboard must not replace a municipality's evidence by a report."""
    (inputs / "hard-link.json").hardlink_to(inputs / "samples" / "4601-bergen.json")
    before = fingerprint(inputs)
    result = cli(*args)
    assert result.exit_code == 2, result.output
    target = args[args.index("-o") + 1]
    message = "this is a folder" if target == "samples" else "-o names a file this run reads"
    assert result.stderr.startswith(f"{target}: error: {message}"), result.stderr  # first
    assert fingerprint(inputs) == before  # no temporary file left either


def test_a_report_has_the_mode_a_file_would_have(tmp_path: Path) -> None:
    """The temporary file behind `-o` is private (0600); the report takes the mode of the file
    it replaces, or for a new one what the umask allows, as the shell's `>` would; and a link
    named by `-o` stays a link, with the report where it points."""
    document = str(SAMPLES / "1151-utsira.json")
    report = tmp_path / "report.txt"
    mask = os.umask(0o027)
    try:
        assert cli("evaluate", document, "-o", str(report), *AS_OF).exit_code == 0
    finally:
        os.umask(mask)
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    report.chmod(0o604)
    assert cli("evaluate", document, "-o", str(report), *AS_OF).exit_code == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o604
    link = tmp_path / "latest.json"
    link.symlink_to(report.name)
    assert cli("evaluate", document, "-o", str(link), "-f", "json", *AS_OF).exit_code == 0
    assert link.is_symlink() and json.loads(report.read_bytes())["results"]
    assert stat.S_IMODE(report.stat().st_mode) == 0o604
    assert leftovers(tmp_path, {report.name, link.name}) == []


def test_a_pipe_or_a_device_is_written_to_never_replaced(tmp_path: Path) -> None:
    """`-o /dev/null`, `-o /dev/stdout` or a named pipe is written to as the shell's `>`
    would; a rename over it would replace the device or pipe itself by a regular file (run as
    root, `-o /dev/null` replaced /dev/null). Tested with a named pipe and a reader."""
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", "evaluate", str(SAMPLES / "1151-utsira.json"),
         "-f", "json", "-o", str(fifo), *AS_OF],
        capture_output=True, timeout=60,
    )  # fmt: skip
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert json.loads(received[0])["results"][0]["municipality"]["name"] == "Utsira"
    assert leftovers(tmp_path, {fifo.name}) == []


# ------------------------------------------------------------ some documents broken


@pytest.mark.parametrize("format_", ["table", "json", "jsonl", "csv", "markdown", "html"])
def test_a_folder_with_broken_documents_reports_every_good_one(inputs: Path, format_: str) -> None:
    """spec/cli.md: a document that cannot be read or does not validate gets an error result,
    the run goes on, and the exit status is 1. Each of the 9 samples and both good JSONL
    lines is in the report, in every format, and so is each broken one."""
    result = cli("evaluate", "samples/", "-f", format_, *AS_OF)
    assert result.exit_code == 1
    out = result.stdout
    names = ["Stavanger", "Utsira", "Molde", "Alstahaug", "Drammen", "Tynset", "Bergen", "Lærdal"]
    names.append("Tromsø")
    for name in names:
        assert name in out, (format_, name)
    if format_ in ("json", "jsonl"):
        results = (
            json.loads(out)["results"]
            if format_ == "json"
            else [json.loads(line) for line in out.splitlines()]
        )
        good = [r for r in results if "error" not in r]
        bad = [r["source"] for r in results if "error" in r]
        assert len(good) == 11
        assert bad == ["samples/many.jsonl:2", "samples/zz-broken.json"]
    stderr = result.stderr.splitlines()
    assert any(line.startswith("samples/many.jsonl:2: error: not valid JSON") for line in stderr)
    assert any(line.startswith("samples/zz-broken.json: error: not UTF-8") for line in stderr)


def test_a_folder_with_broken_documents_written_to_a_file(inputs: Path) -> None:
    """The same run with `-o`: the report is written (exit 1 all the same)."""
    result = cli("evaluate", "samples/", "-f", "csv", "-o", "../report.csv", *AS_OF)
    assert result.exit_code == 1 and result.stdout == ""
    rows = (inputs.parent / "report.csv").read_text("utf-8").splitlines()
    assert len(rows) == 1 + 13  # the header, 11 good documents and 2 broken ones
    assert sum(1 for row in rows if row.endswith(",,")) == 11  # no errors, no warnings
