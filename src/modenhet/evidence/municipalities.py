"""Norway's municipalities from SSB's classification 131 (KLASS), shipped with the package: the
356 of 2020–2023, the 357 of 2024 and the numbers that changed on 1 January 2024 between them
(data/SOURCES-kommunar.md says where every row comes from).

An evidence document's `municipality.number` must be on the list of the year it reports
(`year`; the 2024 list when the year is 2024 or later, or not given), and its name should match.
A number that is on the other list is explained with what the change table says, never guessed.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from typing import Any

from modenhet.errors import Violation
from modenhet.evidence.messages import Day, and_list, field_name, problem
from modenhet.i18n import N_, Text
from modenhet.resources import data_dir

LIST_FILE = "kommunar-2024.csv"
LIST_FILE_2020 = "kommunar-2020.csv"
CHANGES_FILE = "kommuneendringar-2024.csv"
FIRST_YEAR_2020, FIRST_YEAR_2024 = 2020, 2024


@dataclass(frozen=True)
class Change:
    """One row of the change table: `old_number` became `new_number` on `valid_from`."""

    valid_from: str
    old_number: str
    old_name: str
    new_number: str
    new_name: str
    change: str  # "renumbered" or "split"


def _read(name: str) -> dict[str, str]:
    with open(data_dir("data") / name, encoding="utf-8", newline="") as handle:
        return {row["number"]: row["name"] for row in csv.DictReader(handle)}


@functools.cache
def municipalities() -> dict[str, str]:
    """Number -> name for 2024 and later, in the list's order."""
    return _read(LIST_FILE)


@functools.cache
def municipalities_2020() -> dict[str, str]:
    """Number -> name for 2020–2023."""
    return _read(LIST_FILE_2020)


@functools.cache
def changes_2024() -> tuple[Change, ...]:
    with open(data_dir("data") / CHANGES_FILE, encoding="utf-8", newline="") as handle:
        return tuple(
            Change(
                row["valid_from"],
                row["old_number"],
                row["old_name"],
                row["new_number"],
                row["new_name"],
                row["change"],
            )
            for row in csv.DictReader(handle)
        )


def successors(number: str) -> list[Change]:
    """The 2024 numbers a number of 2020–2023 became (none when it did not change)."""
    return [c for c in changes_2024() if c.old_number == number]


def predecessors(number: str) -> list[Change]:
    """The 2020–2023 numbers a number of 2024 came from (none when it did not change)."""
    return [c for c in changes_2024() if c.new_number == number]


def current_number(number: str) -> str:
    """The 2024 number of the same municipality: itself unless it was renumbered in 2024.

    A municipality that was split keeps its old number: which part the evidence belongs to
    cannot be known, so the caller reports it rather than guessing."""
    found = successors(number)
    if len(found) == 1 and found[0].change == "renumbered":
        return found[0].new_number
    return number


def list_for_year(year: Any) -> tuple[Text, dict[str, str]] | None:
    """(the list's description, number -> name) for a reporting year, or None before 2020."""
    if isinstance(year, int) and not isinstance(year, bool) and year < FIRST_YEAR_2024:
        if year < FIRST_YEAR_2020:
            return None
        return Text(N_("the 356 municipalities of 2020–2023")), municipalities_2020()
    return Text(N_("the 357 municipalities of 2024")), municipalities()


def check_municipality(document: Any, schema: Any = None) -> list[Violation]:
    """An unknown number is an error; a name that differs from the list's is a warning. The
    fields are named with the titles `schema` gives them."""
    municipality = document.get("municipality") if isinstance(document, dict) else None
    if not isinstance(municipality, dict):
        return []
    number, name = municipality.get("number"), municipality.get("name")
    if not isinstance(number, str) or len(number) != 4 or not number.isdigit():
        return []  # the schema says what is wrong with its form
    year = document.get("year")
    chosen = list_for_year(year)
    field = field_name(("municipality", "number"), schema)
    if chosen is None:
        text = Text(
            N_(
                "%(name)s %(number)s is not checked: modenhet has SSB's lists of municipalities "
                "from 2020 on, and `year` is %(year)s"
            ),
            name=field,
            number=number,
            year=year,
        )
        return [problem("/municipality/number", text, severity="warning")]
    described, known = chosen
    if number not in known:
        hint = _hint(number, name, known, before_2024=known is municipalities_2020())
        text = Text(
            N_("%(name)s %(number)s is not one of %(list)s%(hint)s"),
            name=field,
            number=number,
            list=described,
            hint=hint,
        )
        return [problem("/municipality/number", text)]
    official = known[number]
    if isinstance(name, str) and name.strip().casefold() != official.casefold():
        other = next((k for k, n in known.items() if n.casefold() == name.strip().casefold()), None)
        elsewhere = (
            Text(N_("; %(name)s is %(number)s"), name=name.strip(), number=other) if other else ""
        )
        text = Text(
            N_(
                '%(field)s is "%(name)s", but municipality %(number)s is %(official)s in SSB\'s '
                "list%(elsewhere)s"
            ),
            field=field_name(("municipality", "name"), schema),
            name=name,
            number=number,
            official=official,
            elsewhere=elsewhere,
        )
        return [problem("/municipality/name", text, severity="warning")]
    return []


def _hint(number: str, name: Any, known: dict[str, str], *, before_2024: bool) -> Text | str:
    """What the lists say about a number that is not on the year's list: the number's
    change across 2024, or the number of the name given; nothing else (no guessing)."""
    if before_2024:
        came_from = predecessors(number)
        if came_from:
            olds = and_list([f"{c.old_number} {c.old_name}" for c in came_from])
            return Text(
                N_(" (%(number)s %(name)s is a number from 2024; before, it was %(olds)s)"),
                number=number,
                name=came_from[0].new_name,
                olds=olds,
            )
    else:
        went_to = successors(number)
        if len(went_to) > 1:
            return Text(
                N_(
                    " (%(number)s %(name)s was split on %(date)s into %(parts)s; give the number "
                    "of the part the evidence is for)"
                ),
                number=number,
                name=went_to[0].old_name,
                date=Day(went_to[0].valid_from),
                parts=and_list([f"{c.new_number} {c.new_name}" for c in went_to]),
            )
        if went_to:
            c = went_to[0]
            return Text(
                N_(" (%(number)s %(name)s is %(new_number)s %(new_name)s from %(date)s)"),
                number=number,
                name=c.old_name,
                new_number=c.new_number,
                new_name=c.new_name,
                date=Day(c.valid_from),
            )
    if isinstance(name, str):
        found = next((k for k, n in known.items() if n.casefold() == name.strip().casefold()), None)
        if found is not None:
            return Text(N_(" (%(name)s is %(number)s)"), name=name.strip(), number=found)
    return ""
