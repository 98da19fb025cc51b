"""What a revision of the rules would do: every evidence document evaluated under the OLD and
the NEW rule set at one date, the documents whose factor or overall levels change, the criteria
that caused it, and how many documents go up and down.

Nothing here prints: the command (`modenhet.cli.impact`) reports the problems and the result.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from modenhet.analyses import diff
from modenhet.errors import Violation
from modenhet.evidence.reader import EvidenceItem
from modenhet.i18n import N_, Text

if TYPE_CHECKING:
    from modenhet.engine.ruleset import RuleSet
    from modenhet.results import Evaluation, FactorResult

Side = Literal["OLD", "NEW", "both"]
STATUS_ORDER: dict[diff.Status | None, int] = {
    None: 0,
    "met": 1,
    "not_met": 2,
    "unknown": 3,
    "error": 4,
}


# --------------------------------------------------------------------------------- the parts


@dataclass(frozen=True)
class Rules:
    """One side: the rule file as named on the command line, and the rule set loaded from it."""

    label: str  # OLD or NEW
    path: str
    ruleset: RuleSet

    @property
    def info(self) -> diff.RulesetInfo:
        return diff.RulesetInfo(self.ruleset.name, self.ruleset.version, self.ruleset.sha256)


@dataclass(frozen=True)
class DocumentImpact:
    """One document whose overall level or some factor's level is not the same under NEW."""

    source: str
    sha256: str | None
    number: str | None
    name: str | None
    overall: diff.LevelChange
    factors: list[
        diff.FactorChange
    ]  # every factor of either rule set: NEW's order, then OLD's others
    criteria: list[diff.CriterionChange]  # what made the factors in both rule sets change

    @property
    def display(self) -> str:
        return diff.display_name(self.number, self.name, self.source)

    @property
    def changed_factors(self) -> list[diff.FactorChange]:
        return [f for f in self.factors if f.levels.change != "same"]


@dataclass(frozen=True)
class SideProblem:
    """A problem that kept a document from being evaluated under one side (or both)."""

    side: Side
    violation: Violation


@dataclass(frozen=True)
class Uncompared:
    """A document that could not be evaluated under both rule sets."""

    source: str
    sha256: str | None
    number: str | None
    name: str | None
    errors: list[SideProblem]

    @property
    def display(self) -> str:
        return diff.display_name(self.number, self.name, self.source)

    def reason(self) -> str:
        """`OLD and NEW: FILE[#POINTER]: MESSAGE` for the first error, and how many more."""
        return str(self.reason_text())

    def reason_text(self) -> Text:
        """`reason`, said in the reader's language when shown."""
        first = self.errors[0]
        sides = {"both": N_("OLD and NEW"), "OLD": N_("OLD"), "NEW": N_("NEW")}
        violation = first.violation
        message = violation.text or violation.message
        where = violation.where(self.source)
        if len(self.errors) > 1:
            more = len(self.errors) - 1
            why = Text(N_("%(where)s: %(message)s (+%(count)s more)"), where=where,
                       message=message, count=more)  # fmt: skip
        else:
            why = Text(N_("%(where)s: %(message)s"), where=where, message=message)
        return Text(N_("%(side)s: %(reason)s"), side=Text(sides[first.side]), reason=why)


@dataclass
class CriterionTally:
    """Over every compared document: how a criterion's status moved from OLD to NEW."""

    criterion: diff.CriterionChange  # its place in each rule set (the statuses are not used)
    moves: Counter[tuple[diff.Status | None, diff.Status | None]] = field(default_factory=Counter)

    def sorted_moves(self) -> list[tuple[diff.Status | None, diff.Status | None, int]]:
        return sorted(
            ((old, new, n) for (old, new), n in self.moves.items()),
            key=lambda move: (STATUS_ORDER[move[0]], STATUS_ORDER[move[1]]),
        )


@dataclass
class FactorTally:
    """Over every compared document: how often a factor went up, down or stayed, and its
    criteria (of either rule set)."""

    title: str
    criteria: list[CriterionTally]
    changes: Counter[diff.Change] = field(default_factory=Counter)


@dataclass
class Impact:
    """The whole assessment: the documents that change, those that could not be compared,
    every problem (in input order) and the counts of the summary."""

    old: Rules
    new: Rules
    as_of: datetime.date
    documents: int = 0  # every document read
    compared: int = 0
    changed: list[DocumentImpact] = field(default_factory=list)
    not_compared: list[Uncompared] = field(default_factory=list)
    problems: list[diff.Problem] = field(default_factory=list)
    overall: Counter[diff.Change] = field(default_factory=Counter)
    factors: dict[str, FactorTally] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    @property
    def criteria_changed(self) -> list[CriterionTally]:
        """Criteria whose status or level differs for some document, or that only one rule set
        has, in the factors' order (NEW's, then OLD's others) and rule-file order in each."""
        return [
            tally for factor in self.factors.values() for tally in factor.criteria if tally.moves
        ]

    def summary(self) -> dict[str, Any]:
        def counts(counter: Counter[diff.Change]) -> dict[str, int]:
            return {change: counter[change] for change in ("up", "down", "same", "bounds")}

        factors = {}
        for factor_id, factor in self.factors.items():
            factors[factor_id] = {
                "title": factor.title,
                **counts(factor.changes),
                "added": factor.changes["added"],
                "removed": factor.changes["removed"],
            }
        return {
            "documents": self.documents,
            "compared": self.compared,
            "not_compared": len(self.not_compared),
            "changed": len(self.changed),
            "unchanged": self.compared - len(self.changed),
            "overall": counts(self.overall),
            "factors": factors,
        }


# ------------------------------------------------------------------------------- assessing


def assess(old: Rules, new: Rules, items: Iterable[EvidenceItem], as_of: datetime.date) -> Impact:
    """Evaluate every document under both rule sets, each validating it against its own
    schema, and collect what changes."""
    impact = Impact(old, new, as_of)
    _prepare(impact)
    same_schema = old.ruleset.schema == new.ruleset.schema
    for item in items:
        impact.documents += 1
        number, name = diff.municipality_of(item.municipality)
        if item.problems or item.document is None:  # could not be read: the same for both
            impact.problems += [diff.Problem.at(item.source, p) for p in item.problems]
            errors = [SideProblem("both", p) for p in item.problems if p.severity == "error"]
            impact.not_compared.append(Uncompared(item.source, item.sha256, number, name, errors))
            continue
        document = item.document
        old_problems = item.locate(old.ruleset.violations(document))
        new_problems = (
            old_problems if same_schema else item.locate(new.ruleset.violations(document))
        )
        problems = _merge(old_problems, new_problems)
        impact.problems += [_render(item.source, problem) for problem in problems]
        errors = [problem for problem in problems if problem.violation.severity == "error"]
        if errors:
            impact.not_compared.append(Uncompared(item.source, item.sha256, number, name, errors))
            continue
        before = old.ruleset.evaluate(document, as_of)
        after = new.ruleset.evaluate(document, as_of)
        impact.compared += 1
        change = _compare(impact, before, after)
        if change is not None:
            overall, factors, criteria = change
            impact.changed.append(
                DocumentImpact(item.source, item.sha256, number, name, overall, factors, criteria)
            )
    return impact


def _prepare(impact: Impact) -> None:
    """The factors and criteria of either rule set, in the order the report lists them."""
    old_factors = {f.id: f for f in impact.old.ruleset.factors}
    new_factors = {f.id: f for f in impact.new.ruleset.factors}
    for factor_id, then, now in diff.paired(old_factors, new_factors):
        shown = now or then
        assert shown is not None
        tallies: list[CriterionTally] = []
        old_criteria = {c.id: c for c in then.criteria} if then else {}
        new_criteria = {c.id: c for c in now.criteria} if now else {}
        for criterion_id, was, is_ in diff.paired(old_criteria, new_criteria):
            tallies.append(CriterionTally(diff.criterion_change(factor_id, criterion_id, was, is_)))
        impact.factors[factor_id] = FactorTally(shown.title, tallies)


def _merge(old: list[Violation], new: list[Violation]) -> list[SideProblem]:
    """The problems of both sides, each once: those both schemas find, then OLD's own, then
    NEW's own (in the order each side found them)."""
    if old is new:
        return [SideProblem("both", v) for v in old]

    def key(v: Violation) -> tuple[str, str, str]:
        return (v.pointer, v.message, v.severity)

    new_keys = {key(v) for v in new}
    old_keys = {key(v) for v in old}
    merged = [SideProblem("both" if key(v) in new_keys else diff.OLD, v) for v in old]
    merged += [SideProblem(diff.NEW, v) for v in new if key(v) not in old_keys]
    return merged


def _render(source: str, problem: SideProblem) -> diff.Problem:
    """`FILE[:LINE][#POINTER]: error: MESSAGE`, saying which side's schema found it when only
    one did."""
    violation = problem.violation
    message = violation.message
    if problem.side != "both":
        message += f" (under {problem.side}'s schema only)"
    return diff.Problem(violation.where(source), violation.severity, message)


def _compare(
    impact: Impact, before: Evaluation, after: Evaluation
) -> tuple[diff.LevelChange, list[diff.FactorChange], list[diff.CriterionChange]] | None:
    """Count the document's changes into the summary; return its levels and causes when a
    level changes (None when none does)."""
    old_factors, new_factors = before.factors, after.factors
    factors: list[diff.FactorChange] = []
    criteria: list[diff.CriterionChange] = []
    for factor_id, tally in impact.factors.items():
        then, now = old_factors.get(factor_id), new_factors.get(factor_id)
        levels = diff.factor_levels(then, now)
        tally.changes[levels.change] += 1
        factors.append(diff.FactorChange(factor_id, tally.title, levels))
        differences = _differences(tally, then, now)
        # A factor only one rule set has is itself the cause: its criteria are not listed.
        if levels.change in ("up", "down", "bounds"):
            bound = max(_deciding_bound(then), _deciding_bound(now))
            if levels.old_max != levels.new_max:
                bound = max(bound, _deciding_bound_max(then), _deciding_bound_max(now))
            criteria += [c for c in differences if _lowest_level(c) <= bound]
    overall = diff.overall_levels(before, after)
    impact.overall[overall.change] += 1
    if overall.change == "same" and all(f.levels.change == "same" for f in factors):
        return None
    return overall, factors, criteria


def _differences(
    factor: FactorTally, then: FactorResult | None, now: FactorResult | None
) -> list[diff.CriterionChange]:
    """The factor's criteria that differ for this document, tallied for the summary."""
    old_criteria = {c.id: c for c in then.criteria} if then else {}
    new_criteria = {c.id: c for c in now.criteria} if now else {}
    found: list[diff.CriterionChange] = []
    for tally in factor.criteria:
        place = tally.criterion
        was, is_ = old_criteria.get(place.id), new_criteria.get(place.id)
        old_status = was.status if was else None
        new_status = is_.status if is_ else None
        if old_status == new_status and place.old_level == place.new_level:
            continue
        tally.moves[old_status, new_status] += 1
        found.append(replace(place, old=old_status, new=new_status))
    return found


def _lowest_level(criterion: diff.CriterionChange) -> int:
    levels = [criterion.old_level, criterion.new_level]
    return min(level for level in levels if level is not None)


def _deciding_bound(factor: FactorResult | None) -> float:
    """The highest level block that decides the factor's level on one side: the block just
    above the level reached (every block, at the factor's highest block). A criterion above
    it on both sides cannot have moved the level."""
    if factor is None:
        return float("-inf")
    following = factor.next_level
    return float("inf") if following is None else following


def _deciding_bound_max(factor: FactorResult | None) -> float:
    """Likewise for `level_max`: the block just above it decides it (not met or error)."""
    if factor is None:
        return float("-inf")
    for block in factor.definition.blocks:
        if block.number > factor.level_max:
            return block.number
    return float("inf")
