"""The reports for people in the reader's language (issue 16, items 1 and 2): `evaluate`
(table, Markdown, HTML, CSV, `--verify`), `explain`, `compare` and `impact` through the real
command line say nothing in English with `--lang nn` or `--lang nb` — outside the rule set's
own texts, field paths and file names — and do with `--lang en`; dates for people are
30.06.2025; missing evidence is named by its schema title; errors and warnings stand apart.
"""

from __future__ import annotations

import csv
import html.parser
import io
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import modenhet
from modenhet.cli import main
from modenhet.cli.progress import Progress, duration

from conftest import ROOT, SAMPLES

AS_OF = ["--as-of", "2025-06-30"]
ARCHIVED = ROOT / "rules" / "archive" / "bustadsosialt-2025.1.rules"
RULES = ROOT / "rules" / "bustadsosialt.rules"

# English words modenhet itself could write; none is a Norwegian word ("to", "at", "for", "by",
# "gap", "status", "set", "no" are, and are left out).
ENGLISH = set(
    """missing error errors warning warnings unknown expected required not valid invalid level
    levels factor factors criterion criteria met source overall decided old new changed report
    evidence the of and with is are in only none document documents failed evaluated holds
    collect next field path rule rules compared summary then now highest settled unchanged
    improved regressed advice legal floor duty made verifying about left what could unlock
    proven every each more than maturity municipality overview problems notes chart back
    true false partly known input inputs results tool version""".split()
)


def cli(*args: str, code: int = 0, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)
    assert result.exit_code == code, result.output + result.stderr
    return result


@pytest.fixture(autouse=True)
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("COLUMNS", raising=False)


# ------------------------------------------------------------------ what is not ours to say


def _schema_titles(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("title"), str):
            yield node["title"]
        for value in node.values():
            yield from _schema_titles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _schema_titles(value)


def rule_texts(*paths: Path) -> list[str]:
    """Every text of the rule sets (name, level labels, factor and criterion titles, advice,
    references, identifiers) and of their evidence schemas' titles, the longest first."""
    texts: set[str] = set()
    for path in paths:
        ruleset = modenhet.load_ruleset(path)
        texts.add(ruleset.name)
        texts.update(level.label for level in ruleset.levels)
        for factor in ruleset.factors:
            texts.update((factor.id, factor.title))
            for criterion in factor.criteria:
                texts.update((criterion.id, f"{factor.id}.{criterion.id}", criterion.title))
                texts.update(text for text in (criterion.advice, criterion.ref) if text)
        texts.update(_schema_titles(ruleset.schema))
    return sorted(texts, key=len, reverse=True)


FIELD_PATHS = re.compile(
    r"`[^`]*`"  # a backticked span: a path or a value quoted from the evidence
    r"|#?[\w.\-]*/[\w/~.:\-\[\]]*"  # a JSON pointer, a file's path
    r"|\b[\w\-]+\.(?:json|jsonl|rules|xlsx|csv|html|md)\b"  # a file name
    r"|\b(?:evidence|municipality)(?:\.[\w\[\]]+)+"  # a field path
)


def english_words(text: str, rule_sets: tuple[Path, ...] = (RULES,), *extra: str) -> set[str]:
    """The English words in `text` once the rule sets' own texts, field paths and file names
    are taken out."""
    for own in sorted(extra, key=len, reverse=True):
        text = text.replace(own, " ")
    text = FIELD_PATHS.sub(" ", text)
    for own in rule_texts(*rule_sets):  # whole words: an ID is no part of another word
        text = re.sub(rf"(?<!\w){re.escape(own)}(?!\w)", " ", text)
    words = re.findall(r"\w+", text)  # one with `_` is an identifier (`owner_role`), no word
    return {word for word in words if word.lower() in ENGLISH}


class Visible(html.parser.HTMLParser):
    """The text a reader sees on the page (and in tooltips), without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [value or "" for name, value in attrs if name in ("title", "aria-label")]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = Visible()
    parser.feed(page)
    return "\n".join(parser.parts)


# ------------------------------------------------------------------------- the acceptance


def evaluate(lang: str, format_: str, *paths: str) -> str:
    output = cli("evaluate", *(paths or ("samples/",)), *AS_OF, "--lang", lang, "-f", format_)
    return visible(output.stdout) if format_ == "html" else output.stdout


@pytest.fixture(scope="module")
def changed_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """samples/ with one value changed: Alstahaug has recorded its staff for housing work."""
    folder = tmp_path_factory.mktemp("now") / "samples"
    shutil.copytree(SAMPLES, folder, ignore=shutil.ignore_patterns("2024", "partial", "*.md"))
    path = folder / "1820-alstahaug.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["evidence"]["economy"]["housing_social_fte"] = 3.0
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return folder


def reports(lang: str, changed: Path) -> dict[str, tuple[str, tuple[Path, ...]]]:
    """Every report for people, each with the rule sets whose texts it quotes."""
    both = (RULES, ARCHIVED)
    impact = cli("impact", str(ARCHIVED), str(RULES), "samples/", *AS_OF, "--lang", lang)
    explain = cli("explain", "samples/1820-alstahaug.json", *AS_OF, "--lang", lang, "--all")
    return {
        "table": (evaluate(lang, "table"), (RULES,)),
        "one table": (evaluate(lang, "table", "samples/1820-alstahaug.json"), (RULES,)),
        "markdown": (evaluate(lang, "markdown"), (RULES,)),
        "one markdown": (evaluate(lang, "markdown", "samples/1820-alstahaug.json"), (RULES,)),
        "html": (evaluate(lang, "html"), (RULES,)),
        "one html": (evaluate(lang, "html", "samples/1820-alstahaug.json"), (RULES,)),
        "csv header": (evaluate(lang, "csv").splitlines()[0], (RULES,)),
        "compare": (
            cli("compare", "samples/", str(changed), *AS_OF, "--lang", lang).stdout,
            (RULES,),
        ),
        "impact": (impact.stdout, both),
        "explain": (explain.stdout, (RULES,)),
    }


def expressions(lang: str) -> list[str]:
    """The rule conditions `explain` quotes (rule text, in the rule language)."""
    found = cli("explain", "samples/1820-alstahaug.json", *AS_OF, "--all", "-f", "json")

    def walk(step: dict[str, Any]) -> Iterator[str]:
        yield step["expression"]
        if step.get("label"):
            yield step["label"]
        for child in step["children"]:
            yield from walk(child)

    report = json.loads(found.stdout)
    return [text for f in report["factors"] for c in f["criteria"] for text in walk(c["why"])]


@pytest.mark.parametrize("lang", ["nn", "nb"])
def test_no_english_word_reaches_a_norwegian_reader(lang: str, changed_copy: Path) -> None:
    quoted = expressions(lang)
    for name, (text, rule_sets) in reports(lang, changed_copy).items():
        assert english_words(text, rule_sets, *quoted) == set(), name


def test_the_same_scan_finds_english_in_english(changed_copy: Path) -> None:
    """The scan above can fail: in English every report has English words."""
    quoted = expressions("en")
    for name, (text, rule_sets) in reports("en", changed_copy).items():
        assert len(english_words(text, rule_sets, *quoted)) >= 2, name


def test_verify_answers_in_the_readers_language(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    cli("evaluate", "samples/", *AS_OF, "-o", str(report))
    nynorsk = cli("evaluate", "--verify", str(report), "--lang", "nn").stdout
    assert english_words(nynorsk, (RULES,), str(report)) == set()
    assert "per 30.06.2025" in nynorsk
    assert nynorsk.splitlines()[-1] == "Rapporten held: 9 av 9 dokument gav same resultat att."
    bokmål = cli("evaluate", "--verify", str(report), "--lang", "nb").stdout
    assert bokmål.splitlines()[-1].startswith("Rapporten holder: 9 av 9 dokumenter")
    english = cli("evaluate", "--verify", str(report), "--lang", "en").stdout
    assert english.splitlines()[-1] == "The report holds: 9 of 9 documents reproduced."
    assert "  samples/4601-bergen.json: holds" in english
    assert "  samples/4601-bergen.json: held" in nynorsk


# ------------------------------------------------------------------------------ dates


@pytest.mark.parametrize("lang", ["nn", "nb", "en"])
def test_dates_for_people_are_day_month_year(lang: str, changed_copy: Path) -> None:
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    for name, (text, _rules) in reports(lang, changed_copy).items():
        assert iso.findall(text) == [], name
    assert "30.06.2025" in evaluate(lang, "table")
    assert "30.06.2025" in evaluate(lang, "html", "samples/4601-bergen.json")
    # The explanation writes the dates it read as people do too: Alstahaug's council decision.
    explained = cli("explain", "samples/1820-alstahaug.json", *AS_OF, "--lang", lang).stdout
    assert "forankring.council_decision_date: 25.03.2021" in explained
    # Machines keep ISO.
    report = json.loads(evaluate(lang, "json"))
    assert report["as_of"] == "2025-06-30"


# ----------------------------------------------------------- missing evidence by its title


def test_missing_evidence_is_named_by_its_title_with_its_path_beside() -> None:
    one = "samples/1820-alstahaug.json"
    title, path = (
        "Dato for siste rapport om utfall til politisk leiing",
        ("evidence.anchoring.outcome_report_date"),
    )
    markdown = evaluate("nn", "markdown", one)
    assert f"manglar: {title} (`{path}`)." in markdown
    assert f"mangler: {title} (`{path}`)." in evaluate("nb", "markdown", one)
    assert f"missing: {title} (`{path}`)." in evaluate("en", "markdown", one)
    page = cli("evaluate", one, *AS_OF, "-f", "html").stdout
    assert f"{title} <small><code>{path}</code></small>" in page
    table = evaluate("nn", "table", one)
    assert "manglar: Dato for siste rapport om utfall til" in table
    # What to collect next: the factors by their titles, not their IDs.
    collect = markdown.split("## Kva som bør samlast inn")[1]
    assert "| Økonomiske ressursar, Kompetanse |" in collect
    assert "economy" not in collect.replace("evidence.economy", "")


def test_a_partly_known_field_is_named_as_such(tmp_path: Path) -> None:
    document = json.loads((SAMPLES / "1820-alstahaug.json").read_text(encoding="utf-8"))
    document["evidence"]["economy"]["housing_social_fte"] = {"at_least": 0}
    path = tmp_path / "alstahaug.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    markdown = evaluate("nn", "markdown", str(path))
    assert "delvis kjend: Årsverk (`evidence.economy.housing_social_fte`)." in markdown


# ------------------------------------------------------------------- errors and warnings


@pytest.fixture
def warned(tmp_path: Path) -> Path:
    """Molde under a name SSB's list does not give it (a warning), and Bergen with a value
    of the wrong type (an error)."""
    molde = json.loads((SAMPLES / "1506-molde.json").read_text(encoding="utf-8"))
    molde["municipality"]["name"] = "Molde kommune"
    (tmp_path / "1506-molde.json").write_text(json.dumps(molde), encoding="utf-8")
    bergen = json.loads((SAMPLES / "4601-bergen.json").read_text(encoding="utf-8"))
    bergen["evidence"]["economy"]["housing_social_fte"] = "mange"
    (tmp_path / "4601-bergen.json").write_text(json.dumps(bergen), encoding="utf-8")
    return tmp_path


def test_a_document_with_only_warnings_is_evaluated(warned: Path) -> None:
    alone = cli("evaluate", str(warned / "1506-molde.json"), *AS_OF, "-f", "json")
    (result,) = json.loads(alone.stdout)["results"]
    assert result["overall"] == 3 and "error" not in result
    (warning,) = result["warnings"]
    assert warning["severity"] == "warning" and warning["pointer"] == "/municipality/name"
    assert warning["message"].startswith('`municipality.name` is "Molde kommune"')


def test_errors_and_warnings_apart_in_json_and_jsonl(warned: Path) -> None:
    report = json.loads(cli("evaluate", str(warned), *AS_OF, "-f", "json", code=1).stdout)
    molde, bergen = report["results"]
    assert [e["severity"] for e in bergen["error"]] == ["error"] and "warnings" not in bergen
    assert "overall" not in bergen and molde["overall"] == 3
    assert [w["severity"] for w in molde["warnings"]] == ["warning"] and "error" not in molde
    lines = cli("evaluate", str(warned), *AS_OF, "-f", "jsonl", code=1).stdout.splitlines()
    assert json.loads(lines[0])["warnings"] == molde["warnings"]
    # The report still validates against its schema, which names the new field.
    from modenhet.run.verify import _schema_problem

    assert _schema_problem(report) is None


def test_errors_and_warnings_apart_in_csv(warned: Path) -> None:
    text = cli("evaluate", str(warned), *AS_OF, "-f", "csv", "--lang", "nn", code=1).stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    molde, bergen = rows
    assert list(rows[0])[:3] == ["Kjelde", "Kommunenummer", "Kommune"]
    assert list(rows[0])[-2:] == ["Feil", "Åtvaringar"]
    assert molde["Feil"] == "" and molde["Samla nivå"] == "3"
    assert molde["Åtvaringar"] == (
        '/municipality/name: Kommunenamn (`municipality.name`) er "Molde kommune", men kommune '
        "1506 er Molde i lista til SSB"
    )
    assert bergen["Åtvaringar"] == "" and bergen["Samla nivå"] == ""
    assert bergen["Feil"].startswith("/evidence/economy/housing_social_fte: ")
    english = cli("evaluate", str(warned), *AS_OF, "-f", "csv", "--lang", "en", code=1).stdout
    assert english.splitlines()[0].startswith("Source,Municipality number,Municipality,")


def test_errors_and_warnings_apart_in_markdown(warned: Path) -> None:
    text = cli("evaluate", str(warned), *AS_OF, "-f", "markdown", code=1).stdout
    header = next(line for line in text.splitlines() if line.startswith("| Kommune"))
    columns = [cell.strip() for cell in header.strip("|").split("|")]
    assert columns[-2:] == ["Feil", "Åtvaringar"]
    molde = next(line for line in text.splitlines() if "Molde kommune (1506)" in line)
    cells = [cell.strip() for cell in molde.strip("|").split("|")]
    assert cells[-2] == "" and cells[-1].startswith("Kommunenamn (\\`municipality.name\\`) er")
    assert cells[-3] == "56/56"  # evaluated: its levels are there


def test_errors_and_warnings_apart_in_the_table(warned: Path) -> None:
    text = cli("evaluate", str(warned), *AS_OF, "--lang", "nb", code=1).stdout
    rows = {line.split()[0]: line for line in text.splitlines() if line[:6] in ("Bergen", "Molde ")}
    assert rows["Molde"].rstrip().endswith("1 advarsel") and "56/56" in rows["Molde"]
    assert rows["Bergen"].rstrip().endswith("1 feil")
    notes = text.split("Feil og advarsler i dokumentene:")[1]
    # Whole messages, each under its document with its severity, never cut mid-sentence.
    assert (
        'advarsel: Kommunenamn (`municipality.name`) er "Molde kommune", men kommune 1506 er '
        "Molde i SSBs liste (#/municipality/name)" in notes
    )
    assert (
        "feil: Årsverk (`evidence.economy.housing_social_fte`) må være et tall, et objekt eller "
        '`null`; fikk "mange" (#/evidence/economy/housing_social_fte)' in notes
    )


def test_one_document_lists_its_warnings_under_the_table(warned: Path) -> None:
    text = cli("evaluate", str(warned / "1506-molde.json"), *AS_OF).stdout
    notes = text.split("Merknader til dokumentasjonen:\n")[1]
    assert notes.startswith(
        '  åtvaring: Kommunenamn (`municipality.name`) er "Molde kommune", men '
    )


def test_the_html_report_keeps_warnings_apart(warned: Path) -> None:
    page = cli("evaluate", str(warned), *AS_OF, "-f", "html", code=1).stdout
    molde = page.split('id="doc-1"')[1].split('id="doc-2"')[0]
    assert "<h3>Åtvaringar</h3>" in molde and "<h3>Feil</h3>" not in molde
    assert 'class="status status-unknown">åtvaring</span>' in molde
    bergen = page.split('id="doc-2"')[1]
    assert "<h3>Feil</h3>" in bergen and 'class="status status-error">feil</span>' in bergen


# ------------------------------------------------------------------------- the width


@pytest.mark.parametrize("columns", [80, 100])
def test_the_summary_fits_columns(columns: int) -> None:
    text = cli("evaluate", "samples/", *AS_OF, env={"COLUMNS": str(columns)}).stdout
    assert max(len(line) for line in text.splitlines()) <= columns
    # Shortened headings are said in full below the table.
    if columns == 80:
        assert "Faktorar:\n" in text and "= Organisering og samordning" in text


def test_a_wide_summary_has_the_factors_titles_whole() -> None:
    text = cli("evaluate", "samples/", *AS_OF).stdout  # a pipe: nothing is narrowed
    head = "\n".join(text.splitlines()[2:5])
    assert "Forankring og" in head and "Brukarmedverknad" in head
    assert "Faktorar:" not in text and "anchoring" not in text


# ------------------------------------------------------------------------ the progress


def test_the_progress_line_in_each_language() -> None:
    assert Progress(enabled=False, total=3000, lang="nn").text(1000, 2, 2.0) == (
        "Evaluerte 1\u00a0000 av 3\u00a0000 dokument (2 med feil) · 500/s · om lag 4 s att"
    )
    assert Progress(enabled=False, lang="nb").text(1000, 0, 2.0) == (
        "Evaluerte 1\u00a0000 dokumenter (0 med feil) · 500/s"
    )
    assert Progress(enabled=False, total=3000, lang="en").text(1000, 2, 2.0) == (
        "Evaluated 1,000 of 3,000 documents (2 failed) · 500/s · about 4 s left"
    )
    assert duration(3700, "nn") == "1 t 1 min" and duration(3700, "en") == "1 h 1 min"


def test_verbose_summary_line_in_the_readers_language() -> None:
    result = cli("evaluate", "samples/", *AS_OF, "-v", "--lang", "nb")
    assert result.stderr.splitlines()[-1] == (
        "9 dokumenter: 9 evaluert, 0 med feil, 0 med advarsler"
    )
