"""What ``relance doctor`` checks in the records (``store/doctor.py`` checks the rest): each
record as the forms would, the uids, the references, read a table at a time and 2,000
records at once when the file is in relance's layout (the whole file of 30,000 contacts
and 60,000 interactions parsed at once took 270 MB), else parsed whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import ValidationError
from .fields import Items, Ref, Refs
from .fmt import shown
from .i18n import _, pgettext
from .jsontext import loads
from .layout import KNOWN_TABLES, META_TABLE, SCHEMA, check_layout, placed_tables, split_tables
from .models import MODELS, Settings, a_kind, counted
from .tablelines import TableLines

OK, WARNING, ERROR, FIXED = "ok", "warning", "error", "fixed"
TABLE_KIND = {model.TABLE: kind for kind, model in MODELS.items()}


def _pointed_at() -> frozenset[str]:
    """The kinds some field of a record points at (an interaction is pointed at by none:
    its 60,000 uids are not kept to check the references)."""
    kinds = set()
    for model in (*MODELS.values(), Settings):
        for ftype in model.field_types().values():
            if isinstance(ftype, (Ref, Refs)):
                kinds.add(ftype.kind)
            elif isinstance(ftype, Items):
                kinds.update(sub.kind for sub in ftype.item_fields.values() if isinstance(sub, Ref))
    return frozenset(kinds)


_POINTED_AT = _pointed_at()


@dataclass(frozen=True)
class Finding:
    level: str
    text: str
    #: a problem ``--fix`` repairs (the others need the user: their text says what to do)
    fix: bool = False

    def line(self) -> str:
        """``warning  text``: the level's word, in the language in use, padded to the
        longest of the four so the texts line up."""
        marks = _marks()
        return f"{marks[self.level]:<{max(map(len, marks.values()))}}  {self.text}"



def _marks() -> dict[str, str]:
    """The words that start doctor's lines (short: they are read down a column)."""
    return {OK: pgettext("doctor", "ok"), WARNING: pgettext("doctor", "warning"),
            ERROR: pgettext("doctor", "error"), FIXED: pgettext("doctor", "fixed")}



#: a table's records, a batch at a time: (doc id, document)
Batches = Iterator[list[tuple[str, Any]]]


class Tables:
    """The tables of a file in relance's layout, each read when its turn comes: a batch of
    2,000 records at a time when it is one record a line, else the table whole."""

    def __init__(self, raw: bytes, spans: dict[str, tuple[int, int]]):
        self.raw, self.spans = raw, spans

    def names(self) -> list[str]:
        return list(self.spans)

    def batches(self, name: str) -> Batches:
        """ValueError when the table is not JSON, or not a table of records."""
        span = self.spans[name]
        lines = TableLines(self.raw, span)
        if lines and lines.regular():
            for batch in lines.docs(2000):
                if not all(isinstance(doc, dict) for _key, doc in batch):
                    raise ValueError("not a record")
                yield batch
            return
        table = loads(self.raw[span[0]:span[1]])
        if not isinstance(table, dict) or not all(isinstance(doc, dict) for doc in table.values()):
            raise ValueError("not a table of records")
        yield list(table.items())


class Whole(Tables):
    """The tables of a file parsed whole (another layout)."""

    def __init__(self, data: dict[str, Any]):  # pylint: disable=super-init-not-called
        self.data = data

    def names(self) -> list[str]:
        return list(self.data)

    def batches(self, name: str) -> Batches:
        yield list(self.data[name].items())


def tables_of(path: Path) -> Tables | None:
    """The file's tables to be read one at a time, when it is in relance's layout and
    UTF-8; None otherwise (``read_data_file`` then reads it whole and says what is wrong)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    spans = placed_tables(raw) or split_tables(raw)
    if spans is None or not set(spans) <= KNOWN_TABLES:
        return None
    return Tables(raw, spans)

def _numbered(doc_id: str) -> bool:
    """The key of a record is a number (TinyDB reads it with int())."""
    try:
        int(doc_id)
    except ValueError:
        return False
    return True


def name_of(table: str, doc_id: str, doc: dict[str, Any]) -> str:
    label = doc.get("name") or doc.get("title") or doc.get("client") or doc.get("summary") or ""
    label = shown(label) if isinstance(label, str) else ""  # (as the file holds it)
    where = f"{table}/{shown(str(doc_id))}"
    return f"{where} ({label})" if label else where


def uid_key(uid: str) -> str:
    """A reference as relance reads it (``fields.Uid``: trimmed, in lower case): one written
    by hand in capitals points at its record, as every command reads it (a record's own
    uid is read as stored)."""
    return uid.strip().lower()


def required_link(table: str, name: str) -> bool:
    """Whether the reference ``name`` of a record of ``table`` may not be empty (an
    interaction's contact): ``--fix`` cannot remove it without making the file unusable."""
    model = MODELS.get(TABLE_KIND.get(table, ""))
    ftype = model.field_types().get(name) if model is not None else None
    return isinstance(ftype, Ref) and ftype.required


def _references(table: str, doc: dict[str, Any]):
    """(field, kind, uid, item index or None) of every reference in a raw document."""
    model = Settings if table == Settings.TABLE else MODELS.get(TABLE_KIND.get(table, ""))
    if model is None:
        return
    for name, ftype in model.field_types().items():
        value = doc.get(name)
        if isinstance(ftype, Ref) and isinstance(value, str) and value:
            yield name, ftype.kind, value, None
        elif isinstance(ftype, Refs) and isinstance(value, list):
            for uid in value:
                if isinstance(uid, str):
                    yield name, ftype.kind, uid, None
        elif isinstance(ftype, Items) and isinstance(value, list):
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    continue
                for sub, subtype in ftype.item_fields.items():
                    if isinstance(subtype, Ref) and isinstance(item.get(sub), str) and item.get(sub):
                        yield f"{name}.{sub}", subtype.kind, item[sub], index


def dangling(data: dict[str, Any]) -> list[tuple[str, str, str, str, str, int | None]]:
    """(table, doc id, field, kind, uid, item index) of references to records that do not exist."""
    known: dict[str, set[str]] = {}
    for table, docs in data.items():
        if table in TABLE_KIND:
            known[TABLE_KIND[table]] = {d["uid"] for d in docs.values() if isinstance(d, dict) and isinstance(d.get("uid"), str)}
    found = []
    for table, docs in data.items():
        if table == META_TABLE:
            continue
        for doc_id, doc in docs.items():
            for name, kind, uid, index in _references(table, doc):
                if uid_key(uid) not in known.get(kind, set()):
                    found.append((table, doc_id, name, kind, uid, index))
    return found


def duplicate_uids(data: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(table, doc id, uid, doc id of the first) of every record whose uid an earlier record
    of its table has (the first one keeps it, and the links to it)."""
    found = []
    for table, docs in data.items():
        if table in (META_TABLE, Settings.TABLE):
            continue
        first: dict[str, str] = {}
        for doc_id, doc in docs.items():
            uid = doc.get("uid") if isinstance(doc, dict) else None
            if isinstance(uid, str) and uid:
                if uid in first:
                    found.append((table, doc_id, uid, first[uid]))
                else:
                    first[uid] = doc_id
    return found



def needs_repair(tables: Tables) -> bool:
    """Whether :func:`duplicate_uids` or :func:`dangling` would find something in the file
    of ``tables``, read 2,000 records at a time (``doctor --fix`` on a sound file of 30,000
    contacts parsed it whole for nothing: 300 MB); ValueError when a table is not records."""
    known: dict[str, set[str]] = {kind: set() for kind in _POINTED_AT}
    pointed: dict[str, set[str]] = {}  # kind -> the uids references hold
    for table in tables.names():
        if table == META_TABLE:
            continue
        kind_uids = known.get(TABLE_KIND.get(table, ""))
        first: set[str] = set()
        for batch in tables.batches(table):
            for _doc_id, doc in batch:
                uid = doc.get("uid")
                if table != Settings.TABLE and isinstance(uid, str) and uid:
                    if uid in first:
                        return True
                    first.add(uid)
                if kind_uids is not None and isinstance(uid, str):
                    kind_uids.add(uid)
                for _name, kind, ref, _index in _references(table, doc):
                    pointed.setdefault(kind, set()).add(uid_key(ref))
    return any(uids - known.get(kind, set()) for kind, uids in pointed.items())


def check_data(data: dict[str, Any] | Tables) -> list[Finding] | None:
    """The findings of the records; None when a table of ``data`` read a table at a time
    turns out not to be JSON or not records (the whole file read then says what and where)."""
    tables = data if isinstance(data, Tables) else Whole(data)
    findings: list[Finding] = []
    try:
        _check_tables(tables, findings)
    except ValueError:  # (UnicodeDecodeError is one)
        if isinstance(data, Tables) and not isinstance(data, Whole):
            return None
        raise
    return findings


def _check_tables(tables: Tables, findings: list[Finding]) -> None:
    names = tables.names()
    if not names:
        findings.append(Finding(WARNING, _("The data file is empty.")))
        return
    meta = dict(doc for batch in tables.batches(META_TABLE) for doc in batch) if META_TABLE in names else None
    problem = check_layout({META_TABLE: meta} if meta is not None else {})
    if problem:
        raise ValueError(problem)
    schema = next(iter(meta.values())).get("schema") if meta else 0
    if schema < SCHEMA:
        findings.append(Finding(WARNING, _("The file has schema {schema}; relance migrates it to {current} when it "
                                           "opens it (after a backup); --fix does it now.").format(schema=schema, current=SCHEMA), True))
    else:
        findings.append(Finding(OK, _("Schema {schema}, the current one.").format(schema=schema)))
    counts = []
    duplicates = 0
    # the uids of the kinds others point at, and the uids pointed at, by kind: a reference
    # is placed and named only when it points at nothing, in a second pass (each of the
    # 100,000 references of 30,000 contacts kept with its place took ~25 MB)
    known: dict[str, set[str]] = {kind: set() for kind in _POINTED_AT}
    pointed: dict[str, set[str]] = {}
    today = datetime.now().date()
    for table in names:
        if table == META_TABLE:
            continue
        model = Settings if table == Settings.TABLE else MODELS[TABLE_KIND[table]]
        first: dict[str, str] = {}  # uid -> the key of the record that has it first
        twins: list[tuple[int, str]] = []  # (place in findings, uid) of a uid held twice
        kind_uids = known.get(TABLE_KIND.get(table, ""))
        number = 0
        for batch in tables.batches(table):
            for doc_id, doc in batch:
                number += 1
                where = name_of(table, doc_id, doc)
                uid = doc.get("uid")
                if not _numbered(doc_id):
                    findings.append(Finding(ERROR, _("{where} is not numbered (its key is not a number): relance cannot "
                                                     "open the file until it is.").format(where=where)))
                if table == Settings.TABLE:
                    pass  # the one settings record is never pointed at: its uid does not matter
                elif not uid and schema >= 1:
                    findings.append(Finding(ERROR, _("{where} has no uid.").format(where=where)))
                elif isinstance(uid, str) and uid in first:
                    duplicates += 1
                    twins.append((len(findings), uid))
                    findings.append(Finding(ERROR, where, True))  # (its text once the first is named)
                if isinstance(uid, str) and uid:
                    first.setdefault(uid, doc_id)
                    if kind_uids is not None:
                        kind_uids.add(uid)
                try:
                    record = model.from_doc(doc, today)
                except ValidationError as err:
                    findings.append(Finding(ERROR, _("{where} is invalid: {problem}").format(where=where, problem=err)))
                else:  # (a language this relance has no catalogue for: the file opens, in the system's)
                    for name, problem in record.written_problems().items():
                        findings.append(Finding(WARNING, _("{where}, {field}: {problem} The system's language is used "
                                                           "until relance settings --language changes it.").format(where=where, field=name, problem=problem)))
                if schema >= 1:
                    for _field, kind, ref, _index in _references(table, doc):
                        pointed.setdefault(kind, set()).add(uid_key(ref))
        if twins:
            _name_twins(tables, table, twins, first, findings)
        if table != Settings.TABLE:
            counts.append(counted(table, number))
    links: list[Finding] = []
    if schema >= 1:
        missing = {kind: uids - known.get(kind, set()) for kind, uids in pointed.items()}
        if any(missing.values()):
            _missing_links(tables, names, missing, links)
    if counts:
        findings.append(Finding(OK, _("Records: {counts}.").format(counts=", ".join(counts))))
    findings.extend(links)
    if schema >= 1 and not links:
        findings.append(Finding(OK, _("Every reference points at an existing record.")))
    if not duplicates and schema >= 1:
        findings.append(Finding(OK, _("Every uid is unique.")))


def _name_twins(tables: Tables, table: str, twins: list[tuple[int, str]], first: dict[str, str],
                findings: list[Finding]) -> None:
    """The findings of the records of ``table`` holding a uid an earlier one has, each
    naming that earlier one (read again: the place of every record was not kept)."""
    wanted = {first[uid] for _at, uid in twins}
    named = {doc_id: name_of(table, doc_id, doc) for batch in tables.batches(table)
             for doc_id, doc in batch if doc_id in wanted}
    for at, uid in twins:
        findings[at] = Finding(ERROR, _("{where} has the uid {uid} of {other} too; --fix gives it a new "
                                        "uid.").format(where=findings[at].text, uid=shown(uid), other=named[first[uid]]), True)


def _missing_links(tables: Tables, names: list[str], missing: dict[str, set[str]], findings: list[Finding]) -> None:
    """A finding for each reference to a uid in ``missing`` (kind -> uids no record has),
    in the order of the file: the tables read again."""
    for table in names:
        if table == META_TABLE:
            continue
        for batch in tables.batches(table):
            for doc_id, doc in batch:
                for field, kind, uid, index in _references(table, doc):
                    if uid_key(uid) not in missing.get(kind, ()):
                        continue
                    where = name_of(table, doc_id, doc)
                    if index is None and required_link(table, field):
                        findings.append(Finding(ERROR, _(
                            "{where}: {field} points at {a_kind} that does not exist ({uid}), and may not be empty: "
                            "point it at an existing one (relance edit), or delete the record.").format(
                            where=where, field=field, a_kind=a_kind(kind), uid=shown(uid[:8]))))
                        continue
                    findings.append(Finding(ERROR, _("{where}: {field} points at {a_kind} that does not exist "
                                                     "({uid}); --fix removes the link.").format(
                        where=where, field=field, a_kind=a_kind(kind), uid=shown(uid[:8])), True))
