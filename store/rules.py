"""The business rules the views, the commands and the exports share, each defined once:
a mission's status at a date, when its lessons-learned review is due, when a
follow-up is due, an opportunity's value and weighted value, a micro-target's last
touch, the stages ``>`` and ``<`` walk through, the mission made from a won
opportunity, what moving an opportunity to another stage changes, and what a new
record takes from the settings.

Plain functions of records (``store.models``) and a date, so that the panes, the
app, the CLI and the calendar export cannot disagree; only
:func:`missions_due_review` reads a repository. A new rule of the same sort goes
here (docs/ARCHITECTURE.md, "Where does a change of kind X go").

Review due — the one rule. A mission's review is due from the day after its last
day (:func:`review_due_on`) until the review its ``review_uid`` names is
completed. Why this one: the review flow (``store.review.apply_review``) sets
``review.completed`` and the mission's ``review_uid`` in one write, so on a file
the app wrote the link alone and the completed review alone agree; they differ
only on a file changed elsewhere (a ``review_uid`` naming a draft or a review that
is gone). There the completed review is what says the lessons were drawn, and it
is what ``r`` already reads to choose between the review screen and the
mission's detail (``store.review.completed_review``): a mission shown "review
due" is one ``r`` opens the review for. The panes used to test ``review_uid``
alone and the calendar export the completed review.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal
from math import ceil
from typing import TYPE_CHECKING, Any

from .models import STAGES, Contact, Mission, Opportunity, Review, Settings

if TYPE_CHECKING:
    from .repository import Repository

#: a mission's status: its phase, or "review due" in place of "ended"
MISSION_STATUSES = ("planned", "active", "ended", "review due")
#: a won opportunity's mission starts this long after today when its expected start has passed
MISSION_START_DELAY = timedelta(days=7)


# -- missions and their review ----------------------------------------------------------------


def mission_phase(mission: Mission, today: date) -> str:
    """"planned" (it starts after ``today``), "ended" (its last day, the early end
    when there is one, is before ``today``) or "active" (a mission without an end
    stays active)."""
    if mission.start and mission.start > today:
        return "planned"
    last = mission.last_day
    if last and last < today:
        return "ended"
    return "active"


def review_due_on(mission: Mission) -> date | None:
    """The day the mission's review becomes due: the day after its last day."""
    last = mission.last_day
    return last + timedelta(days=1) if last else None


def completed_review(mission: Mission, reviews: Mapping[str, Review]) -> Review | None:
    """The completed review the mission's ``review_uid`` names (``reviews``: uid ->
    review), or None: no link, a link to a draft, or to a review that is gone."""
    review = reviews.get(mission.review_uid) if mission.review_uid else None
    return review if review is not None and review.completed else None


def review_due(mission: Mission, reviews: Mapping[str, Review], today: date) -> bool:
    """Its review is due on ``today`` and not completed (see the module's docstring)."""
    due = review_due_on(mission)
    return due is not None and due <= today and completed_review(mission, reviews) is None


def mission_status(mission: Mission, reviews: Mapping[str, Review], today: date) -> str:
    """One of :data:`MISSION_STATUSES`: the phase, with "review due" for an ended
    mission whose review is due."""
    if review_due(mission, reviews, today):
        return "review due"
    return mission_phase(mission, today)


def draft_missions(reviews: Mapping[str, Review]) -> set[str]:
    """The uids of the missions whose review was started and not completed."""
    return {r.mission_uid for r in reviews.values() if r.completed is None}


def missions_due_review(repository: Repository) -> list[Mission]:
    """Missions whose end has passed without a completed review, the longest-ended first."""
    today = repository.today
    reviews: Mapping[str, Review] = repository.records("review")  # type: ignore[assignment]
    due = [m for m in repository.list("mission") if review_due(m, reviews, today)]  # type: ignore[arg-type]
    return sorted(due, key=lambda m: m.last_day)  # type: ignore[arg-type, return-value, attr-defined]


# -- search ---------------------------------------------------------------------------------

#: the fields a search (the dashboard's ``/``, ``relance list KIND FILTER``) looks in; a
#: kind not named here is found by its label
SEARCHED = {
    "contact": ("name", "company", "role", "email", "tags", "notes"),
    "target": ("name", "sector", "decision_maker", "need", "offer", "notes"),
    "mission": ("client", "title", "sold_as", "notes"),
}


def search_text(record: Any) -> str:
    """What a search looks in, folded (:func:`fold`: case and accents aside): a filter
    matches a record when its folded text is part of it. The panes keep it per record
    (made once, while ``/`` is being typed), so a keystroke is a substring test."""
    names = SEARCHED.get(record.KIND)
    if names is None:
        return fold(record.label())
    values = (getattr(record, name) for name in names)
    return fold(" ".join(" ".join(v) if isinstance(v, list) else (v or "") for v in values))


#: letters that no Unicode decomposition splits but a French reader takes as two
#: letters that are not a base letter and a mark, so NFKD leaves them whole, written as a
#: French or English user types them ("lodz" finds Łódź, "oresund" Øresund, "isik" Işık)
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ŧ": "t", "ı": "i",
                           "ð": "d", "þ": "th"})


def fold(text: str) -> str:
    """``text`` without case or accents, for matching what a user types: "eric" is part of
    ``fold("Éric")``, "oeuvre" of ``fold("Œuvre")``. Compatibility-decomposed and
    case-folded twice (Unicode's compatibility caseless match, so ``fold`` of its own
    result changes nothing), the combining marks dropped, œ and æ written out."""
    if text.isascii():
        return text.lower()  # (casefold, for ASCII; most names: no decomposition to pay)
    normalize, combining = unicodedata.normalize, unicodedata.combining
    text = normalize("NFKD", normalize("NFKD", text.casefold()).casefold())
    return "".join(c for c in text if not combining(c)).translate(LIGATURES)


@functools.lru_cache(maxsize=1 << 16)
def fold_name(name: str) -> str:
    """:func:`fold` of a contact's name, kept: the orders of names that follow the data
    (the Network pane's, who to contact now's) fold the same names at each sort, and a
    LinkedIn import's 30,000 names took ~50 ms to fold again each time who to contact now
    was made (after each save while it is open). 65,536 names kept: ~6 MB at most."""
    return fold(name)


def collation_keys(texts: list[str]) -> list[tuple[str, str]]:
    """:func:`collation_key` of each of ``texts`` (``relance list`` sorts its rows on them).
    Folded one at a time: folding the texts joined, at once, measured slower (10,000
    names ~28 ms against ~15, 30,000 ~55 against ~40)."""
    return [collation_key(text) for text in texts]


def collation_key(text: str) -> tuple[str, str]:
    """The order of names in every list (panes, ``relance list``, the forms' selects):
    :func:`fold`'s base letters first, so "Élodie, Emma, Éric, Eva, Fabrice, Zoé" (not
    byte order, which puts É after Z), then the text itself as a tie-break, so "Eric",
    "eric" and "Éric" keep one stable order (unaccented before accented).

    This is French and English dictionary order for names in Latin letters, not the full
    Unicode Collation Algorithm (no PyICU: a compiled dependency relance does not take,
    and ``locale.strxfrm`` depends on the locales installed on each machine): the
    standard library's ``unicodedata`` gives the decomposition that the base letters
    come from, the same on every machine."""
    return (fold(text), text)


# -- follow-ups -------------------------------------------------------------------------------


def days_late(next_follow_up: date | None, today: date) -> int | None:
    """How many days ago a follow-up fell due (0: it is due today); None when it is not
    due (there is none, or it is after ``today``)."""
    if next_follow_up is None or next_follow_up > today:
        return None
    return (today - next_follow_up).days


def follow_up_due(contact: Contact, today: date) -> bool:
    """The contact's next follow-up is ``today`` or before."""
    return contact.next_follow_up is not None and contact.next_follow_up <= today


def follow_up_order(contact: Contact, today: date) -> str:
    """The Network pane's order: the follow-ups due first, the oldest first, then every
    other contact; by name (:func:`collation_key`) within a day. One text, compared as
    the tuple (due or not, the day, the folded name, the name) would be: sorting 30,000
    contacts on texts takes ~12 ms, on tuples ~30 (no name holds a NUL)."""
    follow = contact.next_follow_up
    if follow is not None and follow <= today:
        return f"0{follow.isoformat()}\0{fold_name(contact.name)}\0{contact.name}"
    return f"1\0{fold_name(contact.name)}\0{contact.name}"


def follow_ups_first(contacts: list[Contact], today: date) -> list[Contact]:
    """``contacts`` sorted by :func:`follow_up_order`, its keys made in one comprehension
    (a call per contact was ~40 % of sorting 10,000)."""
    keys = [f"0{f.isoformat()}\0{fold_name(c.name)}\0{c.name}" if (f := c.next_follow_up) is not None and f <= today
            else f"1\0{fold_name(c.name)}\0{c.name}" for c in contacts]
    return [contacts[i] for i in sorted(range(len(contacts)), key=keys.__getitem__)]


# -- opportunities ----------------------------------------------------------------------------

#: the stages ``>`` and ``<`` walk an opportunity through; "lost" is set in the form, and a
#: lost opportunity is reopened there too
STAGE_WALK = STAGES[:6]


def stage_step(stage: str, step: int) -> str | None:
    """The stage ``step`` places along :data:`STAGE_WALK` from ``stage``; None past either
    end, or from "lost"."""
    if stage not in STAGE_WALK:
        return None
    index = STAGE_WALK.index(stage) + step
    return STAGE_WALK[index] if 0 <= index < len(STAGE_WALK) else None



def opportunity_value(opportunity: Opportunity) -> Decimal:
    """Daily rate × estimated days; 0 when either is missing (no usual rate stands in)."""
    if opportunity.daily_rate is None or opportunity.estimated_days is None:
        return Decimal(0)
    return opportunity.daily_rate * opportunity.estimated_days


def weighted_value(opportunity: Opportunity) -> Decimal:
    """Its value × its probability (its own, else its stage's; 0 once won or lost)."""
    return opportunity_value(opportunity) * opportunity.weight()


def last_touch(contacts: list[Contact], opportunities: list[Opportunity]) -> date | None:
    """A micro-target's last touch: the latest of its contacts' last contact and its
    opportunities' first contact (None: never touched)."""
    touches = [c.last_contact for c in contacts if c.last_contact]
    touches += [o.first_contact for o in opportunities if o.first_contact]
    return max(touches) if touches else None


def stage_change(opportunity: Opportunity, stage: str, today: date) -> dict[str, Any]:
    """The field changes of moving ``opportunity`` to ``stage``: won sets the closing
    date (a date already there is kept), leaving won clears it."""
    changes: dict[str, Any] = {"stage": stage}
    if stage == "won" and opportunity.closed is None:
        changes["closed"] = today
    if opportunity.stage == "won" and stage != "won":
        changes["closed"] = None
    return changes


def mission_from_opportunity(opportunity: Opportunity, today: date) -> dict[str, Any]:
    """The mission a won opportunity makes, as values for the mission form: its source
    guessed from the opportunity's, starting at the expected start (a week from
    ``today`` when that has passed or is unknown), over whole weeks of 5 days for the
    estimated days, ending 4 days into the last week (the Friday, for a Monday start)."""
    source_text = (opportunity.source or "").casefold()
    if "recomm" in source_text:
        source = "recommendation"
    elif "natur" in source_text or "réseau" in source_text or "network" in source_text:
        source = "natural"
    else:
        source = "prospecting"
    expected = opportunity.expected_start
    start = expected if expected and expected >= today else today + MISSION_START_DELAY
    preset: dict[str, Any] = {
        "title": opportunity.title,
        "client": opportunity.organisation or opportunity.title,
        "contact_uid": opportunity.contact_uid,
        "target_uid": opportunity.target_uid,
        "source": source,
        "start": start,
        "daily_rate": opportunity.daily_rate,
        "total_days": opportunity.estimated_days,
    }
    if opportunity.estimated_days:
        weeks = ceil(opportunity.estimated_days / 5)
        preset["end"] = start + timedelta(days=7 * weeks - 3)
    return preset


# -- new records ------------------------------------------------------------------------------

#: the fields a new record takes from the settings when they are not given: kind -> its
#: field -> the settings' field (``relance add mission`` without ``--daily-rate``, and the
#: new mission and opportunity forms, which start with it filled in). A mission's days per
#: week are not among them: the settings hold none (the model's default, 5, is used)
FROM_SETTINGS = {"mission": {"daily_rate": "daily_rate"}, "opportunity": {"daily_rate": "daily_rate"}}


def usual_values(kind: str, settings: Settings) -> dict[str, Any]:
    """The values of :data:`FROM_SETTINGS` a new record of ``kind`` takes from ``settings``:
    those the settings hold (a mission's or an opportunity's daily rate, when a usual one
    is set)."""
    values = {name: getattr(settings, source) for name, source in FROM_SETTINGS.get(kind, {}).items()}
    return {name: value for name, value in values.items() if value is not None}
