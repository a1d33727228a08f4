"""Schema migrations: take a data file of any older schema to the current one.

``_meta.schema`` versions the file (``layout.SCHEMA``). Each migration is a
pure function from the raw data of schema N to that of schema N+1; the
repository applies them in order when it opens an older file, in one write
under the file lock, and the storage keeps the previous file in ``backups/``
first (every write does). A file from a newer relance is refused by
``layout.check_layout`` with the version it needs.

Schema 0 is the layout of files written before relance versioned them: no
``_meta`` table, records without ``uid``, and references held as TinyDB
document ids in ``<kind>_id`` fields (``contact_id``, ``target_id``,
``opportunity_id``, ``mission_id``, ``review_id``), ``target_ids`` lists and
``referred_by``. Schema 1 gives every record a uid and points at uids
(docs/DATA.md, "The data file"). Schema 2 adds the ``time_off`` table: periods
the consultant does not bill, which the forecast leaves out.
"""

from __future__ import annotations

import reprlib
import uuid
from collections.abc import Callable
from typing import Any

from .fmt import shown
from .i18n import _
from .layout import META_TABLE, SCHEMA

Data = dict[str, dict[str, Any]]

#: reference fields of schema 0 → (table they point into, field name in schema 1)
_REFS_0 = {
    "contact_id": ("contacts", "contact_uid"),
    "target_id": ("targets", "target_uid"),
    "opportunity_id": ("opportunities", "opportunity_uid"),
    "mission_id": ("missions", "mission_uid"),
    "review_id": ("reviews", "review_uid"),
}


class MigrationError(ValueError):
    """A file that claims an old schema but cannot be migrated (the sentence says why)."""


def _uid_of(uids: dict[str, dict[str, str]], table: str, ref: Any, where: str) -> str | None:
    if ref is None or ref == "":
        return None
    key = str(ref) if isinstance(ref, (str, int, float)) else None  # (a list, an object: no record's number)
    if key is not None and key in uids.get(table, {}):
        return uids[table][key]
    # already a uid (a file half-way between the two layouts)
    if isinstance(ref, str) and ref in uids.get(table, {}).values():
        return ref
    raise MigrationError(_("{where} points at record {ref} of table {table}, which does not exist.").format(
        where=where, ref=shown(key) if key is not None else reprlib.repr(ref), table=table))


def migrate_0_to_1(data: Data) -> Data:
    """Give every record a uid and turn document-id references into uid references."""
    # a copy of each table and record (what changes here), not of the values: one nested
    # hundreds deep, as JSON allows, took copy.deepcopy past Python's recursion limit
    out = {table: {doc_id: dict(doc) for doc_id, doc in docs.items()} for table, docs in data.items()}
    uids: dict[str, dict[str, str]] = {}
    for table, docs in out.items():
        if table == META_TABLE:
            continue
        uids[table] = {}
        for doc_id, doc in docs.items():
            if not doc.get("uid"):
                doc["uid"] = str(uuid.uuid4())
            uids[table][str(doc_id)] = doc["uid"]
    for table, docs in out.items():
        if table == META_TABLE:
            continue
        for doc_id, doc in docs.items():
            where = _("record {doc_id} of table {table}").format(doc_id=shown(doc_id), table=table)
            for old, (target, new) in _REFS_0.items():
                if old in doc:
                    doc[new] = _uid_of(uids, target, doc.pop(old), f"{where}, {old}")
            if "target_ids" in doc:
                refs = doc.pop("target_ids") or []
                if not isinstance(refs, list):
                    raise MigrationError(_("{where}, target_ids: expected a list, got {value}.").format(
                        where=where, value=reprlib.repr(refs)))
                doc["target_uids"] = [_uid_of(uids, "targets", ref, f"{where}, target_ids") for ref in refs]
            if table == "contacts" and isinstance(doc.get("referred_by"), int):
                doc["referred_by"] = _uid_of(uids, "contacts", doc["referred_by"], f"{where}, referred_by")
    out[META_TABLE] = {"1": {"schema": 1}}
    return out


def migrate_1_to_2(data: Data) -> Data:
    """Add the ``time_off`` table, empty: a file of schema 1 has no time off, and a
    relance that reads schema 1 at most must refuse a file that may hold some (it would
    count those days as billed)."""
    out = dict(data)
    out.setdefault("time_off", {})
    out[META_TABLE] = {"1": {"schema": 2}}
    return out


#: schema N → the function that takes it to N + 1
MIGRATIONS: dict[int, Callable[[Data], Data]] = {0: migrate_0_to_1, 1: migrate_1_to_2}


def migrate(data: Data, schema: int) -> Data:
    """``data`` of ``schema``, taken step by step to :data:`SCHEMA`."""
    while schema < SCHEMA:
        step = MIGRATIONS.get(schema)
        if step is None:
            raise MigrationError(_("no migration from schema {schema}.").format(schema=schema))
        data = step(data)
        schema += 1
        data[META_TABLE] = {"1": {"schema": schema}}
    return data
