"""`modenhet fmt`: rule files rewritten in the canonical layout (docs/formatting.md), every comment
kept; `--check` and `--diff` change nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from modenhet.cli.common import LANG, OK, PROBLEM, fail, output, stderr
from modenhet.i18n import N_, translator

STDIN = "-"


@click.command()
@click.argument("rules", nargs=-1, required=True)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 when a file would change.")
@click.option(
    "--diff",
    is_flag=True,
    help="Change nothing; print the changes as a unified diff; exit 1 when a file would change.",
)
@LANG
def fmt(*, rules: tuple[str, ...], check: bool, diff: bool, lang: str) -> None:
    """Rewrite rule files in one canonical layout, keeping every comment.

    RULES are .rules files and folders (every .rules file inside, with its subfolders; hidden
    folders are skipped); - formats standard input to standard output. A file that is already
    formatted is not touched; one with a syntax error is reported, as check does, and left as
    it is. Files are rewritten atomically (a temporary file, then a rename). Exit status: 0
    when nothing needed changing or everything was rewritten, 1 for a syntax error or (with
    --check or --diff) a file that would change, 2 for a path that does not exist. What it
    says is in the language --lang names.

    \b
    Examples:
        modenhet fmt rules/
        modenhet fmt --check --diff rules/bustadsosialt.rules
    """
    from modenhet.language.formatter import format_source
    from modenhet.source import Source

    words = translator(lang)
    _, ngettext = words.gettext, words.ngettext
    files = _rule_files(rules, lang)
    inputs = [(path, _read(path, lang)) for path in files]  # all read before any write
    report = stderr if diff or STDIN in rules else click.echo
    status, changed, unchanged = OK, 0, 0
    for path, (data, text) in inputs:
        real = Path(os.path.realpath(path)) if path != STDIN else Path(STDIN)
        formatted, diagnostics = format_source(Source.from_text(path, text, real))
        if formatted is None:
            for diagnostic in diagnostics:
                stderr(diagnostic.render(lang))
            count = len(diagnostics)
            report(
                ngettext(
                    "%(path)s: %(count)s error(s), not formatted",
                    "%(path)s: %(count)s error(s), not formatted",
                    count,
                )
                % {"path": path, "count": count}
            )
            status = PROBLEM
            continue
        same = formatted.encode("utf-8") == data
        changed, unchanged = changed + (not same), unchanged + same
        if diff and not same:
            click.echo(unified_diff(text, formatted, path), nl=False)
        if (check or diff) and not same:  # as ruff and black: a file would change
            status = PROBLEM
        if path == STDIN and not (check or diff):
            click.echo(formatted, nl=False)
        elif not same and (check or diff):
            report(_("%(path)s: would be reformatted") % {"path": path})
        elif not same:
            _replace(path, formatted)
            report(_("%(path)s: reformatted") % {"path": path})
    if rules != (STDIN,):
        counts = {"changed": changed, "unchanged": unchanged}
        if check or diff:
            summary = ngettext(
                "%(changed)s file(s) would be reformatted, %(unchanged)s already formatted",
                "%(changed)s file(s) would be reformatted, %(unchanged)s already formatted",
                changed,
            )
        else:
            summary = ngettext(
                "%(changed)s file(s) reformatted, %(unchanged)s already formatted",
                "%(changed)s file(s) reformatted, %(unchanged)s already formatted",
                changed,
            )
        report(summary % counts)
    sys.exit(status)


def _fail(lang: str, path: str, message: str, **values: Any) -> NoReturn:
    """`PATH: error: MESSAGE` in the reader's language; exit 2."""
    from modenhet.errors import SEVERITY_WORDS

    _ = translator(lang).gettext
    fail(f"{path}: {_(SEVERITY_WORDS['error'])}: " + _(message) % values)


def _rule_files(arguments: tuple[str, ...], lang: str) -> list[str]:
    """The files the arguments name, each once; exit 2 for a path that does not exist."""
    files: list[str] = []
    for argument in arguments:
        if argument == STDIN:
            files.append(argument)
        elif os.path.isdir(argument):
            found = []
            for folder, subfolders, names in os.walk(argument):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                found += [os.path.join(folder, name) for name in names if name.endswith(".rules")]
            if not found:
                _fail(lang, argument, N_("no .rules file in this folder"))
            files += sorted(found)
        elif os.path.exists(argument):
            files.append(argument)
        else:
            _fail(lang, argument, N_("no such file or folder"))
    unique: dict[str, str] = {}  # each file once, under the first name it was given
    for path in files:
        unique.setdefault(os.path.realpath(path) if path != STDIN else path, path)
    return list(unique.values())


def _read(path: str, lang: str) -> tuple[bytes, str]:
    """The file's bytes and its text (a byte-order mark dropped); exit 2 when it cannot be read."""
    from modenhet.language.loader import RULE_FILE_BYTES_VARIABLE, decode_rule_bytes
    from modenhet.limits import Limits

    limit = Limits.from_environment().rule_file_bytes
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except OSError as error:
        _fail(lang, path, N_("cannot be read: %(reason)s"), reason=error.strerror)
    if len(data) > limit:
        _fail(
            lang,
            path,
            N_(
                "the rule file is %(size)s bytes; the limit is %(limit)s (raise it with the "
                "environment variable %(variable)s)"
            ),
            size=len(data),
            limit=limit,
            variable=RULE_FILE_BYTES_VARIABLE,
        )
    try:
        return data, decode_rule_bytes(data)
    except UnicodeDecodeError as error:
        _fail(lang, path, N_("not UTF-8 text (byte %(byte)s cannot be decoded)"), byte=error.start)


def unified_diff(old: str, new: str, path: str) -> str:
    """The change as a unified diff, `patch -p0` style, marking a missing final newline."""
    import difflib

    lines = []
    for line in difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), path, path
    ):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _replace(path: str, text: str) -> None:
    """Write the file atomically, with its mode, as `-o` writes a report (`output`); a symbolic
    link stays a link: its target is rewritten."""
    with output(path) as out:
        out.write(text)
