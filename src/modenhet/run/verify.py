"""Does a JSON report still hold? Check it against the report's schema, list its documents
again from the input files it records, re-read each, compare the hashes, and re-evaluate with
the recorded `as_of` and the rule set, so an auditor can stand behind a report made months ago
— or see exactly what has changed since. docs/auditing.md says what this proves and what not.

A report is data from anywhere: it is validated before anything in it is used, and the files
it names are read only when they are regular files of bounded size (never a FIFO or a device).
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import os
import stat
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from modenhet.engine.ruleset import RuleSet
from modenhet.errors import visible
from modenhet.evidence.reader import bounded_lines, evidence_item
from modenhet.i18n import N_, Text
from modenhet.run.outcome import Outcome, evaluate_items, input_set, record

MAX_REPORT_BYTES = 1024 * 1024 * 1024  # MODENHET_MAX_REPORT_BYTES
MAX_SOURCE_BYTES = 1024 * 1024 * 1024  # MODENHET_MAX_VERIFY_SOURCE_BYTES: one document
NOT_REGULAR = Text(N_("is not a regular file (a device, a pipe or a socket)"))


class ReportError(Exception):
    """The file is not a modenhet JSON report."""


@dataclass(frozen=True)
class Finding:
    """What verification found for one recorded result (or for the report as a whole): the
    message is said in the reader's language when shown (`modenhet.report.verify_text`)."""

    source: str
    holds: bool
    message: Text
    whole: bool = False  # about the report as a whole, not one recorded document


def _limit(name: str, default: int) -> int:
    raw = os.environ.get(name, "")
    return int(raw) if raw.strip().isdecimal() and int(raw) > 0 else default


def load_report(path: str) -> dict[str, Any]:
    """The report, valid against schemas/report.schema.json, or `ReportError` saying in one
    line why not. The file must be a regular file under the size limit."""
    limit = _limit("MODENHET_MAX_REPORT_BYTES", MAX_REPORT_BYTES)
    try:
        data = _read_regular(Path(path), limit)
    except _Unread as error:
        raise ReportError(str(error.text)) from None
    try:
        report = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant)
    except UnicodeDecodeError as error:
        raise ReportError(f"not UTF-8 (byte {error.start})") from None
    except RecursionError:
        raise ReportError("not a modenhet JSON report: nested too deeply") from None
    except ValueError as error:
        raise ReportError(f"not JSON: {_brief(str(error))}") from None
    if not isinstance(report, dict):
        problem: str | None = _schema_problem(report) or "not an object"
        raise ReportError(f"not a modenhet JSON report (made with evaluate -f json): {problem}")
    problem = _schema_problem(report)
    if problem is not None:
        raise ReportError(f"not a modenhet JSON report (made with evaluate -f json): {problem}")
    if "inputs" not in report:
        raise ReportError(
            "it records no input set (`inputs`: reports made before it have none), so it "
            "cannot be verified; make the report again"
        )
    try:
        datetime.date.fromisoformat(report["as_of"])
    except ValueError:
        raise ReportError(
            f"not a modenhet JSON report: as_of {report['as_of']} is no date"
        ) from None
    return report


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _schema_problem(report: Any) -> str | None:
    """The first way the report breaks its schema, in one line, or None."""
    import jsonschema

    from modenhet.resources import report_schema_path

    schema = json.loads(report_schema_path().read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(report))
    if error is None:
        return None
    pointer = "".join(
        f"/{str(part).replace('~', '~0').replace('/', '~1')}" for part in error.absolute_path
    )
    return f"#{pointer}: {_brief(error.message)}"


def _brief(text: str, length: int = 160) -> str:
    """A message on one line of bounded length, whatever value it quotes."""
    text = visible(" ".join(text.split()))
    return text if len(text) <= length else text[: length - 1] + "…"


def verify(
    report: dict[str, Any], ruleset: RuleSet, base: Path, tool_version: str
) -> Iterator[Finding]:
    """Findings for the tool, the rule set, the input set and the list of results, then for
    each recorded result in order. Sources are read relative to `base` (the folder the report
    was made from). `report` has passed `load_report`."""
    tool = report["tool"]
    if tool["version"] != tool_version:
        yield _Whole(
            "tool",
            False,
            Text(
                N_(
                    "made by modenhet %(then)s, this is modenhet %(now)s: verify with the "
                    "version that made the report"
                ),
                then=_brief(tool["version"], 40),
                now=tool_version,
            ),
        )
    else:
        yield _Whole("tool", True, Text(N_("modenhet %(version)s"), version=tool_version))
    yield _ruleset_finding(report["ruleset"], ruleset)
    inputs = report["inputs"]
    again = input_set(inputs["files"])
    if again["count"] != inputs["count"] or again["sha256"] != inputs["sha256"]:
        yield _Whole(
            "inputs",
            False,
            Text(N_("the list of input files does not match its recorded count and SHA-256")),
        )
    else:
        files = Text(N_("%(count)s file(s), SHA-256 %(sha256)s…"), count=inputs["count"],
                     sha256=again["sha256"][:12])  # fmt: skip
        yield _Whole("inputs", True, files)
    documents = _Documents(base)
    recorded = [str(result["source"]) for result in report["results"]]
    yield _results_finding(documents.listed(inputs["files"]), recorded)
    as_of = datetime.date.fromisoformat(report["as_of"])
    try:
        for result in report["results"]:
            yield _verify_result(result, ruleset, documents, as_of)
    finally:
        documents.close()


def _ruleset_finding(recorded: dict[str, Any], ruleset: RuleSet) -> Finding:
    changed = [
        Text(template, then=_brief(str(then), 60), now=now)
        for template, then, now in (
            (N_("name recorded %(then)s, now %(now)s"), recorded["name"], ruleset.name),
            (N_("version recorded %(then)s, now %(now)s"), recorded["version"], ruleset.version),
        )
        if then != now
    ]
    if recorded["sha256"] != ruleset.sha256:
        changed.append(_sha256_changed(recorded["sha256"], ruleset.sha256))
    if changed:
        return _Whole("rule set", False, Text(N_("changed: %(what)s"), what=_joined(changed)))
    return _Whole(
        "rule set", True, Text(N_("unchanged (SHA-256 %(sha256)s…)"), sha256=ruleset.sha256[:12])
    )


def _sha256_changed(then: Any, now: str) -> Text:
    return Text(N_("SHA-256 recorded %(then)s…, now %(now)s…"), then=str(then)[:12], now=now[:12])


def _joined(parts: list[Text]) -> Text:
    """Texts said one after the other, `; ` between them, in the same language."""
    return functools.reduce(
        lambda first, second: Text(N_("%(first)s; %(second)s"), first=first, second=second), parts
    )


def _results_finding(listed: list[str] | Text, recorded: list[str]) -> Finding:
    """Whether the results are the documents of the input files, each once, in order."""
    if isinstance(listed, Text):
        return _Whole("results", False, listed)
    if listed == recorded:
        each = Text(N_("%(count)s document(s), each once, in input order"), count=len(recorded))
        return _Whole("results", True, each)
    wanted, got = Counter(listed), Counter(recorded)
    for source in recorded:
        if got[source] > wanted[source]:
            if not wanted[source]:
                stranger = Text(
                    N_("%(source)s is not a document of the input files"),
                    source=_brief(source, 80),
                )
                return _Whole("results", False, stranger)
            again = Text(
                N_(
                    "%(source)s is there %(times)s times, the input files give it "
                    "%(wanted)s time(s)"
                ),
                source=_brief(source, 80),
                times=got[source],
                wanted=wanted[source],
            )
            return _Whole("results", False, again)
    short = wanted - got
    if short:
        first_missing = next(source for source in listed if source in short)
        missing = Text(
            N_("%(count)s document(s) of the input files have no result, the first %(source)s"),
            count=sum(short.values()),
            source=_brief(first_missing, 80),
        )
        return _Whole("results", False, missing)
    first = next(i for i, (a, b) in enumerate(zip(listed, recorded, strict=True)) if a != b)
    moved = Text(
        N_("not in input order: result %(number)s is %(source)s, the input files give %(listed)s"),
        number=first + 1,
        source=_brief(recorded[first], 80),
        listed=_brief(listed[first], 80),
    )
    return _Whole("results", False, moved)


def _verify_result(
    result: dict[str, Any], ruleset: RuleSet, documents: _Documents, as_of: datetime.date
) -> Finding:
    source = str(result["source"])
    data = documents.read(source)
    if isinstance(data, Text):
        return Finding(source, False, data)
    digest = hashlib.sha256(data).hexdigest()
    if digest != result.get("sha256"):
        changed = _sha256_changed(result.get("sha256"), digest)
        return Finding(source, False, Text(N_("changed: %(what)s"), what=changed))
    name, _, line = source.rpartition(":")
    jsonl_line = int(line) if name.endswith(".jsonl") and line.isdecimal() else None
    item = evidence_item(source, data, limit=len(data) + 1, jsonl_line=jsonl_line)
    (outcome,) = evaluate_items(ruleset, [item], as_of, validate=True)
    again = _as_recorded(_problems_as_recorded(record(outcome), outcome, result), result)
    if again != result:
        keys = sorted(k for k in again.keys() | result.keys() if again.get(k) != result.get(k))
        differently = Text(
            N_("the same input now evaluates differently (%(keys)s)"), keys=", ".join(keys)
        )
        return Finding(source, False, differently)
    return Finding(source, True, Text(N_("holds")))


# Keys that reports gained with level bounds (spec 9.4): a report made before them still holds
# when everything it does record holds.
_BOUND_KEYS = ("overall_max", "overall_label_max", "decided")
_FACTOR_BOUND_KEYS = ("level_max", "label_max", "decided")


def _as_recorded(again: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    """The result made now, without the bound keys a report from before them does not have."""
    if any(key in result for key in _BOUND_KEYS) or "factors" not in again:
        return again
    again = {key: value for key, value in again.items() if key not in _BOUND_KEYS}
    again["factors"] = {
        fid: {key: value for key, value in factor.items() if key not in _FACTOR_BOUND_KEYS}
        for fid, factor in again["factors"].items()
    }
    return again


def _problems_as_recorded(
    again: dict[str, Any], outcome: Outcome, result: dict[str, Any]
) -> dict[str, Any]:
    """The result made now, its problems as a report from before warnings stood apart lists
    them (every problem under `error`, without `severity`; no `warnings`) when `result` is
    such a report's: its problems hold no `severity`."""
    listed = [*result.get("error", []), *result.get("warnings", [])]
    if any(isinstance(entry, dict) and "severity" in entry for entry in listed):
        return again
    again = {key: value for key, value in again.items() if key != "warnings"}
    if "error" in again:
        again["error"] = [{"pointer": p.pointer, "message": p.message} for p in outcome.problems]
    return again


def _Whole(source: str, holds: bool, message: Text) -> Finding:  # noqa: N802 - a Finding
    return Finding(source, holds, message, whole=True)


class _Unread(Exception):
    """Why a file is not read, in words."""

    def __init__(self, text: Text) -> None:
        super().__init__(str(text))
        self.text = text


def _cannot_read(error: OSError) -> Text:
    return Text(N_("cannot be read: %(reason)s"), reason=error.strerror)


NUL_IN_PATH = Text(N_("cannot be read: the path contains a NUL character"))


def _read_regular(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; checked before it is opened."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _Unread(Text(N_("cannot be read: it is a folder")))
        if not stat.S_ISREG(info.st_mode):
            raise _Unread(NOT_REGULAR)
        if info.st_size > limit:
            raise _Unread(_too_big(info.st_size, limit))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise _Unread(_cannot_read(error)) from None
    except ValueError:
        raise _Unread(NUL_IN_PATH) from None
    if len(data) > limit:
        raise _Unread(Text(N_("the file is more than %(limit)s bytes (the limit)"), limit=limit))
    return data


def _too_big(size: int, limit: int) -> Text:
    return Text(N_("the file is %(size)s bytes; the limit is %(limit)s"), size=size, limit=limit)


class _Documents:
    """The documents of the input files, read as `evaluate` read them: a file, or one line of
    a JSONL file. JSONL files are read forward, line by line, so a report in input order is
    verified in one pass over each file."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.limit = _limit("MODENHET_MAX_VERIFY_SOURCE_BYTES", MAX_SOURCE_BYTES)
        self.cursor: tuple[str, BinaryIO, Iterator[tuple[int, bytes | int]], int] | None = None

    def close(self) -> None:
        if self.cursor is not None:
            self.cursor[1].close()
            self.cursor = None

    def listed(self, files: list[str]) -> list[str] | Text:
        """The sources of every document of the files, in order, or why they cannot be."""
        sources: list[str] = []
        for name in files:
            if name == "-":
                return Text(N_("cannot be verified: the evidence was read from standard input"))
            if not name.endswith(".jsonl"):
                sources.append(name)
                continue
            handle = self._open(name)
            if isinstance(handle, Text):
                sources.append(name)  # a JSONL file that could not be read has one result
                continue
            with handle:
                for number, line in bounded_lines(handle, self.limit):
                    if not isinstance(line, bytes) or line.strip():
                        sources.append(f"{name}:{number}")
        return sources

    def _open(self, name: str) -> BinaryIO | Text:
        path = self.base / name
        try:
            info = path.stat()
            if not stat.S_ISREG(info.st_mode):
                return NOT_REGULAR
            return path.open("rb")
        except OSError as error:
            return _cannot_read(error)
        except ValueError:
            return NUL_IN_PATH

    def read(self, source: str) -> bytes | Text:
        """The recorded bytes of a source, or why not."""
        if source == "-" or source.startswith("-:"):
            return Text(N_("cannot be verified: it was read from standard input"))
        name, _, line = source.rpartition(":")
        if name.endswith(".jsonl") and line.isdecimal():
            return self._line(name, int(line))
        try:
            return _read_regular(self.base / source, self.limit)
        except _Unread as error:
            return error.text

    def _line(self, name: str, wanted: int) -> bytes | Text:
        if self.cursor is None or self.cursor[0] != name or self.cursor[3] >= wanted:
            self.close()
            handle = self._open(name)
            if isinstance(handle, Text):
                return handle
            self.cursor = (name, handle, bounded_lines(handle, self.limit), 0)
        name, handle, lines, _ = self.cursor
        for number, line in lines:
            self.cursor = (name, handle, lines, number)
            if number == wanted:
                if isinstance(line, bytes):
                    return line
                return Text(
                    N_("the line is %(size)s bytes; the limit is %(limit)s"),
                    size=line,
                    limit=self.limit,
                )
        return Text(N_("changed: %(name)s no longer has a line %(line)s"), name=name, line=wanted)
