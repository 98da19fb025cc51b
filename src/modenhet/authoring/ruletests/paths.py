"""Paths into evidence as test files write them (`evidence.economy.budget_nok`, back-ticks
around a key that is not a plain name, `[0]` for a list element): parsed, and used to set and
unset values in a case's copy of the evidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any

from modenhet.authoring.ruletests.model import Key
from modenhet.i18n import N_, Text

_SEGMENT = re.compile(r"`([^`\n]+)`|([^.\[\]`\s]+)")
_INDEX = re.compile(r"\[([0-9]+)\]")


def parse_path(text: str) -> list[Key] | Text:
    """`evidence.participation.user_organisations[0].involved_in` (back-ticks around a key
    that is not a plain name) as its keys and indices, or what is wrong with it."""
    parts: list[Key] = []
    position = 0
    while True:
        match = _SEGMENT.match(text, position)
        if match is None:
            return _not_a_path(text)
        parts.append(unicodedata.normalize("NFC", match.group(1) or match.group(2)))
        position = match.end()
        while (index := _INDEX.match(text, position)) is not None:
            parts.append(int(index.group(1)))
            position = index.end()
        if position == len(text):
            return parts
        if text[position] != ".":
            return _not_a_path(text)
        position += 1


def _not_a_path(text: str) -> Text:
    return Text(N_("'%(text)s' is not a path like evidence.economy.budget_nok"), text=text)


def render_parts(parts: Sequence[Key]) -> str:
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def set_path(document: Any, parts: list[Key], value: Any) -> Text | None:
    """Set the value at the path, making the objects on the way that are absent or null;
    what is wrong, or None."""
    target = document
    for depth, part in enumerate(parts[:-1]):
        where = render_parts(parts[: depth + 1])
        if isinstance(part, int):
            if not isinstance(target, list) or part >= len(target):
                return _no_element(parts[:depth], part)
            target = target[part]
            continue
        if not isinstance(target, dict):
            return _not_an_object(parts[:depth])
        if target.get(part) is None:
            if isinstance(parts[depth + 1], int):
                return Text(N_("%(path)s is not a list"), path=where)
            target[part] = {}
        target = target[part]
    last = parts[-1]
    if isinstance(last, int):
        if not isinstance(target, list) or last >= len(target):
            return _no_element(parts[:-1], last)
    elif not isinstance(target, dict):
        return _not_an_object(parts[:-1])
    target[last] = value
    return None


def _no_element(parts: Sequence[Key], index: int) -> Text:
    return Text(N_("%(path)s has no element [%(index)s]"), path=render_parts(parts), index=index)


def _not_an_object(parts: Sequence[Key]) -> Text:
    return Text(N_("%(path)s is not an object"), path=render_parts(parts))


def unset_path(document: Any, parts: list[Key]) -> Text | None:
    """Remove the key (or list element) at the path; what is wrong, or None."""
    target = document
    for part in parts[:-1]:
        if isinstance(part, int):
            target = target[part] if isinstance(target, list) and part < len(target) else None
        else:
            target = target.get(part) if isinstance(target, dict) else None
    last = parts[-1]
    if isinstance(last, int) and isinstance(target, list) and last < len(target):
        del target[last]
        return None
    if isinstance(last, str) and isinstance(target, dict) and last in target:
        del target[last]
        return None
    return Text(N_("it is not in the evidence"))


def pointer_of(parts: Sequence[Key]) -> str:
    from modenhet.evidence.positions import escape_pointer

    return "".join(f"/{escape_pointer(str(part))}" for part in parts)


def pointer_keys(pointer: str) -> list[Key]:
    """A JSON pointer's steps as YAML path steps (a number is taken as a list index)."""
    keys: list[Key] = []
    for raw in pointer.split("/")[1:]:
        step = raw.replace("~1", "/").replace("~0", "~")
        keys.append(int(step) if step.isdecimal() else step)
    return keys
