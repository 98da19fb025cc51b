"""A checked rule set kept between runs in the user's cache folder, beside Lark's tables
(`modenhet.language.parsercache`, which says where and how safely).

Parsing and checking the default rule set is a third of a one-document `evaluate`'s start. A
rule set that checked (errors are never kept) is saved as its checked model and warnings,
under a name that hashes the top rule file's path and bytes, the working folder, the limits in
force and the versions of modenhet and Python; with it the SHA-256 of every file it was read
from: each rule file, includes too, and the schema. It is used only when every one of those
files is still a regular file with the same bytes, so an edited include or schema is checked
again. Any problem just means the rule set is read and checked as before.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import sys
from pathlib import Path
from typing import Any

from modenhet import __version__
from modenhet.check.model import RuleSetModel
from modenhet.errors import Diagnostic
from modenhet.language.parsercache import cache_dir, read_cached, write_cached
from modenhet.limits import process_limits

FORMAT = 1  # raised when what is saved changes shape


def lookup(path: str | os.PathLike[str]) -> tuple[RuleSetModel, list[Diagnostic]] | None:
    """The checked model and warnings saved for this rule file, if every file it was read from
    is unchanged; else None."""
    entry = _entry(path)
    if entry is None:
        return None
    data = read_cached(entry[1])
    if data is None:
        return None
    try:
        saved: dict[str, Any] = pickle.loads(data)  # noqa: S301 - the user's own file
        if saved.get("format") != FORMAT:
            return None
        for name, digest in saved["files"]:
            if _digest(name) != digest:
                return None
        model, warnings = saved["model"], saved["warnings"]
    except Exception:  # noqa: BLE001 - a damaged or stale entry only means checking anew
        return None
    if not isinstance(model, RuleSetModel):
        return None
    return model, list(warnings)


def store(path: str | os.PathLike[str], model: RuleSetModel, warnings: list[Diagnostic]) -> None:
    """Save a rule set that checked, with the digests of the files it was read from."""
    entry = _entry(path)
    if entry is None:
        return
    names = [str(source.path) for source in model.sources]
    if model.schema_path is not None:
        names.append(str(model.schema_path))
    files = [(name, _digest(name)) for name in names]
    if any(digest is None for _, digest in files):
        return
    saved = {"format": FORMAT, "files": files, "model": model, "warnings": warnings}
    try:
        data = pickle.dumps(saved, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - what cannot be pickled is not kept
        return
    write_cached(entry[0], entry[1], data)


def _entry(path: str | os.PathLike[str]) -> tuple[Path, Path] | None:
    """The cache folder and the entry's file for a top rule file; None without a cache or
    when the file is not a regular file within the size limit (the loader says why)."""
    folder = cache_dir()
    if folder is None:
        return None
    data = _read_regular(os.fspath(path))
    if data is None:
        return None
    key = hashlib.sha256()
    limits = repr(process_limits())  # the limits decide what checks (MODENHET_MAX_...)
    for part in (str(FORMAT), __version__, sys.version, limits, os.fspath(path), os.getcwd()):
        key.update(part.encode("utf-8", "surrogateescape") + b"\0")
    key.update(data)
    return folder, folder / f"ruleset-{key.hexdigest()[:32]}.pickle"


def _digest(name: str) -> str | None:
    data = _read_regular(name)
    return None if data is None else hashlib.sha256(data).hexdigest()


def _read_regular(name: str) -> bytes | None:
    """A regular file's bytes, checked before it is opened (never a FIFO or a device)."""
    limit = process_limits().rule_file_bytes
    try:
        status = os.stat(name)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        with open(name, "rb") as file:
            return file.read(limit + 1)
    except (OSError, ValueError):
        return None
