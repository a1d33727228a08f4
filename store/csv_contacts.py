"""Contacts in CSV files: LinkedIn's Connections export, and the contacts CSV of a mail
client or a spreadsheet (relance's own ``export csv`` included)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from .contact_rows import Row
from .errors import ValidationError
from .fmt import shown
from .i18n import _


#: the columns of LinkedIn's "Connections" export, as its languages name them
LINKEDIN_HEADERS: dict[str, tuple[str, ...]] = {
    "first": ("first name", "prénom", "vorname", "nombre", "nome", "voornaam"),
    "last": ("last name", "nom", "nom de famille", "nachname", "apellidos", "cognome", "achternaam"),
    "url": ("url", "profile url", "url du profil"),
    "email": ("email address", "e-mail address", "adresse e-mail", "adresse email", "e-mail-adresse",
              "dirección de correo electrónico", "indirizzo email", "e-mailadres"),
    "company": ("company", "entreprise", "société", "unternehmen", "empresa", "azienda", "bedrijf"),
    "position": ("position", "poste", "titre", "cargo", "posizione", "functie"),
    "connected": ("connected on", "date de connexion", "connecté le", "verbunden am", "fecha de conexión",
                  "data di collegamento", "connectie gemaakt op"),
}

#: month names and abbreviations LinkedIn writes its dates with ("12 Mar 2024", "12 mars 2024")
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("jan", "january", "janv", "janvier", "januar", "ene", "enero", "gen", "gennaio", "jan."),
    ("feb", "february", "févr", "fevr", "février", "februar", "feb.", "febrero", "febbraio"),
    ("mar", "march", "mars", "mär", "märz", "marzo", "maart"),
    ("apr", "april", "avr", "avril", "abr", "abril", "aprile"),
    ("may", "mai", "mayo", "mag", "maggio", "mei"),
    ("jun", "june", "juin", "juni", "junio", "giu", "giugno"),
    ("jul", "july", "juil", "juillet", "juli", "julio", "lug", "luglio"),
    ("aug", "august", "août", "aout", "ago", "agosto", "augustus"),
    ("sep", "sept", "september", "septembre", "septiembre", "set", "settembre"),
    ("oct", "october", "octobre", "okt", "oktober", "octubre", "ott", "ottobre"),
    ("nov", "november", "novembre", "noviembre"),
    ("dec", "december", "déc", "dec.", "décembre", "dezember", "dez", "dic", "diciembre", "dicembre"),
), start=1):
    for _name in _names:
        MONTHS[_name.rstrip(".")] = _number


def parse_linkedin_date(text: str) -> date:
    """``12 Mar 2024`` (or ``12 mars 2024``, ``2024-03-12``) as a date; ValueError otherwise."""
    text = text.strip()
    match = re.fullmatch(r"(\d{1,2})[ .]+([^\W\d_]+)\.?[ .]+(\d{4})", text)
    if match:
        month = MONTHS.get(match.group(2).casefold())
        if month is not None:
            return date(int(match.group(3)), month, int(match.group(1)))
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("{value!r} is not a date like 12 Mar 2024.").format(
            value=text if len(text) <= 80 else text[:79] + "…")) from None  # (a cell may be 131,072 characters)



#: a spreadsheet runs a cell beginning with one of these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """A CSV cell a spreadsheet shows as the text it is: one that would start a formula
    (a name chosen by someone else: '=HYPERLINK(...)'; a phone: '+33 6 ...') is written after
    a ', the spreadsheet's mark for text. :func:`_cell` takes the mark off when read back."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(row: Sequence[str], index: int | None) -> str:
    value = row[index].strip() if index is not None and index < len(row) else ""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        value = value[1:]  # (the mark of spreadsheet_text)
    return value


def _rows(reader: Any) -> Iterator[list[str]]:
    """The rows of a ``csv.reader``; the reader's own error (a cell over its 131,072
    characters, a NUL...) is a one-line problem naming the line, not ``_csv.Error``."""
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            problem = str(err)
            if "field larger than field limit" in problem:
                problem = _("a cell is longer than {limit:,} characters, more than any contact holds").format(
                    limit=csv.field_size_limit())
            raise ValidationError("import", {"file": _("line {line}: {problem}.").format(
                line=reader.line_num, problem=shown(problem))}) from None
        yield cells


def read_linkedin(text: str) -> list[Row]:
    """The rows of LinkedIn's "Connections" export. Its header row is found by what it
    says, not where it is (the export begins with "Notes:" lines, and other languages
    translate the headers); a row without a name (a member who left LinkedIn keeps only
    the date) is a problem, not a contact."""
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    columns: dict[str, int] | None = None
    rows: list[Row] = []
    for cells in _rows(reader):
        line = reader.line_num
        if columns is None:
            columns = linkedin_columns(cells)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        first, last = _cell(cells, columns.get("first")), _cell(cells, columns.get("last"))
        name = " ".join(part for part in (first, last) if part)
        row = Row(line)
        if not name:
            row.problem = _("no name (only a date: the member may have left LinkedIn).")
            rows.append(row)
            continue
        row.data = {"name": name, "company": _cell(cells, columns.get("company")),
                    "role": _cell(cells, columns.get("position")), "email": _cell(cells, columns.get("email")),
                    "url": _cell(cells, columns.get("url"))}
        connected = _cell(cells, columns.get("connected"))
        if connected:
            try:
                row.data["created"] = parse_linkedin_date(connected)
            except ValueError as err:
                row.problem = _("connection date: {problem}").format(problem=err)
        rows.append(row)
    if columns is None:
        raise ValidationError("import", {"file": _(
            "no header row of LinkedIn's Connections export (First Name, Last Name, URL, Email Address, "
            "Company, Position, Connected On) was found.")})
    return rows


def linkedin_columns(cells: Sequence[str]) -> dict[str, int] | None:
    """Which column holds what, when ``cells`` is the header row; else None."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        label = cell.strip().strip("\ufeff").casefold()
        for key, names in LINKEDIN_HEADERS.items():
            if label in names and key not in found:
                found[key] = index
                break
    if "first" in found and "last" in found and ("url" in found or "email" in found or "connected" in found):
        return found
    return None


#: the headers a contacts CSV (a mail client's, a spreadsheet's, relance's own) commonly has
CSV_HEADERS: dict[str, tuple[str, ...]] = {
    "uid": ("uid",),
    "name": ("name", "full name", "display name", "contact", "nom complet", "nom et prénom", "vollständiger name"),
    "first": ("first name", "given name", "firstname", "prénom", "vorname", "nombre"),
    "last": ("last name", "family name", "surname", "lastname", "nom", "nom de famille", "nachname", "apellidos"),
    "company": ("company", "organization", "organisation", "organization name", "employer", "entreprise",
                "société", "unternehmen", "empresa"),
    "role": ("role", "title", "job title", "position", "fonction", "poste", "titre"),
    "email": ("email", "e-mail", "email address", "e-mail address", "e-mail 1 - value", "primary email",
              "courriel", "adresse e-mail", "adresse email"),
    "phone": ("phone", "telephone", "phone number", "mobile", "mobile phone", "phone 1 - value", "téléphone",
              "portable", "telefon"),
    "url": ("url", "website", "web page", "linkedin", "profile url", "site web"),
    "circle": ("circle", "cercle"),
    "tags": ("tags", "labels", "categories", "groups", "étiquettes"),
    "notes": ("notes", "note", "comments", "commentaires"),
}


def read_csv(text: str, mapping: dict[str, str] | None = None) -> list[Row]:
    """The rows of a contacts CSV whose first row names the columns: the usual headers
    are recognised (``CSV_HEADERS``), ``mapping`` (field -> header) says the others. The
    delimiter (comma, semicolon, tab) is detected."""
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header = next(_rows(reader), None)
    if not header:
        raise ValidationError("import", {"file": _("it is empty: a header row naming the columns comes first.")})
    labels = [cell.strip().casefold() for cell in header]
    columns: dict[str, int] = {}
    problems: dict[str, str] = {}
    for field_name, wanted in (mapping or {}).items():
        if field_name not in CSV_HEADERS or field_name == "uid":
            problems[field_name] = _("is not a field that can be mapped; fields: {fields}.").format(
                fields=", ".join(k for k in CSV_HEADERS if k != "uid"))
        elif wanted.strip().casefold() not in labels:
            problems[field_name] = _("no column is named {header!r} (columns: {columns}).").format(
                header=wanted, columns=shown(", ".join(cell.strip() for cell in header), 300))
        else:
            columns[field_name] = labels.index(wanted.strip().casefold())
    if problems:
        raise ValidationError("import", {f"--map {k}": v for k, v in problems.items()})
    for index, label in enumerate(labels):
        for key, names in CSV_HEADERS.items():
            if label in names and key not in columns and index not in columns.values():
                columns[key] = index
                break
    if "name" not in columns and "first" not in columns and "last" not in columns:
        raise ValidationError("import", {"file": _(
            "no column gives the name (name, full name, first name, last name...); say which with "
            "--map name=HEADER.")})
    rows: list[Row] = []
    for cells in _rows(reader):
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        name = _cell(cells, columns.get("name")) or " ".join(
            part for part in (_cell(cells, columns.get("first")), _cell(cells, columns.get("last"))) if part)
        row = Row(line)
        if not name:
            row.problem = _("no name.")
        else:
            row.data = {"name": name}
            for key in ("uid", "company", "role", "email", "phone", "url", "circle", "tags", "notes"):
                value = _cell(cells, columns.get(key))
                if value:
                    row.data[key] = value
        rows.append(row)
    return rows

