"""Spec 5: `and`, `or` and `not` over true, false, unknown and error — all 16 pairs of each, in
both orders (commutative) — and no truthiness."""

from semantics.case import case, ev

DOC = ev(t=True, f=False, a=1, z=0, e=5)
# Each value written as an operand; the left and right operands differ so missing paths show
# which side they come from. Left error: division by zero; right error: a non-boolean operand.
LEFT = {"T": "evidence.t", "F": "evidence.f", "U": "evidence.u", "E": "evidence.a / evidence.z > 0"}
RIGHT = {"T": "evidence.t", "F": "evidence.f", "U": "evidence.v", "E": "evidence.e"}
MISSING = {"T": set(), "F": set(), "E": set()}


def _and(a: str, b: str) -> str:
    if "F" in (a, b):
        return "F"
    if "E" in (a, b):
        return "E"
    return "U" if "U" in (a, b) else "T"


def _or(a: str, b: str) -> str:
    if "T" in (a, b):
        return "T"
    if "E" in (a, b):
        return "E"
    return "U" if "U" in (a, b) else "F"


STATUS = {"T": "met", "F": "not_met", "U": "unknown", "E": "error"}


def _missing(a: str, b: str, result: str) -> set[str]:
    if result != "U":
        return set()
    return {p for v, p in ((a, "evidence.u"), (b, "evidence.v")) if v == "U"}


# fmt: off
CASES = [
    *(
        case(f"{a} {word} {b}", f"{LEFT[a]} {word} {RIGHT[b]}", DOC,
             STATUS[result], _missing(a, b, result))
        for word, table in (("and", _and), ("or", _or))
        for a in "TFUE"
        for b in "TFUE"
        for result in [table(a, b)]
    ),
    case("not T", "not evidence.t", DOC, "not_met"),
    case("not F", "not evidence.f", DOC, "met"),
    case("not U", "not evidence.u", DOC, "unknown", {"evidence.u"}),
    case("not E", "not (evidence.a / evidence.z > 0)", DOC, "error"),
    case("not of a non-boolean", "not evidence.e", DOC, "error",
         message=("f.c", "not evidence.e", "5")),
    case("not not", "not not evidence.t", DOC, "met"),
    case("three operands: false wins", "evidence.u and evidence.e and evidence.f", DOC, "not_met"),
    case("three operands: true wins", "evidence.e or evidence.u or evidence.t", DOC, "met"),
    case("three operands: error over unknown", "evidence.u or evidence.f or evidence.e", DOC,
         "error"),
    case("three operands: unknowns", "evidence.u and evidence.t and evidence.v", DOC, "unknown",
         {"evidence.u", "evidence.v"}),
    case("and binds tighter than or", "evidence.t or evidence.f and evidence.f", DOC, "met"),
    case("and binds tighter than or (2)", "evidence.f and evidence.f or evidence.t", DOC, "met"),
    case("not is looser than comparisons", "not evidence.e == 4", DOC, "met"),
    case("not binds tighter than and", "not evidence.f and evidence.t", DOC, "met"),
    # no truthiness
    case("a number as condition", "evidence.e", DOC, "error",
         message=("f.c", "evidence.e", "5")),
    case("zero as condition", "evidence.z", DOC, "error"),
    case("a string as condition", "evidence.s", ev(s=""), "error"),
    case("a list as condition", "evidence.l", ev(l=[True]), "error"),
    case("an object as condition", "evidence", ev(t=True), "error"),
    case("a non-boolean and-operand", "evidence.e and evidence.t", DOC, "error",
         message=("f.c", "evidence.e and evidence.t", "5")),
    case("a non-boolean or-operand", "evidence.f or evidence.e", DOC, "error"),
    case("false wins over a non-boolean", "evidence.e and evidence.f", DOC, "not_met"),
    case("true wins over a non-boolean", "evidence.e or evidence.t", DOC, "met"),
    case("a let that is a number", "n", DOC, "error", lets="let n = evidence.e"),
]
# fmt: on
