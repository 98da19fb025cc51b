"""The whole benchmark suite in one run, printed as one table and two short ones.

1. modenhet against the hand-written evaluation (bench_evaluate.py), levels and full result;
2. the peers: the same 52 criteria, for levels, in other Python rule engines (peers/), each of
   which must give modenhet's levels and overall on every document before anything is timed;
3. parse-and-check of the default rule set and of one 50 times larger;
4. cold start of the command line beside Python importing its dependencies;
5. end to end: documents per second from a JSONL file to a JSON report, on one core and on
   all, beside the I/O floor; peak memory by number of documents (bench_batch.py).

    cd /work/main && python benchmarks/run.py            # about 6 minutes on 2 cores
    python benchmarks/run.py --quick                     # under a minute
    pip install -r benchmarks/requirements.txt           # the peers (a missing one is skipped)

Exit status: 0 when everything agrees (whether or not the targets are met), 1 on the first
disagreement (engine against hand-written, or a peer against modenhet), 2 when a generated
document does not follow the evidence schema.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

import bench_batch
import bench_evaluate as bench
import bench_peers
import bench_startup
from tabulate import tabulate

import modenhet

# The reference figures for two peers, as multiples of the hand-written levels.
PEER_REFERENCE = {"JsonLogic": 16.0, "Rego": 140.0}
PARSE_TARGET = 1.0  # seconds to parse and check the rule set 50 times larger
COLD_TARGET = 1.5  # --version against `import click`, evaluate against importing the four


def load_average() -> str:
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:  # not on every platform
        return "?"


def progress(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def µs(seconds: float) -> str:
    return f"{seconds * 1e6:,.2f}" if seconds < 1e-3 else f"{seconds * 1e6:,.0f}"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:,.1f} ms"


def times(ratio: float) -> str:
    return f"{ratio:,.2f}×" if ratio < 10 else f"{ratio:,.0f}×"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="a short run: fewer documents, rounds and repetitions"
    )
    parser.add_argument(
        "--documents",
        type=int,
        metavar="N",
        help="documents for modenhet and hand-written (default 10000; quick 2000)",
    )
    parser.add_argument(
        "--peer-documents",
        type=int,
        metavar="N",
        help="of those, the first N are timed with the peers (default 1000; "
        "quick 200); every one is checked",
    )
    parser.add_argument(
        "--rounds", type=int, help="timing rounds; the best counts (default 5; quick 2)"
    )
    parser.add_argument(
        "--peer-rounds",
        type=int,
        help="timing rounds for the peers, whose passes take seconds (default 3; quick 2)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="repetitions of loading and of each cold start; the best counts (default 10; quick 3)",
    )
    parser.add_argument(
        "--copies",
        type=int,
        default=50,
        help="copies of each factor in the large rule set (default 50)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=2,
        help="processes for the peers' agreement check (default 2)",
    )
    parser.add_argument(
        "--batch-rounds",
        type=int,
        help="rounds of the end-to-end runs, each a new process (default 2; quick 1)",
    )
    parser.add_argument(
        "--memory-documents",
        type=int,
        metavar="N",
        help="the large run of the memory measurement (default 100000; quick 20000)",
    )
    parser.add_argument("--seed", type=int, default=20250630, help="random seed")
    parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=bench.AS_OF,
                        help="the evaluation date (default 2025-06-30)")  # fmt: skip
    args = parser.parse_args(argv)
    quick = args.quick
    args.documents = args.documents or (2_000 if quick else 10_000)
    args.peer_documents = min(args.peer_documents or (200 if quick else 1_000), args.documents)
    args.rounds = args.rounds or (2 if quick else 5)
    args.peer_rounds = args.peer_rounds or (2 if quick else 3)
    args.repeat = args.repeat or (3 if quick else 10)
    args.batch_rounds = args.batch_rounds or (1 if quick else 2)
    args.memory_documents = args.memory_documents or (20_000 if quick else 100_000)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    as_of: datetime.date = args.as_of
    started = time.perf_counter()
    load_before = load_average()

    # -- loading and parse-and-check first: later, the documents in memory slow the collector
    first_load, best_load = bench.load_times(args.repeat)
    rs = modenhet.load_ruleset(bench.RULES)
    large_repeat = max(1, args.repeat // 2)
    progress(f"parse and check: the default rule set and one with {args.copies} copies")
    with tempfile.TemporaryDirectory(prefix="modenhet-bench-") as folder:
        large, _ = bench_startup.large_ruleset(Path(folder), args.copies)
        loading = {
            bench.RULES.name: bench_startup.load_seconds(bench.RULES, args.repeat),
            f"{bench.RULES.stem} × {args.copies}": bench_startup.load_seconds(large, large_repeat),
        }

    # -- modenhet against the hand-written code, as bench_evaluate.py does
    progress(f"generating {args.documents} documents and the edge batches")
    workload = bench.make_workload(args.documents, args.seed, as_of)
    problem = bench.schema_problem(workload)
    if problem is not None:
        print(problem)
        return 2
    progress("checking modenhet against the hand-written evaluation")
    start = time.perf_counter()
    checked = bench.check_agreement(rs, workload.batches)
    engine_check = time.perf_counter() - start

    # -- the peers: agreement on every document first
    peers, missing = bench_peers.split_peers()
    peer_check = 0.0
    if peers:
        progress(f"checking {', '.join(p.name for p in peers)} against modenhet "
                 f"({args.workers} processes)")  # fmt: skip
        peer_check = bench_peers.check_peers(rs, peers, workload.batches, args.workers)

    # -- timing
    docs = workload.docs
    progress(f"timing modenhet and hand-written: {args.rounds} rounds over {len(docs)} documents")
    best = bench.time_passes(rs, docs, as_of, args.rounds)
    subset = docs[: args.peer_documents]
    peer_best: dict[str, float] = {}
    if peers:
        progress(f"timing the peers: {args.peer_rounds} rounds over {len(subset)} documents")
        passes = {"hand levels": bench.hand_levels_pass, "engine levels": bench.engine_levels_pass}
        for peer in peers:
            passes[peer.name] = bench_peers.peer_pass(peer.build(as_of))
        peer_best = bench.time_passes(
            rs, subset, as_of, args.peer_rounds, passes, same=[list(passes)]
        )

    # -- cold start
    progress(f"cold start: best of {args.repeat}")
    commands = bench_startup.cold_start_commands(bench_startup.default_sample())
    cold = bench_startup.cold_start(commands, args.repeat)

    # -- end to end: JSONL to a JSON report, one core and all, the floor; memory by size
    progress(f"end to end: {len(docs)} documents to a JSON report, best of {args.batch_rounds}")
    with tempfile.TemporaryDirectory(prefix="modenhet-batch-") as folder:
        batch = bench_batch.throughput(rs, docs, as_of, args.batch_rounds, Path(folder))
        progress(f"peak memory: {args.memory_documents} documents in one process")
        peaks = {len(docs): batch["one"]}
        peaks.update(bench_batch.memory(docs, as_of, [args.memory_documents], Path(folder)))

    # -- the report
    bench.print_header(rs, workload, "benchmark suite")
    print(
        f"machine: {os.cpu_count()} cores; load average (1 min) {load_before} at the start, "
        f"{load_average()} at the end (other work on the machine slows every figure)"
    )
    print(f"agreement: modenhet and hand-written agree on all {checked} documents "
          f"({workload.describe()}): levels, overall, every status, missing paths, gap "
          f"({engine_check:.1f} s)")  # fmt: skip
    if peers:
        print(
            f"agreement: {', '.join(p.name for p in peers)} give modenhet's six levels and "
            f"overall on all {checked} documents ({peer_check:.1f} s)"
        )
    print()
    print(evaluation_table(args, best, peer_best, peers, missing, len(docs), len(subset)))
    print()
    for peer in peers:
        print(f"  {peer.name}: {peer.missing}")
    print()
    print(loading_table(loading, first_load, best_load, args.repeat, large_repeat))
    print()
    print(cold_table(commands, cold, args.repeat))
    print()
    print(bench_batch.table(batch, len(docs), args.batch_rounds, peaks))
    progress(f"done in {time.perf_counter() - started:.0f} s")
    return 0


def evaluation_table(
    args: argparse.Namespace,
    best: dict[str, float],
    peer_best: dict[str, float],
    peers: list[bench_peers.Peer],
    missing: list[bench_peers.Peer],
    count: int,
    subset: int,
) -> str:
    per = {name: seconds / count for name, seconds in best.items()}
    rows = []
    for path, hand, engine, target, goal in (
        ("levels only", "hand levels", "engine levels", bench.LEVELS_TARGET, bench.LEVELS_GOAL),
        ("full result", "hand full", "engine full", bench.FULL_TARGET, bench.FULL_GOAL),
        (
            "full result",
            "hand decide-all",
            "engine full",
            bench.FULL_TARGET,
            bench.FULL_GOAL,
        ),
    ):
        ratio = per[engine] / per[hand]
        rows.append(
            [
                path,
                "hand-written, decides all" if hand == "hand decide-all" else "hand-written",
                f"{count:,}",
                µs(per[hand]),
                f"{1 / per[hand]:,.0f}",
                "1.00×",
                times(per[hand] / per[engine]),
                "",
            ]
        )
        rows.append(
            [
                path,
                f"modenhet {modenhet.__version__}",
                f"{count:,}",
                µs(per[engine]),
                f"{1 / per[engine]:,.0f}",
                times(ratio),
                "1.00×",
                bench.verdict(ratio, target, goal),
            ]
        )
        if path != "levels only":
            continue
        sub = {name: seconds / subset for name, seconds in peer_best.items()}
        for peer in peers:
            seconds = sub[peer.name]
            to_hand = seconds / sub["hand levels"]
            reference = PEER_REFERENCE.get(peer.name)
            rows.append([path, label(peer, peer.version()),
                         f"{subset:,}", µs(seconds), f"{1 / seconds:,.0f}", times(to_hand),
                         times(seconds / sub["engine levels"]),
                         f"issue's figure: about {reference:g}× hand-written"
                         if reference else ""])  # fmt: skip
        for peer in missing:
            rows.append(
                [
                    path,
                    label(peer),
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"not installed: pip install {bench_peers.pinned(peer)}",
                ]
            )
    table = tabulate(rows, headers=["path", "implementation", "documents", "µs/doc", "docs/s",
                                    "× hand-written", "× modenhet", "target (later goal)"],
                     disable_numparse=True)  # fmt: skip
    lines = [f"Evaluation, per document, best of {args.rounds} interleaved rounds:", table]
    if peers:
        lines.append(
            f"Peers: best of {args.peer_rounds} rounds over the first {subset:,} documents, "
            f"interleaved with hand-written ({µs(sub['hand levels'])} µs) and modenhet "
            f"({µs(sub['engine levels'])} µs) levels on the same documents; their ratios are "
            "to those."
        )
    return "\n".join(lines)


def label(peer: bench_peers.Peer, version: str = "") -> str:
    """ "rule-engine 5.1.0", "JsonLogic (panzi-json-logic 1.0.1)": the package, as installed."""
    package = f"{peer.distribution} {version}".strip()
    return package if peer.name == peer.distribution else f"{peer.name} ({package})"


def loading_table(
    loading: dict[str, tuple[float, float, int, int]],
    first_load: float,
    best_load: float,
    repeat: int,
    large_repeat: int,
) -> str:
    rows = []
    for name, (checked, loaded, factors, criteria) in loading.items():
        large = "×" in name
        rows.append(
            [
                name,
                f"{factors:,}",
                f"{criteria:,}",
                ms(checked),
                ms(loaded),
                (f"≤ {PARSE_TARGET:g} s: " + ("met" if checked <= PARSE_TARGET else "NOT met"))
                if large
                else "",
            ]
        )
    table = tabulate(rows, headers=["rule set", "factors", "criteria", "parse and check",
                                    "load_ruleset (+ compile)", "target"],
                     disable_numparse=True)  # fmt: skip
    return (
        f"Rule sets, best of {repeat} (the large one best of {large_repeat}), after the first "
        f"call in the process:\n{table}\n"
        f"The first load_ruleset in a process (which also builds Lark's parser and imports "
        f"the modules) takes {ms(first_load)}; after it {ms(best_load)}."
    )


def cold_table(commands: list[tuple[str, list[str]]], cold: dict[str, float], repeat: int) -> str:
    click, four = (cold[name] for name, _ in commands[:2])
    version, _check, evaluate = (cold[name] for name, _ in commands[2:])
    rows = []
    for index, (name, _argv) in enumerate(commands):
        seconds = cold[name]
        if index == 2:
            note = f"≤ {COLD_TARGET:g}× import click: " + ("met" if version <= COLD_TARGET * click
                                                          else "NOT met")  # fmt: skip
        elif index == 4:
            note = f"≤ {COLD_TARGET:g}× importing the four: " + (
                "met" if evaluate <= COLD_TARGET * four else "NOT met"
            )
        else:
            note = ""
        rows.append([name, ms(seconds), times(seconds / click), times(seconds / four), note])
    table = tabulate(rows, headers=["command", "wall time", "× import click",
                                    "× import the four", "target"],
                     disable_numparse=True)  # fmt: skip
    return f"Cold start, a new process each time, best of {repeat} interleaved rounds:\n{table}"


if __name__ == "__main__":
    sys.exit(main())
