"""`modenhet impact OLD NEW EVIDENCE...` on the samples, with revisions of a rule set.

The tests run in a folder where rules/bustadsosialt.rules is rule set 2025.1 (kept in
rules/archive/) and samples/ holds the eight samples as they were in schema 1.0
(tests/archive/samples-1.0/): what `impact` does does not depend on which rule set it compares,
and these are the rule set and the evidence the expectations were worked out for. Every
expected level and status below was worked out by hand from
rules/archive/bustadsosialt-2025.1.rules, the edits each test makes and the levels of the
samples under it
(tests/archive/bustadsosialt-2025.1.test.yaml), at as_of 2025-06-30 — a factor reaches level L
when every criterion of every block up to L is met; overall is the lowest factor level — not
copied from the tool's output. `test_2025_1_to_2026_1_as_in_the_docs` compares the archived
rule set with the default one, as docs/ruleset.md shows.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from modenhet.cli import main

from conftest import ROOT

AS_OF = ["--as-of", "2025-06-30"]
EN = ["--lang", "en"]  # for the tests that read the table's own words in English
OLD = "rules/bustadsosialt.rules"
FACTORS = ["anchoring", "strategy", "coordination", "economy", "competence", "participation"]


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, ["impact", *args], catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result


def as_json(*args: str, status: int = 0) -> dict[str, Any]:
    result = cli(*args, *AS_OF, "-f", "json")
    assert result.exit_code == status, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The current directory: schemas/, rules/bustadsosialt.rules (rule set 2025.1) and
    samples/ (the samples of schema 1.0)."""
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    (tmp_path / "rules").mkdir()
    archived = (ROOT / "rules" / "archive" / "bustadsosialt-2025.1.rules").read_text("utf-8")
    (tmp_path / OLD).write_text(
        archived.replace('schema "../../schemas/', 'schema "../schemas/'), encoding="utf-8"
    )
    shutil.copytree(ROOT / "tests" / "archive" / "samples-1.0", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def revise(work: Path, name: str, *edits: tuple[str, str]) -> str:
    """rules/NAME: a copy of the default rule set with each (old, new) text replaced once."""
    text = (work / OLD).read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    (work / "rules" / name).write_text(text, encoding="utf-8")
    return f"rules/{name}"


# The three edits of the revision most tests use:
# 1. a threshold raised: economy.dwellings_per_1000 (level 5) from >= 20 to >= 22;
# 2. a criterion added: participation.two_organisations, count(user_organisations) >= 2, at
#    level 3;
# 3. a criterion removed: anchoring.leadership_training (level 4).
RAISE = (
    "when økonomi.municipal_dwellings_per_1000 >= 20",
    "when økonomi.municipal_dwellings_per_1000 >= 22",
)
ADD = (
    '      ref "Husbanken: Suksessfaktorar, brukarmedverknad (brukarorganisasjonar i kommunal '
    'planlegging)"\n  }',
    '      ref "Husbanken: Suksessfaktorar, brukarmedverknad (brukarorganisasjonar i kommunal '
    'planlegging)"\n'
    '    criterion two_organisations "Minst to brukarorganisasjonar er med"\n'
    "      when count(medverknad.user_organisations) >= 2\n  }",
)
REMOVE = (
    '    criterion leadership_training "Politisk og administrativ leiing har fått opplæring i '
    'denne valperioden"\n'
    "      when forankring.leadership_training_this_term\n"
    '      advice "Gi kommunestyret og leiargruppa ei innføring i bustadsosiallova og det '
    'bustadsosiale arbeidet i kvar valperiode."\n'
    '      ref "Husbanken: Suksessfaktorar, forankring og eigarskap (bustadsosial kompetanse '
    'hos leiinga)"\n',
    "",
)


@pytest.fixture
def revised(work: Path) -> str:
    return revise(work, "revised.rules", RAISE, ADD, REMOVE)


def levels(document: dict[str, Any]) -> dict[str, tuple[int | None, int | None]]:
    """The factors and overall level that change: name -> (OLD, NEW)."""
    found = {
        factor_id: (factor["old"], factor["new"])
        for factor_id, factor in document["factors"].items()
        if factor["change"] != "same"
    }
    if document["overall"]["change"] != "same":
        found["overall"] = (document["overall"]["old"], document["overall"]["new"])
    return found


def cells(table: str, first: str) -> list[str]:
    """The cells of the first table row that starts with `first`."""
    line = next(line for line in table.splitlines() if line.startswith(f"{first}  "))
    return re.split(r"\s{2,}", line.strip())


def causes(document: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    return {
        f"{c['factor']}.{c['id']}": (
            c["change"],
            c["old_level"],
            c["old"],
            c["new_level"],
            c["new"],
        )
        for c in document["criteria"]
    }


# Worked out by hand (samples/README.md has each sample's levels and statuses):
# - RAISE: dwellings_per_1000 is met by Bergen (20.6), Lærdal (24.3) and Tromsø (21.4). Under
#   >= 22 Bergen and Tromsø no longer meet it. Bergen's economy (5) falls to 4 and its overall
#   with it; Tromsø's economy is 3 (rental_housing_grants at level 4 is not met), so it stays.
# - ADD: user organisations — Stavanger 2, Molde 2, Alstahaug 2, Tynset 1, Bergen 3, Lærdal 0,
#   Tromsø 2, Utsira none (no participation object: unknown). Only Tynset stood at level 3 and
#   now fails it: participation 3 -> 2; its overall is 2 already (strategy, coordination,
#   competence). Lærdal and Alstahaug are at 2 and stay; the others meet it.
# - REMOVE: leadership_training is not met by Molde, Tynset and Lærdal. Without it level 4 is
#   recent_council_decision alone: Molde (2023-09-21, 1 year) meets it, and level 5 too
#   (2 reports a year, an annual joint review): anchoring 3 -> 5, overall stays 3 (coordination
#   and competence are 3). Tynset (2022-06-16, 3 years < 4) meets it, not level 5 (1 report):
#   3 -> 4. Lærdal is stopped at level 3 (no shared goals document): stays 2. Stavanger is
#   stopped at 5 by annual_joint_review, Alstahaug at 3 by political_reporting (unknown).
EXPECTED_CHANGES = {
    "samples/1506-molde.json": (
        {"anchoring": (3, 5)},
        {"anchoring.leadership_training": ("removed", 4, "not_met", None, None)},
    ),
    "samples/3427-tynset.json": (
        {"anchoring": (3, 4), "participation": (3, 2)},
        {
            "anchoring.leadership_training": ("removed", 4, "not_met", None, None),
            "participation.two_organisations": ("added", None, None, 3, "not_met"),
        },
    ),
    "samples/4601-bergen.json": (
        {"economy": (5, 4), "overall": (5, 4)},
        {"economy.dwellings_per_1000": ("changed", 5, "met", 5, "not_met")},
    ),
}


def test_the_municipalities_and_criteria_that_change(revised: str) -> None:
    report = as_json(OLD, revised, "samples/")
    found = {d["source"]: (levels(d), causes(d)) for d in report["documents"]}
    assert found == EXPECTED_CHANGES
    # in input order: the samples folder sorted by file name
    assert [d["source"] for d in report["documents"]] == list(EXPECTED_CHANGES)
    assert [d["municipality"]["name"] for d in report["documents"]] == [
        "Molde",
        "Tynset",
        "Bergen",
    ]
    bergen = report["documents"][2]
    assert bergen["overall"] == {
        "old": 5,
        "old_label": "Leiande",
        "old_max": 5,  # Bergen's evidence is complete: every level is settled
        "new": 4,
        "new_label": "Styrt",
        "new_max": 4,
        "change": "down",
    }
    assert list(bergen["factors"]) == FACTORS  # every factor, in rule-file order
    assert report["not_compared"] == []


def test_the_summary(revised: str) -> None:
    summary = as_json(OLD, revised, "samples/")["summary"]
    assert {k: summary[k] for k in ("documents", "compared", "not_compared", "changed")} == {
        "documents": 8,
        "compared": 8,
        "not_compared": 0,
        "changed": 3,
    }
    assert summary["unchanged"] == 5
    assert summary["overall"] == {"up": 0, "down": 1, "same": 7, "bounds": 0}
    moved = {
        factor_id: (counts["up"], counts["down"], counts["same"])
        for factor_id, counts in summary["factors"].items()
    }
    assert moved == {
        "anchoring": (2, 0, 6),  # Molde, Tynset
        "strategy": (0, 0, 8),
        "coordination": (0, 0, 8),
        "economy": (0, 1, 7),  # Bergen
        "competence": (0, 0, 8),
        "participation": (0, 1, 7),  # Tynset
    }
    assert all(c["added"] == c["removed"] == 0 for c in summary["factors"].values())
    # Over every document, also those whose levels stay: Tromsø's dwellings, everyone's
    # leadership_training (met: Stavanger, Bergen, Tromsø; not met: Molde, Tynset, Lærdal;
    # unknown: Utsira, Alstahaug) and two_organisations (met by five, not by Tynset and
    # Lærdal, unknown for Utsira). In the factors' order, NEW's criteria before OLD's others.
    criteria = {
        f"{c['factor']}.{c['id']}": (
            c["change"],
            c["documents"],
            [(s["old"], s["new"], s["documents"]) for s in c["statuses"]],
        )
        for c in summary["criteria"]
    }
    assert list(criteria) == [
        "anchoring.leadership_training",
        "economy.dwellings_per_1000",
        "participation.two_organisations",
    ]
    assert criteria == {
        "anchoring.leadership_training": (
            "removed",
            8,
            [("met", None, 3), ("not_met", None, 3), ("unknown", None, 2)],
        ),
        "economy.dwellings_per_1000": ("changed", 2, [("met", "not_met", 2)]),
        "participation.two_organisations": (
            "added",
            8,
            [(None, "met", 5), (None, "not_met", 2), (None, "unknown", 1)],
        ),
    }


def test_the_table(revised: str) -> None:
    result = cli(OLD, revised, "samples/", *AS_OF, *EN)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    text = result.stdout
    assert text.startswith(
        "Old: rules/bustadsosialt.rules · rule set Bustadsosialt arbeid 2025.1\n"
        "New: rules/revised.rules · rule set Bustadsosialt arbeid 2025.1\n"
        "Evidence: 8 documents · as of 30.06.2025\n"
    )
    blocks = [line for line in text.splitlines() if " · samples/" in line]
    assert blocks == [
        "Molde (1506) · samples/1506-molde.json",
        "Tynset (3427) · samples/3427-tynset.json",
        "Bergen (4601) · samples/4601-bergen.json",
    ]
    assert "Overall level: 5 Leiande → 4 Styrt ↓" in text
    assert "Overall level: 3 Definert → 3 Definert =" in text
    assert "Brukarmedverknad         3 Definert  2 Grunnleggjande  ↓" in text
    assert "— → not met (added)" in text and "not met → — (removed)" in text
    assert "met → not met" in text
    assert (
        "Summary: 8 documents, 8 compared: 3 change level, 5 unchanged; overall level 0 up, 1 down"
    ) in text
    summary = text[text.index("Level change") :].splitlines()
    assert re.split(r"\s{2,}", summary[2]) == ["Forankring og eigarskap", "2", "0", "6", "0"]
    assert summary[8].split() == ["overall", "0", "1", "7", "0"]
    assert text.endswith("Not compared: none\n")


# Words of the table's own in each language; titles and labels are the rule set's in all three.
WORDS = {
    "nn": [
        "Dokumentasjon: 8 dokument · per 30.06.2025",
        "No: rules/revised.rules · regelsett",
        "Status før → no",
        "Samla nivå: 5 Leiande → 4 Styrt ↓",
        "oppfylt → ikkje oppfylt",
        "— → ikkje oppfylt (lagt til)",
        "Samandrag: 8 dokument, 8 samanlikna: 3 får anna nivå, 5 uendra",
        "berre i dei gamle reglane (nivå 4)",
        "Kriterium med skilnader, over alle samanlikna dokument:",
    ],
    "nb": [
        "Dokumentasjon: 8 dokumenter · per 30.06.2025",
        "Nå: rules/revised.rules · regelsett",
        "Status før → nå",
        "Samlet nivå: 5 Leiande → 4 Styrt ↓",
        "oppfylt → ikke oppfylt",
        "— → ikke oppfylt (lagt til)",
        "Sammendrag: 8 dokumenter, 8 sammenlignet: 3 får annet nivå, 5 uendret",
        "bare i de gamle reglene (nivå 4)",
        "Kriterier med forskjeller, over alle sammenlignede dokumenter:",
    ],
    "en": [
        "Evidence: 8 documents · as of 30.06.2025",
        "Old: rules/bustadsosialt.rules · rule set",
        "Status old → new",
        "Overall level: 5 Leiande → 4 Styrt ↓",
        "met → not met",
        "— → not met (added)",
        "Summary: 8 documents, 8 compared: 3 change level, 5 unchanged",
        "only in the old rules (level 4)",
        "Criteria that differ, over every compared document:",
    ],
}


@pytest.mark.parametrize("language", list(WORDS))
def test_the_table_in_each_language(revised: str, language: str) -> None:
    result = cli(OLD, revised, "samples/", *AS_OF, "--lang", language)
    assert result.exit_code == 0, result.stderr
    for words in WORDS[language]:
        assert words in result.stdout
    for other in WORDS.keys() - {language}:
        assert not any(words in result.stdout for words in WORDS[other]), other
    assert "Minst to brukarorganisasjonar er med" in result.stdout  # the rule set's own title


def test_the_default_language_is_nynorsk(revised: str) -> None:
    args = [OLD, revised, "samples/", *AS_OF]
    assert cli(*args).stdout == cli(*args, "--lang", "nn").stdout


def test_json_and_stderr_are_the_same_in_every_language(work: Path, revised: str) -> None:
    # A document that cannot be read, so that an error and a reason are there to differ.
    (work / "broken.json").write_text("{", encoding="utf-8")
    args = [OLD, revised, "samples/", "broken.json", *AS_OF, "-f", "json"]
    runs = [cli(*args, "--lang", language) for language in ("nn", "nb", "en")]
    assert runs[0].exit_code == 1
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert runs[0].stderr == runs[1].stderr == runs[2].stderr
    report = json.loads(runs[0].stdout)
    assert report["documents"][2]["criteria"][0]["new"] == "not_met"
    assert report["documents"][2]["factors"]["economy"]["change"] == "down"
    assert report["not_compared"][0]["errors"][0]["side"] == "both"


def test_a_criterion_moved_to_another_level(work: Path) -> None:
    # dwellings_per_1000 moved from level 5 to level 3 (its status is the same everywhere):
    # Stavanger (16.8, economy 4) and Molde (17.9, economy 4) fall to 2; so does Tynset (18.6,
    # economy 3). Overall: Stavanger 4 -> 2, Molde 3 -> 2, Tynset stays 2. Lærdal (24.3) is
    # stopped at 3 by in_economic_plan, Alstahaug by dedicated_staff (unknown); Tromsø (21.4)
    # and Bergen (20.6) meet it.
    criterion = (
        '    criterion dwellings_per_1000 "Minst 20 kommunalt disponerte bustader per 1000 '
        'innbyggjarar"\n'
        "      when økonomi.municipal_dwellings_per_1000 >= 20\n"
        '      advice "Auk talet på kommunalt disponerte bustader, t.d. med kjøp, innleige eller '
        'tilskot til utleigebustader."\n'
        '      ref "KOSTRA funksjon 13 Bolig (SSB)"\n'
    )
    moved = revise(
        work,
        "moved.rules",
        (criterion, ""),
        (
            '      ref "Husbanken: Suksessfaktorar, økonomiske ressursar (personalressursar)"\n',
            '      ref "Husbanken: Suksessfaktorar, økonomiske ressursar (personalressursar)"\n'
            + criterion,
        ),
    )
    report = as_json(OLD, moved, "samples/")
    found = {d["municipality"]["name"]: (levels(d), causes(d)) for d in report["documents"]}
    cause = {"economy.dwellings_per_1000": ("changed", 5, "not_met", 3, "not_met")}
    assert found == {
        "Stavanger": ({"economy": (4, 2), "overall": (4, 2)}, cause),
        "Molde": ({"economy": (4, 2), "overall": (3, 2)}, cause),
        "Tynset": ({"economy": (3, 2)}, cause),
    }
    (tally,) = report["summary"]["criteria"]
    assert (tally["old_level"], tally["new_level"], tally["documents"]) == (5, 3, 8)
    assert [(s["old"], s["new"], s["documents"]) for s in tally["statuses"]] == [
        ("met", "met", 3),  # Bergen, Lærdal, Tromsø
        ("not_met", "not_met", 3),
        ("unknown", "unknown", 2),  # Utsira (no value), Alstahaug (null)
    ]
    table = cli(OLD, moved, "samples/", *AS_OF, *EN).stdout
    assert "5 → 3" in table and "not met → not met" in table


def test_a_factor_added_and_a_factor_removed(work: Path) -> None:
    # NEW drops participation and adds staffing (level 2: at least five housing-social FTEs).
    # FTEs: Stavanger 22, Bergen 48, Tromsø 9 meet it; Molde 4, Tynset 1.5, Lærdal 0.5 do not;
    # Alstahaug (null) and Utsira (absent) are unknown. Every document changes (a factor is
    # added and one removed). Overall without participation and with staffing: Stavanger
    # min(4, 2) = 2, Molde 1 (was 3), Alstahaug 1 (was 2), Tynset 1 (was 2), Bergen 2 (was 5),
    # Tromsø 2 (was 3); Utsira and Lærdal stay 1.
    text = (work / OLD).read_text(encoding="utf-8")
    start = text.index("# 6. Brukarmedverknad")
    text = text[:start] + (
        'factor staffing "Bemanning" {\n'
        "  level 2 {\n"
        '    criterion five_fte "Minst fem årsverk"\n'
        "      when økonomi.housing_social_fte >= 5\n"
        "  }\n"
        "}\n"
    )
    (work / "rules" / "factors.rules").write_text(text, encoding="utf-8")
    report = as_json(OLD, "rules/factors.rules", "samples/")
    assert len(report["documents"]) == 8
    overall = {
        d["municipality"]["name"]: (d["overall"]["old"], d["overall"]["new"])
        for d in report["documents"]
    }
    assert overall == {
        "Stavanger": (4, 2),
        "Utsira": (1, 1),
        "Molde": (3, 1),
        "Alstahaug": (2, 1),
        "Tynset": (2, 1),
        "Bergen": (5, 2),
        "Lærdal": (1, 1),
        "Tromsø": (3, 2),
    }
    bergen = report["documents"][5]
    assert list(bergen["factors"]) == [*FACTORS[:5], "staffing", "participation"]
    assert bergen["factors"]["staffing"] == {
        "title": "Bemanning",
        "old": None,
        "old_label": None,
        "old_max": None,
        "new": 2,
        "new_label": "Grunnleggjande",
        "new_max": 2,
        "change": "added",
    }
    assert bergen["factors"]["participation"]["change"] == "removed"
    assert bergen["factors"]["participation"]["old"] == 5
    assert all(d["criteria"] == [] for d in report["documents"])  # the factors are the cause
    summary = report["summary"]
    # Utsira stays at 1 proven, but its possible overall level falls from 3 (economy at most 3)
    # to 2 (staffing, unknown, at most 2): its bounds changed. Lærdal's 1 is settled on both.
    assert summary["overall"] == {"up": 0, "down": 6, "same": 1, "bounds": 1}
    assert summary["factors"]["staffing"] == {
        "title": "Bemanning",
        "up": 0,
        "down": 0,
        "same": 0,
        "bounds": 0,
        "added": 8,
        "removed": 0,
    }
    assert summary["factors"]["participation"]["removed"] == 8
    tallies = {f"{c['factor']}.{c['id']}": c for c in summary["criteria"]}
    assert len(tallies) == 1 + 10  # five_fte, and participation's ten criteria
    assert [
        (s["old"], s["new"], s["documents"]) for s in tallies["staffing.five_fte"]["statuses"]
    ] == [
        (None, "met", 3),
        (None, "not_met", 3),
        (None, "unknown", 2),
    ]
    assert all(c["change"] == "removed" for k, c in tallies.items() if k != "staffing.five_fte")
    table = cli(OLD, "rules/factors.rules", "samples/", *AS_OF, *EN).stdout
    assert "Bemanning (only in the new rules)" in table
    assert "Brukarmedverknad (only in the old rules)" in table
    assert "No criterion of a factor both rule sets have changed" in table
    assert cells(table, "Bemanning")[-1] == "added"
    nynorsk = cli(OLD, "rules/factors.rules", "samples/", *AS_OF).stdout
    assert "Bemanning (berre i dei nye reglane)" in nynorsk
    assert "Brukarmedverknad (berre i dei gamle reglane)" in nynorsk
    assert cells(nynorsk, "Bemanning") == ["Bemanning", "—", "2 Grunnleggjande", "lagt til"]
    assert cells(nynorsk, "Brukarmedverknad") == ["Brukarmedverknad", "4 Styrt", "—", "fjerna"]


def test_evidence_invalid_under_one_schema_only(work: Path) -> None:
    # NEW names a stricter copy of the schema: the population must be a whole number, not null.
    # Alstahaug's is null (samples/README.md), so it is invalid under NEW only, reported on
    # stderr and not compared; the run goes on and exits 1.
    schema = json.loads((work / "schemas" / "evidence.schema.json").read_text(encoding="utf-8"))
    schema["properties"]["municipality"]["properties"]["population"]["type"] = "integer"
    (work / "schemas" / "strict.schema.json").write_text(json.dumps(schema), encoding="utf-8")
    strict = revise(
        work,
        "strict.rules",
        ('schema "../schemas/evidence.schema.json"', 'schema "../schemas/strict.schema.json"'),
        RAISE,
    )
    result = cli(OLD, strict, "samples/", *AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stderr == (
        "samples/1820-alstahaug.json:3#/municipality/population: error: "
        "`municipality.population` must be a whole number; got null (under NEW's schema only)\n"
    )
    report = json.loads(result.stdout)
    assert [d["municipality"]["name"] for d in report["documents"]] == ["Bergen"]
    (skipped,) = report["not_compared"]
    assert skipped["source"] == "samples/1820-alstahaug.json"
    assert skipped["errors"] == [
        {
            "side": "new",
            "pointer": "/municipality/population",
            "message": "`municipality.population` must be a whole number; got null",
        }
    ]
    summary = report["summary"]
    assert (summary["documents"], summary["compared"], summary["not_compared"]) == (8, 7, 1)
    table = cli(OLD, strict, "samples/", *AS_OF, *EN).stdout
    assert table.endswith(
        "Not compared:\n  Alstahaug (1820) — NEW: samples/1820-alstahaug.json:3"
        "#/municipality/population: `municipality.population` must be a whole number; "
        "got null\n"
    )


def test_unreadable_evidence_is_reported_once(work: Path, revised: str) -> None:
    (work / "broken.json").write_text('{"municipality": ', encoding="utf-8")
    result = cli(OLD, revised, "broken.json", "samples/4601-bergen.json", *AS_OF, "-f", "json")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("broken.json:1: error: ")
    report = json.loads(result.stdout)
    assert report["not_compared"][0]["errors"][0]["side"] == "both"
    assert [d["source"] for d in report["documents"]] == ["samples/4601-bergen.json"]


def test_the_same_schema_error_under_both_is_said_once(work: Path, revised: str) -> None:
    document = json.loads((work / "samples" / "4601-bergen.json").read_text(encoding="utf-8"))
    document["evidence"]["economy"]["budget_nok"] = "many"
    (work / "bad.json").write_text(json.dumps(document, indent=2), encoding="utf-8")
    result = cli(OLD, revised, "bad.json", *AS_OF, *EN)
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("bad.json:") and "#/evidence/economy/budget_nok: error: " in line
    assert "schema only" not in line
    assert "Not compared:\n  Bergen (4601) — OLD and NEW: bad.json:" in result.stdout


def test_fail_on_change(revised: str) -> None:
    result = cli(OLD, revised, "samples/", *AS_OF, "--fail-on-change")
    assert result.exit_code == 1
    assert result.stderr == (
        "error: 3 document(s) change level: Molde (1506), Tynset (3427), Bergen (4601)\n"
    )
    same = cli(OLD, revised, "samples/1103-stavanger.json", *AS_OF, "--fail-on-change")
    assert same.exit_code == 0, same.stderr  # Stavanger's levels stay (see above)
    assert "Ingen dokument får anna nivå." in same.stdout


def test_rules_that_do_not_check(work: Path) -> None:
    typo = revise(work, "typo.rules", ("when økonomi.budget_nok > 0", "when økonomi.budget_nk > 0"))
    result = cli(OLD, typo, "samples/", *AS_OF)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "rules/typo.rules:" in result.stderr and "budget_nk" in result.stderr
    assert "did you mean 'budget_nok'?" in result.stderr and "^" in result.stderr
    assert "error: NEW (rules/typo.rules) does not check" in result.stderr
    both = cli(typo, typo, "samples/", *AS_OF)  # both sides are reported
    assert "error: OLD (rules/typo.rules) does not check" in both.stderr
    assert "error: NEW (rules/typo.rules) does not check" in both.stderr
    assert both.exit_code == 1


@pytest.mark.parametrize(
    "args",
    [
        [OLD, "rules/missing.rules", "samples/"],
        ["rules/missing.rules", OLD, "samples/"],
        [OLD, OLD, "missing/"],
        [OLD, OLD],
        [OLD, OLD, "samples/", "--as-of", "30.6.2025"],
        [OLD, OLD, "samples/", "-f", "csv"],
    ],
)
def test_cannot_run(work: Path, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stdout == ""


def test_a_missing_rule_file_wins_over_rules_that_do_not_check(work: Path) -> None:
    typo = revise(work, "typo.rules", ("when økonomi.budget_nok > 0", "when økonomi.budget_nk > 0"))
    result = cli(typo, "rules/missing.rules", "samples/")
    assert result.exit_code == 2
    assert result.stderr == "rules/missing.rules: error: no such rule file\n"


def test_no_documents(work: Path) -> None:
    (work / "empty").mkdir()
    result = cli(OLD, OLD, "empty", *AS_OF)
    assert result.exit_code == 1
    assert "error: no evidence documents found" in result.stderr


def test_deterministic_and_written_atomically(work: Path, revised: str) -> None:
    first = cli(OLD, revised, "samples/", *AS_OF, "-f", "json").stdout
    assert cli(OLD, revised, "samples/", *AS_OF, "-f", "json").stdout == first
    written = cli(OLD, revised, "samples/", *AS_OF, "-f", "json", "-o", "impact.json")
    assert written.exit_code == 0 and written.stdout == ""
    assert (work / "impact.json").read_text(encoding="utf-8") == first
    assert [p.name for p in work.iterdir() if p.name.startswith(".impact")] == []


def test_help_and_listing() -> None:
    result = CliRunner().invoke(main, ["impact", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "modenhet impact" in result.stdout
    assert "impact" in CliRunner().invoke(main, ["--help"]).stdout


def test_a_real_process_gives_what_the_runner_gives(work: Path, revised: str) -> None:
    args = [OLD, revised, "samples/", *AS_OF, "-f", "json"]
    completed = subprocess.run(
        [sys.executable, "-m", "modenhet", "impact", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=work,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert completed.stdout == cli(*args).stdout
    assert {d["source"] for d in json.loads(completed.stdout)["documents"]} == set(EXPECTED_CHANGES)


# --------------------------------------------------------------- 2025.1 -> 2026.1, the docs

# Each document's levels (anchoring, strategy, coordination, economy, competence,
# participation; overall) under 2025.1 and 2026.1, worked out by hand from each rule file
# (docs/ruleset.md shows this table; samples/README.md has the 2026.1 side).
RULESET_CHANGE = {
    "samples/1103-stavanger.json": ((4, 4, 4, 4, 4, 4, 4), (4, 4, 4, 4, 4, 4, 4)),
    "samples/1151-utsira.json": ((1, 1, 1, 1, 1, 1, 1), (1, 1, 1, 1, 1, 1, 1)),
    "samples/1506-molde.json": ((3, 4, 3, 4, 3, 4, 3), (3, 4, 3, 4, 3, 4, 3)),
    "samples/1820-alstahaug.json": ((2, 2, 3, 2, 3, 2, 2), (3, 1, 2, 2, 2, 2, 1)),
    "samples/3301-drammen.json": ((3, 2, 1, 1, 1, 2, 1), (3, 3, 3, 2, 2, 2, 2)),
    "samples/3427-tynset.json": ((3, 2, 2, 3, 2, 3, 2), (3, 3, 2, 3, 3, 2, 2)),
    "samples/4601-bergen.json": ((1, 5, 5, 5, 5, 5, 1), (5, 5, 5, 5, 5, 5, 5)),
    "samples/4642-laerdal.json": ((2, 1, 2, 2, 2, 2, 1), (2, 1, 1, 1, 2, 1, 1)),
    "samples/5501-tromso.json": ((5, 3, 5, 3, 4, 5, 3), (5, 3, 5, 3, 4, 5, 3)),
    "samples/2024/3005-drammen.json": ((1, 1, 1, 1, 1, 2, 1), (2, 2, 2, 2, 2, 2, 2)),
    "samples/2024/4642-laerdal.json": ((2, 1, 1, 1, 2, 1, 1), (2, 1, 1, 1, 2, 1, 1)),
}


def test_2025_1_to_2026_1_as_in_the_docs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["rules/archive/bustadsosialt-2025.1.rules", "rules/bustadsosialt.rules"]
    args += ["samples/", "samples/2024/", *AS_OF]
    report = as_json(*args)
    assert report["summary"]["documents"] == len(RULESET_CHANGE)
    changed = {source: (old, new) for source, (old, new) in RULESET_CHANGE.items() if old != new}
    found = {}
    for document in report["documents"]:
        old = tuple(document["factors"][f]["old"] for f in FACTORS)
        new = tuple(document["factors"][f]["new"] for f in FACTORS)
        overall = document["overall"]
        found[document["source"]] = ((*old, overall["old"]), (*new, overall["new"]))
    # Every document with a changed criterion is listed; those whose levels move are these.
    assert {s: levels for s, levels in found.items() if levels[0] != levels[1]} == changed
    assert all(found[s] == RULESET_CHANGE[s] for s in found)
    # The summary in docs/ruleset.md is the table's, as the command prints it.
    table = cli(*args, *EN).stdout
    summary = table[table.index("Summary:") : table.index("\nCriteria that differ")]
    text = (ROOT / "docs" / "ruleset.md").read_text(encoding="utf-8")
    (shown,) = re.findall(r"```text\n(Summary:.*?)```", text, re.S)
    assert shown == summary.rstrip("\n") + "\n"
    for source, (old, new) in RULESET_CHANGE.items():
        name = source.removeprefix("samples/")
        words = " ".join(map(str, old[:6])), old[6], " ".join(map(str, new[:6])), new[6]
        assert f"| `{name}` | {words[0]} · **{words[1]}** | {words[2]} · **{words[3]}** |" in text
