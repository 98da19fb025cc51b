"""One evidence document of a run, read or not: what the JSON reader (`reader.py`) and the
workbook reader (`workbook/reader.py`) both give, each locating problems in its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from modenhet.errors import Violation
from modenhet.evidence.positions import locate

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")  # .xlsm is read to be refused: it holds macros


@dataclass
class EvidenceItem:
    """One document of a run: where it came from, its hash, and the document or its problems.

    `text` is kept so that problems found later (schema violations) can be located in it.
    """

    source: str
    sha256: str | None = None
    document: dict[str, Any] | None = None
    problems: list[Violation] = field(default_factory=list)
    text: str | None = None
    jsonl_line: int | None = None  # the line of a JSONL file (or stdin) the document is on

    @property
    def municipality(self) -> Any:
        if self.document is None:
            return None
        return self.document.get("municipality")

    def locate(self, problems: list[Violation]) -> list[Violation]:
        """Give each problem the line and column of its value in the text, sorted by them."""
        if self.text is None or not any(problem.pointer for problem in problems):
            return problems
        positions = locate(self.text)
        for problem in problems:
            pointer = problem.pointer
            found = positions.of(pointer, key=problem.at_key)
            while found is None and pointer:  # a missing member: point at its object
                pointer = pointer.rpartition("/")[0]
                found = positions.of(pointer)
            if found is not None and problem.pointer:
                line, problem.column = found
                problem.line = None if self.jsonl_line is not None else line
        return sorted(problems, key=lambda p: (p.line or 0, p.column or 0, p.pointer))
