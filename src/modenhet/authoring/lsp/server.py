"""The language server: a pygls server whose handlers check the rule set a document belongs to
and publish its diagnostics, complete at a position, and never let an exception reach the client
(it is logged to the client instead). It remembers, per rule file, who includes it and what its
last good check said about the schema and the lets.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
import traceback
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types as lsp
from pygls.exceptions import JsonRpcMethodNotFound
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from modenhet import __version__
from modenhet.authoring.lsp.completion import Completer
from modenhet.authoring.lsp.context import (
    SCHEMA_LINE,
    STARTS_WITH_RULESET,
    RuleContext,
    lets_in_text,
    lets_of,
)
from modenhet.authoring.lsp.diagnostics import diagnostics_by_uri, unreadable, uri_of
from modenhet.authoring.lsp.navigation import Navigator
from modenhet.authoring.lsp.overlay import load_rule_text
from modenhet.authoring.lsp.positions import Text
from modenhet.check.schemapaths import SchemaIndex
from modenhet.errors import RuleFileError
from modenhet.language import nodes as n
from modenhet.language.loader import LoadedRules, Unreadable, read_bounded
from modenhet.limits import Limits

# The package's name, as the log lines have always shown it.
log = logging.getLogger("modenhet.authoring.lsp")
T = TypeVar("T")


DEBOUNCE_SECONDS = 0.2  # a pause in typing this long, and the document is checked
FLUSH = "modenhet/flush"  # a request answered after every waiting check has been published


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
        self.schemas: dict[Path, tuple[tuple[int, int], SchemaIndex | None]] = {}
        self.pending: dict[str, asyncio.TimerHandle] = {}  # uri -> its check after typing

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

    def check_soon(self, uri: str) -> None:
        """Check the document when the author has stopped typing for `DEBOUNCE_SECONDS`: a
        burst of changes is one check, not one per keystroke."""
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        self.pending[uri] = asyncio.get_running_loop().call_later(
            DEBOUNCE_SECONDS, self.check_pending, uri
        )

    def check_pending(self, uri: str) -> None:
        waiting = self.pending.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
            self.guarded("checking", lambda: self.check_document(uri), None)

    def check_all_pending(self) -> None:
        """Run every check still waiting for the author to stop typing (`modenhet/flush`)."""
        for uri in list(self.pending):
            self.check_pending(uri)

    def check_document(self, uri: str) -> None:
        """Check the rule set the document belongs to and publish its diagnostics."""
        path = self.path_of(uri)
        texts, uris = self.open_documents()
        text = texts.get(path, "")
        top = path if STARTS_WITH_RULESET.match(text) else self.find_top(path, texts)
        self.check_top(top, texts, uris)

    def find_top(self, path: Path, texts: Mapping[Path, str]) -> Path:
        """The top file of the rule set a file without `ruleset` is included in: the one that
        included it last, else an open document or a .rules file in its folder or above that
        includes it; the file itself when none does (its check then says what is missing)."""
        candidates: list[Path] = []
        if path in self.owners:
            candidates.append(self.owners[path])
        candidates += [p for p, t in texts.items() if STARTS_WITH_RULESET.match(t)]
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
            if not STARTS_WITH_RULESET.match(texts.get(candidate) or _head(candidate)):
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
        top_uri = uris.get(top) or uri_of(str(top))
        # The top file under the name the editor uses, so that included files are published
        # under names beside it (the real paths may differ, through a symbolic link).
        display = to_fs_path(top_uri) if top_uri.startswith("file:") else None
        try:
            loaded = load_rule_text(display or top, texts)
        except RuleFileError as error:
            found[top_uri] = [unreadable(error.message)]
        else:
            found = diagnostics_by_uri(loaded, texts, uris, self.encoding())
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
        written = SCHEMA_LINE.search(source)
        if written and STARTS_WITH_RULESET.match(source):
            context.schema = path.parent / written["path"]
        index = self.schema_index(context.schema) if context.schema else None
        completer = Completer(
            Text(source, self.encoding()), params.position, context, index, self.snippets()
        )
        return lsp.CompletionList(is_incomplete=False, items=completer.items())

    # -- hover and go to definition

    def navigator(self, uri: str, position: lsp.Position) -> Navigator:
        """What hover and go-to-definition read: the document, its rule set as loaded now
        (None when its top file cannot be read), the schema and the lets."""
        document = self.workspace.get_text_document(uri)
        path = self.path_of(uri)
        texts, _uris = self.open_documents()
        top = path if STARTS_WITH_RULESET.match(document.source) else self.find_top(path, texts)
        try:
            loaded: LoadedRules | None = load_rule_text(top, texts)
        except RuleFileError:
            loaded = None
        if loaded is not None:
            self.remember(loaded)
        remembered = self.contexts.get(path, RuleContext())
        context = RuleContext(remembered.schema, dict(remembered.lets))
        context.lets.update(lets_in_text(document.source))
        index = self.schema_index(context.schema) if context.schema else None
        return Navigator(
            path, Text(document.source, self.encoding()), position, context, index, loaded
        )

    def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        return self.navigator(params.text_document.uri, params.position).hover()

    def definition(self, params: lsp.DefinitionParams) -> lsp.Location | None:
        place = self.navigator(params.text_document.uri, params.position).definition()
        if place is None:
            return None
        texts, uris = self.open_documents()
        real = Path(os.path.realpath(place.path))
        uri = uris.get(real) or uri_of(str(place.path))
        if place.span is None:
            start = lsp.Position(line=0, character=0)
            return lsp.Location(uri=uri, range=lsp.Range(start=start, end=start))
        text = Text(texts.get(real, place.span.source.text), self.encoding())
        span = place.span
        return lsp.Location(
            uri=uri,
            range=lsp.Range(
                start=text.position(span.line, span.column),
                end=text.position(span.end_line, span.end_column),
            ),
        )

    def snippets(self) -> bool:
        capabilities = self.client_capabilities.text_document
        completion = capabilities.completion if capabilities else None
        item = completion.completion_item if completion else None
        return bool(item and item.snippet_support)

    def schema_index(self, path: Path) -> SchemaIndex | None:
        """The schema at `path`, read again when the file has changed; None when unreadable.
        Only a regular file under the rule-file size limit is read (checked before it is
        opened): a FIFO would block the server, /dev/zero would fill its memory."""
        try:
            info = path.stat()
        except (OSError, ValueError):
            return None
        stamp = (info.st_mtime_ns, info.st_size)
        cached = self.schemas.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            limit = Limits.from_environment().rule_file_bytes
            schema = json.loads(read_bounded(path, limit).decode("utf-8"))
        except (Unreadable, ValueError, RecursionError):
            schema = None
        index = SchemaIndex(schema) if isinstance(schema, dict) else None
        self.schemas[path] = (stamp, index)
        return index


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
        ls.guarded("checking", lambda: ls.check_soon(params.text_document.uri), None)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE, lsp.SaveOptions(include_text=False))
    def did_save(ls: RulesServer, params: lsp.DidSaveTextDocumentParams) -> None:
        ls.pending.pop(params.text_document.uri, None)  # checked now instead
        ls.guarded("checking", lambda: ls.check_document(params.text_document.uri), None)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: RulesServer, params: lsp.DidCloseTextDocumentParams) -> None:
        waiting = ls.pending.pop(params.text_document.uri, None)
        if waiting is not None:
            waiting.cancel()
        ls.guarded("closing", lambda: ls.close_document(params.text_document.uri), None)

    @server.feature(FLUSH)
    def flush(ls: RulesServer, params: Any) -> None:
        """Answered once every check still waiting for a pause in typing has been published
        (for clients and tests that need the diagnostics of the text sent so far)."""
        ls.guarded("checking", ls.check_all_pending, None)

    @server.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=["."]))
    def completion(ls: RulesServer, params: lsp.CompletionParams) -> lsp.CompletionList:
        empty = lsp.CompletionList(is_incomplete=False, items=[])
        return ls.guarded("completion", lambda: ls.complete(params), empty)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(ls: RulesServer, params: lsp.HoverParams) -> lsp.Hover | None:
        return ls.guarded("hover", lambda: ls.hover(params), None)

    @server.feature(lsp.TEXT_DOCUMENT_DEFINITION)
    def definition(ls: RulesServer, params: lsp.DefinitionParams) -> lsp.Location | None:
        return ls.guarded("go to definition", lambda: ls.definition(params), None)

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
