"""The field types whose typed form depends on the language: dates, amounts, numbers
(``05/07/2026`` and ``9 000,50`` in French, ``2026-07-05`` and ``9000.50`` everywhere).
What they accept is in docs/ARCHITECTURE.md ("Formats"); :mod:`store.dates` and
:mod:`store.amounts` read, :mod:`store.fmt` shows."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from . import fmt, i18n
from .amounts import ambiguity, decimal_of, is_plain, without_currency
from .dates import FIRST_YEAR, LAST_YEAR, in_range, parse_date
from .dates import hint as date_hint
from .field_base import CENTS, MONEY_MAX, FieldType, _blank
from .i18n import N_, _


class DateField(FieldType):
    expected = "YYYY-MM-DD"
    stored_value = "_fromisoformat({v})"

    def described(self) -> str:
        return date_hint()

    def stored_as_is(self, v: str) -> str | None:
        # YYYY-MM-DD as load requires it (fromisoformat alone also reads 2027-W01-1), made
        # at once; past the year's range, or 02-30, it goes to load
        return (f"(type({v}) is str and len({v}) == 10 and {v}[4] == {v}[7] == '-' "
                f"and {str(FIRST_YEAR)!r} <= {v}[:4] <= {str(LAST_YEAR)!r})")

    def load(self, raw: Any, today: date) -> Any:
        """A stored date is ``YYYY-MM-DD`` only: "+3d" in a file would mean another day
        each day it is read."""
        if raw is None or (type(raw) is str and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw)):
            return super().load(raw, today)
        raise ValueError(_("expected a date as YYYY-MM-DD, got {value!r}.").format(value=raw))

    def parse_value(self, raw: Any, today: date) -> date:
        if isinstance(raw, date):
            return raw
        if not isinstance(raw, str):
            raise ValueError(_("expected a date as YYYY-MM-DD, got {value!r}.").format(value=raw))
        if len(raw) == 10 and raw[4] == "-":  # the stored form: no need for the relative words
            try:
                return in_range(date.fromisoformat(raw), raw)
            except ValueError:
                pass
        return parse_date(raw, today)

    def dump(self, value: date | None) -> str | None:
        return value.isoformat() if value is not None else None

    def edit_text(self, value: date | None) -> str:
        return fmt.day(value)


class Money(FieldType):
    """An amount in the settings' currency, more than zero, kept as ``Decimal``, stored ``"650.00"``.
    Typed, it is plain (650, 650.50, 1 200,50; never 1e3, 1_000, 0x10, inf, nor the ambiguous
    1,500: see :mod:`store.amounts`); a file's "1e3" loads."""

    expected = "650.00"

    def parse_value(self, raw: Any, today: date, plain: bool = True) -> Decimal:
        typed = without_currency(raw) if plain and isinstance(raw, str) else raw  # 650 €, 650EUR
        try:
            value = decimal_of(typed) if not (plain and isinstance(typed, str)) or is_plain(typed) else None
        except ValueError:
            value = None
        if plain and isinstance(typed, str) and (unclear := ambiguity(typed)):
            raise ValueError(unclear)
        expected = (_("expected an amount such as 650, 650,50 or 9 000,50 €, got {value!r}.")
                    if i18n.language() == "fr" else _("expected an amount such as 650 or 650.50, got {value!r}."))
        problem = (expected if value is None
                   else _("must be more than zero, got {value}.") if value <= 0
                   else _("is too large: at most {limit}, got {value}.") if value > MONEY_MAX  # (past 28 digits,
                   else _("has more than two decimals: {value}.") if value != value.quantize(CENTS) else "")  # no cents)
        if problem:
            raise ValueError(problem.format(limit=MONEY_MAX, value=raw))
        return value.quantize(CENTS)  # type: ignore[union-attr]

    def load(self, raw: Any, today: date) -> Decimal:  # (relance writes "650.00"; a script may write "1e3")
        return self.parse(raw, today) if _blank(raw) else self.parse_value(raw, today, plain=False)

    def dump(self, value: Decimal | None) -> str | None:
        return None if value is None else str(value.quantize(CENTS))

    def edit_text(self, value: Decimal | None) -> str:
        return "" if value is None else fmt.typed_money(value)

    def described(self) -> str:
        return fmt.typed_money(Decimal("650"))  # 650.00, or 650,00 in French


class Number(FieldType):
    """A decimal quantity within bounds (days, rates between 0 and 1)."""

    def __init__(
        self,
        required: bool = False,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        exclusive_minimum: bool = False,
        expected: str = N_("a number"),
    ):
        super().__init__(required)
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)
        self.exclusive_minimum = exclusive_minimum
        self.expected = expected

    def _bounds(self) -> str:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            if self.exclusive_minimum:
                return _("more than {low} and at most {high}").format(low=low, high=high)
            return _("between {low} and {high}").format(low=low, high=high)
        if low is not None:
            if self.exclusive_minimum:
                return _("more than {low}").format(low=low)
            return _("at least {low}").format(low=low)
        return _("at most {high}").format(high=high)

    def parse_value(self, raw: Any, today: date) -> Decimal:
        percent = False
        if isinstance(raw, str) and self.maximum == 1 and raw.strip().endswith("%"):
            # a rate (fee rate, net share, probability) typed as a percentage, "8 %": 0.08
            number = raw.strip()[:-1].rstrip(" \u00a0\u202f\u2009\t")
            percent = bool(number)
        else:
            number = raw
        if isinstance(number, str) and (unclear := ambiguity(number)):  # "1,500" days: 1500 or 1.5?
            raise ValueError(unclear)
        try:
            value = decimal_of(number)
        except ValueError:
            raise ValueError(_("expected {what}, got {value!r}.").format(what=_(self.expected), value=raw)) from None
        if percent:
            value = value / 100
        too_low = self.minimum is not None and (
            value <= self.minimum if self.exclusive_minimum else value < self.minimum
        )
        too_high = self.maximum is not None and value > self.maximum
        if too_low or too_high:
            raise ValueError(_("must be {bounds}, got {value}.").format(bounds=self._bounds(), value=raw))
        if value == value.to_integral():
            return value.normalize()
        shape = value.as_tuple()
        if shape.exponent == -4 and shape.digits[-1] == 0 and i18n.language() == "fr":
            return value.quantize(Decimal("0.001"))  # 1,1250: fmt.typed_number's 1.125 (1,125 is refused)
        return value

    def dump(self, value: Decimal | None) -> str | None:
        if value is None:
            return None
        if value == value.to_integral():
            return str(value.quantize(Decimal(1)))
        return str(value)

    def edit_text(self, value: Decimal | None) -> str:
        return "" if value is None else fmt.typed_number(Decimal(self.dump(value)))  # type: ignore[arg-type]


class Integer(FieldType):
    def __init__(self, required: bool = False, minimum: int = 0, maximum: int = 10**6):
        super().__init__(required)
        self.minimum = minimum
        self.maximum = maximum
        self.expected = f"{minimum}-{maximum}"

    def stored_as_is(self, v: str) -> str | None:
        return f"(type({v}) is int and {self.minimum} <= {v} <= {self.maximum})"

    def parse_value(self, raw: Any, today: date) -> int:
        if isinstance(raw, bool):
            raise ValueError(_("expected a whole number, got {value!r}.").format(value=raw))
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValueError(_("expected a whole number, got {value!r}.").format(value=raw)) from None
        if not self.minimum <= value <= self.maximum:
            raise ValueError(_("must be between {low} and {high}, got {value}.").format(
                low=self.minimum, high=self.maximum, value=value))
        return value
