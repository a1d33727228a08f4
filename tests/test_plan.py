"""Time off and the prospecting plan (docs/ARCHITECTURE.md, "Forecast rules" and
"Prospecting plan") against figures worked out by hand.

French working days used below (public holidays: 1 January 2027, a Friday; Easter Monday
29 March 2027; Ascension 6 May 2027, a Thursday; Whit Monday 17 May 2027; 1 and 8 May 2027
fall on Saturdays): January 2027 has 20 (all from the 4th), February 20, March 22, April
22, May 19, June 22.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings as hsettings, strategies as st

from store.forecast import Calendar, DaysOff, Month, billable_days, forecast
from store.headlines import headlines, plan_figures, short_line, status_json
from store.i18n import set_language
from store.models import Mission, Opportunity, Settings, TimeOff
from store.plan import leads_this_week, week_of

FR = Calendar("FR")
TODAY = date(2027, 1, 6)  # a Wednesday: its ISO week runs from Monday 4 to Sunday 10 January


def settings(**values) -> Settings:
    values.setdefault("target_monthly", Decimal("10000"))
    values.setdefault("daily_rate", Decimal("500"))
    return Settings(**values)


def mission(**values) -> Mission:
    values.setdefault("client", "Acme")
    values.setdefault("daily_rate", Decimal("500"))
    return Mission(**values)


def opp(stage: str, **values) -> Opportunity:
    values.setdefault("title", "Lead")
    return Opportunity(stage=stage, **values)


def off(start: str, end: str, note: str = "") -> TimeOff:
    return TimeOff(uid=f"t{start}", start=date.fromisoformat(start), end=date.fromisoformat(end), note=note)


# -- time off in the forecast ---------------------------------------------------------------

APRIL_MAY = mission(start=date(2027, 4, 1), end=date(2027, 5, 31))
#: Monday 26 April to Friday 7 May: 5 working days in April; in May the 3rd, 4th, 5th and 7th
#: (the 6th is Ascension)
ACROSS = off("2027-04-26", "2027-05-07", "Holidays")


def test_time_off_across_a_month_boundary_and_a_public_holiday_is_billable_for_no_mission():
    fc = forecast(settings(), [APRIL_MAY], [], date(2027, 3, 1), time_off=[ACROSS])
    april, may = fc.months[1], fc.months[2]
    assert (april.working_days, april.time_off_days, april.billable_days, april.secured) == (
        22, 5, Decimal(17), Decimal("8500"))
    assert (may.working_days, may.time_off_days, may.billable_days, may.secured) == (
        19, 4, Decimal(15), Decimal("7500"))
    # without it, every working day is billed
    plain = forecast(settings(), [APRIL_MAY], [], date(2027, 3, 1))
    assert (plain.months[1].billable_days, plain.months[2].billable_days) == (Decimal(22), Decimal(19))
    assert plain.months[1].time_off_days == 0


def test_time_off_with_days_per_week():
    four_days = mission(start=date(2027, 4, 1), end=date(2027, 5, 31), days_per_week=Decimal(4))
    april = Month(2027, 4)
    assert billable_days(four_days, april, FR, DaysOff([ACROSS])) == Decimal("13.6")  # 17 × 4/5


def test_total_days_are_spread_over_the_working_days_outside_time_off():
    # 30 days sold over April and May: 41 working days, 9 of them off, so 32 to spread them on
    sold = mission(start=date(2027, 4, 1), end=date(2027, 5, 31), total_days=Decimal(30))
    fc = forecast(settings(), [sold], [], date(2027, 3, 1), time_off=[ACROSS])
    april, may = fc.months[1], fc.months[2]
    assert april.billable_days == Decimal(30) * 17 / 32 == Decimal("15.9375")
    assert may.billable_days == Decimal(30) * 15 / 32 == Decimal("14.0625")
    assert april.billable_days + may.billable_days == 30  # every day sold is still billed
    # a mission whose every day is off bills nothing (not a division by zero)
    all_off = mission(start=date(2027, 4, 26), end=date(2027, 4, 30), total_days=Decimal(5))
    assert billable_days(all_off, Month(2027, 4), FR, DaysOff([ACROSS])) == 0


def test_time_off_is_not_free_days_in_what_closes_the_gap():
    fc = forecast(settings(), [], [], date(2027, 4, 1), time_off=[ACROSS])
    assert fc.months[0].free_days == Decimal(22 - 5)
    assert fc.months[1].free_days == Decimal(19 - 4)


def test_overlapping_and_touching_periods_count_each_day_once():
    days = DaysOff([off("2027-04-26", "2027-04-30"), off("2027-04-28", "2027-05-04"), off("2027-05-05", "2027-05-05")])
    assert days.spans == [(date(2027, 4, 26), date(2027, 5, 5))]
    assert days.working_days(date(2027, 4, 1), date(2027, 5, 31), FR) == 5 + 3  # 3, 4, 5 May


@hsettings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), max_size=6),
       st.integers(0, 400), st.integers(0, 120))
def test_days_off_count_matches_a_day_by_day_count(periods, first, length):
    origin = date(2026, 12, 1)
    spans = [off((origin + timedelta(days=a)).isoformat(), (origin + timedelta(days=a + n)).isoformat())
             for a, n in periods]
    start, end = origin + timedelta(days=first), origin + timedelta(days=first + length)
    expected = sum(1 for i in range(length + 1)
                   if FR.is_working_day(day := start + timedelta(days=i))
                   and any(p.start <= day <= p.end for p in spans))
    assert DaysOff(spans).working_days(start, end, FR) == expected


def test_a_time_off_whose_end_is_before_its_start_is_refused():
    assert "end" in TimeOff(start=date(2027, 2, 10), end=date(2027, 2, 9)).check()
    assert TimeOff(start=date(2027, 2, 10), end=date(2027, 2, 10)).check() == {}


# -- the plan -------------------------------------------------------------------------------

#: two won (median lead time 90 days; worth 600 × 40 = 24,000 and, at the usual 500, 500 × 60
#: = 30,000) and three lost: a 40 % win rate and a mission worth 27,000 from the history
HISTORY = [
    opp("won", first_contact=date(2026, 5, 1), closed=date(2026, 7, 30), daily_rate=Decimal(600),
        estimated_days=Decimal(40)),
    opp("won", first_contact=date(2026, 6, 1), closed=date(2026, 8, 30), estimated_days=Decimal(60)),
    opp("lost"), opp("lost"), opp("lost"),
]
#: 500 a day from 4 January to 30 April: January 10,000 (covered), February 10,000, March
#: 11,000, April 11,000; May is the cliff
RUNNING = mission(start=date(2027, 1, 4), end=date(2027, 4, 30))


def test_the_plan_from_the_history():
    fc = forecast(settings(), [RUNNING], HISTORY, TODAY)
    assert fc.cliff == Month(2027, 5) and fc.lead_time_days == 90
    assert fc.deadline == date(2027, 1, 31)  # 1 May − 90 days
    plan = fc.plan
    assert (plan.win_rate, plan.win_rate_source, plan.won, plan.closed) == (Decimal("0.4"), "history", 2, 5)
    assert (plan.mission_value, plan.mission_value_source) == (Decimal(27000), "history")
    assert plan.uncovered == Decimal(20000)  # May and June
    assert (plan.missions_needed, plan.leads_needed) == (1, 3)  # ⌈20,000/27,000⌉; ⌈1/0.4⌉
    assert (plan.weeks, plan.by) == (4, date(2027, 1, 31))  # ⌈25 days / 7⌉
    assert plan.weekly_leads == 1  # ⌈3/4⌉
    assert plan.this_week == 0


def test_the_weighted_pipeline_is_taken_off_what_is_uncovered():
    # a proposal (50 %) of 10 days from Monday 3 May at 500: 2,500 weighted, all in May
    proposal = opp("proposal", expected_start=date(2027, 5, 3), estimated_days=Decimal(10))
    plan = forecast(settings(), [RUNNING], HISTORY + [proposal], TODAY).plan
    assert plan.uncovered == Decimal(10000 - 2500 + 10000)


def test_the_plan_with_the_defaults():
    # nothing closed, no mission: a 5 % win rate and a mission worth the usual 500 × 20
    fc = forecast(settings(), [], [], TODAY)
    plan = fc.plan
    assert fc.cliff == Month(2027, 1) and fc.deadline == date(2026, 7, 5)  # the deadline has passed
    assert (plan.win_rate, plan.win_rate_source) == (Decimal("0.05"), "default")
    assert (plan.mission_value, plan.mission_value_source) == (Decimal(10000), "default")
    assert plan.uncovered == Decimal(60000)  # six months of 10,000
    assert (plan.missions_needed, plan.leads_needed) == (6, 120)
    # the deadline passed: the weeks run to the first day of the cliff month, 1 January,
    # also past: at least one
    assert (plan.by, plan.weeks, plan.weekly_leads) == (date(2027, 1, 1), 1, 120)


def test_four_closed_or_one_won_estimate_are_not_yet_a_history():
    four = HISTORY[:2] + HISTORY[2:4]
    plan = forecast(settings(), [RUNNING], four, TODAY).plan
    assert (plan.win_rate, plan.win_rate_source, plan.closed) == (Decimal("0.05"), "default", 4)
    one_estimate = [HISTORY[0], opp("won"), *HISTORY[2:]]
    plan = forecast(settings(), [RUNNING], one_estimate, TODAY).plan
    assert (plan.win_rate, plan.win_rate_source) == (Decimal("0.4"), "history")
    assert (plan.mission_value, plan.mission_value_source) == (Decimal(10000), "default")


def test_five_lost_and_none_won_keep_the_default_win_rate():
    # won / closed would be 0 and the leads needed endless: the default stands until a win
    plan = forecast(settings(), [RUNNING], [opp("lost") for _ in range(5)], TODAY).plan
    assert (plan.win_rate, plan.win_rate_source, plan.won, plan.closed) == (Decimal("0.05"), "default", 0, 5)


def test_the_weeks_to_a_deadline_still_ahead_or_passed_with_the_cliff_still_ahead():
    # deadline 31 January, today 6 January: 25 days, 4 weeks; today 31 January: 0 days, 1 week
    assert forecast(settings(), [RUNNING], HISTORY, date(2027, 1, 31)).plan.weeks == 1
    # today 10 February: the deadline passed, the cliff (1 May) is 80 days away: 12 weeks
    plan = forecast(settings(), [RUNNING], HISTORY, date(2027, 2, 10)).plan
    assert (plan.by, plan.weeks) == (date(2027, 5, 1), 12)


def test_no_cliff_or_no_target_no_plan():
    # 600 a day: 11,400 in May, the shortest month (19 working days)
    covered = mission(start=date(2027, 1, 4), end=date(2027, 12, 31), daily_rate=Decimal(600))
    assert forecast(settings(), [covered], HISTORY, TODAY).plan is None
    assert forecast(settings(target_monthly=None), [], HISTORY, TODAY).plan is None
    # no usual daily rate anywhere and no history: no mission value, no plan
    assert forecast(settings(daily_rate=None), [], [], TODAY).plan is None


def test_this_week_counts_first_contacts_from_monday_to_sunday():
    week = [opp("identified", first_contact=date(2027, 1, d)) for d in (3, 4, 6, 10, 11)]
    assert week_of(TODAY) == (date(2027, 1, 4), date(2027, 1, 10))
    assert leads_this_week(week, TODAY) == 3  # the 4th, 6th and 10th; not Sunday 3rd nor Monday 11th
    assert leads_this_week(week, date(2027, 1, 10)) == 3  # a Sunday is the last day of its week
    assert leads_this_week(week, date(2027, 1, 11)) == 1
    assert forecast(settings(), [RUNNING], HISTORY + week, TODAY).plan.this_week == 3


# -- what the consultant reads --------------------------------------------------------------


def test_the_plan_in_one_sentence_and_in_the_short_line():
    week = [opp("identified", first_contact=TODAY)]
    fc = forecast(settings(), [RUNNING], HISTORY + week, TODAY)
    plan = next(h for h in headlines(fc) if h.key == "plan")
    assert plan.text == ("This week: 1 of 1 new lead — 3 leads by 31 January 2027 to cover May 2027, "
                         "at your 40\u202f% win rate (history).")
    # one lead in all: five won of five closed, and May alone short in a horizon of five months
    all_won = HISTORY[:2] + [opp("won") for _ in range(3)]
    one = forecast(settings(horizon_months=5), [RUNNING], all_won, TODAY)
    assert (one.plan.win_rate, one.plan.leads_needed, one.plan.weekly_leads) == (1, 1, 1)
    assert next(h for h in headlines(one) if h.key == "plan").text == (
        "This week: 0 of 1 new lead — the one lead needed by 31 January 2027 to cover May 2027, "
        "at your 100\u202f% win rate (history).")
    assert plan.level == "info"  # the quota is met
    assert "1/1 leads this week" in short_line(fc, 0)
    default = next(h for h in headlines(forecast(settings(), [], [], TODAY)) if h.key == "plan")
    assert default.text == ("This week: 0 of 120 new leads — 120 leads by 1 January 2027 to cover January 2027, "
                            "at your 5\u202f% win rate (default).")
    assert default.level == "warning"


def test_each_figure_of_the_plan_is_explained_with_its_source():
    lines = plan_figures(forecast(settings(), [RUNNING], HISTORY, TODAY))
    assert lines == [
        "Win rate 40\u202f%: 2 won of your 5 closed opportunities.",
        "A mission is worth 27\u202f000\u202fEUR: the median of your 2 won opportunities with an estimate (daily rate × days).",
        "Not covered from May 2027 on, after the weighted pipeline: 20\u202f000\u202fEUR, or 1 mission at that value.",
        "At that win rate, that takes 3 new leads.",
        "4 weeks until the prospecting deadline, 31 January 2027. So 1 new lead a week; 0 so far this week.",
    ]


def test_the_plan_in_french():
    set_language("fr")
    try:
        fc = forecast(settings(), [RUNNING], HISTORY, TODAY)
        text = next(h for h in headlines(fc) if h.key == "plan").text
    finally:
        set_language("")
    assert text.startswith("Cette semaine") and "31 janvier 2027" in text and "mai 2027" in text


def test_status_json_plan_and_time_off_days():
    doc = status_json(forecast(settings(), [APRIL_MAY], [], date(2027, 3, 1), time_off=[ACROSS]), [])
    assert [m["time_off_days"] for m in doc["months"]] == [0, 5, 4, 0, 0, 0]
    assert [m["billable_days"] for m in doc["months"][:3]] == [0.0, 17.0, 15.0]
    doc = status_json(forecast(settings(), [RUNNING], HISTORY, TODAY), [])
    assert doc["plan"] == {
        "win_rate": 0.4, "win_rate_source": "history", "mission_value": "27000.00",
        "mission_value_source": "history", "uncovered": "20000.00", "missions_needed": 1, "leads_needed": 3,
        "weeks": 4, "weekly_leads": 1, "this_week": 0,
    }
    json.dumps(doc)  # (every value is JSON)
    covered = mission(start=date(2027, 1, 4), end=date(2027, 12, 31), daily_rate=Decimal(600))
    assert status_json(forecast(settings(), [covered], [], TODAY), [])["plan"] is None
