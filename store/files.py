"""Writing a file so that a crash leaves the old version or the new one, never half
(docs/ARCHITECTURE.md, "Storage contract" 1): a new file written and synced beside the
old one under a temp name, then put in its place; private folders whatever the umask;
the temp files a killed writer left behind, told from those of a writer still running.

Every temp file relance writes is named by :func:`temp_path`, and found again by
:func:`temp_prefix` (the storage's sweep, ``relance doctor``, the tests).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .filesafety import own_file

#: what follows a file's name in the name of its temp files: ``.<name>.tmp-<pid>-<random>``
TEMP_MARK = ".tmp-"


def temp_prefix(path: Path) -> str:
    """The start of the name of every temp file written for ``path`` (in its folder)."""
    return f".{path.name}{TEMP_MARK}"


def temp_path(path: Path) -> Path:
    """A new temp file's path beside ``path``: the writer's process id (see
    :func:`writer_alive`) and a random part (two writes of one process never meet)."""
    return path.with_name(f"{temp_prefix(path)}{os.getpid()}-{os.urandom(4).hex()}")


def fsync_dir(folder: Path) -> None:
    """Make a rename or a new name in ``folder`` durable (the file's own fsync does not)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_new_file(path: Path | str, data: bytes | list | Iterator[bytes], dir_fd: int | None = None) -> None:
    """Create ``path`` (it must not exist, no symlink followed; a name in the folder
    ``dir_fd`` when given) as 0600 holding ``data`` (bytes, pieces written one after
    the other, or pieces made as they are written: an export of 90,000 records), on
    disk when this returns; a half-written file is removed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        os.fchmod(fd, 0o600)
        if isinstance(data, (bytes, list)):
            _write_all(fd, [data] if isinstance(data, bytes) else data)
        else:
            for piece in data:
                _write_all(fd, [piece])
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path, dir_fd=dir_fd)
        raise
    os.close(fd)


def _write_all(fd: int, data: list) -> None:
    # (empty pieces are left out: writev returns 0 for them, and the loop would never end)
    # (a piece is made a view only when it was written in part: a view of each of 180,000
    # pieces took 35 MB; and the pieces are walked with an index, not popped from the front)
    pieces = [p for p in data if p]
    first = 0
    while first < len(pieces):  # as few system calls as it takes (writev of up to 1,024 pieces)
        written = os.writev(fd, pieces[first:first + 1024])
        while written and first < len(pieces):
            if written >= len(pieces[first]):
                written -= len(pieces[first])
                first += 1
            else:
                pieces[first] = memoryview(pieces[first])[written:]
                written = 0


def replace_file(path: Path, data: bytes | list | Iterator[bytes], before: Callable[[], Any] | None = None) -> None:
    """Write ``data`` to a temp file beside ``path`` (:func:`temp_path`, see
    :func:`write_new_file`), call ``before``, then put it in the place of ``path``: a reader
    finds the old file or the new one, never half of it. Nothing of the temp file is left
    if any step fails."""
    tmp = temp_path(path)
    write_new_file(tmp, data)
    try:
        if before is not None:
            before()
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def make_private_dirs(folder: Path) -> None:
    """Create ``folder`` and missing parents as 0700, whatever the umask."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)


def writer_alive(name: str, path: Path) -> bool:
    """The process that made the temp file ``name`` (of ``path``: ``.<name>.tmp-<pid>-<random>``)
    still runs: its file is in use (a writer whose lock file was removed under it may still
    be writing)."""
    pid = name[len(temp_prefix(path)):].split("-", 1)[0]
    if not pid.isdigit() or pid == str(os.getpid()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # (someone else's process: alive)
    return not _zombie(pid)


def _zombie(pid: str) -> bool:
    """Killed, but not yet reaped by its parent: it writes nothing more (a writer killed
    mid-write whose shell had not collected it yet kept its temp file until the next save)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:][:1] == b"Z"  # (the name, in parentheses, may hold spaces)


def remove_temp_files(path: Path) -> None:
    """Remove the temp files of ``path`` left by writers killed mid-write: only the user's
    own regular files, and none of a writer still running (call it holding the file's lock:
    only the lock holder writes one)."""
    folder, prefix = path.parent, temp_prefix(path)
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if (name.startswith(prefix) and not writer_alive(name, path)
                    and own_file(folder / name)):  # (never another user's)
                with contextlib.suppress(OSError):
                    os.unlink(folder / name)
