"""`modenhet convert`: an evidence workbook to its JSON document (for archiving and for the
Python API), or a JSON document to a workbook (last year's answers to update)."""

from __future__ import annotations

import json
import os
import sys

import click

from modenhet.cli.common import (
    MAX_BYTES,
    OK,
    PROBLEM,
    check_output,
    evidence_files,
    output,
    report_format,
    stderr,
)
from modenhet.cli.schema import WORKBOOK_LANG, workbook_is_a_file, workbook_language
from modenhet.i18n import N_, Text


@click.command()
@click.argument("evidence")
@click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    help="Write to FILE (atomically) instead of standard output; its extension (.json or "
    ".xlsx) says what to write.",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["json", "xlsx"]),
    default="json",
    show_default=True,
    help="json: the evidence document; xlsx: a workbook holding its answers.",
)
@WORKBOOK_LANG
@MAX_BYTES
def convert(
    *, evidence: str, output_path: str | None, format_: str, lang: str, max_bytes: int
) -> None:
    """Convert one evidence document: a workbook to JSON, or JSON to a workbook.

    The document is read as `evaluate` reads it and validated against the evidence schema;
    any problem is reported where it is (`kommune.xlsx:Økonomiske ressursar!C12: feil: ...`),
    in the --lang language, and nothing is written (exit 1). An empty answer cell becomes null
    (not known).

    \b
    Examples:
        modenhet convert 4601-bergen.xlsx -o 4601-bergen.json
        modenhet convert 4601-bergen-2024.json -o 4601-bergen-2025.xlsx
    """
    from modenhet.engine.ruleset import schema_violations
    from modenhet.errors import severity_word
    from modenhet.evidence.reader import iter_evidence
    from modenhet.evidence.validation import SchemaValidator
    from modenhet.evidence.workbook.reader import default_schema
    from modenhet.report.validation import problem_line

    format_ = report_format(format_, output_path, ("json", "xlsx"))
    files = evidence_files((evidence,), recursive=False)
    if format_ == "xlsx" and output_path is None and sys.stdout.isatty():
        raise workbook_is_a_file(lang)
    items = list(iter_evidence(files, limit=max_bytes))
    if len(items) != 1:
        message = Text(
            N_("convert takes one document; this holds %(count)s"), count=len(items)
        ).render(lang)
        stderr(f"{evidence}: {severity_word('error', lang)}: {message}")
        sys.exit(PROBLEM)
    (item,) = items
    schema = default_schema()
    validator = SchemaValidator(schema)
    problems = item.problems or item.locate(schema_violations(lambda: validator, item.document))
    for problem in problems:
        stderr(problem_line(item.source, problem, lang))
    if item.document is None or any(p.severity == "error" for p in problems):
        sys.exit(PROBLEM)
    check_output(output_path, files)
    if format_ == "xlsx":
        from modenhet.evidence.workbook.cells import write_binary
        from modenhet.evidence.workbook.template import template_bytes

        name = os.path.basename(output_path) if output_path else "kommune.xlsx"
        data = template_bytes(
            schema, lang=workbook_language(lang), document=item.document, file_name=name
        )
        with output(output_path) as out:
            write_binary(out, data)
    else:
        with output(output_path) as out:
            out.write(json.dumps(item.document, ensure_ascii=False, indent=2) + "\n")
    sys.exit(OK)
