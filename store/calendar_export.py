"""``relance export ics``: what is coming, as calendar entries (written with ``icalendar``).

Each entry is an all-day event whose UID is made from the record it comes from and
what it is (``follow-up-<contact uid>@relance``...), so that a calendar importing the
file again updates its entries instead of adding them twice.

A calendar updates an entry it already has only when the new one is newer: a higher
``SEQUENCE``, or a later ``LAST-MODIFIED`` (``DTSTAMP``: without a METHOD, RFC 5545 makes it
the time the entry was last revised). relance keeps no modification time in its records
(adding one to the data contract would change every record at each save for this file
alone), so both are made from what there is, and are the same for the same data (two
exports of unchanged data are byte for byte the same file):

- the previous export, when ``-o`` writes over one: an entry unchanged (same day, title and
  description) keeps its SEQUENCE and LAST-MODIFIED; a changed one gets the next SEQUENCE
  and the time of this export. That is exact, whichever way its day moved;
- otherwise (standard output, a first export, an entry new since the last): SEQUENCE is
  the number of days from 2000-01-01 to the entry's day, and LAST-MODIFIED that day at
  00:00 UTC. An entry of relance changes almost always by moving later (a follow-up done
  sets the next one further on, an action is put off, a mission is extended), and then
  both go up; an entry moved earlier, or renamed on the same day, keeps or lowers them,
  which only the previous export can tell (hence its use above).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from .i18n import _
from .models import OPEN_STAGES
from .rules import collation_key, completed_review, review_due_on


#: the day SEQUENCE counts from, when no previous export says it
EPOCH = date(2000, 1, 1)


@dataclass(frozen=True)
class Revision:
    """What an export said of an entry: its content, its SEQUENCE, its LAST-MODIFIED."""

    content: tuple[str, str, str]
    sequence: int
    modified: datetime


def previous_revisions(text: str | None) -> dict[str, Revision]:
    """UID -> revision of each entry of an earlier export (nothing from a file that is
    not one: it is written over as any other)."""
    if not text:
        return {}
    from icalendar import Calendar

    try:
        events = Calendar.from_ical(text).walk("VEVENT")
        found = {}
        for event in events:
            modified = event.decoded("last-modified")
            found[str(event["uid"])] = Revision(_content(event.decoded("dtstart"), str(event.get("summary", "")),
                                                         str(event.get("description", ""))),
                                                int(event.decoded("sequence")), modified.astimezone(timezone.utc))
        return found
    except Exception:  # (icalendar raises ValueError, KeyError and others on a file that is not its own)
        return {}


def _content(day, summary: str, description: str) -> tuple[str, str, str]:
    return (day.isoformat() if isinstance(day, date) else str(day), summary, description)


def revision(content: tuple[str, str, str], day: date, previous: Revision | None, now: datetime) -> Revision:
    """The SEQUENCE and LAST-MODIFIED of an entry (see the module's docstring)."""
    derived = Revision(content, max(0, (day - EPOCH).days), datetime.combine(day, time(), timezone.utc))
    if previous is None:
        return derived
    if previous.content == content:
        return previous
    return Revision(content, max(previous.sequence + 1, derived.sequence), max(now, previous.modified + timedelta(seconds=1)))


def write_ics(repository, previous: str | None = None, now: datetime | None = None) -> str:
    """The calendar; ``previous``: the text of the export it replaces, if any."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//relance//relance//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "relance")
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    before = previous_revisions(previous)

    def entry(uid: str, day, summary: str, description: str = "") -> None:
        event = Event()
        uid = f"{uid}@relance"
        done = revision(_content(day, summary, description), day, before.get(uid), now)
        event.add("uid", uid)
        event.add("dtstamp", done.modified)
        event.add("last-modified", done.modified)
        event.add("sequence", done.sequence)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", summary)
        if description:
            event.add("description", description)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)

    for contact in sorted(repository.list("contact"), key=lambda c: collation_key(c.name)):
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
