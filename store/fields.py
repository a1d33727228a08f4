"""Field types of the data contract.

Each type turns what a user typed (a form, a CLI flag) or what the file holds
(JSON) into a typed value, says in a sentence what is wrong otherwise, and
turns the value back into JSON. Models declare their fields with the helpers
at the bottom, so that the contract, validation and the CLI flags come from
one place.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from . import fmt, i18n
from .amounts import ambiguity, decimal_of, is_plain, without_currency
from .dates import FIRST_YEAR, LAST_YEAR, in_range, parse_date
from .choices import choice_label, choice_value
from .dates import hint as date_hint
from .i18n import N_, _, available

CENTS = Decimal("0.01")
#: the largest amount taken (a daily rate, a monthly target): more is a typing slip
MONEY_MAX = Decimal("999999999.99")

#: what a terminal takes as commands (C0 but tab and line feed, DEL, C1): never stored,
#: so never shown. A name in an imported file could otherwise set the terminal's title,
#: colour the screen or clear it, in the dashboard and in ``relance list``.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BREAK = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
#: a line break as typed, kept in a text of several lines, a space in a line (``relance add`` refuses it there)
has_line_break = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]").search
#: a stored text holding any of these is cleaned when loaded (one line / several lines)
_UNCLEAN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]").search
_UNCLEAN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]").search


def clean_text(text: str, multiline: bool = False) -> str:
    """``text`` without control characters. In a text of several lines, line breaks become
    "\\n" and tabs stay; in a line, both become a space. Any other control is dropped."""
    if text.isprintable():
        return text
    text = _BREAK.sub("\n", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^(?=\+?(?:[ ().\-/]*[0-9]){3}|\+?[0-9 ().\-/]{4})\+?[0-9 ().\-/]+"
                    r"(?:(?:\s*;\s*ext=|,?\s*(?:ext\.?|extension|x|poste)\s*)[0-9]{1,8})?$", re.I)  # 3 digits, or 4 signs as before


def _blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


class FieldType:
    """Base: subclasses implement ``parse_value`` and may override the rest."""

    #: what the user is asked for, in English, marked for the catalogue: :meth:`described`
    #: shows it (``--help``, a form's placeholder, a message)
    expected = ""
    multiline = False  #: a text of several lines (notes...) keeps its line breaks; see Text

    def __init__(self, required: bool = False):
        self.required = required

    def empty(self) -> Any:
        return None

    def parse(self, raw: Any, today: date) -> Any:
        """Return the typed value or raise ``ValueError`` with a sentence."""
        if _blank(raw):
            if self.required:
                raise ValueError(_("is required."))
            return self.empty()
        return self.parse_value(raw, today)

    def parse_value(self, raw: Any, today: date) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def load(self, raw: Any, today: date) -> Any:
        """``parse`` for a stored value that the loader's inline test (:meth:`stored_as_is`)
        did not take: the same result and the same checks as a form's."""
        return self.parse(raw, today)

    def dump(self, value: Any) -> Any:
        return value

    def written_problem(self, value: Any) -> str | None:
        """Why a write (an import too) refuses a value ``load`` took: a file must not
        become unreadable by a rule newer than it."""
        return None

    def display(self, value: Any) -> str:
        """The value as the file and exports write it (``2027-01-04``, ``650.00``)."""
        if value is None:
            return ""
        return str(self.dump(value))

    def described(self) -> str:
        """What the user is asked for, in the language in use."""
        return _(self.expected) if self.expected else ""

    def edit_text(self, value: Any) -> str:
        """The value as a person reads and types it in the language in use (a form
        pre-filled, ``relance list``): :meth:`parse` reads it back as the same value."""
        return self.display(value)

    def references(self, value: Any) -> Iterator[tuple[str, str]]:
        """(kind, uid) of every record this value points at."""
        return iter(())

    def may_refer_to(self, kind: str) -> bool:
        """Whether a value of this type can point at a record of ``kind``."""
        return False

    #: what the loader keeps of a stored value ``{v}`` that :meth:`stored_as_is` took:
    #: the value itself, a copy of a list, a date made from its text (a ``ValueError``
    #: then sends the value to ``load``)
    stored_value = "{v}"

    def stored_as_is(self, v: str) -> str | None:
        """The type's fast test, the one place it is written: a Python condition on the
        stored value ``v``, true when ``load`` would give :attr:`stored_value` with nothing
        more to check, or None. :func:`record_loader.make_loader` inlines it; anything it does not
        recognise goes to ``load``."""
        return None


class Text(FieldType):
    expected = N_("text")
    #: a condition on a stored text ``{v}`` already short enough, trimmed and clean, true
    #: when ``parse_value`` keeps it as it is ("": nothing more to check), or None when the
    #: type checks more than the loader tests inline (a phone, a code)
    kept: str | None = ""

    def __init__(self, required: bool = False, max_length: int = 2000, multiline: bool = False):
        super().__init__(required)
        self.max_length = max_length
        #: notes and the like keep their line breaks and tabs; a name is one line
        self.multiline = multiline

    def empty(self) -> str:
        return ""

    def stored_as_is(self, v: str) -> str | None:
        tests = [f"{v} == ''"] if not self.required and self.empty() == "" else []
        kept = None if self.kept is None else self.kept.format(v=v)
        if kept is not None:  # what parse_value does: cleans (a text without _UNCLEAN* is kept), trims
            unclean = "_UNCLEAN_TEXT" if self.multiline else "_UNCLEAN_LINE"
            tests.append(f"(0 < len({v}) <= {self.max_length} and not {v}[0].isspace() and not {v}[-1].isspace() "
                         f"and ({v}.isprintable() or not {unclean}({v})){' and ' + kept if kept else ''})")
        return f"(type({v}) is str and ({' or '.join(tests)}))" if tests else None

    def parse_value(self, raw: Any, today: date) -> str:
        if not isinstance(raw, str):
            raise ValueError(_("expected text, got {value!r}.").format(value=raw))
        value = clean_text(raw, self.multiline).strip()
        if len(value) > self.max_length:
            raise ValueError(_("is too long ({length} characters, at most {limit}).").format(
                length=len(value), limit=self.max_length))
        return value


class OptionalText(Text):
    """A text that is null, not "", when there is none (the settings' ``subdivision``): an
    export, imported and exported again, gives the same file."""

    kept = None  # (one record holds it: the settings)

    def empty(self) -> None:
        return None


class Email(Text):
    expected = "name@example.com"
    kept = "_EMAIL_MATCH({v}) is not None"

    def __init__(self, required: bool = False):
        super().__init__(required, max_length=254)

    def parse_value(self, raw: Any, today: date) -> str:
        value = super().parse_value(raw, today)
        if not _EMAIL.match(value):
            raise ValueError(_("expected an e-mail address like name@example.com, got {value!r}.").format(value=value))
        return value


class Phone(Text):
    expected = "+33 6 12 34 56 78"
    kept = None

    def __init__(self, required: bool = False):
        super().__init__(required, max_length=40)

    def parse_value(self, raw: Any, today: date) -> str:
        if not _PHONE.match(value := super().parse_value(raw, today)):
            raise ValueError(_("expected a phone number of 3 digits or more, maybe with an extension (+33 6 12 34 56 78, "
                               "112, 418 656 9254 ext. 102, x102, poste 12, ;ext=102), got {value!r}.").format(value=value))
        return value


class Code(Text):
    """A short upper-case code: a currency (EUR) or a country (FR)."""

    kept = None  # (stored upper-case: parse_value makes it so)

    def __init__(self, length: int, example: str, what: str, required: bool = True):
        super().__init__(required, max_length=40)
        self.length = length
        self.expected = example
        self.what = what

    def parse_value(self, raw: Any, today: date) -> str:
        value = super().parse_value(raw, today).upper()
        if len(value) != self.length or not value.isalpha() or not value.isascii():
            raise ValueError(_("expected a {length}-letter {what} such as {example}, got {value!r}.").format(
                length=self.length, what=_(self.what), example=self.expected, value=raw))
        return value


class Language(Text):
    """``settings.language``: "" (the environment's) or one of :func:`i18n.available`, stored
    lower-case. A form, the CLI and an import refuse any other; a file holding one (from
    a relance with more catalogues) still opens: ``load`` keeps it, ``i18n.resolve``
    falls back to the environment's language."""

    kept = "{v}.islower()"  # (stored lower-case: parse_value makes it so)

    @property  # type: ignore[override]  (the catalogues found when asked, not at import)
    def expected(self) -> str:
        return "|".join(available())

    def problem(self, value: str) -> str | None:
        """Why ``value`` is not a language relance speaks, or None."""
        known = available()
        if not value or value in known:
            return None
        return _("{value!r} is not a language relance speaks; available: {languages} (empty: the system's).").format(
            value=value, languages=", ".join(known))

    def parse_value(self, raw: Any, today: date) -> str:
        value = super().parse_value(raw, today).lower()
        if (problem := self.problem(value)) is not None:
            raise ValueError(problem)
        return value

    def load(self, raw: Any, today: date) -> str:
        return Text.parse_value(self, raw, today).lower()

    def written_problem(self, value: Any) -> str | None:
        return self.problem(value) if isinstance(value, str) else None


class Choice(FieldType):
    """One of a few values, stored in English, shown and typed in the language in use too
    (``context``: the kind of choice, see :mod:`store.choices`)."""

    def __init__(self, choices: Iterable[str], required: bool = False, context: str = ""):
        super().__init__(required)
        self.choices = tuple(choices)
        self.context = context
        self.expected = "|".join(self.choices)

    def label(self, value: str | None) -> str:
        """``value`` as the user reads it (translated)."""
        return choice_label(self.context, value)

    def stored_as_is(self, v: str) -> str | None:
        return f"(type({v}) is str and {v} in {self.choices!r})"

    def parse_value(self, raw: Any, today: date) -> str:
        value = str(raw).strip().lower()
        if value in self.choices:
            return value
        value = choice_value(self.context, self.choices, str(raw))
        if value is None:
            raise ValueError(_("expected one of {choices}; got {value!r}.").format(
                choices=", ".join(self.labels()), value=raw))
        return value

    def labels(self) -> list[str]:
        """The values as the user reads them (each is taken typed so, or as stored)."""
        return [self.label(value) for value in self.choices]


class DateField(FieldType):
    expected = "YYYY-MM-DD"

    def described(self) -> str:
        return date_hint()
    stored_value = "_fromisoformat({v})"

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
        if isinstance(raw, str) and (unclear := ambiguity(raw)):  # "1,500" days: 1500 or 1.5?
            raise ValueError(unclear)
        try:
            value = decimal_of(raw)
        except ValueError:
            raise ValueError(_("expected {what}, got {value!r}.").format(what=_(self.expected), value=raw)) from None
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


_UID = re.compile(r"[0-9a-f-]{8,64}")


class Uid(Text):
    expected = N_("uid")

    def stored_as_is(self, v: str) -> str | None:
        return f"(type({v}) is str and _UID_MATCH({v}) is not None)"

    def parse_value(self, raw: Any, today: date) -> str:
        value = super().parse_value(raw, today)
        if not re.fullmatch(r"[0-9a-fA-F-]{8,64}", value):
            raise ValueError(_("expected a uid, got {value!r}.").format(value=value))
        return value.lower()

    def empty(self) -> None:
        return None


class Ref(Uid):
    """The uid of another record (``contact_uid``, ``target_uid``...)."""

    def __init__(self, kind: str, required: bool = False):
        super().__init__(required)
        self.kind = kind
        self.expected = f"{kind} uid or name"

    def described(self) -> str:
        from .models import kind_name  # (models is built on this module)

        return _("{kind} uid or name").format(kind=kind_name(self.kind))

    def references(self, value: str | None) -> Iterator[tuple[str, str]]:
        if value:
            yield (self.kind, value)

    def may_refer_to(self, kind: str) -> bool:
        return kind == self.kind


def _split_list(raw: Any) -> list[Any]:
    if isinstance(raw, str):
        return [part for part in (p.strip() for p in raw.split(",")) if part]
    if isinstance(raw, (list, tuple)):
        return list(raw)
    raise ValueError(_("expected a list, got {value!r}.").format(value=raw))


class TextList(FieldType):
    """A list of distinct texts (tags, uids): typed comma-separated, stored as a JSON list."""

    #: (a copy: a record never shares a list with the stored document)
    stored_value = "{v}[:]"
    #: the loader's test of one stored item ``{x}``, as :meth:`FieldType.stored_as_is`
    item_as_is = "False"

    def empty(self) -> list[str]:
        return []

    def stored_as_is(self, v: str) -> str | None:  # [] or distinct items, each as stored
        return (f"(type({v}) is list and (not {v} or (all({self.item_as_is.format(x='x')} for x in {v}) "
                f"and len(set({v})) == len({v}))))")

    def parse_item(self, raw: Any, today: date) -> str | None:  # pragma: no cover - abstract
        """One item typed or stored, or None/"" for none; ``ValueError`` with a sentence."""
        raise NotImplementedError

    def parse_value(self, raw: Any, today: date) -> list[str]:
        values: list[str] = []
        for item in _split_list(raw):
            value = self.parse_item(item, today)
            if value and value not in values:
                values.append(value)
        return values

    def dump(self, value: list[str]) -> list[str]:
        return list(value)

    def display(self, value: list[str]) -> str:
        return ", ".join(value)


class Tags(TextList):
    expected = N_("tag,tag")
    #: a trimmed, non-empty word
    item_as_is = "type({x}) is str and {x} and not {x}[0].isspace() and not {x}[-1].isspace() and {x}.isprintable()"

    def parse_item(self, raw: Any, today: date) -> str:
        if not isinstance(raw, str):
            raise ValueError(_("expected a list of words, got {value!r}.").format(value=raw))
        return clean_text(raw).strip()


class Refs(TextList):
    """A list of uids of one kind (``target_uids``)."""

    item_as_is = "type({x}) is str and _UID_MATCH({x}) is not None"  # a uid as stored

    def __init__(self, kind: str):
        super().__init__(False)
        self.kind = kind
        self.expected = f"{kind} uids or names, comma-separated"
        self._uid = Uid()

    def described(self) -> str:
        from .models import kind_name  # (models is built on this module)

        return _("{kind} uids or names, comma-separated").format(kind=kind_name(self.kind))

    def parse_item(self, raw: Any, today: date) -> str | None:
        return self._uid.parse(raw, today)

    def references(self, value: list[str]) -> Iterator[tuple[str, str]]:
        for uid in value:
            yield (self.kind, uid)

    def may_refer_to(self, kind: str) -> bool:
        return kind == self.kind


class Items(FieldType):
    """A list of small records (a review's ``adjacent`` and ``recommendations``)."""

    def __init__(self, item_fields: dict[str, FieldType]):
        super().__init__(False)
        self.item_fields = item_fields
        self.expected = "list of {" + ", ".join(item_fields) + "}"

    def described(self) -> str:
        return _("a list of {{{fields}}}").format(fields=", ".join(self.item_fields))

    def empty(self) -> list[dict[str, Any]]:
        return []

    def parse_value(self, raw: Any, today: date) -> list[dict[str, Any]]:
        if not isinstance(raw, list):
            raise ValueError(_("expected a list, got {value!r}.").format(value=raw))
        items = []
        for index, item in enumerate(raw, start=1):
            if not isinstance(item, dict):
                raise ValueError(_("item {index}: expected an object, got {value!r}.").format(index=index, value=item))
            parsed = {}
            for name, ftype in self.item_fields.items():
                try:
                    parsed[name] = ftype.parse(item.get(name), today)
                except ValueError as err:
                    raise ValueError(
                        _("item {index}, {field}: {problem}").format(index=index, field=name, problem=err)
                    ) from None
            items.append(parsed)
        return items

    def dump(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {name: ftype.dump(item.get(name)) for name, ftype in self.item_fields.items()}
            for item in value
        ]

    def display(self, value: list[dict[str, Any]]) -> str:
        return str(len(value))

    def references(self, value: list[dict[str, Any]]) -> Iterator[tuple[str, str]]:
        for item in value:
            for name, ftype in self.item_fields.items():
                yield from ftype.references(item.get(name))

    def may_refer_to(self, kind: str) -> bool:
        return any(ftype.may_refer_to(kind) for ftype in self.item_fields.values())


class Json(FieldType):
    """A JSON object kept as it is (a review's draft, saved at each step)."""

    expected = N_("an object")

    def parse_value(self, raw: Any, today: date) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise ValueError(_("expected an object, got {value!r}.").format(value=raw))
        return _cleaned(raw)

    def display(self, value: Any) -> str:
        return "" if not value else "…"


def _cleaned(value: Any) -> Any:
    """``value`` with its texts, at any depth, cleaned as texts of several lines (a draft's
    answers are shown again in the review's fields)."""
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    if isinstance(value, dict):
        return {key: _cleaned(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    return value


#: the names the types' inline tests (``stored_as_is``, ``stored_value``) use, which
#: the loader puts in the namespace of the code it makes
INLINE_NAMES = {
    "_UID_MATCH": _UID.fullmatch, "_EMAIL_MATCH": _EMAIL.match, "_fromisoformat": date.fromisoformat,
    "_UNCLEAN_LINE": _UNCLEAN_LINE, "_UNCLEAN_TEXT": _UNCLEAN_TEXT,
}


# -- helpers for model declarations -------------------------------------------------


def field(ftype: FieldType, default: Any = dataclasses.MISSING, help: str = "") -> Any:
    """A dataclass field carrying its contract type (``metadata["type"]``)."""
    metadata = {"type": ftype, "help": help}
    if default is dataclasses.MISSING:
        empty = ftype.empty()
        if isinstance(empty, (list, dict)):
            return dataclasses.field(default_factory=type(empty), metadata=metadata)
        return dataclasses.field(default=empty, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def text(required: bool = False, help: str = "", max_length: int = 2000, multiline: bool = False) -> Any:
    return field(Text(required, max_length, multiline), help=help)


def choice(choices: Iterable[str], default: str | None = None, help: str = "", context: str = "") -> Any:
    return field(Choice(choices, required=default is not None, context=context), default=default, help=help)


def date_field(required: bool = False, help: str = "") -> Any:
    return field(DateField(required), help=help)


def money(required: bool = False, help: str = "") -> Any:
    return field(Money(required), help=help)


def ref(kind: str, required: bool = False, help: str = "") -> Any:
    return field(Ref(kind, required), help=help)
