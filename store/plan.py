"""The prospecting plan (docs/ARCHITECTURE.md, "Prospecting plan"): the income gap
turned into new leads a week, from the consultant's own funnel.

No CRM turns a gap into a weekly quota; this does, with the consultant's history once it
says something (five closed opportunities, two won with an estimate) and the article's
defaults until then. Pure functions on the forecast's months and the opportunities;
money stays ``Decimal``.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal
from typing import Any

from .models import Opportunity

#: the win rate until the history says more: the default probability of an identified lead
DEFAULT_WIN_RATE = Decimal("0.05")
#: closed opportunities (won or lost) before the win rate is the consultant's own
WIN_RATE_SAMPLE = 5
#: won opportunities with an estimate before a mission's value is the consultant's own
MISSION_VALUE_SAMPLE = 2
#: working days of a mission when the history says nothing (a month)
DEFAULT_MISSION_DAYS = Decimal(20)


@dataclass(frozen=True)
class Plan:
    win_rate: Decimal
    #: "history" | "default"
    win_rate_source: str
    #: won / closed behind a "history" win rate
    won: int
    closed: int
    mission_value: Decimal
    #: "history" | "default"
    mission_value_source: str
    #: won opportunities with an estimate behind a "history" mission value
    mission_sample: int
    uncovered: Decimal
    missions_needed: int
    leads_needed: int
    weeks: int
    #: the day the weeks run to: the prospecting deadline, or the first day of the cliff
    #: month once the deadline has passed
    by: date
    weekly_leads: int
    this_week: int


def ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def week_of(today: date) -> tuple[date, date]:
    """Monday and Sunday of ``today``'s ISO week."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=6)


def leads_this_week(opportunities: Iterable[Opportunity], today: date) -> int:
    """Opportunities whose first contact falls in today's ISO week (Monday to Sunday)."""
    monday, sunday = week_of(today)
    return sum(1 for o in opportunities if o.first_contact is not None and monday <= o.first_contact <= sunday)


def win_rate(opportunities: Sequence[Opportunity]) -> tuple[Decimal, str, int, int]:
    """(rate, "history" | "default", won, closed): won / closed once five are closed and
    one of them won. Five lost and none won would make the rate 0 and the leads needed
    endless: the default stands until a first win."""
    won = sum(1 for o in opportunities if o.stage == "won")
    closed = won + sum(1 for o in opportunities if o.stage == "lost")
    if closed >= WIN_RATE_SAMPLE and won:
        return Decimal(won) / Decimal(closed), "history", won, closed
    return DEFAULT_WIN_RATE, "default", won, closed


def mission_value(opportunities: Sequence[Opportunity], usual_rate: Decimal | None) -> tuple[Decimal | None, str, int]:
    """(value, "history" | "default", sample): the median of daily rate (else the usual
    rate) × estimated days over won opportunities with an estimate, when there are two;
    else the usual rate × 20. None when neither can be worked out (no rate anywhere)."""
    values = []
    for o in opportunities:
        rate = o.daily_rate if o.daily_rate is not None else usual_rate
        if o.stage == "won" and o.estimated_days and rate is not None:
            values.append(rate * o.estimated_days)
    if len(values) >= MISSION_VALUE_SAMPLE:
        return Decimal(statistics.median(values)), "history", len(values)
    if usual_rate is None:
        return None, "default", len(values)
    return usual_rate * DEFAULT_MISSION_DAYS, "default", len(values)


def plan(rows: Sequence[Any], cliff: Any, deadline: date | None, opportunities: Sequence[Opportunity],
         usual_rate: Decimal | None, today: date) -> Plan | None:
    """The plan from the forecast's months (``MonthForecast``: month, target, secured,
    pipeline_weighted), its cliff month and deadline. None without a cliff or a target,
    or without a mission value (no usual daily rate and no history)."""
    if cliff is None or deadline is None:
        return None
    rate, rate_source, won, closed = win_rate(opportunities)
    value, value_source, sample = mission_value(opportunities, usual_rate)
    if not value or value <= 0:
        return None
    uncovered = Decimal(0)
    for row in rows:
        if row.month >= cliff and row.target is not None:
            uncovered += max(Decimal(0), row.target - row.secured - row.pipeline_weighted)
    missions = ceil(uncovered / value)
    leads = ceil(Decimal(missions) / rate)
    by = deadline if deadline >= today else cliff.first
    weeks = max(1, ceil(Decimal((by - today).days) / 7))
    return Plan(
        win_rate=rate, win_rate_source=rate_source, won=won, closed=closed,
        mission_value=value, mission_value_source=value_source, mission_sample=sample,
        uncovered=uncovered, missions_needed=missions, leads_needed=leads,
        weeks=weeks, by=by, weekly_leads=ceil(Decimal(leads) / weeks),
        this_week=leads_this_week(opportunities, today),
    )
