"""The tables of a data file in relance's layout, each parsed when first asked for, and
the follow-ups due found without parsing a table at all: the dashboard's first screen
and ``relance status`` do not wait for the 20,000 interactions of a large file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from .i18n import _
from .jsontext import loads, no_gc

_EMPTY_TABLE = re.compile(rb"\{\s*\}")


def due_docs(docs: Iterable[dict[str, Any]], field: str, at_most: str) -> list[dict[str, Any]]:
    """The documents whose ``field`` is a text ``<= at_most``."""
    return [doc for doc in docs if isinstance(doc.get(field), str) and doc[field] <= at_most]


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _parsed(lines: list[bytes], keep: tuple[str, ...] | None) -> list[dict[str, Any]]:
    """The records of ``lines`` (each a record's JSON), parsed 2,000 at a time and, with
    ``keep``, reduced to those fields: the 20,000 follow-ups due of 30,000 contacts parsed
    at once, whole, took 60 MB. ValueError when one is not a record."""
    docs: list[dict[str, Any]] = []
    for first in range(0, len(lines), 2000):
        with no_gc():
            chunk = loads(b"[" + b",".join(lines[first:first + 2000]) + b"]")
        if not all(isinstance(doc, dict) for doc in chunk):
            raise ValueError("not a record")
        docs.extend(chunk if keep is None else ({k: doc[k] for k in keep if k in doc} for doc in chunk))
    return docs


class LazyTables:
    """The tables of a file in relance's layout, each parsed when first asked for: the
    dashboard's first screen and ``relance status`` do not wait for the 20,000
    interactions of a large file."""

    def __init__(self, raw: bytes | list, spans: dict[str, tuple[int, int]],
                 tables: dict[str, dict[str, Any]] | None = None):
        #: the file's bytes, or the pieces of a file just written (joined when first read)
        self._raw = raw
        self.spans = spans
        self.tables: dict[str, dict[str, Any]] = tables or {}
        #: the CRC and length of each table's region of the rest, and of its tail, when the
        #: file's check was verified from them (``layout.region_crcs``)
        self.crcs: tuple[dict[str, tuple[int, int]], tuple[int, int]] | None = None

    @property
    def raw(self) -> bytes:
        if not isinstance(self._raw, bytes):
            self._raw = b"".join(self._raw)
        return self._raw

    def table(self, name: str, keep: bool = True) -> dict[str, Any] | None:
        """The parsed table (None when the file has none of that name), kept for the next
        read unless ``keep`` is False; ValueError with the problem when it is not a table
        of records, or not UTF-8 JSON."""
        table = self.tables.get(name)
        if table is None:
            span = self.spans.get(name)
            if span is None:
                return None
            with no_gc():
                table = loads(self.raw[span[0]:span[1]])
            if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
                raise ValueError(_("its table {name!r} is not a table of records.").format(name=name))
            if keep:
                self.tables[name] = table
        return table

    def is_empty(self, name: str) -> bool:
        span = self.spans.get(name)
        return span is None or _EMPTY_TABLE.match(self.raw, span[0]) is not None

    def docs_due(self, name: str, field: str, at_most: str, first: int | None = None,
                 after: str = "", keep: tuple[str, ...] | None = None) -> tuple[int, list[dict[str, Any]]]:
        """How many documents of a table have a ``field`` text ``<= at_most`` (dates as
        stored), and those documents: all of them, or (``first``) at least the ones with
        the ``first`` smallest values. ``relance status`` asks which of 10,000 contacts
        have a follow-up due and shows the 15 oldest.

        A table not parsed yet is read line by line (one record a line): a line in the
        form relance writes, where the field is followed by ``after`` (the next field),
        gives its value without a parse; the others that may match are parsed, in one go
        with the lines needed for the documents returned."""
        table = self.tables.get(name)
        span = self.spans.get(name)
        if table is None and span is not None:
            quick = self._due_by_pattern(span, field, at_most, after, first) if after else None
            if quick is not None:
                count, positions = quick
                try:
                    return count, due_docs(_parsed([self._record_at(at) for at in positions], keep), field, at_most)
                except ValueError:
                    pass
            found = self._due_lines(span, field, at_most, after)
            if found is not None:
                known = sorted(value for value, _line in found if value is not None)
                cutoff = known[first - 1] if first is not None and 0 < first <= len(known) else None
                if first == 0:
                    cutoff = ""
                wanted = [self._record_at(line) if isinstance(line, int) else line
                          for value, line in found if value is None or cutoff is None or value <= cutoff]
                try:
                    docs = _parsed(wanted, keep)
                except ValueError:
                    docs = None
                if docs is not None:
                    matched = due_docs(docs, field, at_most)
                    # every line with a known value matches; of the others, those kept here
                    known_parsed = sum(1 for value, _line in found if value is not None and (cutoff is None or value <= cutoff))
                    return len(known) + len(matched) - known_parsed, matched
        docs = due_docs((self.table(name) or {}).values(), field, at_most)
        return len(docs), docs

    def _due_by_pattern(self, span: tuple[int, int], field: str, at_most: str, after: str,
                        first: int | None) -> tuple[int, list[int]] | None:
        """How many records are due and where the lines of those to return are (all, or
        the ``first`` oldest and their ties), read with regular expressions only, for a
        table where every record is one line holding ``field`` once, written by relance
        (followed by ``after``), with no unicode escape; None otherwise. One pass gives
        every value (30,000 contacts, 20,000 of them due: ~20 ms, where a Python step per
        match took 140); the dates are checked once each; a second pass finds the lines of
        the oldest."""
        raw = self.raw
        start, end = span
        key = f'"{field}"'.encode()
        records = raw.count(b"\n", start, end) - 1
        from .tablelines import TableLines  # (it imports this module's neighbours)

        # every line as relance's encoder writes it (no field inside another written by
        # hand: its own "next_follow_up" would be counted) and the field once in each
        if not TableLines(raw, span).plain() or raw.count(key, start, end) != records:
            return None
        pattern = re.compile(key + rb':(?:"([0-9]{4}-[0-9]{2}-[0-9]{2})"|null),"' + re.escape(after.encode()) + b'":')
        values = pattern.findall(raw, start, end)
        if len(values) != records:
            return None
        limit = at_most.encode()
        due = sorted(value for value in values if value and value <= limit)
        dates = set(due)
        valid = {value for value in dates if _is_date(value.decode("ascii"))}  # (2026-02-30 is no date)
        if len(valid) < len(dates):
            due = [value for value in due if value in valid]
        if first == 0:
            return len(due), []
        wanted = valid if first is None or first >= len(due) else {value for value in valid if value <= due[first - 1]}
        if len(wanted) <= 64:
            choice = re.compile(key + b':"(?:' + b"|".join(sorted(wanted)) + b')","' + re.escape(after.encode()) + b'":')
            positions = [match.start() for match in choice.finditer(raw, start, end)] if wanted else []
        else:
            positions = [match.start() for match in pattern.finditer(raw, start, end) if match.group(1) in wanted]
        return len(due), positions

    def _record_at(self, position: int) -> bytes:
        """The JSON of the record on the line holding ``position``."""
        line_start = self.raw.rfind(b"\n", 0, position) + 1
        line_end = self.raw.find(b"\n", position)
        head = self.raw.find(b'": ', line_start, line_end)
        return self.raw[head + 3:line_end].rstrip().rstrip(b",")

    def _due_lines(self, span: tuple[int, int], field: str, at_most: str,
                   after: str) -> list[tuple[str | None, bytes | int]] | None:
        """(the value when the line gives it plainly, the record's JSON) of each line that
        may have ``field <= at_most``; None when the table is not one record a line."""
        key, quoted, null = f'"{field}"'.encode(), f'"{field}":"'.encode(), f'"{field}":null'.encode()
        follows = f',"{after}":'.encode() if after else None
        found: list[tuple[str | None, bytes | int]] = []
        for line in self.raw[span[0]:span[1]].split(b"\n")[1:-1]:
            escapes = b"\\" in line  # a key written with escapes, a value with a quote...
            if key not in line and not escapes:
                continue
            plain = not escapes and line.count(key) == 1
            if plain and null in line:
                continue
            value = None
            at = line.find(quoted)
            if plain and at >= 0:
                start = at + len(quoted)
                end = line.find(b'"', start)
                text = line[start:end].decode("utf-8", "replace")
                if text > at_most:
                    continue
                if follows is not None and line.startswith(follows, end + 1) and _is_date(text):
                    value = text  # relance's own order of fields: this is the record's own
            head = line.find(b'": ')
            if head < 0:
                return None
            found.append((value, line[head + 3:].rstrip().rstrip(b",")))
        return found

    def whole(self) -> dict[str, dict[str, Any]]:
        """Every table, in the file's order."""
        return {name: self.table(name) for name in self.spans}  # type: ignore[misc]

