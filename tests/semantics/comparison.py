"""Spec 4 and 5: the comparisons `== != < <= > >=` on numbers, strings (NFC code points) and
dates; type mismatches; unknown winning over error."""

from semantics.case import case, ev

_ORDERING = [
    # (operator, left, right, met?)
    ("<", 1, 2, True),
    ("<", 2, 2, False),
    ("<", 3, 2, False),
    ("<=", 1, 2, True),
    ("<=", 2, 2, True),
    ("<=", 3, 2, False),
    (">", 1, 2, False),
    (">", 2, 2, False),
    (">", 3, 2, True),
    (">=", 1, 2, False),
    (">=", 2, 2, True),
    (">=", 3, 2, True),
    ("==", 2, 2, True),
    ("==", 1, 2, False),
    ("!=", 1, 2, True),
    ("!=", 2, 2, False),
]

# fmt: off
CASES = [
    *(
        case(f"numbers {a} {op} {b}", f"evidence.a {op} evidence.b", ev(a=a, b=b),
             "met" if met else "not_met")
        for op, a, b, met in _ORDERING
    ),
    *(
        case(f"literal right {a} {op} {b}", f"evidence.a {op} {b}", ev(a=a),
             "met" if met else "not_met")
        for op, a, b, met in _ORDERING
    ),
    *(
        case(f"literal left {a} {op} {b}", f"{a} {op} evidence.b", ev(b=b),
             "met" if met else "not_met")
        for op, a, b, met in _ORDERING
    ),
    case("int and decimal", "evidence.a < 1.5", ev(a=1), "met"),
    case("decimal and int", "evidence.a >= 2", ev(a=1.99), "not_met"),
    case("strings", 'evidence.s < "b"', ev(s="a"), "met"),
    case("strings by code point: Z < a", 'evidence.s < "a"', ev(s="Z"), "met"),
    case("strings by code point: å < æ", 'evidence.s < "æ"', ev(s="å"), "met"),
    case("strings by code point: æ < ø", 'evidence.s < "ø"', ev(s="æ"), "met"),
    case("strings by code point: not the alphabet", 'evidence.s > "ø"', ev(s="å"), "not_met"),
    case("strings by NFC: decomposed å after z", 'evidence.s > "z"', ev(s="a\u030a"), "met"),
    case("strings by NFC: decomposed å not before b", 'evidence.s < "b"', ev(s="a\u030a"),
         "not_met"),
    case("prefix first", 'evidence.s < "abc"', ev(s="ab"), "met"),
    case("string <= equal after NFC", 'evidence.s <= "å" and evidence.s >= "å"',
         ev(s="a\u030a"), "met"),
    case("dates", "evidence.d < 2024-01-01", ev(d="2023-12-31"), "met"),
    case("date literals", "2024-03-01 > 2024-02-29", {}, "met"),
    case("as_of and a string", "evidence.d <= as_of", ev(d="2025-06-30"), "met"),
    case("as_of left", "as_of > evidence.d", ev(d="2025-07-01"), "not_met"),
    case("number and string", "evidence.a < evidence.s", ev(a=1, s="a"), "error",
         message=("f.c", "evidence.a < evidence.s", "1", '"a"')),
    case("booleans do not order", "evidence.a < evidence.b", ev(a=False, b=True), "error"),
    case("lists do not order", "evidence.a <= evidence.b", ev(a=[1], b=[2]), "error"),
    case("objects do not order", "evidence.a > evidence.b", ev(a={}, b={}), "error"),
    case("number and date", "evidence.a < 2024-01-01", ev(a=20240101), "error"),
    case("boolean and number", "evidence.a >= 0", ev(a=True), "error"),
    case("unknown wins over error", "evidence.x < evidence.a / evidence.z", ev(a=1, z=0),
         "unknown", {"evidence.x"}),
    case("unknown wins over a mismatch", "evidence.x < evidence.s", ev(s="a"), "unknown",
         {"evidence.x"}),
    case("both unknown", "evidence.x >= evidence.y", {}, "unknown", {"evidence.x", "evidence.y"}),
    case("!= of unknown", "evidence.x != 1", {}, "unknown", {"evidence.x"}),
]
# fmt: on
