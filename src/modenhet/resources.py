"""Where the default rule set and the schemas are: inside the installed package (the wheel
copies them from the repository's top-level `rules/` and `schemas/`), or, in a source checkout
or an editable install, in those top-level folders themselves. One copy either way.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # src/modenhet -> the repository


def data_dir(name: str) -> Path:
    """The folder `rules` or `schemas`, packaged or in the checkout."""
    packaged = _PACKAGE / "data" / name
    if packaged.is_dir():
        return packaged
    return _CHECKOUT / name


def default_rules_path() -> Path:
    return data_dir("rules") / "bustadsosialt.rules"


def default_schema_path() -> Path:
    return data_dir("schemas") / "evidence.schema.json"


def report_schema_path() -> Path:
    return data_dir("schemas") / "report.schema.json"
