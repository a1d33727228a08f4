"""The tables of a data file relance wrote, read and changed as lines of its bytes
(docs/ARCHITECTURE.md, "Writing what changed"): a record found, read, added, replaced or
removed without parsing the 30,000 others, and the new file made of the old one's bytes
with the changed lines spliced in.

Used only on a file whose ``_meta`` check matches: relance wrote every byte after
``_meta`` (``layout.dump_parts``), so each table is one record a line, ``  "<key>": {...}``,
the lines separated by ``,\\n``, and no line holds a raw line break (JSON escapes them).
The bytes a splice writes are the bytes ``dump_parts`` writes for the same tables: the
tests compare the two.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from . import crc
from .jsontext import loads
from .layout import META_TABLE, PLACES_KEY, LineCache, meta_block

#: the start of every record's line in a table (its key)
_LINE_HEAD = re.compile(rb'\n  "([^"\\\n]*)": ')

#: (key, document) of a stored record
Doc = tuple[str, dict[str, Any]]


def _head(name: str) -> bytes:
    return f"{json.dumps(name)}: ".encode("utf-8")


class TableLines:
    """One table (its span in ``raw``, None when the file has none) as its lines."""

    def __init__(self, raw: bytes, span: tuple[int, int] | None):
        self.raw = raw
        self.span = span
        if span is None or raw[span[0]:span[0] + 2] != b"{\n":  # (an empty table is "{}")
            self.first = self.last = -1
        else:
            self.first, self.last = span[0] + 2, span[1] - 2  # the records: after "{\n", before "\n}"

    def __bool__(self) -> bool:
        return self.first >= 0

    def line_at(self, position: int) -> tuple[int, int]:
        """(start, end) of the line holding ``position``; the end is before its comma."""
        start = self.raw.rfind(b"\n", self.first - 1, position) + 1
        end = self.raw.find(b"\n", position, self.last + 1)
        if end < 0:
            end = self.last
        if self.raw[end - 1:end] == b",":
            end -= 1
        return start, end

    def record(self, start: int, end: int) -> Doc:
        """The key and document of the line from ``start`` to ``end``; ValueError when the
        line is not one record."""
        head = _LINE_HEAD.match(self.raw, start - 1)
        if head is None:
            raise ValueError("not a record's line")
        doc = loads(self.raw[head.end():end])
        if not isinstance(doc, dict):
            raise ValueError("not a record")
        return head.group(1).decode("utf-8"), doc

    def find_key(self, key: str) -> tuple[int, int] | None:
        """(start, end) of the line of the record stored under ``key``."""
        if not self:
            return None
        at = self.raw.find(b'\n  "' + key.encode("utf-8") + b'": ', self.first - 1, self.last)
        return None if at < 0 else self.line_at(at + 1)

    def lines_with(self, *needles: bytes | re.Pattern[bytes]) -> Iterator[tuple[int, int]]:
        """Each line holding one of ``needles`` (bytes, :class:`AnyCase` bytes, or a pattern),
        once, in the file's order."""
        if not self:
            return
        found: set[int] = set()
        for needle in needles:
            if isinstance(needle, AnyCase):  # (found in the lines lowered: positions are the same)
                lowered, offset = self.raw[self.first:self.last].lower(), self.first
                at = lowered.find(needle)
                while at >= 0:
                    start, end = self.line_at(offset + at)
                    found.add(start)
                    at = lowered.find(needle, end - offset)
                continue
            if isinstance(needle, re.Pattern):
                for match in needle.finditer(self.raw, self.first, self.last):
                    found.add(self.line_at(match.start())[0])
                continue
            at = self.raw.find(needle, self.first, self.last)
            while at >= 0:
                start, end = self.line_at(at)
                found.add(start)
                at = self.raw.find(needle, end, self.last)
        for start in sorted(found):
            yield self.line_at(start)

    def docs_with(self, *needles: bytes | re.Pattern[bytes]) -> list[Doc]:
        """The records whose line holds one of ``needles``."""
        return [self.record(start, end) for start, end in self.lines_with(*needles)]

    def keys(self) -> list[str]:
        """Every record's key, in order (one regular-expression pass: ~6 ms at 30,000)."""
        if not self:
            return []
        return [match.group(1).decode("utf-8") for match in _LINE_HEAD.finditer(self.raw, self.first - 1, self.last)]

    def last_key(self) -> str | None:
        if not self:
            return None
        start, _end = self.line_at(self.last)
        match = _LINE_HEAD.match(self.raw, start - 1)
        return match.group(1).decode("utf-8") if match else None

    def count(self) -> int:
        return self.raw.count(b"\n", self.first, self.last) + 1 if self else 0

    def scan(self, pattern: re.Pattern[bytes]) -> tuple[list[tuple[int, tuple[bytes, ...]]], list[tuple[int, str, dict[str, Any]]]]:
        """(where, groups) of ``pattern`` (which opens with a record's key, ``\\n  "<key>": ``)
        at every line it matches, and (where, key, document) of the lines it does not match,
        parsed (a record written with escapes, or its fields in another order)."""
        if not self:
            return [], []
        matches = [(match.start() + 1, match.groups()) for match in pattern.finditer(self.raw, self.first - 1, self.last)]
        if len(matches) == self.count():
            return matches, []
        seen = {at for at, _groups in matches}
        others = [(at.start() + 1, *self.record(*self.line_at(at.start() + 1)))
                  for at in _LINE_HEAD.finditer(self.raw, self.first - 1, self.last) if at.start() + 1 not in seen]
        return matches, others  # type: ignore[return-value]

    def regular(self) -> bool:
        """Each line one record, ``  "<key>": {...}``, the lines ending ``},`` but the last,
        every key once: what :meth:`docs` relies on to parse the lines a batch at a time
        (a byte between two batches is never parsed; a key twice in two batches would be
        two records where JSON keeps one). One pass over the keys and one count."""
        if not self:
            return True
        keys = self.keys()
        count = self.count()
        return (len(keys) == count and len(set(keys)) == count and self.raw.startswith(b'  "', self.first)
                and self.raw.count(b"},\n", self.first, self.last) == count - 1)

    def plain(self) -> bool:
        """Every line as relance's encoder writes it, a record without an object inside: no
        space after a colon but the key's (a line written by hand, kept as it was), no
        unicode escape (relance writes the characters themselves), one "{" a line: the quick
        regular-expression reads rely on it. ~2 ms a pass at 10,000 records."""
        if not self:
            return True
        raw, first, last = self.raw, self.first, self.last
        escaped = raw.find(b"\\", first, last) >= 0 and raw.find(b"\\u", first, last) >= 0
        count = self.count()
        # (and no object inside a record: a field relance does not know may hold one with a
        # "name" or a "next_follow_up" of its own; a "{" in a text sends it the slow way too)
        return not escaped and raw.count(b'": ', first, last) == count and raw.count(b"{", first, last) == count

    def docs(self, chunk: int = 2000) -> Iterator[list[Doc]]:
        """Every record, ``chunk`` lines parsed at a time: a whole table read with the memory
        of a chunk, not of 60,000 documents at once. Only for a :meth:`regular` table."""
        if not self:
            return
        starts = [match.start() + 1 for match in _LINE_HEAD.finditer(self.raw, self.first - 1, self.last)]
        for first in range(0, len(starts), chunk):
            part = starts[first:first + chunk]
            end = starts[first + chunk] - 2 if first + chunk < len(starts) else self.last
            table = loads(b"{" + self.raw[part[0]:end] + b"}")  # (its lines are an object's members)
            yield list(table.items())


class AnyCase(bytes):
    """A needle of :meth:`TableLines.lines_with` in lower-case ASCII, found in any case: a
    reference written by hand may hold capitals anywhere. One pass of ``bytes.lower`` and
    one search: ~15 ms over 60,000 interactions, where a case-insensitive pattern took ~70."""


class TablePatch:
    """The changes of one transaction to a table it did not parse: records replaced or
    removed (by key), and records added, in order."""

    def __init__(self, next_key: Callable[[], int]):
        self._next_key = next_key
        self.changed: dict[str, dict[str, Any] | None] = {}
        self.added: dict[str, dict[str, Any]] = {}
        self._next: int | None = None

    def insert(self, doc: dict[str, Any]) -> int:
        if self._next is None:
            self._next = self._next_key()
        key = self._next
        self._next += 1
        self.added[str(key)] = doc
        return key

    def replace(self, key: str, doc: dict[str, Any] | None) -> None:
        """Put ``doc`` in place of the record under ``key`` (None: remove it)."""
        if key in self.added:
            if doc is None:
                del self.added[key]
            else:
                self.added[key] = doc
        else:
            self.changed[key] = doc

    def docs(self) -> Iterator[Doc]:
        """The documents this patch stores (replaced and added)."""
        for key, doc in (*self.changed.items(), *self.added.items()):
            if doc is not None:
                yield key, doc

    def apply(self, table: dict[str, Any]) -> None:
        """The same changes to the table parsed (a write that turned to the whole file)."""
        for key, doc in self.changed.items():
            if doc is None:
                table.pop(key, None)
            else:
                table[key] = doc
        table.update(self.added)


def table_block(head: bytes, pieces: list) -> list:
    """A table as relance writes it, from its name's ``head`` and its lines (or runs of
    lines) ``pieces``: ``{}`` when empty, else one line each, joined by ",\n"."""
    if not pieces:
        return [head + b"{}"]
    parts = [head + b"{\n"]
    for number, piece in enumerate(pieces):
        if number:
            parts.append(b",\n")
        parts.append(piece)
    parts.append(b"\n}")
    return parts


class NotOneLine(ValueError):
    """A record changed in place is not one whole line, or a key is there twice: a file
    written by hand whose check was made to match (relance writes neither). The change is
    then made to the tables read whole (``storage.DurableStorage.transaction``)."""


def _whole_record(lines: TableLines, key: str, start: int, end: int) -> None:
    """The line from ``start`` to ``end`` is the whole record stored under ``key``: what
    removing or replacing that line relies on (the rest of a record written over several
    lines would be left behind, invalid JSON). One parse of that line; a key written
    twice is looked for only where the keys are all read anyway (a search of the table
    per record changed made a delete of 50 interactions at 30,000 contacts take 1.3 s):
    elsewhere the first is replaced, and the file stays JSON."""
    try:
        found, _doc = lines.record(start, end)
    except ValueError:
        raise NotOneLine(f"record {key} is not one line") from None
    if found != key or not (end == lines.last or lines.raw.startswith(b',\n  "', end)):
        raise NotOneLine(f"record {key} is not one line")


def _block(raw: bytes, name: str, span: tuple[int, int] | None, patch: TablePatch,
           old_region: crc.Crc | None) -> tuple[list[bytes | memoryview], crc.Crc | None]:
    """The table's block in the new file: its unchanged lines as views of ``raw``, its
    changed ones encoded, in the order ``LineCache.block`` writes them; and the CRC of its
    region (``,\\n`` and the block), worked out from ``old_region`` (the CRC of the old
    one) and the bytes that changed, or None when that is not known."""
    lines = TableLines(raw, span)
    view = memoryview(raw)
    head = _head(name)
    items: list[tuple[int, int] | bytes] = []  # runs of old lines kept (from, to), new lines
    if lines:
        located = []
        if len(patch.changed) > 4:  # one pass over the keys (~6 ms at 30,000), not a search per record
            found = [(match.group(1).decode("utf-8"), match.start() + 1)
                     for match in _LINE_HEAD.finditer(raw, lines.first - 1, lines.last)]
            heads = dict(found)
            if len(heads) < len(found):
                raise NotOneLine("a key twice")
            find = lambda key: lines.line_at(heads[key]) if key in heads else None  # noqa: E731
        else:
            find = lines.find_key
        for key, doc in patch.changed.items():
            where = find(key)
            if where is None:
                raise KeyError(key)
            _whole_record(lines, key, *where)
            located.append((*where, doc, key))
        located.sort(key=lambda item: item[0])
        cursor = lines.first
        for start, end, doc, key in located:
            if start > cursor:
                items.append((cursor, start - 2))  # (the ",\n" before this line left out)
            if doc is not None:
                items.append(LineCache.line(key, doc).encode("utf-8"))
            cursor = end + 2  # (after this line's ",\n"; past the end for the last line)
        if cursor < lines.last:
            items.append((cursor, lines.last))
    items.extend(LineCache.line(key, doc).encode("utf-8") for key, doc in patch.added.items())
    parts = table_block(head, [view[item[0]:item[1]] if isinstance(item, tuple) else item for item in items])
    if not lines:  # (nothing of the old table kept: the new bytes are few)
        return parts, crc.joined([crc.of(b",\n"), *map(crc.of, parts)])
    if old_region is None:
        return parts, None
    runs = [item for item in items if isinstance(item, tuple)]
    known: dict[tuple[int, int], crc.Crc] = {}
    if runs:
        # the old lines as pieces: the runs kept, and what lies between them (the lines
        # changed); each hashed but the longest run, worked out from the old region's CRC
        body = crc.missing(old_region, [crc.of(b",\n" + head + b"{\n")], [crc.of(b"\n}")])
        segments, at = [], lines.first
        for run in runs:
            if run[0] > at:
                segments.append((at, run[0]))
            segments.append(run)
            at = run[1]
        if at < lines.last:
            segments.append((at, lines.last))
        longest = max(runs, key=lambda run: run[1] - run[0])
        where = segments.index(longest)
        hashed = [crc.of(view[a:b]) for a, b in segments[:where]], [crc.of(view[a:b]) for a, b in segments[where + 1:]]
        known = {segment: value for segment, value in zip(segments[:where] + segments[where + 1:], hashed[0] + hashed[1])}
        known[longest] = crc.missing(body, *hashed)
    sums = [crc.of(b",\n"), crc.of(parts[0])]
    for number, item in enumerate(items):
        if number:
            sums.append(crc.of(b",\n"))
        sums.append(known[item] if isinstance(item, tuple) else crc.of(item))
    sums.append(crc.of(parts[-1]) if items else crc.of(b""))
    return parts, crc.joined(sums)


def _highest_after(raw: bytes, span: tuple[int, int] | None, patch: TablePatch, highest: int | None) -> int | None:
    """The highest key of a table once ``patch`` is applied (``highest``: before it, None
    when not known): read again from the lines only when the highest one was removed."""
    removed = {key for key, doc in patch.changed.items() if doc is None}
    if highest is None or str(highest) in removed:
        try:
            keys = [int(key) for key in TableLines(raw, span).keys() if key not in removed]
        except ValueError:
            return None
        highest = max(keys, default=0)
    return max([highest, *map(int, patch.added)])


def splice(raw: bytes, spans: dict[str, tuple[int, int]], meta: tuple[str, dict[str, Any]],
           patches: dict[str, TablePatch], highest: dict[str, int | None],
           crcs: tuple[dict[str, crc.Crc], crc.Crc] | None = None,
           ) -> tuple[list[bytes | memoryview], dict[str, tuple[int, int]], tuple[dict[str, crc.Crc], crc.Crc] | None]:
    """The new file's bytes as pieces (``raw``'s unchanged tables and lines as views), and
    where each table is in it: what ``layout.dump_parts`` writes for the tables of ``raw``
    with ``patches`` applied. ``meta``: the key and document of ``_meta``; ``highest``: the
    highest key of each patched table (None: not known); ``crcs``: the CRCs of the old
    file's regions (``layout.region_crcs``), from which the new file's check is worked out
    without a pass over its unchanged bytes (then returned for the new file, else None)."""
    old_places = meta[1].get(PLACES_KEY) if isinstance(meta[1].get(PLACES_KEY), dict) else {}
    view = memoryview(raw)
    rest: list[bytes | memoryview] = []
    at = 0  # where the next piece of ``rest`` starts, from the end of the _meta block
    places: dict[str, tuple[int, ...]] = {}  # table -> (start, end, highest key) of its value, from the same origin
    regions: dict[str, crc.Crc | None] = {}  # table -> the CRC of its region (",\n" and its block)
    for name in sorted((set(spans) | set(patches)) - {META_TABLE}):
        rest.append(b",\n")
        at += 2
        head = _head(name)
        span = spans.get(name)
        if name in patches:
            old_region = crcs[0].get(name) if crcs is not None else None
            block, region = _block(raw, name, span, patches[name], old_region)
            top = _highest_after(raw, span, patches[name], highest.get(name))
        else:
            assert span is not None and raw[span[0] - len(head):span[0]] == head
            block = [view[span[0] - len(head):span[1]]]
            region = crcs[0].get(name) if crcs is not None else None
            place = old_places.get(name)
            top = place[2] if isinstance(place, list) and len(place) == 3 and type(place[2]) is int else None
            if top is None:  # (a file from before the places: read once from the keys, as a full write does)
                try:
                    top = max(map(int, TableLines(raw, span).keys()), default=0)
                except ValueError:
                    top = None
        regions[name] = region
        size = sum(map(len, block))
        places[name] = (at + len(head), at + size) + ((top,) if top is not None else ())
        rest.extend(block)
        at += size
    rest.append(b"\n}\n")
    tail = crc.of(b"\n}\n")
    known = None if None in regions.values() else (regions, tail)
    header = [b"{\n", *meta_block(meta[0], meta[1], rest, places,
                                   crc.joined([*regions.values(), tail]) if known else None)]
    offset = sum(map(len, header))  # (the _meta block ends there; its value starts after "{\n" and its name)
    new_spans = {META_TABLE: (2 + len(_head(META_TABLE)), offset)}
    new_spans.update({name: (place[0] + offset, place[1] + offset) for name, place in places.items()})
    return [*header, *rest], new_spans, known
