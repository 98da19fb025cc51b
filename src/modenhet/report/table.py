"""The terminal table: for one document the legal floor, each factor's level and, under it, the
gap with each missing criterion's title, status and advice, then what to collect next; for
several, one summary row per municipality and how many stand at each level. A level that is not
settled shows as `2–4` (spec 9.4). The report's own words are translated
(`modenhet.i18n`); titles, labels and advice are shown as the rule set writes them.
"""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Iterable
from typing import Any, TextIO

from tabulate import tabulate

from modenhet.errors import Violation, severity_word, visible
from modenhet.i18n import people_date, translator
from modenhet.report.fields import gap_note
from modenhet.report.words import Translate, status_word
from modenhet.results import CriterionResult, Evaluation, FactorResult, ToCollect, level_text
from modenhet.run.outcome import PROBLEMS_IN_A_CELL, Outcome, RunInfo, municipality_name

COLLECT_SHOWN = 10  # paths the one-document table lists under "what to collect next"


def run_header(run: RunInfo) -> str:
    _ = translator(run.lang).gettext
    version = f" {run.ruleset.version}" if run.ruleset.version else ""
    return _("Rule set: %(name)s · as of %(date)s") % {
        "name": f"{run.ruleset.name}{version}",
        "date": people_date(run.as_of),
    }


# The statuses' colours (ANSI SGR): met green, not met red, unknown yellow, error bold magenta.
COLORS = {"met": "\x1b[32m", "not_met": "\x1b[31m", "unknown": "\x1b[33m", "error": "\x1b[1;35m"}
RESET = "\x1b[0m"
_ANSI = re.compile("|".join(re.escape(code) for code in [*COLORS.values(), RESET]))

MIN_WIDTH = 40  # below this a table cannot be made to fit; it is written as at 40
NARROWEST = 10  # no column of a table is wrapped narrower


def terminal_width(out: TextIO) -> int | None:
    """The width the table must fit: `COLUMNS` when set (as `shutil` reads it), else the
    terminal's own width; None for a pipe or a file without `COLUMNS` (nothing is wrapped)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), MIN_WIDTH)
    try:
        if out.isatty():
            return max(os.get_terminal_size(out.fileno()).columns, MIN_WIDTH)
    except (AttributeError, OSError, ValueError):
        pass
    return None


def write_table(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    collected = list(outcomes)
    _ = translator(run.lang).gettext
    width = terminal_width(out)
    # For a terminal: control characters in titles or evidence values are made visible.
    out.write(fit(visible(run_header(run), keep="\n"), width) + "\n\n")
    one = len(collected) == 1 and collected[0].evaluation is not None

    def render(color: bool) -> str:
        if one:
            evaluation = collected[0].evaluation
            assert evaluation is not None
            return single(collected[0], evaluation, _, width, color=color, lang=run.lang)
        return summary(run, collected, _, width, color=color, lang=run.lang)

    plain = render(False)
    text = coloured(plain, render(True)) if run.color else visible(plain, keep="\n")
    out.write(fit(text, width))


def coloured(plain: str, painted: str) -> str:
    """`painted` (the same table with its status words in colour: tabulate lays colour codes
    out as taking no room) with every control character the rule set or the evidence brought
    made visible, its own colour codes too; only the codes `painted` added are kept. They
    stand where `plain` has a letter or white space, never a control character, so each code
    found in `painted` is the table's own unless `plain` has it at the same place."""
    parts: list[str] = []
    at = start = 0  # where `plain` and `painted` have got to
    for match in _ANSI.finditer(painted):
        segment = painted[start : match.start()]
        parts.append(visible(segment, keep="\n"))
        at += len(segment)
        code = match.group()
        if plain.startswith(code, at):  # the document's own code: shown, not obeyed
            parts.append(visible(code))
            at += len(code)
        else:
            parts.append(code)
        start = match.end()
    parts.append(visible(painted[start:], keep="\n"))
    return "".join(parts)


def painted(status: str, word: str, color: bool) -> str:
    """A status word in its colour, when the table is in colour."""
    return f"{COLORS[status]}{word}{RESET}" if color else word


def shown_len(text: str) -> int:
    """The width of a cell's text on a terminal: without its colour codes."""
    return len(_ANSI.sub("", text))


def fit(text: str, width: int | None) -> str:
    """Every line of prose longer than `width` wrapped at word boundaries, its continuation
    lines indented like it (the tables are sized to fit before this). Colour codes take no
    room."""
    if width is None:
        return text
    lines: list[str] = []
    for line in text.split("\n"):
        if shown_len(line) <= width:
            lines.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip(" ")) + 2)
        lines.extend(
            textwrap.wrap(
                line,
                width,
                subsequent_indent=indent,
                break_on_hyphens=False,
                drop_whitespace=True,
            )
        )
    return "\n".join(lines)


def fitting(
    rows: list[list[Any]], headers: list[str], limits: list[int | None], width: int | None
) -> dict[str, Any]:
    """tabulate's `maxcolwidths` and `maxheadercolwidths` for `column_widths` (tabulate keeps
    two spaces beside a header: it is wrapped two narrower than its column)."""
    widths = column_widths(rows, headers, limits, width)
    for row in rows:  # wrapped here, so that a path breaks after a dot, not mid-word
        for i, limit in enumerate(widths):
            if limit is not None and shown_len(str(row[i])) > limit:
                row[i] = wrap_cell(str(row[i]), limit)
    if width is None:
        return {"maxcolwidths": widths}
    return {
        "maxcolwidths": widths,
        "maxheadercolwidths": [None if w is None else max(w - 2, 1) for w in widths],
    }


def wrap_cell(text: str, width: int) -> str:
    """`text` in lines of at most `width`, broken at spaces; a word too long for a line (an
    evidence path) after one of its dots or before a bracket, and only where there is none
    cut at the width."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            pieces = [word] if len(word) <= width else re.findall(r"[^.\[]+\.?|\[[^\]]*\]\.?", word)
            for number, piece in enumerate(pieces):
                joint = " " if number == 0 and line else ""
                if len(line) + len(joint) + len(piece) <= width:
                    line += joint + piece
                    continue
                if line:
                    lines.append(line)
                while len(piece) > width:
                    lines.append(piece[:width])
                    piece = piece[width:]
                line = piece
        lines.append(line)
    return "\n".join(lines)


def column_widths(
    rows: list[list[Any]], headers: list[str], limits: list[int | None], width: int | None
) -> list[int | None]:
    """`maxcolwidths` for tabulate's plain format that make the table fit `width`: each column
    at most its usual limit (None: its natural width), then the widest one narrowed a column
    at a time until the table fits, none below `NARROWEST` (None `width`: the usual limits)."""
    if width is None:
        return limits
    natural = [
        max([len(str(headers[i]))] + [max(map(shown_len, str(row[i]).split("\n"))) for row in rows])
        for i in range(len(headers))
    ]
    widths = [
        n if limit is None else min(n, limit) for n, limit in zip(natural, limits, strict=True)
    ]
    room = width - 2 * (len(headers) - 1)
    while sum(widths) > room:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= NARROWEST:
            break
        widths[widest] -= 1
    return list(widths)


def ordered_gap(factor: FactorResult) -> list[CriterionResult]:
    """The gap with legal duties first."""
    return sorted(factor.gap, key=lambda criterion: not criterion.legal)


def level_with_label(level: int, level_max: int, label: str, label_max: str) -> str:
    """`3 Etablert`, or `2–4 Grunnleggjande – Integrert` for a level that is not settled."""
    return f"{level_text(level, level_max)} {label_text(label, label_max, level_max != level)}"


def level_then_or_now(
    level: int | None, label: str | None, level_max: int | None, label_max: str | None
) -> str:
    """One side's level in compare and impact: `—` where there is none, the bounds where
    they are recorded and differ, then the label(s) where known."""
    if level is None:
        return "—"
    high = level if level_max is None else level_max
    if label is None:
        return level_text(level, high)
    return level_with_label(level, high, label, label_max or label)


def label_text(label: str, label_max: str, bounded: bool) -> str:
    """The labels of a level's bounds: `Grunnleggjande – Integrert`, or the one label."""
    return f"{label} – {label_max}" if bounded else label


def decided_text(decided: tuple[int, int], _: Translate) -> str:
    return _("%(decided)s of %(of)s decided") % {"decided": decided[0], "of": decided[1]}


def bounds_legend(_: Translate) -> str:
    return _(
        "L–M: level L is proven; M is the highest level the factor can reach if every "
        "unknown criterion turns out to be met."
    )


def collect_path(item: ToCollect, _: Translate) -> str:
    """The path, marked where it holds a partial value."""
    return item.path + (" " + _("(partly known)") if item.partial else "")


def factor_titles(evaluation: Evaluation, item: ToCollect) -> str:
    """The titles of the factors a path could unlock levels in."""
    return ", ".join(evaluation.factors[factor].title for factor, _levels in item.factors)


def collect_rows(evaluation: Evaluation, items: list[ToCollect], _: Translate) -> list[list[Any]]:
    """A row per path: the field's title, the path (for the expert), the levels it could
    unlock and the factors it could unlock them in."""
    return [
        [item.title or "", collect_path(item, _), item.levels, factor_titles(evaluation, item)]
        for item in items
    ]


def collect_section(evaluation: Evaluation, _: Translate, width: int | None = None) -> str:
    """What to collect next: the missing paths that stand between proven and possible levels,
    the ones that could unlock the most levels first ("" when every level is settled)."""
    items = evaluation.to_collect()
    if not items:
        return ""
    shown = items[:COLLECT_SHOWN]
    rows = collect_rows(evaluation, shown, _)
    headers = [_("Field"), _("Evidence path"), _("Levels it could unlock"), _("Factors")]
    table = tabulate(
        rows,
        headers=headers,
        disable_numparse=True,
        # on a narrow terminal the short column of numbers wraps its heading, not the paths
        **fitting(rows, headers, [36, 56, None if width is None else 10, 30], width),
    )
    text = _("What to collect next (the fields that could unlock the most levels first):")
    text += "\n" + table + "\n"
    if len(items) > len(shown):
        more = len(items) - len(shown)
        text += _("(+%(count)s more: modenhet explain lists them all)") % {"count": more} + "\n"
    return text


def progress_text(factor: FactorResult, _: Translate) -> str:
    progress = factor.progress
    if progress is None:
        return _("highest level")
    return _("%(met)s of %(of)s met") % {"met": progress[0], "of": progress[1]}


def single(
    outcome: Outcome,
    evaluation: Evaluation,
    _: Translate,
    width: int | None = None,
    *,
    color: bool = False,
    lang: str = "en",
) -> str:
    overall = {
        "level": level_text(evaluation.overall, evaluation.overall_max),
        "label": label_text(
            evaluation.overall_label, evaluation.overall_label_max, evaluation.overall_bounded
        ),
    }
    lines = [
        f"{municipality_name(outcome)} · {outcome.source}",
        _("Overall level: %(level)s %(label)s") % overall
        + f" · {decided_text(evaluation.decided, _)}",
        "",
    ]
    floor = evaluation.legal_floor
    if floor:
        lines.append(_("Legal floor: duties not met (§)"))
        for criterion in floor:
            title = evaluation.factors[criterion.factor].title
            word = painted(criterion.status, status_word(criterion.status, _), color)
            lines.append(f"  § {title}: {criterion.title} — {word}")
        lines.append("")
    rows: list[list[Any]] = []
    for factor in evaluation.factors.values():
        level = level_with_label(factor.level, factor.level_max, factor.label, factor.label_max)
        status = f"{progress_text(factor, _)} · {decided_text(factor.decided, _)}"
        rows.append([factor.title, level, status, ""])
        for criterion in ordered_gap(factor):
            mark = "§ " if criterion.legal else ""
            title = f"→ {factor.next_level}: {mark}{criterion.title}"
            word = painted(criterion.status, status_word(criterion.status, _), color)
            rows.append([title, "", word, gap_note(criterion, _)])
    headers = [_("Factor / gap to the next level"), _("Level"), _("Status"), _("Advice")]
    table = tabulate(
        rows,
        headers=headers,
        disable_numparse=True,
        **fitting(rows, headers, [46, 30, None, 56], width),
    )
    text = "\n".join(lines) + "\n" + table + "\n"
    if evaluation.bounded:
        text += "\n" + bounds_legend(_) + "\n"
    collect = collect_section(evaluation, _, width)
    text += "\n" + collect if collect else ""
    if outcome.problems:
        text += "\n" + _("Notes on the evidence:") + "\n"
        text += "\n".join(problem_lines([*outcome.errors, *outcome.warnings], _, lang, "  ")) + "\n"
    return text


def problem_lines(problems: list[Violation], _: Translate, lang: str, indent: str) -> list[str]:
    """Each problem whole, its severity first (`åtvaring: ...`), its place after it; the
    first ten, then how many more (stderr and the JSON report list every one)."""
    lines = []
    for problem in problems[:PROBLEMS_IN_A_CELL]:
        where = f" (#{problem.pointer})" if problem.pointer else ""
        word = severity_word(problem.severity, lang)
        lines.append(f"{indent}{word}: {problem.message_in(lang)}{where}")
    more = len(problems) - PROBLEMS_IN_A_CELL
    if more > 0:
        lines.append(indent + _("(+%(count)s more)") % {"count": more})
    return lines


def problem_count(outcome: Outcome, lang: str) -> str:
    """A summary row's note: `2 feil, 1 åtvaring` ("" for a document without problems)."""
    ngettext = translator(lang).ngettext
    errors, warnings = len(outcome.errors), len(outcome.warnings)
    parts = []
    if errors:
        parts.append(ngettext("%(count)s error", "%(count)s errors", errors) % {"count": errors})
    if warnings:
        words = ngettext("%(count)s warning", "%(count)s warnings", warnings)
        parts.append(words % {"count": warnings})
    return ", ".join(parts)


def distribution(
    run: RunInfo, evaluations: list[Evaluation], _: Translate, width: int | None = None
) -> str:
    """How many municipalities stand at each level, per factor and overall; a level that is
    not settled (`2–4`) counts in a column of its own, never at its proven level."""
    levels = [level.number for level in run.ruleset.levels]
    rows: list[list[Any]] = []
    for number, factor in enumerate(run.ruleset.factors):
        pairs = [(e.levels[number], e.levels_max[number]) for e in evaluations]
        rows.append([factor.title, *settled_counts(pairs, levels)])
    overall = [(e.overall, e.overall_max) for e in evaluations]
    rows.append([_("overall"), *settled_counts(overall, levels)])
    headers = [_("Documents at level"), *[str(level) for level in levels], _("not settled")]
    table = plain_table(rows, headers)
    if width is not None and max(map(shown_len, table.split("\n"))) > width:
        # the last heading wraps at spaces, the factors' titles too, as far as needed
        headers[-1] = wrap_words(headers[-1])
        rest = plain_table([row[1:] for row in rows], headers[1:])
        room = width - 2 - max(map(shown_len, rest.split("\n")))
        for row in rows:
            row[0] = wrap_cell(row[0], max(room, longest_word(row[0]), len(headers[0])))
        table = plain_table(rows, headers)
    return table


def settled_counts(pairs: list[tuple[int, int]], levels: list[int]) -> list[int]:
    """Of (level, level_max) pairs: how many are settled at each level, then how many are not
    settled."""
    counts = [sum(low == high == level for low, high in pairs) for level in levels]
    return [*counts, sum(low != high for low, high in pairs)]


def summary(
    run: RunInfo,
    outcomes: list[Outcome],
    _: Translate,
    width: int | None = None,
    *,
    color: bool = False,
    lang: str = "en",
) -> str:
    """A row per document: each factor's level under a heading made from the factor's title
    (shortened, word by word, only as far as `width` needs), the overall level, the decided
    criteria and, for a document with problems, how many; then the problems themselves,
    whole, the counts and how many documents stand at each level."""
    factors = run.ruleset.factors
    rows: list[list[str]] = []
    failed = 0
    for outcome in outcomes:
        evaluation = outcome.evaluation
        note = problem_count(outcome, lang)
        if evaluation is None:
            failed += 1
            error = painted("error", _("error"), color)
            rows.append([municipality_name(outcome), *["" for _f in factors], error, "", note])
            continue
        rows.append([municipality_name(outcome), *level_cells(evaluation), note])
    fixed = [_("Municipality"), _("overall"), _("decided"), _("note")]
    if not any(row[-1] for row in rows):
        fixed, rows = fixed[:-1], [row[:-1] for row in rows]
    table, shortened = summary_table(rows, [f.title for f in factors], fixed, width)
    counts = {"count": len(outcomes), "evaluated": len(outcomes) - failed, "failed": failed}
    text = (
        table
        + "\n\n"
        + _("%(count)s documents: %(evaluated)s evaluated, %(failed)s failed") % counts
    )
    if shortened:
        text += "\n" + _("Factors:")
        text += "".join(f"\n  {short} = {title}" for short, title in shortened)
    evaluations = [o.evaluation for o in outcomes if o.evaluation is not None]
    if any(evaluation.bounded for evaluation in evaluations):
        text += "\n" + bounds_legend(_)
    noted = [outcome for outcome in outcomes if outcome.problems]
    if noted:
        text += "\n\n" + _("Errors and warnings in the documents:")
        for outcome in noted:
            text += f"\n  {municipality_name(outcome)} · {outcome.source}\n"
            text += "\n".join(problem_lines([*outcome.errors, *outcome.warnings], _, lang, "    "))
    if evaluations:
        text += "\n\n" + distribution(run, evaluations, _, width)
    return text + "\n"


SHORT = 5  # a heading's words are shortened to this before the names wrap, then to SHORTEST
SHORTEST = 3  # the fewest characters a shortened word of a heading keeps (with its dot)


def summary_table(
    rows: list[list[str]], titles: list[str], fixed: list[str], width: int | None
) -> tuple[str, list[tuple[str, str]]]:
    """The summary as a plain table (`plain_table`) that fits `width`: the factors' headings
    are their titles wrapped at spaces; where that is too wide, the widest heading's long
    words are shortened (`Forankring` to `Foran.`) a letter at a time, to five letters or so;
    then the municipalities' names wrap at spaces, and the headings shorten further, until the
    table fits. Returns the table and, when some
    heading is shortened, each heading (on one line) with its title, for a legend."""
    sizes: list[int | None] = [None for _title in titles]
    wrap_names = False
    while True:
        headings = [heading(title, size) for title, size in zip(titles, sizes, strict=True)]
        names = [wrap_words(row[0]) if wrap_names else row[0] for row in rows]
        table = plain_table(
            [[name, *row[1:]] for name, row in zip(names, rows, strict=True)],
            [fixed[0], *headings, *fixed[1:]],
        )
        if width is None or max(map(shown_len, table.split("\n"))) <= width:
            break
        current = [longest_word(h) for h in headings]
        widest = max(range(len(titles)), key=lambda i: current[i], default=None)
        shortest = SHORTEST if wrap_names else SHORT
        if widest is None or current[widest] <= shortest:
            if wrap_names:
                break
            wrap_names = True  # the names wrap before the headings shorten further
            continue
        sizes[widest] = current[widest] - 1
    shortened = [
        (shown.replace("\n", " "), title)
        for shown, title in zip(headings, titles, strict=True)
        if shown.split() != title.split()
    ]
    return table, shortened if shortened else []


def longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=1)


def heading(title: str, size: int | None) -> str:
    """A factor's title as a column heading: its words whole, on lines of up to 14 characters
    (None), or on lines at most `size` wide, each word longer than `size` shortened to its
    first letters and a dot."""
    if size is None:
        return "\n".join(textwrap.wrap(title, max(14, longest_word(title))))
    words = [word if len(word) <= size else word[: size - 1] + "." for word in title.split()]
    return "\n".join(textwrap.wrap(" ".join(words), size, break_long_words=False)) or title


def wrap_words(text: str) -> str:
    """A cell on as many lines as it has words (a name `Stavanger (1103)` on two)."""
    return "\n".join(text.split())


def plain_table(rows: list[list[str]], headers: list[str]) -> str:
    """tabulate's `plain` layout, written here so that a column is exactly as wide as its
    widest line (tabulate pads headings by two): columns two spaces apart, a heading's lines
    over a rule of dashes, cells of several lines; colour codes take no room."""
    columns = [[header.split("\n"), *[str(row[i]).split("\n") for row in rows]]
               for i, header in enumerate(headers)]  # fmt: skip
    widths = [max(shown_len(line) for cell in column for line in cell) for column in columns]

    def block(cells: list[list[str]], top: bool) -> list[str]:
        height = max(len(cell) for cell in cells)
        padded = [
            ([""] * (height - len(cell)) + cell) if top else (cell + [""] * (height - len(cell)))
            for cell in cells
        ]
        return [
            "  ".join(
                line + " " * (width - shown_len(line))
                for line, width in zip(lines, widths, strict=True)
            ).rstrip()
            for lines in zip(*padded, strict=True)
        ]

    lines = block([column[0] for column in columns], top=True)
    lines.append("  ".join("-" * width for width in widths))
    for number in range(len(rows)):
        lines += block([column[number + 1] for column in columns], top=False)
    return "\n".join(lines)


def level_cells(evaluation: Evaluation) -> list[str]:
    """A summary row's cells: each factor's level, the overall level (`2–4` where not
    settled), and the decided criteria as `D/T`."""
    pairs = zip(evaluation.levels, evaluation.levels_max, strict=True)
    decided, of = evaluation.decided
    return [
        *(level_text(low, high) for low, high in pairs),
        level_text(evaluation.overall, evaluation.overall_max),
        f"{decided}/{of}",
    ]
