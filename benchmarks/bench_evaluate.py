"""Benchmark: the engine against a hand-written evaluation of the default rule set.

Generates N schema-valid evidence documents (fixed seed, dates relative to --as-of), checks that
the engine and a plain-Python, hand-written evaluation of rule set 2025.1
(`rules/archive/bustadsosialt-2025.1.rules`, the default until 2026.1) agree on
every one of them, then times both, interleaved, for the levels only and for the full result,
and times loading (parse, include, check, compile) the default rule set.

    cd /work/main && PYTHONPATH=src python benchmarks/bench_evaluate.py [--documents N] [--seed S]

Exit status: 0 when everything agrees (whether or not the targets are met), 1 on the first
disagreement between the engine and the hand-written code, 2 when a generated document does not
follow the evidence schema.
"""

from __future__ import annotations

import argparse
import calendar
import cProfile
import datetime
import json
import platform
import pstats
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
from tabulate import tabulate

import modenhet

ROOT = Path(__file__).resolve().parent.parent
# The hand-written twin below, the peers and the figures in docs/performance.md are of rule set
# 2025.1 (52 criteria), kept in rules/archive/ since the default became 2026.1.
RULES = ROOT / "rules" / "archive" / "bustadsosialt-2025.1.rules"
SCHEMA = ROOT / "schemas" / "evidence.schema.json"
SAMPLES = ROOT / "samples"
AS_OF = datetime.date(2025, 6, 30)
# Extra evaluation dates for the agreement check only: a leap day, and 28 February of non-leap
# years two and four years after a leap day (where `years_since` of a 29 February date differs
# from a naive month/day comparison).
EDGE_AS_OF = (datetime.date(2024, 2, 29), datetime.date(2026, 2, 28), datetime.date(2028, 2, 28))
LEVELS_TARGET, FULL_TARGET = 3.0, 6.0
LEVELS_GOAL, FULL_GOAL = 1.5, 4.0

Doc = dict[str, Any]

# ====================================================================== evidence generator

SERVICES = ["nav", "health_care", "mental_health_substance_abuse", "child_welfare",
            "elderly_care", "disability_services", "refugee_service", "housing_office",
            "planning", "property", "public_health"]  # fmt: skip
AGREEMENTS = ["nav", "specialist_health", "correctional_service", "imdi", "ngo", "husbanken",
              "neighbouring_municipalities", "housing_cooperative"]  # fmt: skip
GOVERNMENT = ["specialist_health", "correctional_service", "husbanken"]
INSTRUMENTS = ["startlan", "tilskot_etablering", "tilskot_tilpassing", "tilskot_utleigebustader",
               "bustotte", "investeringstilskot_omsorgsbustader", "kompetansetilskot"]  # fmt: skip
RENTAL_GRANTS = ["tilskot_utleigebustader", "investeringstilskot_omsorgsbustader"]
KNOWLEDGE = ["kostra", "boligsosial_monitor", "homeless_count", "own_survey",
             "public_health_overview"]  # fmt: skip
COUNCILS = ["elderly_council", "disability_council", "youth_council"]
INVOLVEMENT = ["none", "informed", "consulted", "involved", "co_designed"]
WORK = ["planning", "design", "evaluation"]
ORGANISATIONS = ["Mental Helse", "RIO", "Kirkens Bymisjon", "FFO", "Leieboerforeningen",
                 "Frelsesarmeen", "Blå Kors", "Pensjonistforbundet"]  # fmt: skip
MUNICIPALITIES = [("0301", "Oslo"), ("1103", "Stavanger"), ("1151", "Utsira"),
                  ("1506", "Molde"), ("1820", "Alstahaug"), ("3427", "Tynset"),
                  ("4601", "Bergen"), ("4642", "Lærdal"), ("5001", "Trondheim"),
                  ("5501", "Tromsø"), ("3301", "Drammen"), ("4204", "Kristiansand")]  # fmt: skip
SOURCE_KINDS = ["planning_strategy", "master_plan_social", "action_plan", "economic_plan",
                "needs_overview", "evaluation", "user_survey", "statistics", "other"]  # fmt: skip
FACTOR_KEYS = ["anchoring", "strategy", "coordination", "economy", "competence", "participation"]
# The lowest level whose criteria read a field: basics are documented more often than the rest.
FIELD_LEVEL = {
    "council_decision_date": 2, "admin_owner_in_leadership": 2, "needs_overview_date": 2,
    "planning_strategy_covers_housing": 2, "cross_sector_forum": 2, "decision_routine": 2,
    "budget_nok": 2, "instruments_used": 2, "kostra_housing_complete": 2,
    "knowledge_sources": 2, "involvement_level": 2, "councils_consulted": 2,
    "leadership_training_this_term": 4, "measurable_goals": 4, "services_involved": 4,
    "forum_meetings_per_year": 4, "single_entry_point": 4, "last_evaluation_year": 4,
    "staff_trained_share": 4, "last_user_survey_year": 4,
    "changes_from_user_input_documented": 4, "annual_joint_review": 5,
    "land_reserved_in_land_use_plan": 5, "municipal_dwellings_per_1000": 5,
    "experience_consultants_fte": 5,
}  # fmt: skip
GAP_WEIGHT = {2: 0.4, 3: 1.0, 4: 1.4, 5: 1.8}  # times the document's gap rate


def add_years(date: datetime.date, years: int) -> datetime.date:
    """`date` plus whole years, 29 February becoming 28 February in other years."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


class EvidenceGenerator:
    """Schema-valid evidence documents with a realistic spread of maturity and of gaps.

    Each document gets a maturity (1-5); each factor a target level near it. A criterion at or
    below the target is usually met, one above it sometimes. Then fields go missing or null at a
    per-document rate (0 for well-documented municipalities, more often the mature ones), and
    whole factor objects now and then.
    """

    def __init__(self, seed: int, as_of: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.as_of = as_of
        self.leap_days = [datetime.date(y, 2, 29) for y in range(as_of.year - 12, as_of.year + 3)
                          if calendar.isleap(y)]  # fmt: skip
        self.fields = 0  # optional fields generated under evidence (whole factors included)
        self.gaps = 0  # of which absent or null
        self.leap_dates = 0  # 29 February dates generated in fields the rules read

    # -- small helpers

    def oracle(self, target: int) -> Callable[[int], bool]:
        """Whether the criterion at `level` should be met, for a factor aiming at `target`."""
        rng = self.rng
        return lambda level: rng.random() < (0.99 if level <= target else 0.3)

    def date(self, youngest: float, oldest: float, edges: Iterable[int] = ()) -> str:
        """An ISO date between `youngest` and `oldest` years before as_of (negative: after),
        now and then exactly on (or a day beside) a whole-year boundary or on 29 February."""
        rng, as_of = self.rng, self.as_of
        edges = list(edges)
        draw = rng.random()
        if edges and draw < 0.12:
            day = add_years(as_of, -rng.choice(edges)) + datetime.timedelta(rng.choice((-1, 0, 1)))
        elif draw >= 0.98:
            lo = as_of - datetime.timedelta(days=round(oldest * 365.25) + 1)
            hi = as_of - datetime.timedelta(days=round(youngest * 365.25) - 1)
            near = [d for d in self.leap_days if lo <= d <= hi] or self.leap_days
            day = rng.choice(near)
        else:
            lo_days = round(youngest * 365.25)
            days = rng.randint(lo_days, max(round(oldest * 365.25) - 1, lo_days))
            day = as_of - datetime.timedelta(days=days)
        if day.month == 2 and day.day == 29:
            self.leap_dates += 1
        return day.isoformat()

    def amount(self, lo: float, hi: float) -> int | float:
        value = self.rng.uniform(lo, hi)
        return round(value) if self.rng.random() < 0.5 else round(value, 2)

    def pick(self, pool: list[str], size: int, required: Iterable[str] = ()) -> list[str]:
        chosen = list(dict.fromkeys(required))
        rest = [x for x in pool if x not in chosen]
        chosen += self.rng.sample(rest, max(0, min(size - len(chosen), len(rest))))
        self.rng.shuffle(chosen)
        return chosen

    def thin(self, obj: dict[str, Any], rate: float, keep: Iterable[str] = ()) -> None:
        """Drop (60 %) or null (40 %) each field with probability `rate` times its weight."""
        rng = self.rng
        for key in [k for k in obj if k not in keep]:
            self.fields += 1
            if rng.random() < rate * GAP_WEIGHT[FIELD_LEVEL.get(key, 3)]:
                self.gaps += 1
                if rng.random() < 0.6:
                    del obj[key]
                else:
                    obj[key] = None

    def source_ids(self) -> list[str]:
        return [f"dok-{self.rng.randint(1, 40)}"]

    # -- the six factors

    def anchoring(self, ok: Callable[[int], bool]) -> dict[str, Any]:
        if not ok(2):
            date = self.date(-1.5, 0, (0,)) if self.rng.random() < 0.5 else self.date(4, 12, (4,))
        elif ok(4):
            date = self.date(0, 4, (0, 4))
        else:
            date = self.date(4, 12, (4,))
        reports = self.rng.randint(2, 6) if ok(3) and ok(5) else 1 if ok(3) else 0
        return {
            "council_decision_date": date,
            "admin_owner_in_leadership": ok(2),
            "political_reports_per_year": reports,
            "shared_goals_document": ok(3),
            "leadership_training_this_term": ok(4),
            "annual_joint_review": ok(5),
            "source_ids": self.source_ids(),
        }

    def strategy(self, ok: Callable[[int], bool]) -> dict[str, Any]:
        rng = self.rng
        if ok(2):
            overview = self.date(0, 2, (0, 2)) if ok(5) else self.date(2, 4, (2, 4))
        else:
            overview = self.date(4, 10, (4,))
        current = ok(3)
        plan: dict[str, Any] = {
            "status": "current" if current else rng.choice(["none", "outdated", "current"]),
            "adopted_date": self.date(0, 8),
            "period_end": self.date(-5, 0, (0,)) if current else self.date(0, 6, (0,)),
            "measurable_goals": ok(4),
            "source_id": "handlingsplan",
        }
        services = rng.randint(3, len(SERVICES)) if ok(4) else rng.randint(0, 2)
        return {
            "needs_overview_date": overview,
            "planning_strategy_covers_housing": ok(2),
            "master_plan_goals": ok(3),
            "action_plan": plan,
            "land_reserved_in_land_use_plan": ok(5),
            "services_involved": self.pick(SERVICES, services),
            "source_ids": self.source_ids(),
        }

    def coordination(self, ok: Callable[[int], bool]) -> dict[str, Any]:
        rng = self.rng
        forum = "formal_mandate" if ok(3) else "ad_hoc" if ok(2) else "none"
        required = (["nav"] if ok(3) else []) + [g for g in GOVERNMENT if ok(5)]
        pool = [a for a in AGREEMENTS if a != "nav" or "nav" in required]
        size = rng.randint(5, len(AGREEMENTS)) if ok(5) else rng.randint(0, 4)
        return {
            "cross_sector_forum": forum,
            "forum_meetings_per_year": rng.randint(4, 12) if ok(4) else rng.randint(0, 3),
            "roles_documented": ok(3),
            "single_entry_point": ok(4),
            "cooperation_agreements": self.pick(pool, size, required),
            "decision_routine": ok(2),
            "source_ids": self.source_ids(),
        }

    def economy(self, ok: Callable[[int], bool]) -> dict[str, Any]:
        rng = self.rng
        required = (["startlan"] if ok(2) else []) + ([rng.choice(RENTAL_GRANTS)] if ok(4) else [])
        pool = [i for i in INSTRUMENTS if i in required or i not in ("startlan", *RENTAL_GRANTS)
                or rng.random() < 0.3]  # fmt: skip
        size = rng.randint(5, 7) if ok(5) else rng.randint(3, 4) if ok(4) else rng.randint(0, 2)
        if ok(5):
            dwellings = rng.choice([20, 20.0, self.amount(20, 35)])
        else:
            dwellings = rng.choice([19.9, self.amount(3, 19.8)])
        return {
            "in_economic_plan": ok(3),
            "budget_nok": self.amount(50_000, 120_000_000) if ok(2) else 0,
            "housing_social_fte": self.amount(0.5, 60) if ok(3) else 0,
            "instruments_used": self.pick(pool, size, required),
            "municipal_dwellings_per_1000": dwellings,
            "startlan_per_1000": self.amount(0, 5),
            "net_opex_housing_per_capita": round(rng.uniform(-200, 900), 1),
            "source_ids": self.source_ids(),
        }

    def competence(self, ok: Callable[[int], bool]) -> dict[str, Any]:
        rng, year = self.rng, self.as_of.year
        required = [rng.choice(["kostra", "boligsosial_monitor"])] if ok(2) else []
        required += ["homeless_count", "own_survey"] if ok(5) else []
        pool = [k for k in KNOWLEDGE if k in required or k not in ("kostra", "boligsosial_monitor")
                or ok(2)]  # fmt: skip
        size = rng.randint(3, 5) if ok(3) else rng.randint(0, 2)
        if ok(4):
            evaluated = rng.randint(year - 1, year) if ok(5) else rng.randint(year - 3, year - 2)
        else:
            evaluated = rng.randint(2005, year - 4)
        if ok(4):
            share = (
                rng.choice([0.8, 1, round(rng.uniform(0.8, 1), 2)])
                if ok(5)
                else rng.choice([0.5, round(rng.uniform(0.5, 0.79), 2)])
            )
        else:
            share = rng.choice([0, 0.49, round(rng.uniform(0, 0.49), 2)])
        return {
            "knowledge_sources": self.pick(pool, size, required),
            "kostra_housing_complete": ok(2),
            "last_evaluation_year": evaluated,
            "network_participation": ok(3),
            "staff_trained_share": share,
            "source_ids": self.source_ids(),
        }

    def participation(self, ok: Callable[[int], bool], rate: float) -> dict[str, Any]:
        rng, year = self.rng, self.as_of.year
        involvement = 0
        for level in (2, 3, 4, 5):
            if not ok(level):
                break
            involvement += 1
        organisations = [
            {"name": rng.choice(ORGANISATIONS), "involved_in": rng.sample(WORK, rng.randint(0, 3))}
            for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4]))
        ]
        if ok(3):
            if not organisations:
                organisations.append({"name": rng.choice(ORGANISATIONS), "involved_in": []})
            chosen = rng.choice(organisations)["involved_in"]
            if "planning" not in chosen:
                chosen.append("planning")
        else:
            for organisation in organisations:
                organisation["involved_in"] = [w for w in organisation["involved_in"]
                                               if w != "planning"]  # fmt: skip
        if ok(5) and organisations:
            chosen = rng.choice(organisations)["involved_in"]
            chosen += [w for w in ("design", "evaluation") if w not in chosen]
        elif organisations:
            for organisation in organisations:
                work = organisation["involved_in"]
                if "design" in work and "evaluation" in work:
                    work.remove(rng.choice(["design", "evaluation"]))
        for organisation in organisations:
            self.thin(organisation, rate, keep=("name",))
        councils = list(COUNCILS) if ok(2) else self.pick(COUNCILS, rng.randint(0, 2))
        return {
            "user_organisations": organisations,
            "involvement_level": INVOLVEMENT[involvement],
            "councils_consulted": councils,
            "last_user_survey_year": rng.randint(year - 2, year)
            if ok(4)
            else rng.randint(2010, year - 3),
            "experience_consultants_fte": self.amount(0.5, 5) if ok(5) else 0,
            "changes_from_user_input_documented": ok(4),
            "source_ids": self.source_ids(),
        }

    # -- one document

    def document(self) -> Doc:
        rng = self.rng
        maturity = rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 3, 2, 1.5])[0]
        complete = rng.random() < 0.1 + 0.18 * (maturity - 1)
        rate = 0.0 if complete else rng.uniform(0.1, 0.45)
        evidence: dict[str, Any] = {}
        for key in FACTOR_KEYS:
            target = min(5, max(1, maturity + rng.choices([-1, 0, 1], weights=[8, 67, 25])[0]))
            ok = self.oracle(target)
            draw = rng.random()
            if not complete and draw < 0.03:  # the whole factor is not documented
                self.fields += 1
                self.gaps += 1
                if draw < 0.01:
                    evidence[key] = None
                continue
            if key == "participation":
                obj = self.participation(ok, rate)
            else:
                obj = getattr(self, key)(ok)
            if key == "strategy":
                self.thin(obj["action_plan"], rate)
            self.thin(obj, rate)
            evidence[key] = obj
        code, name = rng.choice(MUNICIPALITIES)
        doc: Doc = {
            "schema_version": "1.0",
            "municipality": {
                "number": code,
                "name": name,
                "population": rng.choice([None, rng.randint(200, 720_000)]),
            },
            "year": self.as_of.year - 1,
            "submitted": self.date(0, 0.5),
        }
        if complete or rng.random() > 0.01:  # a very few submissions carry no evidence at all
            doc["evidence"] = evidence
        doc["sources"] = [
            {"id": f"dok-{i}", "title": f"Dokument {i}", "kind": rng.choice(SOURCE_KINDS),
             "date": self.date(0, 6), "case_number": None, "url": None}
            for i in rng.sample(range(1, 41), rng.randint(0, 3))
        ]  # fmt: skip
        return doc

    def documents(self, count: int) -> list[Doc]:
        docs = [self.document() for _ in range(count)]
        # Round-trip through JSON, so the documents are exactly what a JSON parser gives.
        return json.loads(json.dumps(docs, ensure_ascii=False))  # type: ignore[no-any-return]


# ============================================================== the hand-written evaluation
#
# rules/bustadsosialt.rules written out by hand, the way one would for speed: dict.get chains,
# no framework. It assumes schema-valid evidence (as generated above), so no type errors arise.
# Dates are YYYY-MM-DD strings, which compare like the dates they write.

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
_MET: tuple[str, tuple[str, ...]] = (MET, ())
_NOT: tuple[str, tuple[str, ...]] = (NOT_MET, ())
_EMPTY: dict[str, Any] = {}
Outcome = tuple[str, tuple[str, ...]]

INFORMED = frozenset(INVOLVEMENT[1:])
CONSULTED = frozenset(INVOLVEMENT[2:])
INVOLVED = frozenset(INVOLVEMENT[3:])


def _unknowns(factor: str, *keys: str) -> dict[str, Outcome]:
    return {key: (UNKNOWN, (f"evidence.{factor}.{key}",)) for key in keys}


UA = _unknowns("anchoring", "council_decision_date", "admin_owner_in_leadership",
               "shared_goals_document", "political_reports_per_year",
               "leadership_training_this_term", "annual_joint_review")  # fmt: skip
US = _unknowns("strategy", "needs_overview_date", "planning_strategy_covers_housing",
               "master_plan_goals", "action_plan.status", "action_plan.period_end",
               "action_plan.measurable_goals", "services_involved",
               "land_reserved_in_land_use_plan")  # fmt: skip
U_PLAN_BOTH: Outcome = (UNKNOWN, US["action_plan.status"][1] + US["action_plan.period_end"][1])
UC = _unknowns(
    "coordination",
    "cross_sector_forum",
    "decision_routine",
    "roles_documented",
    "cooperation_agreements",
    "forum_meetings_per_year",
    "single_entry_point",
)
UE = _unknowns("economy", "budget_nok", "instruments_used", "in_economic_plan",
               "housing_social_fte", "municipal_dwellings_per_1000")  # fmt: skip
UK = _unknowns(
    "competence",
    "kostra_housing_complete",
    "knowledge_sources",
    "network_participation",
    "last_evaluation_year",
    "staff_trained_share",
)
UP = _unknowns("participation", "involvement_level", "councils_consulted", "user_organisations",
               "last_user_survey_year", "changes_from_user_input_documented",
               "experience_consultants_fte")  # fmt: skip
ORGANISATION_PATH = "evidence.participation.user_organisations[{}].involved_in"


def years_since(text: str, as_of: datetime.date) -> int:
    """Whole years from a YYYY-MM-DD date to as_of; 29 February + n years is 28 February in
    a year that is not a leap year."""
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:10])
    if month == 2 and day == 29 and not calendar.isleap(as_of.year):
        day = 28
    years = as_of.year - year
    if as_of.month < month or (as_of.month == month and as_of.day < day):
        years -= 1
    return years


def _flag(value: Any, unknown: Outcome) -> Outcome:
    return _MET if value is True else _NOT if value is False else unknown


# -- levels only: a criterion counts only when met, so unknown and not met are alike


def levels_only(doc: Doc, as_of: datetime.date) -> tuple[tuple[int, ...], int]:
    """The six factor levels and the overall level (min), and nothing else."""
    evidence = doc.get("evidence") or _EMPTY
    iso, year = as_of.isoformat(), as_of.year
    levels = (
        _anchoring_level(evidence.get("anchoring") or _EMPTY, iso, as_of),
        _strategy_level(evidence.get("strategy") or _EMPTY, iso, as_of),
        _coordination_level(evidence.get("coordination") or _EMPTY),
        _economy_level(evidence.get("economy") or _EMPTY),
        _competence_level(evidence.get("competence") or _EMPTY, year),
        _participation_level(evidence.get("participation") or _EMPTY, year),
    )
    return levels, min(levels)


def _anchoring_level(a: dict[str, Any], iso: str, as_of: datetime.date) -> int:
    get = a.get
    date = get("council_decision_date")
    if date is None or date > iso or get("admin_owner_in_leadership") is not True:
        return 1
    reports = get("political_reports_per_year")
    if get("shared_goals_document") is not True or reports is None or reports < 1:
        return 2
    if get("leadership_training_this_term") is not True or years_since(date, as_of) >= 4:
        return 3
    if reports < 2 or get("annual_joint_review") is not True:
        return 4
    return 5


def _strategy_level(s: dict[str, Any], iso: str, as_of: datetime.date) -> int:
    get = s.get
    date = get("needs_overview_date")
    if date is None or get("planning_strategy_covers_housing") is not True:
        return 1
    years = years_since(date, as_of)
    if years >= 4:
        return 1
    plan = get("action_plan") or _EMPTY
    end = plan.get("period_end")
    if (get("master_plan_goals") is not True or plan.get("status") != "current"
            or end is None or end < iso):  # fmt: skip
        return 2
    services = get("services_involved")
    if plan.get("measurable_goals") is not True or services is None or len(services) < 3:
        return 3
    if get("land_reserved_in_land_use_plan") is not True or years >= 2:
        return 4
    return 5


def _coordination_level(c: dict[str, Any]) -> int:
    get = c.get
    forum = get("cross_sector_forum")
    if (forum != "ad_hoc" and forum != "formal_mandate") or get("decision_routine") is not True:
        return 1
    agreements = get("cooperation_agreements")
    if (forum != "formal_mandate" or get("roles_documented") is not True
            or agreements is None or "nav" not in agreements):  # fmt: skip
        return 2
    meetings = get("forum_meetings_per_year")
    if meetings is None or meetings < 4 or get("single_entry_point") is not True:
        return 3
    if ("specialist_health" not in agreements or "correctional_service" not in agreements
            or "husbanken" not in agreements or len(agreements) < 5):  # fmt: skip
        return 4
    return 5


def _economy_level(e: dict[str, Any]) -> int:
    get = e.get
    budget, instruments = get("budget_nok"), get("instruments_used")
    if budget is None or budget <= 0 or instruments is None or "startlan" not in instruments:
        return 1
    staff = get("housing_social_fte")
    if get("in_economic_plan") is not True or staff is None or staff <= 0:
        return 2
    if len(instruments) < 3 or (
        "tilskot_utleigebustader" not in instruments
        and "investeringstilskot_omsorgsbustader" not in instruments
    ):
        return 3
    dwellings = get("municipal_dwellings_per_1000")
    if dwellings is None or dwellings < 20 or len(instruments) < 5:
        return 4
    return 5


def _competence_level(k: dict[str, Any], year: int) -> int:
    get = k.get
    sources = get("knowledge_sources")
    if (get("kostra_housing_complete") is not True or sources is None
            or ("kostra" not in sources and "boligsosial_monitor" not in sources)):  # fmt: skip
        return 1
    if len(sources) < 3 or get("network_participation") is not True:
        return 2
    evaluated, share = get("last_evaluation_year"), get("staff_trained_share")
    if evaluated is None or evaluated < year - 3 or share is None or share < 0.5:
        return 3
    if ("homeless_count" not in sources or "own_survey" not in sources
            or evaluated < year - 1 or share < 0.8):  # fmt: skip
        return 4
    return 5


def _participation_level(p: dict[str, Any], year: int) -> int:
    get = p.get
    involvement, councils = get("involvement_level"), get("councils_consulted")
    if (
        involvement not in INFORMED
        or councils is None
        or "elderly_council" not in councils
        or "disability_council" not in councils
        or "youth_council" not in councils
    ):
        return 1
    organisations = get("user_organisations")
    if involvement not in CONSULTED or organisations is None:
        return 2
    for organisation in organisations:
        work = organisation.get("involved_in")
        if work is not None and "planning" in work:
            break
    else:
        return 2
    survey = get("last_user_survey_year")
    if (involvement not in INVOLVED or survey is None or survey < year - 2
            or get("changes_from_user_input_documented") is not True):  # fmt: skip
        return 3
    staff = get("experience_consultants_fte")
    if involvement != "co_designed" or staff is None or staff <= 0:
        return 4
    for organisation in organisations:
        work = organisation.get("involved_in")
        if work is not None and "design" in work and "evaluation" in work:
            return 5
    return 4


# -- the full result: every criterion's status, the missing paths of the unknown ones, the gap


def _anchoring(a: dict[str, Any], iso: str, as_of: datetime.date) -> tuple[Outcome, ...]:
    get = a.get
    date = get("council_decision_date")
    if date is None:
        decided = recent = UA["council_decision_date"]
    else:
        decided = _MET if date <= iso else _NOT
        recent = _MET if years_since(date, as_of) < 4 else _NOT
    reports = get("political_reports_per_year")
    if reports is None:
        reporting = frequent = UA["political_reports_per_year"]
    else:
        reporting = _MET if reports >= 1 else _NOT
        frequent = _MET if reports >= 2 else _NOT
    return (
        decided,
        _flag(get("admin_owner_in_leadership"), UA["admin_owner_in_leadership"]),
        _flag(get("shared_goals_document"), UA["shared_goals_document"]),
        reporting,
        _flag(get("leadership_training_this_term"), UA["leadership_training_this_term"]),
        recent,
        frequent,
        _flag(get("annual_joint_review"), UA["annual_joint_review"]),
    )


def _strategy(s: dict[str, Any], iso: str, as_of: datetime.date) -> tuple[Outcome, ...]:
    get = s.get
    date = get("needs_overview_date")
    if date is None:
        overview = recent = US["needs_overview_date"]
    else:
        years = years_since(date, as_of)
        overview = _MET if years < 4 else _NOT
        recent = _MET if years < 2 else _NOT
    plan = get("action_plan") or _EMPTY
    status, end = plan.get("status"), plan.get("period_end")
    # status == "current" and period_end >= as_of: false wins; else the unknown operands' paths
    if (status is not None and status != "current") or (end is not None and end < iso):
        current = _NOT
    elif status is None:
        current = US["action_plan.status"] if end is not None else U_PLAN_BOTH
    elif end is None:
        current = US["action_plan.period_end"]
    else:
        current = _MET
    services = get("services_involved")
    return (
        overview,
        _flag(get("planning_strategy_covers_housing"), US["planning_strategy_covers_housing"]),
        _flag(get("master_plan_goals"), US["master_plan_goals"]),
        current,
        _flag(plan.get("measurable_goals"), US["action_plan.measurable_goals"]),
        US["services_involved"] if services is None else _MET if len(services) >= 3 else _NOT,
        _flag(get("land_reserved_in_land_use_plan"), US["land_reserved_in_land_use_plan"]),
        recent,
    )


def _coordination(c: dict[str, Any], iso: str, as_of: datetime.date) -> tuple[Outcome, ...]:
    get = c.get
    forum = get("cross_sector_forum")
    if forum is None:
        cooperation = formal = UC["cross_sector_forum"]
    else:
        cooperation = _MET if forum == "ad_hoc" or forum == "formal_mandate" else _NOT
        formal = _MET if forum == "formal_mandate" else _NOT
    agreements = get("cooperation_agreements")
    if agreements is None:
        nav = government = partners = UC["cooperation_agreements"]
    else:
        nav = _MET if "nav" in agreements else _NOT
        government = _MET if ("specialist_health" in agreements
                              and "correctional_service" in agreements
                              and "husbanken" in agreements) else _NOT  # fmt: skip
        partners = _MET if len(agreements) >= 5 else _NOT
    meetings = get("forum_meetings_per_year")
    return (
        cooperation,
        _flag(get("decision_routine"), UC["decision_routine"]),
        formal,
        _flag(get("roles_documented"), UC["roles_documented"]),
        nav,
        UC["forum_meetings_per_year"] if meetings is None else _MET if meetings >= 4 else _NOT,
        _flag(get("single_entry_point"), UC["single_entry_point"]),
        government,
        partners,
    )


def _economy(e: dict[str, Any], iso: str, as_of: datetime.date) -> tuple[Outcome, ...]:
    get = e.get
    budget, staff = get("budget_nok"), get("housing_social_fte")
    dwellings = get("municipal_dwellings_per_1000")
    instruments = get("instruments_used")
    if instruments is None:
        startlan = three = grants = five = UE["instruments_used"]
    else:
        startlan = _MET if "startlan" in instruments else _NOT
        three = _MET if len(instruments) >= 3 else _NOT
        grants = (
            _MET
            if (
                "tilskot_utleigebustader" in instruments
                or "investeringstilskot_omsorgsbustader" in instruments
            )
            else _NOT
        )
        five = _MET if len(instruments) >= 5 else _NOT
    return (
        UE["budget_nok"] if budget is None else _MET if budget > 0 else _NOT,
        startlan,
        _flag(get("in_economic_plan"), UE["in_economic_plan"]),
        UE["housing_social_fte"] if staff is None else _MET if staff > 0 else _NOT,
        three,
        grants,
        UE["municipal_dwellings_per_1000"]
        if dwellings is None
        else _MET
        if dwellings >= 20
        else _NOT,
        five,
    )


def _competence(k: dict[str, Any], iso: str, as_of: datetime.date) -> tuple[Outcome, ...]:
    get = k.get
    year = as_of.year
    sources = get("knowledge_sources")
    if sources is None:
        statistics = three = mapping = UK["knowledge_sources"]
    else:
        statistics = _MET if "kostra" in sources or "boligsosial_monitor" in sources else _NOT
        three = _MET if len(sources) >= 3 else _NOT
        mapping = _MET if "homeless_count" in sources and "own_survey" in sources else _NOT
    evaluated = get("last_evaluation_year")
    if evaluated is None:
        recent = annual = UK["last_evaluation_year"]
    else:
        recent = _MET if evaluated >= year - 3 else _NOT
        annual = _MET if evaluated >= year - 1 else _NOT
    share = get("staff_trained_share")
    if share is None:
        half = most = UK["staff_trained_share"]
    else:
        half = _MET if share >= 0.5 else _NOT
        most = _MET if share >= 0.8 else _NOT
    return (
        _flag(get("kostra_housing_complete"), UK["kostra_housing_complete"]),
        statistics,
        three,
        _flag(get("network_participation"), UK["network_participation"]),
        recent,
        half,
        mapping,
        annual,
        most,
    )


def _participation(p: dict[str, Any], iso: str, as_of: datetime.date) -> tuple[Outcome, ...]:
    get = p.get
    involvement = get("involvement_level")
    if involvement is None:
        informed = consulted = involved = designed = UP["involvement_level"]
    else:
        informed = _MET if involvement in INFORMED else _NOT
        consulted = _MET if involvement in CONSULTED else _NOT
        involved = _MET if involvement in INVOLVED else _NOT
        designed = _MET if involvement == "co_designed" else _NOT
    councils = get("councils_consulted")
    if councils is None:
        statutory = UP["councils_consulted"]
    else:
        statutory = _MET if ("elderly_council" in councils and "disability_council" in councils
                             and "youth_council" in councils) else _NOT  # fmt: skip
    organisations = get("user_organisations")
    if organisations is None:
        planning = design = UP["user_organisations"]
    else:
        # `any o in ...`: one true element decides; else the unknown elements' paths, if any
        in_planning = in_design = False
        missing: list[str] = []
        for index, organisation in enumerate(organisations):
            work = organisation.get("involved_in")
            if work is None:
                missing.append(ORGANISATION_PATH.format(index))
            else:
                in_planning = in_planning or "planning" in work
                in_design = in_design or ("design" in work and "evaluation" in work)
        unknown = (UNKNOWN, tuple(missing)) if missing else _NOT
        planning = _MET if in_planning else unknown
        design = _MET if in_design else unknown
    survey = get("last_user_survey_year")
    staff = get("experience_consultants_fte")
    return (
        informed,
        statutory,
        consulted,
        planning,
        involved,
        UP["last_user_survey_year"]
        if survey is None
        else _MET
        if survey >= as_of.year - 2
        else _NOT,
        _flag(
            get("changes_from_user_input_documented"), UP["changes_from_user_input_documented"]
        ),  # fmt: skip
        designed,
        design,
        UP["experience_consultants_fte"] if staff is None else _MET if staff > 0 else _NOT,
    )


# (factor ID, its evaluation, its blocks: (level, criterion IDs in rule order))
FACTORS: tuple[tuple[str, Callable[..., tuple[Outcome, ...]],
                     tuple[tuple[int, tuple[str, ...]], ...]], ...] = (
    ("anchoring", _anchoring, (
        (2, ("council_decision", "admin_owner")),
        (3, ("shared_goals", "political_reporting")),
        (4, ("leadership_training", "recent_council_decision")),
        (5, ("frequent_reporting", "annual_joint_review")))),
    ("strategy", _strategy, (
        (2, ("needs_overview", "planning_strategy")),
        (3, ("master_plan_goals", "current_action_plan")),
        (4, ("measurable_goals", "services_involved")),
        (5, ("land_reserved", "recent_needs_overview")))),
    ("coordination", _coordination, (
        (2, ("cross_sector_cooperation", "decision_routine")),
        (3, ("formal_forum", "roles_documented", "nav_agreement")),
        (4, ("regular_meetings", "single_entry_point")),
        (5, ("across_government_levels", "broad_partnerships")))),
    ("economy", _economy, (
        (2, ("budget_allocated", "startlan")),
        (3, ("in_economic_plan", "dedicated_staff")),
        (4, ("three_instruments", "rental_housing_grants")),
        (5, ("dwellings_per_1000", "five_instruments")))),
    ("competence", _competence, (
        (2, ("kostra_complete", "statistics_used")),
        (3, ("three_sources", "network")),
        (4, ("recent_evaluation", "staff_trained_half")),
        (5, ("own_mapping", "annual_evaluation", "staff_trained_most")))),
    ("participation", _participation, (
        (2, ("users_informed", "statutory_councils")),
        (3, ("users_consulted", "organisations_in_planning")),
        (4, ("users_involved", "recent_user_survey", "changes_documented")),
        (5, ("co_designed", "organisations_design_evaluation", "experience_consultants")))),
)  # fmt: skip

# A criterion: (id, level, status, missing paths); a factor: (level, criteria, gap)
Criterion = tuple[str, int, str, tuple[str, ...]]
Factor = tuple[int, list[Criterion], list[Criterion]]


def full(doc: Doc, as_of: datetime.date) -> tuple[int, dict[str, Factor]]:
    """Overall level, and per factor its level, every criterion and the gap."""
    evidence = doc.get("evidence") or _EMPTY
    iso = as_of.isoformat()
    factors: dict[str, Factor] = {}
    overall = 5
    for factor_id, evaluate, blocks in FACTORS:
        outcomes = evaluate(evidence.get(factor_id) or _EMPTY, iso, as_of)
        criteria: list[Criterion] = []
        gap: list[Criterion] = []
        level, reached, index = 1, True, 0
        for number, ids in blocks:
            block = [(cid, number, *outcomes[index + i]) for i, cid in enumerate(ids)]
            index += len(ids)
            criteria += block
            if reached:
                gap = [c for c in block if c[2] is not MET]
                if gap:
                    reached = False
                else:
                    level = number
        factors[factor_id] = (level, criteria, gap)
        if level < overall:
            overall = level
    return overall, factors


# ============================================================================= agreement


def disagreement(rs: Any, doc: Doc, as_of: datetime.date) -> str | None:
    """The first difference between the engine and the hand-written code, or None."""
    result = rs.evaluate(doc, as_of=as_of)
    levels, overall = levels_only(doc, as_of)
    if (result.levels, result.overall) != (levels, overall):
        return (f"levels only: engine {result.levels} overall {result.overall}, "
                f"hand-written {levels} overall {overall}")  # fmt: skip
    hand_overall, hand_factors = full(doc, as_of)
    if hand_overall != overall:
        return f"hand-written full overall {hand_overall} != levels only {overall}"
    engine_factors = result.factors
    if list(engine_factors) != list(hand_factors):
        return f"factors: engine {list(engine_factors)}, hand-written {list(hand_factors)}"
    for factor_id, (level, criteria, gap) in hand_factors.items():
        factor = engine_factors[factor_id]
        if factor.level != level:
            return f"{factor_id}: level engine {factor.level}, hand-written {level}"
        engine_criteria = factor.criteria
        if [c.id for c in engine_criteria] != [c[0] for c in criteria]:
            return f"{factor_id}: criteria IDs differ"
        for c, (cid, clevel, status, missing) in zip(engine_criteria, criteria, strict=True):
            if c.level != clevel or c.status != status or set(c.missing) != set(missing):
                return (f"{factor_id}.{cid}: engine level {c.level} {c.status} "
                        f"missing {sorted(c.missing)}; hand-written level {clevel} {status} "
                        f"missing {sorted(missing)}")  # fmt: skip
        engine_gap = [(c.id, c.status, frozenset(c.missing)) for c in factor.gap]
        hand_gap = [(c[0], c[2], frozenset(c[3])) for c in gap]
        if engine_gap != hand_gap:
            return f"{factor_id}: gap engine {engine_gap}, hand-written {hand_gap}"
    return None


def check_agreement(rs: Any, batches: list[tuple[str, list[Doc], datetime.date]]) -> int:
    checked = 0
    for name, docs, as_of in batches:
        for index, doc in enumerate(docs):
            problem = disagreement(rs, doc, as_of)
            if problem is not None:
                print(f"DISAGREEMENT in {name} #{index} at as_of {as_of}: {problem}")
                print("document:", json.dumps(doc, ensure_ascii=False))
                sys.exit(1)
            checked += 1
    return checked


def coverage(docs: list[Doc], as_of: datetime.date) -> tuple[Counter[int], Counter[int], list[str]]:
    """Overall levels, factor levels, and criteria that miss one of the three statuses."""
    overall: Counter[int] = Counter()
    factor_levels: Counter[int] = Counter()
    seen: dict[tuple[str, str], set[str]] = {}
    for doc in docs:
        result, factors = full(doc, as_of)
        overall[result] += 1
        for factor_id, (level, criteria, _gap) in factors.items():
            factor_levels[level] += 1
            for cid, _level, status, _missing in criteria:
                seen.setdefault((factor_id, cid), set()).add(status)
    lacking = [f"{f}.{c} (never {', '.join(sorted({MET, NOT_MET, UNKNOWN} - s))})"
               for (f, c), s in seen.items() if len(s) < 3]  # fmt: skip
    return overall, factor_levels, lacking


# ================================================================================ timing

# Each pass returns a checksum over what it read, the same on both sides: overall plus the last
# factor level; for the full result also every level, status, missing path and gap entry.


def hand_levels_pass(docs: list[Doc], as_of: datetime.date, rs: Any) -> int:
    total = 0
    for doc in docs:
        levels, overall = levels_only(doc, as_of)
        total += overall + levels[-1]
    return total


def engine_levels_pass(docs: list[Doc], as_of: datetime.date, rs: Any) -> int:
    evaluate = rs.evaluate
    total = 0
    for doc in docs:
        result = evaluate(doc, as_of)
        total += result.overall + result.levels[-1]
    return total


def hand_full_pass(docs: list[Doc], as_of: datetime.date, rs: Any) -> int:
    total = 0
    for doc in docs:
        overall, factors = full(doc, as_of)
        total += overall
        for level, criteria, gap in factors.values():
            total += level + len(gap)
            for criterion in criteria:
                total += len(criterion[2]) + len(criterion[3])
    return total


def engine_full_pass(docs: list[Doc], as_of: datetime.date, rs: Any) -> int:
    """Read everything: every factor's level and gap, every criterion's status and missing."""
    evaluate = rs.evaluate
    total = 0
    for doc in docs:
        result = evaluate(doc, as_of)
        total += result.overall
        for factor in result.factors.values():
            total += factor.level + len(factor.gap)
            for criterion in factor.criteria:
                total += len(criterion.status) + len(criterion.missing)
    return total


PASSES: dict[str, Callable[[list[Doc], datetime.date, Any], int]] = {
    "hand levels": hand_levels_pass,
    "engine levels": engine_levels_pass,
    "hand full": hand_full_pass,
    "engine full": engine_full_pass,
}


Pass = Callable[[list[Doc], datetime.date, Any], int]
SAME_WORK = (("hand levels", "engine levels"), ("hand full", "engine full"))


def time_passes(
    rs: Any,
    docs: list[Doc],
    as_of: datetime.date,
    rounds: int,
    passes: dict[str, Pass] | None = None,
    same: Iterable[Iterable[str]] = SAME_WORK,
) -> dict[str, float]:
    """Best seconds per pass over all documents, the passes interleaved (order rotated).

    The passes named together in `same` must return the same checksum."""
    passes = PASSES if passes is None else passes
    best = dict.fromkeys(passes, float("inf"))
    names = list(passes)
    checksums: dict[str, set[int]] = {name: set() for name in passes}
    for round_number in range(rounds):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            checksum = passes[name](docs, as_of, rs)
            elapsed = time.perf_counter() - start
            best[name] = min(best[name], elapsed)
            checksums[name].add(checksum)
    # Both sides must have done the same work (a cheap guard on top of the agreement check).
    for group in same:
        if len({frozenset(checksums[name]) for name in group}) > 1:
            print(f"CHECKSUMS DIFFER: {checksums}")
            sys.exit(1)
    return best


def load_times(repeat: int) -> tuple[float, float]:
    """Seconds for the first `load_ruleset` in this process, and the best of `repeat` after."""
    start = time.perf_counter()
    modenhet.load_ruleset(RULES)
    first = time.perf_counter() - start
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        modenhet.load_ruleset(RULES)
        best = min(best, time.perf_counter() - start)
    return first, best


def profile(rs: Any, docs: list[Doc], as_of: datetime.date, which: str, top: int) -> None:
    name = f"engine {which}"
    PASSES[name](docs[:200], as_of, rs)  # warm up caches
    profiler = cProfile.Profile()
    profiler.enable()
    PASSES[name](docs, as_of, rs)
    profiler.disable()
    print(f"\ncProfile of '{name}' over {len(docs)} documents (sorted by own time):")
    pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(top)


# ============================================================================== workload


@dataclass
class Workload:
    """The generated documents, the samples and the edge-date batches, and their statistics."""

    as_of: datetime.date
    seed: int
    docs: list[Doc]
    samples: list[Doc]
    extra: list[tuple[str, list[Doc], datetime.date]]  # (name, documents, as_of)
    share: float  # of the generated fields absent or null
    leap_dates: int

    @property
    def batches(self) -> list[tuple[str, list[Doc], datetime.date]]:
        """Everything the agreement check covers, the samples first."""
        return [("samples", self.samples, self.as_of), ("documents", self.docs, self.as_of),
                *self.extra]  # fmt: skip

    def describe(self) -> str:
        return (f"{len(self.samples)} samples, {len(self.docs)} at {self.as_of}, "
                f"{sum(len(b) for _, b, _ in self.extra)} at "
                f"{', '.join(str(d) for _, _, d in self.extra)}")  # fmt: skip


def make_workload(count: int, seed: int, as_of: datetime.date) -> Workload:
    """Generate the documents and the edge batches (about count/10 at each EDGE_AS_OF date)."""
    generator = EvidenceGenerator(seed, as_of)
    docs = generator.documents(count)
    extra = [(f"edge documents at {d}", EvidenceGenerator(seed + i + 1, d).documents(
        max(200, count // 10)), d) for i, d in enumerate(EDGE_AS_OF)]  # fmt: skip
    samples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.json"))]
    share = generator.gaps / generator.fields if generator.fields else 0.0
    return Workload(as_of, seed, docs, samples, extra, share, generator.leap_dates)


def schema_problem(workload: Workload) -> str | None:
    """The first generated document that does not follow the evidence schema, or None."""
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))
    for name, batch, _as_of in [("documents", workload.docs, workload.as_of), *workload.extra]:
        for index, doc in enumerate(batch):
            error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
            if error is not None:
                return f"generated {name} #{index} does not follow the schema: {error.message}"
    return None


def print_header(rs: Any, workload: Workload, title: str = "benchmark") -> None:
    """Version, machine, rule set and the documents: what every report opens with."""
    overall, factor_levels, lacking = coverage(workload.docs, workload.as_of)
    print(f"modenhet {modenhet.__version__} {title}, {datetime.date.today().isoformat()}")
    print(f"Python {platform.python_version()} ({platform.python_implementation()}) "
          f"on {platform.platform()}, {platform.machine()}")  # fmt: skip
    print(f"rule set {RULES.relative_to(ROOT)}: {sum(len(f.criteria) for f in rs.factors)} "
          f"criteria in {len(rs.factors)} factors; as_of {workload.as_of}")  # fmt: skip
    print(f"documents: {len(workload.docs)} (seed {workload.seed}); fields absent or null "
          f"{workload.share:.1%}; 29 February dates {workload.leap_dates}")  # fmt: skip
    print(f"overall levels: {dict(sorted(overall.items()))}; "
          f"factor levels: {dict(sorted(factor_levels.items()))}")  # fmt: skip
    print(
        "criteria lacking a status: "
        + (", ".join(lacking) if lacking else "none (each is met, not met and unknown)")
    )


def verdict(ratio: float, target: float, goal: float) -> str:
    met = "met" if ratio <= target else "NOT met"
    later = "met" if ratio <= goal else "not yet"
    return f"≤ {target:g}×: {met}; ≤ {goal:g}×: {later}"


# ================================================================================== main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--documents",
        type=int,
        default=10_000,
        metavar="N",
        help="documents to generate and time (default 10000)",
    )
    parser.add_argument("--seed", type=int, default=20250630, help="random seed")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds; the best counts")
    parser.add_argument(
        "--load-repeat", type=int, default=10, help="repetitions of load_ruleset; the best counts"
    )
    parser.add_argument(
        "--as-of",
        type=datetime.date.fromisoformat,
        default=AS_OF,
        help="the evaluation date (default 2025-06-30)",
    )
    parser.add_argument(
        "--profile",
        choices=["levels", "full"],
        help="instead of timing, profile the engine's levels-only or full path",
    )
    args = parser.parse_args(argv)
    as_of: datetime.date = args.as_of

    first_load, best_load = load_times(args.load_repeat)
    rs = modenhet.load_ruleset(RULES)
    workload = make_workload(args.documents, args.seed, as_of)
    docs = workload.docs

    if args.profile:
        profile(rs, docs, as_of, args.profile, top=30)
        return 0

    problem = schema_problem(workload)
    if problem is not None:
        print(problem)
        return 2

    start = time.perf_counter()
    checked = check_agreement(rs, workload.batches)
    check_seconds = time.perf_counter() - start

    best = time_passes(rs, docs, as_of, args.rounds)

    count = len(docs)
    per_doc = {name: seconds / count * 1e6 for name, seconds in best.items()}
    levels_ratio = per_doc["engine levels"] / per_doc["hand levels"]
    full_ratio = per_doc["engine full"] / per_doc["hand full"]
    rows = [
        ["levels only", "hand-written", f"{per_doc['hand levels']:.2f}",
         f"{1e6 / per_doc['hand levels']:,.0f}", "", ""],
        ["levels only", "engine", f"{per_doc['engine levels']:.2f}",
         f"{1e6 / per_doc['engine levels']:,.0f}", f"{levels_ratio:.2f}×",
         verdict(levels_ratio, LEVELS_TARGET, LEVELS_GOAL)],
        ["full result", "hand-written", f"{per_doc['hand full']:.2f}",
         f"{1e6 / per_doc['hand full']:,.0f}", "", ""],
        ["full result", "engine", f"{per_doc['engine full']:.2f}",
         f"{1e6 / per_doc['engine full']:,.0f}", f"{full_ratio:.2f}×",
         verdict(full_ratio, FULL_TARGET, FULL_GOAL)],
    ]  # fmt: skip
    print_header(rs, workload)
    print(
        f"agreement: engine and hand-written agree on all {checked} documents "
        f"({workload.describe()}): levels, overall, every status, missing paths, gap "
        f"({check_seconds:.1f} s)"
    )
    print(f"\nper document, best of {args.rounds} interleaved rounds over {count} documents:")
    print(tabulate(rows, headers=["path", "implementation", "µs/doc", "docs/s",
                                  "engine/hand", "target (later goal)"],
                   disable_numparse=True))  # fmt: skip
    print(
        f"\nload_ruleset({RULES.relative_to(ROOT)}) (parse, include, check, compile): "
        f"first call in the process {first_load * 1e3:.1f} ms; "
        f"best of {args.load_repeat} after {best_load * 1e3:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
