"""The repository's lookups (``store/repository.py`` holds the rest): a record by what a
user types, its twin, who refers to it, the names and the columns of a kind. Each is
answered from the built records when the kind is built, else from the file's lines
(``store/stored_records.py``), else by building the kind."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import NotFoundError
from .i18n import _
from .lookup import Referrer, find_record, find_uid, identical_record, referrers_of
from .models import MODELS, Record


def model_for(kind: str) -> type[Record]:
    try:
        return MODELS[kind]
    except KeyError:
        raise NotFoundError(
            _("Unknown kind {kind!r}; expected one of {kinds}.").format(kind=kind, kinds=", ".join(MODELS))
        ) from None


class Lookups:
    """Mixed into :class:`store.repository.Repository` (its records and its file)."""

    def find(self, kind: str, text: str) -> Record:
        """A record by uid, uid prefix (8+ characters), or unambiguous name."""
        model = model_for(kind)
        if not self._built(kind) and (named := self._stored.named(kind)) is not None:
            return self.get(kind, find_uid(model, *named, text))
        return find_record(model, self._records(kind), text)

    def labels(self, kind: str) -> dict[str, str]:
        """uid -> label of every record of ``kind`` (from the lines when it can: a list of
        60,000 interactions names their contacts without building 30,000 of them)."""
        if not self._built(kind) and (named := self._stored.named(kind)) is not None:
            return dict(zip(*named))
        return {uid: record.label() for uid, record in self._records(kind).items()}

    def columns(self, kind: str, names: tuple[str, ...]) -> tuple[list[str], list[tuple[Any, ...]]] | None:
        """The uid and the values of ``names`` of every record of ``kind``, read from the
        lines without building it (``relance list``); None when the records must be built
        (see ``StoredRecords.columns``)."""
        return None if self._built(kind) else self._stored.columns(kind, names)

    def identical(self, record: Record) -> Record | None:
        """A record of the same kind holding the same values as ``record`` (see
        ``lookup.identical_record``), or None."""
        kind = record.KIND
        if not self._built(kind):
            # a twin holds the same references (an interaction, its contact's uid) or name,
            # written as relance writes them (a twin edited by hand is not looked for: this
            # spares a second add of the same, it guards no data)
            ref = next((uid for _field, _kind, uid in record.references()), None)
            if ref is not None and (found := self._stored.referring(kind, ref, written_by_hand=False)) is not None:
                return identical_record(record, found.values())
            if (same := self._stored.with_name(kind, getattr(record, record.NAME_FIELD) or "")) is not None:
                return identical_record(record, same)
        return identical_record(record, self._records(kind).values())

    def referrers(self, kind: str, uid: str) -> list[Referrer]:
        """(kind, uid, label, field) of every record that points at ``kind``/``uid``."""
        return referrers_of(kind, uid, lambda other: self._referring(other, uid))

    def interactions_of(self, contact_uid: str) -> list[Record]:
        """The interactions logged with a contact, newest first (on one day, the last
        logged first): from the lines holding its uid when the interactions are not built
        (the dashboard does not keep them)."""
        log = [i for i in self._referring("interaction", contact_uid).values()
               if i.contact_uid == contact_uid]  # type: ignore[attr-defined]
        return sorted(reversed(log), key=lambda i: i.date, reverse=True)  # type: ignore[attr-defined]

    def _referring(self, kind: str, uid: str) -> Mapping[str, Record]:
        """The records of ``kind`` that may point at ``uid``: all of them when built, else
        those whose line holds it."""
        if not self._built(kind) and (found := self._stored.referring(kind, uid)) is not None:
            return found
        return self._records(kind)

    def _exists(self, kind: str, uid: str) -> bool:
        if not self._built(kind):
            if self._stored.find_uid(kind, uid) is not None:
                return True
            if self._stored.absent(kind, uid):  # (undo of a delete: 60,000 interactions not built to say so)
                return False
        return uid in self._records(kind)

