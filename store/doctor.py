"""``relance doctor``: look the data file over, say what is wrong, repair what is safe.

Works on the raw file (not through the repository, which refuses a damaged
file), so that it can report on exactly what the repository would refuse.
One :class:`Finding` per line of the report. :func:`repair` applies the safe
repairs — permissions, leftover temp files, dangling references set to null,
an old schema migrated — after a backup of the file, and says what it did.
"""

from __future__ import annotations

import copy
import errno
import fcntl
import json
import os
import stat
from pathlib import Path
from typing import Any

from .errors import RelanceError, UnsafeFileError
from .filelock import holder, holder_uid
from .filesafety import check_folder, own_file, resolve, user_name
from .fmt import shown
from .jsontext import loads
from . import i18n
from .i18n import _, ngettext
from .models import new_uid
from .backups import BACKUP_DIR, Backups
from .files import temp_prefix
from .layout import KNOWN_TABLES, META_TABLE, check_layout, describe_json_error
from .storage import DurableStorage
from .doctor_records import (ERROR, FIXED, OK, WARNING, Finding, Tables, check_data, dangling, duplicate_uids, name_of as _name,
                             needs_repair, required_link, tables_of)

def _mode(st: os.stat_result) -> str:
    return oct(stat.S_IMODE(st.st_mode))[2:]


def _own_folder(real: Path) -> bool:
    """The data file's folder holds only relance's files (the default ``…/relance`` folder):
    ``--fix`` may change its mode. A shared folder (``/tmp``, a home) is never touched."""
    allowed = {real.name, real.name + ".lock", BACKUP_DIR}
    try:
        names = os.listdir(real.parent)
    except OSError:
        return False
    return all(n in allowed or n.startswith(temp_prefix(real)) for n in names)


def _check_private(path: Path, what: str, wanted: int, findings: list[Finding], fixable: bool = True,
                   fix_text: str | None = None) -> None:
    """Owner and mode of the folder, the file, the lock: others must not write; should not read.
    ``fix_text``: what --fix does instead of setting the mode."""
    st = os.lstat(path)
    me = os.geteuid()
    if st.st_uid == 0 != me and stat.S_ISDIR(st.st_mode):  # (a folder: check_folder accepted it)
        findings.append(Finding(OK, _("The {what} {path} belongs to root; others cannot replace your files "
                                      "there.").format(what=what, path=path)))
        return
    if st.st_uid != me:
        findings.append(Finding(ERROR, _("The {what} {path} belongs to {owner}, not to you.").format(
            what=what, path=path, owner=user_name(st.st_uid))))
        return
    mode = stat.S_IMODE(st.st_mode)
    if fix_text:
        fix = fix_text
    elif fixable:
        fix = _("--fix sets {wanted}.").format(wanted=oct(wanted)[2:])
    else:
        fix = _("it holds other files too, so --fix leaves it alone: keep your data file in a folder of its own "
                "(the default, ~/.local/share/relance).")
    if mode & 0o022:
        findings.append(Finding(ERROR, _("The {what} {path} can be written by others (mode {mode}); {fix}").format(
            what=what, path=path, mode=_mode(st), fix=fix), fixable or bool(fix_text)))
    elif mode & 0o044:
        findings.append(Finding(WARNING, _("The {what} {path} can be read by others (mode {mode}); {fix}").format(
            what=what, path=path, mode=_mode(st), fix=fix), fixable or bool(fix_text)))
    else:
        findings.append(Finding(OK, _("The {what} {path} is yours, mode {mode}.").format(what=what, path=path, mode=_mode(st))))


def read_data_file(path: Path) -> tuple[Any, str | None]:
    """(data, problem): the parsed file, or why it cannot be read."""
    try:
        raw = path.read_bytes()
    except PermissionError:
        return None, _("you are not allowed to read it.")
    except OSError as err:  # (a folder in its place, an I/O error...)
        return None, _("it cannot be read: {reason}.").format(reason=err.strerror or err)
    if not raw.strip():
        return {}, None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return None, _("it is not UTF-8 text (byte {pos}).").format(pos=err.start)
    try:
        data = loads(text)
    except json.JSONDecodeError as err:
        return None, describe_json_error(err)
    problem = check_layout(data)
    return (None, problem) if problem else (data, None)


def diagnose(path: Path, source: str = "") -> list[Finding]:
    """Every check, in the order a person would look."""
    findings: list[Finding] = []
    requested = Path(path).expanduser()
    where = f" ({source})" if source else ""
    try:
        real = resolve(requested, _("data file"))
    except UnsafeFileError as err:
        findings.append(Finding(OK, _("Data file: {path}{where}.").format(path=requested, where=where)))
        findings.append(Finding(ERROR, str(err)))
        return findings
    if Path(os.path.abspath(requested)) != real:
        findings.append(Finding(OK, _("Data file: {path}, a link to {real}{where}.").format(path=requested, real=real, where=where)))
    else:
        findings.append(Finding(OK, _("Data file: {path}{where}.").format(path=real, where=where)))
    folder = real.parent
    if not folder.exists():
        findings.append(Finding(OK, _("The folder {folder} does not exist yet: relance creates it on the first save.").format(folder=folder)))
        return findings
    try:
        check_folder(folder)
    except UnsafeFileError as err:
        findings.append(Finding(ERROR, str(err)))
    else:
        _check_private(folder, _("folder"), 0o700, findings, fixable=_own_folder(real))
    if not real.exists():
        findings.append(Finding(OK, _("There is no data file yet: relance creates it on the first save.")))
        checked = None
    else:
        if not stat.S_ISREG(os.stat(real).st_mode):
            findings.append(Finding(ERROR, _("{path} is not a regular file.").format(path=real)))
            return findings
        _check_private(real, _("data file"), 0o600, findings)
        # in relance's layout a table at a time, 2,000 records at once; when a table does not
        # parse so, or the file is in another layout, the whole file read says what and where
        tables = tables_of(real)
        checked = check_data(tables) if tables is not None else None
        if checked is None:
            data, problem = read_data_file(real)
            checked = check_data(data) if data is not None else None
            if problem:
                findings.append(Finding(ERROR, _("The data file cannot be read: {problem}").format(problem=problem)))
    _check_lock(real, findings)
    findings.extend(checked or [])
    _check_leftovers(real, findings)
    _check_backups(real, findings)
    if i18n.problem:  # (the catalogue of the language asked for: relance spoke English instead)
        findings.append(Finding(WARNING, _("The catalogue of the language {language!r} cannot be read, so relance "
                                           "speaks English: {problem}. Reinstall relance, or run ./dev.sh again.").format(
            language=i18n.problem_language, problem=i18n.problem)))
    return findings


def _check_lock(real: Path, findings: list[Finding]) -> None:
    lock = real.with_name(real.name + ".lock")
    if not os.path.lexists(lock):
        findings.append(Finding(OK, _("No lock file yet (it is made on the first save).")))
        return
    if os.path.islink(lock):
        findings.append(Finding(ERROR, _("The lock file {path} is a symbolic link; remove it: rm {path}").format(path=lock)))
        return
    if os.path.isdir(lock):
        findings.append(Finding(ERROR, _("The lock file {path} is a folder, not a file, so nothing can be saved; "
                                         "--fix removes it if it is empty.").format(path=lock), True))
        return
    if not os.path.isfile(lock):
        findings.append(Finding(ERROR, _("The lock file {path} is not a regular file; remove it: rm {path}").format(path=lock)))
        return
    # (anyone who opened it while others could is able to hold it for ever: a new one is the fix)
    _check_private(lock, _("lock file"), 0o600, findings,
                   fix_text=_("--fix replaces it with a new one (anyone who opened it meanwhile could hold it)."))
    who = lock_holder(lock)
    if who is not None and who[1] not in (os.geteuid(), None):
        findings.append(Finding(ERROR, _("The lock file {path} is held by {who}, another user: nothing can be saved "
                                         "while it is; --fix replaces the lock file.").format(path=lock, who=who[0]), True))
    elif who is not None:
        findings.append(Finding(OK, _("Another relance is saving right now (the lock is held by {who}).").format(
            who=who[0])))


def lock_holder(lock: Path) -> tuple[str, int | None] | None:
    """(who, their uid) when a process holds the lock now; None when nobody does."""
    try:
        fd = os.open(lock, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as err:
        if err.errno not in (errno.EAGAIN, errno.EACCES):
            return None
        st = os.fstat(fd)
        return holder(st) or _("another process"), holder_uid(st)
    finally:
        os.close(fd)
    return None


def _check_leftovers(real: Path, findings: list[Finding]) -> None:
    prefix = temp_prefix(real)
    named = sorted(n for n in os.listdir(real.parent) if n.startswith(prefix))
    left = [n for n in named if own_file(real.parent / n)]
    for name in named[:3]:
        if name not in left:  # (another user's file in a shared folder: not relance's, never removed)
            findings.append(Finding(WARNING, _("{path} is named like a temp file of relance's but is not a file of "
                                               "yours; relance leaves it alone.").format(path=shown(str(real.parent / name), 200))))
    if left:
        findings.append(Finding(WARNING, ngettext(
            "{count} temp file left by an interrupted save ({names}); --fix removes it.",
            "{count} temp files left by interrupted saves ({names}); --fix removes them.", len(left)).format(
            count=len(left), names=shown(", ".join(left[:3]), 300)), True))
    elif not named:
        findings.append(Finding(OK, _("No temp file left over.")))


def _check_backups(real: Path, findings: list[Finding]) -> None:
    backups = Backups(real)
    items = backups.list()
    folder = real.parent / BACKUP_DIR
    if not items:
        findings.append(Finding(OK, _("No backup yet (one is kept at every save).")))
        return
    _check_private(folder, _("backup folder"), 0o700, findings)
    readable = None
    unreadable = 0
    for item in items:
        if _readable(item):
            readable = item
            break
        unreadable += 1
    if readable is None:
        findings.append(Finding(WARNING, ngettext("{count} backup, and it cannot be read.",
                                                  "{count} backups, and none can be read.", len(items)).format(count=len(items))))
    elif unreadable:
        findings.append(Finding(OK, ngettext(
            "{count} backups; the newest readable one is {path} ({unreadable} newer one cannot be read: a copy of a "
            "damaged file).",
            "{count} backups; the newest readable one is {path} ({unreadable} newer ones cannot be read: copies of a "
            "damaged file).", unreadable).format(
            count=len(items), path=readable, unreadable=unreadable)))
    else:
        findings.append(Finding(OK, ngettext("{count} backup; the newest, {path}, is readable.",
                                             "{count} backups; the newest, {path}, is readable.", len(items)).format(
            count=len(items), path=readable)))
    loose = [p for p in items if stat.S_IMODE(os.stat(p).st_mode) & 0o077]
    if loose:
        findings.append(Finding(WARNING, ngettext("{count} backup can be read by others; --fix sets 600.",
                                                  "{count} backups can be read by others; --fix sets 600.", len(loose)).format(count=len(loose)),
                                True))


def _readable(path: Path) -> bool:
    """A backup relance can read: as relance wrote it (its check matches: no table need be
    parsed, where the whole backup of 30,000 contacts parsed took 200 MB more), or parsed
    whole without a problem."""
    from .versions import parse

    try:
        _tables, checked = parse(path.read_bytes(), ValueError)
    except (OSError, ValueError):
        checked = False
    return checked or read_data_file(path)[1] is None


def problems(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.level in (WARNING, ERROR)]


def summary(wrong: list[Finding], fixed: bool = False) -> str:
    """The last line of ``relance doctor`` when something is wrong: what ``--fix`` will
    repair and what needs the user (after ``--fix``: what is left)."""
    count, fixable = len(wrong), sum(f.fix for f in wrong)
    if fixed:
        return ngettext("{count} problem is left: the line above says what to do.",
                        "{count} problems are left: the lines above say what to do.", count).format(count=count)
    found = ngettext("{count} problem found:", "{count} problems found:", count).format(count=count)
    if fixable == count:
        rest = ngettext("relance doctor --fix repairs it.", "relance doctor --fix repairs them all.", count)
    elif not fixable:
        rest = ngettext("--fix cannot repair it (the line above says what to do).",
                        "--fix repairs none of them (the lines above say what to do).", count)
    else:
        rest = ngettext("relance doctor --fix repairs {fixable} (the lines that name --fix);",
                        "relance doctor --fix repairs {fixable} (the lines that name --fix);", fixable).format(
            fixable=fixable) + " " + ngettext("{left} needs you (its line says what to do).",
                                              "{left} need you (their lines say what to do).", count - fixable).format(
            left=count - fixable)
    return f"{found} {rest}"


def repair(path: Path) -> list[Finding]:
    """The safe repairs, each reported. The file is backed up before it is changed."""
    done: list[Finding] = []
    try:
        real = resolve(Path(path).expanduser(), _("data file"))
        check_folder(real.parent)
    except UnsafeFileError:
        return done  # (nothing is touched there; the report says why)
    folder = real.parent
    if not folder.exists():
        return done
    if real.exists() and not stat.S_ISREG(os.stat(real).st_mode):
        done.append(Finding(ERROR, _("{path} is not a regular file: nothing was changed.").format(path=real)))
        return done
    if _own_folder(real):
        _tighten(folder, 0o700, _("folder"), done)
    if real.exists():
        _tighten(real, 0o600, _("data file"), done)
    if not _repair_lock(real.with_name(real.name + ".lock"), done):
        return done
    if (folder / BACKUP_DIR).exists():
        _tighten(folder / BACKUP_DIR, 0o700, _("backup folder"), done)
        for item in Backups(real).list():
            _tighten(item, 0o600, _("backup"), done)
    if not real.exists():
        return done
    storage = _sweep(real, done)
    if storage is None:
        return done
    storage.unchecked = True  # (its records repaired, not all checked: the next reader checks them)
    try:
        with storage.transaction():
            links = 0
            if _may_need_repair(storage):
                data = storage.read()
                links = _repair_records(storage, data, done) if data and META_TABLE in data else 0
    except RelanceError as err:  # a damaged file: the report says what is wrong with it
        done.append(Finding(ERROR, _("The file itself cannot be repaired here: {problem}").format(problem=err)))
    else:
        if links:
            done.append(Finding(FIXED, _("The previous version is kept in {backup}.").format(backup=storage.backups.newest())))
    finally:
        storage.close()
    _migrate(real, done)
    return done


def _tighten(target: Path, mode: int, what: str, done: list[Finding]) -> None:
    """``target`` of the user's, open to others, set to ``mode``."""
    st = os.lstat(target)
    if st.st_uid == os.geteuid() and not stat.S_ISLNK(st.st_mode) and stat.S_IMODE(st.st_mode) & ~mode & 0o777:
        try:
            os.chmod(target, mode)
        except OSError as err:  # (a read-only file system...)
            done.append(Finding(ERROR, _("The {what} {path} cannot be set to mode {mode}: {reason}.").format(
                what=what, path=target, mode=oct(mode)[2:], reason=err.strerror or err)))
            return
        done.append(Finding(FIXED, _("The {what} {path} is now mode {mode}.").format(what=what, path=target, mode=oct(mode)[2:])))


def _repair_lock(lock: Path, done: list[Finding]) -> bool:
    """An empty folder in the place of the lock file removed, a lock file others could
    open replaced; False when a folder there holds files (nothing more is repaired)."""
    me = os.geteuid()
    if os.path.isdir(lock) and not os.path.islink(lock):
        try:
            os.rmdir(lock)
        except OSError as err:
            what = (_("it holds files: move them away, then rmdir {path}") if err.errno == errno.ENOTEMPTY
                    else err.strerror or str(err))
            done.append(Finding(ERROR, _("The lock file {path} is a folder and was left as it is: {reason}.").format(
                path=lock, reason=what.format(path=lock))))
            return False
        done.append(Finding(FIXED, _("The folder {path} in the place of the lock file was removed (it was empty); "
                                     "the next save makes the lock file.").format(path=lock)))
    elif os.path.isfile(lock) and not os.path.islink(lock):
        st = os.lstat(lock)
        who = lock_holder(lock)
        theirs = who is not None and who[1] not in (me, None)
        if st.st_uid == me and (stat.S_IMODE(st.st_mode) & 0o077 or theirs) and (who is None or theirs):
            # a new lock, not a chmod: a process that opened it while it was open to others
            # keeps its descriptor, and could hold every save for ever
            try:
                os.unlink(lock)
            except OSError as err:
                done.append(Finding(ERROR, _("The lock file {path} could not be replaced: {reason}.").format(
                    path=lock, reason=err.strerror or err)))
            else:
                done.append(Finding(FIXED, _("The lock file {path} was removed; the next save makes a new one, "
                                             "yours alone.").format(path=lock)))
    return True


def _sweep(real: Path, done: list[Finding]) -> DurableStorage | None:
    """The storage of ``real``, opened with the temp files left over removed (under the
    lock), or None when it cannot be opened (said in ``done``)."""
    folder = real.parent
    prefix = temp_prefix(real)
    left_before = [folder / n for n in os.listdir(folder) if n.startswith(prefix) and own_file(folder / n)]
    try:
        storage = DurableStorage(real)
        storage.sweep()  # removes temp files left over, under the lock
    except RelanceError as err:
        done.append(Finding(ERROR, _("Nothing more can be repaired: {problem}").format(problem=err)))
        return None
    removed = sum(1 for item in left_before if not item.exists())  # the storage removed them on open
    if removed:
        done.append(Finding(FIXED, ngettext("{count} leftover temp file removed.", "{count} leftover temp files removed.",
                                            removed).format(count=removed)))
    return storage


def _may_need_repair(storage: DurableStorage) -> bool:
    """False when the file in use is as relance wrote it and holds no uid twice and no link
    to a missing record, read 2,000 records at a time: the whole file is parsed only to
    be repaired (a sound file of 30,000 contacts parsed whole took ``--fix`` to 300 MB)."""
    found = storage.checked_tables()
    if found is None:
        return True
    raw, spans = found
    if META_TABLE not in spans or not set(spans) <= KNOWN_TABLES:
        return True
    try:
        return needs_repair(Tables(raw, spans))
    except ValueError:  # (not records: read whole, which says what is wrong)
        return True


def _repair_records(storage: DurableStorage, data: dict[str, Any], done: list[Finding]) -> int:
    """A uid held twice made new, then the links to missing records removed, each step
    written at once (in the caller's transaction); how many were repaired."""
    links = 0
    for table, doc_id, uid, _first in duplicate_uids(data):
        doc = data[table][doc_id] = dict(data[table][doc_id], uid=new_uid())
        links += 1
        done.append(Finding(FIXED, _("{where} had the uid {uid} of another record; it now has its own, "
                                     "{new}.").format(where=_name(table, doc_id, doc), uid=uid, new=doc["uid"])))
    if links:
        storage.write(data)
    # (a required link is left: null would make the file unusable; the report says what to do)
    broken = [item for item in dangling(data) if item[5] is not None or not required_link(item[0], item[2])]
    if broken:
        _unlink(data, broken, done)
        storage.write(data)
        links += len(broken)
    return links


def _unlink(data: dict[str, Any], broken: list, done: list[Finding]) -> None:
    """The links of :func:`dangling` removed from ``data``: a reference set to null, a uid
    taken out of its list, a review's item naming a missing contact dropped."""
    for table, doc_id in {(item[0], item[1]) for item in broken}:
        # a changed record is a new document: the storage writes again only the
        # documents it has not seen (a record changed in place kept its old line)
        data[table][doc_id] = copy.deepcopy(data[table][doc_id])
    for table, doc_id, name, kind, uid, index in broken:
        doc = data[table][doc_id]
        field, _dot, sub = name.partition(".")
        value = doc.get(field)
        if index is not None:  # inside a review's list
            item = value[index]
            if sub == "contact_uid":
                item["_remove"] = True
            else:
                item[sub] = None
        elif isinstance(value, list):
            doc[field] = [v for v in value if v != uid]
        else:
            doc[field] = None
        done.append(Finding(FIXED, _("{where}: the link {field} to the missing {kind} {uid} was removed.").format(
            where=_name(table, doc_id, doc), field=name, kind=kind, uid=uid[:8])))
    for table, doc_id, name, *_rest in broken:
        field = name.partition(".")[0]
        value = data[table][doc_id].get(field)
        if isinstance(value, list):
            data[table][doc_id][field] = [i for i in value if not (isinstance(i, dict) and i.get("_remove"))]


def _migrate(real: Path, done: list[Finding]) -> None:
    """A file of an older schema migrated, as any command would (after a backup)."""
    tables = tables_of(real)
    if tables is not None and META_TABLE in tables.names():
        return  # (the current schema's _meta, or a file the report says is damaged: the file
        # of 30,000 contacts parsed whole only to see it has a _meta took 300 MB)
    data, problem = read_data_file(real)
    if not problem and data and META_TABLE not in data:
        from .repository import Repository

        try:
            repo = Repository(real)
        except RelanceError as err:
            done.append(Finding(ERROR, _("The migration failed: {problem}").format(problem=err)))
        else:
            if repo.migrated:
                old, new, backup = repo.migrated
                done.append(Finding(FIXED, _("Migrated from schema {old} to {new}; the previous version is kept in {backup}.").format(
                    old=old, new=new, backup=backup)))
            repo.close()
