"""Negative evidence: one file per kind of problem, each giving exit status 1 and a located
message from `validate` and from `evaluate`, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from modenhet.cli import main

from conftest import ROOT

FOLDER = Path(__file__).parent / "evidence_negative"

# file -> (where, after the file name; message fragment)
EXPECTED = {
    "01-duplicate-key.json": (":69#/evidence/economy/budget_nok", "appears more than once"),
    "02-nan.json": ("", "NaN is not a valid JSON value"),
    "03-infinity.json": ("", "Infinity is not a valid JSON value"),
    "04-latin1.json": ("", "not UTF-8: byte 46 (0xe6)"),
    "05-empty.json": ("", "the document is empty"),
    "06-top-level-list.json": ("", "must be a JSON object, not a list"),
    "07-trailing-text.json": (":177", "unexpected text after the JSON value"),
    "08-too-deep.json": (":1", "nested more than 64 levels deep"),
    "09-misspelt-key.json": (
        ":84#/evidence/economy/budget_nkk",
        "is not a known key (did you mean 'budget_nok'?)",
    ),
    "10-enum.json": (
        ":27#/evidence/strategy/action_plan/status",
        'must be one of none, outdated, current; got "gjeldande"',
    ),
    "11-wrong-type.json": (
        ":13#/evidence/anchoring/admin_owner_in_leadership",
        'must be true or false or null; got "ja"',
    ),
    "12-date-form.json": (
        ":23#/evidence/strategy/needs_overview_date",
        "is not a date: a date is written YYYY-MM-DD, or YYYY or YYYY-MM when only the year or "
        'the month is known; got "01.03.2024"',
    ),
    "13-no-such-day.json": (
        ":23#/evidence/strategy/needs_overview_date",
        "is not a date: a date is written YYYY-MM-DD, or YYYY or YYYY-MM when only the year or "
        'the month is known; got "2024-02-30"',
    ),
    "14-unknown-municipality.json": (
        ":4#/municipality/number",
        "4699 is not one of the 357 municipalities of 2024 (Bergen is 4601)",
    ),
    "15-missing-name.json": (":3#/municipality/name", "`municipality.name` is required"),
    "16-number-form.json": (":4#/municipality/number", "must match the pattern ^[0-9]{4}$"),
    "17-share-above-one.json": (
        ":97#/evidence/competence/staff_trained_share",
        "must be at most 1; got 85",
    ),
    "18-nfc-duplicate-keys.json": (":1#/blå", "the key 'blå' appears more than once"),
    "19-jsonl-broken-line.jsonl": (":3", "not valid JSON: Expecting value"),
    "20-negative-amount.json": (":68#/evidence/economy/budget_nok", "must be at least 0; got -5"),
}


def test_every_file_has_an_expectation() -> None:
    assert sorted(p.name for p in FOLDER.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 15


@pytest.mark.parametrize("name", sorted(EXPECTED))
@pytest.mark.parametrize("command", ["validate", "evaluate"])
def test_problem_is_located(name: str, command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    where, fragment = EXPECTED[name]
    path = f"tests/evidence_negative/{name}"
    result = CliRunner().invoke(
        main,
        [
            command,
            path,
            "--lang",
            "en",
            *(["--as-of", "2025-06-30"] if command == "evaluate" else []),
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors, result.stderr
    location, _, message = errors[0].partition(": error: ")
    assert location == path + where
    assert fragment in message


def test_a_real_process_on_the_whole_folder_reports_every_file() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "modenhet", "evaluate", str(FOLDER), "-f", "csv"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    rows = completed.stdout.splitlines()[1:]
    assert len(rows) == len(EXPECTED) + 2  # the JSONL file also has two good lines
    assert sum(1 for row in rows if row.endswith(",,")) == 2  # only those: no errors, no warnings
