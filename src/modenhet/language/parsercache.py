"""Lark's grammar analysis, kept between runs in the user's cache folder.

Building the LALR tables takes about ten times as long as loading them, and every `modenhet`
command that reads rules pays for it. The tables are saved, once, under a name that is the
hash of everything they depend on (grammar, parser options, Lark's and Python's versions), so a
stale file is never read; it is written to a temporary file and renamed, so a reader never sees
half of one. Any problem (no home folder, a read-only disk, a damaged file) just means the
tables are built as before: the cache can make a run faster, never make it fail.

The file is a pickle, which is why it lives in a folder only the user can write to and is read
only if the user owns it; see docs/security.md.
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lark import Lark
from lark import __version__ as lark_version

CACHE_DIR_VARIABLE = "MODENHET_CACHE_DIR"
NO_CACHE_VARIABLE = "MODENHET_NO_CACHE"


def cache_dir() -> Path | None:
    """`$MODENHET_CACHE_DIR`, else the platform's cache folder; None when caching is off."""
    if os.environ.get(NO_CACHE_VARIABLE):
        return None
    explicit = os.environ.get(CACHE_DIR_VARIABLE)
    if explicit:
        return Path(explicit)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "modenhet" / "Cache" if base else None
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "modenhet"
    try:
        return Path.home() / ".cache" / "modenhet"
    except RuntimeError:  # no home folder
        return None


def cache_key(grammar: str, options: dict[str, Any]) -> str:
    """The hash of everything the saved tables depend on."""
    parts = [grammar, repr(sorted(options.items())), lark_version, sys.version]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def cached_lark(grammar: str, options: dict[str, Any], build: Callable[[], Lark]) -> Lark:
    """The parser that `build()` makes, loaded from the cache when a good copy is there."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"grammar-{cache_key(grammar, options)}.lark"
    loaded = _load(path)
    if loaded is not None:
        return loaded
    parser = build()
    _save(parser, folder, path)
    return parser


def _load(path: Path) -> Lark | None:
    data = read_cached(path)
    if data is None:
        return None
    try:
        return Lark.load(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - a damaged cache only means building anew
        return None


def _save(parser: Lark, folder: Path, path: Path) -> None:
    buffer = io.BytesIO()
    try:
        parser.save(buffer)
    except Exception:  # noqa: BLE001, S110 - a cache that cannot be written is no cache
        return
    write_cached(folder, path, buffer.getvalue())


def read_cached(path: Path) -> bytes | None:
    """A cache file's bytes, or None when it is missing, unreadable or not the user's own."""
    try:
        with path.open("rb") as file:
            if not _owned_by_user(os.fstat(file.fileno())):
                return None
            return file.read()
    except OSError:
        return None


def write_cached(folder: Path, path: Path, data: bytes) -> None:
    """Save a cache file whole (a temporary file, then a rename), or not at all."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=".cache-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except Exception:  # noqa: BLE001, S110 - a cache that cannot be written is no cache
        pass


def _owned_by_user(status: os.stat_result) -> bool:
    """On POSIX, a file someone else wrote is not loaded (pickle runs code)."""
    getuid = getattr(os, "getuid", None)
    return getuid is None or status.st_uid == getuid()
