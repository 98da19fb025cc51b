"""Which files a `modenhet test` run reads: the test files the paths name, or those beside the
default rule set; and how a path is shown in messages.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

TEST_SUFFIXES = (".test.yaml", ".test.yml")


class PathNotFound(Exception):
    """A named path that does not exist: the run cannot start."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or folder")
        self.path = path


def discover(paths: Sequence[str], default_folder: Path | None = None) -> list[str]:
    """The test files the paths name (folders: every `*.test.yaml` and `*.test.yml` inside,
    recursively, hidden folders skipped, sorted); without paths, those in `default_folder` (the
    default rule set's folder). Raises `PathNotFound`."""
    if not paths:
        if default_folder is None:
            return []
        return [shown(p) for p in _test_files_in(str(default_folder))]
    found: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found.extend(_test_files_in(path))
        elif os.path.exists(path):
            found.append(path)
        else:
            raise PathNotFound(path)
    return found


def _test_files_in(folder: str) -> list[str]:
    found: list[tuple[str, str]] = []
    for directory, subfolders, files in os.walk(folder):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith("."))
        for name in files:
            if name.endswith(TEST_SUFFIXES):
                path = os.path.normpath(os.path.join(directory, name))
                found.append((Path(os.path.relpath(path, folder)).as_posix(), path))
    return [path for _, path in sorted(found)]


def shown(path: str | Path) -> str:
    """A path relative to the working folder when it is below it, else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative
