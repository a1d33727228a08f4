"""A durable TinyDB storage for one consultant's file (DESIGN.md, "Storage contract").

TinyDB's stock ``JSONStorage`` overwrites the file in place, takes no lock and
re-parses the file on every read. This storage guarantees instead:

1. atomic, durable writes: temp file in the same folder, fsync, ``os.replace``,
   fsync of the folder; a crash leaves the old or the new file, never a broken one;
2. no lost update across processes: every write happens inside
   :meth:`DurableStorage.transaction`, which holds an exclusive ``flock`` on the
   sidecar ``<file>.lock`` and starts from the file's current content;
3. reads served from memory while the file is unchanged (a ``stat`` per read);
4. folder 0700 and file 0600 whatever the umask, no write through a symlink, and
   a file owned by someone else or writable by others refused;
5. a corrupt or foreign file is never overwritten: :class:`DataFileError` names
   the file, the problem and the newest backup in ``backups/`` beside it.

TinyDB's ``Table`` mutates the dict that ``read()`` returns and then calls
``write()``. Inside a transaction that dict *is* the in-memory state; if the
transaction fails the state is dropped and the next read parses the file again.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import gc
import json
import operator
import os
import re
import reprlib
import stat
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from .errors import DataFileError, DataFileGoneError, RelanceError, SaveError, UnsafeFileError
from .filelock import Lock
from .filesafety import check_file, check_folder, own_file, resolve, user_name
from .fmt import shown
from .i18n import _
from .jsontext import loads

#: version of the file layout; ``_meta`` holds ``{"schema": SCHEMA}``
SCHEMA = 1
META_TABLE = "_meta"
KNOWN_TABLES = frozenset(
    {"settings", "contacts", "targets", "opportunities", "missions", "interactions", "reviews", META_TABLE}
)
BACKUP_DIR = "backups"
#: backups kept: the newest N, plus the newest of each day for D days
KEEP_LAST = 10
KEEP_DAYS = 30


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_new_file(path: Path | str, data: bytes | list[bytes], dir_fd: int | None = None) -> None:
    """Create ``path`` (it must not exist, no symlink followed; a name in the folder
    ``dir_fd`` when given) as 0600 holding ``data`` (bytes, or pieces written one after
    the other), on disk when this returns; a half-written file is removed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dir_fd)
    try:
        os.fchmod(fd, 0o600)
        # (empty pieces are left out: writev returns 0 for them, and the loop would never end)
        pieces = [memoryview(p) for p in ([data] if isinstance(data, bytes) else data) if p]
        while pieces:  # as few system calls as it takes (writev of up to 1,024 pieces)
            written = os.writev(fd, pieces[:1024])
            while written and pieces:
                if written >= len(pieces[0]):
                    written -= len(pieces.pop(0))
                else:
                    pieces[0] = pieces[0][written:]
                    written = 0
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path, dir_fd=dir_fd)
        raise
    os.close(fd)


def replace_file(path: Path, data: bytes | list[bytes], tmp: Path, before: Callable[[], Any] | None = None) -> None:
    """Write ``data`` to ``tmp`` (a new file beside ``path``, see :func:`write_new_file`),
    call ``before``, then put ``tmp`` in the place of ``path``: a reader finds the old
    file or the new one, never half of it. Nothing of ``tmp`` is left if any step fails."""
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


def check_file_safety(path: Path) -> None:
    """Refuse a data file that is not a regular file, another user owns or others can write
    (nothing to refuse when there is no file)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    check_file(path, st, _("data file"))


def describe_json_error(err: json.JSONDecodeError) -> str:
    msg = err.msg[: -len(" at")] if err.msg.endswith(" at") else err.msg  # "Invalid control character at"
    return _("it is not valid JSON: {msg} at line {line}, column {col}.").format(
        msg=msg, line=err.lineno, col=err.colno
    )


def check_layout(data: Any) -> str | None:
    """What makes ``data`` something other than a relance data file, or None."""
    if not isinstance(data, dict):
        kind = {list: "array", str: "string", int: "number", float: "number", bool: "true or false"}.get(
            type(data), "null")
        return _("it holds a JSON {type}, not relance data.").format(type=kind)
    if data.get("format") == "relance":
        return _("it is a relance export, not a data file; load it with: relance import json FILE.")
    unknown = sorted(set(data) - KNOWN_TABLES)
    if unknown:
        return _("it is not a relance data file (it has unknown tables: {names}).").format(
            names=", ".join(shown(name, 40) for name in unknown[:5])  # (names of the file's: escaped, short)
        )
    for name, table in data.items():
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            return _("its table {name!r} is not a table of records.").format(name=name)
    # no _meta: schema 0, from before relance versioned its files (store/migrations.py)
    if META_TABLE in data:
        meta = next(iter(data[META_TABLE].values()), {})
        schema = meta.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 0:
            return _("its schema version is missing or not a number ({value}).").format(value=reprlib.repr(schema))
        if schema > SCHEMA:
            return _(
                "it was written by a newer relance (schema {schema}); this version reads schema "
                "{supported} at most. Upgrade relance to open it."
            ).format(schema=schema, supported=SCHEMA)
    return None


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Bulk loading makes hundreds of thousands of objects and no garbage: the cyclic
    garbage collector, triggered every 700 new objects, walked them all again and again
    (a third of the time of loading 10,000 contacts)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_TABLE_HEAD = re.compile(rb'"([A-Za-z_][A-Za-z0-9_]*)": ')
_EMPTY_TABLE = re.compile(rb"\{\s*\}")
_LINE_QUOTE = re.compile(rb'\n"')  # (the regular expression scans faster than bytes.find here)


def split_tables(raw: bytes) -> dict[str, tuple[int, int]] | None:
    """Where each table's JSON value is in ``raw`` (the file's bytes, without a BOM), for
    a file in the layout relance writes (:func:`dump_data`: one table a block, its name
    at the start of a line); None for any other layout. Only a line-start quote opens a
    table: records are indented, and JSON strings cannot hold a raw line break. Works on
    the bytes: nothing is decoded or copied but the tables asked for."""
    end = len(raw)
    while end and raw[end - 1] in b" \t\r\n":
        end -= 1
    if not raw.startswith(b"{\n") or raw[end - 2:end] != b"\n}":
        return None
    end_of_body = end - 2  # the "\n" before the final "}"
    heads = [match.start() + 1 for match in _LINE_QUOTE.finditer(raw, 0, end_of_body)]
    if not heads or heads[0] != 2:
        return None
    spans: dict[str, tuple[int, int]] = {}
    for number, head in enumerate(heads):
        match = _TABLE_HEAD.match(raw, head)
        if match is None or match.group(1).decode("ascii") in spans:
            return None
        start = match.end()
        if number + 1 < len(heads):
            stop = heads[number + 1] - 2
            if raw[stop:stop + 2] != b",\n":
                return None
        else:
            stop = end_of_body
        if raw[start:start + 1] != b"{" or raw[stop - 1:stop] != b"}":
            return None
        spans[match.group(1).decode("ascii")] = (start, stop)
    return spans


def _due(docs: Iterable[dict[str, Any]], field: str, at_most: str) -> list[dict[str, Any]]:
    """The documents whose ``field`` is a text ``<= at_most``."""
    return [doc for doc in docs if isinstance(doc.get(field), str) and doc[field] <= at_most]


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


class LazyTables:
    """The tables of a file in relance's layout, each parsed when first asked for: the
    dashboard's first screen and ``relance status`` do not wait for the 20,000
    interactions of a large file."""

    def __init__(self, raw: bytes, spans: dict[str, tuple[int, int]]):
        self.raw = raw
        self.spans = spans
        self.tables: dict[str, dict[str, Any]] = {}

    def table(self, name: str) -> dict[str, Any] | None:
        """The parsed table (None when the file has none of that name); ValueError with
        the problem when it is not a table of records, or not UTF-8 JSON."""
        table = self.tables.get(name)
        if table is None:
            span = self.spans.get(name)
            if span is None:
                return None
            with no_gc():
                table = loads(self.raw[span[0]:span[1]])
            if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
                raise ValueError(_("its table {name!r} is not a table of records.").format(name=name))
            self.tables[name] = table
        return table

    def is_empty(self, name: str) -> bool:
        span = self.spans.get(name)
        return span is None or _EMPTY_TABLE.match(self.raw, span[0]) is not None

    def docs_due(self, name: str, field: str, at_most: str, first: int | None = None,
                 after: str = "") -> tuple[int, list[dict[str, Any]]]:
        """How many documents of a table have a ``field`` text ``<= at_most`` (dates as
        stored), and those documents: all of them, or (``first``) at least the ones with
        the ``first`` smallest values. ``relance status`` asks which of 10,000 contacts
        have a follow-up due and shows the 15 oldest.

        A table not parsed yet is read line by line (one record a line): a line in the
        form relance writes, where the field is followed by ``after`` (the next field),
        gives its value without a parse; the others that may match are parsed, in one go
        with the lines needed for the documents returned."""
        table = self.tables.get(name)
        span = self.spans.get(name)
        if table is None and span is not None:
            found = self._due_by_pattern(span, field, at_most, after) if after else None
            if found is None:
                found = self._due_lines(span, field, at_most, after)
            if found is not None:
                known = sorted(value for value, _line in found if value is not None)
                cutoff = known[first - 1] if first is not None and 0 < first <= len(known) else None
                if first == 0:
                    cutoff = ""
                wanted = [self._record_at(line) if isinstance(line, int) else line
                          for value, line in found if value is None or cutoff is None or value <= cutoff]
                try:
                    docs = loads(b"[" + b",".join(wanted) + b"]")
                except ValueError:
                    docs = None
                if docs is not None and all(isinstance(doc, dict) for doc in docs):
                    matched = _due(docs, field, at_most)
                    # every line with a known value matches; of the others, those kept here
                    known_parsed = sum(1 for value, _line in found if value is not None and (cutoff is None or value <= cutoff))
                    return len(known) + len(matched) - known_parsed, matched
        docs = _due((self.table(name) or {}).values(), field, at_most)
        return len(docs), docs

    def _due_by_pattern(self, span: tuple[int, int], field: str, at_most: str,
                        after: str) -> list[tuple[str | None, bytes | int]] | None:
        """``_due_lines`` in one regular-expression pass, for a table where every record
        is one line holding ``field`` once, written by relance (followed by ``after``),
        with no escape anywhere; None otherwise. Gives (value, where the value is)."""
        raw = self.raw
        start, end = span
        key = f'"{field}"'.encode()
        records = raw.count(b"\n", start, end) - 1
        if raw.find(b"\\", start, end) >= 0 or raw.count(key, start, end) != records:
            return None
        pattern = re.compile(key + rb':(?:"([0-9]{4}-[0-9]{2}-[0-9]{2})"|null),"' + re.escape(after.encode()) + b'":')
        found: list[tuple[str | None, bytes | int]] = []
        seen = 0
        for match in pattern.finditer(raw, start, end):
            seen += 1
            value = match.group(1)
            if value is None:
                continue
            text = value.decode("ascii")
            if text <= at_most:
                found.append((text if _is_date(text) else None, match.start()))
        return found if seen == records else None

    def _record_at(self, position: int) -> bytes:
        """The JSON of the record on the line holding ``position``."""
        line_start = self.raw.rfind(b"\n", 0, position) + 1
        line_end = self.raw.find(b"\n", position)
        head = self.raw.find(b'": ', line_start, line_end)
        return self.raw[head + 3:line_end].rstrip().rstrip(b",")

    def _due_lines(self, span: tuple[int, int], field: str, at_most: str,
                   after: str) -> list[tuple[str | None, bytes | int]] | None:
        """(the value when the line gives it plainly, the record's JSON) of each line that
        may have ``field <= at_most``; None when the table is not one record a line."""
        key, quoted, null = f'"{field}"'.encode(), f'"{field}":"'.encode(), f'"{field}":null'.encode()
        follows = f',"{after}":'.encode() if after else None
        found: list[tuple[str | None, bytes | int]] = []
        for line in self.raw[span[0]:span[1]].split(b"\n")[1:-1]:
            escapes = b"\\" in line  # a key written with escapes, a value with a quote...
            if key not in line and not escapes:
                continue
            plain = not escapes and line.count(key) == 1
            if plain and null in line:
                continue
            value = None
            at = line.find(quoted)
            if plain and at >= 0:
                start = at + len(quoted)
                end = line.find(b'"', start)
                text = line[start:end].decode("utf-8", "replace")
                if text > at_most:
                    continue
                if follows is not None and line.startswith(follows, end + 1) and _is_date(text):
                    value = text  # relance's own order of fields: this is the record's own
            head = line.find(b'": ')
            if head < 0:
                return None
            found.append((value, line[head + 3:].rstrip().rstrip(b",")))
        return found

    def whole(self) -> dict[str, dict[str, Any]]:
        """Every table, in the file's order."""
        return {name: self.table(name) for name in self.spans}  # type: ignore[misc]


class LineCache:
    """The encoded lines of each table, kept in chunks of :attr:`CHUNK` documents.

    A save changes one record among thousands; encoding all of them again made a
    saved edit at 10,000 contacts cost ~130 ms. Documents are never changed in place
    (the repository puts a new dict in place of an old one, TinyDB's insert makes new
    ones), so a chunk whose documents are the same objects as last time has the same
    bytes: identity checks instead of an encoding, and only the chunk holding a
    change is encoded again (256 records, ~1 ms). Only the chunks' bytes are kept.
    """

    #: documents per chunk of a table: a save encodes again the chunk holding the change
    CHUNK = 256

    def __init__(self) -> None:
        self._chunks: dict[str, list[tuple[list[str], list[dict[str, Any]], bytes]]] = {}

    @staticmethod
    def line(doc_id: str, doc: dict[str, Any]) -> str:
        return f'  "{doc_id}": {_encode(doc)}'

    def block(self, name: str, table: dict[str, Any]) -> list[bytes]:
        """A table's block of lines, as a list of byte strings to write one after the other."""
        keys = list(table)
        docs = list(table.values())
        before = self._chunks.get(name, [])
        chunks = []
        line = self.line
        size = self.CHUNK
        for number, start in enumerate(range(0, len(keys), size)):
            chunk_keys, chunk_docs = keys[start:start + size], docs[start:start + size]
            old = before[number] if number < len(before) else None
            if old is not None and old[0] == chunk_keys and all(map(operator.is_, old[1], chunk_docs)):
                chunks.append(old)
                continue
            text = ",\n".join([line(str(doc_id), doc) for doc_id, doc in zip(chunk_keys, chunk_docs)])
            chunks.append((chunk_keys, chunk_docs, text.encode("utf-8")))
        self._chunks[name] = chunks
        parts = [f"{json.dumps(name)}: {{\n".encode("utf-8") if chunks else f"{json.dumps(name)}: {{".encode("utf-8")]
        for number, chunk in enumerate(chunks):
            if number:
                parts.append(b",\n")
            parts.append(chunk[2])
        parts.append(b"\n}" if chunks else b"}")
        return parts

    def prime(self, raw: bytes, data: dict[str, dict[str, Any]]) -> None:
        """Make the chunks of a file this storage wrote (one record a line), for the
        documents just parsed from it, out of the file's own bytes: the first save then
        encodes only the chunk it changes, and nothing is decoded or copied twice.

        A table is taken from the file only when its lines are exactly its records, one a
        line, in order: as many lines as records, each opening with its record's key and
        ending the record. Any other table (a record spread over lines by hand, two on one
        line) is encoded afresh: a chunk cut inside a record would write a broken file."""
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        spans = split_tables(raw)
        if spans is None:
            return
        size = self.CHUNK
        for name, table in list(data.items()):
            span = spans.get(name)
            if span is None or not table:
                continue
            keys, docs = list(table), list(table.values())
            starts = _record_lines(raw, span, keys)
            if starts is None:
                self.block(name, table)  # encoded now, not at the first save
                continue
            starts.append(span[1] - 1)  # (where a line after the last would start: the "}")
            chunks = []
            for first in range(0, len(keys), size):
                last = min(first + size, len(keys))
                end = starts[last] - 1  # the newline ending the chunk's last line
                if raw[end - 1:end] == b",":
                    end -= 1
                chunks.append((keys[first:last], docs[first:last], raw[starts[first]:end]))
            self._chunks[name] = chunks


#: a record's line in relance's layout: its key, then the record (see LineCache.line)
_RECORD_HEAD = re.compile(rb'\n  "([^"\\\n]*)": \{')  # (a literal start: re skips ahead to it)


def _record_lines(raw: bytes, span: tuple[int, int], keys: list[str]) -> list[int] | None:
    """Where each record's line starts, when the table at ``span`` is written one record a
    line (``keys`` in order, each line ``  "key": {...}`` and a comma but the last); None
    otherwise (a few counts and one regular-expression pass over the table)."""
    start, stop = span
    inside, end = start + 2, stop - 2  # between "{\n" and "\n}"
    count = len(keys)
    if (raw[start:inside] != b"{\n" or raw[end:stop] != b"\n}" or raw[end - 1:end] != b"}"
            or raw.count(b"\n", inside, end) != count - 1 or raw.count(b"},\n", inside, end) != count - 1):
        return None
    found = [(match.start() + 1, match.group(1)) for match in _RECORD_HEAD.finditer(raw, inside - 1, end)]
    if len(found) != count or [key.decode("utf-8", "replace") for _start, key in found] != keys:
        return None
    return [position for position, _key in found]


#: the key of ``_meta`` holding the check of the rest of the file (see :func:`dump_parts`)
CHECK_KEY = "check"


def content_check(rest: bytes | memoryview | list[bytes]) -> str:
    """The check of the bytes after the ``_meta`` block: a CRC-32 (~2 ms for a file of
    10,000 contacts, 8 MB; BLAKE2 took 9 ms of every save). It tells a file as relance
    wrote it, every record checked, from one another program changed since."""
    crc = 0
    parts = rest if isinstance(rest, list) else [rest]
    for part in parts:
        crc = zlib.crc32(part, crc)
    return f"{crc:08x}-{sum(map(len, parts))}"


def dump_parts(data: dict[str, dict[str, Any]], cache: LineCache | None = None) -> list[bytes]:
    """The file's bytes as a list of pieces (see :func:`dump_data`), written without
    first joining megabytes into one string. ``_meta`` comes first and holds the
    :func:`content_check` of what follows it."""
    cache = cache or LineCache()
    names = sorted(name for name in data if name != META_TABLE)
    rest: list[bytes] = []
    for name in names:
        rest.append(b",\n")
        rest.extend(cache.block(name, data[name]))
    rest.append(b"\n}\n")
    doc_id, meta = next(iter((data.get(META_TABLE) or {"1": {}}).items()))
    meta = {key: value for key, value in meta.items() if key != CHECK_KEY}
    meta[CHECK_KEY] = content_check(rest)
    return [b"{\n", *LineCache().block(META_TABLE, {doc_id: meta}), *rest]


def dump_data(data: dict[str, dict[str, Any]], cache: LineCache | None = None) -> bytes:
    """One table a block, one record a line: readable, diffable, and parse
    errors in a hand-edited file point at a useful line."""
    return b"".join(dump_parts(data, cache))


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

    #: the version this process last kept at a save (see :meth:`release_last_kept`)
    last_kept: Path | None = None

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
        thread = getattr(self, "_pruning", None)
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


def _writer_alive(rest: str) -> bool:
    """The process that made the temp file ``.<name>.tmp-<pid>-<random>`` still runs: its
    file is in use (a writer whose lock file was removed under it may still be writing)."""
    pid = rest.split("-", 1)[0]
    if not pid.isdigit() or pid == str(os.getpid()):
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError, ValueError):
        return True  # (someone else's process: alive)
    return True


class DurableStorage(Storage):
    """TinyDB storage with atomic writes, a file lock and a stat-checked cache."""

    def __init__(self, path: str | os.PathLike[str]):
        requested = Path(path).expanduser()
        #: where the data really is (the user's own links followed); writes go there,
        #: never through a symlink
        self.path = resolve(requested, _("data file"))
        self.requested = requested
        self.folder = self.path.parent
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self._tmp_prefix = f".{self.path.name}.tmp-"
        self.backups = Backups(self.path)

        self._data: dict[str, dict[str, Any]] | None = None
        #: a file in relance's layout, its tables not all parsed yet (``_data`` is None then)
        self._lazy: LazyTables | None = None
        self._key: tuple[int, int, int, int] | None = None
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
        self._lines = LineCache()
        self._primed = False
        #: (stat key, error) of the file last found unusable: not read again until it changes
        self._bad: tuple[tuple | None, RelanceError] | None = None
        #: set by the owner (the repository): ``check(table_of)`` looks at a new version of
        #: the file before it is taken (``table_of(name)``: one of its tables) and raises a
        #: :class:`DataFileError` for a version not to take, as for one that is not JSON
        self.check: Callable[[Callable[[str], dict[str, Any]]], None] | None = None
        #: the version being read (shown to :attr:`check`) is as relance wrote it: its
        #: ``_meta`` check matches (False: changed by another program, or written before
        #: relance kept a check; its every record must be checked before it is taken)
        self.incoming_checked = False

        # Decided before anything is made: a read of nothing creates nothing (the folder,
        # the lock and backups/ are made by the first write).
        above = next((p for p in self.path.parents if os.path.lexists(p)), None)
        if above is not None and not above.is_dir():
            raise RelanceError(_("Cannot use the data file {path}: {reason}").format(
                path=self.path, reason=_("{file} is a file, not a folder.").format(file=above)))
        check_folder(self.folder)
        check_file_safety(self.path)

    # -- locking --------------------------------------------------------------------

    def _sweep_leftovers(self) -> None:
        """Remove temp files left by a writer that was killed mid-write (only the lock
        holder writes one: called with the lock held, once per storage)."""
        if self._swept:
            return
        self._swept = True
        with contextlib.suppress(OSError):
            for name in os.listdir(self.folder):
                if (name.startswith(self._tmp_prefix) and not _writer_alive(name[len(self._tmp_prefix):])
                        and own_file(self.folder / name)):  # (never another user's)
                    with contextlib.suppress(OSError):
                        os.unlink(self.folder / name)

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

    def refresh(self, reading: bool = False) -> bool:
        """Parse the file again if it changed on disk; True when it did.

        A file that cannot be used now (damaged, or moved away, by another program) raises
        a :class:`RelanceError` saying so, and is not read again until it changes. With
        ``reading`` (a read, not a write), once a file was read, the reads go on from what
        it last held instead: an open dashboard keeps working on it, the file poll says
        what is wrong, and a save is refused.

        A new version is also shown to :attr:`check` before it is taken."""
        try:
            return self._refresh()
        except RelanceError:
            if reading and self._key is not None:
                return False
            raise

    def _refresh(self) -> bool:
        with self._thread_lock:
            key = self._stat_key()
            if key is not None and key == self._key:
                return False
            if self._bad is not None and self._bad[0] == key:
                raise self._bad[1]
            if key is None and self._key is not None:  # it was read or written, and is gone
                raise self._gone()
            if key is None:  # never read nor written: no file yet
                changed = self._data is not None or self._lazy is not None
                if changed:  # (still no file: nothing to do, and no new generation to announce)
                    self._set(None, None, None)
                return changed
            try:
                fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
            except FileNotFoundError:  # gone since the stat
                if self._key is not None:
                    raise self._gone() from None
                return False
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
            key = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            try:
                data = self._parse(raw)
                if self.check is not None and data is not None:
                    self.check(lambda name: self._table_of(data, name))
            except DataFileError as err:
                os.close(fd)
                self._bad = (key, err)
                raise
            self.parse_count += 1
            self._bad = None
            self._set(data, key, fd)
            return True

    def _check_owner(self, st: os.stat_result) -> None:
        """The file just opened (its ``fstat``) and its folder are the user's alone."""
        check_file(self.path, st, _("data file"))
        check_folder(self.folder)

    def _gone(self) -> DataFileGoneError:
        """The file read or written before is no longer there: remembered (not looked for
        again until something is there) and raised."""
        self._bad = (None, DataFileGoneError(self.path))
        return self._bad[1]  # type: ignore[return-value]

    def _table_of(self, data: dict[str, dict[str, Any]] | LazyTables, name: str) -> dict[str, Any]:
        """One table of ``data`` just parsed (``{}`` when absent); a table that is not valid
        JSON raises the :class:`DataFileError` naming its line and column."""
        if isinstance(data, LazyTables):
            try:
                return data.table(name) or {}
            except ValueError:
                self._full_parse(data.raw)  # raises, with the place in the file
                raise
        return data.get(name) or {}

    def _parse(self, raw: bytes) -> dict[str, dict[str, Any]] | LazyTables | None:
        if not raw or raw.isspace():
            return None
        if raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        self._lines = LineCache()
        self._primed = False  # done by the first write: a reader never pays for it
        spans = split_tables(raw)
        if spans is not None and set(spans) <= KNOWN_TABLES:
            lazy = LazyTables(raw, spans)
            try:
                meta = lazy.table(META_TABLE) if META_TABLE in spans else None
            except ValueError:  # (JSON and UTF-8 errors are ValueErrors too)
                return self._full_parse(raw)  # says what is wrong, and where in the file
            problem = check_layout({META_TABLE: meta}) if meta is not None else None
            if problem:
                raise self._fail(problem)
            written = next(iter(meta.values()), {}).get(CHECK_KEY) if meta else None
            # (a view, not a slice: copying the 8 MB after _meta took 4 ms of relance status)
            self.incoming_checked = written == content_check(memoryview(raw)[spans[META_TABLE][1]:]) if written else False
            return lazy
        self.incoming_checked = False
        return self._full_parse(raw)

    def _full_parse(self, raw: bytes) -> dict[str, dict[str, Any]]:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise self._fail(_("it is not UTF-8 text (byte {pos}).").format(pos=err.start)) from None
        try:
            with no_gc():
                data = loads(text)
        except json.JSONDecodeError as err:
            raise self._fail(describe_json_error(err)) from None
        problem = check_layout(data)
        if problem:
            raise self._fail(problem)
        return data

    def _whole(self) -> None:
        """Parse the tables not parsed yet (under the thread lock)."""
        lazy = self._lazy
        if lazy is None:
            return
        try:
            data = lazy.whole()
        except ValueError:
            data = self._full_parse(lazy.raw)  # raises with the line and column
        problem = check_layout(data)
        if problem:
            raise self._fail(problem)
        self._data, self._lazy = data, None

    @contextlib.contextmanager
    def _current(self) -> Iterator[None]:
        """The thread lock, with the file read again if it changed (not inside a write,
        which works on its own copy)."""
        with self._thread_lock:
            if self._depth == 0:
                self.refresh(reading=True)
            yield

    def read_table(self, name: str) -> dict[str, Any]:
        """One table (``{}`` when absent), parsing no other if it can: the reads of
        the dashboard's first screen and of ``relance status``."""
        with self._current():
            if self._lazy is not None:
                try:
                    table = self._lazy.table(name)
                except ValueError:
                    self._whole()  # raises the problem, with its place in the file
                    return (self._data or {}).get(name) or {}
                return table if table is not None else {}
            return (self._data or {}).get(name) or {}

    def docs_due(self, table: str, field: str, at_most: str, first: int | None = None,
                 after: str = "") -> tuple[int, list[dict[str, Any]]]:
        """See ``LazyTables.docs_due``: without parsing the whole table when it is not
        parsed yet."""
        with self._current():
            if self._lazy is not None:
                try:
                    return self._lazy.docs_due(table, field, at_most, first, after)
                except ValueError:
                    self._whole()  # raises the problem, with its place in the file
            found = _due(((self._data or {}).get(table) or {}).values(), field, at_most)
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
    def transaction(self) -> Iterator[None]:
        """Hold the file lock, start from the file as it is now, write once at the end.

        Nested transactions join the outer one. If the body raises, nothing is
        written and the in-memory state is dropped.
        """
        with self._thread_lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            # a file that is not a relance data file of the user's is refused before the
            # lock, the folder or anything else is made beside it
            self.refresh()
            with self._locked():
                self.refresh()
                self._whole()  # a write starts from every table
                self._prime_lines()
                self._dirty = False
                self._depth = 1
                try:
                    yield
                    if self._dirty:
                        self._commit(self._data or {})
                except BaseException:
                    self._undo()
                    raise
                finally:
                    self._depth = 0
                    self._dirty = False

    def _undo(self) -> None:
        """After a write that did not happen (an error in the change, a full disk...): the
        data in memory may have been changed in place, so it is parsed again from the file
        it came from, still open and unchanged. Not a new generation: nothing came from
        another session (the dashboard would say so)."""
        pin = self._pin
        if pin is None:  # (no file yet: still none)
            self._data = self._lazy = None
            return
        try:
            data = self._parse(os.pread(pin, os.fstat(pin).st_size, 0))
        except (OSError, RelanceError):
            data = None
        if data is None:
            self._set(None, None, None)  # parse again next time
        else:
            self._data, self._lazy = (None, data) if isinstance(data, LazyTables) else (data, None)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This thread and the sidecar ``flock``: no other writer, in or out of the process.
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
                check_file_safety(self.path)  # (backups/ is checked again where it is written: Backups.keep)
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
            kept = self._commit(data, same_file=False)
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
        under this writer let another writer take a new one: writing now could drop the
        other's change, so this one is given up, unwritten, and says so."""
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
        """Write ``data`` in place of the file; returns the backup of the file replaced."""
        data.setdefault(META_TABLE, {"1": {"schema": SCHEMA}})
        try:
            payload = dump_parts(data, self._lines)
        except RecursionError:  # (a value a file held, nested as deep as the parser went: the encoder goes less deep)
            raise RelanceError(_("Could not save to {path}: a value is nested too deeply to be written. Nothing was "
                                 "changed: the file holds what it held before.").format(path=self.path)) from None
        tmp = self.folder / f"{self._tmp_prefix}{os.getpid()}-{os.urandom(4).hex()}"
        self.backups.release_last_kept()
        kept: list[Path | None] = [None]

        def before() -> None:
            self._still_ours(same_file)
            kept[0] = self.backups.keep(self.path, prune=False)

        try:
            replace_file(self.path, payload, tmp, before=before)
        except OSError as err:  # a full disk, a quota, a read-only file system...
            raise SaveError(self.path, err) from None
        _fsync_dir(self.folder)
        self.backups.prune_later()
        pin = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        st = os.fstat(pin)
        if self._pin is not None:
            os.close(self._pin)
        # our own write: the data in memory is what is on disk; no generation bump
        self._data, self._key, self._pin = data, (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns), pin
        return kept[0]

    def close(self) -> None:
        self.backups.settle()
        self.backups.release_last_kept()
        with self._thread_lock:
            if self._pin is not None:
                os.close(self._pin)
                self._pin = None
            self._key = None
