"""The language server (`modenhet lsp`): the checker's diagnostics for the text being typed, and
completion of evidence paths from the schema, of lets, functions and keywords, over the Language
Server Protocol with pygls. Only `modenhet.cli.lsp` imports this module (pygls is an extra).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcMethodNotFound
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from modenhet import __version__
from modenhet.check.checker import check
from modenhet.check.schemapaths import SchemaIndex, SchemaNode, UnknownKey
from modenhet.errors import Diagnostic, RuleFileError
from modenhet.language import nodes as n
from modenhet.language.functions import BUILTINS
from modenhet.language.loader import IncludeLoader, LoadedRules, decode_rule_bytes, read_top_file
from modenhet.language.statictypes import describe_kinds
from modenhet.limits import Limits
from modenhet.source import Source

log = logging.getLogger(__name__)
T = TypeVar("T")

# ------------------------------------------------------------------ rule sets from an editor


class _OverlayLoader(IncludeLoader):
    """The engine's loader, but a file the editor has open is read as the editor holds it.

    The engine still finds, guards and reads each include (so it must exist on disk); only the
    text it then parses is swapped for the unsaved one.
    """

    def __init__(self, loaded: LoadedRules, limits: Limits, texts: Mapping[Path, str]) -> None:
        super().__init__(loaded, limits)
        self.texts = texts

    def load(self, source: Source, data: bytes, *, top: bool, stack: list[Path]) -> None:
        text = self.texts.get(source.path)
        if text is not None:
            source = Source.from_text(source.name, text, source.path)
            data = text.encode("utf-8", "surrogatepass")
        super().load(source, data, top=top, stack=stack)


def load_rule_text(
    path: str | os.PathLike[str], texts: Mapping[Path, str], limits: Limits | None = None
) -> LoadedRules:
    """`loader.load_rule_files` for an editor: a file whose real path is a key of `texts` (the
    top file or an include) is read from there; the others, and the schema, from disk, relative
    to where the files are. Raises `RuleFileError` when the top file is on disk and unreadable."""
    display = os.fspath(path)
    real = Path(os.path.realpath(display))
    limits = limits or Limits.from_environment()
    text = texts.get(real)
    if text is None:
        try:
            text = decode_rule_bytes(read_top_file(display, real, limits))
        except UnicodeDecodeError as error:
            raise RuleFileError(
                display, f"not UTF-8 text (byte {error.start} cannot be decoded); save it as UTF-8"
            ) from None
    loaded = LoadedRules(root=real.parent)
    loader = _OverlayLoader(loaded, limits, {**texts, real: text})
    loader.load(Source.from_text(display, text, real), b"", top=True, stack=[])
    return loaded


# ------------------------------------------------------------------------------- positions

_UNITS: dict[str, Callable[[str], int]] = {
    "utf-8": lambda s: len(s.encode("utf-8", "surrogatepass")),
    "utf-16": lambda s: len(s.encode("utf-16-le", "surrogatepass")) // 2,
    "utf-32": len,
}


class Text:
    """A document as the editor holds it, and the two ways of counting columns: the checker's
    (1-based, code points of the NFC-normalised line) and the protocol's (0-based, in the units
    the client and server agreed on: UTF-16 code units unless the client offered another)."""

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        # Lines end at "\n" as the engine's Source splits them; a "\r" before it is not text.
        self.lines = [line.removesuffix("\r") for line in text.split("\n")]
        self.units = _UNITS.get(str(encoding), _UNITS["utf-16"])

    def position(self, line: int, column: int) -> lsp.Position:
        """The protocol's position of the checker's 1-based `line` and `column`."""
        if line > len(self.lines):
            last = len(self.lines) - 1
            return lsp.Position(line=last, character=self.units(self.lines[last]))
        index = max(line - 1, 0)
        original = self.lines[index]
        cut = _original_index(original, max(column - 1, 0))
        return lsp.Position(line=index, character=self.units(original[:cut]))

    def offset(self, position: lsp.Position) -> tuple[int, int]:
        """The line index and the code point index in it of a position the client sent."""
        index = min(max(position.line, 0), len(self.lines) - 1)
        count = 0
        for i, char in enumerate(self.lines[index]):
            if count >= position.character:
                return index, i
            count += self.units(char)
        return index, len(self.lines[index])

    def range(self, line: int, start: int, end: int) -> lsp.Range:
        """The protocol's range of code points `start`..`end` of line index `line`."""
        text = self.lines[line]
        return lsp.Range(
            start=lsp.Position(line=line, character=self.units(text[:start])),
            end=lsp.Position(line=line, character=self.units(text[:end])),
        )


def _original_index(line: str, nfc_column: int) -> int:
    """The index in `line` where column `nfc_column` (0-based) of its NFC form falls."""
    if unicodedata.is_normalized("NFC", line):
        return min(nfc_column, len(line))
    # Text typed with combining marks (`a` + ring): normalising a longer prefix never yields a
    # shorter text, so take the longest prefix whose normal form fits before the column.
    best = 0
    for i in range(len(line) + 1):
        if len(unicodedata.normalize("NFC", line[:i])) > nfc_column:
            break
        best = i
    return best


def to_lsp(diagnostic: Diagnostic, text: Text) -> lsp.Diagnostic:
    """One of the checker's diagnostics as the protocol writes it; the hint ends the message."""
    span = diagnostic.span
    start = text.position(span.line, span.column)
    end = text.position(span.end_line, span.end_column)
    if (end.line, end.character) < (start.line, start.character):
        end = start
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\nhint: {diagnostic.hint}"
    return lsp.Diagnostic(
        range=lsp.Range(start=start, end=end),
        message=message,
        severity=(
            lsp.DiagnosticSeverity.Error
            if diagnostic.severity == "error"
            else lsp.DiagnosticSeverity.Warning
        ),
        code=diagnostic.code or None,
        source="modenhet",
        # An unused let is shown faded, as editors show unused code.
        tags=[lsp.DiagnosticTag.Unnecessary] if diagnostic.code == "M607" else None,
    )


# ---------------------------------------------------------------------- reading the text

NAME = r"[^\W\d]\w*"
_SEGMENT = rf"(?:{NAME}|`[^`\n]*`)"
_PATH = rf"{_SEGMENT}(?:\s*\.\s*{_SEGMENT})*"
_IDENTIFIER = re.compile(NAME)
_AFTER_DOT = re.compile(rf"(?<![\w.`])(?P<path>{_PATH})\s*\.\s*(?P<partial>{NAME})?$")
_PARTIAL = re.compile(rf"{NAME}$")
_LET_LINE = re.compile(rf"^\s*let\s+(?P<name>{NAME})\s*=\s*(?P<expr>[^#\n]*?)\s*(?:#.*)?$", re.M)
_SCHEMA_LINE = re.compile(r'^\s*schema\s+"(?P<path>[^"\\\n]*)"', re.M)
_STARTS_WITH_RULESET = re.compile(r"^(?:\s|#[^\n]*)*ruleset\b")
_QUANTIFIER = re.compile(rf"\b(?:any|all)\s+(?P<name>{NAME})\s+in\s+(?P<path>{_PATH})\s*:")
_BLOCK_WORD = re.compile(r"\b(levels|factor|level)\b[^{}]*$")
_STATEMENT_START = re.compile(r"(?<![\w.])(?:criterion|let|factor|level|levels|include)\b")
_EXPRESSION_WORDS = re.compile(r"(?<![\w.])(?:when|and|or|not|in)$")


def segments(path: str) -> tuple[tuple[str, bool], ...]:
    """A path's segments, each with whether it was back-ticked."""
    return tuple(
        (part[1:-1], True) if part.startswith("`") else (part, False)
        for part in re.findall(_SEGMENT, path)
    )


def blank(text: str) -> tuple[str, str | None]:
    """`text` with the insides of strings, back-ticks and comments turned into spaces (so that
    a title never looks like code), and what the end of the text is inside, if anything:
    "string", "backtick" or "comment"."""
    out: list[str] = []
    state: str | None = None
    escaped = False
    for char in text:
        if char == "\n":  # neither strings nor back-ticked keys go past the end of a line
            state = None
            out.append(char)
            continue
        if state == "comment":
            out.append(" ")
        elif state == "string":
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                state = None
                out.append(char)
                continue
            out.append(" ")
        elif state == "backtick":
            if char == "`":
                state = None
                out.append(char)
            else:
                out.append(" " if char in "{}" else char)  # keep the key for path matching
        else:
            if char == "#":
                state = "comment"
                out.append(" ")
                continue
            if char == '"':
                state = "string"
            elif char == "`":
                state = "backtick"
            out.append(char)
    return "".join(out), state


@dataclass(frozen=True, slots=True)
class LetInfo:
    """A let as completion needs it: the path it stands for (when it is one) and its text."""

    path: tuple[tuple[str, bool], ...] | None
    text: str


@dataclass
class RuleContext:
    """What a rule file's rule set said, at its last check: the schema and the lets."""

    schema: Path | None = None
    lets: dict[str, LetInfo] = field(default_factory=dict)


def lets_of(statements: Iterable[n.Statement]) -> dict[str, LetInfo]:
    found: dict[str, LetInfo] = {}
    for statement in statements:
        if isinstance(statement, n.LetStmt):
            expr = statement.expr
            path = None
            if isinstance(expr, n.Path):
                path = ((expr.root, expr.root_is_key), *((key, False) for key in expr.keys))
            found.setdefault(statement.name.value, LetInfo(path, expr.span.text()))
    return found


def lets_in_text(text: str) -> dict[str, LetInfo]:
    """The lets a half-typed file declares, read line by line without the parser."""
    found: dict[str, LetInfo] = {}
    for match in _LET_LINE.finditer(text):
        expr = match["expr"]
        path = segments(expr) if re.fullmatch(_PATH, expr) else None
        found.setdefault(match["name"], LetInfo(path, expr))
    return found


# ------------------------------------------------------------------------------ completion

STATEMENT_SNIPPETS = {
    "ruleset": 'ruleset "${1:Namn}" version "${2:1}"',
    "schema": 'schema "${1:../schemas/evidence.schema.json}"',
    "overall": "overall ${1|min,mean,weighted|}",
    "levels": 'levels {\n\t1 "${1:Innleiande}"\n\t$0\n}',
    "let": "let ${1:namn} = $0",
    "include": 'include "${1:fil.rules}"',
    "factor": 'factor ${1:id} "${2:Tittel}" {\n\tlevel ${3:2} {\n\t\t$0\n\t}\n}',
}
FACTOR_SNIPPETS = {"level": "level ${1:2} {\n\t$0\n}"}
CRITERION_SNIPPETS = {
    "criterion": 'criterion ${1:id} "${2:Tittel}"\n\twhen $0',
    "when": "when $0",
    "advice": 'advice "$1"',
    "ref": 'ref "$1"',
    "legal": "legal",
}
EXPRESSION_KEYWORDS = {
    "not": "not $0",
    "any": "any ${1:x} in ${2:liste}: $0",
    "all": "all ${1:x} in ${2:liste}: $0",
    "true": "true",
    "false": "false",
    "as_of": "as_of",
}
CONTINUATION_KEYWORDS = ("and", "or", "not", "in")


class Completer:
    """Completion items for one position of one document."""

    def __init__(
        self,
        text: Text,
        position: lsp.Position,
        context: RuleContext,
        index: SchemaIndex | None,
        snippets: bool,
    ) -> None:
        self.text = text
        self.line, self.column = text.offset(position)
        self.context = context
        self.index = index
        self.snippets = snippets
        before = text.lines[self.line][: self.column]
        self.original = before
        prefix = "\n".join([*text.lines[: self.line], before])
        self.blanked, self.inside = blank(prefix)
        self.before = self.blanked.rsplit("\n", 1)[-1]
        starts = [m.start() for m in _STATEMENT_START.finditer(self.blanked)]
        self.statement = self.blanked[starts[-1] if starts else 0 :]  # the one being written
        defining = re.match(rf"let\s+({NAME})", self.statement)
        self.defining = defining[1] if defining else None  # a let cannot use itself
        self.quantifiers = self.quantifier_variables()

    def items(self) -> list[lsp.CompletionItem]:
        if self.inside is not None:
            return []  # in a string, a comment or a back-ticked key
        after_dot = _AFTER_DOT.search(self.before)
        if after_dot:
            # The blanked text has the same length as the original: read the keys there.
            path = self.original[after_dot.start("path") : after_dot.end("path")]
            return self.key_items(segments(path), after_dot["partial"] or "")
        partial = _PARTIAL.search(self.before)
        word = partial.group() if partial else ""
        if self.before[: len(self.before) - len(word)].rstrip().endswith("."):
            return []  # a key after a `.` that no path on this line leads to
        edit = self.text.range(self.line, self.column - len(word), self.column)
        tail = self.blanked[: len(self.blanked) - len(word)].rstrip()
        block = self.block(tail)
        if tail and (tail[-1] in "=<>!+-*/(,[:" or _EXPRESSION_WORDS.search(tail)):
            return self.expression_items(edit)
        after_operand = bool(tail) and tail[-1] not in '{}"'
        items: list[lsp.CompletionItem] = []
        if block == "level":
            items += self.keyword_items(CRITERION_SNIPPETS, edit)
        elif block == "factor":
            items += self.keyword_items(FACTOR_SNIPPETS, edit)
        elif block is None:
            items += self.keyword_items(STATEMENT_SNIPPETS, edit)
        if after_operand and block in ("level", None):
            items += self.keyword_items({word: word for word in CONTINUATION_KEYWORDS}, edit)
        return items

    # -- where the cursor is

    def block(self, text: str) -> str | None:
        """The innermost `{}` block around the end of `text`: levels, factor, level or None."""
        stack: list[str] = []
        for i, char in enumerate(text):
            if char == "{":
                opener = _BLOCK_WORD.search(text, 0, i)
                stack.append(opener[1] if opener else "?")
            elif char == "}" and stack:
                stack.pop()
        return stack[-1] if stack else None

    def quantifier_variables(self) -> dict[str, tuple[tuple[str, bool], ...]]:
        """The variables of quantifiers written before the cursor in the same statement."""
        return {m["name"]: segments(m["path"]) for m in _QUANTIFIER.finditer(self.statement)}

    # -- evidence paths

    def resolve(self, path: tuple[tuple[str, bool], ...], depth: int = 0) -> SchemaNode | None:
        """The schema node a path reaches through lets and quantifier variables, or None."""
        if self.index is None or not path or depth > 32:
            return None
        (root, ticked), rest = path[0], path[1:]
        node: SchemaNode | UnknownKey | None
        if not ticked and root in self.quantifiers:
            collection = self.resolve(self.quantifiers[root], depth + 1)
            node = None if collection is None else self.index.items(collection)
        elif not ticked and root in self.context.lets:
            let = self.context.lets[root].path
            node = None if let is None else self.resolve(let, depth + 1)
        else:
            node, rest = self.index.root(), path
        for key, _ in rest:
            if not isinstance(node, SchemaNode):
                return None
            node = self.index.child(node, key)
        return node if isinstance(node, SchemaNode) else None

    def key_items(
        self, path: tuple[tuple[str, bool], ...], partial: str
    ) -> list[lsp.CompletionItem]:
        node = self.resolve(path)
        if node is None:
            return []
        edit = self.text.range(self.line, self.column - len(partial), self.column)
        return self.field_items(node, edit)

    def field_items(self, node: SchemaNode, edit: lsp.Range) -> list[lsp.CompletionItem]:
        """A Field item for every key the schema allows at `node`, in the schema's order."""
        assert self.index is not None
        items: list[lsp.CompletionItem] = []
        seen: set[str] = set()
        for schema in node.schemas:
            properties = schema.get("properties")
            if not isinstance(properties, dict):
                continue
            for key, written in properties.items():
                if key in seen:
                    continue
                seen.add(key)
                child = self.index.child(node, key)
                title, description = _words(written, child)
                insert = key if _IDENTIFIER.fullmatch(key) else f"`{key}`"
                items.append(
                    lsp.CompletionItem(
                        label=key,
                        kind=lsp.CompletionItemKind.Field,
                        detail=title,
                        documentation=description,
                        label_details=lsp.CompletionItemLabelDetails(
                            description=describe_kinds(child.kinds())
                            if isinstance(child, SchemaNode)
                            else None
                        ),
                        sort_text=f"{len(items):04d}",
                        filter_text=insert,
                        text_edit=lsp.TextEdit(range=edit, new_text=insert),
                    )
                )
        return items

    # -- the start of an expression

    def expression_items(self, edit: lsp.Range) -> list[lsp.CompletionItem]:
        items: list[lsp.CompletionItem] = []
        for name, path in self.quantifiers.items():
            shown = ".".join(f"`{k}`" if ticked else k for k, ticked in path)
            items.append(self.item(name, lsp.CompletionItemKind.Variable, edit, f"in {shown}"))
        for name, let in sorted(self.context.lets.items()):
            if name not in self.quantifiers and name != self.defining:
                detail = let.text if len(let.text) <= 60 else let.text[:59] + "…"
                items.append(self.item(name, lsp.CompletionItemKind.Variable, edit, f"= {detail}"))
        for builtin in BUILTINS.values():
            item = self.item(builtin.name, lsp.CompletionItemKind.Function, edit, builtin.signature)
            item.documentation = builtin.summary
            if self.snippets:
                item.insert_text_format = lsp.InsertTextFormat.Snippet
                assert isinstance(item.text_edit, lsp.TextEdit)
                item.text_edit.new_text = f"{builtin.name}($1)"
            items.append(item)
        items += self.keyword_items(EXPRESSION_KEYWORDS, edit)
        if self.index is not None:
            roots = [
                item
                for item in self.field_items(self.index.root(), edit)
                if item.label not in self.context.lets and item.label not in self.quantifiers
            ]
            items += roots
        return items

    def keyword_items(self, words: Mapping[str, str], edit: lsp.Range) -> list[lsp.CompletionItem]:
        items = []
        for word, snippet in words.items():
            item = self.item(word, lsp.CompletionItemKind.Keyword, edit)
            if self.snippets and snippet != word:
                item.kind = lsp.CompletionItemKind.Snippet
                item.insert_text_format = lsp.InsertTextFormat.Snippet
                item.text_edit = lsp.TextEdit(range=edit, new_text=snippet)
            items.append(item)
        return items

    def item(
        self, label: str, kind: lsp.CompletionItemKind, edit: lsp.Range, detail: str | None = None
    ) -> lsp.CompletionItem:
        return lsp.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            text_edit=lsp.TextEdit(range=edit, new_text=label),
        )


def _words(written: Any, node: SchemaNode | UnknownKey) -> tuple[str | None, str | None]:
    """The title and description of a key: where the property is written (a `$ref` does not
    carry them along), else from the schema it refers to."""
    candidates = [written] if isinstance(written, dict) else []
    if isinstance(node, SchemaNode):
        candidates += list(node.schemas)
    title = next((c["title"] for c in candidates if isinstance(c.get("title"), str)), None)
    description = next(
        (c["description"] for c in candidates if isinstance(c.get("description"), str)), None
    )
    return title, description


# ---------------------------------------------------------------------------------- server


class RulesServer(LanguageServer):
    """The open documents, the diagnostics published for each rule set and what completion
    needs to know about each rule file."""

    def __init__(self, *, exit_process: bool = False) -> None:
        super().__init__("modenhet", __version__)
        self.exit_process = exit_process  # `exit` ends the process (the command line's server)
        self.shutdown_requested = False
        self.published: dict[Path, set[str]] = {}  # top file -> URIs its last check wrote to
        self.owners: dict[Path, Path] = {}  # included file -> the top file that included it
        self.contexts: dict[Path, RuleContext] = {}  # rule file -> its rule set's schema, lets
        self.schemas: dict[Path, tuple[int, SchemaIndex | None]] = {}

    # -- logging to the client (stdout is the protocol; nothing is ever printed)

    def log(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        log.log(logging.ERROR if kind == lsp.MessageType.Error else logging.INFO, "%s", message)
        try:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
        except Exception:  # no client to tell (not yet connected, or gone)
            log.exception("cannot send a log message to the client")

    def guarded(self, what: str, action: Callable[[], T], default: T) -> T:
        """Run one handler's work; an exception is logged to the client, never raised."""
        try:
            return action()
        except Exception:
            self.log(f"modenhet: {what} failed\n{traceback.format_exc()}", lsp.MessageType.Error)
            return default

    def report_server_error(self, error: Exception, source: Any) -> None:
        # pygls would pop up a message for a message it cannot read; the log is enough. An
        # unknown method is answered with an error already.
        if isinstance(error, JsonRpcMethodNotFound):
            return
        self.log(f"modenhet: {type(error).__name__}: {error}", lsp.MessageType.Error)

    # -- documents

    def path_of(self, uri: str) -> Path:
        """The real path of a document; an unsaved, untitled one is placed in the current
        folder (its includes and schema are read relative to it)."""
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if path is None:
            return Path.cwd() / f".untitled-{zlib.crc32(uri.encode()):08x}.rules"
        return Path(os.path.realpath(path))

    def open_documents(self) -> tuple[dict[Path, str], dict[Path, str]]:
        """The open rule documents' texts and URIs, by real path."""
        texts: dict[Path, str] = {}
        uris: dict[Path, str] = {}
        for document in self.workspace.text_documents.values():
            path = self.path_of(document.uri)
            texts[path] = document.source
            uris[path] = document.uri
        return texts, uris

    def encoding(self) -> str:
        return str(self.workspace.position_encoding or "utf-16")

    # -- diagnostics

    def check_document(self, uri: str) -> None:
        """Check the rule set the document belongs to and publish its diagnostics."""
        path = self.path_of(uri)
        texts, uris = self.open_documents()
        text = texts.get(path, "")
        top = path if _STARTS_WITH_RULESET.match(text) else self.find_top(path, texts)
        self.check_top(top, texts, uris)

    def find_top(self, path: Path, texts: Mapping[Path, str]) -> Path:
        """The top file of the rule set a file without `ruleset` is included in: the one that
        included it last, else an open document or a .rules file in its folder or above that
        includes it; the file itself when none does (its check then says what is missing)."""
        candidates: list[Path] = []
        if path in self.owners:
            candidates.append(self.owners[path])
        candidates += [p for p, t in texts.items() if _STARTS_WITH_RULESET.match(t)]
        folder = path.parent
        for _ in range(4):
            try:
                candidates += sorted(folder.glob("*.rules"))[:50]
            except OSError:
                pass
            if folder.parent == folder:
                break
            folder = folder.parent
        tried: set[Path] = set()
        for candidate in candidates:
            candidate = Path(os.path.realpath(candidate))
            if candidate == path or candidate in tried or len(tried) >= 20:
                continue
            tried.add(candidate)
            if not _STARTS_WITH_RULESET.match(texts.get(candidate) or _head(candidate)):
                continue
            try:
                loaded = load_rule_text(candidate, texts)
            except RuleFileError:
                continue
            if any(source.path == path for source in loaded.files):
                self.owners[path] = candidate
                return candidate
        return path

    def check_top(self, top: Path, texts: Mapping[Path, str], uris: Mapping[Path, str]) -> None:
        found: dict[str, list[lsp.Diagnostic]] = {}
        top_uri = uris.get(top) or _uri(str(top))
        # The top file under the name the editor uses, so that included files are published
        # under names beside it (the real paths may differ, through a symbolic link).
        display = to_fs_path(top_uri) if top_uri.startswith("file:") else None
        try:
            loaded = load_rule_text(display or top, texts)
        except RuleFileError as error:
            start = lsp.Position(line=0, character=0)
            found[top_uri] = [
                lsp.Diagnostic(
                    range=lsp.Range(start=start, end=start),
                    message=error.message,
                    severity=lsp.DiagnosticSeverity.Error,
                    source="modenhet",
                )
            ]
        else:
            _, diagnostics = check(loaded)
            in_file: dict[Path, list[Diagnostic]] = {s.path: [] for s in loaded.files}
            for diagnostic in diagnostics:
                in_file.setdefault(diagnostic.span.source.path, []).append(diagnostic)
            originals = {
                source.path: data
                for source, data in zip(loaded.files, loaded.file_bytes, strict=True)
            }
            names = {source.path: source.name for source in loaded.files}
            for path, mine in in_file.items():
                name = names.get(path, "")
                uri = uris.get(path) or _uri(name if os.path.isabs(name) else str(path))
                original = texts.get(path)
                if original is None:
                    original = decode_rule_bytes(originals.get(path, b""))
                lines = Text(original, self.encoding())
                found[uri] = [to_lsp(d, lines) for d in mine]
            self.remember(loaded)
        for uri in self.published.get(top, set()) - found.keys():
            self.publish(uri, [])
        for uri, diagnostics_of_file in found.items():
            self.publish(uri, diagnostics_of_file)
        self.published[top] = set(found)

    def publish(self, uri: str, diagnostics: list[lsp.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics)
        )

    def remember(self, loaded: LoadedRules) -> None:
        """Keep each file's schema and lets for completion, and who includes whom."""
        top = loaded.files[0].path
        schema = None
        for placed in loaded.statements:
            if placed.top and isinstance(placed.statement, n.SchemaStmt):
                schema = top.parent / placed.statement.path.value
                break
        lets = lets_of(p.statement for p in loaded.statements)
        for source in loaded.files:
            previous = self.contexts.get(source.path)
            if previous is not None and source.path == top and not loaded.statements:
                # A syntax error on the first lines: keep what the last good check found.
                schema, lets = schema or previous.schema, lets or previous.lets
            self.contexts[source.path] = RuleContext(schema, lets)
        for source in loaded.files[1:]:
            self.owners[source.path] = top

    def close_document(self, uri: str) -> None:
        """Clear what the document's check published; when an open rule set includes it,
        check that one again, now with the file as it is on disk."""
        path = self.path_of(uri)
        for published in self.published.pop(path, set()) | {uri}:
            self.publish(published, [])
        texts, uris = self.open_documents()
        owner = self.owners.get(path)
        if owner is not None and owner in uris:
            self.check_top(owner, texts, uris)

    # -- completion

    def complete(self, params: lsp.CompletionParams) -> lsp.CompletionList:
        uri = params.text_document.uri
        document = self.workspace.get_text_document(uri)
        source = document.source
        path = self.path_of(uri)
        remembered = self.contexts.get(path, RuleContext())
        context = RuleContext(remembered.schema, dict(remembered.lets))
        context.lets.update(lets_in_text(source))  # lets typed since the last good parse
        written = _SCHEMA_LINE.search(source)
        if written and _STARTS_WITH_RULESET.match(source):
            context.schema = path.parent / written["path"]
        index = self.schema_index(context.schema) if context.schema else None
        completer = Completer(
            Text(source, self.encoding()), params.position, context, index, self.snippets()
        )
        return lsp.CompletionList(is_incomplete=False, items=completer.items())

    def snippets(self) -> bool:
        capabilities = self.client_capabilities.text_document
        completion = capabilities.completion if capabilities else None
        item = completion.completion_item if completion else None
        return bool(item and item.snippet_support)

    def schema_index(self, path: Path) -> SchemaIndex | None:
        """The schema at `path`, read again when the file has changed; None when unreadable."""
        try:
            stamp = path.stat().st_mtime_ns
        except OSError:
            return None
        cached = self.schemas.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            schema = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            schema = None
        index = SchemaIndex(schema) if isinstance(schema, dict) else None
        self.schemas[path] = (stamp, index)
        return index


def _uri(path: str) -> str:
    return from_fs_path(path) or Path(path).as_uri()


def _head(path: Path) -> str:
    """The first few kilobytes of a file ('' when it cannot be read)."""
    try:
        with path.open("rb") as file:
            return file.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""


def build_server(*, exit_process: bool = False) -> RulesServer:
    """The language server with its handlers; `exit_process` makes `exit` end the process even
    while a thread still waits on standard input."""
    server = RulesServer(exit_process=exit_process)

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: RulesServer, params: lsp.DidOpenTextDocumentParams) -> None:
        ls.guarded("checking", lambda: ls.check_document(params.text_document.uri), None)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: RulesServer, params: lsp.DidChangeTextDocumentParams) -> None:
        ls.guarded("checking", lambda: ls.check_document(params.text_document.uri), None)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: RulesServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.guarded("checking", lambda: ls.check_document(params.text_document.uri), None)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RulesServer, params: lsp.DidCloseTextDocumentParams) -> None:
        ls.guarded("closing", lambda: ls.close_document(params.text_document.uri), None)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
    def completion(ls: RulesServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        empty = lsp.CompletionList(is_incomplete=False, items=[])
        return ls.guarded("completion", lambda: ls.complete(params), empty)

    @server.feature(lsp.SHUTDOWN)
    def shutdown(ls: RulesServer, params: None) -> None:
        ls.shutdown_requested = True

    @server.feature(lsp.EXIT)
    def exit_(ls: RulesServer, params: None) -> None:
        if ls.exit_process:
            # pygls would wait for the thread reading standard input, which the client may
            # keep open; the protocol says the process ends now: 0 after `shutdown`, else 1.
            logging.shutdown()
            sys.stderr.flush()
            os._exit(0 if ls.shutdown_requested else 1)

    return server
