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

from collections.abc import Iterator
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
    from icalendar import Calendar, Event

    blocks = _own_events(text)
    try:
        # an export of relance's, an event at a time (30,000 events parsed at once as one
        # calendar took 140 MB more); any other calendar whole
        events = Calendar.from_ical(text).walk("VEVENT") if blocks is None else map(Event.from_ical, blocks)
        found = {}
        for event in events:
            modified = event.decoded("last-modified")
            found[str(event["uid"])] = Revision(_content(event.decoded("dtstart"), str(event.get("summary", "")),
                                                         str(event.get("description", ""))),
                                                int(event.decoded("sequence")), modified.astimezone(timezone.utc))
        return found
    except Exception:  # (icalendar raises ValueError, KeyError and others on a file that is not its own)
        return {}


_END = "END:VCALENDAR\r\n"


def _calendar():
    """The calendar relance writes, without its events."""
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", "-//relance//relance//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "relance")
    return calendar


def _own_events(text: str) -> Iterator[str] | None:
    """Each event of ``text`` as its own text when ``text`` is laid out as relance writes a
    calendar (its head, then events one after the other, none holding a component, then
    ``END:VCALENDAR``), where an event parsed alone is the one parsed in the calendar; None
    for any other text."""
    head = _calendar().to_ical().decode("utf-8")[: -len(_END)]
    if not text.startswith(head) or not text.endswith(_END):
        return None
    start, stop = len(head), len(text) - len(_END)
    spans = []
    begin, end_mark = "BEGIN:VEVENT\r\n", "\r\nEND:VEVENT\r\n"
    while start < stop:
        if not text.startswith(begin, start):
            return None
        end = text.find(end_mark, start, stop)
        if end < 0 or text.find("\nBEGIN:", start, end) >= 0 or text.find("\nEND:", start, end) >= 0:
            return None
        spans.append((start, end + len(end_mark)))
        start = end + len(end_mark)
    return (text[first:last] for first, last in spans)


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
    return "".join(ics_pieces(repository, previous, now))


def _follow_ups(repository) -> list[tuple[tuple[str, str], str, date, str, str]]:
    """(collation key, uid, day, name, detail) of each contact with a follow-up planned, in
    the order of their names (read 2,000 contacts at a time: the 30,000 built at once, and
    an event object for each, took the export to 290 MB)."""
    found = []
    for batch in repository.batches("contact"):
        for contact in batch:
            if contact.next_follow_up:
                detail = ", ".join(part for part in (contact.company, contact.email, contact.phone) if part)
                found.append((collation_key(contact.name), contact.uid, contact.next_follow_up, contact.name, detail))
    found.sort(key=lambda item: item[0])  # (stable: the order of the file between equal names)
    return found


def ics_pieces(repository, previous: str | None = None, now: datetime | None = None) -> Iterator[str]:
    """:func:`write_ics`'s text, an event at a time: ``Calendar.to_ical`` writes the
    calendar's lines, then each event's, then ``END:VCALENDAR``; each event is made and
    written alone, so that 30,000 are never held as objects at once."""
    from icalendar import Event

    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    before = previous_revisions(previous)
    del previous  # (the text of 30,000 events: not kept while the new ones are made)
    head, end = _calendar().to_ical().decode("utf-8"), _END
    assert head.endswith(end)

    def entry(uid: str, day, summary: str, description: str = "") -> str:
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
        return event.to_ical().decode("utf-8")

    # every record read before the first piece: a damaged one is said before anything is written
    follow_ups, opportunities = _follow_ups(repository), repository.list("opportunity")
    reviews, missions = repository.records("review"), repository.list("mission")
    yield head[: -len(end)]
    for _key, uid, day, name, detail in follow_ups:
        yield entry(f"follow-up-{uid}", day, _("Follow up: {name}").format(name=name), detail)
    for opportunity in opportunities:
        if opportunity.next_action_date and opportunity.stage in OPEN_STAGES:
            yield entry(f"next-action-{opportunity.uid}", opportunity.next_action_date,
                        _("{title}: {action}").format(title=opportunity.title, action=opportunity.next_action or _("next action")),
                        opportunity.organisation)
    for mission in missions:
        last = mission.last_day
        if last is None:
            continue
        yield entry(f"mission-end-{mission.uid}", last, _("Mission ends: {client}").format(client=mission.client), mission.title)
        # the review's day whether or not it has come: the calendar shows what is ahead
        if completed_review(mission, reviews) is None:
            yield entry(f"review-{mission.uid}", review_due_on(mission),
                        _("Lessons-learned review: {client}").format(client=mission.client),
                        _("relance: press r on the mission in the Missions pane."))
    yield end
