"""`modenhet schema` and `modenhet template`: the evidence format for the people who fill it in."""

from __future__ import annotations

import json
from typing import Any

import click

from modenhet.cli.common import fail


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
def template(*, municipality: str | None) -> None:
    """Print an evidence document with every field present and null, to fill in.

    Null means "not known": the template is valid as it stands, and evaluates to 1–5 in every
    factor (nothing proven, every level still possible; no criterion decided) until its fields
    are filled in.

    What is known only in part is written in its partial form (schema version 1.1):
    {"at_least": ["startlan"]} for a list of which these elements are known,
    {"at_least": 4} for a count or amount known to be at least 4, and "2021" or
    "2021-06" for a date known only to the year or month.

    \b
    Examples:
        modenhet template --municipality 4601 > 4601-bergen.json
        modenhet template --municipality 4601 | modenhet validate -
    """
    from modenhet.evidence.municipalities import municipalities
    from modenhet.evidence.schemawalk import template as build

    if municipality is not None and municipality not in municipalities():
        fail(
            f"--municipality {municipality}: error: not one of the 357 municipalities of 2024 "
            "(a four-digit number such as 4601)"
        )
    click.echo(json.dumps(build(_schema(), municipality), ensure_ascii=False, indent=2))
