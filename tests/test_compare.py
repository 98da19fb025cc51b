"""`modenhet compare OLD NEW` on real files built from the samples.

Every expected level and status below was worked out by hand from rules/bustadsosialt.rules
(and samples/README.md) at as_of 2025-06-30 — a factor reaches level L when every criterion
of every block up to L is met; overall is the lowest factor level — not copied from the tool.
"""

from __future__ import annotations

import copy
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

from conftest import ROOT, SAMPLES

AS_OF = ["--as-of", "2025-06-30"]
EN = ["--lang", "en"]  # for the tests that read the table's own words in English
FACTORS = ["anchoring", "strategy", "coordination", "economy", "competence", "participation"]
# samples/README.md: Molde at 2025-06-30.
MOLDE = {
    "anchoring": 3,
    "strategy": 4,
    "coordination": 3,
    "economy": 4,
    "competence": 3,
    "participation": 4,
}


def cli(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(main, ["compare", *args], input=stdin, catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result


def as_json(*args: str) -> dict[str, Any]:
    result = cli(*args, *AS_OF, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def sample(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return data


def write(path: Path, document: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def changed(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A copy with `factor__field=value` set under `evidence`."""
    result = copy.deepcopy(document)
    for key, value in changes.items():
        factor, field = key.split("__", 1)
        result["evidence"][factor][field] = value
    return result


# Molde with four changes, each worked out by hand:
# - anchoring.leadership_training_this_term true: leadership_training (4) met; level 4's other
#   criteria, outcome_reporting (2024-11-21, years_since 0 < 1) and recent_council_decision
#   (2023-09-21, years_since 1 < 4), are met already, and level 5's frequent_reporting
#   (2 reports) and annual_joint_review (true) too: 3 -> 5.
# - coordination.single_entry_point true: level 4 (regular_meetings: 6 >= 4, § 6 processing
#   19 <= 30 days) is reached; level 5 is not (no correctional_service/husbanken agreement):
#   3 -> 4.
# - strategy.outcome_targets_on_track null: targets_on_track (5) not_met -> unknown (two
#   targets, and whether each is on track is not known); level 5 was out of reach already
#   (no land reserved): stays 4.
# - competence.staff_trained_share 0.85: staff_trained_half (4) and staff_trained_most (5) met;
#   level 4's recent_evaluation (2022 >= 2025 - 3) is met, level 5's annual_evaluation is not
#   (2022 < 2025 - 1): 3 -> 4.
# Overall: min(5, 4, 4, 4, 4, 4) = 4, was min(MOLDE) = 3.
BETTER = {
    "anchoring__leadership_training_this_term": True,
    "coordination__single_entry_point": True,
    "strategy__outcome_targets_on_track": None,
    "competence__staff_trained_share": 0.85,
}
BETTER_LEVELS = {**MOLDE, "anchoring": 5, "coordination": 4, "competence": 4}
BETTER_CRITERIA = [
    ("anchoring", "leadership_training", 4, "not_met", "met"),
    ("strategy", "targets_on_track", 5, "not_met", "unknown"),
    ("coordination", "single_entry_point", 4, "not_met", "met"),
    ("competence", "staff_trained_half", 4, "not_met", "met"),
    ("competence", "staff_trained_most", 5, "not_met", "met"),
]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def molde_pair(tmp_path: Path) -> tuple[str, str]:
    write(tmp_path / "molde-2024.json", sample("1506-molde.json"))
    write(tmp_path / "molde-2025.json", changed(sample("1506-molde.json"), **BETTER))
    return "molde-2024.json", "molde-2025.json"


@pytest.fixture
def folders(tmp_path: Path) -> tuple[str, str]:
    """old/: Molde, Tynset, Utsira; new/: Molde improved (another file name), Tynset as it
    was, Bergen — Utsira dropped out, Bergen came in."""
    (tmp_path / "old").mkdir()
    for name in ("1506-molde.json", "3427-tynset.json", "1151-utsira.json"):
        shutil.copy(SAMPLES / name, tmp_path / "old" / name)
    write(tmp_path / "new" / "molde.json", changed(sample("1506-molde.json"), **BETTER))
    shutil.copy(SAMPLES / "3427-tynset.json", tmp_path / "new" / "tynset-2025.json")
    shutil.copy(SAMPLES / "4601-bergen.json", tmp_path / "new" / "4601-bergen.json")
    return "old", "new"


def levels(municipality: dict[str, Any], side: str) -> dict[str, int]:
    return {fid: factor[side] for fid, factor in municipality["factors"].items()}


def criteria(municipality: dict[str, Any]) -> list[tuple[str, str, int, str, str]]:
    return [
        (c["factor"], c["id"], c["level"], c["old"], c["new"]) for c in municipality["criteria"]
    ]


# ----------------------------------------------------------------------- two evidence files


def test_two_evidence_files(molde_pair: tuple[str, str]) -> None:
    report = as_json(*molde_pair)
    (molde,) = report["municipalities"]
    assert (molde["number"], molde["name"]) == ("1506", "Molde")
    assert levels(molde, "old") == MOLDE
    assert levels(molde, "new") == BETTER_LEVELS
    changes = {fid: factor["change"] for fid, factor in molde["factors"].items()}
    assert changes == {
        "anchoring": "up",
        "strategy": "same",
        "coordination": "up",
        "economy": "same",
        "competence": "up",
        # targets_on_track (level 5) went from not met to unknown, but land_reserved (level 5)
        # is still not met: 4 proven, and 5 still out of reach (level_max 4 on both sides).
        "participation": "same",
    }
    strategy = molde["factors"]["strategy"]
    assert (strategy["old"], strategy["old_max"], strategy["new"], strategy["new_max"]) == (
        4,
        4,
        4,
        4,
    )
    assert molde["overall"] == {
        "old": 3,
        "old_label": "Definert",
        "old_max": 3,
        "new": 4,
        "new_label": "Styrt",
        "new_max": 4,
        "change": "up",
    }
    assert criteria(molde) == BETTER_CRITERIA
    assert report["summary"]["overall"] == {
        "improved": 1,
        "regressed": 0,
        "unchanged": 0,
        "bounds_changed": 0,
    }
    assert report["warnings"] == []


def test_a_change_of_level_max_alone_is_a_change(tmp_path: Path) -> None:
    """Spec 9.4: a change in either bound is a change. Molde's strategy stands at 4; at
    level 5, targets_on_track and land_reserved are not met (recent_needs_overview is met), so
    level_max is 4. With both unknown next year, level 5 is possible (level_max 5) while 4
    stays proven: "bounds" (↕), counted apart, neither an improvement nor a regression."""
    write(tmp_path / "old.json", sample("1506-molde.json"))
    unknown = {
        "strategy__outcome_targets_on_track": None,
        "strategy__land_reserved_in_land_use_plan": None,
    }
    write(tmp_path / "new.json", changed(sample("1506-molde.json"), **unknown))
    (molde,) = as_json("old.json", "new.json")["municipalities"]
    strategy = molde["factors"]["strategy"]
    assert (strategy["old"], strategy["old_max"], strategy["new"], strategy["new_max"]) == (
        4,
        4,
        4,
        5,
    )
    assert strategy["change"] == "bounds"
    table = cli("old.json", "new.json", *AS_OF).stdout
    assert "↕" in table


NYNORSK = {"met": "oppfylt", "not_met": "ikkje oppfylt", "unknown": "ukjent"}


def test_two_evidence_files_as_a_table(molde_pair: tuple[str, str]) -> None:
    result = cli(*molde_pair, *AS_OF)  # in nynorsk, the default
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    # The sides as a nynorsk reader says them (før, no), dates as people write them.
    assert lines[0] == (
        "Før: molde-2024.json · eitt dokument · per 30.06.2025 · "
        "regelsett Bustadsosialt arbeid 2026.1"
    )
    assert lines[1].startswith("No: molde-2025.json · eitt dokument")
    assert "Molde (1506) · molde-2024.json → molde-2025.json" in lines
    assert "Samla nivå: 3 Definert → 4 Styrt ↑" in lines
    rows = {cells[0]: cells[1:] for cells in (re.split(r"\s{2,}", line) for line in lines)}
    assert rows["Faktor"] == ["Før", "No", "Endring"]
    assert rows["Forankring og eigarskap"] == ["3 Definert", "5 Leiande", "↑"]
    assert rows["Overordna strategi"] == ["4 Styrt", "4 Styrt", "="]
    assert rows["Kompetanse"] == ["3 Definert", "4 Styrt", "↑"]
    assert rows["Økonomiske ressursar"] == ["4 Styrt", "4 Styrt", "="]
    assert rows["Kriterium"] == ["Tittel", "Nivå", "Status før → no"]
    for factor, criterion, level, old, new in BETTER_CRITERIA:
        row = rows[f"{factor}.{criterion}"]
        assert row[-2:] == [str(level), f"{NYNORSK[old]} → {NYNORSK[new]}"]
    assert "Samandrag" not in result.stdout  # one municipality: the block says it all


def test_old_evidence_at_an_earlier_date(tmp_path: Path) -> None:
    # Last year's submission had its user survey in 2022. At 2025-06-30 recent_user_survey
    # (level 3, >= 2025 - 2) is not met, so participation falls to 2 and overall to 2; at
    # 2024-06-30 (>= 2022) it is met, and every other dated criterion of Molde stands as it
    # does in 2025 (council decision 2023-09-21 and needs overview 2024-01-15 both younger than
    # 2 years, plan to 2027, evaluation 2022 >= 2021 but not >= 2023) but one: the report on
    # outcomes to the council, 2024-11-21, lies after 2024-06-30, so outcome_reporting (4) is
    # not met then. Anchoring stays 3 either way (no leadership training).
    write(
        tmp_path / "old.json",
        changed(sample("1506-molde.json"), participation__last_user_survey_year=2022),
    )
    shutil.copy(SAMPLES / "1506-molde.json", tmp_path / "new.json")
    (same_date,) = as_json("old.json", "new.json")["municipalities"]
    assert levels(same_date, "old") == {**MOLDE, "participation": 2}
    assert levels(same_date, "new") == MOLDE
    assert criteria(same_date) == [("participation", "recent_user_survey", 3, "not_met", "met")]
    assert (same_date["overall"]["old"], same_date["overall"]["new"]) == (2, 3)

    report = as_json("old.json", "new.json", "--old-as-of", "2024-06-30")
    (then,) = report["municipalities"]
    assert levels(then, "old") == levels(then, "new") == MOLDE
    assert criteria(then) == [("anchoring", "outcome_reporting", 4, "not_met", "met")]
    assert report["old"]["as_of"] == "2024-06-30" and report["new"]["as_of"] == "2025-06-30"


# ------------------------------------------------------------------------------- two reports


def make_report(
    path: str, *evidence: str, as_of: str = "2025-06-30", rules: str | None = None
) -> str:
    extra = ["-r", rules] if rules else []
    result = CliRunner().invoke(
        main, ["evaluate", *evidence, "--as-of", as_of, "-f", "json", "-o", path, *extra]
    )
    assert result.exit_code == 0, result.stderr
    return path


def test_a_report_from_before_level_bounds_compares_by_the_proven_level(
    molde_pair: tuple[str, str],
) -> None:
    """A report without level_max (written before spec 9.4) is still a valid side: levels
    compare as before, and no change of bounds is claimed where one side has none."""
    path = Path(make_report("old.report.json", molde_pair[0]))
    data = json.loads(path.read_text(encoding="utf-8"))
    for result in data["results"]:
        for key in ("overall_max", "overall_label_max", "decided"):
            del result[key]
        for factor in result["factors"].values():
            for key in ("level_max", "label_max", "decided"):
                del factor[key]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    # NEW: strategy's level-5 criteria targets_on_track and land_reserved unknown: 4–5.
    unknown = {
        "strategy__outcome_targets_on_track": None,
        "strategy__land_reserved_in_land_use_plan": None,
    }
    write(Path("open.json"), changed(sample("1506-molde.json"), **unknown))
    report = as_json(str(path), "open.json")
    assert report["warnings"] == [] and report["not_compared"] == []
    (molde,) = report["municipalities"]
    changes = {fid: factor["change"] for fid, factor in molde["factors"].items()}
    assert changes["strategy"] == "same"  # 4 then, 4–5 now: OLD does not record its bound
    assert molde["factors"]["strategy"]["old_max"] is None
    assert molde["factors"]["strategy"]["new_max"] == 5
    assert levels(molde, "new") == MOLDE


def test_two_reports_compare_as_their_evidence_does(molde_pair: tuple[str, str]) -> None:
    old = make_report("old.report.json", molde_pair[0])
    new = make_report("new.report.json", molde_pair[1])
    result = cli(old, new)  # no --as-of: reports carry their own
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    from_reports = json.loads(cli(old, new, "-f", "json").stdout)
    from_evidence = as_json(*molde_pair)
    assert from_reports["old"]["kind"] == from_reports["new"]["kind"] == "report"
    assert from_reports["old"]["as_of"] == "2025-06-30"
    assert from_reports["municipalities"] == from_evidence["municipalities"]
    assert from_reports["summary"] == from_evidence["summary"]
    assert "Samla nivå: 3 Definert → 4 Styrt ↑" in result.stdout


def test_a_report_against_evidence(molde_pair: tuple[str, str]) -> None:
    old = make_report("old.report.json", molde_pair[0])
    report = as_json(old, molde_pair[1])
    assert (report["old"]["kind"], report["new"]["kind"]) == ("report", "document")
    (molde,) = report["municipalities"]
    assert criteria(molde) == BETTER_CRITERIA


def test_options_that_apply_to_no_side_are_named(molde_pair: tuple[str, str]) -> None:
    old = make_report("old.report.json", molde_pair[0])
    new = make_report("new.report.json", molde_pair[1])
    result = cli(old, new, "--old-as-of", "2024-06-30", *AS_OF, "-r", "whatever.rules")
    assert result.exit_code == 0
    assert "warning: -r/--rules is not used: both OLD and NEW are reports" in result.stderr
    assert (
        "warning: --old-as-of is not used: OLD (old.report.json) is not evidence" in result.stderr
    )
    assert "warning: --as-of is not used: NEW (new.report.json) is not evidence" in result.stderr


def test_reports_from_different_rule_sets_are_flagged(tmp_path: Path) -> None:
    # The same rules, but staff_trained_half asks for 40 % instead of 50 %: Molde's 0.45 meets
    # it, and with recent_evaluation met competence reaches 4 (annual_evaluation keeps it from
    # 5: 2022 < 2025 - 1).
    (tmp_path / "rules").mkdir()
    shutil.copytree(ROOT / "schemas", tmp_path / "schemas")
    text = (ROOT / "rules" / "bustadsosialt.rules").read_text(encoding="utf-8")
    assert text.count("kompetanse.staff_trained_share >= 0.5") == 1
    rules = tmp_path / "rules" / "lenient.rules"
    rules.write_text(text.replace("staff_trained_share >= 0.5", "staff_trained_share >= 0.4"))
    shutil.copy(SAMPLES / "1506-molde.json", tmp_path / "molde.json")
    old = make_report("lenient.report.json", "molde.json", rules=str(rules))
    new = make_report("default.report.json", "molde.json")

    result = cli(old, new, "-f", "json")
    assert result.exit_code == 0  # a warning, not a failure
    (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warning.startswith("lenient.report.json#/ruleset/sha256: warning: OLD and NEW were ")
    assert "different rule sets" in warning and "rules changed, not the municipality" in warning
    assert "the same name and version, but the rule files differ" in warning
    report = json.loads(result.stdout)
    assert report["old"]["ruleset"]["sha256"] != report["new"]["ruleset"]["sha256"]
    assert len(report["warnings"]) == 1 and "different rule sets" in report["warnings"][0]
    (molde,) = report["municipalities"]
    assert levels(molde, "old") == {**MOLDE, "competence": 4}
    assert levels(molde, "new") == MOLDE
    assert criteria(molde) == [("competence", "staff_trained_half", 4, "met", "not_met")]
    assert molde["overall"]["change"] == "same"  # 3: anchoring and coordination hold it

    # The same against evidence evaluated with the default rules, and in the table.
    table = cli(old, "molde.json", *AS_OF, *EN)
    assert "Warning: OLD and NEW were evaluated with different rule sets" in table.stdout
    assert "lenient.report.json#/ruleset/sha256: warning:" in table.stderr
    # In the reader's language in the table; in English on stderr and in JSON, whatever --lang.
    nynorsk = cli(old, "molde.json", *AS_OF)
    assert "Åtvaring: Dei to sidene vart evaluerte med ulike regelsett — før: " in nynorsk.stdout
    assert "(same namn og versjon, men regelfilene er ulike)" in nynorsk.stdout
    assert nynorsk.stderr == table.stderr


# ------------------------------------------------------------------------------- two folders


def test_two_folders_one_added_one_removed(folders: tuple[str, str]) -> None:
    report = as_json(*folders)
    assert (report["old"]["kind"], report["old"]["documents"]) == ("collection", 3)
    assert [(m["number"], m["name"]) for m in report["municipalities"]] == [
        ("1506", "Molde"),  # matched by number: molde.json is 1506-molde.json's successor
        ("3427", "Tynset"),
    ]
    molde, tynset = report["municipalities"]
    assert criteria(molde) == BETTER_CRITERIA
    assert criteria(tynset) == [] and tynset["overall"]["change"] == "same"
    assert [m["source"] for m in report["only_in_old"]] == ["old/1151-utsira.json"]
    assert [m["source"] for m in report["only_in_new"]] == ["new/4601-bergen.json"]
    # No level_max moves without its level (BETTER's targets_on_track leaves land_reserved
    # not met at strategy's level 5): no bounds changed.
    bounds = dict.fromkeys(FACTORS, 0)
    assert report["summary"] == {
        "compared": 2,
        "overall": {"improved": 1, "regressed": 0, "unchanged": 1, "bounds_changed": 0},
        "factors": {
            factor: {
                "improved": int(BETTER_LEVELS[factor] > MOLDE[factor]),
                "regressed": 0,
                "unchanged": 2 - int(BETTER_LEVELS[factor] > MOLDE[factor]) - bounds[factor],
                "bounds_changed": bounds[factor],
            }
            for factor in FACTORS
        },
        "only_in_old": 1,
        "only_in_new": 1,
        "not_compared": 0,
    }
    # anchoring, coordination and competence improved for Molde; the rest stayed.
    assert [f for f in FACTORS if report["summary"]["factors"][f]["improved"]] == [
        "anchoring",
        "coordination",
        "competence",
    ]


def test_two_folders_as_a_table(folders: tuple[str, str]) -> None:
    result = cli(*folders, *AS_OF, *EN)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.index("Molde (1506) ·") < out.index("Tynset (3427) ·") < out.index("Summary")
    assert "Summary: 2 municipalities compared: 1 improved, 0 regressed, 1 unchanged" in out
    # The factors by their titles (the rule set's), each with its counts.
    rows = {
        cells[0]: cells[1:]
        for cells in (re.split(r"\s{2,}", line) for line in out.splitlines()[-12:] if line)
    }
    assert rows["Forankring og eigarskap"] == ["1", "0", "1", "0"]
    assert rows["Overordna strategi"] == ["0", "0", "2", "0"]
    assert rows["Økonomiske ressursar"] == ["0", "0", "2", "0"]
    assert rows["overall"] == ["1", "0", "1", "0"]
    assert "Only in old: Utsira (1151)\nOnly in new: Bergen (4601)\nNot compared: none\n" in out


def test_a_folder_and_a_report_of_many(folders: tuple[str, str]) -> None:
    new = make_report("new.report.json", "new")
    from_report = as_json(folders[0], new)
    from_folder = as_json(*folders)
    assert from_report["new"]["kind"] == "report" and from_report["new"]["documents"] == 3
    assert from_report["municipalities"] == from_folder["municipalities"]
    assert from_report["summary"] == from_folder["summary"]


def test_the_example_in_cli_md(molde_pair: tuple[str, str], request: pytest.FixtureRequest) -> None:
    """docs/cli.md shows `compare` on these two files: run it again and compare (or rewrite it
    under --update-goldens; review the diff)."""
    doc = ROOT / "docs" / "cli.md"
    text = doc.read_text(encoding="utf-8")
    command = "modenhet compare molde-2024.json molde-2025.json --as-of 2025-06-30 --lang en"
    (shown,) = re.findall(r"```text\n\$ " + re.escape(command) + r"\n(.*?)```", text, re.S)
    result = cli(*command.split()[2:])
    assert result.exit_code == 0 and result.stderr == ""
    if request.config.getoption("--update-goldens"):
        updated = text.replace(f"{command}\n{shown}", f"{command}\n{result.stdout}", 1)
        doc.write_text(updated, encoding="utf-8")
    else:
        assert result.stdout == shown, "run pytest tests/test_compare.py --update-goldens"


# ------------------------------------------------------------------------------- languages

# Words of the table's own in each language; titles and labels are the rule set's in all three.
WORDS = {
    "nn": [
        "Samla nivå: 3 Definert → 4 Styrt ↑",
        "Samandrag: 2 kommunar samanlikna: 1 betra",
        "ikkje oppfylt → oppfylt",
        "Berre før: Utsira (1151)",
        "Før: old · 3 dokument · per 30.06.2025",
        "Ikkje samanlikna: ingen",
    ],
    "nb": [
        "Samlet nivå: 3 Definert → 4 Styrt ↑",
        "Sammendrag: 2 kommuner sammenlignet: 1 forbedret",
        "ikke oppfylt → oppfylt",
        "Bare før: Utsira (1151)",
        "Nå: new · 3 dokumenter · per 30.06.2025",
        "Ikke sammenlignet: ingen",
    ],
    "en": [
        "Overall level: 3 Definert → 4 Styrt ↑",
        "Summary: 2 municipalities compared: 1 improved",
        "not met → met",
        "Only in old: Utsira (1151)",
        "Old: old · 3 evidence documents · as of 30.06.2025",
        "Not compared: none",
    ],
}


@pytest.mark.parametrize("language", list(WORDS))
def test_the_table_in_each_language(folders: tuple[str, str], language: str) -> None:
    result = cli(*folders, *AS_OF, "--lang", language)
    assert result.exit_code == 0, result.stderr
    for words in WORDS[language]:
        assert words in result.stdout
    for other in WORDS.keys() - {language}:
        assert not any(words in result.stdout for words in WORDS[other]), other
    assert "Forankring og eigarskap" in result.stdout  # the rule set's own title
    assert "Éi dør inn for bustadsosial hjelp" in result.stdout


def test_the_default_language_is_nynorsk(folders: tuple[str, str]) -> None:
    assert cli(*folders, *AS_OF).stdout == cli(*folders, *AS_OF, "--lang", "nn").stdout


def test_json_and_stderr_are_the_same_in_every_language(
    tmp_path: Path, folders: tuple[str, str]
) -> None:
    # A warning (OLD dated after NEW) and a document that cannot be read, so that the messages
    # and reasons in JSON are there to differ if they did.
    (tmp_path / "new" / "broken.json").write_text("{", encoding="utf-8")
    args = [*folders, *AS_OF, "--old-as-of", "2026-01-01", "-f", "json"]
    runs = [cli(*args, "--lang", language) for language in ("nn", "nb", "en")]
    assert runs[0].exit_code == 1
    assert runs[0].stdout == runs[1].stdout == runs[2].stdout
    assert runs[0].stderr == runs[1].stderr == runs[2].stderr
    report = json.loads(runs[0].stdout)
    assert report["warnings"] == [
        "OLD is as of 2026-01-01, after NEW (as of 2025-06-30): are OLD and NEW the wrong way "
        "round? (--old-as-of sets the date for OLD evidence)"
    ]
    assert report["municipalities"][0]["criteria"][0]["old"] == "not_met"
    table = cli(*args[:-2], "--lang", "nb").stdout
    assert "Advarsel: Før-siden er per 01.01.2026, etter nå-siden (per 30.06.2025)" in table


# ---------------------------------------------------------------------------- regressions


def test_regression_and_fail_on_regression(tmp_path: Path) -> None:
    # The action plan's period ended 2025-03-31, and the measures are not in the kommuneplan
    # either: plan_in_force (3) is not met any more, so strategy falls from 4 to 2 (level 2:
    # overview 2024-01-15 and goals in the kommuneplan met), and overall from 3 to 2.
    shutil.copy(SAMPLES / "1506-molde.json", tmp_path / "old.json")
    worse = sample("1506-molde.json")
    worse["evidence"]["strategy"]["action_plan"]["period_end"] = "2025-03-31"
    worse["evidence"]["strategy"]["integrated_in_master_plan"] = False
    write(tmp_path / "new.json", worse)

    report = as_json("old.json", "new.json")
    (molde,) = report["municipalities"]
    assert levels(molde, "new") == {**MOLDE, "strategy": 2}
    assert criteria(molde) == [("strategy", "plan_in_force", 3, "met", "not_met")]
    assert (molde["overall"]["old"], molde["overall"]["new"]) == (3, 2)
    assert molde["overall"]["change"] == "down"
    assert report["summary"]["overall"] == {
        "improved": 0,
        "regressed": 1,
        "unchanged": 0,
        "bounds_changed": 0,
    }

    plain = cli("old.json", "new.json", *AS_OF, *EN)
    assert plain.exit_code == 0  # a regression is a finding
    assert "Overall level: 3 Definert → 2 Grunnleggjande ↓" in plain.stdout
    failing = cli("old.json", "new.json", *AS_OF, *EN, "--fail-on-regression")
    assert failing.exit_code == 1
    assert failing.stdout == plain.stdout  # the report is still written
    assert failing.stderr == (
        "error: 1 municipality(ies) regressed (overall level): Molde (1506) 3 → 2\n"
    )
    improving = cli("new.json", "old.json", *AS_OF, "--fail-on-regression")
    assert improving.exit_code == 0


# ------------------------------------------------------------------------ cannot run as asked


def test_a_missing_path_is_status_2(molde_pair: tuple[str, str]) -> None:
    for args in [("nope.json", molde_pair[1]), (molde_pair[0], "nope/")]:
        result = cli(*args, *AS_OF)
        assert result.exit_code == 2
        missing = args[0] if args[0].startswith("nope") else args[1]
        assert result.stderr == f"{missing}: error: no such file or folder\n"
        assert result.stdout == ""


def test_sides_that_cannot_be_matched_are_status_2(
    molde_pair: tuple[str, str], folders: tuple[str, str]
) -> None:
    one_and_many = cli(molde_pair[0], "new", *AS_OF)
    assert one_and_many.exit_code == 2 and one_and_many.stdout == ""
    assert one_and_many.stderr.startswith(
        "error: OLD (molde-2024.json) is one evidence document and NEW (new) is 3 evidence "
        "documents, which cannot be matched"
    )
    shutil.copy(SAMPLES / "4601-bergen.json", "bergen.json")
    two_places = cli(molde_pair[0], "bergen.json", *AS_OF)
    assert two_places.exit_code == 2 and two_places.stdout == ""
    assert "is Molde (1506) and NEW (bergen.json) is Bergen (4601)" in two_places.stderr
    many_report = make_report("all.json", "new")
    assert cli(molde_pair[0], many_report).exit_code == 2
    both_stdin = cli("-", "-", stdin="{}")
    assert both_stdin.exit_code == 2
    assert both_stdin.stderr == "error: only one of OLD and NEW can be - (standard input)\n"


# ---------------------------------------------------------------------------- bad documents


def test_an_invalid_document_is_reported_and_the_others_compared(
    tmp_path: Path, folders: tuple[str, str]
) -> None:
    tynset = sample("3427-tynset.json")
    tynset["evidence"]["economy"]["budget_nok"] = "lots"
    write(tmp_path / "new" / "tynset-2025.json", tynset)
    (tmp_path / "new" / "broken.json").write_text('{"municipality": {"number": "1820",\n')
    result = cli(*folders, *AS_OF, "-f", "json")
    assert result.exit_code == 1
    errors = result.stderr.splitlines()
    assert errors[0] == (
        "new/broken.json:2: error: not valid JSON: Expecting property name enclosed in double "
        "quotes (line 2, column 1)"
    )
    assert errors[1].startswith("new/tynset-2025.json:")
    assert "#/evidence/economy/budget_nok: error: " in errors[1]
    assert len(errors) == 2
    report = json.loads(result.stdout)
    assert [m["name"] for m in report["municipalities"]] == ["Molde"]
    assert criteria(report["municipalities"][0]) == BETTER_CRITERIA
    tynset_row, broken = report["not_compared"]
    assert tynset_row["number"] == "3427"
    assert (tynset_row["old"], tynset_row["new"]) == (
        "old/3427-tynset.json",
        "new/tynset-2025.json",
    )
    assert tynset_row["reason"].startswith("NEW: new/tynset-2025.json:")
    assert broken["number"] is None and broken["new"] == "new/broken.json"
    assert report["summary"]["not_compared"] == 2
    table = cli(*folders, *AS_OF, *EN).stdout
    assert "Not compared:\n  Tynset (3427) — NEW: new/tynset-2025.json:" in table
    assert "  (no municipality) — NEW: new/broken.json:2: not valid JSON" in table
    # The reasons in the reader's language: the side, and the problem's message as far as it
    # has a translation (a message without one stays as stderr has it).
    nynorsk = cli(*folders, *AS_OF).stdout
    assert "Ikkje samanlikna:\n  Tynset (3427) — No: new/tynset-2025.json:" in nynorsk
    assert "  (ingen kommune) — No: new/broken.json:2: " in nynorsk


def test_an_unreadable_single_file(molde_pair: tuple[str, str]) -> None:
    Path("broken.json").write_text("{", encoding="utf-8")
    result = cli("broken.json", molde_pair[1], *AS_OF, *EN)
    assert result.exit_code == 1
    assert result.stderr.startswith("broken.json:1: error: not valid JSON")
    assert result.stdout.startswith("Old: broken.json · could not be read\n")
    assert "Only in new: none" in result.stdout  # nothing on OLD to be missing from


def test_a_municipality_twice_on_one_side(folders: tuple[str, str]) -> None:
    shutil.copy(SAMPLES / "1506-molde.json", "new/1506-copy.json")
    result = cli(*folders, *AS_OF, "-f", "json")
    assert result.exit_code == 1
    assert result.stderr == (
        "new/molde.json#/municipality/number: error: municipality 1506 is also in "
        "new/1506-copy.json; NEW must hold each municipality once\n"
    )
    report = json.loads(result.stdout)
    assert [m["name"] for m in report["municipalities"]] == ["Tynset"]
    (molde,) = report["not_compared"]
    assert molde["number"] == "1506"
    assert molde["reason"] == "NEW: in 2 documents: new/1506-copy.json, new/molde.json"


def test_a_report_inside_a_folder_is_named_as_such(folders: tuple[str, str]) -> None:
    make_report("new/report.json", "old")
    result = cli(*folders, *AS_OF)
    assert result.exit_code == 1
    assert result.stderr == (
        "new/report.json: error: this is a modenhet report, not an evidence document; a folder "
        "is read for evidence, so name the report itself as OLD or NEW\n"
    )


def test_bad_and_failed_results_in_a_report(folders: tuple[str, str]) -> None:
    path = Path(make_report("new.report.json", "new"))
    report = json.loads(path.read_text(encoding="utf-8"))
    # results are in file-name order: 4601-bergen.json, molde.json, tynset-2025.json
    report["results"][0] = {
        "source": "new/4601-bergen.json",
        "sha256": None,
        "error": [{"pointer": "", "message": "cannot be read: Permission denied"}],
    }
    report["results"][2]["overall"] = "high"
    path.write_text(json.dumps(report, indent=2), encoding="utf-8")
    result = cli("old", str(path), *AS_OF, "-f", "json")
    assert result.exit_code == 1  # the invalid result; the recorded failure is a warning
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("new.report.json:")
    assert lines[0].endswith(
        '#/results/2/overall: error: `results[2].overall` must be a whole number; got "high"'
    )
    assert lines[1] == (
        "new.report.json#/results/0: warning: the report records that new/4601-bergen.json "
        "failed (new/4601-bergen.json: cannot be read: Permission denied); not compared"
    )
    data = json.loads(result.stdout)
    assert [m["name"] for m in data["municipalities"]] == ["Molde"]
    assert [m["name"] for m in data["only_in_old"]] == ["Utsira"]
    assert [(u["number"], u["name"]) for u in data["not_compared"]] == [
        ("3427", "Tynset"),
        (None, None),
    ]


# --------------------------------------------------------------------- format and determinism


def test_json_structure(folders: tuple[str, str]) -> None:
    report = as_json(*folders)
    assert list(report) == [
        "tool",
        "old",
        "new",
        "warnings",
        "municipalities",
        "only_in_old",
        "only_in_new",
        "not_compared",
        "summary",
    ]
    assert report["tool"]["name"] == "modenhet"
    assert list(report["old"]) == ["path", "kind", "documents", "as_of", "ruleset"]
    assert list(report["old"]["ruleset"]) == ["name", "version", "sha256"]
    molde = report["municipalities"][0]
    assert list(molde) == ["number", "name", "old", "new", "overall", "factors", "criteria"]
    assert list(molde["old"]) == ["source", "sha256"]
    assert list(molde["overall"]) == [
        "old",
        "old_label",
        "old_max",
        "new",
        "new_label",
        "new_max",
        "change",
    ]
    assert list(molde["factors"]) == FACTORS
    assert list(molde["factors"]["economy"]) == [
        "title",
        "old",
        "old_label",
        "old_max",
        "new",
        "new_label",
        "new_max",
        "change",
    ]
    assert molde["factors"]["economy"]["title"] == "Økonomiske ressursar"
    assert list(molde["criteria"][0]) == ["factor", "id", "title", "level", "old", "new"]
    assert molde["criteria"][0]["title"] == (
        "Politisk og administrativ leiing har fått opplæring i denne valperioden"
    )
    assert list(report["only_in_old"][0]) == ["number", "name", "source"]
    assert list(report["summary"]) == [
        "compared",
        "overall",
        "factors",
        "only_in_old",
        "only_in_new",
        "not_compared",
    ]


def test_the_same_inputs_give_the_same_bytes(tmp_path: Path, folders: tuple[str, str]) -> None:
    first = cli(*folders, *AS_OF, "-f", "json").stdout
    second = cli(*folders, *AS_OF, "-f", "json").stdout
    assert first == second
    written = cli(*folders, *AS_OF, "-f", "json", "-o", "out.json")
    assert written.exit_code == 0 and written.stdout == ""
    assert (tmp_path / "out.json").read_text(encoding="utf-8") == first
    table = cli(*folders, *AS_OF).stdout
    assert cli(*folders, *AS_OF).stdout == table


def test_a_real_process_gives_what_the_runner_gives(
    tmp_path: Path, folders: tuple[str, str]
) -> None:
    args = [*folders, *AS_OF, "-f", "json", "--fail-on-regression"]
    completed = subprocess.run(
        [sys.executable, "-m", "modenhet", "compare", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=tmp_path,
        timeout=60,
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert completed.stdout == cli(*args).stdout


def test_new_from_standard_input(molde_pair: tuple[str, str]) -> None:
    text = Path(molde_pair[1]).read_text(encoding="utf-8")
    result = cli(molde_pair[0], "-", *AS_OF, "-f", "json", stdin=text)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["new"]["kind"] == "document"
    assert report["municipalities"][0]["new"]["source"] == "-"
    assert criteria(report["municipalities"][0]) == BETTER_CRITERIA


def test_help_has_examples() -> None:
    result = CliRunner().invoke(main, ["compare", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.stdout and "modenhet compare" in result.stdout
    listing = CliRunner().invoke(main, ["--help"])
    assert "compare" in listing.stdout


def test_jsonl_and_empty_folders(tmp_path: Path, folders: tuple[str, str]) -> None:
    lines = [
        json.dumps(json.loads((tmp_path / "new" / n).read_text("utf-8")))
        for n in (
            "molde.json",
            "tynset-2025.json",
        )
    ]
    Path("new.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = as_json("old", "new.jsonl")
    assert report["new"]["kind"] == "collection"
    assert [m["new"]["source"] for m in report["municipalities"]] == [
        "new.jsonl:1",
        "new.jsonl:2",
    ]
    (tmp_path / "empty-old").mkdir()
    (tmp_path / "empty-new").mkdir()
    nothing = cli("empty-old", "empty-new", *AS_OF)
    assert nothing.exit_code == 1
    assert nothing.stderr.endswith(
        "error: no documents to compare (a folder is read for .xlsx, .json and .jsonl)\n"
    )
    first_year = cli("empty-old", "new", *AS_OF, "-f", "json")
    assert first_year.exit_code == 0
    assert len(json.loads(first_year.stdout)["only_in_new"]) == 3


def test_a_bad_old_as_of_is_status_2(molde_pair: tuple[str, str]) -> None:
    result = cli(*molde_pair, "--old-as-of", "2024-6-30")
    assert result.exit_code == 2
    assert "'2024-6-30' is not a date written YYYY-MM-DD" in result.stderr
