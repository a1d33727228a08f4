"""Pane 2: the micro-targets, and below them the opportunities of the one selected.

The two tables work as pane 3's missions and time off do: ``tab`` goes from one to
the other, and ``n``/``e``/``d`` act on the one focused (``selection``).
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
from store.models import OPEN_STAGES, Contact, Opportunity, Target
from store.rules import collation_key, last_touch, opportunity_value, weighted_value
from widgets import RecordTable

from .panes import Pane, translated


class TargetsPane(Pane):
    """Micro-targets, and below them the opportunities of the selected one."""

    KEY, NUMBER, TITLE, KIND = "targets", 2, N_("Targets"), "target"
    SECOND_KIND = "opportunity"
    EMPTY = N_("No micro-target yet: a sector, a decision maker in it and a need you meet. n adds one.")
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
        for opp in self.repository.list("opportunity"):
            if opp.target_uid and opp.stage in OPEN_STAGES:
                self._open.setdefault(opp.target_uid, []).append(opp)
        self._currency = self.repository.settings().currency

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
        return frozenset(stale)

    def row(self, t: Target) -> tuple:  # type: ignore[override]
        contacts = self._contacts.get(t.uid, [])
        natural = sum(1 for c in contacts if c.circle == "natural")
        opps = self._open.get(t.uid, [])
        if opps:
            stages = Counter(o.stage for o in opps)
            pipeline = Text(", ".join(_("{count} {stage}").format(count=n, stage=choice_label(STAGE, stage, n))
                                      for stage, n in stages.items()))
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
        uid = self.table.selected_uid
        if uid is None:
            return None
        try:
            return self.repository.get("target", uid)  # type: ignore[return-value]
        except Exception:
            return None

    def reload_opportunities(self, keep: str | None = None) -> None:
        target = self.selected_target()
        label = self.query_one("#opps-label", Static)

        def show(text: str) -> None:  # (an update lays the pane out again: only when it changes)
            if str(label.content) != text:
                label.update(text)

        self.opps_table.empty_text = _("No opportunity for this micro-target yet: tab to this list, then n adds one.") if target is not None else ""
        if target is None:
            show(_("Opportunities"))
            self.opps_table.set_rows([])
            return
        opps = [o for o in self.repository.list("opportunity") if o.target_uid == target.uid]
        order = {stage: i for i, stage in enumerate(("negotiation", "proposal", "meeting", "contacted", "identified", "won", "lost"))}
        opps.sort(key=lambda o: (order[o.stage], collation_key(o.title)))
        show(_("Opportunities in {target} ({count})").format(target=target.name, count=len(opps)))
        currency = self.repository.settings().currency
        rows = []
        for o in opps:
            action = o.next_action
            if o.next_action_date:
                action = f"{fmt.day(o.next_action_date)} {action}".strip()
            value = opportunity_value(o)
            rows.append((o.uid, (o.title, choice_label(STAGE, o.stage), fmt.money(value, currency) if value else "", action, o.organisation)))
        self.opps_table.set_rows(rows, keep=keep)

    reload_second = reload_opportunities

    def on_record_table_row_highlighted(self, event: RecordTable.RowHighlighted) -> None:
        if event.table.id == "targets-table":
            self.reload_opportunities()

    def selection(self) -> tuple[str, str | None]:
        if self.opps_table.has_focus:
            return "opportunity", self.opps_table.selected_uid
        return "target", self.table.selected_uid
