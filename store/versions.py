"""A version of the data file, read from disk: its tables parsed from its bytes (each
table when first asked for, in relance's layout), whether it is as relance wrote it,
and the file it came from, open (docs/ARCHITECTURE.md, "Storage contract")."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from typing import Any

from .errors import DataFileError
from .i18n import _
from .jsontext import loads, no_gc
from . import crc
from .layout import CHECK_KEY, KNOWN_TABLES, PLACES_KEY, region_crcs, META_TABLE, check_layout, content_check, describe_json_error, placed_tables, split_tables
from .lazytables import LazyTables

#: makes the error for a problem of the file (a sentence): it names the file and its newest backup
Fail = Callable[[str], DataFileError]


class Version:
    """A version of the data file read from disk and not in use yet: its owner checks it,
    then the storage takes it (:meth:`DurableStorage.take`) or refuses it
    (:meth:`DurableStorage.refuse`)."""

    __slots__ = ("_fail", "data", "checked", "key", "fd", "state")

    def __init__(self, fail: Fail, data: dict[str, dict[str, Any]] | LazyTables | None,
                 checked: bool, key: tuple[int, int, int, int], fd: int):
        #: the error for a problem of the file (it names the file and its newest backup)
        self._fail = fail
        #: its tables (None: an empty file)
        self.data = data
        #: as relance wrote it: its ``_meta`` check matches (False: changed by another
        #: program, or written before relance kept a check: check its every record)
        self.checked = checked
        self.key = key
        #: the file it was read from, open (its inode cannot be reused meanwhile)
        self.fd = fd
        #: None, then "taken" or "refused"
        self.state: str | None = None

    def table(self, name: str, keep: bool = True) -> dict[str, Any]:
        """One of its tables (``{}`` when absent), kept for the next read unless ``keep`` is
        False; a table that is not valid JSON raises the :class:`DataFileError` naming its
        line and column."""
        data = self.data
        if data is None:
            return {}
        if isinstance(data, LazyTables):
            try:
                return data.table(name, keep=keep) or {}
            except ValueError:
                self.data = data = parse_whole(data.raw, self._fail)  # raises, with the place in the file
                return data.get(name) or {}
        return data.get(name) or {}

    def schema(self) -> Any:
        """The schema version its ``_meta`` holds (None without one: see :meth:`DurableStorage.schema`)."""
        return next(iter(self.table(META_TABLE).values()), {}).get("schema")


def parse(raw: bytes, fail: Fail) -> tuple[dict[str, dict[str, Any]] | LazyTables | None, bool]:
    """The file's tables (None for an empty file), and whether they are as relance wrote
    them: the ``_meta`` check matches (False: changed by another program, or written
    before relance kept a check; its every record must be checked before it is taken)."""
    if not raw or raw.isspace():
        return None, False
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8):]
    placed = placed_tables(raw)
    spans = placed or split_tables(raw)
    if spans is not None and set(spans) <= KNOWN_TABLES:
        lazy = LazyTables(raw, spans)
        try:
            meta = lazy.table(META_TABLE) if META_TABLE in spans else None
        except ValueError:  # (JSON and UTF-8 errors are ValueErrors too)
            return parse_whole(raw, fail), False  # says what is wrong, and where in the file
        problem = check_layout({META_TABLE: meta}) if meta is not None else None
        if problem:
            raise fail(problem)
        first = next(iter(meta.values()), {}) if meta else {}
        written = first.get(CHECK_KEY)
        checked = False
        if written and META_TABLE in spans:
            # each table's CRC on its own, in one pass (a save works out the new check from
            # them), put together as the CRC of the rest
            regions, tail = region_crcs(raw, spans)
            rest = crc.joined([*regions.values(), tail])
            checked = written == content_check(b"", first.get(PLACES_KEY), rest)
            if checked:
                lazy.crcs = (regions, tail)
        if placed and not checked:  # (places relance did not write as they are: found in the bytes)
            spans = split_tables(raw)
            if spans is None or not set(spans) <= KNOWN_TABLES:
                return parse_whole(raw, fail), False
            lazy = LazyTables(raw, spans)
        return lazy, checked
    return parse_whole(raw, fail), False


def parse_whole(raw: bytes, fail: Fail) -> dict[str, dict[str, Any]]:
    """Every table of ``raw``, parsed at once; what is wrong raised with its place in the file."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise fail(_("it is not UTF-8 text (byte {pos}).").format(pos=err.start)) from None
    try:
        with no_gc():
            data = loads(text)
    except json.JSONDecodeError as err:
        raise fail(describe_json_error(err)) from None
    problem = check_layout(data)
    if problem:
        raise fail(problem)
    return data
