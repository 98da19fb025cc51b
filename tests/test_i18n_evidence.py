"""`modenhet validate` in nynorsk, bokmål and English: a corpus of evidence broken in every way
the schema, the reader, the municipality and source checks and the workbook reader complain
about, run through the real command. In nn and nb no English word is left once the parts that
are never translated are taken out (the place `FILE:LINE#POINTER`, `backticked` paths, keys and
codes, and "quoted" values from the document); the same filter finds English in `--lang en`,
so the test can fail. Fields are named by the schema's Norwegian title beside their path."""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import modenhet
from modenhet.evidence.reader import iter_evidence
from modenhet.evidence.validation import SchemaValidator

from conftest import ROOT, SAMPLES

# Words of modenhet's English messages that are no Norwegian words (not "at", "for", "men",
# "i", "under", "null", "byte", "no": those are Norwegian too).
ENGLISH = frozenset(
    """
    missing error errors warning warnings unknown expected required not valid invalid must got
    should known keys key be is are was a an the of or and number numbers string object true
    false date dates pattern list lists file files document documents line column more than
    least most one with without value values empty has have holds hold found cannot read but
    only this that which where when from into did you mean text allowed limit whole elements
    characters nested deeply levels deep municipality municipalities evidence source sources
    submitted year split sheet sheets cell cells workbook answer answers yes choices choice
    type mean raise it its every each own needs once
    """.split()
)
SEVERITY = {"nn": ("feil", "åtvaring"), "nb": ("feil", "advarsel"), "en": ("error", "warning")}
SCHEMA = ROOT / "schemas" / "evidence.schema.json"


def bergen() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    return loaded


def write(folder: Path, name: str, document: Any) -> None:
    text = json.dumps(document, ensure_ascii=False, indent=2)
    (folder / name).write_text(text, encoding="utf-8")


def every_schema_problem() -> dict[str, Any]:
    """Bergen's document, broken once for every keyword of the evidence schema."""
    doc = bergen()
    evidence, sources = doc["evidence"], doc["sources"]
    evidence["economy"]["housing_social_fte"] = "mange"  # type
    evidence["economy"]["budget_nkk"] = 5  # an unknown key, with the one it resembles
    evidence["anchoring"]["heilt_anna"] = 1  # an unknown key: the known keys listed
    doc["municipality"]["population"] = -3  # minimum
    evidence["competence"]["staff_trained_share"] = 85  # maximum
    evidence["strategy"]["action_plan"]["status"] = "gjeldande"  # enum
    sources[0]["kind"] = "statistic"  # enum, with the value it resembles
    evidence["strategy"]["needs_overview_date"] = "01.03.2024"  # a date in the wrong form
    evidence["economy"]["instruments_used"] = ["startlan", "startlan"]  # uniqueItems
    sources[1]["title"] = ""  # minLength
    del sources[2]["title"]  # required
    sources[3]["id"] = "Ugyldig Id"  # pattern (and the references to it broken)
    sources[4]["id"] = sources[0]["id"]  # the same id twice
    evidence["coordination"]["forum_meetings_per_year"] = {"at_least": 2, "x": 1}  # partial
    evidence["anchoring"]["source_ids"] = ["nope"]  # no such source
    evidence["strategy"]["source_ids"] = ["behovsoversikt-2023"]  # a source it resembles
    sources[1]["date"] = "2026-01-01"  # after `submitted`: a warning
    return doc


def municipality_documents(folder: Path) -> None:
    def changed(**municipality: Any) -> dict[str, Any]:
        doc = bergen()
        year = municipality.pop("year", None)
        if year is not None:
            doc["year"] = year
        doc["municipality"].update(municipality)
        return doc

    write(folder, "m-unknown.json", changed(number="4699"))  # (Bergen is 4601)
    write(folder, "m-renumbered.json", changed(number="3005", name="Drammen", year=2024))
    write(folder, "m-split.json", changed(number="1507", name="Ålesund", year=2024))
    write(folder, "m-before.json", changed(number="3301", name="Drammen", year=2023))
    write(folder, "m-name.json", changed(name="Askøy"))  # a warning: Askøy is 4627
    write(folder, "m-early.json", changed(year=2015))  # not checked: a warning
    write(folder, "m-form.json", changed(number="46011"))  # pattern


READER = {  # file -> bytes: what the strict reader refuses
    "r-duplicate.json": b'{"municipality": {"number": "4601", "number": "4602"}}',
    "r-comma.json": b'{"municipality": {"number": "4601",}}',
    "r-colon.json": b'{"municipality" {}}',
    "r-delimiter.json": b'{"a": 1 "b": 2}',
    "r-unterminated.json": b'{"a": "x',
    "r-value.json": b'{"a": }',
    "r-escape.json": b'{"a": "\\q"}',
    "r-control.json": b'{"a": "x\ty"}',
    "r-trailing.json": b"{} {}",
    "r-list.json": b"[]",
    "r-string.json": b'"Bergen"',
    "r-boolean.json": b"true",
    "r-number.json": b"5",
    "r-empty.json": b"",
    "r-nan.json": b'{"a": NaN}',
    "r-huge.json": b'{"a": 1e999}',
    "r-digits.json": b'{"a": 1' + b"0" * 5000 + b"}",
    "r-latin1.json": '{"namn": "Sør-Odal"}'.encode("latin-1"),
    "r-deep.json": b"[" * 70 + b"]" * 70,
    "r-halves.json": b'{"municipality": {"number": "4601"}, "x": ["a\\udc00"]}',
    "r-jsonl.jsonl": b'{"municipality": {"number": "4601", "name": "Bergen"}}\n{\n[]\n',
}


def workbooks(folder: Path) -> None:
    """A filled-in workbook with a bad answer of every kind, and files that are no workbook."""
    book = folder / "w-4601.xlsx"
    made = run("template", "-m", "4601", "-o", str(book))
    assert made.returncode == 0, made.stderr
    workbook = openpyxl.load_workbook(book)
    rows = {
        ws.cell(number, 5).value: (ws.title, number)
        for ws in workbook.worksheets
        if ws.sheet_state == "visible"
        for number in range(1, ws.max_row + 1)
    }
    for key, value in (
        ("evidence.economy.budget_nok", "12 mill"),  # text where a number goes
        ("evidence.anchoring.admin_owner_in_leadership", "kanskje"),  # neither ja nor nei
        ("evidence.anchoring.council_decision_date", "31.02.2025"),  # no such day
        ("evidence.strategy.needs_overview_date", 2024.5),  # a number where a date goes
        ("evidence.strategy.action_plan.status", "gjeldande"),  # not one of the choices
        ("evidence.coordination.forum_meetings_per_year", 2.5),  # not a whole number
    ):
        sheet, number = rows[key]
        workbook[sheet].cell(number, 3).value = value
    workbook.save(book)
    alone = openpyxl.load_workbook(book)  # a schema problem is found once the cells are read
    for sheet, number in rows.values():
        if sheet != "Framside":
            alone[sheet].cell(number, 3).value = None
    sheet, number = rows["municipality.population"]
    alone[sheet].cell(number, 3).value = -5
    alone.save(folder / "w-population.xlsx")
    extra = openpyxl.load_workbook(book)
    extra.create_sheet("Notat")
    extra.save(folder / "w-sheet.xlsx")
    (folder / "w-text.xlsx").write_bytes(b"Bergen kommune")
    (folder / "w-empty.xlsx").write_bytes(b"")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("broken")
    write(folder, "every-problem.json", every_schema_problem())
    (folder / "1820-alstahaug.json").write_bytes((SAMPLES / "1820-alstahaug.json").read_bytes())
    municipality_documents(folder)
    for name, data in READER.items():
        (folder / name).write_bytes(data)
    workbooks(folder)
    return folder


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "MODENHET_LANG"}
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**environment, **(env or {})},
    )


@pytest.fixture(scope="module")
def validated(corpus: Path) -> dict[str, subprocess.CompletedProcess[str]]:
    """`modenhet validate -v` of the corpus (and a text file named on its own) per language."""
    notes = corpus.parent / "notes.txt"
    notes.write_text("Bergen: 48 årsverk\n", encoding="utf-8")
    found = {
        lang: run("validate", str(corpus), str(notes), "-v", "--lang", lang) for lang in SEVERITY
    }
    for result in found.values():
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
    return found


def untranslatable(text: str) -> str:
    """What is left of a message once its backticked spans and its quoted values are taken
    out: what modenhet says in its own words. (A single quote counts only after a space or
    a bracket, so that no English apostrophe can open a span.)"""
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r'"(?:[^"\\]|\\.)*"', " ", text)
    return re.sub(r"(?<![\w'])'[^']*'", " ", text)


def english_words(text: str) -> set[str]:
    return {word for word in re.findall(r"[^\W\d_]+", text.lower()) if word in ENGLISH}


def problems(result: subprocess.CompletedProcess[str], lang: str, corpus: Path) -> list[str]:
    """Each problem line's message, after checking its place and its severity word."""
    error, warning = SEVERITY[lang]
    line = re.compile(rf"^(?P<where>.+?): (?:{error}|{warning}): (?P<message>.*)$")
    messages = []
    for text in result.stderr.splitlines():
        matched = line.match(text)
        assert matched, (lang, text)
        assert matched["where"].startswith((str(corpus), str(corpus.parent / "notes.txt")))
        messages.append(matched["message"])
    return messages


@pytest.mark.parametrize("lang", ["nn", "nb"])
def test_no_english_word_is_left_in_norwegian(
    validated: dict[str, subprocess.CompletedProcess[str]], corpus: Path, lang: str
) -> None:
    result = validated[lang]
    messages = problems(result, lang, corpus)
    # every-problem.json 19 (17 breakages, and two references to the ids changed), the
    # municipality documents 7, the reader's files 22, the workbooks 10, notes.txt 1
    assert len(messages) == len(problems(validated["en"], "en", corpus)) == 59
    for message in messages:
        assert not english_words(untranslatable(message)), message
    lines = result.stdout.splitlines()  # "FILE: gyldig" for each valid document, the summary
    assert len(lines) == 5
    for line in lines:
        said = line.partition(": ")[2] if line.startswith(str(corpus)) else line
        assert said and not english_words(untranslatable(said)), line


def test_the_filter_finds_english_in_english(
    validated: dict[str, subprocess.CompletedProcess[str]], corpus: Path
) -> None:
    """The counterpart: every English problem line has English words the filter keeps, and
    each Norwegian line differs from its English one."""
    english = problems(validated["en"], "en", corpus)
    for message in english:
        assert english_words(untranslatable(message)), message
    for lang in ("nn", "nb"):
        translated = problems(validated[lang], lang, corpus)
        assert [m for m, e in zip(translated, english, strict=True) if m == e] == []
    assert english_words(validated["en"].stdout)  # "valid" and the summary


def test_fields_are_named_by_their_title_beside_their_path(
    validated: dict[str, subprocess.CompletedProcess[str]],
) -> None:
    nn, nb, en = (validated[lang].stderr for lang in ("nn", "nb", "en"))
    assert (
        "Årsverk (`evidence.economy.housing_social_fte`) må vere eit tal, eit objekt eller `null`;"
        ' fekk "mange"' in nn
    )
    assert (
        "Årsverk (`evidence.economy.housing_social_fte`) må være et tall, et objekt eller `null`;"
        ' fikk "mange"' in nb
    )
    assert (
        '`evidence.economy.housing_social_fte` must be a number, an object or null; got "mange"'
        in en
    )
    assert "Kjelder: Tittel (`sources[2].title`) er påkravd, men manglar" in nn
    assert "Kjelder: Tittel (`sources[2].title`) er påkrevd, men mangler" in nb
    assert "`sources[2].title` is required but missing" in en
    assert (
        "Status (`evidence.strategy.action_plan.status`) må vere ein av `none`, `outdated`, "
        '`current`; fekk "gjeldande"' in nn
    )
    assert "Kommunenummer (`municipality.number`) 4699 er ikkje ein av dei 357 kommunane i " \
        "2024 (Bergen er 4601)" in nn  # fmt: skip
    assert "(3005 Drammen er 3301 Drammen frå 01.01.2024)" in nn  # a date as people write it
    assert "(3005 Drammen is 3301 Drammen from 2024-01-01)" in en
    assert "Årsverk" not in en  # English names the path alone, as it always did


def test_workbook_problems_name_the_row_once(
    validated: dict[str, subprocess.CompletedProcess[str]], corpus: Path
) -> None:
    lines = [line for line in validated["nn"].stderr.splitlines() if "/w-" in line]
    assert f"{corpus}/w-4601.xlsx:Økonomiske ressursar!C6: feil: «Budsjett i kroner»: «12 mill» " \
        "er tekst, ikkje eit tal; skriv berre talet" in lines  # fmt: skip
    (population,) = [line for line in lines if "Folketal" in line]
    assert population.endswith(
        ": feil: «Kommune › Folketal»: `municipality.population` må vere minst 0; fekk -5"
    )


def test_lang_comes_from_the_environment(
    validated: dict[str, subprocess.CompletedProcess[str]], corpus: Path
) -> None:
    notes = str(corpus.parent / "notes.txt")
    from_environment = run("validate", str(corpus), notes, "-v", env={"MODENHET_LANG": "nb"})
    assert from_environment.stderr == validated["nb"].stderr
    assert from_environment.stdout == validated["nb"].stdout
    option_wins = run(
        "validate", str(corpus), notes, "-v", "--lang", "en", env={"MODENHET_LANG": "nb"}
    )
    assert option_wins.stderr == validated["en"].stderr
    assert run("validate", str(corpus), notes, "-v").stderr == validated["nn"].stderr  # default


def test_json_stays_english(
    validated: dict[str, subprocess.CompletedProcess[str]], corpus: Path
) -> None:
    notes = str(corpus.parent / "notes.txt")
    reports = [
        run("validate", str(corpus), notes, "-f", "json", "--lang", lang) for lang in SEVERITY
    ]
    assert reports[0].stdout == reports[1].stdout == reports[2].stdout
    report = json.loads(reports[0].stdout)
    english = problems(validated["en"], "en", corpus)
    messages = [p["message"] for d in report["documents"] for p in d["problems"]]
    assert sorted(messages) == sorted(english)
    assert {p["severity"] for d in report["documents"] for p in d["problems"]} == {
        "error",
        "warning",
    }


def test_size_limits_are_translated(tmp_path: Path) -> None:
    (tmp_path / "big.json").write_bytes((SAMPLES / "4601-bergen.json").read_bytes())
    (tmp_path / "lines.jsonl").write_bytes(b'{"a": "' + b"x" * 400 + b'"}\n')
    with open(tmp_path / "big.xlsx", "wb") as handle:
        handle.write(b"PK\x03\x04" + b"\0" * 400)
    for lang in ("nn", "nb"):
        result = run("validate", str(tmp_path), "--max-bytes", "300", "--lang", lang)
        assert result.returncode == 1
        messages = problems(result, lang, tmp_path)
        assert len(messages) == 3
        for message in messages:
            assert "300" in message and "--max-bytes" in message
            assert not english_words(untranslatable(message).replace("--max-bytes", "")), message
    english = run("validate", str(tmp_path), "--max-bytes", "300", "--lang", "en")
    assert "the limit is 300 (raise it with --max-bytes)" in english.stderr


def test_every_problem_carries_its_text(corpus: Path) -> None:
    """Through the API: every problem of the reader, the schema and the checks beside it is a
    Text whose English is its message, and whose Norwegian differs from it."""
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = SchemaValidator(schema)
    files = sorted(str(path) for path in corpus.iterdir())
    found = []
    for item in iter_evidence(files):
        found.extend(item.problems or item.locate(validator.violations(item.document)))
    assert len(found) == 58  # all but notes.txt
    for problem in found:
        assert problem.text is not None, problem
        assert str(problem.text) == problem.message == problem.message_in("en")
        assert problem.message_in("nn") != problem.message, problem.message


def test_a_rule_set_reports_the_same_texts() -> None:
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    (violation, *_) = ruleset.violations(every_schema_problem())
    assert violation.text is not None and violation.message_in("nb") != violation.message


CUSTOM_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "kode": {"title": "Kode", "type": "string", "minLength": 3, "maxLength": 5},
        "liste": {"title": "Liste", "type": "array", "minItems": 2, "maxItems": 3},
        "tom": {"title": "Tom liste", "type": "array", "maxItems": 0},
        "ei": {"title": "Ei", "type": "array", "minItems": 1},
        "fast": {"title": "Fast", "const": "ja"},
        "del": {"title": "Del", "type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        "tusen": {"title": "Tusen", "type": "integer", "multipleOf": 1000},
        "form": {"title": "Form", "anyOf": [{"type": "string"}, {"type": "integer"}]},
        "berre": {"title": "Berre", "oneOf": [{"type": "integer"}, {"minimum": 0}]},
        "ikkje": {"title": "Ikkje", "not": {"type": "string"}},
    },
}


def test_other_keywords_of_a_schema_given_with_schema(tmp_path: Path) -> None:
    """The keywords the evidence schema does not use, through `--schema`."""
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(CUSTOM_SCHEMA), encoding="utf-8")
    document = {
        "kode": "ab", "liste": [1, 2, 3, 4], "tom": [1], "ei": [], "fast": "nei", "del": 1,
        "tusen": 1500, "form": [1], "berre": 5, "ikkje": "tekst",
    }  # fmt: skip
    (tmp_path / "doc.json").write_text(json.dumps(document), encoding="utf-8")
    long = copy.deepcopy(document) | {"kode": "abcdefg"}
    (tmp_path / "long.json").write_text(json.dumps(long), encoding="utf-8")
    english = run("validate", str(tmp_path / "doc.json"), str(tmp_path / "long.json"),
                  "--schema", str(schema), "--lang", "en")  # fmt: skip
    messages = problems(english, "en", tmp_path)
    assert len(messages) == 20, english.stderr  # ten keywords in each document
    assert "`liste` must hold at most 3 of them; it holds 4" in messages
    assert "`tusen` must be a multiple of 1000; got 1500" in messages
    for lang in ("nn", "nb"):
        result = run("validate", str(tmp_path / "doc.json"), str(tmp_path / "long.json"),
                     "--schema", str(schema), "--lang", lang)  # fmt: skip
        translated = problems(result, lang, tmp_path)
        assert len(translated) == len(messages)
        for message in translated:
            assert not english_words(untranslatable(message)), message
    nynorsk = run("validate", str(tmp_path / "doc.json"), "--schema", str(schema))
    assert 'Kode (`kode`) må vere minst 3 teikn lang; fekk "ab"' in nynorsk.stderr


def test_convert_and_template_speak_the_language(corpus: Path, tmp_path: Path) -> None:
    converted = run("convert", str(corpus / "w-4601.xlsx"), "--lang", "nb")
    assert converted.returncode == 1 and converted.stdout == ""
    messages = problems(converted, "nb", corpus)
    assert len(messages) == 6
    for message in messages:
        assert not english_words(untranslatable(message)), message
    unknown = run("template", "-m", "9999", env={"MODENHET_LANG": "en"})
    assert unknown.returncode == 2
    assert "--municipality 9999: error: not one of the 357 municipalities of 2024" in unknown.stderr
    assert "--municipality 9999: feil: ikkje ein av dei 357" in run("template", "-m", "9999").stderr
    # English messages, and a workbook in nynorsk: a configured `lang = "en"` reaches template
    book = tmp_path / "k.xlsx"
    made = run("template", "-m", "4601", "-o", str(book), env={"MODENHET_LANG": "en"})
    assert made.returncode == 0, made.stderr
    meta = openpyxl.load_workbook(book)["modenhet"]
    assert {row[0]: row[1] for row in meta.iter_rows(values_only=True)}["lang"] == "nn"
