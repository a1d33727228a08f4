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
    return f"{text} {currency}".strip()


def percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return "—"
    return f"{(ratio * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)} %"


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    if value == value.to_integral():
        return str(value.quantize(Decimal(1)))
    return str(value.normalize())
