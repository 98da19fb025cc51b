"""`modenhet schema` and `modenhet template`: the evidence format for the people who fill it in."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from modenhet.cli.common import fail
from modenhet.i18n import DEFAULT_LANGUAGE, LANGUAGE_VARIABLE, LANGUAGES, N_, Text

# `template` and `convert`: the language of their messages, and of the workbook they write.
WORKBOOK_LANG = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=DEFAULT_LANGUAGE,
    show_default=True,
    envvar=LANGUAGE_VARIABLE,
    show_envvar=True,
    help="The language of modenhet's own words: its messages, and the workbook's (nynorsk or "
    "bokmål; with en the workbook is nynorsk, like the fields' titles, which are the schema's).",
)


def workbook_language(lang: str) -> str:
    """The language a workbook is written in: nynorsk or bokmål (English has no workbook)."""
    return lang if lang in ("nn", "nb") else "nn"


def workbook_is_a_file(lang: str) -> click.UsageError:
    """A workbook asked for on a terminal: it goes to a file."""
    message = Text(N_("a workbook is a file: name it with -o kommune.xlsx"))
    return click.UsageError(message.render(lang))


def _schema(report: bool = False) -> dict[str, Any]:
    from modenhet.resources import default_schema_path, report_schema_path

    path = report_schema_path() if report else default_schema_path()
    with open(path, encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


@click.command()
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["json", "markdown"]),
    default="json",
    show_default=True,
    help="json: the schema itself; markdown: the fields described, for people.",
)
@click.option("--report", is_flag=True, help="The JSON report's schema instead of the evidence's.")
def schema(*, format_: str, report: bool) -> None:
    """Print the evidence schema that ships with modenhet (JSON Schema 2020-12).

    \b
    Examples:
        modenhet schema > evidence.schema.json
        modenhet schema --format markdown > evidence.md
    """
    from modenhet.evidence.schemawalk import markdown

    loaded = _schema(report)
    if format_ == "markdown":
        click.echo(markdown(loaded), nl=False)
    else:
        click.echo(json.dumps(loaded, ensure_ascii=False, indent=2))


@click.command()
@click.option(
    "-m",
    "--municipality",
    metavar="NUMBER",
    help="Fill in this municipality's number and name (SSB's list of 2024).",
)
@click.option(
    "-f",
    "--format",
    "format_",
    type=click.Choice(["json", "xlsx"]),
    default="json",
    show_default=True,
    help="json: a document to edit; xlsx: an Excel workbook to fill in (the default when -o "
    "names an .xlsx file).",
)
@click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    help="Write the template to FILE (atomically) instead of standard output.",
)
@WORKBOOK_LANG
def template(*, municipality: str | None, format_: str, output_path: str | None, lang: str) -> None:
    """Print an evidence document with every field present and null, to fill in; or, with
    --format xlsx, write an Excel workbook to fill in.

    Null (an empty answer cell) means "not known": the template is valid as it stands, and
    evaluates to 1–5 in every factor (nothing proven, every level still possible; no criterion
    decided) until its fields are filled in. The workbook has a sheet per success factor, a
    row per field with its title and description, typed answer cells with drop-downs, and a
    sheet for the sources; `modenhet evaluate`, `validate` and `explain` read it as they read
    JSON.

    What is known only in part is written in its partial form (schema version 1.1):
    {"at_least": ["startlan"]} for a list of which these elements are known,
    {"at_least": 4} for a count or amount known to be at least 4, and "2021" or
    "2021-06" for a date known only to the year or month.

    \b
    Examples:
        modenhet template --format xlsx -m 4601 -o 4601-bergen.xlsx
        modenhet template --municipality 4601 > 4601-bergen.json
        modenhet template --municipality 4601 | modenhet validate -
    """
    import sys

    from modenhet.cli.common import check_output, output, report_format
    from modenhet.evidence.municipalities import municipalities
    from modenhet.evidence.schemawalk import template as build

    format_ = report_format(format_, output_path, ("json", "xlsx"))
    if municipality is not None and municipality not in municipalities():
        from modenhet.errors import severity_word

        message = Text(
            N_("not one of the 357 municipalities of 2024 (a four-digit number such as 4601)")
        )
        fail(
            f"--municipality {municipality}: {severity_word('error', lang)}: {message.render(lang)}"
        )
    named = None if municipality is None else (municipality, municipalities()[municipality])
    document = build(_schema(), named)
    if format_ == "xlsx":
        from modenhet.evidence.workbook.cells import write_binary
        from modenhet.evidence.workbook.template import template_bytes

        if output_path is None and sys.stdout.isatty():
            raise workbook_is_a_file(lang)
        name = os.path.basename(output_path) if output_path else "kommune.xlsx"
        # Only the municipality is written in: the JSON template's empty lists would read as
        # «Ingen» (known to be empty), where the workbook's empty cells mean "not known".
        known = {"municipality": document["municipality"]} if municipality else None
        data = template_bytes(
            _schema(), lang=workbook_language(lang), document=known, file_name=name
        )
        check_output(output_path, [])
        with output(output_path) as out:
            write_binary(out, data)
        return
    check_output(output_path, [])
    with output(output_path) as out:
        out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
