"""`modenhet lsp`, driven as an editor drives it: the real server in a subprocess, JSON-RPC
with Content-Length framing over its standard input and output, every read with a timeout.

A small client below speaks the protocol; it also fails the test when anything but framed
messages appears on the server's standard output (the protocol channel).
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from click.testing import CliRunner

from modenhet.check.checker import check
from modenhet.cli import main
from modenhet.language.loader import load_rule_files

from conftest import ROOT

TIMEOUT = 20.0  # seconds for any one answer; a hung server fails the test instead of CI

SCHEMA = ROOT / "schemas" / "evidence.schema.json"
MISTAKES = """\
ruleset "Prøve" version "1"
schema "../schemas/evidence.schema.json"
levels {
  1 "Ein"
  2 "To"
}
let økonomi = evidence.economy
let ubrukt = 1
factor f "Førebels faktor" {
  level 2 {
    criterion c "Tittel 😀 æøå" when cout(økonomi.budget_nkk) > 0
  }
}
"""
FIXED = MISTAKES.replace("cout(", "count(").replace("budget_nkk) > 0", "instruments_used) > 0")
FIXED = FIXED.replace("let ubrukt = 1\n", "")
HINT_FUNCTIONS = (
    "the functions are count, exists, sum, min, max, days_since, years_since, year, "
    "contains_all, contains_any"
)


# ------------------------------------------------------------------------------- the client


class Client:
    """A language client over two byte streams: requests, notifications, and what came back."""

    def __init__(self, reader: IO[bytes], writer: IO[bytes]) -> None:
        self.reader = reader
        self.writer = writer
        self.incoming: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.received: list[dict[str, Any]] = []  # every message, in order
        self.pending: list[dict[str, Any]] = []  # notifications not yet taken by a test
        self.bad_output: list[bytes] = []
        self.next_id = 0
        self.thread = threading.Thread(target=self.read_loop, daemon=True)
        self.thread.start()

    def read_loop(self) -> None:
        try:
            while True:
                length = None
                while True:
                    line = self.reader.readline()
                    if not line:
                        return
                    if line == b"\r\n":
                        break
                    name, colon, value = line.decode("ascii", "replace").partition(":")
                    if not colon or not line.endswith(b"\r\n"):
                        self.bad_output.append(line)  # not a header: a stray print
                        continue
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                if length is None:
                    self.bad_output.append(b"<headers without Content-Length>")
                    continue
                body = self.reader.read(length)
                self.incoming.put(json.loads(body))
        except (OSError, ValueError) as error:
            self.bad_output.append(repr(error).encode())
        finally:
            self.incoming.put(None)

    def send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def send_raw(self, body: bytes) -> None:
        self.writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.writer.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def request(self, method: str, params: Any = None) -> dict[str, Any]:
        """Send a request and return its whole response (with `result` or `error`)."""
        self.next_id += 1
        ident = self.next_id
        message: dict[str, Any] = {"id": ident, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.wait(lambda m: m.get("id") == ident and "method" not in m)

    def wait(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        for i, message in enumerate(self.pending):
            if wanted(message):
                return self.pending.pop(i)
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no answer from the server within {TIMEOUT} s")
            try:
                message = self.incoming.get(timeout=remaining)
            except queue.Empty:
                continue
            if message is None:
                self.incoming.put(None)
                raise AssertionError("the server closed its output")
            self.received.append(message)
            if wanted(message):
                return message
            if "method" in message and "id" in message:
                # A request from the server (none is expected): answer it so it never waits.
                self.send({"id": message["id"], "result": None})
            self.pending.append(message)

    def diagnostics(self) -> dict[str, list[dict[str, Any]]]:
        """The diagnostics last published for each URI, after everything sent so far."""
        self.request("modenhet/flush", {})  # answered after every waiting check is published
        latest: dict[str, list[dict[str, Any]]] = {}
        for message in self.pending:
            if message.get("method") == "textDocument/publishDiagnostics":
                latest[message["params"]["uri"]] = message["params"]["diagnostics"]
        self.pending = [
            m for m in self.pending if m.get("method") != "textDocument/publishDiagnostics"
        ]
        return latest

    def logs(self) -> list[dict[str, Any]]:
        return [m["params"] for m in self.received if m.get("method") == "window/logMessage"]

    # -- the usual conversation

    def initialize(self, root: Path, **capabilities: Any) -> dict[str, Any]:
        capabilities.setdefault(
            "textDocument",
            {"completion": {"completionItem": {"snippetSupport": True}}},
        )
        response = self.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities},
        )
        self.notify("initialized", {})
        return response["result"]

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        text = path.read_text(encoding="utf-8") if text is None else text
        self.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "modenhet", "version": 1, "text": text}},
        )
        return uri

    def change(self, uri: str, text: str, version: int = 2) -> None:
        self.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": text}],
            },
        )

    def complete(self, uri: str, line: int, character: int) -> list[dict[str, Any]]:
        response = self.request(
            "textDocument/completion",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        result = response["result"]
        return result["items"] if isinstance(result, dict) else result

    def shutdown(self) -> None:
        assert self.request("shutdown").get("error") is None
        self.notify("exit", None)


class Server:
    """`python -m modenhet lsp` in a subprocess, its stderr kept for the failure message."""

    def __init__(self, cwd: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "modenhet", "lsp", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
        )
        self.stderr: list[bytes] = []
        self.expect_errors = False  # garbage makes pygls log errors (one line each, on stderr)
        self.clients: list[Client] = []
        assert self.process.stderr is not None
        self.drainer = threading.Thread(target=self.drain, args=(self.process.stderr,))
        self.drainer.daemon = True
        self.drainer.start()

    def drain(self, stream: IO[bytes]) -> None:
        for line in stream:
            self.stderr.append(line)

    def client(self) -> Client:
        assert self.process.stdout is not None and self.process.stdin is not None
        self.clients.append(Client(self.process.stdout, self.process.stdin))
        return self.clients[-1]

    def wait(self) -> int:
        try:
            return self.process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            raise AssertionError("the server did not exit") from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        for thread in [self.drainer, *(client.thread for client in self.clients)]:
            thread.join(timeout=TIMEOUT)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass  # the pipe to a dead process may fail to flush


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A folder as a rule author has it: rules/ and, beside it, schemas/."""
    (tmp_path / "schemas").mkdir()
    shutil.copy(SCHEMA, tmp_path / "schemas" / "evidence.schema.json")
    (tmp_path / "rules").mkdir()
    return tmp_path


@pytest.fixture
def server(workspace: Path) -> Iterator[Server]:
    running = Server(workspace)
    yield running
    running.stop()
    out = b"".join(running.stderr).decode("utf-8", "replace")
    assert "Traceback" not in out, out  # one line per problem, even for garbage
    assert not running.expect_errors or "modenhet lsp: ERROR" in out, out


def started(server: Server, workspace: Path, **capabilities: Any) -> Client:
    client = server.client()
    client.initialize(workspace, **capabilities)
    return client


def span(line: int, start: int, end: int) -> dict[str, Any]:
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


# ----------------------------------------------------------------------------- diagnostics


def test_diagnostics_as_the_author_types(server: Server, workspace: Path) -> None:
    client = started(server, workspace)
    path = workspace / "rules" / "top.rules"
    path.write_text(FIXED, encoding="utf-8")  # on disk: correct; in the editor: mistakes
    uri = client.open(path, MISTAKES)
    # Line 11: `    criterion c "Tittel 😀 æøå" when cout(økonomi.budget_nkk) > 0`. `cout` starts
    # at code point 36; the emoji is two UTF-16 code units, so the client's column is 37.
    assert client.diagnostics() == {
        uri: [
            {
                "range": span(7, 4, 10),
                "severity": 2,
                "code": "M607",
                "source": "modenhet",
                "message": "let 'ubrukt' is not used by any criterion\nhint: remove it, or use "
                "it in a criterion",
                "tags": [1],
            },
            {
                "range": span(10, 37, 41),
                "severity": 1,
                "code": "M401",
                "source": "modenhet",
                "message": "unknown function 'cout' (did you mean 'count'?)\nhint: "
                + HINT_FUNCTIONS,
            },
            {
                "range": span(10, 42, 60),
                "severity": 1,
                "code": "M501",
                "source": "modenhet",
                "message": "'evidence.economy.budget_nkk' is not in the schema: "
                "evidence.economy has no key 'budget_nkk' (did you mean 'budget_nok'?)",
            },
        ]
    }
    client.change(uri, FIXED)
    assert client.diagnostics() == {uri: []}
    # A syntax error, then saving: the text in the editor still counts, not the file on disk.
    broken = FIXED.replace("  level 2 {", "  level 2 {{")
    client.change(uri, broken, version=3)
    found = client.diagnostics()[uri]
    assert [(d["code"], d["range"]["start"]) for d in found] == [
        ("M101", {"line": 8, "character": 11})
    ]
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    assert [d["code"] for d in client.diagnostics()[uri]] == ["M101"]
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert client.diagnostics() == {uri: []}
    client.shutdown()
    assert server.wait() == 0
    assert client.bad_output == []


def test_columns_in_the_units_the_client_chose(server: Server, workspace: Path) -> None:
    """UTF-16 unless the client offers another encoding first: with UTF-32, code points."""
    client = server.client()
    result = client.initialize(workspace, general={"positionEncodings": ["utf-32", "utf-16"]})
    assert result["capabilities"]["positionEncoding"] == "utf-32"
    uri = client.open(workspace / "rules" / "top.rules", MISTAKES)
    found = client.diagnostics()[uri]
    assert [d["range"] for d in found if d["code"] != "M607"] == [
        span(10, 36, 40),
        span(10, 41, 59),
    ]
    client.shutdown()
    assert server.wait() == 0


def test_text_not_in_nfc(server: Server, workspace: Path) -> None:
    """The checker counts columns in the NFC text; the editor holds `a` + a combining ring."""
    client = started(server, workspace)
    decomposed = MISTAKES.replace("æøå", unicodedata.normalize("NFD", "åå"))
    assert decomposed != unicodedata.normalize("NFC", decomposed)
    uri = client.open(workspace / "rules" / "top.rules", decomposed)
    found = client.diagnostics()[uri]
    # "æøå" (3) became "a\u030aa\u030a" (4): one more code unit before `cout` than above.
    assert [d["range"] for d in found if d["code"] != "M607"] == [
        span(10, 38, 42),
        span(10, 43, 61),
    ]
    client.shutdown()


INCLUDED = """\
factor g "Del" {
  level 2 {
    criterion d "D" when evidence.economy.budget_nkk > 0
  }
}
"""


def test_diagnostics_of_an_included_file_go_to_that_file(server: Server, workspace: Path) -> None:
    top = workspace / "rules" / "top.rules"
    top.write_text(FIXED + 'include "del.rules"\n', encoding="utf-8")
    part = workspace / "rules" / "del.rules"
    part.write_text(INCLUDED, encoding="utf-8")
    client = started(server, workspace)
    top_uri = client.open(top)
    part_uri = part.as_uri()
    budget = {
        "range": span(2, 25, 52),
        "severity": 1,
        "code": "M501",
        "source": "modenhet",
        "message": "'evidence.economy.budget_nkk' is not in the schema: "
        "evidence.economy has no key 'budget_nkk' (did you mean 'budget_nok'?)",
    }
    assert client.diagnostics() == {top_uri: [], part_uri: [budget]}
    # The included file is opened and fixed without saving: its unsaved text counts, and it is
    # checked as part of the rule set that includes it (not as a rule set of its own).
    client.open(part)
    assert client.diagnostics() == {top_uri: [], part_uri: [budget]}
    client.change(part_uri, INCLUDED.replace("budget_nkk", "budget_nok"))
    assert client.diagnostics() == {top_uri: [], part_uri: []}
    # Closed without saving: the rule set is as on disk again.
    client.notify("textDocument/didClose", {"textDocument": {"uri": part_uri}})
    assert client.diagnostics() == {top_uri: [], part_uri: [budget]}
    client.open(part)
    client.change(part_uri, INCLUDED.replace("budget_nkk", "budget_nok"))
    assert client.diagnostics() == {top_uri: [], part_uri: []}
    # A mistake in the top file that concerns the included one stays in the top file.
    client.change(top_uri, FIXED + 'include "del.rules"\ninclude "borte.rules"\n')
    found = client.diagnostics()
    assert [d["code"] for d in found[top_uri]] == ["M304"]
    assert found[part_uri] == []
    client.shutdown()


def test_an_included_file_opened_alone_finds_its_rule_set(server: Server, workspace: Path) -> None:
    (workspace / "rules" / "top.rules").write_text(FIXED + 'include "del.rules"\n', "utf-8")
    part = workspace / "rules" / "del.rules"
    part.write_text(INCLUDED, encoding="utf-8")
    client = started(server, workspace)
    part_uri = client.open(part)
    found = client.diagnostics()
    assert [d["code"] for d in found[part_uri]] == ["M501"]
    # A file no rule set includes is checked as a rule set: it lacks its header.
    alone = workspace / "rules" / "alone.rules"
    alone.write_text("let x = 1\n", encoding="utf-8")
    alone_uri = client.open(alone)
    assert [d["code"] for d in client.diagnostics()[alone_uri]] == ["M201", "M205", "M607"]
    client.shutdown()


# ------------------------------------------------------------------------------ completion

HALF_TYPED = """\
ruleset "Prøve" version "1"
schema "../schemas/evidence.schema.json"
levels {
  1 "Ein"
  2 "To"
}
let økonomi = evidence.economy
let pengar = økonomi
factor f "F" {
  level 2 {
    criterion c "C"
      when økonomi.
    criterion d "D" when evidence.economy.bud
    criterion e "E" when any o in evidence.participation.user_organisations: o.
    criterion g "😀" when count(pengar.
    criterion h "H" when
  }
}
""".replace('"H" when\n', '"H" when \n')  # the cursor after `when `, at the end of its line


def labels(items: list[dict[str, Any]]) -> list[str]:
    return [item["label"] for item in items]


def by_label(items: list[dict[str, Any]], label: str) -> dict[str, Any]:
    return next(item for item in items if item["label"] == label)


def test_completion_of_evidence_paths(server: Server, workspace: Path) -> None:
    client = started(server, workspace)
    uri = client.open(workspace / "rules" / "top.rules", HALF_TYPED)
    assert [d["code"] for d in client.diagnostics()[uri]] == ["M101"]  # and still it answers
    economy = [
        "in_economic_plan",
        "budget_nok",
        "housing_social_fte",
        "instruments_used",
        "own_instruments",
        "municipal_dwellings_per_1000",
        "startlan_per_1000",
        "net_opex_housing_per_capita",
    ]
    # Through a let that is a path.
    items = client.complete(uri, 11, len("      when økonomi."))
    assert labels(items)[: len(economy)] == economy
    budget = by_label(items, "budget_nok")
    assert budget["kind"] == 5  # Field
    assert budget["detail"] == "Budsjett i kroner"
    assert budget["documentation"] == (
        "Midlar sette av i årsbudsjettet til bustadsosiale tiltak og personale, i norske kroner."
    )
    assert budget["textEdit"] == {"range": span(11, 19, 19), "newText": "budget_nok"}
    # A whole path, half a key typed: the edit replaces what was typed.
    line = '    criterion d "D" when evidence.economy.bud'
    items = client.complete(uri, 12, len(line))
    assert by_label(items, "budget_nok")["textEdit"] == {
        "range": span(12, len(line) - 3, len(line)),
        "newText": "budget_nok",
    }
    # The elements of a list a quantifier's variable runs over.
    line = '    criterion e "E" when any o in evidence.participation.user_organisations: o.'
    assert labels(client.complete(uri, 13, len(line))) == ["name", "involved_in"]
    # A let of a let, after an emoji (two UTF-16 code units) on the same line.
    line = '    criterion g "😀" when count(pengar.'
    items = client.complete(uri, 14, len(line) + 1)
    assert labels(items)[: len(economy)] == economy
    assert by_label(items, "budget_nok")["textEdit"]["range"] == span(
        14, len(line) + 1, len(line) + 1
    )
    # The root of the evidence document.
    client.change(uri, HALF_TYPED.replace("when økonomi.", "when evidence."))
    items = client.complete(uri, 11, len("      when evidence."))
    assert labels(items) == [
        "anchoring",
        "strategy",
        "coordination",
        "economy",
        "competence",
        "participation",
        "individual_help",
        "outcomes",
    ]
    assert by_label(items, "economy")["detail"] == "Økonomiske ressursar"
    # Nothing where the schema has no keys, or the path is not in it.
    for written in ("økonomi.budget_nok.", "evidence.nokon.", "ukjend_let_eller_nøkkel."):
        client.change(uri, HALF_TYPED.replace("when økonomi.", f"when {written}"))
        assert client.complete(uri, 11, len(f"      when {written}")) == []
    client.shutdown()


def test_completion_at_the_start_of_an_expression(server: Server, workspace: Path) -> None:
    client = started(server, workspace)
    uri = client.open(workspace / "rules" / "top.rules", HALF_TYPED)
    items = client.complete(uri, 15, len('    criterion h "H" when '))
    assert {"økonomi", "pengar", "count", "exists", "days_since", "not", "as_of", "evidence"} <= (
        set(labels(items))
    )
    let = by_label(items, "økonomi")
    assert (let["kind"], let["detail"]) == (6, "= evidence.economy")  # Variable
    count = by_label(items, "count")
    assert count["kind"] == 3  # Function
    assert count["detail"] == "count(LIST)"
    assert count["documentation"] == "the number of elements of a list (nulls count)"
    assert count["textEdit"]["newText"] == "count($1)" and count["insertTextFormat"] == 2
    assert by_label(items, "evidence")["detail"] == "Dokumentasjon per suksessfaktor"
    assert "criterion" not in labels(items)
    # Inside a level block, on a line of its own: the criterion and its options.
    client.change(uri, HALF_TYPED.replace('    criterion h "H" when \n', "    cri\n"))
    items = client.complete(uri, 15, len("    cri"))
    assert {"criterion", "advice", "ref", "legal", "and", "or"} <= set(labels(items))
    criterion = by_label(items, "criterion")
    assert criterion["textEdit"] == {
        "range": span(15, 4, 7),
        "newText": 'criterion ${1:id} "${2:Tittel}"\n\twhen $0',
    }
    # Nothing inside a string or a comment.
    assert client.complete(uri, 10, len('    criterion c "')) == []
    client.change(uri, HALF_TYPED.replace("when økonomi.", "# økonomi."))
    assert client.complete(uri, 11, len("      # økonomi.")) == []
    client.shutdown()


def test_completion_without_snippet_support(server: Server, workspace: Path) -> None:
    client = started(server, workspace, textDocument={})
    uri = client.open(workspace / "rules" / "top.rules", HALF_TYPED)
    items = client.complete(uri, 15, len('    criterion h "H" when '))
    assert by_label(items, "count")["textEdit"]["newText"] == "count"
    assert all(item.get("insertTextFormat", 1) == 1 for item in items)
    client.shutdown()


# --------------------------------------------------------------------------- robustness


def test_garbage_does_not_kill_the_server(server: Server, workspace: Path) -> None:
    server.expect_errors = True
    client = started(server, workspace)
    client.send_raw(b"{this is not json")
    client.send_raw(b'{"jsonrpc": "2.0", "id": 99, "method": 42}')
    unknown = client.request("modenhet/no-such-method", {"x": 1})
    assert unknown["error"]["code"] == -32601
    # pygls cannot read these requests, so it cannot answer them: it logs them and goes on.
    client.send({"id": 98, "method": "textDocument/completion", "params": {"nonsense": True}})
    client.send({"id": 97, "method": "modenhet/no-params"})
    # Handlers that fail log to the client's log, and answer as if nothing were there.
    missing = (workspace / "rules" / "never-opened.rules").as_uri()
    assert client.complete(missing, 0, 0) == []
    assert any(log["type"] == 1 and "completion failed" in log["message"] for log in client.logs())
    client.change(missing, "ruleset")  # a change to a document that was never opened
    # Rule text that is nothing like rules.
    uri = client.open(workspace / "rules" / "x.rules", '\x00ruleset "a\n{{{ 😀 ` \\q ] @')
    assert [d["code"] for d in client.diagnostics()[uri]][:1] == ["M112"]
    for text in ("", "ruleset", 'ruleset "x"\nlet = =', "factor" * 1000, "(" * 5000):
        client.change(uri, text)
        client.diagnostics()
        client.complete(uri, 0, len(text))
    # Still answering.
    client.change(uri, HALF_TYPED)
    items = client.complete(uri, 11, len("      when økonomi."))
    assert "budget_nok" in labels(items)
    client.shutdown()
    assert server.wait() == 0
    assert client.bad_output == []


def test_exit_without_shutdown_ends_with_status_1(server: Server, workspace: Path) -> None:
    client = started(server, workspace)
    client.notify("exit", None)  # standard input stays open: the server must not wait for it
    assert server.wait() == 1


def test_the_end_of_input_ends_the_server(server: Server, workspace: Path) -> None:
    started(server, workspace)
    assert server.process.stdin is not None
    server.process.stdin.close()
    server.wait()


def test_tcp(workspace: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    running = Server(workspace, "--tcp", str(port))
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                connection = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with connection, connection.makefile("rwb") as stream:
            client = Client(stream, stream)
            client.initialize(workspace)
            uri = client.open(workspace / "rules" / "top.rules", MISTAKES)
            assert [d["code"] for d in client.diagnostics()[uri]] == ["M607", "M401", "M501"]
            client.shutdown()
            assert running.wait() == 0
            client.thread.join(timeout=TIMEOUT)
    finally:
        running.stop()


# ---------------------------------------------------------------------------- the command


def test_without_pygls_the_command_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pygls", None)  # `import pygls` now fails
    result = CliRunner().invoke(main, ["lsp"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "install modenhet[lsp]" in result.stderr


def test_stdio_and_tcp_together_are_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["lsp", "--stdio", "--tcp", "2087"])
    assert result.exit_code == 2
    assert "not both" in result.stderr


def test_the_version_does_not_import_pygls() -> None:
    code = (
        "import sys\nfrom modenhet.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "assert 'pygls' not in sys.modules and 'modenhet.authoring.lsp' not in sys.modules\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("modenhet ")


# ---------------------------------------------------------- the adapter, in this process


def rule_files() -> list[Path]:
    return sorted(
        p for p in [*ROOT.glob("rules/*.rules"), *ROOT.glob("tests/all_codes/**/*.rules")]
    )


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_in_memory_loading_finds_what_check_finds(path: Path) -> None:
    """The editor's adapter, with every file of the rule set given as unsaved text, finds
    exactly the diagnostics `modenhet check` finds on disk."""
    from modenhet.authoring.lsp.overlay import load_rule_text

    def found(loaded: Any) -> list[tuple[str, str, int, int, int, int, str]]:
        _, diagnostics = check(loaded)
        return [
            (d.code, str(d.span.source.path), d.line, d.column, d.span.end_line,
             d.span.end_column, d.message)
            for d in diagnostics
        ]  # fmt: skip

    on_disk = load_rule_files(path)
    texts = {s.path: s.text for s in on_disk.files}
    assert found(load_rule_text(path, texts)) == found(on_disk)
    assert found(load_rule_text(path, {})) == found(on_disk)


def test_a_key_that_is_not_a_name_is_completed_in_backticks() -> None:
    from lsprotocol import types as lsp

    from modenhet.authoring.lsp.completion import Completer
    from modenhet.authoring.lsp.context import RuleContext
    from modenhet.authoring.lsp.positions import Text
    from modenhet.check.schemapaths import SchemaIndex

    schema = {
        "type": "object",
        "properties": {
            "økonomi": {
                "type": "object",
                "properties": {
                    "budget-2025": {"title": "Budsjett 2025", "type": "number"},
                    "år": {"$ref": "#/$defs/år"},
                },
            }
        },
        "$defs": {"år": {"title": "År", "description": "Rapporteringsåret.", "type": "integer"}},
    }
    text = "let x = `økonomi`."
    completer = Completer(
        Text(text),
        lsp.Position(line=0, character=len(text)),
        RuleContext(),
        SchemaIndex(schema),
        False,
    )
    items = completer.items()
    assert [(i.label, i.detail, i.documentation) for i in items] == [
        ("budget-2025", "Budsjett 2025", None),
        ("år", "År", "Rapporteringsåret."),
    ]
    assert [i.text_edit.new_text for i in items if isinstance(i.text_edit, lsp.TextEdit)] == [
        "`budget-2025`",
        "år",
    ]
    assert [i.label_details.description for i in items if i.label_details] == [
        "a number",
        "a number",
    ]


# ------------------------------------------------------------------ staying responsive


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "zero", "big"])
def test_a_schema_that_is_no_regular_file_neither_hangs_nor_fills_memory(
    server: Server, workspace: Path, kind: str
) -> None:
    """The schema a rule set names is read only when it is a regular file under the limit,
    checked before it is opened: completion answers at once (no key from it), and the server
    goes on answering."""
    target = workspace / "schemas" / "odd.schema.json"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "zero":
        target.symlink_to("/dev/zero")
    else:
        target.write_bytes(b" " * (10 * 1024 * 1024 + 1) + b"{}")
    client = started(server, workspace)
    text = HALF_TYPED.replace("evidence.schema.json", "odd.schema.json")
    uri = client.open(workspace / "rules" / "top.rules", text)
    client.diagnostics()
    start = time.monotonic()
    assert client.complete(uri, 11, len("      when økonomi.")) == []
    assert time.monotonic() - start < 5
    # The server still answers, and completes from a real schema.
    client.change(uri, HALF_TYPED)
    items = client.complete(uri, 11, len("      when økonomi."))
    assert "budget_nok" in labels(items)
    client.shutdown()
    assert server.wait() == 0


def test_completion_in_a_120_kb_document_is_quick(server: Server, workspace: Path) -> None:
    """Completion reads the text before the cursor once: 2,000 factors (108 kB) took 20 s
    with a search from the start of the text for every `{`."""
    client = started(server, workspace)
    body = 'factor f "T" { level 2 { criterion c "t" when evidence.economy.budget_nok > 0 } }\n'
    text = HALF_TYPED + body * 1500
    assert len(text.encode("utf-8")) > 120_000
    lines = text.split("\n")
    uri = client.open(workspace / "rules" / "top.rules", text)
    client.diagnostics()
    start = time.monotonic()
    items = client.complete(uri, len(lines) - 1, 0)
    elapsed = time.monotonic() - start
    assert "factor" in labels(items)
    assert elapsed < 3, f"completion took {elapsed:.1f} s"
    start = time.monotonic()
    items = client.complete(uri, 11, len("      when økonomi."))
    assert "budget_nok" in labels(items)
    assert time.monotonic() - start < 3
    client.shutdown()


def test_a_burst_of_changes_is_checked_once(server: Server, workspace: Path) -> None:
    """didChange is debounced: twenty changes sent at once are one check, of the last text."""
    client = started(server, workspace)
    path = workspace / "rules" / "top.rules"
    uri = client.open(path, FIXED)
    assert client.diagnostics() == {uri: []}
    before = len(client.received)
    for version in range(2, 22):
        broken = FIXED.replace("count(", "cout(") if version % 2 else FIXED
        client.change(uri, broken.replace('"Prøve"', f'"Prøve {version}"'), version=version)
    client.change(uri, MISTAKES, version=30)
    time.sleep(1.0)  # well past the debounce: the check has run by itself
    client.request("shutdown")  # every message sent before its answer is now received
    published = [
        m for m in client.received[before:] if m.get("method") == "textDocument/publishDiagnostics"
    ]
    assert len(published) == 1
    assert [d["code"] for d in published[0]["params"]["diagnostics"]] == ["M607", "M401", "M501"]
    client.notify("exit", None)


# ------------------------------------------------------------------- hover and definition

NAVIGATE = """\
ruleset "Prøve" version "1"
schema "../schemas/evidence.schema.json"
levels {
  1 "Ein"
  2 "To"
}
let økonomi = evidence.economy
factor f "Førebels faktor" {
  level 2 {
    criterion c "Budsjett finst" when økonomi.budget_nok > 0
      advice "Set av pengar i budsjettet."
      ref "Husbanken 2024"
      legal
  }
}
include "del.rules"
"""
PART = """\
let plan = evidence.strategy
"""


def test_hover_and_go_to_definition(server: Server, workspace: Path) -> None:
    top = workspace / "rules" / "top.rules"
    top.write_text(NAVIGATE, encoding="utf-8")
    part = workspace / "rules" / "del.rules"
    part.write_text(PART, encoding="utf-8")
    client = started(server, workspace)
    uri = client.open(top)
    client.diagnostics()

    def ask(method: str, line: int, character: int) -> Any:
        response = client.request(
            f"textDocument/{method}",
            {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}},
        )
        assert "error" not in response, response
        return response["result"]

    text = NAVIGATE.split("\n")
    # A path through a let: the key under the cursor, its schema title and description.
    at = text[9].index("budget_nok") + 3
    hover = ask("hover", 9, at)
    assert hover["contents"]["kind"] == "markdown"
    assert hover["contents"]["value"] == (
        "**Budsjett i kroner**\n\nMidlar sette av i årsbudsjettet til bustadsosiale tiltak og "
        "personale, i norske kroner.\n\n`økonomi.budget_nok` · a number"
    )
    start = text[9].index("budget_nok")
    assert hover["range"] == span(9, start, start + len("budget_nok"))
    # On the let itself: the object it stands for.
    hover = ask("hover", 9, text[9].index("økonomi") + 1)
    assert hover["contents"]["value"].startswith("**Økonomiske ressursar**")
    # A criterion: its title, place, advice and ref.
    hover = ask("hover", 9, text[9].index('"Budsjett') + 2)
    assert hover["contents"]["value"] == (
        "**Budsjett finst**\n\n`criterion c` · `factor f` · `level 2` · `legal`\n\n"
        "advice: Set av pengar i budsjettet.\n\nref: Husbanken 2024"
    )
    # Nothing on a blank line or in the levels.
    assert ask("hover", 3, 3) is None
    # Go to definition: the let's declaration, and the included file.
    found = ask("definition", 9, text[9].index("økonomi") + 2)
    assert found == {"uri": uri, "range": span(6, 4, 4 + len("økonomi"))}
    found = ask("definition", 15, 10)
    assert found == {"uri": part.as_uri(), "range": span(0, 0, 0)}
    assert ask("definition", 9, text[9].index("budget_nok") + 1) is None  # a key, not a let
    # A let declared in the included file.
    client.change(uri, NAVIGATE.replace("økonomi.budget_nok > 0", "exists(plan.master_plan_goals)"))
    client.diagnostics()
    line = NAVIGATE.replace("økonomi.budget_nok > 0", "exists(plan.master_plan_goals)").split("\n")[
        9
    ]
    found = ask("definition", 9, line.index("plan.") + 1)
    assert found == {"uri": part.as_uri(), "range": span(0, 4, 8)}
    client.shutdown()
