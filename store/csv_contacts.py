"""Contacts in CSV files: the contacts CSV of a mail client, an address book or a
spreadsheet — Google Contacts (legacy and current), Outlook (English and French), Apple's
exporters, khard, relance's own ``export csv`` — and, in ``linkedin.py``, LinkedIn's
Connections export."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .contact_rows import Row
from .csv_cells import (FORMULA_STARTS, PLACEHOLDERS, Rows, cell, csv_rows, header_label, refuse_vcard, sniff_dialect,
                        spreadsheet_text, unused_columns)
from .errors import ValidationError
from .fmt import shown
from .i18n import _
from .linkedin import LINKEDIN_HEADERS, MONTHS, linkedin_columns, looks_like_linkedin, parse_linkedin_date, read_linkedin

__all__ = ["CSV_HEADERS", "FORMULA_STARTS", "LINKEDIN_HEADERS", "MONTHS", "linkedin_columns", "name_columns",
           "parse_linkedin_date", "read_csv", "read_linkedin", "spreadsheet_text"]

_N = r"(?: ?\d+)?"  # a column's number: "E-mail 2 Address", "Phone 1 - Value", "Organisation 1"
_KIND = r"(?: ?[:(].*)?"  # Apple's exporters name a value's kind: "Email: work", "Phone (mobile)"
_MAIL = r"e-?mail"

#: the headers of each field, as the tools write them (a regular expression matching
#: the whole header, case folded), the most telling first: Outlook's "Title" is "Mr." and
#: its "Job Title" the role, so "job title" comes before "title". The columns of relance's
#: own export are the field names.
CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "uid": ("uid",),
    "name": ("name", "full name", "display name", "formatted name", "contact", "nom complet", "nom et prénom",
             "nom affiché", "vollständiger name", "nombre completo"),
    "first": ("first name", "given name", "firstname", "first", "prénom", "vorname", "nombre"),
    "middle": ("middle name", "additional name", "additional", "deuxième prénom", "second prénom",
               "weitere vornamen"),
    "last": ("last name", "family name", "surname", "lastname", "last", "nom", "nom de famille", "nachname",
             "apellidos"),
    "company": (r"company( name)?", r"organi[sz]ation( name)?", rf"organi[sz]ation{_N}( - name)?", "employer",
                "entreprise", "société", "unternehmen", "firma", "empresa"),
    "role": (r"job ?title", "organization title", rf"organi[sz]ation{_N} - title", "fonction", "position",
             rf"title{_N}", rf"role{_N}", "poste", "titre", "cargo", "beruf", "occupation"),
    "email": (rf"{_MAIL}( address)?{_N}( address)?( - value)?{_KIND}", rf"(primary|work|home|business|personal|"
              rf"other) {_MAIL}( address)?", rf"courriel{_N}", rf"adresse (e-?mail|de messagerie){_N}",
              "e-mail-adresse", "mail"),
    "phone": (rf"phone( number)?s?{_N}( - value)?{_KIND}", r"(primary|mobile|business|work|home|other|main|"
              rf"company main|car|radio|callback|iphone) phone{_N}", "telephone", "mobile", "cell",
              r"t[ée]l[ée]phone.*", r"t[ée]l\.?( .+)?", "portable", "telefon", "mobiltelefon", "handy"),
    "url": (r"url", rf"(personal )?web ?(page|site){_N}( - value)?", rf"website{_N}( - value)?", rf"url{_KIND}",
            "homepage", "linkedin", "profile url", "site web", "page web", "page web personnelle"),
    "circle": ("circle", "cercle"),
    "tags": ("tags", "labels", rf"categor(y|ies){_N}", "group membership", "groups", "étiquettes", "catégories",
             "libellés", "groupes", "kategorien"),
    "notes": (rf"notes?{_N}", "comments", "commentaires", "remarques", "notizen"),
    "created": ("created",),
    "last_contact": ("last_contact",),
    "next_follow_up": ("next_follow_up",),
    "cadence_days": ("cadence_days",),
    "referred_by": ("referred_by",),
}
_PATTERNS = {key: [re.compile(pattern) for pattern in patterns] for key, patterns in CSV_HEADERS.items()}
#: fields a file may have several columns of: the first value fills the field, the others go to the notes
MULTIPLE = {"email": r":::|[;,\s]+", "phone": r":::|[;\n]", "url": r":::|\s+"}
#: the fields --map may name (the uid is the contact's identity: never another column's)
MAPPABLE = tuple(key for key in CSV_HEADERS if key not in ("uid", "referred_by"))
#: what the notes call the values a contact has no room for (as the vCard reader writes them)
OTHERS = {"email": "Other e-mails", "phone": "Other phones", "url": "Other web pages"}


def contacts_columns(header: Sequence[str], mapping: dict[str, str] | None = None) -> dict[str, list[int]]:
    """Which columns give each field: the ones ``mapping`` (field -> header) names, then
    the usual headers. A field has one column, or several (e-mails, phones, web pages)
    in their order; a column gives one field."""
    labels = [header_label(text) for text in header]
    columns: dict[str, list[int]] = {}
    problems: dict[str, str] = {}
    for key, wanted in (mapping or {}).items():
        if key not in MAPPABLE:
            problems[key] = _("is not a field that can be mapped; fields: {fields}.").format(fields=", ".join(MAPPABLE))
        elif header_label(wanted) not in labels:
            problems[key] = _("no column is named {header!r} (columns: {columns}).").format(
                header=wanted, columns=shown(", ".join(text.strip() for text in header), 300))
        else:
            columns[key] = [labels.index(header_label(wanted))]
    if problems:
        raise ValidationError("import", {f"--map {k}": v for k, v in problems.items()})
    taken = {index for indexes in columns.values() for index in indexes}
    for key, patterns in _PATTERNS.items():
        if key in columns:
            continue
        if key == "role":  # (Outlook's courtesy title, "Mr."/"Mme", is no role: see _courtesy)
            taken |= _courtesy(labels, columns.get("first", ()))
        found: list[int] = []
        for pattern in patterns:
            found += [i for i, label in enumerate(labels) if i not in taken and i not in found and pattern.fullmatch(label)]
            if found and key not in MULTIPLE:
                found = found[:1]
                break
        if found:
            columns[key] = sorted(found)
            taken.update(found)
    return columns


def _courtesy(labels: Sequence[str], first: Sequence[int]) -> set[int]:
    """The columns of a courtesy title: a "Title" right before the first name. Outlook
    writes "Title" (Mr.) there and "Job Title" further on; in French both are "Titre"."""
    return {index - 1 for index in first if index and labels[index - 1] in ("title", "titre", "civilité")}


def name_columns(header: Sequence[str]) -> bool:
    """Whether ``header`` names a column that gives a contact's name."""
    return bool({"name", "first", "last"} & set(contacts_columns(header)))


def _tags(text: str, own: bool = False) -> list[str]:
    """Tags from a cell: relance's "a, b", Outlook's "a;b", Google's "* myContacts ::: Friends"
    (a group Google gives every contact is no tag; its "*" marks its own groups). In
    relance's ``own`` export, only the way it joins them: a tag "a;b" stays one tag."""
    tags = []
    for part in re.split(r"," if own else r":::|[;,]", text):
        tag = part.strip() if own else part.strip().removeprefix("*").strip()
        if tag and (own or tag.casefold() not in ("mycontacts", "my contacts")) and tag not in tags:
            tags.append(tag)
    return tags


#: the fields a column gives as it is written (relance's own export holds them all)
_AS_WRITTEN = ("uid", "company", "role", "circle", "created", "last_contact", "next_follow_up", "cadence_days",
               "referred_by", "notes")
_SINGLE = (*_AS_WRITTEN, "tags", "name", "first", "middle", "last")
_SPLIT = {key: re.compile(separators) for key, separators in MULTIPLE.items()}


def _several(cells: list[str], indexes: Sequence[int], key: str, placeholders: bool) -> list[str]:
    """The values of a field several columns (or cells of several values) give, in order."""
    values: list[str] = []
    for index in indexes:
        text = cell(cells, index, placeholders)
        if not text:
            continue
        for part in ([text] if not placeholders else _SPLIT[key].split(text)):  # (relance's own: one value)
            part = part.strip()
            if part and part not in values and not (placeholders and part.casefold() in PLACEHOLDERS):
                values.append(part)
    return values


def _csv_row(line: int, cells: list[str], columns: dict[str, list[int]], placeholders: bool) -> Row:
    read = {key: cell(cells, columns[key][0], placeholders) for key in _SINGLE if key in columns}
    name = read.get("name") or " ".join(filter(None, (read.get("first"), read.get("middle"), read.get("last"))))
    several = {key: _several(cells, columns.get(key, ()), key, placeholders) for key in MULTIPLE}
    row = Row(line)
    if not name:
        # a company's own address book entry (Google's "Organization Name" alone) or a bare
        # address is a contact still: named after what the row has, and said so
        name = read.get("company") or next(iter(several["email"]), "")
        if not name:
            row.problem = _("no name.")
            return row
        row.warnings.append((_("no name: the company {name!r} is taken as the name.") if read.get("company") else
                             _("no name: the e-mail address {name!r} is taken as the name.")).format(name=shown(name, 60)))
    row.data = {"name": name}
    row.data.update((key, read[key]) for key in _AS_WRITTEN if read.get(key))
    tags = _tags(read.get("tags", ""), own=not placeholders)
    if tags:
        row.data["tags"] = tags
    more = []
    for key, values in several.items():
        if values:
            row.data[key] = values[0]
        if values[1:]:  # a contact has one of each: the others go into the notes, not away
            more.append(_("{label}: {values}").format(label=_(OTHERS[key]), values=", ".join(values[1:])))
    if more:
        row.data["notes"] = "\n".join(filter(None, [row.data.get("notes", ""), *more]))
    return row


def _described(used: set[int], header: Sequence[str]) -> set[int]:
    """``used`` and the columns that only say the kind of a value taken (Google's "E-mail 1
    - Label" of "E-mail 1 - Value", khard's "Phone 1 - type"): no loss worth naming."""
    labels = [header_label(text) for text in header]
    values = {labels[index].removesuffix(" - value") for index in used if labels[index].endswith(" - value")}
    kinds = {index for index, label in enumerate(labels) if re.sub(r" - (type|label)$", "", label) in values - {label}}
    return used | kinds


def read_csv(text: str, mapping: dict[str, str] | None = None) -> Rows:
    """The rows of a contacts CSV whose first row names the columns: the headers of the
    usual tools are recognised (``CSV_HEADERS``), ``mapping`` (field -> header) says the
    others. The delimiter (comma, semicolon, tab) is detected. The columns that hold
    values no field takes are named in the result's ``unused_columns``."""
    text = text.removeprefix("\ufeff")
    refuse_vcard(text)
    if looks_like_linkedin(text):
        raise ValidationError("import", {"file": _(
            "it is LinkedIn's Connections export: import it with `relance import linkedin`, which reads "
            "its connection dates.")})
    rows = csv_rows(text, sniff_dialect(text))
    _line, header = next(rows, (0, []))
    if not header:
        raise ValidationError("import", {"file": _("it is empty: a header row naming the columns comes first.")})
    columns = contacts_columns(header, mapping)
    if not {"name", "first", "last"} & set(columns):
        raise ValidationError("import", {"file": _(
            "no column gives the name (name, full name, first name, last name...); say which with "
            "--map name=HEADER.")})
    # relance's own export (its uid column) holds what was typed: a "-" there is a value
    placeholders = "uid" not in columns
    data_rows = [(line, cells) for line, cells in rows if any(c.strip() for c in cells)]
    used = _described({index for indexes in columns.values() for index in indexes}, header)
    return Rows([_csv_row(line, cells, columns, placeholders) for line, cells in data_rows],
                unused_columns(header, used, data_rows, placeholders))
