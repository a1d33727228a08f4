"""The stored documents a transaction changes, through the storage: a table relance wrote
changed line by line, any other read whole, changed in place and written when the
transaction ends (never through TinyDB's ``Table``, which keeps its next document number
from one write to the next, when another process may have inserted since, and goes
through every key at each call)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .storage import DurableStorage


class StoredDocuments:
    """The documents of one transaction of ``storage`` (made when it starts)."""

    def __init__(self, storage: DurableStorage):
        self.storage = storage

    def tables(self) -> dict[str, dict[str, Any]]:
        """Every stored table, to change in place: the storage writes them when the
        transaction ends."""
        data = self.storage.read() or {}  # (None: a new, empty file)
        self.storage.write(data)  # (raises outside a transaction)
        return data

    def insert(self, table: str, doc: dict[str, Any]) -> int:
        """Store a new document under the next doc id (the highest one + 1, as TinyDB
        numbers them). TinyDB's own ``Table.insert`` converts every key of the table to
        a number and back at each call: 10,000 contacts imported in one write took
        13 s into an empty file and 47 s next to 10,000 others."""
        return self.storage.insert(table, doc)

    def replace(self, table: str, doc_id: int | str, doc: dict[str, Any]) -> None:
        """Put a new document object in place of the stored one (never mutate it in place:
        the storage reuses the JSON line of every document object it has already written)."""
        self.storage.replace(table, doc_id, doc)

    def remove(self, table: str, doc_id: int | str) -> None:
        """Drop one stored document (TinyDB's ``remove`` also goes through every key)."""
        self.storage.replace(table, doc_id, None)

    def empty(self, names: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Empty these tables (their documents numbered from 1 again, as TinyDB numbers
        them); every table, to fill."""
        return self.storage.empty(names)
