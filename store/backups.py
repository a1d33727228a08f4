"""The versions of a data file kept in ``backups/`` beside it (docs/ARCHITECTURE.md,
"Storage contract", 5 and 7): one kept at every save, pruned to the newest few and one a day,
listed for ``relance restore``; in a folder that must be the user's own."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import threading
from datetime import datetime
from pathlib import Path

from .errors import RelanceError, UnsafeFileError
from .filesafety import own_file, resolve, user_name
from .files import make_private_dirs, write_new_file
from .i18n import _

BACKUP_DIR = "backups"
#: backups kept: the newest N, plus the newest of each day for D days
KEEP_LAST = 10
KEEP_DAYS = 30


def _drop_from_page_cache(path: Path) -> None:
    """Ask the kernel to drop a file's pages from its cache (a backup: written and
    synced, so they are clean, and read only to restore it)."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return
    try:
        advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    except OSError:
        pass
    finally:
        os.close(fd)


class Backups:
    """Versions of the data file kept in ``backups/`` beside it.

    A backup is a hard link to the previous file, made just before it is
    replaced: it costs no copy, and the old file is never written again.

    A backup belongs to one data file: ``relance-<stamp>.json`` for ``relance.json``
    (``<name>.<stamp>.json`` for a name without ``.json``), the stamp matched whole, so
    that ``relance-old.json`` in the same folder has backups of its own.
    """

    #: prune in a thread after each save (the dashboard: ~3 ms a save at 10,000
    #: contacts); a command that exits at once prunes before it returns
    background = False

    def __init__(self, path: Path):
        self.path = path
        self.folder = path.parent / BACKUP_DIR
        name = path.name
        self.prefix = name[: -len(".json")] + "-" if name.endswith(".json") else name + "."
        self._pattern = re.compile(re.escape(self.prefix) + r"([0-9]{8}T[0-9]{12})\.json")
        #: the version this process last kept at a save (see :meth:`release_last_kept`)
        self.last_kept: Path | None = None
        #: the thread of the pruning started by :meth:`prune_later`
        self._pruning: threading.Thread | None = None

    def check(self) -> Path:
        """The folder where the backups are, refused (:class:`UnsafeFileError`) when it is
        not the user's: a ``backups`` another user made, or a link of theirs, would let
        them read every version of the data or plant one to restore."""
        requested = self.path.parent / BACKUP_DIR
        real = resolve(requested, _("backup folder"))
        try:
            st = os.stat(real)
        except FileNotFoundError:
            return real
        what = _("backup folder")
        if not stat.S_ISDIR(st.st_mode):
            raise UnsafeFileError(_("The {what} {path} is not a folder; move it away.").format(what=what, path=requested))
        if st.st_uid != os.geteuid():
            raise UnsafeFileError(_(
                "The {what} {path} belongs to {owner}, not to you: relance keeps your backups only in a folder of "
                "your own. Move it away (mv {path} {path}.theirs; in a shared folder such as /tmp only {owner} or an "
                "administrator can), and relance makes a new one at the next save; or keep your data in a folder of "
                "your own."
            ).format(what=what, path=requested, owner=user_name(st.st_uid)))
        if real != requested and st.st_mode & 0o022:  # (a folder of its own in place is made private below)
            raise UnsafeFileError(_(
                "The {what} {path} leads to {real}, which others can write (mode {mode}). Fix it with: chmod 700 {real}"
            ).format(what=what, path=requested, real=real, mode=oct(stat.S_IMODE(st.st_mode))[2:]))
        self.folder = real
        return real

    def _safe(self) -> bool:
        try:
            self.check()
        except (UnsafeFileError, OSError):
            return False
        return True

    def list(self) -> list[Path]:
        """This data file's backups, newest first (none from a folder that is not the user's)."""
        if not self._safe():
            return []
        try:
            names = os.listdir(self.folder)
        except OSError:
            return []
        # (a folder, a link or another user's file of the same name is neither listed,
        # restored nor pruned)
        found = [n for n in names if self.when(Path(n)) is not None and own_file(self.folder / n)]
        return [self.folder / n for n in sorted(found, reverse=True)]

    def when(self, path: Path) -> datetime | None:
        """When a backup was kept, from its name."""
        match = self._pattern.fullmatch(path.name)
        if match is None:
            return None
        try:
            return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f")
        except ValueError:
            return None

    def newest(self) -> Path | None:
        items = self.list()
        return items[0] if items else None

    def _new_name(self) -> Path:
        stamp = datetime.now().strftime("%Y%m%dT%H%M%S%f")
        return self.folder / f"{self.prefix}{stamp}.json"

    def keep(self, source: Path, link: bool = True, prune: bool = True) -> Path | None:
        """Keep the current ``source`` file as the newest backup.

        A hard link costs no copy and suits a file about to be replaced (every save);
        ``link=False`` copies, for a file that stays in use (``relance backup``): a
        link would share later in-place changes to it. ``prune=False`` leaves the old
        backups for :meth:`prune_later`."""
        if not source.exists():
            return None
        folder = self._open_folder(create=True)
        try:
            target = self._new_name()
            try:
                if not link:
                    raise OSError("copy asked for")
                # (names in the folder opened and checked above: a link put in place of
                # backups/ since cannot redirect the backup)
                os.link(source, target.name, dst_dir_fd=folder)
                self.last_kept = target
            except FileExistsError:
                return target
            except OSError:  # a copy asked for, or a file system without hard links
                write_new_file(target.name, source.read_bytes(), dir_fd=folder)
                os.fsync(folder)
        finally:
            os.close(folder)
        if prune:
            self.prune()
        return target

    def _open_folder(self, create: bool = False) -> int:
        """The backup folder, opened without following a link (``create``: made first,
        0700): what is checked (the user's, a folder) is then what is written in, whatever
        another user puts at its name meanwhile. Its fd, for the ``dir_fd`` calls."""
        requested = self.path.parent / BACKUP_DIR
        self.check()
        if create:
            make_private_dirs(self.folder)
        what = _("backup folder")
        try:
            fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError as err:
            if err.errno in (errno.ELOOP, errno.ENOTDIR):
                raise UnsafeFileError(_("The {what} {path} was replaced by a link or a file while relance was "
                                        "using it; move it away.").format(what=what, path=requested)) from None
            raise
        try:
            st = os.fstat(fd)
            if st.st_uid != os.geteuid():
                raise UnsafeFileError(_("The {what} {path} belongs to {owner}, not to you; move it away.").format(
                    what=what, path=requested, owner=user_name(st.st_uid)))
            if self.folder == requested and stat.S_IMODE(st.st_mode) != 0o700:
                os.fchmod(fd, 0o700)  # (not a folder the user's own link leads to: theirs to set)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def release_last_kept(self) -> None:
        """Drop from the kernel's cache the pages of the version kept at this process's
        last save, just before the next save writes. A backup is read only to restore
        it, so ten versions of a file of megabytes need not sit in a shared server's
        memory; and freed right before the write, its pages are the ones the write
        takes: on a VM whose balloon hands freed memory back to its host after a
        moment, a save's write took 20-50 ms on fresh pages instead of 2."""
        kept, self.last_kept = self.last_kept, None
        if kept is not None:
            _drop_from_page_cache(kept)

    def prune_later(self) -> None:
        """After a save: prune now, or in a thread of its own when :attr:`background`
        (removing an old backup of a large file took ~3 ms of every save). Safe beside
        anything else: only old backups go, a missing one is skipped. A thread dies with
        its process, so a command that exits at once prunes before it returns."""
        if not self.background:
            self.prune()
            return
        thread = threading.Thread(target=self.prune, name="relance-prune-backups", daemon=True)
        self._pruning = thread
        thread.start()

    def settle(self) -> None:
        """Wait for a pruning started by :meth:`prune_later` (closing the file does)."""
        thread = self._pruning
        if thread is not None:
            thread.join()

    def prune(self) -> None:
        items = self.list()
        keep = set(items[:KEEP_LAST])
        days_seen: set[str] = set()
        today = datetime.now().date()
        for item in items:  # newest first: the first of each day is that day's newest
            when = self.when(item)
            if when is None:
                continue
            day = when.date()
            if day not in days_seen and (today - day).days < KEEP_DAYS:
                days_seen.add(day)
                keep.add(item)
        old = [item for item in items if item not in keep]
        if not old:
            return
        try:
            folder = self._open_folder()
        except (RelanceError, OSError):
            return  # (kept for the next write, which says what is wrong)
        try:
            for item in old:  # only the user's own regular files, in the folder checked
                if own_file(item.name, dir_fd=folder):
                    with contextlib.suppress(OSError):
                        os.unlink(item.name, dir_fd=folder)
        finally:
            os.close(folder)
