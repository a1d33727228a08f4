"""The panes of the dashboard: what they share (``Pane``), Network, Revenue gap
(Targets, with the opportunities, is tui/targets_pane.py; Missions, with the time
off, tui/missions_pane.py).

Each pane is a bordered container holding a :class:`RecordTable` and a filter
line (``/``). Panes read from the repository (in memory) and never write:
changes go through the App, which saves in a worker and then reloads them.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Mapping
from datetime import date

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input

from store import fmt
from store.headlines import headlines
from store.i18n import N_, _, ngettext
from store.choices import CIRCLE, choice_label
from store.models import Contact, Record
from store.repository import Repository
from store.rules import collation_key, days_late, fold, follow_up_due, follow_up_order, follow_ups_first, search_text
from widgets import RecordTable, RevenueGauge

from . import keymap


def translated(texts: tuple[str, ...]) -> list[str]:
    """Texts marked with ``N_``, in the language now in use."""
    return [_(text) for text in texts]


class FilterInput(Input):
    """The ``/`` filter of a pane: filters as you type; ``esc`` clears it."""

    DEFAULT_CSS = ""


class Pane(Vertical):
    ALLOW_MAXIMIZE = True
    KEY = ""
    NUMBER = 0
    TITLE = ""
    KIND = ""
    #: the column titles, in the order of what tells the records apart first: a narrow
    #: pane shows the first ones whole and hides the rest ("+2 →"; → pages, a maximises)
    COLUMNS: tuple[str, ...] = ()
    #: the text columns (names, companies, titles) that may be narrowed, ending with …; the
    #: others (dates, amounts, numbers, status and stage words) show whole or hide
    SHRINKS: tuple[int, ...] = (0,)

    def __init__(self, repository: Repository, id: str | None = None):
        super().__init__(id=id, classes="pane")
        self.repository = repository
        self.filter_text = ""

    @property
    def today(self) -> date:
        return self.repository.today

    #: what the filter line says while empty (the texts a pane defines are marked N_ and
    #: translated where shown: the language can change while the dashboard runs)
    FILTER_HINT = N_("filter: name, company, tags, notes (esc clears)")

    def compose(self) -> ComposeResult:
        yield RecordTable(translated(self.COLUMNS), id=f"{self.KEY}-table", classes="main-table", shrinks=self.SHRINKS)

    def on_mount(self) -> None:
        self.reload()

    @property
    def table(self) -> RecordTable:
        return self.query_one(".main-table", RecordTable)

    def focus_main(self) -> None:
        self.table.focus()

    # what the pane shows -------------------------------------------------------------------

    #: up to this many records changed, the sorted list is patched rather than sorted again
    PATCH_LIMIT = 64

    def delta(self, purpose: str, kind: str) -> tuple[Mapping[str, Record] | None, Mapping[str, Record], frozenset[str] | None]:
        """What changed in ``kind`` since ``purpose`` last looked: (records then, records now,
        uids changed), the uids None when not known (first look, file read again)."""
        now = self.repository.records(kind)
        seen = getattr(self, "_seen", None)
        if seen is None:
            seen = self._seen = {}
        before = seen.get((purpose, kind))
        seen[(purpose, kind)] = now
        if before is None:
            return None, now, None
        return before, now, self.repository.changed_since(kind, before)

    def sorted_records(self) -> list[Record]:
        """All records, sorted; kept while the records are unchanged, and patched for the
        few that changed (a save): re-sorting 10,000 contacts per save cost ~30 ms.
        ``_changed`` says which records the last call patched (None: all sorted again)."""
        previous, source, changed = self.delta("sort", self.KIND)
        if previous is source and previous is not None:
            self._changed = frozenset()
            return self._sorted
        self._changed = None
        if previous is not None and self.sort_key is not None:
            if changed is None:
                changed = frozenset(uid for uid, record in source.items() if previous.get(uid) is not record)
                changed |= previous.keys() - source.keys()
            if len(changed) <= self.PATCH_LIMIT:
                patched, uids = list(self._sorted), list(self._sorted_uids)
                key = self.sort_key
                for uid in changed:  # out at the old place (found by its old key), in at the new
                    old = previous.get(uid)
                    if old is not None:
                        at = bisect.bisect_left(patched, key(old), key=key)
                        while at < len(patched) and patched[at] is not old:
                            at += 1
                        if at == len(patched):  # not where its key says: look everywhere
                            at = next(i for i, r in enumerate(patched) if r is old)
                        del patched[at], uids[at]
                    new = source.get(uid)
                    if new is not None:
                        at = bisect.bisect_right(patched, key(new), key=key)
                        patched.insert(at, new)
                        uids.insert(at, uid)
                self._sorted, self._sorted_uids = patched, uids
                self._changed = changed
                return self._sorted
        self._sorted = self.sort(list(source.values()))
        self._sorted_uids = [r.uid for r in self._sorted]
        self._haystacks = {}
        return self._sorted

    def sort_key(self, record: Record):
        """The order of the list (None: the pane sorts in its own way, see ``sort``)."""
        return collation_key(record.label())

    def records(self) -> list[Record]:
        records = self.sorted_records()
        if self.filter_text:
            needle = fold(self.filter_text)  # (folded as the search text is)
            cache = self._haystacks
            found = []
            for r in records:
                made = cache.get(r.uid)
                if made is None or made[0] is not r:  # (a record replaced since: made again)
                    made = cache[r.uid] = (r, self.haystack(r))
                if needle in made[1]:
                    found.append(r)
            records = found
        return records

    def sort(self, records: list[Record]) -> list[Record]:
        return sorted(records, key=self.sort_key)

    def haystack(self, record: Record) -> str:
        return search_text(record)

    def row(self, record: Record) -> tuple:
        raise NotImplementedError

    def title_text(self, shown: int) -> str:
        total = self.repository.count(self.KIND)
        count = f"{shown}/{total}" if self.filter_text else str(total)
        return f"{self.key_label()} {_(self.TITLE)} ({count})"

    def prepare(self) -> None:
        """Compute, once per reload, what the rows need from other kinds."""

    #: the kinds a pane's rows are made from (besides its own); reload skips the work
    #: when none of them changed, the filter is the same and no row is to be selected
    DEPENDS: tuple[str, ...] = ()

    def inputs(self) -> tuple:
        sources = tuple(self.repository.records(kind) for kind in (self.KIND, *self.DEPENDS))
        return (*sources, self.repository.settings(), self.filter_text)

    def unchanged(self, inputs: tuple, kept: str = "_inputs") -> bool:
        """The same objects as at the last reload (records are replaced, never changed in
        place): nothing the pane shows can differ. Otherwise ``inputs`` are kept for next
        time, in the attribute ``kept`` (a second table keeps its own)."""
        last = getattr(self, kept, None)
        if last is not None and len(last) == len(inputs) and all(map(operator.is_, last, inputs)):
            return True
        setattr(self, kept, inputs)
        return False

    #: the kind of the table under the main one (pane 2's opportunities, pane 3's time
    #: off): a save of that kind is selected there (``reload_second``)
    SECOND_KIND = ""

    def reload_second(self, keep: str | None = None) -> None:
        """Show the table under the main one again, the cursor on ``keep`` (a uid)."""

    def forget(self) -> None:
        """Drop what the last reloads worked out (the order, the counts, the rows made):
        the next reload makes it all again. For a new day: "due" and "late" moved."""
        self._inputs = self._seen = self._opps_inputs = None

    def reload(self, keep: str | None = None) -> None:
        last = getattr(self, "_inputs", None)
        if self.unchanged(self.inputs()) and keep is None:
            return  # nothing it shows has changed (a save of another kind)
        self.prepare()
        records = self.records()
        source = self.repository.records(self.KIND)
        same_settings = last is not None and last[-2] is self._inputs[-2]
        stale = self.stale_rows(last) if same_settings else None
        self.table.empty_text = self.empty_text()
        # rows are made when drawn: only the ones on screen, not 10,000
        self.table.set_lazy(self.row_uids(records), lambda uid: self.row_of(source, uid), keep=keep, stale=stale)
        self.border_title = self.title_text(len(records))
        self.border_subtitle = self.subtitle()

    def row_uids(self, records: list[Record]) -> list[str]:
        """The uids of the rows, in order (a pane may add a row that is not a record)."""
        return self._sorted_uids if records is self._sorted else [r.uid for r in records]

    def row_of(self, source: Mapping[str, Record], uid: str) -> tuple:
        """The cells of the row ``uid`` (``source``: the pane's records by uid)."""
        return self.row(source[uid])

    def not_a_record(self) -> str | None:
        """What ``e`` and ``d`` say when the row selected is not a record (pane 2's
        "Without a micro-target"); None when it is one, or when nothing is selected."""
        return None

    #: what an empty list says: what to do next
    EMPTY = ""

    def key_label(self) -> str:
        """The key that focuses this pane, as its title and the tabs show it: its number,
        unless the person moved it (config.toml's [keymap])."""
        if not self.is_attached:
            return str(self.NUMBER)
        return keymap.keys_shown(type(self.screen).BINDINGS, f"pane.{self.KEY}", first=True) or str(self.NUMBER)

    def empty_text(self) -> str:
        keys = type(self.screen).BINDINGS
        if self.filter_text:
            return _("Nothing matches “{text}”: {key} clears the filter.").format(
                text=self.filter_text, key=keymap.keys_shown(keys, "pane.clear_filter", first=True))
        # (the keys in force: the person's own, tui/keymap.py)
        return _(self.EMPTY).format(new=keymap.keys_shown(keys, "record.new", first=True),
                                    next=keymap.keys_shown(keys, "pane.next", first=True),
                                    imports=keymap.keys_shown(keys, "import", first=True))

    def stale_rows(self, last: tuple) -> frozenset[str] | None:
        """The rows to make again after a reload (None: all). A row that shows its record
        only (no other kind) changes only with it: the others stay made."""
        return self._changed if not self.DEPENDS else None

    def subtitle(self) -> str:
        return f"/ {self.filter_text}" if self.filter_text else ""

    def selection(self) -> tuple[str, str | None]:
        """(kind, uid) of what the pane has selected."""
        return self.KIND, self.table.selected_uid

    # filtering ------------------------------------------------------------------------------

    def filter_box(self) -> FilterInput:
        """The filter line, made the first time ``/`` is pressed (four input fields less
        to build before the first paint)."""
        found = self.query(FilterInput)
        if found:
            return found.first()
        box = FilterInput(placeholder=_(self.FILTER_HINT), classes="filter", compact=True)
        self.mount(box)
        return box

    def open_filter(self) -> None:
        box = self.filter_box()
        box.add_class("open")
        box.focus()
        self.warm_search(self.sorted_records(), self._haystacks)

    @work(thread=True, exclusive=True, group="search")
    def warm_search(self, records: list[Record], cache: dict[str, str]) -> None:
        """Make the search text of every record while the first letter is being typed
        (about 0.3 s at 10,000 contacts, which the first keystroke would otherwise pay)."""
        haystack = self.haystack
        for record in records:
            if record.uid not in cache:
                cache[record.uid] = (record, haystack(record))  # (a save meanwhile: the record tells)

    def close_filter(self, clear: bool) -> None:
        box = self.filter_box()
        if clear:
            box.value = ""
            self.filter_text = ""
            self.reload()
            box.remove_class("open")
        elif not self.filter_text:
            box.remove_class("open")
        self.focus_main()

    def retranslate(self) -> None:
        """The language changed: the titles, the column headers, the rows and the filter's
        hint drawn again in it."""
        self.table.set_columns(translated(self.COLUMNS))
        for box in self.query(FilterInput):
            box.placeholder = _(self.FILTER_HINT)
        self._inputs = None  # (every row made again: they hold translated words)
        self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if isinstance(event.input, FilterInput):
            event.stop()
            self.filter_text = event.value.strip()
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if isinstance(event.input, FilterInput):
            event.stop()
            self.close_filter(clear=False)


class NetworkPane(Pane):
    KEY, NUMBER, TITLE, KIND = "network", 1, N_("Network"), "contact"
    EMPTY = N_("No contact yet. {new} adds one; {imports} imports LinkedIn's Connections.csv, a vCard or a CSV file.")
    # who, then what to do and when (the order of the list), where they work, how long
    # since the last word; the circle last: the title counts it
    COLUMNS = (N_("Name"), N_("Next follow-up"), N_("Company"), N_("Last contact"), N_("Circle"))
    SHRINKS = (0, 2)

    def sort_key(self, c: Contact):  # type: ignore[override]
        return follow_up_order(c, self.today)

    def sort(self, records: list[Record]) -> list[Record]:
        return follow_ups_first(records, self.today)  # type: ignore[arg-type, return-value]

    def row(self, c: Contact) -> tuple:  # type: ignore[override]
        follow = Text(fmt.day(c.next_follow_up))
        name = Text(c.name)
        late = days_late(c.next_follow_up, self.today)
        if late is not None:
            follow = Text("! " + (_("today") if late == 0 else _("{days}d late").format(days=late)),
                          style="bold red" if late else "bold")
            name.stylize("bold")
        circle = choice_label(CIRCLE, c.circle)
        return (name, follow, c.company, fmt.day(c.last_contact), circle)

    def subtitle(self) -> str:
        # (the way to the list of who to call, where the people are; the filter, when typed, first)
        return super().subtitle() or _("{key}: who to contact now").format(
            key=keymap.keys_shown(type(self.screen).BINDINGS, "contact.now"))

    def title_text(self, shown: int) -> str:
        before, source, changed = self.delta("count", "contact")
        today = self.today

        def counts(contacts) -> tuple[int, int]:
            contacts = list(contacts)
            natural = sum(1 for c in contacts if c.circle == "natural")
            due = sum(1 for c in contacts if follow_up_due(c, today))
            return natural, due

        if changed is None or before is None:
            natural, due = counts(source.values())
        else:
            natural, due = self._counted
            gone = counts(before[uid] for uid in changed if uid in before)
            new = counts(source[uid] for uid in changed if uid in source)
            natural, due = natural - gone[0] + new[0], due - gone[1] + new[1]
        self._counted = (natural, due)
        total = len(source)
        base = super().title_text(shown)
        # (by the count of natural: "naturels" agrees with it in French; "pro" does not vary)
        extra = ngettext("{natural} natural · {professional} pro", "{natural} natural · {professional} pro",
                         natural).format(natural=natural, professional=total - natural)
        if due:
            extra += " · " + _("{count} due").format(count=due)
        return f"{base} {extra}"


class RevenuePane(Pane):
    """The revenue-gap gauge: the months ahead against the target, the cliff and the deadline."""

    KEY, NUMBER, TITLE, KIND = "revenue", 4, N_("Revenue gap"), "forecast"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="revenue-scroll", can_focus=False):
            yield RevenueGauge(id="revenue-gauge")

    @property
    def gauge(self) -> RevenueGauge:
        return self.query_one(RevenueGauge)

    def focus_main(self) -> None:
        self.gauge.focus()

    def open_filter(self) -> None:
        self.app.notify(_("The revenue gap has nothing to filter."))

    def reload(self, keep: str | None = None) -> None:
        # what the forecast is made from; today too: the months, the deadline's days and the
        # week's new leads move with it (a dashboard left open overnight)
        if self.unchanged((self.repository.records("mission"), self.repository.records("opportunity"),
                           self.repository.records("time_off"), self.repository.settings(), self.today)):
            return  # a contact was saved: the forecast has not changed
        forecast = self.repository.forecast()
        self.gauge.show(forecast, headlines(forecast, where="tui", brief=True))
        self.border_title = f"{self.key_label()} {_(self.TITLE)}"
        self.border_subtitle = _("{key}: month by month").format(key=keymap.keys_shown(self.gauge.BINDINGS, "gauge.open"))

    def retranslate(self) -> None:
        self._inputs = None
        self.reload()

    def selection(self) -> tuple[str, str | None]:
        return "forecast", None

