"""``relance export ics``: what is coming, as calendar entries (written with ``icalendar``).

Each entry is an all-day event whose UID is made from the record it comes from and
what it is (``follow-up-<contact uid>@relance``...), so that a calendar importing the
file again updates its entries instead of adding them twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .i18n import _
from .models import OPEN_STAGES
from .rules import completed_review, review_due_on


def write_ics(repository) -> str:
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//relance//relance//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "relance")
    stamp = datetime.now(timezone.utc).replace(microsecond=0)

    def entry(uid: str, day, summary: str, description: str = "") -> None:
        event = Event()
        event.add("uid", f"{uid}@relance")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        if description:
            event.add("description", description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)

    for contact in sorted(repository.list("contact"), key=lambda c: c.name.casefold()):
        if contact.next_follow_up:
            detail = ", ".join(part for part in (contact.company, contact.email, contact.phone) if part)
            entry(f"follow-up-{contact.uid}", contact.next_follow_up,
                  _("Follow up: {name}").format(name=contact.name), detail)
    for opportunity in repository.list("opportunity"):
        if opportunity.next_action_date and opportunity.stage in OPEN_STAGES:
            entry(f"next-action-{opportunity.uid}", opportunity.next_action_date,
                  _("{title}: {action}").format(title=opportunity.title, action=opportunity.next_action or _("next action")),
                  opportunity.organisation)
    reviews = repository.records("review")
    for mission in repository.list("mission"):
        last = mission.last_day
        if last is None:
            continue
        entry(f"mission-end-{mission.uid}", last, _("Mission ends: {client}").format(client=mission.client), mission.title)
        # the review's day whether or not it has come: the calendar shows what is ahead
        if completed_review(mission, reviews) is None:
            entry(f"review-{mission.uid}", review_due_on(mission),
                  _("Lessons-learned review: {client}").format(client=mission.client),
                  _("relance: press r on the mission in the Missions pane."))
    return calendar.to_ical().decode("utf-8")
