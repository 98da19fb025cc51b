"""The Python API as a notebook uses it: results that pickle and turn into the JSON report's
shape, a rule set that pickles and says what it is, and `write_report` for every format."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

import modenhet
from modenhet.cli import main

from conftest import AS_OF, RULES, SAMPLES

SAMPLE_FILES = sorted(SAMPLES.glob("*.json")) + sorted((SAMPLES / "partial").glob("*.json"))


@pytest.fixture(scope="module")
def ruleset() -> modenhet.RuleSet:
    return modenhet.load_ruleset(RULES)


def report_entries(path: Path) -> list[dict[str, object]]:
    result = CliRunner().invoke(
        main, ["evaluate", str(path), "--as-of", AS_OF.isoformat(), "-f", "json"]
    )
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["results"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: p.name)
def test_to_dict_is_the_json_report_entry_and_pickle_round_trips(
    ruleset: modenhet.RuleSet, path: Path
) -> None:
    evaluation = ruleset.evaluate(json.loads(path.read_text("utf-8")), AS_OF)
    (entry,) = report_entries(path)
    expected = {k: v for k, v in entry.items() if k not in ("source", "sha256", "municipality")}
    assert evaluation.to_dict() == expected
    copy = pickle.loads(pickle.dumps(evaluation))
    assert isinstance(copy, modenhet.Evaluation)
    assert copy.to_dict() == expected
    assert repr(copy) == repr(evaluation)
    # Each factor and criterion of the copy too, and its list of what to collect.
    for factor_id, factor in evaluation.factors.items():
        assert pickle.loads(pickle.dumps(factor)).to_dict() == factor.to_dict()
        assert copy.factors[factor_id].to_collect() == factor.to_collect()
        for criterion in factor.criteria:
            assert pickle.loads(pickle.dumps(criterion)).to_dict() == criterion.to_dict()


def test_results_are_frozen(ruleset: modenhet.RuleSet) -> None:
    doc = json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8"))
    evaluation = ruleset.evaluate(doc, AS_OF)
    factor = next(iter(evaluation.factors.values()))
    criterion = factor.criteria[0]
    for obj, name in ((evaluation, "overall"), (factor, "level"), (criterion, "status")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(obj, name, 5)
        with pytest.raises(dataclasses.FrozenInstanceError):
            delattr(obj, name)
        with pytest.raises(AttributeError):
            obj.something_new = 1
    assert evaluation.overall == ruleset.evaluate(doc, AS_OF).overall


def test_ruleset_pickles_and_compiles_again(ruleset: modenhet.RuleSet) -> None:
    copy = pickle.loads(pickle.dumps(ruleset))
    assert copy is not ruleset
    assert copy.generated_source == ruleset.generated_source
    assert (copy.name, copy.version, copy.sha256) == (ruleset.name, ruleset.version, ruleset.sha256)
    for path in SAMPLE_FILES:
        doc = json.loads(path.read_text("utf-8"))
        assert copy.evaluate(doc, AS_OF).to_dict() == ruleset.evaluate(doc, AS_OF).to_dict()


def test_ruleset_repr_says_what_it_is(ruleset: modenhet.RuleSet) -> None:
    text = repr(ruleset)
    factors, criteria = len(ruleset.factors), len(ruleset.model.criteria)
    assert text.startswith(f"<RuleSet {ruleset.name!r}")
    assert f"{factors} factors" in text and f"{criteria} criteria" in text
    if ruleset.version:
        assert ruleset.version in text


@pytest.mark.parametrize("format_", ["table", "json", "jsonl", "csv", "markdown", "html"])
def test_write_report_matches_the_command_line(ruleset: modenhet.RuleSet, format_: str) -> None:
    path = SAMPLES / "1820-alstahaug.json"
    evaluation = ruleset.evaluate(json.loads(path.read_text("utf-8")), AS_OF)
    out = io.StringIO()
    modenhet.write_report({"alstahaug": evaluation}, format_, out)
    text = out.getvalue()
    assert text
    if format_ == "json":
        report = json.loads(text)
        (entry,) = report["results"]
        assert entry["source"] == "alstahaug"
        assert {
            k: v for k, v in entry.items() if k not in ("source", "sha256", "municipality")
        } == (evaluation.to_dict())
        assert report["ruleset"]["sha256"] == ruleset.sha256
        assert report["as_of"] == AS_OF.isoformat()
    if format_ == "table":
        assert "alstahaug" in text


def test_write_report_xlsx_to_a_binary_file(ruleset: modenhet.RuleSet, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = SAMPLES / "1820-alstahaug.json"
    evaluation = ruleset.evaluate(json.loads(path.read_text("utf-8")), AS_OF)
    binary = io.BytesIO()
    modenhet.write_report({"alstahaug": evaluation}, "xlsx", binary)
    assert binary.getvalue().startswith(b"PK")
    with open(tmp_path / "r.xlsx", "w", encoding="utf-8") as text_file:
        modenhet.write_report({"alstahaug": evaluation}, "xlsx", text_file)
    assert (tmp_path / "r.xlsx").read_bytes().startswith(b"PK")
    assert load_workbook(tmp_path / "r.xlsx").sheetnames


def test_write_report_refuses_what_it_cannot_write(ruleset: modenhet.RuleSet) -> None:
    evaluation = ruleset.evaluate(
        json.loads((SAMPLES / "1820-alstahaug.json").read_text("utf-8")), AS_OF
    )
    with pytest.raises(ValueError, match="unknown format 'pdf'"):
        modenhet.write_report([evaluation], "pdf", io.StringIO())
    with pytest.raises(ValueError, match="no evaluations"):
        modenhet.write_report([], "json", io.StringIO())
