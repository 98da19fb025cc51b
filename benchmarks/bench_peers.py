"""Peers: the levels of the default rule set in other Python rule engines, against modenhet.

Used by `run.py`. Each installed peer (see `peers/`) must give modenhet's six levels and overall
level for every document of the agreement check before anything is timed; the check runs in a
pool of worker processes, since the slowest peers take milliseconds per document.
"""

from __future__ import annotations

import datetime
import multiprocessing
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_evaluate import Doc, Pass
from peers import Levels, LevelsFunction, Peer, all_peers

REQUIREMENTS = Path(__file__).with_name("requirements.txt")
Batch = tuple[str, list[Doc], datetime.date]
CHUNK = 250  # documents per task of the agreement check


def pinned(peer: Peer) -> str:
    """`name==version` as benchmarks/requirements.txt pins the peer (else its bare name)."""
    text = REQUIREMENTS.read_text(encoding="utf-8") if REQUIREMENTS.exists() else ""
    match = re.search(rf"^{re.escape(peer.distribution)}==\S+", text, re.MULTILINE)
    return match.group(0) if match else peer.distribution


def split_peers() -> tuple[list[Peer], list[Peer]]:
    """The installed peers and the missing ones."""
    peers = all_peers()
    return [p for p in peers if p.installed()], [p for p in peers if not p.installed()]


# -------------------------------------------------------------------- agreement, in workers

# What the workers read: set before the pool forks, so nothing large is pickled.
_SHARED: tuple[list[Peer], list[Batch], list[list[Levels]]] | None = None
_BUILT: dict[tuple[int, datetime.date], LevelsFunction] = {}


def _check_chunk(task: tuple[int, int, int, int]) -> tuple[int, int, int, str] | None:
    """The first document of the chunk on which the peer disagrees with modenhet, or None."""
    assert _SHARED is not None
    peers, batches, expected = _SHARED
    peer_index, batch_index, start, stop = task
    _name, docs, as_of = batches[batch_index]
    key = (peer_index, as_of)
    if key not in _BUILT:
        _BUILT[key] = peers[peer_index].build(as_of)
    levels = _BUILT[key]
    for index in range(start, stop):
        want = expected[batch_index][index]
        try:
            got: Any = levels(docs[index])
        except Exception as error:  # noqa: BLE001 (reported as a disagreement)
            got = f"{type(error).__name__}: {error}"
        if got != want:
            return (
                peer_index,
                batch_index,
                index,
                (
                    f"{peers[peer_index].name} gives {got}, modenhet gives {want} "
                    "(levels of anchoring, strategy, coordination, economy, competence, "
                    "participation; overall)"
                ),
            )
    return None


def _tasks(peers: list[Peer], batches: list[Batch]) -> Iterator[tuple[int, int, int, int]]:
    for peer_index in range(len(peers)):
        for batch_index, (_name, docs, _as_of) in enumerate(batches):
            for start in range(0, len(docs), CHUNK):
                yield peer_index, batch_index, start, min(start + CHUNK, len(docs))


def check_peers(rs: Any, peers: list[Peer], batches: list[Batch], workers: int) -> float:
    """Seconds taken to check that every peer gives modenhet's levels and overall on every
    document; at the first disagreement (in peer, batch, document order), print it with the
    document and exit with status 1."""
    global _SHARED
    start = time.perf_counter()
    expected = [
        [(result.levels, result.overall) for result in (rs.evaluate(doc, as_of) for doc in docs)]
        for _name, docs, as_of in batches
    ]
    _SHARED = (peers, batches, expected)
    tasks = list(_tasks(peers, batches))
    try:
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for problem in pool.imap(_check_chunk, tasks):
                    if problem is not None:
                        pool.terminate()
                        _disagreement(problem, batches)
        else:
            for task in tasks:
                problem = _check_chunk(task)
                if problem is not None:
                    _disagreement(problem, batches)
    finally:
        _SHARED = None
        _BUILT.clear()
    return time.perf_counter() - start


def _disagreement(problem: tuple[int, int, int, str], batches: list[Batch]) -> None:
    import json

    _peer_index, batch_index, index, message = problem
    name, docs, as_of = batches[batch_index]
    print(f"DISAGREEMENT in {name} #{index} at as_of {as_of}: {message}")
    print("document:", json.dumps(docs[index], ensure_ascii=False))
    sys.exit(1)


# ------------------------------------------------------------------------------- timing


def peer_pass(levels: LevelsFunction) -> Pass:
    """A timing pass over the documents with the same checksum as the levels passes of
    bench_evaluate: overall plus the last factor's level."""

    def run(docs: list[Doc], as_of: datetime.date, rs: Any) -> int:
        total = 0
        for doc in docs:
            factor_levels, overall = levels(doc)
            total += overall + factor_levels[-1]
        return total

    return run
