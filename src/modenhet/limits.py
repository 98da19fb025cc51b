"""Limits that keep one broken or hostile input from taking the machine. Each has a default
that no real rule set or evidence document comes near, a name in the message that reports it,
and an environment variable to raise it (docs/security.md lists them)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields

EXPRESSION_DEPTH_CEILING = 200


@dataclass(frozen=True)
class Limits:
    rule_file_bytes: int = 10 * 1024 * 1024  # MODENHET_MAX_RULE_FILE_BYTES
    rule_files: int = 1000  # MODENHET_MAX_RULE_FILES: files in one rule set, includes too
    expression_depth: int = 64  # MODENHET_MAX_EXPRESSION_DEPTH: nesting of one expression
    # (at most EXPRESSION_DEPTH_CEILING: the checker and compilers recurse over expressions)
    list_length: int = 100_000  # MODENHET_MAX_LIST_LENGTH: elements of a list a rule walks
    evaluation_steps: int = 500_000  # MODENHET_MAX_EVALUATION_STEPS: list elements visited
    number_bits: int = 16_384  # MODENHET_MAX_NUMBER_BITS: the size of a product of integers

    @classmethod
    def from_environment(cls) -> Limits:
        """The defaults, with any `MODENHET_MAX_<NAME>` variable that is a positive number."""
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = os.environ.get(f"MODENHET_MAX_{item.name.upper()}")
            if raw is not None and raw.strip().isdecimal() and int(raw) > 0:
                values[item.name] = int(raw)
        if values.get("expression_depth", 0) > EXPRESSION_DEPTH_CEILING:
            values["expression_depth"] = EXPRESSION_DEPTH_CEILING
        return cls(**values)


@functools.cache
def process_limits() -> Limits:
    """The limits of this process, read from the environment once."""
    return Limits.from_environment()


class EvaluationLimit(Exception):
    """One document's evaluation has walked more list elements than the limit allows."""


class Budget:
    """The steps one document's evaluation may still take (list elements walked by
    quantifiers, membership, contains_* and aggregates), so that no rule set, however hostile,
    can make one document take minutes."""

    __slots__ = ("left", "limit")

    def __init__(self, limit: int) -> None:
        self.left = self.limit = limit

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise EvaluationLimit(
                f"evaluating this document took more than {self.limit:,} steps (the limit; "
                "raise it with the environment variable MODENHET_MAX_EVALUATION_STEPS)"
            )
