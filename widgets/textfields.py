"""Text fields of the forms and the review: a line, and a text of several lines.

A field of one line (a name, a company) is an ``Input``: Textual's keeps only the first
line of a paste of several, without a word. ``LineInput`` keeps all of it, its lines
joined with a space, in sight in the field before anything is saved (the store takes
one line there; the command line refuses a line break in such a field rather than
change the text unseen).

A field whose text can be long (notes, what a mission was sold as, a review's answers)
is a ``NoteArea``: a ``TextArea`` a few lines high that grows with its text up to a cap
and then scrolls, soft-wrapped, without line numbers. ``enter`` starts a new line,
``tab`` goes on to the next field (no tab is ever typed into it), a paste keeps every
line; the form's own keys (``ctrl+s``, ``esc``) work as in any other field.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input, TextArea


def one_line(text: str) -> str:
    """A pasted text of several lines on one line: its lines, trimmed, joined by a space."""
    if "\n" not in text and "\r" not in text:
        return text
    return " ".join(part for part in (line.strip() for line in text.splitlines()) if part)


class LineInput(Input):
    """An ``Input`` that keeps every line of a paste, joined by a space."""

    def _on_paste(self, event: events.Paste) -> None:
        event.prevent_default()  # (Input's own handler keeps the first line only)
        event.stop()
        text = one_line(event.text)
        if not text:
            return
        selection = self.selection
        if selection.is_empty:
            self.insert_text_at_cursor(text)
        else:
            self.replace(text, *selection)


class NoteArea(TextArea):
    """A text of several lines in a form: 3 lines high, growing with its text to 8."""

    DEFAULT_CSS = """
    NoteArea {
        width: 1fr;
        height: auto;
        min-height: 3;
        max-height: 8;
        padding: 0;
        background: $surface;
        background-tint: $foreground 3%;
    }
    NoteArea:focus {
        background-tint: $foreground 7%;
    }
    NoteArea > .text-area--placeholder {
        color: $text-disabled;
    }
    """

    def __init__(self, text: str = "", *, placeholder: str = "", id: str | None = None):
        super().__init__(text, id=id, compact=True, soft_wrap=True, tab_behavior="focus",
                         show_line_numbers=False, highlight_cursor_line=False, placeholder=placeholder)

    def on_focus(self) -> None:
        """Focused, the cursor goes after the text, as in an ``Input`` (to go on typing)."""
        self.move_cursor(self.document.end)

    def on_resize(self) -> None:
        """Grown by a line: the form scrolls to show it (the area scrolls to its cursor, the
        form does not follow on its own)."""
        if self.has_focus:
            self.scroll_visible(animate=False, immediate=True)

    @property
    def value(self) -> str:
        """The text, as an ``Input``'s ``value`` (what a form reads)."""
        return self.text
