"""Differential tests: random rule sets over a small evidence shape and random documents; the
engine (generated fast path), its exact evaluator and tests/reference.py must agree on every
status, missing path, factor level, gap and overall level.

The generator writes rule text the checker accepts (it keeps literal types apart where a
mismatch would be a static error) and documents full of the awkward: nulls, missing keys,
wrong types, decomposed Unicode, strings that are almost dates.
"""

from __future__ import annotations

import copy
import datetime
import functools
import json
import os
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import modenhet
from modenhet.engine.exactcore import Failure, Known

import reference
from conftest import RULES, SAMPLES

# ----------------------------------------------------------------------------------- documents

TEXTS = st.sampled_from(
    [
        "",
        "a",
        "b",
        "Z",
        "å",
        "a\u030a",
        "æ",
        "ø",
        "nav",
        "1",
        "x y",
        "2024-02-29",
        "2023-02-29",
        "2025-06-30",
        "2024-1-1",
        "2026-07-01",
        "2021",
        "2025-06",
        "\u212a",  # KELVIN SIGN: "K" in NFC
        "K",
    ]
)
SCALARS = st.one_of(
    st.integers(-3, 3),
    st.sampled_from([0.5, 0.1, 0.2, 0.3, 1.0, 2.5, -1.5, 10**20]),
    TEXTS,
    st.booleans(),
)
# Partial values (spec 9.2): numbers known to be at least N, dates known to the year or month
# (and strings that look like them but are not), lists known to hold at least these elements.
PARTIAL_NUMBERS = st.builds(
    lambda n: {"at_least": n}, st.one_of(st.integers(-2, 3), st.sampled_from([0.5, 2.5, 0.0]))
)
PARTIAL_DATES = st.sampled_from(
    ["2021", "2024-02", "2025-06", "2025", "2026-07", "2020", "2021-13", "0000", "2024-2"]
)
ELEMENTS = st.one_of(SCALARS, st.none(), PARTIAL_NUMBERS, PARTIAL_DATES)
OBJECTS = st.dictionaries(st.sampled_from(["v", "w", "a\u030a"]), ELEMENTS, max_size=3)
LISTS = st.lists(ELEMENTS, max_size=4)
PARTIAL_LISTS = st.builds(lambda items: {"at_least": items}, LISTS)
OBJECT_LISTS = st.lists(st.one_of(OBJECTS, st.none(), SCALARS), max_size=3)
PARTIAL_OBJECT_LISTS = st.builds(lambda items: {"at_least": items}, OBJECT_LISTS)
VALUES = st.one_of(SCALARS, st.none(), LISTS, OBJECTS, PARTIAL_NUMBERS, PARTIAL_LISTS)


@st.composite
def field(draw: Any, typical: Any) -> Any:
    """A value that is usually of its typical kind, sometimes null or of another kind."""
    return draw(st.one_of(typical, typical, typical, VALUES))


@st.composite
def documents(draw: Any) -> dict[str, Any]:
    shape = {
        "n": field(
            st.one_of(st.integers(-3, 3), st.sampled_from([0, 0.5, 0.1, 0.2]), PARTIAL_NUMBERS)
        ),
        "m": field(st.one_of(st.integers(-3, 3), st.sampled_from([0, 0.0, 0.3]), PARTIAL_NUMBERS)),
        "s": field(TEXTS),
        "t": field(st.sampled_from(["a", "å", "a\u030a", "ø", "2025-06-30"])),
        "b": field(st.booleans()),
        "d": field(
            st.sampled_from(
                ["2024-02-29", "2025-06-30", "2020-07-01", "2026-07-01", "2023-02-30", "30.06.2025"]
            )
            | PARTIAL_DATES
        ),  # fmt: skip
        "l": field(st.one_of(LISTS, PARTIAL_LISTS)),
        "o": field(st.one_of(OBJECT_LISTS, PARTIAL_OBJECT_LISTS)),
        "x": VALUES,
        "a\u030a": field(st.booleans()),  # the rules write `e.å`
        "a-b": field(st.integers(0, 2)),
    }
    evidence = {k: draw(v) for k, v in shape.items() if draw(st.integers(0, 5)) > 0}
    doc: dict[str, Any] = {}
    if draw(st.integers(0, 9)) > 0:
        doc["e"] = evidence
    elif draw(st.booleans()):
        doc["e"] = draw(VALUES)
    if draw(st.booleans()):
        doc["x"] = draw(st.one_of(OBJECTS, VALUES))
    return doc


# ----------------------------------------------------------------------------------- rule text

# Lets every generated rule set has: an alias, a computed number, a let hiding the evidence
# root key `x`, a let with a quantifier, a list literal with paths, a date.
LETS = """\
let a = e
let k = e.n + e.m
let x = e.b
let q = any v in e.o: v.v == 1
let ll = [e.n, 1, "a", e.s]
let dd = as_of
"""
PATHS = ["e.n", "e.m", "e.s", "e.t", "e.b", "e.d", "e.l", "e.o", "e.x", "e.å", "e.`a-b`",
         "a.n", "a.s", "a.l", "a.o", "x", "`x`", "`x`.v", "k", "q", "e.x.v", "e"]  # fmt: skip
NUMBER_PATHS = ["e.n", "e.m", "a.n", "k", "e.x", "e.`a-b`", "`x`.v", "e.s"]
STRING_PATHS = ["e.s", "e.t", "a.s", "e.d", "e.x", "e.n"]
DATE_PATHS = ["e.d", "e.s", "e.t", "e.x"]
BOOL_PATHS = ["e.b", "x", "q", "e.å", "e.x", "e.n", "`x`"]
LIST_PATHS = ["e.l", "e.o", "a.l", "e.x", "e.s", "ll"]
NUMBERS = ["0", "1", "2", "-1", "0.5", "0.1", "0.3", "1_000", "2.5"]
STRINGS = ['""', '"a"', '"å"', '"a\u030a"', '"ø"', '"æ"', '"Z"', '"nav"', '"1"',
           '"2025-06-30"', '"a\\"b"', '"x\\ny"', '"K"']  # fmt: skip
DATE_STRINGS = ['"2025-06-30"', '"2024-02-29"', '"2020-07-01"']
DATES = ["2024-02-29", "2025-06-30", "2020-07-01", "2026-07-01", "as_of", "dd"]

Scope = tuple[str, ...]  # quantifier variables in scope that may be read as objects


def pick(draw: Any, options: list[str]) -> str:
    return draw(st.sampled_from(options))  # type: ignore[no-any-return]


def variable_paths(scope: Scope) -> list[str]:
    return [p for v in scope for p in (v, f"{v}.v", f"{v}.w", f"{v}.å")]


def number(draw: Any, depth: int, scope: Scope) -> str:
    choice = draw(st.integers(0, 9 if depth > 0 else 2))
    if choice == 0:
        return pick(draw, NUMBERS)
    if choice in (1, 2):
        return pick(draw, NUMBER_PATHS + variable_paths(scope))
    if choice in (3, 4):
        op = pick(draw, ["+", "-", "*", "/"])
        left, right = number(draw, depth - 1, scope), number(draw, depth - 1, scope)
        if op == "/" and right in ("0", "-0"):
            right = "2"  # a literal zero divisor is a static error
        return f"({left} {op} {right})"
    if choice == 5:
        return f"-{number(draw, depth - 1, scope)}"
    if choice in (6, 7):
        function = pick(draw, ["count", "sum", "min", "max"])
        return f"{function}({a_list(draw, depth - 1, scope, constant=True)})"
    function = pick(draw, ["days_since", "years_since", "year"])
    return f"{function}({date(draw, depth - 1, scope)})"


def string(draw: Any, depth: int, scope: Scope) -> str:
    if draw(st.booleans()):
        return pick(draw, STRINGS)
    return pick(draw, STRING_PATHS + variable_paths(scope))


def date(draw: Any, depth: int, scope: Scope) -> str:
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return pick(draw, DATES)
    if choice == 1:
        return pick(draw, DATE_STRINGS)
    return pick(draw, DATE_PATHS + variable_paths(scope))


def a_list(draw: Any, depth: int, scope: Scope, *, constant: bool = False) -> str:
    """A list: a path, or a literal (of constants where the engine treats a literal with an
    unknown item as unknown as a whole, which the spec leaves open: see the report)."""
    if draw(st.booleans()):
        return pick(draw, LIST_PATHS + variable_paths(scope))
    size = draw(st.integers(0, 3))
    pool = [*NUMBERS[:4], *STRINGS[:6], *DATES[:2], "true"]
    if not constant:
        pool += PATHS[:8] + variable_paths(scope)
    return "[" + ", ".join(pick(draw, pool) for _ in range(size)) + "]"


def equality_operand(draw: Any, depth: int, scope: Scope) -> str:
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return number(draw, depth, scope)
    if kind == 1:
        return string(draw, depth, scope)
    if kind == 2:
        return pick(draw, DATES[:-1] + DATE_PATHS)  # no as_of: see `condition`
    if kind == 3:
        return pick(draw, PATHS + variable_paths(scope))
    return a_list(draw, depth, scope, constant=True)


def condition(draw: Any, depth: int, scope: Scope) -> str:  # noqa: C901
    choice = draw(st.integers(0, 13 if depth > 0 else 1))
    if choice == 0:
        return pick(draw, BOOL_PATHS + variable_paths(scope) + ["true", "false"])
    if choice == 1:
        family = draw(st.integers(0, 2))
        op = pick(draw, ["<", "<=", ">", ">=", "==", "!="])
        side = (number, string, date)[family]
        return f"{side(draw, depth - 1, scope)} {op} {side(draw, depth - 1, scope)}"
    if choice == 2:
        left = equality_operand(draw, depth - 1, scope)
        right = equality_operand(draw, depth - 1, scope)
        if left in DATES and right.startswith('"') or right in DATES and left.startswith('"'):
            right = right if right in DATES else pick(draw, DATE_STRINGS)
            left = left if left in DATES else pick(draw, DATE_STRINGS)
        return f"{left} {pick(draw, ['==', '!='])} {right}"
    if choice in (3, 4):
        word = pick(draw, ["and", "or"])
        count = draw(st.integers(2, 3))
        parts = [condition(draw, depth - 1, scope) for _ in range(count)]
        return "(" + f" {word} ".join(f"({p})" for p in parts) + ")"
    if choice == 5:
        return f"not ({condition(draw, depth - 1, scope)})"
    if choice in (6, 7):
        item = equality_operand(draw, depth - 1, scope)
        if item in DATES:  # a date item makes the checker read literal strings as dates
            item = pick(draw, DATE_PATHS)
        negated = " not" if draw(st.booleans()) else ""
        return f"{item}{negated} in {a_list(draw, depth - 1, scope)}"
    if choice in (8, 9):
        kind = pick(draw, ["any", "all"])
        literal = draw(st.integers(0, 3)) == 0
        if literal:  # elements that are not objects: the body reads no keys of the variable
            variable = pick(draw, ["v", "w"])
            collection = a_list(draw, depth - 1, scope, constant=True)
            if not collection.startswith("["):
                collection = "[" + collection + "]"
            inner = tuple(v for v in scope if v != variable)
            body = quantifier_body(draw, depth - 1, inner, variable)
            items = collection[1:-1].split(", ") if collection != "[]" else []
            if body == variable:  # the checker wants a body that may be a boolean
                items.append("true")
            if items and all(item in DATES for item in items):
                items.append("1")  # dates only: the checker would read the body's strings as dates
            collection = "[" + ", ".join(items) + "]"
        else:
            variable = pick(draw, ["v", "w", "k", "e"])  # k hides a let, e the evidence root
            collection = pick(draw, ["e.o", "e.l", "a.o", "e.x"] + variable_paths(scope))
            body_scope = (*tuple(v for v in scope if v != variable), variable)
            body = condition(draw, depth - 1, body_scope)
        return f"({kind} {variable} in {collection}: {body})"
    if choice == 10:
        root = pick(draw, ["e", "a", "k", "x", "`x`", "q", "ll", "dd", *scope])
        keys = "".join(f".{pick(draw, ['v', 'n', 'o', 'å', '`a-b`'])}"
                       for _ in range(draw(st.integers(0 if root != "e" else 1, 2))))  # fmt: skip
        if root in ("k", "q", "ll", "dd") and keys:
            keys = ""  # the checker knows these lets are not objects
        return f"exists({root}{keys})"
    if choice == 11:
        function = pick(draw, ["contains_all", "contains_any"])
        first = a_list(draw, depth - 1, scope, constant=True)
        second = a_list(draw, depth - 1, scope, constant=True)
        return f"{function}({first}, {second})"
    if choice == 12:
        op = pick(draw, ["<", ">=", "==", "!="])
        return f"{number(draw, depth - 1, scope)} {op} {number(draw, depth - 1, scope)}"
    return f"{date(draw, depth - 1, scope)} {pick(draw, ['<', '>=', '=='])} {pick(draw, DATES)}"


def quantifier_body(draw: Any, depth: int, scope: Scope, variable: str) -> str:
    """A body over elements that are not objects: the variable itself, compared or tested."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return variable
    if choice == 1:
        return f"{variable} {pick(draw, ['==', '!='])} {pick(draw, NUMBERS + STRINGS[:5])}"
    if choice == 2:
        return f"{variable} in {a_list(draw, depth, scope, constant=True)}"
    return f"({variable} == 1 or {condition(draw, max(depth, 0), scope)})"


LEVEL_SETS = [(1, 2, 3, 4, 5), (0, 2, 5), (1, 3), (10, 20, 30)]


@st.composite
def rule_sets(draw: Any) -> str:
    levels = draw(st.sampled_from(LEVEL_SETS))
    mode = pick(draw, ["min", "mean", "weighted"])
    lines = ['ruleset "Differential"', f"overall {mode}", "levels {"]
    lines += [f'  {level} "L{level}"' for level in levels]
    lines += ["}", LETS]
    for f in range(draw(st.integers(0, 3))):
        weight = pick(draw, ["", " weight 2", " weight 0.5", " weight 1.5"])
        lines.append(f'factor f{f} "Factor {f}"{weight} {{')
        blocks = sorted(draw(st.sets(st.sampled_from(levels[1:]), max_size=len(levels) - 1)))
        for number_ in blocks:
            lines.append(f"  level {number_} {{")
            for c in range(draw(st.integers(0, 3))):
                cid = f"l{number_}c{c}"
                lines.append(f'    criterion {cid} "{cid}" when {condition(draw, 3, ())}')
            lines.append("  }")
        lines.append("}")
    return "\n".join(lines) + "\n"


AS_OFS = st.sampled_from([datetime.date(2025, 6, 30), datetime.date(2024, 2, 29),
                          datetime.date(2025, 2, 28), datetime.date(2028, 2, 28)])  # fmt: skip


# ----------------------------------------------------------------------------------- the test


def exact_status(result: Any) -> str:
    if isinstance(result, Known):
        return ("met" if result.value else "not_met") if result.value.__class__ is bool else "error"
    return "error" if isinstance(result, Failure) else "unknown"


FAST = {True: "met", False: "not_met", None: "unknown", "error": "error"}


def compare(rs: modenhet.RuleSet, doc: dict[str, Any], as_of: datetime.date) -> None:
    model = rs.model
    result = rs.evaluate(doc, as_of=as_of)
    ref = reference.evaluate(model, doc, as_of)
    frame = rs.exact.frame(doc, as_of)
    fast, _, _, fallback, bad = rs._fast(doc, as_of)
    for factor in model.factors:
        got = result.factors[factor.id]
        for definition, criterion in zip(factor.criteria, got.criteria, strict=True):
            index = definition.index
            where = f"{factor.id}.{definition.id}: {definition.when.span.text()}"
            exact = exact_status(rs.exact.criteria[index](frame))
            assert criterion.status == ref.statuses[index], where
            assert exact == ref.statuses[index], f"exact evaluator: {where}"
            if not bad and index not in fallback:
                assert FAST[fast[index]] == exact, f"fast path: {where}"
            assert set(criterion.missing) == ref.missing[index], where
            if criterion.status == "error":
                assert (criterion.message or "").startswith(f"{factor.id}.{definition.id}: ")
        assert got.level == ref.levels[factor.id], factor.id
        gap = [(c.id, c.status, frozenset(c.missing)) for c in got.gap]
        assert gap == ref.gaps[factor.id], factor.id
        assert got.decided == ref.decided[factor.id], factor.id
    assert list(result.factors) == list(ref.levels)
    assert result.overall == ref.overall
    assert result.decided == (
        sum(d for d, _ in ref.decided.values()),
        sum(t for _, t in ref.decided.values()),
    )
    # The bounds, from a fresh evaluation (read before anything else of it).
    fresh = rs.evaluate(doc, as_of=as_of)
    assert {f.id: f.level_max for f in fresh.factors.values()} == ref.levels_max
    assert fresh.overall_max == ref.overall_max


# MODENHET_DIFFERENTIAL_EXAMPLES=5000 for a longer hunt; the default keeps the file quick.
EXAMPLES = int(os.environ.get("MODENHET_DIFFERENTIAL_EXAMPLES", "400"))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rule_sets(), docs=st.lists(documents(), min_size=1, max_size=4), as_of=AS_OFS)
def test_engine_exact_and_reference_agree(
    rules: str, docs: list[dict[str, Any]], as_of: datetime.date, tmp_path_factory: Any
) -> None:
    path = tmp_path_factory.mktemp("differential") / "generated.rules"
    path.write_text(rules, encoding="utf-8")
    rs = modenhet.load_ruleset(path)
    for doc in docs:
        compare(rs, doc, as_of)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a JSON value (object keys and list indices), the value's own first."""
    out = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _leaves(item, (*path, index))
    return out


def _same_kind(draw: Any, value: Any) -> Any:
    """Another value of the JSON kind of `value` (so the schema's types still hold)."""
    if isinstance(value, bool):
        return draw(st.booleans())
    if isinstance(value, int | float):
        number = draw(st.one_of(st.integers(-2, 40), st.sampled_from([0.5, 2.5, 1e6])))
        return {"at_least": number} if draw(st.booleans()) else number  # a partial number
    if isinstance(value, str):
        return draw(st.one_of(TEXTS, st.just(value), PARTIAL_DATES))
    if isinstance(value, list):
        part = value[: draw(st.integers(0, len(value)))]
        return {"at_least": part} if draw(st.booleans()) else part  # a partial list
    return value


@st.composite
def mutated_samples(draw: Any, *, keep_kinds: bool) -> dict[str, Any]:
    """A sample document with a few values deleted, nulled or replaced: by a value of the same
    JSON kind, or (unless `keep_kinds`) by anything at all."""
    doc = copy.deepcopy(_samples()[draw(st.integers(0, len(_samples()) - 1))])
    for _ in range(draw(st.integers(0, 6))):
        paths = _leaves(doc)[1:]
        if not paths:
            break
        path = paths[draw(st.integers(0, len(paths) - 1))]
        parent = doc
        for segment in path[:-1]:
            parent = parent[segment]
        action = draw(st.integers(0, 3))
        if action == 0 and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == 1:
            parent[path[-1]] = None
        elif action == 2 or keep_kinds:
            parent[path[-1]] = _same_kind(draw, parent[path[-1]])
        else:
            parent[path[-1]] = draw(VALUES)
    return doc


@functools.cache
def _samples() -> list[dict[str, Any]]:
    paths = sorted(SAMPLES.glob("*.json")) + sorted(SAMPLES.glob("partial/*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


@functools.cache
def _default_rules() -> modenhet.RuleSet:
    return modenhet.load_ruleset(RULES)


@settings(max_examples=EXAMPLES, deadline=None)
@given(doc=mutated_samples(keep_kinds=True), as_of=AS_OFS)
def test_default_rules_agree_with_reference(doc: dict[str, Any], as_of: datetime.date) -> None:
    """The shipped rule set over the samples with values taken away or changed."""
    compare(_default_rules(), doc, as_of)


@settings(max_examples=EXAMPLES, deadline=None)
@given(doc=mutated_samples(keep_kinds=False), as_of=AS_OFS)
def test_default_rules_on_evidence_that_breaks_the_schema(
    doc: dict[str, Any], as_of: datetime.date
) -> None:
    """`evaluate` does not validate: evidence of the wrong kinds still gets section 5 (the fast
    path once trusted the schema's boolean types here)."""
    compare(_default_rules(), doc, as_of)
