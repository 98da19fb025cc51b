"""Hover and go-to-definition for one position of one rule document.

Hover over an evidence path shows the schema's title and description of the field under the
cursor (through lets and quantifier variables, as completion resolves them); over a criterion,
its title, place, advice and ref. Go-to-definition leads from a let's name to the `let` that
declares it (in whichever file of the rule set) and from an `include` to the included file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp

from modenhet.authoring.lsp.completion import Completer
from modenhet.authoring.lsp.context import PATH, RuleContext, blank, segments
from modenhet.authoring.lsp.positions import Text
from modenhet.check.schemapaths import SchemaIndex, SchemaNode
from modenhet.language import nodes as n
from modenhet.language.loader import LoadedRules
from modenhet.language.statictypes import describe_kinds
from modenhet.source import Span

_PATH = re.compile(rf"(?<![\w.`]){PATH}")
_INCLUDE = re.compile(r'^\s*include\s+"(?P<path>[^"\\\n]*)"')


@dataclass(frozen=True)
class Place:
    """Where a definition is: a rule file and a span in it (None: the file's start)."""

    path: Path
    span: Span | None


class Navigator:
    """What the position of `text` is on, in the rule set `loaded` (None: it did not load)."""

    def __init__(
        self,
        path: Path,
        text: Text,
        position: lsp.Position,
        context: RuleContext,
        index: SchemaIndex | None,
        loaded: LoadedRules | None,
    ) -> None:
        self.path = path
        self.text = text
        self.position = position
        self.context = context
        self.index = index
        self.loaded = loaded
        self.line, self.column = text.offset(position)

    # -- what is under the cursor

    def path_here(self) -> tuple[tuple[tuple[str, bool], ...], lsp.Range] | None:
        """The evidence path under the cursor, up to the key the cursor is on, and that key's
        range; None outside a path, in a string or in a comment."""
        line = self.text.lines[self.line]
        before = "\n".join([*self.text.lines[: self.line], line])
        blanked, _inside = blank(before)
        shown = blanked.rsplit("\n", 1)[-1]
        for match in _PATH.finditer(shown):
            if match.start() <= self.column <= match.end() and match.end() > match.start():
                written = line[match.start() : match.end()]
                keys = list(re.finditer(r"`[^`\n]*`|[^\W\d]\w*", written))
                upto = [k for k in keys if k.start() + match.start() <= self.column]
                if not upto:
                    return None
                last = upto[-1]
                prefix = segments(written[: last.end()])
                start, end = match.start() + last.start(), match.start() + last.end()
                return prefix, self.text.range(self.line, start, end)
        return None

    def criterion_here(self) -> tuple[n.FactorStmt, n.LevelBlock, n.Criterion] | None:
        for factor in self.factors():
            for block in factor.levels:
                for criterion in block.criteria:
                    if self.contains(criterion.span):
                        return factor, block, criterion
        return None

    def factors(self) -> Iterator[n.FactorStmt]:
        """The factors written in this document."""
        if self.loaded is None:
            return
        for placed in self.loaded.statements:
            statement = placed.statement
            if isinstance(statement, n.FactorStmt) and statement.span.source.path == self.path:
                yield statement

    def contains(self, span: Span) -> bool:
        here = (self.line + 1, self.column + 1)
        return (span.line, span.column) <= here < (span.end_line, span.end_column)

    # -- hover

    def hover(self) -> lsp.Hover | None:
        found = self.path_here()
        if found is not None:
            words = self.field_words(found[0])
            if words:
                return lsp.Hover(
                    contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=words),
                    range=found[1],
                )
        criterion = self.criterion_here()
        if criterion is not None:
            return lsp.Hover(
                contents=lsp.MarkupContent(
                    kind=lsp.MarkupKind.Markdown, value=criterion_words(*criterion)
                )
            )
        return None

    def field_words(self, path: tuple[tuple[str, bool], ...]) -> str | None:
        """The schema's title, description and kinds of the field a path reaches."""
        if self.index is None:
            return None
        completer = Completer(self.text, self.position, self.context, self.index, False)
        node = completer.resolve(path)
        if node is None:
            return None
        candidates = list(node.schemas)
        parent = completer.resolve(path[:-1]) if len(path) > 1 else None
        if isinstance(parent, SchemaNode):  # where the key is written: its own title first
            for schema in parent.schemas:
                written = schema.get("properties", {}).get(path[-1][0])
                if isinstance(written, dict):
                    candidates.insert(0, written)
        title = next((c["title"] for c in candidates if isinstance(c.get("title"), str)), None)
        description = next(
            (c["description"] for c in candidates if isinstance(c.get("description"), str)), None
        )
        if title is None and description is None:
            return None
        written = ".".join(f"`{k}`" if ticked else k for k, ticked in path)
        parts = [f"**{title}**" if title else "", description or ""]
        parts.append(f"`{written}` · {describe_kinds(node.kinds())}")
        return "\n\n".join(part for part in parts if part)

    # -- go to definition

    def definition(self) -> Place | None:
        """Where the let under the cursor is declared, or the file an include names."""
        include = _INCLUDE.match(self.text.lines[self.line])
        if include is not None:
            return Place(self.path.parent / include["path"], None)
        found = self.path_here()
        if found is None or self.loaded is None:
            return None
        (root, ticked), *_rest = found[0]
        if ticked or len(found[0]) != 1:
            return None  # the cursor is on a key, not on the root that may be a let
        for placed in self.loaded.statements:
            statement = placed.statement
            if isinstance(statement, n.LetStmt) and statement.name.value == root:
                return Place(statement.name.span.source.path, statement.name.span)
        return None


def criterion_words(factor: n.FactorStmt, block: n.LevelBlock, criterion: n.Criterion) -> str:
    """A criterion in words: its title, where it stands, its advice and ref."""
    where = f"`criterion {criterion.id.value}` · `factor {factor.id.value}` · `level "
    where += f"{block.number.value}`" + (" · `legal`" if criterion.option("legal") else "")
    parts = [f"**{criterion.title.value}**", where]
    for keyword in ("advice", "ref"):
        value = criterion.option(keyword)
        if value is not None:
            parts.append(f"{keyword}: {value}")
    return "\n\n".join(parts)
