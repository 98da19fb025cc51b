"""The rule set's header: `ruleset`, `schema`, `overall` and `levels`, where each may stand and
what each declares, with the schema read and checked before any path is resolved against it.

Statements about the rule set as a whole, checked once before the lets and factors, which then
work with what the header declares.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from modenhet.check.model import Level
from modenhet.check.schemapaths import SchemaIndex
from modenhet.errors import Diagnostic
from modenhet.evidence.schemacheck import schema_problem, structural_problem
from modenhet.i18n import N_, Text
from modenhet.language import nodes as n
from modenhet.language.loader import LoadedRules, Unreadable, read_bounded
from modenhet.language.wording import did_you_mean
from modenhet.source import Span

OVERALL_MODES = ("min", "mean", "weighted")
HEADER = (n.RulesetStmt, n.SchemaStmt, n.OverallStmt, n.LevelsStmt)
HEADER_WORDS = {
    n.RulesetStmt: "ruleset",
    n.SchemaStmt: "schema",
    n.OverallStmt: "overall",
    n.LevelsStmt: "levels",
}


class HeaderChecker:
    """Checks the header statements; the schema it reads is left in its fields for the rest."""

    def __init__(
        self, loaded: LoadedRules, metaschema: bool, diagnostics: list[Diagnostic]
    ) -> None:
        self.loaded = loaded
        self.metaschema = metaschema
        self.diagnostics = diagnostics  # the checker's own list: every finding in one place
        self.schema: dict[str, Any] | None = None
        self.schema_path: Path | None = None
        self.index: SchemaIndex | None = None
        self.evidence_roots: frozenset[str] = frozenset()

    def error(self, code: str, span: Span, message: Text, hint: Text | None = None) -> None:
        self.diagnostics.append(Diagnostic.of(code, span, message, hint))

    def check_header(self) -> dict[str, Any]:
        header: dict[str, Any] = {}
        seen: dict[type, n.Statement] = {}
        body_started = False
        top_statements = [p.statement for p in self.loaded.statements if p.top]
        if not self.loaded.files:
            return header
        top = self.loaded.files[0]
        if self.loaded.diagnostics and not top_statements:
            return header  # a syntax error already said what is wrong
        if not top_statements or not isinstance(top_statements[0], n.RulesetStmt):
            span = top_statements[0].span if top_statements else Span(top, 1, 1, 1, 1)
            self.error(
                "M201",
                span,
                Text(N_('a rule set begins with  ruleset "NAME"')),
                Text(N_('write the first line as: ruleset "Bustadsosialt arbeid" version "1"')),
            )
        for placed in self.loaded.statements:
            statement = placed.statement
            if not isinstance(statement, HEADER):
                body_started = body_started or placed.top
                continue
            word = HEADER_WORDS[type(statement)]
            if not placed.top:
                self.error(
                    "M204",
                    statement.span,
                    Text(N_("'%(word)s' may stand only in the top rule file"), word=word),
                    Text(N_("an included file contains only let, factor and include")),
                )
                continue
            if type(statement) in seen:
                first = seen[type(statement)].span
                self.error(
                    "M202",
                    statement.span,
                    Text(
                        N_("'%(word)s' is written twice (first at line %(line)s)"),
                        word=word,
                        line=first.line,
                    ),
                )
                continue
            seen[type(statement)] = statement
            if body_started:
                self.error(
                    "M203",
                    statement.span,
                    Text(
                        N_("'%(word)s' must come before the first let, factor or include"),
                        word=word,
                    ),
                )
            self.header_statement(statement, header)
        if "levels" not in header and top_statements and n.LevelsStmt not in seen:
            self.error(
                "M205",
                top_statements[0].span,
                Text(N_("the rule set declares no levels")),
                Text(N_('add  levels { 1 "Initial" 2 "..." }  after the ruleset line')),
            )
        return header

    def header_statement(self, statement: n.Statement, header: dict[str, Any]) -> None:
        match statement:
            case n.RulesetStmt():
                header["ruleset"] = statement
            case n.OverallStmt(mode=mode):
                if mode.value in OVERALL_MODES:
                    header["overall"] = mode.value
                else:
                    close = difflib.get_close_matches(mode.value, OVERALL_MODES, n=1)
                    self.error(
                        "M207",
                        mode.span,
                        Text(N_("unknown overall mode '%(mode)s'"), mode=mode.value),
                        did_you_mean(close[0])
                        if close
                        else Text(N_("write overall min, overall mean or overall weighted")),
                    )
            case n.LevelsStmt():
                header["levels"] = self.check_levels(statement)
            case n.SchemaStmt(path=path):
                self.load_schema(path)

    def check_levels(self, statement: n.LevelsStmt) -> tuple[Level, ...]:
        levels: list[Level] = []
        for decl in statement.levels:
            value = decl.number.value
            if not isinstance(value, int):
                self.error("M206", decl.number.span, not_whole(value))
                continue
            if levels and value == levels[-1].number or value in {lv.number for lv in levels}:
                self.error(
                    "M206",
                    decl.number.span,
                    Text(N_("level %(level)s is declared twice"), level=value),
                )
                continue
            if levels and value < levels[-1].number:
                self.error(
                    "M206",
                    decl.number.span,
                    Text(
                        N_("levels must increase: %(level)s comes after %(previous)s"),
                        level=value,
                        previous=levels[-1].number,
                    ),
                )
                continue
            levels.append(Level(value, decl.label.value))
        if not statement.levels:
            self.error(
                "M205",
                statement.span,
                Text(N_("'levels' declares no level")),
                Text(N_('declare at least the floor: levels { 1 "Initial" }')),
            )
        return tuple(levels)

    def load_schema(self, path: n.Text) -> None:
        top = self.loaded.files[0]
        target = top.path.parent / path.value
        try:  # a regular file within the size limit: never a FIFO, a device or gigabytes
            text = read_bounded(target, self.loaded.limits.rule_file_bytes).decode("utf-8")
        except (Unreadable, UnicodeDecodeError) as error:
            self.error(
                "M208",
                path.span,
                Text(
                    N_("cannot read the schema '%(path)s': %(reason)s"),
                    path=path.value,
                    reason=error.text if isinstance(error, Unreadable) else str(error),
                ),
                Text(N_("the path is relative to this rule file")),
            )
            return
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as error:
            self.error(
                "M208",
                path.span,
                Text(
                    N_(
                        "the schema '%(path)s' is not JSON: %(reason)s at line %(line)s, column "
                        "%(column)s"
                    ),
                    path=path.value,
                    reason=error.msg,
                    line=error.lineno,
                    column=error.colno,
                ),
            )
            return
        except (ValueError, RecursionError) as error:  # a 5000-digit number; [[[[...]]]]
            reason: str | Text = (
                Text(N_("it is nested too deeply"))
                if isinstance(error, RecursionError)
                else str(error)
            )
            self.error(
                "M208",
                path.span,
                Text(
                    N_("the schema '%(path)s' is not JSON: %(reason)s"),
                    path=path.value,
                    reason=reason,
                ),
            )
            return
        if not isinstance(schema, dict):
            self.error(
                "M208",
                path.span,
                Text(N_("the schema '%(path)s' is not a JSON object"), path=path.value),
            )
            return
        problem = schema_problem(schema) if self.metaschema else structural_problem(schema)
        if problem is not None:  # else validating a document could crash, loop or take hours
            self.error(
                "M208",
                path.span,
                Text(
                    N_("the schema '%(path)s' is not a valid JSON Schema: %(problem)s"),
                    path=path.value,
                    problem=problem,
                ),
            )
            return
        self.schema, self.schema_path = schema, target
        self.index = SchemaIndex(schema)
        root = self.index.root()
        self.evidence_roots = frozenset(
            key for s in root.schemas for key in s.get("properties", {})
        )


def not_whole(level: float) -> Text:
    """The message for a level number with a fraction, in `levels` and in a factor alike."""
    return Text(N_("level %(level)s is not a whole number"), level=level)
