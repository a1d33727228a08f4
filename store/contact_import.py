"""Contacts brought in from other tools: read, matched against the data, applied at once.

An import is planned before anything is written: each row of the file becomes an
addition, an update of a contact already there (only empty fields are filled, tags
added), a skip (nothing new), or a problem with its line number and the reason. The
plan is shown (``--dry-run``, the dashboard's preview) or applied in one write, so
running the same import twice adds nothing and a bad row never stops the good ones.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .contact_rows import Row
from .csv_contacts import linkedin_columns, read_csv, read_linkedin
from .errors import ValidationError
from .i18n import _
from .vcard import read_vcard


def guess_format(path: Path, text: str) -> str:
    """``vcard`` for a .vcf file, ``linkedin`` for LinkedIn's Connections export, else ``csv``."""
    if path.suffix.casefold() in (".vcf", ".vcard") or text.lstrip("\ufeff").upper().startswith("BEGIN:VCARD"):
        return "vcard"
    try:
        heads = list(csv.reader(io.StringIO(text[:20000].lstrip("\ufeff"), newline="")))
    except csv.Error:  # (said by the reader of the whole file, with its line)
        heads = []
    for cells in heads:
        if linkedin_columns(cells) is not None:
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
