"""What a relance data file is, byte for byte (docs/ARCHITECTURE.md, "Storage contract"):
its tables and schema version, checked when it is read; one table a block and one record
a line when it is written, with the check of what follows ``_meta`` kept in ``_meta``;
where each table is in the bytes (:func:`split_tables`, for reading tables one by one);
and the encoded lines kept between saves (:class:`LineCache`), so that a save encodes
only the chunk of records it changed.
"""

from __future__ import annotations

import codecs
import json
import operator
import re
import reprlib
import zlib
from typing import Any

from .fmt import shown
from .i18n import _

#: version of the file layout; ``_meta`` holds ``{"schema": SCHEMA}``
SCHEMA = 2
#: older schemas this relance reads as they are when it cannot migrate them (a read-only
#: disk, a full one): their migration only adds a table. The next write migrates first.
READ_AS_IS = frozenset({1})
META_TABLE = "_meta"
KNOWN_TABLES = frozenset(
    {"settings", "contacts", "targets", "opportunities", "missions", "interactions", "reviews", "time_off",
     META_TABLE}
)


def describe_json_error(err: json.JSONDecodeError) -> str:
    msg = err.msg[: -len(" at")] if err.msg.endswith(" at") else err.msg  # "Invalid control character at"
    return _("it is not valid JSON: {msg} at line {line}, column {col}.").format(
        msg=msg, line=err.lineno, col=err.colno
    )


def check_layout(data: Any) -> str | None:
    """What makes ``data`` something other than a relance data file, or None."""
    if not isinstance(data, dict):
        kind = {list: "array", str: "string", int: "number", float: "number", bool: "true or false"}.get(
            type(data), "null")
        return _("it holds a JSON {type}, not relance data.").format(type=kind)
    if data.get("format") == "relance":
        return _("it is a relance export, not a data file; load it with: relance import json FILE.")
    unknown = sorted(set(data) - KNOWN_TABLES)
    if unknown:
        return _("it is not a relance data file (it has unknown tables: {names}).").format(
            names=", ".join(shown(name, 40) for name in unknown[:5])  # (names of the file's: escaped, short)
        )
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            return _("its table {name!r} is not a table of records.").format(name=name)
    # no _meta: schema 0, from before relance versioned its files (store/migrations.py)
    if META_TABLE in data:
        meta = next(iter(data[META_TABLE].values()), {})
        schema = meta.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 0:
            return _("its schema version is missing or not a number ({value}).").format(value=reprlib.repr(schema))
        if schema > SCHEMA:
            return _(
                "it was written by a newer relance (schema {schema}); this version reads schema "
                "{supported} at most. Upgrade relance to open it."
            ).format(schema=schema, supported=SCHEMA)
    return None


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

_TABLE_HEAD = re.compile(rb'"([A-Za-z_][A-Za-z0-9_]*)": ')
_LINE_QUOTE = re.compile(rb'\n"')  # (the regular expression scans faster than bytes.find here)


def split_tables(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """Where each table's JSON value is in ``raw`` (the file's bytes, without a BOM), for
    a file in the layout relance writes (:func:`dump_data`: one table a block, its name
    at the start of a line); None for any other layout. Only a line-start quote opens a
    table: records are indented, and JSON strings cannot hold a raw line break. Works on
    the bytes: nothing is decoded or copied but the tables asked for."""
    end = len(raw)
    while end and raw[end - 1] in b" \t\r\n":
        end -= 1
    if not raw.startswith(b"{\n") or raw[end - 2:end] != b"\n}":
        return None
    end_of_body = end - 2  # the "\n" before the final "}"
    heads = [match.start() + 1 for match in _LINE_QUOTE.finditer(raw, 0, end_of_body)]
    if not heads or heads[0] != 2:
        return None
    spans: dict[str, tuple[int, int]] = {}
    for number, head in enumerate(heads):
        match = _TABLE_HEAD.match(raw, head)
        if match is None or match.group(1).decode("ascii") in spans:
            return None
        start = match.end()
        if number + 1 < len(heads):
            stop = heads[number + 1] - 2
            if raw[stop:stop + 2] != b",\n":
                return None
        else:
            stop = end_of_body
        if raw[start:start + 1] != b"{" or raw[stop - 1:stop] != b"}":
            return None
        spans[match.group(1).decode("ascii")] = (start, stop)
    return spans



def stored_language(path: Any) -> str | None:
    """The settings' ``language`` as the data file at ``path`` holds it, read cheaply
    (the bytes once, the settings table alone parsed: ~2 ms for 8 MB), for the texts shown
    before or without opening the file: ``relance --help``, ``doctor``, ``backup``,
    ``restore``. None when it cannot be read so (no file, another layout, damaged): the
    environment's language is then used."""
    language = stored_setting(path, "language")
    return language.strip().lower() if language is not None else None


def stored_setting(path: Any, name: str) -> str | None:
    """The settings' text ``name`` as the data file at ``path`` holds it, read as
    :func:`stored_language` reads the language; None when it cannot be read so."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        span = (split_tables(raw) or {}).get("settings")
        if span is None:
            return None
        docs = json.loads(raw[span[0]:span[1]])
        value = next(iter(docs.values()), {}).get(name) if isinstance(docs, dict) else None
    except (OSError, ValueError, AttributeError):
        return None
    return value if isinstance(value, str) else None


class LineCache:
    """The encoded lines of each table, kept in chunks of :attr:`CHUNK` documents.

    A save changes one record among thousands; encoding all of them again made a
    saved edit at 10,000 contacts cost ~130 ms. Documents are never changed in place
    (the repository puts a new dict in place of an old one, TinyDB's insert makes new
    ones), so a chunk whose documents are the same objects as last time has the same
    bytes: identity checks instead of an encoding, and only the chunk holding a
    change is encoded again (256 records, ~1 ms). Only the chunks' bytes are kept.
    """

    #: documents per chunk of a table: a save encodes again the chunk holding the change
    CHUNK = 256

    def __init__(self) -> None:
        self._chunks: dict[str, list[tuple[list[str], list[dict[str, Any]], bytes]]] = {}

    @staticmethod
    def line(doc_id: str, doc: dict[str, Any]) -> str:
        # (a key written by hand that is not plain digits, "1\n" read by int() as 1, is
        # escaped: written as it was, it made the file invalid JSON)
        key = f'"{doc_id}"' if doc_id.isdigit() and doc_id.isascii() else _encode(doc_id)
        return f"  {key}: {_encode(doc)}"

    def block(self, name: str, table: dict[str, Any]) -> list[bytes]:
        """A table's block of lines, as a list of byte strings to write one after the other."""
        keys = list(table)
        docs = list(table.values())
        before = self._chunks.get(name, [])
        chunks = []
        line = self.line
        size = self.CHUNK
        for number, start in enumerate(range(0, len(keys), size)):
            chunk_keys, chunk_docs = keys[start:start + size], docs[start:start + size]
            old = before[number] if number < len(before) else None
            if old is not None and old[0] == chunk_keys and all(map(operator.is_, old[1], chunk_docs)):
                chunks.append(old)
                continue
            text = ",\n".join([line(str(doc_id), doc) for doc_id, doc in zip(chunk_keys, chunk_docs)])
            chunks.append((chunk_keys, chunk_docs, text.encode("utf-8")))
        self._chunks[name] = chunks
        parts = [f"{json.dumps(name)}: {{\n".encode("utf-8") if chunks else f"{json.dumps(name)}: {{".encode("utf-8")]
        for number, chunk in enumerate(chunks):
            if number:
                parts.append(b",\n")
            parts.append(chunk[2])
        parts.append(b"\n}" if chunks else b"}")
        return parts

    def prime(self, raw: bytes, data: dict[str, dict[str, Any]]) -> None:
        """Make the chunks of a file this storage wrote (one record a line), for the
        documents just parsed from it, out of the file's own bytes: the first save then
        encodes only the chunk it changes, and nothing is decoded or copied twice.

        A table is taken from the file only when its lines are exactly its records, one a
        line, in order: as many lines as records, each opening with its record's key and
        ending the record. Any other table (a record spread over lines by hand, two on one
        line) is encoded afresh: a chunk cut inside a record would write a broken file."""
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        spans = split_tables(raw)
        if spans is None:
            return
        size = self.CHUNK
        for name, table in list(data.items()):
            span = spans.get(name)
            if span is None or not table:
                continue
            keys, docs = list(table), list(table.values())
            starts = _record_lines(raw, span, keys)
            if starts is None:
                self.block(name, table)  # encoded now, not at the first save
                continue
            starts.append(span[1] - 1)  # (where a line after the last would start: the "}")
            chunks = []
            for first in range(0, len(keys), size):
                last = min(first + size, len(keys))
                end = starts[last] - 1  # the newline ending the chunk's last line
                if raw[end - 1:end] == b",":
                    end -= 1
                chunks.append((keys[first:last], docs[first:last], raw[starts[first]:end]))
            self._chunks[name] = chunks


#: a record's line in relance's layout: its key, then the record (see LineCache.line)
_RECORD_HEAD = re.compile(rb'\n  "([^"\\\n]*)": \{')  # (a literal start: re skips ahead to it)


def _record_lines(raw: bytes, span: tuple[int, int], keys: list[str]) -> list[int] | None:
    """Where each record's line starts, when the table at ``span`` is written one record a
    line (``keys`` in order, each line ``  "key": {...}`` and a comma but the last); None
    otherwise (a few counts and one regular-expression pass over the table)."""
    start, stop = span
    inside, end = start + 2, stop - 2  # between "{\n" and "\n}"
    count = len(keys)
    if (raw[start:inside] != b"{\n" or raw[end:stop] != b"\n}" or raw[end - 1:end] != b"}"
            or raw.count(b"\n", inside, end) != count - 1 or raw.count(b"},\n", inside, end) != count - 1):
        return None
    found = [(match.start() + 1, match.group(1)) for match in _RECORD_HEAD.finditer(raw, inside - 1, end)]
    if len(found) != count or [key.decode("utf-8", "replace") for _start, key in found] != keys:
        return None
    return [position for position, _key in found]


#: the key of ``_meta`` holding the check of the rest of the file (see :func:`dump_parts`)
CHECK_KEY = "check"
#: the key of ``_meta`` holding where each table is in the rest (see :func:`placed_tables`)
PLACES_KEY = "tables"


def content_check(rest: bytes | memoryview | list, places: Any = None, known: tuple[int, int] | None = None) -> str:
    """The check of the bytes after the ``_meta`` block, and of ``_meta``'s ``tables``
    when it has some (where the tables are: trusted only as relance wrote them): a CRC-32
    (~2 ms for a file of 10,000 contacts, 8 MB; BLAKE2 took 9 ms of every save). It tells
    a file as relance wrote it, every record checked, from one another program changed
    since."""
    if known is not None:  # (the CRC and length of ``rest``, worked out from its pieces': store/crc.py)
        crc, size = known
    else:
        crc = 0
        parts = rest if isinstance(rest, list) else [rest]
        for part in parts:
            crc = zlib.crc32(part, crc)
        size = sum(map(len, parts))
    if places is not None:
        crc = zlib.crc32(json.dumps(places, separators=(",", ":")).encode("utf-8"), crc)
    return f"{crc:08x}-{size}"


def highest_key(table: dict[str, Any]) -> int | None:
    """The highest document number of a table (0 for none), as TinyDB reads its keys; None
    when a key is not a number (such a file is refused when its records are read)."""
    try:
        return max(map(int, table), default=0)
    except ValueError:
        return None


def dump_parts(data: dict[str, dict[str, Any]], cache: LineCache | None = None, checked: bool = True) -> list[bytes]:
    """The file's bytes as a list of pieces (see :func:`dump_data`), written without
    first joining megabytes into one string. ``_meta`` comes first and holds the
    :func:`content_check` of what follows it."""
    cache = cache or LineCache()
    names = sorted(name for name in data if name != META_TABLE)
    rest: list[bytes] = []
    places: dict[str, tuple[int, int]] = {}
    at = 0
    for name in names:
        block = cache.block(name, data[name])
        size = sum(map(len, block))
        head = len(json.dumps(name)) + 2
        highest = highest_key(data[name])
        places[name] = (at + 2 + head, at + 2 + size) + ((highest,) if highest is not None else ())
        rest.append(b",\n")
        rest.extend(block)
        at += 2 + size
    rest.append(b"\n}\n")
    doc_id, meta = next(iter((data.get(META_TABLE) or {"1": {}}).items()))
    if not checked:  # (records no one checked: the next reader checks every one, then a save checks the file)
        meta = {key: value for key, value in meta.items() if key not in (CHECK_KEY, PLACES_KEY)}
        return [b"{\n", *LineCache().block(META_TABLE, {doc_id: meta}), *rest]
    return [b"{\n", *meta_block(doc_id, meta, rest, places), *rest]


def meta_block(doc_id: str, meta: dict[str, Any], rest: list, places: dict[str, tuple[int, ...]],
               known: tuple[int, int] | None = None) -> list[bytes]:
    """The ``_meta`` block of a file whose bytes after it are ``rest``: ``meta`` with where
    each table's value is in ``rest`` and its highest key (``places``: :func:`placed_tables`
    reads them), and the :func:`content_check` of both."""
    meta = {key: value for key, value in meta.items() if key not in (CHECK_KEY, PLACES_KEY)}
    listed = {name: list(place) for name, place in places.items()}
    meta[CHECK_KEY] = content_check(rest, listed, known)
    meta[PLACES_KEY] = listed
    return LineCache().block(META_TABLE, {doc_id: meta})


def region_crcs(raw: bytes | memoryview, spans: dict[str, tuple[int, int]]) -> tuple[dict[str, tuple[int, int]], tuple[int, int]]:
    """The CRC and length of each table's region of the rest (from the end of the table
    before it, ``,\\n"name": {...}``) and of what follows the last one, in one pass over
    the rest: a save works out the new file's check from them (``tablelines.splice``)."""
    view = memoryview(raw)
    regions: dict[str, tuple[int, int]] = {}
    at = spans[META_TABLE][1]
    for name, (_start, stop) in spans.items():
        if name == META_TABLE:
            continue
        regions[name] = (zlib.crc32(view[at:stop]), stop - at)
        at = stop
    return regions, (zlib.crc32(view[at:]), len(view) - at)


def placed_tables(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """:func:`split_tables` read from where ``_meta`` says each table is (its
    ``tables``), each place checked against the bytes: a table's name before its value,
    a value from "{" to "}", the tables one after the other to the file's end. Finding
    them in the bytes took ~12 ms at 30,000 contacts (25 MB); this takes a few
    microseconds. None when ``_meta`` says nothing, or what it says does not fit (a file
    written by an older relance, or changed since)."""
    head = b'{\n"_meta": {\n  "'
    if not raw.startswith(head):
        return None
    end = raw.find(b"\n}", len(head), 65536)  # (the _meta block: one line)
    if end < 0:
        return None
    line = raw[len(head) - 1:end]
    try:
        meta = json.loads(line[line.index(b": ") + 2:])
    except ValueError:
        return None
    places = meta.get(PLACES_KEY) if isinstance(meta, dict) else None
    if not isinstance(places, dict) or not places:
        return None
    origin = end + 2  # (the rest starts after the _meta block's "\n}")
    spans = {META_TABLE: (len(b'{\n"_meta": '), origin)}
    at = origin
    try:
        for name, place in places.items():
            start, stop = place[:2] if isinstance(place, list) and len(place) in (2, 3) else (None, None)
            if name == META_TABLE or name in spans or type(start) is not int or type(stop) is not int:
                return None
            start, stop = origin + start, origin + stop
            name_head = b",\n" + json.dumps(name).encode() + b": "
            if raw[at:start] != name_head or raw[start:start + 1] != b"{" or raw[stop - 1:stop] != b"}" or stop <= start:
                return None
            spans[name] = (start, stop)
            at = stop
    except (TypeError, ValueError):
        return None
    if raw[at:] != b"\n}\n" or list(places) != sorted(places):
        return None
    return spans


def dump_data(data: dict[str, dict[str, Any]], cache: LineCache | None = None) -> bytes:
    """One table a block, one record a line: readable, diffable, and parse
    errors in a hand-edited file point at a useful line."""
    return b"".join(dump_parts(data, cache))
