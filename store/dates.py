"""Dates as the user types them: ``YYYY-MM-DD`` or relative to today."""

from __future__ import annotations

import re
from datetime import date, timedelta

from .i18n import _

_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwmy])$")
_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1}


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clamped to the end of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


#: the years a date may be in: a forecast runs 36 months past today, a calendar export a
#: day past an end, and Python's dates stop at 9999 (a mission ending in 9999 broke both)
FIRST_YEAR, LAST_YEAR = 1900, 2999


def in_range(day: date, text: str) -> date:
    """``day``, or a ``ValueError`` naming ``text`` when it is outside the years relance takes."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(_("{value!r} is outside the years {first} to {last}.").format(
            value=text, first=FIRST_YEAR, last=LAST_YEAR))
    return day


def parse_date(text: str, today: date) -> date:
    """Parse ``2027-01-04``, ``today``, ``tomorrow``, ``+3d``, ``-2w``, ``+1m``, ``+1y`` (in
    the years :data:`FIRST_YEAR` to :data:`LAST_YEAR`).

    Raises ``ValueError`` with a sentence for the user.
    """
    return in_range(_parse_date(text, today), text)


def _parse_date(text: str, today: date) -> date:
    value = text.strip().lower()
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    match = _RELATIVE.match(value)
    if match:
        sign, count, unit = match.groups()
        n = int(count) * (1 if sign == "+" else -1)
        try:
            if unit == "d":
                return today + timedelta(days=n)
            if unit == "w":
                return today + timedelta(weeks=n)
            return add_months(today, n if unit == "m" else 12 * n)
        except (ValueError, OverflowError):  # past the year 9999 (or before the year 1)
            raise ValueError(_("{value!r} is too far from today.").format(value=text)) from None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("{value!r} is not a real date.").format(value=text)) from None
    raise ValueError(
        _("expected a date as YYYY-MM-DD or today, +3d, +2w, +1m; got {value!r}.").format(value=text)
    )
