"""`modenhet explain`'s reports: the explanation (`modenhet.analyses.explain`) as text for
people — each criterion's condition as a tree of true, false, unknown and error — or as JSON."""

from __future__ import annotations

import json
from typing import Any

from modenhet.i18n import translator
from modenhet.report.words import Translate, status_word

SYMBOLS = {"true": "✓", "false": "✗", "unknown": "?", "error": "!", "value": "="}


def render_json(report: dict[str, Any], **_: Any) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)


def render(report: dict[str, Any], *, name: str, everything: bool, lang: str) -> str:
    """For people: each factor's level, why it stops there, and the tree of each criterion."""
    _ = translator(lang).gettext
    lines = [
        f"{name} · {report['source']} · " + _("as of %(date)s") % {"date": report["as_of"]},
        _("Overall level: %(level)s %(label)s")
        % {"level": report["overall"], "label": report["overall_label"]},
    ]
    for factor in report["factors"]:
        lines.append("")
        head = f"{factor['title']}: " + _("level %(level)s %(label)s") % factor
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
    return "\n".join(lines)


def tree(step: dict[str, Any], indent: str, _: Translate = str) -> list[str]:
    outcome = step["outcome"]
    label = f"{step['label']} " if step.get("label") else ""
    text = step["expression"]
    words = {"true": _("true"), "false": _("false"), "unknown": _("unknown")}
    if outcome == "value":
        line = f"= {label}{text}: {_value(step['value'])}"
    elif outcome == "unknown" and "pointer" in step and not step["children"]:
        line = f"? {label}{text} — " + _("missing")
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
    from modenhet.values import describe

    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return value
    return describe(value, 60)
