"""The exceptions the package raises on bad input, and the diagnostics they carry.

Every error on bad input derives from `ModenhetError`, so a caller can catch one class; the CLI
turns them into located messages and exit codes, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from modenhet.i18n import N_, Text, in_language, translator
from modenhet.source import Span

Severity = Literal["error", "warning"]
# A diagnostic's severity and its hint line, as people read them (`Diagnostic.render`).
SEVERITY_WORDS = {"error": N_("error"), "warning": N_("warning")}
HINT_WORD = N_("hint")


def severity_word(severity: str, language: str = "en") -> str:
    """`error` or `warning` as a line for people says it (`feil`, `åtvaring`)."""
    return translator(language).gettext(SEVERITY_WORDS.get(severity, severity))


# C0 and C1 control characters, DEL, the line and paragraph separators, and the bidirectional
# overrides and isolates that reorder what a reader sees ("Trojan Source"); and lone
# surrogates, which a file name that is not UTF-8 brings and no terminal can be sent.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def visible(text: str, keep: str = "") -> str:
    """Text for a terminal: each control character but those in `keep` written as an escape
    (`\\x1b`), so that a value from a document or a rule file cannot move the cursor, set
    the window's title, clear the screen or hide the text around it."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        if char in keep:
            return char
        code = ord(char)
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _CONTROLS.sub(escape, text)


def terminal_text(text: str) -> str:
    """What every command writes for people, on stdout and stderr: `visible`, keeping only the
    newline and the tab."""
    return visible(text, keep="\n\t")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding of the parser or checker, located in a rule file, with its catalogue code
    (see `modenhet.catalogue` and docs/errors.md)."""

    span: Span
    severity: Severity
    message: str  # in English, as JSON and SARIF carry it; `message_in` for people
    hint: str | None = None
    code: str = ""
    text: Text | None = None  # the message to translate, when it was made as one
    hint_text: Text | None = None

    @classmethod
    def of(
        cls, code: str, span: Span, message: str | Text, hint: str | Text | None = None
    ) -> Diagnostic:
        """A diagnostic of a catalogued kind: its severity, and its hint unless one is given."""
        from modenhet.catalogue import entry

        known = entry(code)
        hint = hint if hint is not None else known.hint
        return cls(
            span,
            known.severity,
            str(message),
            None if hint is None else str(hint),
            code,
            message if isinstance(message, Text) else None,
            hint if isinstance(hint, Text) else None,
        )

    def message_in(self, language: str) -> str:
        """The message in the reader's language (`modenhet.i18n`)."""
        return in_language(self.text or self.message, language)

    def hint_in(self, language: str) -> str | None:
        if self.hint is None:
            return None
        return in_language(self.hint_text or self.hint, language)

    @property
    def file(self) -> str:
        return self.span.file

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    def render(self, language: str = "en") -> str:
        """`FILE:LINE:COL: severity: MESSAGE`, the source line with a caret (and the code after
        it), and the hint; the words in `language` (`modenhet.i18n`), the source as written."""
        _ = translator(language).gettext
        severity = severity_word(self.severity, language)
        text = f"{self.file}:{self.line}:{self.column}: {severity}: {self.message_in(language)}"
        text += "\n" + self.span.snippet() + (f" {self.code}" if self.code else "")
        hint = self.hint_in(language)
        if hint:
            text += f"\n      = {_(HINT_WORD)}: {hint}"
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

    def render(self, language: str = "en") -> str:
        return "\n".join(d.render(language) for d in self.diagnostics)

    def __str__(self) -> str:
        return self.render()


class RuleFileError(RuleError):
    """The top rule file itself cannot be read (missing, a directory, not UTF-8).

    Unlike other rule errors this means the command could not run as asked (exit status 2).
    """

    def __init__(self, file: str, message: str | Text) -> None:
        self.file = file
        self.message = str(message)  # in English; `render(language)` for people
        self.text = message if isinstance(message, Text) else None
        self.diagnostics = []
        ModenhetError.__init__(self, f"{file}: error: {self.message}")

    def render(self, language: str = "en") -> str:
        message = in_language(self.text or self.message, language)
        return f"{self.file}: {severity_word('error', language)}: {message}"


@dataclass(slots=True)
class Violation:
    """One problem with an evidence document, at a JSON pointer ('' for the whole document)."""

    pointer: str
    message: str
    line: int | None = None
    column: int | None = None
    severity: Severity = "error"
    at_key: bool = False  # located at the member's key (an unknown or repeated key)
    cell: str | None = (
        None  # in a workbook: `Sheet!C12` (modenhet.evidence.workbook), instead of a line
    )
    text: Text | None = None  # the message to translate (`message` is its English)

    def message_in(self, language: str) -> str:
        """The message in the reader's language (`modenhet.i18n`)."""
        return in_language(self.text or self.message, language)

    def as_dict(self) -> dict[str, str]:
        return {"pointer": self.pointer, "message": self.message}

    def where(self, source: str) -> str:
        """`FILE[:LINE][#POINTER]`, as spec/cli.md writes the place of an evidence problem;
        in a workbook `FILE:SHEET!CELL`, where people look for it (the message names the
        field's title)."""
        if self.cell is not None:
            return f"{source}:{self.cell}"
        where = source if self.line is None else f"{source}:{self.line}"
        return f"{where}#{self.pointer}" if self.pointer else where

    def render(self, source: str, language: str = "en") -> str:
        """`FILE[:LINE]#POINTER: error: MESSAGE`, in `language` (`modenhet.i18n`), on one line
        whatever the keys and values it quotes hold (a newline in a key too)."""
        severity = severity_word(self.severity, language)
        return visible(f"{self.where(source)}: {severity}: {self.message_in(language)}")


class EvidenceError(ModenhetError):
    """An evidence document that cannot be read or is not valid."""

    def __init__(self, source: str, violations: Iterable[Violation]) -> None:
        self.source = source
        self.violations = list(violations)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(v.render(self.source) for v in self.violations)

    def __str__(self) -> str:
        return self.render()
