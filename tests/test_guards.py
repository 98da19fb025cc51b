"""The structure that makes modenhet start fast, kept by tests that do not time anything.

Each test runs a command in a fresh interpreter and looks at what it imported: a later change
that pulls a heavy library into a path that does not need it fails here, not in a benchmark
nobody reads. (That evaluation never calls into Lark is in test_engine.py; that a warm grammar
cache skips Lark's grammar analysis is in test_parsercache.py.)
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
HEAVY = ("jsonschema", "lark", "tabulate", "jinja2", "pygls", "yaml")


def imported_by(*arguments: str) -> set[str]:
    """The top-level packages a `modenhet` command imports, run in a new process."""
    code = (
        "import json, sys\n"
        "from modenhet.cli import main\n"
        "try:\n"
        f"    main({list(arguments)!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.__stderr__.write(json.dumps(sorted(sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    modules = json.loads(completed.stderr.splitlines()[-1])
    return {name for name in modules if "." not in name or name.startswith("modenhet.")}


def test_the_version_imports_nothing_heavy() -> None:
    modules = imported_by("--version")
    assert not modules & set(HEAVY)
    assert not {m for m in modules if m.startswith("modenhet.")} - {"modenhet.cli"}


def test_the_help_imports_no_command() -> None:
    modules = imported_by("--help")
    assert not modules & set(HEAVY)
    assert "modenhet.cli.evaluate" not in modules


@pytest.mark.parametrize(
    ("report_format", "absent"),
    [
        ("json", {"tabulate", "jinja2", "yaml", "pygls"}),
        ("table", {"jinja2", "yaml", "pygls"}),
        ("csv", {"tabulate", "jinja2", "yaml", "pygls"}),
    ],
)
def test_a_report_loads_only_its_own_renderer(
    report_format: str, absent: set[str], tmp_path: Path
) -> None:
    output = tmp_path / "report"
    modules = imported_by(
        "evaluate", "samples/4601-bergen.json", "-f", report_format, "-o", str(output),
    )  # fmt: skip
    assert output.stat().st_size > 0
    assert "lark" in modules  # the rules were read: the test looks at a real run
    assert not modules & absent


def test_the_html_report_does_load_its_stack(tmp_path: Path) -> None:
    """The counterpart that shows the test above can see an import."""
    output = tmp_path / "report.html"
    modules = imported_by(
        "evaluate", "samples/4601-bergen.json", "-f", "html", "-o", str(output),
    )  # fmt: skip
    assert "jinja2" in modules


def test_check_loads_no_report_renderer_but_its_own() -> None:
    modules = imported_by("check", "rules/bustadsosialt.rules")
    assert not modules & {"jinja2", "pygls"}
    # Every renderer lives in report/ (docs/design.md); check's text is report.diagnostics.
    own = {"modenhet.report.diagnostics"}
    assert not {m for m in modules if m.startswith("modenhet.report.")} - own
