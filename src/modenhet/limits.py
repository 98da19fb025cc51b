"""Limits that keep one broken or hostile input from taking the machine. Each has a default
that no real rule set or evidence document comes near, a name in the message that reports it,
and an environment variable to raise it (docs/security.md lists them)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, fields

EXPRESSION_DEPTH_CEILING = 200
# Digits of a whole number in a rule (M109). Evidence may hold up to 4,300 (what Python converts
# to and from text); rule numbers stay well below so that sums of weights and the code generator
# never meet a number Python cannot write out. Values computed at run time are shown through
# `values.number_text`, which never converts a number that long.
RULE_NUMBER_DIGITS = 1000
# Type inference, the code generator and both evaluators recurse through lets, a few frames
# more per let than per operator: a chain of 160 lets exceeds Python's recursion limit.
LET_DEPTH_CEILING = 100
# The code generator nests one `if` per path key and per level block, and Python allows 100
# levels of indentation: these two limits can be raised to at most this.
NESTING_CEILING = 90
_CEILINGS = {
    "expression_depth": EXPRESSION_DEPTH_CEILING,
    "depth_through_lets": LET_DEPTH_CEILING,
    "path_length": NESTING_CEILING,
    "level_blocks": NESTING_CEILING,
    "include_depth": EXPRESSION_DEPTH_CEILING,
}


@dataclass(frozen=True)
class Limits:
    rule_file_bytes: int = 10 * 1024 * 1024  # MODENHET_MAX_RULE_FILE_BYTES
    rule_files: int = 1000  # MODENHET_MAX_RULE_FILES: files in one rule set, includes too
    expression_depth: int = 64  # MODENHET_MAX_EXPRESSION_DEPTH: nesting of one expression
    # (at most EXPRESSION_DEPTH_CEILING: the checker and compilers recurse over expressions)
    depth_through_lets: int = 100  # MODENHET_MAX_DEPTH_THROUGH_LETS: nesting of an expression
    # with every let it uses written out in place (at most LET_DEPTH_CEILING)
    path_length: int = 64  # MODENHET_MAX_PATH_LENGTH: keys of a path, counted through lets
    level_blocks: int = 64  # MODENHET_MAX_LEVEL_BLOCKS: level blocks in one factor
    include_depth: int = 64  # MODENHET_MAX_INCLUDE_DEPTH: files included one inside another
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
        for name, ceiling in _CEILINGS.items():
            if values.get(name, 0) > ceiling:
                values[name] = ceiling
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
