"""Spec 6: missing paths — only unknown operands contribute; lets expanded; list elements as
`name[i]`; back-ticks for keys that are not identifiers, or are reserved or hidden by a let in
first place; nothing for met, not_met or error."""

from semantics.case import case, ev

# fmt: off
CASES = [
    case("known operand of and contributes none", "evidence.a > 1 and evidence.b > 1", ev(a=5),
         "unknown", {"evidence.b"}),
    case("known operand of or contributes none", "evidence.a > 10 or evidence.b > 1", ev(a=5),
         "unknown", {"evidence.b"}),
    case("every unknown operand of an operator", "evidence.a + evidence.b > evidence.c", {},
         "unknown", {"evidence.a", "evidence.b", "evidence.c"}),
    case("known operand of an operator contributes none", "evidence.a + evidence.b > 0", ev(a=1),
         "unknown", {"evidence.b"}),
    case("nested logic", "(evidence.a or evidence.b) and evidence.c", ev(b=False, c=True),
         "unknown", {"evidence.a"}),
    case("a path read twice is listed once", "evidence.a > 1 and evidence.a < 5", {}, "unknown",
         {"evidence.a"}),
    case("null and absent", "evidence.a == evidence.b", ev(a=None), "unknown",
         {"evidence.a", "evidence.b"}),
    case("let alias expanded", "ø.budsjett > 0", ev(økonomi={}), "unknown",
         {"evidence.økonomi.budsjett"}, lets="let ø = evidence.økonomi"),
    case("computed let expanded", "per_innbyggjar > 10", {}, "unknown",
         {"evidence.økonomi.budsjett", "evidence.innbyggjarar"},
         lets="let ø = evidence.økonomi\n"
         "let per_innbyggjar = ø.budsjett / evidence.innbyggjarar"),
    case("computed let with a known operand", "per_innbyggjar > 10", ev(innbyggjarar=10),
         "unknown", {"evidence.økonomi.budsjett"},
         lets="let per_innbyggjar = evidence.økonomi.budsjett / evidence.innbyggjarar"),
    case("list elements", "sum(evidence.l) > 0", ev(l=[1, None, None]), "unknown",
         {"evidence.l[1]", "evidence.l[2]"}),
    case("elements of objects", "all o in evidence.orgs: o.n > 0",
         ev(orgs=[{"n": 1}, {}, {"n": None}, None]), "unknown",
         {"evidence.orgs[1].n", "evidence.orgs[2].n", "evidence.orgs[3].n"}),
    case("elements of a list through a let", "all o in l: o.n > 0", ev(orgs=[{}]), "unknown",
         {"evidence.orgs[0].n"}, lets="let l = evidence.orgs"),
    case("a key that is not an identifier", "evidence.`budget-2025` > 0", {}, "unknown",
         {"evidence.`budget-2025`"}),
    case("a key starting with a digit", "evidence.`2025`.sum > 0", {}, "unknown",
         {"evidence.`2025`.sum"}),
    case("a key with a space", "evidence.`a b` > 0", {}, "unknown", {"evidence.`a b`"}),
    case("an empty key", "evidence.`` > 0", {}, "unknown", {"evidence.``"}),
    case("a reserved word in first place", "`in`.x > 0", {}, "unknown", {"`in`.x"}),
    case("as_of in first place", "`as_of` > 0", {}, "unknown", {"`as_of`"}),
    case("a reserved word later is plain", "evidence.in > 0", {}, "unknown", {"evidence.in"}),
    case("a statement word in first place is plain", "level.x > 0", {}, "unknown", {"level.x"}),
    case("a root hidden by a let", "`a`.x > 0", {}, "unknown", {"`a`.x"}, lets="let a = 1"),
    case("a let named like the root, reached through another let", "a.x > 0", {}, "unknown",
         {"`evidence`.x"}, lets="let evidence = 1\nlet a = `evidence`"),
    case("a key starting with a superscript digit is not an identifier", "evidence.`²x` > 0", {},
         "unknown", {"evidence.`²x`"},
         bug="values.render_path takes a key for an identifier by Python's `[^\\W\\d]\\w*`, "
         "which lets it start with '²' (category No, not a letter): the missing path is "
         "rendered 'evidence.²x' without back-ticks"),
    case("a hidden name later is plain", "evidence.a > 0", {}, "unknown", {"evidence.a"},
         lets="let a = 1"),
    case("non-ASCII identifiers are plain", "evidence.årsplan.vedteke", {}, "unknown",
         {"evidence.årsplan.vedteke"}),
    case("underscore identifiers are plain", "_x._y > 0", {}, "unknown", {"_x._y"}),
    case("membership: the unknown item", 'evidence.x in ["a"]', {}, "unknown", {"evidence.x"}),
    case("membership: only unknown elements", '"a" in evidence.l', ev(l=["b", None, "c", None]),
         "unknown", {"evidence.l[1]", "evidence.l[3]"}),
    case("none when met", "evidence.a or evidence.b", ev(b=True), "met"),
    case("none when not met", "evidence.a and evidence.b", ev(b=False), "not_met"),
    case("none when in error", "evidence.a and evidence.b", ev(b=3), "error"),
]
# fmt: on
