"""A table of records that draws only the rows on screen.

Textual's DataTable builds every row up front: about a second for 10,000 rows,
paid again after each save and each filter keystroke. RecordTable keeps the
list of uids and a function that makes a row's cells, renders the rows in view
(one line each, through the Line API: a text of several lines shows its lines
joined by " ⏎ ") and caches them. ``j``/``k``/``g``/``G``
move like in vim, besides the arrows, page keys, home and end; ``enter``
selects.

Columns come in the order of what tells records apart first, and each is shown
whole or not at all (``_fit``): the first one stays, the others after it fill the
width; ``→``/``←`` page sideways by a screenful of columns and the header's last
cell says how many are hidden ("+3 →", "← +2"). Only text columns (a name, a company:
``shrinks``) may be narrowed, their cells ending with "…"; dates, amounts, numbers,
status and stage words, and every header are never cut.

A list in groups gives the uids of its headings (``headings``): such a row is drawn as
its first cell across the whole width, in the heading style, and the cursor steps over
it (a heading is never the selected record); moving up to a group's first row brings its
heading into view.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store.i18n import N_

Cells = Sequence["str | Text"]

#: a column never gets wider than this (longer cells end with …)
MAX_COLUMN = 40
#: rows measured to size the columns: the first ones and a sample of the rest
MEASURED = 120
#: a line break in a cell: rows are one line each
LINE_BREAK = Text(" ⏎ ", style="dim")
#: to bring one more column in, a text column gives up cells down to this
MIN_COLUMN = 12
#: ... and the first one, the record's name, down to this
FIRST_COLUMN = 20
#: the blanks the header's hint adds: one before it (with the last column's own, two, as between
#: columns) and one after
HINT_SPACE = 2


class RecordTable(ScrollView, can_focus=True):
    """Rows are records, keyed by uid; a header line on top; a row cursor."""

    DEFAULT_CSS = """
    RecordTable {
        height: 1fr;
        background: $surface;
        overflow-x: hidden;
    }
    RecordTable > .record-table--header {
        text-style: bold;
        color: $text-muted;
    }
    RecordTable > .record-table--cursor {
        background: $block-cursor-blurred-background;
    }
    RecordTable:focus > .record-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RecordTable > .record-table--hint {
        color: $accent;
        text-style: bold;
    }
    RecordTable > .record-table--heading {
        color: $primary;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES = {"record-table--header", "record-table--cursor", "record-table--hint", "record-table--heading"}

    BINDINGS = [
        Binding("up,k", "cursor(-1)", N_("Up"), show=False, id="table.up"),
        Binding("down,j", "cursor(1)", N_("Down"), show=False, id="table.down"),
        Binding("pageup", "page(-1)", N_("Page up"), show=False, id="table.page_up"),
        Binding("pagedown", "page(1)", N_("Page down"), show=False, id="table.page_down"),
        Binding("home,g", "first", N_("First"), show=False, id="table.first"),
        Binding("end,G", "last", N_("Last"), show=False, id="table.last"),
        Binding("enter", "select", N_("Open"), show=False, id="table.open"),
        Binding("right", "columns(1)", N_("Next columns"), show=False, id="table.next_columns"),
        Binding("left", "columns(-1)", N_("Previous columns"), show=False, id="table.previous_columns"),
    ]

    class RowHighlighted(Message):
        """The cursor moved to another row."""

        def __init__(self, table: "RecordTable", uid: str | None):
            super().__init__()
            self.table = table
            self.uid = uid

        @property
        def control(self) -> "RecordTable":
            return self.table

    class RowSelected(RowHighlighted):
        """``enter`` (or a click) on a row."""

    def __init__(self, columns: Sequence[str], id: str | None = None, classes: str | None = None,
                 shrinks: Iterable[int] = (0,)):
        """``columns``: the titles, most telling first; ``shrinks``: the indexes of the text
        columns that may be narrowed (their cells end with …); the others show whole or hide."""
        super().__init__(id=id, classes=classes)
        self.columns = list(columns)
        self.shrinks = frozenset(shrinks)
        self._uids: list[str] = []
        #: the rows that are a group's heading, not a record
        self._headings: frozenset[str] = frozenset()
        self._render_row: Callable[[str], Cells] = lambda uid: ()
        self._cells: dict[str, Cells] = {}
        self._strips: dict[tuple, Strip] = {}
        self._widths: list[int] = [len(c) for c in self.columns]
        #: the columns drawn, (index, width): the first, then a page of the others
        self._shown: list[tuple[int, int]] = []
        #: the first column of the page shown after the first one (→ moves it on)
        self._first = 1
        #: the width ``_fit`` worked for (a scroll bar that comes or goes changes it)
        self._fitted = -1
        #: what the header's last cell says of the hidden columns ("+3 →")
        self._hint = ""
        self.cursor_row = 0
        self._empty_text = ""
        self._empty_wrapped: tuple[tuple[str, int] | None, list[Text]] = (None, [])

    @property
    def empty_text(self) -> str:
        """What the table says when it has no row (what to do next, or why nothing shows)."""
        return self._empty_text

    @empty_text.setter
    def empty_text(self, text: str) -> None:
        if text != self._empty_text:
            self._empty_text = text
            if not self._uids:
                self.refresh()

    def set_columns(self, columns: Sequence[str]) -> None:
        """New column titles (the language changed); the widths are measured again with
        the next rows (``set_lazy``)."""
        self.columns = list(columns)
        self._widths = [max(len(c), width) for c, width in zip(self.columns, self._widths)]
        self._strips = {}
        self._fit()
        self.refresh()

    # data ------------------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self._uids)

    @property
    def selected_uid(self) -> str | None:
        if not self._uids:
            return None
        uid = self._uids[min(self.cursor_row, len(self._uids) - 1)]
        return None if uid in self._headings else uid

    def set_rows(self, rows: Iterable[tuple[str, Cells]], keep: str | None = None,
                 headings: Iterable[str] = ()) -> None:
        """Replace the rows with ready-made cells (small tables)."""
        cells = dict(rows)
        self.set_lazy(list(cells), cells.__getitem__, keep=keep, headings=headings)

    def set_lazy(self, uids: list[str], render: Callable[[str], Cells], keep: str | None = None,
                 stale: Iterable[str] | None = None, headings: Iterable[str] = ()) -> None:
        """Replace the rows: ``uids`` in order, ``render(uid)`` makes a row's cells when it
        is drawn. The cursor stays on ``keep`` (a uid) or on the same uid as before.
        ``headings``: the uids of the rows that head a group (see the module's docstring).

        With ``stale`` (the uids whose rows changed), the cells already made for the other
        rows are kept: a save of one record of 10,000 makes one row again, not the ones
        drawn and measured."""
        wanted = keep or self.selected_uid
        old_row = self.cursor_row
        self._uids = uids
        self._headings = frozenset(headings)
        self._render_row = render
        if stale is None:
            self._cells = {}
            self._strips = {}
            self._measure()
        else:  # the columns only grow to fit the rows made again
            for uid in stale:
                self._cells.pop(uid, None)
            if stale:
                self._strips = {key: strip for key, strip in self._strips.items() if key[0] not in stale}
            self._measure(list(stale)[:MEASURED], grow=True)
        if uids:
            index = None
            if wanted:
                with contextlib.suppress(ValueError):
                    index = uids.index(wanted)
            self.cursor_row = self._record_row(index if index is not None else min(old_row, len(uids) - 1), 1)
        else:
            self.cursor_row = 0
        self._fit()
        self._size_virtually()
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.selected_uid))

    def cells(self, uid: str) -> Cells:
        cached = self._cells.get(uid)
        if cached is None:
            cached = self._render_row(uid)
            self._cells[uid] = cached
        return cached

    def get_row(self, uid: str) -> list:
        return list(self.cells(uid))

    def get_row_at(self, index: int) -> list:
        return list(self.cells(self._uids[index]))

    def _measure(self, uids: Iterable[str] | None = None, grow: bool = False) -> None:
        """Size the columns on the first rows and a sample of the rest (or on ``uids``;
        ``grow``: only ever widen the current widths)."""
        widths = list(self._widths) if grow else [len(c) for c in self.columns]
        if uids is None:
            count = len(self._uids)
            sample = list(range(min(count, MEASURED)))
            if count > MEASURED:
                step = max(1, count // MEASURED)
                sample += list(range(MEASURED, count, step))
            uids = [self._uids[index] for index in sample]
        for uid in uids:
            if uid in self._headings:
                continue  # (drawn across the columns: it sizes none of them)
            try:
                cells = self.cells(uid)
            except LookupError:
                continue  # a stale uid whose record was deleted
            for column, cell in enumerate(cells):
                if column < len(widths):
                    length = cell.cell_len if isinstance(cell, Text) else len(str(cell))
                    if "\n" in (plain := cell.plain if isinstance(cell, Text) else str(cell)):  # shown with ⏎
                        length += plain.count("\n") * (LINE_BREAK.cell_len - 1)
                    widths[column] = max(widths[column], min(MAX_COLUMN, length))
        self._widths = widths

    # moving ----------------------------------------------------------------------------------

    def _record_row(self, row: int, step: int) -> int:
        """``row``, or the nearest row that is not a heading, looking ``step``-wards first
        (``row`` itself when every row is a heading)."""
        if not self._headings:
            return row
        uids, headings = self._uids, self._headings
        for direction in (step, -step):
            at = row
            while 0 <= at < len(uids):
                if uids[at] not in headings:
                    return at
                at += direction
        return row

    def move_cursor(self, row: int, animate: bool = False) -> None:
        if not self._uids:
            return
        step = -1 if row < self.cursor_row else 1
        row = self._record_row(max(0, min(row, len(self._uids) - 1)), step)
        if row != self.cursor_row:
            self.cursor_row = row
            self.post_message(self.RowHighlighted(self, self.selected_uid))
        self._scroll_cursor_into_view()
        self.refresh()

    def _visible_rows(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _scroll_cursor_into_view(self) -> None:
        top = round(self.scroll_offset.y)
        visible = self._visible_rows()
        first = self.cursor_row
        if first > 0 and self._uids[first - 1] in self._headings:
            first -= 1  # (the group's heading with its first row)
        if first < top:
            self.scroll_to(y=first, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def move_to(self, uid: str) -> bool:
        """Put the cursor on the row ``uid``; False when no row has it (filtered out, gone)."""
        try:
            row = self._uids.index(uid)
        except ValueError:
            return False
        self.move_cursor(row)
        return True

    def action_cursor(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(self.cursor_row + step * self._visible_rows())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(len(self._uids) - 1)

    def action_select(self) -> None:
        if self.selected_uid is not None:  # (none, or only headings: nothing to open)
            self.post_message(self.RowSelected(self, self.selected_uid))

    def on_click(self, event: events.Click) -> None:
        if event.y >= 1:
            row = round(self.scroll_offset.y) + event.y - 1
            if 0 <= row < len(self._uids):
                if row == self.cursor_row and event.chain >= 2:
                    self.action_select()
                self.move_cursor(row)

    # drawing ---------------------------------------------------------------------------------

    def _floors(self) -> list[int]:
        """The narrowest each column may be drawn: a text column (``shrinks``) down to
        MIN_COLUMN (the first to FIRST_COLUMN), never below its title; any other column
        (dates, amounts, numbers, status words) at its full width, or not at all."""
        floors = []
        for index, (title, width) in enumerate(zip(self.columns, self._widths)):
            if index in self.shrinks:
                width = min(width, max(cell_len(title), FIRST_COLUMN if index == 0 else MIN_COLUMN))
            floors.append(width)
        return floors

    def _page(self, first: int, room: int, floors: list[int]) -> list[int]:
        """The columns after the first that fit in ``room`` from ``first`` on, each at its floor."""
        used = floors[0] + 2
        page = []
        for index in range(first, len(floors)):
            if used + floors[index] + 2 > room:
                break
            used += floors[index] + 2
            page.append(index)
        return page

    @staticmethod
    def hint_text(before: int, after: int) -> str:
        """The header's last cell: how many columns are hidden, and the arrow key that
        shows them ("+3 →", "← +2", "← +5 →": six cells at most, the room a column needs)."""
        if not before and not after:
            return ""
        return ("← " if before else "") + f"+{before + after}" + (" →" if after else "")

    def _layout(self, first: int, room: int, floors: list[int]) -> tuple[int, list[int], str]:
        """The page of columns that starts at ``first`` (after the first column, always
        drawn): (its first column, its columns, the hint). The last page is filled
        leftwards: → ends on as many columns as fit, not on one alone."""
        count = len(floors)
        first = max(1, min(first, count - 1))
        page = self._page(1, room, floors)
        if len(page) == count - 1:
            return 1, page, ""  # everything fits (as in a maximised pane, whatever page was shown)
        room -= cell_len(self.hint_text(first - 1, count - first)) + HINT_SPACE  # (its widest: the room it keeps)
        page = self._page(first, room, floors)
        while first > 1 and page and page[-1] == count - 1:
            wider = self._page(first - 1, room, floors)
            if wider[-1:] != [count - 1]:
                break
            first, page = first - 1, wider
        last = page[-1] if page else first - 1
        return first, page, self.hint_text(first - 1, count - 1 - last)

    def _fit(self) -> None:
        """The columns drawn at this width: the first one, then as many of the others as
        fit whole from ``_first`` on; the room left widens the text columns back towards
        their natural widths. A column that does not fit hides, with the ones after it, and
        the header says so ("+2 →"): a date or an amount cut short reads as another value."""
        room = self.scrollable_content_region.width
        self._fitted = room
        if not self.columns or room <= 0:
            self._shown, self._hint = [], ""
            return
        floors = self._floors()
        self._first, page, hint = self._layout(self._first, room, floors)
        indexes = [0, *page]
        widths = [floors[i] for i in indexes]
        spare = room - (cell_len(hint) + HINT_SPACE if hint else 0) - sum(widths) - 2 * len(widths)
        if spare < 0:  # narrower than the first column: it is cut (a name, with …)
            widths[0] = max(1, widths[0] + spare)
        for at, index in enumerate(indexes):  # the room left, to the text columns first in order
            if spare <= 0:
                break
            grow = min(spare, self._widths[index] - widths[at])
            if grow > 0:
                widths[at] += grow
                spare -= grow
        self._shown = list(zip(indexes, widths))
        self._hint = hint

    def _page_starts(self) -> list[int]:
        """Where each page of columns starts, from the first page to the last."""
        room, floors, count = self.scrollable_content_region.width, self._floors(), len(self.columns)
        starts, first = [], 1
        while first < count:
            first, page, _hint = self._layout(first, room, floors)
            if starts and first <= starts[-1]:
                break
            starts.append(first)
            first = (page[-1] if page else first) + 1
        return starts or [1]

    def action_columns(self, step: int) -> None:
        """``→``/``←``: the next (previous) page of columns, the first column staying."""
        starts = self._page_starts()
        if step > 0:
            after = [start for start in starts if start > self._first]
            first = after[0] if after else self._first
        else:
            before = [start for start in starts if start < self._first]
            first = before[-1] if before else 1
        if first != self._first:
            self._first = first
            self._fit()
            self._size_virtually()
            self.refresh()

    def _size_virtually(self) -> None:
        """Rows down; across, only what is drawn: the page of columns is chosen by ``_fit``."""
        self.virtual_size = Size(sum(width + 2 for _, width in self._shown), len(self._uids) + 1)

    def _line(self, cells: Sequence, style: Style, hint: str = "", hint_style: Style | None = None) -> Strip:
        text = Text(no_wrap=True, overflow="ellipsis")
        for column, width in self._shown:
            cell = cells[column] if column < len(cells) else ""
            piece = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            if "\n" in piece.plain:  # a text of several lines (notes): one line, its breaks marked
                piece = LINE_BREAK.join(piece.split("\n"))
            piece.truncate(width, overflow="ellipsis", pad=True)
            text.append(" ")
            text.append_text(piece)
            text.append(" ")
        if hint:
            width = self._fitted
            text.append(" " * max(0, width - text.cell_len - cell_len(hint) - 1))
            text.append(hint, hint_style)
            text.append(" ")
        segments = list(text.render(self.app.console))
        segments = [s for s in segments if s.text != "\n"]
        strip = Strip(segments).apply_style(style) if style else Strip(segments)
        return strip

    def _heading_line(self, cells: Cells, width: int, style: Style) -> Strip:
        """A group's heading: its first cell across the whole width (ending with … when
        longer), then a rule to the edge, so that it reads as a heading without colour too
        (``NO_COLOR``): "─ 4 follow-ups due ──────"."""
        cell = cells[0] if cells else ""
        text = Text("─ ") + (cell.copy() if isinstance(cell, Text) else Text(str(cell)))
        text.truncate(width - 1, overflow="ellipsis")
        text.append(" " + "─" * max(0, width - text.cell_len - 1))
        text.truncate(width, pad=True)
        return Strip(list(text.render(self.app.console)), width).apply_style(style)

    def _empty_line(self, number: int, width: int, base: Style) -> Strip:
        """Line ``number`` of the empty-table text, wrapped to the width (a blank line above).
        Wrapped once per text and width, not once per line drawn."""
        if number < 0:
            return Strip.blank(width, base)
        key = (self._empty_text, width)
        if self._empty_wrapped[0] != key:
            self._empty_wrapped = (key, list(Text(self._empty_text).wrap(self.app.console, max(10, width - 2))))
        lines = self._empty_wrapped[1]
        if number >= len(lines):
            return Strip.blank(width, base)
        line = Text(" ") + lines[number]
        line.truncate(width, pad=True)
        return Strip(list(line.render(self.app.console)), width).apply_style(base + Style(dim=True, italic=True))

    #: lines kept drawn (a redraw of the screen, as when a form closes, reuses them)
    STRIPS_KEPT = 2000

    def _line_styles(self) -> tuple[Style, Style, Style, Style, Style]:
        """(base, header, cursor, hint, heading) styles, from the CSS."""
        return (self.rich_style, self.get_component_rich_style("record-table--header"),
                self.get_component_rich_style("record-table--cursor"),
                self.get_component_rich_style("record-table--hint"),
                self.get_component_rich_style("record-table--heading"))

    def render_lines(self, crop):
        if self.scrollable_content_region.width != self._fitted:
            # a vertical scroll bar came or went: the same size, less room (no resize event)
            self._fit()
            self._size_virtually()
        # the styles are worked out from the CSS once per drawing, not once per line
        self._styles = self._line_styles()
        try:
            return super().render_lines(crop)
        finally:
            self._styles = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base, header, cursor, hint, heading = getattr(self, "_styles", None) or self._line_styles()
        if y == 0:
            uid, style = None, base + header
        else:
            row = round(self.scroll_offset.y) + y - 1
            if row >= len(self._uids):
                if not self._uids and self._empty_text:
                    return self._empty_line(row - 1, width, base)
                return Strip.blank(width, base)
            uid, style = self._uids[row], base
            if uid in self._headings:
                style = base + heading
            elif row == self.cursor_row:
                style = base + cursor
        key = (uid, style, tuple(self._shown), width, self._hint if uid is None else "")
        strip = self._strips.get(key)
        if strip is None:
            if uid is None:
                strip = self._line(self.columns, style, self._hint, hint)
            elif uid in self._headings:
                strip = self._heading_line(self.cells(uid), width, style)
            else:
                strip = self._line(self.cells(uid), style)
            strip = strip.extend_cell_length(width, style if uid is not None and style is not base else base)
            if len(self._strips) >= self.STRIPS_KEPT:
                self._strips.clear()
            self._strips[key] = strip
        return strip.crop(0, width)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.refresh()

    def on_resize(self) -> None:
        self._fit()
        self._size_virtually()
        self._scroll_cursor_into_view()
