"""The default rule set on the shipped samples, against levels worked out by hand from the rule
file (samples/README.md documents each one and why)."""

from __future__ import annotations

import json
from typing import Any

import pytest

import modenhet

from conftest import AS_OF, ROOT, RULES, SAMPLES

FACTORS = ("anchoring", "strategy", "coordination", "economy", "competence", "participation")

# file -> (levels per factor in FACTORS order, overall); computed by hand, see samples/README.md
EXPECTED = {
    "1151-utsira.json": ((1, 1, 1, 1, 1, 1), 1),
    "4642-laerdal.json": ((2, 1, 1, 1, 2, 1), 1),
    "1820-alstahaug.json": ((3, 1, 2, 2, 2, 2), 1),
    "3427-tynset.json": ((3, 3, 2, 3, 3, 2), 2),
    "3301-drammen.json": ((3, 3, 3, 2, 2, 2), 2),
    "1506-molde.json": ((3, 4, 3, 4, 3, 4), 3),
    "5501-tromso.json": ((5, 3, 5, 3, 4, 5), 3),
    "1103-stavanger.json": ((4, 4, 4, 4, 4, 4), 4),
    "4601-bergen.json": ((5, 5, 5, 5, 5, 5), 5),
    # Drammen's submission for 2023, with its number of 2023: the law's floor and nothing else.
    "2024/3005-drammen.json": ((2, 2, 2, 2, 2, 2), 2),
}

# The two samples in samples/partial/, written from public documents with partial values
# (schema 1.1): proven levels and overall, then the level each factor could reach
# (`level_max`), the overall one, and the criteria decided, of 52.
# samples/README.md works these out under 2026.1 (written for 2025.1's fields: most of
# 2026.1's level-2 fields are absent, so most proven levels are 1).
PARTIAL = {
    "partial/3301-drammen.json": ((3, 1, 1, 1, 2, 1), 1),
    "partial/4204-kristiansand.json": ((1, 1, 1, 1, 1, 1), 1),
}

EXPECTED_MAX = {
    "partial/3301-drammen.json": ((3, 5, 5, 5, 5, 5), 3, 10),
    "partial/4204-kristiansand.json": ((5, 5, 5, 5, 5, 3), 3, 8),
}

# Alstahaug: every unknown criterion and its missing paths (samples/README.md).
ALSTAHAUG_UNKNOWN = {
    ("anchoring", "outcome_reporting"): ["evidence.anchoring.outcome_report_date"],
    ("anchoring", "leadership_training"): ["evidence.anchoring.leadership_training_this_term"],
    ("anchoring", "frequent_reporting"): ["evidence.anchoring.political_reports_per_year"],
    ("anchoring", "annual_joint_review"): ["evidence.anchoring.annual_joint_review"],
    ("strategy", "master_plan_goals"): ["evidence.strategy.master_plan_goals"],
    ("strategy", "plan_in_force"): [
        "evidence.strategy.action_plan.period_end",
        "evidence.strategy.integrated_in_master_plan",
    ],
    ("strategy", "outcome_targets"): ["evidence.strategy.outcome_targets"],
    ("strategy", "targets_on_track"): ["evidence.strategy.outcome_targets"],
    ("strategy", "land_reserved"): ["evidence.strategy.land_reserved_in_land_use_plan"],
    ("coordination", "help_counted"): [
        "evidence.individual_help.decisions",
        "evidence.individual_help.applications",
    ],
    ("coordination", "regular_meetings"): ["evidence.coordination.forum_meetings_per_year"],
    ("coordination", "help_processing_time"): ["evidence.individual_help.median_processing_days"],
    ("coordination", "help_no_long_waits"): ["evidence.individual_help.longest_processing_days"],
    ("economy", "dedicated_staff"): ["evidence.economy.housing_social_fte"],
    ("economy", "own_instrument"): ["evidence.economy.own_instruments"],
    ("economy", "ownership_route"): ["evidence.economy.own_instruments"],
    ("economy", "private_rental_agreements"): ["evidence.economy.own_instruments"],
    ("economy", "short_temporary_stays"): [
        "evidence.outcomes.temporary_housing_over_3_months",
        "evidence.outcomes.temporary_housing_households",
    ],
    ("competence", "outcomes_tracked"): [
        "evidence.outcomes.temporary_housing_over_3_months",
        "evidence.outcomes.temporary_housing_households",
        "evidence.outcomes.municipal_dwelling_refusals",
        "evidence.outcomes.waiting_time_days",
        "evidence.outcomes.evictions",
    ],
    ("competence", "staff_trained_half"): ["evidence.competence.staff_trained_share"],
    ("competence", "staff_trained_most"): ["evidence.competence.staff_trained_share"],
    ("competence", "homeless_followed"): [
        "evidence.outcomes.homeless_count",
        "evidence.outcomes.homeless_count_previous",
    ],
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
    top = [p.name for p in SAMPLES.glob("*.json")]
    assert sorted([*top, "2024/3005-drammen.json"]) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_levels(ruleset: modenhet.RuleSet, name: str) -> None:
    levels, overall = EXPECTED[name]
    result = evaluate(ruleset, name)
    assert tuple(result.factors) == FACTORS
    assert tuple(f.level for f in result.factors.values()) == levels
    assert result.overall == overall


ARCHIVE = ROOT / "tests" / "archive"


def _samples_of_schema_1_0() -> dict[str, Any]:
    """The samples as they were in schema 1.0 (tests/archive/samples-1.0/), and Lærdal's
    submission for 2023, which was never changed."""
    found = {
        path.stem: json.loads(path.read_text("utf-8"))
        for path in sorted((ARCHIVE / "samples-1.0").glob("*.json"))
    }
    laerdal = json.loads((SAMPLES / "2024" / "4642-laerdal.json").read_text("utf-8"))
    return {**found, "2024/4642-laerdal": laerdal}


def test_the_archived_tests_hold_the_samples_of_schema_1_0() -> None:
    from modenhet.authoring.ruletests.yamlfile import YamlDocument

    archived = ARCHIVE / "bustadsosialt-2025.1.test.yaml"
    documents = YamlDocument(str(archived), archived.read_text("utf-8")).value["documents"]
    samples = _samples_of_schema_1_0()
    assert len(documents) == 8
    assert documents == {name: samples[name] for name in documents}


@pytest.mark.parametrize("name", sorted(_samples_of_schema_1_0()))
def test_every_sample_of_schema_1_0_still_validates(ruleset: modenhet.RuleSet, name: str) -> None:
    document = _samples_of_schema_1_0()[name]
    assert document["schema_version"] == "1.0"
    assert ruleset.validate(document) == []


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
    total = len(ruleset.model.criteria)
    assert (result.overall_max, result.decided) == (overall_max, (decided, total))


def test_drammen_partial_month_still_decides(ruleset: modenhet.RuleSet) -> None:
    """Council decision "2021-06": every day of June 2021 is exactly four years before
    2025-06-30 or more, so "renewed in the last four years" is not met, partial or not."""
    result = evaluate(ruleset, "partial/3301-drammen.json")
    statuses = {c.id: c.status for c in result.factors["anchoring"].criteria}
    assert statuses["recent_council_decision"] == "not_met"
    assert statuses["council_decision"] == "met"
    assert "recent_council_decision" in [c.id for c in result.factors["anchoring"].gap]


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
        "strategy": ["targets_on_track", "recent_needs_overview"],
        "coordination": ["across_government_levels", "help_no_long_waits"],
        "economy": ["private_rental_agreements", "short_temporary_stays"],
        "competence": ["staff_trained_most"],
        "participation": ["co_designed", "organisations_design_evaluation"],
    }
    assert all(c.status == "not_met" for f in result.factors.values() for c in f.gap)


def test_bergen_has_no_gap(ruleset: modenhet.RuleSet) -> None:
    result = evaluate(ruleset, "4601-bergen.json")
    assert all(f.gap == [] and f.next_level is None for f in result.factors.values())
    assert all(c.status == "met" for f in result.factors.values() for c in f.criteria)


def test_default_rule_set_is_complete(ruleset: modenhet.RuleSet) -> None:
    """Every level 2-5 of every factor has criteria, each with advice and ref; level 2 is the
    legal floor and nothing else: every criterion there is `legal`, and none above it is."""
    assert ruleset.version == "2026.1"
    assert [level.number for level in ruleset.levels] == [1, 2, 3, 4, 5]
    assert tuple(f.id for f in ruleset.factors) == FACTORS
    for factor in ruleset.factors:
        assert [b.number for b in factor.blocks] == [2, 3, 4, 5]
        for block in factor.blocks:
            assert 1 <= len(block.criteria) <= 6
            for criterion in block.criteria:
                assert criterion.advice and criterion.ref, criterion.id
                assert criterion.legal == (block.number == 2), criterion.id
    assert ruleset.warnings == []


def test_every_recency_check_refuses_dates_after_as_of(ruleset: modenhet.RuleSet) -> None:
    """Each criterion that reads a date or a year of something done is not met when that date
    or year lies after as_of, whatever else Bergen (every criterion met) has."""
    bergen = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    del bergen["submitted"]  # a date after the submission is a warning of validation only
    future = {
        ("anchoring", "council_decision_date"): "2025-07-01",
        ("anchoring", "outcome_report_date"): "2025-07-01",
        ("strategy", "needs_overview_date"): "2027-01-01",
        ("competence", "last_evaluation_year"): 2026,
        ("participation", "last_user_survey_year"): 2026,
    }
    readers = {
        "council_decision_date": {"council_decision", "recent_council_decision"},
        "outcome_report_date": {"outcome_reporting"},
        "needs_overview_date": {"needs_overview", "recent_needs_overview"},
        "last_evaluation_year": {"recent_evaluation", "annual_evaluation"},
        "last_user_survey_year": {"recent_user_survey"},
    }
    for (factor, key), value in future.items():
        document = json.loads(json.dumps(bergen))
        document["evidence"][factor][key] = value
        assert ruleset.validate(document) == [], key
        result = ruleset.evaluate(document, as_of=AS_OF)
        not_met = {c.id for c in result.factors[factor].criteria if c.status == "not_met"}
        assert not_met == readers[key], key


def test_the_law_alone_is_level_2_and_a_missed_duty_is_level_1(ruleset: modenhet.RuleSet) -> None:
    """Drammen 2023 meets every «skal» and nothing else: level 2 everywhere. Without any one
    legal criterion's evidence, its factor is at 1."""
    drammen = json.loads((SAMPLES / "2024" / "3005-drammen.json").read_text("utf-8"))
    result = ruleset.evaluate(drammen, as_of=AS_OF)
    assert {f.id: f.level for f in result.factors.values()} == dict.fromkeys(FACTORS, 2)
    floor = {
        (factor.id, criterion.id)
        for factor in result.factors.values()
        for criterion in factor.criteria
        if criterion.legal
    }
    assert all(c.status == "met" for f in result.factors.values() for c in f.criteria if c.legal)
    # Each legal criterion depends on one field here: take it away, and the factor is at 1.
    field = {
        "council_decision": ("anchoring", "council_decision_date"),
        "needs_overview": ("strategy", "needs_overview_date"),
        "master_plan_goals": ("strategy", "master_plan_goals"),
        "cross_sector_cooperation": ("coordination", "cross_sector_forum"),
        "public_actors": ("coordination", "public_partners"),
        "nav_takes_part": ("coordination", "nav_takes_part"),
        "help_unit": ("individual_help", "designated_unit"),
        "help_routine": ("individual_help", "decision_routine"),
        "help_appeal": ("individual_help", "appeal_to_statsforvaltar"),
        "in_economic_plan": ("economy", "in_economic_plan"),
        "temporary_housing_offer": ("individual_help", "temporary_housing_offer"),
        "overview_based_on_data": ("competence", "knowledge_sources"),
        "statutory_councils": ("participation", "councils_consulted"),
        "users_consulted": ("participation", "involvement_level"),
    }
    assert {criterion for _, criterion in floor} == set(field)
    for factor_id, criterion_id in floor:
        document = json.loads(json.dumps(drammen))
        place, key = field[criterion_id]
        del document["evidence"][place][key]
        levels = ruleset.evaluate(document, as_of=AS_OF).factors
        assert levels[factor_id].level == 1, criterion_id


def test_a_comment_says_why_each_level_is_there() -> None:
    """docs/ruleset.md: above each level block of the default rule set, a comment."""
    lines = RULES.read_text("utf-8").splitlines()
    blocks = [n for n, line in enumerate(lines) if line.strip().startswith("level ")]
    assert len(blocks) == 6 * 4
    for n in blocks:
        assert lines[n - 1].strip().startswith("#"), f"{RULES.name}:{n + 1}: {lines[n]}"
