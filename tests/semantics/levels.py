"""Spec 3 and 6: cumulative factor levels, the gap, and the overall level (min, mean, weighted;
exact; rounded down to the highest declared level not above; levels that are not consecutive);
factors in rule-file order."""

from semantics.case import Case, ev

# One factor whose blocks 2, 3 and 4 each hold criteria switched by the evidence.
LADDER = """\
factor f "F" {
  level 2 {
    criterion a "A" when evidence.a
  }
  level 3 {
    criterion b "B" when evidence.b
    criterion b2 "B2" when evidence.b2
  }
  level 4 {
    criterion c "C" when evidence.c
  }
}
"""

# fmt: off
CASES = [
    Case("all met reaches the highest block", rules=LADDER,
         doc=ev(a=True, b=True, b2=True, c=True), levels={"f": 4}, overall=4, gaps={"f": []}),
    Case("a block not met stops the climb, blocks above still run", rules=LADDER,
         doc=ev(a=True, b=True, b2=False, c=True),
         criteria={"f.a": "met", "f.b": "met", "f.b2": "not_met", "f.c": "met"},
         levels={"f": 2}, overall=2, gaps={"f": [("b2", "not_met", set())]}),
    Case("the gap lists unknown with missing and error", rules=LADDER,
         doc=ev(a=True, b2=7, c=True),
         criteria={"f.b": ("unknown", {"evidence.b"}), "f.b2": "error"},
         levels={"f": 2}, gaps={"f": [("b", "unknown", {"evidence.b"}), ("b2", "error", set())]}),
    Case("nothing met stays at the floor", rules=LADDER, doc=ev(b=True, b2=True, c=True),
         criteria={"f.a": ("unknown", {"evidence.a"})},
         levels={"f": 1}, overall=1, gaps={"f": [("a", "unknown", {"evidence.a"})]}),
    Case("the gap is the next block only", rules=LADDER, doc=ev(a=False, b=False, b2=False),
         levels={"f": 1}, gaps={"f": [("a", "not_met", set())]}),
    Case(
        "a factor whose highest block is 3 never reaches 4",
        rules="""\
factor f "F" {
  level 2 { criterion a "A" when true }
  level 3 { criterion b "B" when true }
}
factor g "G" {
  level 5 { criterion a "A" when true }
}
""",
        levels={"f": 3, "g": 5}, overall=3, gaps={"f": [], "g": []},
    ),
    Case(
        "an empty block is reached vacuously",
        rules="""\
factor f "F" {
  level 2 { }
  level 3 { criterion b "B" when evidence.b }
  level 4 { }
}
""",
        doc=ev(b=True), levels={"f": 4}, gaps={"f": []},
    ),
    Case(
        "an empty block above a block not met is not reached",
        rules="""\
factor f "F" {
  level 2 { }
  level 3 { criterion b "B" when evidence.b }
  level 4 { }
}
""",
        doc=ev(b=False), levels={"f": 2}, gaps={"f": [("b", "not_met", set())]},
    ),
    Case(
        "an empty block as the next block is reached",
        rules="""\
factor f "F" {
  level 2 { criterion a "A" when true }
  level 3 { }
  level 5 { criterion c "C" when evidence.c }
}
""",
        doc=ev(c=False), levels={"f": 3}, gaps={"f": [("c", "not_met", set())]},
    ),
    Case(
        "a factor without blocks is at the floor",
        rules='factor f "F" { }\n',
        levels={"f": 1}, overall=1, gaps={"f": []},
    ),
    Case(
        "blocks need not start above the floor's neighbour",
        rules='factor f "F" { level 4 { criterion a "A" when evidence.a } }\n',
        doc=ev(a=False), levels={"f": 1}, gaps={"f": [("a", "not_met", set())]},
    ),
    Case(
        "factors in rule-file order, overall min by default",
        rules="""\
factor z "Z" { level 2 { criterion a "A" when true } }
factor a "A" { level 4 { criterion a "A" when true } }
factor m "M" { level 3 { criterion a "A" when true } }
""",
        levels={"z": 2, "a": 4, "m": 3}, overall=2,
    ),
    Case(
        "factors in rule-file order across includes, lets visible across files",
        rules="""\
factor first "First" { level 2 { criterion c "C" when from_b > 0 } }
include "b.rules"
factor last "Last" { level 3 { criterion c "C" when top_let == 1 } }
include "b.rules"
let top_let = 1
""",
        files={
            "b.rules": 'let from_b = evidence.n\ninclude "c.rules"\n'
            'factor b "B" { level 4 { criterion c "C" when top_let == 1 and from_c } }\n',
            "c.rules": 'factor c "C" { level 5 { criterion c "C" when true } }\n'
            "let from_c = true\n",
        },
        doc=ev(n=1),
        levels={"first": 2, "c": 5, "b": 4, "last": 3}, overall=2,
    ),
    Case("no factors: overall is the floor", rules="let x = 1\n", levels={}, overall=1),
    Case(
        "no factors, levels 0 2 5",
        rules='ruleset "T"\nlevels { 0 "Null" 2 "To" 5 "Fem" }\noverall mean\n',
        levels={}, overall=0,
    ),
    # overall mean and weighted
    *(
        Case(
            f"overall {mode}: {name}",
            rules=(
                f'ruleset "T"\noverall {mode}\nlevels {{ {levels_decl} }}\n'
                + "".join(
                    f'factor f{i} "F{i}"{weight} {{ '
                    + (f'level {level} {{ criterion c "C" when true }} ' if level != floor else "")
                    + "}\n"
                    for i, (level, weight) in enumerate(factors)
                )
            ),
            levels={f"f{i}": level for i, (level, _) in enumerate(factors)},
            overall=expected,
        )
        for mode, name, levels_decl, floor, factors, expected in [
            ("min", "lowest", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(4, ""), (2, ""), (5, "")], 2),
            ("mean", "2.5 rounds down", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(2, ""), (3, "")], 2),
            ("mean", "10/3 rounds down", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(3, ""), (3, ""), (4, "")], 3),
            ("mean", "exact", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1, [(2, ""), (4, "")], 3),
            ("mean", "just below a level", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(5, ""), (5, ""), (5, ""), (5, ""), (5, ""), (5, ""), (4, "")], 4),
            ("mean", "weights ignored", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(5, " weight 10"), (1, "")], 3),
            ("weighted", "exact", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(4, " weight 2"), (1, "")], 3),
            ("weighted", "rounds down", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(4, " weight 1.5"), (2, " weight 0.5")], 3),
            ("weighted", "decimal weights are exact rationals", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"',
             1, [(5, " weight 0.1"), (2, " weight 0.2")], 3),
            ("weighted", "default weight 1", '1 "a" 2 "b" 3 "c" 4 "d" 5 "e"', 1,
             [(5, " weight 3"), (1, "")], 4),
            ("mean", "levels 0 2 5: 3.5 -> 2", '0 "a" 2 "b" 5 "c"', 0, [(2, ""), (5, "")], 2),
            ("mean", "levels 0 2 5: 2.5 -> 2", '0 "a" 2 "b" 5 "c"', 0, [(0, ""), (5, "")], 2),
            ("mean", "levels 0 2 5: 1 -> 0", '0 "a" 2 "b" 5 "c"', 0, [(0, ""), (2, "")], 0),
            ("mean", "levels 0 2 5: 5", '0 "a" 2 "b" 5 "c"', 0, [(5, ""), (5, "")], 5),
            ("weighted", "levels 0 2 5: 25/6 -> 2", '0 "a" 2 "b" 5 "c"', 0,
             [(5, " weight 5"), (0, " weight 1")], 2),
            ("min", "levels 0 2 5", '0 "a" 2 "b" 5 "c"', 0, [(5, ""), (2, "")], 2),
            ("mean", "levels 10 20 30: 25 -> 20", '10 "a" 20 "b" 30 "c"', 10,
             [(20, ""), (30, "")], 20),
        ]
    ),
]
# fmt: on
