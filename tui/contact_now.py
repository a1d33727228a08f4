"""Who to contact now (``c`` on the dashboard, or the palette): the follow-ups due, the
recommendations still to ask, the natural network gone quiet — the rule is
``store/contact_now.py`` — with the week's count of new leads, and the keys that act on
the person selected: ``l`` logs an interaction, ``o`` opens a new opportunity with them,
``a`` marks their recommendation asked,
``enter`` their detail.

One RecordTable for the three groups, each under a heading row: it draws only the rows
on screen, so the 30,000 contacts of a LinkedIn import never contacted cost what a
screenful does. The list is made again after every save (``refresh_content``, called
by the app's ``refresh_views``): a contact logged leaves it when no longer due.
"""

from __future__ import annotations

import operator

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from store import i18n
from store.contact_now import (FOLLOW_UP, GROUPS, NATURAL_SILENCE_DAYS, RECOMMENDATION, ToContact, by_group,
                               group_heading, mark_asked, reason_text, week_text, who_to_contact_now)
from store.plan import leads_this_week
from store.i18n import N_, _
from store.repository import Repository
from widgets import KeyBar, RecordTable

from .screens import RelanceScreen

#: a heading row's key in the table: no uid starts so (uids are UUIDs)
HEADING = "group:"


class ContactNowScreen(RelanceScreen, Screen[None]):
    BINDINGS = [
        Binding("l", "log", N_("Log interaction"), id="contact_now.log"),
        Binding("o", "new_opportunity", N_("New opportunity"), id="contact_now.opportunity"),
        # (a priority: the table's own enter, which the key bar does not show, would come first)
        Binding("enter", "open", N_("Open"), id="contact_now.open", priority=True),
        Binding("escape,q", "close", N_("Close"), id="contact_now.close"),
        Binding("a", "asked", N_("Asked"), id="contact_now.asked"),  # (short, and after esc: a bar too narrow drops it first)
    ]

    #: who, why (the order of the list), where they work
    COLUMNS = (N_("Name"), N_("Why"), N_("Company"))

    def __init__(self, repository: Repository):
        super().__init__()
        self.repository = repository
        #: the inputs the list was last made from (records are replaced, never changed in
        #: place): a save of another kind (an opportunity) does not make it again
        self._inputs: tuple | None = None
        self._items: dict[str, ToContact] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="contact-now-title", classes="form-title")
        yield Static("", id="contact-now-week")
        yield RecordTable([_(c) for c in self.COLUMNS], id="contact-now-table", shrinks=(0, 2))  # (why stays whole: a long name gives way)
        yield KeyBar()

    @property
    def table(self) -> RecordTable:
        return self.query_one("#contact-now-table", RecordTable)

    def on_mount(self) -> None:
        self.refresh_content()
        self.table.focus()

    def on_screen_resume(self) -> None:
        # a form opened from here was closed: free what it left once the keyboard rests
        self.set_timer(0.2, self.relance.release_closed_screens)

    def refresh_content(self) -> None:
        """The list and the week's count made again from the repository (after a save,
        another session's change, or a new day)."""
        repository, today = self.repository, self.repository.today
        self.query_one("#contact-now-title", Static).update(_("Who to contact now"))
        self.query_one("#contact-now-week", Static).update(self.week_line())
        contacts, reviews, missions = (repository.records(kind) for kind in ("contact", "review", "mission"))
        inputs = (contacts, reviews, missions, today, i18n.generation())
        last = self._inputs
        if last is not None and all(map(operator.is_, last[:3], inputs[:3])) and last[3:] == inputs[3:]:
            return  # (at 30,000 contacts the list takes ~0.15 s to make)
        language_changed = last is not None and last[-1] != inputs[-1]
        self._inputs = inputs
        items = who_to_contact_now(contacts, reviews.values(), today, missions)  # type: ignore[arg-type]
        self._items = {item.contact.uid: item for item in items}
        groups = by_group(items)
        uids: list[str] = []
        headings = {}
        if items:  # (nobody at all: the table's empty text says so, without three zeros)
            for group in GROUPS:
                headings[HEADING + group] = Text(group_heading(group, len(groups[group])))
                uids.append(HEADING + group)
                uids.extend(item.contact.uid for item in groups[group])
        table = self.table
        if language_changed:  # (saved in another session: the words drawn again)
            table.set_columns([_(c) for c in self.COLUMNS])
            self.query_one(KeyBar).refresh()
        table.empty_text = _("Nobody to contact now: no follow-up due, no recommendation to ask, and everyone "
                             "in your natural network heard from you in the last {days} days.").format(days=NATURAL_SILENCE_DAYS)

        def row(uid: str) -> tuple:
            if uid in headings:
                return (headings[uid],)
            item = self._items[uid]
            why = Text(reason_text(item))
            if item.days and item.group == FOLLOW_UP:
                why.stylize("bold red")  # (as the Network pane shows a follow-up late)
            return (item.contact.name, why, item.contact.company)

        table.set_lazy(uids, row, headings=headings)

    def week_line(self) -> Text:
        """This week's new leads, against the plan's weekly quota when there is one (a
        cliff and a target: ``store.plan``; ~17 ms of forecast); bold while short of it."""
        plan = self.repository.forecast().plan
        if plan is not None and plan.weekly_leads:
            return Text(week_text(plan.this_week, plan.weekly_leads), style="bold" if plan.this_week < plan.weekly_leads else "")
        return Text(week_text(leads_this_week(self.repository.list("opportunity"), self.repository.today)))  # type: ignore[arg-type]

    def selected(self) -> ToContact | None:
        uid = self.table.selected_uid
        return self._items.get(uid) if uid else None

    def _person(self) -> ToContact | None:
        item = self.selected()
        if item is None:
            self.notify(_("Nothing is selected."), severity="warning")
        return item

    def action_log(self) -> None:
        if (item := self._person()) is not None:
            self.relance.log_interaction(item.uid)

    def action_new_opportunity(self) -> None:
        """A new opportunity with the person selected: first contacted today, at stage
        "contacted" (calling them is the contact), at their company; in their
        micro-target when they are in one only."""
        if (item := self._person()) is None:
            return
        contact = item.contact
        preset = {"contact_uid": contact.uid, "first_contact": self.repository.today, "stage": "contacted",
                  "organisation": contact.company}
        if len(contact.target_uids) == 1:
            preset["target_uid"] = contact.target_uids[0]
        self.relance.new_record("opportunity", preset)

    def action_asked(self) -> None:
        """The selected person's recommendation asked: the reviews say so, and they leave
        the list (a recommendation to ask stayed there for ever: nothing else set it)."""
        if (item := self._person()) is None:
            return
        if item.group != RECOMMENDATION:
            self.notify(_("a marks a recommendation as asked: select someone under the recommendations to ask."),
                        severity="warning")
            return
        name = item.contact.name

        def done(_count: int) -> None:
            self.notify(_("Asked {name} for a recommendation: the review says so.").format(name=name))
            self.relance.refresh_views()

        self.relance.store_job(lambda: mark_asked(self.repository, item.uid), done)

    def action_open(self) -> None:
        if (item := self._person()) is not None:
            self.relance.open_detail("contact", item.uid)

    def action_close(self) -> None:
        self.dismiss(None)
