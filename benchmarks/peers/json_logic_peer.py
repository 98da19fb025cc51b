"""JsonLogic (PyPI `panzi-json-logic`): one rule, as JSON data, per criterion.

Each rule is applied to its factor's object. `{"var": …}` gives null for an absent key, a null
value or an absent object, and JsonLogic then coerces like JavaScript (null >= 0 is true), so
every comparison of a scalar is guarded with the spec's own test for "absent or null":
`{"!": {"missing": [key]}}`. `in`, `some` and `reduce` are already false (or 0) on a null list,
and booleans are compared with `===` to `true`. `count` is a `reduce`; `years_since` is the one
added operation (the documented way to extend JsonLogic). `as_of` is written into the rules.
"""

from __future__ import annotations

import datetime
from typing import Any

from bench_evaluate import years_since

from peers import LevelsFunction, Peer, evidence_objects, per_criterion_levels

Rule = dict[str, Any]


def var(key: str) -> Rule:
    return {"var": key}


def known(key: str, rule: Rule) -> Rule:
    """`rule`, but only when `key` is present and not null."""
    return {"and": [{"!": {"missing": [key]}}, rule]}


def true(key: str) -> Rule:
    return {"===": [var(key), True]}


def count(key: str) -> Rule:
    return {"reduce": [var(key), {"+": [{"var": "accumulator"}, 1]}, 0]}


def has_all(key: str, *items: str) -> Rule:
    return {"and": [{"in": [item, var(key)]} for item in items]}


def has_any(key: str, *items: str) -> Rule:
    return {"or": [{"in": [item, var(key)]} for item in items]}


def rules(as_of: datetime.date) -> dict[str, Rule]:
    """The 52 criteria for one evaluation date."""
    iso, year = as_of.isoformat(), as_of.year
    decided, overview = "council_decision_date", "needs_overview_date"
    return {
        "anchoring.council_decision": known(decided, {"<=": [var(decided), iso]}),
        "anchoring.admin_owner": true("admin_owner_in_leadership"),
        "anchoring.shared_goals": true("shared_goals_document"),
        "anchoring.political_reporting": known(
            "political_reports_per_year", {">=": [var("political_reports_per_year"), 1]}
        ),
        "anchoring.leadership_training": true("leadership_training_this_term"),
        "anchoring.recent_council_decision": known(
            decided, {"<": [{"years_since": var(decided)}, 4]}
        ),
        "anchoring.frequent_reporting": known(
            "political_reports_per_year", {">=": [var("political_reports_per_year"), 2]}
        ),
        "anchoring.annual_joint_review": true("annual_joint_review"),
        "strategy.needs_overview": known(overview, {"<": [{"years_since": var(overview)}, 4]}),
        "strategy.planning_strategy": true("planning_strategy_covers_housing"),
        "strategy.master_plan_goals": true("master_plan_goals"),
        "strategy.current_action_plan": {
            "and": [
                {"==": [var("action_plan.status"), "current"]},
                known("action_plan.period_end", {">=": [var("action_plan.period_end"), iso]}),
            ]
        },
        "strategy.measurable_goals": true("action_plan.measurable_goals"),
        "strategy.services_involved": {">=": [count("services_involved"), 3]},
        "strategy.land_reserved": true("land_reserved_in_land_use_plan"),
        "strategy.recent_needs_overview": known(
            overview, {"<": [{"years_since": var(overview)}, 2]}
        ),
        "coordination.cross_sector_cooperation": {
            "in": [var("cross_sector_forum"), ["ad_hoc", "formal_mandate"]]
        },
        "coordination.decision_routine": true("decision_routine"),
        "coordination.formal_forum": {"==": [var("cross_sector_forum"), "formal_mandate"]},
        "coordination.roles_documented": true("roles_documented"),
        "coordination.nav_agreement": {"in": ["nav", var("cooperation_agreements")]},
        "coordination.regular_meetings": known(
            "forum_meetings_per_year", {">=": [var("forum_meetings_per_year"), 4]}
        ),
        "coordination.single_entry_point": true("single_entry_point"),
        "coordination.across_government_levels": has_all(
            "cooperation_agreements", "specialist_health", "correctional_service", "husbanken"
        ),
        "coordination.broad_partnerships": {">=": [count("cooperation_agreements"), 5]},
        "economy.budget_allocated": known("budget_nok", {">": [var("budget_nok"), 0]}),
        "economy.startlan": {"in": ["startlan", var("instruments_used")]},
        "economy.in_economic_plan": true("in_economic_plan"),
        "economy.dedicated_staff": known(
            "housing_social_fte", {">": [var("housing_social_fte"), 0]}
        ),
        "economy.three_instruments": {">=": [count("instruments_used"), 3]},
        "economy.rental_housing_grants": has_any(
            "instruments_used", "tilskot_utleigebustader", "investeringstilskot_omsorgsbustader"
        ),
        "economy.dwellings_per_1000": known(
            "municipal_dwellings_per_1000", {">=": [var("municipal_dwellings_per_1000"), 20]}
        ),
        "economy.five_instruments": {">=": [count("instruments_used"), 5]},
        "competence.kostra_complete": true("kostra_housing_complete"),
        "competence.statistics_used": has_any("knowledge_sources", "kostra", "boligsosial_monitor"),
        "competence.three_sources": {">=": [count("knowledge_sources"), 3]},
        "competence.network": true("network_participation"),
        "competence.recent_evaluation": known(
            "last_evaluation_year", {">=": [var("last_evaluation_year"), {"-": [year, 3]}]}
        ),
        "competence.staff_trained_half": known(
            "staff_trained_share", {">=": [var("staff_trained_share"), 0.5]}
        ),
        "competence.own_mapping": has_all("knowledge_sources", "homeless_count", "own_survey"),
        "competence.annual_evaluation": known(
            "last_evaluation_year", {">=": [var("last_evaluation_year"), {"-": [year, 1]}]}
        ),
        "competence.staff_trained_most": known(
            "staff_trained_share", {">=": [var("staff_trained_share"), 0.8]}
        ),
        "participation.users_informed": {
            "in": [var("involvement_level"), ["informed", "consulted", "involved", "co_designed"]]
        },
        "participation.statutory_councils": has_all(
            "councils_consulted", "elderly_council", "disability_council", "youth_council"
        ),
        "participation.users_consulted": {
            "in": [var("involvement_level"), ["consulted", "involved", "co_designed"]]
        },
        "participation.organisations_in_planning": {
            "some": [var("user_organisations"), {"in": ["planning", var("involved_in")]}]
        },
        "participation.users_involved": {
            "in": [var("involvement_level"), ["involved", "co_designed"]]
        },
        "participation.recent_user_survey": known(
            "last_user_survey_year", {">=": [var("last_user_survey_year"), {"-": [year, 2]}]}
        ),
        "participation.changes_documented": true("changes_from_user_input_documented"),
        "participation.co_designed": {"==": [var("involvement_level"), "co_designed"]},
        "participation.organisations_design_evaluation": {
            "some": [var("user_organisations"), has_all("involved_in", "design", "evaluation")]
        },
        "participation.experience_consultants": known(
            "experience_consultants_fte", {">": [var("experience_consultants_fte"), 0]}
        ),
    }


def build(as_of: datetime.date) -> LevelsFunction:
    from json_logic import jsonLogic  # panzi-json-logic
    from json_logic.builtins import BUILTINS

    operations = {**BUILTINS, "years_since": lambda _data, date: years_since(date, as_of)}

    def check(rule: Rule) -> Any:
        return lambda thing: jsonLogic(rule, thing, operations) is True

    checks = {cid: check(rule) for cid, rule in rules(as_of).items()}
    return per_criterion_levels(checks, evidence_objects)


PEER = Peer(
    name="JsonLogic",
    distribution="panzi-json-logic",
    module="json_logic",
    missing="`var` is null for an absent key or null value; scalar comparisons guarded with "
    '`{"!": {"missing": [key]}}`; `in`/`some`/`reduce` are false or 0 on null; `===` true',
    build=build,
)
