"""The report's own words in nynorsk, bokmål and English: every word extracted, every word
translated with the same placeholders, and the compiled catalogs current."""

from __future__ import annotations

import gettext
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from modenhet.i18n import DEFAULT_LANGUAGE, LANGUAGES, LOCALE_DIR, translator

from conftest import ROOT

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def read(path: Path) -> Any:
    with open(path, "rb") as handle:
        return read_po(handle)


def catalog(language: str) -> Any:
    return read(LOCALE_DIR / language / "LC_MESSAGES" / "modenhet.po")


def test_the_template_holds_every_word_in_the_code(tmp_path: object) -> None:
    """pybabel extract (babel.cfg) finds exactly the messages of the committed template."""
    target = f"{tmp_path}/fresh.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            target,
            str(ROOT),
        ]
    )
    fresh = {m.id for m in read(Path(target)) if m.id}
    committed = {m.id for m in read(LOCALE_DIR / "modenhet.pot") if m.id}
    assert fresh == committed, "run the pybabel commands in docs/translating.md"


def forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's id or translation as a tuple: one text, or the plural forms (ngettext)."""
    return text if isinstance(text, tuple) else (text,)


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_every_word_is_translated_with_its_placeholders(language: str) -> None:
    template = {m.id for m in read(LOCALE_DIR / "modenhet.pot") if m.id}
    translated = {m.id: m.string for m in catalog(language) if m.id}
    assert set(translated) == template
    for msgid, msgstr in translated.items():
        placeholders = {tuple(sorted(PLACEHOLDER.findall(text))) for text in forms(msgid)}
        assert len(placeholders) == 1, f"singular and plural differ: {msgid!r}"
        assert len(forms(msgstr)) == len(forms(msgid)), msgid  # two forms: n == 1, n != 1
        for text in forms(msgstr):
            assert text, f"{language}: no translation of {msgid!r}"
            assert {tuple(sorted(PLACEHOLDER.findall(text)))} == placeholders, msgid


@pytest.mark.parametrize("language", ["nn", "nb"])
def test_the_compiled_catalog_is_current(language: str) -> None:
    compiled = gettext.GNUTranslations(
        io.BytesIO((LOCALE_DIR / language / "LC_MESSAGES" / "modenhet.mo").read_bytes())
    )
    for message in catalog(language):
        if isinstance(message.id, tuple):
            singular, plural = message.id
            got = (compiled.ngettext(singular, plural, 1), compiled.ngettext(singular, plural, 2))
            assert got == message.string, message.id
        elif message.id:
            assert compiled.gettext(message.id) == message.string, message.id


def test_languages_in_a_real_run() -> None:
    def run(language: str) -> str:
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "modenhet",
                "evaluate",
                "samples/4601-bergen.json",
                "--as-of",
                "2025-06-30",
                "--lang",
                language,
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        ).stdout

    assert "Samla nivå: 5 Leiande" in run("nn")
    assert "Samlet nivå: 5 Leiande" in run("nb")  # the rule set's labels stay as written
    assert "Overall level: 5 Leiande" in run("en")
    assert translator("en").gettext("met") == "met"
    assert translator("nn").gettext("met") == "oppfylt"


def test_every_report_for_people_has_the_same_lang_option() -> None:
    """evaluate, explain, compare and impact: `--lang nn|nb|en`, default nn, the same help."""
    from modenhet.cli import main

    options = []
    for name in ("evaluate", "explain", "compare", "impact"):
        command = main.get_command(click.Context(main), name)
        assert command is not None, name
        (option,) = [p for p in command.params if p.name == "lang"]
        assert isinstance(option, click.Option) and isinstance(option.type, click.Choice)
        assert option.opts == ["--lang"] and option.default == DEFAULT_LANGUAGE, name
        assert tuple(option.type.choices) == LANGUAGES, name
        options.append(option.help)
    assert len(set(options)) == 1
