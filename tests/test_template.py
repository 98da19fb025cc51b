"""Templates and the schema for the people who fill them in, and the schema as a reusable
artefact: validated by an independent client, documented field by field."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

import modenhet
from modenhet.cli import main
from modenhet.evidence.schemawalk import markdown

from conftest import AS_OF, ROOT, SAMPLES

SCHEMA = ROOT / "schemas" / "evidence.schema.json"


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "modenhet", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_template_piped_into_validate() -> None:
    template = run("template", "--municipality", "4601")
    assert template.returncode == 0
    validated = run("validate", "-v", "--lang", "en", "-", stdin=template.stdout)
    assert validated.returncode == 0, validated.stderr
    assert validated.stdout.splitlines()[0] == "-: valid"
    document = json.loads(template.stdout)
    assert document["municipality"] == {"number": "4601", "name": "Bergen", "population": None}


def leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in leaves(item)]
    return [value]


def test_template_has_every_field_null_and_evaluates_to_the_floor() -> None:
    template = json.loads(CliRunner().invoke(main, ["template", "-m", "4601"]).stdout)
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    assert set(template["evidence"]) == set(ruleset.schema["properties"]["evidence"]["properties"])
    assert all(leaf is None for leaf in leaves(template["evidence"]))
    result = ruleset.evaluate(template, as_of=AS_OF)
    assert result.overall == 1 and set(result.levels) == {1}
    statuses = {c.status for f in result.factors.values() for c in f.criteria}
    assert statuses == {"unknown"}  # nothing known, so nothing decided: 1–5 everywhere
    assert (result.overall_max, set(result.levels_max)) == (5, {5})
    assert result.decided == (0, len(ruleset.model.criteria))


def test_a_filled_in_template_evaluates_as_the_sample() -> None:
    """Bergen's sample copied field by field into the template gives Bergen's levels."""
    template = json.loads(CliRunner().invoke(main, ["template", "-m", "4601"]).stdout)
    bergen = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    filled = copy.deepcopy(template)
    for factor, fields in bergen["evidence"].items():
        filled["evidence"][factor].update(fields)
    filled["sources"] = bergen["sources"]  # the fields' source_ids name them
    ruleset = modenhet.load_ruleset(modenhet.default_rules_path())
    assert ruleset.validate(filled) == []
    assert ruleset.evaluate(filled, as_of=AS_OF).levels == (5, 5, 5, 5, 5, 5)


def test_template_of_an_unknown_municipality() -> None:
    result = CliRunner().invoke(main, ["template", "-m", "4699", "--lang", "en"])
    assert result.exit_code == 2
    assert "--municipality 4699: error: not one of the 357 municipalities of 2024" in result.stderr
    nynorsk = CliRunner().invoke(main, ["template", "-m", "4699"])
    assert nynorsk.exit_code == 2
    assert "--municipality 4699: feil: ikkje ein av dei 357 kommunane i 2024" in nynorsk.stderr


def test_schema_command_prints_the_packaged_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert json.loads(result.stdout) == json.loads(SCHEMA.read_text("utf-8"))
    report = json.loads(CliRunner().invoke(main, ["schema", "--report"]).stdout)
    assert report["$id"].endswith("report.schema.json")


def test_the_schemas_pass_the_2020_12_meta_schema() -> None:
    for name in ("evidence.schema.json", "report.schema.json"):
        Draft202012Validator.check_schema(json.loads((ROOT / "schemas" / name).read_text("utf-8")))


def titled(schema: Any) -> list[str]:
    """Paths of properties that lack a Norwegian title or description."""
    missing = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, child in node.get("properties", {}).items():
                if isinstance(child, dict) and not (
                    child.get("title") and child.get("description")
                ):
                    missing.append(f"{path}.{key}")
            for key, child in node.items():
                walk(child, f"{path}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)

    walk(schema, "")
    return missing


def test_every_property_has_a_title_and_a_description() -> None:
    assert titled(json.loads(SCHEMA.read_text("utf-8"))) == []


def test_docs_evidence_md_is_current() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    assert (ROOT / "docs" / "evidence.md").read_text("utf-8") == markdown(schema), (
        "run: modenhet schema --format markdown > docs/evidence.md"
    )


@pytest.fixture(scope="module")
def check_jsonschema() -> str:
    found = shutil.which("check-jsonschema") or str(
        Path(sys.executable).parent / "check-jsonschema"
    )
    assert Path(found).exists(), "check-jsonschema is a test dependency: pip install '.[test]'"
    return found


def test_an_independent_client_accepts_the_samples(check_jsonschema: str) -> None:
    completed = subprocess.run(
        [check_jsonschema, "--schemafile", str(SCHEMA), *map(str, sorted(SAMPLES.glob("*.json")))],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


@pytest.mark.parametrize(
    "name",
    [
        "09-misspelt-key.json",
        "10-enum.json",
        "11-wrong-type.json",
        "12-date-form.json",
        "15-missing-name.json",
        "16-number-form.json",
        "17-share-above-one.json",
        "20-negative-amount.json",
    ],
)
def test_an_independent_client_rejects_the_negative_examples(
    check_jsonschema: str, name: str
) -> None:
    path = ROOT / "tests" / "evidence_negative" / name
    completed = subprocess.run(
        [check_jsonschema, "--schemafile", str(SCHEMA), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stdout


def test_validate_json_format(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "evidence_negative" / "10-enum.json"
    result = CliRunner().invoke(
        main, ["validate", str(SAMPLES / "4601-bergen.json"), str(bad), "-f", "json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["valid"] is False
    good, wrong = report["documents"]
    assert good == {"source": str(SAMPLES / "4601-bergen.json"), "valid": True, "problems": []}
    assert wrong["problems"] == [
        {
            "pointer": "/evidence/strategy/action_plan/status",
            "line": 27,
            "column": 19,
            "severity": "error",
            "message": "`evidence.strategy.action_plan.status` must be one of none, outdated, "
            'current; got "gjeldande"',
        }
    ]


def test_max_bytes(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["validate", str(SAMPLES / "4601-bergen.json"), "--max-bytes", "100", "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "the limit is 100 (raise it with --max-bytes)" in result.stderr


def test_municipality_name_warning_does_not_stop_evaluation(tmp_path: Path) -> None:
    document = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    document["municipality"]["name"] = "Bjørgvin"
    path = tmp_path / "bergen.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["evaluate", str(path), "--as-of", "2025-06-30", "-f", "json"]
    )
    assert result.exit_code == 0
    assert (
        f'{path}:1#/municipality/name: warning: `municipality.name` is "Bjørgvin", but '
        "municipality 4601 is Bergen in SSB's list"
    ) in result.stderr
    assert json.loads(result.stdout)["results"][0]["overall"] == 5
