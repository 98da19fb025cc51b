"""Spec 2 and 5: NFC — rule text, evidence keys and string values are compared in NFC, so a
decomposed `a` + U+030A matches `å` wherever it is written."""

from semantics.case import Case, case, ev

A_RING = "a\u030a"  # å, decomposed

# fmt: off
CASES = [
    case("decomposed value", 'evidence.s == "å"', ev(s=A_RING), "met"),
    case("decomposed value, !=", 'evidence.s != "å"', ev(s=A_RING), "not_met"),
    case("decomposed rule string", f'evidence.s == "{A_RING}"', ev(s="å"), "met"),
    case("both decomposed", f'evidence.s == "{A_RING}"', ev(s=A_RING), "met"),
    case("decomposed key", "evidence.årsplan == 1", ev(**{f"{A_RING}rsplan": 1}), "met"),
    case("decomposed root key", "år.plan == 1", {f"{A_RING}r": {"plan": 1}}, "met"),
    case("decomposed key, null", "evidence.årsplan == 1", ev(**{f"{A_RING}rsplan": None}),
         "unknown", {"evidence.årsplan"}),
    case("decomposed rule key", f"evidence.{A_RING}rsplan == 1", ev(årsplan=1), "met"),
    case("decomposed rule key, missing path in NFC", f"evidence.{A_RING}rsplan == 1", ev(),
         "unknown", {"evidence.årsplan"}),
    case("decomposed back-tick key", "evidence.`år-2025` == 1", ev(**{f"{A_RING}r-2025": 1}),
         "met"),
    case("decomposed key through a let", "ø.år == 1", ev(økonomi={f"{A_RING}r": 1}), "met",
         lets="let ø = evidence.økonomi"),
    case("decomposed key in exists", "exists(evidence.år)", ev(**{f"{A_RING}r": 0}), "met"),
    case("decomposed key in an element", "any o in evidence.l: o.år", ev(l=[{f"{A_RING}r": True}]),
         "met"),
    case("decomposed element in membership", '"på" in evidence.l', ev(l=[f"p{A_RING}"]), "met"),
    case("decomposed in contains_all", 'contains_all(evidence.l, ["å", "ø"])',
         ev(l=["ø", A_RING]), "met"),
    case("decomposed ordering", 'evidence.s > "b"', ev(s=A_RING), "met"),
    case("decomposed max", 'max(evidence.l) == "å"', ev(l=["b", A_RING]), "met"),
    case("decomposed min", 'min(evidence.l) == "b"', ev(l=["b", A_RING]), "met"),
    # U+212A KELVIN SIGN is NFC "K": a non-ASCII text that is an ASCII one in NFC
    case("Kelvin sign equals K", 'evidence.s == "K"', ev(s="\u212a"), "met"),
    case("Kelvin sign in a list of ASCII strings", 'evidence.s in ["K", "L"]', ev(s="\u212a"),
         "met"),
    case("Kelvin sign as a key", "evidence.K == 1", ev(**{"\u212a": 1}), "met"),
    case("Kelvin sign ordered as K", 'evidence.s < "L" and evidence.s > "J"', ev(s="\u212a"),
         "met"),
    case("Kelvin sign in rule text", 'evidence.s == "\u212a"', ev(s="K"), "met"),
    case("decomposed let name", f"{A_RING}r == 1", {}, "met", lets="let år = 1"),
    Case(
        "decomposed identifiers in rule text",
        rules=f'let {A_RING}r = evidence.{A_RING}r\n'
        'factor f "F" { level 2 { criterion c "C" when år > 1 } }\n',
        doc=ev(år=2),
        criteria={"f.c": "met"},
    ),
]
# fmt: on
