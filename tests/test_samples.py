"""The default rule set on the shipped samples, against levels worked out by hand from the rule
file (samples/README.md documents each one and why)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import modenhet

from conftest import AS_OF, RULES, SAMPLES

FACTORS = ("anchoring", "strategy", "coordination", "economy", "competence", "participation")

# file -> (levels per factor in FACTORS order, overall); computed by hand, see samples/README.md
EXPECTED = {
    "1151-utsira.json": ((1, 1, 1, 1, 1, 1), 1),
    "4642-laerdal.json": ((2, 1, 2, 2, 2, 2), 1),
    "1820-alstahaug.json": ((2, 2, 3, 2, 3, 2), 2),
    "3427-tynset.json": ((3, 2, 2, 3, 2, 3), 2),
    "1506-molde.json": ((3, 4, 3, 4, 3, 4), 3),
    "5501-tromso.json": ((5, 3, 5, 3, 4, 5), 3),
    "1103-stavanger.json": ((4, 4, 4, 4, 4, 4), 4),
    "4601-bergen.json": ((5, 5, 5, 5, 5, 5), 5),
}

# The two samples in samples/partial/, written from public documents with partial values
# (schema 1.1): proven levels and overall, then the level each factor could reach
# (`level_max`), the overall one, and the criteria decided, of 52.
PARTIAL = {
    "partial/3301-drammen.json": ((3, 1, 1, 2, 1, 1), 1),
    "partial/4204-kristiansand.json": ((1, 2, 1, 1, 1, 1), 1),
}

EXPECTED_MAX = {
    "partial/3301-drammen.json": ((3, 5, 5, 5, 5, 5), 3, 15),
    "partial/4204-kristiansand.json": ((5, 5, 5, 5, 5, 3), 3, 10),
}

# Alstahaug: every unknown criterion and its missing paths (samples/README.md).
ALSTAHAUG_UNKNOWN = {
    ("anchoring", "political_reporting"): ["evidence.anchoring.political_reports_per_year"],
    ("anchoring", "leadership_training"): ["evidence.anchoring.leadership_training_this_term"],
    ("anchoring", "frequent_reporting"): ["evidence.anchoring.political_reports_per_year"],
    ("anchoring", "annual_joint_review"): ["evidence.anchoring.annual_joint_review"],
    ("strategy", "master_plan_goals"): ["evidence.strategy.master_plan_goals"],
    ("strategy", "current_action_plan"): ["evidence.strategy.action_plan.period_end"],
    ("strategy", "land_reserved"): ["evidence.strategy.land_reserved_in_land_use_plan"],
    ("coordination", "regular_meetings"): ["evidence.coordination.forum_meetings_per_year"],
    ("economy", "dedicated_staff"): ["evidence.economy.housing_social_fte"],
    ("economy", "dwellings_per_1000"): ["evidence.economy.municipal_dwellings_per_1000"],
    ("competence", "staff_trained_half"): ["evidence.competence.staff_trained_share"],
    ("competence", "staff_trained_most"): ["evidence.competence.staff_trained_share"],
    ("participation", "organisations_in_planning"): [
        "evidence.participation.user_organisations[0].involved_in"
    ],
    ("participation", "recent_user_survey"): ["evidence.participation.last_user_survey_year"],
    ("participation", "organisations_design_evaluation"): [
        "evidence.participation.user_organisations[0].involved_in"
    ],
    ("participation", "experience_consultants"): [
        "evidence.participation.experience_consultants_fte"
    ],
}


@pytest.fixture(scope="module")
def ruleset() -> modenhet.RuleSet:
    return modenhet.load_ruleset(RULES)


def evaluate(ruleset: modenhet.RuleSet, name: str) -> Any:
    return ruleset.evaluate(json.loads((SAMPLES / name).read_text("utf-8")), as_of=AS_OF)


def test_every_sample_is_listed() -> None:
    assert sorted(p.name for p in SAMPLES.glob("*.json")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_levels(ruleset: modenhet.RuleSet, name: str) -> None:
    levels, overall = EXPECTED[name]
    result = evaluate(ruleset, name)
    assert tuple(result.factors) == FACTORS
    assert tuple(f.level for f in result.factors.values()) == levels
    assert result.overall == overall


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_samples_validate(ruleset: modenhet.RuleSet, name: str) -> None:
    document = json.loads((SAMPLES / name).read_text("utf-8"))
    assert ruleset.validate(document) == []


@pytest.mark.parametrize("name", sorted(EXPECTED_MAX))
def test_partial_samples(ruleset: modenhet.RuleSet, name: str) -> None:
    levels, overall = PARTIAL[name]
    levels_max, overall_max, decided = EXPECTED_MAX[name]
    document = json.loads((SAMPLES / name).read_text("utf-8"))
    assert ruleset.validate(document) == []
    assert document["schema_version"] == "1.1"
    result = evaluate(ruleset, name)
    assert tuple(f.level for f in result.factors.values()) == levels
    assert result.overall == overall
    assert tuple(f.level_max for f in result.factors.values()) == levels_max
    assert (result.overall_max, result.decided) == (overall_max, (decided, 52))


def test_drammen_partial_month_still_decides(ruleset: modenhet.RuleSet) -> None:
    """Council decision "2021-06": every day of June 2021 is exactly four years before
    2025-06-30 or more, so "renewed in the last four years" is not met, partial or not."""
    result = evaluate(ruleset, "partial/3301-drammen.json")
    statuses = {c.id: c.status for c in result.factors["anchoring"].criteria}
    assert statuses["recent_council_decision"] == "not_met"
    assert statuses["council_decision"] == "met"
    assert result.factors["anchoring"].gap[0].id == "leadership_training"


def test_samples_span_every_level() -> None:
    assert {overall for _, overall in EXPECTED.values()} == {1, 2, 3, 4, 5}


def test_alstahaug_unknowns(ruleset: modenhet.RuleSet) -> None:
    result = evaluate(ruleset, "1820-alstahaug.json")
    unknown = {
        (factor.id, criterion.id): criterion.missing
        for factor in result.factors.values()
        for criterion in factor.criteria
        if criterion.status == "unknown"
    }
    assert unknown == ALSTAHAUG_UNKNOWN


def test_stavanger_gaps(ruleset: modenhet.RuleSet) -> None:
    result = evaluate(ruleset, "1103-stavanger.json")
    gaps = {fid: [c.id for c in f.gap] for fid, f in result.factors.items()}
    assert gaps == {
        "anchoring": ["annual_joint_review"],
        "strategy": ["recent_needs_overview"],
        "coordination": ["across_government_levels"],
        "economy": ["dwellings_per_1000"],
        "competence": ["staff_trained_most"],
        "participation": ["co_designed", "organisations_design_evaluation"],
    }
    assert all(c.status == "not_met" for f in result.factors.values() for c in f.gap)


def test_bergen_has_no_gap(ruleset: modenhet.RuleSet) -> None:
    result = evaluate(ruleset, "4601-bergen.json")
    assert all(f.gap == [] and f.next_level is None for f in result.factors.values())
    assert all(c.status == "met" for f in result.factors.values() for c in f.criteria)


def test_default_rule_set_is_complete(ruleset: modenhet.RuleSet) -> None:
    """Every level 2-5 of every factor has 1-4 criteria, each with advice and ref."""
    assert [level.number for level in ruleset.levels] == [1, 2, 3, 4, 5]
    assert tuple(f.id for f in ruleset.factors) == FACTORS
    for factor in ruleset.factors:
        assert [b.number for b in factor.blocks] == [2, 3, 4, 5]
        for block in factor.blocks:
            assert 1 <= len(block.criteria) <= 4
            for criterion in block.criteria:
                assert criterion.advice and criterion.ref, criterion.id
    assert ruleset.warnings == []
