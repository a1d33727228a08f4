"""Pane 3: the missions, and below them the periods of time off.

Time off lives here because it is the other half of what a consultant bills: the
missions say which days are sold, the time off which working days are not to be
(docs/ARCHITECTURE.md, "Forecast rules"). The two tables work as pane 2's
micro-targets and opportunities do: ``tab`` goes from one to the other, and
``n``/``e``/``d`` act on the one focused (``selection``).
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from store import fmt
from store.choices import MISSION_SOURCE, MISSION_STATUS, choice_label
from store.forecast import calendar_for
from store.i18n import N_, _
from store.models import Mission, Record, TimeOff
from store.rules import draft_missions, mission_status
from widgets import RecordTable

from . import keymap
from .panes import Pane, translated


class MissionsPane(Pane):
    KEY, NUMBER, TITLE, KIND = "missions", 3, N_("Missions"), "mission"
    SECOND_KIND = "time_off"
    EMPTY = N_("No mission yet. {new} adds one; an opportunity moved to won offers one too.")
    DEPENDS = ("review",)
    # the client, the status ("! review due" must show in the narrow 2x2 grid too), the
    # end (when the income stops) and the rate, the title; then where it came from, its
    # start, its days a week
    COLUMNS = (N_("Client"), N_("Status"), N_("End"), N_("Rate"), N_("Title"), N_("Source"), N_("Start"), N_("d/wk"))
    SHRINKS = (0, 4)
    # the period, then what it costs in working days (what the forecast leaves out), then
    # what it is (narrowed first: the dates and the count stay whole)
    OFF_COLUMNS = (N_("Start"), N_("End"), N_("Days off"), N_("Note"))
    OFF_SHRINKS = (3,)

    sort_key = None  # type: ignore[assignment]  # newest first: sorted whole (a handful of missions)

    def compose(self) -> ComposeResult:
        yield RecordTable(translated(self.COLUMNS), id="missions-table", classes="main-table", shrinks=self.SHRINKS)
        yield Static("", id="timeoff-label", classes="sublabel")
        yield RecordTable(translated(self.OFF_COLUMNS), id="timeoff-table", classes="second-table",
                          shrinks=self.OFF_SHRINKS)

    @property
    def time_off_table(self) -> RecordTable:
        return self.query_one("#timeoff-table", RecordTable)

    def sort(self, records: list[Record]) -> list[Record]:
        return sorted(records, key=lambda m: m.start or date.min, reverse=True)  # type: ignore[attr-defined]

    def prepare(self) -> None:
        self.reviews = self.repository.records("review")
        self.drafts = draft_missions(self.reviews)  # type: ignore[arg-type]

    def row(self, m: Mission) -> tuple:  # type: ignore[override]
        status = mission_status(m, self.reviews, self.today)  # type: ignore[arg-type]
        cell = Text(choice_label(MISSION_STATUS, status))
        if status == "review due":
            label = _("review: draft") if m.uid in self.drafts else choice_label(MISSION_STATUS, status)
            cell = Text("! " + label, style="bold")
        return (m.client, cell, fmt.day(m.last_day), fmt.money(m.daily_rate), m.title,
                choice_label(MISSION_SOURCE, m.source), fmt.day(m.start), fmt.number(m.days_per_week))

    # the time off ------------------------------------------------------------------------------

    def reload(self, keep: str | None = None) -> None:
        super().reload(keep)
        # (its own inputs: a save of a time off leaves the missions, and so the pane's
        # inputs, unchanged; the settings hold the country whose holidays are not days off)
        if not self.unchanged((self.repository.records("time_off"), self.repository.settings()), "_off_inputs"):
            self.reload_second()

    def reload_second(self, keep: str | None = None) -> None:
        """The time-off table, newest first, the cursor on ``keep`` (a uid) if given."""
        settings = self.repository.settings()
        calendar = calendar_for(settings.country, settings.subdivision)
        periods: list[TimeOff] = sorted(self.repository.list("time_off"),  # type: ignore[arg-type]
                                        key=lambda t: (t.start or date.min, t.end or date.min), reverse=True)
        rows = []
        for period in periods:
            days = calendar.working_days(period.start, period.end) if period.start and period.end else 0
            rows.append((period.uid, (fmt.day(period.start), fmt.day(period.end), str(days), period.note)))
        label = self.query_one("#timeoff-label", Static)
        text = _("Time off ({count})").format(count=len(rows))
        if str(label.content) != text:  # (an update lays the pane out again: only when it changes)
            label.update(text)
        keys = type(self.screen).BINDINGS
        self.time_off_table.empty_text = _("No time off planned. {next} to this list, then {new} adds a period "
                                           "(holidays, training): the forecast leaves its working days out.").format(
            next=keymap.keys_shown(keys, "pane.next", first=True), new=keymap.keys_shown(keys, "record.new", first=True))
        self.time_off_table.set_rows(rows, keep=keep)

    def retranslate(self) -> None:
        self.time_off_table.set_columns(translated(self.OFF_COLUMNS))
        self._off_inputs = None
        super().retranslate()  # (which shows the time off again)

    def forget(self) -> None:
        super().forget()
        self._off_inputs = None

    def selection(self) -> tuple[str, str | None]:
        if self.time_off_table.has_focus:
            return "time_off", self.time_off_table.selected_uid
        return "mission", self.table.selected_uid
