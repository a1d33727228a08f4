"""LinkedIn's "Connections" export, in every form it has had: the 2018 file
(``First Name,Last Name,Email Address,Company,Position,Connected On``, dates such as
``11/14/17, 5:06 AM``), the later ones after a "Notes:" preamble with a URL column and
``12 Mar 2024`` dates, today's with ``Phone Numbers``, the headers run together
(``FirstName,…,ConnectedOn``), translated, or no header row at all."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from .contact_rows import Row
from .csv_cells import Rows, cell, csv_rows, header_label, refuse_vcard, unused_columns
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
    "phones": ("phone numbers", "numéros de téléphone", "telefonnummern", "números de teléfono",
               "numeri di telefono", "telefoonnummers"),
}

#: a header looked up without its spaces, so that ``FirstName`` and ``ConnectedOn`` (an
#: export of LinkedIn's variants) are the same columns as ``First Name`` and ``Connected On``
_LABELS = {name.replace(" ", ""): key for key, names in LINKEDIN_HEADERS.items() for name in names}

#: a file without its header row has the columns of the export since 2020, in its order
HEADERLESS = {"first": 0, "last": 1, "url": 2, "email": 3, "company": 4, "position": 5, "connected": 6}
_PROFILE = re.compile(r"https?://([\w-]+\.)?linkedin\.com/in/", re.IGNORECASE)

#: month names and abbreviations LinkedIn writes its dates with ("12 Mar 2024", "12 mars 2024")
MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
    ("jan", "january", "janv", "janvier", "januar", "ene", "enero", "gen", "gennaio"),
    ("feb", "february", "févr", "fevr", "février", "februar", "febrero", "febbraio"),
    ("mar", "march", "mars", "mär", "märz", "marzo", "maart"),
    ("apr", "april", "avr", "avril", "abr", "abril", "aprile"),
    ("may", "mai", "mayo", "mag", "maggio", "mei"),
    ("jun", "june", "juin", "juni", "junio", "giu", "giugno"),
    ("jul", "july", "juil", "juillet", "juli", "julio", "lug", "luglio"),
    ("aug", "august", "août", "aout", "ago", "agosto", "augustus"),
    ("sep", "sept", "september", "septembre", "septiembre", "set", "settembre"),
    ("oct", "october", "octobre", "okt", "oktober", "octubre", "ott", "ottobre"),
    ("nov", "november", "novembre", "noviembre"),
    ("dec", "december", "déc", "décembre", "dezember", "dez", "dic", "diciembre", "dicembre"),
), start=1):
    for _name in _names:
        MONTHS[_name] = _number

_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?[ -]+([^\W\d_]+)\.?[ ,-]+(\d{4}|\d{2})")  # 12 Mar 2024, 12-Mar-24, 12. März 2024
_MONTH_DAY_YEAR = re.compile(r"([^\W\d_]+)\.? +(\d{1,2}),? +(\d{4})")  # Mar 12, 2024
#: 11/14/17, 5:06 AM (the 2018 export); the time is not kept
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:,? +\d{1,2}:\d{2}(?::\d{2})?(?: *[AaPp]\.?[Mm]\.?)?)?")
_ISO = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ][\d:.]+Z?)?")


def _year(text: str) -> int:
    # two digits are this century's: LinkedIn was founded in 2003, no connection is older
    return 2000 + int(text) if len(text) == 2 else int(text)


def parse_linkedin_date(text: str, day_first: bool = False) -> date:
    """A connection date in any form LinkedIn has written one: ``12 Mar 2024`` (and
    translated: ``12 mars 2024``), ``Mar 12, 2024``, ``11/14/17, 5:06 AM``, ``2024-03-12``;
    ValueError otherwise. ``03/04/17`` is the 4th of March 2017: LinkedIn wrote these
    dates in the US order, month first, whatever the member's language; ``day_first``
    reads them the other way, for a file whose dates show they are day first
    (:func:`_day_first`)."""
    text = text.strip()
    try:
        if match := _DAY_MONTH_YEAR.fullmatch(text):
            day, month, year = match.group(1), MONTHS.get(match.group(2).casefold()), match.group(3)
        elif match := _MONTH_DAY_YEAR.fullmatch(text):
            day, month, year = match.group(2), MONTHS.get(match.group(1).casefold()), match.group(3)
        elif match := _SLASHED.fullmatch(text):
            first, second, year = match.groups()
            month, day = (int(second), first) if day_first else (int(first), second)
        elif match := _ISO.fullmatch(text):
            return date.fromisoformat(match.group(1))
        else:
            month = None
        if month is not None:
            return date(_year(year), month, int(day))
    except ValueError:  # (a 31st of February, a 13th month)
        pass
    raise ValueError(_("{value!r} is not a date like 12 Mar 2024 or 11/14/17.").format(
        value=text if len(text) <= 80 else text[:79] + "…"))  # (a cell may be 131,072 characters)


def _day_first(values: Sequence[str]) -> bool:
    """Whether the file's d/m/y dates are day first: one of them says so (a first number
    over 12) and none says the opposite. Otherwise month first, as LinkedIn writes them."""
    pairs = [(int(m.group(1)), int(m.group(2))) for m in map(_SLASHED.fullmatch, values) if m]
    return any(a > 12 for a, _b in pairs) and not any(b > 12 for _a, b in pairs)


def linkedin_columns(cells: Sequence[str]) -> dict[str, int] | None:
    """Which column holds what, when ``cells`` is the header row of LinkedIn's export;
    else None. A row of a contacts CSV with first and last names (Google's, Outlook's)
    is not: LinkedIn's has a URL or a connection date, and few columns it does not know."""
    found: dict[str, int] = {}
    unknown = 0
    for index, text in enumerate(cells):
        key = _LABELS.get(header_label(text).replace(" ", ""))
        if key is None:
            unknown += bool(text.strip())
        else:
            found.setdefault(key, index)
    if "first" in found and "last" in found and ("url" in found or "connected" in found) and unknown <= 2:
        return found
    return None


def linkedin_layout(rows: Sequence[tuple[int, list[str]]]) -> tuple[int, dict[str, int], list[str]] | None:
    """(the index of the first row of contacts, which column holds what, the header row)
    when ``rows`` are LinkedIn's export, else None. The header row is found by what it
    says, not where it is (the export begins with "Notes:" lines); a file without one
    is known by its shape: its first row of seven cells or more has a profile's URL
    (``https://www.linkedin.com/in/…``) third."""
    for index, (_line, cells) in enumerate(rows):
        columns = linkedin_columns(cells)
        if columns is not None:
            return index + 1, columns, cells
    for index, (_line, cells) in enumerate(rows):
        if len(cells) >= 7:  # (the preamble's rows have one cell)
            if _PROFILE.match(cells[2].strip()):
                return index, dict(HEADERLESS), []
            return None
    return None


def looks_like_linkedin(text: str) -> bool:
    """Whether ``text`` (its beginning is enough) is LinkedIn's Connections export."""
    try:
        rows = list(csv_rows(text[:20000].removeprefix("\ufeff"), whole=False))  # (its beginning: a quote may be cut)
    except ValidationError:  # (said by the reader of the whole file, with its line)
        return False
    return linkedin_layout(rows) is not None


def _phones(text: str) -> list[str]:
    """The numbers of a ``Phone Numbers`` cell: several are separated by commas,
    semicolons or lines, each may carry its kind ("Mobile: …", "… (Mobile)")."""
    numbers = []
    for part in re.split(r":::|[,;\n]", text):
        part = re.sub(r"^[^\W\d][^:\d+]*:\s*|\s*\([^()\d]*\)$", "", part.strip()).strip()
        if part and part not in numbers:
            numbers.append(part)
    return numbers


def _linkedin_row(line: int, cells: list[str], columns: dict[str, int], day_first: bool) -> Row:
    first, last = cell(cells, columns.get("first")), cell(cells, columns.get("last"))
    name = " ".join(part for part in (first, last) if part)
    row = Row(line)
    if not name:
        row.problem = _("no name (only a date: the member may have left LinkedIn).")
        return row
    row.data = {"name": name, "company": cell(cells, columns.get("company")),
                "role": cell(cells, columns.get("position")), "email": cell(cells, columns.get("email")),
                "url": cell(cells, columns.get("url"))}
    phones = _phones(cell(cells, columns.get("phones")))
    if phones:
        row.data["phone"] = phones[0]
    if phones[1:]:  # (as the vCard reader keeps a card's other numbers)
        row.data["notes"] = _("{label}: {values}").format(label=_("Other phones"), values=", ".join(phones[1:]))
    connected = cell(cells, columns.get("connected"))
    if connected:
        try:
            row.data["created"] = parse_linkedin_date(connected, day_first)
        except ValueError as err:  # the person is imported, without the date
            row.warnings.append(_("connection date: {problem}").format(problem=err))
    return row


def read_linkedin(text: str) -> Rows:
    """The rows of LinkedIn's "Connections" export; a row without a name (a member who
    left LinkedIn keeps only the date) is a problem, not a contact; a date that cannot
    be read is a warning, the person imported without it."""
    text = text.removeprefix("\ufeff")
    refuse_vcard(text)
    rows = list(csv_rows(text))
    layout = linkedin_layout(rows)
    if layout is None:
        raise _not_linkedin(rows)
    start, columns, header = layout
    data_rows = [(line, cells) for line, cells in rows[start:] if any(c.strip() for c in cells)]
    day_first = _day_first([cell(cells, columns.get("connected")) for _line, cells in data_rows])
    used = set(columns.values())
    return Rows([_linkedin_row(line, cells, columns, day_first) for line, cells in data_rows],
                unused_columns(header, used, data_rows))


def _not_linkedin(rows: Sequence[tuple[int, list[str]]]) -> ValidationError:
    """Why the file is not LinkedIn's export; a contacts CSV (Google's, Outlook's...) is
    named as one, with the command that reads it."""
    from .csv_contacts import name_columns  # (csv_contacts reads LinkedIn's files with this module)

    header = next((cells for _line, cells in rows if any(c.strip() for c in cells)), [])
    if name_columns(header):
        return ValidationError("import", {"file": _(
            "it is a contacts CSV (columns {columns}), not LinkedIn's Connections export: import it with "
            "`relance import csv`.").format(columns=shown(", ".join(c.strip() for c in header), 60))})
    return ValidationError("import", {"file": _(
        "no header row of LinkedIn's Connections export (First Name, Last Name, URL, Email Address, "
        "Company, Position, Connected On) was found.")})
