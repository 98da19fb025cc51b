"""CEL, Google's Common Expression Language (PyPI `cel-python`): one program per criterion.

The activation binds each factor's object under the factor's ID (as the rule file's `let`s
do; an absent or null factor object is bound as an empty map), `as_of` and `as_of_year`.
An absent field is tested with `has()`: `has(f.x) && f.x >= 1` is false without f.x, since
CEL's `&&` absorbs the error of the other side. A JSON null is present, and comparing it is a
CEL error (cel-python 0.5 has no `x != null` for a number either); an error is CEL's unknown,
and `&&`/`||`/`exists` absorb it exactly where modenhet's unknown is absorbed, so a program
gives true, false or an error, and only true counts. Macros and `years_since` (an extension
function bound to as_of) are guarded by a type test in a conditional, because cel-python
evaluates both sides of `&&` and raises a Python error, not a CEL error, for them on null.
Amounts and shares are compared as `double(x)` (JSON gives an int or a double, and
cel-python has no int-double comparison).
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from bench_evaluate import Doc, years_since

from peers import FACTOR_IDS, LevelsFunction, Peer, evidence_objects, per_criterion_levels


def known(path: str, then: str) -> str:
    """`then` when `path` is present; a JSON null gives a CEL error in `then`."""
    return f"has({path}) && {then}"


def typed(path: str, kind: str, then: str) -> str:
    """`then` only when `path` is present and of `kind`: for macros and functions, which
    cel-python cannot apply to null (it raises a Python error, not a CEL error)."""
    return f"has({path}) && type({path}) == {kind} ? {then} : false"


def flag(path: str) -> str:
    return known(path, f"{path} == true")


def in_list(path: str, *values: str) -> str:
    return known(path, f"{path} in {list(values)!r}")


def has_all(path: str, *items: str) -> str:
    return typed(path, "list", f"{list(items)!r}.all(x, x in {path})")


def has_any(path: str, *items: str) -> str:
    return typed(path, "list", f"{list(items)!r}.exists(x, x in {path})")


def since(path: str, years: int) -> str:
    return typed(path, "string", f"years_since({path}) < {years}")


A, S, C, E, K, P = FACTOR_IDS
PLAN = f"{S}.action_plan"
ORGS = f"{P}.user_organisations"
PLANNING = "'planning' in o.involved_in"
CRITERIA = {
    "anchoring.council_decision":
        known(f"{A}.council_decision_date", f"{A}.council_decision_date <= as_of"),
    "anchoring.admin_owner": flag(f"{A}.admin_owner_in_leadership"),
    "anchoring.shared_goals": flag(f"{A}.shared_goals_document"),
    "anchoring.political_reporting":
        known(f"{A}.political_reports_per_year", f"{A}.political_reports_per_year >= 1"),
    "anchoring.leadership_training": flag(f"{A}.leadership_training_this_term"),
    "anchoring.recent_council_decision":
        since(f"{A}.council_decision_date", 4),
    "anchoring.frequent_reporting":
        known(f"{A}.political_reports_per_year", f"{A}.political_reports_per_year >= 2"),
    "anchoring.annual_joint_review": flag(f"{A}.annual_joint_review"),

    "strategy.needs_overview":
        since(f"{S}.needs_overview_date", 4),
    "strategy.planning_strategy": flag(f"{S}.planning_strategy_covers_housing"),
    "strategy.master_plan_goals": flag(f"{S}.master_plan_goals"),
    "strategy.current_action_plan": known(PLAN, known(f"{PLAN}.status", known(
        f"{PLAN}.period_end", f"{PLAN}.status == 'current' && {PLAN}.period_end >= as_of"))),
    "strategy.measurable_goals": known(PLAN, flag(f"{PLAN}.measurable_goals")),
    "strategy.services_involved":
        known(f"{S}.services_involved", f"size({S}.services_involved) >= 3"),
    "strategy.land_reserved": flag(f"{S}.land_reserved_in_land_use_plan"),
    "strategy.recent_needs_overview":
        since(f"{S}.needs_overview_date", 2),

    "coordination.cross_sector_cooperation":
        in_list(f"{C}.cross_sector_forum", "ad_hoc", "formal_mandate"),
    "coordination.decision_routine": flag(f"{C}.decision_routine"),
    "coordination.formal_forum":
        known(f"{C}.cross_sector_forum", f"{C}.cross_sector_forum == 'formal_mandate'"),
    "coordination.roles_documented": flag(f"{C}.roles_documented"),
    "coordination.nav_agreement":
        known(f"{C}.cooperation_agreements", f"'nav' in {C}.cooperation_agreements"),
    "coordination.regular_meetings":
        known(f"{C}.forum_meetings_per_year", f"{C}.forum_meetings_per_year >= 4"),
    "coordination.single_entry_point": flag(f"{C}.single_entry_point"),
    "coordination.across_government_levels": has_all(
        f"{C}.cooperation_agreements", "specialist_health", "correctional_service", "husbanken"),
    "coordination.broad_partnerships":
        known(f"{C}.cooperation_agreements", f"size({C}.cooperation_agreements) >= 5"),

    "economy.budget_allocated": known(f"{E}.budget_nok", f"double({E}.budget_nok) > 0.0"),
    "economy.startlan": known(f"{E}.instruments_used", f"'startlan' in {E}.instruments_used"),
    "economy.in_economic_plan": flag(f"{E}.in_economic_plan"),
    "economy.dedicated_staff":
        known(f"{E}.housing_social_fte", f"double({E}.housing_social_fte) > 0.0"),
    "economy.three_instruments":
        known(f"{E}.instruments_used", f"size({E}.instruments_used) >= 3"),
    "economy.rental_housing_grants": has_any(
        f"{E}.instruments_used", "tilskot_utleigebustader", "investeringstilskot_omsorgsbustader"),
    "economy.dwellings_per_1000": known(
        f"{E}.municipal_dwellings_per_1000", f"double({E}.municipal_dwellings_per_1000) >= 20.0"),
    "economy.five_instruments":
        known(f"{E}.instruments_used", f"size({E}.instruments_used) >= 5"),

    "competence.kostra_complete": flag(f"{K}.kostra_housing_complete"),
    "competence.statistics_used":
        has_any(f"{K}.knowledge_sources", "kostra", "boligsosial_monitor"),
    "competence.three_sources":
        known(f"{K}.knowledge_sources", f"size({K}.knowledge_sources) >= 3"),
    "competence.network": flag(f"{K}.network_participation"),
    "competence.recent_evaluation":
        known(f"{K}.last_evaluation_year", f"{K}.last_evaluation_year >= as_of_year - 3"),
    "competence.staff_trained_half":
        known(f"{K}.staff_trained_share", f"double({K}.staff_trained_share) >= 0.5"),
    "competence.own_mapping": has_all(f"{K}.knowledge_sources", "homeless_count", "own_survey"),
    "competence.annual_evaluation":
        known(f"{K}.last_evaluation_year", f"{K}.last_evaluation_year >= as_of_year - 1"),
    "competence.staff_trained_most":
        known(f"{K}.staff_trained_share", f"double({K}.staff_trained_share) >= 0.8"),

    "participation.users_informed": in_list(
        f"{P}.involvement_level", "informed", "consulted", "involved", "co_designed"),
    "participation.statutory_councils": has_all(
        f"{P}.councils_consulted", "elderly_council", "disability_council", "youth_council"),
    "participation.users_consulted":
        in_list(f"{P}.involvement_level", "consulted", "involved", "co_designed"),
    "participation.organisations_in_planning": typed(
        ORGS, "list", f"{ORGS}.exists(o, {known('o.involved_in', PLANNING)})"),
    "participation.users_involved": in_list(f"{P}.involvement_level", "involved", "co_designed"),
    "participation.recent_user_survey":
        known(f"{P}.last_user_survey_year", f"{P}.last_user_survey_year >= as_of_year - 2"),
    "participation.changes_documented": flag(f"{P}.changes_from_user_input_documented"),
    "participation.co_designed":
        known(f"{P}.involvement_level", f"{P}.involvement_level == 'co_designed'"),
    "participation.organisations_design_evaluation": typed(
        ORGS, "list", f"{ORGS}.exists(o, {has_all('o.involved_in', 'design', 'evaluation')})"),
    "participation.experience_consultants": known(
        f"{P}.experience_consultants_fte", f"double({P}.experience_consultants_fte) > 0.0"),
}  # fmt: skip


@functools.cache
def compiled() -> tuple[Any, dict[str, Any]]:
    """The environment and each criterion's checked AST: parsed once, whatever the date."""
    import celpy

    env = celpy.Environment()
    return env, {cid: env.compile(text) for cid, text in CRITERIA.items()}


def build(as_of: datetime.date) -> LevelsFunction:
    import celpy
    from celpy import celtypes

    env, asts = compiled()
    functions = {"years_since": lambda date: celtypes.IntType(years_since(date, as_of))}
    checks = {cid: _check(env.program(ast, functions=functions)) for cid, ast in asts.items()}
    constants = {"as_of": celtypes.StringType(as_of.isoformat()),
                 "as_of_year": celtypes.IntType(as_of.year)}  # fmt: skip
    json_to_cel = celpy.json_to_cel

    def bind(doc: Doc) -> list[dict[str, Any]]:
        activation = dict(constants)
        for factor_id, thing in zip(FACTOR_IDS, evidence_objects(doc), strict=True):
            activation[factor_id] = json_to_cel(thing if thing is not None else {})
        return [activation] * len(FACTOR_IDS)

    return per_criterion_levels(checks, bind)


def _check(program: Any) -> Any:
    from celpy import CELEvalError

    def check(activation: dict[str, Any]) -> bool:
        try:
            return program.evaluate(activation) == True  # noqa: E712 (a BoolType)
        except CELEvalError:  # what modenhet calls unknown: not met
            return False

    return check


PEER = Peer(
    name="CEL",
    distribution="cel-python",
    module="celpy",
    missing="factor objects bound in the activation (absent or null: an empty map); `has(f.x) "
    "&& …` for an absent field; a null operand is a CEL error (CEL's unknown), and an error "
    "result counts as not met; a type test in a conditional before macros and years_since",
    build=build,
)
