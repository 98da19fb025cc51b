"""Rule source text and positions in it.

A `Source` is one rule file after NFC normalisation; a `Span` points into it with 1-based lines
and columns counted in code points of the normalised line, as the spec requires.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Source:
    """One rule file: the name to show the user, the real path and the normalised text."""

    name: str
    path: Path
    text: str
    lines: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lines", tuple(self.text.split("\n")))

    @classmethod
    def from_text(cls, name: str, text: str, path: Path | None = None) -> Source:
        return cls(name, path or Path(name), unicodedata.normalize("NFC", text))

    def line(self, number: int) -> str:
        """The text of a 1-based line without its terminator ('' past the end)."""
        if 1 <= number <= len(self.lines):
            return self.lines[number - 1].rstrip("\r")
        return ""

    def end(self) -> tuple[int, int]:
        """The line and column just after the last character (where an EOF error points)."""
        last = self.line(len(self.lines))
        if not last.strip() and len(self.lines) > 1:
            # Point after the last non-blank line rather than at an empty trailing line.
            for number in range(len(self.lines), 0, -1):
                text = self.line(number)
                if text.strip():
                    return number, len(text) + 1
        return len(self.lines), len(last) + 1


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a rule file; `end_line`/`end_column` are exclusive."""

    source: Source
    line: int
    column: int
    end_line: int
    end_column: int

    @property
    def file(self) -> str:
        return self.source.name

    def sort_key(self) -> tuple[int, int]:
        return (self.line, self.column)

    def text(self) -> str:
        """The source text the span covers, on one line (for messages)."""
        lines = [self.source.line(number) for number in range(self.line, self.end_line + 1)]
        if not lines:
            return ""
        if len(lines) == 1:
            return lines[0][self.column - 1 : self.end_column - 1]
        lines[0] = lines[0][self.column - 1 :]
        lines[-1] = lines[-1][: self.end_column - 1]
        return " ".join(line.strip() for line in lines)

    def snippet(self) -> str:
        """The source line and a caret under the span, as compilers print it."""
        text = self.source.line(self.line)
        gutter = f"{self.line:>5} | "
        # Keep tabs in the padding so the caret lines up under tabbed source text.
        start = min(max(self.column - 1, 0), len(text))
        padding = "".join(ch if ch == "\t" else " " for ch in text[:start])
        width = 1
        if self.end_line == self.line and self.end_column > self.column:
            width = min(self.end_column - self.column, max(len(text) - start, 1))
        caret_line = " " * (len(gutter) - 2) + "| " + padding + "^" * width
        return f"{gutter}{text}\n{caret_line}"
