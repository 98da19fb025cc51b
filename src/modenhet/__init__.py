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
from typing import TYPE_CHECKING, Any

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
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'modenhet' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
