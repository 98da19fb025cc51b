"""Missing and partly known evidence as the reports name it for people: by the title the
evidence schema gives the field, with its path beside it for the expert —
`manglar: Rapport om utfall (`evidence.anchoring.outcome_report_date`)`. Each format writes
the pair its own way (`Shown`): the terminal and Markdown with the path in backticks, HTML with
it in a `<small><code>` (the template)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from modenhet.report.words import Translate
from modenhet.results import CriterionResult, MissingField

Shown = Callable[[MissingField], str]


def plain_field(field: MissingField) -> str:
    """`Rapport om utfall (`evidence.anchoring.outcome_report_date`)`, or the path alone where
    the schema gives the field no title."""
    if field.title:
        return f"{field.title} (`{field.path}`)"
    return f"`{field.path}`"


def missing_note(fields: Sequence[MissingField], _: Translate, show: Shown = plain_field) -> str:
    """`manglar: A (`a`), B (`b`). delvis kjend: C (`c`).` ("" when nothing is missing)."""
    missing = ", ".join(show(field) for field in fields if not field.partial)
    partly = ", ".join(show(field) for field in fields if field.partial)
    parts = []
    if missing:
        parts.append(_("missing: %(fields)s.") % {"fields": missing})
    if partly:
        parts.append(_("partly known: %(fields)s.") % {"fields": partly})
    return " ".join(parts)


def gap_note(criterion: CriterionResult, _: Translate, show: Shown = plain_field) -> str:
    """What the reader needs to act on a criterion of the gap: the missing fields or the
    error, then the advice."""
    if criterion.status == "error" and criterion.message:
        return criterion.message
    note = criterion.advice or ""
    if criterion.status == "unknown":
        missing = missing_note(criterion.missing_fields(), _, show)
        note = f"{missing} {note}".strip()
    return note
