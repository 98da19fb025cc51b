"""What the commands share: exit statuses, error lines, common options, loading the rule set,
finding evidence files and writing output atomically."""

from __future__ import annotations

import datetime
import errno
import io
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, TypeVar, cast

import click

if TYPE_CHECKING:
    from modenhet.engine.ruleset import RuleSet

OK, PROBLEM, CANNOT_RUN = 0, 1, 2
F = TypeVar("F", bound=Callable[..., Any])


def stderr(text: str) -> None:
    """A message on stderr, control characters from the input made visible (`visible`)."""
    from modenhet.errors import terminal_text

    click.echo(terminal_text(text), err=True)


def fail(message: str) -> NoReturn:
    """The command cannot run as asked: say why and exit 2."""
    stderr(message)
    sys.exit(CANNOT_RUN)


def parse_date(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> datetime.date | None:
    """A date option written YYYY-MM-DD, or None when it is not given."""
    if value is None:
        return None
    import re

    written = re.fullmatch(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", value)
    if written is None:
        raise click.BadParameter(f"{value!r} is not a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        year, month, day = (int(part) for part in written.groups())
        raise click.BadParameter(
            f"{value!r} is not a real date: {_why_not(year, month, day)}"
        ) from None


def _why_not(year: int, month: int, day: int) -> str:
    """What is wrong with a date written YYYY-MM-DD that does not exist."""
    import calendar

    if year == 0:
        return "there is no year 0000"
    if not 1 <= month <= 12:
        return f"there is no month {month:02d}"
    days = calendar.monthrange(year, month)[1]
    name = calendar.month_name[month]  # English, as every diagnostic (docs/translating.md)
    return f"{name} {year} has {days} days"


def _parse_as_of(ctx: click.Context, param: click.Parameter, value: str | None) -> datetime.date:
    return parse_date(ctx, param, value) or datetime.date.today()


AS_OF = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    callback=_parse_as_of,
    help="The evaluation date (default: today). Always recorded in the report.",
)
RULES = click.option(
    "-r",
    "--rules",
    "rules",
    metavar="RULES",
    help="The rule set (.rules file). Default: the rule set shipped with modenhet.",
)
LANG = click.option(
    "--lang",
    type=click.Choice(["nn", "nb", "en"]),
    default="nn",
    show_default=True,
    envvar="MODENHET_LANG",  # modenhet.i18n.LANGUAGE_VARIABLE
    show_envvar=True,
    help="The language of modenhet's own words: nynorsk, bokmål or English. Rule titles and "
    "advice are shown as the rule set writes them.",
)
OUTPUT = click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    help="Write the report to FILE (atomically) instead of standard output.",
)
RECURSIVE = click.option("--recursive", is_flag=True, help="Read folders recursively.")
COLOR = click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Statuses in colour: auto colours a terminal only, and honours NO_COLOR and FORCE_COLOR.",
)
QUIET = click.option(
    "-q", "--quiet", is_flag=True, help="Print only problems: no warnings, progress or summary."
)
VERBOSE = click.option("-v", "--verbose", is_flag=True, help="Print more: see the command.")


def use_color(choice: str, stream: TextIO) -> bool:
    """Whether to write colour to `stream`: `--color always` or `never` as said; `auto` (the
    default) not when NO_COLOR is set and not empty (no-color.org), yes when FORCE_COLOR is
    (and not 0), else only on a terminal, never in a pipe or a file."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def verbosity(quiet: bool, verbose: bool) -> int:
    """-1 for -q, 1 for -v, 0 for neither; both is a usage error (exit 2)."""
    if quiet and verbose:
        raise click.UsageError("-q/--quiet and -v/--verbose exclude each other")
    return -1 if quiet else 1 if verbose else 0


def format_option(what: str, help: str = "The report format.") -> Callable[[F], F]:
    """`-f/--format`: the formats the report table (`modenhet.report.RENDERERS`) has for a
    command, its first the default."""
    from modenhet.report import formats

    choices = formats(what)
    return click.option(
        "-f",
        "--format",
        "format_",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help=help,
    )


MAX_BYTES = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=16 * 1024 * 1024,
    show_default=True,
    metavar="N",
    help="The largest evidence document (or JSONL line) read, in bytes.",
)


# What the extension of `-o FILE` says the report is, for every command that writes one.
REPORT_EXTENSIONS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".csv": "csv",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xlsx": "xlsx",
    ".sarif": "sarif",
    ".xml": "junit",
}


def report_format(format_: str, output_path: str | None, choices: Iterable[str]) -> str:
    """The report's format: `--format` when it is given, else the one the extension of `-o`
    names (`-o report.xlsx`), else the default. `--format` and an extension that disagree,
    or an extension naming a format the command does not write, are usage errors (exit 2)."""
    if output_path is None:
        return format_
    implied = REPORT_EXTENSIONS.get(os.path.splitext(output_path)[1].lower())
    if implied is None:
        return format_
    ctx = click.get_current_context()
    source = ctx.get_parameter_source("format_")
    # A format from the configuration file (DEFAULT_MAP) is a default too: -o's extension
    # beats it, as every option beats the file.
    given = source not in (
        None,
        click.core.ParameterSource.DEFAULT,
        click.core.ParameterSource.DEFAULT_MAP,
    )
    if given:
        if implied != format_:
            raise click.UsageError(
                f"-o {output_path} names a {implied} file, but --format is {format_}: "
                "drop --format, or name the file for the format"
            )
        return format_
    known = list(choices)
    if implied not in known:
        raise click.UsageError(
            f"-o {output_path} names a {implied} file, which this command does not write "
            f"(--format {'|'.join(known)})"
        )
    return implied


def load_rules(path: str | None) -> RuleSet:
    """The rule set, or exit: 2 when the file cannot be read, 1 when it does not check."""
    from modenhet.engine.ruleset import load_ruleset
    from modenhet.errors import RuleError, RuleFileError
    from modenhet.resources import default_rules_path

    if path is None:  # the packaged rule set, named relative to here when it is below
        default = str(default_rules_path())
        relative = os.path.relpath(default)
        path = default if relative.startswith("..") else relative
    try:
        ruleset = load_ruleset(path)
    except RuleFileError as error:
        fail(error.render())
    except RuleError as error:
        stderr(error.render())
        sys.exit(PROBLEM)
    for warning in ruleset.warnings:
        stderr(warning.render())
    return ruleset


def evidence_files(
    arguments: tuple[str, ...], *, recursive: bool, skip_reports: bool = True
) -> list[str]:
    """The evidence files the arguments name, or exit 2 for a path that does not exist. A
    modenhet JSON report among them is left out, with one warning line each (unless
    `skip_reports` is false: `compare` reads reports)."""
    from modenhet.evidence.reader import InputError, collect_files, is_modenhet_report

    try:
        files = collect_files(list(arguments), recursive=recursive)
    except InputError as error:
        fail(f"{error.path}: error: no such file or folder")
    if not skip_reports:
        return files
    kept = []
    for name in files:
        if is_modenhet_report(name):
            stderr(f"{name}: warning: a modenhet report, not evidence; skipped")
        else:
            kept.append(name)
    return kept


def rule_set_files(ruleset: RuleSet) -> list[str]:
    """Every file a rule set was read from: its rule files, includes too, and its schema."""
    model = ruleset.model
    files = [str(source.path) for source in model.sources]
    return files + ([str(model.schema_path)] if model.schema_path is not None else [])


def check_output(path: str | None, inputs: Iterable[str]) -> None:
    """Before anything is written, exit 2 when `-o` names a folder or a file the run reads
    (`inputs`, compared as files: another path or a hard link counts), so that a slip of the
    keyboard cannot replace a municipality's evidence or a rule file by a report."""
    if path is None:
        return
    if os.path.isdir(path):
        fail(f"{path}: error: this is a folder; -o names the file to write the report to")
    try:
        target = os.stat(path)
    except OSError:
        return  # nothing there yet, so nothing to lose
    for candidate in inputs:
        try:
            found = os.stat(candidate) if candidate != "-" else None
        except (OSError, ValueError):
            continue
        if found is not None and (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
            fail(
                f"{path}: error: -o names a file this run reads ({candidate}); "
                "write the report to another file"
            )


# Why output could not be written: a full disk or quota, a file too large, an I/O error, a
# pipe closed by the reader (`| head -1`).
OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EPIPE})


def output_failed(path: str | None, error: OSError) -> NoReturn:
    """One line on stderr, exit status 1. Standard output is pointed at /dev/null so that
    what Python still holds for it cannot fail again at exit."""
    why = error.strerror or str(error)
    if error.errno == errno.EPIPE:
        why = "the reader closed the pipe before the output was written whole"
    where = f"{path}: " if path is not None else ""
    what = "the report" if path is not None else "to standard output"
    message = f"{where}error: cannot write {what}: {why}"
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass  # not a real file (a test's capture): nothing is left to fail at exit
    try:
        stderr(message)
    except OSError:
        pass
    sys.exit(PROBLEM)


@contextmanager
def output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or a file written atomically: a temporary file, then a rename. The
    report gets the mode of the file it replaces (else what the umask allows), and a symbolic
    link stays a link: the report goes where it points, as with the shell's `>`. A report
    that cannot be written whole (`OUTPUT_ERRNOS`) is one line and exit status 1, and the
    file it would have replaced is left as it was."""
    try:
        yield from _output(path)
    except OSError as error:
        if error.errno not in OUTPUT_ERRNOS:
            raise
        output_failed(path, error)


def _output(path: str | None) -> Iterator[TextIO]:
    if path is None:
        yield sys.stdout
        return
    try:
        existing: os.stat_result | None = os.stat(path)
    except OSError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        yield from _special_output(path)  # never replace /dev/null by a report
        return
    target = os.path.realpath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        fail(f"{path}: error: the folder {directory} does not exist")
    mode = stat.S_IMODE(existing.st_mode) if existing is not None else _new_file_mode()
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
            "w",
            encoding="utf-8",
            errors="backslashreplace",  # as on standard output (modenhet.cli.main)
            newline="",
            dir=directory,
            prefix=f".{os.path.basename(target)}.",
            suffix=".tmp",
            delete=False,
        )
    except OSError as error:
        fail(f"{path}: error: cannot write in {directory}: {error.strerror or error}")
    try:
        with handle:
            yield cast(TextIO, handle)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.chmod(handle.name, mode)
            os.replace(handle.name, target)
        except OSError as error:
            fail(f"{path}: error: cannot be replaced: {error.strerror or error}")
    except BaseException:
        if os.path.exists(handle.name):
            os.unlink(handle.name)
        raise


def _special_output(path: str) -> Iterator[TextIO]:
    """A device or a pipe (`/dev/null`, `/dev/stdout`, a FIFO) is written to as it is, like
    the shell's `>`; renaming a file over it would replace the device itself."""
    try:
        stream = open(path, "w", encoding="utf-8", errors="backslashreplace", newline="")  # noqa: SIM115
    except OSError as error:
        fail(f"{path}: error: cannot write to it: {error.strerror or error}")
    with stream:
        yield stream


def _new_file_mode() -> int:
    """What the umask allows a new file (the temporary file behind a report is made private,
    0600, which the report should not stay)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
