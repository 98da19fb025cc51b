"""rule-engine (zeroSteiner, PyPI `rule-engine`): one `rule_engine.Rule` per criterion.

Each rule is matched against its factor's object. The context resolves an absent key to null
(`default_value=None`), and every comparison, `in` and `.length` is guarded with `!= null`
(rule-engine raises on `null >= 1` and on `'x' in null`); `and` short-circuits. `as_of` and
`years_since` are built-in symbols (`$as_of`, `$years_since`) bound to the evaluation date.
"""

from __future__ import annotations

import datetime
from typing import Any

from bench_evaluate import Doc, years_since

from peers import EMPTY, LevelsFunction, Peer, evidence_objects, per_criterion_levels

CRITERIA = {
    "anchoring.council_decision":
        "council_decision_date != null and council_decision_date <= $as_of",
    "anchoring.admin_owner": "admin_owner_in_leadership == true",
    "anchoring.shared_goals": "shared_goals_document == true",
    "anchoring.political_reporting":
        "political_reports_per_year != null and political_reports_per_year >= 1",
    "anchoring.leadership_training": "leadership_training_this_term == true",
    "anchoring.recent_council_decision":
        "council_decision_date != null and $years_since(council_decision_date) < 4",
    "anchoring.frequent_reporting":
        "political_reports_per_year != null and political_reports_per_year >= 2",
    "anchoring.annual_joint_review": "annual_joint_review == true",

    "strategy.needs_overview":
        "needs_overview_date != null and $years_since(needs_overview_date) < 4",
    "strategy.planning_strategy": "planning_strategy_covers_housing == true",
    "strategy.master_plan_goals": "master_plan_goals == true",
    "strategy.current_action_plan":
        "action_plan&.status == 'current' and action_plan&.period_end != null"
        " and action_plan&.period_end >= $as_of",
    "strategy.measurable_goals": "action_plan&.measurable_goals == true",
    "strategy.services_involved":
        "services_involved != null and services_involved.length >= 3",
    "strategy.land_reserved": "land_reserved_in_land_use_plan == true",
    "strategy.recent_needs_overview":
        "needs_overview_date != null and $years_since(needs_overview_date) < 2",

    "coordination.cross_sector_cooperation":
        "cross_sector_forum in ['ad_hoc', 'formal_mandate']",
    "coordination.decision_routine": "decision_routine == true",
    "coordination.formal_forum": "cross_sector_forum == 'formal_mandate'",
    "coordination.roles_documented": "roles_documented == true",
    "coordination.nav_agreement":
        "cooperation_agreements != null and 'nav' in cooperation_agreements",
    "coordination.regular_meetings":
        "forum_meetings_per_year != null and forum_meetings_per_year >= 4",
    "coordination.single_entry_point": "single_entry_point == true",
    "coordination.across_government_levels":
        "cooperation_agreements != null and 'specialist_health' in cooperation_agreements"
        " and 'correctional_service' in cooperation_agreements"
        " and 'husbanken' in cooperation_agreements",
    "coordination.broad_partnerships":
        "cooperation_agreements != null and cooperation_agreements.length >= 5",

    "economy.budget_allocated": "budget_nok != null and budget_nok > 0",
    "economy.startlan": "instruments_used != null and 'startlan' in instruments_used",
    "economy.in_economic_plan": "in_economic_plan == true",
    "economy.dedicated_staff": "housing_social_fte != null and housing_social_fte > 0",
    "economy.three_instruments": "instruments_used != null and instruments_used.length >= 3",
    "economy.rental_housing_grants":
        "instruments_used != null and ('tilskot_utleigebustader' in instruments_used"
        " or 'investeringstilskot_omsorgsbustader' in instruments_used)",
    "economy.dwellings_per_1000":
        "municipal_dwellings_per_1000 != null and municipal_dwellings_per_1000 >= 20",
    "economy.five_instruments": "instruments_used != null and instruments_used.length >= 5",

    "competence.kostra_complete": "kostra_housing_complete == true",
    "competence.statistics_used":
        "knowledge_sources != null and ('kostra' in knowledge_sources"
        " or 'boligsosial_monitor' in knowledge_sources)",
    "competence.three_sources": "knowledge_sources != null and knowledge_sources.length >= 3",
    "competence.network": "network_participation == true",
    "competence.recent_evaluation":
        "last_evaluation_year != null and last_evaluation_year >= $as_of_year - 3",
    "competence.staff_trained_half":
        "staff_trained_share != null and staff_trained_share >= 0.5",
    "competence.own_mapping":
        "knowledge_sources != null and 'homeless_count' in knowledge_sources"
        " and 'own_survey' in knowledge_sources",
    "competence.annual_evaluation":
        "last_evaluation_year != null and last_evaluation_year >= $as_of_year - 1",
    "competence.staff_trained_most":
        "staff_trained_share != null and staff_trained_share >= 0.8",

    "participation.users_informed":
        "involvement_level in ['informed', 'consulted', 'involved', 'co_designed']",
    "participation.statutory_councils":
        "councils_consulted != null and 'elderly_council' in councils_consulted"
        " and 'disability_council' in councils_consulted"
        " and 'youth_council' in councils_consulted",
    "participation.users_consulted":
        "involvement_level in ['consulted', 'involved', 'co_designed']",
    "participation.organisations_in_planning":
        "user_organisations != null and $any([o.involved_in != null"
        " and 'planning' in o.involved_in for o in user_organisations])",
    "participation.users_involved": "involvement_level in ['involved', 'co_designed']",
    "participation.recent_user_survey":
        "last_user_survey_year != null and last_user_survey_year >= $as_of_year - 2",
    "participation.changes_documented": "changes_from_user_input_documented == true",
    "participation.co_designed": "involvement_level == 'co_designed'",
    "participation.organisations_design_evaluation":
        "user_organisations != null and $any([o.involved_in != null"
        " and 'design' in o.involved_in and 'evaluation' in o.involved_in"
        " for o in user_organisations])",
    "participation.experience_consultants":
        "experience_consultants_fte != null and experience_consultants_fte > 0",
}  # fmt: skip


def build(as_of: datetime.date) -> LevelsFunction:
    import rule_engine
    from rule_engine.builtins import Builtins
    from rule_engine.types import DataType

    context = rule_engine.Context(default_value=None)
    context.builtins = Builtins.from_defaults(
        {
            "as_of": as_of.isoformat(),
            "as_of_year": as_of.year,
            "years_since": lambda date: years_since(date, as_of),
        },
        value_types={
            "as_of": DataType.STRING,
            "as_of_year": DataType.FLOAT,
            "years_since": DataType.FUNCTION(
                "years_since", return_type=DataType.FLOAT, argument_types=(DataType.STRING,)
            ),
        },
    )
    checks = {cid: rule_engine.Rule(text, context=context).matches
              for cid, text in CRITERIA.items()}  # fmt: skip

    def bind(doc: Doc) -> list[Any]:
        return [EMPTY if thing is None else thing for thing in evidence_objects(doc)]

    return per_criterion_levels(checks, bind)


PEER = Peer(
    name="rule-engine",
    distribution="rule-engine",
    module="rule_engine",
    missing="`default_value=None` makes an absent key null; `x != null and …` guards each "
    "comparison, `in` and `.length`; `&.` for the nested action plan",
    build=build,
)
