"""`modenhet evaluate`: every document read, validated, evaluated and reported in input order."""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import click

from modenhet import __version__
from modenhet.cli.common import (
    AS_OF,
    COLOR,
    LANG,
    MAX_BYTES,
    OK,
    OUTPUT,
    PROBLEM,
    QUIET,
    RECURSIVE,
    RULES,
    VERBOSE,
    check_output,
    evidence_files,
    fail,
    format_option,
    load_rules,
    output,
    report_format,
    rule_set_files,
    stderr,
    use_color,
    verbosity,
)
from modenhet.cli.progress import Progress
from modenhet.errors import visible
from modenhet.i18n import DEFAULT_LANGUAGE, translator
from modenhet.report import formats, record_renderer, writer
from modenhet.run.outcome import RunInfo

if TYPE_CHECKING:
    from modenhet.engine.ruleset import RuleSet
    from modenhet.run.batch import Done


def _parse_jobs(ctx: click.Context, param: click.Parameter, value: str) -> int:
    if value == "auto":
        from modenhet.run.batch import cpu_count

        return cpu_count()
    try:
        jobs = int(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a number of processes; give 1 or more, or auto"
        ) from None
    if jobs < 1:
        raise click.BadParameter(f"{value!r}: give 1 or more processes, or auto for one per CPU")
    return jobs


@click.command()
@click.argument("evidence", nargs=-1)
@RULES
@AS_OF
@format_option(
    "evaluate",
    help="The report format. Default: the one the extension of -o names (.json .jsonl .csv "
    ".md .html .xlsx), else table.",
)
@OUTPUT
@click.option(
    "--fail-under",
    type=int,
    metavar="LEVEL",
    help=(
        "Exit with status 1 when any document's overall level is below LEVEL (the proven "
        "level: a document at 1–5 is below 2)."
    ),
)
@click.option(
    "--no-validate",
    is_flag=True,
    help="Do not validate documents against the rule set's schema first.",
)
@RECURSIVE
@MAX_BYTES
@LANG
@click.option(
    "--excel",
    is_flag=True,
    help="With -f csv: a file a Norwegian Excel opens as it should (UTF-8 with BOM, "
    "semicolons, decimal comma).",
)
@click.option(
    "-j",
    "--jobs",
    default="1",
    show_default=True,
    metavar="N|auto",
    callback=_parse_jobs,
    help="Evaluate in N processes (auto: one per CPU) when the run takes more than a second; "
    "the report is the same, byte for byte.",
)
@click.option(
    "--verify",
    "verify_path",
    metavar="REPORT.json",
    help="Instead of evaluating: check that a JSON report still holds (same inputs, "
    "same results), naming every input that changed. Run it where the report was made.",
)
@COLOR
@QUIET
@VERBOSE
def evaluate(
    *,
    evidence: tuple[str, ...],
    rules: str | None,
    as_of: datetime.date,
    format_: str,
    output_path: str | None,
    fail_under: int | None,
    no_validate: bool,
    recursive: bool,
    max_bytes: int,
    lang: str,
    excel: bool,
    jobs: int,
    verify_path: str | None,
    color: str,
    quiet: bool,
    verbose: bool,
) -> None:
    """Evaluate evidence documents and report each factor's level and the gap.

    EVIDENCE is one or more .xlsx workbooks (`modenhet template --format xlsx`), .json files
    (one document), .jsonl files (one document a line), folders (every .xlsx, .json and .jsonl
    inside, by name) or - for standard input.

    On a terminal, a long run shows its progress on stderr. -q prints only the problems
    (errors; no warnings, no progress); -v ends with a summary line on stderr.

    \b
    Examples:
        modenhet evaluate samples/
        modenhet evaluate samples/4601-bergen.json --as-of 2025-06-30
        modenhet evaluate samples/ -o report.json --fail-under 2
        modenhet evaluate kommunar/ -o oversikt.xlsx
        modenhet evaluate all-2025.jsonl -f json -o report.json --jobs auto
    """
    from modenhet.evidence.reader import iter_sources
    from modenhet.run.batch import BatchError, Plan, run_batch

    if verify_path is not None:
        if evidence:
            raise click.UsageError("--verify takes the report alone, without EVIDENCE")
        _refuse_options_beside_verify(click.get_current_context())
        sys.exit(verify_report(verify_path, rules, lang))
    if not evidence:
        raise click.UsageError("name the evidence: files, folders or - for standard input")
    format_ = report_format(format_, output_path, formats("evaluate"))
    if format_ == "xlsx" and output_path is None and sys.stdout.isatty():
        raise click.UsageError("an xlsx report is a file: name it with -o report.xlsx")
    if excel and format_ != "csv":
        raise click.UsageError("--excel goes with --format csv")
    files = evidence_files(evidence, recursive=recursive)
    ruleset = load_rules(rules)
    check_output(output_path, [*files, *rule_set_files(ruleset)])
    _check_fail_under(fail_under, ruleset)
    level = verbosity(quiet, verbose)
    known = all(name != "-" and not name.lower().endswith(".jsonl") for name in files)
    tally = Tally(fail_under, level, total=len(files) if known else None, lang=lang)
    plan = Plan(str(ruleset.model.sources[0].path), ruleset.sha256, ruleset.schema, as_of,
                not no_validate, max_bytes, record_renderer(format_), __version__, lang,
                excel)  # fmt: skip
    done = run_batch(ruleset, iter_sources(files, limit=max_bytes), plan, jobs=jobs)
    with output(output_path) as out:
        run = RunInfo(
            ruleset, as_of, __version__, lang, excel, tuple(files), color=use_color(color, out)
        )
        try:
            writer(format_)(run, tally.observe(done), out)
        except BatchError as error:
            tally.progress.clear()
            fail(f"error: {error}")
    sys.exit(tally.finish())


def _check_fail_under(fail_under: int | None, ruleset: RuleSet) -> None:
    """--fail-under names one of the rule set's levels; anything else is a mistake, exit 2."""
    if fail_under is None:
        return
    numbers = [level.number for level in ruleset.levels]
    if fail_under not in numbers:
        raise click.BadParameter(
            f"{fail_under} is not one of the rule set's levels ({numbers[0]} to {numbers[-1]})",
            param_hint="'--fail-under'",
        )


SHOWN_BELOW = 10  # documents named in the --fail-under error; the rest are counted


class Tally:
    """Counts what the run found while the reporter consumes it, and reports problems."""

    def __init__(
        self,
        fail_under: int | None,
        level: int = 0,
        total: int | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> None:
        self.fail_under = fail_under
        self.level = level  # -1 quiet, 0, 1 verbose
        self.lang = lang
        self.count = self.failed = self.below = self.warned = 0
        self.below_named: list[str] = []  # the first documents below --fail-under, with level
        self.progress = Progress(total=total, enabled=None if level >= 0 else False, lang=lang)

    def observe(self, done: Iterator[Done]) -> Iterator[Any]:
        """What the report is written from, document by document, once it has been counted."""
        for one in done:
            self.count += 1
            shown = [p for p in one.problems if self.level >= 0 or p.severity == "error"]
            self.warned += any(p.severity != "error" for p in one.problems)
            if shown:  # errors of a failed document, or warnings (not with -q)
                self.progress.clear()
                for problem in shown:
                    stderr(problem.render(one.source))
            if one.failed:
                self.failed += 1
            elif self.fail_under is not None and (one.overall or 0) < self.fail_under:
                self.below += 1
                if len(self.below_named) < SHOWN_BELOW:
                    self.below_named.append(f"{one.source} ({one.overall})")
            self.progress.update(self.count, self.failed)
            yield one.payload

    def finish(self) -> int:
        """The exit status, after saying what was wrong."""
        self.progress.clear()
        if self.count == 0:
            stderr(
                "error: no evidence documents found (a folder is read for .xlsx, .json and .jsonl)"
            )
            return PROBLEM
        if self.below:
            more = self.below - len(self.below_named)
            named = ", ".join(self.below_named) + (f" and {more} more" if more else "")
            stderr(f"error: {self.below} document(s) below --fail-under {self.fail_under}: {named}")
        if self.level > 0:
            counts = {
                "count": self.count,
                "evaluated": self.count - self.failed,
                "failed": self.failed,
                "warned": self.warned,
            }
            summary = translator(self.lang).ngettext(
                "%(count)s document: %(evaluated)s evaluated, %(failed)s failed, %(warned)s "
                "with warnings",
                "%(count)s documents: %(evaluated)s evaluated, %(failed)s failed, %(warned)s "
                "with warnings",
                self.count,
            )
            stderr(summary % counts)
        return PROBLEM if self.failed or self.below else OK


def _refuse_options_beside_verify(ctx: click.Context) -> None:
    """--verify re-evaluates what the report records (its date, its documents) and prints a
    verdict: an option that would change any of that is a mistake, not something to ignore."""
    given = [
        max(parameter.opts, key=len)
        for parameter in ctx.command.params
        if isinstance(parameter, click.Option)
        and parameter.name not in ("verify_path", "rules", "lang")
        and ctx.get_parameter_source(parameter.name or "") is click.core.ParameterSource.COMMANDLINE
    ]
    if given:
        raise click.UsageError(
            f"--verify takes only -r/--rules and --lang beside it, not {', '.join(given)}: "
            "it re-evaluates the report's own documents as of the report's own date"
        )


def verify_report(path: str, rules: str | None, lang: str = "nn") -> int:
    """Say, check by check and input by input, in the reader's language, whether the report
    still holds; 0 when it all does. Everything quoted from the report or a file is escaped
    for the terminal (`modenhet.report.verify_text`)."""
    from pathlib import Path

    from modenhet.report import verify_text
    from modenhet.run.verify import ReportError, load_report, verify

    if not os.path.lexists(path):
        fail(f"{visible(path)}: error: no such report")
    try:
        report = load_report(path)
    except ReportError as error:
        fail(visible(f"{path}: error: {error}"))
    ruleset = load_rules(rules)
    click.echo(verify_text.heading(path, report, lang))
    findings = []
    for finding in verify(report, ruleset, Path.cwd(), __version__):
        click.echo(verify_text.finding_line(finding, lang))
        findings.append(finding)
    click.echo(verify_text.verdict(findings, lang))
    return OK if verify_text.holds(findings) else PROBLEM
