"""Reporters: one module per output format, loaded only when its format is asked for.

Each reporter is `write(run, outcomes, out)`: it consumes the outcomes in input order and
writes text to `out`. JSON, JSONL and CSV stream; the table, Markdown and HTML need every row
first. The streaming ones are also split in two (`RECORDS`): one function renders a document's
record as text, wherever the document is evaluated (a worker process, with `--jobs`), and one
writes the records in order with what comes before, between and after them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any, TextIO

from modenhet.run import Outcome, RunInfo

Reporter = Callable[[RunInfo, Iterable[Outcome], TextIO], None]
Render = Callable[[RunInfo, Outcome], str]
RecordWriter = Callable[[RunInfo, Iterable[str], TextIO], None]

REPORTERS: dict[str, tuple[str, str]] = {
    "table": ("modenhet.report.table", "write_table"),
    "json": ("modenhet.report.json_report", "write_json"),
    "jsonl": ("modenhet.report.json_report", "write_jsonl"),
    "csv": ("modenhet.report.csv_report", "write_csv"),
    "markdown": ("modenhet.report.markdown", "write_markdown"),
    "html": ("modenhet.report.html", "write_html"),
    "xlsx": ("modenhet.report.xlsx", "write_xlsx"),
}

# Per streaming format: the module, the renderer of one record, the writer of the records.
RECORDS: dict[str, tuple[str, str, str]] = {
    "json": ("modenhet.report.json_report", "json_record", "write_json_records"),
    "jsonl": ("modenhet.report.json_report", "jsonl_record", "write_lines"),
    "csv": ("modenhet.report.csv_report", "csv_record", "write_csv_records"),
}


def reporter(name: str) -> Reporter:
    module, function = REPORTERS[name]
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]


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
