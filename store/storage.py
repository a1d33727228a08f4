"""A durable TinyDB storage for one consultant's file (docs/ARCHITECTURE.md, "Storage contract").

TinyDB's stock ``JSONStorage`` overwrites the file in place, takes no lock and
re-parses the file on every read. This storage guarantees instead:

1. atomic, durable writes: temp file in the same folder, fsync, ``os.replace``,
   fsync of the folder; a crash leaves the old or the new file, never a broken one
   (``store/files.py``);
2. no lost update across processes: every write happens inside
   :meth:`DurableStorage.transaction`, which holds an exclusive ``flock`` on the
   sidecar ``<file>.lock`` and on the file's folder (``store/filelock.py``) and
   starts from the file's current content;
3. reads served from memory while the file is unchanged (a ``stat`` per read);
4. folder 0700 and file 0600 whatever the umask, no write through a symlink, and
   a file owned by someone else or writable by others refused;
5. a corrupt or foreign file is never overwritten: :class:`DataFileError` names
   the file, the problem and the newest backup in ``backups/`` beside it
   (``store/backups.py``).

A new version of the file (another program wrote it) is read into a :class:`Version`
and put in use only when it is usable. A storage that follows the file (the default:
``relance restore``, ``doctor``) takes every version that is a relance data file. The
repository's storage does not (``follow=False``): its reads serve the version last
taken, and the repository asks for a new one (:meth:`DurableStorage.incoming`, or the
version a transaction yields), checks its records, then takes it
(:meth:`DurableStorage.take`) or refuses it (:meth:`DurableStorage.refuse`).

TinyDB's ``Table`` mutates the dict that ``read()`` returns and then calls
``write()``. Inside a transaction that dict *is* the in-memory state; if the
transaction fails the state is dropped and the next read parses the file again.
"""

from __future__ import annotations

import contextlib
import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .backups import Backups
from .errors import DataFileError, DataFileGoneError, RelanceError, SaveError, UnsafeFileError
from .filelock import Lock
from .files import fsync_dir, make_private_dirs, remove_temp_files, replace_file
from .filesafety import check_data_file, check_file, check_folder, resolve
from .i18n import _
from .layout import META_TABLE, SCHEMA, LineCache, check_layout, dump_parts
from .lazytables import LazyTables, due_docs
from .storage_lines import LineChanges
from .tablelines import NotOneLine
from .versions import Version, parse, parse_whole


class DurableStorage(LineChanges, Storage):
    """TinyDB storage with atomic writes, a file lock and a stat-checked cache."""

    def __init__(self, path: str | os.PathLike[str], follow: bool = True):
        requested = Path(path).expanduser()
        #: where the data really is (the user's own links followed); writes go there,
        #: never through a symlink
        self.path = resolve(requested, _("data file"))
        self.requested = requested
        self.folder = self.path.parent
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.backups = Backups(self.path)

        self._data: dict[str, dict[str, Any]] | None = None
        #: a file in relance's layout, its tables not all parsed yet (``_data`` is None then)
        self._lazy: LazyTables | None = None
        self._key: tuple[int, int, int, int] | None = None
        #: the version in use is as relance wrote it (its ``_meta`` check matches): its
        #: tables can be read and changed line by line (``store/tablelines.py``)
        self._checked = False
        #: the changes of the running transaction to tables it did not parse (table -> patch)
        self._patches: dict[str, Any] = {}  # (a TablePatch each: store/tablelines.py)
        #: the next writes put no check in the file (``relance restore``, ``doctor --fix``:
        #: records no one checked; the next reader checks them all)
        self.unchecked = False
        #: the next key of each table the running transaction inserted into, read whole
        self._next_ids: dict[str, int] = {}
        self._pin: int | None = None  # fd of the parsed file: its inode cannot be reused
        self._thread_lock = threading.RLock()
        self._depth = 0
        #: the file lock while a write holds it
        self._lock: Lock | None = None
        #: temp files of writers killed mid-write were looked for (at the first write)
        self._swept = False
        self._dirty = False
        #: how many times the file was parsed (guarantee 3 is tested on it)
        self.parse_count = 0
        #: bumped whenever the in-memory data is replaced from disk
        self.generation = 0
        #: bumped at each write of ours (the dashboard's undo knows an unrecorded one by it)
        self.writes = 0
        self._lines = LineCache()
        self._primed = False
        #: (stat key, error) of the file last found unusable: not read again until it changes
        self._bad: tuple[tuple | None, RelanceError] | None = None
        #: reads and writes take a new version of the file themselves; False: the owner
        #: (the repository) looks for one (:meth:`incoming`), checks it, and takes it
        self.follow = follow

        # Decided before anything is made: a read of nothing creates nothing (the folder,
        # the lock and backups/ are made by the first write).
        above = next((p for p in self.path.parents if os.path.lexists(p)), None)
        if above is not None and not above.is_dir():
            raise RelanceError(_("Cannot use the data file {path}: {reason}").format(
                path=self.path, reason=_("{file} is a file, not a folder.").format(file=above)))
        check_folder(self.folder)
        check_data_file(self.path)

    # -- locking --------------------------------------------------------------------

    def _sweep_leftovers(self) -> None:
        """Remove temp files left by a writer that was killed mid-write (only the lock
        holder writes one: called with the lock held, once per storage)."""
        if not self._swept:
            self._swept = True
            remove_temp_files(self.path)

    # -- reading --------------------------------------------------------------------

    def _stat_key(self) -> tuple[int, int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as err:  # (no right to look any more...): reading it will say why
            return (-1, err.errno or 0, 0, 0)
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def _prime_lines(self) -> None:
        """Before the first change to a parsed file: its lines become the cached lines of
        its documents, so that this write does not encode all of them again."""
        if self._primed or self._data is None or self._pin is None:
            return
        self._primed = True
        try:
            self._lines.prime(os.pread(self._pin, os.fstat(self._pin).st_size, 0), self._data)
        except OSError:
            pass

    def prepare_writes(self) -> None:
        """Do ahead of time what the first save would do: take the file's lines and make
        its chunks (~0.1 s at 10,000 contacts). Meant for a worker after start-up; the
        lock is held only to look and to install, so readers are not kept waiting."""
        with self._thread_lock:
            if self._lazy is not None and self._checked:
                return  # (written line by line: no line to take, no chunk to make)
            self._whole()
            data, pin, key = self._data, self._pin, self._key
            if self._primed or data is None or pin is None:
                return
            try:
                raw = os.pread(pin, os.fstat(pin).st_size, 0)
            except OSError:
                return
        cache = LineCache()
        try:
            cache.prime(raw, data)
        except RuntimeError:  # RuntimeError: a save changed a table meanwhile
            return
        with self._thread_lock:
            if self._data is data and self._key == key and not self._primed and not self._depth:
                self._lines, self._primed = cache, True

    def changed_on_disk(self) -> tuple[int, int, int, int] | None:
        """The file's stat key when it is not the one last read or written, else None (one
        ``stat``). A file that disappeared counts as a change too: its key is ``()``."""
        key = self._stat_key()
        if key == self._key:
            return None
        return key if key is not None else ()  # type: ignore[return-value]

    def _fail(self, problem: str) -> DataFileError:
        return DataFileError(self.path, problem, self.backups.newest())

    @property
    def in_use(self) -> bool:
        """A version of the file was taken (read, or written): reads can go on from it."""
        return self._key is not None

    def refresh(self, reading: bool = False) -> bool:
        """Take the file's new version if it changed on disk; True when the data changed.

        A file that cannot be used now (damaged, or moved away, by another program) raises
        a :class:`RelanceError` saying so, and is not read again until it changes. With
        ``reading`` (a read, not a write), once a file was read, the reads go on from what
        it last held instead: an open dashboard keeps working on it, the file poll says
        what is wrong, and a save is refused.

        For a storage that does not :attr:`follow` the file, the owner calls
        :meth:`incoming` instead: this takes a version without the owner's check."""
        with self._thread_lock:
            generation = self.generation
            try:
                version = self.incoming()
            except RelanceError:
                if reading and self.in_use:
                    return False
                raise
            if version is not None:
                self.take(version)
            return self.generation != generation

    def incoming(self) -> Version | None:
        """The file's version on disk when it is not the one in use, read and parsed but
        not taken (None: unchanged, or still no file). A file that cannot be used (damaged,
        moved away, not the user's) raises the :class:`RelanceError` saying so, and is not
        read again until it changes. The version is then taken (:meth:`take`) or refused
        (:meth:`refuse`)."""
        with self._thread_lock:
            key = self._stat_key()
            if key is not None and key == self._key:
                return None
            if self._bad is not None and self._bad[0] == key:
                raise self._bad[1]
            if key is None and self._key is not None:  # it was read or written, and is gone
                raise self._gone()
            if key is None:  # never read nor written: no file yet
                if self._data is not None or self._lazy is not None:
                    self._set(None, None, None)  # (still no file: nothing to check)
                return None
            opened = self._read_file()
            if opened is None:  # gone since the stat, never read
                return None
            fd, st, raw = opened
            key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            try:
                data, checked = parse(raw, self._fail)
            except DataFileError as err:
                os.close(fd)
                self._bad = (key, err)
                raise
            return Version(self._fail, data, checked, key, fd)

    def _read_file(self) -> tuple[int, os.stat_result, bytes] | None:
        """The data file opened (its fd, kept open: its inode cannot be reused), its
        ``fstat`` and its bytes; None when it is gone since the ``stat`` and was never read."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
        except FileNotFoundError:  # gone since the stat
            if self._key is not None:
                raise self._gone() from None
            return None
        except PermissionError:
            raise self._fail(_("you are not allowed to read it.")) from None
        except OSError as err:  # (a symbolic link put in its place: ELOOP)
            raise self._fail(_("it cannot be read: {reason}.").format(reason=err.strerror or err)) from None
        try:
            st = os.fstat(fd)
            if stat.S_ISREG(st.st_mode):
                # at every read, not only the first: a file swapped under an open
                # dashboard is checked as the one it opened (the fd, not the name)
                self._check_owner(st)
            raw = os.read(fd, st.st_size + 1)  # at once: no copy into a join
            if len(raw) != st.st_size:  # it grew, or came short: read on to the end
                chunks = [raw]
                while chunk := os.read(fd, 1 << 20):
                    chunks.append(chunk)
                raw = b"".join(chunks)
        except BaseException as err:
            os.close(fd)
            if isinstance(err, UnsafeFileError):
                self._bad = ((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns), err)
                raise
            if isinstance(err, OSError):  # (a folder in its place, an I/O error...)
                raise self._fail(_("it cannot be read: {reason}.").format(reason=err.strerror or err)) from None
            raise
        return fd, st, raw

    def take(self, version: Version) -> None:
        """Put ``version`` in use: the reads serve it from now on (a new generation)."""
        with self._thread_lock:
            version.state = "taken"
            self.parse_count += 1
            self._bad = None
            self._lines, self._primed = LineCache(), False  # primed by the first write: a reader never pays for it
            self._set(version.data, version.key, version.fd)
            self._checked = version.checked and isinstance(version.data, LazyTables)
            if self._depth and not self._checked:  # taken under a transaction's lock: the write starts from every table
                self._whole()
                self._prime_lines()

    def refuse(self, version: Version, error: DataFileError) -> DataFileError:
        """Give ``version`` up for ``error`` (what is wrong with it): the data in use stays,
        and ``error`` is raised again at each look until the file changes. Returns it, to
        be raised."""
        with self._thread_lock:
            version.state = "refused"
            os.close(version.fd)
            self._bad = (version.key, error)
            return error

    def _check_owner(self, st: os.stat_result) -> None:
        """The file just opened (its ``fstat``) and its folder are the user's alone."""
        check_file(self.path, st, _("data file"))
        check_folder(self.folder)

    def _gone(self) -> DataFileGoneError:
        """The file read or written before is no longer there: remembered (not looked for
        again until something is there) and raised."""
        self._bad = (None, DataFileGoneError(self.path))
        return self._bad[1]  # type: ignore[return-value]

    def _whole(self) -> None:
        """Parse the tables not parsed yet (under the thread lock)."""
        lazy = self._lazy
        if lazy is None:
            return
        try:
            data = lazy.whole()
        except ValueError:
            data = parse_whole(lazy.raw, self._fail)  # raises with the line and column
        problem = check_layout(data)
        if problem:
            raise self._fail(problem)
        self._data, self._lazy = data, None

    @contextlib.contextmanager
    def _current(self) -> Iterator[None]:
        """The thread lock, with the file read again if it changed (not inside a write,
        which works on its own copy; nor when the owner takes the versions, see :attr:`follow`)."""
        with self._thread_lock:
            if self._depth == 0 and self.follow:
                self.refresh(reading=True)
            yield

    def read_table(self, name: str, keep: bool = True) -> dict[str, Any]:
        """One table (``{}`` when absent), parsing no other if it can: the reads of
        the dashboard's first screen and of ``relance status``. With ``keep=False``, a table
        parsed for this read is not kept when the file can be written line by line (the
        repository builds its records from it and keeps those: 30,000 contacts' documents
        kept too took ~60 MB). The running transaction's changes line by line are in it."""
        with self._current():
            if self._lazy is not None:
                try:
                    table = self._lazy.table(name, keep=keep or not self._checked)
                except ValueError:
                    self._whole()  # raises the problem, with its place in the file
                    return (self._data or {}).get(name) or {}
                patch = self._patches.get(name) if self._depth else None
                if patch is not None:
                    table = dict(table or {})
                    patch.apply(table)
                return table if table is not None else {}
            return (self._data or {}).get(name) or {}

    def docs_due(self, table: str, field: str, at_most: str, first: int | None = None,
                 after: str = "", keep: tuple[str, ...] | None = None) -> tuple[int, list[dict[str, Any]]]:
        """See ``LazyTables.docs_due``: without parsing the whole table when it is not
        parsed yet."""
        with self._current():
            if self._lazy is not None:
                try:
                    return self._lazy.docs_due(table, field, at_most, first, after, keep)
                except ValueError:
                    self._whole()  # raises the problem, with its place in the file
            found = due_docs(((self._data or {}).get(table) or {}).values(), field, at_most)
            return len(found), found

    def has_records(self) -> bool:
        """True when some table other than ``_meta`` holds a document (no parse needed)."""
        with self._current():
            if self._lazy is not None:
                return any(not self._lazy.is_empty(name) for name in self._lazy.spans if name != META_TABLE)
            return any(table for name, table in (self._data or {}).items() if name != META_TABLE)

    def _set(self, data: dict | LazyTables | None, key: tuple | None, pin: int | None) -> None:
        if self._pin is not None:
            os.close(self._pin)
        if isinstance(data, LazyTables):
            self._data, self._lazy = None, data
        else:
            self._data, self._lazy = data, None
        self._key, self._pin = key, pin
        self.generation += 1

    def read(self) -> dict[str, dict[str, Any]] | None:
        with self._current():
            self._whole()
            if self._depth:
                self._prime_lines()
                self._apply_patches()
            return self._data

    def schema(self) -> int | None:
        """The file's schema version: None for an empty file, 0 without ``_meta``."""
        with self._current():
            if self._lazy is None and not self._data:
                return None
            tables = self._lazy.spans if self._lazy is not None else self._data
            if META_TABLE not in tables:  # type: ignore[operator]
                return 0
            return next(iter(self.read_table(META_TABLE).values())).get("schema")

    # -- writing --------------------------------------------------------------------

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Write ``data`` when the transaction ends. A changed record must be a new
        document (a new dict in the table), never the old one changed in place: a document
        already written keeps its encoded line (:class:`LineCache`)."""
        if self._depth == 0:
            raise RuntimeError("DurableStorage.write() outside a transaction would lose updates")
        self._data = data
        self._dirty = True

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Version | None]:
        """Hold the file lock, start from the file as it is now, write once at the end.

        Nested transactions join the outer one. If the body raises, nothing is
        written and the in-memory state is dropped.

        A storage that does not :attr:`follow` the file yields the new version found under
        the lock (None: the file is as last taken): the owner takes it (:meth:`take`) or
        refuses it (:meth:`refuse`, then raises) before it reads anything.
        """
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield None
                finally:
                    self._depth -= 1
                return
            if self.follow:
                # a file that is not a relance data file of the user's is refused before the
                # lock, the folder or anything else is made beside it (the owner of a storage
                # that does not follow looks at the file itself first)
                self.refresh()
            with self._locked():
                incoming = None
                if self.follow:
                    self.refresh()
                else:
                    incoming = self.incoming()
                if incoming is None and not (self._lazy is not None and self._checked):
                    self._whole()  # a write starts from every table (see take for a new version)
                    self._prime_lines()
                self._dirty = False
                self._patches, self._next_ids = {}, {}
                self._depth = 1
                try:
                    yield incoming
                    if incoming is not None and incoming.state is None:
                        raise RuntimeError("the version of the file found under the lock was neither taken nor refused")
                    if self._patches:
                        try:
                            self._commit_lines()
                        except NotOneLine:  # (written by hand, its check made to match)
                            self._whole()
                            self._apply_patches()
                            self._commit(self._data or {})
                    elif self._dirty:
                        if self._data is None:  # (written line by line, then turned whole: nothing to do)
                            self._whole()
                        self._commit(self._data or {})
                except BaseException:
                    if incoming is not None and incoming.state is None:
                        os.close(incoming.fd)  # (never in use)
                    if incoming is None or incoming.state == "taken":  # (a refused one: nothing was read)
                        self._undo()
                    raise
                finally:
                    self._depth = 0
                    self._dirty = False
                    self._patches = {}

    def _undo(self) -> None:
        """After a write that did not happen (an error in the change, a full disk...): the
        data in memory may have been changed in place, so it is parsed again from the file
        it came from, still open and unchanged. Not a new generation: nothing came from
        another session (the dashboard would say so)."""
        if self._data is None and self._lazy is not None:  # changed line by line: nothing in memory was
            self._patches = {}
            return
        pin = self._pin
        if pin is None:  # (no file yet: still none)
            self._data = self._lazy = None
            return
        self._lines, self._primed = LineCache(), False  # (new documents: none has a line yet)
        try:
            data, _checked = parse(os.pread(pin, os.fstat(pin).st_size, 0), self._fail)
        except (OSError, RelanceError):
            data = None
        if data is None:
            self._set(None, None, None)  # parse again next time
        else:
            self._data, self._lazy = (None, data) if isinstance(data, LazyTables) else (data, None)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This thread and the file lock (the sidecar's and the folder's ``flock``): no other
        writer, in or out of the process.
        The folder, the lock and ``backups/`` are checked (and made) here, by the writes."""
        with self._thread_lock:
            check_folder(self.folder)
            try:
                make_private_dirs(self.folder)
            except OSError as err:
                raise RelanceError(_("Cannot use the data file {path}: {reason}").format(
                    path=self.path, reason=_("{reason} ({where}).").format(
                        reason=err.strerror or err, where=err.filename or self.folder))) from None
            self.backups.check()  # (refused before the lock is made, not after)
            lock = Lock(self.lock_path)
            lock.acquire()
            try:
                check_data_file(self.path)  # (backups/ is checked again where it is written: Backups.keep)
                self._sweep_leftovers()
                self._lock = lock
                yield
            finally:
                self._lock = None
                lock.release()

    def sweep(self) -> None:
        """Remove the temp files of writers killed mid-write now, under the lock (``doctor
        --fix``; a write does it too)."""
        with self._locked():
            pass

    def replace_with(self, data: dict[str, dict[str, Any]]) -> Path | None:
        """Put ``data`` in place of the file whatever the file holds now (``relance restore``
        on a damaged file): under the lock, after keeping the current file as a backup.
        Returns that backup."""
        with self._locked():
            unchecked, self.unchecked = self.unchecked, True  # (a backup, damaged or not: checked when read)
            try:
                kept = self._commit(data, same_file=False)
            finally:
                self.unchecked = unchecked
            self.generation += 1
            return kept

    def backup_now(self) -> Path | None:
        """Keep the file as it is now as the newest backup (``relance backup``)."""
        with self._locked():
            try:
                return self.backups.keep(self.path, link=False)
            except OSError as err:  # a full disk, a quota... (the partial copy is removed)
                raise RelanceError(_("Could not keep a backup in {folder}: {reason}. The data file is unchanged.").format(
                    folder=self.backups.folder, reason=err.strerror or err)) from None

    def _still_ours(self, same_file: bool) -> None:
        """Just before the data file is replaced: the lock is still the file its path names,
        and (``same_file``) the data file is the one read under it. A lock removed (``rm``)
        under this writer let another writer take a new one: a relance that also locks the
        folder waits for this save, but an older one, which locks only the lock file, may
        be writing, and writing now could drop its change, so this one is given up,
        unwritten, and says so."""
        if self._lock is not None and not self._lock.still_held():
            raise RelanceError(_(
                "The lock file {lock} was removed or replaced while this save held it, so another program may "
                "have saved at the same time: this change was not saved, so as to lose neither. Try again."
            ).format(lock=self.lock_path))
        if same_file and self._stat_key() != self._key:
            raise RelanceError(_(
                "The data file {path} was changed by another program during this save (without its lock): this "
                "change was not saved, so as to lose neither. Try again."
            ).format(path=self.path))

    def _commit(self, data: dict[str, dict[str, Any]], same_file: bool = True) -> Path | None:
        """Write ``data`` in place of the file; returns the backup of the file replaced. The
        file is written without a check when :attr:`unchecked` (its records were not all
        checked: a backup put back, doctor's repairs), so that the next reader checks them."""
        data.setdefault(META_TABLE, {"1": {"schema": SCHEMA}})
        try:
            payload = dump_parts(data, self._lines, checked=not self.unchecked)
        except RecursionError:  # (a value a file held, nested as deep as the parser went: the encoder goes less deep)
            raise RelanceError(_("Could not save to {path}: a value is nested too deeply to be written. Nothing was "
                                 "changed: the file holds what it held before.").format(path=self.path)) from None
        kept = self._write(payload, same_file)
        self._data = data
        self._lazy, self._checked = None, False  # (a whole file in memory: read and written whole)
        return kept

    def _write(self, payload: list, same_file: bool) -> Path | None:
        """Put ``payload`` (the new file's pieces) in place of the file, the file replaced kept
        as the newest backup (returned); then the new file is the version in use (no new
        generation: the data in memory is what is on disk)."""
        self.backups.release_last_kept()
        if self._pin is not None:
            # the file replaced is kept as a backup, read only to restore it: its pages leave
            # the kernel's cache now, and the write takes them (fresh pages cost a VM whose
            # balloon took them back ~10 us each: writing 25 MB took 25-80 ms instead of 6)
            with contextlib.suppress(OSError, AttributeError):
                os.posix_fadvise(self._pin, 0, 0, os.POSIX_FADV_DONTNEED)
        kept: list[Path | None] = [None]

        def before() -> None:
            self._still_ours(same_file)
            kept[0] = self.backups.keep(self.path, prune=False)

        try:
            replace_file(self.path, payload, before=before)
        except OSError as err:  # a full disk, a quota, a read-only file system...
            raise SaveError(self.path, err) from None
        fsync_dir(self.folder)
        self.backups.prune_later()
        pin = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        st = os.fstat(pin)
        if self._pin is not None:
            os.close(self._pin)
        self.writes += 1
        self._key, self._pin = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns), pin
        return kept[0]

    def close(self) -> None:
        self.backups.settle()
        self.backups.release_last_kept()
        with self._thread_lock:
            if self._pin is not None:
                os.close(self._pin)
                self._pin = None
            self._key = None
