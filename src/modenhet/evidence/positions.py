"""Where each value of a JSON text stands: JSON pointer -> line and column.

Only run for a document that has problems, to point at the offending value (or key) in the
file; the text is known to be valid JSON by then. Iterative, so deep nesting cannot overflow.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field


def escape_pointer(key: str) -> str:
    """A key as one JSON Pointer segment (RFC 6901)."""
    return key.replace("~", "~0").replace("/", "~1")


_WHITESPACE = " \t\r\n"
_DECODE_STRING = json.decoder.scanstring  # type: ignore[attr-defined]


@dataclass
class Positions:
    """1-based (line, column) of each value, and of each object member's key."""

    values: dict[str, tuple[int, int]] = field(default_factory=dict)
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    def of(self, pointer: str, *, key: bool = False) -> tuple[int, int] | None:
        if key and pointer in self.keys:
            return self.keys[pointer]
        return self.values.get(pointer)


def locate(text: str) -> Positions:
    """The positions of every value of a valid JSON text (what was found, if it is not)."""
    positions = Positions()
    try:
        _scan(text, positions)
    except (ValueError, IndexError):
        pass  # not valid JSON after all: the positions found so far
    return positions


def _scan(text: str, positions: Positions) -> None:
    line_starts = [0]
    for index, char in enumerate(text):
        if char == "\n":
            line_starts.append(index + 1)

    def where(offset: int) -> tuple[int, int]:
        low, high = 0, len(line_starts) - 1
        while low < high:
            middle = (low + high + 1) // 2
            if line_starts[middle] <= offset:
                low = middle
            else:
                high = middle - 1
        return low + 1, offset - line_starts[low] + 1

    index = _skip(text, 1 if text.startswith("\ufeff") else 0)
    # The stack holds, per open container: its pointer, its kind, and the next list index.
    stack: list[list[object]] = []
    pointer = ""
    expect_value = True
    while index < len(text):
        char = text[index]
        if expect_value:
            positions.values[pointer] = where(index)
            if char == "{":
                stack.append([pointer, "object", 0])
                index = _skip(text, index + 1)
                if text[index] == "}":
                    stack.pop()
                    index += 1
                    expect_value = False
                    continue
                key, end = _DECODE_STRING(text, index + 1)
                child = f"{pointer}/{_key(key)}"
                positions.keys[child] = where(index)
                index = _skip(text, _skip(text, end) + 1)  # past the colon
                pointer = child
                continue
            if char == "[":
                stack.append([pointer, "array", 0])
                index = _skip(text, index + 1)
                if text[index] == "]":
                    stack.pop()
                    index += 1
                    expect_value = False
                    continue
                pointer = f"{pointer}/0"
                continue
            if char == '"':
                _, index = _DECODE_STRING(text, index + 1)
            else:
                while index < len(text) and text[index] not in ",]}" + _WHITESPACE:
                    index += 1
            expect_value = False
            continue
        index = _skip(text, index)
        if index >= len(text) or not stack:
            break
        container = stack[-1]
        char = text[index]
        if char == ",":
            index = _skip(text, index + 1)
            if container[1] == "object":
                key, end = _DECODE_STRING(text, index + 1)
                pointer = f"{container[0]}/{_key(key)}"
                positions.keys[pointer] = where(index)
                index = _skip(text, _skip(text, end) + 1)
            else:
                container[2] = int(container[2]) + 1  # type: ignore[call-overload]
                pointer = f"{container[0]}/{container[2]}"
            expect_value = True
        else:  # the closing bracket of the container
            stack.pop()
            pointer = str(container[0])
            index += 1


def _key(key: str) -> str:
    return escape_pointer(key if key.isascii() else unicodedata.normalize("NFC", key))


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index
