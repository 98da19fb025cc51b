"""End to end, as a user runs it: documents per second from a JSONL file to a JSON report,
beside the I/O floor measured in the same run, on one core and on all; and the peak memory of a
run by number of documents (evaluation streams: it must stay flat).

Every figure is a new process (`modenhet evaluate docs.jsonl -f json -o report.json`, the
installed script, from bytecode), timed on the wall clock with its start-up included, because
that is what a user waits for; the floor is `io_floor.py`, also a new process. This is part 5
of run.py; alone, for a rerun when the machine is quiet:

    python benchmarks/bench_batch.py [--documents N] [--rounds R] [--memory-documents N]
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bench_startup

from modenhet.evidence.reader import EvidenceItem
from modenhet.report.json_report import header, record
from modenhet.report.jsontext import ENCODER
from modenhet.run.outcome import Outcome, RunInfo

FLOOR = Path(__file__).with_name("io_floor.py")
FLOOR_TARGET = 3.0  # modenhet on one core within this many times the I/O floor
FLOOR_RECORDS = 100  # distinct results the floor writes over and over


@dataclass
class Run:
    seconds: float
    peak_kib: int  # the largest resident set of the process or any process it started
    output_bytes: int
    cpu_seconds: float = 0.0  # user and system time of the process and its workers


def write_jsonl(docs: list[Any], path: Path, copies: int = 1) -> None:
    with path.open("w", encoding="utf-8") as out:
        for _ in range(copies):
            for doc in docs:
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")


def floor_records(rs: Any, docs: list[Any], as_of: datetime.date, path: Path) -> None:
    """The header and the results of the first documents, as modenhet's report has them."""
    results = []
    for number, doc in enumerate(docs[:FLOOR_RECORDS], start=1):
        item = EvidenceItem(f"docs.jsonl:{number}", "0" * 64, doc)
        results.append(record(Outcome(item, rs.evaluate(doc, as_of), [])))
    head = header(RunInfo(rs, as_of, "0.1.0"))
    path.write_text(json.dumps([head, results], ensure_ascii=False), encoding="utf-8")


# Started by a small Python process, so the measured process is not forked from this one: a
# child forked from a process holding the documents would count their pages in its peak RSS.
MEASURE = """
import json, os, subprocess, sys, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
errors = process.stderr.read()
_, status, usage = os.wait4(process.pid, 0)
print(json.dumps({"seconds": time.perf_counter() - start, "peak_kib": usage.ru_maxrss,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime,
                  "status": os.waitstatus_to_exitcode(status),
                  "errors": errors[-500:].decode(errors="replace")}))
"""


def run(argv: list[str], environment: dict[str, str], output: Path | None) -> Run:
    """Wall time and peak memory of one new process (its workers included, through wait4)."""
    done = subprocess.run([sys.executable, "-c", MEASURE, *argv], capture_output=True,
                          env=environment, check=True)  # fmt: skip
    result = json.loads(done.stdout)
    if result["status"] != 0:
        raise RuntimeError(f"{argv[:3]} exited with {result['status']}: {result['errors']}")
    size = output.stat().st_size if output is not None else 0
    return Run(result["seconds"], result["peak_kib"], size, result["cpu_seconds"])


def throughput(rs: Any, docs: list[Any], as_of: datetime.date, rounds: int,
               folder: Path) -> dict[str, Run]:  # fmt: skip
    """Best of `rounds` interleaved rounds: the floor, one process, one process per CPU."""
    environment = bench_startup.as_installed()
    command, python = bench_startup.modenhet_command()
    source, records = folder / "docs.jsonl", folder / "records.json"
    write_jsonl(docs, source)
    floor_records(rs, docs, as_of, records)
    report = folder / "report.json"
    evaluate = [*command, "evaluate", str(source), "-f", "json", "-o", str(report),
                "--as-of", as_of.isoformat()]  # fmt: skip
    cases = {
        # The floor written with the encoder modenhet's report uses (orjson when installed).
        "floor": [python, str(FLOOR), str(source), str(records), str(report), ENCODER],
        "one": [*evaluate, "--jobs", "1"],
        "all": [*evaluate, "--jobs", "auto"],
    }
    best: dict[str, Run] = {}
    for _ in range(rounds):
        for name, argv in cases.items():
            done = run(argv, environment, report)
            if name not in best or done.seconds < best[name].seconds:
                best[name] = done
    report.unlink()
    return best


def memory(docs: list[Any], as_of: datetime.date, sizes: list[int],
           folder: Path) -> dict[int, Run]:  # fmt: skip
    """Peak RSS of one process evaluating n documents to a JSON report (on standard output,
    sent to /dev/null, so gigabytes of report need no disk), for each n of `sizes`."""
    environment = bench_startup.as_installed()
    command, _ = bench_startup.modenhet_command()
    found: dict[int, Run] = {}
    for size in sizes:
        source = folder / f"memory-{size}.jsonl"
        copies, rest = divmod(size, len(docs))
        write_jsonl(docs, source, copies)
        with source.open("a", encoding="utf-8") as out:
            for doc in docs[:rest]:
                out.write(json.dumps(doc, ensure_ascii=False) + "\n")
        argv = [*command, "evaluate", str(source), "-f", "json", "--jobs", "1",
                "--as-of", as_of.isoformat()]  # fmt: skip
        found[size] = run(argv, environment, None)
        source.unlink()
    return found


def cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def table(best: dict[str, Run], count: int, rounds: int, peaks: dict[int, Run]) -> str:
    from tabulate import tabulate

    floor = best["floor"].seconds
    rows = []
    labels = {
        "floor": (
            f"I/O floor: json.loads each line, {ENCODER} indented (the report's encoder) each "
            "result",
            1,
        ),
        "one": ("modenhet evaluate docs.jsonl -f json -o report.json", 1),
        "all": ("modenhet evaluate ... --jobs auto", cpus()),
    }
    for name, (label, processes) in labels.items():
        done = best[name]
        ratio = done.seconds / floor
        target = ""
        if name == "one":
            target = f"≤ {FLOOR_TARGET:g}× floor: " + (
                "met" if ratio <= FLOOR_TARGET else "NOT met"
            )
        rows.append([label, processes, f"{done.seconds:.2f} s", f"{count / done.seconds:,.0f}",
                     f"{done.cpu_seconds:.2f} s", f"{count / done.cpu_seconds:,.0f}",
                     f"{done.output_bytes / 1e6:,.0f} MB", f"{ratio:.2f}×", target])  # fmt: skip
    lines = [
        f"End to end, {count:,} documents from a JSONL file to a JSON report, a new process each "
        f"time (start-up included), best of {rounds} interleaved rounds:",
        tabulate(
            rows,
            headers=[
                "run",
                "processes",
                "wall",
                "docs/s",
                "CPU",
                "docs/CPU-s",
                "report",
                "× floor",
                "target",
            ],
            disable_numparse=True,
        ),  # fmt: skip
        "CPU: user and system time of the process and its workers; with other work on the "
        "machine, the wall time of several processes says less than their CPU time.",
        "",
        "Peak memory of one process (--jobs 1, -f json; the first run above, the larger one to "
        "/dev/null), by number of documents:",
    ]
    rows = [[f"{size:,}", f"{done.peak_kib / 1024:,.0f} MiB", f"{done.seconds:.1f} s",
             f"{size / done.seconds:,.0f}"] for size, done in peaks.items()]  # fmt: skip
    lines.append(tabulate(rows, headers=["documents", "peak RSS", "wall", "docs/s"],
                          disable_numparse=True))  # fmt: skip
    sizes = sorted(peaks)
    growth = peaks[sizes[-1]].peak_kib / peaks[sizes[0]].peak_kib
    lines.append(f"Memory at {sizes[-1]:,} documents is {growth:.2f}× that at {sizes[0]:,}: "
                 + ("flat (streaming)." if growth < 1.25 else "NOT flat."))  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """This part of run.py alone, for a rerun when the machine is quiet."""
    import argparse
    import tempfile

    import bench_evaluate as bench

    import modenhet

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000, metavar="N")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--memory-documents", type=int, default=100_000, metavar="N")
    parser.add_argument("--seed", type=int, default=20250630)
    args = parser.parse_args(argv)
    rs = modenhet.load_ruleset(bench.RULES)
    docs = bench.EvidenceGenerator(args.seed, bench.AS_OF).documents(args.documents)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with tempfile.TemporaryDirectory(prefix="modenhet-batch-") as folder:
        best = throughput(rs, docs, bench.AS_OF, args.rounds, Path(folder))
        peaks = {len(docs): best["one"]}
        peaks.update(memory(docs, bench.AS_OF, [args.memory_documents], Path(folder)))
    after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{cpus()} cores; load average (1 min) {load:.2f} at the start, {after:.2f} at the end")
    print(table(best, len(docs), args.rounds, peaks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
