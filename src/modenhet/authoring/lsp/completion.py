"""Completion for one position of one rule document: evidence keys after a `.` (through lets
and quantifier variables, from the schema), and where an expression starts the variables, lets,
functions, keywords and the evidence's top keys; elsewhere the statements and blocks that fit.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from lsprotocol import types as lsp

from modenhet.authoring.lsp.context import NAME, PATH, RuleContext, blank, segments
from modenhet.authoring.lsp.positions import Text
from modenhet.check.schemapaths import SchemaIndex, SchemaNode, UnknownKey
from modenhet.language.functions import BUILTINS
from modenhet.language.statictypes import describe_kinds

_IDENTIFIER = re.compile(NAME)
_AFTER_DOT = re.compile(rf"(?<![\w.`])(?P<path>{PATH})\s*\.\s*(?P<partial>{NAME})?$")
_PARTIAL = re.compile(rf"{NAME}$")
_QUANTIFIER = re.compile(rf"\b(?:any|all)\s+(?P<name>{NAME})\s+in\s+(?P<path>{PATH})\s*:")
_BLOCK_KEYWORD = re.compile(r"\b(levels|factor|level)\b")
_BRACE = re.compile(r"[{}]")
_STATEMENT_START = re.compile(r"(?<![\w.])(?:criterion|let|factor|level|levels|include)\b")
_EXPRESSION_WORDS = re.compile(r"(?<![\w.])(?:when|and|or|not|in)$")

STATEMENT_SNIPPETS = {
    "ruleset": 'ruleset "${1:Namn}" version "${2:1}"',
    "schema": 'schema "${1:../schemas/evidence.schema.json}"',
    "overall": "overall ${1|min,mean,weighted|}",
    "levels": 'levels {\n\t1 "${1:Innleiande}"\n\t$0\n}',
    "let": "let ${1:namn} = $0",
    "include": 'include "${1:fil.rules}"',
    "factor": 'factor ${1:id} "${2:Tittel}" {\n\tlevel ${3:2} {\n\t\t$0\n\t}\n}',
}
FACTOR_SNIPPETS = {"level": "level ${1:2} {\n\t$0\n}"}
CRITERION_SNIPPETS = {
    "criterion": 'criterion ${1:id} "${2:Tittel}"\n\twhen $0',
    "when": "when $0",
    "advice": 'advice "$1"',
    "ref": 'ref "$1"',
    "legal": "legal",
}
EXPRESSION_KEYWORDS = {
    "not": "not $0",
    "any": "any ${1:x} in ${2:liste}: $0",
    "all": "all ${1:x} in ${2:liste}: $0",
    "true": "true",
    "false": "false",
    "as_of": "as_of",
}
CONTINUATION_KEYWORDS = ("and", "or", "not", "in")


class Completer:
    """Completion items for one position of one document."""

    def __init__(
        self,
        text: Text,
        position: lsp.Position,
        context: RuleContext,
        index: SchemaIndex | None,
        snippets: bool,
    ) -> None:
        self.text = text
        self.line, self.column = text.offset(position)
        self.context = context
        self.index = index
        self.snippets = snippets
        before = text.lines[self.line][: self.column]
        self.original = before
        prefix = "\n".join([*text.lines[: self.line], before])
        self.blanked, self.inside = blank(prefix)
        self.before = self.blanked.rsplit("\n", 1)[-1]
        starts = [m.start() for m in _STATEMENT_START.finditer(self.blanked)]
        self.statement = self.blanked[starts[-1] if starts else 0 :]  # the one being written
        defining = re.match(rf"let\s+({NAME})", self.statement)
        self.defining = defining[1] if defining else None  # a let cannot use itself
        self.quantifiers = self.quantifier_variables()

    def items(self) -> list[lsp.CompletionItem]:
        if self.inside is not None:
            return []  # in a string, a comment or a back-ticked key
        after_dot = _AFTER_DOT.search(self.before)
        if after_dot:
            # The blanked text has the same length as the original: read the keys there.
            path = self.original[after_dot.start("path") : after_dot.end("path")]
            return self.key_items(segments(path), after_dot["partial"] or "")
        partial = _PARTIAL.search(self.before)
        word = partial.group() if partial else ""
        if self.before[: len(self.before) - len(word)].rstrip().endswith("."):
            return []  # a key after a `.` that no path on this line leads to
        edit = self.text.range(self.line, self.column - len(word), self.column)
        tail = self.blanked[: len(self.blanked) - len(word)].rstrip()
        block = self.block(tail)
        if tail and (tail[-1] in "=<>!+-*/(,[:" or _EXPRESSION_WORDS.search(tail)):
            return self.expression_items(edit)
        after_operand = bool(tail) and tail[-1] not in '{}"'
        items: list[lsp.CompletionItem] = []
        if block == "level":
            items += self.keyword_items(CRITERION_SNIPPETS, edit)
        elif block == "factor":
            items += self.keyword_items(FACTOR_SNIPPETS, edit)
        elif block is None:
            items += self.keyword_items(STATEMENT_SNIPPETS, edit)
        if after_operand and block in ("level", None):
            items += self.keyword_items({word: word for word in CONTINUATION_KEYWORDS}, edit)
        return items

    # -- where the cursor is

    def block(self, text: str) -> str | None:
        """The innermost `{}` block around the end of `text`: levels, factor, level or None."""
        stack: list[str] = []
        start = 0  # where the text since the last brace begins: a `{` opens the block that
        # the first block word in it names (each stretch is searched once: linear in the text)
        for brace in _BRACE.finditer(text):
            i = brace.start()
            if brace.group() == "{":
                opener = _BLOCK_KEYWORD.search(text, start, i)
                stack.append(opener[1] if opener else "?")
            elif stack:
                stack.pop()
            start = i + 1
        return stack[-1] if stack else None

    def quantifier_variables(self) -> dict[str, tuple[tuple[str, bool], ...]]:
        """The variables of quantifiers written before the cursor in the same statement."""
        return {m["name"]: segments(m["path"]) for m in _QUANTIFIER.finditer(self.statement)}

    # -- evidence paths

    def resolve(self, path: tuple[tuple[str, bool], ...], depth: int = 0) -> SchemaNode | None:
        """The schema node a path reaches through lets and quantifier variables, or None."""
        if self.index is None or not path or depth > 32:
            return None
        (root, ticked), rest = path[0], path[1:]
        node: SchemaNode | UnknownKey | None
        if not ticked and root in self.quantifiers:
            collection = self.resolve(self.quantifiers[root], depth + 1)
            node = None if collection is None else self.index.items(collection)
        elif not ticked and root in self.context.lets:
            let = self.context.lets[root].path
            node = None if let is None else self.resolve(let, depth + 1)
        else:
            node, rest = self.index.root(), path
        for key, _ in rest:
            if not isinstance(node, SchemaNode):
                return None
            node = self.index.child(node, key)
        return node if isinstance(node, SchemaNode) else None

    def key_items(
        self, path: tuple[tuple[str, bool], ...], partial: str
    ) -> list[lsp.CompletionItem]:
        node = self.resolve(path)
        if node is None:
            return []
        edit = self.text.range(self.line, self.column - len(partial), self.column)
        return self.field_items(node, edit)

    def field_items(self, node: SchemaNode, edit: lsp.Range) -> list[lsp.CompletionItem]:
        """A Field item for every key the schema allows at `node`, in the schema's order."""
        assert self.index is not None
        items: list[lsp.CompletionItem] = []
        seen: set[str] = set()
        for schema in node.schemas:
            properties = schema.get("properties")
            if not isinstance(properties, dict):
                continue
            for key, written in properties.items():
                if key in seen:
                    continue
                seen.add(key)
                child = self.index.child(node, key)
                title, description = _words(written, child)
                insert = key if _IDENTIFIER.fullmatch(key) else f"`{key}`"
                items.append(
                    lsp.CompletionItem(
                        label=key,
                        kind=lsp.CompletionItemKind.Field,
                        detail=title,
                        documentation=description,
                        label_details=lsp.CompletionItemLabelDetails(
                            description=describe_kinds(child.kinds())
                            if isinstance(child, SchemaNode)
                            else None
                        ),
                        sort_text=f"{len(items):04d}",
                        filter_text=insert,
                        text_edit=lsp.TextEdit(range=edit, new_text=insert),
                    )
                )
        return items

    # -- the start of an expression

    def expression_items(self, edit: lsp.Range) -> list[lsp.CompletionItem]:
        items: list[lsp.CompletionItem] = []
        for name, path in self.quantifiers.items():
            shown = ".".join(f"`{k}`" if ticked else k for k, ticked in path)
            items.append(self.item(name, lsp.CompletionItemKind.Variable, edit, f"in {shown}"))
        for name, let in sorted(self.context.lets.items()):
            if name not in self.quantifiers and name != self.defining:
                detail = let.text if len(let.text) <= 60 else let.text[:59] + "…"
                items.append(self.item(name, lsp.CompletionItemKind.Variable, edit, f"= {detail}"))
        for builtin in BUILTINS.values():
            item = self.item(builtin.name, lsp.CompletionItemKind.Function, edit, builtin.signature)
            item.documentation = builtin.summary
            if self.snippets:
                item.insert_text_format = lsp.InsertTextFormat.Snippet
                assert isinstance(item.text_edit, lsp.TextEdit)
                item.text_edit.new_text = f"{builtin.name}($1)"
            items.append(item)
        items += self.keyword_items(EXPRESSION_KEYWORDS, edit)
        if self.index is not None:
            roots = [
                item
                for item in self.field_items(self.index.root(), edit)
                if item.label not in self.context.lets and item.label not in self.quantifiers
            ]
            items += roots
        return items

    def keyword_items(self, words: Mapping[str, str], edit: lsp.Range) -> list[lsp.CompletionItem]:
        items = []
        for word, snippet in words.items():
            item = self.item(word, lsp.CompletionItemKind.Keyword, edit)
            if self.snippets and snippet != word:
                item.kind = lsp.CompletionItemKind.Snippet
                item.insert_text_format = lsp.InsertTextFormat.Snippet
                item.text_edit = lsp.TextEdit(range=edit, new_text=snippet)
            items.append(item)
        return items

    def item(
        self, label: str, kind: lsp.CompletionItemKind, edit: lsp.Range, detail: str | None = None
    ) -> lsp.CompletionItem:
        return lsp.CompletionItem(
            label=label,
            kind=kind,
            detail=detail,
            text_edit=lsp.TextEdit(range=edit, new_text=label),
        )


def _words(written: Any, node: SchemaNode | UnknownKey) -> tuple[str | None, str | None]:
    """The title and description of a key: where the property is written (a `$ref` does not
    carry them along), else from the schema it refers to."""
    candidates = [written] if isinstance(written, dict) else []
    if isinstance(node, SchemaNode):
        candidates += list(node.schemas)
    title = next((c["title"] for c in candidates if isinstance(c.get("title"), str)), None)
    description = next(
        (c["description"] for c in candidates if isinstance(c.get("description"), str)), None
    )
    return title, description
