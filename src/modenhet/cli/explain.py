"""`modenhet explain`: for one document, why each factor stands where it does."""

from __future__ import annotations

import datetime
import sys

import click

from modenhet.cli.common import (
    AS_OF,
    LANG,
    OK,
    PROBLEM,
    RULES,
    evidence_files,
    fail,
    format_option,
    load_rules,
    stderr,
)
from modenhet.report import renderer


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
@format_option(
    "explain",
    "text for people, json for machines.",
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
    from modenhet.analyses.explain import explain_document
    from modenhet.evidence.reader import iter_evidence
    from modenhet.run.outcome import Outcome, municipality_name

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
    report = explain_document(ruleset, evaluation, item, factor_ids, everything=everything)
    name = municipality_name(Outcome(item, None, []))
    click.echo(renderer("explain", format_)(report, name=name, everything=everything, lang=lang))
    sys.exit(OK)
