"""YAML read strictly, for test files: YAML 1.2's plain scalars (`no` stays text), no aliases,
no duplicate keys, no tags; every value and key kept with its line, so that each problem found
later can point at the line that caused it.
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from modenhet.authoring.ruletests.model import Key, Problem
from modenhet.i18n import N_, Text

NO_ALIASES = N_(
    "aliases (*name) are not used in test files; give shared evidence a name under `documents`"
)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with the YAML 1.2 core schema's plain scalars: only `true` and
    `false` are booleans (`no`, the code for Norway, stays text), dates stay text (evidence is
    JSON, where a date is a string), integers are decimal (`0123` is 123, not octal), and there
    are no sexagesimal numbers, `.inf` or `.nan`. Aliases are refused."""

    yaml_implicit_resolvers: dict[Any, Any] = {}

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None,
                None,
                NO_ALIASES,
                event.start_mark,
            )
        return super().compose_node(parent, index)


for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    ("int", r"[-+]?[0-9]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(?=[eE]))(?:[eE][-+]?[0-9]+)?",
        "-+.0123456789",
    ),
):
    _Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(rf"^(?:{_pattern})$"), list(_first)
    )

_TAG = "tag:yaml.org,2002:"


class Fatal(Exception):
    """A problem that ends the reading of a test file: no case of it can run."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class YamlDocument:
    """A YAML text as plain values (dicts, lists, text, numbers, booleans, None), with the line
    of every value and mapping key, by its path from the top."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines: dict[tuple[Key, ...], int] = {}
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            # The YAML reader's own words are English; ours (NO_ALIASES) are translated.
            message: str | Text = str(error.problem or error.context or "not valid YAML")
            if error.context and error.problem:
                message = f"{error.problem} ({error.context})"
            elif message == NO_ALIASES:
                message = Text(NO_ALIASES)
            raise Fatal(
                Problem.of(
                    file,
                    mark.line + 1 if mark else None,
                    Text(N_("not valid YAML: %(message)s"), message=message),
                )
            ) from None
        except yaml.YAMLError as error:
            raise Fatal(
                Problem.of(file, None, Text(N_("not valid YAML: %(message)s"), message=str(error)))
            ) from None
        except RecursionError:
            raise Fatal(
                Problem.of(file, None, Text(N_("the test file is nested too deeply")))
            ) from None
        finally:
            loader.dispose()
        if node is None:
            raise Fatal(Problem.of(file, 1, Text(N_("the test file is empty"))))
        self.value = self.build(node, ())

    def fail(self, node: Node, message: Text) -> Fatal:
        return Fatal(Problem.of(self.file, node.start_mark.line + 1, message))

    def build(self, node: Node, path: tuple[Key, ...]) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        if isinstance(node, SequenceNode) and node.tag == _TAG + "seq":
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode) and node.tag == _TAG + "map":
            result: dict[str, Any] = {}
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise self.fail(
                        key_node, Text(N_("a key must be text, not a list or a mapping"))
                    )
                key = unicodedata.normalize("NFC", key_node.value)
                line = key_node.start_mark.line + 1
                if key in first:
                    raise self.fail(
                        key_node,
                        Text(
                            N_(
                                "the key '%(key)s' appears more than once in this mapping (first "
                                "on line %(line)s); a YAML reader would silently keep the last"
                            ),
                            key=key,
                            line=first[key],
                        ),
                    )
                first[key] = line
                self.lines[(*path, key)] = line
                result[key] = self.build(value_node, (*path, key))
            return result
        raise self.fail(node, _unused_tag(node.tag))

    def scalar(self, node: ScalarNode) -> Any:
        tag, text = node.tag, node.value
        try:
            if tag == _TAG + "str":
                return unicodedata.normalize("NFC", text)
            if tag == _TAG + "null":
                return None
            if tag == _TAG + "bool":
                return text.lower() == "true"
            if tag == _TAG + "int":
                return int(text, 10)
            if tag == _TAG + "float":
                number = float(text)
                if math.isfinite(number):
                    return number
                raise self.fail(node, Text(N_("%(text)s is too large a number"), text=text))
        except ValueError:
            raise self.fail(
                node,
                Text(N_("%(text)s is not a %(tag)s"), text=repr(text), tag=tag.removeprefix(_TAG)),
            ) from None
        raise self.fail(node, _unused_tag(tag))

    def line(self, path: tuple[Key, ...]) -> int:
        """The line of the value (or key) at `path`, or of the nearest thing above it."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def unknown_keys(
        self,
        mapping: dict[str, Any],
        path: tuple[Key, ...],
        known: Sequence[str],
        what: str | Text,
    ) -> list[Problem]:
        """A problem at each key of the mapping at `path` that is not one of `known`."""
        problems = []
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    Text(N_("did you mean `%(name)s`?"), name=close[0])
                    if close
                    else Text(N_("known: %(names)s"), names=", ".join(known))
                )
                message = Text(
                    N_("unknown key `%(key)s` in %(what)s (%(hint)s)"),
                    key=key,
                    what=what,
                    hint=hint,
                )
                problems.append(Problem.of(self.file, self.line((*path, key)), message))
        return problems


def _unused_tag(tag: str) -> Text:
    return Text(N_("the tag %(tag)s is not used in test files"), tag=tag)
