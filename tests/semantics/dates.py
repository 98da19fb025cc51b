"""Spec 2 and 5: dates and strings — a string is read as a date where the other side is a date
(an error if it is not exactly YYYY-MM-DD), two strings compare as strings."""

from semantics.case import case, ev

# fmt: off
CASES = [
    case("string read as a date on the left", "evidence.d < as_of", ev(d="2025-06-29"), "met"),
    case("string read as a date on the right", "as_of < evidence.d", ev(d="2025-07-01"), "met"),
    case("29 February", "evidence.d < 2024-03-01", ev(d="2024-02-29"), "met"),
    case("not a calendar date", "evidence.d < 2024-03-01", ev(d="2023-02-29"), "error"),
    case("30 February", "evidence.d < as_of", ev(d="2023-02-30"), "error"),
    case("Norwegian notation", "evidence.d < as_of", ev(d="30.06.2025"), "error",
         message=("f.c", "evidence.d < as_of", "30.06.2025")),
    case("single-digit month", "evidence.d < as_of", ev(d="2025-6-30"), "error"),
    case("date with a time", "evidence.d < as_of", ev(d="2025-06-30T12:00:00"), "error"),
    case("compact date", "evidence.d < as_of", ev(d="20250630"), "error"),
    case("date with spaces", "evidence.d < as_of", ev(d=" 2025-06-30"), "error"),
    case("non-ASCII digits", "evidence.d < as_of", ev(d="２０２５-０６-３０"), "error"),
    case("month 13", "evidence.d < as_of", ev(d="2025-13-01"), "error"),
    case("two strings compare as strings", "evidence.d < evidence.e",
         ev(d="2024-10-01", e="2024-9-01"), "met"),
    case("two strings are never dates", "evidence.d > evidence.e", ev(d="x", e="2024-01-01"),
         "met"),
    case("year 0001", "evidence.d < 2024-01-01", ev(d="0001-01-01"), "met"),
    case("year 0000 is not a date", "evidence.d < 2024-01-01", ev(d="0000-01-01"), "error"),
    case("date literals", "2025-06-30 == as_of", {}, "met"),
    case("as_of", "as_of >= 2025-06-30 and as_of <= 2025-06-30", {}, "met"),
]
# fmt: on
