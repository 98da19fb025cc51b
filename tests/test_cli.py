"""The command line as spec/cli.md describes it, through Click's CliRunner and through real
subprocesses: outputs, exit statuses, located errors on stderr, atomic -o, never a traceback."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import modenhet
from modenhet.cli import main

from conftest import HEADER, ROOT, SAMPLES

AS_OF = ["--as-of", "2025-06-30"]
AS_OF_DATE = datetime.date(2025, 6, 30)


def cli(*args: str, stdin: bytes | str | None = None) -> Result:
    runner = CliRunner()
    result = runner.invoke(main, list(args), input=stdin, catch_exceptions=False)
    assert "Traceback" not in result.stderr
    return result


def real(
    *args: str, stdin: bytes | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        input=stdin.decode() if stdin else None,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )
    assert "Traceback" not in completed.stderr, completed.stderr
    return completed


@pytest.fixture(autouse=True)
def in_repository(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


# --------------------------------------------------------------------------- basics


def test_version() -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout == f"modenhet {modenhet.__version__}\n"


@pytest.mark.parametrize("command", ["evaluate", "check", "validate"])
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout and f"modenhet {command}" in result.stdout


def test_python_dash_m_and_the_script_agree() -> None:
    completed = real("--version")
    assert completed.returncode == 0
    assert completed.stdout == f"modenhet {modenhet.__version__}\n"


# ------------------------------------------------------------------------- evaluate


def test_summary_table_of_the_samples() -> None:
    result = cli("evaluate", "samples/", *AS_OF, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Rule set: Bustadsosialt arbeid 2026.1 · as of 30.06.2025"
    # The factors under their titles, wrapped at spaces onto two heading lines (a pipe has
    # room for them whole), then the overall level and the decided criteria.
    assert lines[2].split("  ")[0] == "" and "Forankring og" in lines[2]
    assert lines[3].split() == [
        "Municipality",
        "eigarskap",
        "strategi",
        "og",
        "samordning",
        "ressursar",
        "Kompetanse",
        "Brukarmedverknad",
        "overall",
        "decided",
    ]
    assert set(lines[4]) == {"-", " "}
    rows = {line.split("  ")[0]: line.split()[-8:] for line in lines[5:14]}
    total = len(modenhet.load_ruleset(modenhet.default_rules_path()).model.criteria)
    assert rows["Bergen (4601)"] == ["5"] * 7 + [f"{total}/{total}"]  # every criterion met
    # Lærdal: each factor stops at a criterion not met, so every level is settled.
    assert rows["Lærdal (4642)"][:7] == ["2", "1", "1", "1", "2", "1", "1"]
    # Drammen: strategy 3, and level 4's outcome_targets is unknown (samples/README.md): 3–4.
    assert rows["Drammen (3301)"][:7] == ["3", "3–4", "3", "2", "2", "2", "2"]
    # Utsira records almost nothing: every factor but economy is not settled at all.
    assert rows["Utsira (1151)"][:3] == ["1–5", "1–5", "1–5"]
    assert "9 documents: 9 evaluated, 0 failed" in result.stdout


def test_single_document_shows_levels_and_the_gap_with_advice() -> None:
    result = cli("evaluate", "samples/1506-molde.json", *AS_OF, "--lang", "en")
    assert result.exit_code == 0
    out = result.stdout
    total = len(modenhet.load_ruleset(modenhet.default_rules_path()).model.criteria)
    head = f"Molde (1506) · samples/1506-molde.json\nOverall level: 3 Definert · {total} of "
    assert head + f"{total} decided\n" in out
    economy = out[out.index("Økonomiske ressursar") : out.index("Kompetanse")]
    assert economy.split()[:4] == ["Økonomiske", "ressursar", "4", "Styrt"]
    assert "→ 5: Tilvisingsavtalar med private" in economy and "not met" in economy
    assert "Inngå tilvisingsavtalar med private utleigarar" in economy


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("samples.table.txt", ["samples/"]),
        ("molde.table.txt", ["samples/1506-molde.json"]),
        ("alstahaug.table.txt", ["samples/1820-alstahaug.json"]),
        ("samples.json", ["samples/", "-f", "json"]),
        ("samples.md", ["samples/", "-f", "markdown"]),
    ],
)
def test_goldens(golden: Callable[[str, str], None], name: str, args: list[str]) -> None:
    result = cli("evaluate", *args, *AS_OF)
    assert result.exit_code == 0
    golden(name, result.stdout.replace(modenhet.__version__, "VERSION"))


def test_json_report_follows_spec_section_8() -> None:
    result = cli("evaluate", "samples/1820-alstahaug.json", *AS_OF, "-f", "json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    # The spec's keys, and `inputs` (the run's input set, which `--verify` re-derives).
    assert list(report) == ["tool", "ruleset", "as_of", "inputs", "results"]
    assert report["inputs"] == {
        "files": ["samples/1820-alstahaug.json"],
        "count": 1,
        "sha256": hashlib.sha256(b"samples/1820-alstahaug.json\0").hexdigest(),
    }
    assert report["tool"] == {"name": "modenhet", "version": modenhet.__version__}
    assert report["ruleset"]["name"] == "Bustadsosialt arbeid"
    assert report["ruleset"]["version"] == "2026.1"
    assert (
        report["ruleset"]["sha256"] == modenhet.load_ruleset(modenhet.default_rules_path()).sha256
    )
    assert report["as_of"] == "2025-06-30"
    (doc,) = report["results"]
    data = (SAMPLES / "1820-alstahaug.json").read_bytes()
    assert doc["source"] == "samples/1820-alstahaug.json"
    assert doc["sha256"] == hashlib.sha256(data).hexdigest()
    assert doc["municipality"] == json.loads(data)["municipality"]
    assert doc["overall"] == 1
    economy = doc["factors"]["economy"]
    # The spec's keys first, in its order (section 8, then the bounds of 9.4); modenhet adds
    # the labels of the bounds, `legal` and the next level's progress.
    assert list(economy) == [
        "title",
        "level",
        "label",
        "level_max",
        "label_max",
        "decided",
        "criteria",
        "gap",
        "next",
    ]
    # By hand from the sample (samples/README.md): in_economic_plan and temporary_housing_offer
    # met (level 2); dedicated_staff (housing_social_fte null) and own_instrument (absent)
    # unknown at level 3; at level 4 rental_housing_grants met (tilskot_utleigebustader),
    # ownership_route unknown; at level 5 both unknown (own_instruments and outcomes absent):
    # 2 proven, 5 possible, 3 of 8 decided.
    assert (economy["level_max"], economy["label_max"]) == (5, "Leiande")
    assert economy["decided"] == {"criteria": 3, "of": 8}
    assert doc["overall_max"] == min(f["level_max"] for f in doc["factors"].values())
    assert doc["decided"]["of"] == sum(f["decided"]["of"] for f in doc["factors"].values())
    assert economy["title"] == "Økonomiske ressursar" and economy["level"] == 2
    assert list(economy["criteria"][0]) == [
        "id",
        "level",
        "title",
        "status",
        "missing",
        "message",
        "advice",
        "ref",
        "legal",
    ]
    gap, other = economy["gap"]
    assert {key: gap[key] for key in ("id", "status", "missing")} == {
        "id": "dedicated_staff",
        "status": "unknown",
        "missing": ["evidence.economy.housing_social_fte"],
    }
    assert gap["legal"] is False and gap["advice"].startswith("Set av faste årsverk")
    assert (other["id"], other["missing"]) == (
        "own_instrument",
        ["evidence.economy.own_instruments"],
    )
    assert economy["next"] == {"level": 3, "met": 0, "of": 2}
    assert doc["legal_floor"] == [
        {
            "factor": "strategy",
            "id": "master_plan_goals",
            "status": "unknown",
            "missing": ["evidence.strategy.master_plan_goals"],
        },
    ]
    assert list(doc["factors"]) == [
        "anchoring",
        "strategy",
        "coordination",
        "economy",
        "competence",
        "participation",
    ]


def test_json_is_byte_identical_across_runs() -> None:
    first = cli("evaluate", "samples/", *AS_OF, "-f", "json").stdout
    second = cli("evaluate", "samples/", *AS_OF, "-f", "json").stdout
    assert first == second


def test_jsonl_csv_markdown(tmp_path: Path) -> None:
    jsonl = cli("evaluate", "samples/", *AS_OF, "-f", "jsonl")
    lines = jsonl.stdout.splitlines()
    assert len(lines) == 9
    assert json.loads(lines[0])["source"] == "samples/1103-stavanger.json"
    assert json.loads(lines[0])["as_of"] == "2025-06-30"

    target = tmp_path / "levels.csv"
    cli("evaluate", "samples/", *AS_OF, "-f", "csv", "-o", str(target))
    csv_out = target.read_bytes().decode("utf-8")
    # A header for people, in the reader's language (nynorsk by default); factors by title.
    assert csv_out.startswith("Kjelde,Kommunenummer,Kommune,Forankring og eigarskap,")
    assert csv_out.count("\r\n") == 10 and "\n" not in csv_out.replace("\r\n", "")
    total = len(modenhet.load_ruleset(modenhet.default_rules_path()).model.criteria)
    bergen = ",".join(["5"] * 14 + [str(total), str(total)])  # levels, their maxima, decided
    assert f"samples/4601-bergen.json,4601,Bergen,{bergen},,\r\n" in csv_out  # no problems

    markdown = cli("evaluate", "samples/", *AS_OF, "-f", "markdown").stdout
    assert markdown.startswith("# Modenheitsrapport")  # nynorsk by default
    assert "| Bergen (4601)" in markdown


def test_unknown_format_is_a_usage_error() -> None:
    result = cli("evaluate", "samples/", "-f", "pdf")
    assert result.exit_code == 2
    assert "pdf" in result.stderr


def test_bad_as_of() -> None:
    result = cli("evaluate", "samples/", "--as-of", "30.06.2025")
    assert result.exit_code == 2
    assert "is not a date written YYYY-MM-DD" in result.stderr


def test_missing_evidence_path_exits_2_before_any_report(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = cli("evaluate", "nowhere/", "-o", str(target))
    assert result.exit_code == 2
    assert result.stderr == "nowhere/: error: no such file or folder\n"
    assert result.stdout == "" and not target.exists()


def test_fail_under() -> None:
    assert cli("evaluate", "samples/4601-bergen.json", *AS_OF, "--fail-under", "5").exit_code == 0
    result = cli("evaluate", "samples/", *AS_OF, "--fail-under", "2")
    assert result.exit_code == 1
    assert "3 document(s) below --fail-under 2" in result.stderr  # Utsira, Alstahaug, Lærdal


def test_broken_documents_get_error_results_and_the_others_go_on(tmp_path: Path) -> None:
    (tmp_path / "a-good.json").write_bytes((SAMPLES / "4601-bergen.json").read_bytes())
    (tmp_path / "b-broken.json").write_text('{"municipality": ', encoding="utf-8")
    (tmp_path / "c-invalid.json").write_text(
        json.dumps({"municipality": {"number": "46011", "name": "Bergen"}}), encoding="utf-8"
    )
    (tmp_path / "d-latin1.json").write_bytes(b'{"municipality": {"name": "B\xe6rum"}}')
    result = cli("evaluate", str(tmp_path), *AS_OF, "-f", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    sources = [r["source"] for r in report["results"]]
    assert [Path(s).name for s in sources] == [
        "a-good.json",
        "b-broken.json",
        "c-invalid.json",
        "d-latin1.json",
    ]
    good, broken, invalid, latin1 = report["results"]
    assert good["overall"] == 5
    assert broken["error"][0]["pointer"] == ""
    assert "not valid JSON" in broken["error"][0]["message"]
    assert {
        "pointer": "/municipality/number",
        "message": '`municipality.number` must match the pattern ^[0-9]{4}$; got "46011"',
        "severity": "error",
    } in invalid["error"]
    assert "not UTF-8: byte 28 (0xe6)" in latin1["error"][0]["message"]
    stderr = result.stderr.splitlines()
    assert (
        f"{tmp_path}/b-broken.json:1: error: not valid JSON: Expecting value (line 1, column 18)"
        in stderr
    )
    assert any(
        line.startswith(f"{tmp_path}/c-invalid.json:1#/municipality/number: error:")
        for line in stderr
    )


def test_no_validate_evaluates_an_invalid_document(tmp_path: Path) -> None:
    path = tmp_path / "doc.json"
    path.write_text(json.dumps({"municipality": {"number": "x", "name": "Y"}}), encoding="utf-8")
    assert cli("evaluate", str(path), *AS_OF).exit_code == 1
    result = cli("evaluate", str(path), *AS_OF, "--no-validate", "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"][0]["overall"] == 1


def test_jsonl_lines_and_blank_lines(tmp_path: Path) -> None:
    bergen = json.dumps(json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8")))
    path = tmp_path / "many.jsonl"
    path.write_text(f"{bergen}\n\n{{broken\n{bergen}\n", encoding="utf-8")
    result = cli("evaluate", str(path), *AS_OF, "-f", "json")
    assert result.exit_code == 1
    results = json.loads(result.stdout)["results"]
    assert [r["source"] for r in results] == [f"{path}:1", f"{path}:3", f"{path}:4"]
    import hashlib

    assert results[0]["sha256"] == hashlib.sha256(bergen.encode()).hexdigest()
    assert results[0]["overall"] == 5 and "error" in results[1] and results[2]["overall"] == 5


def test_stdin_single_document_and_jsonl() -> None:
    data = (SAMPLES / "4601-bergen.json").read_bytes()
    result = cli("evaluate", "-", *AS_OF, "-f", "json", stdin=data)
    assert result.exit_code == 0
    assert [r["source"] for r in json.loads(result.stdout)["results"]] == ["-"]

    line = json.dumps(json.loads(data)).encode()
    result = cli("evaluate", "-", *AS_OF, "-f", "json", stdin=line + b"\n" + line + b"\n")
    assert [r["source"] for r in json.loads(result.stdout)["results"]] == ["-:1", "-:2"]


def test_output_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    result = cli("evaluate", "samples/", *AS_OF, "-f", "json", "-o", str(target))
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text("utf-8"))["as_of"] == "2025-06-30"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_file_is_written_when_some_documents_failed(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("[]", encoding="utf-8")
    target = tmp_path / "out" / "report.csv"
    target.parent.mkdir()
    result = cli("evaluate", str(tmp_path / "broken.json"), *AS_OF, "-f", "csv", "-o", str(target))
    assert result.exit_code == 1
    assert "dokumentet må vere eit JSON-objekt, ikkje ei liste" in target.read_text("utf-8")


def test_rules_that_do_not_check_exit_1_with_located_errors(
    write_rules: Callable[..., Path], tmp_path: Path
) -> None:
    rules = write_rules(HEADER + 'factor f "F" { level 2 { criterion a "A" when cout(x) > 1 } }\n')
    target = tmp_path / "report.json"
    result = cli("evaluate", "samples/", "-r", str(rules), "-o", str(target))
    assert result.exit_code == 1
    assert f"{rules}:9:47: error: unknown function 'cout' (did you mean 'count'?)" in result.stderr
    assert not target.exists()


def test_unreadable_rules_exit_2(write_rules: Callable[..., Path]) -> None:
    rules = write_rules("")
    rules.write_bytes(b"\xff\xfe")
    result = cli("evaluate", "samples/", "-r", str(rules))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{rules}: error: not UTF-8 text")
    assert cli("evaluate", "samples/", "-r", "nowhere.rules").exit_code == 2


def test_empty_folder_is_a_problem(tmp_path: Path) -> None:
    result = cli("evaluate", str(tmp_path))
    assert result.exit_code == 1
    assert "no evidence documents found" in result.stderr


def test_default_as_of_is_today_and_recorded() -> None:
    import datetime

    result = cli("evaluate", "samples/4601-bergen.json", "-f", "json")
    assert json.loads(result.stdout)["as_of"] == datetime.date.today().isoformat()


# ---------------------------------------------------------------------------- check


def test_a_rule_set_from_a_pipe() -> None:
    """`check /dev/stdin` and `-r <(...)` read a rule set from a pipe. Regression: the top
    file was opened by its resolved path, which for a pipe (`/proc/.../pipe:[...]`) is none."""
    rules = (
        b'ruleset "T"\nlevels { 1 "a" 2 "b" }\n'
        b'factor f "F" { level 2 { criterion c "C" when x.y } }\n'
    )
    done = real("check", "--lang", "en", "/dev/stdin", stdin=rules)
    assert (done.returncode, done.stdout) == (
        0,
        "/dev/stdin: ok — 1 factors, 1 criteria, 0 lets, 1 file(s)\n",
    )
    done = real("evaluate", "samples/1151-utsira.json", "-r", "/dev/stdin", "-f", "csv",
                "--as-of", "2025-06-30", stdin=rules)  # fmt: skip
    assert done.returncode == 0, done.stderr
    # x.y is absent: f is 1 (proven), 2 at most; overall likewise; 0 of 1 criteria decided.
    assert done.stdout.splitlines()[1] == "samples/1151-utsira.json,1151,Utsira,1,1,2,2,0,1,,"


def test_check_the_default_rule_set() -> None:
    result = cli("check", "--lang", "en")
    assert result.exit_code == 0
    assert "ok — 6 factors, 56 criteria" in result.stdout


def test_check_five_mistakes(write_rules: Callable[..., Path]) -> None:
    rules = write_rules(
        HEADER
        + """\
let a = b + 1
let b = a * 2
factor economy "Økonomi" {
  level 2 {
    criterion budget "Budsjett" when cout(evidence.economy.instruments_used) >= 2
    criterion budget "Igjen" when evidence.economy.budget_nok > 0
  }
  level 6 {
    criterion text "Tekst" when "a" + 1 > 2
  }
}
"""
    )
    completed = real("check", "--lang", "en", str(rules))
    assert completed.returncode == 1
    errors = [line for line in completed.stderr.splitlines() if ": error: " in line]
    assert [e.split(": error: ")[0] for e in errors] == [
        f"{rules}:9:5",
        f"{rules}:13:38",
        f"{rules}:14:15",
        f"{rules}:16:9",
        f"{rules}:17:37",
    ]
    assert completed.stderr.count("^") >= 5
    assert completed.stdout == f"{rules}: 5 error(s), 0 warning(s)\n"


def test_check_warnings_and_strict(write_rules: Callable[..., Path]) -> None:
    rules = write_rules(
        HEADER + "let økonomi = evidence.economy\n"
        'factor f "F" { level 2 { criterion a "A" when økonmi.b > 0 } }\n'
    )
    result = cli("check", "--lang", "en", str(rules))
    assert result.exit_code == 0
    assert ": warning: 'økonmi' is not a let" in result.stderr
    assert cli("check", "--lang", "en", "--strict", str(rules)).exit_code == 1


def test_check_missing_file_exits_2_before_any_report(write_rules: Callable[..., Path]) -> None:
    good = write_rules(HEADER)
    result = cli("check", "--lang", "en", str(good), "nowhere.rules")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "nowhere.rules: error: no such rule file\n"


# ------------------------------------------------------------------------- validate


def test_validate_samples() -> None:
    result = cli("validate", "samples/")
    assert result.exit_code == 0
    assert (
        result.stdout == "9 dokument kontrollerte: 9 gyldige, 0 ikkje gyldige, 0 med åtvaringar\n"
    )
    assert result.stderr == ""
    verbose = cli("validate", "samples/", "-v")
    assert verbose.stdout.count(": gyldig\n") == 9  # nynorsk, the default
    assert verbose.stdout.endswith("9 gyldige, 0 ikkje gyldige, 0 med åtvaringar\n")
    quiet = cli("validate", "samples/", "-q")
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    both = cli("validate", "samples/", "-q", "-v")
    assert both.exit_code == 2
    assert "-q/--quiet and -v/--verbose exclude each other" in both.stderr


def test_validate_lists_every_violation_sorted_by_position(tmp_path: Path) -> None:
    doc = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    doc["evidence"]["strategy"]["action_plan"]["status"] = "gjeldande"
    doc["evidence"]["economy"]["budget_nkk"] = 5
    doc["municipality"]["number"] = 4601
    path = tmp_path / "doc.json"
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    path.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    number, status, budget = line_of('"number": 4601'), line_of("gjeldande"), line_of("nkk")
    result = cli("validate", str(path), "--lang", "en")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:{number}#/municipality/number: error: "
        "`municipality.number` must be a string; got 4601",
        f"{path}:{status}#/evidence/strategy/action_plan/status: error: "
        "`evidence.strategy.action_plan.status` must be one of none, outdated, current; got "
        '"gjeldande"',
        f"{path}:{budget}#/evidence/economy/budget_nkk: error: "
        "`evidence.economy.budget_nkk` is not a known key (did you mean 'budget_nok'?)",
    ]
    assert number < status < budget


def test_no_traceback_on_a_directory_as_rules(tmp_path: Path) -> None:
    completed = real("evaluate", "samples/", "-r", str(tmp_path))
    assert completed.returncode == 2
    assert "is a directory" in completed.stderr


def test_reports_follow_their_schema(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    from modenhet.resources import report_schema_path

    schema = json.loads(report_schema_path().read_text("utf-8"))
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    (tmp_path / "a.json").write_bytes((SAMPLES / "1820-alstahaug.json").read_bytes())
    (tmp_path / "b.json").write_text("{", encoding="utf-8")
    (tmp_path / "c.json").write_text('{"municipality": {"number": "1"}}', encoding="utf-8")
    for folder in ("samples/", str(tmp_path)):
        report = json.loads(cli("evaluate", folder, *AS_OF, "-f", "json").stdout)
        assert list(validator.iter_errors(report)) == []


def test_excel_csv(tmp_path: Path) -> None:
    target = tmp_path / "levels.csv"
    result = cli("evaluate", "samples/", *AS_OF, "-f", "csv", "--excel", "-o", str(target))
    assert result.exit_code == 0
    data = target.read_bytes()
    assert data.startswith("\ufeffKjelde;Kommunenummer;Kommune;Forankring og eigarskap;".encode())
    laerdal = modenhet.load_ruleset(modenhet.default_rules_path()).evaluate(
        json.loads((SAMPLES / "4642-laerdal.json").read_text("utf-8")), AS_OF_DATE
    )
    levels = "2;1;1;1;2;1;1;2;1;1;1;2;1;1"  # settled: the maxima are the levels
    decided = ";".join(map(str, laerdal.decided))
    row = f"samples/4642-laerdal.json;4642;Lærdal;{levels};{decided};;\r\n"
    assert row in data.decode("utf-8-sig")
    assert cli("evaluate", "samples/", "--excel").exit_code == 2  # only with -f csv


def test_progress_line_on_a_terminal_only(tmp_path: Path) -> None:
    import pty

    line = json.dumps(json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8")))
    path = tmp_path / "many.jsonl"
    path.write_text((line + "\n") * 3000, encoding="utf-8")
    primary, secondary = pty.openpty()
    # The line waits a second before it shows; 3,000 documents may take less than that now.
    code = (
        "import sys; from modenhet.cli.progress import Progress; Progress.DELAY = 0.0; "
        "from modenhet.cli import main; main(sys.argv[1:])"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code, "evaluate", str(path), "-f", "csv", *AS_OF],
        stdout=subprocess.PIPE,
        stderr=secondary,
        timeout=120,
        cwd=ROOT,
    )
    os.close(secondary)
    shown = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    assert completed.returncode == 0
    # In the reader's language (nynorsk by default).
    assert b"\rEvaluerte " in shown and b" dokument (0 med feil)" in shown
    piped = real("evaluate", str(path), "-f", "csv", *AS_OF)
    assert "Evaluerte" not in piped.stderr


def test_fail_under_is_a_level_of_the_rule_set_and_names_the_documents() -> None:
    for level in ("0", "6", "-1"):
        result = cli("evaluate", "samples/4601-bergen.json", *AS_OF, "--fail-under", level)
        assert result.exit_code == 2
        assert f"{level} is not one of the rule set's levels (1 to 5)" in result.stderr
        assert "Traceback" not in result.output
    result = cli("evaluate", "samples/", *AS_OF, "--fail-under", "2", "-f", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    below = [r["source"] for r in report["results"] if r.get("overall", 9) < 2]
    assert below
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"error: {len(below)} document(s) below --fail-under 2: ")
    for source in below:
        assert f"{source} (1)" in last


def test_as_of_names_what_is_wrong_with_the_date() -> None:
    cases = {
        "2025-02-30": "'2025-02-30' is not a real date: February 2025 has 28 days",
        "2024-02-30": "February 2024 has 29 days",
        "2025-13-01": "'2025-13-01' is not a real date: there is no month 13",
        "2025-2-3": "'2025-2-3' is not a date written YYYY-MM-DD",
        "30.06.2025": "is not a date written YYYY-MM-DD",
    }
    for value, message in cases.items():
        result = cli("evaluate", "samples/4601-bergen.json", "--as-of", value)
        assert result.exit_code == 2, value
        assert message in result.stderr, result.stderr
        assert "Traceback" not in result.output


def test_upper_case_suffix_and_a_report_among_the_evidence(tmp_path: Path) -> None:
    shutil.copy(SAMPLES / "1506-molde.json", tmp_path / "molde.JSON")
    first = cli("evaluate", str(tmp_path), *AS_OF, "-f", "json", "-o", str(tmp_path / "r.json"))
    assert first.exit_code == 0, first.stderr
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [r["source"] for r in report["results"]] == [str(tmp_path / "molde.JSON")]
    again = cli("evaluate", str(tmp_path), *AS_OF, "-f", "json")
    assert again.exit_code == 0, again.stderr
    assert (
        again.stderr
        == f"{tmp_path / 'r.json'}: warning: a modenhet report, not evidence; skipped\n"
    )
    assert len(json.loads(again.stdout)["results"]) == 1


def test_shell_completion_as_documented() -> None:
    """docs/cli.md and the README: `_MODENHET_COMPLETE` gives Click's completion (through
    the installed `modenhet` command, whose name the variable's is made from)."""
    command = [str(Path(sys.executable).parent / "modenhet")]
    env = {**os.environ, "_MODENHET_COMPLETE": "bash_source"}
    script = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert "_modenhet_completion()" in script.stdout
    env = {
        **os.environ,
        "_MODENHET_COMPLETE": "bash_complete",
        "COMP_WORDS": "modenhet evaluate --for",
        "COMP_CWORD": "2",
    }
    words = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert words.stdout.split() == ["plain,--format"]
    for text in (
        (ROOT / "README.md").read_text("utf-8"),
        (ROOT / "docs/cli.md").read_text("utf-8"),
    ):
        assert 'eval "$(_MODENHET_COMPLETE=bash_source modenhet)"' in text
