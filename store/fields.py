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
from typing import Any

from .choices import choice_label, choice_value
# (CENTS, MONEY_MAX, has_line_break, Integer, Number: the contract's names, read from here too)
from .field_base import _UNCLEAN_LINE, _UNCLEAN_TEXT, CENTS, MONEY_MAX, FieldType, clean_text, has_line_break  # noqa: F401
from .i18n import N_, _, available
from .quantity_fields import DateField, Integer, Money, Number  # noqa: F401

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_PHONE = re.compile(r"^(?=\+?(?:[ ().\-/]*[0-9]){3}|\+?[0-9 ().\-/]{4})\+?[0-9 ().\-/]+"
                    r"(?:(?:\s*;\s*ext=|,?\s*(?:ext\.?|extension|x|poste)\s*)[0-9]{1,8})?$", re.I)  # 3 digits, or 4 signs as before


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
    expected = N_("name@example.com")
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
        # a locale's name as the environment writes it (fr_FR, fr-FR, fr_FR.UTF-8) is its language
        base = re.split(r"[_.@-]", value, maxsplit=1)[0]
        if value not in available() and base in available():
            value = base
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

    def described(self) -> str:
        """The values as the user reads them in the language in use: ``naturel|pro``."""
        return "|".join(self.labels())

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
