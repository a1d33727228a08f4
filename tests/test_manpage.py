"""The manual page ``docs/relance.1``: the one :mod:`tui.manpage` writes from the parser,
rendered by groff and man without a warning, every command in it."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess

import pytest

from tui.cli import build_parser
from tui.completion import command_tree
from tui.manpage import manpage

from .conftest import ROOT

PAGE = ROOT / "docs" / "relance.1"


def test_the_page_is_up_to_date():
    assert PAGE.read_text(encoding="utf-8") == manpage(), (
        "docs/relance.1 is not the page the parser gives: write it again with\n"
        "    .venv/bin/python -m tui.manpage > docs/relance.1")


def test_the_page_is_the_same_in_any_language(monkeypatch):
    """Written in English whatever the terminal speaks, and the language put back after."""
    from store.i18n import _, set_language

    set_language("fr")
    try:
        assert manpage() == PAGE.read_text(encoding="utf-8")
        assert _("delete a record") != "delete a record"  # (French again once written)
    finally:
        set_language("")


def render(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(command), capture_output=True, text=True, timeout=60,
                          env={**os.environ, "MANWIDTH": "100", "LANG": "C.UTF-8", "MANPAGER": "cat", "PAGER": "cat"})


def test_groff_renders_it_without_a_warning():
    if shutil.which("groff") is None:
        pytest.skip("groff is not installed (apt-get install groff-base; ./dev.sh test does as root)")
    result = render("groff", "-man", "-Tutf8", "-ww", "-z", str(PAGE))
    assert (result.returncode, result.stderr) == (0, "")


def test_man_shows_every_command_and_section():
    if shutil.which("man") is None:
        pytest.skip("man is not installed (apt-get install man-db)")
    result = render("man", "--warnings", "-l", str(PAGE))
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = result.stdout
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "COMMANDS", "FILES", "ENVIRONMENT",
                    "EXIT STATUS", "SEE ALSO"):
        assert f"\n{section}\n" in text
    for command in list(command_tree().walk())[1:]:
        assert f"\n   {' '.join(command.path)}\n" in text, command.path
    assert "--contact-uid, --contact VALUE" in text and "--map FIELD=HEADER,..." in text
    assert "company=Société" in text  # (beyond ASCII, as written)
    for name in ("RELANCE_DATA", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "NO_COLOR", "LANGUAGE",
                 "$XDG_CONFIG_HOME/relance/config.toml", "$XDG_CONFIG_HOME/relance/themes/*.toml", "backups/"):
        assert name in text


def test_a_command_added_to_the_parser_is_in_the_page():
    parser = build_parser()
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    config = commands.add_parser("journal", help="the journal", description="Show or write the journal.")
    config.add_argument("--force", action="store_true", help="write over it")
    page = manpage(command_tree(parser))
    assert ".SS \"relance journal\"" in page and "Show or write the journal." in page and "\\-\\-force" in page
