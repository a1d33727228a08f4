"""Pane 2: the micro-targets, and below them the opportunities of the one selected.

The two tables work as pane 3's missions and time off do: ``tab`` goes from one to
the other, and ``n``/``e``/``d`` act on the one focused (``selection``).

An opportunity need not have a micro-target (the new-opportunity form's default,
``relance add opportunity``): the last row, "Without a micro-target", gathers those,
so that every opportunity the plan of pane 4 counts can be seen and changed here.
That row is not a record: its uid, ``UNTARGETED``, is never a record's (uids are
UUIDs), ``selection`` gives no uid for it, and ``e``/``d`` say what to do instead.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from store import fmt
from store.choices import STAGE, TARGET_STATUS, choice_label
from store.i18n import N_, _
from store.models import OPEN_STAGES, Contact, Opportunity, Record, Target
from store.rules import collation_key, fold, last_touch, opportunity_value, weighted_value
from widgets import RecordTable

from . import keymap
from .panes import Pane, translated

#: the uid of the row "Without a micro-target" (words: no record's uid, a UUID, is this)
UNTARGETED = "without-a-micro-target"

#: the opportunities of a row, the furthest on first, the closed ones last
STAGE_ORDER = {stage: i for i, stage in enumerate(("negotiation", "proposal", "meeting", "contacted", "identified", "won", "lost"))}


class TargetsPane(Pane):
    """Micro-targets, and below them the opportunities of the selected one."""

    KEY, NUMBER, TITLE, KIND = "targets", 2, N_("Targets"), "target"
    SECOND_KIND = "opportunity"
    EMPTY = N_("No micro-target yet: a sector, a decision maker in it and a need you meet. {new} adds one.")
    FILTER_HINT = N_("filter: name, sector, need, notes (esc clears)")
    DEPENDS = ("contact", "opportunity")
    # the target, then what is under way in it ("! empty pipeline" first of all) and what
    # that is worth, its status, when it was last worked on, the contacts in it
    COLUMNS = (N_("Micro-target"), N_("Open pipeline"), N_("Weighted"), N_("Status"), N_("Last touch"), N_("Contacts n/p"))
    # the opportunity, how far it went and its value, what to do next (a date, then
    # words: narrowed, the date stays whole), the organisation (often in the title)
    OPP_COLUMNS = (N_("Opportunity"), N_("Stage"), N_("Value"), N_("Next action"), N_("Organisation"))
    OPP_SHRINKS = (0, 3, 4)

    def compose(self) -> ComposeResult:
        yield RecordTable(translated(self.COLUMNS), id="targets-table", classes="main-table", shrinks=self.SHRINKS)
        yield Static("", id="opps-label", classes="sublabel")
        yield RecordTable(translated(self.OPP_COLUMNS), id="opps-table", classes="opps-table", shrinks=self.OPP_SHRINKS)

    def retranslate(self) -> None:
        self.opps_table.set_columns(translated(self.OPP_COLUMNS))
        super().retranslate()  # (which shows the opportunities again)

    @property
    def opps_table(self) -> RecordTable:
        return self.query_one("#opps-table", RecordTable)

    def prepare(self) -> None:
        before, contacts, changed = self.delta("targets", "contact")
        self._touched: set[str] | None = None  # targets whose contacts changed (None: all)
        if changed is None or before is None:
            self._contacts: dict[str, list[Contact]] = {}
            for contact in contacts.values():
                for uid in contact.target_uids:
                    self._contacts.setdefault(uid, []).append(contact)
        else:  # a save changed a few contacts: move them, not all 10,000
            self._touched = set()
            for uid in changed:
                old, new = before.get(uid), contacts.get(uid)
                self._touched.update(getattr(old, "target_uids", ()), getattr(new, "target_uids", ()))
                for target in getattr(old, "target_uids", ()):
                    self._contacts[target] = [c for c in self._contacts.get(target, []) if c is not old]
                for target in getattr(new, "target_uids", ()):
                    self._contacts.setdefault(target, []).append(new)
        self._open: dict[str, list[Opportunity]] = {}
        self._untargeted = self.untargeted()
        for opp in self.repository.list("opportunity"):
            if opp.target_uid and opp.stage in OPEN_STAGES:
                self._open.setdefault(opp.target_uid, []).append(opp)
        self._currency = self.repository.settings().currency

    def untargeted(self) -> list[Opportunity]:
        """The opportunities of no micro-target: none given, or one that is no more (a file
        edited by hand: shown here rather than nowhere)."""
        targets = self.repository.records("target")
        return [o for o in self.repository.list("opportunity")  # type: ignore[misc]
                if not o.target_uid or o.target_uid not in targets]  # type: ignore[attr-defined]

    def row_uids(self, records: list[Record]) -> list[str]:
        uids = super().row_uids(records)
        # last, outside the order of the micro-targets; shown while some opportunity is
        # there to reach, and under a filter only if its name matches (as a target's does)
        if self._untargeted and (not self.filter_text or fold(self.filter_text) in fold(_("Without a micro-target"))):
            uids = [*uids, UNTARGETED]  # (a new list: the pane keeps the sorted one)
        return uids

    def row_of(self, source, uid: str) -> tuple:
        return self.untargeted_row() if uid == UNTARGETED else super().row_of(source, uid)

    def untargeted_row(self) -> tuple:
        """The row "Without a micro-target": its open pipeline as a target's, in italics (it
        is not one); no status, no contacts, and no "! empty pipeline" (nothing to fill)."""
        opps = [o for o in self._untargeted if o.stage in OPEN_STAGES]
        return (Text(_("Without a micro-target"), style="italic"), self.pipeline(opps) if opps else "",
                fmt.money(sum((weighted_value(o) for o in opps), Decimal(0)), self._currency) if opps else "",
                "", fmt.day(last_touch([], opps)), "")

    def pipeline(self, opps: list[Opportunity]) -> Text:
        """The open opportunities by stage: "1 meeting, 2 identified"."""
        stages = Counter(o.stage for o in opps)
        return Text(", ".join(_("{count} {stage}").format(count=n, stage=choice_label(STAGE, stage, n))
                              for stage, n in stages.items()))

    def stale_rows(self, last: tuple) -> frozenset[str] | None:
        # a row shows its target, its contacts and its open opportunities
        targets, contacts, opportunities = (last[i] is self._inputs[i] for i in range(3))
        if not opportunities:
            return None
        stale: set[str] = set()
        for same, changed in ((targets, self._changed), (contacts, self._touched)):
            if not same:
                if changed is None:
                    return None
                stale |= changed
        if not targets:  # (a target gone leaves its opportunities without one)
            stale.add(UNTARGETED)
        return frozenset(stale)

    def row(self, t: Target) -> tuple:  # type: ignore[override]
        contacts = self._contacts.get(t.uid, [])
        natural = sum(1 for c in contacts if c.circle == "natural")
        opps = self._open.get(t.uid, [])
        if opps:
            pipeline = self.pipeline(opps)
        else:
            pipeline = Text("! " + _("empty pipeline"), style="bold")
        weighted = sum((weighted_value(o) for o in opps), Decimal(0))
        last = last_touch(contacts, opps)
        name = Text(t.name, style="" if opps else "bold")
        return (name, pipeline, fmt.money(weighted, self._currency) if opps else "", choice_label(TARGET_STATUS, t.status), fmt.day(last),
                f"{natural}/{len(contacts) - natural}")

    def reload(self, keep: str | None = None) -> None:
        super().reload(keep)
        if getattr(self, "_opps_inputs", None) is not self._inputs:
            self._opps_inputs = self._inputs
            self.reload_opportunities()

    def selected_target(self) -> Target | None:
        """The micro-target selected: None on the row "Without a micro-target" too."""
        uid = self.table.selected_uid
        return self.repository.records("target").get(uid) if uid else None  # type: ignore[return-value]

    def reload_opportunities(self, keep: str | None = None) -> None:
        target = self.selected_target()
        untargeted = self.table.selected_uid == UNTARGETED
        label = self.query_one("#opps-label", Static)

        def show(text: str) -> None:  # (an update lays the pane out again: only when it changes)
            if str(label.content) != text:
                label.update(text)

        if untargeted:  # (empty only for a moment: the row goes with its last opportunity)
            self.opps_table.empty_text = _("No opportunity is without a micro-target.")
        elif target is not None:
            keys = type(self.screen).BINDINGS
            self.opps_table.empty_text = _("No opportunity for this micro-target yet: {next} to this list, then {new} "
                                           "adds one.").format(next=keymap.keys_shown(keys, "pane.next", first=True),
                                                               new=keymap.keys_shown(keys, "record.new", first=True))
        else:
            self.opps_table.empty_text = ""
        if target is None and not untargeted:
            show(_("Opportunities"))
            self.opps_table.set_rows([])
            return
        if target is None:
            opps = self.untargeted()
            show(_("Opportunities without a micro-target ({count})").format(count=len(opps)))
        else:
            opps = [o for o in self.repository.list("opportunity") if o.target_uid == target.uid]  # type: ignore[attr-defined]
            show(_("Opportunities in {target} ({count})").format(target=target.name, count=len(opps)))
        opps.sort(key=lambda o: (STAGE_ORDER[o.stage], collation_key(o.title)))
        currency = self.repository.settings().currency
        rows = []
        for o in opps:
            action = o.next_action
            if o.next_action_date:
                action = f"{fmt.day(o.next_action_date)} {action}".strip()
            value = opportunity_value(o)
            rows.append((o.uid, (o.title, choice_label(STAGE, o.stage), fmt.money(value, currency) if value else "", action, o.organisation)))
        self.opps_table.set_rows(rows, keep=keep)

    def reload_second(self, keep: str | None = None) -> None:
        """The opportunities again, the cursor on ``keep``: an opportunity just saved (or
        put back by undo) is shown under its micro-target, or "Without a micro-target",
        whichever row was selected, so that it never vanishes from sight."""
        opp = self.repository.records("opportunity").get(keep) if keep else None
        if opp is not None:
            target = opp.target_uid if opp.target_uid in self.repository.records("target") else UNTARGETED  # type: ignore[attr-defined]
            self.table.move_to(target)  # (filtered out: the row selected stays)
        self.reload_opportunities(keep)

    def on_record_table_row_highlighted(self, event: RecordTable.RowHighlighted) -> None:
        if event.table.id == "targets-table":
            self.reload_opportunities()

    def on_record_table_row_selected(self, event: RecordTable.RowSelected) -> None:
        # enter on "Without a micro-target" opens it as a list: there is no record to show
        if event.table.id == "targets-table" and event.uid == UNTARGETED:
            event.stop()
            self.opps_table.focus()

    def not_a_record(self) -> str | None:
        if not self.opps_table.has_focus and self.table.selected_uid == UNTARGETED:
            return _("This row gathers the opportunities without a micro-target: tab to them to open, edit or delete one.")
        return None

    def selection(self) -> tuple[str, str | None]:
        if self.opps_table.has_focus:
            return "opportunity", self.opps_table.selected_uid
        uid = self.table.selected_uid
        return "target", None if uid == UNTARGETED else uid
