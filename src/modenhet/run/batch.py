"""A batch run in one process or several: documents read, validated, evaluated and rendered,
handed back in input order.

With more than one job, the first `WARM_UP` seconds of work are done in the main process, so a
run that ends within them starts no process; when documents remain, the main process only finds
them (a .json file by name, a JSONL line as its bytes) and sends them in chunks of `CHUNK` to
worker processes (started with `spawn`), at most two chunks per worker in flight, so memory
stays flat however long the input. Each worker loads the rule set once, from its file (and
checks it is the one the main process loaded), and does everything `evaluate` does in one
process with the same functions: a streaming format's records are rendered there; for the
table, Markdown and HTML the outcome comes back with its evaluation settled
(`results.Settled`). So the report, the error lines and the exit status are the same, byte for
byte, whatever the number of jobs.
"""

from __future__ import annotations

import datetime
import itertools
import os
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace
from typing import Any

from modenhet.engine.ruleset import RuleSet, load_ruleset
from modenhet.errors import Violation
from modenhet.evidence.reader import EvidenceItem, Pending
from modenhet.results import Evaluation, Settled
from modenhet.run.outcome import Outcome, Render, RunInfo, evaluate_items

CHUNK = 100  # documents a worker is sent at a time
WARM_UP = 1.0  # seconds of work in the main process first: starting workers takes about 0.4 s


class BatchError(Exception):
    """A worker process could not do its part (the rule set changed on disk, a process died)."""


@dataclass(frozen=True)
class Plan:
    """What every process of the run must know, sent once to each worker."""

    rules: str  # the top rule file, as the main process loaded it
    sha256: str  # the rule set's, which a worker checks after loading it
    schema: dict[str, Any] | None
    as_of: datetime.date
    validate: bool
    limit: int  # the largest document, in bytes
    render: Render | None  # a streaming format's record renderer; None: outcomes come back
    version: str
    lang: str
    excel: bool


@dataclass(frozen=True)
class Done:
    """One document, done: what the command tallies, and what the report writer takes (the
    record's text for a streaming format, else the outcome)."""

    source: str
    problems: list[Violation]
    failed: bool
    overall: int | None
    payload: Any


def cpu_count() -> int:
    """The processors this process may run on (its affinity, where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def run_batch(
    ruleset: RuleSet, sources: Iterable[Pending | EvidenceItem], plan: Plan, *, jobs: int = 1
) -> Iterator[Done]:
    """Every document of `sources`, done, in order; in `jobs` processes when it pays."""
    found = iter(sources)
    if jobs <= 1:
        yield from _in_process(ruleset, found, plan)
        return
    deadline = time.monotonic() + WARM_UP
    for done in _in_process(ruleset, found, plan):  # reads `found` one document at a time
        yield done
        if time.monotonic() >= deadline:
            break
    else:
        return
    yield from _in_pool(ruleset, found, plan, jobs)


def _in_process(
    ruleset: RuleSet, sources: Iterable[Pending | EvidenceItem], plan: Plan
) -> Iterator[Done]:
    run = RunInfo(ruleset, plan.as_of, plan.version, plan.lang, plan.excel)
    render = plan.render
    for outcome in _outcomes(ruleset, sources, plan):
        yield _done(outcome, outcome if render is None else render(run, outcome))


def _outcomes(
    ruleset: RuleSet, sources: Iterable[Pending | EvidenceItem], plan: Plan
) -> Iterator[Outcome]:
    """Each document read, validated and evaluated: the same in every process."""
    items = (s.read(plan.limit) if isinstance(s, Pending) else s for s in sources)
    return evaluate_items(ruleset, items, plan.as_of, validate=plan.validate)


def _done(outcome: Outcome, payload: Any) -> Done:
    evaluation = outcome.evaluation
    overall = None if evaluation is None else evaluation.overall
    return Done(outcome.source, outcome.problems, evaluation is None, overall, payload)


# ------------------------------------------------------------------------- the main process


def _in_pool(
    ruleset: RuleSet, sources: Iterable[Pending | EvidenceItem], plan: Plan, jobs: int
) -> Iterator[Done]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(jobs, context, initializer=_start_worker, initargs=(plan,))
    window: deque[Future[list[Done]]] = deque()
    try:
        for chunk in _chunks(sources, CHUNK):
            window.append(pool.submit(_work, chunk))
            if len(window) >= 2 * jobs:
                yield from _attached(window.popleft().result(), ruleset)
        while window:
            yield from _attached(window.popleft().result(), ruleset)
    except BrokenProcessPool as error:
        raise BatchError(f"a worker process stopped unexpectedly ({error})") from None
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _chunks(sources: Iterable[Pending | EvidenceItem], size: int) -> Iterator[list[Any]]:
    found = iter(sources)
    while chunk := list(itertools.islice(found, size)):
        yield chunk


def _attached(done: list[Done], ruleset: RuleSet) -> Iterator[Done]:
    for one in done:
        if isinstance(one.payload, Detached):
            yield replace(one, payload=one.payload.attach(ruleset))
        else:
            yield one


@dataclass(frozen=True)
class Detached:
    """An outcome without its rule set, its document's text or the lazy parts of its
    evaluation: what a worker sends back for the table, Markdown and HTML."""

    item: EvidenceItem
    settled: Settled | None
    problems: list[Violation]

    @classmethod
    def of(cls, outcome: Outcome) -> Detached:
        item = outcome.item
        document = item.document
        if document is not None:  # a report reads only the municipality of the document
            document = (
                {"municipality": document["municipality"]} if "municipality" in document else {}
            )
        kept = EvidenceItem(
            item.source, item.sha256, document, item.problems, None, item.jsonl_line
        )
        evaluation = outcome.evaluation
        return cls(kept, None if evaluation is None else evaluation.settle(), outcome.problems)

    def attach(self, ruleset: RuleSet) -> Outcome:
        settled = self.settled
        evaluation = None if settled is None else Evaluation.from_settled(ruleset.model, settled)
        return Outcome(self.item, evaluation, self.problems)


# -------------------------------------------------------------------------- a worker process


@dataclass
class _Worker:
    ruleset: RuleSet
    plan: Plan
    run: RunInfo
    render: Render | None


_worker: _Worker | BatchError | None = None  # set once in each worker process by its start


def _start_worker(plan: Plan) -> None:
    """Load the rule set once; Ctrl-C is for the main process, which stops the workers."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ruleset = load_ruleset(plan.rules)
    except Exception as error:  # reported with the first chunk, in the main process
        _worker = BatchError(f"a worker process could not load the rule set: {error}")
        return
    if ruleset.sha256 != plan.sha256 or ruleset.schema != plan.schema:
        _worker = BatchError(f"{plan.rules}: the rule set or its schema changed during the run")
        return
    run = RunInfo(ruleset, plan.as_of, plan.version, plan.lang, plan.excel)
    _worker = _Worker(ruleset, plan, run, plan.render)


def _work(chunk: list[Pending | EvidenceItem]) -> list[Done]:
    worker = _worker
    if not isinstance(worker, _Worker):
        raise worker or BatchError("a worker process was not started")
    render, run = worker.render, worker.run
    return [
        _done(outcome, Detached.of(outcome) if render is None else render(run, outcome))
        for outcome in _outcomes(worker.ruleset, chunk, worker.plan)
    ]
