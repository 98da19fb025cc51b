"""The terminal table fits `COLUMNS`, breaking titles at spaces and paths after a dot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from modenhet.report.table import wrap_cell

from conftest import AS_OF, ROOT


def evaluate(columns: str | None, *paths: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    if columns is not None:
        env["COLUMNS"] = columns
    result = subprocess.run(
        [sys.executable, "-m", "modenhet", "evaluate", *paths, "--as-of", AS_OF.isoformat()],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("columns", [80, 60])
def test_one_document_fits_columns(columns: int) -> None:
    text = evaluate(str(columns), "samples/1820-alstahaug.json")
    too_long = [line for line in text.splitlines() if len(line) > columns]
    assert too_long == []


def test_a_pipe_without_columns_is_not_wrapped() -> None:
    wide = evaluate(None, "samples/1820-alstahaug.json")
    assert max(len(line) for line in wide.splitlines()) > 80


def test_a_path_breaks_after_a_dot_and_a_title_at_a_space() -> None:
    text = "missing evidence.participation.user_organisations[0].involved_in. Ask them."
    assert wrap_cell(text, 24).split("\n") == [
        "missing evidence.",
        "participation.",
        "user_organisations[0].",
        "involved_in. Ask them.",
    ]
    assert wrap_cell("a_segment_longer_than_ten", 10).split("\n") == [
        "a_segment_",
        "longer_tha",
        "n_ten",
    ]
