"""Who may have put a file where relance looks, and whether relance may use it.

On a shared server another account can write in shared folders such as ``/tmp``:
plant a symbolic link where the data file will be, a lock file, a ``backups``
folder, or swap the data file under an open dashboard. The rules (docs/ARCHITECTURE.md,
"Storage contract" 4 and 6), decided before anything is created:

- a symbolic link on the way to a file is followed only when it is the user's own
  (or root's, like ``/home`` on some systems): the kernel's ``protected_symlinks``
  does the same in sticky folders, but not in a folder another user owns;
- the folder holding the data must be the user's (or root's) and not writable by
  others, unless it is sticky like ``/tmp`` (there nobody else can rename or
  remove the user's files, and every name relance uses is checked below);
- the data file, its lock and ``backups/`` must be the user's and not writable by
  others; anything else in their place is refused with the command that fixes it.
"""

from __future__ import annotations

import errno
import os
import pwd
import stat
from pathlib import Path

from .errors import UnsafeFileError
from .i18n import _

#: as the kernel's own limit on links followed in one path (ELOOP)
MAX_LINKS = 40


def user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _trusted(uid: int) -> bool:
    return uid in (os.geteuid(), 0)


def resolve(path: Path, what: str) -> Path:
    """``path`` with every symbolic link on the way followed, as ``os.path.realpath``
    does, but a link owned by someone other than the user (or root) is refused before
    anything is read or created through it. The part of the path that does not exist
    yet is kept as it is (a user's own link to a folder where the file is still to be
    made is followed)."""
    pending = list(Path(os.path.abspath(path)).parts[1:])
    current = Path("/")
    links = 0
    while pending:
        name = pending.pop(0)
        if name in ("", "."):
            continue
        if name == "..":
            current = current.parent
            continue
        candidate = current / name
        try:
            st = os.lstat(candidate)
        except OSError:  # not there (yet), or not a folder on the way: the rest as given
            return candidate.joinpath(*pending)
        if not stat.S_ISLNK(st.st_mode):
            current = candidate
            continue
        if not _trusted(st.st_uid):
            raise UnsafeFileError(_(
                "The {what} {path} goes through the symbolic link {link}, which belongs to {owner}, not to you: "
                "relance does not follow another user's link (it could point at any of your files). Remove it "
                "(rm {link}) or give another path with --data."
            ).format(what=what, path=path, link=candidate, owner=user_name(st.st_uid)))
        links += 1
        if links > MAX_LINKS:
            raise UnsafeFileError(_("The {what} {path} goes through too many symbolic links.").format(what=what, path=path))
        target = os.readlink(candidate)
        if os.path.isabs(target):
            current = Path("/")
        pending[:0] = list(Path(target).parts[1:] if os.path.isabs(target) else Path(target).parts)
    return current


def check_folder(folder: Path, owner_message: str | None = None, mode_message: str | None = None) -> None:
    """The folder holding the data: the user's or root's, and nobody else can put or
    swap files in it, unless it is sticky (``/tmp``). A folder not there yet is fine.
    ``owner_message`` and ``mode_message`` say it of another file than the data (the
    config file's folder; placeholders ``{folder}``, ``{owner}``, ``{mode}``)."""
    try:
        st = os.stat(folder)
    except FileNotFoundError:
        return
    except OSError as err:
        raise UnsafeFileError(_("Cannot use the folder {folder}: {reason}.").format(
            folder=folder, reason=err.strerror or err)) from None
    if not stat.S_ISDIR(st.st_mode):
        raise UnsafeFileError(_("{folder} is a file, not a folder.").format(folder=folder))
    if not _trusted(st.st_uid):
        raise UnsafeFileError((owner_message or _(
            "The folder {folder} belongs to {owner}, not to you: {owner} could replace your data file there. "
            "Keep your data in a folder of your own (the default, ~/.local/share/relance)."
        )).format(folder=folder, owner=user_name(st.st_uid)))
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        raise UnsafeFileError((mode_message or _(
            "The folder {folder} can be written by others (mode {mode}): anyone could replace your data file "
            "there. Fix it with: chmod go-w {folder} (or keep your data in a folder of your own)."
        )).format(folder=folder, mode=oct(stat.S_IMODE(st.st_mode))[2:]))


def check_file(path: Path, st: os.stat_result, what: str, owner_fix: str | None = None,
               mode_fix: str | None = None) -> None:
    """A file relance reads or writes (the data file, a lock, a backup), from its
    ``lstat`` or ``fstat``: a regular file, the user's, not writable by others.
    ``owner_fix``: what to do about a file of someone else's (placeholders ``{path}``
    and ``{owner}``), when that is not to use a copy of it; ``mode_fix``: what to do about
    one others can write, when that is not a chmod (placeholder ``{path}``)."""
    if stat.S_ISDIR(st.st_mode):
        raise UnsafeFileError(_(
            "The {what} {path} is a folder, not a file. Move it away (or rmdir {path} if it is empty)."
        ).format(what=what, path=path))
    if not stat.S_ISREG(st.st_mode):
        raise UnsafeFileError(_("The {what} {path} is not a regular file.").format(what=what, path=path))
    me = os.geteuid()
    if st.st_uid != me:
        # (only root can give a file to another user: its owner cannot run chown for you)
        fix = owner_fix or _("Use a copy of your own, or have an administrator run: chown {me} {path}")
        raise UnsafeFileError((_(
            "The {what} {path} belongs to {owner}, not to you ({me}): relance only uses files you own."
        ) + " " + fix).format(what=what, path=path, owner=user_name(st.st_uid), me=user_name(me)))
    if st.st_mode & 0o022:
        mode = st.st_mode & 0o022
        who = _("group and others") if mode == 0o022 else (_("its group") if mode & 0o020 else _("others"))
        fix = mode_fix or _("Fix it with: chmod 600 {path}")
        raise UnsafeFileError((_(
            "The {what} {path} can be written by {who} (mode {mode}), so anyone could change it."
        ) + " " + fix).format(what=what, path=path, who=who, mode=oct(stat.S_IMODE(st.st_mode))[2:]))


def own_file(path: Path | str, dir_fd: int | None = None) -> bool:
    """``path`` (a name in the folder ``dir_fd`` when given) is a regular file of the user's:
    what relance may list, remove or overwrite as its own (a backup, a leftover temp file);
    a folder, a link or another user's file of the same name is left alone."""
    try:
        st = os.lstat(path, dir_fd=dir_fd)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid()


def read_only(err: OSError) -> bool:
    return err.errno == errno.EROFS


def check_data_file(path: Path) -> None:
    """Refuse a data file that is not a regular file, another user owns or others can write
    (nothing to refuse when there is no file)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    except PermissionError as err:  # (a folder on the way that is not open to this user)
        raise UnsafeFileError(_(
            "Cannot reach the data file {path}: {reason}. A folder on its way is not open to you: use a data file "
            "of your own (--data PATH or RELANCE_DATA), or ask its owner.").format(
                path=path, reason=err.strerror or err)) from None
    check_file(path, st, _("data file"))
