"""The HTML report: one self-contained page, with a radar chart per municipality and, for
several, a sortable and filterable heatmap of municipality x factor. A level that is not
settled (spec 9.4) shows as `2–4`: the radar draws the proven polygon filled and the possible
one as an outline, and a heatmap cell is hatched.

Jinja2 renders `templates/report.html` with autoescaping on, so evidence and rule text always
arrive as text. The charts are SVG written here (geometry) and in the template (markup); the
page's CSS and JS are inline and pinned by hash in its Content-Security-Policy, so the page
loads nothing from anywhere. The same inputs and `as_of` give the same bytes.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, TextIO

import jinja2
from markupsafe import Markup

from modenhet.i18n import people_date, translator
from modenhet.report.table import level_with_label, ordered_gap, settled_counts
from modenhet.results import Evaluation, level_text
from modenhet.run.outcome import Outcome, RunInfo, municipality_name

# ColorBrewer's YlGnBu: sequential, readable in grey and for common colour-vision deficiencies.
# The level's number is always written on the colour too.
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")


@dataclass(frozen=True)
class Ring:
    """One level's ring of the radar."""

    level: int
    points: str
    label_x: str
    label_y: str


@dataclass(frozen=True)
class LabelLine:
    x: str
    y: str
    text: str
    strong: bool = False


@dataclass(frozen=True)
class Axis:
    """One factor's axis: its end on the outer ring, the dot at its level and its label."""

    factor: str
    title: str
    level: int
    label: str
    x: str
    y: str
    dot_x: str
    dot_y: str
    anchor: str
    lines: tuple[LabelLine, ...]
    level_max: int = 0  # the level the factor could reach (spec 9.1); 0: as `level`
    label_max: str = ""
    max_x: str = ""  # the point at `level_max` on the axis
    max_y: str = ""

    @property
    def bounded(self) -> bool:
        return self.level_max > self.level

    @property
    def level_text(self) -> str:
        """`3 Etablert`, or `2–4 Grunnleggjande – Integrert`."""
        if not self.bounded:
            return f"{self.level} {self.label}"
        return level_with_label(self.level, self.level_max, self.label, self.label_max)


@dataclass(frozen=True)
class Radar:
    width: int
    height: int
    cx: str
    cy: str
    rings: tuple[Ring, ...]
    axes: tuple[Axis, ...]
    shape: str
    shape_max: str = ""  # the polygon of the level_max values; "" when every level is settled


@dataclass(frozen=True)
class Document:
    """One outcome as the page shows it: its anchor, its name and, when evaluated, its radar."""

    anchor: str
    name: str
    search: str
    outcome: Outcome
    evaluation: Evaluation | None
    radar: Radar | None


SHOWN_PLACEHOLDERS = {"shown": "{shown}", "total": "{total}"}  # filled in by report.js


def write_html(run: RunInfo, outcomes: Iterable[Outcome], out: TextIO) -> None:
    out.write(render(run, list(outcomes)))


def render(run: RunInfo, outcomes: Sequence[Outcome]) -> str:
    _ = translator(run.lang).gettext
    ruleset = run.ruleset
    level_numbers = [level.number for level in ruleset.levels]
    level_index = {number: index for index, number in enumerate(level_numbers)}
    docs = [document(number, outcome, level_numbers) for number, outcome in enumerate(outcomes, 1)]
    evaluations = [doc.evaluation for doc in docs if doc.evaluation is not None]
    style = asset("report.css") + level_css(len(level_numbers))
    script = asset("report.js")
    ruleset_title = f"{ruleset.name} {ruleset.version}" if ruleset.version else ruleset.name
    if len(docs) == 1:
        title = _("Maturity report: %(name)s") % {"name": docs[0].name}
    else:
        title = _("Maturity report: %(count)s documents") % {"count": len(docs)}
    context: dict[str, Any] = {
        "lang": run.lang,
        "title": title,
        "ruleset": ruleset,
        "ruleset_title": ruleset_title,
        "as_of": run.as_of.isoformat(),
        "as_of_shown": people_date(run.as_of),
        "tool_version": run.tool_version,
        "levels": ruleset.levels,
        "level_index": level_index,
        "factors": ruleset.factors,
        "docs": docs,
        "many": len(docs) > 1,
        "evaluated": len(evaluations),
        "distribution": distribution(run, evaluations),
        "messages": {"shown": _("%(shown)s of %(total)s shown") % SHOWN_PLACEHOLDERS},
        "style": Markup(style),  # the page's own CSS and JS, never evidence or rule text
        "script": Markup(script),
        "csp": content_security_policy(style, script),
        "ordered_gap": ordered_gap,
        "level_text": level_text,
        "level_with_label": level_with_label,
        "message": lambda problem: problem.message_in(run.lang),
        "bounded_any": any(e.bounded for e in evaluations),
    }
    return environment(run.lang).get_template("report.html").render(context)


@functools.cache
def environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("modenhet.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(translator(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


@functools.cache
def asset(name: str) -> str:
    return resources.files("modenhet.report").joinpath("templates", name).read_text("utf-8")


def content_security_policy(style: str, script: str) -> str:
    """Nothing may load from anywhere; only this page's own style and script may run."""

    def digest(text: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    return (
        f"default-src 'none'; style-src {digest(style)}; script-src {digest(script)}; "
        "base-uri 'none'; form-action 'none'"
    )


def document(number: int, outcome: Outcome, levels: Sequence[int]) -> Document:
    name = municipality_name(outcome)
    evaluation = outcome.evaluation
    chart = None
    if evaluation is not None:
        chart = radar(
            [(f.id, f.title, f.level, f.label) for f in evaluation.factors.values()],
            levels,
            [(f.level_max, f.label_max) for f in evaluation.factors.values()],
        )
    search = name if name == outcome.source else f"{name} {outcome.source}"
    return Document(f"doc-{number}", name, search, outcome, evaluation, chart)


def distribution(run: RunInfo, evaluations: list[Evaluation]) -> list[dict[str, Any]]:
    """How many documents stand at each level, per factor and overall; the last count is of
    the levels that are not settled (`2–4`), which count at no level."""
    _ = translator(run.lang).gettext
    levels = [level.number for level in run.ruleset.levels]
    rows = [
        {
            "title": factor.title,
            "counts": settled_counts(
                [(e.levels[index], e.levels_max[index]) for e in evaluations], levels
            ),
        }
        for index, factor in enumerate(run.ruleset.factors)
    ]
    overall = settled_counts([(e.overall, e.overall_max) for e in evaluations], levels)
    rows.append({"title": _("Overall level"), "counts": overall})
    return rows


# -- colours


def level_colours(count: int) -> list[tuple[str, str]]:
    """A (background, text) colour pair per level, lowest first, spread over the palette."""
    stops = [_rgb(colour) for colour in PALETTE]
    pairs = []
    for index in range(count):
        where = (len(stops) - 1) * (index / (count - 1) if count > 1 else 0.5)
        low = min(int(where), len(stops) - 2)
        t = where - low
        rgb = tuple(round(a + (b - a) * t) for a, b in zip(stops[low], stops[low + 1], strict=True))
        background = "#{:02x}{:02x}{:02x}".format(*rgb)
        pairs.append((background, _text_colour(rgb)))
    return pairs


def level_css(count: int) -> str:
    rules = [
        f".lvl-{index} {{ background: {background}; color: {text}; }}\n"
        for index, (background, text) in enumerate(level_colours(count))
    ]
    return "".join(rules)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _text_colour(rgb: tuple[int, ...]) -> str:
    """Black or white, whichever contrasts more with the background (WCAG luminance)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(value) for value in rgb)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


# -- the radar chart

WIDTH, HEIGHT = 640, 490
RADIUS = 150
LABEL_GAP = 16
LINE_HEIGHT = 17
WRAP = 16  # characters per line of an axis label


def radar(
    factors: Sequence[tuple[str, str, int, str]],
    levels: Sequence[int],
    bounds: Sequence[tuple[int, str]] | None = None,
) -> Radar:
    """The radar of one document: `factors` is (id, title, level, label) in rule order,
    `levels` the declared level numbers, `bounds` each factor's (level_max, label_max). The
    lowest level is the innermost ring (not the centre, so a factor at the lowest level still
    shows), the highest the outer ring. The proven levels make the filled shape; where some
    level_max is higher, the level_max values make a second, outlined shape.
    """
    bounds = bounds or [(level, label) for _id, _title, level, label in factors]
    cx, cy = WIDTH / 2, HEIGHT / 2
    ordered = sorted(levels)
    step = RADIUS / max(len(ordered), 1)

    def radius(level: int) -> float:
        index = ordered.index(level) if level in ordered else 0
        return step * (index + 1)

    angles = [-math.pi / 2 + 2 * math.pi * i / len(factors) for i in range(len(factors))]

    def point(angle: float, r: float) -> tuple[float, float]:
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    rings = []
    for index, level in enumerate(ordered):
        r = step * (index + 1)
        corners = [point(angle, r) for angle in angles] or [(cx, cy - r)]
        rings.append(Ring(level, _points(corners), _n(cx + 4), _n(cy - r - 3)))
    axes = []
    shape = []
    shape_max = []
    for (factor_id, title, level, label), (level_max, label_max), angle in zip(
        factors, bounds, angles, strict=True
    ):
        end = point(angle, RADIUS)
        dot = point(angle, radius(level))
        top = point(angle, radius(level_max))
        shape.append(dot)
        shape_max.append(top)
        shown = level_text(level, level_max) if level_max != level else str(level)
        at = point(angle, RADIUS + LABEL_GAP)
        anchor, lines = _axis_label(angle, at, title, shown, label if level_max == level else "")
        axes.append(
            Axis(
                factor_id,
                title,
                level,
                label,
                _n(end[0]),
                _n(end[1]),
                _n(dot[0]),
                _n(dot[1]),
                anchor,
                lines,
                level_max,
                label_max,
                _n(top[0]),
                _n(top[1]),
            )
        )
    bounded = any(level_max != f[2] for f, (level_max, _label) in zip(factors, bounds, strict=True))
    return Radar(
        WIDTH,
        HEIGHT,
        _n(cx),
        _n(cy),
        tuple(rings),
        tuple(axes),
        _points(shape),
        _points(shape_max) if bounded else "",
    )


def _axis_label(
    angle: float, at: tuple[float, float], title: str, level: str, label: str
) -> tuple[str, tuple[LabelLine, ...]]:
    """The label's anchor and lines: the title wrapped, then the level (`3 · Etablert`, or
    `2–4` for a level that is not settled: the labels are in the dot's tooltip and the
    table), away from the chart."""
    cos, sin = math.cos(angle), math.sin(angle)
    anchor = "middle" if abs(cos) < 0.2 else ("start" if cos > 0 else "end")
    texts = [*wrap(title, WRAP), f"{level} · {label}" if label else level]
    height = LINE_HEIGHT * len(texts)
    if sin < -0.5:  # above the chart: the block ends at the point
        top = at[1] - height + LINE_HEIGHT * 0.8
    elif sin > 0.5:  # below: the block starts at the point
        top = at[1] + LINE_HEIGHT * 0.8
    else:
        top = at[1] - height / 2 + LINE_HEIGHT * 0.8
    lines = tuple(
        LabelLine(_n(at[0]), _n(top + LINE_HEIGHT * i), text, strong=i == len(texts) - 1)
        for i, text in enumerate(texts)
    )
    return anchor, lines


def wrap(text: str, width: int) -> list[str]:
    """Words into lines of at most `width` characters (a longer word stands alone)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _n(value: float) -> str:
    """A coordinate with one decimal, so the bytes do not depend on float noise."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def _points(corners: Iterable[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)
