"""The repository: the only code that touches TinyDB.

Reads come from models kept in memory and rebuilt only when the file changed
on disk (another process wrote it); each write is one storage transaction, so
it holds the file lock, starts from the file's current content and lands on
disk atomically before the call returns. Several changes can share one write
with :meth:`Repository.transaction` (an import, a review applied at once).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from .errors import ConflictError, DataFileError, NotFoundError, RelanceError, ValidationError
from .followups import FollowUp, due_in_documents, due_in_records, oldest
from .history import ChangeHistory
from .i18n import _
from .layout import READ_AS_IS, SCHEMA
from .lookup import referenced_error
from .models import MODELS, Record, Settings, new_uid
from .documents import StoredDocuments
from .records import build_record, load_settings
from .storage import DurableStorage, Version
from .stored_records import StoredRecords
from .repository_lookups import Lookups, model_for
from .repository_transfers import Transfers
from .repository_builds import Builds

KINDS = tuple(MODELS)


#: the records of one kind built from the file (uid -> record) and their document numbers (uid -> number)
Built = dict[str, tuple[dict[str, Record], dict[str, int]]]


class Repository(Builds, Lookups, Transfers):
    """Add, update, delete, get and list the consultant's records."""

    def __init__(self, path: str | Path, today: date | None = None,
                 clock: Callable[[], date] = date.today):
        #: the date the rules count from (follow-ups due, the forecast, relative dates)
        self.today = today or clock()
        #: ``--today`` pins the date; otherwise :meth:`new_day` follows the calendar
        self._clock = None if today is not None else clock
        # (TinyDB hands ``follow`` to the storage: this repository checks each new version
        # of the file before the storage takes it, see _look)
        self.db = TinyDB(path, storage=DurableStorage, follow=False)
        self.storage: DurableStorage = self.db.storage  # type: ignore[assignment]
        self.path = self.storage.path
        self._lock = threading.RLock()
        self._generation = -1
        #: (generation, error) of the version in use when a record of it was found damaged
        #: after it was taken (a kind built later): no save starts from it
        self._refused: tuple[int, DataFileError] | None = None
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
        #: the kinds the transaction copied (copy on write), and the uids it changed per
        #: kind (None: the kind replaced wholesale)
        self._copied: set[str] = set()
        self._touched: dict[str, set[str] | None] = {}
        #: the stored documents the transaction changes
        self._docs: StoredDocuments | None = None
        self._history = ChangeHistory()
        #: the records of a kind not built, read from the file's lines (a quick add or edit)
        self._stored = StoredRecords(self.storage, lambda: self.today, self._bad_file)
        #: (from schema, to schema, backup of the old file) when opening migrated the file
        self.migrated: tuple[int, int, Path | None] | None = None
        #: (schema, why) when an older file could not be migrated and is read as it is
        self.unmigrated: tuple[int, Exception] | None = None
        with self._lock:
            built = self._look(reading=False)  # (a damaged file is refused here)
            self._migrate()
            again = self._look(reading=False)  # (changed by another program meanwhile)
            self._rebuild(again if again is not None else built or {})

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
            built = self._look(reading=not force)  # (a read goes on from what the file last held)
            if self._stale or self.storage.generation != self._generation:
                self._rebuild(built or {})
        finally:
            self._lock.release()

    def _look(self, reading: bool) -> Built | None:
        """Take the file's new version, if there is one, once it is checked (:meth:`_accept`);
        the kinds built doing so (None: no new version). A version that cannot be used
        raises the :class:`RelanceError` saying what is wrong; with ``reading``, once a
        version was taken, the reads go on from it instead (the file poll says what is
        wrong, and a save is refused)."""
        try:
            version = self.storage.incoming()
            return self._accept(version) if version is not None else None
        except RelanceError:
            if reading and self.storage.in_use:
                return None
            raise

    def _accept(self, version: Version) -> Built:
        """Check a new version of the file before the storage takes it (any re-read: the
        poll, a read, a save): every kind this session has built is built from it. A record
        another program made invalid is then refused with the file (a
        :class:`DataFileError`; the data last read stays in use), not found later by a
        view drawing it. Nothing is built before the file was first read (``relance
        status`` builds only what it shows). Returns the kinds built."""
        if version.data is None:  # an empty file: nothing to check
            self.storage.take(version)
            return {}
        kinds = [kind for kind in KINDS if kind in self._models] if self._generation >= 0 else []
        try:
            if not version.checked and version.schema() in (SCHEMA, *READ_AS_IS):
                # (an older one is migrated first, unless it is read as it is)
                # changed by another program (or by hand) since relance last wrote it: every
                # record is checked now, as a write would, so that no command (``relance status``
                # reads three tables) goes on from a record the forms would refuse
                kinds = list(KINDS)
            same = self._unchanged_tables(version)
            built = {kind: (self._models[kind], self._doc_ids[kind]) if MODELS[kind].TABLE in same and kind in self._models
                     else self._build_version(kind, version) for kind in kinds}
        except DataFileError as err:
            raise self.storage.refuse(version, err) from None
        self.storage.take(version)
        return built

    def _rebuild(self, built: Built) -> None:
        """Start over from the file as parsed: the settings now, each kind of record when
        it is first asked for (``relance status`` never builds the 20,000 interactions),
        but for the kinds ``built`` when the version was checked (not built again)."""
        settings, settings_doc_id = load_settings(self.storage.read_table(Settings.TABLE), self.today, self._bad_file)
        self._models, self._doc_ids = {}, {}
        self._history.clear()
        self._settings, self._settings_doc_id = settings, settings_doc_id
        self._generation = self.storage.generation
        self._stale = False
        for kind, (records, ids) in built.items():
            self._models[kind], self._doc_ids[kind] = records, ids

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
            try:
                records, kind_ids = self._build(kind)
            except DataFileError as err:
                self._refuse(err)
                raise
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
                if self.unmigrated is not None:  # (read as it was: migrated before a write)
                    self._migrate(reading=False)
                # a file that cannot be used is refused before the lock, the folder or
                # anything else is made beside it
                built = self._look(reading=False)
                with self.storage.transaction() as incoming:
                    if incoming is not None:  # changed by another program since: checked, then taken
                        built = self._accept(incoming)
                    # start from the file as it is under the lock
                    if self._stale or self.storage.generation != self._generation:
                        self._rebuild(built or {})
                    refused = self._refused
                    if refused is not None and refused[0] == self.storage.generation:
                        raise refused[1]  # (a damaged record of it met since it was taken)
                    self._begin()
                    yield self
            except BaseException:  # in the changes, or the write refused (a full disk...)
                self._work = self._work_ids = self._work_settings = None
                self._writer = None
                self._stale = True  # built again on the next read (not a change from elsewhere)
                raise
            self._publish()

    def _begin(self) -> None:
        """The working copies of a transaction, visible only to the writing thread."""
        self._work = dict(self._models)
        self._work_ids = dict(self._doc_ids)
        self._work_settings = self._settings
        self._writer = threading.get_ident()
        self._copied = set()
        self._touched = {}
        self._docs = StoredDocuments(self.storage)

    def _publish(self) -> None:
        """After a write: the working copies become the records, and what changed is said."""
        for kind, uids in self._touched.items():
            before, after = self._models.get(kind), self._work.get(kind)  # type: ignore[union-attr]
            if after is None:  # changed line by line, never built: nothing to say
                continue
            if uids is None:  # replaced wholesale (an import): not said record by record
                self._history.forget(kind)
            elif before is not None and before is not after:
                self._history.add(kind, before, after, uids)
        self._models, self._doc_ids = self._work, self._work_ids  # type: ignore[assignment]
        self._settings = self._work_settings  # type: ignore[assignment]
        self._generation = self.storage.generation
        self._work = self._work_ids = self._work_settings = None
        self._writer = None

    def changed_since(self, kind: str, before: Mapping[str, Record]) -> frozenset[str] | None:
        """The uids of ``kind`` added, changed or deleted since ``before`` (a mapping
        :meth:`records` returned) by the saves of this process; None when that is not
        known (``before`` is too old, or the file was read again): compare it all then."""
        return self._history.changed_since(before, self._records(kind), kind)

    def _writable(self, kind: str, uid: str | None = None,
                  whole: bool = False) -> tuple[dict[str, Record], dict[str, int]] | None:
        """Copy-on-write tables of the running transaction (``uid``: the record about to
        change); None for a kind not built that the file lets change line by line (unless
        ``whole``): it is not built to change one record."""
        assert self._work is not None and self._work_ids is not None
        touched = self._touched.setdefault(kind, set())
        if uid and touched is not None:
            touched.add(uid)
        if not whole and kind not in self._work and self._stored.lines(kind) is not None:
            return None
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

    def _built(self, kind: str) -> bool:
        return kind in self._tables()[0]

    def get(self, kind: str, uid: str) -> Record:
        model = model_for(kind)
        if not self._built(kind) and (found := self._stored.find_uid(kind, uid)) is not None:
            return found[1]
        try:
            if not self._built(kind) and self._stored.absent(kind, uid):
                raise KeyError(uid)
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

    @property
    def stamp(self) -> tuple[int, int]:
        """Changes with every write through this repository and every read of another
        process's: the dashboard's undo goes back only to the state it recorded."""
        return (self._generation, self.storage.writes)

    def reload(self) -> bool:
        """Read the file again if another process changed it; True when the data changed."""
        before = self._generation
        self._sync(force=True)
        return self._generation != before

    def follow_ups_due(self, first: int | None = None) -> tuple[int, list[FollowUp]]:
        """How many contacts are due today or before, and the ``first`` oldest (all with
        None), the oldest first (then by name).

        Read from the stored documents when the contacts were not built yet (``relance
        status`` on 10,000 contacts would spend most of its time building them; it
        parses only the lines of the ones it shows)."""
        models, _ids = self._tables()
        if "contact" in models:
            due = due_in_records(models["contact"].values(), self.today)  # type: ignore[arg-type]
            count = len(due)
        else:
            count, docs = self.storage.docs_due("contacts", "next_follow_up", self.today.isoformat(), first,
                                                after="cadence_days", keep=("uid", "name", "company", "next_follow_up"))
            count, due = due_in_documents(count, docs)
        return count, oldest(due, first)

    def forecast(self, months: int | None = None):
        """The revenue-gap forecast of the data as it is now (``store.forecast``)."""
        from .forecast import calendar_for, forecast

        settings = self.settings()
        return forecast(settings, self.list("mission"), self.list("opportunity"), self.today, months=months,  # type: ignore[arg-type]
                        calendar=calendar_for(settings.country, settings.subdivision),
                        time_off=self.list("time_off"))  # type: ignore[arg-type]

    def is_empty(self) -> bool:
        self._tables()
        return not self.storage.has_records() and self._settings_doc_id is None

    # -- validation ---------------------------------------------------------------------

    def build(self, kind: str, data: Mapping[str, Any], base: Record | None = None) -> Record:
        """Validate ``data`` (raw values from a form, the CLI or a file) into a record, its
        references included (see ``records.build_record``).

        Raises :class:`ValidationError` mapping each bad field to a sentence.
        """
        model = model_for(kind) if kind != "settings" else Settings
        record = build_record(model, data, self.today, base)
        errors = self._check_references(record)
        if errors:
            raise ValidationError(model.KIND, errors)
        return record

    def _check_references(self, record: Record) -> dict[str, str]:
        errors: dict[str, str] = {}
        for field, kind, uid in record.references():
            if not (kind == record.KIND and uid == record.uid) and not self._exists(kind, uid):
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
        tables = self._writable(record.KIND, record.uid)
        doc_id = self._docs.insert(record.TABLE, record.to_doc())
        if tables is not None:
            records, ids = tables
            records[record.uid] = record
            ids[record.uid] = doc_id

    def _stored_key(self, kind: str, uid: str) -> tuple[int | str, tuple[dict[str, Record], dict[str, int]] | None]:
        """The key a record is stored under, and the kind's writable tables (None when
        it is changed line by line)."""
        tables = self._writable(kind, uid)
        if tables is None:
            found = self._stored.find_uid(kind, uid)
            if found is not None:
                return found[0], None
            tables = self._writable(kind, uid, whole=True)
        assert tables is not None
        return tables[1][uid], tables

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
        key, tables = self._stored_key(record.KIND, record.uid)
        self._docs.replace(record.TABLE, key, record.to_doc())
        if tables is not None:
            tables[0][record.uid] = record

    def delete(self, kind: str, uid: str) -> Record:
        """Delete one record; refused while other records point at it."""
        with self.transaction():
            record = self.get(kind, uid)
            referrers = self.referrers(kind, uid)
            if referrers:
                raise referenced_error(record, referrers)
            key, tables = self._stored_key(kind, uid)
            self._docs.remove(record.TABLE, key)
            if tables is not None:
                del tables[0][uid]
                del tables[1][uid]
            return record

    def delete_contact_with_log(self, uid: str) -> list[Record]:
        """Delete a contact and its interactions in one write; returns them all
        (the contact first) so that :meth:`restore` can undo it."""
        with self.transaction():
            stored = self._stored.referring_keys("interaction", uid) if not self._built("interaction") else None
            if stored is not None:  # (nothing refers to an interaction: removed by the keys just read)
                log = [i for _key, i in stored.values() if i.contact_uid == uid]  # type: ignore[attr-defined]
                for key, interaction in stored.values():
                    if interaction.contact_uid == uid:  # type: ignore[attr-defined]
                        self._writable("interaction", interaction.uid)
                        self._docs.remove(interaction.TABLE, key)
            else:
                log = [i for i in self._records("interaction").values() if i.contact_uid == uid]  # type: ignore[attr-defined]
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
            if self._exists(record.KIND, record.uid):
                self._replace(checked)
            else:
                self._insert(checked)
            return checked

    def log_interaction(self, data: Mapping[str, Any]) -> Record:
        """Add an interaction and move its contact's ``last_contact`` to its date and,
        when the contact has a cadence, ``next_follow_up`` to that date + cadence; without
        one, a follow-up due by that date is done: it is cleared (it stayed due, and the
        contact on "who to contact now", after the contact was made)."""
        from datetime import timedelta

        with self.transaction():
            interaction = self.add("interaction", data)
            contact = self.get("contact", interaction.contact_uid)
            changes: dict[str, Any] = {}
            if contact.last_contact is None or interaction.date >= contact.last_contact:
                changes["last_contact"] = interaction.date
                if contact.cadence_days:
                    changes["next_follow_up"] = interaction.date + timedelta(days=contact.cadence_days)
                elif contact.next_follow_up is not None and contact.next_follow_up <= interaction.date:
                    changes["next_follow_up"] = None
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
                self._settings_doc_id = self._docs.insert(Settings.TABLE, settings.to_doc())
            else:
                self._docs.replace(Settings.TABLE, self._settings_doc_id, settings.to_doc())
            self._work_settings = settings
            return settings
