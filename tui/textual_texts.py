"""Textual's own texts that relance's screens show, in relance's language.

Textual writes them in English in its code: the command palette's placeholder
("Search for commands…") and its "No matches found", the system commands
(``App.get_system_commands``: Theme, Quit, Keys, Maximize, Minimize, Screenshot), the
theme picker's placeholder and the ctrl+c hint. :class:`TextualTexts`, mixed into
``RelanceApp``, gives the same commands and screens with the texts through
``store.i18n``. Checked against Textual 8.2.8 (``tests/test_textual_internals.py``):
a command Textual adds later shows in English until it is added here.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.align import Align
from rich.text import Text
from textual.app import SystemCommand
from textual.command import CommandList, CommandPalette
from textual.screen import Screen
from textual.widgets.option_list import Option

from store.i18n import _


class RelanceCommandPalette(CommandPalette):
    """The palette, saying "No matches found" in relance's language."""

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual 8.2.8's, its text translated (CommandPalette._start_no_matches_countdown)
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True,
                           id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


class TextualTexts:
    """Textual's commands and prompts, with relance's texts (mixed into ``RelanceApp``)."""

    def action_command_palette(self) -> None:
        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(RelanceCommandPalette(id="--command-palette", placeholder=_("Search for commands…")))

    def search_themes(self) -> None:
        from textual.theme import ThemeProvider

        self.push_screen(RelanceCommandPalette(providers=[ThemeProvider], placeholder=_("Search for themes…")))

    def action_help_quit(self) -> None:
        """ctrl+c, which quits many programs: where to find the key that quits here."""
        for key, active in self.active_bindings.items():
            if active.binding.action in ("quit", "app.quit"):
                self.notify(_("Press [b]{key}[/b] to quit relance.").format(key=key), title=_("Do you want to quit?"))
                return

    def textual_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's system commands (``App.get_system_commands``), in relance's language.
        "Keys" opens relance's help (every key, translated) rather than Textual's keys
        panel, which shows the bindings' descriptions untranslated."""
        from .keymap import key_of

        yield SystemCommand(_("Theme"), _("Change the current theme"), self.action_change_theme)
        yield SystemCommand(_("Quit"), _("Quit relance at once ({key}, or ctrl+q)").format(key=key_of("quit")),
                            self.action_quit)
        yield SystemCommand(_("Keys"), _("Every key and what it does ({key})").format(key=key_of("help")), self.show_help)
        if screen.maximized is not None:
            yield SystemCommand(_("Minimize"), _("Give the widget its usual size back"), screen.action_minimize)
        elif screen.focused is not None and screen.focused.allow_maximize:
            yield SystemCommand(_("Maximize"), _("Make the focused widget fill the screen"), screen.action_maximize)
        yield SystemCommand(_("Screenshot"), _("Save an SVG image of the screen in your Downloads folder"),
                            lambda: self.set_timer(0.1, self.deliver_screenshot))
