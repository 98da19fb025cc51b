"""A case's `expect:` checked against the rule set it tests: the overall level and each factor's
one it can stand at, each criterion one the rule set has, with a status a criterion can have;
every problem at its line.

Apart from `reader`, which reads the test file and its evidence: this part knows the rule set's
levels, factors and criteria, and nothing of files.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from modenhet.authoring.ruletests.coverage import standing_levels
from modenhet.authoring.ruletests.model import STATUSES, Expectation, Key, Problem
from modenhet.authoring.ruletests.yamlfile import YamlDocument
from modenhet.check.model import FactorDef
from modenhet.engine.ruleset import RuleSet
from modenhet.i18n import N_, Text
from modenhet.language.wording import did_you_mean

EXPECT_KEYS = ("overall", "factors", "criteria")
CRITERION_KEYS = ("status", "missing")


class ExpectationReader:
    """The expected values of one test file's cases, read against its rule set."""

    def __init__(self, yaml: YamlDocument, ruleset: RuleSet) -> None:
        self.yaml = yaml
        self.ruleset = ruleset

    def problem(self, path: tuple[Key, ...], message: Text) -> Problem:
        return Problem.of(self.yaml.file, self.yaml.line(path), message)

    def expectations(
        self, value: Any, path: tuple[Key, ...], problems: list[Problem]
    ) -> list[Expectation]:
        if not isinstance(value, dict) or not value:
            problems.append(
                self.problem(
                    path, Text(N_("`expect` gives `overall`, `factors` and/or `criteria`"))
                )
            )
            return []
        problems += self.yaml.unknown_keys(value, path, EXPECT_KEYS, "`expect`")
        found: list[Expectation] = []
        ruleset = self.ruleset
        declared = [level.number for level in ruleset.levels]
        if "overall" in value:
            level = self.level(
                value["overall"], (*path, "overall"), declared, Text(N_("the rule set")), problems
            )
            if level is not None:
                found.append(Expectation("overall", "", self.yaml.line((*path, "overall")), level))
        factors = {factor.id: factor for factor in ruleset.factors}
        for factor_id, level_value in self.mapping(value, "factors", path, problems).items():
            where = (*path, "factors", factor_id)
            factor = factors.get(factor_id)
            if factor is None:
                problems.append(self.problem(where, _unknown_factor(factor_id, list(factors))))
                continue
            possible = [number for number, _ in standing_levels(factor, ruleset.model.floor)]
            what = Text(N_("factor %(id)s"), id=factor_id)
            level = self.level(level_value, where, possible, what, problems)
            if level is not None:
                found.append(Expectation("factor", factor_id, self.yaml.line(where), level))
        for target, status in self.mapping(value, "criteria", path, problems).items():
            where = (*path, "criteria", target)
            expectation = self.criterion(target, status, where, factors, problems)
            if expectation is not None:
                found.append(expectation)
        return found

    def mapping(
        self, value: dict[str, Any], key: str, path: tuple[Key, ...], problems: list[Problem]
    ) -> dict[str, Any]:
        found = value.get(key, {})
        if isinstance(found, dict):
            return found
        problems.append(self.problem((*path, key), Text(N_("`%(key)s` is a mapping"), key=key)))
        return {}

    def level(
        self,
        value: Any,
        where: tuple[Key, ...],
        possible: list[int],
        what: Text,
        problems: list[Problem],
    ) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and value in possible:
            return value
        message = Text(
            N_("%(value)s is not a level of %(what)s (levels: %(levels)s)"),
            value=_yaml_text(value),
            what=what,
            levels=", ".join(map(str, possible)),
        )
        problems.append(self.problem(where, message))
        return None

    def criterion(
        self,
        target: str,
        value: Any,
        where: tuple[Key, ...],
        factors: dict[str, FactorDef],
        problems: list[Problem],
    ) -> Expectation | None:
        factor_id, dot, criterion_id = target.partition(".")
        factor = factors.get(factor_id)
        if not dot or factor is None:
            message = Text(
                N_("a criterion is written FACTOR.CRITERION, like economy.budget_allocated")
            )
            if dot:
                message = _unknown_factor(factor_id, list(factors))
            problems.append(self.problem(where, message))
            return None
        criteria = [c.id for c in factor.criteria]
        if criterion_id not in criteria:
            message = Text(
                N_("unknown criterion of %(factor)s '%(name)s' (%(hint)s)"),
                factor=factor_id,
                name=criterion_id,
                hint=_hint(criterion_id, criteria),
            )
            problems.append(self.problem(where, message))
            return None
        missing: tuple[str, ...] | None = None
        status = value
        if isinstance(value, dict):
            problems += self.yaml.unknown_keys(value, where, CRITERION_KEYS, target)
            status = value.get("status")
            if "missing" in value:
                listed = value["missing"]
                if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
                    problems.append(
                        self.problem((*where, "missing"), Text(N_("`missing` is a list of paths")))
                    )
                    return None
                if status != "unknown":
                    problems.append(
                        self.problem(
                            (*where, "missing"), Text(N_("only an unknown criterion has `missing`"))
                        )
                    )
                    return None
                missing = tuple(sorted(listed))
        if status not in STATUSES:
            problems.append(
                self.problem(
                    where,
                    Text(
                        N_("%(value)s is not a status (statuses: %(statuses)s)"),
                        value=_yaml_text(status),
                        statuses=", ".join(STATUSES),
                    ),
                )
            )
            return None
        return Expectation("criterion", target, self.yaml.line(where), None, status, missing)


def _hint(name: str, known: Iterable[str]) -> Text:
    """`did you mean 'x'?`, or the names known."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    if close:
        return did_you_mean(close[0])
    return Text(N_("known: %(names)s"), names=", ".join(known))


def _unknown_factor(name: str, known: Iterable[str]) -> Text:
    return Text(N_("unknown factor '%(name)s' (%(hint)s)"), name=name, hint=_hint(name, known))


def _yaml_text(value: Any) -> str | Text:
    """A value of the test file as a message names it (`true` as YAML writes it)."""
    if value is None:
        return Text(N_("nothing"))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, int | float):
        return str(value)
    return Text(N_("a list")) if isinstance(value, list) else Text(N_("a mapping"))
