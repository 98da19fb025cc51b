# The 52 criteria of rules/bustadsosialt.rules in Rego, for levels only.
#
# input is the evidence document; data.params.as_of the evaluation date (YYYY-MM-DD).
# A criterion is in `met` only when its body holds. An absent key makes a reference undefined,
# so the body does not hold; a null value is kept out by a type test (`is_number`, `is_string`,
# `== true`), because Rego orders values of different types (null < number < string) instead
# of failing. `in`, `some … in` and `every` see no member in an absent or null list.
package modenhet

import rego.v1

as_of := data.params.as_of

as_of_year := to_number(substring(as_of, 0, 4))

as_of_month_day := substring(as_of, 5, 5)

# The rule file's lets.
anchoring := input.evidence.anchoring

strategy := input.evidence.strategy

action_plan := strategy.action_plan

coordination := input.evidence.coordination

economy := input.evidence.economy

competence := input.evidence.competence

participation := input.evidence.participation

# Whole years from a YYYY-MM-DD date to as_of; 29 February is 28 February in a year that is
# not a leap year.
years_since(date) := (as_of_year - to_number(substring(date, 0, 4))) - before(anniversary(substring(date, 5, 5))) if {
	is_string(date)
}

anniversary(month_day) := "02-28" if {
	month_day == "02-29"
	not leap_year(as_of_year)
} else := month_day

before(month_day) := 1 if month_day > as_of_month_day

else := 0

leap_year(year) if {
	year % 4 == 0
	year % 100 != 0
}

leap_year(year) if year % 400 == 0

# ---------------------------------------------------------------- Forankring og eigarskap

met contains "anchoring.council_decision" if {
	is_string(anchoring.council_decision_date)
	anchoring.council_decision_date <= as_of
}

met contains "anchoring.admin_owner" if anchoring.admin_owner_in_leadership == true

met contains "anchoring.shared_goals" if anchoring.shared_goals_document == true

met contains "anchoring.political_reporting" if {
	is_number(anchoring.political_reports_per_year)
	anchoring.political_reports_per_year >= 1
}

met contains "anchoring.leadership_training" if anchoring.leadership_training_this_term == true

met contains "anchoring.recent_council_decision" if years_since(anchoring.council_decision_date) < 4

met contains "anchoring.frequent_reporting" if {
	is_number(anchoring.political_reports_per_year)
	anchoring.political_reports_per_year >= 2
}

met contains "anchoring.annual_joint_review" if anchoring.annual_joint_review == true

# ---------------------------------------------------------------- Overordna strategi

met contains "strategy.needs_overview" if years_since(strategy.needs_overview_date) < 4

met contains "strategy.planning_strategy" if strategy.planning_strategy_covers_housing == true

met contains "strategy.master_plan_goals" if strategy.master_plan_goals == true

met contains "strategy.current_action_plan" if {
	action_plan.status == "current"
	is_string(action_plan.period_end)
	action_plan.period_end >= as_of
}

met contains "strategy.measurable_goals" if action_plan.measurable_goals == true

met contains "strategy.services_involved" if {
	is_array(strategy.services_involved)
	count(strategy.services_involved) >= 3
}

met contains "strategy.land_reserved" if strategy.land_reserved_in_land_use_plan == true

met contains "strategy.recent_needs_overview" if years_since(strategy.needs_overview_date) < 2

# ---------------------------------------------------------------- Organisering og samordning

met contains "coordination.cross_sector_cooperation" if {
	coordination.cross_sector_forum in {"ad_hoc", "formal_mandate"}
}

met contains "coordination.decision_routine" if coordination.decision_routine == true

met contains "coordination.formal_forum" if coordination.cross_sector_forum == "formal_mandate"

met contains "coordination.roles_documented" if coordination.roles_documented == true

met contains "coordination.nav_agreement" if "nav" in coordination.cooperation_agreements

met contains "coordination.regular_meetings" if {
	is_number(coordination.forum_meetings_per_year)
	coordination.forum_meetings_per_year >= 4
}

met contains "coordination.single_entry_point" if coordination.single_entry_point == true

met contains "coordination.across_government_levels" if {
	every agreement in {"specialist_health", "correctional_service", "husbanken"} {
		agreement in coordination.cooperation_agreements
	}
}

met contains "coordination.broad_partnerships" if {
	is_array(coordination.cooperation_agreements)
	count(coordination.cooperation_agreements) >= 5
}

# ---------------------------------------------------------------- Økonomiske ressursar

met contains "economy.budget_allocated" if {
	is_number(economy.budget_nok)
	economy.budget_nok > 0
}

met contains "economy.startlan" if "startlan" in economy.instruments_used

met contains "economy.in_economic_plan" if economy.in_economic_plan == true

met contains "economy.dedicated_staff" if {
	is_number(economy.housing_social_fte)
	economy.housing_social_fte > 0
}

met contains "economy.three_instruments" if {
	is_array(economy.instruments_used)
	count(economy.instruments_used) >= 3
}

met contains "economy.rental_housing_grants" if {
	some grant in {"tilskot_utleigebustader", "investeringstilskot_omsorgsbustader"}
	grant in economy.instruments_used
}

met contains "economy.dwellings_per_1000" if {
	is_number(economy.municipal_dwellings_per_1000)
	economy.municipal_dwellings_per_1000 >= 20
}

met contains "economy.five_instruments" if {
	is_array(economy.instruments_used)
	count(economy.instruments_used) >= 5
}

# ---------------------------------------------------------------- Kompetanse

met contains "competence.kostra_complete" if competence.kostra_housing_complete == true

met contains "competence.statistics_used" if {
	some source in {"kostra", "boligsosial_monitor"}
	source in competence.knowledge_sources
}

met contains "competence.three_sources" if {
	is_array(competence.knowledge_sources)
	count(competence.knowledge_sources) >= 3
}

met contains "competence.network" if competence.network_participation == true

met contains "competence.recent_evaluation" if {
	is_number(competence.last_evaluation_year)
	competence.last_evaluation_year >= as_of_year - 3
}

met contains "competence.staff_trained_half" if {
	is_number(competence.staff_trained_share)
	competence.staff_trained_share >= 0.5
}

met contains "competence.own_mapping" if {
	every source in {"homeless_count", "own_survey"} {
		source in competence.knowledge_sources
	}
}

met contains "competence.annual_evaluation" if {
	is_number(competence.last_evaluation_year)
	competence.last_evaluation_year >= as_of_year - 1
}

met contains "competence.staff_trained_most" if {
	is_number(competence.staff_trained_share)
	competence.staff_trained_share >= 0.8
}

# ---------------------------------------------------------------- Brukarmedverknad

met contains "participation.users_informed" if {
	participation.involvement_level in {"informed", "consulted", "involved", "co_designed"}
}

met contains "participation.statutory_councils" if {
	every council in {"elderly_council", "disability_council", "youth_council"} {
		council in participation.councils_consulted
	}
}

met contains "participation.users_consulted" if {
	participation.involvement_level in {"consulted", "involved", "co_designed"}
}

met contains "participation.organisations_in_planning" if {
	some organisation in participation.user_organisations
	"planning" in organisation.involved_in
}

met contains "participation.users_involved" if {
	participation.involvement_level in {"involved", "co_designed"}
}

met contains "participation.recent_user_survey" if {
	is_number(participation.last_user_survey_year)
	participation.last_user_survey_year >= as_of_year - 2
}

met contains "participation.changes_documented" if {
	participation.changes_from_user_input_documented == true
}

met contains "participation.co_designed" if participation.involvement_level == "co_designed"

met contains "participation.organisations_design_evaluation" if {
	some organisation in participation.user_organisations
	every work in {"design", "evaluation"} {
		work in organisation.involved_in
	}
}

met contains "participation.experience_consultants" if {
	is_number(participation.experience_consultants_fte)
	participation.experience_consultants_fte > 0
}

# ---------------------------------------------------------------- levels

# Each factor's blocks, level 2 first: a factor reaches a level when every criterion of every
# block up to it is met.
blocks := {
	"anchoring": [
		{"anchoring.council_decision", "anchoring.admin_owner"},
		{"anchoring.shared_goals", "anchoring.political_reporting"},
		{"anchoring.leadership_training", "anchoring.recent_council_decision"},
		{"anchoring.frequent_reporting", "anchoring.annual_joint_review"},
	],
	"strategy": [
		{"strategy.needs_overview", "strategy.planning_strategy"},
		{"strategy.master_plan_goals", "strategy.current_action_plan"},
		{"strategy.measurable_goals", "strategy.services_involved"},
		{"strategy.land_reserved", "strategy.recent_needs_overview"},
	],
	"coordination": [
		{"coordination.cross_sector_cooperation", "coordination.decision_routine"},
		{"coordination.formal_forum", "coordination.roles_documented", "coordination.nav_agreement"},
		{"coordination.regular_meetings", "coordination.single_entry_point"},
		{"coordination.across_government_levels", "coordination.broad_partnerships"},
	],
	"economy": [
		{"economy.budget_allocated", "economy.startlan"},
		{"economy.in_economic_plan", "economy.dedicated_staff"},
		{"economy.three_instruments", "economy.rental_housing_grants"},
		{"economy.dwellings_per_1000", "economy.five_instruments"},
	],
	"competence": [
		{"competence.kostra_complete", "competence.statistics_used"},
		{"competence.three_sources", "competence.network"},
		{"competence.recent_evaluation", "competence.staff_trained_half"},
		{"competence.own_mapping", "competence.annual_evaluation", "competence.staff_trained_most"},
	],
	"participation": [
		{"participation.users_informed", "participation.statutory_councils"},
		{"participation.users_consulted", "participation.organisations_in_planning"},
		{"participation.users_involved", "participation.recent_user_survey", "participation.changes_documented"},
		{"participation.co_designed", "participation.organisations_design_evaluation", "participation.experience_consultants"},
	],
}

# A factor stops below its first block with a criterion not met (block n is level n + 2).
level[factor] := 1 + min({count(factor_blocks)} | {n | some n; count(factor_blocks[n] - met) > 0}) if {
	some factor, factor_blocks in blocks
}

result := {
	"levels": [
		level.anchoring, level.strategy, level.coordination,
		level.economy, level.competence, level.participation,
	],
	"overall": min({l | some l in level}),
}
