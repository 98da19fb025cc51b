"""`evaluate --jobs N`: the same report, byte for byte, the same error lines and the same exit
status as in one process, for every format, from folders, JSONL files and standard input.

In-process runs through CliRunner start the workers after the first document (`batch.WARM_UP`
is zero) and lower the chunk size, so a handful of documents crosses chunk boundaries in several
workers; real subprocesses take a JSONL long enough to outlast the warm-up, as it comes.
"""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from modenhet.cli import main
from modenhet.evidence.reader import Pending, iter_sources
from modenhet.report import REPORTERS, record_renderer
from modenhet.run import batch

from conftest import RULES, SAMPLES

AS_OF = ["--as-of", "2025-06-30"]
NEGATIVE = Path(__file__).parent / "evidence_negative"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Processes after the first document, three documents a chunk; records each pool's jobs."""
    monkeypatch.setattr(batch, "WARM_UP", 0.0)
    monkeypatch.setattr(batch, "CHUNK", 3)
    pools: list[int] = []
    in_pool = batch._in_pool

    def counted(*arguments: Any) -> Iterator[batch.Done]:
        pools.append(arguments[-1])
        return in_pool(*arguments)

    monkeypatch.setattr(batch, "_in_pool", counted)
    return pools


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The samples and the negative corpus in one folder: good and broken documents by name,
    a JSONL file with a broken line among them."""
    folder = tmp_path_factory.mktemp("mixed")
    for path in [*SAMPLES.glob("*.json"), *NEGATIVE.iterdir()]:
        shutil.copy(path, folder / path.name)
    return folder


def cli(*arguments: str, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(main, list(arguments), input=stdin)


def same(results: list[Result]) -> None:
    first = results[0]
    for other in results[1:]:
        assert other.stdout_bytes == first.stdout_bytes
        assert other.stderr_bytes == first.stderr_bytes
        assert other.exit_code == first.exit_code


@pytest.mark.parametrize("report_format", list(REPORTERS))
def test_every_format_is_the_same_with_1_2_and_3_jobs(
    report_format: str, mixed: Path, pooled: list[int]
) -> None:
    runs = [cli("evaluate", str(mixed), "-f", report_format, "-j", jobs, *AS_OF)
            for jobs in ("1", "2", "3")]  # fmt: skip
    assert pooled == [2, 3]
    assert runs[0].exit_code == 1  # the broken documents
    assert "01-duplicate-key.json:69#/evidence/economy/budget_nok: error:" in runs[0].stderr
    assert "19-jsonl-broken-line.jsonl:3: error: not valid JSON" in runs[0].stderr
    same(runs)


@pytest.mark.parametrize("report_format", ["table", "markdown", "html", "json"])
def test_one_document_in_a_worker_reports_its_every_criterion(
    report_format: str, pooled: list[int]
) -> None:
    """A single document's table lists its gaps with missing paths: the settled evaluation
    carries them (Alstahaug has unknown criteria)."""
    sample = str(SAMPLES / "1820-alstahaug.json")
    runs = [cli("evaluate", sample, "-f", report_format, "-j", jobs, *AS_OF)
            for jobs in ("1", "2")]  # fmt: skip
    assert pooled == [2]
    assert runs[0].exit_code == 0
    assert "evidence.economy.housing_social_fte" in runs[0].stdout
    same(runs)


@pytest.mark.parametrize("report_format", ["html", "table"])
def test_partly_known_paths_survive_a_worker(
    report_format: str, pooled: list[int], tmp_path: Path
) -> None:
    """Which missing paths are partly known (spec 9.3) is settled in the worker and reported
    as in one process: Bergen with only startlån known among its instruments has one unknown
    criterion (rental_housing_grants), and its one path to collect is partly known."""
    bergen = json.loads((SAMPLES / "4601-bergen.json").read_text("utf-8"))
    bergen["evidence"]["economy"]["instruments_used"] = {"at_least": ["startlan"]}
    source = tmp_path / "bergen-partial.json"
    source.write_text(json.dumps(bergen, ensure_ascii=False), encoding="utf-8")
    runs = [cli("evaluate", str(source), "-f", report_format, "-j", jobs, *AS_OF)
            for jobs in ("1", "2")]  # fmt: skip
    assert pooled == [2]
    assert runs[0].exit_code == 0, runs[0].stderr
    assert "delvis kjend" in runs[0].stdout
    same(runs)


def test_partly_known_paths_are_settled(tmp_path: Path) -> None:
    from modenhet import load_ruleset
    from modenhet.results import Evaluation

    rs = load_ruleset(RULES)
    doc = json.loads((SAMPLES / "partial" / "4204-kristiansand.json").read_text("utf-8"))
    evaluation = rs.evaluate(doc, as_of=datetime.date(2025, 6, 30))
    index = next(c.index for c in rs.model.criteria if c.id == "rental_housing_grants")
    assert evaluation.partly_known(index) == {"evidence.economy.instruments_used"}
    settled = Evaluation.from_settled(rs.model, evaluation.settle())
    assert settled.partly_known(index) == {"evidence.economy.instruments_used"}
    other = next(c.index for c in rs.model.criteria if c.id == "in_economic_plan")
    assert settled.partly_known(other) == frozenset()  # absent, not partial


def jsonl(count: int) -> bytes:
    """`count` lines: the samples over and over, with a broken line, an invalid document and a
    line that is not UTF-8 now and then."""
    documents = [
        json.dumps(json.loads(p.read_text("utf-8"))) for p in sorted(SAMPLES.glob("*.json"))
    ]
    lines = []
    for number in range(count):
        if number % 97 == 5:
            lines.append(b'{"municipality": ')
        elif number % 89 == 7:
            lines.append(documents[0].replace('"number": "', '"number": "x', 1).encode())
        elif number % 101 == 9:
            lines.append(b'{"municipality": {"number": "4601", "name": "B\xe6rgen"}}')
        else:
            lines.append(documents[number % len(documents)].encode())
    return b"\n".join(lines) + b"\n"


@pytest.mark.parametrize("report_format", ["json", "csv", "table"])
def test_jsonl_on_standard_input(report_format: str, pooled: list[int]) -> None:
    data = jsonl(40)
    runs = [cli("evaluate", "-", "-f", report_format, "-j", jobs, *AS_OF, stdin=data)
            for jobs in ("1", "2", "3")]  # fmt: skip
    assert pooled == [2, 3]
    assert runs[0].exit_code == 1
    assert "-:6: error: not valid JSON" in runs[0].stderr
    same(runs)


def test_fail_under_counts_the_same(mixed: Path, pooled: list[int]) -> None:
    runs = [cli("evaluate", str(SAMPLES), "-f", "csv", "--fail-under", "3", "-j", jobs, *AS_OF)
            for jobs in ("1", "2")]  # fmt: skip
    assert runs[0].exit_code == 1
    # samples/README.md: Utsira, Alstahaug, Lærdal at 1, Tynset and Drammen at 2.
    assert "error: 5 document(s) below --fail-under 3" in runs[0].stderr
    same(runs)


def modenhet(*arguments: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "modenhet", *arguments], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=300, check=False)  # fmt: skip


def test_real_processes_on_a_large_jsonl_from_standard_input() -> None:
    """Long enough (about 1.5 s in one process here) for the workers to take over."""
    data = jsonl(2_000)
    runs = [modenhet("evaluate", "-", "-f", "json", "-j", jobs, *AS_OF, stdin=data)
            for jobs in ("1", "3")]  # fmt: skip
    first = runs[0]
    assert first.returncode == 1
    assert first.stderr.count(b": error: ") > 35
    for other in runs[1:]:
        assert other.stdout == first.stdout
        assert other.stderr == first.stderr
        assert other.returncode == first.returncode


def test_real_processes_write_the_same_file(tmp_path: Path) -> None:
    source = tmp_path / "all.jsonl"
    source.write_bytes(jsonl(2_000))
    reports = []
    for jobs in ("1", "auto"):
        target = tmp_path / f"report-{jobs}.json"
        done = modenhet(
            "evaluate", str(source), "-f", "json", "-o", str(target), "-j", jobs, *AS_OF
        )
        assert done.returncode == 1
        reports.append(target.read_bytes())
    assert reports[0] == reports[1]
    assert len(json.loads(reports[0])["results"]) == 2_000


@pytest.mark.parametrize("value", ["0", "-1", "two", "", "1.5"])
def test_a_bad_number_of_jobs_is_a_usage_error(value: str) -> None:
    result = cli("evaluate", str(SAMPLES), "--jobs", value)
    assert result.exit_code == 2
    assert "Invalid value for '-j' / '--jobs'" in result.stderr
    assert "give 1 or more" in result.stderr
    assert result.stdout == ""


def test_auto_is_one_job_per_cpu() -> None:
    assert batch.cpu_count() >= 1
    result = cli("evaluate", str(SAMPLES), "-j", "auto", "-f", "csv", *AS_OF)
    assert result.exit_code == 0


def test_memory_stays_flat_the_main_process_reads_only_a_few_chunks_ahead(
    pooled: list[int],
) -> None:
    """With two jobs at most four chunks are in flight: the first document from a worker (the
    second, after the warm-up's one) comes back before the input has been read much further."""
    ruleset = batch.load_ruleset(RULES)
    read = 0

    def sources() -> Iterator[Pending]:
        nonlocal read
        for number in range(200):
            read += 1
            yield Pending(f"-:{number + 1}", b'{"municipality": {"number": "4601", "name": '
                          b'"Bergen"}}', number + 1)  # fmt: skip

    plan = plan_for(ruleset)
    done = batch.run_batch(ruleset, sources(), plan, jobs=2)
    first, second = next(done), next(done)
    assert (first.source, second.source) == ("-:1", "-:2") and not second.failed
    assert read <= 1 + 4 * batch.CHUNK
    rest = list(done)
    assert [d.source for d in rest] == [f"-:{n}" for n in range(3, 201)]


def plan_for(ruleset: Any, **changes: Any) -> batch.Plan:
    fields = {"rules": str(RULES), "sha256": ruleset.sha256, "schema": ruleset.schema,
              "as_of": datetime.date(2025, 6, 30), "validate": True, "limit": 1 << 20,
              "render": record_renderer("csv"), "version": "0", "lang": "nn",
              "excel": False}  # fmt: skip
    return batch.Plan(**{**fields, **changes})


def test_a_rule_set_that_changed_on_disk_stops_the_run(pooled: list[int]) -> None:
    ruleset = batch.load_ruleset(RULES)
    plan = plan_for(ruleset, sha256="0" * 64)
    sources = iter_sources([str(SAMPLES / "4601-bergen.json")] * 3)  # the first in-process
    with pytest.raises(batch.BatchError, match="changed during the run"):
        list(batch.run_batch(ruleset, sources, plan, jobs=2))


@pytest.mark.parametrize("report_format", ["table", "html", "json"])
def test_a_criterion_in_error_keeps_its_message_from_a_worker(
    report_format: str, pooled: list[int], write_rules: Any, tmp_path: Path
) -> None:
    rules = write_rules(
        """
        factor economy "Økonomi" {
          level 2 {
            criterion per_head "Budsjett per innbyggjar" when evidence.budget / evidence.people > 10
            criterion known "Folketal kjent" when evidence.people >= 0
          }
        }
        """,
        header=True,
    )
    document = tmp_path / "zero.json"
    document.write_text('{"evidence": {"budget": 5, "people": 0}}', encoding="utf-8")
    runs = [cli("evaluate", str(document), "-r", str(rules), "-f", report_format, "-j", jobs,
                *AS_OF) for jobs in ("1", "2")]  # fmt: skip
    assert pooled == [2]
    assert "division by zero" in runs[0].stdout
    same(runs)
