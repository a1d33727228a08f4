"""Colour themes of relance (``textual.theme.Theme``) and their registration.

Each theme stays readable in 16 colours and with ``NO_COLOR``: the panes never
rely on colour alone (overdue follow-ups are also bold and marked with "!").
"""

from __future__ import annotations

import os
from pathlib import Path

from textual.theme import Theme

RELANCE_DARK = Theme(
    name="relance-dark",
    primary="#5fafd7",
    secondary="#87af87",
    accent="#d7af5f",
    warning="#d7af5f",
    error="#ff5f5f",
    success="#87af5f",
    foreground="#e4e4e4",
    background="#1c1c1c",
    surface="#262626",
    panel="#303030",
    dark=True,
)

RELANCE_LIGHT = Theme(
    name="relance-light",
    primary="#005f87",
    secondary="#5f875f",
    accent="#875f00",
    warning="#875f00",
    error="#af0000",
    success="#005f00",
    foreground="#1c1c1c",
    background="#f5f5f0",
    surface="#ebebe4",
    panel="#dcdcd2",
    dark=False,
)

RELANCE_CONTRAST = Theme(
    name="relance-contrast",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffffff",
    warning="#ffff00",
    error="#ff0000",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    dark=True,
)

THEMES = (RELANCE_DARK, RELANCE_LIGHT, RELANCE_CONTRAST)
DEFAULT_THEME = RELANCE_DARK.name


def register_themes(app) -> None:
    for theme in THEMES:
        app.register_theme(theme)


def known_themes(folder: Path) -> tuple[set[str], list[str]]:
    """Every theme name relance can use (its own, Textual's, the valid files of ``folder``)
    and the problems of the files skipped: for ``relance config show`` and ``relance
    settings --theme``, which check a name without an app."""
    from textual.theme import BUILTIN_THEMES

    names = {theme.name for theme in THEMES} | set(BUILTIN_THEMES)
    if not os.path.isdir(folder):
        return names, []
    from .user_themes import load_user_themes

    themes, problems = load_user_themes(folder, reserved={theme.name for theme in THEMES})
    return names | {theme.name for theme in themes}, problems


def register_user_themes(app, folder: Path) -> tuple[list[str], str]:
    """Register the person's theme files of ``folder`` (themes/user_themes.py): the names
    registered, and what to tell of the files skipped ("" when none was). Without the folder, what
    most people have, it costs one ``stat``: the reading and checking (tomllib included)
    is imported only when there is one."""
    if not os.path.isdir(folder):
        return [], ""
    from .user_themes import load_user_themes, problems_message

    themes, problems = load_user_themes(folder, reserved={theme.name for theme in THEMES})
    for theme in themes:
        app.register_theme(theme)
    return [theme.name for theme in themes], problems_message(folder, problems)
