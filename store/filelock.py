"""The sidecar lock ``<file>.lock`` that every write of the data file holds.

Three things a plain ``flock`` does not give:

- a bounded wait: a session stopped with ctrl+z, or hung, holds the lock for as long
  as it lives; after :data:`TIMEOUT` seconds the writer gives up and says which
  process holds it (read from ``/proc/locks``) instead of waiting without a word;
- a lock that stays the lock: ``rm relance.json.lock`` under a writer lets the next
  writer create a new file and lock that one. A check of the path cannot close that
  window by itself (the writer can be paused between its last check and its
  ``os.replace``, and the other writer read, write and replace meanwhile), so the
  writer also holds a ``flock`` on the data file's folder, opened as a folder, which
  no ``rm`` of a file can break and which follows the folder if it is renamed
  (:meth:`Lock.acquire`). The sidecar stays: ``relance doctor`` names its holder, and
  a session of an older relance locks only it, so the lock taken is still checked to
  be the file the path names, after it is taken and again just before the data file
  is replaced (:meth:`Lock.still_held`). Where a folder cannot be locked (a file
  system without ``flock`` on folders) the sidecar alone is held, as before;
- another user's lock refused: a lock planted by someone else (or writable by
  others) would let them hold every save forever. So is a folder others could
  lock: a folder that is not the user's own and private (``/tmp``, a 0755 folder) is
  not locked, and there the sidecar alone is held, as before.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from pathlib import Path

from .errors import ReadOnlyError, RelanceError, UnsafeFileError
from .filesafety import check_file, read_only, user_name
from .i18n import _

#: seconds a write waits for the lock before it gives up (``RELANCE_LOCK_TIMEOUT``)
TIMEOUT = 10.0
#: between two tries: a save holds the lock for a few milliseconds
POLL = 0.02


class LockTimeoutError(RelanceError):
    """Another process held the lock for the whole wait; nothing was written."""


def timeout() -> float:
    try:
        value = float(os.environ.get("RELANCE_LOCK_TIMEOUT", TIMEOUT))
    except ValueError:
        return TIMEOUT
    # (an hour at most: "inf" or 1e309 would be a wait without end again)
    return min(max(0.0, value), 3600.0) if value == value else TIMEOUT


def holder_uid(st: os.stat_result) -> int | None:
    """The user id of the process holding a ``flock`` on the file of ``st`` (see :func:`holder`)."""
    pid = _holder_pid(st)
    if pid is None:
        return None
    try:
        return os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None


def _holder_pid(st: os.stat_result) -> str | None:
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
            return fields[4]
    return None


def holder(st: os.stat_result) -> str | None:
    """Who holds a ``flock`` on the file of ``st``, from ``/proc/locks`` (Linux): "process
    1234 (relance add ...), user bob"; None when it cannot be known."""
    pid = _holder_pid(st)
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            words = [w.decode("utf-8", "replace") for w in cmdline.read().split(b"\0") if w]
        owner = user_name(os.stat(f"/proc/{pid}").st_uid)
    except OSError:
        return _("process {pid}").format(pid=pid)
    command = " ".join(os.path.basename(w) if n == 0 else w for n, w in enumerate(words[:6]))
    if words[:1] and os.path.basename(words[0]).startswith("python") and len(words) > 1:
        command = " ".join([os.path.basename(words[1]), *words[2:6]])
    printable = "".join(c if c.isprintable() else "?" for c in command)[:80]
    return _("process {pid} ({command}), user {user}").format(pid=pid, command=printable, user=owner)


class Lock:
    """The exclusive lock on ``path``, held from :meth:`acquire` to :meth:`release`."""

    def __init__(self, path: Path):
        self.path = path
        self.fd: int | None = None
        #: the data file's folder, locked too (None: it could not be, see the module's doc)
        self.folder_fd: int | None = None
        self._identity: tuple[int, int] | None = None

    def _open(self) -> int:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as err:
            if read_only(err):
                raise ReadOnlyError(_(
                    "Cannot save: {folder} is on a read-only file system. Reading works; copy the data file "
                    "elsewhere (or mount it read-write) to change it."
                ).format(folder=self.path.parent)) from None
            if err.errno in (errno.ELOOP, errno.EISDIR, errno.EACCES, errno.EPERM):
                # what is in the lock's place says more than the error: in a sticky folder
                # (/tmp) the kernel refuses to create over another user's file or link (EACCES)
                self._refuse_what_is_there()
            raise UnsafeFileError(_("Cannot open the lock file {path}: {reason}.").format(
                path=self.path, reason=err.strerror or err)) from None
        try:
            st = os.fstat(fd)
            check_file(self.path, st, _("lock file"), owner_fix=self._owner_fix(), mode_fix=self._mode_fix())
            if stat.S_IMODE(st.st_mode) & 0o077:
                # (anyone who can open the lock can hold it: readable is enough to flock)
                os.fchmod(fd, 0o600)
        except BaseException:
            os.close(fd)
            raise
        return fd

    @staticmethod
    def _mode_fix() -> str:
        # (not a chmod: whoever opened it meanwhile keeps a descriptor, and can hold it for ever)
        return _("Remove it (rm {path}): the next save makes a new one, yours alone; relance doctor --fix does it.")

    @staticmethod
    def _owner_fix() -> str:
        # (a lock holds nothing: removing it is the fix; in a sticky folder only its owner can)
        return _("Remove it (rm {path}; in a shared folder such as /tmp only {owner} or an administrator can), "
                 "or keep your data in a folder of your own.")

    def _refuse_what_is_there(self) -> None:
        """Raise the :class:`UnsafeFileError` saying what is in the lock's place that
        cannot be opened: a symbolic link (never followed), a folder, another user's file."""
        try:
            st = os.lstat(self.path)
        except OSError:
            return
        if stat.S_ISLNK(st.st_mode):
            if st.st_uid == os.geteuid():
                raise UnsafeFileError(_(
                    "The lock file {path} is a symbolic link; remove it: rm {path}").format(path=self.path)) from None
            raise UnsafeFileError((_(
                "The lock file {path} is a symbolic link that belongs to {owner}, not to you: relance does not "
                "follow a link at its lock."
            ) + " " + self._owner_fix()).format(path=self.path, owner=user_name(st.st_uid))) from None
        check_file(self.path, st, _("lock file"), owner_fix=self._owner_fix(), mode_fix=self._mode_fix())

    def acquire(self) -> None:
        """Take the lock, waiting at most :func:`timeout` seconds for another holder."""
        deadline = time.monotonic() + timeout()
        while True:
            fd = self._open()
            try:
                while True:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        break
                    except OSError as err:
                        if err.errno not in (errno.EAGAIN, errno.EACCES):
                            raise
                    if time.monotonic() >= deadline:
                        raise self._timed_out(fd)
                    time.sleep(POLL)
                st = os.fstat(fd)
                identity = (st.st_dev, st.st_ino)
                if self._names(identity):
                    self.fd, self._identity = fd, identity
                    break
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # removed or replaced while we waited: take the file the path names now
            if time.monotonic() >= deadline:
                raise LockTimeoutError(_("The lock file {path} kept being replaced for {seconds:g} s; nothing "
                                         "was saved.").format(path=self.path, seconds=timeout()))
        try:
            self.folder_fd = self._lock_folder(deadline)
        except BaseException:
            self.release()
            raise

    def _lock_folder(self, deadline: float) -> int | None:
        """A ``flock`` on the folder of the lock (the data file's), waited for until
        ``deadline``; None when this file system cannot lock a folder."""
        try:
            fd = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError:
            return None  # (a folder the user cannot read: the sidecar alone, as before)
        folder = os.fstat(fd)
        if folder.st_uid != os.geteuid() or folder.st_mode & 0o044:
            # a folder others may open (``/tmp``, a 0755 one): any of them could lock it and
            # hold every save; the sidecar alone, as before (doctor says such a folder is
            # not private, and the default one is 0700)
            os.close(fd)
            return None
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    return fd
                except OSError as err:
                    if err.errno not in (errno.EAGAIN, errno.EACCES):
                        os.close(fd)  # (NFS and others: no flock on a folder)
                        return None
                if time.monotonic() >= deadline:
                    raise self._timed_out(fd, self.path.parent)
                time.sleep(POLL)
        except BaseException:
            os.close(fd)
            raise

    def _names(self, identity: tuple[int, int]) -> bool:
        try:
            st = os.lstat(self.path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino) == identity

    def still_held(self) -> bool:
        """The path still names the file this lock holds (nobody removed or replaced it)."""
        return self._identity is not None and self._names(self._identity)

    def _timed_out(self, fd: int, locked: Path | None = None) -> LockTimeoutError:
        """The wait for the lock file (or for ``locked``, its folder, held by ``fd``) is over."""
        who = holder(os.fstat(fd))
        path = locked or self.path
        if who:
            return LockTimeoutError(_(
                "Another program has been saving to this data file for {seconds:g} s and still holds its lock "
                "{path}: {who}. Nothing was saved. Finish or quit that program (a relance stopped with ctrl+z: "
                "fg, then q), then try again."
            ).format(seconds=timeout(), path=path, who=who))
        return LockTimeoutError(_(
            "Another program has been saving to this data file for {seconds:g} s and still holds its lock "
            "{path}. Nothing was saved. Finish or quit that program, then try again."
        ).format(seconds=timeout(), path=path))

    def release(self) -> None:
        for fd in (self.folder_fd, self.fd):
            if fd is not None:
                os.close(fd)  # closing releases the flock
        self.fd, self.folder_fd, self._identity = None, None, None
