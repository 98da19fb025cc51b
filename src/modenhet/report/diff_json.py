"""The JSON reports of `modenhet compare -f json` and `modenhet impact -f json`: the shared
diff model (`modenhet.analyses.diff`) as data, its keys in a fixed order."""

from __future__ import annotations

import json
from typing import Any, TextIO

from modenhet.analyses.compare import Comparison, Entry, MunicipalityChange, Side, Uncompared
from modenhet.analyses.diff import CriterionChange, FactorChange, LevelChange
from modenhet.analyses.impact import CriterionTally, DocumentImpact, Impact, SideProblem
from modenhet.analyses.impact import Uncompared as ImpactUncompared


def _dump(value: Any, out: TextIO) -> None:
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _levels(levels: LevelChange, change: str | None) -> dict[str, Any]:
    return {
        "old": levels.old,
        "old_label": levels.old_label,
        "old_max": levels.old_max,
        "new": levels.new,
        "new_label": levels.new_label,
        "new_max": levels.new_max,
        "change": change,
    }


def _factors(factors: list[FactorChange], *, name_sides: bool) -> dict[str, Any]:
    """Each factor's levels; `change` is null (compare) or added/removed (impact) for a factor
    only one side has."""
    return {
        f.id: {
            "title": f.title,
            **_levels(f.levels, f.levels.change if name_sides else f.levels.moved),
        }
        for f in factors
    }


# --------------------------------------------------------------------------------- compare


def write_compare_json(
    comparison: Comparison, out: TextIO, *, lang: str = "", tool_version: str
) -> None:
    def brief(entry: Entry) -> dict[str, Any]:
        return {"number": entry.number, "name": entry.name, "source": entry.source}

    report = {
        "tool": {"name": "modenhet", "version": tool_version},
        "old": _side(comparison.old),
        "new": _side(comparison.new),
        "warnings": [w.message for w in comparison.warnings],
        "municipalities": [_municipality(m) for m in comparison.municipalities],
        "only_in_old": [brief(e) for e in comparison.only_old],
        "only_in_new": [brief(e) for e in comparison.only_new],
        "not_compared": [_uncompared(u) for u in comparison.not_compared],
        "summary": comparison.summary(),
    }
    _dump(report, out)


def _side(side: Side) -> dict[str, Any]:
    return {
        "path": side.path,
        "kind": side.kind,
        "documents": side.size,
        "as_of": side.as_of.isoformat() if side.as_of else None,
        "ruleset": side.ruleset.to_dict() if side.ruleset else None,
    }


def _municipality(change: MunicipalityChange) -> dict[str, Any]:
    return {
        "number": change.number,
        "name": change.name,
        "old": {"source": change.old.source, "sha256": change.old.sha256},
        "new": {"source": change.new.source, "sha256": change.new.sha256},
        "overall": _levels(change.overall, change.overall.moved),
        "factors": _factors(change.factors, name_sides=False),
        "criteria": [_compared_criterion(c) for c in change.criteria],
    }


def _compared_criterion(criterion: CriterionChange) -> dict[str, Any]:
    return {
        "factor": criterion.factor,
        "id": criterion.id,
        "title": criterion.title,
        "level": criterion.level,
        "old": criterion.old,
        "new": criterion.new,
    }


def _uncompared(uncompared: Uncompared) -> dict[str, Any]:
    return {
        "number": uncompared.number,
        "name": uncompared.name,
        "old": uncompared.old.source if uncompared.old else None,
        "new": uncompared.new.source if uncompared.new else None,
        "reason": str(uncompared.reason),  # English, for machines
    }


# ---------------------------------------------------------------------------------- impact


def write_impact_json(impact: Impact, out: TextIO, *, lang: str = "", tool_version: str) -> None:
    summary = impact.summary()
    summary["criteria"] = [_tally(tally) for tally in impact.criteria_changed]
    report = {
        "tool": {"name": "modenhet", "version": tool_version},
        "as_of": impact.as_of.isoformat(),
        "old": {"path": impact.old.path, "ruleset": impact.old.info.to_dict()},
        "new": {"path": impact.new.path, "ruleset": impact.new.info.to_dict()},
        "documents": [_document(d) for d in impact.changed],
        "not_compared": [_not_assessed(u) for u in impact.not_compared],
        "summary": summary,
    }
    _dump(report, out)


def _document(document: DocumentImpact) -> dict[str, Any]:
    return {
        "source": document.source,
        "sha256": document.sha256,
        "municipality": {"number": document.number, "name": document.name},
        "overall": _levels(document.overall, document.overall.change),
        "factors": _factors(document.factors, name_sides=True),
        "criteria": [_assessed_criterion(c) for c in document.criteria],
    }


def _assessed_criterion(criterion: CriterionChange) -> dict[str, Any]:
    return {
        "factor": criterion.factor,
        "id": criterion.id,
        "title": criterion.title,
        "change": criterion.change,
        "old_level": criterion.old_level,
        "old": criterion.old,
        "new_level": criterion.new_level,
        "new": criterion.new,
    }


def _not_assessed(uncompared: ImpactUncompared) -> dict[str, Any]:
    return {
        "source": uncompared.source,
        "sha256": uncompared.sha256,
        "municipality": {"number": uncompared.number, "name": uncompared.name},
        "errors": [_side_problem(e) for e in uncompared.errors],
    }


def _side_problem(problem: SideProblem) -> dict[str, Any]:
    return {
        "side": problem.side.lower(),
        "pointer": problem.violation.pointer,
        "message": problem.violation.message,
    }


def _tally(tally: CriterionTally) -> dict[str, Any]:
    place = tally.criterion
    return {
        "factor": place.factor,
        "id": place.id,
        "title": place.title,
        "change": place.change,
        "old_level": place.old_level,
        "new_level": place.new_level,
        "documents": sum(tally.moves.values()),
        "statuses": [
            {"old": old, "new": new, "documents": n} for old, new, n in tally.sorted_moves()
        ],
    }
