"""Reading rule files: UTF-8 and NFC, includes resolved depth-first inside the rule set's
directory, each file loaded once, and the rule set's SHA-256 over every file in load order.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from modenhet.errors import Diagnostic, RuleFileError
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.parser import parse
from modenhet.limits import Limits
from modenhet.source import Source, Span


@dataclass(frozen=True, slots=True)
class Placed:
    """A statement with the file it came from and whether that file is the top file."""

    statement: n.Statement
    top: bool


@dataclass
class LoadedRules:
    """The files in load order, the statements with includes expanded in place, and findings."""

    root: Path
    files: list[Source] = field(default_factory=list)
    statements: list[Placed] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    file_bytes: list[bytes] = field(default_factory=list)
    limits: Limits = field(default_factory=Limits)  # also bound the schema the checker reads

    def sha256(self) -> str:
        """SHA-256 over each file's root-relative path, NUL, its bytes, NUL (spec section 8)."""
        digest = hashlib.sha256()
        for source, data in zip(self.files, self.file_bytes, strict=True):
            relative = source.path.relative_to(self.root).as_posix()
            digest.update(relative.encode("utf-8") + b"\0" + data + b"\0")
        return digest.hexdigest()


RULE_FILE_BYTES_VARIABLE = "MODENHET_MAX_RULE_FILE_BYTES"


def decode_rule_bytes(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark dropped); UnicodeDecodeError names the offset."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8")


class Unreadable(Exception):
    """Why a file the rule set names (an include, the schema) is not read, in words: `text`
    in the reader's language, `str()` in English."""

    def __init__(self, why: str | Text) -> None:
        super().__init__(str(why))
        self.text = why


DIRECTORY = N_("is a directory")
NOT_REGULAR = N_("is not a regular file (a device, a pipe or a socket)")
NO_SUCH_FILE = N_("no such file")
TOO_LARGE = N_(
    "the file is more than %(limit)s bytes (the limit; raise it with the environment variable "
    "%(variable)s)"
)


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or `Unreadable`.

    A rule set names files that a user may not have looked at: a FIFO or a device there would
    block or never end, and a huge file would fill the memory, so neither is opened or read."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise Unreadable(Text(DIRECTORY))
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(Text(NOT_REGULAR))
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise Unreadable(Text(NO_SUCH_FILE)) from None
    except OSError as error:
        raise Unreadable(error.strerror or str(error)) from None  # the system's words
    except ValueError:  # a NUL character in the path
        raise Unreadable(Text(N_("the path contains a NUL character"))) from None
    if len(data) > limit:
        raise Unreadable(Text(TOO_LARGE, limit=limit, variable=RULE_FILE_BYTES_VARIABLE))
    return data


def load_rule_files(path: str | os.PathLike[str], limits: Limits | None = None) -> LoadedRules:
    """Read the top file and everything it includes. Raises `RuleFileError` when the top file
    itself cannot be read; every other problem is a diagnostic."""
    display = os.fspath(path)
    real = Path(os.path.realpath(display))
    limits = limits or Limits.from_environment()
    data = read_top_file(display, real, limits)
    loaded = LoadedRules(root=real.parent)
    try:
        text = decode_rule_bytes(data)
    except UnicodeDecodeError as error:
        raise RuleFileError(
            display,
            Text(
                N_("not UTF-8 text (byte %(byte)s cannot be decoded); save it as UTF-8"),
                byte=error.start,
            ),
        ) from None
    IncludeLoader(loaded, limits).load(
        Source.from_text(display, text, real), data, top=True, stack=[]
    )
    return loaded


def read_top_file(display: str, real: Path, limits: Limits) -> bytes:
    if not os.path.exists(display):
        raise RuleFileError(display, Text(N_("no such rule file")))
    if os.path.isdir(display):
        raise RuleFileError(display, Text(N_("is a directory; name the rule set's .rules file")))
    limit = limits.rule_file_bytes
    try:
        size = os.path.getsize(display)  # the path as given: `real` of a pipe is no path
        if size > limit:
            raise RuleFileError(
                display,
                Text(
                    N_(
                        "the rule file is %(size)s bytes; the limit is %(limit)s (raise it with "
                        "the environment variable %(variable)s)"
                    ),
                    size=size,
                    limit=limit,
                    variable=RULE_FILE_BYTES_VARIABLE,
                ),
            )
        with open(display, "rb") as handle:  # at most the limit, also from a pipe (`<(...)`)
            data = handle.read(limit + 1)
    except OSError as error:
        raise RuleFileError(
            display, Text(N_("cannot be read: %(reason)s"), reason=error.strerror)
        ) from None
    if len(data) > limit:
        raise RuleFileError(
            display,
            Text(
                N_(
                    "the rule file is more than %(limit)s bytes (the limit; raise it with the "
                    "environment variable %(variable)s)"
                ),
                limit=limit,
                variable=RULE_FILE_BYTES_VARIABLE,
            ),
        )
    return data


class IncludeLoader:
    def __init__(self, loaded: LoadedRules, limits: Limits) -> None:
        self.limits = limits
        self.loaded = loaded
        loaded.limits = limits
        self.seen: set[Path] = set()

    def load(self, source: Source, data: bytes, *, top: bool, stack: list[Path]) -> None:
        self.seen.add(source.path)
        self.loaded.files.append(source)
        self.loaded.file_bytes.append(data)
        rule_file, diagnostics = parse(source, self.limits.expression_depth)
        self.loaded.diagnostics.extend(diagnostics)
        if rule_file is None:
            return
        for statement in rule_file.statements:
            self.loaded.statements.append(Placed(statement, top))
            if isinstance(statement, n.IncludeStmt):
                self.include(source, statement, [*stack, source.path])

    def include(self, parent: Source, statement: n.IncludeStmt, stack: list[Path]) -> None:
        written = statement.path.value
        span = statement.path.span
        if "\0" in written:  # no file has one in its name; os.path would raise ValueError
            self.error("M304", span, Text(N_("the include path contains a NUL character")))
            return
        if os.path.isabs(written) or written.startswith("~"):
            self.error(
                "M301",
                span,
                Text(N_("include path '%(path)s' is absolute"), path=written),
                Text(N_("write the path relative to the including file")),
            )
            return
        target = Path(os.path.realpath(parent.path.parent / written))
        display = os.path.normpath(os.path.join(os.path.dirname(parent.name), written))
        if not target.is_relative_to(self.loaded.root):
            self.error(
                "M302",
                span,
                Text(
                    N_("include '%(path)s' leaves the rule set's directory %(root)s"),
                    path=written,
                    root=self.loaded.root,
                ),
                Text(N_("included files must lie inside the directory of the top rule file")),
            )
            return
        if target in stack:
            chain = " -> ".join(
                p.relative_to(self.loaded.root).as_posix()
                for p in [*stack[stack.index(target) :], target]
            )
            self.error("M303", span, Text(N_("include cycle: %(chain)s"), chain=chain))
            return
        if target in self.seen:
            return  # loaded once; its factors took the place of its first include
        if len(stack) >= self.limits.include_depth:  # loading recurses once per level
            self.error(
                "M305",
                span,
                Text(
                    N_(
                        "this include is nested more than %(limit)s files deep (the limit; "
                        "raise it with the environment variable %(variable)s)"
                    ),
                    limit=self.limits.include_depth,
                    variable="MODENHET_MAX_INCLUDE_DEPTH",
                ),
                Text(N_("include the files side by side from one file")),
            )
            return
        if len(self.loaded.files) >= self.limits.rule_files:
            self.error(
                "M305",
                span,
                Text(
                    N_(
                        "more than %(limit)s rule files are included (the limit; raise it with "
                        "the environment variable %(variable)s)"
                    ),
                    limit=self.limits.rule_files,
                    variable="MODENHET_MAX_RULE_FILES",
                ),
            )
            return
        try:
            data = read_bounded(target, self.limits.rule_file_bytes)
        except Unreadable as error:
            if str(error) == DIRECTORY:
                message = Text(
                    N_("include '%(path)s' is a directory, not a rule file"), path=written
                )
            else:
                message = Text(
                    N_("cannot read included file '%(path)s': %(reason)s"),
                    path=written,
                    reason=error.text,
                )
            self.error("M304", span, message)
            return
        try:
            text = decode_rule_bytes(data)
        except UnicodeDecodeError as error:
            self.error(
                "M304",
                span,
                Text(
                    N_(
                        "included file '%(path)s' is not UTF-8 text (byte %(byte)s cannot be "
                        "decoded)"
                    ),
                    path=written,
                    byte=error.start,
                ),
            )
            return
        self.load(Source.from_text(display, text, target), data, top=False, stack=stack)

    def error(
        self, code: str, span: Span, message: str | Text, hint: str | Text | None = None
    ) -> None:
        self.loaded.diagnostics.append(Diagnostic.of(code, span, message, hint))
