"""Municipality numbers across years (SSB KLASS 131: the lists of 2020–2023 and 2024 and the
changes of 1 January 2024), and the referential integrity of an evidence document's sources.

Every expected number and name below was looked up by hand in data/kommunar-2020.csv,
data/kommunar-2024.csv and data/kommuneendringar-2024.csv."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import modenhet
from modenhet.cli import main
from modenhet.evidence.municipalities import (
    current_number,
    municipalities,
    municipalities_2020,
    successors,
)

from conftest import SAMPLES

AS_OF = ["--as-of", "2025-06-30"]


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return data


def write(path: Path, document: dict[str, Any]) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


def with_municipality(
    document: dict[str, Any], number: str, name: str, year: int | None
) -> dict[str, Any]:
    changed = copy.deepcopy(document)
    changed["municipality"] = {"number": number, "name": name}
    if year is None:
        changed.pop("year", None)
    else:
        changed["year"] = year
    return changed


@pytest.fixture(scope="module")
def ruleset() -> modenhet.RuleSet:
    return modenhet.load_ruleset(modenhet.default_rules_path())


def messages(ruleset: modenhet.RuleSet, document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(v.pointer, v.message) for v in ruleset.violations(document)]


# ------------------------------------------------------------------------------ the lists


def test_the_shipped_lists() -> None:
    assert len(municipalities()) == 357 and len(municipalities_2020()) == 356
    assert municipalities_2020()["3005"] == "Drammen" and municipalities()["3301"] == "Drammen"
    assert "3005" not in municipalities() and "3301" not in municipalities_2020()
    assert current_number("3005") == "3301"
    assert current_number("4601") == "4601"  # Bergen kept its number
    assert current_number("1507") == "1507"  # Ålesund was split: no guess
    assert [(c.new_number, c.new_name) for c in successors("1507")] == [
        ("1508", "Ålesund"),
        ("1580", "Haram"),
    ]


# ------------------------------------------------------------------- a document and its year


def test_a_2023_document_with_its_number_of_2023_validates(ruleset: modenhet.RuleSet) -> None:
    drammen = sample("2024/3005-drammen.json")
    assert drammen["year"] == 2023 and drammen["municipality"]["number"] == "3005"
    assert ruleset.validate(drammen) == []
    result = cli("validate", str(SAMPLES / "2024" / "3005-drammen.json"), "-v", "--lang", "en")
    assert result.exit_code == 0 and ": valid\n" in result.stdout


def test_evaluate_of_a_2023_document_checks_it_against_the_2020_list() -> None:
    result = cli("evaluate", str(SAMPLES / "2024" / "3005-drammen.json"), *AS_OF, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    assert ",3005,Drammen,2,2,2,2,2,2,2," in result.stdout  # samples/README.md


def test_a_2024_document_with_a_number_of_2023(ruleset: modenhet.RuleSet) -> None:
    document = with_municipality(sample("3301-drammen.json"), "3005", "Drammen", 2024)
    assert messages(ruleset, document) == [
        (
            "/municipality/number",
            "`municipality.number` 3005 is not one of the 357 municipalities of 2024 "
            "(3005 Drammen is 3301 Drammen from 2024-01-01)",
        )
    ]


def test_did_you_mean_says_only_what_the_lists_support(ruleset: modenhet.RuleSet) -> None:
    """3005 with a misspelt name: 2025.1's guess was 4005 Notodden, a number that merely looks
    alike. Now the renumbering is named, whatever the name says."""
    document = with_municipality(sample("3301-drammen.json"), "3005", "Drammn", 2024)
    (message,) = messages(ruleset, document)
    assert message[1].endswith("(3005 Drammen is 3301 Drammen from 2024-01-01)")
    assert "Notodden" not in message[1] and "4005" not in message[1]
    # A number on no list, with a name on none: no hint at all.
    nowhere = with_municipality(sample("3301-drammen.json"), "3999", "Drammn", 2024)
    assert messages(ruleset, nowhere) == [
        (
            "/municipality/number",
            "`municipality.number` 3999 is not one of the 357 municipalities of 2024",
        )
    ]
    # A number on no list, with a name on the year's list: that name's number.
    bergen = with_municipality(sample("4601-bergen.json"), "4699", "Bergen", 2024)
    (message,) = messages(ruleset, bergen)
    assert message[1].endswith("of 2024 (Bergen is 4601)")


def test_a_2023_document_with_a_number_of_2024(ruleset: modenhet.RuleSet) -> None:
    document = with_municipality(sample("2024/3005-drammen.json"), "3301", "Drammen", 2023)
    assert messages(ruleset, document) == [
        (
            "/municipality/number",
            "`municipality.number` 3301 is not one of the 356 municipalities of 2020–2023 "
            "(3301 Drammen is a number from 2024; before, it was 3005 Drammen)",
        )
    ]


def test_a_number_that_was_split(ruleset: modenhet.RuleSet) -> None:
    document = with_municipality(sample("3301-drammen.json"), "1507", "Ålesund", 2024)
    (message,) = messages(ruleset, document)
    assert message[1] == (
        "`municipality.number` 1507 is not one of the 357 municipalities of 2024 (1507 Ålesund "
        "was split on 2024-01-01 into 1508 Ålesund and 1580 Haram; give the number of the part "
        "the evidence is for)"
    )
    # In 2023 Ålesund was 1507, and Haram had no number of its own.
    assert messages(ruleset, {**document, "year": 2023}) == []
    haram = with_municipality(sample("3301-drammen.json"), "1580", "Haram", 2023)
    (message,) = messages(ruleset, haram)
    assert message[1].endswith("(1580 Haram is a number from 2024; before, it was 1507 Ålesund)")


def test_a_year_before_2020_is_not_checked(ruleset: modenhet.RuleSet) -> None:
    """Bergen was 1201 until 2019: no list of that year is shipped, so no error, a warning."""
    document = with_municipality(sample("4601-bergen.json"), "1201", "Bergen", 2019)
    document["evidence"]["anchoring"]["council_decision_date"] = "2018-05-29"
    document.pop("submitted")
    (violation,) = ruleset.violations(document)
    assert violation.severity == "warning" and violation.pointer == "/municipality/number"
    assert "not checked" in violation.message and "`year` is 2019" in violation.message
    assert ruleset.validate(document) == []


def test_without_a_year_the_2024_list_applies(ruleset: modenhet.RuleSet) -> None:
    drammen = with_municipality(sample("3301-drammen.json"), "3301", "Drammen", None)
    assert ruleset.validate(drammen) == []
    (message,) = messages(
        ruleset, with_municipality(sample("3301-drammen.json"), "3005", "Drammen", None)
    )
    assert "of 2024" in message[1]


# ------------------------------------------------------------------------------- compare


def test_compare_treats_drammen_2023_and_2024_as_one_municipality() -> None:
    result = cli(
        "compare",
        str(SAMPLES / "2024" / "3005-drammen.json"),
        str(SAMPLES / "3301-drammen.json"),
        *AS_OF,
        "-f",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    (drammen,) = report["municipalities"]
    assert (drammen["number"], drammen["name"]) == ("3301", "Drammen")
    assert drammen["old"]["source"].endswith("3005-drammen.json")
    # samples/README.md: 2 everywhere in 2023; 3 3 3 2 2 2 in 2024.
    old = {fid: f["old"] for fid, f in drammen["factors"].items()}
    new = {fid: f["new"] for fid, f in drammen["factors"].items()}
    assert list(old.values()) == [2, 2, 2, 2, 2, 2]
    assert list(new.values()) == [3, 3, 3, 2, 2, 2]
    assert report["only_in_old"] == report["only_in_new"] == []
    assert "SSB changed its number from 3005 to 3301 on 1 January 2024" in result.stderr


def test_compare_of_folders_follows_the_new_number() -> None:
    result = cli("compare", str(SAMPLES / "2024"), str(SAMPLES), *AS_OF, "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(m["number"], m["name"]) for m in report["municipalities"]] == [
        ("3301", "Drammen"),
        ("4642", "Lærdal"),
    ]
    assert "3301" not in [m["number"] for m in report["only_in_new"]]


def test_compare_reports_a_split_and_does_not_guess(tmp_path: Path) -> None:
    base = sample("3301-drammen.json")
    write(tmp_path / "old" / "alesund.json", with_municipality(base, "1507", "Ålesund", 2023))
    write(tmp_path / "new" / "alesund.json", with_municipality(base, "1508", "Ålesund", 2024))
    write(tmp_path / "new" / "haram.json", with_municipality(base, "1580", "Haram", 2024))
    result = cli("compare", str(tmp_path / "old"), str(tmp_path / "new"), *AS_OF, "-f", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["municipalities"] == []
    assert [m["number"] for m in report["only_in_old"]] == ["1507"]
    assert [m["number"] for m in report["only_in_new"]] == ["1508", "1580"]
    assert (
        "Ålesund (1507) was split on 1 January 2024 into 1508 Ålesund and 1580 Haram: it is not "
        "compared with either part (NEW has 1508, 1580)"
    ) in result.stderr


def test_two_documents_of_different_municipalities_still_cannot_be_compared() -> None:
    result = cli(
        "compare",
        str(SAMPLES / "2024" / "3005-drammen.json"),
        str(SAMPLES / "4601-bergen.json"),
        *AS_OF,
    )
    assert result.exit_code == 2
    assert "give two documents of the same municipality" in result.stderr


# ------------------------------------------------------------------------------ the sources


def test_every_source_id_must_name_a_source(ruleset: modenhet.RuleSet) -> None:
    bergen = sample("4601-bergen.json")
    assert ruleset.validate(bergen) == []
    bergen["evidence"]["economy"]["source_ids"] = ["okonomiplan-2025", "okonomiplan-2052"]
    bergen["evidence"]["strategy"]["action_plan"]["source_id"] = "plan"
    assert messages(ruleset, bergen) == [  # sorted by pointer
        (
            "/evidence/economy/source_ids/1",
            '`evidence.economy.source_ids[1]` is "okonomiplan-2052", but `sources` has no '
            'source with that id (did you mean "okonomiplan-2025"?)',
        ),
        (
            "/evidence/strategy/action_plan/source_id",
            '`evidence.strategy.action_plan.source_id` is "plan", but `sources` has no source '
            "with that id",
        ),
    ]


def test_source_ids_must_be_unique(ruleset: modenhet.RuleSet) -> None:
    bergen = sample("4601-bergen.json")
    bergen["sources"].append({**bergen["sources"][0], "title": "Ein annan tittel"})
    last = len(bergen["sources"]) - 1
    assert messages(ruleset, bergen) == [
        (
            f"/sources/{last}/id",
            f'`sources[{last}].id` "kommuneplan-arealdel-2019" is also the id of `sources[0]`: '
            "every source needs its own id",
        )
    ]


def test_a_date_after_submission_is_a_warning(tmp_path: Path, ruleset: modenhet.RuleSet) -> None:
    bergen = sample("4601-bergen.json")  # submitted 2025-05-15
    bergen["evidence"]["strategy"]["needs_overview_date"] = "2025-05-16"
    bergen["sources"][2]["date"] = "2025-06-01"
    found = ruleset.violations(bergen)
    assert [(v.pointer, v.severity) for v in found] == [
        ("/evidence/strategy/needs_overview_date", "warning"),
        ("/sources/2/date", "warning"),
    ]
    assert found[0].message == (
        "`evidence.strategy.needs_overview_date` is 2025-05-16, after the document was "
        "submitted (2025-05-15): a date in the future is not evidence yet"
    )
    assert ruleset.validate(bergen) == []  # warnings do not make it invalid
    path = write(tmp_path / "bergen.json", bergen)
    result = cli("validate", path, "--lang", "en")
    assert result.exit_code == 0
    assert "#/evidence/strategy/needs_overview_date: warning: " in result.stderr
    # The plan's period is meant to lie ahead: no warning for period_end (2028-12-31).
    assert "period_end" not in result.stderr


def test_a_broken_reference_is_a_located_error_with_status_1(tmp_path: Path) -> None:
    bergen = sample("4601-bergen.json")
    bergen["evidence"]["anchoring"]["source_ids"] = ["nope"]
    path = write(tmp_path / "bergen.json", bergen)
    result = cli("validate", path, "--lang", "en")
    assert result.exit_code == 1
    line = next(
        n for n, text in enumerate(Path(path).read_text().splitlines(), 1) if "nope" in text
    )
    assert result.stderr.startswith(
        f"{path}:{line}#/evidence/anchoring/source_ids/0: error: "
        '`evidence.anchoring.source_ids[0]` is "nope", but `sources` has no source with that id'
    )
    evaluated = cli("evaluate", path, *AS_OF)
    assert evaluated.exit_code == 1 and "source_ids[0]" in evaluated.stderr


def test_in_a_document_of_schema_1_0_a_broken_reference_is_a_warning() -> None:
    """Every document valid under schema 1.0 stays valid: the references bind from 1.1 on."""
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    archived = SAMPLES.parent / "tests" / "archive" / "samples-1.0" / "4601-bergen.json"
    bergen = json.loads(archived.read_text(encoding="utf-8"))
    assert bergen["schema_version"] == "1.0"
    bergen["evidence"]["anchoring"]["source_ids"] = ["nope"]
    (violation,) = ruleset.violations(bergen)
    assert (violation.pointer, violation.severity) == (
        "/evidence/anchoring/source_ids/0",
        "warning",
    )
    assert violation.message.endswith("(an error from schema_version 1.1)")
    assert ruleset.validate(bergen) == []
    bergen["schema_version"] = "1.1"
    (violation,) = ruleset.violations(bergen)
    assert violation.severity == "error" and "schema_version" not in violation.message
