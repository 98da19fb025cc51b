"""Reporters: one module per output format, loaded only when its format is asked for.

Each reporter is `write(run, outcomes, out)`: it consumes the outcomes in input order and
writes text to `out`. JSON, JSONL and CSV stream; the table and Markdown need every row first.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TextIO

from modenhet.run import Outcome, RunInfo

Reporter = Callable[[RunInfo, Iterable[Outcome], TextIO], None]

REPORTERS: dict[str, tuple[str, str]] = {
    "table": ("modenhet.report.table", "write_table"),
    "json": ("modenhet.report.json_report", "write_json"),
    "jsonl": ("modenhet.report.json_report", "write_jsonl"),
    "csv": ("modenhet.report.csv_report", "write_csv"),
    "markdown": ("modenhet.report.markdown", "write_markdown"),
    "html": ("modenhet.report.html", "write_html"),
}


def reporter(name: str) -> Reporter:
    module, function = REPORTERS[name]
    return getattr(importlib.import_module(module), function)  # type: ignore[no-any-return]
