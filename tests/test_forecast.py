"""The forecast rules of docs/ARCHITECTURE.md against months worked out by hand.

French public holidays used below: 2026-11-11 (Wednesday), 2026-12-25 (Friday),
2027-01-01 (Friday), 2027-03-29 (Easter Monday); 2026-11-01 falls on a Sunday.
Alsace-Moselle adds Good Friday (2026-04-03, 2027-03-26) and 26 December
(a Saturday in 2026).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from store.forecast import Calendar, Month, billable_days, forecast, lead_time, net_income, pipeline_by_month
from store.headlines import closing_the_gap, headlines, short_line, status_json
from store.models import Contact, Mission, Opportunity, Settings

from .conftest import TODAY

FR = Calendar("FR")
MOSELLE = Calendar("FR", "57")


def mission(**values) -> Mission:
    values.setdefault("client", "Acme")
    values.setdefault("daily_rate", Decimal("600"))
    return Mission(**values)


def opportunity(**values) -> Opportunity:
    values.setdefault("title", "Lead")
    return Opportunity(**values)


def settings(**values) -> Settings:
    values.setdefault("target_monthly", Decimal("10000"))
    return Settings(**values)


# -- working days -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "month, france, moselle",
    [
        (Month(2026, 11), 20, 20),  # 21 weekdays, 11 Nov on a Wednesday; 1 Nov is a Sunday
        (Month(2026, 12), 22, 22),  # 23 weekdays, Christmas on a Friday; 26 Dec (Moselle) is a Saturday
        (Month(2026, 4), 21, 20),  # Easter Monday; Moselle adds Good Friday 3 April
        (Month(2027, 3), 22, 21),  # Easter Monday 29 March; Moselle adds Good Friday 26 March
        (Month(2026, 5), 17, 17),  # 1 and 8 May (Fridays), Ascension, Whit Monday
    ],
)
def test_working_days_follow_public_holidays_of_the_country_and_subdivision(month, france, moselle):
    assert FR.working_days(month.first, month.last) == france
    assert MOSELLE.working_days(month.first, month.last) == moselle


def test_a_holiday_on_a_weekend_costs_no_working_day():
    # 26 December 2026 is a Saturday: Moselle's extra holiday changes nothing that week
    assert MOSELLE.holiday_name(date(2026, 12, 26))
    assert MOSELLE.working_days(date(2026, 12, 21), date(2026, 12, 27)) == FR.working_days(date(2026, 12, 21), date(2026, 12, 27)) == 4


# -- billable days and secured revenue ----------------------------------------------------


def test_a_mission_starting_mid_month_bills_its_working_days_from_the_start():
    m = mission(start=date(2026, 12, 14), end=date(2027, 3, 31))
    # 14-18, 21-24 (25 is Christmas), 28-31 December
    assert billable_days(m, Month(2026, 12), FR) == 13
    assert billable_days(m, Month(2026, 11), FR) == 0
    fc = forecast(settings(), [m], [], TODAY)
    assert fc.months[1].secured == Decimal("7800")


def test_three_days_a_week_bills_three_fifths_of_the_working_days():
    m = mission(start=date(2026, 12, 14), end=date(2027, 3, 31), days_per_week=Decimal(3))
    assert billable_days(m, Month(2026, 12), FR) == Decimal("7.8")
    assert forecast(settings(), [m], [], TODAY).months[1].secured == Decimal("4680.0")


def test_total_days_are_spread_over_the_period_in_proportion_to_working_days():
    # 4 January - 26 February 2027: 20 working days in each month (1 January is a holiday)
    m = mission(start=date(2027, 1, 4), end=date(2027, 2, 26), total_days=Decimal(20))
    assert billable_days(m, Month(2027, 1), FR) == 10
    assert billable_days(m, Month(2027, 2), FR) == 10
    three_months = mission(start=date(2027, 1, 4), end=date(2027, 3, 31), total_days=Decimal(31))
    # 20 + 20 + 22 = 62 working days: half a day sold per working day
    assert [billable_days(three_months, Month(2027, n), FR) for n in (1, 2, 3)] == [10, 10, 11]


def test_an_early_end_stops_the_billing():
    m = mission(start=date(2027, 1, 4), end=date(2027, 3, 31), ended_on=date(2027, 2, 12))
    assert billable_days(m, Month(2027, 2), FR) == 10
    assert billable_days(m, Month(2027, 3), FR) == 0
    spread = mission(start=date(2027, 1, 4), end=date(2027, 3, 31), total_days=Decimal(31), ended_on=date(2027, 2, 12))
    assert billable_days(spread, Month(2027, 2), FR) == 5  # the days of the planned spread up to the end
    assert billable_days(spread, Month(2027, 3), FR) == 0


def test_secured_gap_and_coverage_per_month():
    m = mission(start=date(2026, 11, 2), end=date(2027, 1, 15), daily_rate=Decimal("500"))
    fc = forecast(settings(), [m], [], TODAY, months=3)
    nov, dec, jan = fc.months
    assert (nov.working_days, nov.billable_days, nov.secured) == (20, 20, Decimal("10000"))
    assert (nov.gap, nov.coverage) == (0, 1)
    assert (dec.secured, dec.gap) == (Decimal("11000"), 0)
    # January: 4-8 and 11-15 (1 January is a holiday)
    assert (jan.billable_days, jan.secured, jan.gap, jan.coverage) == (10, Decimal("5000"), Decimal("5000"), Decimal("0.5"))
    assert all(isinstance(row.secured, Decimal) for row in fc.months)


# -- pipeline --------------------------------------------------------------------------------


def test_pipeline_lays_estimated_days_on_consecutive_working_days_weighted_by_stage():
    o = opportunity(stage="proposal", daily_rate=Decimal("700"), estimated_days=Decimal(10), expected_start=date(2026, 12, 21))
    months = [Month(2026, 12), Month(2027, 1)]
    by_month, undated = pipeline_by_month([o], months, FR, None)
    # 21-24 and 28-31 December (8 days), then 4 and 5 January (the 1st is a holiday); proposal = 0.50
    assert by_month == {Month(2026, 12): Decimal("2800"), Month(2027, 1): Decimal("700")}
    assert undated == 0


def test_pipeline_half_days_own_probability_and_closed_opportunities():
    half = opportunity(stage="meeting", daily_rate=Decimal("400"), estimated_days=Decimal("2.5"), expected_start=date(2027, 1, 4))
    own = opportunity(stage="identified", probability=Decimal("0.2"), daily_rate=Decimal("500"), estimated_days=Decimal(1),
                      expected_start=date(2027, 1, 4))
    won = opportunity(stage="won", daily_rate=Decimal("500"), estimated_days=Decimal(5), expected_start=date(2027, 1, 4))
    lost = opportunity(stage="lost", daily_rate=Decimal("500"), estimated_days=Decimal(5), expected_start=date(2027, 1, 4))
    by_month, _ = pipeline_by_month([half, own, won, lost], [Month(2027, 1)], FR, None)
    # 2.5 days x 400 x 0.25 + 1 day x 500 x 0.2
    assert by_month[Month(2027, 1)] == Decimal("250") + Decimal("100")


def test_pipeline_without_rate_uses_the_usual_rate_and_without_start_is_counted_apart():
    no_rate = opportunity(stage="negotiation", estimated_days=Decimal(4), expected_start=date(2027, 2, 1))
    no_start = opportunity(stage="proposal", daily_rate=Decimal("600"), estimated_days=Decimal(10))
    fc = forecast(settings(daily_rate=Decimal("650")), [], [no_rate, no_start], TODAY)
    assert fc.months[3].pipeline_weighted == Decimal("1950")  # 4 x 650 x 0.75
    assert fc.pipeline_undated == Decimal("3000")
    assert any(h.key == "undated" for h in headlines(fc))


def test_pipeline_beyond_the_horizon_is_left_out():
    o = opportunity(stage="proposal", daily_rate=Decimal("600"), estimated_days=Decimal(10), expected_start=date(2027, 6, 1))
    fc = forecast(settings(), [], [o], TODAY)
    assert sum(row.pipeline_weighted for row in fc.months) == 0


# -- cliff, lead time, deadline -------------------------------------------------------------


def won(first: date, closed: date) -> Opportunity:
    return opportunity(stage="won", first_contact=first, closed=closed)


def test_lead_time_is_the_default_below_two_won_opportunities():
    assert lead_time([], 180) == (180, "default", 0)
    assert lead_time([won(date(2026, 1, 1), date(2026, 1, 31))], 180) == (180, "default", 1)
    # a won opportunity without its first contact does not count
    assert lead_time([won(date(2026, 1, 1), date(2026, 1, 31)), opportunity(stage="won", closed=date(2026, 3, 1))], 90)[1] == "default"


def test_lead_time_is_the_median_over_won_opportunities():
    two = [won(date(2026, 1, 1), date(2026, 1, 31)), won(date(2026, 3, 1), date(2026, 4, 20))]  # 30 and 50 days
    assert lead_time(two, 180) == (40, "history", 2)
    three = [won(date(2026, 1, 1), date(2026, 1, 11)), won(date(2026, 1, 1), date(2026, 1, 21)),
             won(date(2026, 1, 1), date(2026, 4, 1))]  # 10, 20, 90
    assert lead_time(three, 180) == (20, "history", 3)
    lost = opportunity(stage="lost", first_contact=date(2026, 1, 1), closed=date(2026, 12, 1))
    assert lead_time([*three, lost], 180) == (20, "history", 3)


def test_cliff_is_the_first_short_month_and_the_deadline_comes_lead_time_before_it():
    m = mission(start=date(2026, 11, 2), end=date(2026, 12, 31), daily_rate=Decimal("500"))
    fc = forecast(settings(), [m], [], TODAY)
    assert fc.cliff == Month(2027, 1)
    # 1 January 2027 - 180 days
    assert fc.deadline == date(2026, 7, 5)
    assert fc.lead_time_source == "default"
    assert fc.late_by_days == (TODAY - date(2026, 7, 5)).days == 145
    assert fc.days_left == 0


def test_a_deadline_still_ahead_counts_the_days_left():
    m = mission(start=date(2026, 11, 2), end=date(2026, 12, 31), daily_rate=Decimal("500"))
    quick = [won(date(2026, 1, 1), date(2026, 1, 21)), won(date(2026, 3, 1), date(2026, 3, 21))]  # 20 days
    fc = forecast(settings(), [m], quick, TODAY)
    assert (fc.lead_time_days, fc.lead_time_source) == (20, "history")
    assert fc.deadline == date(2026, 12, 12)
    assert (fc.late_by_days, fc.days_left) == (0, 15)
    deadline = next(h for h in headlines(fc) if h.key == "deadline")
    assert deadline.text == "Start prospecting by 12 December 2026 — in 15 days."


def test_the_current_month_counts_for_the_cliff():
    fc = forecast(settings(), [], [], TODAY)
    assert fc.cliff == Month(2026, 11)
    assert fc.deadline == date(2026, 5, 5)


def test_no_cliff_when_every_month_is_covered():
    m = mission(start=date(2026, 1, 5), end=date(2027, 12, 31), daily_rate=Decimal("700"))
    fc = forecast(settings(), [m], [], TODAY)
    assert fc.cliff is None and fc.deadline is None and fc.late_by_days is None
    assert status_json(fc, [])["cliff_month"] is None
    assert headlines(fc)[0].text == "Income reaches the target in every month through April 2027."


def test_without_a_target_there_is_no_gap_and_no_division_error():
    m = mission(start=date(2026, 11, 2), end=date(2026, 12, 31))
    fc = forecast(settings(target_monthly=None), [m], [], TODAY)
    assert all(row.gap is None and row.coverage is None for row in fc.months)
    assert fc.cliff is None and fc.deadline is None
    doc = status_json(fc, [])
    assert doc["target_monthly"] is None
    assert {(row["target"], row["gap"], row["coverage"]) for row in doc["months"]} == {(None, None, None)}
    assert doc["months"][0]["secured"] == "12000.00"
    cli = headlines(fc, where="cli")
    assert "No monthly target is set" in cli[0].text and cli[1].text.strip() == "relance settings --target-monthly 11000"
    assert "press s" in headlines(fc, where="tui")[0].text
    assert "no monthly target set" in short_line(fc, 0)
    zero = forecast(settings(target_monthly=Decimal(0)), [m], [], TODAY)
    assert zero.cliff is None and zero.months[0].coverage is None


def test_an_empty_horizon_has_no_month_and_no_cliff():
    fc = forecast(settings(horizon_months=6), [mission(start=TODAY, end=TODAY)], [], TODAY, months=0)
    assert fc.months == [] and fc.cliff is None and fc.deadline is None
    assert status_json(fc, [])["months"] == []


def test_the_horizon_starts_with_the_current_month():
    fc = forecast(settings(horizon_months=3), [], [], date(2026, 12, 31))
    assert [row.month.label() for row in fc.months] == ["2026-12", "2027-01", "2027-02"]


# -- what closes the gap, net income, natural network -------------------------------------


def test_what_closes_the_gap_days_at_the_usual_rate_or_the_rate_on_free_days():
    # January 2027: 10 days billed of 20 working, 5 000 EUR secured of 10 000
    m = mission(start=date(2026, 11, 2), end=date(2027, 1, 15), daily_rate=Decimal("500"))
    fc = forecast(settings(daily_rate=Decimal("650")), [m], [], TODAY)
    jan = fc.months[2]
    assert jan.free_days == 10
    assert jan.days_needed(Decimal("650")) == Decimal("8")  # 7.69 rounded up to a half day
    assert jan.rate_needed() == Decimal("500")
    assert closing_the_gap(fc, jan) == ("8 more billable days at 650\u202fEUR, "
                                        "or a rate of 500\u202fEUR on the 10 days still free.")
    assert closing_the_gap(fc, fc.months[0]) is None  # November is covered


def test_free_days_of_the_current_month_start_today():
    fc = forecast(settings(daily_rate=Decimal("650")), [], [], TODAY)  # Friday 27 November
    assert fc.months[0].free_days == 2  # 27 and 30 November
    assert fc.months[0].days_needed(Decimal("650")) == Decimal("15.5")
    assert "more than the 2 days still free" in closing_the_gap(fc, fc.months[0])


def test_the_usual_rate_falls_back_on_the_latest_mission():
    older = mission(start=date(2025, 1, 6), end=date(2025, 6, 30), daily_rate=Decimal("550"))
    latest = mission(start=date(2026, 1, 5), end=date(2026, 6, 30), daily_rate=Decimal("720"))
    assert forecast(settings(), [latest, older], [], TODAY).usual_rate == Decimal("720")
    assert forecast(settings(daily_rate=Decimal("600")), [latest], [], TODAY).usual_rate == Decimal("600")


def test_net_income_is_turnover_less_fees_times_the_net_share():
    s = settings(fee_rate=Decimal("0.08"), net_share=Decimal("0.50"))
    assert net_income(Decimal("10000"), s) == Decimal("4600")
    fc = forecast(s, [], [], TODAY)
    assert fc.net(Decimal("11000")) == Decimal("5060")


def test_natural_network_share_and_its_warning():
    missions = [mission(source="natural"), mission(source="natural"), mission(source="prospecting")]
    fc = forecast(settings(), missions, [], TODAY)
    assert fc.natural_share == Decimal(2) / Decimal(3)
    keys = [h.key for h in headlines(fc)]
    assert "natural" in keys and "natural_warning" in keys
    half = forecast(settings(), missions[1:], [], TODAY)
    assert half.natural_share == Decimal("0.5")
    assert "natural_warning" not in [h.key for h in headlines(half)]
    assert forecast(settings(), [], [], TODAY).natural_share is None


def test_status_json_has_the_public_format():
    m = mission(start=date(2026, 11, 2), end=date(2026, 12, 31), daily_rate=Decimal("512.345"), source="natural")
    due = Contact(uid="c1", name="Zoé", next_follow_up=date(2026, 11, 20))
    doc = status_json(forecast(settings(), [m], [], TODAY), [due])
    assert doc["today"] == "2026-11-27" and doc["currency"] == "EUR" and doc["target_monthly"] == "10000.00"
    nov = doc["months"][0]
    assert nov == {"month": "2026-11", "working_days": 20, "billable_days": 20.0, "secured": "10246.90",
                   "pipeline_weighted": "0.00", "target": "10000.00", "gap": "0.00", "coverage": 1.0247,
                   "time_off_days": 0}
    assert doc["cliff_month"] == "2027-01" and doc["prospecting_deadline"] == "2026-07-05"
    assert (doc["lead_time_days"], doc["lead_time_source"], doc["late_by_days"]) == (180, "default", 145)
    assert doc["natural_network_share"] == 1.0
    assert doc["follow_ups_due"] == [{"uid": "c1", "name": "Zoé", "next_follow_up": "2026-11-20"}]


def test_the_holiday_cache_vouches_only_for_codes_the_package_knows():
    """The settings' check trusts a cached calendar (no import of holidays); a calendar
    asked for an unknown subdivision must not leave one behind."""
    assert Calendar("FR", "99").working_days(date(2026, 12, 1), date(2026, 12, 31)) == 23  # no holidays known
    assert "subdivision" in Settings(country="FR", subdivision="99").check()
    FR.working_days(date(2026, 12, 1), date(2026, 12, 31))
    assert Settings(country="FR").check() == {}
