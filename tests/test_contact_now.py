"""Who to contact now (issue 23): the rule of ``store.contact_now``, on dates worked out
by hand, and its words in English and French."""

from __future__ import annotations

from datetime import date

import pytest

from store import i18n
from store.contact_now import (
    FOLLOW_UP,
    NATURAL,
    NATURAL_SILENCE_DAYS,
    RECOMMENDATION,
    by_group,
    group_heading,
    reason_text,
    week_text,
    who_to_contact_now,
)
from store.models import Contact, Mission, Opportunity, Review
from store.plan import leads_this_week, week_of

#: a Wednesday; 90 days before it is 2026-12-10 (21 days of December after the 10th, 31 of
#: January, 28 of February, 10 of March: 21 + 31 + 28 + 10 = 90)
TODAY = date(2027, 3, 10)


def contact(uid: str, name: str, circle: str = "natural", last: str | None = None, follow: str | None = None) -> Contact:
    return Contact(uid=uid, name=name, circle=circle, company=f"{name} SA",
                   last_contact=date.fromisoformat(last) if last else None,
                   next_follow_up=date.fromisoformat(follow) if follow else None)


def review(uid: str, mission: str, completed: str | None, *asks: tuple[str, str]) -> Review:
    return Review(uid=uid, mission_uid=mission, completed=date.fromisoformat(completed) if completed else None,
                  recommendations=[{"contact_uid": c, "status": s} for c, s in asks])


def index(*contacts: Contact) -> dict[str, Contact]:
    return {c.uid: c for c in contacts}


def names(items) -> list[str]:
    return [t.contact.name for t in items]


def test_ninety_days_is_in_and_eighty_nine_is_out():
    assert NATURAL_SILENCE_DAYS == 90
    people = index(contact("a", "Exactly Ninety", last="2026-12-10"),
                   contact("b", "Eighty Nine", last="2026-12-11"),
                   contact("c", "Long Ago", last="2026-11-26"),
                   contact("d", "Pro Ninety", circle="professional", last="2026-12-10"))
    items = who_to_contact_now(people, [], TODAY)
    assert names(items) == ["Long Ago", "Exactly Ninety"]  # the longest silence first; pro left out
    assert [(t.group, t.reason, t.days) for t in items] == [(NATURAL, "silent", 104), (NATURAL, "silent", 90)]


def test_never_contacted_come_after_the_dated_ones_by_name():
    people = index(contact("z", "Zoé Never"), contact("e", "Émile Never"), contact("a", "Anna Dated", last="2026-12-01"),
                   contact("o", "Old Dated", last="2025-01-01"))
    items = who_to_contact_now(people, [], TODAY)
    assert names(items) == ["Old Dated", "Anna Dated", "Émile Never", "Zoé Never"]
    assert [t.reason for t in items] == ["silent", "silent", "never-contacted", "never-contacted"]
    assert [t.days for t in items] == [798, 99, None, None]


def test_follow_ups_due_most_late_first_today_included():
    people = index(contact("t", "Today", circle="professional", follow="2027-03-10"),
                   contact("w", "Week Late", circle="professional", follow="2027-03-03"),
                   contact("m", "Month Late", circle="professional", follow="2027-02-08"),
                   contact("f", "Future", circle="professional", follow="2027-03-11"))
    items = who_to_contact_now(people, [], TODAY)
    assert names(items) == ["Month Late", "Week Late", "Today"]
    assert [(t.group, t.days) for t in items] == [(FOLLOW_UP, 30), (FOLLOW_UP, 7), (FOLLOW_UP, 0)]


def test_recommendations_to_ask_from_completed_reviews_only_named_by_the_mission():
    people = index(contact("a", "Asked", circle="professional"), contact("b", "To Ask", circle="professional"),
                   contact("c", "Draft Pick", circle="professional"), contact("d", "Older Review", circle="professional"))
    missions = {"m1": Mission(uid="m1", client="Acme", title="Audit"), "m2": Mission(uid="m2", client="Beta")}
    reviews = [
        review("r1", "m1", "2027-01-15", ("a", "asked"), ("b", "to-ask"), ("gone", "to-ask")),
        review("r2", "m2", None, ("c", "to-ask")),  # in progress: not a decision yet
        review("r3", "m2", "2026-06-01", ("d", "to-ask"), ("b", "to-ask")),
    ]
    items = who_to_contact_now(people, reviews, TODAY, missions)
    # the oldest review first; "To Ask" once, from the first review (the oldest) that asks
    assert names(items) == ["Older Review", "To Ask"]
    assert [(t.group, t.review.uid, t.mission.client) for t in items] == [(RECOMMENDATION, "r3", "Beta"),
                                                                         (RECOMMENDATION, "r3", "Beta")]
    assert reason_text(items[0]) == "recommendation (review of Beta)"


def test_a_contact_in_several_groups_appears_once_in_the_first():
    # due, to ask for a recommendation and silent for 200 days: a follow-up
    both = contact("x", "Everywhere", last="2026-08-22", follow="2027-03-01")
    # to ask and silent: a recommendation
    asked = contact("y", "Asked And Quiet", last="2026-01-01")
    people = index(both, asked, contact("q", "Just Quiet", last="2026-01-02"))
    reviews = [review("r", "m", "2027-01-01", ("x", "to-ask"), ("y", "to-ask"))]
    items = who_to_contact_now(people, reviews, TODAY, {"m": Mission(uid="m", client="Acme")})
    assert [(t.contact.name, t.group) for t in items] == [
        ("Everywhere", FOLLOW_UP), ("Asked And Quiet", RECOMMENDATION), ("Just Quiet", NATURAL)]
    groups = by_group(items)
    assert list(groups) == [FOLLOW_UP, RECOMMENDATION, NATURAL] and all(len(g) == 1 for g in groups.values())
    assert by_group([]) == {FOLLOW_UP: [], RECOMMENDATION: [], NATURAL: []}


def test_leads_this_week_counts_monday_to_sunday():
    assert week_of(TODAY) == (date(2027, 3, 8), date(2027, 3, 14))

    def opp(first: str | None, stage: str = "contacted") -> Opportunity:
        return Opportunity(title="x", stage=stage, first_contact=date.fromisoformat(first) if first else None)

    opps = [opp("2027-03-07"), opp("2027-03-08"), opp("2027-03-14", "lost"), opp("2027-03-15"), opp(None)]
    assert leads_this_week(opps, TODAY) == 2  # Sunday before and Monday after are other weeks
    assert leads_this_week(opps, date(2027, 3, 14)) == 2  # (a Sunday: still that week)
    assert leads_this_week(opps, date(2027, 3, 7)) == 1


@pytest.fixture
def french():
    i18n.set_language("fr")
    yield
    i18n.set_language(None)


def test_the_reasons_and_headings_in_english():
    people = index(contact("f", "F", follow="2027-02-26"), contact("t", "T", follow="2027-03-10"),
                   contact("s", "S", last="2026-10-27"), contact("o", "O", last="2026-12-09"), contact("n", "N"))
    items = who_to_contact_now(people, [], TODAY)
    assert [reason_text(t) for t in items] == ["follow-up 12 days late", "follow-up due today", "last contact 134 days ago",
                                               "last contact 91 days ago", "never contacted"]
    assert group_heading(FOLLOW_UP, 1) == "1 follow-up due"
    assert group_heading(NATURAL, 3) == "3 in your natural network not contacted for 90 days or more"
    assert week_text(1) == "This week: 1 new lead" and week_text(0) == "This week: 0 new leads"
    assert week_text(2, 3) == "This week: 2 of 3 new leads" and week_text(0, 1) == "This week: 0 of 1 new lead"


def test_the_reasons_and_headings_in_french(french):
    people = index(contact("f", "F", follow="2027-02-26"), contact("d", "D", follow="2027-03-09"),
                   contact("s", "S", last="2026-10-27"), contact("n", "N"))
    items = who_to_contact_now(people, [], TODAY)
    assert [reason_text(t) for t in items] == ["relance en retard de 12 jours", "relance en retard de 1 jour",
                                               "dernier contact il y a 134 jours", "aucun contact noté"]
    assert group_heading(FOLLOW_UP, 4) == "4 relances à faire"
    assert group_heading(RECOMMENDATION, 1) == "1 recommandation à demander"
    assert week_text(2) == "Cette semaine\u00a0: 2 nouvelles pistes" and week_text(0) == "Cette semaine\u00a0: 0 nouvelle piste"
    assert week_text(1, 3) == "Cette semaine\u00a0: 1 sur 3 nouvelles pistes"


def test_a_large_group_is_counted_with_its_thousands_apart():
    # (a LinkedIn import brings 30,000 contacts into the natural network)
    from store.contact_now import NATURAL, group_heading

    assert group_heading(NATURAL, 30001).startswith("30\u202f001 in your natural network")
