"""`check`, `test` and `fmt` speak the reader's language: every diagnostic of the catalogue, run
through the real command line with `--lang nb` and `--lang nn`, holds no English word once the
rule text it quotes is taken out, and the same run in English does (so the word list finds
what it should). MODENHET_LANG sets the language, nynorsk is the default, and the machine
formats (JSON, SARIF, JUnit) stay English whatever the language."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from modenhet.catalogue import CATALOGUE
from modenhet.cli import main
from test_catalogue import write_example

from conftest import ROOT

# Words that a message in bokmål or nynorsk never holds, but English messages do: the brief's
# list and the small words every English sentence has. Not `in`, `for`, `over`, `under`, `to`
# or `no`, which are Norwegian words too; not keywords of the rule language (`not` is one, but
# a message writes it as code, in quotes or back-ticks).
ENGLISH = frozenset(
    """
    missing error errors warning warnings unknown expected required not valid invalid must
    found hint should cannot the is are of and or but got line file files this that there
    which never always with without written write value only than before after does has
    have been would could passed failed reformatted formatted already case cases coverage
    covered
    """.split()
)
PHRASES = ("did you mean",)

# A line of the quoted rule text: `   11 | when cout(x) > 1` and the caret line under it.
SNIPPET = re.compile(r"^\s*\d* \| ")
CODE = re.compile(r"`[^`\n]*`")
QUOTED = re.compile(r"""(['"])(.*?)\1""")
FILE_NAME = re.compile(r"\S+\.(?:rules|json|ya?ml)\b")
WORD = re.compile(r"\w+")


def english_words(output: str, sources: Iterable[str], folder: Path) -> list[str]:
    """The English words in what modenhet wrote, leaving out what it quotes: the lines of rule
    text under a diagnostic (they start with the line-number gutter), code in back-ticks,
    a quoted name or value (no space in it) or a quoted piece of the rule files, and paths."""
    source = "\n".join(sources)

    def unquote(match: re.Match[str]) -> str:
        inside = match.group(2)
        return " " if not re.search(r"\s", inside) or inside in source else match.group(0)

    lines = [line for line in output.splitlines() if not SNIPPET.match(line)]
    text = "\n".join(lines).replace(str(folder), " ")
    text = CODE.sub(" ", text)
    text = QUOTED.sub(unquote, text)
    text = FILE_NAME.sub(" ", text)
    found = [word for word in WORD.findall(text.lower()) if word in ENGLISH]
    return found + [phrase for phrase in PHRASES if phrase in " ".join(WORD.findall(text.lower()))]


def test_the_filter_keeps_english_and_drops_only_what_is_quoted(tmp_path: Path) -> None:
    """The filter itself: a sentence in English is found even next to quoted rule text; the
    quoted text, the snippet and code are not counted."""
    output = (
        f"{tmp_path}/r.rules:3:9: feil: ukjend funksjon 'x and y' (meinte du 'count'?)\n"
        "    3 |   when x and y or not z\n"
        "      |        ^^^^ M401\n"
        "      = tips: skriv `a < b and b < c`\n"
    )
    assert english_words(output, ["when x and y or not z"], tmp_path) == []
    assert english_words(
        output + "the rule is not valid\n", ["when x and y or not z"], tmp_path
    ) == [
        "the",
        "is",
        "not",
        "valid",
    ]
    # Quoted text that is not in the rule files, with a space in it, is a sentence: counted.
    assert english_words("feil: 'is not valid'", ["x"], tmp_path) == ["is", "not", "valid"]


# ------------------------------------------------------------------ every catalogued diagnostic

LIMITS = {"M305": {"MODENHET_MAX_RULE_FILES": "3"}, "M218": {"MODENHET_MAX_LEVEL_BLOCKS": "2"}}


def check(path: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    runner = CliRunner(env={"MODENHET_LANG": None, **(env or {})})
    return runner.invoke(main, ["check", str(path), *args], catch_exceptions=False)


def example(code: str, folder: Path) -> tuple[Path, list[str]]:
    """The catalogue entry's wrong example in files, and the text of every rule file."""
    top = write_example(CATALOGUE[code].wrong, folder)
    return top, [p.read_text("utf-8") for p in (folder / "rules").rglob("*.rules")]


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_diagnostic_in_bokmal_and_nynorsk_holds_no_english(code: str, tmp_path: Path) -> None:
    top, sources = example(code, tmp_path)
    said = {}
    for lang in ("nb", "nn", "en"):
        result = check(top, "--lang", lang, env=LIMITS.get(code))
        assert result.exit_code in (0, 1), result.output
        assert f" {code}" in result.output, result.output
        said[lang] = result.output
    for lang in ("nb", "nn"):
        assert english_words(said[lang], sources, tmp_path) == [], said[lang]
    assert english_words(said["en"], sources, tmp_path), said["en"]
    severity = {"nb": {"error": "feil", "warning": "advarsel"}, "nn": {"error": "feil"}}
    word = severity["nb"][CATALOGUE[code].severity]
    assert f": {word}: " in said["nb"]
    if CATALOGUE[code].severity == "warning":
        assert ": åtvaring: " in said["nn"] and ": advarsel: " not in said["nn"]


def test_the_words_around_a_diagnostic(tmp_path: Path) -> None:
    """The severity, the hint and the summary line, in each language, by hand."""
    top, _ = example("M401", tmp_path)
    nn, nb, en = (check(top, "--lang", lang).output for lang in ("nn", "nb", "en"))
    assert ": feil: ukjend funksjon 'cout' (meinte du 'count'?)\n" in nn
    assert "\n      = tips: funksjonane er count, exists, sum," in nn
    assert nn.endswith(f"{top}: 1 feil, 0 åtvaringar\n")
    assert ": feil: ukjent funksjon 'cout' (mente du 'count'?)\n" in nb
    assert "\n      = tips: funksjonene er count, exists, sum," in nb
    assert nb.endswith(f"{top}: 1 feil, 0 advarsler\n")
    assert ": error: unknown function 'cout' (did you mean 'count'?)\n" in en
    assert "\n      = hint: the functions are count, exists, sum," in en
    assert en.endswith(f"{top}: 1 error(s), 0 warning(s)\n")


def test_a_rule_set_that_checks_is_counted_in_the_readers_words(tmp_path: Path) -> None:
    rules = ROOT / "rules" / "bustadsosialt.rules"
    nn = check(rules, "--lang", "nn").output
    assert re.fullmatch(
        r"\S+: ok — 6 faktorar, \d+ kriterium, \d+ let-definisjonar, 1 fil\n", nn
    ), nn
    nb = check(rules, "--lang", "nb").output
    assert re.fullmatch(r"\S+: ok — 6 faktorer, \d+ kriterier, \d+ let-definisjoner, 1 fil\n", nb)
    en = check(rules, "--lang", "en").output
    assert re.fullmatch(r"\S+: ok — 6 factors, \d+ criteria, \d+ lets, 1 file\(s\)\n", en)


def test_every_kind_of_mistake_at_once(tmp_path: Path) -> None:
    """tests/all_codes: every code in one rule set, through a real process; in bokmål no
    English word but in the rule text, in English plenty."""
    shutil.copytree(ROOT / "tests" / "all_codes", tmp_path / "all_codes")
    shutil.copytree(ROOT / "schemas", tmp_path / "all_codes" / "schemas")
    top = tmp_path / "all_codes" / "rules" / "test.rules"
    sources = [p.read_text("utf-8") for p in (tmp_path / "all_codes").rglob("*.rules")]
    env = {**os.environ, "MODENHET_MAX_RULE_FILES": "10", "MODENHET_MAX_LEVEL_BLOCKS": "4"}
    package = Path(__import__("modenhet").__file__).parent.parent
    env["PYTHONPATH"] = str(package)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "modenhet", "check", str(top), *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    nb = run("--lang", "nb")
    assert nb.returncode == 1
    assert nb.stderr.count(": feil: ") > 30
    assert english_words(nb.stderr + nb.stdout, sources, tmp_path) == [], nb.stderr
    en = run("--lang", "en")
    assert len(english_words(en.stderr + en.stdout, sources, tmp_path)) > 100


# ------------------------------------------------------------------ MODENHET_LANG and the default


def test_modenhet_lang_is_the_same_as_lang_and_nynorsk_is_the_default(tmp_path: Path) -> None:
    top, _ = example("M404", tmp_path)
    given = check(top, "--lang", "nb").output
    assert check(top, env={"MODENHET_LANG": "nb"}).output == given
    assert check(top, "--lang", "en", env={"MODENHET_LANG": "nb"}).output != given  # option wins
    default = check(top).output
    assert default == check(top, "--lang", "nn").output
    assert ": feil: 'null' er ingen verdi\n" in default and "åtvaringar" in default


def test_the_three_commands_have_the_shared_lang_option() -> None:
    from modenhet.i18n import DEFAULT_LANGUAGE, LANGUAGES

    for name in ("check", "test", "fmt"):
        command = main.get_command(click.Context(main), name)
        assert command is not None
        (option,) = [p for p in command.params if p.name == "lang"]
        assert isinstance(option, click.Option) and isinstance(option.type, click.Choice)
        assert option.default == DEFAULT_LANGUAGE and tuple(option.type.choices) == LANGUAGES
        assert option.envvar == "MODENHET_LANG"


# ------------------------------------------------------------------ machines read English


@pytest.mark.parametrize("format_", ["json", "sarif"])
def test_json_and_sarif_are_english_whatever_the_language(format_: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "tests" / "all_codes", tmp_path / "all_codes")
    shutil.copytree(ROOT / "schemas", tmp_path / "all_codes" / "schemas")
    top = tmp_path / "all_codes" / "rules" / "test.rules"
    env = {"MODENHET_MAX_RULE_FILES": "10", "MODENHET_MAX_LEVEL_BLOCKS": "4"}
    outputs = {
        lang: check(top, "--format", format_, "--lang", lang, env=env).stdout
        for lang in ("nn", "nb", "en")
    }
    assert outputs["nn"] == outputs["nb"] == outputs["en"]
    text = json.dumps(json.loads(outputs["en"]), ensure_ascii=False)
    assert "unknown function 'cout' (did you mean 'count'?)" in text
    assert "is a reserved word" in text and "ukjend" not in text and "ukjent" not in text


# ------------------------------------------------------------------ test and fmt

RULES = """\
ruleset "Liten" version "1"
levels { 1 "Ein" 2 "To" 3 "Tre" }
factor f "Faktor" {
  level 2 { criterion x "Tal over null" when a.x > 0 }
  level 3 { criterion y "Flagg" when a.y == true }
}
"""
TESTS = """\
rules: liten.rules
as_of: 2025-06-30
cases:
  galt venta:
    evidence: {a: {x: 1, y: false}}
    expect: {factors: {f: 3}, criteria: {f.y: met}}
  manglar:
    evidence: {a: {y: true}}
    expect: {criteria: {f.x: {status: unknown, missing: []}}}
"""


def run_tests(folder: Path, *args: str) -> Result:
    runner = CliRunner(env={"MODENHET_LANG": None})
    return runner.invoke(
        main, ["test", str(folder / "liten.test.yaml"), *args], catch_exceptions=False
    )


def test_a_failing_rule_test_in_bokmal(tmp_path: Path) -> None:
    (tmp_path / "liten.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "liten.test.yaml").write_text(TESTS, encoding="utf-8")
    sources = [RULES, TESTS]
    nb = run_tests(tmp_path, "--lang", "nb", "--coverage")
    assert nb.exit_code == 1
    out = nb.stdout
    assert ": 2 testtilfeller mot " in out and ", per 30.06.2025\n" in out
    assert "  FEILET galt venta  (" in out
    assert ": f: forventet nivå 3, fikk nivå 2\n" in out
    assert ": f.y: forventet oppfylt, fikk ikke oppfylt\n" in out
    assert "f.y (nivå 3) — ikke oppfylt  [" in out
    assert "f.x: forventet ukjent (mangler: ingenting), fikk ukjent (mangler: a.x)" in out
    assert "0 bestått, 2 feilet\n" in out
    assert "Dekningen av Liten 1 (" in out and "Testtilfeller på nivå" in out
    assert "Ikke dekket:\n" in out and "f: ingen testtilfeller står på nivå 3" in out
    assert english_words(nb.output, sources, tmp_path) == [], nb.output
    en = run_tests(tmp_path, "--lang", "en", "--coverage")
    assert ": f: expected level 3, got level 2\n" in en.stdout
    assert ": f.y: expected met, got not_met\n" in en.stdout
    assert "0 passed, 2 failed\n" in en.stdout and "as of 2025-06-30" in en.stdout
    assert english_words(en.output, sources, tmp_path)
    assert (
        run_tests(tmp_path, "--coverage").stdout
        == run_tests(tmp_path, "--lang", "nn", "--coverage").stdout
    )
    assert "0 bestått, 2 feila\n" in run_tests(tmp_path).stdout  # the default: nynorsk


def test_problems_in_a_test_file_in_bokmal(tmp_path: Path) -> None:
    (tmp_path / "liten.rules").write_text(RULES, encoding="utf-8")
    broken = TESTS.replace("expect: {factors: {f: 3}", "expct: {factors: {f: 3}").replace(
        "f.x:", "f.z:"
    )
    (tmp_path / "liten.test.yaml").write_text(broken, encoding="utf-8")
    nb = run_tests(tmp_path, "--lang", "nb")
    assert "ukjent nøkkel `expct` i testtilfellet 'galt venta' (mente du `expect`?)" in nb.stderr
    assert "testtilfellet 'galt venta' har ingen `expect`" in nb.stderr
    assert "ukjent kriterium i f 'z' (kjente: x, y)" in nb.stderr
    assert "0 bestått, 0 feilet, 2 ikke kjørt" in nb.stdout
    assert english_words(nb.output, [RULES, broken], tmp_path) == [], nb.output


def test_junit_is_english_whatever_the_language(tmp_path: Path) -> None:
    (tmp_path / "liten.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "liten.test.yaml").write_text(TESTS, encoding="utf-8")
    outputs = {lang: run_tests(tmp_path, "-f", "junit", "--lang", lang) for lang in ("nb", "en")}
    assert outputs["nb"].stdout == outputs["en"].stdout
    assert "f: expected level 3, got level 2" in outputs["en"].stdout


def fmt(*args: str) -> Result:
    runner = CliRunner(env={"MODENHET_LANG": None})
    return runner.invoke(main, ["fmt", *args], catch_exceptions=False)


def test_fmt_check_in_bokmal(tmp_path: Path) -> None:
    messy = tmp_path / "rot.rules"
    messy.write_text('ruleset "R"  levels { 1 "Ein" }\n', encoding="utf-8")
    clean = tmp_path / "rein.rules"
    clean.write_text('ruleset "R"\n\nlevels {\n  1 "Ein"\n}\n', encoding="utf-8")
    broken = tmp_path / "feil.rules"
    broken.write_text("let a = (1 +\n", encoding="utf-8")
    nb = fmt("--check", "--lang", "nb", str(messy), str(clean), str(broken))
    assert nb.exit_code == 1
    assert f"{messy}: ville blitt formatert om\n" in nb.stdout
    assert f"{broken}: 1 feil, ikke formatert\n" in nb.stdout
    assert nb.stdout.endswith("1 fil ville blitt formatert om, 1 trenger ingen endring\n")
    assert ": feil: denne '(' lukkes aldri: forventet ')' før slutten av filen" in nb.stderr
    assert english_words(nb.output, ["let a = (1 +\n"], tmp_path) == [], nb.output
    en = fmt("--check", "--lang", "en", str(messy), str(clean))
    assert en.stdout.endswith("1 file(s) would be reformatted, 1 already formatted\n")
    gone = tmp_path / "borte.rules"
    assert fmt(str(gone)).stderr == f"{gone}: feil: fila eller mappa finst ikkje\n"
    assert fmt("--lang", "nb", str(messy)).stdout == (
        f"{messy}: formatert om\n1 fil formatert om, 0 trengte ingen endring\n"
    )


# ------------------------------------------------------------------ no message left untranslatable

MESSAGE_CALLS = {"of", "error", "warning", "_error"}


def test_every_diagnostic_message_in_the_code_is_a_text() -> None:
    """No parser, loader or checker message is an f-string or a bare string, which would reach
    a reader of nynorsk in English: each is a `Text` (or a helper that makes one)."""
    folders = [ROOT / "src" / "modenhet" / "check", ROOT / "src" / "modenhet" / "language"]
    bare = []
    for path in (p for folder in folders for p in folder.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in MESSAGE_CALLS or len(node.args) < 3:
                continue
            for argument in node.args[2:]:
                written = isinstance(argument, ast.Constant) and isinstance(argument.value, str)
                if written or isinstance(argument, ast.JoinedStr):
                    bare.append(f"{path.name}:{argument.lineno}")
    assert bare == []
