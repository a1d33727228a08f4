"""The storage's changes line by line (``store/storage.py`` holds the rest): a table of a
file relance wrote read as its lines, the documents a transaction adds, replaces or
removes kept as patches, and the file written as the old bytes with the changed lines
spliced in (docs/ARCHITECTURE.md, "Writing what changed")."""

from __future__ import annotations

import json
from typing import Any

from .layout import META_TABLE, PLACES_KEY, SCHEMA, meta_block
from .lazytables import LazyTables
from .tablelines import TableLines, TablePatch, splice, table_block


class LineChanges:
    """Mixed into :class:`store.storage.DurableStorage` (its version in use, its lock and
    its transactions)."""

    # -- line by line ------------------------------------------------------------------

    def lines(self, table: str) -> TableLines | None:
        """``table`` as lines of the file (``store/tablelines.py``) when the version in use
        is as relance wrote it and was not parsed whole; None otherwise (read the tables).
        What the running transaction changed is not in it: see :meth:`patch_of`."""
        with self._current():
            lazy = self._lazy
            if lazy is None or not self._checked:
                return None
            return TableLines(lazy.raw, lazy.spans.get(table))

    def checked_tables(self) -> tuple[bytes, dict[str, tuple[int, int]]] | None:
        """The bytes of the version in use and where each table is in them, when it is as
        relance wrote it and was not parsed whole (to be read a table at a time); else None."""
        with self._current():
            lazy = self._lazy
            return (lazy.raw, dict(lazy.spans)) if lazy is not None and self._checked else None

    def region_crcs(self) -> dict[str, tuple[int, int]] | None:
        """Each table's CRC and length in the version in use, when its check was verified
        from them; else None."""
        with self._thread_lock:
            lazy = self._lazy
            return lazy.crcs[0] if lazy is not None and self._checked and lazy.crcs is not None else None

    def patch_of(self, table: str) -> TablePatch | None:
        """What the running transaction changed in ``table`` line by line (None: nothing)."""
        return self._patches.get(table) if self._depth else None

    def _patchable(self) -> bool:
        return bool(self._depth) and self._data is None and self._lazy is not None and self._checked

    def _patch(self, table: str) -> TablePatch:
        """The running transaction's patch of ``table``, made at its first change."""
        patch = self._patches.get(table)
        if patch is None:
            lines = TableLines(self._lazy.raw, self._lazy.spans.get(table))  # type: ignore[union-attr]
            patch = self._patches[table] = TablePatch(lambda: _next_key(lines, self._highest(table)))
        return patch

    def insert(self, table: str, doc: dict[str, Any]) -> int:
        """Store a new document under the next key (the highest one + 1, as TinyDB numbers
        them), in the running transaction; returns its key. The table is not parsed when
        the file can be changed line by line: 10,000 contacts are not parsed to add one."""
        with self._thread_lock:
            if self._patchable():
                return self._patch(table).insert(dict(doc))
            documents = self._table(table)
            doc_id = self._next_ids.get(table) or max(map(int, documents), default=0) + 1
            documents[str(doc_id)] = dict(doc)
            self._next_ids[table] = doc_id + 1
            return doc_id

    def replace(self, table: str, key: int | str, doc: dict[str, Any] | None) -> None:
        """Put a new document in place of the stored one under ``key`` (None: remove it), in
        the running transaction. Never a document changed in place: the storage reuses the
        line of every document object it has already written."""
        with self._thread_lock:
            if self._patchable():
                self._patch(table).replace(str(key), None if doc is None else dict(doc))
                return
            documents = self._table(table)
            if doc is None:
                del documents[str(key)]
            else:
                documents[str(key)] = dict(doc)

    def empty(self, names) -> dict[str, dict[str, Any]]:
        """Empty these tables in the running transaction (their documents numbered from 1
        again); every table of the whole file, to fill in place."""
        with self._thread_lock:
            data = self.read()
            if data is None:
                data = {}
            self.write(data)  # (raises outside a transaction)
            for name in names:
                data[name] = {}
                self._next_ids.pop(name, None)
            return data

    def write_lines(self, meta: tuple[str, dict[str, Any]], tables: dict[str, tuple[list[bytes], int]]) -> None:
        """Write now, in the running transaction, a file holding ``meta`` and ``tables``,
        each table given as its records' lines (``LineCache.line``, keyed 1, 2… in order),
        joined by ",\n" in chunks, and how many there are:
        the bytes ``layout.dump_parts`` writes for the same documents (an import of 90,000
        records: their lines are written as they are, never held as documents). The new
        file is then the version in use, read line by line."""
        with self._thread_lock:
            if not self._depth:
                raise RuntimeError("DurableStorage.write_lines() outside a transaction would lose updates")
            parts, spans = _whole_file(meta, tables)
            self._write(parts, same_file=True)
            self._data, self._lazy, self._checked = None, LazyTables(parts, spans), True
            self._patches, self._dirty = {}, False

    def _highest(self, table: str) -> int | None:
        """The highest key of ``table`` as ``_meta.tables`` says (covered by the check, so
        relance wrote it), or None when it does not say."""
        lazy = self._lazy
        if lazy is None or table not in lazy.spans:  # (no such table yet: no key)
            return 0
        meta = next(iter((lazy.table(META_TABLE) or {}).values()), {})
        places = meta.get(PLACES_KEY)
        place = places.get(table) if isinstance(places, dict) else None
        return place[2] if isinstance(place, list) and len(place) == 3 and type(place[2]) is int else None

    def _table(self, name: str) -> dict[str, Any]:
        """A table of the whole file, to change in place (written when the transaction ends)."""
        data = self.read()
        if data is None:
            data = {}
        self.write(data)  # (raises outside a transaction)
        return data.setdefault(name, {})

    def _apply_patches(self) -> None:
        """The changes made line by line, made to the tables parsed (the transaction reads
        the whole file from now on)."""
        if not self._patches:
            return
        data = self._data if self._data is not None else {}
        for name, patch in self._patches.items():
            table = dict(data.get(name) or {})
            patch.apply(table)
            data[name] = table
        self._data = data
        self._patches = {}
        self._dirty = True

    def _commit_lines(self) -> None:
        """Write the file with the lines the transaction changed spliced into the bytes of
        the version in use (``tablelines.splice``): no table parsed, no record encoded but
        the changed ones. Then the new version is in use, its tables parsed when asked for
        (those parsed already kept, the changes made to them)."""
        lazy = self._lazy
        assert lazy is not None
        meta = next(iter((lazy.table(META_TABLE) or {"1": {"schema": SCHEMA}}).items()))
        parts, spans, crcs = splice(lazy.raw, lazy.spans, meta, self._patches,
                                    {name: self._highest(name) for name in self._patches}, lazy.crcs)
        self._write(parts, same_file=True)
        carried = {}
        for name, table in lazy.tables.items():
            if name == META_TABLE:
                continue
            if name in self._patches:
                table = dict(table)
                self._patches[name].apply(table)
            carried[name] = table
        self._lazy = LazyTables(parts, spans, carried)
        self._lazy.crcs = crcs
        self._checked = True


def _next_key(lines: TableLines, highest: int | None) -> int:
    """The key of a document added to a table read line by line: the highest + 1, as
    TinyDB numbers them; ``_meta.tables`` says which is the highest (else every line's key
    is read: ~6 ms at 30,000)."""
    if highest is not None:
        return highest + 1
    return max(map(int, lines.keys()), default=0) + 1


def _whole_file(meta: tuple[str, dict[str, Any]], tables: dict[str, tuple[list[bytes], int]]) -> tuple[list[bytes], dict[str, tuple[int, int]]]:
    """The pieces of the file ``dump_parts`` writes for ``meta`` and tables of these lines,
    and where each table's value is in it (as ``tablelines.splice`` says it)."""
    rest: list[bytes] = []
    places: dict[str, tuple[int, ...]] = {}
    at = 0
    for name in sorted(set(tables) - {META_TABLE}):
        lines, count = tables[name]
        head = f"{json.dumps(name)}: ".encode("utf-8")
        block = table_block(head, lines)
        size = sum(map(len, block))
        places[name] = (at + 2 + len(head), at + 2 + size, count)  # (the highest key: the last, as many as lines)
        rest.append(b",\n")
        rest.extend(block)
        at += 2 + size
    rest.append(b"\n}\n")
    header = [b"{\n", *meta_block(meta[0], meta[1], rest, places)]
    offset = sum(map(len, header))
    spans = {META_TABLE: (2 + len(f"{json.dumps(META_TABLE)}: "), offset)}
    spans.update({name: (place[0] + offset, place[1] + offset) for name, place in places.items()})
    return [*header, *rest], spans
