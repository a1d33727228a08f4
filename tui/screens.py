"""What every relance screen shares: styled once and laid out once before it is first drawn."""

from __future__ import annotations

from textual import events


class StyledOnce:
    """Mixed into each relance screen, before Textual's ``Screen`` or ``ModalScreen``.

    When a new screen is shown, Textual styles every node of it again, though each was
    styled as it was mounted (no relance screen has CSS of its own: all of it is parsed
    at start-up, before anything is styled). And the screen's first layout sends the
    screen a Resize to the size it was just laid out at, which lays it all out and draws
    it a second time. Together they were a fifth of the time to open a form (edit form at
    10,000 contacts, key to first frame: 142 -> 113 ms), and every start paid them for the
    dashboard (~10 ms). A later resume (a theme changed meanwhile) and a Resize to a new
    size (the terminal's) are handled as Textual does.
    """

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            event.refresh_styles = False

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:  # type: ignore[attr-defined]
            event.prevent_default()  # (Textual's own handler would lay the screen out again)
