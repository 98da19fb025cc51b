"""Coverage of a rule set by its tests: which criteria some case saw met and not met, and which
levels some factor stood at; the percentage kept exact, so that 133 of 134 is never 100 %.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from modenhet.authoring.ruletests.model import STATUSES
from modenhet.check.model import FactorDef
from modenhet.engine.ruleset import RuleSet
from modenhet.i18n import N_, Text
from modenhet.results import Evaluation

COUNTED = ("met", "not_met")  # the outcomes coverage counts, per criterion


@dataclass
class CriterionCoverage:
    factor: str
    id: str
    level: int
    seen: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))

    @property
    def covered(self) -> int:
        """How many of the counted outcomes (met, not met) some case gave."""
        return sum(1 for status in COUNTED if self.seen[status])


@dataclass
class LevelCoverage:
    factor: str
    level: int
    cases: int = 0
    possible: bool = True  # False: the block above has no criteria, so the factor never stops here


@dataclass
class Coverage:
    """What the cases run against one rule set exercised.

    Counted: for each criterion, whether some case saw it `met` and whether some case saw it
    `not_met` (two items per criterion); for each factor, each level it can stand at (the floor
    and its own blocks), whether some case's factor stood at exactly that level (one item per
    level). `unknown` and `error` are shown but not counted. The total is the items covered over
    all items, as an exact fraction.
    """

    rules: str
    name: str
    criteria: list[CriterionCoverage]
    levels: list[LevelCoverage]
    cases: int = 0

    @classmethod
    def of(cls, ruleset: RuleSet, rules: str) -> Coverage:
        criteria = [
            CriterionCoverage(c.factor_id, c.id, c.level)
            for f in ruleset.factors
            for c in f.criteria
        ]
        levels = [
            LevelCoverage(factor.id, level, possible=possible)
            for factor in ruleset.factors
            for level, possible in standing_levels(factor, ruleset.model.floor)
        ]
        name = ruleset.name + (f" {ruleset.version}" if ruleset.version else "")
        return cls(rules, name, criteria, levels)

    def observe(self, evaluation: Evaluation) -> None:
        self.cases += 1
        by_id = {(c.factor, c.id): c for c in self.criteria}
        for factor in evaluation.factors.values():
            for criterion in factor.criteria:
                by_id[(factor.id, criterion.id)].seen[criterion.status] += 1
            for level in self.levels:
                if level.factor == factor.id and level.level == factor.level:
                    level.cases += 1

    @property
    def criteria_covered(self) -> int:
        return sum(c.covered for c in self.criteria)

    @property
    def levels_counted(self) -> list[LevelCoverage]:
        return [level for level in self.levels if level.possible]

    @property
    def levels_covered(self) -> int:
        return sum(1 for level in self.levels_counted if level.cases)

    @property
    def covered(self) -> int:
        return self.criteria_covered + self.levels_covered

    @property
    def total(self) -> int:
        return len(COUNTED) * len(self.criteria) + len(self.levels_counted)

    @property
    def percent(self) -> Fraction:
        """Exact: 133 of 134 is 13300/134 %, never rounded up to 100."""
        return Fraction(100 * self.covered, self.total) if self.total else Fraction(100)

    def below(self, threshold: Fraction) -> bool:
        return self.percent < threshold

    def uncovered(self) -> Iterator[Text]:
        """What no case exercised, in rule-file order (`str()` of each is its English)."""
        never = {
            "met": N_("%(name)s (level %(level)s): never met"),
            "not_met": N_("%(name)s (level %(level)s): never not met"),
        }
        for criterion in self.criteria:
            for status in COUNTED:
                if not criterion.seen[status]:
                    name = f"{criterion.factor}.{criterion.id}"
                    yield Text(never[status], name=name, level=criterion.level)
        for level in self.levels_counted:
            if not level.cases:
                yield Text(
                    N_("%(factor)s: no case stands at level %(level)s"),
                    factor=level.factor,
                    level=level.level,
                )


def standing_levels(factor: FactorDef, floor: int) -> list[tuple[int, bool]]:
    """The levels a factor can be at (the floor and its blocks), each with whether it can stand
    there: not when the block above it has no criteria, which is always reached."""
    numbers = [floor] + [block.number for block in factor.blocks]
    above = [bool(block.criteria) for block in factor.blocks] + [True]
    return list(zip(numbers, above, strict=True))


def percent_text(value: Fraction) -> str:
    """A percentage with two decimals, rounded down: 99.999 is shown as 99.99, never 100.00."""
    hundredths = math.floor(value * 100)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def parse_threshold(text: str) -> Fraction:
    """A `--fail-under` percentage, read exactly (`99.99`, `100`); ValueError if it is not one."""
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text.strip()):
        raise ValueError(f"{text!r} is not a percentage (a number from 0 to 100)")
    value = Fraction(text.strip())
    if value > 100:
        raise ValueError(f"{text!r} is more than 100")
    return value
