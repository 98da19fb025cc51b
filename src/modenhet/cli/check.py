"""`modenhet check`: every problem of every named rule set, located, with a caret."""

from __future__ import annotations

import json
import os
import sys
from typing import TYPE_CHECKING

import click

from modenhet.cli.common import (
    OK,
    OUTPUT,
    PROBLEM,
    check_output,
    fail,
    output,
    report_format,
    stderr,
)

if TYPE_CHECKING:
    from modenhet.errors import Diagnostic


@click.command()
@click.argument("rules", nargs=-1)
@click.option("--strict", is_flag=True, help="Warnings also give exit status 1.")
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["text", "json", "sarif"]),
    default="text",
    show_default=True,
    help="text: for people, on stderr; json: the diagnostics as data; sarif: SARIF 2.1.0 for "
    "code-scanning tools (both on stdout, or in the file -o names; -o x.sarif picks sarif).",
)
@OUTPUT
def check(*, rules: tuple[str, ...], strict: bool, format_: str, output_path: str | None) -> None:
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

    format_ = report_format(format_, output_path, ("text", "json", "sarif"))
    if output_path is not None and format_ == "text":
        raise click.UsageError("-o writes a json or sarif report: give --format, or name the "
                               "file .json or .sarif")  # fmt: skip
    default = str(default_rules_path())
    relative = os.path.relpath(default)
    paths = list(rules) or [default if relative.startswith("..") else relative]
    loaded = []
    for path in paths:  # every named file must be readable before anything is reported
        try:
            loaded.append(load_rule_files(path))
        except RuleFileError as error:
            fail(error.render())
    check_output(output_path, [str(source.path) for files in loaded for source in files.files])
    status = OK
    found: list[Diagnostic] = []
    for path, files in zip(paths, loaded, strict=True):
        model, diagnostics = check_rules(files, metaschema=True)
        found += diagnostics
        errors = sum(d.severity == "error" for d in diagnostics)
        warnings = len(diagnostics) - errors
        if model is None or (strict and warnings):
            status = PROBLEM
        if format_ != "text":
            continue
        for diagnostic in diagnostics:
            stderr(diagnostic.render())
        if model is not None and not (strict and warnings):
            click.echo(
                f"{path}: ok — {len(model.factors)} factors, {len(model.criteria)} criteria, "
                f"{len(model.lets)} lets, {len(model.sources)} file(s)"
                + (f", {warnings} warning(s)" if warnings else "")
            )
        else:
            click.echo(f"{path}: {errors} error(s), {warnings} warning(s)")
    if format_ == "sarif":
        from modenhet.report.sarif import sarif

        with output(output_path) as out:
            out.write(json.dumps(sarif(found), ensure_ascii=False, indent=2) + "\n")
    elif format_ == "json":
        with output(output_path) as out:
            out.write(
                json.dumps(
                    [
                        {
                            "file": d.file,
                            "line": d.line,
                            "column": d.column,
                            "end_line": d.span.end_line,
                            "end_column": d.span.end_column,
                            "severity": d.severity,
                            "code": d.code,
                            "message": d.message,
                            "hint": d.hint,
                        }
                        for d in found
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
                + "\n"
            )
    sys.exit(status)
