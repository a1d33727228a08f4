"""A SelectionList whose boxes read ticked or not without colour.

Textual draws every box with the same ``X``, ticked or not: only its colour tells
them apart, which ``NO_COLOR`` (or a monochrome terminal) takes away. Here an
unticked box is empty::

    ▐X▌ Directions financières d'ETI      (ticked)
    ▐ ▌ DSI de PME industrielles          (not ticked)
"""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist

#: what an unticked box holds (the ticked one keeps Textual's ``X``)
UNTICKED = " "


class CheckList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        _, scroll_y = self.scroll_offset
        try:
            selection = self.get_option_at_index(scroll_y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value in self.selected:
            return strip
        segments = list(strip)
        # the box is the first three segments: left side, inside, right side
        if len(segments) < 3 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        inside = segments[1]
        segments[1] = Segment(UNTICKED * len(inside.text), inside.style, inside.control)
        return Strip(segments, strip.cell_length)
