"""Contacts brought in from other tools: read, matched against the data, applied at once.

An import is planned before anything is written: each row of the file becomes an
addition, an update of a contact already there (only empty fields are filled, tags
added), a skip (nothing new), or a problem with its line number and the reason. The
plan is shown (``--dry-run``, the dashboard's preview) or applied in one write, so
running the same import twice adds nothing and a bad row never stops the good ones.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

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


@dataclass
class Row:
    """One contact read from a file: its line, the fields, or what is wrong with it."""

    line: int
    data: dict[str, Any] = field(default_factory=dict)
    problem: str = ""


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
            columns = _linkedin_columns(cells)
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


def _linkedin_columns(cells: Sequence[str]) -> dict[str, int] | None:
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


def guess_format(path: Path, text: str) -> str:
    """``vcard`` for a .vcf file, ``linkedin`` for LinkedIn's Connections export, else ``csv``."""
    if path.suffix.casefold() in (".vcf", ".vcard") or text.lstrip("\ufeff").upper().startswith("BEGIN:VCARD"):
        return "vcard"
    try:
        heads = list(csv.reader(io.StringIO(text[:20000].lstrip("\ufeff"), newline="")))
    except csv.Error:  # (said by the reader of the whole file, with its line)
        heads = []
    for cells in heads:
        if _linkedin_columns(cells) is not None:
            return "linkedin"
    return "csv"


def read_contacts_file(path: Path, format: str | None = None, mapping: dict[str, str] | None = None) -> tuple[str, list[Row]]:
    """(the format, the rows) of a file of contacts: ValidationError naming the file's
    problem (missing, unreadable, not of that format)."""
    def refused(problem: str, **values: Any) -> ValidationError:
        return ValidationError("import", {"file": problem.format(path=path, **values)})

    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise refused(_("{path}: no such file.")) from None
    except IsADirectoryError:
        raise refused(_("{path} is a folder: give the file in it.")) from None
    except OSError as err:
        raise refused(_("{path}: cannot read it: {reason}."), reason=err.strerror or err) from None
    if b"\0" in raw:
        raise refused(_("{path}: not a text file: a CSV, a vCard or LinkedIn's Connections.csv is text."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # not UTF-8: Excel's CSV and Outlook on Windows write Windows-1252 (French
        # accents included); it decodes any text byte but five, which no such file has
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError as err:
            raise refused(_("{path}: not UTF-8 nor Windows-1252 text (byte {at})."), at=err.start) from None
    format = format or guess_format(path, text)
    readers = {"linkedin": read_linkedin, "vcard": read_vcard}
    rows = read_csv(text, mapping) if format == "csv" else readers[format](text)
    return format, rows


# -- matching and applying ----------------------------------------------------------------


def _url_key(url: str) -> str:
    key = url.strip().casefold()
    key = re.sub(r"^https?://", "", key)
    key = re.sub(r"^www\.", "", key)
    return key.rstrip("/")


@dataclass
class Plan:
    """What an import would do. ``add``: new contacts' fields; ``update``: (uid, current
    label, the changes); ``skipped``: (line, why); ``problems``: (line, why)."""

    add: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    update: list[tuple[int, str, str, dict[str, Any]]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What it would do, a line per row: additions, updates, skips."""
        lines = [_("line {line}: add {name}").format(line=line, name=data["name"]) +
                 (f" ({data['company']})" if data.get("company") else "") for line, data in self.add]
        lines += [_("line {line}: update {label}: {fields}").format(line=line, label=label, fields=", ".join(changes))
                  for line, _uid, label, changes in self.update]
        lines += [_("line {line}: skip, {why}").format(line=line, why=why) for line, why in self.skipped]
        return lines

    def summary(self) -> str:
        return _("{add} to add, {update} to update, {skipped} already there, {problems} with problems").format(
            add=len(self.add), update=len(self.update), skipped=len(self.skipped), problems=len(self.problems))


def plan_import(repository, rows: Iterable[Row], circle: str = "natural", tags: Sequence[str] = ()) -> Plan:
    """Match each row against the contacts there and the rows before it: the same e-mail,
    or the same profile URL, or the same name and company is the same person."""
    plan = Plan()
    by_email: dict[str, Any] = {}
    by_url: dict[str, Any] = {}
    by_name: dict[tuple[str, str], Any] = {}

    def remember(key_owner: Any, data: dict[str, Any]) -> None:
        if data.get("email"):
            by_email.setdefault(data["email"].casefold(), key_owner)
        if data.get("url"):
            by_url.setdefault(_url_key(data["url"]), key_owner)
        by_name.setdefault((data["name"].casefold(), (data.get("company") or "").casefold()), key_owner)

    for contact in repository.list("contact"):
        remember(contact, {"name": contact.name, "company": contact.company, "email": contact.email, "url": contact.url})
    for row in rows:
        if row.problem:
            plan.problems.append((row.line, row.problem))
            continue
        data = {k: v for k, v in row.data.items() if v not in ("", None)}
        uid = data.pop("uid", None)
        data.setdefault("circle", circle)
        try:
            record = repository.build("contact", data)
        except ValidationError as err:
            plan.problems.append((row.line, str(err)))
            continue
        # the values as the record holds them (trimmed, no control character): what the
        # preview shows, what is matched and what is written
        data.update({name: getattr(record, name) for name in data if isinstance(getattr(record, name, None), str)})
        data["circle"] = record.circle
        data["tags"] = list(dict.fromkeys([*record.tags, *tags]))
        known = repository.records("contact").get(uid) if uid else None
        match = known or (by_email.get(data.get("email", "").casefold()) if data.get("email") else None) \
            or (by_url.get(_url_key(data["url"])) if data.get("url") else None) \
            or by_name.get((data["name"].casefold(), (data.get("company") or "").casefold()))
        if match is None:
            plan.add.append((row.line, data))
            remember(("row", row.line), data)
            continue
        if isinstance(match, tuple):  # an earlier row of the same file
            plan.skipped.append((row.line, _("the same person as line {line}.").format(line=match[1])))
            continue
        changes: dict[str, Any] = {}
        for name in ("company", "role", "email", "phone", "url", "notes", "created"):
            if data.get(name) and not getattr(match, name):
                changes[name] = data[name]
        new_tags = [tag for tag in data["tags"] if tag not in match.tags]
        if new_tags:
            changes["tags"] = [*match.tags, *new_tags]
        if changes:
            plan.update.append((row.line, match.uid, match.label(), changes))
        else:
            plan.skipped.append((row.line, _("already there as {label!r}.").format(label=match.label())))
    return plan


def apply_import(repository, plan: Plan) -> tuple[int, int]:
    """Apply a plan in one write; (added, updated)."""
    with repository.transaction():
        for _line, data in plan.add:
            repository.add("contact", data)
        for _line, uid, _label, changes in plan.update:
            repository.update("contact", uid, changes)
    return len(plan.add), len(plan.update)
