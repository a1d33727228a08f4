"""The help screen (``?``): every key, from the bindings themselves."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store.i18n import N_, _

from . import keymap
from .screens import RelanceScreen

#: the lists' keys (their bindings' ids), and esc, said in fewer words than their bindings'
#: (translated when shown; the keys are those in force: the person's own, tui/keymap.py)
MOVES = [
    (("table.down", "table.up"), N_("move in a list")),
    (("table.first", "table.last"), N_("first / last row")),
    (("table.page_up", "table.page_down"), N_("page up / down")),
    (("table.previous_columns", "table.next_columns"), N_("page sideways through a wide list's columns")),
    (("pane.next", "pane.previous"), N_("next / previous pane or field")),
    (("table.open",), N_("open the selected record")),
    ("esc", N_("clear the filter, close a screen, cancel a form")),
]


def moves() -> list[tuple[str, str]]:
    rows = []
    for ids, description in MOVES:
        keys = ids if isinstance(ids, str) else " / ".join(
            keymap.shown(key) for binding_id in ids for key in keymap.keys_in_force(binding_id))
        rows.append((keys, _(description)))
    return rows


def describe(bindings) -> list[tuple[str, str]]:
    """(keys, what they do) of each binding, in the language now in use, with the keys in
    force (the config file's, else the defaults); a key bound twice (one or the other
    active, as ``a`` maximises or restores) is one row: "Maximise / Restore"."""
    rows: dict[str, str] = {}
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        keys = " / ".join(keymap.shown(key) for key in keymap.keys_of(binding))
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
                sections = [*self.sections, (_("Moving around"), moves())]
                # the keys' column as wide as its longest (the person's keys may be longer), a
                # space before the descriptions
                width = max([18] + [len(key) + 1 for _title, rows in sections for key, _text in rows])
                for title, rows in sections:
                    # two columns: a description longer than the line (French) wraps in its own
                    table = Table.grid(padding=(0, 0))
                    table.add_column(width=min(width, 30), no_wrap=True, style="bold")
                    table.add_column(ratio=1)
                    for key, description in rows:
                        table.add_row(key, description)
                    yield Static(title, classes="sublabel")
                    yield Static(table)
                # (a French user reads "Éditer" beside e: the letters are not the words' own)
                yield Static(_("The keys are the same in every language relance speaks ({settings}, then Language, "
                               "or the palette changes the language).").format(settings=keymap.key_of("settings")),
                             classes="hint")
            yield Static(_("{close} close · ctrl+p runs any action by name").format(
                close=keymap.keys_shown(self.BINDINGS, "help.close", first=True)), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)

    def on_key(self, event) -> None:
        # the key that opened the help closes it, also when the person moved it (f1)
        if event.key in keymap.keys_in_force("help"):
            event.stop()
            self.dismiss(None)
