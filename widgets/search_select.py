"""``SearchSelect``: a Select that typing on opens, filtered by what is typed.

Textual's ``Select`` searches only once open, and only moves to the first option holding
what was typed: letters typed on a closed select did nothing, and with many options the
user still saw all of them. Here a printable key on the focused select (closed or open)
opens it and filters it: the list shows only the options whose text holds what was typed,
without regard to case or accents ("eric" finds "Éric", ``store.rules.fold``), narrowed at
each letter and widened again by ``backspace``. The select's own line shows the typed
text and how many options hold it ("zo▏ — 2 of 40"); when none does the list says so
("no contact matches 'xyzq'") and ``enter`` picks nothing. The highlight starts on the
option holding the text earliest ("zo": Zoé Durand before Alice Zola); the arrows move in
the filtered list, ``enter`` picks, ``esc`` closes without changing the value (and forgets
the text), ``tab`` moves on. The blank option ("(none)") is offered when nothing is typed.

Letters typed in a burst work as typed one by one: the first opens the list and filters it
at once; the next ones reach the list once it has the focus (the App's key gate,
``tui/typeahead.py``, waits for that), and filter on from the first.

Cost: the options' folded texts are computed once; a letter that narrows the text
searches only the options that matched, the list shows at most ``SHOWN_AT_MOST`` of them
(the rest counted), refilled with the same ``Option`` objects (their rendering cached by
Textual), and closing leaves it as it is (every option is put back when it opens without
a text). At 10,000 options a letter takes ~6 ms from the key to the frame drawn, the
first one (which opens the list) 11-17 ms (tests/test_issue20_forms.py measures it); opening with ``enter`` on every option takes
~300 ms, Textual measuring each of them, which is why the forms pick among more than
200 records by typing the name (``tui.forms.RefInput``), not with a select.

It builds on Textual's ``Select`` internals (``SelectOverlay``, ``SelectCurrent``,
``Select._options``, ``_setup_options_renderables``), checked against Textual 8.2.8 by
tests/test_textual_internals.py.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widgets import OptionList, Select, Static
from textual.widgets._select import SelectCurrent, SelectOverlay
from textual.widgets.option_list import Option

from store.i18n import _, pgettext
from store.rules import fold


#: the most options a search shows: Textual measures every option of the list at each
#: change, 10,000 of them take a quarter of a second; the others are counted ("… and 3,950
#: more: type on to narrow"), the text typed narrows them
SHOWN_AT_MOST = 100


class SearchOverlay(SelectOverlay):
    """The open list, filtered by the text typed (``query``)."""

    def __init__(self, type_to_search: bool = True) -> None:
        super().__init__(type_to_search=type_to_search)
        #: the text typed since the list opened ("" when it shows every option)
        self.query = ""
        #: every option, as the select set them up (the blank one first, if any)
        self._every: list[Option] = []
        #: each option's text folded (None for the blank option: it is not searched)
        self._folded: list[str | None] = []
        #: the indexes (in ``_every``) of the options holding the text, or None when nothing is typed
        self._matched: list[int] | None = None
        #: the indexes of those shown (the first ``SHOWN_AT_MOST``), or None when all options are
        self._shown: list[int] | None = None
        self.total = 0

    def remember_options(self) -> None:
        """Take the options just set up by the select as the ones to filter."""
        self._every = list(self._options)
        self._folded = [fold(o.prompt) if isinstance(o.prompt, str) else None for o in self._every]
        #: how many options can be searched (the blank one aside)
        self.total = sum(1 for folded in self._folded if folded is not None)
        self._shown = self._matched = None
        self.query = ""

    @property
    def matches(self) -> int:
        """How many options the list shows for the text typed."""
        return self.total if self._matched is None else len(self._matched)

    def original_index(self, index: int) -> int:
        """The index in the select's options of the option shown at ``index``."""
        return index if self._shown is None else self._shown[index]

    def search(self, query: str) -> None:
        """Show only the options holding ``query`` (all of them when it is empty)."""
        before, self.query = self.query, query
        if not query and len(self._every) <= SHOWN_AT_MOST:
            self.show_all()
            return
        wanted = fold(query)
        narrowing = self._matched is not None and before and wanted.startswith(fold(before))
        folded = self._folded
        candidates = self._matched if narrowing else range(len(folded))
        if query:
            matched = [i for i in candidates if folded[i] is not None and wanted in folded[i]]
        else:  # all, but too many to show at once: the first ones (the blank one with them)
            matched = list(candidates)
        self._matched = matched
        self._shown = shown = matched[:SHOWN_AT_MOST]
        if not shown:
            self.set_options([Option(Text(self.owner.nothing_matches(query), style="italic"), disabled=True)])
            self.highlighted = None
        else:
            more = len(matched) - len(shown)
            self.set_options([self._every[i] for i in shown] + (
                [Option(Text(_("… and {count} more: type on to narrow").format(count=more), style="italic"),
                        disabled=True)] if more else []))
            # the option holding the text earliest (the first of them on a tie)
            best = min(range(len(shown)), key=lambda at: (folded[shown[at]].find(wanted), at)) if query else 0
            self.select(best)
        self.owner.show_query()

    def show_all(self) -> None:
        """Every option again, the text typed forgotten."""
        self.query = ""
        if self._shown is not None:
            self._shown = self._matched = None
            self.set_options(self._every)
            self.owner.show_query()

    @property
    def owner(self) -> SearchSelect:
        return self.parent  # type: ignore[return-value]

    async def _on_key(self, event: events.Key) -> None:
        if not self._type_to_search:
            return
        if event.key == "backspace":
            if self.query:
                self.search(self.query[:-1])
        elif event.character is not None and event.is_printable:
            self.search(self.query + event.character)
        else:
            return
        event.stop()
        event.prevent_default()

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return self._type_to_search and (key == "backspace" or super().check_consume_key(key, character))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """The option picked, as its index among all the select's options."""
        event.stop()
        event.prevent_default()  # (else SelectOverlay's handler runs too, with the index shown)
        self.post_message(self.UpdateSelection(self.original_index(event.option_index)))


class SearchSelect(Select):
    """A Select that typing on opens, filtered by what is typed (see the module)."""

    def __init__(self, *args, kind: str = "", **kwargs) -> None:
        # (Textual's own prompt, "Select", is English: the blank option and the empty line show it)
        kwargs.setdefault("prompt", pgettext("a list, nothing chosen", "Select"))
        super().__init__(*args, **kwargs)
        #: what the options are, for "no contact matches 'xyzq'" ("" says "nothing matches")
        self.kind = kind
        self._opened_by_typing = False

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield SearchOverlay(type_to_search=self._type_to_search).data_bind(compact=Select.compact)

    def _setup_options_renderables(self) -> None:
        super()._setup_options_renderables()
        self.query_one(SearchOverlay).remember_options()

    def nothing_matches(self, query: str) -> str:
        if self.kind:
            return _("no {kind} matches '{query}'").format(kind=self.kind, query=query)
        return _("nothing matches '{query}'").format(query=query)

    def show_query(self) -> None:
        """The text typed on the select's line ("zo▏ — 2 of 40"); its value when none is."""
        current = self.query_one(SelectCurrent)
        overlay = self.query_one(SearchOverlay)
        if not overlay.query:
            current.update(current.label)
            return
        shown = overlay.matches
        if shown:
            line = _("{query}▏ — {shown} of {total}").format(query=overlay.query, shown=shown, total=overlay.total)
        else:
            line = _("{query}▏ — none").format(query=overlay.query)
        current.query_one("#label", Static).update(Text(line))

    def _watch_expanded(self, expanded: bool) -> None:
        try:
            overlay = self.query_one(SearchOverlay)
        except NoMatches:  # (removed)
            return
        if not expanded:
            # the text forgotten; the options shown are left as they are (the list is hidden):
            # every option is put back when it opens without a text typed, not at each close
            overlay.query = ""
            self.show_query()
        elif not self._opened_by_typing:
            overlay.show_all()  # then Select highlights the value
        super()._watch_expanded(expanded)

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
        self._opened_by_typing = True  # (the list is filtered at once: not filled with every option first)
        try:
            self.action_show_overlay()
        finally:
            self._opened_by_typing = False
        self.query_one(SearchOverlay).search(character)
