"""`modenhet lsp`: the language server an editor starts for rule files (docs/editors.md)."""

from __future__ import annotations

import logging
import sys

import click

from modenhet.cli.common import fail


class _OneLine(logging.Formatter):
    """Each log entry on one line: pygls logs a malformed message from the editor with a
    traceback (attached, or written into the message), which says nothing to an author.
    `--verbose` keeps everything."""

    def format(self, record: logging.LogRecord) -> str:
        record.exc_info = record.exc_text = record.stack_info = None
        return super().format(record).split("\n", 1)[0]


@click.command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Speak the protocol on standard input and output (the default; LSP clients often "
    "pass it).",
)
@click.option(
    "--tcp",
    "port",
    type=click.IntRange(0, 65535),
    metavar="PORT",
    help="Listen on PORT of --host instead, for one client at a time (for debugging).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="The address --tcp uses.")
@click.option("-v", "--verbose", is_flag=True, help="Log what the server does on stderr.")
def lsp(*, stdio: bool, port: int | None, host: str, verbose: bool) -> None:
    """Run the language server: the problems `modenhet check` finds, shown as you type, and
    completion of evidence paths from the schema, lets, functions and keywords.

    Editors start it themselves; it needs the extra: pip install 'modenhet[lsp]'.

    \b
    Example (what an editor runs):
        modenhet lsp --stdio
    """
    if stdio and port is not None:
        raise click.UsageError("give --stdio or --tcp, not both")
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        fail(
            "modenhet lsp needs the language server library pygls: "
            "install modenhet[lsp] (pip install 'modenhet[lsp]')"
        )
    from modenhet.authoring.lsp.server import build_server

    # Standard output is the protocol channel: logs go to stderr (and to the client's log).
    handler = logging.StreamHandler(sys.stderr)
    log_format = "modenhet lsp: %(levelname)s %(name)s: %(message)s"
    handler.setFormatter(logging.Formatter(log_format) if verbose else _OneLine(log_format))
    logging.basicConfig(handlers=[handler], level=logging.INFO if verbose else logging.WARNING)
    if port is not None:
        build_server(exit_process=True).start_tcp(host, port)
        return
    protocol_out = sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print() anywhere must not corrupt the protocol
    build_server(exit_process=True).start_io(sys.stdin.buffer, protocol_out)
