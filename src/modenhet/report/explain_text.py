"""`modenhet explain`'s reports: the explanation (`modenhet.analyses.explain`) as text for
people — each criterion's condition as a tree of true, false, unknown and error, and what to
collect next — or as JSON."""

from __future__ import annotations

import datetime
import json
from typing import Any

from modenhet.i18n import people_date, translator
from modenhet.report.table import decided_text, label_text
from modenhet.report.words import Translate, status_word
from modenhet.results import level_text

SYMBOLS = {"true": "✓", "false": "✗", "unknown": "?", "error": "!", "value": "="}


def render_json(report: dict[str, Any], **_: Any) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def render(report: dict[str, Any], *, name: str, everything: bool, lang: str) -> str:
    """For people: each factor's level and its bounds, why it stops there, the tree of each
    criterion, and what to collect next."""
    _ = translator(lang).gettext
    overall = {
        "level": level_text(report["overall"], report["overall_max"]),
        "label": label_text(
            report["overall_label"],
            report["overall_label_max"],
            report["overall_max"] != report["overall"],
        ),
    }
    decided = report["decided"]
    lines = [
        f"{name} · {report['source']} · "
        + _("as of %(date)s") % {"date": _date(report["as_of"]) or report["as_of"]},
        _("Overall level: %(level)s %(label)s") % overall
        + " · "
        + decided_text((decided["criteria"], decided["of"]), _),
    ]
    for factor in report["factors"]:
        lines.append("")
        bounded = factor["level_max"] != factor["level"]
        level = {
            "level": level_text(factor["level"], factor["level_max"]),
            "label": label_text(factor["label"], factor["label_max"], bounded),
        }
        head = f"{factor['title']}: " + _("level %(level)s %(label)s") % level
        head += f" ({decided_text((factor['decided']['criteria'], factor['decided']['of']), _)})"
        following = factor["next"]
        if following is None:
            head += " — " + _("the highest level")
        elif not everything:
            head += (
                " — "
                + _("stops here: level %(level)s has %(met)s of %(of)s criteria met; not met:")
                % following
            )
        lines.append(head)
        for criterion in factor["criteria"]:
            mark = "§ " if criterion["legal"] else ""
            level = _("level %(level)s") % criterion
            status = status_word(criterion["status"], _)
            lines.append(
                f'  {mark}{criterion["id"]} ({level}) "{criterion["title"]}" — '
                f"{status}  [{criterion['file']}:{criterion['line']}]"
            )
            lines += tree(criterion["why"], "    ", _)
        lines += collect_lines(factor, _)
    return "\n".join(lines)


def collect_lines(factor: dict[str, Any], _: Translate) -> list[str]:
    """The factor's "what to collect next": each path, its schema title, the levels it could
    unlock."""
    if not factor["to_collect"]:
        return []
    lines = [
        "  "
        + _("To collect next, for up to level %(level)s (the most levels first):")
        % {"level": factor["level_max"]}
    ]
    for item in factor["to_collect"]:
        path = item["path"] + (" " + _("(partly known)") if item["partial"] else "")
        title = f" «{item['title']}»" if item["title"] else ""
        could = _("levels it could unlock: %(count)s") % {"count": item["levels"]}
        lines.append(f"    + {path}{title} — {could}")
    return lines


def tree(step: dict[str, Any], indent: str, _: Translate = str) -> list[str]:
    outcome = step["outcome"]
    label = f"{step['label']} " if step.get("label") else ""
    text = step["expression"]
    words = {"true": _("true"), "false": _("false"), "unknown": _("unknown")}
    if outcome == "value":
        line = f"= {label}{text}: {_value(step['value'])}"
    elif outcome == "unknown" and "pointer" in step and not step["children"]:
        line = f"? {label}{text} — " + _("missing")
        if step.get("title"):
            line += f": {step['title']}"
    elif outcome == "error":
        line = f"! {label}{text} — " + _("error: %(message)s") % step
    else:
        line = f"{SYMBOLS[outcome]} {label}{text} — {words[outcome]}"
    if step.get("pointer"):
        line += f"  (#{step['pointer']})"
    lines = [indent + line]
    for child in step["children"]:
        lines += tree(child, indent + "  ", _)
    return lines


def _value(value: Any) -> str:
    """A value as people read it: a date `30.06.2025`, anything else as the rule language
    describes it."""
    from modenhet.values import describe

    if isinstance(value, str) and (day := _date(value)) is not None:
        return day
    return describe(value, 60)


def _date(value: str) -> str | None:
    """An ISO date (`2025-06-30`, as the explanation's JSON records dates) as people write it,
    or None for anything else."""
    if len(value) != 10 or value[4] != "-" or value[7] != "-":
        return None
    try:
        return people_date(datetime.date.fromisoformat(value))
    except ValueError:
        return None
