"""`modenhet evaluate --verify`'s answer for people, in their language: what the report says it
is, a line per check and per recorded document, then whether the report holds. Everything
quoted from the report or a file is made visible (`modenhet.errors.visible`)."""

from __future__ import annotations

import datetime
from typing import Any

from modenhet.errors import visible
from modenhet.i18n import people_date, translator
from modenhet.report.words import Translate
from modenhet.run.verify import Finding


def heading(path: str, report: dict[str, Any], lang: str) -> str:
    """`Verifying PATH: made by modenhet V with RULESET VERSION, as of DD.MM.YYYY`."""
    _ = translator(lang).gettext
    recorded = report["ruleset"]
    ruleset = f"{recorded['name']} {recorded['version'] or ''}".rstrip()
    made = {
        "path": path,
        "version": report["tool"]["version"],
        "ruleset": ruleset,
        "date": _date(report["as_of"]),
    }
    text = _("Verifying %(path)s: made by modenhet %(version)s with %(ruleset)s, as of %(date)s")
    return visible(text % made)


def _date(text: str) -> str:
    """A date of the report (valid: `load_report` checked it) as people write it."""
    return people_date(datetime.date.fromisoformat(text))


def _whole(source: str, _: Translate) -> str:
    """The name of a check of the report as a whole."""
    words = {
        "tool": _("tool"),
        "rule set": _("rule set"),
        "inputs": _("inputs"),
        "results": _("results"),
    }
    return words.get(source, source)


def finding_line(finding: Finding, lang: str) -> str:
    """`  SOURCE: WHAT WAS FOUND`, for a check of the whole report or for one document."""
    _ = translator(lang).gettext
    source = _whole(finding.source, _) if finding.whole else finding.source
    return visible(f"  {source}: {finding.message.render(lang)}")


def verdict(findings: list[Finding], lang: str) -> str:
    """`The report holds: 9 of 9 documents reproduced.`, or what does not hold."""
    _ = translator(lang).gettext
    documents = [finding for finding in findings if not finding.whole]
    holding = sum(finding.holds for finding in documents)
    if all(finding.holds for finding in findings):
        return _("The report holds: %(holding)s of %(count)s documents reproduced.") % {
            "holding": holding,
            "count": len(documents),
        }
    changed = {"changed": len(documents) - holding, "count": len(documents)}
    text = _("The report does not hold: %(changed)s of %(count)s documents changed") % changed
    broken = {
        "tool": _("the tool changed"),
        "rule set": _("the rule set changed"),
        "inputs": _("the inputs changed"),
        "results": _("the results changed"),
    }
    for finding in findings:
        if finding.whole and not finding.holds:
            text += ", " + broken.get(finding.source, finding.source)
    return text + "."


def holds(findings: list[Finding]) -> bool:
    return all(finding.holds for finding in findings)
