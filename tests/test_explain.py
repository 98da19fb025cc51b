"""`modenhet explain`: the values that put each factor where it stands, without opening the
rule file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from modenhet.cli import main

from conftest import ROOT

AS_OF = ["--as-of", "2025-06-30"]


def explain(*args: str) -> Result:
    return CliRunner().invoke(main, ["explain", "--lang", "en", *args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_a_weak_sample_shows_the_values_that_stopped_each_factor() -> None:
    result = explain("samples/1820-alstahaug.json", *AS_OF)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("Alstahaug (1820) · samples/1820-alstahaug.json · as of 30.06.2025\n")
    # strategy stops at 1: the goals in the kommuneplan (a «skal», so marked §) are null
    strategy = out[out.index("Overordna strategi:") : out.index("Organisering og samordning:")]
    # 1–4: master_plan_goals (2) unknown; level 5's recent_needs_overview (2022-10-01,
    # `years_since` 2) is not met. Unknown: master_plan_goals, plan_in_force, outcome_targets,
    # targets_on_track, land_reserved: 4 of the 9 decided.
    assert (
        "level 1–4 Innleiande – Styrt (4 of 9 decided) — stops here: level 2 has 1 of 2 "
        "criteria met" in strategy
    )
    assert "§ master_plan_goals (level 2)" in strategy
    assert (
        "? strategi.master_plan_goals — missing: Mål i kommuneplanen  "
        "(#/evidence/strategy/master_plan_goals)" in strategy
    )
    # anchoring stops at 3: the council decision 2021-03-25 is 4 years old, not < 4
    assert "= years_since(forankring.council_decision_date): 4" in out
    # coordination stops at 2: § 6 applications and decisions are null, so help_counted is
    # unknown (not "not met"), and both are what to collect next
    assert "? hjelp.decisions <= hjelp.applications — unknown" in out
    assert (
        "? hjelp.applications — missing: Søknader etter § 6  "
        "(#/evidence/individual_help/applications)" in out
    )
    assert "+ evidence.individual_help.applications «Søknader etter § 6»" in out
    # participation: element 0 unknown, element 1 false, so `any` is unknown
    assert '? o = element [0] "planning" in o.involved_in — unknown' in out
    pointer = "#/evidence/participation/user_organisations/1/involved_in"
    assert f'= o.involved_in: ["evaluation"]  ({pointer})' in out


def test_a_computed_let_shows_how_it_was_computed(tmp_path: Path) -> None:
    rules = tmp_path / "r.rules"
    rules.write_text(
        'ruleset "R"\nlevels { 1 "A" 2 "B" }\n'
        "let per_innbyggjar = evidence.economy.budget_nok / municipality.population\n"
        'factor economy "Økonomi" { level 2 { criterion per_capita "Per innbyggjar" '
        "when per_innbyggjar >= 10 } }\n",
        encoding="utf-8",
    )
    doc = tmp_path / "doc.json"
    doc.write_text(
        json.dumps(
            {
                "municipality": {"number": "1151", "name": "Utsira", "population": 200},
                "evidence": {"economy": {"budget_nok": 1000}},
            }
        ),
        encoding="utf-8",
    )
    result = explain(str(doc), "-r", str(rules), *AS_OF)
    assert result.exit_code == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "✗ per_innbyggjar >= 10 — false" in lines
    assert "= per_innbyggjar: 5.0" in lines
    assert (
        "= let per_innbyggjar = evidence.economy.budget_nok / municipality.population: 5.0" in lines
    )
    assert "= evidence.economy.budget_nok: 1000  (#/evidence/economy/budget_nok)" in lines
    assert "= municipality.population: 200  (#/municipality/population)" in lines


def test_json_format_and_all() -> None:
    result = explain(
        "samples/4642-laerdal.json", *AS_OF, "--factor", "strategy", "--all", "-f", "json"
    )
    report = json.loads(result.stdout)
    (strategy,) = report["factors"]
    # Lærdal's overview is from 2019 and it has no goals in the kommuneplan: 0 of 2 at level 2.
    assert strategy["level"] == 1 and strategy["next"] == {"level": 2, "met": 0, "of": 2}
    assert len(strategy["criteria"]) == 9  # --all: every criterion of the factor (2 + 3 + 1 + 3)
    first = strategy["criteria"][0]
    assert (first["id"], first["status"], first["legal"]) == ("needs_overview", "not_met", True)
    why = first["why"]
    assert why["outcome"] == "false" and why["expression"] == (
        "strategi.needs_overview_date <= as_of and years_since(strategi.needs_overview_date) < 4"
    )
    not_after, recent = why["children"]
    assert (not_after["outcome"], recent["outcome"]) == ("true", "false")
    (years,) = recent["children"]
    assert years["value"] == 5
    (date,) = years["children"]
    assert (date["value"], date["pointer"]) == (
        "2019-09-01",
        "/evidence/strategy/needs_overview_date",
    )


def test_unknown_factor() -> None:
    result = explain("samples/4642-laerdal.json", "--factor", "strategi")
    assert result.exit_code == 2
    assert "--factor strategi: error: no such factor (did you mean strategy?)" in result.stderr


def test_invalid_evidence_is_a_problem() -> None:
    result = explain("tests/evidence_negative/10-enum.json", *AS_OF)
    assert result.exit_code == 1
    assert "#/evidence/strategy/action_plan/status: error:" in result.stderr


def test_one_document_only(tmp_path: Path) -> None:
    result = explain("samples/")
    assert result.exit_code == 2
    assert "explain takes one document; this holds 9" in result.stderr
