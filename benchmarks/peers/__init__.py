"""The 52 criteria of rules/bustadsosialt.rules in other Python rule engines, for levels only.

Each peer writes every criterion in its own language, compiles it once per evaluation date, and
returns `levels(doc) -> (six factor levels, overall)`. A criterion counts only when it is met: a
missing or null field must never make it met (modenhet's `unknown` is not met either).
"""

from __future__ import annotations

import datetime
import importlib.metadata
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench_evaluate import FACTORS, Doc

Levels = tuple[tuple[int, ...], int]
LevelsFunction = Callable[[Doc], Levels]
FACTOR_IDS = tuple(factor_id for factor_id, _evaluate, _blocks in FACTORS)
# factor ID -> ((level, criterion IDs "factor.criterion"), ...) in rule order
BLOCKS: dict[str, tuple[tuple[int, tuple[str, ...]], ...]] = {
    factor_id: tuple((level, tuple(f"{factor_id}.{cid}" for cid in ids)) for level, ids in blocks)
    for factor_id, _evaluate, blocks in FACTORS
}
CRITERION_IDS = tuple(cid for blocks in BLOCKS.values() for _level, ids in blocks for cid in ids)
EMPTY: dict[str, Any] = {}


@dataclass(frozen=True)
class Peer:
    """One rule engine from PyPI and how it is used here."""

    name: str  # as in the table
    distribution: str  # what `pip install` takes
    module: str  # what Python imports
    missing: str  # how a missing or null field is kept from counting as met
    build: Callable[[datetime.date], LevelsFunction]  # compile everything for one as_of

    def installed(self) -> bool:
        """Whether this distribution is installed (another one may own the same module name:
        several JsonLogic packages install `json_logic`)."""
        try:
            importlib.metadata.distribution(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return False
        return importlib.util.find_spec(self.module) is not None

    def version(self) -> str:
        try:
            return importlib.metadata.version(self.distribution)
        except importlib.metadata.PackageNotFoundError:
            return "?"


def per_criterion_levels(
    checks: dict[str, Callable[[Any], bool]], bind: Callable[[Doc], Sequence[Any]]
) -> LevelsFunction:
    """Levels from one compiled check per criterion, for engines whose unit is one rule.

    `bind(doc)` gives, per factor in rule order, what that factor's checks read (the factor's
    object, as the rule file's `let`s name it, in the engine's own form). A factor reaches a
    level when every criterion of every block up to it is met, so each factor stops at its
    first block with a criterion not met, as modenhet's and the hand-written levels paths do.
    """
    missing = set(CRITERION_IDS) - set(checks)
    if missing:
        raise ValueError(f"criteria without a check: {sorted(missing)}")
    plan = [
        tuple((level, tuple(checks[cid] for cid in ids)) for level, ids in BLOCKS[factor_id])
        for factor_id in FACTOR_IDS
    ]

    def levels(doc: Doc) -> Levels:
        result = []
        for thing, blocks in zip(bind(doc), plan, strict=True):
            reached = 1
            for level, block in blocks:
                if not all(check(thing) for check in block):
                    break
                reached = level
            result.append(reached)
        return tuple(result), min(result)

    return levels


def evidence_objects(doc: Doc) -> list[Any]:
    """Each factor's object in rule order (None when it or `evidence` is absent or null)."""
    evidence = doc.get("evidence") or EMPTY
    return [evidence.get(factor_id) for factor_id in FACTOR_IDS]


def all_peers() -> list[Peer]:
    from peers import cel_peer, json_logic_peer, regopy_peer, rule_engine_peer

    return [json_logic_peer.PEER, rule_engine_peer.PEER, cel_peer.PEER, regopy_peer.PEER]
