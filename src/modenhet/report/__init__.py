"""Every renderer of every command, chosen from one table keyed by (what, format) and loaded
only when its format is asked for. A new format is one module here and one entry below.

What each kind of renderer takes:
- `evaluate`: `write(run, outcomes, out)`; it consumes the outcomes in input order. JSON, JSONL
  and CSV stream; the table, Markdown and HTML need every row first. The streaming ones are also
  split in two (`RECORDS`): one function renders a document's record as text, wherever the
  document is evaluated (a worker process, with `--jobs`), and one writes the records in order
  with what comes before, between and after them.
- `compare`, `impact`: `write(model, out, *, lang, tool_version)`.
- `check`: `render(diagnostics) -> str`; `test`: `render(run, *, verbose) -> str`;
  `explain`: `render(report, *, name, everything, lang) -> str` over the explanation's data.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:  # `formats` serves the command line's options: it must load nothing else
    from modenhet.run.outcome import Outcome, Render, RunInfo

Reporter = Callable[["RunInfo", Iterable["Outcome"], TextIO], None]
RecordWriter = Callable[["RunInfo", Iterable[str], TextIO], None]

# (what, format) -> (module, function). The first format of each command is its default.
RENDERERS: dict[tuple[str, str], tuple[str, str]] = {
    ("evaluate", "table"): ("modenhet.report.table", "write_table"),
    ("evaluate", "json"): ("modenhet.report.json_report", "write_json"),
    ("evaluate", "jsonl"): ("modenhet.report.json_report", "write_jsonl"),
    ("evaluate", "csv"): ("modenhet.report.csv_report", "write_csv"),
    ("evaluate", "markdown"): ("modenhet.report.markdown", "write_markdown"),
    ("evaluate", "html"): ("modenhet.report.html", "write_html"),
    ("evaluate", "xlsx"): ("modenhet.report.xlsx", "write_xlsx"),
    ("compare", "table"): ("modenhet.report.compare_table", "write_table"),
    ("compare", "json"): ("modenhet.report.diff_json", "write_compare_json"),
    ("impact", "table"): ("modenhet.report.impact_table", "write_table"),
    ("impact", "json"): ("modenhet.report.diff_json", "write_impact_json"),
    ("check", "text"): ("modenhet.report.diagnostics", "check_summary"),
    ("check", "json"): ("modenhet.report.diagnostics", "diagnostics_json"),
    ("check", "sarif"): ("modenhet.report.sarif", "sarif_json"),
    ("test", "text"): ("modenhet.report.ruletests_text", "text"),
    ("test", "junit"): ("modenhet.report.junit", "junit"),
    ("explain", "text"): ("modenhet.report.explain_text", "render"),
    ("explain", "json"): ("modenhet.report.explain_text", "render_json"),
    ("validate", "text"): ("modenhet.report.validation", "validation_lines"),
    ("validate", "json"): ("modenhet.report.validation", "validation_json"),
}

# The evaluate command's reporters, by format (the formats `--format` offers, in order).
REPORTERS: dict[str, tuple[str, str]] = {
    format_: target for (what, format_), target in RENDERERS.items() if what == "evaluate"
}

# Per streaming format: the module, the renderer of one record, the writer of the records.
RECORDS: dict[str, tuple[str, str, str]] = {
    "json": ("modenhet.report.json_report", "json_record", "write_json_records"),
    "jsonl": ("modenhet.report.json_report", "jsonl_record", "write_lines"),
    "csv": ("modenhet.report.csv_report", "csv_record", "write_csv_records"),
}


def formats(what: str) -> list[str]:
    """The formats a command offers, its default first."""
    return [format_ for (name, format_) in RENDERERS if name == what]


# The renderers for people at a terminal, and where each writes: the position of its `out`
# argument, or None for one that returns its text. Everything they write passes through
# `modenhet.errors.terminal_text` (as stderr does, `modenhet.cli.common.stderr`), so no value
# from a document, a rule set or a file name can move the cursor, set the window's title,
# make a link (OSC 8), ring the bell, overwrite a line (CR) or reorder the text (bidi).
# (The evaluate table escapes itself, `report.table.write_table`: it keeps its own status
# colours, and only those, when `--color` asks for them.)
TERMINAL: dict[tuple[str, str], int | None] = {
    ("compare", "table"): 1,
    ("impact", "table"): 1,
    ("check", "text"): None,
    ("test", "text"): None,
    ("explain", "text"): None,
    ("validate", "text"): None,
}


def renderer(what: str, format_: str) -> Callable[..., Any]:
    module, function = RENDERERS[what, format_]
    found: Callable[..., Any] = getattr(importlib.import_module(module), function)
    if (what, format_) not in TERMINAL:
        return found
    return _for_terminal(found, TERMINAL[what, format_])


def _for_terminal(render: Callable[..., Any], out_at: int | None) -> Callable[..., Any]:
    from modenhet.errors import terminal_text

    def escaped(*args: Any, **kwargs: Any) -> Any:
        if out_at is None:
            return _escape_all(render(*args, **kwargs), terminal_text)
        listed = list(args)
        listed[out_at] = _EscapingWriter(listed[out_at], terminal_text)
        return render(*listed, **kwargs)

    return escaped


def _escape_all(value: Any, escape: Callable[[str], str]) -> Any:
    """The text a renderer returned (a string, or lists and tuples of them), escaped."""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_escape_all(item, escape) for item in value)
    return value


class _EscapingWriter:
    """A text stream that escapes what is written to it before passing it on."""

    def __init__(self, out: TextIO, escape: Callable[[str], str]) -> None:
        self._out = out
        self._escape = escape

    def write(self, text: str) -> int:
        return self._out.write(self._escape(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._out, name)


def reporter(name: str) -> Reporter:
    return renderer("evaluate", name)


def record_renderer(name: str) -> Render | None:
    """How one document's record of a streaming format is rendered; None for other formats."""
    if name not in RECORDS:
        return None
    module, render, _ = RECORDS[name]
    return getattr(importlib.import_module(module), render)  # type: ignore[no-any-return]


def writer(name: str) -> Callable[[RunInfo, Iterable[Any], TextIO], None]:
    """What writes the report from what a batch run yields: rendered records for a streaming
    format (`record_renderer`), outcomes for the others."""
    if name in RECORDS:
        module, _, write = RECORDS[name]
        return getattr(importlib.import_module(module), write)  # type: ignore[no-any-return]
    return reporter(name)
