"""Formatting numbers and dates for people (the UI and the terminal summary), in the
language in use (:func:`store.i18n.language`): English as ``12 345 EUR``, ``2027-01-04``,
``3 March 2027``; French as ``12 345 €``, ``04/01/2027``, ``3 mars 2027``, ``1er mars 2027``.

Each function runs for every cell painted: a look-up on the language, no locale module
and no Babel. What a form is pre-filled with (``typed_*``) is read back by the parsers
(:mod:`store.dates`, :mod:`store.amounts`) in both languages."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from . import i18n

THIN = "\u202f"
#: a currency shown by its sign in French (``12 345 €``); any other by its code
_SIGNS = {"EUR": "€"}

#: French month names and abbreviations, kept here rather than in the catalogue: the
#: date parser reads them (``5 juil. 2026``) whatever the catalogue holds, and what is
#: shown must be what is read back. Other languages take them from their catalogue.
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")
MONTH_ABBREVIATIONS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                          "sept.", "oct.", "nov.", "déc.")


def _french() -> bool:
    return i18n._language == "fr"  # (an attribute read: this runs for every cell)


#: the config file's ``date_style``: "language" (ISO in English, day first in French),
#: "iso" or "day-first" whatever the language
date_style = "language"


def set_date_style(style: str) -> None:
    global date_style
    if style != date_style:
        date_style = style
        i18n.drawn_text_changed()


def day_first() -> bool:
    """Dates are shown (and may be typed) day first: ``04/01/2027``."""
    return date_style == "day-first" or (date_style == "language" and _french())


def money(amount: Decimal | None, currency: str = "", cents: bool = False) -> str:
    """``12 345 EUR`` (thin spaces between thousands), French ``12 345 €`` and
    ``12 345,50 €``; empty for None."""
    if amount is None:
        return ""
    quantum = Decimal("0.01") if cents else Decimal(1)
    value = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{value:,.{2 if cents else 0}f}"
    if _french():
        text = text.replace(",", THIN).replace(".", ",")
        currency = _SIGNS.get(currency, currency)
    else:
        text = text.replace(",", THIN)
    return f"{text}{THIN}{currency}" if currency else text


def percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return "—"
    # (thousands grouped as in amounts: a ratio of 16.67 is "1 667 %")
    whole = (ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole:,f}".replace(",", THIN) + f"{THIN}%"


def day(value: date | None) -> str:
    """A date in a table or a message: ``2027-01-04``, French ``04/01/2027`` (as wide, so
    columns stay put; both are read back by :func:`store.dates.parse_date`)."""
    if not value:
        return ""
    if day_first():
        return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
    return value.isoformat()


def grouped(count: int) -> str:
    """A count as amounts group it: ``30 001`` (a narrow no-break space: a LinkedIn import's
    30,000 contacts read at a glance)."""
    return f"{count:,}".replace(",", THIN)


def number(value: Decimal | None) -> str:
    """``12``, ``9.5``; French ``9,5``."""
    if value is None:
        return ""
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    text = str(value.normalize())
    return text.replace(".", ",") if _french() else text


def typed_number(value: Decimal) -> str:
    """A number as a form is pre-filled with it, read back as the same number: French
    ``0,125``, ``4,5``; and ``1,1250`` rather than ``1,125``, which the parser refuses as
    ambiguous (1125, or 1.125?)."""
    text = str(value)
    if not _french() or "." not in text:
        return text
    whole, decimals = text.split(".")
    if len(decimals) == 3 and whole.lstrip("+-") not in ("", "0") and len(whole.lstrip("+-")) <= 3:
        decimals += "0"
    return f"{whole},{decimals}"


def typed_money(value: Decimal) -> str:
    """An amount as a form is pre-filled with it: ``9000.50``, French ``9000,50``."""
    text = str(value.quantize(Decimal("0.01")))
    return text.replace(".", ",") if _french() else text


def _month_names() -> tuple[str, ...]:
    if _french():
        return MONTHS_FR
    from .i18n import _

    return (_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"),
            _("August"), _("September"), _("October"), _("November"), _("December"))


def _month_abbreviations() -> tuple[str, ...]:
    if _french():
        return MONTH_ABBREVIATIONS_FR
    from .i18n import pgettext

    # (the context written out in each call: extraction reads only literal arguments)
    return (pgettext("month abbreviation", "Jan"), pgettext("month abbreviation", "Feb"), pgettext("month abbreviation", "Mar"),
            pgettext("month abbreviation", "Apr"), pgettext("month abbreviation", "May"), pgettext("month abbreviation", "Jun"),
            pgettext("month abbreviation", "Jul"), pgettext("month abbreviation", "Aug"), pgettext("month abbreviation", "Sep"),
            pgettext("month abbreviation", "Oct"), pgettext("month abbreviation", "Nov"), pgettext("month abbreviation", "Dec"))


def month(year: int, number: int, short: bool = False) -> str:
    """``January 2027``, or ``Jan 2027`` with ``short``; French ``janvier 2027``, ``janv. 2027``."""
    names = _month_abbreviations() if short else _month_names()
    return f"{names[number - 1]} {year}"


def long_date(value: date) -> str:
    """``3 March 2027``; French ``3 mars 2027``, ``1er mars 2027``."""
    first = "1er" if value.day == 1 and _french() else value.day
    return f"{first} {_month_names()[value.month - 1]} {value.year}"


def days(value: Decimal | None) -> str:
    """Days with at most one decimal: ``12``, ``9.5`` (French ``9,5``)."""
    if value is None:
        return ""
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return number(rounded)


def shown(text: str, limit: int = 80) -> str:
    """A text read from a file, as a message may quote it: every control character
    escaped (``\\x1b`` never reaches the terminal as an escape sequence), and long
    texts cut at ``limit`` characters."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
