"""Spec 2 and 4: paths, lets (in any order, hiding evidence keys), back-tick keys, keywords as
keys."""

import datetime

from semantics.case import Case, case, ev

# fmt: off
CASES = [
    case("nested path", "evidence.a.b.c == 1", ev(a={"b": {"c": 1}}), "met"),
    case("absent root", "evidence.a.b.c == 1", {}, "unknown", {"evidence.a.b.c"}),
    case("null on the way", "evidence.a.b.c == 1", ev(a=None), "unknown", {"evidence.a.b.c"}),
    case("null at the end", "evidence.a == 1", ev(a=None), "unknown", {"evidence.a"}),
    case("key read from a number", "evidence.a.b == 1", ev(a=5), "error",
         message=("f.c", "'b'", "5")),
    case("key read from a list", "evidence.a.b == 1", ev(a=[{"b": 1}]), "error"),
    case("key read from a string", "evidence.a.b == 1", ev(a="b"), "error"),
    case("key read error names the expression", "evidence.a.b == 1", ev(a=5), "error",
         message=("f.c", "evidence.a", "5")),
    case("non-ASCII identifiers", "evidence.økonomi.år_2024 == 1", ev(økonomi={"år_2024": 1}),
         "met"),
    case("keyword keys", "evidence.count == 1 and evidence.level.when == 2 and evidence.in == 3",
         ev(count=1, level={"when": 2}, **{"in": 3}), "met"),
    case("statement word as root key", "factor.weight == 1", {"factor": {"weight": 1}}, "met"),
    case("function name as root key", "count.x == 1", {"count": {"x": 1}}, "met"),
    case("back-tick key", "evidence.`budget-2025` > 0", ev(**{"budget-2025": 5}), "met"),
    case("back-tick key with space", "evidence.`a b`.`1x` == 1", ev(**{"a b": {"1x": 1}}), "met"),
    case("back-tick root", "`kommune-nr` == 1103", {"kommune-nr": 1103}, "met"),
    case("back-tick reserved root", "`and`.x == 1", {"and": {"x": 1}}, "met"),
    case("back-tick ordinary key", "evidence.`n` == 1", ev(n=1), "met"),
    # lets
    case("let", "dobbel == 4", ev(n=2), "met", lets="let dobbel = evidence.n * 2"),
    case("let of a let", "b == 5", ev(n=2), "met",
         lets="let a = evidence.n * 2\nlet b = a + 1"),
    case("let aliasing an object", "a.b == 1", ev(x={"b": 1}), "met", lets="let a = evidence.x"),
    case("let alias, absent key", "a.b == 1", ev(x={}), "unknown", {"evidence.x.b"},
         lets="let a = evidence.x"),
    case("let alias, absent object", "a.b.c == 1", {}, "unknown", {"evidence.x.b.c"},
         lets="let a = evidence.x"),
    case("let alias chain", "b.z == 1", ev(x={"y": {"z": 1}}), "met",
         lets="let a = evidence.x\nlet b = a.y"),
    case("let alias chain missing", "b.z == 1", ev(x={"y": {}}), "unknown", {"evidence.x.y.z"},
         lets="let a = evidence.x\nlet b = a.y"),
    case("let alias key read from non-object", "a.b == 1", ev(x=3), "error",
         lets="let a = evidence.x"),
    case("let hides an evidence key", "a == 1", {"a": 2}, "met", lets="let a = 1"),
    case("back-tick reaches the hidden key", "`a` == 2", {"a": 2}, "met", lets="let a = 1"),
    case("back-tick reaches the hidden key's keys", "`a`.b == 2", {"a": {"b": 2}}, "met",
         lets="let a = evidence"),
    case("a hidden key's missing path is back-ticked", "`a`.b == 2", {}, "unknown", {"`a`.b"},
         lets="let a = 1"),
    case("computed let unknown", "t > 2", {}, "unknown", {"evidence.n"},
         lets="let t = evidence.n + 1"),
    case("computed let in error", "t > 2", ev(n="x"), "error", lets="let t = evidence.n + 1"),
    case("let with a quantifier", "alle", ev(l=[1, 2]), "met",
         lets="let alle = all x in evidence.l: x > 0"),
    case("lets see no quantifier variables", "any v in [1]: t == 5", {"v": 5}, "met",
         lets="let t = v"),
    case("as_of", "as_of == 2025-06-30", {}, "met"),
    case("as_of is the caller's date", "as_of == 2020-01-01", {}, "met",
         as_of=datetime.date(2020, 1, 1)),
    case("underscore alone is a name", "_ == 1", {"_": 1}, "met"),
    case("a key with # inside back-ticks", "evidence.`a#b` == 1 # a comment", ev(**{"a#b": 1}),
         "met"),
    case("reserved words after a dot", "evidence.not == 1 and evidence.true == 2 and "
         "evidence.null == 3 and evidence.as_of == 4 and evidence.any == 5",
         ev(**{"not": 1, "true": 2, "null": 3, "as_of": 4, "any": 5}), "met"),
    case("1_000-01-01 is not a date", "1_000-01-01 == 998", {}, "met"),
    case("two parts are not a date", "5-3 == 2", {}, "met"),
    case("decimal with underscores", "1_000.5 == 1000.5", {}, "met"),
    Case(
        "statement words and function names as names",
        rules="""\
let count = 1
let level = 2
let when = 3
factor factor "F" {
  level 2 {
    criterion when "C"
      when count == 1 and count([1, 2]) == 2 and level == 2 and when == 3
    criterion ref "R" when evidence.weight == 1 advice "A" ref "R"
  }
}
""",
        doc=ev(weight=1),
        criteria={"factor.when": "met", "factor.ref": "met"},
    ),
    Case(
        "lets in any order",
        rules="""\
factor f "F" {
  level 2 {
    criterion c "C"
      when seinare > 1
  }
}
let seinare = tidleg + 1
let tidleg = evidence.n
""",
        doc=ev(n=1),
        criteria={"f.c": "met"},
    ),
]
# fmt: on
