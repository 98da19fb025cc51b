"""The command line (spec/cli.md): thin Click commands that build the objects, call the API,
choose the reporter and set the exit status. Bad input never ends in a traceback.

Exit status: 0 all is well; 1 a problem in the input (rules that do not check, invalid evidence,
a level under --fail-under); 2 the command could not run as asked (a bad option, a missing path,
an unreadable rule file) — before any report.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

import click

from modenhet import __version__

if TYPE_CHECKING:
    from modenhet.ruleset import RuleSet

OK, PROBLEM, CANNOT_RUN = 0, 1, 2
FORMATS = ("table", "json", "jsonl", "csv", "markdown")


def _stderr(text: str) -> None:
    click.echo(text, err=True)


def _fail(message: str) -> NoReturn:
    _stderr(message)
    sys.exit(CANNOT_RUN)


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date:
    if value is None:
        return datetime.date.today()
    try:
        if len(value) != 10:
            raise ValueError
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD") from None


AS_OF = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    callback=_parse_as_of,
    help="The evaluation date (default: today). Always recorded in the report.",
)
RULES = click.option(
    "-r",
    "--rules",
    "rules",
    metavar="RULES",
    help="The rule set (.rules file). Default: the rule set shipped with modenhet.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="modenhet", message="%(prog)s %(version)s"
)
def main() -> None:
    """Maturity of municipal housing-social work (bustadsosialt arbeid).

    \b
    Evaluate evidence with the default rule set:
        modenhet evaluate samples/
    Check a rule file:
        modenhet check rules/bustadsosialt.rules
    """


# ------------------------------------------------------------------------------------ loading


def load_rules(path: str | None) -> RuleSet:
    """The rule set, or exit: 2 when the file cannot be read, 1 when it does not check."""
    from modenhet.errors import RuleError, RuleFileError
    from modenhet.resources import default_rules_path
    from modenhet.ruleset import load_ruleset

    try:
        ruleset = load_ruleset(path if path is not None else default_rules_path())
    except RuleFileError as error:
        _fail(error.render())
    except RuleError as error:
        _stderr(error.render())
        sys.exit(PROBLEM)
    for warning in ruleset.warnings:
        _stderr(warning.render())
    return ruleset


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file written atomically: a temporary file, then a rename."""
    if path is None:
        yield sys.stdout
        return
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        _fail(f"{path}: error: the folder {directory} does not exist")
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
        "w",
        encoding="utf-8",
        newline="",
        dir=directory,
        prefix=f".{os.path.basename(path)}.",
        suffix=".tmp",
        delete=False,
    )
    try:
        with handle:
            yield cast(TextIO, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise


# ----------------------------------------------------------------------------------- evaluate


@main.command()
@click.argument("evidence", nargs=-1, required=True)
@RULES
@AS_OF
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="The report format.",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    help="Write the report to FILE (atomically) instead of standard output.",
)
@click.option(
    "--fail-under",
    type=int,
    metavar="LEVEL",
    help="Exit with status 1 when any document's overall level is below LEVEL.",
)
@click.option(
    "--no-validate",
    is_flag=True,
    help="Do not validate documents against the rule set's schema first.",
)
@click.option("--recursive", is_flag=True, help="Read folders recursively.")
def evaluate(
    *,
    evidence: tuple[str, ...],
    rules: str | None,
    as_of: datetime.date,
    format_: str,
    output_path: str | None,
    fail_under: int | None,
    no_validate: bool,
    recursive: bool,
) -> None:
    """Evaluate evidence documents and report each factor's level and the gap.

    EVIDENCE is one or more .json files (one document), .jsonl files (one document a line),
    folders (every .json and .jsonl inside, by name) or - for standard input.

    \b
    Examples:
        modenhet evaluate samples/
        modenhet evaluate samples/4601-bergen.json --as-of 2025-06-30
        modenhet evaluate samples/ -f json -o report.json --fail-under 2
    """
    from modenhet.evidence import InputError, collect_files, iter_evidence
    from modenhet.report import reporter
    from modenhet.run import RunInfo, evaluate_items

    try:
        files = collect_files(list(evidence), recursive=recursive)
    except InputError as error:
        _fail(f"{error.path}: error: no such file or folder")
    ruleset = load_rules(rules)
    outcomes = evaluate_items(ruleset, iter_evidence(files), as_of, validate=not no_validate)
    state = {"failed": 0, "below": 0, "count": 0}

    def observed() -> Iterator[Any]:
        for outcome in outcomes:
            state["count"] += 1
            if outcome.evaluation is None:
                state["failed"] += 1
                for problem in outcome.problems:
                    _stderr(problem.render(outcome.source))
            elif fail_under is not None and outcome.evaluation.overall < fail_under:
                state["below"] += 1
            yield outcome

    run = RunInfo(ruleset, as_of, __version__)
    with output(output_path) as out:
        reporter(format_)(run, observed(), out)
    if state["count"] == 0:
        _stderr("error: no evidence documents found (a folder is read for .json and .jsonl)")
        sys.exit(PROBLEM)
    if state["below"]:
        _stderr(f"error: {state['below']} document(s) below --fail-under {fail_under}")
    sys.exit(PROBLEM if state["failed"] or state["below"] else OK)


# -------------------------------------------------------------------------------------- check


@main.command()
@click.argument("rules", nargs=-1)
@click.option("--strict", is_flag=True, help="Warnings also give exit status 1.")
def check(*, rules: tuple[str, ...], strict: bool) -> None:
    """Check rule files: syntax, includes, lets, levels, functions, types and schema paths.

    Without RULES, the default rule set is checked. Every problem is reported, not only the
    first, as FILE:LINE:COL: error: MESSAGE with the source line and a caret.

    \b
    Example:
        modenhet check rules/bustadsosialt.rules
    """
    from modenhet.checker import check as check_rules
    from modenhet.errors import RuleFileError
    from modenhet.loader import load_rule_files
    from modenhet.resources import default_rules_path

    paths = list(rules) or [str(default_rules_path())]
    loaded = []
    for path in paths:  # every named file must be readable before anything is reported
        try:
            loaded.append(load_rule_files(path))
        except RuleFileError as error:
            _fail(error.render())
    status = OK
    for path, files in zip(paths, loaded, strict=True):
        model, diagnostics = check_rules(files)
        for diagnostic in diagnostics:
            _stderr(diagnostic.render())
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = len(diagnostics) - errors
        if model is not None and not (strict and warnings):
            criteria = len(model.criteria)
            click.echo(
                f"{path}: ok — {len(model.factors)} factors, {criteria} criteria, "
                f"{len(model.lets)} lets, {len(model.sources)} file(s)"
                + (f", {warnings} warning(s)" if warnings else "")
            )
        else:
            click.echo(f"{path}: {errors} error(s), {warnings} warning(s)")
            status = PROBLEM
    sys.exit(status)


# ----------------------------------------------------------------------------------- validate


@main.command()
@click.argument("evidence", nargs=-1, required=True)
@click.option(
    "--schema",
    "schema_path",
    metavar="FILE",
    help="The JSON Schema (default: the one shipped with modenhet).",
)
@click.option("--recursive", is_flag=True, help="Read folders recursively.")
def validate(*, evidence: tuple[str, ...], schema_path: str | None, recursive: bool) -> None:
    """Validate evidence against the JSON Schema, listing every violation.

    \b
    Example:
        modenhet validate samples/
    """
    import json

    from modenhet.evidence import InputError, collect_files, iter_evidence
    from modenhet.resources import default_schema_path
    from modenhet.validation import SchemaValidator

    path = schema_path or str(default_schema_path())
    try:
        with open(path, encoding="utf-8") as handle:
            validator = SchemaValidator(json.load(handle))
    except (OSError, ValueError) as error:
        _fail(f"{path}: error: cannot use the schema: {error}")
    except Exception as error:  # jsonschema.SchemaError and friends
        _fail(f"{path}: error: not a valid JSON Schema: {str(error).splitlines()[0]}")
    try:
        files = collect_files(list(evidence), recursive=recursive)
    except InputError as error:
        _fail(f"{error.path}: error: no such file or folder")
    invalid = count = 0
    for item in iter_evidence(files):
        count += 1
        problems = item.problems or validator.violations(item.document)
        for problem in problems:
            _stderr(problem.render(item.source))
        invalid += bool(problems)
        if not problems:
            click.echo(f"{item.source}: valid")
    if count == 0:
        _stderr("error: no evidence documents found")
        sys.exit(PROBLEM)
    sys.exit(PROBLEM if invalid else OK)
