"""Limits that keep one broken or hostile input from taking the machine. Each has a default
that no real rule set or evidence document comes near, a name in the message that reports it,
and an environment variable to raise it."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    rule_file_bytes: int = 10 * 1024 * 1024  # MODENHET_MAX_RULE_FILE_BYTES
    rule_files: int = 1000  # MODENHET_MAX_RULE_FILES: files in one rule set, includes too

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, with any `MODENHET_MAX_<NAME>` variable that is a positive number."""
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = os.environ.get(f"MODENHET_MAX_{item.name.upper()}")
            if raw is not None and raw.strip().isdigit() and int(raw) > 0:
                values[item.name] = int(raw)
        return cls(**values)
