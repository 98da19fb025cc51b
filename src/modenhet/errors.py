"""The exceptions the package raises on bad input, and the diagnostics they carry.

Every error on bad input derives from `ModenhetError`, so a caller can catch one class; the CLI
turns them into located messages and exit codes, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from modenhet.source import Span

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of the parser or checker, located in a rule file."""

    span: Span
    severity: Severity
    message: str
    hint: str | None = None

    @property
    def file(self) -> str:
        return self.span.file

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def render(self) -> str:
        """`FILE:LINE:COL: severity: MESSAGE`, the source line with a caret, and the hint."""
        text = f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"
        text += "\n" + self.span.snippet()
        if self.hint:
            text += f"\n      = hint: {self.hint}"
        return text


class ModenhetError(Exception):
    """The root of every error modenhet raises on bad input."""


class RuleError(ModenhetError):
    """A rule set that cannot be loaded: every diagnostic found, sorted by position."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__(self.render())

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)

    def __str__(self) -> str:
        return self.render()


class RuleFileError(RuleError):
    """The top rule file itself cannot be read (missing, a directory, not UTF-8).

    Unlike other rule errors this means the command could not run as asked (exit status 2).
    """

    def __init__(self, file: str, message: str) -> None:
        self.file = file
        self.message = message
        self.diagnostics = []
        ModenhetError.__init__(self, f"{file}: error: {message}")

    def render(self) -> str:
        return f"{self.file}: error: {self.message}"


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem with an evidence document, at a JSON pointer ('' for the whole document)."""

    pointer: str
    message: str
    line: int | None = None

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}


class EvidenceError(ModenhetError):
    """An evidence document that cannot be read or is not valid."""

    def __init__(self, source: str, violations: Iterable[Violation]) -> None:
        self.source = source
        self.violations = list(violations)
        super().__init__(self.render())

    def render(self) -> str:
        lines = []
        for violation in self.violations:
            where = self.source
            if violation.line is not None and ":" not in self.source.rpartition("/")[2]:
                where += f":{violation.line}"
            if violation.pointer:
                where += f"#{violation.pointer}"
            lines.append(f"{where}: error: {violation.message}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()
