"""Amounts as a user types them (``650``, ``650,50``, ``1 200,50``) and as a file holds
them (``"650.00"``, a script's ``1e3``), read into ``Decimal`` — never through float.

A comma is the decimal mark (``650,50``); a space or a no-break space groups thousands
(``1 500``). A comma followed by exactly three digits at the end (``1,500``, ``10,000``) is
refused as ambiguous: in English it groups thousands (1500), here it would be a decimal
mark (1.50), and taking either silently stores a wrong amount."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from .i18n import _

#: a plain amount as typed: never 1e3, 1_000, 0x10 or inf
_PLAIN_AMOUNT = re.compile(r"\s*[+-]?(?:[0-9][0-9 \u00a0]*(?:[.,][0-9]*)?|[.,][0-9]+)\s*").fullmatch
#: a comma then exactly three digits, nothing after: 1,500 or 1,500,000 (thousands, or 1.50?)
_AMBIGUOUS_COMMA = re.compile(r"\s*[+-]?[0-9 \u00a0]*(?:,[0-9]{3})+\s*").fullmatch


def decimal_of(raw: Any) -> Decimal:
    """A Decimal from ``650``, ``"650.5"``, ``"1 200,50"``; ``ValueError`` when it is none."""
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return Decimal(repr(raw))
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError from None
    if not value.is_finite():
        raise ValueError
    return value


def is_plain(text: str) -> bool:
    """Whether ``text`` is an amount as a person types one (digits, a mark, spaces)."""
    return _PLAIN_AMOUNT(text) is not None


def ambiguity(text: str) -> str | None:
    """Why a typed amount cannot be read safely (a sentence), or None."""
    if _AMBIGUOUS_COMMA(text) is None:
        return None
    value = text.strip()
    whole = re.sub(r"[, \u00a0]", "", value)
    if value.count(",") > 1:
        return _("{value}: a comma is the decimal mark here (as in 650,50), not a thousands separator: "
                 "write {whole}, or group thousands with spaces.").format(value=value, whole=whole)
    decimal = whole[:-3] + "." + (whole[-3:-1] if whole.endswith("0") else whole[-3:])
    return _("{value} is ambiguous: write {whole} or {decimal} (a comma is the decimal mark, as in 650,50).").format(
        value=value, whole=whole, decimal=decimal)
