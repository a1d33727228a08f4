"""Forecast rules (docs/ARCHITECTURE.md, "Forecast rules"): the months ahead, the cliff and the prospecting deadline.

Pure functions on the models; money stays ``Decimal`` (rounded to cents only
for display and output). Loading a country's holidays costs about 0.15 s, so a
``Calendar`` loads them on first use, once per year, and keeps each month's
working days once computed.

The one entry point is :func:`forecast`; the dashboard's gauge, its detail
screen and ``relance status`` all read the :class:`Forecast` it returns.
"""

from __future__ import annotations

import functools
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

from . import holiday_cache
from .dates import add_months
from .models import Mission, Opportunity, Settings, TimeOff
from .plan import Plan, plan

ZERO = Decimal(0)
CENT = Decimal("0.01")


class Calendar:
    """Working days: Monday to Friday, not a public holiday of the country (and subdivision)."""

    def __init__(self, country: str = "FR", subdivision: str | None = None):
        self.country = country
        self.subdivision = subdivision or None
        self._days: dict[date, str] = {}
        self._years: set[int] = set()
        self._months: dict[tuple[int, int], list[date]] = {}

    def _ensure(self, year: int) -> None:
        if year in self._years:
            return
        cached = holiday_cache.read(self.country, self.subdivision, year)
        if cached is None:
            cached = self._compute(year)
            if cached is not None:  # an unknown code is not cached: the cache vouches for codes
                holiday_cache.write(self.country, self.subdivision, year, cached)
        self._days.update(cached or {})
        self._years.add(year)

    def _compute(self, year: int) -> dict[date, str] | None:
        import holidays  # deferred: about 0.15 s to import and build France; cached on disk after

        try:
            found = holidays.country_holidays(self.country, subdiv=self.subdivision, years=[year])
        except NotImplementedError:  # a country or subdivision the package does not know
            return None
        return {day: str(name) for day, name in found.items() if day.year == year}

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        self._ensure(day.year)
        return day not in self._days

    def holiday_name(self, day: date) -> str | None:
        self._ensure(day.year)
        return self._days.get(day)

    def month_days(self, year: int, month: int) -> list[date]:
        """The working days of one month, in order (computed once)."""
        key = (year, month)
        days = self._months.get(key)
        if days is None:
            first = date(year, month, 1)
            last = add_months(first, 1) - timedelta(days=1)
            days = [first + timedelta(days=i) for i in range(last.day) if self.is_working_day(first + timedelta(days=i))]
            self._months[key] = days
        return days

    def working_days(self, start: date, end: date) -> int:
        """Working days in ``[start, end]``, both included."""
        if end < start:
            return 0
        count = 0
        cursor = start.replace(day=1)
        while cursor <= end:
            days = self.month_days(cursor.year, cursor.month)
            count += bisect_right(days, end) - bisect_left(days, start)
            cursor = add_months(cursor, 1)
        return count


@functools.lru_cache(maxsize=8)
def calendar_for(country: str, subdivision: str | None) -> Calendar:
    """One calendar per country and subdivision for the life of the process
    (the dashboard recomputes the forecast after every save)."""
    return Calendar(country, subdivision)


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return add_months(self.first, 1) - timedelta(days=1)

    def label(self) -> str:
        """``2027-01``, as in ``relance status --json``."""
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)


def horizon(today: date, months: int) -> list[Month]:
    """The current month first, then the next ``months - 1``."""
    first = today.replace(day=1)
    return [Month.of(add_months(first, i)) for i in range(max(0, months))]


class DaysOff:
    """The periods of time off, merged: how many working days of a span fall inside them.

    The periods are merged and sorted once (a consultant has a few dozen), so that a
    span's count is one bisection and a calendar count per period it meets."""

    def __init__(self, periods: Iterable[TimeOff] = (), calendar: Calendar | None = None):
        spans = sorted((p.start, p.end) for p in periods if p.start and p.end and p.end >= p.start)
        merged: list[tuple[date, date]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1] + timedelta(days=1):
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self.spans = merged
        self._ends = [end for _start, end in merged]
        self.calendar = calendar

    def __bool__(self) -> bool:
        return bool(self.spans)

    def working_days(self, start: date, end: date, calendar: Calendar) -> int:
        """Working days in ``[start, end]`` that fall inside time off."""
        count = 0
        for number in range(bisect_left(self._ends, start), len(self.spans)):
            off_start, off_end = self.spans[number]
            if off_start > end:
                break
            count += calendar.working_days(max(start, off_start), min(end, off_end))
        return count


NO_DAYS_OFF = DaysOff()


# -- missions: billable days and secured revenue -------------------------------------------


def billable_in(mission: Mission, first: date, last: date, calendar: Calendar, off: DaysOff = NO_DAYS_OFF) -> Decimal:
    """A mission's billable days between ``first`` and ``last`` (docs/ARCHITECTURE.md, "Forecast rules").

    Working days inside ``[start, end]`` (``end`` = ``ended_on`` when set) and outside every
    period of time off, × ``days_per_week``/5; with ``total_days``, the days sold are spread
    over the planned period in proportion to its working days outside time off, and an
    early end stops them.
    """
    if mission.start is None or mission.last_day is None:
        return ZERO
    start = max(mission.start, first)
    end = min(mission.last_day, last)
    if end < start:
        return ZERO
    inside = calendar.working_days(start, end) - off.working_days(start, end, calendar)
    if mission.total_days is not None:
        planned_end = mission.end or mission.last_day
        over_period = calendar.working_days(mission.start, planned_end) - off.working_days(mission.start, planned_end, calendar)
        if over_period <= 0:
            return ZERO
        return mission.total_days * Decimal(inside) / Decimal(over_period)
    return Decimal(inside) * mission.days_per_week / Decimal(5)


def billable_days(mission: Mission, month: Month, calendar: Calendar, off: DaysOff = NO_DAYS_OFF) -> Decimal:
    """A mission's billable days in a month."""
    return billable_in(mission, month.first, month.last, calendar, off)


def secured(missions: Iterable[Mission], month: Month, calendar: Calendar, off: DaysOff = NO_DAYS_OFF) -> Decimal:
    """Σ daily rate × billable days over the missions, in one month."""
    total = ZERO
    for mission in missions:
        if mission.daily_rate is not None:
            total += mission.daily_rate * billable_days(mission, month, calendar, off)
    return total


# -- opportunities: the weighted pipeline ---------------------------------------------------


def pipeline_by_month(
    opportunities: Iterable[Opportunity], months: list[Month], calendar: Calendar, usual_rate: Decimal | None
) -> tuple[dict[Month, Decimal], Decimal]:
    """Weighted pipeline per month of ``months``, and the weighted value that has no date.

    Each open opportunity's ``estimated_days`` are laid on consecutive working days
    from ``expected_start`` (a fraction of a day on the last one), each day worth
    ``daily_rate`` × probability. An opportunity without its own daily rate is
    valued at the usual rate of the settings; one without a start date or an
    estimate cannot be placed in a month and is counted apart.
    """
    by_month = {month: ZERO for month in months}
    undated = ZERO
    if not months:
        return by_month, undated
    end = months[-1].last
    for opportunity in opportunities:
        weight = opportunity.weight()
        rate = opportunity.daily_rate if opportunity.daily_rate is not None else usual_rate
        if not weight or rate is None or not opportunity.estimated_days:
            continue
        value_per_day = rate * weight
        if opportunity.expected_start is None:
            undated += value_per_day * opportunity.estimated_days
            continue
        # consecutive working days from the start, a month at a time (a fraction of a day last)
        remaining = opportunity.estimated_days
        start = opportunity.expected_start
        month = Month.of(start)
        while remaining > 0 and month.first <= end:
            days = calendar.month_days(month.year, month.month)
            taken = min(remaining, Decimal(len(days) - bisect_left(days, start)))
            if taken and month in by_month:
                by_month[month] += value_per_day * taken
            remaining -= taken
            month = Month.of(add_months(month.first, 1))
            start = month.first
    return by_month, undated


# -- lead time, cliff, deadline ------------------------------------------------------------


def lead_time(opportunities: Iterable[Opportunity], default_days: int) -> tuple[int, str, int]:
    """(days, "history" | "default", how many won opportunities were measured).

    The median of ``closed − first_contact`` over won opportunities that have both
    dates, when there are at least two; otherwise the default (the article's six months).
    """
    spans = [
        (o.closed - o.first_contact).days
        for o in opportunities
        if o.stage == "won" and o.closed and o.first_contact and o.closed >= o.first_contact
    ]
    if len(spans) >= 2:
        median = Decimal(str(statistics.median(spans))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return int(median), "history", len(spans)
    return default_days, "default", len(spans)


def net_income(turnover: Decimal, settings: Settings) -> Decimal:
    """Estimated net income: turnover × (1 − fee_rate) × net_share."""
    return turnover * (1 - settings.fee_rate) * settings.net_share


@dataclass(frozen=True)
class MonthForecast:
    month: Month
    working_days: int
    billable_days: Decimal
    secured: Decimal
    pipeline_weighted: Decimal
    target: Decimal | None
    #: working days neither billed nor off, from today on for the current month
    free_days: Decimal
    #: the month's working days inside time off (``working_days`` stays the calendar's)
    time_off_days: int = 0

    @property
    def gap(self) -> Decimal | None:
        """What is missing to reach the target (0 when covered); None without a target."""
        if self.target is None:
            return None
        return max(ZERO, self.target - self.secured)

    @property
    def coverage(self) -> Decimal | None:
        """secured / target; None without a (non-zero) target."""
        if not self.target:
            return None
        return self.secured / self.target

    @property
    def short(self) -> bool:
        coverage = self.coverage
        return coverage is not None and coverage < 1

    def days_needed(self, rate: Decimal | None) -> Decimal | None:
        """Billable days that would close the gap at ``rate``, rounded up to a half day."""
        gap = self.gap
        if not gap or not rate:
            return None
        return (gap / rate * 2).to_integral_value(rounding=ROUND_CEILING) / 2

    def rate_needed(self) -> Decimal | None:
        """The daily rate that would close the gap on the days still free (None if none are)."""
        gap = self.gap
        if not gap or self.free_days <= 0:
            return None
        return gap / self.free_days


@dataclass(frozen=True)
class Forecast:
    today: date
    settings: Settings
    months: list[MonthForecast]
    #: weighted value of open opportunities that have no expected start
    pipeline_undated: Decimal
    cliff: Month | None
    lead_time_days: int
    lead_time_source: str
    #: won opportunities with both dates, the sample behind a "history" lead time
    lead_time_sample: int
    deadline: date | None
    #: the usual daily rate: the settings', else the latest mission's
    usual_rate: Decimal | None
    missions_total: int
    missions_natural: int
    #: the prospecting plan (:func:`plan`); None without a cliff, a target or a mission value
    plan: Plan | None = None

    @property
    def currency(self) -> str:
        return self.settings.currency

    @property
    def target_monthly(self) -> Decimal | None:
        return self.settings.target_monthly

    @property
    def late_by_days(self) -> int | None:
        """Days since the deadline passed (0 when it has not); None without a deadline."""
        if self.deadline is None:
            return None
        return max(0, (self.today - self.deadline).days)

    @property
    def days_left(self) -> int | None:
        """Days until the deadline (0 once passed); None without a deadline."""
        if self.deadline is None:
            return None
        return max(0, (self.deadline - self.today).days)

    @property
    def natural_share(self) -> Decimal | None:
        """Share of the missions that came from the natural network; None without missions."""
        if not self.missions_total:
            return None
        return Decimal(self.missions_natural) / Decimal(self.missions_total)

    @property
    def cliff_figures(self) -> MonthForecast | None:
        return next((m for m in self.months if m.month == self.cliff), None)

    def net(self, amount: Decimal | None) -> Decimal | None:
        return None if amount is None else net_income(amount, self.settings)


def forecast(
    settings: Settings,
    missions: list[Mission],
    opportunities: list[Opportunity],
    today: date,
    months: int | None = None,
    calendar: Calendar | None = None,
    time_off: Iterable[TimeOff] = (),
) -> Forecast:
    """Everything the revenue gap shows, for ``months`` months (default: the settings' horizon)."""
    calendar = calendar or Calendar(settings.country, settings.subdivision)
    off = DaysOff(time_off)
    span = horizon(today, settings.horizon_months if months is None else months)
    usual_rate = settings.daily_rate
    if usual_rate is None:
        dated = [m for m in missions if m.daily_rate is not None and m.start is not None]
        if dated:
            usual_rate = max(dated, key=lambda m: m.start).daily_rate  # type: ignore[arg-type, return-value]
    pipeline, undated = pipeline_by_month(opportunities, span, calendar, usual_rate)
    rows = []
    for month in span:
        billed = sum((billable_days(m, month, calendar, off) for m in missions), ZERO)
        # days still free: for the current month, from today on; a day off is not free
        first = max(month.first, today)
        if first > month.last:
            free = ZERO
        else:
            billed_ahead = sum((billable_in(m, first, month.last, calendar, off) for m in missions), ZERO)
            open_days = calendar.working_days(first, month.last) - off.working_days(first, month.last, calendar)
            free = max(ZERO, Decimal(open_days) - billed_ahead)
        rows.append(
            MonthForecast(
                month=month,
                working_days=calendar.working_days(month.first, month.last),
                billable_days=billed,
                secured=secured(missions, month, calendar, off),
                pipeline_weighted=pipeline[month],
                target=settings.target_monthly,
                free_days=free,
                time_off_days=off.working_days(month.first, month.last, calendar),
            )
        )
    cliff = next((row.month for row in rows if row.short), None)
    days, source, sample = lead_time(opportunities, settings.default_lead_time_days)
    deadline = cliff.first - timedelta(days=days) if cliff else None
    the_plan = plan(rows, cliff, deadline, opportunities, usual_rate, today)
    return Forecast(
        today=today,
        settings=settings,
        months=rows,
        pipeline_undated=undated,
        cliff=cliff,
        lead_time_days=days,
        lead_time_source=source,
        lead_time_sample=sample,
        deadline=deadline,
        usual_rate=usual_rate,
        missions_total=len(missions),
        missions_natural=sum(1 for m in missions if m.source == "natural"),
        plan=the_plan,
    )


def cents(amount: Decimal | None) -> str | None:
    """Money as a decimal string with two decimals (JSON output)."""
    return None if amount is None else str(amount.quantize(CENT, rounding=ROUND_HALF_UP))
