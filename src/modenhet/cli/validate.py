"""`modenhet validate`: every violation of every document against the JSON Schema."""

from __future__ import annotations

import json
import sys

import click

from modenhet.cli.common import OK, PROBLEM, RECURSIVE, evidence_files, fail, stderr


@click.command()
@click.argument("evidence", nargs=-1, required=True)
@click.option(
    "--schema",
    "schema_path",
    metavar="FILE",
    help="The JSON Schema (default: the one shipped with modenhet).",
)
@RECURSIVE
def validate(*, evidence: tuple[str, ...], schema_path: str | None, recursive: bool) -> None:
    """Validate evidence against the JSON Schema, listing every violation.

    \b
    Example:
        modenhet validate samples/
    """
    from jsonschema.exceptions import SchemaError

    from modenhet.evidence import iter_evidence
    from modenhet.resources import default_schema_path
    from modenhet.validation import SchemaValidator

    path = schema_path or str(default_schema_path())
    try:
        with open(path, encoding="utf-8") as handle:
            validator = SchemaValidator(json.load(handle))
    except (OSError, ValueError) as error:
        fail(f"{path}: error: cannot use the schema: {error}")
    except SchemaError as error:
        fail(f"{path}: error: not a valid JSON Schema: {error.message}")
    files = evidence_files(evidence, recursive=recursive)
    invalid = count = 0
    for item in iter_evidence(files):
        count += 1
        problems = item.problems or item.locate(validator.violations(item.document))
        for problem in problems:
            stderr(problem.render(item.source))
        if any(problem.severity == "error" for problem in problems):
            invalid += 1
        else:
            click.echo(f"{item.source}: valid")
    if count == 0:
        stderr("error: no evidence documents found")
        sys.exit(PROBLEM)
    sys.exit(PROBLEM if invalid else OK)
