"""Indented JSON text, byte for byte `json.dumps(value, ensure_ascii=False, indent=2)`, made
by orjson when it is installed (the `fast` extra) and gives the same text, else by `json`.

The JSON report is mostly this text (about three quarters of a batch run's time went to the
json module's pure-Python indenting encoder, docs/performance.md). orjson writes the same text
for what a report holds — dicts with string keys, lists, strings, integers, booleans and null —
(`tests/test_jsontext.py` proves it over the samples' reports and hostile strings); for anything
where it would differ or refuses (a float, whose exponent orjson writes differently; an integer
beyond 64 bits; a lone surrogate; a non-string key; nesting past orjson's depth) the json module
writes it. Unindented text (JSONL) stays with the json module, whose separators orjson lacks.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _json_indented(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _encoder() -> tuple[Callable[[Any], str], str]:
    try:
        import orjson
    except ImportError:  # the optional extra is not installed: the json module
        return _json_indented, "json"
    dumps, indent = orjson.dumps, orjson.OPT_INDENT_2

    def indented(value: Any) -> str:
        if _has_float(value):
            return _json_indented(value)
        try:
            return dumps(value, option=indent).decode()
        except TypeError:  # orjson.JSONEncodeError: big int, surrogate, non-str key, depth
            return _json_indented(value)

    return indented, "orjson"


def _has_float(value: Any) -> bool:
    """Whether a float (or anything but the report's plain types) is anywhere in `value`."""
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        item = pop()
        cls = item.__class__
        if cls is dict:
            push(item.values())
        elif cls is list:
            push(item)
        elif cls is not str and cls is not int and cls is not bool and item is not None:
            return True
    return False


indented, ENCODER = _encoder()
"""`indented(value)`: the text of `json.dumps(value, ensure_ascii=False, indent=2)`;
`ENCODER`: which module makes it ("orjson" or "json")."""
