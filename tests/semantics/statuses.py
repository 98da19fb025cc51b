"""Spec 5 and 6: the four statuses side by side, errors that belong to their criterion (the
others still run), and messages that name the criterion, the expression and the values."""

from semantics.case import Case, ev

RULES = """\
let snitt = evidence.sum / evidence.count
factor økonomi "Økonomi" {
  level 2 {
    criterion met "Met" when evidence.a > 1
    criterion not_met "Not met" when evidence.a > 10
    criterion unknown "Unknown" when evidence.b > 1
    criterion error "Error" when evidence.a / evidence.zero > 1
    criterion let_error "Let error" when snitt > 1
    criterion after "After the errors" when evidence.a == 5
  }
}
factor other "Other" {
  level 2 {
    criterion c "Also in error" when snitt < 1
    criterion d "Still runs" when evidence.a < 10
  }
}
"""

# fmt: off
CASES = [
    Case(
        "four statuses",
        rules=RULES,
        doc=ev(a=5, zero=0, sum=10, count=0),
        criteria={
            "økonomi.met": "met",
            "økonomi.not_met": "not_met",
            "økonomi.unknown": ("unknown", {"evidence.b"}),
            "økonomi.error": "error",
            "økonomi.let_error": "error",
            "økonomi.after": "met",
            "other.c": "error",
            "other.d": "met",
        },
        messages={
            "økonomi.error": ("økonomi.error", "evidence.a / evidence.zero", "5", "0"),
            "økonomi.let_error": ("økonomi.let_error", "10", "0"),
            "other.c": ("other.c",),
        },
        levels={"økonomi": 1, "other": 1},
        overall=1,
    ),
    Case(
        "the same rules without errors",
        rules=RULES,
        doc=ev(a=5, zero=1, sum=10, count=5, b=2),
        criteria={
            "økonomi.met": "met",
            "økonomi.not_met": "not_met",
            "økonomi.unknown": "met",
            "økonomi.error": "met",
            "økonomi.let_error": "met",
            "økonomi.after": "met",
            "other.c": "not_met",
            "other.d": "met",
        },
    ),
]
# fmt: on
