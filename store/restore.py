"""``relance backup`` and ``relance restore``: the versions kept in ``backups/``.

Every save keeps the previous file (backups.Backups: the last 10, and one a day
for 30 days). Restoring checks the chosen version first, keeps the current
file as a backup (even a damaged one), then puts the version in place in one
atomic write; a version of an older schema is migrated on the way.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .doctor import read_data_file
from .errors import RelanceError
from .i18n import _
from .layout import META_TABLE, SCHEMA
from .lazytables import LazyTables
from .storage import DurableStorage


@dataclass(frozen=True)
class BackupInfo:
    number: int
    path: Path
    when: datetime | None
    size: int
    #: table -> records, or None when the version cannot be read
    counts: dict[str, int] | None
    problem: str | None

    def summary(self) -> str:
        if self.problem:
            return _("unreadable: {problem}").format(problem=self.problem)
        from .models import MODELS, counted

        counts = self.counts or {}
        shown = [counted(m.TABLE, counts[m.TABLE]) for m in MODELS.values() if counts.get(m.TABLE)]
        return ", ".join(shown) or _("empty")


def _info(number: int, path: Path, when: datetime | None) -> BackupInfo:
    counts = _checked_counts(path)
    problem = None
    if counts is None:
        data, problem = read_data_file(path)
        counts = None if problem else {table: len(docs) for table, docs in (data or {}).items()}
    return BackupInfo(number, path, when, os.stat(path).st_size, counts, problem)


def _checked_counts(path: Path) -> dict[str, int] | None:
    """table -> records of a backup as relance wrote it (its check matches: one record a
    line, each table where ``_meta.tables`` or the bytes say), counted from its lines
    without parsing it; None for any other file (parsed whole then, and what is wrong said).
    Ten backups of 30,000 contacts and 60,000 interactions each parsed whole took the
    listing to 180 MB; counted so, the peak is one backup's bytes."""
    from .tablelines import TableLines
    from .versions import parse

    try:
        tables, checked = parse(path.read_bytes(), ValueError)
    except (OSError, ValueError):
        return None
    if not checked or not isinstance(tables, LazyTables):
        return None
    counts = {}
    for name, span in tables.spans.items():
        lines = TableLines(tables.raw, span)
        if not lines.regular():  # (never in a file relance wrote: parsed whole, to be sure)
            return None
        counts[name] = lines.count()
    return counts


def list_backups(storage: DurableStorage) -> list[BackupInfo]:
    """The kept versions, newest first, numbered from 1."""
    storage.backups.check()  # (a backups/ another user made is refused, not read)
    return [_info(number, path, storage.backups.when(path)) for number, path in enumerate(storage.backups.list(), start=1)]


def find_backup(storage: DurableStorage, choice: str) -> BackupInfo:
    """A backup by its number in the list, its file name, or its path."""
    items = list_backups(storage)
    for item in items:
        if choice == str(item.number) or choice == item.path.name or Path(choice).expanduser().resolve() == item.path.resolve():
            return item
    if Path(choice).expanduser().is_file():  # a copy kept elsewhere
        return _info(0, Path(choice).expanduser(), None)
    raise RelanceError(_("There is no backup {choice!r}: give its number from `relance restore`, or a file.").format(choice=choice))


def restore(storage: DurableStorage, backup: BackupInfo) -> Path | None:
    """Put ``backup`` in place of the data file; returns where the replaced file was kept."""
    from .migrations import MigrationError, migrate

    data, problem = read_data_file(backup.path)
    if problem or data is None:
        raise RelanceError(_("The backup {path} cannot be restored: {problem}").format(path=backup.path, problem=problem))
    schema = next(iter(data[META_TABLE].values())).get("schema") if META_TABLE in data else (0 if data else SCHEMA)
    if schema < SCHEMA:
        try:
            data = migrate(data, schema)
        except MigrationError as err:
            raise RelanceError(_("The backup {path} cannot be migrated: {problem}").format(path=backup.path, problem=err)) from None
    kept = storage.replace_with(data)
    return kept
