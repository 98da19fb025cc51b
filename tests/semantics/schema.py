"""Spec 5 and 7 with a schema: `evaluate` does not validate, so evidence that breaks the schema
still gets the semantics of section 5 (a non-boolean condition is an error, never a crash).

The fast path once trusted the schema's boolean type: 1 was met, 0 not met, and a string, list
or decimal crashed `evaluate`."""

import json

from semantics.case import Case, ev

SCHEMA = json.dumps(
    {
        "type": "object",
        "properties": {
            "evidence": {
                "type": "object",
                "properties": {
                    "b": {"type": "boolean"},
                    "n": {"type": "number"},
                    "s": {"type": "string"},
                    "orgs": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"ok": {"type": "boolean"}}},
                    },
                },
            },
        },
    }
)

RULES = """\
ruleset "Schema"
schema "evidence.schema.json"
levels { 1 "Ein" 2 "To" }
let x = evidence.b
factor f "F" {
  level 2 {
    criterion c "Condition" when evidence.b
    criterion n "Not" when not evidence.b
    criterion l "Let" when x
    criterion q "Quantifier" when any o in evidence.orgs: not o.ok
    criterion a "And" when evidence.b and true
  }
}
"""

FILES = {"evidence.schema.json": SCHEMA}
ALL_ERROR = {f"f.{c}": "error" for c in "cnlqa"}
# fmt: off
CASES = [
    Case("valid evidence", rules=RULES, files=FILES, doc=ev(b=True, orgs=[{"ok": False}]),
         criteria={"f.c": "met", "f.n": "not_met", "f.l": "met", "f.q": "met", "f.a": "met"},
         levels={"f": 1}),
    Case("valid evidence, missing", rules=RULES, files=FILES, doc=ev(orgs=[{}]),
         criteria={"f.c": ("unknown", {"evidence.b"}), "f.n": ("unknown", {"evidence.b"}),
                   "f.l": ("unknown", {"evidence.b"}), "f.a": ("unknown", {"evidence.b"}),
                   "f.q": ("unknown", {"evidence.orgs[0].ok"})},
         levels={"f": 1}),
    Case("a number where the schema says boolean: 1", rules=RULES, files=FILES,
         doc=ev(b=1, orgs=[{"ok": 1}]), criteria=ALL_ERROR, levels={"f": 1}),
    Case("a number where the schema says boolean: 0", rules=RULES, files=FILES,
         doc=ev(b=0, orgs=[{"ok": 0}]), criteria=ALL_ERROR, levels={"f": 1}),
    Case("a list where the schema says boolean", rules=RULES, files=FILES,
         doc=ev(b=[True], orgs=[{"ok": [True]}]), criteria=ALL_ERROR, levels={"f": 1}),
    Case("a string where the schema says boolean", rules=RULES, files=FILES,
         doc=ev(b="true", orgs=[{"ok": "true"}]), criteria=ALL_ERROR, levels={"f": 1}),
    Case("a decimal where the schema says boolean", rules=RULES, files=FILES,
         doc=ev(b=0.5, orgs=[{"ok": 0.5}]), criteria=ALL_ERROR, levels={"f": 1}),
    Case("a string where the schema says number",
         rules=RULES.replace("evidence.b and", "evidence.n > 1 and"), files=FILES,
         doc=ev(b=True, n="2", orgs=[]),
         criteria={"f.c": "met", "f.n": "not_met", "f.a": "error"}),
]
# fmt: on
