"""The repository's whole-file changes and reads (``store/repository.py`` holds the rest):
a file of an older schema migrated, everything exported, a kind read 2,000 records at a
time, an export imported in one write."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import ReadOnlyError, SaveError, ValidationError
from .i18n import _
from .export_stream import StreamedExport
from .layout import META_TABLE, READ_AS_IS, SCHEMA, LineCache
from .models import MODELS, Record, Settings
from .records import build_records, load_settings
from .transfer import export_document, parse_export

KINDS = tuple(MODELS)


class Transfers:
    """Mixed into :class:`store.repository.Repository` (its state and its transactions)."""

    def _migrate(self, reading: bool = True) -> None:
        """Take an older file to the current schema: one write, under the lock, after a backup.

        A file of a schema this relance reads as it is (``READ_AS_IS``) that cannot be
        written here (a read-only or full disk) is read as it is when ``reading``: a
        command that only reads works, as it does on a file of the current schema, and
        :attr:`unmigrated` says why; the next write migrates first (``reading`` False),
        and fails as any write there would."""
        schema = self.storage.schema()
        if schema is None or schema >= SCHEMA:
            self.unmigrated = None
            return
        try:
            self._migrate_now()
        except (ReadOnlyError, SaveError) as err:
            if not reading or schema not in READ_AS_IS:
                raise
            self.unmigrated = (schema, err)
        else:
            self.unmigrated = None

    def _migrate_now(self) -> None:
        from .migrations import MigrationError, migrate

        with self.storage.transaction() as incoming:
            if incoming is not None:  # changed since it was looked at: checked, then taken
                self._accept(incoming)
            data = self.storage.read() or {}
            schema = self.storage.schema() or 0
            if schema >= SCHEMA:
                return  # another process migrated it while we waited for the lock
            try:
                new = migrate(data, schema)
            except MigrationError as err:
                raise self._bad_file(_("it has schema {schema} and cannot be migrated: {problem}").format(
                    schema=schema, problem=err)) from None
            # a file that would be refused once migrated is refused now, as it is: not written
            load_settings(new.get(Settings.TABLE) or {}, self.today, self._bad_file)
            for kind in KINDS:
                self._build(kind, new.get(MODELS[kind].TABLE) or {})
            self.storage.write(new)
        self.migrated = (schema, SCHEMA, self.storage.backups.newest())

    # -- export and import --------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Everything, in the export format (docs/DATA.md, "The export format")."""
        view = self._view()
        return export_document(self.settings(), view)

    def batches(self, kind: str, size: int = 2000) -> Iterator[list[Record]]:
        """Every record of ``kind``, in the order of the file, ``size`` at a time: read from
        the lines and not kept when the kind is not built (an export of 90,000 records
        holds 2,000 at once), else the built records."""
        lines = self._stored.lines(kind) if not self._built(kind) else None
        if lines is None or not lines.regular():
            yield list(self._records(kind).values())
            return
        model = MODELS[kind]
        for docs in lines.docs(size):
            yield list(build_records(model, dict(docs), self.today, self._bad_file)[0].values())

    def import_data(self, payload: Any, replace: bool = False) -> dict[str, int]:
        """Load an export into this store in one atomic write.

        Into an empty store, or with ``replace`` instead of what is there (the
        previous file is kept in the backups). Every record is validated and
        every reference checked before anything is written.
        """
        records, settings = parse_export(payload, self.today)
        with self.transaction():
            self._refuse_unless_empty(replace)
            data = self._docs.empty((*(model.TABLE for model in MODELS.values()), Settings.TABLE))
            assert self._work is not None and self._work_ids is not None
            for kind in KINDS:
                self._writable(kind, whole=True)
                self._touched[kind] = None  # replaced wholesale
                self._work[kind].clear()
                self._work_ids[kind].clear()
            for kind, items in records.items():
                documents = data[MODELS[kind].TABLE]
                for doc_id, record in enumerate(items, start=1):
                    documents[str(doc_id)] = record.to_doc()
                    self._work[kind][record.uid] = record
                    self._work_ids[kind][record.uid] = doc_id
            errors: dict[str, str] = {}
            for kind, items in records.items():
                for index, record in enumerate(items):
                    for field, problem in self._check_references(record).items():
                        errors[f"{MODELS[kind].TABLE}[{index}] {record.label()!r} {field}"] = problem
            if errors:
                raise ValidationError("import", errors)
            if settings is not None:
                self._settings_doc_id = self._docs.insert(Settings.TABLE, settings.to_doc())
                self._work_settings = settings
            else:
                self._settings_doc_id = None
                self._work_settings = Settings()
        return {MODELS[kind].TABLE: len(items) for kind, items in records.items()}

    def _refuse_unless_empty(self, replace: bool) -> None:
        """An import goes into an empty file, or ``replace`` what is there."""
        if not replace and not self.is_empty():
            raise ValidationError("import", {"": _("the data file already holds records; use --replace to replace them.")})

    def import_streamed(self, export: StreamedExport, replace: bool = False) -> dict[str, int]:
        """:meth:`import_data` of an export read a record at a time (``store/export_stream.py``:
        checked already, every record and reference): its lines written as they are, in one
        atomic write, and no record built (each kind is read from the new file when asked)."""
        with self.transaction():
            self._refuse_unless_empty(replace)
            meta = next(iter(self.storage.read_table(META_TABLE).items()), ("1", {"schema": SCHEMA}))
            tables = {table: (chunks, export.counts[table]) for table, chunks in export.chunks.items()}
            tables[Settings.TABLE] = (([LineCache.line("1", export.settings.to_doc()).encode("utf-8")], 1)
                                      if export.settings is not None else ([], 0))
            self.storage.write_lines(meta, tables)
            assert self._work is not None and self._work_ids is not None
            for kind in KINDS:
                self._touched[kind] = None  # replaced wholesale
            self._history.clear()  # (no kind is said record by record: all replaced)
            self._work.clear()  # (built again from the new file when asked)
            self._work_ids.clear()
            self._settings_doc_id = 1 if export.settings is not None else None
            self._work_settings = export.settings if export.settings is not None else Settings()
        return dict(export.counts)
