"""Formatting numbers and dates for people (the UI and the terminal summary)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

THIN = "\u202f"


def money(amount: Decimal | None, currency: str = "", cents: bool = False) -> str:
    """``12 345 EUR`` (thin spaces between thousands); empty for None."""
    if amount is None:
        return ""
    quantum = Decimal("0.01") if cents else Decimal(1)
    value = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{value:,.{2 if cents else 0}f}".replace(",", THIN)
    return f"{text}{THIN}{currency}" if currency else text


def percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return "—"
    return f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)}{THIN}%"


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())


def _month_names() -> tuple[str, ...]:
    from .i18n import _

    return (_("January"), _("February"), _("March"), _("April"), _("May"), _("June"), _("July"),
            _("August"), _("September"), _("October"), _("November"), _("December"))


def _month_abbreviations() -> tuple[str, ...]:
    from .i18n import pgettext

    c = "month abbreviation"
    return (pgettext(c, "Jan"), pgettext(c, "Feb"), pgettext(c, "Mar"), pgettext(c, "Apr"),
            pgettext(c, "May"), pgettext(c, "Jun"), pgettext(c, "Jul"), pgettext(c, "Aug"),
            pgettext(c, "Sep"), pgettext(c, "Oct"), pgettext(c, "Nov"), pgettext(c, "Dec"))


def month(year: int, number: int, short: bool = False) -> str:
    """``January 2027``, or ``Jan 2027`` with ``short``."""
    names = _month_abbreviations() if short else _month_names()
    return f"{names[number - 1]} {year}"


def long_date(value: date) -> str:
    """``3 March 2027``."""
    return f"{value.day} {_month_names()[value.month - 1]} {value.year}"


def days(value: Decimal | None) -> str:
    """Days with at most one decimal: ``12``, ``9.5``."""
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
