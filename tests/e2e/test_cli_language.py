"""The command line speaks the user's language (issue 15 item 9): Indonesian help under a C locale,
English with --lang en, every help text translated, argparse's errors too."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseworker import i18n
from caseworker.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("CASEWORKER_LANG", "LANGUAGE", "LC_MESSAGES")}
    clean.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "ui.launcher", *args], env=clean, cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_help_under_a_c_locale_is_indonesian() -> None:
    done = _run("--help", LANG="C", LC_ALL="C")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("pemakaian: caseworker")
    for words in ("argumen posisi", "opsi:", "tampilkan bantuan ini lalu keluar", "daftar dan tampilkan kasus",
                  "bahasa pesan: id (bawaan) atau en", "manajemen kasus pekerja sosial"):  # fmt: skip
        assert words in out, words
    assert "usage:" not in out and "show this help" not in out and "case management" not in out


def test_help_with_lang_en_is_english() -> None:
    done = _run("--lang", "en", "report", "case", "--help", LANG="C")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: caseworker report case")
    assert "PDF file to write" in done.stdout and "pemakaian" not in done.stdout


@pytest.fixture
def indonesian():
    previous = i18n.language()
    i18n.set_language("id")
    yield
    i18n.set_language(previous)


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def test_every_help_text_has_indonesian_words(indonesian) -> None:
    parser = build_parser()
    untranslated = set()
    parsers = list(_parsers(parser))
    assert len(parsers) > 20
    for p in parsers:
        texts = [p.description] if p.description else []
        for action in p._actions:
            texts.append(action.help)
            if isinstance(action, argparse._SubParsersAction):
                texts += [choice.help for choice in action._choices_actions]
        for text in texts:
            if text and text != argparse.SUPPRESS and f"help:{text}" not in i18n.MESSAGES:
                if i18n.text(f"help:{text}") == f"help:{text}" and not _is_indonesian(text):
                    untranslated.add(text)
        p.format_help()  # every parser's help formats in Indonesian
    assert not untranslated


def _is_indonesian(text: str) -> bool:
    """Help built from the core's messages (growth) is already in the current language."""
    return text in {pair[0] for pair in i18n.MESSAGES.values()}


def test_a_usage_error_is_indonesian(indonesian, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["cases", "list", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "caseworker: kesalahan: argumen tidak dikenal: --bogus"
    with pytest.raises(SystemExit):
        main(["--lang", "en", "cases", "list", "--bogus"])
    assert capsys.readouterr().err.splitlines()[-1] == "caseworker: error: unrecognized arguments: --bogus"


def test_a_commands_own_lang_is_not_the_message_language(indonesian) -> None:
    """`report case --lang en` sets the PDF's language, not the words of the command line."""
    from caseworker.cli import _language_from

    assert _language_from(["--profile", "p", "--lang", "en", "report"]) == "en"
    assert _language_from(["--lang=en", "--help"]) == "en"
    assert _language_from(["--profile", "p", "report", "case", "X", "--lang", "en"]) is None
    assert _language_from(["report", "--help"]) is None
