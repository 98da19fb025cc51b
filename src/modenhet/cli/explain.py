"""`modenhet explain`: for one document, why each factor stands where it does."""

from __future__ import annotations

import datetime
import json
import sys
from typing import Any

import click

from modenhet.cli.common import (
    AS_OF,
    LANG,
    OK,
    PROBLEM,
    RULES,
    evidence_files,
    fail,
    load_rules,
    stderr,
)
from modenhet.i18n import translator
from modenhet.report.table import Translate, status_word

SYMBOLS = {"true": "✓", "false": "✗", "unknown": "?", "error": "!", "value": "="}


@click.command()
@click.argument("evidence")
@RULES
@AS_OF
@click.option(
    "--factor",
    "factor_ids",
    metavar="ID",
    multiple=True,
    help="Only this factor (may be given more than once).",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Every criterion, not only those that stopped each factor.",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
@LANG
def explain(
    *,
    evidence: str,
    rules: str | None,
    as_of: datetime.date,
    factor_ids: tuple[str, ...],
    everything: bool,
    format_: str,
    lang: str,
) -> None:
    """Explain one document: why each factor stands at its level.

    For each factor, the criteria of the next level that are not met (or, with --all, every
    criterion), each as a tree that follows its condition: every part marked true, false,
    unknown or error, with the rule file's line, and every value read from the evidence with
    its JSON pointer — or that it is missing.

    EVIDENCE is one .xlsx workbook or .json file.

    \b
    Examples:
        modenhet explain samples/1820-alstahaug.json --as-of 2025-06-30
        modenhet explain 4601-bergen.xlsx --factor economy
        modenhet explain samples/4642-laerdal.json --factor strategy --all
    """
    from modenhet.evidence import iter_evidence
    from modenhet.explain import Explainer
    from modenhet.run import municipality_name

    files = evidence_files((evidence,), recursive=False)
    ruleset = load_rules(rules)
    known = [factor.id for factor in ruleset.factors]
    for factor_id in factor_ids:
        if factor_id not in known:
            import difflib

            close = difflib.get_close_matches(factor_id, known, n=1)
            fail(
                f"--factor {factor_id}: error: no such factor"
                + (f" (did you mean {close[0]}?)" if close else f"; factors: {', '.join(known)}")
            )
    items = list(iter_evidence(files))
    if len(items) != 1:
        fail(f"{evidence}: error: explain takes one document; this holds {len(items)}")
    (item,) = items
    problems = item.problems or item.locate(ruleset.violations(item.document))
    errors = [p for p in problems if p.severity == "error"]
    for problem in problems:
        stderr(problem.render(item.source))
    if errors or item.document is None:
        sys.exit(PROBLEM)
    evaluation = ruleset.evaluate(item.document, as_of)
    explainer = Explainer(ruleset._exact, item.document, as_of)
    factors: list[dict[str, Any]] = []
    for factor in evaluation.factors.values():
        if factor_ids and factor.id not in factor_ids:
            continue
        chosen = factor.criteria if everything else factor.gap
        factors.append(
            {
                "id": factor.id,
                "title": factor.title,
                "level": factor.level,
                "label": factor.label,
                "next": None
                if factor.progress is None
                else {
                    "level": factor.next_level,
                    "met": factor.progress[0],
                    "of": factor.progress[1],
                },
                "criteria": [
                    {
                        "id": c.id,
                        "level": c.level,
                        "title": c.title,
                        "status": c.status,
                        "legal": c.legal,
                        "file": c.definition.span.file,
                        "line": c.definition.span.line,
                        "advice": c.advice,
                        "ref": c.ref,
                        "why": explainer.criterion(c.definition).to_dict(),
                    }
                    for c in chosen
                ],
            }
        )
    report = {
        "source": item.source,
        "municipality": item.municipality,
        "as_of": as_of.isoformat(),
        "ruleset": {"name": ruleset.name, "version": ruleset.version, "sha256": ruleset.sha256},
        "overall": evaluation.overall,
        "overall_label": evaluation.overall_label,
        "factors": factors,
    }
    if format_ == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _ = translator(lang).gettext
        click.echo(render(report, municipality_name_of(item, municipality_name), everything, _))
    sys.exit(OK)


def municipality_name_of(item: Any, namer: Any) -> str:
    from modenhet.run import Outcome

    return str(namer(Outcome(item, None, [])))


def render(report: dict[str, Any], name: str, everything: bool, _: Translate) -> str:
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
