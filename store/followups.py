"""The follow-ups due: the contacts whose next follow-up is today or before, the oldest
first (then by name, :func:`store.rules.collation_key`), from the records or straight from the stored documents (``relance
status`` on 10,000 contacts would spend most of its time building the records)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, NamedTuple

from .fields import clean_text
from .models import Contact
from .rules import collation_key, follow_up_due


class FollowUp(NamedTuple):
    """A contact's follow-up due."""

    uid: str
    name: str
    company: str
    next_follow_up: date


def due_in_records(contacts: Iterable[Contact], today: date) -> list[FollowUp]:
    """The follow-ups due among ``contacts``, in no order."""
    return [FollowUp(c.uid, c.name, c.company, c.next_follow_up)  # type: ignore[arg-type]
            for c in contacts if follow_up_due(c, today)]


def due_in_documents(count: int, docs: list[dict[str, Any]]) -> tuple[int, list[FollowUp]]:
    """``count`` and the follow-ups of ``docs``, the stored documents found due (see
    ``DurableStorage.docs_due``), less those whose date is not one."""
    due = []
    for doc in docs:
        try:
            day = date.fromisoformat(doc["next_follow_up"])
        except ValueError:
            count -= 1  # not a date: not due (the records would refuse it anyway)
            continue
        due.append(FollowUp(doc.get("uid", ""), clean_text(str(doc.get("name", ""))).strip(),
                            clean_text(str(doc.get("company") or "")).strip(), day))
    return count, due


def oldest(due: list[FollowUp], first: int | None) -> list[FollowUp]:
    """The ``first`` oldest of ``due`` (all with None), the oldest first, then by name."""
    due.sort(key=lambda c: (c.next_follow_up, collation_key(c.name)))
    return due if first is None else due[:first]
