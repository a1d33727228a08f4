"""The help screen (``?``): every key, from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.i18n import N_, _

from .screens import RelanceScreen

#: keys handled by widgets rather than by bindings with a description (translated when shown)
MOVES = [
    ("j / k / ↑ / ↓", N_("move in a list")),
    ("g / G", N_("first / last row")),
    ("pgup / pgdn", N_("page up / down")),
    ("← / →", N_("page sideways through a wide list's columns")),
    ("tab / shift+tab", N_("next / previous pane or field")),
    ("enter", N_("open the selected record")),
    ("esc", N_("clear the filter, close a screen, cancel a form")),
]


#: key names as people write them
KEY_NAMES = {
    "greater_than_sign": ">", "less_than_sign": "<", "slash": "/", "question_mark": "?",
    "escape": "esc", "enter": "enter",
}


def describe(bindings) -> list[tuple[str, str]]:
    """(keys, what they do) of each binding, in the language now in use; a key bound
    twice (one or the other active, as ``a`` maximises or restores) is one row:
    "Maximise / Restore"."""
    rows: dict[str, str] = {}
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = " / ".join(KEY_NAMES.get(k, k) for k in binding.key.split(","))
        description = _(binding.description)
        rows[keys] = f"{rows[keys]} / {description}" if keys in rows else description
    return list(rows.items())


class HelpScreen(RelanceScreen, ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", N_("Close"), id="help.close")]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]):
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Static(_("relance: keys"), classes="form-title")
            with VerticalScroll():
                moves = [(keys, _(description)) for keys, description in MOVES]
                for title, rows in [*self.sections, (_("Moving around"), moves)]:
                    # two columns: a description longer than the line (French) wraps in its own
                    table = Table.grid(padding=(0, 0))
                    table.add_column(width=18, no_wrap=True, style="bold")
                    table.add_column(ratio=1)
                    for key, description in rows:
                        table.add_row(key, description)
                    yield Static(title, classes="sublabel")
                    yield Static(table)
                # (a French user reads "Éditer" beside e: the letters are not the words' own)
                yield Static(_("The keys are the same in every language relance speaks (s, then Language, "
                               "or the palette changes the language)."), classes="hint")
            yield Static(_("esc close · ctrl+p runs any action by name"), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
