"""`modenhet check`: every problem of every named rule set, located, with a caret."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

import click

from modenhet.cli.common import (
    LANG,
    OK,
    OUTPUT,
    PROBLEM,
    check_output,
    fail,
    format_option,
    output,
    report_format,
    stderr,
)
from modenhet.report import formats, renderer
from modenhet.report.diagnostics import Checked

if TYPE_CHECKING:
    from modenhet.errors import Diagnostic


@click.command()
@click.argument("rules", nargs=-1)
@click.option("--strict", is_flag=True, help="Warnings also give exit status 1.")
@format_option(
    "check",
    "text: for people, on stderr; json: the diagnostics as data; sarif: SARIF 2.1.0 for "
    "code-scanning tools (both on stdout, or in the file -o names; -o x.sarif picks sarif).",
)
@OUTPUT
@LANG
def check(
    *, rules: tuple[str, ...], strict: bool, format_: str, output_path: str | None, lang: str
) -> None:
    """Check rule files: syntax, includes, lets, levels, functions, types and schema paths.

    Without RULES, the default rule set is checked. Every problem is reported, not only the
    first, as FILE:LINE:COL: error: MESSAGE with the source line and a caret, in the language
    --lang names (json and sarif keep English messages).

    \b
    Example:
        modenhet check rules/bustadsosialt.rules
    """
    from modenhet.check.checker import check as check_rules
    from modenhet.errors import RuleFileError
    from modenhet.language.loader import load_rule_files
    from modenhet.resources import default_rules_path

    format_ = report_format(format_, output_path, formats("check"))
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
            fail(error.render(lang))
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
            stderr(diagnostic.render(lang))
        checked = Checked(
            path,
            None if model is None else len(model.factors),
            0 if model is None else len(model.criteria),
            0 if model is None else len(model.lets),
            0 if model is None else len(model.sources),
            errors,
            warnings,
            strict,
        )
        click.echo(renderer("check", "text")(checked, lang=lang))
    if format_ != "text":
        with output(output_path) as out:
            out.write(renderer("check", format_)(found) + "\n")
    sys.exit(status)
