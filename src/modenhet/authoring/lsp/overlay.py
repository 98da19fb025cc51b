"""A rule set as the editor holds it: the engine's loader, with the unsaved text of every file
the editor has open put in place of the file on disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from modenhet.errors import RuleFileError
from modenhet.language.loader import IncludeLoader, LoadedRules, decode_rule_bytes, read_top_file
from modenhet.limits import Limits
from modenhet.source import Source


class _OverlayLoader(IncludeLoader):
    """The engine's loader, but a file the editor has open is read as the editor holds it.

    The engine still finds, guards and reads each include (so it must exist on disk); only the
    text it then parses is swapped for the unsaved one.
    """

    def __init__(self, loaded: LoadedRules, limits: Limits, texts: Mapping[Path, str]) -> None:
        super().__init__(loaded, limits)
        self.texts = texts

    def load(self, source: Source, data: bytes, *, top: bool, stack: list[Path]) -> None:
        text = self.texts.get(source.path)
        if text is not None:
            source = Source.from_text(source.name, text, source.path)
            data = text.encode("utf-8", "surrogatepass")
        super().load(source, data, top=top, stack=stack)


def load_rule_text(
    path: str | os.PathLike[str], texts: Mapping[Path, str], limits: Limits | None = None
) -> LoadedRules:
    """`loader.load_rule_files` for an editor: a file whose real path is a key of `texts` (the
    top file or an include) is read from there; the others, and the schema, from disk, relative
    to where the files are. Raises `RuleFileError` when the top file is on disk and unreadable."""
    display = os.fspath(path)
    real = Path(os.path.realpath(display))
    limits = limits or Limits.from_environment()
    text = texts.get(real)
    if text is None:
        try:
            text = decode_rule_bytes(read_top_file(display, real, limits))
        except UnicodeDecodeError as error:
            raise RuleFileError(
                display, f"not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8"
            ) from None
    loaded = LoadedRules(root=real.parent)
    loader = _OverlayLoader(loaded, limits, {**texts, real: text})
    loader.load(Source.from_text(display, text, real), b"", top=True, stack=[])
    return loaded
