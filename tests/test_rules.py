"""The business rules of ``store.rules``, each on real records, and the panes and the
calendar export agreeing on which reviews are due."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.calendar_export import write_ics
from store.models import Contact, Mission, Opportunity, Review
from store.rules import (
    fold,
    STAGE_WALK,
    completed_review,
    days_late,
    draft_missions,
    follow_up_due,
    follow_up_order,
    follow_ups_first,
    last_touch,
    mission_from_opportunity,
    mission_phase,
    mission_status,
    missions_due_review,
    opportunity_value,
    review_due,
    review_due_on,
    stage_change,
    stage_step,
    weighted_value,
)

from .conftest import TODAY

DAY = timedelta(days=1)


def mission(**values) -> Mission:
    values.setdefault("uid", "m1")
    values.setdefault("client", "Acme")
    values.setdefault("daily_rate", Decimal("600"))
    values.setdefault("start", date(2026, 9, 1))
    values.setdefault("end", date(2026, 11, 20))
    return Mission(**values)


def review(uid: str = "r1", mission_uid: str = "m1", completed: date | None = None) -> Review:
    return Review(uid=uid, mission_uid=mission_uid, created=date(2026, 11, 21), completed=completed)


# -- a mission's phase and status ----------------------------------------------------------------


@pytest.mark.parametrize("values,phase", [
    ({"start": TODAY + DAY, "end": TODAY + 30 * DAY}, "planned"),
    ({"start": TODAY, "end": TODAY}, "active"),  # its first and last day: still active
    ({"start": TODAY - 30 * DAY, "end": TODAY - DAY}, "ended"),
    ({"start": TODAY - 30 * DAY, "end": TODAY + 30 * DAY, "ended_on": TODAY - DAY}, "ended"),  # an early end
    ({"start": TODAY - 30 * DAY, "end": None}, "active"),  # no end: active until one is set
    ({"start": None, "end": TODAY - DAY}, "ended"),
])
def test_mission_phase(values, phase):
    assert mission_phase(mission(**values), TODAY) == phase


def test_the_review_is_due_from_the_day_after_the_last_day():
    m = mission(end=TODAY - DAY)
    assert review_due_on(m) == TODAY
    assert review_due(m, {}, TODAY) and not review_due(m, {}, TODAY - DAY)
    assert mission_status(m, {}, TODAY - DAY) == "active"
    assert review_due_on(mission(end=TODAY + 9 * DAY, ended_on=TODAY - 3 * DAY)) == TODAY - 2 * DAY
    assert review_due_on(mission(end=None)) is None and not review_due(mission(end=None), {}, TODAY)


def test_a_completed_review_linked_from_the_mission_ends_it():
    done = review(completed=TODAY)
    m = mission(review_uid=done.uid)
    assert completed_review(m, {done.uid: done}) is done
    assert not review_due(m, {done.uid: done}, TODAY)
    assert mission_status(m, {done.uid: done}, TODAY) == "ended"
    assert mission_status(mission(), {}, TODAY) == "review due"
    # a planned or running mission is never "review due", reviewed or not
    assert mission_status(mission(start=TODAY + DAY, end=TODAY + 9 * DAY), {}, TODAY) == "planned"
    assert mission_status(mission(end=TODAY + 9 * DAY), {}, TODAY) == "active"


@pytest.mark.parametrize("case", ["link to a draft", "link to a review that is gone", "review not linked"])
def test_a_review_is_done_only_when_the_one_the_mission_links_to_is_completed(case):
    """The panes used to read ``review_uid`` alone ("ended" as soon as it is set), the
    calendar export the completed review: the first two cases are where they disagreed."""
    if case == "link to a draft":
        draft = review(completed=None)
        m, reviews = mission(review_uid=draft.uid), {draft.uid: draft}
    elif case == "link to a review that is gone":
        m, reviews = mission(review_uid="r-gone"), {}
    else:  # completed, but the mission does not name it: not the review the app shows
        done = review(completed=TODAY)
        m, reviews = mission(), {done.uid: done}
    assert completed_review(m, reviews) is None
    assert review_due(m, reviews, TODAY)
    assert mission_status(m, reviews, TODAY) == "review due"


def test_the_panes_and_the_calendar_export_agree_on_the_reviews_due(repo):
    """A mission whose ``review_uid`` names a review left as a draft: the Missions pane
    said "ended" and offered no review while the calendar export put the review in the
    calendar. One rule: due in both."""
    linked_to_draft = repo.add("mission", {"client": "Acme", "start": "2026-09-01", "end": "2026-11-20",
                                           "daily_rate": "600"})
    draft = repo.add("review", {"mission_uid": linked_to_draft.uid, "created": "2026-11-21"})
    linked_to_draft = repo.update("mission", linked_to_draft.uid, {"review_uid": draft.uid})
    reviewed = repo.add("mission", {"client": "Beta", "start": "2026-06-01", "end": "2026-08-28",
                                    "daily_rate": "600"})
    done = repo.add("review", {"mission_uid": reviewed.uid, "created": "2026-09-01", "completed": "2026-09-01"})
    reviewed = repo.update("mission", reviewed.uid, {"review_uid": done.uid})
    never = repo.add("mission", {"client": "Gamma", "start": "2026-03-02", "end": "2026-05-29",
                                 "daily_rate": "600"})
    running = repo.add("mission", {"client": "Delta", "start": "2026-11-02", "end": "2027-01-29",
                                   "daily_rate": "600"})

    reviews = repo.records("review")
    assert [mission_status(m, reviews, TODAY) for m in (linked_to_draft, reviewed, never, running)] == \
        ["review due", "ended", "review due", "active"]
    assert [m.uid for m in missions_due_review(repo)] == [never.uid, linked_to_draft.uid]  # longest-ended first
    ics = write_ics(repo)
    in_calendar = {m.uid for m in (linked_to_draft, reviewed, never, running) if f"UID:review-{m.uid}@relance" in ics}
    # the calendar also shows the review ahead of a running mission, on the day it becomes due
    assert in_calendar == {linked_to_draft.uid, never.uid, running.uid}
    assert f"DTSTART;VALUE=DATE:{review_due_on(running):%Y%m%d}" in ics


# -- opportunities -------------------------------------------------------------------------------


def opportunity(**values) -> Opportunity:
    values.setdefault("uid", "o1")
    values.setdefault("title", "Audit")
    return Opportunity(**values)


def test_opportunity_value():
    assert opportunity_value(opportunity(daily_rate=Decimal("650"), estimated_days=Decimal("12.5"))) == Decimal("8125")
    assert opportunity_value(opportunity(daily_rate=Decimal("650"))) == 0
    assert opportunity_value(opportunity(estimated_days=Decimal("10"))) == 0


@pytest.mark.parametrize("stage_from,closed,stage_to,changes", [
    ("proposal", None, "won", {"stage": "won", "closed": TODAY}),
    ("proposal", date(2026, 11, 2), "won", {"stage": "won"}),  # a closing date already there is kept
    ("won", date(2026, 11, 2), "negotiation", {"stage": "negotiation", "closed": None}),
    ("won", date(2026, 11, 2), "lost", {"stage": "lost", "closed": None}),
    ("meeting", None, "proposal", {"stage": "proposal"}),
    ("proposal", None, "lost", {"stage": "lost"}),
])
def test_what_a_stage_move_changes(stage_from, closed, stage_to, changes):
    assert stage_change(opportunity(stage=stage_from, closed=closed), stage_to, TODAY) == changes


@pytest.mark.parametrize("source,expected", [
    ("Recommandation de Paul", "recommendation"), ("réseau naturel", "natural"), ("my network", "natural"),
    ("LinkedIn", "prospecting"), ("", "prospecting"),
])
def test_the_mission_of_a_won_opportunity_guesses_its_source(source, expected):
    assert mission_from_opportunity(opportunity(source=source), TODAY)["source"] == expected


def test_the_mission_of_a_won_opportunity():
    won = opportunity(title="Audit SI", organisation="Acme", contact_uid="c1", target_uid="t1", stage="won",
                      daily_rate=Decimal("700"), estimated_days=Decimal("12"), expected_start=date(2027, 1, 4))
    assert mission_from_opportunity(won, TODAY) == {
        "title": "Audit SI", "client": "Acme", "contact_uid": "c1", "target_uid": "t1", "source": "prospecting",
        "start": date(2027, 1, 4), "daily_rate": Decimal("700"), "total_days": Decimal("12"),
        "end": date(2027, 1, 22),  # 12 days: 3 weeks of 5, ending on the third Friday
    }
    # an expected start already past, or none: a week from today; no estimate, no end
    late = opportunity(title="Audit", expected_start=TODAY - DAY)
    preset = mission_from_opportunity(late, TODAY)
    assert preset["start"] == TODAY + 7 * DAY and preset["client"] == "Audit" and "end" not in preset


# -- follow-ups ------------------------------------------------------------------------------


def contact(name: str, follow: date | None = None, last: date | None = None) -> Contact:
    return Contact(uid=name.lower(), name=name, next_follow_up=follow, last_contact=last)


def test_a_follow_up_is_due_on_its_day_and_after_it():
    assert days_late(TODAY, TODAY) == 0
    assert days_late(TODAY - 3 * DAY, TODAY) == 3
    assert days_late(TODAY + DAY, TODAY) is None
    assert days_late(None, TODAY) is None
    assert follow_up_due(contact("Zoé", TODAY), TODAY)
    assert not follow_up_due(contact("Zoé", TODAY + DAY), TODAY)
    assert not follow_up_due(contact("Zoé"), TODAY)


def test_the_follow_ups_due_come_first_the_oldest_first_then_everyone_by_name():
    contacts = [contact("Zoé", TODAY + DAY), contact("claire"), contact("Anne", TODAY),
                contact("Bruno", TODAY - 5 * DAY), contact("Alice", TODAY)]
    ordered = [c.name for c in follow_ups_first(contacts, TODAY)]
    assert ordered == ["Bruno", "Alice", "Anne", "claire", "Zoé"]
    # the fast sort and the key the pane patches its list with agree
    assert ordered == [c.name for c in sorted(contacts, key=lambda c: follow_up_order(c, TODAY))]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
                          st.one_of(st.none(), st.integers(-400, 400))), max_size=30))
def test_the_order_made_on_texts_is_the_order_of_the_tuples_it_stands_for(people):
    """The Network pane sorts on one text per contact (quicker than tuples): the due ones
    first, by day, then by folded name and name, as the tuples compared field by field."""
    contacts = [contact(name, None if days is None else TODAY + days * DAY) for name, days in people]

    def as_tuple(c):
        due = c.next_follow_up is not None and c.next_follow_up <= TODAY
        return (not due, c.next_follow_up if due else date.max, fold(c.name), c.name)

    expected = sorted(contacts, key=as_tuple)
    assert [as_tuple(c) for c in follow_ups_first(contacts, TODAY)] == [as_tuple(c) for c in expected]
    assert [as_tuple(c) for c in sorted(contacts, key=lambda c: follow_up_order(c, TODAY))] == [as_tuple(c) for c in expected]


# -- the pipeline ----------------------------------------------------------------------------


def test_the_stage_keys_walk_from_identified_to_won_and_never_from_lost():
    assert STAGE_WALK[0] == "identified" and STAGE_WALK[-1] == "won"
    assert stage_step("identified", 1) == "contacted"
    assert stage_step("negotiation", 1) == "won"
    assert stage_step("won", 1) is None
    assert stage_step("identified", -1) is None
    assert stage_step("won", -1) == "negotiation"
    assert stage_step("lost", 1) is None and stage_step("lost", -1) is None


def test_the_weighted_value_is_the_value_times_the_probability_and_nothing_once_closed():
    quoted = dict(title="Audit", daily_rate=Decimal("700"), estimated_days=Decimal("10"))
    assert weighted_value(Opportunity(stage="proposal", **quoted)) == Decimal("3500")  # 7,000 × 0.50
    assert weighted_value(Opportunity(stage="proposal", probability=Decimal("0.9"), **quoted)) == Decimal("6300")
    assert weighted_value(Opportunity(stage="won", **quoted)) == 0
    assert weighted_value(Opportunity(title="No rate", stage="meeting", estimated_days=Decimal("10"))) == 0


def test_a_targets_last_touch_is_the_latest_contact_or_first_contact():
    contacts = [contact("Anne", last=date(2026, 10, 2)), contact("Bruno")]
    opportunities = [Opportunity(title="A", first_contact=date(2026, 11, 5)), Opportunity(title="B")]
    assert last_touch(contacts, opportunities) == date(2026, 11, 5)
    assert last_touch(contacts, []) == date(2026, 10, 2)
    assert last_touch([contact("Bruno")], [Opportunity(title="B")]) is None


def test_the_missions_with_a_review_in_progress():
    reviews = {"r1": review("r1", "m1"), "r2": review("r2", "m2", completed=TODAY), "r3": review("r3", "m3")}
    assert draft_missions(reviews) == {"m1", "m3"}
