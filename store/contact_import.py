"""Contacts brought in from other tools: read, matched against the data, applied at once.

An import is planned before anything is written: each row of the file becomes an
addition, an update of a contact already there (only empty fields are filled, tags
added), a skip (nothing new), or a problem with its line number and the reason. The
plan is shown (``--dry-run``, the dashboard's preview) or applied in one write, so
running the same import twice adds nothing and a bad row never stops the good ones.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .contact_rows import Row
from .csv_contacts import looks_like_linkedin, read_csv, read_linkedin
from .errors import UnsafeFileError, ValidationError
from .fields import Uid
from .filesafety import user_name
from .fmt import shown
from .i18n import _, ngettext
from .models import new_uid
from .vcard import read_vcard


def guess_format(path: Path, text: str) -> str:
    """``vcard`` for a .vcf file, ``linkedin`` for LinkedIn's Connections export, else ``csv``."""
    if path.suffix.casefold() in (".vcf", ".vcard") or text.lstrip("\ufeff").upper().startswith("BEGIN:VCARD"):
        return "vcard"
    # (its header row, wherever it is, or its shape when it has none: linkedin.py)
    return "linkedin" if looks_like_linkedin(text) else "csv"


def _text(raw: bytes, refused) -> str:
    """The text of a file's bytes: UTF-16 when it starts with its byte-order mark (Google's
    "Outlook CSV" and Windows tools), else UTF-8; a file that is not all UTF-8 is decoded
    line by line, each line UTF-8 when it is, else Windows-1252: Excel's CSV and Outlook on
    Windows write Windows-1252, and one stray byte (a € pasted in a note) must not turn
    every accent of a UTF-8 file into two letters. ``refused(problem)`` otherwise."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise refused(_("{path}: not UTF-16 text as its first bytes say (byte {at})."), at=err.start) from None
    if b"\0" in raw:
        raise refused(_("{path}: not a text file: a CSV, a vCard or LinkedIn's Connections.csv is text."))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines, at = [], 0
    for line in raw.splitlines(keepends=True):
        try:
            lines.append(line.decode("utf-8-sig" if at == 0 else "utf-8"))
        except UnicodeDecodeError:
            try:  # (it decodes any text byte but five, which no such file has)
                lines.append(line.decode("cp1252"))
            except UnicodeDecodeError as err:
                raise refused(_("{path}: not UTF-8 nor Windows-1252 text (byte {at})."), at=at + err.start) from None
        at += len(line)
    return "".join(lines)


def read_contacts_file(path: Path, format: str | None = None, mapping: dict[str, str] | None = None) -> tuple[str, list[Row]]:
    """(the format, the rows) of a file of contacts, or of a folder of .vcf files:
    ValidationError naming the file's problem (missing, unreadable, not of that format)."""
    def refused(problem: str, **values: Any) -> ValidationError:
        return ValidationError("import", {"file": problem.format(path=path, **values)})

    if format in (None, "vcard") and path.is_dir():  # (a link the user named is followed, as for a file)
        return "vcard", read_vcard_folder(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise refused(_("{path}: no such file.")) from None
    except IsADirectoryError:
        raise refused(_("{path} is a folder: give the file in it.")) from None
    except OSError as err:
        raise refused(_("{path}: cannot read it: {reason}."), reason=err.strerror or err) from None
    text = _text(raw, refused)
    format = format or guess_format(path, text)
    readers = {"linkedin": read_linkedin, "vcard": read_vcard}
    rows = read_csv(text, mapping) if format == "csv" else readers[format](text)
    return format, rows


def read_vcard_folder(folder: Path) -> list[Row]:
    """The cards of every .vcf file of a folder (vdirsyncer and khard keep a CardDAV
    address book so, a card per file), in the order of the files' names; not its
    subfolders. Each row says its file (``Row.source``); a file that cannot be read is one
    problem of its own, the other files are read."""
    try:
        names = sorted(os.listdir(folder))
    except OSError as err:
        raise ValidationError("import", {"file": _("{path}: cannot read the folder: {reason}.").format(
            path=folder, reason=err.strerror or err)}) from None
    # (a subfolder, even one named x.vcf, is not gone into)
    cards = [name for name in names if Path(name).suffix.casefold() in (".vcf", ".vcard")
             and not name.startswith(".") and not (folder / name).is_dir()]  # (nor a hidden file)
    if not cards:
        raise ValidationError("import", {"file": _(
            "{path} is a folder with no .vcf file in it: give a vCard file, or the folder of its cards."
        ).format(path=folder)})
    rows: list[Row] = []
    for name in cards:
        def refused(problem: str, **values: Any) -> ValidationError:
            return ValidationError("import", {"file": problem.format(path=name, **values)})

        try:
            found = read_vcard(_text(_read_in_folder(folder, name), refused))
        except (ValidationError, UnsafeFileError) as err:
            problem = " ".join(err.errors.values()) if isinstance(err, ValidationError) else str(err)
            named = _("{where}: {problem}").format(where=name, problem="")  # (as the reader's message starts)
            rows.append(Row(0, problem=problem.removeprefix(named), source=name))  # (named once)
            continue
        for row in found:
            row.source = name
        rows += found
    return rows


def _read_in_folder(folder: Path, name: str) -> bytes:
    """The bytes of the file ``name`` of ``folder``. Another user's file in the folder is
    read, as a file named on the command line is; a symbolic link is followed when it is
    the user's own and stays in the folder, or leads to a file of the user's; never to
    another user's file elsewhere (a link planted in a shared folder could otherwise show
    any file the user can read). A pipe or a device is not read (it could wait forever)."""
    entry = folder / name
    try:
        link = os.lstat(entry)
        is_link = stat.S_ISLNK(link.st_mode)
        if is_link and link.st_uid not in (os.geteuid(), 0):
            raise UnsafeFileError(_("{name} is a symbolic link of {owner}'s: not followed.").format(
                name=name, owner=user_name(link.st_uid)))
        target = Path(os.path.realpath(entry)) if is_link else entry
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        raise UnsafeFileError(_("{name}: cannot read it: {reason}.").format(name=name, reason=err.strerror or err)) from None
    with os.fdopen(fd, "rb") as file:
        st = os.fstat(file.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise UnsafeFileError(_("{name}: not a file (a folder, a pipe, a device): skipped.").format(name=name))
        outside = Path(os.path.realpath(folder)) != target.parent
        if is_link and outside and st.st_uid not in (os.geteuid(), 0):
            raise UnsafeFileError(_(
                "{name} is a link to {target}, a file of {owner}'s outside the folder: not followed."
            ).format(name=name, target=target, owner=user_name(st.st_uid)))
        return file.read()


# -- matching and applying ----------------------------------------------------------------

#: the fields a reader may give (docs/ARCHITECTURE.md: the contract between readers and the plan)
ROW_FIELDS = ("name", "company", "role", "email", "phone", "url", "circle", "tags", "notes", "uid", "created",
              "last_contact", "next_follow_up", "cadence_days", "referred_by")
#: what an import fills on a contact already there, when the contact has none (what is
#: there stays: the consultant's own notes and dates are not overwritten by a file)
FILLED = ("company", "role", "email", "phone", "url", "notes", "created", "last_contact", "next_follow_up",
          "cadence_days")

#: the dates of a row
DATES = ("created", "last_contact", "next_follow_up")
#: where a row is: its line, or (its file in a folder, its line)
At = int | tuple[str, int]


def where(at: At) -> str:
    """A row's place as the user reads it: "line 4", "alice.vcf, line 3" (a file of a
    folder), "alice.vcf" (the file as a whole)."""
    if isinstance(at, tuple):
        source, line = at
        return _("{file}, line {line}").format(file=source, line=line) if line > 0 else source
    return _("line {line}").format(line=at)


def warnings(count: int) -> str:
    """"1 warning", "3 warnings": the values read and not kept."""
    return ngettext("{count} warning", "{count} warnings", count).format(count=count)


def _url_key(url: str) -> str:
    key = url.strip().casefold()
    key = re.sub(r"^https?://", "", key)
    key = re.sub(r"^www\.", "", key)
    return key.rstrip("/")


@dataclass
class Plan:
    """What an import would do. ``add``: (where, the new contact's fields, its uid
    included); ``update``: (where, uid, current label, the changes); ``merged``: (where,
    where of the person's first row, the fields it brought); ``skipped``: (where, why);
    ``problems``: (where, why): rows not imported; ``warnings``: (where, what): a value
    read and not kept, the contact imported without it. A "where" is a line number, or
    (file, line) for a folder (see :func:`where`)."""

    add: list[tuple[At, dict[str, Any]]] = field(default_factory=list)
    update: list[tuple[At, str, str, dict[str, Any]]] = field(default_factory=list)
    merged: list[tuple[At, At, list[str]]] = field(default_factory=list)
    skipped: list[tuple[At, str]] = field(default_factory=list)
    #: (where, where of the person's first row) of the skipped rows of a person the import
    #: adds: merged into that addition (bringing nothing new), not contacts "already there"
    joined: list[tuple[At, At]] = field(default_factory=list)
    problems: list[tuple[At, str]] = field(default_factory=list)
    warnings: list[tuple[At, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What it would do, a line per row: additions, updates, merges, skips."""
        lines = [_("{at}: add {name}").format(at=where(at), name=data["name"]) +
                 (f" ({data['company']})" if data.get("company") else "") for at, data in self.add]
        lines += [_("{at}: update {label}: {fields}").format(at=where(at), label=label, fields=", ".join(changes))
                  for at, _uid, label, changes in self.update]
        joined = self.joined
        merged = sorted([*self.merged, *((at, first, []) for at, first in joined)], key=lambda item: _order(item[0]))
        lines += [_("{at}: the same person as {first}, adds {fields}").format(
            at=where(at), first=where(first), fields=", ".join(fields)) if fields else
            _("{at}: the same person as {first}, nothing new").format(at=where(at), first=where(first))
            for at, first, fields in merged]
        listed = {at for at, _first in joined}
        lines += [_("{at}: skip, {why}").format(at=where(at), why=why) for at, why in self.skipped if at not in listed]
        return lines

    def summary(self, format: str = "csv", applied: tuple[int, int] | None = None) -> str:
        """"2 to add, 0 to update, 1 already there, …" (or, ``applied`` (added, updated),
        "2 added, 0 updated, …"); the rows of a person merged into their first row are
        counted apart, as rows ("cards" for a vCard ``format``)."""
        joined = len(self.joined)
        values = dict(skipped=len(self.skipped) - joined, problems=len(self.problems),
                      warnings=warnings(len(self.warnings)))
        if applied is None:
            text = _("{add} to add, {update} to update, {skipped} already there, {problems} with problems, "
                     "{warnings}").format(add=len(self.add), update=len(self.update), **values)
        else:
            # (by the count added: "ajouté" takes its plural in French; the others do not vary)
            text = ngettext("{added} added, {updated} updated, {skipped} already there, {problems} with problems, "
                            "{warnings}",
                            "{added} added, {updated} updated, {skipped} already there, {problems} with problems, "
                            "{warnings}", applied[0]).format(added=applied[0], updated=applied[1], **values)
        merged = len(self.merged) + joined
        if merged and format == "vcard":
            text += ngettext(" ({count} card merged into an earlier card of the same person)",
                             " ({count} cards merged into an earlier card of the same person)", merged).format(count=merged)
        elif merged:
            text += ngettext(" ({count} row merged into an earlier row of the same person)",
                             " ({count} rows merged into an earlier row of the same person)", merged).format(count=merged)
        return text


@dataclass
class _Person:
    """One person of the file: its first row, the fields of all its rows, the contact
    already there it matches (or None: an addition), the uid it gets when added."""

    at: At
    data: dict[str, Any]
    contact: Any = None
    uid: str = ""
    #: (where, the uid as read) of its ``referred_by``, resolved when every row is read
    referred_by: tuple[At, str] | None = None

    def has(self, name: str) -> bool:
        """Whether the person already has a value for ``name`` (the contact's, or a row's)."""
        return bool(self.data.get(name)) or (self.contact is not None and bool(getattr(self.contact, name, None)))


class _Planner:
    """Rows matched one by one against the contacts there and the rows before them: the
    same uid, e-mail, profile URL, or name and company is the same person."""

    def __init__(self, repository, circle: str, tags: Sequence[str]):
        self.repository = repository
        self.contacts = repository.records("contact")
        self.circle = circle
        self.tags = list(tags)
        self.plan = Plan()
        self.people: list[_Person] = []
        self.of_contact: dict[str, _Person] = {}  # contact uid -> its person of this file
        self.of_uid: dict[str, _Person] = {}  # a uid the file gives -> its person
        self.by_email: dict[str, Any] = {}
        self.by_url: dict[str, Any] = {}
        self.by_name: dict[tuple[str, str], Any] = {}
        for contact in self.contacts.values():
            self.remember(contact, {"name": contact.name, "company": contact.company, "email": contact.email,
                                    "url": contact.url})

    def remember(self, owner: Any, data: dict[str, Any]) -> None:
        if data.get("email"):
            self.by_email.setdefault(data["email"].casefold(), owner)
        if data.get("url"):
            self.by_url.setdefault(_url_key(data["url"]), owner)
        self.by_name.setdefault((data["name"].casefold(), (data.get("company") or "").casefold()), owner)

    def warn(self, at: At, text: str) -> None:
        self.plan.warnings.append((at, text))

    def checked(self, at: At, data: dict[str, Any]) -> Any:
        """The record ``data`` makes, its refused fields dropped from ``data`` and each said
        as a warning; None when the name itself is refused (no contact without one)."""
        for _attempt in range(len(ROW_FIELDS) + 1):  # (each round drops at least one field)
            try:
                return self.repository.build("contact", data)
            except ValidationError as err:
                if "name" in err.errors or not any(name in data for name in err.errors):
                    # (no contact without a name; a refusal no field of the row explains: not guessed at)
                    self.plan.problems.append((at, str(err)))
                    return None
                for name, problem in err.errors.items():
                    self.warn(at, _dropped(name, data.pop(name, None), problem))
        return None  # pragma: no cover - (every round drops a field: the name is left alone)

    def read(self, row: Row) -> None:
        at: At = (row.source, row.line) if row.source else row.line
        for warning in row.warnings:
            self.warn(at, warning)
        if row.problem:
            self.plan.problems.append((at, row.problem))
            return
        data: dict[str, Any] = {}
        for name, value in row.data.items():
            if value in ("", None, []):
                continue
            if name in DATES and not (isinstance(value, date) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", str(value))):
                # (the contract's dates are YYYY-MM-DD: "+3d" or "today" in a file means no day, and
                # the rule's sentence, meant for a form, would offer them)
                self.warn(at, _dropped(name, value, _("expected a date as YYYY-MM-DD, got {value!r}.").format(
                    value=value if isinstance(value, str) else shown(repr(value), 60))))
            elif name in ROW_FIELDS:
                data[name] = value
            else:
                self.warn(at, _("{field}: not a field of a contact: not kept.").format(field=shown(str(name), 40)))
        uid = self.uid(at, data.pop("uid", None))
        referred_by = data.pop("referred_by", None)  # (may name a row further down: resolved at the end)
        data.setdefault("circle", self.circle)
        data["name"] = data.get("name", "")
        record = self.checked(at, data)
        if record is None:
            return
        # the values as the record holds them (trimmed, no control character, dates as
        # dates): what the preview shows, what is matched and what is written
        data = {name: getattr(record, name) for name in data}
        data["tags"] = list(dict.fromkeys([*record.tags, *self.tags]))
        person = self.match(at, data, uid)
        if referred_by is not None and person.referred_by is None:
            person.referred_by = (at, referred_by)
        self.remember(person, person.data)

    def uid(self, at: At, raw: Any) -> str | None:
        if raw is None:
            return None
        try:
            return Uid().parse(raw, self.repository.today)
        except ValueError as err:
            self.warn(at, _dropped("uid", raw, str(err)))
            return None

    def match(self, at: At, data: dict[str, Any], uid: str | None) -> _Person:
        """The person of this row: one of the file's (merged into), or a new one."""
        owner = (self.contacts.get(uid) if uid else None) or (self.of_uid.get(uid) if uid else None) \
            or (self.by_email.get(data["email"].casefold()) if data.get("email") else None) \
            or (self.by_url.get(_url_key(data["url"])) if data.get("url") else None) \
            or self.by_name.get((data["name"].casefold(), (data.get("company") or "").casefold()))
        person = owner if isinstance(owner, _Person) else self.of_contact.get(owner.uid) if owner else None
        if person is None:
            person = _Person(at, data, contact=owner)
            self.people.append(person)
            if owner is not None:
                self.of_contact[owner.uid] = person
            elif uid and uid not in self.of_uid:
                person.uid = uid  # (a uid of a contact there is that contact: matched above)
            if uid:
                self.of_uid.setdefault(uid, person)
            return person
        brought = [name for name, value in data.items() if value and name != "tags" and not person.has(name)]
        for name in brought:
            person.data[name] = data[name]
        tags = [tag for tag in data["tags"] if tag not in person.data["tags"]]
        person.data["tags"] = [*person.data["tags"], *tags]
        if person.contact is not None:
            tags = [tag for tag in tags if tag not in person.contact.tags]
        brought += ["tags"] if tags else []
        if uid:
            self.of_uid.setdefault(uid, person)
        if brought:
            self.plan.merged.append((at, person.at, brought))
        else:
            self.plan.skipped.append((at, _("the same person as {first}.").format(first=where(person.at))))
            if person.contact is None:  # (a person this import adds)
                self.plan.joined.append((at, person.at))
        return person

    def referred(self, person: _Person) -> str | None:
        """The uid ``person``'s ``referred_by`` names among the contacts there and the
        people of this file, in any order of the file; None (and a warning) otherwise."""
        at, raw = person.referred_by
        try:
            uid = Uid().parse(raw, self.repository.today)
        except ValueError as err:
            self.warn(at, _dropped("referred_by", raw, str(err)))
            return None
        if not uid:
            return None
        target = self.of_uid.get(uid)
        found = (target.contact.uid if target.contact is not None else target.uid) if target else \
            uid if uid in self.contacts else None
        if found is None:
            self.warn(at, _("referred_by: no contact has the uid {uid}, in the data or in this file: not kept.").format(
                uid=shown(uid, 70)))
        elif found in (person.uid, getattr(person.contact, "uid", None)):
            self.warn(at, _("referred_by: a contact cannot refer themselves: not kept."))
            found = None
        return found

    def finish(self) -> Plan:
        for person in self.people:
            if person.contact is None and not person.uid:
                person.uid = new_uid()
        for person in self.people:
            referred_by = self.referred(person) if person.referred_by else None
            if referred_by and not person.has("referred_by"):
                person.data["referred_by"] = referred_by
            if person.contact is None:
                self.plan.add.append((person.at, {"uid": person.uid, **person.data}))
                continue
            contact = person.contact
            changes = {name: person.data[name] for name in (*FILLED, "referred_by")
                       if person.data.get(name) and not getattr(contact, name)}
            new_tags = [tag for tag in person.data["tags"] if tag not in contact.tags]
            if new_tags:
                changes["tags"] = [*contact.tags, *new_tags]
            if changes:
                self.plan.update.append((person.at, contact.uid, contact.label(), changes))
            else:
                self.plan.skipped.append((person.at, _("already there as {label!r}.").format(label=contact.label())))
        self.plan.skipped.sort(key=lambda item: _order(item[0]))
        self.plan.warnings.sort(key=lambda item: _order(item[0]))
        return self.plan


def _order(at: At) -> tuple[str, int]:
    return at if isinstance(at, tuple) else ("", at)


def _dropped(name: str, value: Any, problem: str) -> str:
    """The warning for a value not kept: the field, the value, what is expected."""
    problem = shown(problem, 280)  # (a report's line stays readable: a cell may be 100,000 characters)
    text = value if isinstance(value, str) else repr(value)
    quoted = repr(shown(text, 60)) if isinstance(value, str) else shown(text, 60)
    # (the rule's sentence quotes it already, maybe cut short: its beginning is enough)
    if repr(text)[:-1][:40] in problem or repr(text.strip())[:-1][:40] in problem:
        return _("{field}: {problem} Imported without it.").format(field=name, problem=problem)
    return _("{field} {value}: {problem} Imported without it.").format(field=name, value=quoted, problem=problem)


def plan_import(repository, rows: Iterable[Row], circle: str = "natural", tags: Sequence[str] = ()) -> Plan:
    """Match each row against the contacts there and the rows before it: the same uid,
    e-mail, profile URL, or name and company is the same person. Rows of one person in
    the file are merged (the first row's values win, the others fill what it lacks, tags
    are united), so that the same import run twice adds and changes nothing. A field the
    contact rules refuse is dropped with a warning, the contact kept; only a row with no
    valid name is not imported."""
    planner = _Planner(repository, circle, tags)
    for row in rows:
        planner.read(row)
    return planner.finish()


def apply_import(repository, plan: Plan) -> tuple[int, int]:
    """Apply a plan in one write; (added, updated). New contacts keep the uid the plan
    gives them (the file's own when it was free); ``referred_by`` is set once every new
    contact is in, so that a contact may name one further down the file."""
    with repository.transaction():
        referred: list[tuple[str, str]] = []
        given: dict[str, str] = {}  # the plan's uid -> the uid the contact got
        for _at, data in plan.add:
            values = {name: value for name, value in data.items() if name not in ("uid", "referred_by")}
            values.setdefault("created", repository.today)
            record = repository.build("contact", values)
            # (put replaces a record of that uid: one added since the plan was made keeps its own)
            taken = data["uid"] in repository.records("contact")
            record.uid = given[data["uid"]] = new_uid() if taken else data["uid"]
            repository.put(record)
            if data.get("referred_by"):
                referred.append((record.uid, data["referred_by"]))
        for uid, referred_by in referred:
            repository.update("contact", uid, {"referred_by": given.get(referred_by, referred_by)})
        for _at, uid, _label, changes in plan.update:
            repository.update("contact", uid, changes)
    return len(plan.add), len(plan.update)
