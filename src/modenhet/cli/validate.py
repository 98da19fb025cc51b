"""`modenhet validate`: every violation of every document against the JSON Schema."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

from modenhet.cli.common import (
    LANG,
    MAX_BYTES,
    OK,
    PROBLEM,
    QUIET,
    RECURSIVE,
    VERBOSE,
    evidence_files,
    fail,
    format_option,
    load_rules,
    stderr,
    verbosity,
)
from modenhet.errors import severity_word
from modenhet.i18n import N_, Text, in_language
from modenhet.report import renderer
from modenhet.report.validation import document_record, validation_summary


@click.command()
@click.argument("evidence", nargs=-1, required=True)
@click.option(
    "--schema",
    "schema_path",
    metavar="FILE",
    help="The JSON Schema. Default: the schema the rule set names (see -r), else the one "
    "shipped with modenhet.",
)
@click.option("-r", "--rules", "rules", metavar="RULES", help="Use the schema this rule set names.")
@format_option(
    "validate",
    "text: one line per problem on stderr; json: a report on stdout.",
)
@RECURSIVE
@MAX_BYTES
@QUIET
@VERBOSE
@LANG
def validate(
    *,
    evidence: tuple[str, ...],
    schema_path: str | None,
    rules: str | None,
    format_: str,
    recursive: bool,
    max_bytes: int,
    quiet: bool,
    verbose: bool,
    lang: str,
) -> None:
    """Validate evidence against the JSON Schema, listing every violation.

    EVIDENCE is .xlsx workbooks, .json and .jsonl files, folders of them, or - for standard
    input. Each problem is reported as FILE[:LINE]#/json/pointer: error: MESSAGE, in the order
    it stands in the file; in a workbook as FILE:SHEET!CELL: error: «FIELD»: MESSAGE. A
    municipality number must be one of the 357 of 2024; a name that differs from the official
    list is a warning. Exit 0 when every document is valid.

    The text format lists the problems on stderr and ends with one summary line on stdout;
    -v also names each valid document (FILE: valid), -q prints only the errors. Its words are
    in the --lang language, each field named by the schema's title beside its path; the json
    format is English, for machines.

    \b
    Examples:
        modenhet validate samples/
        modenhet validate 4601-bergen.xlsx
        modenhet template --municipality 4601 | modenhet validate -
    """
    from jsonschema.exceptions import SchemaError

    from modenhet.engine.ruleset import schema_violations
    from modenhet.evidence.reader import iter_evidence
    from modenhet.evidence.schemacheck import schema_problem
    from modenhet.evidence.validation import SchemaValidator
    from modenhet.resources import default_schema_path

    level = verbosity(quiet, verbose)
    files = evidence_files(evidence, recursive=recursive)
    if schema_path is None and rules is not None:
        ruleset = load_rules(rules)
        if ruleset.model.schema_path is None:
            _fail(rules, Text(N_("the rule set names no schema; give one with --schema")), lang)
        schema_path = str(ruleset.model.schema_path)
    path = schema_path or str(default_schema_path())
    try:
        with open(path, encoding="utf-8") as handle:
            schema = json.load(handle)
    except (OSError, ValueError) as error:
        _fail(path, Text(_CANNOT_USE, reason=_reason(error)), lang)
    except RecursionError:
        _fail(path, Text(_CANNOT_USE, reason=Text(N_("it is nested too deeply"))), lang)
    unusable = (
        schema_problem(schema) if isinstance(schema, dict) else Text(N_("it is not a JSON object"))
    )
    if unusable is not None:  # checked as `check` checks a rule set's schema: never a traceback
        _fail(path, Text(_NOT_A_SCHEMA, reason=unusable), lang)
    try:
        validator = SchemaValidator(schema)
    except SchemaError as error:
        _fail(path, Text(_NOT_A_SCHEMA, reason=error.message), lang)
    documents: list[dict[str, Any]] = []
    for item in iter_evidence(files, limit=max_bytes):
        problems = item.problems or item.locate(schema_violations(lambda: validator, item.document))
        if format_ == "text":
            shown = [p for p in problems if level >= 0 or p.severity == "error"]
            to_stderr, to_stdout = renderer("validate", "text")(item.source, shown, lang)
            for line in to_stderr:
                stderr(line)
            for line in to_stdout if level > 0 else ():
                click.echo(line)
        documents.append(document_record(item.source, problems))
    if format_ == "json":
        click.echo(renderer("validate", "json")(path, documents))
    elif documents and level >= 0:
        click.echo(validation_summary(documents, lang))
    if not documents:
        stderr(in_language(N_("error: no evidence documents found"), lang))
        sys.exit(PROBLEM)
    sys.exit(OK if all(d["valid"] for d in documents) else PROBLEM)


_CANNOT_USE = N_("cannot use the schema: %(reason)s")
_NOT_A_SCHEMA = N_("not a valid JSON Schema: %(reason)s")


def _fail(where: str, message: Text, lang: str) -> NoReturn:
    """`WHERE: error: MESSAGE` in the reader's language; exit 2."""
    fail(f"{where}: {severity_word('error', lang)}: {message.render(lang)}")


def _reason(error: OSError | ValueError) -> Text | str:
    """Why the schema file cannot be read or parsed: the system's words, translated where
    the evidence reader knows them."""
    if isinstance(error, OSError):
        from modenhet.evidence.messages import unreadable

        return unreadable(error)
    return str(error)
