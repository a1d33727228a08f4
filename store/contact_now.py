"""Who to contact now (issue 23): the people most likely to bring the next mission, in
three groups, each person with the reason to call them today. (The week's count of new
leads the screen shows with them is ``store.plan.leads_this_week``, the plan's.)

1. **Follow-ups due** (:func:`store.rules.follow_up_due`): the most late first, then by
   name (:func:`store.rules.follow_ups_first`, the Network pane's order).
2. **Recommendations still to ask**: the contacts a completed lessons-learned review
   named with the status "to-ask", the oldest review first (asked for longest ago), then
   by name. A review in progress is left out: its answers are a draft, not yet a decision.
3. **The natural network gone quiet**: contacts of the natural circle whose last contact
   is :data:`NATURAL_SILENCE_DAYS` days or more before today, the longest silence first,
   then those never contacted (``last_contact`` empty: most of a LinkedIn import), by name.

A contact appears once, in the first group that holds it: a friend whose follow-up is
due is called for the follow-up, not three times.

Plain functions of records and a date (no repository, no Textual), like
``store/rules.py``; the words of each reason are :func:`reason_text`'s. On the
benchmark's 30,000 contacts (20,000 of them due) the list is made in ~0.15 s, most of it
folding the names for the order (as the Network pane's sort does).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any, NamedTuple

from . import fmt
from .i18n import _, ngettext
from .models import Contact, Mission, Review
from .rules import days_late, fold, fold_name, follow_ups_first

#: A natural-network contact is one to call again after this many days without a word.
#: The article's first mission comes from the people you already know, and that source
#: dries up when left alone; a quarter (90 days) is about the longest a former colleague
#: or a friend in business keeps you in mind without news, and the cadence consultants
#: are usually advised to keep with their close network. Changing it changes the third
#: group's heading too (it says the number).
NATURAL_SILENCE_DAYS = 90

#: the groups, in the order the list shows them
FOLLOW_UP, RECOMMENDATION, NATURAL = "follow-up", "recommendation", "natural"
GROUPS = (FOLLOW_UP, RECOMMENDATION, NATURAL)

#: the reasons (:attr:`ToContact.reason`): a follow-up due (``days`` late, 0 = today), a
#: recommendation to ask (the ``review`` and its ``mission``), a natural contact silent for
#: ``days`` days, a natural contact never contacted
FOLLOW_UP_DUE, RECOMMENDATION_TO_ASK, SILENT, NEVER_CONTACTED = "follow-up-due", "recommendation-to-ask", "silent", "never-contacted"


class ToContact(NamedTuple):
    """One person to contact now, and why. (A named tuple: 20,000 of them are made in
    ~8 ms; a frozen dataclass took four times as long.)"""

    contact: Contact
    #: one of :data:`GROUPS`
    group: str
    #: FOLLOW_UP_DUE, RECOMMENDATION_TO_ASK, SILENT or NEVER_CONTACTED
    reason: str
    #: days late (a follow-up) or days since the last contact (the natural network); None
    #: for a recommendation and a contact never contacted
    days: int | None = None
    #: the completed review that asks for the recommendation, and the mission it reviewed
    #: (None when that mission is gone)
    review: Review | None = None
    mission: Mission | None = None

    @property
    def uid(self) -> str:
        return self.contact.uid


def follow_ups_due(contacts: Iterable[Contact], today: date) -> list[ToContact]:
    """Group 1: the contacts whose follow-up is due, the most late first, then by name."""
    due = [c for c in contacts if c.next_follow_up is not None and c.next_follow_up <= today]
    return [ToContact(c, FOLLOW_UP, FOLLOW_UP_DUE, days_late(c.next_follow_up, today)) for c in follow_ups_first(due, today)]


def recommendations_to_ask(contacts: Mapping[str, Contact], reviews: Iterable[Review],
                           missions: Mapping[str, Mission]) -> list[ToContact]:
    """Group 2: each contact a completed review lists as "to-ask", once (from the oldest
    review that asks), the oldest review first, then by name. A contact deleted since is
    left out."""
    done = sorted((r for r in reviews if r.completed is not None), key=lambda r: (r.completed, r.uid))
    found: dict[str, ToContact] = {}
    for review in done:
        for item in review.recommendations:
            uid = item.get("contact_uid")
            contact = contacts.get(uid) if uid else None
            if contact is None or item.get("status") != "to-ask" or uid in found:
                continue
            found[uid] = ToContact(contact, RECOMMENDATION, RECOMMENDATION_TO_ASK, review=review,
                                   mission=missions.get(review.mission_uid or ""))
    order = {review.uid: index for index, review in enumerate(done)}
    return sorted(found.values(), key=lambda t: (order[t.review.uid], fold(t.contact.name), t.contact.name))  # type: ignore[union-attr]


def mark_asked(repository: Any, contact_uid: str) -> int:
    """The recommendation of ``contact_uid`` asked: every completed review that lists it as
    "to-ask" now says "asked" (it leaves the list; one write). How many reviews changed."""
    changed = 0
    with repository.transaction():
        for review in repository.list("review"):
            if review.completed is None:
                continue
            items = [dict(item) for item in review.recommendations]
            asked = [item for item in items if item.get("contact_uid") == contact_uid and item.get("status") == "to-ask"]
            for item in asked:
                item["status"] = "asked"
            if asked:
                repository.update("review", review.uid, {"recommendations": items})
                changed += 1
    return changed


def natural_gone_quiet(contacts: Iterable[Contact], today: date) -> list[ToContact]:
    """Group 3: the natural network not contacted for :data:`NATURAL_SILENCE_DAYS` days or
    more, the longest silence first, then those never contacted; by name within a day.

    One text key per contact, compared as the tuple (dated or never, the date, the folded
    name, the name) would be: as in ``rules.follow_ups_first``, texts sort ~2.5 times
    faster than tuples at 30,000 contacts (no name holds a NUL)."""
    latest = today - timedelta(days=NATURAL_SILENCE_DAYS)
    quiet = [c for c in contacts if c.circle == "natural" and (c.last_contact is None or c.last_contact <= latest)]
    keys = [f"0{c.last_contact.isoformat()}\0{fold_name(c.name)}\0{c.name}" if c.last_contact is not None
            else f"1\0{fold_name(c.name)}\0{c.name}" for c in quiet]
    ordered = [quiet[i] for i in sorted(range(len(quiet)), key=keys.__getitem__)]
    return [ToContact(c, NATURAL, SILENT, (today - c.last_contact).days) if c.last_contact is not None
            else ToContact(c, NATURAL, NEVER_CONTACTED) for c in ordered]


def who_to_contact_now(contacts: Mapping[str, Contact], reviews: Iterable[Review], today: date,
                       missions: Mapping[str, Mission] | None = None) -> list[ToContact]:
    """Everyone to contact now, group by group in the order of :data:`GROUPS` (see the
    module's docstring), each contact once, in the first group that holds it.
    ``contacts`` and ``missions``: uid -> record (``Repository.records``)."""
    follow_ups = follow_ups_due(contacts.values(), today)
    seen = {t.contact.uid for t in follow_ups}
    recommendations = [t for t in recommendations_to_ask(contacts, reviews, missions or {}) if t.contact.uid not in seen]
    seen.update(t.contact.uid for t in recommendations)
    natural = [t for t in natural_gone_quiet(contacts.values(), today) if t.contact.uid not in seen]
    return follow_ups + recommendations + natural


def by_group(items: Iterable[ToContact]) -> dict[str, list[ToContact]]:
    """``items`` split by group, every group of :data:`GROUPS` present (maybe empty), in order."""
    groups: dict[str, list[ToContact]] = {group: [] for group in GROUPS}
    for item in items:
        groups[item.group].append(item)
    return groups


# -- words -----------------------------------------------------------------------------------


def reason_text(item: ToContact) -> str:
    """Why to contact them, in the language in use: "follow-up 12 days late",
    "recommendation (review of Acme)", "last contact 134 days ago", "never contacted"."""
    if item.reason == FOLLOW_UP_DUE:
        if not item.days:
            return _("follow-up due today")
        return ngettext("follow-up {days} day late", "follow-up {days} days late", item.days).format(days=item.days)
    if item.reason == RECOMMENDATION_TO_ASK:
        if item.mission is None:
            return _("recommendation to ask")
        # (not "to ask": the group's heading says it, and the mission's name stays whole in
        # the 80-column table, where "recommendation to ask (review of …" cut it)
        return _("recommendation (review of {mission})").format(mission=item.mission.client or item.mission.label())
    if item.reason == SILENT:
        return ngettext("last contact {days} day ago", "last contact {days} days ago", item.days or 0).format(days=item.days)
    return _("never contacted")


def group_heading(group: str, count: int) -> str:
    """A group's heading with its count: "4 follow-ups due"."""
    if group == FOLLOW_UP:
        return ngettext("{count} follow-up due", "{count} follow-ups due", count).format(count=fmt.grouped(count))
    if group == RECOMMENDATION:
        return ngettext("{count} recommendation to ask", "{count} recommendations to ask", count).format(count=fmt.grouped(count))
    return ngettext("{count} in your natural network not contacted for {days} days or more",
                    "{count} in your natural network not contacted for {days} days or more",
                    count).format(count=fmt.grouped(count), days=NATURAL_SILENCE_DAYS)


def week_text(count: int, quota: int | None = None) -> str:
    """The screen's header: "This week: 2 new leads", or with the plan's weekly quota of
    new leads (``store.plan``), "This week: 2 of 3 new leads"."""
    if quota:
        return ngettext("This week: {count} of {quota} new lead", "This week: {count} of {quota} new leads",
                        quota).format(count=count, quota=quota)
    return ngettext("This week: {count} new lead", "This week: {count} new leads", count).format(count=count)
