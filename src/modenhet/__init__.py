"""modenhet: how mature is a municipality's housing-social work?

Load a rule set once, evaluate many evidence documents::

    import datetime, modenhet
    rs = modenhet.load_ruleset("rules/bustadsosialt.rules")
    res = rs.evaluate(doc, as_of=datetime.date(2025, 6, 30))
    res.overall, res.factors["economy"].level, res.factors["economy"].gap

The heavy modules load on first use, so `modenhet --version` starts quickly.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

__version__ = "0.1.0"

if TYPE_CHECKING:
    from modenhet.engine.ruleset import RuleSet, load_ruleset
    from modenhet.errors import (
        Diagnostic,
        EvidenceError,
        ModenhetError,
        RuleError,
        RuleFileError,
        Violation,
    )
    from modenhet.evidence.reader import read_evidence
    from modenhet.resources import default_rules_path, default_schema_path
    from modenhet.results import CriterionResult, Evaluation, FactorResult, ToCollect

_LAZY = {
    "Diagnostic": "modenhet.errors",
    "EvidenceError": "modenhet.errors",
    "ModenhetError": "modenhet.errors",
    "RuleError": "modenhet.errors",
    "RuleFileError": "modenhet.errors",
    "Violation": "modenhet.errors",
    "read_evidence": "modenhet.evidence.reader",
    "default_rules_path": "modenhet.resources",
    "default_schema_path": "modenhet.resources",
    "CriterionResult": "modenhet.results",
    "Evaluation": "modenhet.results",
    "FactorResult": "modenhet.results",
    "ToCollect": "modenhet.results",
    "RuleSet": "modenhet.engine.ruleset",
    "load_ruleset": "modenhet.engine.ruleset",
}

__all__ = [
    "CriterionResult",
    "Diagnostic",
    "Evaluation",
    "EvidenceError",
    "FactorResult",
    "ModenhetError",
    "RuleError",
    "RuleFileError",
    "RuleSet",
    "ToCollect",
    "Violation",
    "__version__",
    "default_rules_path",
    "default_schema_path",
    "load_ruleset",
    "read_evidence",
    "write_report",
]


def write_report(
    evaluations: Mapping[str, Evaluation] | Iterable[Evaluation],
    format: str,
    file: TextIO | BinaryIO,
    *,
    ruleset: RuleSet | None = None,
    lang: str = "nn",
) -> None:
    """Write the report of `modenhet evaluate -f FORMAT` for evaluations made in Python.

    `evaluations` is a mapping from each document's source (a file name, say) to its
    evaluation, or the evaluations alone (then named `1`, `2`, … in the report). `format` is
    any of `evaluate`'s formats: table, json, jsonl, csv, markdown, html, xlsx (to a binary
    file, `open(..., "wb")`, or a text file over one). The evaluations must
    come from one rule set; `ruleset` is the one the report names (by default their own
    checked model, which names it the same). The report's `as_of` is the first evaluation's.

    Raises `ValueError` for an unknown format, for no evaluations, and for evaluations of
    different rule sets."""
    # The facade loads nothing until asked.
    from modenhet.evidence.reader import EvidenceItem  # noqa: PLC0415
    from modenhet.report import REPORTERS, reporter  # noqa: PLC0415
    from modenhet.run.outcome import Outcome, RunInfo  # noqa: PLC0415

    if format not in REPORTERS:
        raise ValueError(f"unknown format {format!r}; one of: {', '.join(REPORTERS)}")
    if isinstance(evaluations, Mapping):
        named = list(evaluations.items())
    else:
        named = [(str(number), e) for number, e in enumerate(evaluations, start=1)]
    if not named:
        raise ValueError("no evaluations to report")
    model = named[0][1].model
    if any(e.model.sha256 != model.sha256 for _source, e in named):
        raise ValueError("the evaluations come from different rule sets")
    # The document's bytes are not known here: the report's `sha256` is null.
    outcomes = [Outcome(EvidenceItem(source), e, []) for source, e in named]
    run = RunInfo(ruleset or model, named[0][1].as_of, __version__, lang)
    if format == "xlsx" and not hasattr(file, "buffer"):  # a binary file: the workbook's bytes
        import types  # noqa: PLC0415

        binary = file
        file = types.SimpleNamespace(buffer=binary, flush=binary.flush)  # type: ignore[assignment]
    reporter(format)(run, outcomes, file)  # type: ignore[arg-type]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'modenhet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
