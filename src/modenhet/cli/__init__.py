"""The command line (spec/cli.md): one module per command, loaded only when it runs, so that
`modenhet --version` and `--help` start quickly.

Exit status: 0 all is well; 1 a problem in the input (rules that do not check, invalid evidence,
a level under --fail-under); 2 the command could not run as asked (a bad option, a missing path,
an unreadable rule file) — before any report.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from modenhet import __version__

# name -> (module, function, one-line help shown by `modenhet --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "evaluate": (
        "modenhet.cli.evaluate",
        "evaluate",
        "Evaluate evidence and report each factor's level and the gap.",
    ),
    "compare": (
        "modenhet.cli.compare",
        "compare",
        "Compare two runs: each factor's level then and now, the criteria that changed.",
    ),
    "impact": (
        "modenhet.cli.impact",
        "impact",
        "What a revision of the rules would do: the levels that change, and why.",
    ),
    "check": (
        "modenhet.cli.check",
        "check",
        "Check rule files: syntax, includes, names, levels, types, schema paths.",
    ),
    "fmt": (
        "modenhet.cli.fmt",
        "fmt",
        "Rewrite rule files in one canonical layout, keeping every comment.",
    ),
    "validate": (
        "modenhet.cli.validate",
        "validate",
        "Validate evidence against the JSON Schema, listing every violation.",
    ),
    "explain": (
        "modenhet.cli.explain",
        "explain",
        "Explain one document: the values that put each factor at its level.",
    ),
    "test": (
        "modenhet.cli.test",
        "test",
        "Run rule tests: evidence and the levels it must give; coverage of the criteria.",
    ),
    "convert": (
        "modenhet.cli.convert",
        "convert",
        "Convert evidence: an Excel workbook to its JSON document, or JSON to a workbook.",
    ),
    "template": (
        "modenhet.cli.schema",
        "template",
        "An evidence workbook (.xlsx) or JSON document to fill in, every field empty.",
    ),
    "schema": (
        "modenhet.cli.schema",
        "schema",
        "Print the evidence schema (or describe its fields in Markdown).",
    ),
    "config": (
        "modenhet.cli.config",
        "config",
        "Show the settings in force (modenhet.toml, pyproject.toml) and where each comes from.",
    ),
    "lsp": (
        "modenhet.cli.lsp",
        "lsp",
        "Run the language server for editors: diagnostics as you type, completion.",
    ),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when that command is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, function, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), function)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, entry[2]) for name, entry in COMMANDS.items()])

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; output that cannot be written (a full disk, /dev/full, a pipe
        closed by `| head -1`) is one line on stderr and exit status 1, never a traceback."""
        try:
            try:
                result = super().invoke(ctx)
            finally:
                _flush_stdout()
        except OSError as error:
            from modenhet.cli.common import OUTPUT_ERRNOS, output_failed

            if error.errno not in OUTPUT_ERRNOS:
                raise
            output_failed(None, error)
        return result


def _flush_stdout() -> None:
    """Write out what Python holds for stdout now, where a failure can still be reported."""
    try:
        sys.stdout.flush()
    except ValueError:  # closed
        pass


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", prog_name="modenhet", message="%(prog)s %(version)s"
)
@click.pass_context
def main(ctx: click.Context, /, **_: Any) -> None:
    """Maturity of municipal housing-social work (bustadsosialt arbeid).

    \b
    Evaluate evidence with the default rule set:
        modenhet evaluate samples/
    Check a rule file:
        modenhet check rules/bustadsosialt.rules

    Defaults for rules, lang, format, fail-under and jobs may be set in a modenhet.toml or the
    [tool.modenhet] table of a pyproject.toml (modenhet config shows them).
    """
    if ctx.default_map is None:  # a caller's own default_map wins (CliRunner, tests)
        from pathlib import Path

        from modenhet.cli.config import find_settings

        ctx.default_map = find_settings(Path.cwd()).default_map()
    for stream in (sys.stdout, sys.stderr):
        # A file name that is not UTF-8 reaches Python as lone surrogates (`\udcff`); written
        # as that escape, it cannot stop a report half-way (and in JSON it is the same escape).
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
