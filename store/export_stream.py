"""``relance import json`` of a large export without holding it as objects: its records
read one at a time from the text, checked, and kept as the lines the data file will hold.

An export of 30,000 contacts and 60,000 interactions parsed whole, its records built,
then their documents, took the import to 270 MB; read so, the text, the lines (the size
of the file) and the uids are held, ~85 MB. This is a fast path only: it answers for an
export it can import as it is, and says None for anything else — a JSON problem, a record
refused, a reference to nothing, a table out of the order relance writes them, a key
twice — and the import then reads the export whole (``transfer.parse_export``), which
says what is wrong exactly as before. Whatever it reads is imported by the same rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from .errors import ValidationError
from .jsontext import _SURROGATE
from .layout import SCHEMA, LineCache
from .models import MODELS, Settings

_TABLES = {model.TABLE: kind for kind, model in MODELS.items()}
_ORDER = list(_TABLES)
_WHITESPACE = " \t\n\r"


@dataclass
class StreamedExport:
    """An export read and checked: each table's lines (keyed 1, 2… in order) joined by
    ",\n" in chunks of :data:`CHUNK`, how many each table has, and the settings (None:
    the export has none)."""

    chunks: dict[str, list[bytes]]
    counts: dict[str, int]
    settings: Settings | None


#: lines joined in one piece: 90,000 lines held one a piece took ~3 MB more, and as many
#: pieces to write
CHUNK = 256


class _NotStreamed(Exception):
    """The export is not one this path imports: the whole read says why."""


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in _WHITESPACE:
        at += 1
    return at


def _expect(text: str, at: int, char: str) -> int:
    at = _skip(text, at)
    if text[at:at + 1] != char:
        raise _NotStreamed
    return at + 1


def read_export(text: str, today: date) -> StreamedExport | None:
    """The export in ``text`` read a record at a time (see the module), or None when the
    whole read must do it."""
    if _SURROGATE.search(text):  # (a lone surrogate is refused by the whole read, with its place)
        return None
    try:
        return _read(text, today)
    except (_NotStreamed, ValueError, RecursionError, IndexError):  # (a JSONDecodeError is a ValueError)
        return None


def _read(text: str, today: date) -> StreamedExport:
    decode = json.JSONDecoder().raw_decode
    scan_string = json.decoder.scanstring  # type: ignore[attr-defined]
    head: dict[str, Any] = {}
    chunks: dict[str, list[bytes]] = {table: [] for table in _ORDER}
    counts = dict.fromkeys(_ORDER, 0)
    known: dict[str, set[str]] = {kind: set() for kind in MODELS}
    pointed: dict[str, set[str]] = {}
    done: list[str] = []
    at = _expect(text, 0, "{")
    at = _skip(text, at)
    if text[at:at + 1] == "}":
        at += 1
    else:
        while True:
            at = _skip(text, at)
            if text[at:at + 1] != '"':
                raise _NotStreamed
            key, at = scan_string(text, at + 1)
            at = _expect(text, at, ":")
            at = _skip(text, at)
            if key in head or key in done:
                raise _NotStreamed  # (a key twice: JSON keeps the last)
            if key in _TABLES and text[at:at + 1] == "[":
                if done and _ORDER.index(key) < _ORDER.index(done[-1]):
                    raise _NotStreamed  # (uids are checked in the order of the kinds)
                done.append(key)
                at, counts[key] = _table(text, at + 1, key, today, decode, chunks[key], known, pointed)
            else:
                head[key], at = decode(text, at)
                if key in _TABLES:
                    raise _NotStreamed  # (not a list: said by the whole read)
            at = _skip(text, at)
            if text[at:at + 1] == ",":
                at += 1
                continue
            at = _expect(text, at, "}")
            break
    if _skip(text, at) != len(text):
        raise _NotStreamed
    schema = head.get("schema")
    if head.get("format") != "relance" or not isinstance(schema, int) or schema > SCHEMA:
        raise _NotStreamed
    settings = None
    if head.get("settings"):
        if not isinstance(head["settings"], dict):
            raise _NotStreamed
        try:
            settings = Settings.from_doc(head["settings"], today)
        except ValidationError:
            raise _NotStreamed from None
        if settings.written_problems() or settings.check():
            raise _NotStreamed
    for kind, uids in pointed.items():
        if not uids <= known.get(kind, set()):
            raise _NotStreamed  # (a reference to nothing: named by the whole read)
    return StreamedExport(chunks, counts, settings)


def _table(text: str, at: int, table: str, today: date, decode, chunks: list[bytes],
           known: dict[str, set[str]], pointed: dict[str, set[str]]) -> tuple[int, int]:
    """Read the records of a table's list from ``at`` (after its "["): where it ends, and
    how many records it holds (their lines added to ``chunks``)."""
    kind = _TABLES[table]
    model = MODELS[kind]
    required = [name for name, ftype in model.field_types().items() if ftype.required]
    uids = known[kind]
    line = LineCache.line
    at = _skip(text, at)
    if text[at:at + 1] == "]":
        return at + 1, 0
    lines: list[bytes] = []
    count = 0
    while True:
        doc, at = decode(text, _skip(text, at))
        if not isinstance(doc, dict):
            raise _NotStreamed
        try:
            record = model.from_doc(doc, today)
        except ValidationError:
            raise _NotStreamed from None
        if record.written_problems() or record.check_change() or record.check() \
                or any(getattr(record, name) in (None, "", []) for name in required):
            raise _NotStreamed
        uid = record.uid
        if not uid or any(uid in other for other in known.values()):
            raise _NotStreamed  # (a uid twice, in any kind)
        uids.add(uid)
        for _field, other, ref in record.references():
            if not (other == kind and ref == uid):
                pointed.setdefault(other, set()).add(ref)
        count += 1
        lines.append(line(str(count), record.to_doc()).encode("utf-8"))
        if len(lines) == CHUNK:
            chunks.append(b",\n".join(lines))
            lines = []
        at = _skip(text, at)
        if text[at:at + 1] == ",":
            at += 1
            continue
        if lines:
            chunks.append(b",\n".join(lines))
        return _expect(text, at, "]"), count
