"""``SearchSelect``: a Select that opens when you type on it, at the option you typed.

Textual's ``Select`` searches only once open: on a closed one, letters did nothing until
``enter`` opened it, and the letters typed before were lost. Here a printable key on the
focused, closed select opens it and goes on searching from that key, so typing "zo" on a
contact field shows the list at "Zoé Durand", and ``enter`` picks it. ``enter``, the
arrows and ``space`` open it as before, ``esc`` closes it, ``tab`` moves on.

The search is Textual's (the option whose label holds the typed text earliest), without
regard to case or accents: "eric" finds "Éric" (``store.rules.fold``). Letters typed in a
burst work as typed one by one: the first opens the list and is searched at once; the
next ones reach the list once it has the focus (the App's key gate, ``tui/typeahead.py``,
waits for that), and the search goes on from the first.

It builds on Textual's ``Select`` internals (``SelectOverlay``, ``SelectCurrent``, the
overlay's ``_search_query``), checked against Textual 8.2.8 by
tests/test_textual_internals.py.
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.widgets import Select
from textual.widgets._select import SelectCurrent, SelectOverlay

from store.rules import fold


class SearchOverlay(SelectOverlay):
    """The open list: searches folded, and can start from letters typed before it opened."""

    def __init__(self, type_to_search: bool = True) -> None:
        super().__init__(type_to_search=type_to_search)
        #: letters typed on the closed select, searched already, to search on from
        self._typed_before = ""

    def start_search(self, text: str) -> None:
        """Search ``text`` now (the list is opening); the next letters typed add to it."""
        self._typed_before = text
        self._search_query = text
        index = self._find_search_match(text)
        if index is not None:
            self.select(index)

    def watch_has_focus(self, value: bool) -> None:
        super().watch_has_focus(value)  # (clears the search: kept when the list just opened)
        if value and self._typed_before:
            self._search_query = self._typed_before
        self._typed_before = ""

    def _find_search_match(self, query: str) -> int | None:
        query = fold(query)
        best: int | None = None
        earliest: int | None = None
        for index, option in enumerate(self._options):
            prompt = option.prompt
            if not isinstance(prompt, str):
                continue  # the blank option: the select's prompt, as a dim Text ("type to search")
            at = fold(prompt).find(query)
            if at != -1 and (earliest is None or at < earliest):
                best, earliest = index, at
        return best


class SearchSelect(Select):
    """A Select that a printable key opens, searching from that key (see the module)."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield SearchOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        """Printable keys are the select's (a search), as an Input's are its own: the
        bindings of the screens around it on such keys are not offered meanwhile."""
        return self._type_to_search and character is not None and character.isprintable() and character != " "

    async def _on_key(self, event: events.Key) -> None:
        character = event.character
        if (self.expanded or not self._type_to_search or character is None or not event.is_printable
                or character == " "):  # (space opens the list, as the arrows do)
            return
        event.stop()
        event.prevent_default()
        self.action_show_overlay()
        self.query_one(SearchOverlay).start_search(character)
