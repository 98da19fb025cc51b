"""The checker's diagnostics as the protocol publishes them: each file of a rule set under its
URI, positions counted in the editor's units, the hint at the end of the message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from lsprotocol import types as lsp
from pygls.uris import from_fs_path

from modenhet.authoring.lsp.positions import Text
from modenhet.check.checker import check
from modenhet.errors import Diagnostic
from modenhet.language.loader import LoadedRules, decode_rule_bytes


def diagnostics_by_uri(
    loaded: LoadedRules, texts: Mapping[Path, str], uris: Mapping[Path, str], encoding: str
) -> dict[str, list[lsp.Diagnostic]]:
    """Check a loaded rule set: its diagnostics for each of its files (none: an empty list),
    by the URI of the open document or of the file on disk."""
    found: dict[str, list[lsp.Diagnostic]] = {}
    _, diagnostics = check(loaded)
    in_file: dict[Path, list[Diagnostic]] = {s.path: [] for s in loaded.files}
    for diagnostic in diagnostics:
        in_file.setdefault(diagnostic.span.source.path, []).append(diagnostic)
    originals = {
        source.path: data for source, data in zip(loaded.files, loaded.file_bytes, strict=True)
    }
    names = {source.path: source.name for source in loaded.files}
    for path, mine in in_file.items():
        name = names.get(path, "")
        uri = uris.get(path) or uri_of(name if os.path.isabs(name) else str(path))
        original = texts.get(path)
        if original is None:
            original = decode_rule_bytes(originals.get(path, b""))
        lines = Text(original, encoding)
        found[uri] = [to_lsp(d, lines) for d in mine]
    return found


def unreadable(message: str) -> lsp.Diagnostic:
    """The error of a top file that cannot be read, at its start."""
    start = lsp.Position(line=0, character=0)
    return lsp.Diagnostic(
        range=lsp.Range(start=start, end=start),
        message=message,
        severity=lsp.DiagnosticSeverity.Error,
        source="modenhet",
    )


def to_lsp(diagnostic: Diagnostic, text: Text) -> lsp.Diagnostic:
    """One of the checker's diagnostics as the protocol writes it; the hint ends the message."""
    span = diagnostic.span
    start = text.position(span.line, span.column)
    end = text.position(span.end_line, span.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    return lsp.Diagnostic(
        range=lsp.Range(start=start, end=end),
        message=message,
        severity=(
            lsp.DiagnosticSeverity.Error
            if diagnostic.severity == "error"
            else lsp.DiagnosticSeverity.Warning
        ),
        code=diagnostic.code or None,
        source="modenhet",
        # An unused let is shown faded, as editors show unused code.
        tags=[lsp.DiagnosticTag.Unnecessary] if diagnostic.code == "M607" else None,
    )


def uri_of(path: str) -> str:
    """The URI of a file the editor has not opened."""
    return from_fs_path(path) or Path(path).as_uri()
