"""Finding records: one by what a user types (a uid, its first characters, a name), the
records that point at one (a delete is refused while there are any, but a contact's
logged interactions, deleted with it), and a record
identical to a new one (``relance add`` refuses to add it twice)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .errors import AmbiguousError, NotFoundError, ReferencedError
from .i18n import _, ngettext
from .models import MODELS, Record, kind_name
from .rules import fold

#: (kind, uid, label, field) of a record pointing at another
Referrer = tuple[str, str, str, str]


def find_record(model: type[Record], records: Mapping[str, Record], text: str) -> Record:
    """The record of ``records`` (uid -> record of ``model``) with the uid ``text``, a uid
    starting with it (8+ characters), or that unambiguous name, or the start of one name;
    a name is compared case aside, and when none matches so, accents aside too
    (:func:`store.rules.fold`: "eric garnier" is "Éric Garnier"; "Eric" typed, with both an
    "Eric" and an "Éric", is the "Eric"). A blank ``text`` names no
    record (it would be the start of every name); one that is the start of a record's uid
    and another's name is ambiguous: neither is taken. A whole uid is that record, whatever
    the names of the others."""
    uids = list(records)
    return records[find_uid(model, uids, [records[uid].label() for uid in uids], text)]


def find_uid(model: type[Record], uids: list[str], labels: list[str], text: str) -> str:
    """:func:`find_record` on the records' uids and labels (in the same order): the uid of
    the record ``text`` names. Made for 30,000 names: the case is folded on all of them at
    once, and the accents only on those that have some, and only when no name matched
    case aside."""
    wanted = text.strip()
    if not wanted:
        raise NotFoundError(_("No record is named by an empty reference: give a uid or a name."))
    lowered = wanted.casefold()
    if len(wanted) >= 8:
        known = set(uids)
        if wanted in known:
            return wanted
        if lowered in known:
            return lowered
    by_uid = [i for i, uid in enumerate(uids) if uid.startswith(lowered)] if len(lowered) >= 8 else []
    # (names hold no NUL: one casefold for all of them)
    cased = "\0".join(labels).casefold().split("\0") if len(labels) > 1 else [label.casefold() for label in labels]
    folded_wanted = fold(wanted)
    folded: list[str] | None = None

    def accents_aside() -> list[str]:
        nonlocal folded
        if folded is None:  # (fold of an ASCII text is its lower case: already made)
            folded = [case if label.isascii() else fold(label) for label, case in zip(labels, cased)]
        return folded

    # a name as typed (case aside) first; failing that, accents aside too ("zoe": "Zoé")
    exact = [i for i, case in enumerate(cased) if case == lowered] \
        or [i for i, name in enumerate(accents_aside()) if name == folded_wanted]
    either = by_uid + [i for i in exact if i not in by_uid]
    if len(either) == 1:
        return uids[either[0]]
    matches = either or [i for i, case in enumerate(cased) if case.startswith(lowered)] \
        or [i for i, name in enumerate(accents_aside()) if name.startswith(folded_wanted)]
    if len(matches) == 1:
        return uids[matches[0]]
    if not matches:
        raise NotFoundError(_("No {kind} is named {name!r}.").format(kind=model.KIND.replace("_", "-"), name=text))
    shown = ", ".join(f"{labels[i]} ({uids[i][:8]})" for i in matches[:5])
    raise AmbiguousError(
        _("{count} records of kind {kind} match {name!r}: {shown}. Give the uid instead.").format(
            count=len(matches), kind=model.KIND.replace("_", "-"), name=text, shown=shown
        )
    )


#: the fields relance fills in itself, which two identical records may differ in
NOT_COMPARED = frozenset({"uid", "created"})


def identical_record(record: Record, records: Iterable[Record]) -> Record | None:
    """The first of ``records`` (of ``record``'s kind) holding the same value as ``record``
    in every field of the data contract but its uid and its date of creation; None when
    there is none. Values are compared as they are stored: 650 and 650.00, "today" and
    today's date, are the same; a field left out is compared as its default (a contact's
    circle "natural"). Values relance has no field for (``extra``) are not compared."""
    names = [name for name in record.field_types() if name not in NOT_COMPARED]
    for other in records:
        if other.uid != record.uid and all(getattr(other, name) == getattr(record, name) for name in names):
            return other
    return None


def referrers_of(kind: str, uid: str, records_of: Callable[[str], Mapping[str, Record]]) -> list[Referrer]:
    """Every record that points at ``kind``/``uid`` (``records_of(kind)``: the records of a kind)."""
    found = []
    for other_kind, model in MODELS.items():
        # only the fields that can point at ``kind`` (nothing points at an interaction:
        # deleting a contact's 50 interactions looked through every record 50 times)
        fields = [(name, ftype) for name, ftype in model.field_types().items() if ftype.may_refer_to(kind)]
        if not fields:
            continue
        for record in records_of(other_kind).values():
            if record.uid == uid:
                continue
            for name, ftype in fields:
                if any(ref_kind == kind and ref_uid == uid for ref_kind, ref_uid in ftype.references(getattr(record, name))):
                    found.append((other_kind, record.uid, record.label(), name))
                    break
    return found


def blocking_referrers(kind: str, referrers: list[Referrer]) -> tuple[list[Referrer], list[Referrer]]:
    """``referrers`` of a record about to be deleted, split: those deleted with it (a
    contact's logged interactions), and those that refuse the delete (any other). The
    dashboard's ``d`` and ``relance rm`` both ask this."""
    log = [r for r in referrers if kind == "contact" and r[0] == "interaction" and r[3] == "contact_uid"]
    return log, [r for r in referrers if r not in log]


def referenced_error(record: Record, referrers: list[Referrer]) -> ReferencedError:
    """The refusal to delete ``record`` while ``referrers`` point at it (the first ten named)."""
    from .field_labels import field_label  # (it imports the models, as this module does)

    # (the kind and the field as the user reads them: "opportunité 'Audit SI' (micro-cible)")
    shown = "; ".join(_("{kind} {label!r} ({field})").format(kind=kind_name(k), label=label, field=field_label(field).lower())
                      for k, _uid, label, field in referrers[:10])
    more = len(referrers) - 10
    if more > 0:
        shown += " " + _("and {count} more").format(count=more)
    return ReferencedError(
        ngettext("Cannot delete the {kind} {label!r}: {count} record refers to it: {shown}. Change or delete it first.",
                 "Cannot delete the {kind} {label!r}: {count} records refer to it: {shown}. Change or delete them first.",
                 len(referrers)).format(
            kind=kind_name(record.KIND), label=record.label(), count=len(referrers), shown=shown
        ),
        referrers,
    )
