"""The HTML report (`evaluate -f html`): one self-contained, deterministic page, evidence text
always escaped, and — in a real headless Chromium — a page that loads without a console
error, draws its charts and sorts and filters its heatmap.

The browser tests drive Debian's /usr/bin/chromium through the DevTools protocol over a pipe
(`--remote-debugging-pipe`), with the standard library only. They are skipped when Chromium is
absent, except under CI (the CI variable set), where they fail instead: .ci/run installs it.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import html
import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from modenhet.cli import main
from modenhet.report import html as html_report

from conftest import ROOT, SAMPLES

AS_OF = "2025-06-30"
ONE = SAMPLES / "1820-alstahaug.json"
FACTORS = ("anchoring", "strategy", "coordination", "economy", "competence", "participation")
XSS = "<script>alert(1)</script>"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def evaluate_html(*args: str, status: int = 0) -> str:
    result = CliRunner().invoke(
        main,
        ["evaluate", "--lang", "en", *args, "--as-of", AS_OF, "-f", "html"],
        catch_exceptions=False,
    )
    assert result.exit_code == status, result.output
    return result.stdout


def evaluate_json(*args: str) -> str:
    result = CliRunner().invoke(main, ["evaluate", *args, "--as-of", AS_OF, "-f", "json"])
    return result.stdout


# -- a small DOM for the assertions: elements with their attributes, children and text


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str, cls: str | None = None) -> list[Element]:
        return [e for e in self.iter() if e.tag == tag and (cls is None or cls in e.classes)]

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.iter() if e.attrs.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]


VOID = {"meta", "link", "br", "input", "img", "hr", "col", "source", "wbr"}
SVG_EMPTY = {"line", "polygon", "circle", "path", "rect"}  # written self-closing in the SVG


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {}, None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        assert self.current.tag == tag, f"</{tag}> closes <{self.current.tag}>"
        assert self.current.parent is not None
        self.current = self.current.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse(page: str) -> Element:
    builder = TreeBuilder()
    builder.feed(page)
    builder.close()
    assert builder.current is builder.root, "an element is not closed"
    return builder.root


def radar_axes(svg: Element) -> list[str]:
    return [line.attrs["data-factor"] for line in svg.find_all("line", "axis")]


# -- one municipality


@pytest.fixture(scope="module")
def one_page() -> str:
    return evaluate_html(str(ONE))


def test_single_document_page_has_the_run_facts(one_page: str) -> None:
    dom = parse(one_page)
    assert one_page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert dom.find_all("title")[0].text() == "Maturity report: Alstahaug (1820)"
    header = dom.find_all("header")[0].text()
    # The date as people write it, and as ISO for machines in the <time> element.
    assert "Bustadsosialt arbeid 2026.1" in header and "30.06.2025" in header
    assert f'<time datetime="{AS_OF}">30.06.2025</time>' in one_page
    assert "as of 30.06.2025." in dom.find_all("footer")[0].text()
    sha = re.search(r'"sha256": "([0-9a-f]{64})"', evaluate_json(str(ONE)))
    assert sha is not None and sha.group(1) in header
    assert sha.group(1) in dom.find_all("footer")[0].text()
    assert [li.text().split() for li in dom.find_all("ol", "legend")[0].find_all("li")] == [
        ["1", "Innleiande"],
        ["2", "Grunnleggjande"],
        ["3", "Definert"],
        ["4", "Styrt"],
        ["5", "Leiande"],
    ]
    assert dom.find_all("table", "heatmap") == []  # no overview for one document


def test_single_document_radar_has_one_axis_per_factor(one_page: str) -> None:
    svgs = parse(one_page).find_all("svg", "radar")
    assert len(svgs) == 1
    svg = svgs[0]
    assert radar_axes(svg) == list(FACTORS)
    assert len(svg.find_all("polygon", "ring")) == 5  # one ring per declared level
    assert len(svg.find_all("circle", "dot")) == 6
    assert svg.attrs["role"] == "img" and svg.find_all("title")
    labels = [text.text().split() for text in svg.find_all("text", "axis-label")]
    # A level that is not settled is written as its bounds; a settled one with its label.
    assert labels[0] == ["Forankring", "og", "eigarskap", "3", "·", "Definert"]
    assert labels[1] == ["Overordna", "strategi", "1–4"]


def test_single_document_radar_draws_the_possible_levels_as_an_outline(one_page: str) -> None:
    """Alstahaug leaves evidence out: five of its six factors are not settled (all but
    anchoring), so the radar has a second, outlined polygon and a hollow dot on each of
    those five axes, at the level_max the JSON report gives."""
    svg = parse(one_page).find_all("svg", "radar")[0]
    (shape,) = svg.find_all("polygon", "shape")
    (outline,) = svg.find_all("polygon", "shape-max")
    assert shape.attrs["points"] != outline.attrs["points"]
    assert len(svg.find_all("circle", "dot-max")) == 5
    titles = [circle.find_all("title")[0].text() for circle in svg.find_all("circle", "dot")]
    # Economy by hand (test_cli's section 8 test): 2 proven, at most 5.
    assert titles[3] == "Økonomiske ressursar: 2–5 Grunnleggjande – Leiande"
    assert titles[0] == "Forankring og eigarskap: 3 Definert"
    report = json.loads(evaluate_json(str(ONE)))["results"][0]
    maxima = [f["level_max"] for f in report["factors"].values()]
    levels = [f["level"] for f in report["factors"].values()]
    assert sum(high > low for low, high in zip(levels, maxima, strict=True)) == 5


def test_a_settled_document_has_no_outline() -> None:
    svg = parse(evaluate_html(str(SAMPLES / "4601-bergen.json"))).find_all("svg", "radar")[0]
    assert svg.find_all("polygon", "shape-max") == [] and svg.find_all("circle", "dot-max") == []


def test_single_document_factor_table_and_gaps(one_page: str) -> None:
    dom = parse(one_page)
    table = dom.find_all("table", "factors")[0]
    rows = [
        [cell.text().strip() for cell in row.iter() if cell.tag in ("th", "td")]
        for row in table.find_all("tbody")[0].find_all("tr")
    ]
    # samples/README.md: Alstahaug proven at 3 1 2 2 2 2, overall 1; every factor but
    # anchoring is not settled.
    assert rows[0][:3] == ["Forankring og eigarskap", "3", "Definert"]
    assert rows[0][3] == "0 of 3 met for level 4"
    assert rows[3][1:3] == ["2–5", "Grunnleggjande – Leiande"]  # economy, by hand (test_cli)
    assert rows[3][4] == "3 of 8 decided"
    report = json.loads(evaluate_json(str(ONE)))["results"][0]
    assert [row[1] for row in rows] == [
        str(f["level"]) if f["level"] == f["level_max"] else f"{f['level']}–{f['level_max']}"
        for f in report["factors"].values()
    ]
    assert [f["level"] for f in report["factors"].values()] == [3, 1, 2, 2, 2, 2]
    overall = table.find_all("tfoot")[0].text()
    assert "Overall level" in overall and "Innleiande – Definert" in overall
    decided = report["decided"]
    assert "1–3" in overall and f"{decided['criteria']} of {decided['of']} decided" in overall
    # The strategy gap: the legal duty, marked §, with its missing path, advice and ref.
    gap = dom.by_id("doc-1-gap-2")
    items = gap.find_all("li", "criterion")
    assert len(items) == 1 and "legal" in items[0].classes
    assert "legal" not in dom.by_id("doc-1-gap-1").find_all("li", "criterion")[0].classes
    first = items[0].text().strip()
    assert first.startswith("§ Kommuneplanen har overordna bustadsosiale mål")
    assert "evidence.strategy.master_plan_goals" in first
    assert "Advice:" in first and "Bustadsosiallova § 5" in first
    # The legal floor lists the same duty.
    floor = dom.by_id("doc-1-floor").parent
    assert floor is not None and "Kommuneplanen har overordna" in floor.text()


def test_factors_at_the_highest_level_and_no_legal_floor() -> None:
    dom = parse(evaluate_html(str(SAMPLES / "4601-bergen.json")))
    assert "Every legal duty in the rule set is met." in dom.text()
    assert dom.text().count("Highest level reached.") == 6
    assert dom.find_all("li", "criterion") == []


# -- many municipalities


@pytest.fixture(scope="module")
def all_page() -> str:
    return evaluate_html(str(SAMPLES))


def test_heatmap_has_a_row_per_document_linking_to_its_section(all_page: str) -> None:
    dom = parse(all_page)
    heatmap = dom.by_id("heatmap")
    headings = [th.text().strip() for th in heatmap.find_all("thead")[0].find_all("th")]
    assert headings[0] == "Municipality" and headings[-1] == "Overall"
    assert len(headings) == 8 and all(th.find_all("button") for th in heatmap.find_all("th")[:8])
    rows = heatmap.find_all("tbody")[0].find_all("tr")
    names = [row.find_all("a")[0].text() for row in rows]
    assert names[:2] == ["Stavanger (1103)", "Utsira (1151)"] and len(names) == 9
    for row in rows:
        target = row.find_all("a")[0].attrs["href"].removeprefix("#")
        section = dom.by_id(target)
        assert section.tag == "section" and row.find_all("a")[0].text() in section.text()
        assert radar_axes(section.find_all("svg", "radar")[0]) == list(FACTORS)
    tromso = [row for row in rows if "Tromsø" in row.text()][0]
    cells = tromso.find_all("td")
    # Colour is not the only signal: each cell writes its level, and says it in its title.
    assert [cell.text() for cell in cells] == ["5", "3", "5", "3", "4", "5", "3"]
    assert [cell.attrs["data-value"] for cell in cells] == ["5", "3", "5", "3", "4", "5", "3"]
    assert cells[1].attrs["title"] == "Overordna strategi: 3 Definert"
    assert "lvl-2" in cells[1].classes and "bounded" not in cells[1].classes
    # Utsira records almost nothing: its cells show bounds, hatched, and say so in the title.
    utsira = [row for row in rows if "Utsira" in row.text()][0].find_all("td")
    assert utsira[0].text() == "1–5" and "bounded" in utsira[0].classes
    assert utsira[0].attrs["data-value"] == "1" and utsira[0].attrs["data-max"] == "5"
    assert utsira[0].attrs["title"].endswith("1–5 Innleiande – Leiande (not settled)")
    assert len(dom.find_all("section", "document")) == 9
    assert dom.by_id("heatmap-filter").tag == "input"


def test_the_distribution_counts_levels_that_are_not_settled_apart(all_page: str) -> None:
    table = parse(all_page).find_all("table", "distribution")[0]
    head = [th.text().strip() for th in table.find_all("thead")[0].find_all("th")]
    assert head[-1] == "not settled"
    rows = {
        row.find_all("th")[0].text(): [td.text() for td in row.find_all("td")]
        for row in table.find_all("tbody")[0].find_all("tr")
    }
    # Overall: Lærdal 1, Drammen and Tynset 2, Molde and Tromsø 3, Stavanger 4, Bergen 5;
    # Utsira (1–3) and Alstahaug (1–3) are not settled and count at no level.
    assert rows["Overall level"] == ["1", "2", "2", "1", "1", "2"]


def test_an_empty_document_reads_floor_to_top_in_html(tmp_path: Path) -> None:
    (tmp_path / "empty.json").write_text("{}", encoding="utf-8")
    page = evaluate_html(str(tmp_path / "empty.json"), "--no-validate")
    dom = parse(page)
    total = sum(len(f.criteria) for f in load_default().factors)
    overall = dom.find_all("p", "overall-level")[0].text()
    assert "1–5" in overall and f"0 of {total} decided" in overall
    table = dom.find_all("table", "factors")[0]
    cells = [
        [cell.text().strip() for cell in row.iter() if cell.tag in ("th", "td")][1]
        for row in table.find_all("tbody")[0].find_all("tr")
    ]
    assert cells == ["1–5"] * 6
    assert dom.find_all("polygon", "shape-max")
    assert "What to collect next" in dom.text()


def load_default() -> Any:
    import modenhet

    return modenhet.load_ruleset(modenhet.default_rules_path())


def test_a_failed_document_gets_a_row_with_its_problems(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "5501-tromso.json", tmp_path / "a.json")
    doc = json.loads(ONE.read_text(encoding="utf-8"))
    doc["evidence"]["strategy"]["action_plan"]["status"] = "<b>gjeldande</b>"
    (tmp_path / "b.json").write_text(json.dumps(doc), encoding="utf-8")
    (tmp_path / "c.json").write_text("{", encoding="utf-8")
    page = evaluate_html(str(tmp_path), status=1)
    dom = parse(page)
    rows = dom.by_id("heatmap").find_all("tbody")[0].find_all("tr")
    assert ["failed" in row.classes for row in rows] == [False, True, True]
    failed = rows[1].text()
    assert "Alstahaug (1820)" in failed and "Could not be evaluated" in failed
    assert "/evidence/strategy/action_plan/status" in failed and "<b>gjeldande</b>" in failed
    assert "&lt;b&gt;gjeldande&lt;/b&gt;" in page and "<b>gjeldande" not in page
    assert rows[2].find_all("a")[0].text().endswith("c.json")  # no municipality: the source
    section = dom.by_id(rows[1].find_all("a")[0].attrs["href"][1:])
    assert "This document could not be evaluated." in section.text()
    assert not section.find_all("svg")
    assert "8 documents" not in page and "3 documents: 1 evaluated, 2 failed." in dom.text()


# -- safety, self-containment, determinism


def test_evidence_text_is_escaped(tmp_path: Path) -> None:
    doc = json.loads(ONE.read_text(encoding="utf-8"))
    doc["municipality"]["name"] = XSS
    name = '"><img src=x onerror=alert(2)>.json'  # the source is shown too
    (tmp_path / name).write_text(json.dumps(doc), encoding="utf-8")
    shutil.copy(SAMPLES / "4601-bergen.json", tmp_path / "bergen.json")
    for page in (evaluate_html(str(tmp_path / name)), evaluate_html(str(tmp_path))):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<script>alert" not in page and "<img" not in page
        assert page.count("<script") == 2  # the page's JSON messages and its own script
        dom = parse(page)
        assert any(h2.text() == f"{XSS} (1820)" for h2 in dom.find_all("h2"))


def inline(page: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)


def test_the_page_is_self_contained(all_page: str, one_page: str) -> None:
    for page in (all_page, one_page):
        lowered = page.lower()
        for needle in ("http://", "https://", "<link", "<img", "<iframe", "@import", "url("):
            assert needle not in lowered
        assert not re.search(r"\ssrc=", lowered)
        # The Content-Security-Policy forbids every load, and admits only the page's own
        # style and script, by hash.
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
        assert csp is not None
        policy = html.unescape(csp.group(1))
        assert policy.startswith("default-src 'none';")
        for tag, directive in (("style", "style-src"), ("script", "script-src")):
            (text,) = inline(page, tag)
            digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
            assert f"{directive} 'sha256-{digest}';" in policy


def test_embedded_json_is_escaped_for_a_script_context() -> None:
    env = html_report.environment("en")
    template = env.from_string('<script type="application/json">{{ data|tojson }}</script>')
    text = template.render(data={"shown": "</script><script>alert(1)</script>"})
    assert "</script><script>" not in text and "\\u003c/script\\u003e" in text


def test_output_is_deterministic(tmp_path: Path, all_page: str) -> None:
    """The same inputs and --as-of give the same bytes: twice in-process, once in a subprocess."""
    assert evaluate_html(str(SAMPLES)) == all_page
    out = tmp_path / "report.html"
    command = [
        sys.executable,
        "-m",
        "modenhet",
        "evaluate",
        "--lang",
        "en",
        str(SAMPLES),
        "--as-of",
        AS_OF,
    ]
    done = subprocess.run(
        [*command, "-f", "html", "-o", str(out)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == all_page.encode("utf-8")


def test_lang_attribute_follows_lang(all_page: str) -> None:
    assert '<html lang="en">' in all_page
    nynorsk = evaluate_html(str(ONE), "--lang", "nn")
    assert '<html lang="nn">' in nynorsk and "Samla nivå" in nynorsk  # the default language
    assert '<html lang="nb">' in evaluate_html(str(ONE), "--lang", "nb")


def test_the_reports_own_words_go_through_gettext(monkeypatch: pytest.MonkeyPatch) -> None:
    import gettext

    class Marked(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return f"«{message}»"

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return f"«{singular if n == 1 else plural}»"

    monkeypatch.setattr(html_report, "translator", lambda lang: Marked())
    html_report.environment.cache_clear()
    try:
        page = evaluate_html(str(SAMPLES))
    finally:
        html_report.environment.cache_clear()
    for words in ("Overall level", "Legal floor", "Gap to the next level", "Levels", "Overview"):
        assert f"«{words}»" in page and f">{words}<" not in page
    assert "«not met»" in page and "«Municipality»" in page and "«Maturity report:" in page
    messages = re.search(
        r'<script type="application/json" id="report-messages">(.*?)</script>', page
    )
    assert messages is not None
    assert json.loads(messages.group(1)) == {"shown": "«{shown} of {total} shown»"}


def test_radar_bounds_geometry() -> None:
    """The possible polygon: each factor's level_max on its axis; the outline only where some
    factor is not settled."""
    factors = [("a", "A", 1, "one"), ("b", "B", 2, "two"), ("c", "C", 3, "three")]
    settled = html_report.radar(factors, [1, 2, 3], [(1, "one"), (2, "two"), (3, "three")])
    assert settled.shape_max == "" and not any(axis.bounded for axis in settled.axes)
    chart = html_report.radar(factors, [1, 2, 3], [(3, "three"), (2, "two"), (3, "three")])
    assert [axis.bounded for axis in chart.axes] == [True, False, False]
    # a reaches the outer ring at its level_max 3, where c (at 3) also stands on its own axis.
    assert (chart.axes[0].max_x, chart.axes[0].max_y) == (chart.axes[0].x, chart.axes[0].y)
    assert chart.shape_max.split()[1:] == chart.shape.split()[1:]
    assert chart.shape_max.split()[0] != chart.shape.split()[0]
    assert chart.axes[0].lines[-1].text == "1–3"
    assert chart.axes[1].lines[-1].text == "2 · two"


def test_radar_for_other_levels_and_factor_counts() -> None:
    chart = html_report.radar(
        [("a", "A", 0, "zero"), ("b", "B", 3, "three"), ("c", "C", 1, "one")], [0, 1, 2, 3]
    )
    assert [ring.level for ring in chart.rings] == [0, 1, 2, 3]
    assert len(chart.axes) == 3 and len(chart.shape.split()) == 3
    assert chart.axes[1].dot_x == chart.axes[1].x  # the highest level on the outer ring
    assert chart.axes[0].dot_y != chart.cy  # the lowest level off the centre, still visible
    assert html_report.wrap("Organisering og samordning", 16) == ["Organisering og", "samordning"]
    assert len(html_report.level_colours(3)) == 3 and len(html_report.level_colours(1)) == 1


# -- in a real browser


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing under CI: .ci/run should install chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory, all_page: str, one_page: str) -> Path:
    folder = tmp_path_factory.mktemp("pages")
    (folder / "all.html").write_text(all_page, encoding="utf-8")
    (folder / "one.html").write_text(one_page, encoding="utf-8")
    evidence = folder / "evidence"
    evidence.mkdir()
    doc = json.loads(ONE.read_text(encoding="utf-8"))
    doc["municipality"]["name"] = XSS
    (evidence / "xss.json").write_text(json.dumps(doc), encoding="utf-8")
    shutil.copy(SAMPLES / "4601-bergen.json", evidence / "bergen.json")
    (folder / "xss.html").write_text(evaluate_html(str(evidence)), encoding="utf-8")
    return folder


def test_dump_dom_after_scripts_ran(chromium: Path, pages: Path, tmp_path: Path) -> None:
    """The simplest look from a browser: the DOM after load, as Chromium serialises it."""
    dumped = {}
    for name in ("one", "all"):
        done = subprocess.run(
            [
                str(chromium),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={tmp_path / name}",
                "--dump-dom",
                (pages / f"{name}.html").as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=90,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        dumped[name] = parse(done.stdout)
    one = dumped["one"].find_all("svg", "radar")
    assert len(one) == 1 and radar_axes(one[0]) == list(FACTORS)
    controls = dumped["all"].by_id("heatmap-controls")
    assert "hidden" not in controls.attrs  # the script ran and showed the controls
    assert dumped["all"].by_id("heatmap-count").text() == "9 of 9 shown"


class DevTools:
    """Chromium driven over the DevTools protocol through a pipe: commands go to its fd 3,
    answers and events come from its fd 4, each message JSON ended by a NUL byte."""

    def __init__(self, chromium: Path, profile: Path) -> None:
        to_r, self.to_browser = os.pipe()
        self.from_browser, from_w = os.pipe()
        # Move the browser's ends to fds >= 10 so that the redirections below cannot
        # overwrite each other, then let bash put them at 3 and 4.
        read_end = fcntl.fcntl(to_r, fcntl.F_DUPFD_CLOEXEC, 10)
        write_end = fcntl.fcntl(from_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_r)
        os.close(from_w)
        script = f'exec "$0" "$@" 3<&{read_end} 4>&{write_end} {read_end}<&- {write_end}>&-'
        self.process = subprocess.Popen(
            [
                "bash",
                "-c",
                script,
                str(chromium),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            pass_fds=(read_end, write_end),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(read_end)
        os.close(write_end)
        self.buffer = b""
        self.last_id = 0
        self.events: list[dict[str, Any]] = []
        self.session = ""

    def close(self) -> None:
        try:
            self.send("Browser.close", session=None)
            self.process.wait(timeout=20)
        except Exception:
            self.process.kill()
            self.process.wait()
        finally:
            os.close(self.to_browser)
            os.close(self.from_browser)

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: str | None = ""
    ) -> Any:
        self.last_id += 1
        message: dict[str, Any] = {"id": self.last_id, "method": method, "params": params or {}}
        session = self.session if session == "" else session
        if session:
            message["sessionId"] = session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 30
        while True:
            reply = self.read(deadline)
            if reply.get("id") == self.last_id:
                assert "error" not in reply, f"{method}: {reply['error']}"
                return reply["result"]
            self.events.append(reply)

    def read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.from_browser], [], [], left)[0]:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self.from_browser, 1 << 16)
            if not chunk:
                raise EOFError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, _, self.buffer = self.buffer.partition(b"\0")
        return json.loads(message)  # type: ignore[no-any-return]

    def open(self, url: str) -> None:
        """A new tab with the console and log watched, loaded with `url`."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=None)
        attached = self.send(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=None,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + 30
        while not any(self.is_event(e, "Page.loadEventFired") for e in self.events):
            self.events.append(self.read(deadline))

    def is_event(self, event: dict[str, Any], method: str) -> bool:
        return event.get("method") == method and event.get("sessionId") == self.session

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, the browser's own error log
        (failed loads, Content-Security-Policy violations) and any dialog (alert) opened."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in (
                "error",
                "warning",
                "assert",
            ):
                found.append(f"console.{params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log: {params['entry']['text']}")
            elif method == "Page.javascriptDialogOpening":
                found.append(f"dialog: {params['message']}")
        return found


@pytest.fixture
def browser(chromium: Path, tmp_path: Path) -> Iterator[DevTools]:
    devtools = DevTools(chromium, tmp_path / "profile")
    try:
        yield devtools
    finally:
        devtools.close()


def test_single_page_in_chromium(browser: DevTools, pages: Path) -> None:
    browser.open((pages / "one.html").as_uri())
    assert browser.evaluate("document.querySelectorAll('svg.radar line.axis').length") == 6
    # The chart is drawn: the shape has an area on screen, and a label per axis is laid out.
    box = browser.evaluate(
        "(() => { const r = document.querySelector('svg.radar .shape').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert box[0] > 50 and box[1] > 50
    assert browser.evaluate("document.querySelectorAll('svg.radar text.axis-label').length") == 6
    assert browser.evaluate("document.title") == "Maturity report: Alstahaug (1820)"
    # The possible levels: an outline, not filled, drawn dashed around the proven shape.
    outline = browser.evaluate(
        "(() => { const s = document.querySelector('svg.radar .shape').getBoundingClientRect();"
        " const m = document.querySelector('svg.radar .shape-max');"
        " const b = m.getBoundingClientRect(); const style = getComputedStyle(m);"
        " return [b.width >= s.width, b.height >= s.height,"
        " b.width * b.height > s.width * s.height,"
        " style.fill, style.strokeDasharray, style.stroke !== 'none']; })()"
    )
    assert outline[:3] == [True, True, True]
    assert outline[3] == "none" and outline[4] not in ("none", "") and outline[5] is True
    filled = browser.evaluate("getComputedStyle(document.querySelector('svg.radar .shape')).fill")
    assert filled not in ("none", "")
    assert browser.problems() == []


def test_overview_sorts_and_filters_in_chromium(browser: DevTools, pages: Path) -> None:
    browser.open((pages / "all.html").as_uri())
    names = "[...document.querySelectorAll('#heatmap tbody tr')].map(r => r.dataset.name)"
    shown = (
        "[...document.querySelectorAll('#heatmap tbody tr')]"
        ".filter(r => !r.hidden).map(r => r.dataset.name)"
    )
    overall = (
        "[...document.querySelectorAll('#heatmap tbody tr')].map(r => r.cells[7].dataset.value)"
    )
    assert browser.evaluate("document.querySelectorAll('svg.radar').length") == 9
    assert browser.evaluate("document.querySelectorAll('svg.radar line.axis').length") == 54
    assert browser.evaluate("document.getElementById('heatmap-controls').hidden") is False
    # A cell that is not settled is visibly different: hatched and outlined with a dashed line;
    # a settled cell of the same colour is neither.
    looks = (
        "(cell => { const s = getComputedStyle(cell);"
        " return [cell.textContent, s.backgroundImage.includes('repeating-linear-gradient'),"
        " s.outlineStyle]; })"
    )
    utsira = "[...document.querySelectorAll('#heatmap tbody tr')][1].cells[1]"
    lardal = "[...document.querySelectorAll('#heatmap tbody tr')][7].cells[2]"
    assert browser.evaluate(f"{looks}({utsira})") == ["1–5", True, "dashed"]
    assert browser.evaluate(f"{looks}({lardal})") == ["1", False, "none"]
    # Sort by the overall level: ascending, then descending; ties keep the input order.
    browser.evaluate("document.querySelector('#heatmap thead th:last-child button').click()")
    assert browser.evaluate(overall) == ["1", "1", "1", "2", "2", "3", "3", "4", "5"]
    assert browser.evaluate(names)[:3] == ["Utsira (1151)", "Alstahaug (1820)", "Lærdal (4642)"]
    assert (
        browser.evaluate(
            "document.querySelector('#heatmap thead th:last-child').getAttribute('aria-sort')"
        )
        == "ascending"
    )
    browser.evaluate("document.querySelector('#heatmap thead th:last-child button').click()")
    assert browser.evaluate(overall) == ["5", "4", "3", "3", "2", "2", "1", "1", "1"]
    # Sort by name.
    browser.evaluate("document.querySelector('#heatmap thead th button').click()")
    assert browser.evaluate(names)[:3] == ["Alstahaug (1820)", "Bergen (4601)", "Drammen (3301)"]
    # Filter by name, then by number.
    filter_by = (
        "(q => { const input = document.getElementById('heatmap-filter'); input.value = q;"
        " input.dispatchEvent(new Event('input')); })"
    )
    browser.evaluate(f"{filter_by}('BERG')")
    assert browser.evaluate(shown) == ["Bergen (4601)"]
    assert browser.evaluate("document.getElementById('heatmap-count').textContent") == (
        "1 of 9 shown"
    )
    browser.evaluate(f"{filter_by}('5501')")
    assert browser.evaluate(shown) == ["Tromsø (5501)"]
    browser.evaluate(f"{filter_by}('')")
    assert len(browser.evaluate(shown)) == 9
    # A row's link leads to the municipality's section.
    browser.evaluate("document.querySelector('#heatmap tbody tr a').click()")
    assert browser.evaluate("location.hash") == "#doc-4"  # Alstahaug, first by name
    assert browser.problems() == []


def test_escaped_evidence_stays_text_in_chromium(browser: DevTools, pages: Path) -> None:
    browser.open((pages / "xss.html").as_uri())
    assert browser.evaluate("document.scripts.length") == 2
    assert browser.evaluate("document.querySelector('#doc-2 h2').textContent") == f"{XSS} (1820)"
    assert browser.evaluate("document.querySelectorAll('#heatmap tbody tr').length") == 2
    assert browser.problems() == []  # no alert dialog, no error


def test_docs_show_the_screenshots() -> None:
    doc = (ROOT / "docs" / "html-report.md").read_text(encoding="utf-8")
    shots = sorted(p.name for p in (ROOT / "docs" / "screenshots").glob("*.png"))
    assert shots, "no screenshots in docs/screenshots/"
    for shot in shots:
        assert f"](screenshots/{shot})" in doc
