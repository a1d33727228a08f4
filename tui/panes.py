"""The four panes of the dashboard.

Each pane shows its records' count in its title and a short summary read
from the repository. The full tables, forms and the revenue gauge are built
on these panes by later work.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from store.i18n import _
from store.models import OPEN_STAGES, Contact, Mission
from store.repository import Repository


class Pane(VerticalScroll, can_focus=True):
    KEY = ""
    NUMBER = 0
    TITLE = ""
    KIND = ""

    def __init__(self, repository: Repository, id: str | None = None):
        super().__init__(id=id, classes="pane")
        self.repository = repository

    def compose(self) -> ComposeResult:
        yield Static(self.summary(), classes="summary")

    def on_mount(self) -> None:
        self.border_title = self.title()

    def title(self) -> str:
        return f"{self.NUMBER} {self.TITLE} ({self.repository.count(self.KIND)})"

    def summary(self) -> Text:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def today(self) -> date:
        return self.repository.today


class NetworkPane(Pane):
    KEY, NUMBER, TITLE, KIND = "network", 1, _("Network"), "contact"

    def summary(self) -> Text:
        contacts: list[Contact] = self.repository.list("contact")
        if not contacts:
            return Text(_("No contacts yet. Add one with: relance add contact --name \"Zoé Durand\""))
        natural = sum(1 for c in contacts if c.circle == "natural")
        out = Text(_("{natural} natural, {professional} professional").format(
            natural=natural, professional=len(contacts) - natural) + "\n")
        due = sorted((c for c in contacts if c.next_follow_up and c.next_follow_up <= self.today),
                     key=lambda c: c.next_follow_up)
        if due:
            out.append(_("{count} follow-ups due:").format(count=len(due)) + "\n", style="bold")
            for contact in due:
                late = (self.today - contact.next_follow_up).days
                when = _("today") if late == 0 else _("{days} d late").format(days=late)
                out.append(f"  {contact.name}", style="bold" if late else "")
                out.append(f" · {when}\n")
        else:
            out.append(_("No follow-up due.") + "\n")
        return out


class TargetsPane(Pane):
    KEY, NUMBER, TITLE, KIND = "targets", 2, _("Targets"), "target"

    def summary(self) -> Text:
        targets = self.repository.list("target")
        if not targets:
            return Text(_("No micro-targets yet. Add one with: relance add target --name \"DSI de PME\""))
        opportunities = self.repository.list("opportunity")
        out = Text()
        for target in targets:
            open_count = sum(1 for o in opportunities if o.target_uid == target.uid and o.stage in OPEN_STAGES)
            out.append(f"{target.name}\n", style="bold")
            out.append(f"  {target.status} · ")
            if open_count:
                out.append(_("{count} open opportunities").format(count=open_count) + "\n")
            else:
                out.append(_("nothing in the pipeline") + "\n", style="reverse")
        return out


def mission_status(mission: Mission, today: date) -> str:
    if mission.start and mission.start > today:
        return _("planned")
    last = mission.last_day
    if last and last < today:
        return _("ended") if mission.review_uid else _("review due")
    return _("active")


class MissionsPane(Pane):
    KEY, NUMBER, TITLE, KIND = "missions", 3, _("Missions"), "mission"

    def summary(self) -> Text:
        missions = sorted(self.repository.list("mission"), key=lambda m: m.start or date.min, reverse=True)
        if not missions:
            return Text(_("No missions yet. Add one with: relance add mission --client Acme --daily-rate 650 --start 2027-01-04 --end 2027-03-31"))
        out = Text()
        for mission in missions:
            status = mission_status(mission, self.today)
            out.append(f"{mission.client}", style="bold")
            out.append(f" · {mission.label()}\n  {mission.start} → {mission.last_day} · ")
            out.append(status + "\n", style="reverse" if status == _("review due") else "")
        return out


class RevenuePane(Pane):
    KEY, NUMBER, TITLE, KIND = "revenue", 4, _("Revenue gap"), "opportunity"

    def title(self) -> str:
        return f"{self.NUMBER} {self.TITLE}"

    def summary(self) -> Text:
        settings = self.repository.settings()
        out = Text()
        if settings.target_monthly is None:
            out.append(_("No monthly target set yet.") + "\n")
        else:
            out.append(_("Target: {amount} {currency} a month").format(
                amount=f"{settings.target_monthly:,.0f}".replace(",", "\u202f"), currency=settings.currency) + "\n")
        active = [m for m in self.repository.list("mission") if mission_status(m, self.today) == _("active")]
        ends = [m.last_day for m in active if m.last_day]
        if ends:
            last = max(ends)
            out.append(_("Active missions end on {date} (in {days} days).").format(
                date=last, days=(last - self.today).days) + "\n")
        else:
            out.append(_("No active mission.") + "\n")
        open_count = sum(1 for o in self.repository.list("opportunity") if o.stage in OPEN_STAGES)
        out.append(_("{count} open opportunities in the pipeline.").format(count=open_count) + "\n")
        return out


PANES: tuple[type[Pane], ...] = (NetworkPane, TargetsPane, MissionsPane, RevenuePane)
