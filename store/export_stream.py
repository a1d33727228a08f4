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

import codecs
import io
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


class _Window:
    """The export's text decoded a piece at a time from its bytes, the part read kept
    from the record being read on: 30,000 contacts whose names hold one character past
    Latin-1 ("’", "€") made the whole text two bytes a character, and the import 119 MB."""

    PIECE = 1 << 20
    #: less than this left after the record being read: the next piece is decoded first
    LOW = 1 << 18

    def __init__(self, handle) -> None:
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()  # (a BOM read as the whole read does)
        self.text = ""
        self.done = False
        self.more()

    def more(self) -> None:
        """The next piece, decoded; a lone surrogate escape goes to the whole read, which
        says where it is."""
        data = self.handle.read(self.PIECE)
        before = len(self.text)
        self.text += self.decoder.decode(data, final=not data)
        self.done = not data
        if _SURROGATE.search(self.text, max(0, before - 6)):
            raise _NotStreamed

    def at(self, at: int) -> int:
        """``at`` in the text once what is before it is let go, and the next piece read
        when little is left."""
        if not self.done and len(self.text) - at < self.LOW:
            self.text = self.text[at:]
            at = 0
            while not self.done and len(self.text) < self.LOW:
                self.more()
        return at

    def parsed(self, read, at: int):
        """``read(text, at)`` (a JSON value, a string), with more of the text when the
        value goes past what is read so far."""
        while True:
            try:
                return read(self.text, at)
            except (ValueError, StopIteration):
                if self.done:
                    raise
                self.more()


def _skip(w: _Window, at: int) -> int:
    at = w.at(at)
    text = w.text
    while True:
        while at < len(text) and text[at] in _WHITESPACE:
            at += 1
        if at < len(text) or w.done:
            return at
        at = w.at(at)
        text = w.text


def _expect(w: _Window, at: int, char: str) -> int:
    at = _skip(w, at)
    if w.text[at:at + 1] != char:
        raise _NotStreamed
    return at + 1


def read_export(source: Any, today: date) -> StreamedExport | None:
    """The export (its text, or a file open in binary mode) read a record at a time (see
    the module), or None when the whole read must do it."""
    if isinstance(source, str):
        try:
            source = io.BytesIO(source.encode("utf-8"))
        except UnicodeEncodeError:  # (a lone surrogate: refused by the whole read, with its place)
            return None
    try:
        return _read(_Window(source), today)
    except (_NotStreamed, ValueError, RecursionError, IndexError, StopIteration):  # (JSON and UTF-8 errors are ValueErrors)
        return None


def _read(w: _Window, today: date) -> StreamedExport:
    decode = json.JSONDecoder().raw_decode
    scan_string = json.decoder.scanstring  # type: ignore[attr-defined]
    head: dict[str, Any] = {}
    chunks: dict[str, list[bytes]] = {table: [] for table in _ORDER}
    counts = dict.fromkeys(_ORDER, 0)
    known: dict[str, set[str]] = {kind: set() for kind in MODELS}
    pointed: dict[str, set[str]] = {}
    done: list[str] = []
    at = _expect(w, 0, "{")
    at = _skip(w, at)
    if w.text[at:at + 1] == "}":
        at += 1
    else:
        while True:
            at = _skip(w, at)
            if w.text[at:at + 1] != '"':
                raise _NotStreamed
            key, at = w.parsed(scan_string, at + 1)
            at = _expect(w, at, ":")
            at = _skip(w, at)
            if key in head or key in done:
                raise _NotStreamed  # (a key twice: JSON keeps the last)
            if key in _TABLES and w.text[at:at + 1] == "[":
                if done and _ORDER.index(key) < _ORDER.index(done[-1]):
                    raise _NotStreamed  # (uids are checked in the order of the kinds)
                done.append(key)
                at, counts[key] = _table(w, at + 1, key, today, decode, chunks[key], known, pointed)
            else:
                head[key], at = w.parsed(decode, at)
                if key in _TABLES:
                    raise _NotStreamed  # (not a list: said by the whole read)
            at = _skip(w, at)
            if w.text[at:at + 1] == ",":
                at += 1
                continue
            at = _expect(w, at, "}")
            break
    if _skip(w, at) != len(w.text):
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


def _table(w: _Window, at: int, table: str, today: date, decode, chunks: list[bytes],
           known: dict[str, set[str]], pointed: dict[str, set[str]]) -> tuple[int, int]:
    """Read the records of a table's list from ``at`` (after its "["): where it ends, and
    how many records it holds (their lines added to ``chunks``)."""
    kind = _TABLES[table]
    model = MODELS[kind]
    required = [name for name, ftype in model.field_types().items() if ftype.required]
    uids = known[kind]
    line = LineCache.line
    at = _skip(w, at)
    if w.text[at:at + 1] == "]":
        return at + 1, 0
    lines: list[bytes] = []
    count = 0
    while True:
        doc, at = w.parsed(decode, _skip(w, at))
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
        at = _skip(w, at)
        if w.text[at:at + 1] == ",":
            at += 1
            continue
        if lines:
            chunks.append(b",\n".join(lines))
        return _expect(w, at, "]"), count
