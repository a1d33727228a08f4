"""Records read from the lines of a file relance wrote, without building their kind
(docs/ARCHITECTURE.md, "Writing what changed"): ``relance add interaction --contact
"Zoé"`` at 30,000 contacts finds Zoé among the names of the lines and reads her line
alone, where building the 30,000 contacts took 0.9 s and 190 MB.

Each answer is the one the built records give. A line is read the quick way only when it
is in the form relance writes (its uid first, the value plain); any other is parsed and
loaded as a whole record. What a transaction changed line by line and has not written
yet (``TablePatch``) is read over the file's lines.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from .errors import DataFileError
from .models import MODELS, Record
from .records import build_records
from .storage import DurableStorage
from .tablelines import AnyCase, Doc, TableLines

#: a uid as relance stores it (Uid.parse_value: lower-case)
_UID = re.compile(r"[0-9a-f-]{8,64}")


class StoredRecords:
    """The records of ``storage``'s file read line by line (see the module)."""

    def __init__(self, storage: DurableStorage, today: Callable[[], date],
                 bad_file: Callable[[str], DataFileError]):
        self.storage = storage
        self._today = today
        self._bad_file = bad_file
        self._patterns: dict[str, re.Pattern[bytes]] = {}

    def lines(self, kind: str) -> TableLines | None:
        """The kind's table line by line, or None when the file must be read whole."""
        return self.storage.lines(MODELS[kind].TABLE)

    def _load(self, kind: str, docs: Iterable[Doc]) -> dict[str, tuple[str, Record]]:
        """uid -> (key, record) of stored documents, loaded as the whole kind would be."""
        docs = list(docs)
        records, ids = build_records(MODELS[kind], dict(docs), self._today(), self._bad_file)
        keys = {int(key): key for key, _doc in docs}
        return {uid: (keys[ids[uid]], record) for uid, record in records.items()}

    def _overlaid(self, kind: str, lines: TableLines, found: list[Doc], test: Callable[[dict[str, Any]], bool]) -> list[Doc]:
        """``found`` (documents of the file's lines) with the running transaction's changes
        to the table: a line it replaced or removed left out, a document it stores added
        when it passes ``test``."""
        patch = self.storage.patch_of(MODELS[kind].TABLE)
        if patch is None:
            return found
        kept = [(key, doc) for key, doc in found if key not in patch.changed]
        return kept + [(key, doc) for key, doc in patch.docs() if test(doc)]

    def find_uid(self, kind: str, uid: str) -> tuple[str, Record] | None:
        """(key, record) of the record with this uid; None when no line holds it as
        relance writes it (the caller builds the kind to be sure)."""
        lines = self.lines(kind)
        if lines is None or not uid:
            return None
        needle = uid.encode("utf-8")
        try:
            found = self._overlaid(kind, lines, lines.docs_with(needle), lambda doc: doc.get("uid") == uid)
        except ValueError:  # (a line that is not one record: written by hand, its check made to match)
            return None
        loaded = self._load(kind, found)
        return loaded.get(uid)

    def absent(self, kind: str, uid: str) -> bool:
        """True when no record of ``kind`` can have this uid: no line holds it, in any case
        nor with a unicode escape, and the running transaction stores none with it (False:
        not known without building the kind)."""
        lines = self.lines(kind)
        if lines is None or not uid.isascii():
            return False
        patch = self.storage.patch_of(MODELS[kind].TABLE)
        if patch is not None and any(uid.lower() in json.dumps(doc).lower() for _key, doc in patch.docs()):
            return False
        return next(lines.lines_with(AnyCase(uid.strip().lower().encode()), b"\\u"), None) is None

    def referring(self, kind: str, uid: str, written_by_hand: bool = True) -> dict[str, Record] | None:
        """The records of ``kind`` whose line may point at ``uid`` (each holding it, as
        relance writes it or, with ``written_by_hand``, in capitals or with any unicode
        escape), loaded; None when the file must be read whole. ``lookup.referrers_of``
        then checks their fields."""
        lines = self.lines(kind)
        if lines is None:
            return None
        found = self.referring_keys(kind, uid, written_by_hand)
        return None if found is None else {record_uid: record for record_uid, (_key, record) in found.items()}

    def referring_keys(self, kind: str, uid: str, written_by_hand: bool = True) -> dict[str, tuple[str, Record]] | None:
        """:meth:`referring`, each record with the key it is stored under."""
        lines = self.lines(kind)
        if lines is None:
            return None
        # (a reference is read in lower case: one written by hand may hold capitals anywhere)
        # (bytes.lower folds ASCII only, as a case-insensitive pattern on bytes does)
        needles = (AnyCase(uid.encode().lower()), b"\\u") if written_by_hand else (uid.encode(),)
        try:
            found = self._overlaid(kind, lines, lines.docs_with(*needles), lambda doc: True)
        except ValueError:  # (a line that is not one record: the kind is built from the tables)
            return None
        return self._load(kind, found)

    def named(self, kind: str) -> tuple[list[str], list[str]] | None:
        """The uid and the label of every record of ``kind`` (two lists, in the same order),
        read from the lines in one pass (a line in another form parsed and loaded); None
        when the file must be read whole, or the kind is named from several fields. ~25 ms
        for 30,000 contacts, where building them took 0.9 s."""
        model = MODELS[kind]
        if model.label is not Record.label:  # (named from several fields: a mission, an interaction)
            return None
        lines = self.lines(kind)
        if lines is None:
            return None
        patch = self.storage.patch_of(model.TABLE)
        pattern = self._patterns.get(kind)
        if pattern is None:
            # the uid first, the name second: the order relance writes a contact, a target,
            # an opportunity in; after the space that only a line's key is written with
            # (an object inside a record is written '":{'; a string cannot hold '"uid":"')
            assert list(model.field_types())[1] == model.NAME_FIELD
            pattern = self._patterns[kind] = re.compile(
                rb' \{"uid":"([0-9a-f-]{8,64})","' + re.escape(model.NAME_FIELD.encode()) + rb'":"([^"\\\n]*)"')
        if lines and (patch is None or not patch.changed) and lines.plain():
            matched = pattern.findall(lines.raw, lines.first, lines.last)
            count = lines.count()
            field = f'"{model.NAME_FIELD}":'.encode()
            # every line as relance writes it, its uid and name once (JSON keeps the last of a
            # key written twice): ~25 ms at 30,000
            if len(matched) == count and lines.raw.count(b'"uid":', lines.first, lines.last) == count \
                    and lines.raw.count(field, lines.first, lines.last) == count:
                uids_b, values_b = zip(*matched)
                uids = b"\0".join(uids_b).decode().split("\0")  # (one decode, not 30,000)
                text = b"\0".join(values_b).decode("utf-8")
                # a name relance would clean or trim when it loads it: none, nearly always
                values = text.split("\0")
                if all(map(str.isprintable, values)) and " \0" not in text and "\0 " not in text \
                        and text[:1] != " " and text[-1:] != " ":
                    for _key, record in self._load(kind, patch.docs() if patch is not None else ()).values():
                        uids.append(record.uid)
                        values.append(getattr(record, model.NAME_FIELD) or "")
                    if "" in values:
                        values = [value or uid[:8] for uid, value in zip(uids, values)]
                    return uids, values
        try:
            return self._named_line_by_line(kind, lines)
        except ValueError:  # (a line that is not one record: the kind is built from the tables)
            return None

    def _named_line_by_line(self, kind: str, lines: TableLines) -> tuple[list[str], list[str]]:
        """:meth:`named` when some line is not in the form relance writes, or the running
        transaction changed some: each line matched, the others parsed and loaded, in the
        order of the file (a replaced record where it was, an added one at the end, as
        the built records are)."""
        model = MODELS[kind]
        pattern = re.compile(rb'\n  "([0-9]+)":' + self._patterns[kind].pattern)
        matched, others = lines.scan(pattern)
        patch = self.storage.patch_of(model.TABLE)
        changed = dict(patch.changed) if patch is not None else {}
        found: list[tuple[int, str, str, str]] = []  # (where, key, uid, name)
        docs: list[tuple[int, str, dict[str, Any]]] = list(others)
        field = f'"{model.NAME_FIELD}":'.encode()
        for at, (key, uid, value) in matched:
            text = value.decode("utf-8")
            end = lines.raw.find(b"\n", at + 1)
            end = lines.last if end < 0 else end
            once = lines.raw.count(b'"uid":', at, end) == 1 and lines.raw.count(field, at, end) == 1
            if once and text.isprintable() and text == text.strip():
                found.append((at, key.decode(), uid.decode(), text))
            else:  # (loaded as the record is: cleaned, trimmed, a key written twice the last)
                docs.append((at, *lines.record(*lines.line_at(at))))
        if changed:
            places = {key: at for at, key, *_rest in (*found, *docs)}
            found = [item for item in found if item[1] not in changed]
            docs = [(at, key, doc) for at, key, doc in docs if key not in changed]
            docs += [(places.get(key, len(lines.raw)), key, doc) for key, doc in changed.items() if doc is not None]
        if patch is not None:
            docs += [(len(lines.raw) + number, key, doc) for number, (key, doc) in enumerate(patch.added.items())]
        where = {key: at for at, key, _doc in docs}
        for key, record in self._load(kind, [(key, doc) for _at, key, doc in docs]).values():
            found.append((where[key], key, record.uid, getattr(record, model.NAME_FIELD) or ""))
        found.sort(key=lambda item: item[0])
        return [uid for _at, _key, uid, _name in found], [name or uid[:8] for _at, _key, uid, name in found]

    def with_name(self, kind: str, value: str) -> list[Record] | None:
        """The records of ``kind`` whose name may be ``value``: their line holds it as
        relance writes it, or a unicode escape (a name written by hand), loaded; None when
        the file must be read whole, or the kind is named from several fields."""
        model = MODELS[kind]
        lines = self.lines(kind)
        if lines is None or model.label is not Record.label or not value:
            return None
        needle = json.dumps(value, ensure_ascii=False)[1:-1].encode("utf-8")
        # (and any name written with an escape: "AC\/DC", "Tab\there" may be the same name)
        escaped = re.compile(b'"' + re.escape(model.NAME_FIELD.encode()) + rb'":"[^"\n]*\\')
        try:
            found = self._overlaid(kind, lines, lines.docs_with(needle, escaped), lambda doc: True)
        except ValueError:  # (a line that is not one record: the kind is built from the tables)
            return None
        return [record for _key, record in self._load(kind, found).values()
                if (getattr(record, model.NAME_FIELD) or "") == value]

    def columns(self, kind: str, names: tuple[str, ...]) -> tuple[list[str], list[tuple[Any, ...]]] | None:
        """The uid and the values of ``names`` of every record of ``kind``, as the records
        hold them, from one regular-expression pass over the lines (``relance list`` at
        10,000 contacts: ~10 ms, where parsing and building them took ~100); None unless
        every line is as relance writes it and every value one the loader keeps as it is
        (text printable and trimmed, a known choice, a date), or when the running
        transaction changed the table: the records are built then."""
        model = MODELS[kind]
        types = model.field_types()
        lines = self.lines(kind)
        if lines is None or not lines or self.storage.patch_of(model.TABLE) is not None or not lines.plain():
            return None
        order = list(types)
        last = max(order.index(name) for name in names)
        shapes = []
        for name in order[:last + 1]:
            shape = _shape(types[name], name in names or name == "uid")
            if shape is None:
                return None
            shapes.append(b'"' + name.encode() + b'":' + shape)
        pattern = re.compile(b" \\{" + b",".join(shapes))
        raw, first, end = lines.raw, lines.first, lines.last
        matched = pattern.findall(raw, first, end)
        count = lines.count()
        if len(matched) != count or any(raw.count(b'"' + name.encode() + b'":', first, end) != count
                                         for name in ("uid", *names)):
            return None  # (a line in another form, or a key written twice: JSON keeps the last)
        wanted = ["uid", *names]
        captured = [name for name in order[:last + 1] if name in wanted]
        columns = list(zip(*matched)) if len(captured) > 1 else [tuple(matched)]
        by_name = dict(zip(captured, columns))
        values: list[list[Any]] = []
        for name in wanted:
            loaded = _loaded(types[name], by_name[name])
            if loaded is None:
                return None
            values.append(loaded)
        return values[0], list(zip(*values[1:])) if names else [() for _ in values[0]]


def _shape(ftype: Any, captured: bool) -> bytes | None:
    """The JSON of a stored value of ``ftype`` as relance writes it, as a regular
    expression (a group when ``captured``); None for a type not read so."""
    from .fields import Choice, Integer, Ref, Refs, Tags, Text, Uid
    from .quantity_fields import DateField

    group = (lambda body: b"(" + body + b")") if captured else (lambda body: b"(?:" + body + b")")
    kind = type(ftype)
    if kind in (Uid, Ref):
        return b"(?:null|" + b'"' + group(rb"[0-9a-f-]{8,64}") + b'")' if kind is Ref else b'"' + group(rb"[0-9a-f-]{8,64}") + b'"'
    if kind is Choice:
        return b'"' + group(rb"[a-z-]+") + b'"'
    if kind is DateField:
        return b"(?:null|" + b'"' + group(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}") + b'")'
    if kind is Text:
        return b'"' + group(rb'[^"\\\n]*') + b'"' if captured else rb'"[^"\\\n]*"'
    if captured:
        return None
    if kind in (Tags, Refs):
        return rb"\[[^\[\]\n]*\]"
    if kind is Integer:
        return rb"(?:null|-?[0-9]+)"
    if isinstance(ftype, Text):  # (an e-mail, a phone, a code: a string or null, not read)
        return rb'(?:null|"[^"\\\n]*")'
    return None


def _loaded(ftype: Any, raw_values: tuple[bytes, ...]) -> list[Any] | None:
    """The values as the record loader keeps them, or None when one is not kept as it is."""
    from datetime import date as day

    from .fields import Choice, Ref, Text, Uid
    from .quantity_fields import DateField

    text = b"\0".join(raw_values).decode("utf-8")
    values = text.split("\0")
    kind = type(ftype)
    if kind in (Uid, Ref):
        return [value or None for value in values] if kind is Ref else values
    if kind is Choice:
        return values if set(values) <= set(ftype.choices) else None
    if kind is DateField:
        dates: dict[str, Any] = {"": None}
        for value in set(values) - {""}:
            try:
                dates[value] = day.fromisoformat(value)
            except ValueError:
                return None
        return [dates[value] for value in values]
    if kind is Text:
        trimmed = " \0" not in text and "\0 " not in text and text[:1] != " " and text[-1:] != " "
        if not trimmed or not all(map(str.isprintable, values)) or max(map(len, values), default=0) > ftype.max_length:
            return None
        return values
    return None
