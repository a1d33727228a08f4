"""How the repository builds a kind's records from the file (``store/repository.py``
holds the rest): 2,000 lines parsed at a time when the file is read line by line, else
from the table read whole; and the check of the kinds a view does not keep."""

from __future__ import annotations

from typing import Any

from .errors import DataFileError
from .models import MODELS, Record
from .lazytables import LazyTables
from .records import build_records
from .tablelines import TableLines
from .versions import Version


class Builds:
    """Mixed into ``Repository``."""

    def _build(self, kind: str, table: dict[str, Any] | None = None) -> tuple[dict[str, Record], dict[str, int]]:
        """One kind's records from the parsed file (or from ``table``, its documents); an
        invalid one makes the file unusable."""
        model = MODELS[kind]
        if table is None and self.storage.patch_of(model.TABLE) is None:
            built = self._build_in_batches(kind)
            if built is not None:
                return built
        if table is None:
            table = self.storage.read_table(model.TABLE, keep=False)
        return build_records(model, table, self.today, self._bad_file)

    def _unchanged_tables(self, version: Version) -> set[str]:
        """The tables whose bytes ``version`` shares with the version in use, its records
        built from it (each table's CRC and length, worked out when each check was
        verified): a save from another session that logged an interaction leaves the
        30,000 contacts as they were, not built again (~0.4 s and ~45 MB more at each)."""
        new = version.data.crcs if version.checked and isinstance(version.data, LazyTables) else None
        current = self.storage.region_crcs()
        if new is None or current is None or self._stale or self._generation != self.storage.generation:
            return set()
        return {table for table, region in new[0].items() if current.get(table) == region}

    def _build_version(self, kind: str, version: Version) -> tuple[dict[str, Record], dict[str, int]]:
        """One kind's records from a version of the file not taken yet: 2,000 lines at a
        time when it is as relance wrote it (a save from another session made the dashboard
        hold 30,000 contacts' documents beside their records: ~45 MB more), else from its
        table."""
        data = version.data
        if version.checked and isinstance(data, LazyTables):
            lines = TableLines(data.raw, data.spans.get(MODELS[kind].TABLE))
            built = self._build_in_batches(kind, lines=lines)
            if built is not None:
                return built
        return self._build(kind, version.table(MODELS[kind].TABLE))  # (kept: a write reads it whole anyway)

    def _build_in_batches(self, kind: str, keep: bool = True,
                          lines: TableLines | None = None) -> tuple[dict[str, Record], dict[str, int]] | None:
        """One kind's records from the file's lines, 2,000 parsed at a time: 30,000 contacts'
        documents and records were all held at once (~70 MB more at the dashboard's start).
        Not ``keep``: each batch is checked and let go (two empty mappings returned). None
        when the file is not read line by line, or a batch is not what the whole table
        read would accept (that read then says what is wrong, and where)."""
        lines = self._stored.lines(kind) if lines is None else lines
        if not lines or not lines.regular():
            return None
        records: dict[str, Record] = {}
        ids: dict[str, int] = {}
        checked: set[str] = set()  # (the uids seen, when the records are not kept)
        seen = records.keys() if keep else checked
        try:
            for docs in lines.docs(2000):
                batch, numbers = build_records(MODELS[kind], dict(docs), self.today, self._bad_file)
                if not seen.isdisjoint(batch):  # (a uid twice: said as the whole table read says it)
                    return None
                if keep:
                    records.update(batch)
                    ids.update(numbers)
                else:
                    checked.update(batch)
        except ValueError:
            return None
        return records, ids

    def check_unbuilt(self) -> None:
        """Check every record of the kinds not built yet, and keep them built only where
        the file is read whole: the dashboard, after its first paint, reports a damaged
        record anywhere without holding the 60,000 interactions it does not show (~55 MB
        at 30,000 contacts). A damaged record raises as building its kind does."""
        for kind in MODELS:
            if self._built(kind):
                continue
            try:
                checked = self.storage.patch_of(MODELS[kind].TABLE) is None and \
                    self._build_in_batches(kind, keep=False) is not None
            except DataFileError as err:
                self._refuse(err)
                raise
            if not checked:
                self._records(kind)  # (the whole read says what is wrong, and where)

    def _refuse(self, err: DataFileError) -> None:
        """A record of the version in use is damaged (its check matched: a record relance
        does not write): no save starts from that version, as none starts from a version
        refused when it was read; another version of the file is looked at afresh."""
        self._refused = (self.storage.generation, err)
