"""Contacts in vCard files: read (``relance import vcard``) and written (``relance
export vcard``)."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from typing import Any

from .contact_rows import Row
from .errors import ValidationError
from .fmt import shown
from .i18n import _


def _cards(items: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """The cards (BEGIN:VCARD ... END:VCARD) among what vobject read, in file order, and the
    lines found outside any card. A property after END:VCARD comes as a lone line, or as a
    component with no name that holds it and the cards after it."""
    import vobject

    cards: list[Any] = []
    outside: list[Any] = []
    for item in items:
        if not isinstance(item, vobject.base.Component):
            outside.append(item)
        elif str(item.name or "").upper() == "VCARD":
            if item.behavior is None:  # (nested in the nameless component, it was left raw: N a text...)
                item.setBehavior(vobject.vcard.VCard3_0)  # read as the cards before it were
                item.transformChildrenToNative()
            cards.append(item)
        else:
            more, lines = _cards(item.getChildren())
            cards += more
            outside += lines
    return cards, outside


def read_vcard(text: str) -> list[Row]:
    """The cards of a vCard file (3.0 or 4.0; folded lines, escapes, several cards), read
    with ``vobject``. Of several e-mails or phones the first fills the field, the others
    are written in the notes. A card's "line" is the line it begins on."""
    import vobject

    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines()
    starts = [number for number, line in enumerate(lines, start=1) if line.strip().upper() == "BEGIN:VCARD"]
    rows: list[Row] = []
    try:
        with _lines_vobject_skips() as skipped:
            found = list(vobject.readComponents(text, ignoreUnreadable=True))
            cards, outside = _cards(found)
    except Exception as err:  # vobject raises its own ParseError and others
        problem = (_("cards nested too deeply (BEGIN:VCARD inside a card, over and over)")
                   if isinstance(err, RecursionError) else shown(str(err), 200))
        raise ValidationError("import", {"file": _("it is not a vCard file: {problem}").format(
            problem=problem)}) from None
    skipped += [(0, f"{line.name}:{line.value}") for line in outside]
    if not starts:  # (the library reads any "name:value" lines as a card)
        raise ValidationError("import", {"file": _("no card in it (BEGIN:VCARD ... END:VCARD).")})
    for number, card in enumerate(cards):
        row = Row(starts[number] if number < len(starts) else 0)
        contents = card.contents

        def first(key: str) -> str:
            values = contents.get(key) or []
            value = values[0].value if values else ""
            if isinstance(value, list):  # (ORG's units, a text split on an unescaped comma)
                value = ", ".join(str(part).strip() for part in value if str(part).strip())
            return str(value).strip()

        name = first("fn")
        if not name and contents.get("n"):
            n = contents["n"][0].value
            name = " ".join(part for part in (str(n.given or "").strip(), str(n.family or "").strip()) if part)
        if not name:
            row.problem = _("the card has no name (FN or N).")
            rows.append(row)
            continue
        row.data = {"name": name, "company": first("org"), "role": first("title"), "email": first("email"),
                    "phone": first("tel").removeprefix("tel:"), "url": first("url"), "notes": first("note")}
        # a contact has one e-mail and one phone: the others go into the notes, not away
        more = []
        for key, label in (("email", _("Other e-mails")), ("tel", _("Other phones"))):
            others = [str(item.value).strip().removeprefix("tel:") for item in (contents.get(key) or [])[1:]]
            if any(others):
                more.append(f"{label}: {', '.join(o for o in others if o)}")
        if more:
            row.data["notes"] = "\n".join(filter(None, [row.data["notes"], *more]))
        categories = contents.get("categories") or []
        tags = [str(tag).strip() for item in categories for tag in (item.value if isinstance(item.value, list) else [item.value])]
        if any(tags):
            row.data["tags"] = [tag for tag in tags if tag]
        if contents.get("uid"):
            uid = first("uid").removeprefix("urn:uuid:")
            if re.fullmatch(r"[0-9a-f-]{36}", uid):
                row.data["uid"] = uid
        rows.append(row)
    after = 0
    for number, content in skipped:  # (vobject's own line numbers are not the file's)
        found = next((i for i in range(after, len(lines)) if lines[i].strip() == content.strip()), None)
        if found is not None:
            number, after = found + 1, found + 1
        rows.append(Row(number, problem=_("not a vCard line (skipped): {line}").format(line=shown(content.strip()))))
    return sorted(rows, key=lambda row: row.line)


@contextlib.contextmanager
def _lines_vobject_skips() -> Iterator[list[tuple[int, str]]]:
    """(its line number, the line) of each line vobject skips while reading, which it
    would otherwise log on stderr in its own words (``vobject.base ERROR Skipped line``)."""
    import logging

    skipped: list[tuple[int, str]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            message = record.getMessage()
            number = re.search(r"Skipped line (\d+)", message)
            content = message.split("Failed to parse line: ", 1)[1] if "Failed to parse line: " in message else message
            skipped.append((int(number.group(1)) if number else 0, content))

    logger = logging.getLogger("vobject.base")
    handlers, propagate = logger.handlers[:], logger.propagate
    logger.handlers, logger.propagate = [Collect()], False
    try:
        yield skipped
    finally:
        logger.handlers, logger.propagate = handlers, propagate


def write_vcards(contacts: Iterable[Any]) -> str:
    """The contacts as vCard 3.0 cards, written with ``vobject`` (their uid as UID, so
    that importing them again finds them)."""
    import vobject

    cards = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("uid").value = contact.uid
        card.add("fn").value = contact.name
        given, _sep, family = contact.name.rpartition(" ") if " " in contact.name else ("", "", contact.name)
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if contact.company:
            card.add("org").value = [contact.company]
        if contact.role:
            card.add("title").value = contact.role
        if contact.email:
            email = card.add("email")
            email.value = contact.email
            email.type_param = "INTERNET"
        if contact.phone:
            card.add("tel").value = contact.phone
        if contact.url:
            card.add("url").value = contact.url
        if contact.tags:
            card.add("categories").value = list(contact.tags)
        if contact.notes:
            card.add("note").value = contact.notes
        cards.append(card.serialize())
    return "".join(cards)
