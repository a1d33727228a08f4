"""Contacts in vCard files: read (``relance import vcard``) and written (``relance
export vcard``).

Reading is done here, on ``store/vcard_lines.py``'s tolerant lines, rather than with a
library: the files phones and mail clients write (a photo that is not base64, Lotus
Notes' PROFILE, Gmail's unescaped commas, 2.1's quoted-printable, the iPhone's CR CR LF)
made the library refuse a whole file or cut a name at a comma. Writing keeps ``vobject``:
its vCard 3.0 is correct (escapes, folding at 75 octets, CRLF).

relance's own fields that vCard has no property for go in ``X-RELANCE-…`` properties,
so that an export imported into another data file keeps them; other tools ignore them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote

from .contact_rows import Row
from .errors import ValidationError
from .fmt import shown
from .i18n import _
from .vcard_lines import Property, logical_lines, parse_line, parts, text_value

#: relance's fields kept in X- properties (written by write_vcards, read back by read_vcard)
X_FIELDS = {"X-RELANCE-CIRCLE": "circle", "X-RELANCE-REFERRED-BY": "referred_by", "X-RELANCE-CREATED": "created",
            "X-RELANCE-LAST-CONTACT": "last_contact", "X-RELANCE-NEXT-FOLLOW-UP": "next_follow_up",
            "X-RELANCE-CADENCE-DAYS": "cadence_days"}
#: cards inside cards (vCard 2.1's AGENT) deeper than this are no address book
MAX_DEPTH = 100
_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class _Card:
    def __init__(self, line: int):
        self.line = line
        self.props: dict[str, list[Property]] = {}
        self.v21 = False
        #: no END:VCARD closed it: what follows it to the end of the file was read into it
        self.unended = False


def _cards(text: str) -> tuple[list[_Card], list[Row]]:
    """The cards of a file, in the order they end, and a problem row for each line that is
    not a property (inside a card or outside any)."""
    cards: list[_Card] = []
    open_cards: list[_Card] = []  # a card begun inside another: 2.1's AGENT, or an END missing
    strays: list[Row] = []
    for number, line in logical_lines(text):
        prop = parse_line(number, line)
        word = prop.raw.strip().upper() if prop else ""
        if prop and prop.name == "BEGIN" and word == "VCARD":
            if len(open_cards) >= MAX_DEPTH:
                raise ValidationError("import", {"file": _(
                    "cards nested too deeply (BEGIN:VCARD inside a card, over and over)")})
            open_cards.append(_Card(number))
        elif prop and prop.name == "END" and word == "VCARD" and open_cards:
            cards.append(open_cards.pop())
        elif prop and open_cards:
            card = open_cards[-1]
            card.props.setdefault(prop.name, []).append(prop)
            if prop.name == "VERSION":
                card.v21 = prop.raw.strip() == "2.1"
        else:
            strays.append(Row(number, problem=_("not a vCard line (skipped): {line}").format(line=shown(line.strip()))))
    for card in open_cards:  # (a card without END:VCARD is read to the end of the file, and said)
        card.unended = True
    return cards + open_cards[::-1], strays


def read_vcard(text: str) -> list[Row]:
    """The cards of a vCard file (2.1, 3.0 or 4.0; see ``store/vcard_lines.py`` for what is
    tolerated), a row each on the line its BEGIN:VCARD is. Of several e-mails, phones or
    web addresses the first fills the field, the others are written in the notes."""
    text = text.removeprefix("\ufeff")
    cards, strays = _cards(text)
    if not cards:
        raise ValidationError("import", {"file": _no_card(text)})
    rows = [_row(card) for card in cards]
    return sorted(rows + strays, key=lambda row: row.line)


def _no_card(text: str) -> str:
    """Why a file has no card, and which import fits it when it is a CSV."""
    from .linkedin import looks_like_linkedin

    if looks_like_linkedin(text):
        return _("no card in it: it is LinkedIn's Connections export; import it with `relance import linkedin`.")
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.count(",") + first.count(";") + first.count("\t") >= 2:
        return _("no card in it: it looks like a CSV file; import it with `relance import csv`.")
    return _("no card in it (BEGIN:VCARD ... END:VCARD).")


def _row(card: _Card) -> Row:
    row = Row(card.line)
    props, v21, warnings = card.props, card.v21, row.warnings

    def texts(name: str) -> list[str]:
        return [value for value in (text_value(prop, v21, warnings).strip() for prop in props.get(name, [])) if value]

    def first(name: str) -> str:
        found = texts(name)
        return found[0] if found else ""

    if card.unended:
        warnings.append(_("the card has no END:VCARD: it was read to the end of the file."))
    emails, phones, urls = texts("EMAIL"), [_phone(prop, v21, warnings) for prop in props.get("TEL", [])], texts("URL")
    phones = [phone for phone in phones if phone]
    org = [part.strip() for prop in props.get("ORG", [])[:1] for part in parts(prop, ";", v21, warnings)]
    name = first("FN") or _name_from_n(props.get("N", []), v21, warnings)
    if not name:
        # a company's card (a phone's "show as company", a switchboard) or an address
        # alone: named by what it has, and said, rather than lost with its phone
        name = ", ".join(part for part in org if part) or (emails[0] if emails else "")
        if not name:
            row.problem = _("the card has no name (FN or N), company (ORG) or e-mail.")
            return row
        warnings.append(_("the card has no name: it is named {name!r}, after its {what}.").format(
            name=shown(name, 80), what=_("company") if org and any(org) else _("e-mail")))
    row.data = {"name": name, "company": ", ".join(part for part in org if part), "role": first("TITLE") or first("ROLE"),
                "email": emails[0] if emails else "", "phone": phones[0] if phones else "",
                "url": urls[0] if urls else "", "notes": "\n".join(texts("NOTE"))}
    # a contact has one e-mail, one phone, one web address: the others go into the notes, not away
    more = [_("{label}: {values}").format(label=label, values=", ".join(others[1:])) for label, others in (
        (_("Other e-mails"), emails), (_("Other phones"), phones), (_("Other web addresses"), urls)) if others[1:]]
    if more:
        row.data["notes"] = "\n".join(filter(None, [row.data["notes"], *more]))
    tags = [tag.strip() for prop in props.get("CATEGORIES", []) for tag in parts(prop, ",", v21, warnings)]
    if any(tags):
        row.data["tags"] = list(dict.fromkeys(tag for tag in tags if tag))
    uid = first("UID").lower().removeprefix("urn:uuid:")
    if _UID.fullmatch(uid):
        row.data["uid"] = uid
    for prop_name, field_name in X_FIELDS.items():
        if first(prop_name):
            row.data[field_name] = first(prop_name)
    return row


def _name_from_n(found: list[Property], v21: bool, warnings: list[str]) -> str:
    """The name N gives (family; given; additional; prefixes; suffixes), in the order it
    is said: "Dr. Ada King Lovelace Jr."; a part's several values (``Ada,Augusta``) by spaces."""
    if not found:
        return ""
    units = [" ".join(v.strip() for v in unit.split(",") if v.strip()) for unit in parts(found[0], ";", v21, warnings)]
    family, given, additional, prefix, suffix = (units + [""] * 5)[:5]
    return " ".join(part for part in (prefix, given, additional, family, suffix) if part)


def _phone(prop: Property, v21: bool, warnings: list[str]) -> str:
    """A TEL as the user would write it: 4.0's ``tel:+1-418-656-9254;ext=102`` is
    "+1-418-656-9254 ext. 102"."""
    value = text_value(prop, v21, warnings).strip() if not prop.raw.lower().startswith("tel:") else prop.raw.strip()
    if not value.lower().startswith("tel:"):
        return value
    number, *params = value[4:].split(";")
    extension = next((p.partition("=")[2] for p in params if p.lower().startswith("ext=")), "")
    number = unquote(number).strip()
    return f"{number} ext. {unquote(extension).strip()}" if extension.strip() else number


def _family_and_given(name: str) -> tuple[str, str]:
    """N's family and given names from a contact's name: "Durand, Zoé" is written family
    first (as Gmail and Outlook file it), "Zoé Durand" given first; a single word is the
    family name."""
    if "," in name:
        family, _sep, given = name.partition(",")
        return family.strip(), given.strip()
    given, _sep, family = name.rpartition(" ")
    return family, given


def sorted_cards(batches: Iterable[list[Any]]) -> list[str]:
    """The card of each contact of ``batches`` (``Repository.batches``: 2,000 at a time), in
    the order of their names: ``write_vcards`` of the contacts sorted, a card at a time (the
    30,000 contacts built at once took the export to 117 MB; their cards are 11 MB)."""
    from .rules import collation_key

    cards = [(collation_key(contact.name), write_vcards([contact])) for batch in batches for contact in batch]
    cards.sort(key=lambda item: item[0])  # (stable: the order of the file between equal names)
    return [card for _key, card in cards]


def write_vcards(contacts: Iterable[Any]) -> str:
    """The contacts as vCard 3.0 cards, written with ``vobject`` (their uid as UID, so
    that importing them again finds them; relance's own fields in X-RELANCE-…)."""
    import vobject

    cards = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("uid").value = contact.uid
        card.add("fn").value = contact.name
        family, given = _family_and_given(contact.name)
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
        for prop_name, field_name in X_FIELDS.items():
            value = getattr(contact, field_name, None)
            if value not in (None, ""):
                card.add(prop_name.lower()).value = str(value)
        cards.append(card.serialize())
    return "".join(cards)
