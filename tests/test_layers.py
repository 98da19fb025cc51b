"""The package's floor plan: imports only point down the pipeline (docs/design.md).

Every import in `src/modenhet` — at the top of a module, inside a function or under
`TYPE_CHECKING` — is read with `ast` and checked against the layers below, so that a reporter
never pulls in the engine and the engine never calls back into a command.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "modenhet"

# Low to high. A module may import its own layer's modules and those of lower layers only.
LAYERS: list[tuple[str, ...]] = [
    ("errors", "source", "catalogue", "limits", "i18n", "resources", "values"),
    ("language",),
    ("evidence",),
    ("check",),
    ("results",),
    ("engine",),
    ("run",),
    ("analyses",),
    ("authoring",),
    ("report",),
    ("cli",),
]

# Beyond the layers: what a layer must not import although it lies lower.
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "report": ("engine", "language", "check", "run.batch"),
    "results": ("engine",),
}

# The facade and `python -m modenhet` sit above everything by design.
TOP = {"__init__", "__main__"}


def unit_of(module: str) -> str:
    """`modenhet.engine.codegen` -> `engine`; `modenhet.values` -> `values`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def layer_of(unit: str) -> int:
    for number, members in enumerate(LAYERS):
        if unit in members:
            return number
    raise AssertionError(f"modenhet.{unit} is in no layer: add it to LAYERS in {__file__}")


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, imported module, imported names) for every import of a modenhet module."""
    tree = ast.parse(path.read_text("utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("modenhet"):
                    found.append((node.lineno, alias.name, []))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("modenhet"):
                continue
            names = [alias.name for alias in node.names]
            if base == "modenhet":  # `from modenhet import values`: a name may be a module
                for name in names:
                    is_module = (PACKAGE / f"{name}.py").exists() or (PACKAGE / name).is_dir()
                    found.append((node.lineno, f"modenhet.{name}" if is_module else base, []))
            else:
                found.append((node.lineno, base, names))
    return found


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_import_points_down() -> None:
    wrong: list[str] = []
    for path in modules():
        here = module_name(path)
        unit = unit_of(here)
        if unit in TOP:
            continue
        for line, target, _ in imports_of(path):
            other = unit_of(target)
            if other in TOP:
                if target == "modenhet" or target == "modenhet.__init__":
                    continue  # `from modenhet import __version__`
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: imports {target}")
                continue
            if layer_of(other) > layer_of(unit) or (
                layer_of(other) == layer_of(unit) and other != unit and layer_of(unit) > 0
            ):
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {here} imports {target} (up)")
            for banned in FORBIDDEN.get(unit, ()):
                if target == f"modenhet.{banned}" or target.startswith(f"modenhet.{banned}."):
                    wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {here} imports {target}")
    assert wrong == []


def test_no_private_name_crosses_a_package_boundary() -> None:
    wrong: list[str] = []
    for path in modules():
        here = module_name(path)
        for line, target, names in imports_of(path):
            if unit_of(target) == unit_of(here):
                continue
            private = [name for name in names if name.startswith("_") and name != "__version__"]
            if private:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line}: {private} from {target}")
    assert wrong == []


def test_no_import_cycle_between_modules() -> None:
    graph: dict[str, set[str]] = {}
    for path in modules():
        here = module_name(path)
        graph[here] = {target for _, target, _ in imports_of(path) if target != here}
    known = set(graph)
    for edges in graph.values():
        edges &= known  # `from modenhet.x import name`: the module x, which is in the graph
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if nxt in {"modenhet"}:
                continue
            if state.get(nxt) == 1:
                cycle.extend([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
                return True
            if state.get(nxt) is None and visit(nxt, [*trail, nxt]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if start not in state and visit(start, [start]):
            break
    assert cycle == []


def test_the_layering_test_fails_on_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: an engine module importing a reporter is caught."""
    fake = PACKAGE / "engine" / "_layering_probe.py"
    assert not fake.exists()
    fake.write_text("from modenhet.report.table import write_table\n", encoding="utf-8")
    try:
        with pytest.raises(AssertionError):
            test_every_import_points_down()
    finally:
        fake.unlink()


@pytest.mark.parametrize(
    "reporter",
    [
        "modenhet.report.table",
        "modenhet.report.json_report",
        "modenhet.report.csv_report",
        "modenhet.report.markdown",
        "modenhet.report.html",
    ],
)
def test_importing_a_reporter_does_not_import_lark_or_the_engine(reporter: str) -> None:
    code = (
        f"import sys, {reporter}\n"
        "loaded = sorted(m for m in sys.modules if m == 'lark' or m.startswith(('lark.', "
        "'modenhet.engine', 'modenhet.language.parser', 'modenhet.check.checker')))\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
