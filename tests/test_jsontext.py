"""The JSON report's indented text is `json.dumps(value, ensure_ascii=False, indent=2)` byte
for byte, whether orjson writes it (when installed) or the json module (the fallback)."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import modenhet
from modenhet.cli import main
from modenhet.evidence.reader import EvidenceItem
from modenhet.report import jsontext
from modenhet.run.outcome import Outcome, record

from conftest import AS_OF, RULES, SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.json"))

# Every kind of character a report can quote from a document or a rule file.
HOSTILE = [
    "".join(chr(c) for c in range(0x20)),
    '"\\/\x7f\x80\x9f\xa0\xad',
    "\u2028\u2029\u200b\u200e\u200f\u202a\u202e\u2066\u2069\ufeff\ufffd\uffff",
    "\x1b[31mraudt\x1b[0m \x1b]8;;https://x\x07lenkje\x1b]8;;\x07\r\x08\t\n",
    "<script>alert(1)</script> ![img](http://x) & é å Ø ß 𝔘 😀 \U0010ffff",
    "Bø i Telemark",
    "Åfjord",
    "Unjárga – Nesseby",
    "",
    "".join(chr(c) for c in range(0x80, 0x3000, 7)),
    "".join(chr(c) for c in range(0xE000, 0x110000, 997)),
]


@functools.cache
def _ruleset() -> modenhet.RuleSet:
    return modenhet.load_ruleset(RULES)


def _encoders() -> list[tuple[str, Callable[[Any], str]]]:
    encoders = [("json", jsontext._json_indented)]
    if jsontext.ENCODER == "orjson":
        encoders.append(("orjson", jsontext.indented))
    return encoders


def _same(value: Any) -> None:
    expected = json.dumps(value, ensure_ascii=False, indent=2)
    for name, encode in _encoders():
        assert encode(value) == expected, name
    assert jsontext.indented(value) == expected


def test_orjson_is_used_when_installed() -> None:
    try:
        import orjson  # noqa: F401
    except ImportError:
        assert jsontext.ENCODER == "json"
    else:
        assert jsontext.ENCODER == "orjson"


def test_the_json_module_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "orjson", None)  # import orjson raises ImportError
    encode, name = jsontext._encoder()
    assert name == "json"
    assert encode({"a": [1, "ø\n"]}) == json.dumps({"a": [1, "ø\n"]}, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_each_samples_record_is_the_same_text(path: Path) -> None:
    ruleset = _ruleset()
    document = json.loads(path.read_text(encoding="utf-8"))
    item = EvidenceItem(path.name, "0" * 64, document)
    _same(record(Outcome(item, ruleset.evaluate(document, AS_OF), [])))
    # A document in error keeps its municipality, whatever it holds (floats too).
    broken = {**document, "municipality": {"name": HOSTILE[0], "number": 4601.0}}
    _same(record(Outcome(EvidenceItem(path.name, "0" * 64, broken), None, [])))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_strings_are_the_same_text(text: str) -> None:
    _same(text)
    _same({text: [text, {text: text}], "municipality": {"name": text, "number": text}})


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": []},
        [[[]]],
        None,
        True,
        False,
        0,
        -1,
        2**63 - 1,
        2**64 - 1,
        2**64,
        -(2**63),
        -(2**64),
        10**40,  # beyond 64 bits orjson refuses: the json module
        1.5,
        0.1,
        1e16,
        1e-7,
        -0.0,
        1e300,
        [1.0, {"x": 2.5e-5}],  # floats: the json module
        {"\ud800": "lone surrogate"},
        ["\udfff"],
        {1: "an int key"},
        {True: 1, None: 2},
        json.loads("[" * 300 + "]" * 300),  # deeper than orjson goes
    ],
    ids=repr,
)
def test_what_orjson_would_write_otherwise_goes_to_json(value: Any) -> None:
    _same(value)


def test_the_evaluate_report_is_the_same_bytes_with_either_encoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import modenhet.report.json_report as json_report

    def report(encode: Callable[[Any], str], name: str) -> bytes:
        monkeypatch.setattr(json_report, "indented", encode)
        out = tmp_path / f"{name}.json"
        args = ["evaluate", *map(str, SAMPLE_FILES), "-f", "json", "-o", str(out)]
        args += ["--as-of", AS_OF.isoformat()]
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1, 2), result.output
        return out.read_bytes()

    reports = {name: report(encode, name) for name, encode in _encoders()}
    assert len(set(reports.values())) == 1
    assert b'"results": [' in reports["json"]
