"""Validation of every record kind: each error names the field and what is expected."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from store.dates import parse_date
from store.errors import ValidationError
from store.repository import Repository

from .conftest import TODAY


def errors_of(repo, kind, data, base=None) -> dict[str, str]:
    with pytest.raises(ValidationError) as err:
        repo.build(kind, data, base)
    return err.value.errors


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2027-01-04", date(2027, 1, 4)),
        ("today", TODAY),
        ("tomorrow", date(2026, 11, 28)),
        ("+3d", date(2026, 11, 30)),
        ("+2w", date(2026, 12, 11)),
        ("+1m", date(2026, 12, 27)),
        ("-1m", date(2026, 10, 27)),
        ("+1y", date(2027, 11, 27)),
    ],
)
def test_dates_absolute_and_relative(text, expected):
    assert parse_date(text, TODAY) == expected


def test_month_arithmetic_clamps_to_month_end():
    assert parse_date("+1m", date(2027, 1, 31)) == date(2027, 2, 28)


@pytest.mark.parametrize("text", ["2027-02-30", "04/01/2027", "next week", "+3x"])
def test_bad_dates_are_refused_with_the_expected_form(text):
    with pytest.raises(ValueError) as err:
        parse_date(text, TODAY)
    assert "YYYY-MM-DD" in str(err.value) or "not a real date" in str(err.value)


@pytest.mark.parametrize("stored", ["2027-W01-1", "+3d", "2027-1-4", "2027-02-30"])
def test_a_stored_date_is_year_month_day_on_the_fast_path_too(stored):
    """The loader's inline test took any ten characters with a dash fifth that
    date.fromisoformat read: an ISO week date (2027-W01-1, Python 3.11) was loaded as
    2027-01-04, where the type's own check refuses it."""
    from store.models import Contact

    with pytest.raises(ValidationError) as err:
        Contact.from_doc({"uid": "c1", "name": "Zoé", "last_contact": stored}, TODAY)
    assert "last_contact" in err.value.errors


@pytest.mark.parametrize("text", ["+9999y", "-9999y", "-2500y", "+9000y"])
def test_a_relative_date_past_the_calendar_is_refused_with_a_sentence(text):
    """Years 1 to 9999 only: +9999y ended in an AssertionError ('unreachable') that
    crashed `relance add` and the form being typed in."""
    with pytest.raises(ValueError) as err:
        parse_date(text, TODAY)
    assert str(err.value) == f"{text!r} is too far from today."


async def test_typing_a_date_past_the_calendar_in_a_form_shows_a_message(demo_path):
    from tui.app import make_app
    from tui.forms import RecordForm

    from .test_dashboard import settle, type_text

    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoé")
        app.screen.query_one("#field-next_follow_up").focus()
        await type_text(pilot, "+9999y")
        await pilot.pause()
        assert isinstance(app.screen, RecordForm)
        shown = " ".join(str(e.render()) for e in app.screen.query(".field-error"))
        assert "'+9999y' is too far from today." in shown


def test_contact_requires_a_name_and_checks_email_and_circle(repo):
    errors = errors_of(repo, "contact", {"email": "zoe.at.acme", "circle": "friends"})
    assert errors["name"] == "is required."
    assert "e-mail address like name@example.com" in errors["email"] and "zoe.at.acme" in errors["email"]
    assert "natural, pro;" in errors["circle"]  # (the labels: "pro" is taken, and "professional")


def test_contact_fields_parse_to_typed_values(repo):
    contact = repo.build(
        "contact",
        {"name": " Zoé Durand ", "tags": "client, ancien collègue, client", "next_follow_up": "+2w",
         "cadence_days": "30", "email": "zoe@acme.fr", "phone": "+33 6 12 34 56 78"},
    )
    assert contact.name == "Zoé Durand"
    assert contact.tags == ["client", "ancien collègue"]
    assert contact.next_follow_up == date(2026, 12, 11)
    assert contact.cadence_days == 30


def test_unknown_field_is_named(repo):
    errors = errors_of(repo, "contact", {"name": "Zoé", "nickname": "Zo"})
    assert "not a field of a contact" in errors["nickname"]


@pytest.mark.parametrize(
    "raw,problem",
    [("-650", "more than zero"), ("0", "more than zero"), ("six cents", "amount"), ("650.555", "two decimals"),
     # past 28 digits Decimal could not round it to cents: InvalidOperation, a crash of `relance add`
     ("1" + "0" * 40, "is too large: at most 999999999.99"), ("1000000000", "is too large"),
     ("1e309", "expected an amount such as 650 or 650.50")],  # (an exponent is never typed: issue 20, point 11)
)
def test_money_is_positive_decimal(repo, raw, problem):
    errors = errors_of(repo, "mission", {"client": "Acme", "start": "2027-01-04", "end": "2027-03-31", "daily_rate": raw})
    assert problem in errors["daily_rate"]


def test_money_is_decimal_and_stored_as_a_string(repo):
    mission = repo.build("mission", {"client": "Acme", "start": "2027-01-04", "end": "2027-03-31", "daily_rate": "650,5"})
    assert mission.daily_rate == Decimal("650.50")
    assert mission.to_doc()["daily_rate"] == "650.50"
    assert mission.to_doc()["days_per_week"] == "5"


def test_mission_end_before_start_is_refused(repo):
    errors = errors_of(repo, "mission", {"client": "Acme", "start": "2027-03-01", "end": "2027-02-01", "daily_rate": "650"})
    assert errors == {"end": "the end 2027-02-01 is before the start 2027-03-01."}


def test_mission_requires_client_dates_and_rate(repo):
    errors = errors_of(repo, "mission", {})
    assert set(errors) == {"client", "start", "end", "daily_rate"}


def test_days_per_week_bounds(repo):
    errors = errors_of(repo, "mission", {"client": "A", "start": "2027-01-04", "end": "2027-01-08", "daily_rate": "650", "days_per_week": "6"})
    assert "more than 0 and at most 5" in errors["days_per_week"]


def test_opportunity_stage_probability_and_dates(repo):
    errors = errors_of(repo, "opportunity", {"title": "Audit", "stage": "signed", "probability": "1.5",
                                             "first_contact": "2026-10-01", "closed": "2026-09-01"})
    assert "identified, contacted, meeting, proposal, negotiation, won, lost" in errors["stage"]
    assert "between 0 and 1" in errors["probability"]
    opp = repo.build("opportunity", {"title": "Audit", "stage": "proposal"})
    assert opp.weight() == Decimal("0.50")
    assert repo.build("opportunity", {"title": "Audit", "stage": "proposal", "probability": "0.3"}).weight() == Decimal("0.3")


def test_closed_before_first_contact(repo):
    errors = errors_of(repo, "opportunity", {"title": "Audit", "first_contact": "2026-10-01", "closed": "2026-09-01"})
    assert "before the first contact" in errors["closed"]


def test_references_must_exist(repo):
    errors = errors_of(repo, "opportunity", {"title": "Audit", "contact_uid": "0e0e0e0e-0000-4000-8000-000000000000"})
    assert errors["contact_uid"] == "there is no contact with uid 0e0e0e0e-0000-4000-8000-000000000000."
    errors = errors_of(repo, "contact", {"name": "Zoé", "target_uids": ["0e0e0e0e-0000-4000-8000-000000000001"]})
    assert "there is no target" in errors["target_uids"]


def test_interaction_kind_and_required_contact(repo):
    errors = errors_of(repo, "interaction", {"date": "today", "kind": "fax"})
    assert errors["contact_uid"] == "is required."
    assert "call, meeting, email, message, event, other" in errors["kind"]


def test_review_items_are_validated(repo):
    mission = repo.add("mission", {"client": "Acme", "start": "2026-01-05", "end": "2026-06-30", "daily_rate": "600"})
    errors = errors_of(repo, "review", {"mission_uid": mission.uid, "recommendations": [{"contact_uid": None, "status": "maybe"}]})
    assert "item 1, contact_uid: is required." in errors["recommendations"]


def test_settings_validation(repo):
    errors = errors_of(repo, "settings", {"currency": "euros", "country": "France", "fee_rate": "8", "horizon_months": "0"})
    assert "3-letter currency code such as EUR" in errors["currency"]
    assert "2-letter country code such as FR" in errors["country"]
    assert repo.build("settings", {"currency": "chf", "country": "ch"}).currency == "CHF"
    assert "between 0 and 1" in errors["fee_rate"]
    assert "between 1 and 36" in errors["horizon_months"]
