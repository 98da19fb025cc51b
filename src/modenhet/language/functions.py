"""The function table: each built-in's name, parameters, result and one-line meaning.

The checker reads the signatures; the evaluators implement the names listed here (the exact
evaluator in `exact.py`, the fast path in `codegen.py`), with the value semantics of `values.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from modenhet.language.statictypes import ANY, BOOLEAN, DATE_LIKE, LIST, NUMBER, ORDERABLE, Kinds


@dataclass(frozen=True, slots=True)
class Builtin:
    name: str
    params: tuple[Kinds, ...]
    result: Kinds
    summary: str
    takes_path: bool = False  # `exists` takes a path, not a value

    @property
    def signature(self) -> str:
        names = {LIST: "LIST", DATE_LIKE: "DATE", ANY: "PATH"}
        return f"{self.name}({', '.join(names.get(p, 'VALUE') for p in self.params)})"


BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin("count", (LIST,), NUMBER, "the number of elements of a list (nulls count)"),
        Builtin(
            "exists", (ANY,), BOOLEAN, "true when the path is present and not null", takes_path=True
        ),
        Builtin("sum", (LIST,), NUMBER, "the sum of a list of numbers (0 for an empty list)"),
        Builtin("min", (LIST,), ORDERABLE, "the smallest element of a list"),
        Builtin("max", (LIST,), ORDERABLE, "the largest element of a list"),
        Builtin("days_since", (DATE_LIKE,), NUMBER, "days from the date to as_of"),
        Builtin("years_since", (DATE_LIKE,), NUMBER, "whole years from the date to as_of"),
        Builtin("year", (DATE_LIKE,), NUMBER, "the year of a date"),
        Builtin("contains_all", (LIST, LIST), BOOLEAN, "every element of B is in A"),
        Builtin("contains_any", (LIST, LIST), BOOLEAN, "some element of B is in A"),
    )
}
