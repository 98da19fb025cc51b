"""`modenhet test`: run rule tests (YAML files of evidence and expected levels), report each
failure with the criteria that made the difference, and measure coverage."""

from __future__ import annotations

import sys
from fractions import Fraction

import click

from modenhet.authoring.ruletests.coverage import parse_threshold, percent_text
from modenhet.cli.common import (
    LANG,
    OK,
    OUTPUT,
    PROBLEM,
    check_output,
    fail,
    format_option,
    output,
    report_format,
    rule_set_files,
    stderr,
)
from modenhet.errors import SEVERITY_WORDS, terminal_text
from modenhet.i18n import translator
from modenhet.report import formats, renderer
from modenhet.report.ruletests_text import coverage_report, total_line


def _threshold(ctx: click.Context, param: click.Parameter, value: str | None) -> Fraction | None:
    if value is None:
        return None
    try:
        return parse_threshold(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.argument("paths", nargs=-1)
@click.option(
    "--coverage",
    "show_coverage",
    is_flag=True,
    help="Report, per criterion, whether the cases saw it met, not met and unknown; per factor, "
    "the levels some case stood at; and the total.",
)
@click.option(
    "--fail-under",
    metavar="PERCENT",
    callback=_threshold,
    help="Exit with status 1 when the coverage of a rule set is below PERCENT (exact: 99.99 "
    "is below 100).",
)
@format_option(
    "test",
    "text for people; junit: JUnit XML for CI systems.",
)
@OUTPUT
@click.option("-v", "--verbose", is_flag=True, help="Name every case, also those that pass.")
@click.option(
    "--rules-anywhere",
    is_flag=True,
    help="Let `rules:` in a test file name a .rules file anywhere (by default it must be in "
    "the test file's folder, below it, or in the folder above).",
)
@LANG
def test(
    *,
    paths: tuple[str, ...],
    show_coverage: bool,
    fail_under: Fraction | None,
    format_: str,
    output_path: str | None,
    verbose: bool,
    rules_anywhere: bool,
    lang: str,
) -> None:
    """Run rule tests: evidence and the levels and statuses a rule set must give for it.

    PATH is a test file (YAML) or a folder, searched recursively for *.test.yaml and
    *.test.yml. Without PATH, the tests that ship with the default rule set are run. Each
    failure shows the expected and the actual value and the criteria that made the
    difference, with the evidence they read, in the language --lang names (JUnit XML stays
    English). See docs/testing-rules.md for the format.

    \b
    Examples:
        modenhet test
        modenhet test rules/ --coverage --fail-under 100
        modenhet test my.test.yaml -f junit -o test-results.xml
    """
    from modenhet.authoring.ruletests.discover import PathNotFound, discover
    from modenhet.authoring.ruletests.runner import run_tests
    from modenhet.resources import default_rules_path

    _ = translator(lang).gettext
    error_word = _(SEVERITY_WORDS["error"])
    format_ = report_format(format_, output_path, formats("test"))
    default = default_rules_path()
    try:
        files = discover(paths, default.parent)
    except PathNotFound as error:
        fail(f"{error.path}: {error_word}: " + _("no such file or folder"))
    run = run_tests(files, default, rules_anywhere=rules_anywhere)
    check_output(
        output_path,
        [test_file.path for test_file in run.files]
        + [path for f in run.files if f.ruleset is not None for path in rule_set_files(f.ruleset)],
    )
    for problem in run.problems:
        stderr(problem.render(lang))
    language = {"lang": lang} if format_ == "text" else {}  # JUnit XML is for machines
    with output(output_path) as out:
        out.write(renderer("test", format_)(run, verbose=verbose, **language))
    # Next to JUnit XML on standard output, what people read goes to standard error.
    human = sys.stderr if format_ == "junit" and output_path is None else sys.stdout
    status = OK if run.results and not run.failed and not run.errors else PROBLEM
    if not files:
        stderr(
            f"{error_word}: "
            + _("no test files found (a folder is searched for *.test.yaml and *.test.yml)")
        )
    elif not run.results and not run.errors:
        stderr(f"{error_word}: " + _("no test case was run"))
    for coverage in run.coverage:
        if show_coverage:
            click.echo(terminal_text(coverage_report(coverage, lang)), file=human)
        elif fail_under is not None:
            click.echo(terminal_text(total_line(coverage, lang)), file=human)
        if fail_under is not None and coverage.below(fail_under):
            percent = percent_text(coverage.percent)
            stderr(
                f"{error_word}: "
                + _(
                    "the coverage of %(rules)s, %(percent)s %% (%(covered)s of %(total)s), is "
                    "below --fail-under %(threshold)s"
                )
                % {
                    "rules": coverage.rules,
                    "percent": percent if lang == "en" else percent.replace(".", ","),
                    "covered": coverage.covered,
                    "total": coverage.total,
                    "threshold": _fraction_text(fail_under),
                }
            )
            status = PROBLEM
    sys.exit(status)


def _fraction_text(value: Fraction) -> str:
    """The threshold as it was written (it was read exactly from decimal digits)."""
    from decimal import Decimal, localcontext

    with localcontext() as context:
        context.prec = 50
        return str(Decimal(value.numerator) / Decimal(value.denominator))
