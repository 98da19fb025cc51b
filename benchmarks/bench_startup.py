"""Parse-and-check time of rule sets (the default one, and one 50 times larger) and the cold
start of the command line, as subprocess wall times. Used by `run.py`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_evaluate import RULES, SAMPLES, SCHEMA

import modenhet

FACTOR_HEAD = re.compile(r'^factor (\w+) "([^"]*)"', re.MULTILINE)


def large_ruleset(folder: Path, copies: int) -> tuple[Path, int]:
    """Write the default rule set with each factor repeated `copies` times (IDs and titles
    numbered) to folder/rules/, with the schema beside it as the default rule set has it.
    Returns the file and its number of factors."""
    text = RULES.read_text(encoding="utf-8")
    heads = list(FACTOR_HEAD.finditer(text))
    if not heads:
        raise ValueError(f"no factor in {RULES}")
    preamble, body = text[: heads[0].start()], text[heads[0].start() :]
    # Each factor runs from its head to the next one; comments between factors go along.
    starts = [m.start() - heads[0].start() for m in heads] + [len(body)]
    factors = [body[a:b] for a, b in zip(starts, starts[1:], strict=False)]
    parts = [preamble]
    for copy in range(1, copies + 1):
        for factor in factors:
            parts.append(
                FACTOR_HEAD.sub(
                    lambda m, n=copy: f'factor {m[1]}_{n:02d} "{m[2]} ({n})"', factor, count=1
                )
            )
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    (folder / "schemas").mkdir(exist_ok=True)
    shutil.copyfile(SCHEMA, folder / "schemas" / SCHEMA.name)
    path = folder / "rules" / f"{RULES.stem}-x{copies}.rules"
    path.write_text("".join(parts), encoding="utf-8")
    return path, len(factors) * copies


def parse_and_check(path: Path) -> tuple[int, int]:
    """Read, parse and check a rule set (no compiling), as `modenhet check` does; returns the
    number of factors and criteria. Fails on any diagnostic that is an error."""
    from modenhet.check.checker import check
    from modenhet.language.loader import load_rule_files

    model, diagnostics = check(load_rule_files(path))
    errors = [d for d in diagnostics if d.severity == "error"]
    if model is None or errors:
        raise RuntimeError(f"{path} does not check: {errors[0].render() if errors else '?'}")
    return len(model.factors), len(model.criteria)


def best_of(action: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def load_seconds(path: Path, repeat: int) -> tuple[float, float, int, int]:
    """Best seconds to parse and check, best seconds for `load_ruleset` (parse, check and
    compile), and the numbers of factors and criteria."""
    factors, criteria = parse_and_check(path)  # warm: the Lark parser is built once a process
    checked = best_of(lambda: parse_and_check(path), repeat)
    loaded = best_of(lambda: modenhet.load_ruleset(path), repeat)
    return checked, loaded, factors, criteria


# ------------------------------------------------------------------------------ cold start


def modenhet_command() -> tuple[list[str], str]:
    """The installed `modenhet` script beside this interpreter (else `python -m modenhet`),
    and the interpreter that runs it (the script's own, from its #! line)."""
    script = Path(sys.executable).with_name("modenhet")
    if script.exists():
        first = script.read_text(encoding="utf-8", errors="replace").splitlines()[0]
        python = first[2:].strip() if first.startswith("#!") else sys.executable
        if os.path.exists(python):
            return [str(script)], python
        return [str(script)], sys.executable
    return [sys.executable, "-m", "modenhet"], sys.executable


def cold_start_commands(sample: Path) -> list[tuple[str, list[str]]]:
    command, python = modenhet_command()
    name = "modenhet" if len(command) == 1 else "python -m modenhet"
    return [
        ('python -c "import click"', [python, "-c", "import click"]),
        ('python -c "import click, lark, jsonschema, tabulate"',
         [python, "-c", "import click, lark, jsonschema, tabulate"]),
        (f"{name} --version", [*command, "--version"]),
        (f"{name} check {RULES.parent.name}/{RULES.name}", [*command, "check", str(RULES)]),
        (f"{name} evaluate {SAMPLES.name}/{sample.name}",
         [*command, "evaluate", str(sample), "--as-of", "2025-06-30"]),
    ]  # fmt: skip


def as_installed() -> dict[str, str]:
    """The environment of a user's run: modenhet's modules compiled to bytecode, as pip does
    when it installs a wheel (an editable install, or PYTHONDONTWRITEBYTECODE, would otherwise
    time Python compiling modenhet's source on every start)."""
    import compileall

    import modenhet

    compileall.compile_dir(Path(modenhet.__file__).parent, quiet=1)
    environment = dict(os.environ)
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def cold_start(commands: list[tuple[str, list[str]]], repeat: int) -> dict[str, float]:
    """Best wall seconds per command, run as a fresh process each time, in interleaved rounds.
    Every command must succeed."""
    environment = as_installed()
    best = {name: float("inf") for name, _ in commands}
    for _ in range(repeat):
        for name, argv in commands:
            start = time.perf_counter()
            done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  env=environment, check=False)  # fmt: skip
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                raise RuntimeError(f"{name} exited with {done.returncode}: "
                                   f"{done.stderr.decode(errors='replace')[-500:]}")  # fmt: skip
            best[name] = min(best[name], elapsed)
    return best


def default_sample() -> Path:
    preferred = SAMPLES / "4601-bergen.json"
    return preferred if preferred.exists() else sorted(SAMPLES.glob("*.json"))[0]
