"""The repository: the only code that touches TinyDB.

Reads come from models kept in memory and rebuilt only when the file changed
on disk (another process wrote it); each write is one storage transaction, so
it holds the file lock, starts from the file's current content and lands on
disk atomically before the call returns. Several changes can share one write
with :meth:`Repository.transaction` (an import, a review applied at once).
"""

from __future__ import annotations

import contextlib
import reprlib
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from .errors import AmbiguousError, ConflictError, DataFileError, NotFoundError, ReferencedError, ValidationError
from .fields import clean_text
from .fmt import shown
from .i18n import _
from .models import MODELS, Record, Settings, a_kind, new_uid
from .storage import META_TABLE, SCHEMA, DurableStorage, no_gc

KINDS = tuple(MODELS)


def model_for(kind: str) -> type[Record]:
    try:
        return MODELS[kind]
    except KeyError:
        raise NotFoundError(
            _("Unknown kind {kind!r}; expected one of {kinds}.").format(kind=kind, kinds=", ".join(KINDS))
        ) from None


class Repository:
    """Add, update, delete, get and list the consultant's records."""

    def __init__(self, path: str | Path, today: date | None = None,
                 clock: Callable[[], date] = date.today):
        #: the date the rules count from (follow-ups due, the forecast, relative dates)
        self.today = today or clock()
        #: ``--today`` pins the date; otherwise :meth:`new_day` follows the calendar
        self._clock = None if today is not None else clock
        self.db = TinyDB(path, storage=DurableStorage)
        self.storage: DurableStorage = self.db.storage  # type: ignore[assignment]
        self.storage.check = self._check_version
        #: the kinds built by the last check, from the version the storage then took
        self._checked: dict[str, tuple[dict[str, Record], dict[str, int]]] = {}
        self.path = self.storage.path
        self._lock = threading.RLock()
        self._generation = -1
        #: the records may hold changes that were not written (a failed write): built again
        self._stale = False
        self._models: dict[str, dict[str, Record]] = {kind: {} for kind in KINDS}
        self._doc_ids: dict[str, dict[str, int]] = {kind: {} for kind in KINDS}
        self._settings = Settings()
        self._settings_doc_id: int | None = None
        # transaction state: working copies, visible only to the writing thread
        self._work: dict[str, dict[str, Record]] | None = None
        self._work_ids: dict[str, dict[str, int]] | None = None
        self._work_settings: Settings | None = None
        self._writer: int | None = None
        #: per kind, the last few saves: (mapping before, mapping after, uids changed)
        self._history: dict[str, list[tuple[Mapping[str, Record], Mapping[str, Record], frozenset[str]]]] = {}
        #: (from schema, to schema, backup of the old file) when opening migrated the file
        self.migrated: tuple[int, int, Path | None] | None = None
        self._migrate()
        self._sync(force=True)

    def _migrate(self) -> None:
        """Take an older file to the current schema: one write, under the lock, after a backup."""
        from .migrations import MigrationError, migrate

        schema = self.storage.schema()
        if schema is None or schema >= SCHEMA:
            return
        with self.storage.transaction():
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
            self._load_settings(new.get(Settings.TABLE) or {})
            for kind in KINDS:
                self._build(kind, new.get(MODELS[kind].TABLE) or {})
            self.storage.write(new)
        self.migrated = (schema, SCHEMA, self.storage.backups.newest())

    def close(self) -> None:
        self.db.close()

    def new_day(self) -> bool:
        """Move ``today`` to the calendar's date if the day changed since (a dashboard left
        open overnight); True when it moved. Never with a date given at start (``--today``)."""
        if self._clock is None:
            return False
        now = self._clock()
        if now == self.today:
            return False
        self.today = now
        return True

    # -- keeping the models in step with the file ---------------------------------------

    def _sync(self, force: bool = False) -> None:
        # A write in progress in another thread of this process holds the lock:
        # serve what was last published rather than wait for its fsync.
        if not self._lock.acquire(blocking=force or self._writer == threading.get_ident()):
            return
        try:
            self.storage.refresh(reading=not force)  # (a read goes on from what the file last held)
            if self._stale or self.storage.generation != self._generation:
                self._rebuild()
        finally:
            self._lock.release()

    def _check_version(self, table_of: Callable[[str], dict[str, Any]]) -> None:
        """The storage's look at a changed file before it takes it (any re-read: the poll,
        a read, a save): every kind this session has built is built from the new version
        (``table_of(name)``: one of its tables). A record another program made invalid is
        then refused with the file (a :class:`DataFileError`; the data last read stays in
        use), not found later by a view drawing it. Nothing is built before the file was
        first read (``relance status`` builds only what it shows)."""
        kinds = [kind for kind in KINDS if kind in self._models] if self._generation >= 0 else []
        meta = next(iter(table_of(META_TABLE).values()), {})
        if not self.storage.incoming_checked and meta.get("schema") == SCHEMA:  # (an older one is migrated first)
            # changed by another program (or by hand) since relance last wrote it: every
            # record is checked now, as a write would, so that no command (``relance status``
            # reads three tables) goes on from a record the forms would refuse
            kinds = list(KINDS)
        self._checked = {kind: self._build(kind, table_of(MODELS[kind].TABLE)) for kind in kinds}

    def _rebuild(self) -> None:
        """Start over from the file as parsed: the settings now, each kind of record when
        it is first asked for (``relance status`` never builds the 20,000 interactions)."""
        settings, settings_doc_id = self._load_settings(self.storage.read_table(Settings.TABLE))
        self._models, self._doc_ids = {}, {}
        self._history = {}
        self._settings, self._settings_doc_id = settings, settings_doc_id
        self._generation = self.storage.generation
        self._stale = False
        for kind, (records, ids) in self._checked.items():  # (built by the check: not again)
            self._models[kind], self._doc_ids[kind] = records, ids
        self._checked = {}

    def _load_settings(self, table: dict[str, Any]) -> tuple[Settings, int | None]:
        """The settings of the file's settings table and their document number (the defaults
        and None when there are none); invalid ones make the file unusable."""
        for doc_id, doc in table.items():
            try:
                settings = Settings.from_doc(doc, self.today)
            except ValidationError as err:
                raise self._bad_file(_("the settings are invalid: {problem}.").format(problem=err)) from None
            return settings, self._number(doc_id, Settings.TABLE)
        return Settings(), None

    def _number(self, doc_id: str, table: str) -> int:
        """TinyDB's number of a document, from its key; a key that is not one makes the file
        unusable."""
        try:
            return int(doc_id)
        except ValueError:
            raise self._bad_file(_("record {doc_id} of table {table} is not numbered (its key is not a "
                                   "number).").format(doc_id=shown(doc_id), table=table)) from None

    def _build(self, kind: str, table: dict[str, Any] | None = None) -> tuple[dict[str, Record], dict[str, int]]:
        """One kind's records from the parsed file (or from ``table``, its documents); an
        invalid one makes the file unusable."""
        model = MODELS[kind]
        if table is None:
            table = self.storage.read_table(model.TABLE)
        records: dict[str, Record] = {}
        ids: dict[str, int] = {}
        with no_gc():
            for doc_id, doc in table.items():
                number = self._number(doc_id, model.TABLE)
                try:
                    record = model.from_doc(doc, self.today)
                except ValidationError as err:
                    raise self._bad_file(
                        _("record {doc_id} of table {table} is invalid: {problem}.").format(
                            doc_id=shown(doc_id), table=model.TABLE, problem=str(err).rstrip(".")
                        )
                    ) from None
                if not record.uid:
                    raise self._bad_file(
                        _("record {doc_id} of table {table} has no uid.").format(doc_id=shown(doc_id), table=model.TABLE)
                    )
                if record.uid in records:  # (one of them would be hidden: doctor --fix renumbers it)
                    raise self._bad_file(
                        _("records {first} and {second} of table {table} have the same uid {uid}; "
                          "relance doctor --fix gives the second one a new uid.").format(
                            first=ids[record.uid], second=number, table=model.TABLE, uid=shown(record.uid))
                    )
                records[record.uid] = record
                ids[record.uid] = number
        return records, ids

    def load_all(self) -> None:
        """Build every kind now (checks every record of the file)."""
        self._view()

    def load(self, *kinds: str) -> None:
        """Build these kinds now: a damaged table or record among them is reported here
        (the dashboard loads what its first screen shows before the screen opens)."""
        tables = self._tables()
        for kind in kinds:
            self._records(kind, tables)

    def prepare_writes(self) -> None:
        """Make the first save as quick as the next ones (see ``DurableStorage.prepare_writes``)."""
        self.storage.prepare_writes()

    def _bad_file(self, problem: str) -> DataFileError:
        return DataFileError(self.path, problem, self.storage.backups.newest())

    def _tables(self) -> tuple[dict[str, dict[str, Record]], dict[str, dict[str, int]]]:
        if self._work is not None and self._writer == threading.get_ident():
            return self._work, self._work_ids  # type: ignore[return-value]
        self._sync()
        return self._models, self._doc_ids

    def _records(self, kind: str, tables=None) -> dict[str, Record]:
        """uid -> record of one kind, built on first use."""
        models, ids = tables or self._tables()
        records = models.get(kind)
        if records is None:
            records, kind_ids = self._build(kind)
            ids[kind] = kind_ids
            models[kind] = records
        return records

    def _view(self) -> dict[str, dict[str, Record]]:
        """Every kind (built if need be)."""
        tables = self._tables()
        for kind in KINDS:
            self._records(kind, tables)
        return tables[0]

    @contextlib.contextmanager
    def transaction(self) -> Iterator["Repository"]:
        """Group changes into one locked, atomic write. Nested calls join the outer one."""
        with self._lock:
            if self._work is not None:
                yield self
                return
            try:
                with self.storage.transaction():
                    # the storage re-read the file under the lock: start from it
                    if self._stale or self.storage.generation != self._generation:
                        self._rebuild()
                    # TinyDB tables cache the next doc id in memory; another process
                    # may have inserted since: recompute it from the file just read
                    for table in self.db._tables.values():
                        table._next_id = None
                        table.clear_cache()
                    self._work = dict(self._models)
                    self._work_ids = dict(self._doc_ids)
                    self._work_settings = self._settings
                    self._writer = threading.get_ident()
                    self._copied: set[str] = set()
                    self._touched: dict[str, set[str]] = {}
                    self._next_ids: dict[str, int] = {}
                    yield self
            except BaseException:  # in the changes, or the write refused (a full disk...)
                self._work = self._work_ids = self._work_settings = None
                self._writer = None
                self._stale = True  # built again on the next read (not a change from elsewhere)
                raise
            # committed: publish the working copies, and say what changed
            for kind, uids in self._touched.items():
                before, after = self._models.get(kind), self._work[kind]  # type: ignore[index]
                if uids is None:  # replaced wholesale (an import): not said record by record
                    self._history.pop(kind, None)
                elif before is not None and before is not after:
                    history = self._history.setdefault(kind, [])
                    history.append((before, after, frozenset(uids)))
                    del history[:-self.HISTORY]
            self._models, self._doc_ids = self._work, self._work_ids  # type: ignore[assignment]
            self._settings = self._work_settings  # type: ignore[assignment]
            self._generation = self.storage.generation
            self._work = self._work_ids = self._work_settings = None
            self._writer = None

    #: saves remembered per kind by :meth:`changed_since`
    HISTORY = 4  # (a pane looks one or two saves back)

    def changed_since(self, kind: str, before: Mapping[str, Record]) -> frozenset[str] | None:
        """The uids of ``kind`` added, changed or deleted since ``before`` (a mapping
        :meth:`records` returned) by the saves of this process; None when that is not
        known (``before`` is too old, or the file was read again): compare it all then."""
        current = self._records(kind)
        if before is current:
            return frozenset()
        changed: set[str] = set()
        for old, new, uids in self._history.get(kind, ()):
            if old is before:
                changed |= uids
                before = new
        return frozenset(changed) if before is current else None

    def _writable(self, kind: str, uid: str | None = None) -> tuple[dict[str, Record], dict[str, int]]:
        """Copy-on-write tables of the running transaction (``uid``: the record about to change)."""
        assert self._work is not None and self._work_ids is not None
        touched = self._touched.setdefault(kind, set())
        if uid and touched is not None:
            touched.add(uid)
        self._records(kind)
        if kind not in self._copied:
            self._work[kind] = dict(self._work[kind])
            self._work_ids[kind] = dict(self._work_ids[kind])
            self._copied.add(kind)
        return self._work[kind], self._work_ids[kind]

    # -- reading ------------------------------------------------------------------------

    def records(self, kind: str) -> Mapping[str, Record]:
        """uid -> record, read-only. The same object until that kind changes: views can
        keep what they computed from it (sorted lists, search text) while it is unchanged."""
        model_for(kind)
        return self._records(kind)

    def list(self, kind: str) -> list[Record]:
        model_for(kind)
        return list(self._records(kind).values())

    def count(self, kind: str) -> int:
        model_for(kind)
        return len(self._records(kind))

    def get(self, kind: str, uid: str) -> Record:
        model = model_for(kind)
        try:
            return self._records(kind)[uid]
        except KeyError:
            raise NotFoundError(
                _("There is no {kind} with uid {uid}.").format(kind=model.KIND, uid=uid)
            ) from None

    def settings(self) -> Settings:
        if self._work_settings is not None and self._writer == threading.get_ident():
            return self._work_settings
        self._sync()
        return self._settings

    # -- other sessions ------------------------------------------------------------------

    def changed_on_disk(self):
        """The file's identity (device, inode, size, mtime) when another process wrote it
        since it was last read, else None: one stat, no parse."""
        return self.storage.changed_on_disk()

    @property
    def generation(self) -> int:
        """Changes each time the data is read again from the file (another process wrote it)."""
        return self._generation

    def reload(self) -> bool:
        """Read the file again if another process changed it; True when the data changed."""
        before = self._generation
        self._sync(force=True)
        return self._generation != before

    def follow_ups_due(self, first: int | None = None) -> tuple[int, list[Any]]:
        """How many contacts are due today or before, and the ``first`` oldest (all with
        None): records with ``uid``, ``name``, ``company`` and ``next_follow_up``, the
        oldest first (then by name).

        Read from the stored documents when the contacts were not built yet (``relance
        status`` on 10,000 contacts would spend most of its time building them; it
        parses only the lines of the ones it shows)."""
        from types import SimpleNamespace

        models, _ids = self._tables()
        if "contact" in models:
            due = [c for c in models["contact"].values()
                   if c.next_follow_up and c.next_follow_up <= self.today]  # type: ignore[attr-defined]
            count = len(due)
        else:
            today = self.today.isoformat()
            count, docs = self.storage.docs_due("contacts", "next_follow_up", today, first, after="cadence_days")
            due = []
            for doc in docs:
                try:
                    day = date.fromisoformat(doc["next_follow_up"])
                except ValueError:
                    count -= 1  # not a date: not due (the records would refuse it anyway)
                    continue
                due.append(SimpleNamespace(uid=doc.get("uid", ""), name=clean_text(str(doc.get("name", ""))).strip(),
                                           company=clean_text(str(doc.get("company") or "")).strip(), next_follow_up=day))
        due.sort(key=lambda c: (c.next_follow_up, c.name.casefold()))
        return count, due if first is None else due[:first]

    def forecast(self, months: int | None = None):
        """The revenue-gap forecast of the data as it is now (``store.forecast``)."""
        from .forecast import calendar_for, forecast

        settings = self.settings()
        return forecast(settings, self.list("mission"), self.list("opportunity"), self.today, months=months,  # type: ignore[arg-type]
                        calendar=calendar_for(settings.country, settings.subdivision))

    def is_empty(self) -> bool:
        self._tables()
        return not self.storage.has_records() and self._settings_doc_id is None

    def find(self, kind: str, text: str) -> Record:
        """A record by uid, uid prefix (8+ characters), or unambiguous name."""
        model = model_for(kind)
        records = self._records(kind)
        wanted = text.strip()
        if wanted in records:
            return records[wanted]
        lowered = wanted.casefold()
        if len(lowered) >= 8:
            by_uid = [r for uid, r in records.items() if uid.startswith(lowered)]
            if len(by_uid) == 1:
                return by_uid[0]
        exact = [r for r in records.values() if r.label().casefold() == lowered]
        if len(exact) == 1:
            return exact[0]
        matches = exact or [r for r in records.values() if r.label().casefold().startswith(lowered)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise NotFoundError(_("No {kind} is named {name!r}.").format(kind=model.KIND, name=text))
        shown = ", ".join(f"{r.label()} ({r.uid[:8]})" for r in matches[:5])
        raise AmbiguousError(
            _("{count} records of kind {kind} match {name!r}: {shown}. Give the uid instead.").format(
                count=len(matches), kind=model.KIND, name=text, shown=shown
            )
        )

    def referrers(self, kind: str, uid: str) -> list[tuple[str, str, str, str]]:
        """(kind, uid, label, field) of every record that points at ``kind``/``uid``."""
        found = []
        tables = self._tables()
        for other_kind, model in MODELS.items():
            # only the fields that can point at ``kind`` (nothing points at an interaction:
            # deleting a contact's 50 interactions looked through every record 50 times)
            fields = [(name, ftype) for name, ftype in model.field_types().items() if ftype.may_refer_to(kind)]
            if not fields:
                continue
            for record in self._records(other_kind, tables).values():
                if record.uid == uid:
                    continue
                for name, ftype in fields:
                    if any(ref_kind == kind and ref_uid == uid for ref_kind, ref_uid in ftype.references(getattr(record, name))):
                        found.append((other_kind, record.uid, record.label(), name))
                        break
        return found

    # -- validation ---------------------------------------------------------------------

    def build(self, kind: str, data: Mapping[str, Any], base: Record | None = None) -> Record:
        """Validate ``data`` (raw values from a form, the CLI or a file) into a record.

        Raises :class:`ValidationError` mapping each bad field to a sentence.
        """
        model = model_for(kind) if kind != "settings" else Settings
        types = model.field_types()
        errors: dict[str, str] = {}
        values = {name: getattr(base, name) for name in types} if base is not None else {}
        for name, raw in data.items():
            if name not in types:
                errors[name] = _("is not a field of {a_kind}; fields are: {fields}.").format(
                    a_kind=a_kind(model.KIND), fields=", ".join(model.editable_fields())
                )
                continue
            if name == "uid":
                continue
            try:
                values[name] = types[name].parse(raw, self.today)
            except ValueError as err:
                message = str(err)  # (it may quote the value: an imported cell of 100,000 characters...)
                errors[name] = message if len(message) <= 300 else message[:299] + "…"
        record = model(**{k: v for k, v in values.items() if k not in errors})
        if base is not None:
            record.extra = dict(getattr(base, "extra", {}) or {})
        for name, ftype in types.items():
            if ftype.required and name not in errors and getattr(record, name) in (None, "", []):
                errors[name] = _("is required.")
        for name, message in record.check().items():
            errors.setdefault(name, message)
        if not errors:
            errors.update(self._check_references(record))
        if errors:
            raise ValidationError(model.KIND, errors)
        return record

    def _check_references(self, record: Record) -> dict[str, str]:
        errors: dict[str, str] = {}
        for field, kind, uid in record.references():
            if uid not in self._records(kind) and not (kind == record.KIND and uid == record.uid):
                errors.setdefault(
                    field, _("there is no {kind} with uid {uid}.").format(kind=kind, uid=uid)
                )
        return errors

    # -- writing ------------------------------------------------------------------------

    def add(self, kind: str, data: Mapping[str, Any]) -> Record:
        """Validate and save a new record; returns it with its new ``uid``."""
        with self.transaction():
            record = self.build(kind, data)
            record.uid = new_uid()
            if "created" in record.field_types() and getattr(record, "created") is None:
                setattr(record, "created", self.today)
            self._insert(record)
            return record

    def _insert(self, record: Record) -> None:
        records, ids = self._writable(record.KIND, record.uid)
        doc_id = self._insert_doc(record.TABLE, record.to_doc())
        records[record.uid] = record
        ids[record.uid] = doc_id

    def _documents(self, table: str) -> dict[str, dict[str, Any]]:
        """The stored documents of ``table`` in the running transaction, to change in
        place: the storage writes them when the transaction ends."""
        data = self.storage.read() or {}  # (None: a new, empty file)
        self.storage.write(data)  # (raises outside a transaction)
        return data.setdefault(table, {})

    def _insert_doc(self, table: str, doc: dict[str, Any]) -> int:
        """Store a new document under the next doc id (the highest one + 1, as TinyDB
        numbers them). TinyDB's own ``Table.insert`` converts every key of the table to
        a number and back at each call: 10,000 contacts imported in one write took
        13 s into an empty file and 47 s next to 10,000 others."""
        documents = self._documents(table)
        doc_id = self._next_ids.get(table) or max(map(int, documents), default=0) + 1
        documents[str(doc_id)] = dict(doc)
        self._next_ids[table] = doc_id + 1
        return doc_id

    def _remove_doc(self, table: str, doc_id: int) -> None:
        """Drop one stored document (TinyDB's ``remove`` also goes through every key)."""
        del self._documents(table)[str(doc_id)]

    def update(self, kind: str, uid: str, changes: Mapping[str, Any], expected: Record | None = None) -> Record:
        """Validate and save changes to one record; returns the new version.

        With ``expected`` (the version a form was opened on), refuse with
        :class:`ConflictError` when the record changed or was deleted since,
        in this process or another: nothing is overwritten silently.
        """
        with self.transaction():
            if expected is not None:
                self._check_unchanged(kind, uid, expected)
            current = self.get(kind, uid)
            record = self.build(kind, changes, base=current)
            record.uid = current.uid
            self._replace(record)
            return record

    def _check_unchanged(self, kind: str, uid: str, expected: Record) -> None:
        try:
            current = self.get(kind, uid)
        except NotFoundError:
            raise ConflictError(_("{label!r} was deleted in another session while you were editing it.").format(
                label=expected.label()), None) from None
        if current.to_doc() != expected.to_doc():
            raise ConflictError(_("{label!r} was changed in another session while you were editing it.").format(
                label=expected.label()), current)

    def _replace(self, record: Record) -> None:
        records, ids = self._writable(record.KIND, record.uid)
        self._replace_doc(record.TABLE, ids[record.uid], record.to_doc())
        records[record.uid] = record

    def _replace_doc(self, table: str, doc_id: int, doc: dict[str, Any]) -> None:
        """Put a new document object in place of the stored one (never mutate it in place:
        the storage reuses the JSON line of every document object it has already written)."""
        self._documents(table)[str(doc_id)] = dict(doc)

    def delete(self, kind: str, uid: str) -> Record:
        """Delete one record; refused while other records point at it."""
        with self.transaction():
            record = self.get(kind, uid)
            referrers = self.referrers(kind, uid)
            if referrers:
                shown = "; ".join(f"{k} {label!r} ({field})" for k, _uid, label, field in referrers[:10])
                more = len(referrers) - 10
                if more > 0:
                    shown += " " + _("and {count} more").format(count=more)
                raise ReferencedError(
                    _("Cannot delete the {kind} {label!r}: {count} record(s) refer to it: {shown}.").format(
                        kind=record.KIND, label=record.label(), count=len(referrers), shown=shown
                    ),
                    referrers,
                )
            records, ids = self._writable(kind, uid)
            self._remove_doc(record.TABLE, ids.pop(uid))
            del records[uid]
            return record

    def delete_contact_with_log(self, uid: str) -> list[Record]:
        """Delete a contact and its interactions in one write; returns them all
        (the contact first) so that :meth:`restore` can undo it."""
        with self.transaction():
            log = [i for i in self.list("interaction") if i.contact_uid == uid]
            for interaction in log:
                self.delete("interaction", interaction.uid)
            contact = self.delete("contact", uid)
            return [contact, *log]

    def restore(self, records: list[Record]) -> list[Record]:
        """Put back records (a delete undone) in one write, in the order given."""
        with self.transaction():
            return [self.put(record) for record in records]

    def put(self, record: Record) -> Record:
        """Save ``record`` as it is, under its own uid: insert it, or replace the
        stored version (undo of a delete or an edit). Validated like any change."""
        with self.transaction():
            data = {name: getattr(record, name) for name in record.editable_fields()}
            checked = self.build(record.KIND, data)
            checked.uid = record.uid
            checked.extra = dict(getattr(record, "extra", {}) or {})
            if record.uid in self._records(record.KIND):
                self._replace(checked)
            else:
                self._insert(checked)
            return checked

    def log_interaction(self, data: Mapping[str, Any]) -> Record:
        """Add an interaction and move its contact's ``last_contact`` to its date and,
        when the contact has a cadence, ``next_follow_up`` to that date + cadence."""
        from datetime import timedelta

        with self.transaction():
            interaction = self.add("interaction", data)
            contact = self.get("contact", interaction.contact_uid)
            changes: dict[str, Any] = {}
            if contact.last_contact is None or interaction.date >= contact.last_contact:
                changes["last_contact"] = interaction.date
                if contact.cadence_days:
                    changes["next_follow_up"] = interaction.date + timedelta(days=contact.cadence_days)
            if changes:
                self.update("contact", contact.uid, changes)
            return interaction

    def set_settings(self, changes: Mapping[str, Any], expected: Settings | None = None) -> Settings:
        with self.transaction():
            current = self.settings()
            if expected is not None and current.to_doc() != expected.to_doc():
                raise ConflictError(_("The settings were changed in another session while you were editing them."), current)
            settings = self.build("settings", changes, base=current)
            settings.uid = current.uid or new_uid()
            # the transaction re-read the file under the lock: the doc id is current
            if self._settings_doc_id is None:
                self._settings_doc_id = self._insert_doc(Settings.TABLE, settings.to_doc())
            else:
                self._replace_doc(Settings.TABLE, self._settings_doc_id, settings.to_doc())
            self._work_settings = settings
            return settings

    # -- export and import --------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Everything, in the export format of DESIGN.md."""
        view = self._view()
        out: dict[str, Any] = {
            "format": "relance",
            "schema": SCHEMA,
            "exported": datetime.now().astimezone().isoformat(timespec="seconds"),
            "settings": self.settings().to_doc(),
        }
        for kind, model in MODELS.items():
            out[model.TABLE] = [record.to_doc() for record in view[kind].values()]
        return out

    def import_data(self, payload: Any, replace: bool = False) -> dict[str, int]:
        """Load an export into this store in one atomic write.

        Into an empty store, or with ``replace`` instead of what is there (the
        previous file is kept in the backups). Every record is validated and
        every reference checked before anything is written.
        """
        records, settings = parse_export(payload, self.today)
        with self.transaction():
            if not replace and not self.is_empty():
                raise ValidationError(
                    "import",
                    {"store": _("the data file already holds records; use --replace to replace them.")},
                )
            for model in MODELS.values():
                self.db.table(model.TABLE).truncate()
            self.db.table(Settings.TABLE).truncate()
            self._next_ids.clear()  # (TinyDB numbers what follows: the tables were emptied)
            assert self._work is not None and self._work_ids is not None
            for kind in KINDS:
                self._writable(kind)
                self._touched[kind] = None  # type: ignore[assignment]
                self._work[kind].clear()
                self._work_ids[kind].clear()
            for kind, items in records.items():
                table = self.db.table(MODELS[kind].TABLE)
                doc_ids = table.insert_multiple(record.to_doc() for record in items)
                for record, doc_id in zip(items, doc_ids):
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
                self._settings_doc_id = self.db.table(Settings.TABLE).insert(settings.to_doc())
                self._work_settings = settings
            else:
                self._settings_doc_id = None
                self._work_settings = Settings()
        return {MODELS[kind].TABLE: len(items) for kind, items in records.items()}


def parse_export(payload: Any, today: date) -> tuple[dict[str, list[Record]], Settings | None]:
    """Validate an export document; every problem is named by table, index and field."""
    if not isinstance(payload, dict) or payload.get("format") != "relance":
        raise ValidationError("import", {"format": _("this is not a relance export (no \"format\": \"relance\").")})
    schema = payload.get("schema")
    if not isinstance(schema, int) or schema > SCHEMA:
        raise ValidationError(
            "import",
            {"schema": _("schema {schema} is not supported; this relance reads schema {supported} at most.").format(
                schema=reprlib.repr(schema), supported=SCHEMA  # (reprlib: a value of the file quoted short)
            )},
        )
    errors: dict[str, str] = {}
    records: dict[str, list[Record]] = {}
    seen: dict[str, str] = {}
    for kind, model in MODELS.items():
        items = payload.get(model.TABLE, [])
        if not isinstance(items, list):
            errors[model.TABLE] = _("expected a list of records.")
            continue
        parsed = []
        for index, doc in enumerate(items):
            where = f"{model.TABLE}[{index}]"
            if not isinstance(doc, dict):
                errors[where] = _("expected an object, got {value}.").format(value=reprlib.repr(doc))
                continue
            try:
                record = model.from_doc(doc, today)
            except ValidationError as err:
                for field, problem in err.errors.items():
                    errors[f"{where} {field}"] = problem
                continue
            problems = record.check()
            for name, ftype in model.field_types().items():
                if ftype.required and getattr(record, name) in (None, "", []):
                    problems.setdefault(name, _("is required."))
            for field, problem in problems.items():
                errors[f"{where} {field}"] = problem
            if not record.uid:
                errors[f"{where} uid"] = _("is required.")
            elif record.uid in seen:
                errors[f"{where} uid"] = _("{uid} is already used by {other}.").format(uid=shown(record.uid), other=seen[record.uid])
            else:
                seen[record.uid] = where
            parsed.append(record)
        records[kind] = parsed
    settings = None
    if payload.get("settings") and not isinstance(payload["settings"], dict):
        errors["settings"] = _("expected an object, got {value}.").format(value=reprlib.repr(payload["settings"]))
    elif payload.get("settings"):
        try:
            settings = Settings.from_doc(payload["settings"], today)
            for field, problem in settings.check().items():
                errors[f"settings {field}"] = problem
        except ValidationError as err:
            for field, problem in err.errors.items():
                errors[f"settings {field}"] = problem
    if errors:
        raise ValidationError("import", errors)
    return records, settings
