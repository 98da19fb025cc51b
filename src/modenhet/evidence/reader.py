"""Reading evidence strictly: files, folders, JSONL and standard input.

An auditor must never evaluate a silently misread document, so a duplicate key, NaN, a byte
that is not UTF-8, trailing text or a top level that is not an object is an error with its
place; every other document of the run is still read. Strings and keys are normalised to NFC.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from modenhet.errors import EvidenceError, Violation
from modenhet.evidence.item import WORKBOOK_SUFFIXES
from modenhet.evidence.item import EvidenceItem as EvidenceItem  # re-exported: its old home
from modenhet.evidence.messages import (  # too_large, unreadable: also for the workbook reader
    TYPE_WORDS,
    joined,
    problem,
    too_large,
    unreadable,
)
from modenhet.evidence.positions import escape_pointer
from modenhet.i18n import N_, Text

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
EVIDENCE_SUFFIXES = (".json", ".jsonl", ".xlsx")  # .xlsx: modenhet.evidence.workbook


class _Duplicates(dict[str, Any]):
    """An object in which a key appears twice; only built for a document that has one."""

    duplicates: list[str]


_duplicates_seen = [0]  # bumped by the hooks, so only a document with duplicates is walked


def _plain_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """For NFC text without escapes: keys are already NFC, so only duplicates matter."""
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    return _nfc_hook(pairs)


def _nfc_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    normalised: dict[str, Any] = {}
    duplicates: list[str] = []
    for key, value in pairs:
        key = key if key.isascii() else unicodedata.normalize("NFC", key)
        if key in normalised:
            duplicates.append(key)
        normalised[key] = value
    if duplicates:
        _duplicates_seen[0] += 1
        marked = _Duplicates(normalised)
        marked.duplicates = duplicates
        return marked
    return normalised


class _NotEvidence(ValueError):
    """A value JSON's grammar allows Python's reader but evidence does not: its message."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


def _reject_constant(name: str) -> Any:
    raise _NotEvidence(Text(N_("%(value)s is not a valid JSON value"), value=name))


def _finite_float(text: str) -> float:
    """A decimal number; one too large for a double (1e999) is Infinity in disguise."""
    value = float(text)
    if not math.isfinite(value):
        raise _NotEvidence(
            Text(N_("%(value)s is too large a number for JSON evidence"), value=text[:40])
        )
    return value


# The messages of Python's JSON reader (json.decoder and its C scanner), to translate them.
_JSON_REASONS = {
    reason: Text(reason)
    for reason in (
        N_("Expecting value"),
        N_("Expecting property name enclosed in double quotes"),
        N_("Expecting ':' delimiter"),
        N_("Expecting ',' delimiter"),
        N_("Unterminated string starting at"),
        N_("Invalid control character at"),
        N_("Invalid \\escape"),
        N_("Invalid \\uXXXX escape"),
        N_("Illegal trailing comma before end of object"),
        N_("Illegal trailing comma before end of array"),
        N_("Extra data"),
    )
}


def _json_reason(reason: str) -> Text | str:
    """Python's words for a JSON syntax error, translated where they are known."""
    if reason in _JSON_REASONS:
        return _JSON_REASONS[reason]
    if reason.startswith("Invalid \\escape: "):  # the pure-Python reader names the escape
        return Text(N_("Invalid \\escape: %(escape)s"), escape=reason.partition(": ")[2])
    return reason


_HOOKS: dict[str, Any] = {"parse_constant": _reject_constant, "parse_float": _finite_float}
_PLAIN = json.JSONDecoder(object_pairs_hook=_plain_hook, **_HOOKS)
_NFC = json.JSONDecoder(object_pairs_hook=_nfc_hook, **_HOOKS)
_BRACKETS_OR_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # `\ud800`: only a pair makes a character
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes, *, limit: int = MAX_DOCUMENT_BYTES) -> tuple[str | None, list[Violation]]:
    """UTF-8 bytes to text (a byte-order mark dropped), or the reason they are not."""
    if len(data) > limit:
        text = Text(
            N_(
                "the document is %(size)s bytes; the limit is %(limit)s (raise it with --max-bytes)"
            ),
            size=len(data),
            limit=limit,
        )
        return None, [problem("", text)]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        text = Text(
            N_("not UTF-8: byte %(offset)s (0x%(byte)s) cannot be decoded; save the file as UTF-8"),
            offset=error.start,
            byte=f"{data[error.start]:02x}",
        )
        return None, [problem("", text)]


def parse_text(text: str, *, max_depth: int = MAX_DEPTH) -> tuple[Any, list[Violation]]:
    """JSON text to an evidence document (an object), or None and the located problems."""
    if not text.strip():
        return None, [problem("", Text(N_("the document is empty")))]
    too_deep = _too_deep(text, max_depth)
    if too_deep is not None:
        return None, [too_deep]
    plain = (text.isascii() or unicodedata.is_normalized("NFC", text)) and "\\u" not in text
    seen = _duplicates_seen[0]
    try:
        document, end = (_PLAIN if plain else _NFC).raw_decode(text, _skip_space(text, 0))
    except json.JSONDecodeError as error:
        message = Text(
            N_("not valid JSON: %(reason)s (line %(line)s, column %(column)s)"),
            reason=_json_reason(error.msg),
            line=error.lineno,
            column=error.colno,
        )
        return None, [problem("", message, line=error.lineno, column=error.colno)]
    except ValueError as error:  # NaN, Infinity, 1e999, an integer of thousands of digits
        reason: Text | str = error.text if isinstance(error, _NotEvidence) else str(error)
        if "integer string conversion" in str(reason):
            reason = Text(N_("a whole number has more than 4300 digits"))
        return None, [problem("", Text(N_("not valid JSON evidence: %(reason)s"), reason=reason))]
    except RecursionError:
        message = Text(
            N_("the document is nested too deeply (the limit is %(limit)s levels)"),
            limit=max_depth,
        )
        return None, [problem("", message)]
    end = _skip_space(text, end)
    if end != len(text):
        line = text.count("\n", 0, end) + 1
        column = end - (text.rfind("\n", 0, end) + 1) + 1
        message = Text(
            N_(
                "unexpected text after the JSON value (line %(line)s, column %(column)s); one "
                ".json file holds one document, a .jsonl file one per line"
            ),
            line=line,
            column=column,
        )
        return None, [problem("", message, line=line, column=column)]
    if _duplicates_seen[0] != seen:
        return None, list(_duplicate_keys(document, ""))
    if not isinstance(document, dict):
        message = Text(
            N_("the evidence document must be a JSON object, not %(kind)s"),
            kind=_json_kind(document),
        )
        return None, [problem("", message)]
    if not plain and _SURROGATE_ESCAPE.search(text) and not is_report(document):
        # (a report names a file whose name is not UTF-8 with `\udcXX`, and `compare` reads it)
        halves = list(_lone_surrogates(document, ""))
        if halves:
            return None, halves
    if not plain:
        document = _nfc_values(document)
    return document, []


def parse_document(data: bytes, *, limit: int = MAX_DOCUMENT_BYTES) -> tuple[Any, list[Violation]]:
    """Bytes to an evidence document, or None and the problems (`decode`, then `parse_text`)."""
    text, problems = decode(data, limit=limit)
    if text is None:
        return None, problems
    return parse_text(text)


def is_report(document: Any) -> bool:
    """A JSON object with `tool` and `results` is a report; anything else is evidence."""
    return isinstance(document, dict) and "tool" in document and "results" in document


def _too_deep(text: str, max_depth: int) -> Violation | None:
    """Nesting beyond the limit, found without recursion (checked only when it could be)."""
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth = 0
    for match in _BRACKETS_OR_STRINGS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > max_depth:
                line = text.count("\n", 0, match.start()) + 1
                message = Text(
                    N_("the document is nested more than %(limit)s levels deep (line %(line)s)"),
                    limit=max_depth,
                    line=line,
                )
                return problem("", message, line=line)
        elif token in "]}":
            depth -= 1
    return None


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _json_kind(value: Any) -> Text:
    if value is None:
        return TYPE_WORDS["null"]
    if isinstance(value, bool):
        return Text(N_("a boolean"))
    kinds: dict[type, str] = {list: "array", str: "string", dict: "object"}
    return TYPE_WORDS[kinds.get(type(value), "number")]


def _duplicate_keys(value: Any, pointer: str) -> Iterator[Violation]:
    if isinstance(value, dict):
        if isinstance(value, _Duplicates):
            for key in value.duplicates:
                text = Text(
                    N_(
                        "the key '%(key)s' appears more than once in this object (JSON readers "
                        "would silently keep the last)"
                    ),
                    key=key,
                )
                yield problem(f"{pointer}/{escape_pointer(key)}", text, at_key=True)
        for key, item in value.items():
            yield from _duplicate_keys(item, f"{pointer}/{escape_pointer(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _duplicate_keys(item, f"{pointer}/{index}")


def _lone_surrogates(value: Any, pointer: str) -> Iterator[Violation]:
    """Keys and strings holding half of a UTF-16 surrogate pair (`"\\ud800"`): JSON lets
    the escape through, but it is no character, so no report could show or store it."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            yield problem(pointer, _half_pair(_HALF_PAIR_TEXT, value))
    elif isinstance(value, dict):
        for key, item in value.items():
            if _SURROGATE.search(key):  # no pointer can name it: point at its object
                yield problem(pointer, _half_pair(_HALF_PAIR_KEY, key))
            else:
                yield from _lone_surrogates(item, f"{pointer}/{escape_pointer(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _lone_surrogates(item, f"{pointer}/{index}")


def _shown(text: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return '"' + shown.encode("utf-8", "backslashreplace").decode("utf-8") + '"'


_HALF_PAIR_TEXT = N_(
    "the text %(value)s holds half of a UTF-16 surrogate pair (\\ud800-\\udfff) without its "
    "other half, which is not a character; write the character itself, or both halves"
)
_HALF_PAIR_KEY = N_(
    "the key %(value)s holds half of a UTF-16 surrogate pair (\\ud800-\\udfff) without its "
    "other half, which is not a character; write the character itself, or both halves"
)


def _half_pair(message: str, value: str) -> Text:
    return Text(message, value=_shown(value))


def _nfc_values(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _nfc_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc_values(item) for item in value]
    return value


# ----------------------------------------------------------------------------------- sources


class InputError(Exception):
    """A named evidence path that does not exist: the run cannot start (exit status 2)."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: no such file or folder")
        self.path = path


def collect_files(arguments: list[str], *, recursive: bool = False) -> list[str]:
    """Expand the arguments to files in order; raises `InputError` for a missing path."""
    files: list[str] = []
    for argument in arguments:
        if argument == "-":
            files.append("-")
        elif os.path.isdir(argument):
            files.extend(_folder(argument, recursive))
        elif os.path.exists(argument):
            files.append(argument)
        else:
            raise InputError(argument)
    return files


# How a JSON report of `modenhet evaluate` begins (report/json_report.py writes its header
# first): an evidence document has no `tool`.
_REPORT_START = re.compile(rb'\A\s*\{\s*"tool"\s*:\s*\{\s*"name"\s*:\s*"modenhet"')


def is_modenhet_report(name: str) -> bool:
    """Whether a .json file is a JSON report of modenhet (by how it begins), not evidence."""
    if name == "-" or not name.lower().endswith(".json"):
        return False
    try:
        with open(name, "rb") as handle:
            start = handle.read(256)
    except (OSError, ValueError):
        return False  # reading it reports the problem
    return _REPORT_START.match(start) is not None


def _folder(folder: str, recursive: bool) -> list[str]:
    found: list[str] = []
    base = Path(folder)
    pattern = "**/*" if recursive else "*"
    for path in sorted(base.glob(pattern), key=lambda p: p.relative_to(base).as_posix()):
        suffix = path.suffix.lower()  # `molde.JSON` too
        if (suffix in EVIDENCE_SUFFIXES or suffix == ".xlsx") and path.is_file():
            if path.name.startswith("~$"):  # the lock file Excel keeps beside an open workbook
                continue
            found.append(os.path.join(folder, path.relative_to(base).as_posix()))
    return found


def iter_evidence(
    files: list[str], *, stdin: BinaryIO | None = None, limit: int = MAX_DOCUMENT_BYTES
) -> Iterator[EvidenceItem]:
    """Every document of the files, in order; a broken one is an item with problems."""
    for found in iter_sources(files, stdin=stdin, limit=limit):
        yield found.read(limit) if isinstance(found, Pending) else found


@dataclass(frozen=True)
class Pending:
    """A document found but not read yet: a .json file by name, or the bytes of a JSONL line
    or of standard input. A batch run sends these to its worker processes."""

    source: str
    data: bytes | None = None  # None: the file named `source`, read by `read`
    jsonl_line: int | None = None

    def read(self, limit: int = MAX_DOCUMENT_BYTES) -> EvidenceItem:
        if self.data is None:
            return read_file(self.source, limit)
        return evidence_item(self.source, self.data, limit=limit, jsonl_line=self.jsonl_line)


def iter_sources(
    files: list[str], *, stdin: BinaryIO | None = None, limit: int = MAX_DOCUMENT_BYTES
) -> Iterator[Pending | EvidenceItem]:
    """Every document of the files, in order, to be read (`Pending.read`); an item with
    problems for a JSONL file that cannot be opened. Lines are read as they are needed."""
    for name in files:
        if name == "-":
            yield from _read_stdin(stdin or sys.stdin.buffer, limit)
        elif name.lower().endswith(".jsonl"):
            yield from _read_jsonl(name, limit)
        else:
            yield Pending(name)


def read_file(name: str, limit: int = MAX_DOCUMENT_BYTES) -> EvidenceItem:
    """One document from a named file: a workbook (.xlsx) by `modenhet.evidence.workbook`, anything
    else as JSON, and a file that is neither says what modenhet reads."""
    if name.lower().endswith(WORKBOOK_SUFFIXES):  # the workbook reader loads only for one
        from modenhet.evidence.workbook.reader import read_workbook

        return read_workbook(name, limit)
    item = _read_json(name, limit)
    suffix = os.path.splitext(name)[1].lower()
    if item.document is None and item.problems and suffix not in EVIDENCE_SUFFIXES:
        last = item.problems[-1]
        last.text = joined(last.text or last.message, Text(READS))
        last.message = str(last.text)
    return item


READS = N_(
    "modenhet reads evidence from .json files (one document), .jsonl files (one a line), "
    ".xlsx workbooks (`modenhet template --format xlsx`) and folders of them"
)


def _read_json(name: str, limit: int) -> EvidenceItem:
    try:
        size = os.path.getsize(name)
        if size > limit:
            return EvidenceItem(name, None, None, [problem("", too_large(size, limit))])
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return EvidenceItem(name, None, None, [problem("", unreadable(error))])
    return evidence_item(name, data, limit=limit)


def evidence_item(
    source: str, data: bytes, *, limit: int = MAX_DOCUMENT_BYTES, jsonl_line: int | None = None
) -> EvidenceItem:
    """One document from its bytes: read strictly, hashed, its problems located."""
    digest = hashlib.sha256(data).hexdigest()
    text, problems = decode(data, limit=limit)
    if text is None:
        return EvidenceItem(source, digest, None, problems, None, jsonl_line)
    document, problems = parse_text(text)
    item = EvidenceItem(source, digest, document, problems, text, jsonl_line)
    if problems:
        if jsonl_line is not None:  # the source already names the line
            for problem in problems:
                problem.line = None
        item.problems = item.locate(problems)
    return item


def _read_jsonl(name: str, limit: int) -> Iterator[Pending | EvidenceItem]:
    try:
        handle = open(name, "rb")  # noqa: SIM115 - closed below; lines stream
    except OSError as error:
        yield EvidenceItem(name, None, None, [problem("", unreadable(error))])
        return
    with handle:
        for number, line in bounded_lines(handle, limit):
            if isinstance(line, bytes):
                if line.strip():
                    yield Pending(f"{name}:{number}", line, number)
                continue
            yield EvidenceItem(
                f"{name}:{number}",
                None,
                None,
                [problem("", _too_long(line, limit))],
                None,
                number,
            )


def _too_long(size: int, limit: int) -> Text:
    return Text(
        N_("the line is %(size)s bytes; the limit is %(limit)s (raise it with --max-bytes)"),
        size=size,
        limit=limit,
    )


_CHUNK = 1 << 20


def bounded_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | int]]:
    """Each line of a JSONL file with its number: its bytes without the line terminator (and
    the byte-order mark on line 1), or — for a line longer than `limit` — its length, counted
    in chunks so that a line of any size is never held in memory whole."""
    number = 0
    while True:
        raw = handle.readline(limit + 5)  # room for a BOM and CR beside `limit` bytes
        if not raw:
            return
        number += 1
        if not raw.endswith(b"\n") and len(raw) == limit + 5:
            size = len(raw)
            while not raw.endswith(b"\n"):
                raw = handle.readline(_CHUNK)
                if not raw:
                    break
                size += len(raw)
            yield number, size - (len(raw) - len(raw.rstrip(b"\n").rstrip(b"\r")))
            continue
        line = raw.rstrip(b"\n").rstrip(b"\r")
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        yield number, line


def _lines(name: str, handle: Any) -> Iterator[Pending]:
    for number, raw in enumerate(handle, start=1):
        line = raw.rstrip(b"\n").rstrip(b"\r")
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        yield Pending(f"{name}:{number}", line, number)


def _read_stdin(stream: BinaryIO, limit: int) -> Iterator[Pending]:
    """One document when the whole input is one JSON value, else JSONL labelled `-:N`."""
    head: list[bytes] = []
    for raw in stream:
        head.append(raw)
        if raw.strip():
            break
    first = head[-1] if head else b""
    if _parses(first):
        rest = stream.readline()
        if not rest:
            yield Pending("-", b"".join(head).strip())
            return
        yield from _lines("-", itertools.chain(head, [rest], stream))
        return
    data = b"".join(head) + stream.read()
    item = evidence_item("-", data, limit=limit)
    lines = data.splitlines(keepends=True)
    if (
        item.problems
        and sum(1 for line in lines if line.strip()) > 1
        and any(_parses(line) for line in lines[1:])
    ):
        yield from _lines("-", iter(lines))
        return
    yield Pending("-", data)  # read again where it is evaluated: it comes out the same


def _parses(line: bytes) -> bool:
    """Whether a line of standard input is a JSON value by itself (a hint for JSONL)."""
    if not line.strip():
        return False
    try:
        json.loads(line)
    except (ValueError, RecursionError):  # nested too deeply to tell: read as one document,
        return False  # which the depth limit then reports with its place
    return True


def read_evidence(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one evidence document strictly (the API's way): a .json file or an .xlsx
    workbook; raises `EvidenceError`."""
    name = os.fspath(path)
    item = read_file(name, MAX_DOCUMENT_BYTES)
    if item.problems or item.document is None:
        raise EvidenceError(name, item.problems)
    return item.document
