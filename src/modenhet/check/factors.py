"""Factors, their level blocks and their criteria, statement by statement: unique IDs, positive
weights, declared levels in increasing order above the floor, options written once. What passes
becomes the model's `FactorDef`s; their conditions are the expression checker's to type.
"""

from __future__ import annotations

from fractions import Fraction

from modenhet.check.header import not_whole
from modenhet.check.model import CriterionDef, FactorDef, Level, LevelBlockDef
from modenhet.errors import Diagnostic
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.loader import LoadedRules
from modenhet.source import Span


class FactorChecker:
    """Checks every factor statement of the loaded files against the declared levels."""

    def __init__(self, loaded: LoadedRules, diagnostics: list[Diagnostic]) -> None:
        self.loaded = loaded
        self.diagnostics = diagnostics  # the checker's own list: every finding in one place

    def error(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def warning(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def check_factors(self, levels: tuple[Level, ...]) -> list[FactorDef]:
        declared = {level.number for level in levels}
        floor = levels[0].number if levels else None
        factors: list[FactorDef] = []
        seen: dict[str, n.FactorStmt] = {}
        index = 0
        for placed in self.loaded.statements:
            statement = placed.statement
            if not isinstance(statement, n.FactorStmt):
                continue
            fid = statement.id.value
            if fid in seen:
                first = seen[fid].id.span
                self.error(
                    "M209",
                    statement.id.span,
                    Text(
                        N_("factor '%(id)s' is defined twice (first in %(file)s at line %(line)s)"),
                        id=fid,
                        file=first.file,
                        line=first.line,
                    ),
                )
            seen.setdefault(fid, statement)
            weight = Fraction(1)
            if statement.weight is not None:
                value = statement.weight.value
                if value <= 0:
                    self.error(
                        "M210",
                        statement.weight.span,
                        Text(N_("weight %(value)s is not positive"), value=value),
                        Text(N_("a weight is a number above 0")),
                    )
                else:
                    weight = Fraction(str(value))
            blocks: list[LevelBlockDef] = []
            most = self.loaded.limits.level_blocks
            if len(statement.levels) > most:  # the generated code nests one `if` per block
                self.error(
                    "M218",
                    statement.levels[most].number.span,
                    Text(
                        N_(
                            "factor '%(id)s' has %(count)s level blocks; the limit is %(limit)s "
                            "(raise it with the environment variable %(variable)s)"
                        ),
                        id=fid,
                        count=len(statement.levels),
                        limit=most,
                        variable="MODENHET_MAX_LEVEL_BLOCKS",
                    ),
                    Text(N_("split the factor")),
                )
            criterion_ids: dict[str, n.Criterion] = {}
            previous: int | None = None
            for block in statement.levels:
                number = block.number.value
                span = block.number.span
                if not isinstance(number, int):
                    self.error("M211", span, not_whole(number))
                    continue
                if levels and number not in declared:
                    self.error(
                        "M211",
                        span,
                        Text(N_("level %(level)s is not declared in 'levels'"), level=number),
                        Text(
                            N_("declared levels: %(levels)s"),
                            levels=", ".join(str(d) for d in sorted(declared)),
                        ),
                    )
                elif number == floor:
                    self.error(
                        "M212",
                        span,
                        Text(
                            N_(
                                "level %(level)s is the floor, which every factor reaches "
                                "without criteria"
                            ),
                            level=number,
                        ),
                        Text(N_("give criteria only to levels above the floor")),
                    )
                elif (
                    previous is not None
                    and number == previous
                    or any(b.number == number for b in blocks)
                ):
                    self.error(
                        "M213",
                        span,
                        Text(
                            N_("level %(level)s appears twice in factor '%(factor)s'"),
                            level=number,
                            factor=fid,
                        ),
                        Text(N_("put all criteria of a level in one block")),
                    )
                elif previous is not None and number < previous:
                    self.error(
                        "M213",
                        span,
                        Text(
                            N_("level %(level)s comes after level %(previous)s"),
                            level=number,
                            previous=previous,
                        ),
                        Text(N_("write the level blocks of a factor in increasing order")),
                    )
                previous = number
                criteria: list[CriterionDef] = []
                for criterion in block.criteria:
                    cid = criterion.id.value
                    if cid in criterion_ids:
                        first_span = criterion_ids[cid].id.span
                        self.error(
                            "M214",
                            criterion.id.span,
                            Text(
                                N_(
                                    "criterion '%(id)s' is defined twice in factor '%(factor)s' "
                                    "(first at line %(line)s)"
                                ),
                                id=cid,
                                factor=fid,
                                line=first_span.line,
                            ),
                        )
                    criterion_ids.setdefault(cid, criterion)
                    self.check_options(criterion)
                    criteria.append(
                        CriterionDef(
                            index,
                            fid,
                            cid,
                            number,
                            criterion.title.value,
                            criterion.when,
                            criterion.option("advice"),
                            criterion.option("ref"),
                            criterion.span,
                            criterion.option("legal") is not None,
                        )
                    )
                    index += 1
                if not block.criteria and isinstance(number, int):
                    self.warning(
                        "M608",
                        span,
                        Text(
                            N_(
                                "level %(level)s of factor '%(factor)s' has no criteria: every "
                                "document that reaches the level below reaches it"
                            ),
                            level=number,
                            factor=fid,
                        ),
                    )
                blocks.append(LevelBlockDef(number, tuple(criteria)))
            factors.append(
                FactorDef(fid, statement.title.value, weight, tuple(blocks), statement.span)
            )
        return factors

    def check_options(self, criterion: n.Criterion) -> None:
        seen: set[str] = set()
        for option in criterion.options:
            if option.keyword in seen:
                self.error(
                    "M215",
                    option.span,
                    Text(
                        N_("'%(keyword)s' is written twice for criterion '%(id)s'"),
                        keyword=option.keyword,
                        id=criterion.id.value,
                    ),
                )
            seen.add(option.keyword)
