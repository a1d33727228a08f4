"""What the last saves of this process changed, kind by kind: a pane that drew the
records of one save redraws only the rows of the records changed since, instead of
comparing every record (docs/ARCHITECTURE.md, "A save, from a key to the disk and back")."""

from __future__ import annotations

from collections.abc import Mapping

from .models import Record

Records = Mapping[str, Record]


class ChangeHistory:
    """Per kind, the last few saves: (records before, records after, uids changed)."""

    #: saves remembered per kind
    SIZE = 4  # (a pane looks one or two saves back)

    def __init__(self) -> None:
        self._saves: dict[str, list[tuple[Records, Records, frozenset[str]]]] = {}

    def clear(self) -> None:
        """Forget every save (the file was read again: nothing is known record by record)."""
        self._saves = {}

    def forget(self, kind: str) -> None:
        """Forget the saves of ``kind`` (replaced wholesale, by an import)."""
        self._saves.pop(kind, None)

    def add(self, kind: str, before: Records, after: Records, uids: set[str]) -> None:
        """A save took the records of ``kind`` from ``before`` to ``after``, changing ``uids``."""
        saves = self._saves.setdefault(kind, [])
        saves.append((before, after, frozenset(uids)))
        del saves[:-self.SIZE]

    def changed_since(self, before: Records, current: Records, kind: str) -> frozenset[str] | None:
        """The uids changed from ``before`` to ``current`` by the saves remembered; None when
        that is not known (``before`` is too old, or the file was read again)."""
        if before is current:
            return frozenset()
        changed: set[str] = set()
        for old, new, uids in self._saves.get(kind, ()):
            if old is before:
                changed |= uids
                before = new
        return frozenset(changed) if before is current else None
