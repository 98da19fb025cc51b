"""Reading evidence strictly: files, folders, JSONL and standard input.

An auditor must never evaluate a silently misread document, so a duplicate key, NaN, a byte
that is not UTF-8, trailing text or a top level that is not an object is an error with its
place; every other document of the run is still read. Strings and keys are normalised to NFC.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from modenhet.errors import EvidenceError, Violation

MAX_DOCUMENT_BYTES = 16 * 1024 * 1024
EVIDENCE_SUFFIXES = (".json", ".jsonl")


@dataclass
class EvidenceItem:
    """One document of a run: where it came from, its hash, and the document or its problems."""

    source: str
    sha256: str | None = None
    document: dict[str, Any] | None = None
    problems: list[Violation] = field(default_factory=list)

    @property
    def municipality(self) -> Any:
        if self.document is None:
            return None
        return self.document.get("municipality")


class _Duplicates(dict[str, Any]):
    """An object in which a key appears twice; only built for a document that has one."""

    duplicates: list[str]


def _object_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs) and all(key.isascii() for key in result):
        return result
    normalised: dict[str, Any] = {}
    duplicates: list[str] = []
    for key, value in pairs:
        key = key if key.isascii() else unicodedata.normalize("NFC", key)
        if key in normalised:
            duplicates.append(key)
        normalised[key] = value
    if duplicates:
        marked = _Duplicates(normalised)
        marked.duplicates = duplicates
        return marked
    return normalised


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a valid JSON value")


_DECODER = json.JSONDecoder(object_pairs_hook=_object_hook, parse_constant=_reject_constant)


def parse_document(data: bytes, *, limit: int = MAX_DOCUMENT_BYTES) -> tuple[Any, list[Violation]]:
    """Bytes to a document, or None and the problems, each with a pointer and a line."""
    if len(data) > limit:
        return None, [
            Violation(
                "",
                f"the document is {len(data)} bytes; the limit is {limit} "
                "(raise it with --max-bytes)",
            )
        ]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, [
            Violation(
                "",
                f"not UTF-8: byte {error.start} (0x{data[error.start]:02x}) "
                "cannot be decoded; save the file as UTF-8",
            )
        ]
    if not text.strip():
        return None, [Violation("", "the document is empty")]
    try:
        document, end = _DECODER.raw_decode(text, _skip_space(text, 0))
    except json.JSONDecodeError as error:
        return None, [
            Violation(
                "",
                f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
                error.lineno,
            )
        ]
    except ValueError as error:  # NaN, Infinity
        return None, [Violation("", f"not valid JSON evidence: {error}")]
    except RecursionError:
        return None, [Violation("", "the document is nested too deeply")]
    end = _skip_space(text, end)
    if end != len(text):
        line = text.count("\n", 0, end) + 1
        column = end - (text.rfind("\n", 0, end) + 1) + 1
        return None, [
            Violation(
                "",
                f"unexpected text after the JSON value (line {line}, column "
                f"{column}); one .json file holds one document, a .jsonl file "
                "one per line",
                line,
            )
        ]
    problems = list(_duplicate_keys(document, ""))
    if problems:
        return None, problems
    if not isinstance(document, dict):
        return None, [
            Violation(
                "", f"the evidence document must be a JSON object, not {_json_kind(document)}"
            )
        ]
    if not (text.isascii() or unicodedata.is_normalized("NFC", text)) or "\\u" in text:
        document = _nfc_values(document)
    return document, []


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _json_kind(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), "a number")


def _duplicate_keys(value: Any, pointer: str) -> Iterator[Violation]:
    if isinstance(value, dict):
        if isinstance(value, _Duplicates):
            for key in value.duplicates:
                yield Violation(
                    f"{pointer}/{escape_pointer(key)}",
                    f"the key '{key}' appears "
                    "more than once in this object (JSON readers would silently "
                    "keep the last)",
                )
        for key, item in value.items():
            yield from _duplicate_keys(item, f"{pointer}/{escape_pointer(key)}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _duplicate_keys(item, f"{pointer}/{index}")


def _nfc_values(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _nfc_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc_values(item) for item in value]
    return value


def escape_pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


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


def _folder(folder: str, recursive: bool) -> list[str]:
    found: list[str] = []
    base = Path(folder)
    pattern = "**/*" if recursive else "*"
    for path in sorted(base.glob(pattern), key=lambda p: p.relative_to(base).as_posix()):
        if path.suffix in EVIDENCE_SUFFIXES and path.is_file():
            found.append(os.path.join(folder, path.relative_to(base).as_posix()))
    return found


def iter_evidence(
    files: list[str], *, stdin: BinaryIO | None = None, limit: int = MAX_DOCUMENT_BYTES
) -> Iterator[EvidenceItem]:
    """Every document of the files, in order; a broken one is an item with problems."""
    for name in files:
        if name == "-":
            yield from _read_stdin(stdin or sys.stdin.buffer, limit)
        elif name.endswith(".jsonl"):
            yield from _read_jsonl(name, limit)
        else:
            yield _read_json(name, limit)


def _read_json(name: str, limit: int) -> EvidenceItem:
    try:
        size = os.path.getsize(name)
        if size > limit:
            return EvidenceItem(
                name,
                None,
                None,
                [
                    Violation(
                        "",
                        f"the file is {size} bytes; "
                        f"the limit is {limit} (raise it with --max-bytes)",
                    )
                ],
            )
        with open(name, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return EvidenceItem(name, None, None, [Violation("", f"cannot be read: {error.strerror}")])
    return _item(name, data, limit)


def _item(source: str, data: bytes, limit: int) -> EvidenceItem:
    document, problems = parse_document(data, limit=limit)
    return EvidenceItem(source, hashlib.sha256(data).hexdigest(), document, problems)


def _read_jsonl(name: str, limit: int) -> Iterator[EvidenceItem]:
    try:
        handle = open(name, "rb")  # noqa: SIM115 - closed below; lines stream
    except OSError as error:
        yield EvidenceItem(name, None, None, [Violation("", f"cannot be read: {error.strerror}")])
        return
    with handle:
        yield from _lines(name, handle, limit)


def _lines(name: str, handle: Any, limit: int) -> Iterator[EvidenceItem]:
    for number, raw in enumerate(handle, start=1):
        line = raw.rstrip(b"\n").rstrip(b"\r")
        if number == 1 and line.startswith(b"\xef\xbb\xbf"):
            line = line[3:]
        if not line.strip():
            continue
        item = _item(f"{name}:{number}", line, limit)
        for problem in item.problems:
            problem.line = None  # the source already names the line
        yield item


def _read_stdin(stream: BinaryIO, limit: int) -> Iterator[EvidenceItem]:
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
            yield _item("-", b"".join(head).strip(), limit)
            return
        yield from _lines("-", itertools.chain(head, [rest], stream), limit)
        return
    data = b"".join(head) + stream.read()
    item = _item("-", data, limit)
    lines = data.splitlines(keepends=True)
    if (
        item.problems
        and sum(1 for line in lines if line.strip()) > 1
        and any(_parses(line) for line in lines[1:])
    ):
        yield from _lines("-", iter(lines), limit)
        return
    yield item


def _parses(line: bytes) -> bool:
    if not line.strip():
        return False
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def read_evidence(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read one evidence document strictly (the API's way); raises `EvidenceError`."""
    name = os.fspath(path)
    item = _read_json(name, MAX_DOCUMENT_BYTES)
    if item.problems or item.document is None:
        raise EvidenceError(name, item.problems)
    return item.document
