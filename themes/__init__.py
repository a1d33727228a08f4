"""Colour themes of relance (``textual.theme.Theme``) and their registration."""

from __future__ import annotations

from textual.theme import Theme

RELANCE_DARK = Theme(
    name="relance-dark",
    primary="#5fafd7",
    secondary="#87af87",
    accent="#d7af5f",
    warning="#d7af5f",
    error="#d75f5f",
    success="#87af5f",
    foreground="#e4e4e4",
    background="#1c1c1c",
    surface="#262626",
    panel="#303030",
    dark=True,
)

THEMES = (RELANCE_DARK,)
DEFAULT_THEME = RELANCE_DARK.name


def register_themes(app) -> None:
    for theme in THEMES:
        app.register_theme(theme)
