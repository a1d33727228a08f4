"""Dates as the user types them: ``YYYY-MM-DD`` or relative to today; in French also
``05/07/2026``, ``5/7/2026`` (day first), ``5 juillet 2026``, ``1er juil. 2026``; in any language when the config file's
``date_style`` is ``day-first``.

Relative words and units of both languages are read in both (``today``, ``aujourd'hui``,
``+3d``, ``+3j``, ``+2w``, ``+2s``, ``+1m``, ``+1y``, ``+1a``): none can be misread. A date
written day first is read only in French: in English ``05/07/2026`` is 7 May to many."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from . import fmt, i18n
from .fmt import MONTH_ABBREVIATIONS_FR, MONTHS_FR
from .i18n import _

_RELATIVE = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwmyjsa])$")
#: days from today; French words without accents and with a straight apostrophe (see _folded)
_WORDS = {"today": 0, "tomorrow": 1, "yesterday": -1, "aujourd'hui": 0, "demain": 1, "hier": -1}
_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NAMED = re.compile(r"^(\d{1,2})(er)?\s*([a-z]+\.?)\s*(\d{4})$")


def _folded(text: str) -> str:
    """``text`` trimmed, lower-case, without accents, with ' for ’ (``Févr.`` → ``fevr.``)."""
    text = unicodedata.normalize("NFKD", text.strip().lower().replace("\u2019", "'"))
    return "".join(c for c in text if not unicodedata.combining(c))


#: month numbers by their French name or abbreviation, folded, with or without the dot
_MONTH_NUMBERS = {
    key: number
    for number, (name, short) in enumerate(zip(MONTHS_FR, MONTH_ABBREVIATIONS_FR), start=1)
    for key in {_folded(name), _folded(short), _folded(short).rstrip(".")}
}


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


def hint() -> str:
    """What a date field says it takes, in the language in use and as dates are shown (the
    config file's ``date_style``): a placeholder."""
    if fmt.day_first():
        return _("DD/MM/YYYY, today, +3d, +2w, +1m")
    return _("YYYY-MM-DD, today, +3d, +2w, +1m")


def shown_as_typed(text: str) -> str:
    """A date kept as typed (a review's draft, ISO when relance filled it) as a person
    reads it in the language in use: ``2027-01-04`` → ``04/01/2027`` in French."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return fmt.day(date.fromisoformat(text))
        except ValueError:
            pass
    return text


def parse_date(text: str, today: date) -> date:
    """Parse ``2027-01-04``, ``today``, ``tomorrow``, ``+3d``, ``-2w``, ``+1m``, ``+1y``, and in
    French ``05/07/2026``, ``5 juillet 2026`` (in the years :data:`FIRST_YEAR` to :data:`LAST_YEAR`).

    Raises ``ValueError`` with a sentence for the user.
    """
    return in_range(_parse_date(text, today), text)


def _parse_date(text: str, today: date) -> date:
    value = _folded(text)
    if value in _WORDS:
        return today + timedelta(days=_WORDS[value])
    match = _RELATIVE.match(value)
    if match:
        sign, count, unit = match.groups()
        n = int(count) * (1 if sign == "+" else -1)
        try:
            if unit in "dj":
                return today + timedelta(days=n)
            if unit in "ws":
                return today + timedelta(weeks=n)
            return add_months(today, n if unit == "m" else 12 * n)
        except (ValueError, OverflowError):  # past the year 9999 (or before the year 1)
            raise ValueError(_("{value!r} is too far from today.").format(value=text)) from None
    french = i18n.language() == "fr"
    numbers: tuple[int, int, int] | None = None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        numbers = (int(value[:4]), int(value[5:7]), int(value[8:]))
    elif (french or fmt.day_first()) and (match := _DAY_FIRST.match(value)):
        numbers = (int(match[3]), int(match[2]), int(match[1]))
    elif french and (match := _NAMED.match(value)) and match[3] in _MONTH_NUMBERS and (
            not match[2] or match[1] == "1"):
        numbers = (int(match[4]), _MONTH_NUMBERS[match[3]], int(match[1]))
    if numbers:
        try:
            return date(*numbers)
        except ValueError:
            raise ValueError(_("{value!r} is not a real date.").format(value=text)) from None
    if french or fmt.day_first():
        raise ValueError(_("expected a date as DD/MM/YYYY, 5 July 2026 or YYYY-MM-DD, or today, tomorrow, "
                           "+3d, +2w, +1m, +1y; got {value!r}.").format(value=text))
    raise ValueError(
        _("expected a date as YYYY-MM-DD or today, +3d, +2w, +1m; got {value!r}.").format(value=text)
    )
