"""Amounts as a user types them (``650``, ``650,50``, ``1 200,50``) and as a file holds
them (``"650.00"``, a script's ``1e3``), read into ``Decimal`` — never through float.

A comma is the decimal mark (``650,50``); a space or a no-break space groups thousands
(``1 500``). A comma followed by exactly three digits at the end (``1,500``, ``10,000``) is
refused as ambiguous: in English it groups thousands (1500), here it would be a decimal
mark (1.50), and taking either silently stores a wrong amount.

In French (:func:`store.i18n.language`) the same, and a narrow no-break space also groups
(``9 000,50``, as :func:`store.fmt.money` shows it). The refusal is narrower there:
only a number of one to three digits, not 0, then a comma or a dot and three digits
(``1,500``, ``12.500``: a French user writes 1,5 for 1.5, and some write 12.500 for 12500);
``0,125``, ``9 000,500`` and ``1,5`` are read as decimals. A currency written after an
amount (``650 €``, ``650EUR``) is left aside in both languages: relance does not convert."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from . import i18n
from .i18n import _

#: a plain amount as typed: never 1e3, 1_000, 0x10 or inf
_PLAIN_AMOUNT = re.compile(r"\s*[+-]?(?:[0-9][0-9 \u00a0\u202f]*(?:[.,][0-9]*)?|[.,][0-9]+)\s*").fullmatch
#: a comma then exactly three digits, nothing after: 1,500 or 1,500,000 (thousands, or 1.50?)
_AMBIGUOUS_COMMA = re.compile(r"\s*[+-]?[0-9 \u00a0\u202f]*(?:,[0-9]{3})+\s*").fullmatch
#: in French: 1 to 3 digits then a comma or a dot and three digits (1,500 or 12.500)
_AMBIGUOUS_FRENCH = re.compile(r"\s*[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}\s*").fullmatch
#: a currency after an amount: a sign or a three-letter code, after a digit, a mark or a space
_CURRENCY_AFTER = re.compile(r"(?<=[0-9.,\s])\s*(?:€|[A-Za-z]{3})\s*$")


def without_currency(text: str) -> str:
    """``650 €``, ``9000,50EUR`` → ``650``, ``9000,50`` (a typed amount's currency, left aside).
    Three letters are a currency only when ISO 4217 has them (Babel's list, ~20 ms, read
    only then): "2 Mds" (milliards) or "5 mil" is not 2 or 5, and stays refused."""
    found = _CURRENCY_AFTER.search(text)
    if found is None:
        return text
    code = found.group().strip()
    if code != "€":
        from babel.numbers import list_currencies

        if code.upper() not in list_currencies():
            return text
    return text[:found.start()]


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
    text = str(raw).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("_", "")
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
    french = i18n.language() == "fr"
    if french:
        unclear = (text.count(",") > 1 and _AMBIGUOUS_COMMA(text)) or _AMBIGUOUS_FRENCH(text)
    else:
        unclear = _AMBIGUOUS_COMMA(text)
    if not unclear:
        return None
    value = text.strip()
    whole = re.sub(r"[,. \u00a0\u202f]", "", value)
    if value.count(",") > 1:
        return _("{value}: a comma is the decimal mark here (as in 650,50), not a thousands separator: "
                 "write {whole}, or group thousands with spaces.").format(value=value, whole=whole)
    decimal = whole[:-3] + ("," if french else ".") + (whole[-3:-1] if whole.endswith("0") else whole[-3:])
    return _("{value} is ambiguous: write {whole} or {decimal} (a comma is the decimal mark, as in 650,50).").format(
        value=value, whole=whole, decimal=decimal)
