"""Hostile rule files and evidence: what someone could try, and the protection that stops it.

Each test names, in its docstring or a comment, the protection it guards; each fails if that
protection is removed (docs/security.md lists them). Nothing here touches the network or the
file system outside the temporary folder of the test.

Covered elsewhere and not repeated: rule text never becoming code in the generated fast path
(test_codegen_safety.py), `..`, absolute and symlinked includes (test_includes.py), deep
parentheses, the size, depth, list and step limits (test_limits.py), evidence text in the HTML
report (test_html_report.py).
"""

from __future__ import annotations

import csv
import datetime
import html
import http.server
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import modenhet
from modenhet.cli import main
from modenhet.evidence.reader import evidence_item, parse_document

from conftest import AS_OF, HEADER, SAMPLES

DUNDERS = ("__class__", "__globals__", "__import__", "__builtins__", "__dict__", "__init__")


def cli(*args: str, stdin: bytes | None = None) -> Any:
    result = CliRunner().invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert "Traceback" not in result.output
    return result


def real(
    *args: str, timeout: float = 60, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`modenhet ARGS` in a subprocess, so that a hang is a failed test and not a stuck run."""
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=env,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return done


def one_criterion(ruleset_from: Callable[..., modenhet.RuleSet], condition: str) -> Any:
    return ruleset_from(f'factor f "F" {{ level 2 {{ criterion c "C" when {condition} }} }}')


def status(ruleset: modenhet.RuleSet, doc: dict[str, Any]) -> Any:
    return ruleset.evaluate(doc, as_of=AS_OF).factors["f"].criteria[0]


# ----------------------------------------------------------------- Python attributes


@pytest.mark.parametrize("key", DUNDERS)
def test_dunder_keys_read_the_document_never_python_attributes(
    ruleset_from: Callable[..., modenhet.RuleSet], key: str
) -> None:
    """Protection: a path reads dictionary keys (`dict.get`), never `getattr`. Were it to use
    attributes, `x.__class__` of an object would be `dict` — known, not missing."""
    plain = one_criterion(ruleset_from, f"exists(x.{key}) and x.`{key}` == 1")
    assert status(plain, {"x": {key: 1}}).status == "met"
    absent = status(plain, {"x": {}})
    assert absent.status == "not_met"  # exists() is false: nothing was found on the object
    unknown = one_criterion(ruleset_from, f"x.{key} == 1")
    criterion = status(unknown, {"x": {}})
    assert (criterion.status, criterion.missing) == ("unknown", [f"x.{key}"])
    # A quantifier's variable is read the same way, and so is a back-ticked first segment.
    quantified = one_criterion(ruleset_from, f"any o in x.l: o.{key} == 1 or `{key}`.y")
    assert status(quantified, {"x": {"l": [{}, {key: 1}]}}).status == "met"
    assert status(quantified, {"x": {"l": [{}]}, key: {"y": False}}).status == "unknown"


def test_a_dunder_as_let_name_or_function_is_only_a_name(
    ruleset_from: Callable[..., modenhet.RuleSet], write_rules: Callable[..., Path]
) -> None:
    """Protection: functions come from a fixed table (builtins.py), not from Python's names."""
    ruleset = ruleset_from(
        'let __import__ = x.a\nfactor f "F" { level 2 { criterion c "C" when __import__ } }'
    )
    assert status(ruleset, {"x": {"a": True}}).status == "met"
    for call in ("__import__(x.a)", "eval(x.a)", "getattr(x, x.a)", "open(x.a)", "exec(x.a)"):
        path = write_rules(HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when {call} }} }}')
        with pytest.raises(modenhet.RuleError) as caught:
            modenhet.load_ruleset(path)
        (diagnostic,) = caught.value.errors
        assert diagnostic.code == "M401" and "unknown function" in diagnostic.message


KEYS = ["a'b", 'a"b', "'" * 3, '"' * 3, "a\\b", "\\", "{0}", "%(x)s", "\x00", "\u2028", "a\nb"]


@pytest.mark.parametrize("key", KEYS, ids=[repr(k) for k in KEYS])
def test_evidence_keys_with_quotes_newlines_and_backslashes(
    ruleset_from: Callable[..., modenhet.RuleSet], key: str
) -> None:
    """Protection: keys reach the generated code only as `repr()` constants (a key pasted
    into code would end its string at the quote), and missing paths render them back-ticked.
    A key with a newline cannot be written in a rule (no back-tick holds one), but the
    evidence may hold it: a quantifier still walks past it."""
    if "\n" not in key:
        ruleset = one_criterion(ruleset_from, f"exists(x.`{key}`) and x.`{key}` == `{key}`")
        assert status(ruleset, {"x": {key: "v"}, key: "v"}).status == "met"
        assert status(ruleset, {"x": {key: "v"}, key: "w"}).status == "not_met"
        missing = status(one_criterion(ruleset_from, f"x.`{key}`"), {"x": {}})
        assert (missing.status, missing.missing) == ("unknown", [f"x.`{key}`"])
    ruleset = one_criterion(ruleset_from, "all o in x.l: o.k")
    assert status(ruleset, {"x": {"l": [{key: 1, "k": True}]}}).status == "met"


def test_evidence_keys_with_quotes_travel_through_every_report(tmp_path: Path) -> None:
    """Protection: reports are written by serialisers (json, csv) and an autoescaping
    template, never by pasting text into code or markup."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["evidence"]["economy"]["'''\"\\\n{0}"] = "x"  # an unknown key: a schema violation
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for format_ in ("json", "jsonl", "csv", "markdown", "html", "table"):
        result = cli("evaluate", str(path), "--as-of", "2025-06-30", "-f", format_)
        assert result.exit_code == 1, (format_, result.output)
    report = json.loads(cli("evaluate", str(path), "--as-of", "2025-06-30", "-f", "json").stdout)
    (error,) = report["results"][0]["error"]
    assert error["pointer"] == "/evidence/economy/'''\"\\\n{0}"


# --------------------------------------------------------------- rule text shaped like code

CODE_LIKE = [
    "{{ 7*7 }}",
    "{% for x in range(3) %}x{% endfor %}",
    "{0.__class__.__mro__}",
    "%(name)s %s",
    "${7*7}",
    "<script>alert(1)</script>",
    "</textarea><img src=x onerror=alert(2)>",
    "\"; __import__('os').system('x'); \"",
]


def hostile_rules(text: str) -> str:
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'ruleset "{quoted}" version "{quoted}"\n'
        f'levels {{ 1 "{quoted}" 2 "{quoted} 2" 3 "{quoted} 3" }}\n'
        f'factor f "{quoted}" {{\n'
        f'  level 2 {{ criterion c "{quoted}" when x.a == "{quoted}" '
        f'advice "{quoted}" ref "{quoted}" }}\n'
        f'  level 3 {{ criterion d "{quoted}" when x.b advice "{quoted}" ref "{quoted}" }}\n'
        "}\n"
    )


@pytest.mark.parametrize("text", CODE_LIKE)
def test_code_like_rule_text_is_shown_as_written(
    tmp_path: Path, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Protection: titles, labels, advice and refs are data to every reporter: the HTML
    template autoescapes them and never renders them as a template (`{{ 7*7 }}` stays text,
    not 49); the gettext words are formatted with `%` on their own text, never on rule text."""
    calls: list[str] = []
    monkeypatch.setattr(os, "system", lambda command: calls.append(command) or 0)
    rules = tmp_path / "r.rules"
    rules.write_text(hostile_rules(text), encoding="utf-8")
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"x": {"a": text}}), encoding="utf-8")
    outputs = {}
    for format_ in ("table", "json", "jsonl", "csv", "markdown", "html"):
        result = cli(
            "evaluate", str(doc), "-r", str(rules), "--as-of", "2025-06-30", "-f", format_,
            "--lang", "en",
        )  # fmt: skip
        assert result.exit_code == 0, (format_, result.output)
        outputs[format_] = result.stdout
    report = json.loads(outputs["json"])
    assert (report["ruleset"]["name"], report["ruleset"]["version"]) == (text, text)
    factor = report["results"][0]["factors"]["f"]
    assert factor["title"] == text and factor["label"] == f"{text} 2"
    criterion = factor["criteria"][0]
    assert (criterion["title"], criterion["advice"], criterion["ref"]) == (text,) * 3
    assert criterion["status"] == "met"
    page = outputs["html"]
    assert text in html.unescape(page)  # shown as written: `{{ 7*7 }}` was not rendered
    if "<" in text:
        assert text not in page  # and never as markup
    markdown = html.unescape(re.sub(r"\\([\\`\[\]|])", r"\1", outputs["markdown"]))
    assert text in outputs["table"] and text in markdown  # escaped, and shown as written
    assert calls == []


# ------------------------------------------------------------------------ files and paths


def rules_naming(tmp_path: Path, statement: str) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    path = folder / "top.rules"
    path.write_text(HEADER + statement + "\n", encoding="utf-8")
    return path


def load_error(path: Path) -> str:
    with pytest.raises(modenhet.RuleError) as caught:
        modenhet.load_ruleset(path)
    (diagnostic,) = caught.value.errors
    assert diagnostic.line >= 1 and diagnostic.column >= 1
    return diagnostic.message


def test_an_include_with_a_nul_character(tmp_path: Path) -> None:
    """Regression (found by test_fuzz.py): `os.path.realpath` raised ValueError for a NUL in
    an include path, a traceback instead of an error at the include."""
    assert "NUL character" in load_error(rules_naming(tmp_path, 'include "a\x00b.rules"'))


def test_an_include_from_the_home_folder(tmp_path: Path) -> None:
    """Protection: `~` is refused like an absolute path (the shell would expand it)."""
    assert "is absolute" in load_error(rules_naming(tmp_path, 'include "~/.bashrc"'))


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_an_include_that_is_a_fifo_is_not_opened(tmp_path: Path) -> None:
    """Protection: an included file must be a regular file (loader.read_bounded). A FIFO
    unpacked with a rule set would otherwise block the run for ever (opening it waits for a
    writer): without the protection this subprocess times out."""
    path = rules_naming(tmp_path, 'include "pipe.rules"')
    os.mkfifo(path.parent / "pipe.rules")
    done = real("check", "--lang", "en", str(path), timeout=30)
    assert done.returncode == 1
    assert "is not a regular file" in done.stderr


def test_an_included_file_over_the_size_limit(tmp_path: Path) -> None:
    """Protection: the rule-file size limit applies to every included file, not only the top
    file (a huge include would fill the memory)."""
    path = rules_naming(tmp_path, 'include "big.rules"')
    (path.parent / "big.rules").write_text("# " + "x" * 5000 + "\n", encoding="utf-8")
    env = {**os.environ, "MODENHET_MAX_RULE_FILE_BYTES": "4000"}
    done = subprocess.run(
        [sys.executable, "-m", "modenhet", "check", "--lang", "en", str(path)],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert "more than 4000 bytes" in done.stderr
    assert "MODENHET_MAX_RULE_FILE_BYTES" in done.stderr


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("/dev/zero", "is not a regular file"),  # would read for ever
        ("nul\x00.json", "NUL character"),  # a ValueError from the file system before
        (".", "is a directory"),
    ],
)
def test_a_schema_path_that_is_not_a_regular_file(
    tmp_path: Path, written: str, expected: str
) -> None:
    """Protection: the schema is read like an include (regular file, size limit): a rule set
    naming `/dev/zero` as its schema would otherwise read until the memory is full."""
    folder = tmp_path / "rules"
    folder.mkdir()
    path = folder / "top.rules"
    path.write_text(f'ruleset "T"\nschema "{written}"\nlevels {{ 1 "a" }}\n', encoding="utf-8")
    done = real("check", "--lang", "en", str(path), timeout=30)
    assert done.returncode == 1, done.stderr
    assert expected in done.stderr


def schema_rules(tmp_path: Path, schema: Any, raw: str | None = None) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "schema.json").write_text(raw if raw is not None else json.dumps(schema), "utf-8")
    path = folder / "top.rules"
    path.write_text(
        'ruleset "T"\nschema "schema.json"\nlevels { 1 "a" 2 "b" }\n'
        'factor f "F" { level 2 { criterion c "C" when x.a } }\n',
        encoding="utf-8",
    )
    return path


def loop_schema(branches: int, levels: int = 16) -> dict[str, Any]:
    """Definition i names definition i+1 `branches` times: branches**levels schemas a value."""
    defs: dict[str, Any] = {
        f"d{i}": {"allOf": [{"$ref": f"#/$defs/d{i + 1}"}] * branches} for i in range(levels)
    }
    defs[f"d{levels}"] = {"type": "object", "properties": {"a": {"type": "boolean"}}}
    return {"$defs": defs, "type": "object", "properties": {"x": {"$ref": "#/$defs/d0"}}}


HOSTILE_SCHEMAS = {
    # each: the schema (or its raw text), and what `check` says
    "nested-too-deeply": (None, "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "huge-number": (None, '{"maximum": ' + "9" * 5000 + "}", "is not JSON"),
    "not-a-schema": ({"type": "nonsense"}, None, "not a valid JSON Schema"),
    "schema-keyword-not-a-string": ({"$schema": 5}, None, "'$schema' is not a string"),
    "ref-loop": ({"$ref": "#"}, None, "lead back to themselves"),
    "allof-loop": (
        {"$defs": {"a": {"allOf": [{"$ref": "#/$defs/a"}] * 4}}, "$ref": "#/$defs/a"},
        None,
        "lead back to themselves",
    ),
    "exponential": (loop_schema(4), None, "bring more than 10,000 schemas"),
}


@pytest.mark.parametrize("name", list(HOSTILE_SCHEMAS))
def test_a_hostile_schema_is_a_located_error(tmp_path: Path, name: str) -> None:
    """Protection: header.load_schema reads the schema with a depth and number guard and
    checks it (metaschema, `$schema`, loops and explosions of `$ref`/`allOf`) before anything
    validates with it. Without it, `check` crashed (RecursionError, AttributeError), never
    ended (an `allOf` cycle in the path lookup), or passed a schema that made validating each
    document crash or take hours (4**16 schemas per value)."""
    schema, raw, expected = HOSTILE_SCHEMAS[name]
    path = schema_rules(tmp_path, schema, raw)
    done = real("check", "--lang", "en", str(path), timeout=60)
    assert done.returncode == 1, done.stderr
    assert re.search(r"top\.rules:2:8: error: .*" + re.escape(expected), done.stderr)
    doc = tmp_path / "doc.json"
    doc.write_text('{"x": {"a": true}}', encoding="utf-8")
    done = real("evaluate", str(doc), "-r", str(path), timeout=60)
    assert done.returncode == 1 and expected in done.stderr
    if schema is not None:
        (tmp_path / "schema.json").write_text(json.dumps(schema), encoding="utf-8")
        schema_file = str(tmp_path / "schema.json")
        done = real("validate", str(doc), "--schema", schema_file, "--lang", "en", timeout=60)
        assert done.returncode == 2 and expected in done.stderr


def test_the_exponential_schema_really_is_slow_to_validate() -> None:
    """The counterpart of the test above: each level of the schema it refuses multiplies
    jsonschema's work by four, so sixteen levels would take hours for every document (the
    refusal is what keeps `evaluate` quick)."""
    from jsonschema import Draft202012Validator

    validator = Draft202012Validator(loop_schema(4, levels=7))  # 4**7 = 16,384 schemas
    started = time.perf_counter()
    validator.is_valid({"x": {"a": True}})
    assert (time.perf_counter() - started) * 4**9 > 600  # 4**16: more than ten minutes


def test_the_schema_path_lookup_stays_quick_on_a_refused_schema() -> None:
    """Protection: `SchemaIndex` (which `check` and the editor's completion use to resolve
    evidence paths) skips a `$ref` it is already expanding and expands at most 10,000
    schemas per lookup: the checker refuses these schemas, but the lookup must not hang
    on one before or without it."""
    from modenhet.check.schemapaths import SchemaIndex

    for schema in (HOSTILE_SCHEMAS["allof-loop"][0], loop_schema(4), {"$ref": "#"}):
        assert isinstance(schema, dict)
        index = SchemaIndex(schema)
        started = time.perf_counter()
        index.child(index.child(index.root(), "x"), "a")
        assert time.perf_counter() - started < 5


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        _Recorder.requests.append(self.path)
        body = b'{"type": "object"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/schema+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def web_server() -> Iterator[str]:
    """A web server on this machine that records every request: nothing may reach it."""
    _Recorder.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_schema_reference_to_a_url_fetches_nothing(tmp_path: Path, web_server: str) -> None:
    """Protection: schema references are resolved within the schema only (jsonschema's
    `referencing` retrieves nothing by default, and the fast path runs jsonschema-rs
    offline); an unresolvable one is an error of each document, not a traceback. A schema
    from an unknown rule set must not make the auditor's machine call a server (which would
    learn who runs it, when, and could serve a schema that changes the result)."""
    schema = {"type": "object", "properties": {"x": {"$ref": f"{web_server}/x.json"}}}
    path = schema_rules(tmp_path, schema)
    doc = tmp_path / "doc.json"
    doc.write_text('{"x": {"a": true}}', encoding="utf-8")
    assert real("check", str(path)).returncode == 0
    done = real("evaluate", str(doc), "-r", str(path), "-f", "json")
    assert done.returncode == 1
    (error,) = json.loads(done.stdout)["results"][0]["error"]
    assert "cannot be resolved" in error["message"] and "fetches nothing" in error["message"]
    schema_file = tmp_path / "rules" / "schema.json"
    done = real("validate", str(doc), "--schema", str(schema_file), "--lang", "en")
    assert done.returncode == 1 and "cannot be resolved" in done.stderr
    assert _Recorder.requests == []


# ------------------------------------------------------------------------------ numbers


def test_huge_integer_literals_in_rules(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    """Regression (found by test_fuzz.py): an integer literal beyond a float's range (400
    digits) made the code generator call `math.isfinite` on it: OverflowError. Integers are
    exact in the language, so it is a number like any other."""
    big = "9" * 400
    ruleset = one_criterion(ruleset_from, f"x.n < {big} and x.n * 2 > {big}")
    assert status(ruleset, {"x": {"n": 10**399 * 6}}).status == "met"
    assert status(ruleset, {"x": {"n": 1.5}}).status == "not_met"


def test_a_number_literal_too_large_for_the_parser(write_rules: Callable[..., Path]) -> None:
    """Protection: a whole number of more than 1,000 digits (Python converts at most 4,300,
    and sums of weights must stay below that) or a decimal beyond a double is reported (M109),
    not an exception."""
    for literal in ("9" * 5000, "9" * 1001, "9" * 400 + ".5"):
        path = write_rules(
            HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when x.n < {literal} }} }}'
        )
        assert "is too large" in load_error(path)
    path = write_rules(HEADER + 'factor f "F" { level 2 { criterion c "C" when x.n < 1e999 } }')
    with pytest.raises(modenhet.RuleError):  # no exponents in the language: a syntax error
        modenhet.load_ruleset(path)


@pytest.mark.parametrize(
    "data",
    [b'{"a": 1e999}', b'{"a": -1e999}', b'{"a": ' + b"1" * 4301 + b"}", b'{"a": NaN}'],
    ids=["1e999", "-1e999", "4301-digits", "NaN"],
)
def test_numbers_evidence_cannot_hold(data: bytes) -> None:
    """Protection: evidence.parse_text refuses NaN and infinities (1e999 is one in disguise)
    and integers Python will not convert, as located problems of the document."""
    item = evidence_item("doc.json", data)
    assert item.document is None and item.problems
    assert item.problems[0].pointer == "" and item.problems[0].message


def test_a_product_of_huge_evidence_numbers_stops_at_the_number_limit(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    """Protection: MODENHET_MAX_NUMBER_BITS. Multiplying 4000-digit numbers over and over
    would otherwise make integers of millions of digits (seconds each)."""
    ruleset = one_criterion(ruleset_from, " * ".join(["x.n"] * 60) + " > 0")
    started = time.perf_counter()
    criterion = status(ruleset, {"x": {"n": 10**4000}})
    assert criterion.status == "error" and "too large a number" in criterion.message
    assert time.perf_counter() - started < 5


# ----------------------------------------------------------------- sizes and nesting


def test_a_ten_megabyte_string(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    """Protection: none needed beyond the document size limit (16 MiB): strings are compared,
    never copied into messages or missing paths whole."""
    long = "å" * 5_000_000  # 10 MB of UTF-8
    data = json.dumps({"x": {"s": long, "t": 1}}, ensure_ascii=False).encode()
    document, problems = parse_document(data)
    assert problems == [] and document["x"]["s"] == long
    ruleset = one_criterion(ruleset_from, 'x.s == "å" or x.s < x.t')
    started = time.perf_counter()
    criterion = status(ruleset, document)
    assert criterion.status == "error"
    assert len(criterion.message) < 1000  # the value is shortened in the message
    assert time.perf_counter() - started < 5


def test_a_ten_megabyte_string_literal_in_a_rule_file(tmp_path: Path) -> None:
    """Protection: the rule-file size limit (10 MiB); just under it, a huge literal loads."""
    path = tmp_path / "big.rules"
    literal = "x" * 9_000_000
    path.write_text(
        HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when x.s == "{literal}" }} }}\n',
        encoding="utf-8",
    )
    started = time.perf_counter()
    ruleset = modenhet.load_ruleset(path)
    assert status(ruleset, {"x": {"s": literal}}).status == "met"
    assert time.perf_counter() - started < 30
    path.write_text(HEADER + "# " + "x" * (10 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(modenhet.RuleFileError, match="MODENHET_MAX_RULE_FILE_BYTES"):
        modenhet.load_ruleset(path)


@pytest.mark.parametrize("depth", [65, 10_000, 1_000_000])
def test_deeply_nested_evidence(depth: int) -> None:
    """Protection: the depth limit (64) is checked without recursion before parsing, so
    `[[[[...]]]]` a million deep is a located problem, not a RecursionError."""
    data = b'{"a": ' + b"[" * depth + b"]" * depth + b"}"
    item = evidence_item("deep.json", data)
    assert item.document is None
    assert "nested more than 64 levels deep (line 1)" in item.problems[0].message
    result = cli("evaluate", "-", "--as-of", "2025-06-30", stdin=data)
    assert result.exit_code == 1 and "nested more than 64 levels" in result.stderr


def test_deeply_nested_evidence_on_a_jsonl_line() -> None:
    """Regression (found by test_fuzz.py): standard input is first tried line by line to tell
    JSON from JSONL, and `json.loads` of a deeply nested line raised RecursionError."""
    deep = b'{"a": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    sample = json.dumps(json.loads((SAMPLES / "4601-bergen.json").read_bytes())).encode()
    result = cli("evaluate", "-", "--as-of", "2025-06-30", "-f", "json", stdin=deep)
    assert result.exit_code == 1
    result = cli(
        "evaluate", "-", "--as-of", "2025-06-30", "-f", "json", stdin=sample + b"\n" + deep
    )
    assert result.exit_code == 1
    first, second = json.loads(result.stdout)["results"]
    assert first["overall"] == 5 and "nested more than 64" in second["error"][0]["message"]


def test_deeply_nested_parentheses_in_a_rule(tmp_path: Path) -> None:
    """Protection: Lark's LALR parser and the non-recursive AST builder never recurse over
    the nesting of the text, and the expression-depth limit (64) stops the later stages from
    meeting it: 100,000 parentheses load; 100,000 `not`s are a located error."""
    path = tmp_path / "deep.rules"
    deep = "(" * 100_000 + "x.a" + ")" * 100_000
    path.write_text(
        HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when {deep} }} }}\n', "utf-8"
    )
    assert modenhet.load_ruleset(path).evaluate({"x": {"a": True}}, as_of=AS_OF).overall == 2
    path.write_text(
        HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when {"not " * 100_000}x.a }} }}\n',
        "utf-8",
    )
    message = load_error(path)
    assert "nested 100001 levels deep; the limit is 64" in message


def test_a_huge_list_in_a_quantifier(ruleset_from: Callable[..., modenhet.RuleSet]) -> None:
    """Protection: MODENHET_MAX_LIST_LENGTH (100,000 elements a rule may walk)."""
    ruleset = one_criterion(ruleset_from, "any v in x.l: v == -1")
    assert status(ruleset, {"x": {"l": list(range(100_000))}}).status == "not_met"
    criterion = status(ruleset, {"x": {"l": list(range(100_001))}})
    assert criterion.status == "error"
    assert "the list has 100,001 elements; the limit is 100,000" in criterion.message
    assert "MODENHET_MAX_LIST_LENGTH" in criterion.message


@pytest.mark.parametrize(
    "condition",
    [
        "any a in x.l: any b in x.l: any c in x.l: a + b + c < 0",
        "all a in x.l: all b in x.l: all c in x.l: a + b + c >= 0",
        "any a in x.l: a in x.l and a < 0",
        "any a in x.l: count(x.l) + sum(x.l) + max(x.l) < a",
        # Regressions: these walked a list on each turn without taking it from the budget.
        "any a in x.l: contains_all(x.l, x.m) and a < 0",
        "any a in x.l: x.l == x.m and a < 0",
        "any a in x.l: x.o != x.o and a < 0",
        "any a in x.l: x.l in [x.m] and a < 0",
    ],
    ids=[
        "any3", "all3", "membership", "aggregates",
        "contains_all", "list-equality", "object-equality", "list-membership",
    ],
)  # fmt: skip
def test_a_rule_set_that_would_take_minutes(
    ruleset_from: Callable[..., modenhet.RuleSet], condition: str
) -> None:
    """Protection: MODENHET_MAX_EVALUATION_STEPS (500,000 steps per document: list elements
    walked, and elements compared by `==` of lists and objects). Each of these does 10**8 to
    10**12 steps of work on lists of 20,000; it stops within seconds with an error of its
    criterion that names the limit and how to raise it. Before the regressions were fixed,
    the exact evaluator charged `contains_all` one step per element instead of one per pair,
    and `==` of two lists nothing at all: minutes."""
    ruleset = one_criterion(ruleset_from, condition)
    numbers = list(range(20_000))
    doc = {"x": {"l": numbers, "m": list(numbers), "o": {"k": [{"n": numbers}]}}}
    started = time.perf_counter()
    result = ruleset.evaluate(doc, as_of=AS_OF)
    criterion = result.factors["f"].criteria[0]
    assert criterion.status == "error"
    assert "took more than 500,000 steps" in criterion.message
    assert "MODENHET_MAX_EVALUATION_STEPS" in criterion.message
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize(
    "condition",
    ["x.s == x.t", "x.s < x.t", 'x.s == "å"', 'x.s in ["a", "å", x.t]'],
    ids=["equality", "order", "literal", "membership"],
)
def test_long_strings_compared_on_every_turn(
    ruleset_from: Callable[..., modenhet.RuleSet], condition: str
) -> None:
    """Protection: a comparison of long strings takes a step per 1,024 characters (strings
    are normalised to NFC to compare: about 15 ms for two of 4 million characters). Without
    it, this quantifier of 100,000 turns would take half an hour."""
    ruleset = one_criterion(ruleset_from, f"any a in x.l: {condition} and a < 0")
    long = "å" * 4_000_000
    doc = {"x": {"l": list(range(100_000)), "s": long, "t": long[:-1] + "b"}}
    started = time.perf_counter()
    criterion = status(ruleset, doc)
    assert criterion.status == "error" and "took more than 500,000 steps" in criterion.message
    assert time.perf_counter() - started < 20


# ------------------------------------------------------------------------------ reports


def test_html_report_escapes_rule_text(tmp_path: Path) -> None:
    """Protection: Jinja's autoescape (report/html.py) for what the rule set writes — the
    HTML test file covers evidence text. Without it, `<script>` in a factor title would run
    in the auditor's browser (the page's Content-Security-Policy would be the last line)."""
    xss = "<script>alert(1)</script>"
    rules = tmp_path / "r.rules"
    rules.write_text(hostile_rules(xss), encoding="utf-8")
    doc = tmp_path / "doc.json"
    doc.write_text(json.dumps({"x": {"a": "no", "b": None}}), encoding="utf-8")
    page = cli("evaluate", str(doc), "-r", str(rules), "--as-of", "2025-06-30", "-f", "html").stdout
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the page's JSON messages and its own script


CONTROL = "\x1b]0;pwned\x07\x1b[2J\x00\x08\x7f\x9b"


def test_json_sarif_and_jsonl_escape_control_characters(
    tmp_path: Path, write_rules: Callable[..., Path]
) -> None:
    """Protection: the JSON serialiser escapes every C0 control character, so a JSON report,
    a JSONL line and SARIF stay one valid document (one line each for JSONL) whatever the
    evidence or the rule text holds."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["municipality"]["name"] = "Bergen" + CONTROL + "\n\r\u2028"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    for format_ in ("json", "jsonl"):
        out = cli("evaluate", str(path), str(path), "--as-of", "2025-06-30", "-f", format_).stdout
        assert not re.search("[\x00-\x08\x0b-\x1f]", out)
        if format_ == "jsonl":
            lines = out.split("\n")
            assert len(lines) == 3 and lines[-1] == ""
            assert all(
                json.loads(line)["municipality"] == doc["municipality"] for line in lines[:2]
            )
        else:
            assert json.loads(out)["results"][0]["municipality"] == doc["municipality"]
    rules = write_rules(
        HEADER + f'factor f "F" {{ level 2 {{ criterion c "C" when "{CONTROL}" }} }}\n'
    )
    for format_ in ("json", "sarif"):
        result = cli("check", str(rules), "-f", format_)
        assert result.exit_code == 1
        assert not re.search("[\x00-\x08\x0b-\x1f]", result.stdout)
        json.loads(result.stdout)


def test_evaluating_a_hostile_document_through_every_command(tmp_path: Path) -> None:
    """Every command that reads evidence takes a document full of the above without a
    traceback and with the exit status spec/cli.md gives (1: a problem in the input)."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["municipality"]["name"] = "<script>" + CONTROL
    doc["evidence"]["__class__"] = {"__globals__": "{{ 7*7 }}"}
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    as_of = ("--as-of", "2025-06-30")
    assert cli("validate", str(path)).exit_code == 1
    assert cli("evaluate", str(path), *as_of).exit_code == 1
    assert cli("explain", str(path), *as_of).exit_code in (0, 1)
    assert cli("compare", str(path), str(path), *as_of).exit_code == 1
    assert cli("evaluate", str(path), *as_of, "--no-validate").exit_code == 0


def test_now_is_never_read_inside_an_expression(
    ruleset_from: Callable[..., modenhet.RuleSet],
) -> None:
    """Protection: `as_of` comes from the caller only, so a rule cannot make a result depend
    on when it runs (and a report stays reproducible)."""
    ruleset = one_criterion(ruleset_from, "days_since(x.d) > 10")
    doc = {"x": {"d": "2025-06-01"}}
    assert ruleset.evaluate(doc, as_of=datetime.date(2025, 6, 5)).overall == 1
    assert ruleset.evaluate(doc, as_of=datetime.date(2025, 6, 30)).overall == 2


FORMULAS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+1", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("excel", [False, True], ids=["rfc4180", "excel"])
def test_csv_cells_that_a_spreadsheet_would_run_as_a_formula(tmp_path: Path, excel: bool) -> None:
    """Protection: csv_report.text_cell. A municipality name that differs from SSB's list is
    only a warning, so a document named `=cmd|' /C calc'!A0` is evaluated and its name
    reaches the CSV, which an auditor opens in a spreadsheet. Cells of text that begin like a
    formula get a leading `'` (OWASP's advice), in both CSV flavours; numbers stay numbers,
    and `-`, modenhet's own name for standard input, stays as it is."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    for index, formula in enumerate(FORMULAS):
        doc["municipality"]["name"] = formula
        (tmp_path / f"{index}.json").write_text(json.dumps(doc), encoding="utf-8")
    flags = ["--excel"] if excel else []
    result = cli("evaluate", str(tmp_path), "-f", "csv", *flags, "--as-of", "2025-06-30")
    assert result.exit_code == 0
    text = result.stdout.removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if excel else ","))
    names = [row[2] for row in rows[1:]]
    assert names == ["'" + formula for formula in FORMULAS]
    overall = rows[0].index("Samla nivå")  # the header is for people, in nynorsk by default
    assert all(row[overall] == "5" for row in rows[1:])  # the overall level, a number
    stdin = cli(
        "evaluate", "-", "-f", "csv", "--as-of", "2025-06-30",
        stdin=(SAMPLES / "4601-bergen.json").read_bytes(),
    )  # fmt: skip
    assert stdin.stdout.splitlines()[1].startswith("-,4601,Bergen,")


def test_control_characters_never_reach_the_terminal(
    tmp_path: Path, write_rules: Callable[..., Path]
) -> None:
    """Protection: errors.visible, applied to every line on stderr and to the table report.
    An escape sequence in a document (`ESC ] 0 ; ... BEL` sets the terminal's title, `ESC [
    2 J` clears it) or a right-to-left override in a rule title would otherwise act on the
    auditor's terminal, or hide and reorder what it shows. A newline in a key must not split
    an error into two lines either: each error is one line (spec/cli.md)."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["municipality"]["name"] = "Bergen" + CONTROL + "\u202e"
    doc["evidence"]["economy"]["a\nb" + CONTROL] = 1  # an unknown key: an error at it
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    evaluated = cli("evaluate", str(path), "--as-of", "2025-06-30", "--no-validate")
    rejected = cli("evaluate", str(path), "--as-of", "2025-06-30")
    rules = write_rules(
        HEADER + f'factor f "F\u202e{CONTROL}" {{ level 2 {{ criterion c "C" when "{CONTROL}" }} }}'
    )
    checked = cli("check", str(rules))
    for text in (evaluated.stdout, evaluated.stderr, rejected.stderr, checked.stderr):
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", text), text
    assert "Bergen\\x1b]0;pwned\\x07" in evaluated.stdout
    errors = [line for line in rejected.stderr.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "#/evidence/economy/a\\x0ab" in errors[0]
    assert '"\\x1b]0;pwned\\x07' in checked.stderr


def test_markdown_report_holds_no_html(tmp_path: Path) -> None:
    """Protection: markdown._cell writes `<` and `>` as entities: a wiki that renders raw
    HTML in Markdown shows a document's `<script>` as text."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["municipality"]["name"] = "<script>alert(1)</script>"
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = cli("evaluate", str(path), str(path), "-f", "markdown", "--as-of", "2025-06-30").stdout
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out


def test_a_long_list_of_unsortable_values_validates_quickly(tmp_path: Path) -> None:
    """Protection: validation._unique_items. jsonschema checks `uniqueItems` of values it
    cannot sort (numbers mixed with objects) pair by pair: this 190 kB document took over two
    minutes to validate, and 16 MiB of it would take days, from the least trusted hand."""
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["evidence"]["strategy"]["services_involved"] = [
        value for i in range(10_000) for value in (i, {"a": i})
    ]
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    started = time.perf_counter()
    result = cli("evaluate", str(path), "--as-of", "2025-06-30", "-f", "json")
    assert result.exit_code == 1
    assert time.perf_counter() - started < 30
    assert "services_involved[1]` must be a string" in result.stderr


@pytest.mark.parametrize(
    ("items", "unique"),
    [
        ([1, 1.0], False),
        ([True, 1], True),
        ([False, 0, None, "", [], {}], True),
        ([{"a": 1, "b": [1, 2]}, {"b": [1, 2.0], "a": 1}], False),
        ([[1, 2], [2, 1]], True),
        (["å", "å"], False),
    ],
)
def test_unique_items_keeps_json_schema_equality(items: list[Any], unique: bool) -> None:
    """The faster `uniqueItems` calls the same values equal as JSON Schema (and jsonschema)."""
    from jsonschema import Draft202012Validator

    from modenhet.evidence.validation import SchemaValidator

    schema = {"type": "object", "properties": {"l": {"type": "array", "uniqueItems": True}}}
    ours = SchemaValidator(schema).full_validator()  # not the fast path: ours is the slow one
    assert ours.is_valid({"l": items}) is unique
    assert Draft202012Validator(schema).is_valid({"l": items}) is unique


@pytest.mark.parametrize("key", ["\u00b2", "\u0661", "\u2460", "12"])
def test_keys_that_are_digits_to_unicode(tmp_path: Path, key: str) -> None:
    """Regression (found by the long fuzz run): pointers are sorted with numeric parts as
    numbers, and `"²".isdigit()` is true while `int("²")` fails: a key `²` in a document
    was a traceback. Numeric means `isdecimal()` now (every such character `int` reads)."""
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({key: None, "b": {key: [1]}}), encoding="utf-8")
    for command in ("evaluate", "validate"):
        result = cli(command, str(path), "--lang", "en")
        assert result.exit_code == 1
        assert f"#/{key}: error: " in result.stderr


LONE_HALVES = b'{"municipality": {"number": "4601"}, "\\ud800bl\xc3\xa5": 1, "x": ["a\\udc00"]}'


def test_half_a_surrogate_pair_is_a_located_evidence_error(tmp_path: Path) -> None:
    """Regression (found by the long fuzz run): `"\\ud800"` is a valid JSON escape but no
    character, and a report holding it could not be written (UnicodeEncodeError half-way
    through standard output). Protection: evidence.parse_text refuses such keys and strings."""
    item = evidence_item("doc.json", LONE_HALVES)
    assert item.document is None
    assert [(p.pointer, p.message[:22]) for p in item.problems] == [
        ("", 'the key "\\ud800blå" ho'),
        ("/x/0", 'the text "a\\udc00" hol'),
    ]
    whole_pair = b'{"s": "\\ud83d\\ude00", "t": "\\u00e5"}'  # an emoji, written as its two halves
    assert evidence_item("ok.json", whole_pair).document == {"s": "\U0001f600", "t": "å"}
    path = tmp_path / "doc.json"
    path.write_bytes(LONE_HALVES)
    for command in (["evaluate", "-f", "json", "--as-of", "2025-06-30"], ["validate"]):
        done = real(*command, str(path), "--lang", "en")
        assert done.returncode == 1
        assert f"{path}:1#/x/0: error: the text " in done.stderr


def test_a_file_name_that_is_not_utf8_is_shown_as_an_escape(tmp_path: Path) -> None:
    """Protection: a file name with bytes that are not UTF-8 reaches Python as lone
    surrogates; standard output and `-o` files write them as `\\udcff`, which in JSON is the
    same string again, so the report is whole, `--verify` finds the file and `compare` reads
    the report. Without it, the run stopped half-way with a traceback on a strict UTF-8
    output (PYTHONIOENCODING=utf-8)."""
    folder = tmp_path / "folder"
    folder.mkdir()
    name = os.fsdecode(b"\xffbad.json")
    (folder / name).write_bytes((SAMPLES / "4601-bergen.json").read_bytes())

    def strict(*args: str) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "PYTHONIOENCODING": "utf-8"}
        return real(*args, cwd=tmp_path, env=environment)

    for format_ in ("table", "json", "jsonl", "csv", "markdown", "html"):
        done = strict("evaluate", "folder", "-f", format_, "--as-of", "2025-06-30")
        assert (done.returncode, done.stderr) == (0, ""), (format_, done.stderr)
        if format_ in ("json", "jsonl", "csv", "html"):  # the others name the municipality
            assert "\\udcffbad.json" in done.stdout, format_
    report = tmp_path / "report.json"
    done = strict("evaluate", "folder", "-f", "json", "-o", str(report), "--as-of", "2025-06-30")
    assert done.returncode == 0, done.stderr
    assert json.loads(report.read_text(encoding="utf-8"))["results"][0]["source"] == (
        f"folder/{name}"
    )
    done = strict("evaluate", "--verify", str(report), "--lang", "en")
    assert done.returncode == 0 and "\\udcffbad.json: holds" in done.stdout
    done = strict("compare", str(report), str(report), "-f", "json")
    assert (done.returncode, done.stderr) == (0, "")
    assert json.loads(done.stdout)["municipalities"][0]["old"]["source"] == f"folder/{name}"
    (folder / os.fsdecode(b"\xfebroken.json")).write_bytes(b"{")
    done = strict("validate", "folder", "--lang", "en")
    assert done.returncode == 1
    assert done.stderr.startswith("folder/\\udcfebroken.json:1: error: not valid JSON")


def test_a_document_with_thousands_of_violations_keeps_its_cells_small(tmp_path: Path) -> None:
    """Protection: the CSV and Markdown error cell lists the first ten problems and counts the
    rest; 5,000 unknown keys made a 1.5 MB cell, and a spreadsheet holds 32,767 characters in
    one. The HTML page lists a hundred (200,000 made a 70 MB page). Every violation is still on
    standard error and in the JSON report."""
    document = json.loads((SAMPLES / "1151-utsira.json").read_bytes())
    document["evidence"]["economy"].update({f"k{i}": i for i in range(5000)})
    path = tmp_path / "many.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli("evaluate", str(path), "-f", "csv", "--lang", "en", "--as-of", "2025-06-30")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 5000
    (row,) = list(csv.reader(io.StringIO(result.stdout)))[1:]
    cell = row[-2]  # the errors (the warnings are the last column)
    assert row[-1] == ""
    assert cell.count("is not a known key") == 10 and cell.endswith("; (+4990 more)")
    assert cell.startswith("/evidence/economy/k0: `evidence.economy.k0` is not a known key")
    result = cli("evaluate", str(path), "-f", "markdown", "--lang", "en", "--as-of", "2025-06-30")
    assert result.stdout.count("is not a known key") == 10 and "(+4990 more)" in result.stdout
    result = cli("evaluate", str(path), "-f", "html", "--lang", "en", "--as-of", "2025-06-30")
    assert result.stdout.count("is not a known key") == 100 and "and 4900 more" in result.stdout
    result = cli("evaluate", str(path), "-f", "json", "--as-of", "2025-06-30")
    assert len(json.loads(result.stdout)["results"][0]["error"]) == 5000
