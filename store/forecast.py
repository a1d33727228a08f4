"""Forecast rules of DESIGN.md: working days and secured revenue per month.

Pure functions on the models; money stays ``Decimal`` (rounded to cents only
for display). Loading a country's holidays costs about 0.15 s, so a
``Calendar`` loads them on first use, once per year.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from .dates import add_months
from .models import Mission, Settings


class Calendar:
    """Working days: Monday to Friday, not a public holiday of the country (and subdivision)."""

    def __init__(self, country: str = "FR", subdivision: str | None = None):
        self.country = country
        self.subdivision = subdivision or None
        self._holidays = None
        self._years: set[int] = set()

    def _ensure(self, year: int) -> None:
        if year in self._years:
            return
        import holidays  # deferred: about 0.15 s to import and build France

        if self._holidays is None:
            try:
                self._holidays = holidays.country_holidays(self.country, subdiv=self.subdivision, years=[year])
            except NotImplementedError:
                self._holidays = holidays.HolidayBase()
        else:
            self._holidays._populate(year)  # type: ignore[attr-defined]
        self._years.add(year)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False
        self._ensure(day.year)
        return day not in self._holidays  # type: ignore[operator]

    def working_days(self, start: date, end: date) -> int:
        """Working days in ``[start, end]``, both included."""
        count = 0
        day = start
        while day <= end:
            if self.is_working_day(day):
                count += 1
            day += timedelta(days=1)
        return count


@dataclass(frozen=True)
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
        return self.first.strftime("%Y-%m")


def horizon(today: date, months: int) -> list[Month]:
    """The current month first, then the next ``months - 1``."""
    first = today.replace(day=1)
    return [Month(d.year, d.month) for d in (add_months(first, i) for i in range(months))]


def billable_days(mission: Mission, month: Month, calendar: Calendar) -> Decimal:
    """A mission's billable days in a month (DESIGN.md forecast rules)."""
    if mission.start is None or mission.last_day is None:
        return Decimal(0)
    start = max(mission.start, month.first)
    end = min(mission.last_day, month.last)
    if end < start:
        return Decimal(0)
    in_month = calendar.working_days(start, end)
    if mission.total_days is not None:
        over_period = calendar.working_days(mission.start, mission.end or mission.last_day)
        if over_period == 0:
            return Decimal(0)
        return mission.total_days * Decimal(in_month) / Decimal(over_period)
    return Decimal(in_month) * mission.days_per_week / Decimal(5)


def secured(missions: Iterable[Mission], month: Month, calendar: Calendar) -> Decimal:
    total = Decimal(0)
    for mission in missions:
        if mission.daily_rate is not None:
            total += mission.daily_rate * billable_days(mission, month, calendar)
    return total


@dataclass(frozen=True)
class MonthFigures:
    month: Month
    secured: Decimal
    target: Decimal | None

    @property
    def gap(self) -> Decimal:
        if self.target is None:
            return Decimal(0)
        return max(Decimal(0), self.target - self.secured)

    @property
    def coverage(self) -> Decimal | None:
        if not self.target:
            return None
        return self.secured / self.target


def months_ahead(missions: list[Mission], settings: Settings, today: date) -> list[MonthFigures]:
    calendar = Calendar(settings.country, settings.subdivision)
    return [
        MonthFigures(month, secured(missions, month, calendar), settings.target_monthly)
        for month in horizon(today, settings.horizon_months)
    ]
