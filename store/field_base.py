"""The base of every field type: what a field does with a typed value, a stored one and
the user's language (:class:`FieldType`), and the text cleaning all of them share.
The types themselves are in :mod:`store.fields` and :mod:`store.quantity_fields`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from .i18n import _

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
