"""The official list of Norway's 357 municipalities of 2024 (SSB KLASS 131), shipped with the
package: an evidence document's municipality number must be on it, and its name should match."""

from __future__ import annotations

import csv
import difflib
import functools
from typing import Any

from modenhet.errors import Violation
from modenhet.resources import data_dir

LIST_FILE = "kommunar-2024.csv"


@functools.cache
def municipalities() -> dict[str, str]:
    """Number -> name, in the list's order."""
    with open(data_dir("data") / LIST_FILE, encoding="utf-8", newline="") as handle:
        return {row["number"]: row["name"] for row in csv.DictReader(handle)}


def check_municipality(document: Any) -> list[Violation]:
    """An unknown number is an error; a name that differs from the list's is a warning."""
    municipality = document.get("municipality") if isinstance(document, dict) else None
    if not isinstance(municipality, dict):
        return []
    number, name = municipality.get("number"), municipality.get("name")
    if not isinstance(number, str) or len(number) != 4 or not number.isdigit():
        return []  # the schema says what is wrong with its form
    known = municipalities()
    if number not in known:
        hint = ""
        if isinstance(name, str):
            by_name = {n.casefold(): k for k, n in known.items()}
            found = by_name.get(name.strip().casefold())
            if found is not None:
                hint = f" ({name} is {found})"
            else:
                close = difflib.get_close_matches(number, list(known), n=1, cutoff=0.75)
                hint = f" (did you mean {close[0]} {known[close[0]]}?)" if close else ""
        return [
            Violation(
                "/municipality/number",
                f"`municipality.number` {number} is not one of "
                f"the 357 municipalities of 2024{hint}",
            )
        ]
    official = known[number]
    if isinstance(name, str) and name.strip().casefold() != official.casefold():
        other = next((k for k, n in known.items() if n.casefold() == name.strip().casefold()), None)
        elsewhere = f"; {name.strip()} is {other}" if other else ""
        return [
            Violation(
                "/municipality/name",
                f'`municipality.name` is "{name}", but '
                f"municipality {number} is {official} in SSB's list{elsewhere}",
                severity="warning",
            )
        ]
    return []
