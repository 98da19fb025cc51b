"""The trend between two runs: per municipality, each factor's level then and now, the criteria
whose status changed and the overall level, with a summary of who improved and who regressed.

A side (OLD or NEW) is evidence — one .json file, a folder or a .jsonl file, read strictly,
validated and evaluated here — or a JSON report of `modenhet evaluate -f json`, read as it
stands. Either way it becomes one `Entry` per document, matched across the sides by
`municipality.number`, so a report compares with evidence as well as with another report.
A number of 2020–2023 that SSB renumbered on 1 January 2024 is matched under its new number
(3005 Drammen is 3301 Drammen); a municipality that was split (1507 Ålesund) is reported, not
matched with either part.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, BinaryIO, Literal

from modenhet.analyses.diff import (
    NEW,
    OLD,
    CriterionChange,
    FactorChange,
    LevelChange,
    Movement,
    Problem,
    RulesetInfo,
    Status,
    criterion_change,
    display_name,
    factor_levels,
    municipality_of,
    overall_levels,
    paired,
)
from modenhet.errors import Severity, Violation
from modenhet.evidence.municipalities import current_number, successors
from modenhet.evidence.reader import (
    MAX_DOCUMENT_BYTES,
    EvidenceItem,
    collect_files,
    is_report,
    iter_evidence,
)
from modenhet.i18n import N_, Text, translator

if TYPE_CHECKING:
    from gettext import NullTranslations

    from modenhet.engine.ruleset import RuleSet
    from modenhet.evidence.validation import SchemaValidator

Kind = Literal["document", "collection", "report", "unreadable"]
ENGLISH = translator("en")


# --------------------------------------------------------------------------- one side's results


@dataclass(frozen=True)
class CriterionSnapshot:
    id: str
    title: str
    level: int
    status: Status


@dataclass(frozen=True)
class FactorSnapshot:
    id: str
    title: str
    level: int
    label: str | None
    criteria: dict[str, CriterionSnapshot]  # by ID, in rule-file order
    level_max: int | None = None  # None: a report from before level bounds
    label_max: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """What a comparison needs of one evaluated document (a report's result object, or one
    made by `modenhet.report.json_report.record` from an evaluation)."""

    overall: int
    overall_label: str | None
    factors: dict[str, FactorSnapshot]  # by ID, in rule-file order
    overall_max: int | None = None  # None: a report from before level bounds
    overall_label_max: str | None = None

    @classmethod
    def from_result(cls, result: Mapping[str, Any]) -> Snapshot:
        factors: dict[str, FactorSnapshot] = {}
        for factor_id, factor in result["factors"].items():
            criteria = {
                c["id"]: CriterionSnapshot(c["id"], c["title"], int(c["level"]), c["status"])
                for c in factor["criteria"]
            }
            factors[factor_id] = FactorSnapshot(
                factor_id,
                factor["title"],
                int(factor["level"]),
                factor.get("label"),
                criteria,
                _optional_level(factor.get("level_max")),
                factor.get("label_max"),
            )
        return cls(
            int(result["overall"]),
            result.get("overall_label"),
            factors,
            _optional_level(result.get("overall_max")),
            result.get("overall_label_max"),
        )


def _optional_level(value: Any) -> int | None:
    return None if value is None else int(value)


@dataclass(frozen=True)
class Entry:
    """One document of a side: its municipality and its result, or why it has none."""

    source: str  # the evidence document, as `evaluate` names it (for a report: as recorded)
    sha256: str | None
    number: str | None  # municipality.number, the key the sides are matched by
    name: str | None
    result: Snapshot | None
    reason: Text | None = None  # why there is no result, starting with where
    file: str = ""  # where a problem with the entry is reported: the file ...
    pointer: str = ""  # ... and the pointer of the entry in it ("/results/3" in a report)

    @property
    def display(self) -> str:
        return display_name(self.number, self.name, self.source)


@dataclass
class Side:
    """OLD or NEW: what was read, and after evaluation, one entry per document."""

    label: str  # OLD or NEW
    path: str
    kind: Kind
    items: list[EvidenceItem] = field(default_factory=list)  # evidence not yet evaluated
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    as_of: datetime.date | None = None
    ruleset: RulesetInfo | None = None
    usable: bool = True  # False when nothing on this side could be read

    @property
    def is_evidence(self) -> bool:
        return self.kind in ("document", "collection")

    @property
    def size(self) -> int:
        """How many documents (or a report's results) the side holds."""
        return len(self.items) if self.is_evidence else len(self.entries)

    @property
    def single(self) -> bool:
        """One document: an evidence file, or a report with one result."""
        return self.kind == "document" or (self.kind == "report" and self.size == 1)

    def describe(self, translations: NullTranslations = ENGLISH) -> str:
        """`one evidence document`, `8 evidence documents`, `a report of 8 results`."""
        _, ngettext = translations.gettext, translations.ngettext
        size = self.size
        if self.kind == "document":
            return _("one evidence document")
        if self.kind == "collection":
            words = ngettext("%(count)s evidence document", "%(count)s evidence documents", size)
            return words % {"count": size}
        if self.kind == "report":
            words = ngettext("a report of %(count)s result", "a report of %(count)s results", size)
            return words % {"count": size}
        return _("a file that cannot be read")

    def first_municipality(self) -> tuple[str | None, str | None]:
        """The municipality of a single side (None, None when it cannot be known)."""
        if self.kind == "document" and self.items:
            return municipality_of(self.items[0].municipality)
        if self.entries:
            return self.entries[0].number, self.entries[0].name
        return None, None


# --------------------------------------------------------------------------------- reading


def read_side(
    label: str,
    path: str,
    *,
    recursive: bool = False,
    limit: int = MAX_DOCUMENT_BYTES,
    stdin: BinaryIO | None = None,
) -> Side:
    """Read one side strictly and decide by its content what it is.

    Raises `modenhet.evidence.reader.InputError` for a path that does not exist. Evidence is only
    read here; `evaluate_side` evaluates it once the rule set is known.
    """
    files = collect_files([path], recursive=recursive)
    items = list(iter_evidence(files, stdin=stdin, limit=limit))
    single = (
        not os.path.isdir(path)
        and not path.endswith(".jsonl")
        and len(items) == 1
        and items[0].jsonl_line is None
    )
    if not single:
        return Side(label, path, "collection", items=[_not_a_report(item) for item in items])
    (item,) = items
    if item.document is None:  # no content, so no kind: the error says why
        side = Side(label, path, "unreadable", usable=False)
        side.problems = [Problem.at(item.source, p) for p in item.problems]
        side.entries = [_failed(item, item.problems)]
        return side
    if is_report(item.document):
        return _read_report(label, path, item)
    return Side(label, path, "document", items=[item])


def _not_a_report(item: EvidenceItem) -> EvidenceItem:
    """A report inside a folder is not evidence: say so plainly rather than list its schema
    violations."""
    if not is_report(item.document):
        return item
    message = (
        "this is a modenhet report, not an evidence document; a folder is read for evidence, "
        "so name the report itself as OLD or NEW"
    )
    return EvidenceItem(item.source, item.sha256, None, [Violation("", message)])


def _failed(item: EvidenceItem, problems: list[Violation]) -> Entry:
    number, name = municipality_of(item.municipality)
    reason = _reason(item.source, problems)
    return Entry(item.source, item.sha256, number, name, None, reason, item.source)


def _reason(source: str, problems: Iterable[Violation]) -> Text:
    """`WHERE: MESSAGE` of the first error, and how many more there are, said in the
    reader's language when shown (English in JSON)."""
    listed = list(problems)
    errors = [p for p in listed if p.severity == "error"] or listed
    if not errors:
        return Text(N_("%(where)s: error"), where=source)
    first = errors[0]
    message = first.text or first.message
    if len(errors) > 1:
        return Text(
            N_("%(where)s: %(message)s (+%(count)s more)"),
            where=first.where(source),
            message=message,
            count=len(errors) - 1,
        )
    return placed(first.where(source), message)


def placed(where: str, message: str | Text) -> Text:
    """`WHERE: MESSAGE`, the message in the reader's language where it is a `Text`."""
    return Text(N_("%(where)s: %(message)s"), where=where, message=message)


def on_side(side: str, reason: Text) -> Text:
    """A reason with the side it is about: `OLD: ...` (the argument's name), in Norwegian
    `Før: ...`."""
    word = Text(N_("OLD")) if side == OLD else Text(N_("NEW"))
    return Text(N_("%(side)s: %(reason)s"), side=word, reason=reason)


def _report_validator() -> SchemaValidator:
    from modenhet.evidence.validation import SchemaValidator
    from modenhet.resources import report_schema_path

    schema = json.loads(report_schema_path().read_text(encoding="utf-8"))
    return SchemaValidator(schema)


def _read_report(label: str, path: str, item: EvidenceItem) -> Side:
    """A report's results as entries; a result that does not validate is an error for that
    result only, a header that does not validate makes the whole report unusable."""
    report: dict[str, Any] = item.document or {}
    side = Side(label, path, "report")
    violations = item.locate(_report_validator().violations(report))
    by_result: dict[int, list[Violation]] = {}
    for violation in violations:
        side.problems.append(Problem.at(item.source, violation))
        parts = violation.pointer.split("/")
        if len(parts) >= 3 and parts[1] == "results" and parts[2].isdecimal():
            by_result.setdefault(int(parts[2]), []).append(violation)
        elif violation.severity == "error":
            side.usable = False
    results = report.get("results")
    if not side.usable or not isinstance(results, list):
        side.usable = False
        reason = _reason(item.source, violations)
        side.entries = [Entry(item.source, item.sha256, None, None, None, reason, item.source)]
        return side
    ruleset = report["ruleset"]
    side.ruleset = RulesetInfo(ruleset["name"], ruleset["version"], ruleset["sha256"])
    side.as_of = datetime.date.fromisoformat(report["as_of"])
    for index, value in enumerate(results):
        pointer = f"/results/{index}"
        result: dict[str, Any] = value if isinstance(value, dict) else {}
        number, name = municipality_of(result.get("municipality"))
        source = result.get("source") if isinstance(result.get("source"), str) else pointer
        sha256 = result.get("sha256") if isinstance(result.get("sha256"), str) else None
        entry = Entry(str(source), sha256, number, name, None, None, item.source, pointer)
        if index in by_result:
            invalid = Text(
                N_("invalid in the report: %(reason)s"),
                reason=_reason(item.source, by_result[index]),
            )
            entry = replace(entry, reason=invalid)
        elif "error" in result:
            recorded = _reason(str(source), _recorded(result["error"]))
            failed = Text(
                N_("the report records that %(source)s failed (%(recorded)s); not compared"),
                source=source,
                recorded=recorded,
            )
            side.problems.append(Problem(f"{item.source}#{pointer}", "warning", str(failed)))
            entry = replace(entry, reason=placed(f"{item.source}#{pointer}", failed))
        else:
            entry = replace(entry, result=Snapshot.from_result(result))
            if number is None:
                unmatched = Text(
                    N_("%(source)s has no municipality.number, so it cannot be matched"),
                    source=source,
                )
                side.problems.append(Problem(f"{item.source}#{pointer}", "warning", str(unmatched)))
                reason = placed(f"{item.source}#{pointer}", unmatched)
                entry = replace(entry, result=None, reason=reason)
        side.entries.append(entry)
    return side


def _recorded(errors: list[dict[str, str]]) -> list[Violation]:
    """A report's recorded errors (a report from before warnings stood apart may list
    warnings among them, without a severity)."""
    return [
        Violation(e["pointer"], e["message"], severity=_severity(e.get("severity"))) for e in errors
    ]


def _severity(value: Any) -> Severity:
    return "warning" if value == "warning" else "error"


# ------------------------------------------------------------------------------ evaluating


def evaluate_side(side: Side, ruleset: RuleSet, as_of: datetime.date) -> None:
    """Validate and evaluate the side's evidence like `modenhet evaluate` does."""
    from modenhet.run.outcome import evaluate_items, record

    side.as_of = as_of
    side.ruleset = RulesetInfo(ruleset.name, ruleset.version, ruleset.sha256)
    for outcome in evaluate_items(ruleset, side.items, as_of, validate=True):
        side.problems.extend(Problem.at(outcome.source, p) for p in outcome.problems)
        if outcome.evaluation is None:
            side.entries.append(_failed(outcome.item, outcome.problems))
            continue
        number, name = municipality_of(outcome.municipality)
        snapshot = Snapshot.from_result(record(outcome))
        side.entries.append(
            Entry(outcome.source, outcome.item.sha256, number, name, snapshot, None, outcome.source)
        )


def mismatch(old: Side, new: Side) -> str | None:
    """Why the two sides cannot be matched (the command cannot run as asked), or None."""
    if not old.usable or not new.usable:
        return None  # the read error is the problem to report
    if old.single and new.single:
        (old_number, old_name), (new_number, new_name) = (
            old.first_municipality(),
            new.first_municipality(),
        )
        if old_number and new_number and current_number(old_number) != current_number(new_number):
            return (
                f"error: OLD ({old.path}) is {display_name(old_number, old_name, old.path)} "
                f"and NEW ({new.path}) is {display_name(new_number, new_name, new.path)}: "
                "give two documents of the same municipality, or two folders"
            )
        return None
    for one, other in ((old, new), (new, old)):
        if one.kind == "document" and not other.single:
            return (
                f"error: {one.label} ({one.path}) is {one.describe()} and {other.label} "
                f"({other.path}) is {other.describe()}, which cannot be matched: compare a "
                "document with a document (or a report of one municipality), and a folder "
                "with a folder or a report"
            )
    return None


# ------------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class MunicipalityChange:
    number: str
    name: str | None
    old: Entry
    new: Entry
    overall: LevelChange
    factors: list[FactorChange]
    criteria: list[CriterionChange]  # only those whose status changed

    @property
    def display(self) -> str:
        return display_name(self.number, self.name, self.new.source)


@dataclass(frozen=True)
class Uncompared:
    """A municipality (or a document without one) that has no result on some side."""

    number: str | None
    name: str | None
    old: Entry | None
    new: Entry | None
    reason: Text

    @property
    def display(self) -> str:
        return display_name(self.number, self.name, "(no municipality)")


@dataclass
class Comparison:
    old: Side
    new: Side
    municipalities: list[MunicipalityChange]  # compared, by municipality number
    only_old: list[Entry]
    only_new: list[Entry]
    not_compared: list[Uncompared]
    problems: list[Problem]  # every error and warning, read errors first
    warnings: list[Problem]  # about the comparison itself (shown in the report too)

    @property
    def factor_ids(self) -> list[str]:
        """Every factor of either side: NEW's rule-file order, then OLD's others."""
        ids: dict[str, None] = {}
        for change in self.municipalities:
            ids.update((f.id, None) for f in change.factors)
        return list(ids)

    @property
    def regressed(self) -> list[MunicipalityChange]:
        return [m for m in self.municipalities if m.overall.moved == "down"]

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def summary(self) -> dict[str, Any]:
        """How many improved, regressed, stayed: overall and per factor."""

        def count(changes: list[Movement | None]) -> dict[str, int]:
            return {
                "improved": changes.count("up"),
                "regressed": changes.count("down"),
                "unchanged": changes.count("same"),
                "bounds_changed": changes.count("bounds"),
            }

        factors = {}
        for factor_id in self.factor_ids:
            factors[factor_id] = count(
                [
                    f.levels.moved
                    for m in self.municipalities
                    for f in m.factors
                    if f.id == factor_id
                ]
            )
        return {
            "compared": len(self.municipalities),
            "overall": count([m.overall.moved for m in self.municipalities]),
            "factors": factors,
            "only_in_old": len(self.only_old),
            "only_in_new": len(self.only_new),
            "not_compared": len(self.not_compared),
        }


def compare(old: Side, new: Side) -> Comparison:
    """Match the sides' entries by municipality number and compare each pair."""
    problems = [*old.problems, *new.problems]
    old_by, old_loose = _by_number(old, problems)
    new_by, new_loose = _by_number(new, problems)
    changes: list[MunicipalityChange] = []
    only_old: list[Entry] = []
    only_new: list[Entry] = []
    not_compared: list[Uncompared] = []
    for number in sorted(old_by.keys() | new_by.keys()):
        before, after = old_by.get(number), new_by.get(number)
        name = (after and after.name) or (before and before.name) or None
        if before is not None and after is not None:
            if before.result is not None and after.result is not None:
                changes.append(_change(number, name, before, after))
            else:
                reasons = [
                    on_side(side.label, _why(entry))
                    for side, entry in ((old, before), (new, after))
                    if entry.result is None
                ]
                reason = (
                    Text(N_("%(first)s; %(second)s"), first=reasons[0], second=reasons[1])
                    if len(reasons) == 2
                    else reasons[0]
                )
                not_compared.append(Uncompared(number, name, before, after, reason))
        elif before is not None:
            if before.result is None:
                reason = on_side(OLD, _why(before))
                not_compared.append(Uncompared(number, name, before, None, reason))
            elif new.usable:
                only_old.append(before)
        elif after is not None:
            if after.result is None:
                reason = on_side(NEW, _why(after))
                not_compared.append(Uncompared(number, name, None, after, reason))
            elif old.usable:
                only_new.append(after)
    for entry in old_loose:
        not_compared.append(Uncompared(None, entry.name, entry, None, on_side(OLD, _why(entry))))
    for entry in new_loose:
        not_compared.append(Uncompared(None, entry.name, None, entry, on_side(NEW, _why(entry))))
    problems.extend(_renumbered(changes))
    problems.extend(_splits(old_by, new_by))
    warnings = _warnings(old, new)
    return Comparison(
        old, new, changes, only_old, only_new, not_compared, problems + warnings, warnings
    )


def _why(entry: Entry) -> Text:
    """Why an entry has no result (every entry without one records why)."""
    return entry.reason if entry.reason is not None else Text(N_("no result"))


def _by_number(side: Side, problems: list[Problem]) -> tuple[dict[str, Entry], list[Entry]]:
    """The side's entries by municipality number; a number that appears twice is an error for
    that municipality, naming every document that has it."""
    groups: dict[str, list[Entry]] = {}
    loose: list[Entry] = []
    for entry in side.entries:
        if entry.number is None:
            loose.append(entry)
        else:  # under its number of 2024, so that a renumbered municipality is one
            groups.setdefault(current_number(entry.number), []).append(entry)
    by_number: dict[str, Entry] = {}
    for number, group in groups.items():
        if len(group) == 1:
            by_number[number] = group[0]
            continue
        first = group[0]
        for entry in group[1:]:
            problems.append(
                Problem(
                    f"{entry.file}#{entry.pointer}/municipality/number",
                    "error",
                    f"municipality {number} is also in {_place(first)}; {side.label} must hold "
                    "each municipality once",
                )
            )
        places = ", ".join(_place(entry) for entry in group)
        reason = Text(N_("in %(count)s documents: %(places)s"), count=len(group), places=places)
        by_number[number] = Entry(
            places, None, number, first.name, None, reason, first.file, first.pointer
        )
    return by_number, loose


def _renumbered(changes: list[MunicipalityChange]) -> list[Problem]:
    """A note for each pair matched across SSB's renumbering of 2024."""
    notes = []
    for change in changes:
        if change.old.number != change.new.number:
            notes.append(
                Problem(
                    f"{change.new.file}#{change.new.pointer}/municipality/number",
                    "warning",
                    f"{change.old.display} in OLD and {change.new.display} in NEW are the same "
                    f"municipality: SSB changed its number from {change.old.number} to "
                    f"{change.new.number} on 1 January 2024",
                )
            )
    return notes


def _splits(old_by: dict[str, Entry], new_by: dict[str, Entry]) -> list[Problem]:
    """A municipality that SSB split in 2024 is not matched with any part: say so."""
    notes = []
    for number, entry in old_by.items():
        parts = successors(number)
        if len(parts) < 2:
            continue
        names = " and ".join(f"{c.new_number} {c.new_name}" for c in parts)
        present = [c.new_number for c in parts if c.new_number in new_by]
        found = f" (NEW has {', '.join(present)})" if present else ""
        notes.append(
            Problem(
                f"{entry.file}#{entry.pointer}/municipality/number",
                "warning",
                f"{entry.display} was split on 1 January 2024 into {names}: it is not compared "
                f"with either part{found}",
            )
        )
    return notes


def _place(entry: Entry) -> str:
    """Where an entry is: its file, or a report's result and the source it records."""
    if entry.pointer:
        return f"{entry.file}#{entry.pointer} ({entry.source})"
    return entry.source


def _change(number: str, name: str | None, old: Entry, new: Entry) -> MunicipalityChange:
    assert old.result is not None and new.result is not None
    before, after = old.result, new.result
    factors: list[FactorChange] = []
    criteria: list[CriterionChange] = []
    for factor_id, then, now in paired(before.factors, after.factors):
        shown = now or then
        assert shown is not None
        factors.append(FactorChange(factor_id, shown.title, factor_levels(then, now)))
        old_criteria = then.criteria if then else {}
        new_criteria = now.criteria if now else {}
        for criterion_id, was, is_ in paired(old_criteria, new_criteria):
            old_status = was.status if was else None
            new_status = is_.status if is_ else None
            if old_status != new_status:
                change = criterion_change(factor_id, criterion_id, was, is_, old_status, new_status)
                criteria.append(change)
    overall = overall_levels(before, after)
    return MunicipalityChange(number, name, old, new, overall, factors, criteria)


def _warnings(old: Side, new: Side) -> list[Problem]:
    """What the reader of the comparison must know: shown on stderr, in JSON and in the table."""
    warnings: list[Problem] = []
    if old.ruleset and new.ruleset and old.ruleset.sha256 != new.ruleset.sha256:
        where = old if old.kind == "report" else new
        same = (old.ruleset.name, old.ruleset.version) == (new.ruleset.name, new.ruleset.version)
        template = (
            N_(
                "OLD and NEW were evaluated with different rule sets — OLD: %(old)s (sha256 "
                "%(old_sha256)s…), NEW: %(new)s (sha256 %(new_sha256)s…) (the same name and "
                "version, but the rule files differ): a level may have changed because the "
                "rules changed, not the municipality"
            )
            if same
            else N_(
                "OLD and NEW were evaluated with different rule sets — OLD: %(old)s (sha256 "
                "%(old_sha256)s…), NEW: %(new)s (sha256 %(new_sha256)s…): a level may have "
                "changed because the rules changed, not the municipality"
            )
        )
        warnings.append(
            Problem.worded(
                f"{where.path}#/ruleset/sha256",
                "warning",
                template,
                old=str(old.ruleset),
                old_sha256=old.ruleset.sha256[:12],
                new=str(new.ruleset),
                new_sha256=new.ruleset.sha256[:12],
            )
        )
    if old.as_of and new.as_of and old.as_of > new.as_of:
        template = (
            N_(
                "OLD is as of %(old)s, after NEW (as of %(new)s): are OLD and NEW the wrong way "
                "round? (--old-as-of sets the date for OLD evidence)"
            )
            if old.is_evidence
            else N_(
                "OLD is as of %(old)s, after NEW (as of %(new)s): are OLD and NEW the wrong way "
                "round?"
            )
        )
        warnings.append(Problem.worded("", "warning", template, old=old.as_of, new=new.as_of))
    return warnings
