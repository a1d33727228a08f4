"""A DataTable of records with vim-style keys, keyed by uid."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.binding import Binding
from textual.widgets import DataTable


class RecordTable(DataTable):
    """Rows are records (row key = uid); ``j``/``k``/``g``/``G`` move like in vim."""

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
    }
    RecordTable > .datatable--header {
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("g", "scroll_top", "First", show=False),
        Binding("G", "scroll_bottom", "Last", show=False),
    ]

    def __init__(self, columns: Sequence[str], id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=False)
        self._column_labels = list(columns)

    def on_mount(self) -> None:
        self.add_columns(*self._column_labels)

    @property
    def selected_uid(self) -> str | None:
        if not self.row_count:
            return None
        try:
            key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key
        except Exception:
            return None
        return key.value

    def set_rows(self, rows: Iterable[tuple[str, Sequence[str | Text]]], keep: str | None = None) -> None:
        """Replace the rows, keeping the cursor on ``keep`` (a uid) or on the same uid as before."""
        wanted = keep or self.selected_uid
        old_row = self.cursor_row
        self.clear()
        index = None
        for position, (uid, cells) in enumerate(rows):
            self.add_row(*cells, key=uid)
            if uid == wanted:
                index = position
        if self.row_count:
            if index is None:
                index = min(old_row, self.row_count - 1)
            self.move_cursor(row=index, animate=False)

    def action_scroll_top(self) -> None:
        if self.row_count:
            self.move_cursor(row=0, animate=False)

    def action_scroll_bottom(self) -> None:
        if self.row_count:
            self.move_cursor(row=self.row_count - 1, animate=False)
