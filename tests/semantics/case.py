"""The case format of the specification suite.

A case is a condition (`when`, put into criterion `f.c` at level 2 of the test header's levels
1-5, after `lets`) or a whole rule text (`rules`), an evidence document, `as_of`, and what the
spec says must come out: the status and missing paths of `f.c` (or of each `criteria` entry),
substrings of an error's message, factor levels, the overall level and the gaps.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

AS_OF = datetime.date(2025, 6, 30)

# A criterion's expected outcome: its status, or (status, missing paths).
Expected = str | tuple[str, set[str]]


@dataclass(frozen=True)
class Case:
    name: str
    when: str | None = None
    doc: dict[str, Any] = field(default_factory=dict)
    status: str | None = None  # of f.c, for `when` cases
    missing: set[str] = field(default_factory=set)  # of f.c, for `when` cases
    message: tuple[str, ...] = ()  # substrings of f.c's error message
    lets: str = ""
    rules: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # written beside the rule file
    as_of: datetime.date = AS_OF
    criteria: dict[str, Expected] = field(default_factory=dict)  # "factor.criterion" -> ...
    messages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    levels: dict[str, int] | None = None  # every factor, in rule-file order
    overall: int | None = None
    gaps: dict[str, list[tuple[str, str, set[str]]]] | None = None  # (id, status, missing)
    bug: str | None = None  # the engine disagrees with the spec: xfail(strict) with this reason
    bug_in: tuple[str, ...] = ("engine",)  # the runners the bug shows in: engine, exact

    def text(self) -> str:
        if self.rules is not None:
            return self.rules
        return (
            f"{self.lets}\n"
            'factor f "F" {\n'
            "  level 2 {\n"
            '    criterion c "C"\n'
            f"      when {self.when}\n"
            "  }\n"
            "}\n"
        )

    def expected(self) -> dict[str, tuple[str, set[str], tuple[str, ...]]]:
        """Each named criterion's (status, missing paths, message substrings)."""
        out: dict[str, tuple[str, set[str], tuple[str, ...]]] = {}
        if self.when is not None:
            assert self.status is not None, self.name
            out["f.c"] = (self.status, self.missing, self.message)
        for key, value in self.criteria.items():
            status, missing = (value, set()) if isinstance(value, str) else value
            out[key] = (status, missing, self.messages.get(key, ()))
        return out


def case(name: str, when: str, doc: dict[str, Any], status: str, missing: set[str] | None = None,
         **options: Any) -> Case:  # fmt: skip
    """A one-condition case: `case("name", "evidence.n > 1", {...}, "met")`."""
    return Case(name, when, doc, status, missing or set(), **options)


def ev(**values: Any) -> dict[str, Any]:
    """A document whose evidence lives under the root key `evidence`."""
    return {"evidence": values}
