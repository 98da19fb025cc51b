"""Positions between the checker and the editor: the checker counts 1-based columns in code
points of the NFC-normalised line, the protocol 0-based columns in the units client and server
agreed on (UTF-16 code units unless the client offered another).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from lsprotocol import types as lsp

_UNITS: dict[str, Callable[[str], int]] = {
    "utf-8": lambda s: len(s.encode("utf-8", "surrogatepass")),
    "utf-16": lambda s: len(s.encode("utf-16-le", "surrogatepass")) // 2,
    "utf-32": len,
}


class Text:
    """A document as the editor holds it, and the two ways of counting columns: the checker's
    (1-based, code points of the NFC-normalised line) and the protocol's (0-based, in the units
    the client and server agreed on: UTF-16 code units unless the client offered another)."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        # Lines end at "\n" as the engine's Source splits them; a "\r" before it is not text.
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.units = _UNITS.get(str(encoding), _UNITS["utf-16"])

    def position(self, line: int, column: int) -> lsp.Position:
        """The protocol's position of the checker's 1-based `line` and `column`."""
        if line > len(self.lines):
            last = len(self.lines) - 1
            return lsp.Position(line=last, character=self.units(self.lines[last]))
        index = max(line - 1, 0)
        original = self.lines[index]
        cut = _original_index(original, max(column - 1, 0))
        return lsp.Position(line=index, character=self.units(original[:cut]))

    def offset(self, position: lsp.Position) -> tuple[int, int]:
        """The line index and the code point index in it of a position the client sent."""
        index = min(max(position.line, 0), len(self.lines) - 1)
        count = 0
        for i, char in enumerate(self.lines[index]):
            if count >= position.character:
                return index, i
            count += self.units(char)
        return index, len(self.lines[index])

    def range(self, line: int, start: int, end: int) -> lsp.Range:
        """The protocol's range of code points `start`..`end` of line index `line`."""
        text = self.lines[line]
        return lsp.Range(
            start=lsp.Position(line=line, character=self.units(text[:start])),
            end=lsp.Position(line=line, character=self.units(text[:end])),
        )


def _original_index(line: str, nfc_column: int) -> int:
    """The index in `line` where column `nfc_column` (0-based) of its NFC form falls."""
    if unicodedata.is_normalized("NFC", line):
        return min(nfc_column, len(line))
    # Text typed with combining marks (`a` + ring): normalising a longer prefix never yields a
    # shorter text, so take the longest prefix whose normal form fits before the column.
    best = 0
    for i in range(len(line) + 1):
        if len(unicodedata.normalize("NFC", line[:i])) > nfc_column:
            break
        best = i
    return best
