"""`check --format sarif` against the standard's own tools: the official SARIF 2.1.0 JSON schema
and Microsoft's SARIF validator (Sarif.Multitool), which `.ci/fetch-sarif-tools` fetches.

Skipped when they are absent, except under CI (the CI variable set), where they fail instead:
.ci/run fetches them.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from modenhet.cli import main

ROOT = Path(__file__).parent.parent
TOOLS = Path(os.environ.get("MODENHET_SARIF_TOOLS", ROOT / ".ci/cache/sarif-multitool/package"))


def tool(name: str) -> Path:
    path = TOOLS / name
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{path} is missing under CI: .ci/run should run .ci/fetch-sarif-tools")
        pytest.skip(f"{path} is missing: run .ci/fetch-sarif-tools (needs npm)")
    return path


@pytest.fixture(scope="module")
def every_finding(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The SARIF of the rule set that makes every catalogued finding."""
    folder = tmp_path_factory.mktemp("sarif")
    shutil.copytree(ROOT / "tests" / "all_codes", folder / "all_codes")
    shutil.copytree(ROOT / "schemas", folder / "all_codes" / "schemas")
    top = folder / "all_codes" / "rules" / "test.rules"
    result = CliRunner(
        env={"MODENHET_MAX_RULE_FILES": "10", "MODENHET_MAX_LEVEL_BLOCKS": "4"}
    ).invoke(main, ["check", str(top), "--format", "sarif"])
    assert result.exit_code == 1
    output = folder / "check.sarif"
    output.write_text(result.stdout, encoding="utf-8")
    return output


def test_the_official_schema_accepts_it(every_finding: Path) -> None:
    schema = json.loads(tool("sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    log = json.loads(every_finding.read_text(encoding="utf-8"))
    assert [error.message for error in validator.iter_errors(log)] == []
    assert len(log["runs"][0]["results"]) > 40  # the test looks at a real run


def test_the_official_schema_would_see_a_mistake(every_finding: Path) -> None:
    """The counterpart: the same log with a level SARIF does not have is rejected."""
    schema = json.loads(tool("sarif-2.1.0.json").read_text(encoding="utf-8"))
    log = json.loads(every_finding.read_text(encoding="utf-8"))
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert not Draft202012Validator(schema).is_valid(log)


def test_microsofts_validator_finds_no_error_or_warning(
    every_finding: Path, tmp_path: Path
) -> None:
    """Sarif.Multitool checks the schema and the standard's rules beyond it; only its notes
    (advice, such as "give code snippets") may remain, and SARIF2005, which asks for the tool's
    home page: modenhet has no public address yet, and an invented one would be worse."""
    multitool = tool("Sarif.Multitool")
    report = tmp_path / "validation.sarif"
    completed = subprocess.run(
        [str(multitool), "validate", str(every_finding), "--json-schema",
         str(tool("sarif-2.1.0.json")), "--level", "Error;Warning;Note", "-o", str(report)],
        env={**os.environ, "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1"},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout + completed.stderr
    validation = json.loads(report.read_text(encoding="utf-8-sig"))
    (run,) = validation["runs"]
    assert run["invocations"][0]["executionSuccessful"] is True
    problems = [
        (result["ruleId"], result["message"])
        for result in run.get("results", [])
        if result.get("level", "warning") in ("error", "warning")
        and result["ruleId"] != "SARIF2005"
    ]
    assert problems == []
    notes = {result["ruleId"] for result in run["results"]}
    assert notes  # it did look: its advice is there
