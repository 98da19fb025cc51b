"""Reproducible audit records: the same inputs and --as-of give the same bytes in every format,
and `evaluate --verify` says whether a report still holds, naming what changed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modenhet.cli import main
from modenhet.report import REPORTERS

from conftest import ROOT, SAMPLES


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(SAMPLES, tmp_path / "samples")
    shutil.copytree(ROOT / "rules", tmp_path / "rules")
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + result.stderr


@pytest.mark.parametrize("format_", sorted(REPORTERS))
def test_same_inputs_same_bytes(workspace: Path, format_: str) -> None:
    outputs = []
    for name in ("first", "second"):
        target = workspace / f"{name}.out"
        code, _ = run(
            "evaluate", "samples/", "--as-of", "2025-06-30", "-f", format_, "-o", str(target)
        )
        assert code == 0
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1]


def report(workspace: Path) -> Path:
    target = workspace / "report.json"
    code, _ = run(
        "evaluate",
        "samples/",
        "-r",
        "rules/bustadsosialt.rules",
        "--as-of",
        "2025-06-30",
        "-f",
        "json",
        "-o",
        str(target),
    )
    assert code == 0
    return target


def test_an_untouched_report_holds(workspace: Path) -> None:
    path = report(workspace)
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 0, out
    assert "  rule set: unchanged" in out
    assert out.count(": holds\n") == 9
    assert "The report holds: 9 of 9 documents reproduced." in out


def test_a_changed_evidence_file_is_named(workspace: Path) -> None:
    path = report(workspace)
    bergen = workspace / "samples" / "4601-bergen.json"
    bergen.write_text(bergen.read_text("utf-8").replace('"Bergen"', '"Bergen "'), "utf-8")
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 1
    assert "  samples/4601-bergen.json: changed: SHA-256 recorded " in out
    assert out.count(": holds\n") == len(list(SAMPLES.glob("*.json"))) - 1
    assert "The report does not hold: 1 of 9 documents changed." in out


def test_a_changed_rule_set_is_named(workspace: Path) -> None:
    path = report(workspace)
    rules = workspace / "rules" / "bustadsosialt.rules"
    rules.write_text(rules.read_text("utf-8") + "\n# endra\n", encoding="utf-8")
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 1
    assert "  rule set: changed: SHA-256 recorded " in out
    assert "documents changed, the rule set changed." in out
    assert "The report does not hold: 0 of " in out


def test_a_tampered_report_is_caught(workspace: Path) -> None:
    path = report(workspace)
    data = json.loads(path.read_text("utf-8"))
    data["results"][0]["overall"] = 5  # Stavanger is 4
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 1
    assert "samples/1103-stavanger.json: the same input now evaluates differently (overall)" in out


def test_a_tampered_bound_is_caught(workspace: Path) -> None:
    path = report(workspace)
    data = json.loads(path.read_text("utf-8"))
    data["results"][1]["overall_max"] = 1  # Utsira is 1–3
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 1
    assert "samples/1151-utsira.json: the same input now evaluates differently (overall_max)" in out


def test_a_report_from_before_level_bounds_still_holds(workspace: Path) -> None:
    """A report written before spec 9.4 has no bounds: what it records still holds."""
    path = report(workspace)
    data = json.loads(path.read_text("utf-8"))
    for result in data["results"]:
        for key in ("overall_max", "overall_label_max", "decided"):
            del result[key]
        for factor in result["factors"].values():
            for key in ("level_max", "label_max", "decided"):
                del factor[key]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 0, out
    assert out.count(": holds\n") == len(list(SAMPLES.glob("*.json")))
    # Its levels are still checked.
    data["results"][0]["factors"]["economy"]["level"] = 5
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 1 and "evaluates differently (factors)" in out


def test_jsonl_lines_are_verified_line_by_line(workspace: Path) -> None:
    lines = [
        json.dumps(json.loads(p.read_text("utf-8")), ensure_ascii=False)
        for p in sorted((workspace / "samples").glob("*.json"))[:2]
    ]
    (workspace / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = workspace / "r.json"
    run("evaluate", "many.jsonl", "--as-of", "2025-06-30", "-f", "json", "-o", str(target))
    code, out = run("evaluate", "--verify", str(target), "--lang", "en")
    assert code == 0, out
    assert "  many.jsonl:1: holds" in out and "  many.jsonl:2: holds" in out


def test_verify_usage(workspace: Path) -> None:
    assert run("evaluate", "--verify", "nowhere.json")[0] == 2
    assert run("evaluate", "--verify", "x.json", "samples/")[0] == 2
    (workspace / "not-a-report.json").write_text("{}", encoding="utf-8")
    code, out = run("evaluate", "--verify", "not-a-report.json")
    assert code == 2 and "not a modenhet JSON report" in out


def test_verify_refuses_options_it_would_ignore(workspace: Path) -> None:
    path = report(workspace)
    code, out = run("evaluate", "--verify", str(path), "--jobs", "2", "--as-of", "2030-01-01")
    assert code == 2
    assert "not --as-of, --jobs" in out
    code, out = run(
        "evaluate", "--verify", str(path), "-r", "rules/bustadsosialt.rules", "--lang", "en"
    )
    assert code == 0, out


def test_verify_in_a_real_process(workspace: Path) -> None:
    path = report(workspace)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "modenhet",
            "evaluate",
            "--verify",
            str(path),
            "-r",
            "rules/bustadsosialt.rules",
        ],
        capture_output=True,
        text=True,
        cwd=workspace,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
