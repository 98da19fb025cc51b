"""Spec 2: literals — integers with `_`, decimals, strings and their escapes, dates, lists,
true and false; comments and free whitespace."""

from semantics.case import case, ev

# fmt: off
CASES = [
    case("int", "evidence.n == 7", ev(n=7), "met"),
    case("int underscore", "evidence.n == 1_000", ev(n=1000), "met"),
    case("int underscores", "1_000_000 == evidence.n", ev(n=1000000), "met"),
    case("int not equal", "evidence.n == 1_000", ev(n=100), "not_met"),
    case("decimal", "evidence.n == 0.5", ev(n=0.5), "met"),
    case("decimal equals int", "evidence.n == 2.0", ev(n=2), "met"),
    case("decimal ordering", "evidence.n < 1.25", ev(n=1.2), "met"),
    case("negative literal", "evidence.n == -3", ev(n=-3), "met"),
    case("big int is exact", "evidence.n == 9007199254740993", ev(n=9007199254740992),
         "not_met"),
    case("string", 'evidence.s == "nav"', ev(s="nav"), "met"),
    case("string is case sensitive", 'evidence.s == "nav"', ev(s="NAV"), "not_met"),
    case("empty string", 'evidence.s == ""', ev(s=""), "met"),
    case("escape quote", r'evidence.s == "a\"b"', ev(s='a"b'), "met"),
    case("escape backslash", r'evidence.s == "a\\b"', ev(s="a\\b"), "met"),
    case("escape newline", r'evidence.s == "line 1\nline 2"', ev(s="line 1\nline 2"), "met"),
    case("escape tab", r'evidence.s == "a\tb"', ev(s="a\tb"), "met"),
    case("escaped backslash before n", r'evidence.s == "a\\n"', ev(s="a\\n"), "met"),
    case("hash inside a string", 'evidence.s == "a # b" # a comment', ev(s="a # b"), "met"),
    case("date", "evidence.d == 2024-02-29", ev(d="2024-02-29"), "met"),
    case("dates compared", "2024-02-29 < 2024-03-01", {}, "met"),
    case("date is not subtraction", "evidence.d == 2024-01-02", ev(d="2024-01-02"), "met"),
    case("subtraction with spaces", "2024 - 01 - 02 == 2021", {}, "met"),
    case("list", 'evidence.l == ["nav", "health"]', ev(l=["nav", "health"]), "met"),
    case("list order matters", 'evidence.l == ["nav", "health"]', ev(l=["health", "nav"]),
         "not_met"),
    case("empty list", "evidence.l == []", ev(l=[]), "met"),
    case("nested list", 'evidence.l == [[1, 2], ["x"]]', ev(l=[[1, 2], ["x"]]), "met"),
    case("mixed list", "evidence.l == [1, 0.5, true, 2024-01-01]",
         ev(l=[1, 0.5, True, "2024-01-01"]), "met"),
    case("true", "true", {}, "met"),
    case("false", "false", {}, "not_met"),
    case("boolean equality", "evidence.b == true", ev(b=True), "met"),
    case("boolean inequality", "evidence.b == false", ev(b=True), "not_met"),
    case("free whitespace", "evidence.n\n        >\n   1", ev(n=2), "met"),
]
# fmt: on
