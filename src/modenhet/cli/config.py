"""The configuration file: `[tool.modenhet]` in a `pyproject.toml`, or a `modenhet.toml`, found
upward from the working directory; and `modenhet config`, which shows what is in force.

The file gives the commands' defaults through Click's `default_map`, so an option on the
command line always beats it, and Click records where each value came from.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from modenhet.cli.common import OK, fail

FILE_NAMES = ("modenhet.toml", "pyproject.toml")  # in each folder, the first that has settings

# setting -> (the parameter's name, the commands that take it)
SETTINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rules": ("rules", ("evaluate", "explain", "compare", "validate")),
    # every command with --lang (tests/test_config.py holds this list to the commands)
    "lang": (
        "lang",
        ("evaluate", "compare", "impact", "check", "fmt", "validate", "explain", "test")
        + ("convert", "template"),
    ),
    "format": ("format_", ()),  # every command that offers the format (report.formats)
    "fail-under": ("fail_under", ("evaluate",)),
    "jobs": ("jobs", ("evaluate",)),
}
DEFAULTS: dict[str, str] = {
    "rules": "the rule set shipped with modenhet",
    "lang": "nn",
    "format": "each command's first (evaluate: table)",
    "fail-under": "none",
    "jobs": "1",
}


@dataclass
class Settings:
    """The settings a configuration file gives, and the file (None: no file found)."""

    path: Path | None = None
    table: str = ""  # where in the file: `[tool.modenhet]`, or "" for modenhet.toml
    values: dict[str, Any] = field(default_factory=dict)

    def default_map(self) -> dict[str, dict[str, Any]]:
        """Click's `default_map`: per command, its parameters' defaults from the file."""
        from modenhet.report import formats

        commands: dict[str, dict[str, Any]] = {}
        for key, value in self.values.items():
            parameter, takers = SETTINGS[key]
            if key == "format":
                takers = tuple(c for c in _commands() if value in formats(c))
            for command in takers:
                commands.setdefault(command, {})[parameter] = value
        return commands


def _commands() -> list[str]:
    """The commands that offer formats (the report table's, `report.RENDERERS`)."""
    from modenhet.report import RENDERERS

    return list(dict.fromkeys(what for what, _format in RENDERERS))


def find_settings(start: Path) -> Settings:
    """The settings of the nearest folder, from `start` upward, with a `modenhet.toml` or a
    `pyproject.toml` that has `[tool.modenhet]`; empty settings when there is none. Exits 2
    with the file and the problem when the file is not valid."""
    for folder in (start, *start.parents):
        for name in FILE_NAMES:
            path = folder / name
            try:
                data = path.read_bytes()
            except OSError:
                continue
            if name == "pyproject.toml" and b"tool.modenhet" not in data:
                continue  # most projects' pyproject.toml: not parsed at all
            return _read(path, data)
    return Settings()


def _read(path: Path, data: bytes) -> Settings:
    import tomllib

    shown = os.path.relpath(path) if not os.path.relpath(path).startswith("..") else str(path)
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        fail(f"{shown}: error: not valid TOML: {error}")
    if path.name == "pyproject.toml":
        table, raw = "[tool.modenhet]", document.get("tool", {}).get("modenhet")
        if raw is None:
            return Settings()
    else:
        table, raw = "", document
    where = f"{shown} {table}".rstrip()
    if not isinstance(raw, dict):
        fail(f"{where}: error: the settings must be a table")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        values[key] = _checked(where, key, value, path.parent)
    return Settings(path, table, values)


def _checked(where: str, key: str, value: Any, folder: Path) -> Any:
    """A setting's value as the command's option takes it, or exit 2 naming the problem."""
    import difflib

    if key not in SETTINGS:
        close = difflib.get_close_matches(key, SETTINGS, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        fail(
            f"{where}: error: unknown setting {key!r}{hint}; the settings are "
            + ", ".join(SETTINGS)
        )
    if key == "fail-under":
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"{where}: error: fail-under must be a whole number (a level), not {value!r}")
        return value
    if key == "jobs":
        if value != "auto" and (not isinstance(value, int) or isinstance(value, bool)):
            fail(f'{where}: error: jobs must be a whole number or "auto", not {value!r}')
        return str(value)
    if not isinstance(value, str):
        fail(f"{where}: error: {key} must be a string, not {value!r}")
    if key == "lang":
        from modenhet.i18n import LANGUAGES

        if value not in LANGUAGES:
            fail(f"{where}: error: lang must be one of {', '.join(LANGUAGES)}, not {value!r}")
    if key == "format":
        from modenhet.report import formats

        offered = sorted({f for command in _commands() for f in formats(command)})
        if value not in offered:
            fail(f"{where}: error: format must be one of {', '.join(offered)}, not {value!r}")
    if key == "rules":  # relative to the file's folder, as written there
        target = Path(value) if os.path.isabs(value) else folder / value
        relative = os.path.relpath(target)
        return str(target) if relative.startswith("..") else relative
    return value


@click.command()
def config() -> None:
    """Show the settings in force and where each comes from.

    The settings are read from a modenhet.toml, or from the [tool.modenhet] table of a
    pyproject.toml, in the working folder or the nearest folder above it that has one: rules,
    lang, format, fail-under and jobs. An option on the command line beats the file; the
    environment variable MODENHET_LANG beats the file's lang.

    \b
    Example modenhet.toml:
        rules = "rules/bustadsosialt.rules"
        format = "html"
        fail-under = 2
    """
    settings = find_settings(Path.cwd())
    if settings.path is None:
        click.echo("No configuration file (modenhet.toml, or pyproject.toml with [tool.modenhet]).")
    else:
        click.echo(f"Configuration file: {settings.path} {settings.table}".rstrip())
    from modenhet.i18n import LANGUAGE_VARIABLE

    rows = []
    for key in SETTINGS:
        if key == "lang" and os.environ.get(LANGUAGE_VARIABLE):  # Click: it beats the file
            rows.append((key, os.environ[LANGUAGE_VARIABLE], f"environment {LANGUAGE_VARIABLE}"))
        elif key in settings.values and settings.path is not None:
            source = f"{settings.path.name} {settings.table}".rstrip()
            rows.append((key, str(settings.values[key]), source))
        else:
            rows.append((key, DEFAULTS[key], "default"))
    width, value_width = max(len(row[0]) for row in rows), max(len(row[1]) for row in rows)
    for key, value, source in rows:
        click.echo(f"{key:<{width}}  {value:<{value_width}}  ({source})")
    raise SystemExit(OK)
