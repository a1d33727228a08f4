"""What every relance screen shares: a typed handle on the App, and the restyle Textual
would do when the screen is first shown, skipped (``StyledOnce``, tui/tuning.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from .tuning import StyledOnce

if TYPE_CHECKING:
    from .app import RelanceApp


class RelanceScreen(StyledOnce):
    """Mixed into each relance screen, before Textual's ``Screen`` or ``ModalScreen``."""

    @property
    def relance(self) -> RelanceApp:
        """The App, typed: what crosses screens (saves, undo, the record flows) is its."""
        return cast("RelanceApp", self.app)
