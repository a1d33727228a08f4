"""The lessons-learned review of a mission (docs/ARCHITECTURE.md, "The lessons-learned
review"): what the client actually bought, the micro-target it reveals and the offer
restated for it, the adjacent environments met, and the recommendations to ask for.

While it is being answered the review is a record with ``completed`` empty and
its answers in ``draft``, saved at each step, so that a dropped connection
loses at most the step being typed. :func:`apply_review` turns the answers
into records in one write: the micro-target (created or its offer updated),
one opportunity per adjacent environment, contacts to ask (new ones created),
their follow-up dates, the completed review and the mission's link to it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from . import fmt
from .dates import parse_date, shown_as_typed
from .errors import NotFoundError, ValidationError
from .i18n import _, ngettext
from .models import Contact, Mission, Review, Target
from . import rules
from .repository import Repository

STEPS = 6
#: a recommendation's follow-up, days from the review
FOLLOW_UP_DAYS = 7


@dataclass
class NewTarget:
    name: str = ""
    sector: str = ""
    decision_maker: str = ""
    need: str = ""


@dataclass
class Draft:
    """The answers so far; plain data, stored as the review's ``draft``."""

    mission_uid: str
    review_uid: str = ""
    step: int = 1
    actually_bought: str = ""
    #: an existing micro-target, or ``new_target`` filled in
    target_uid: str | None = None
    new_target: NewTarget | None = None
    offer: str = ""
    #: ``{"organisation", "note"}``
    adjacent: list[dict[str, str]] = field(default_factory=list)
    #: ``{"contact_uid"}`` for a contact you have, ``{"name", "company"}`` for a new one
    recommendations: list[dict[str, str]] = field(default_factory=list)
    follow_up: str = ""

    def to_json(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.pop("mission_uid")
        doc.pop("review_uid")
        return doc

    @classmethod
    def from_json(cls, mission_uid: str, review_uid: str, doc: dict[str, Any]) -> "Draft":
        new_target = doc.get("new_target")
        return cls(
            mission_uid=mission_uid,
            review_uid=review_uid,
            step=min(STEPS, max(1, int(doc.get("step") or 1))),
            actually_bought=str(doc.get("actually_bought") or ""),
            target_uid=doc.get("target_uid") or None,
            new_target=NewTarget(**{k: str(v or "") for k, v in new_target.items() if k in NewTarget.__dataclass_fields__})
            if isinstance(new_target, dict) else None,
            offer=str(doc.get("offer") or ""),
            adjacent=[{"organisation": str(a.get("organisation") or ""), "note": str(a.get("note") or "")}
                      for a in doc.get("adjacent") or [] if isinstance(a, dict)],
            recommendations=[{k: str(v) for k, v in r.items() if k in ("contact_uid", "name", "company") and v}
                             for r in doc.get("recommendations") or [] if isinstance(r, dict)],
            follow_up=str(doc.get("follow_up") or ""),
        )


def draft_review(repo: Repository, mission_uid: str) -> Review | None:
    """The review of a mission not completed yet, if one was started."""
    for review in repo.list("review"):
        if review.mission_uid == mission_uid and review.completed is None:  # type: ignore[attr-defined]
            return review  # type: ignore[return-value]
    return None


def completed_review(repo: Repository, mission: Mission) -> Review | None:
    """The mission's completed review, by the one rule of ``store.rules``."""
    return rules.completed_review(mission, repo.records("review"))  # type: ignore[arg-type]


def start_or_resume(repo: Repository, mission_uid: str) -> Draft:
    """The draft to go on with: the saved one, or a fresh one (nothing written yet)."""
    mission: Mission = repo.get("mission", mission_uid)  # type: ignore[assignment]
    saved = draft_review(repo, mission_uid)
    if saved is not None:
        return Draft.from_json(mission_uid, saved.uid, saved.draft or {})
    return Draft(
        mission_uid=mission_uid,
        target_uid=mission.target_uid,
        follow_up=(repo.today + timedelta(days=FOLLOW_UP_DAYS)).isoformat(),
    )


def save_draft(repo: Repository, draft: Draft) -> Review:
    """Write the answers so far (creates the draft review the first time). Once the
    mission's review is completed, a late draft is not written."""
    with repo.transaction():
        mission: Mission = repo.get("mission", draft.mission_uid)  # type: ignore[assignment]
        done = completed_review(repo, mission)
        if done is not None:
            return done
        existing = draft_review(repo, draft.mission_uid)
        if existing is None:
            review = repo.add("review", {"mission_uid": draft.mission_uid, "created": repo.today,
                                         "draft": draft.to_json()})
        else:
            review = repo.update("review", existing.uid, {"draft": draft.to_json()})
    draft.review_uid = review.uid
    return review  # type: ignore[return-value]


def end_problem(mission: Mission, day: date) -> str | None:
    """Why ``mission`` cannot end on ``day`` (a sentence), or None. Ending never extends a
    mission: a later day is an edit of its planned end (the model's rule, which every write
    of ``ended_on`` keeps: ``Mission.end_problem``)."""
    return mission.end_problem(day)


def end_mission(repo: Repository, mission_uid: str, day: date) -> Mission:
    """End a mission on ``day``: before the planned end it is an early end (``ended_on``); on
    it, the mission ran as planned (and a mission without a planned end gets one)."""
    mission: Mission = repo.get("mission", mission_uid)  # type: ignore[assignment]
    if (problem := end_problem(mission, day)) is not None:
        raise ValidationError("mission", {"ended_on": problem})
    if mission.end and day < mission.end:
        changes: dict[str, Any] = {"ended_on": day}
    else:
        changes = {"end": day, "ended_on": None}
    return repo.update("mission", mission_uid, changes)  # type: ignore[return-value]


# -- checking each step ---------------------------------------------------------------------


def _entry_problem(types: dict, typed: dict[str, tuple[str, str]]) -> str | None:
    """The first of ``typed`` (field -> (label, text)) its type refuses, as a sentence."""
    for name, (label, value) in typed.items():
        try:
            types[name].parse(value, date.today())
        except ValueError as err:
            return _("{field}: {problem}").format(field=label, problem=err)
    return None


def adjacent_problem(organisation: str, note: str) -> str | None:
    """Why an adjacent environment typed in step 4 cannot go into the list, or None: it
    needs its organisation, and each text must fit the lead it becomes."""
    if not organisation.strip():
        return _("Type the organisation first.")
    types = Review.field_types()["adjacent"].item_fields  # type: ignore[attr-defined]
    return _entry_problem(types, {"organisation": (_("Organisation"), organisation), "note": (_("Note"), note)})


def new_contact_problem(name: str, company: str) -> str | None:
    """Why a new contact typed in step 5 cannot go into the list, or None."""
    if not name.strip():
        return _("Type the new contact's name first.")
    types = Contact.field_types()
    return _entry_problem(types, {"name": (_("Name"), name), "company": (_("Company"), company)})



def step_errors(repo: Repository, draft: Draft, step: int) -> dict[str, str]:
    """What is missing or wrong in one step's answers (field -> sentence)."""
    errors: dict[str, str] = {}
    if step == 1 and not draft.actually_bought.strip():
        errors["actually_bought"] = _("Say in a few words what the client actually bought.")
    elif step == 2:
        if draft.new_target is not None:
            if not draft.new_target.name.strip():
                errors["target_name"] = _("Give the new micro-target a name.")
        elif not draft.target_uid:
            errors["target_uid"] = _("Pick a micro-target, or create one.")
        else:
            try:
                repo.get("target", draft.target_uid)
            except NotFoundError:
                errors["target_uid"] = _("That micro-target no longer exists; pick another one.")
    elif step == 3 and not draft.offer.strip():
        errors["offer"] = _("State your offer for this need, even in one sentence.")
    elif step == 5 and draft.recommendations:
        from .dates import parse_date

        try:
            parse_date(draft.follow_up, repo.today)
        except ValueError as err:
            errors["follow_up"] = _("Follow up on: {problem}").format(problem=err)
        for item in draft.recommendations:
            if item.get("contact_uid"):
                try:
                    repo.get("contact", item["contact_uid"])
                except NotFoundError:
                    errors["recommendations"] = _("A contact you picked was deleted since; remove it from the list.")
            elif not item.get("name", "").strip():
                errors["recommendations"] = _("A new contact needs a name.")
    return errors


def first_error(repo: Repository, draft: Draft) -> tuple[int, dict[str, str]] | None:
    for step in range(1, STEPS):
        errors = step_errors(repo, draft, step)
        if errors:
            return step, errors
    return None


# -- the summary and applying it ------------------------------------------------------------


def target_name(repo: Repository, draft: Draft) -> str:
    if draft.new_target is not None:
        return draft.new_target.name
    if draft.target_uid:
        try:
            return repo.get("target", draft.target_uid).label()
        except NotFoundError:
            return draft.target_uid
    return ""


def recommendation_name(repo: Repository, item: dict[str, str]) -> str:
    if item.get("contact_uid"):
        try:
            return repo.get("contact", item["contact_uid"]).label()
        except NotFoundError:
            return item["contact_uid"]
    company = item.get("company")
    return f"{item.get('name', '')} ({company})" if company else item.get("name", "")


def summary(repo: Repository, draft: Draft) -> list[str]:
    """One sentence per record the review will create or change."""
    lines = []
    mission: Mission = repo.get("mission", draft.mission_uid)  # type: ignore[assignment]
    lines.append(_("The review of {mission} is saved as completed, with what the client bought: {bought}").format(
        mission=mission.label(), bought=draft.actually_bought.strip()))
    name = target_name(repo, draft)
    if draft.new_target is not None:
        lines.append(_("New micro-target {name}, with your offer: {offer}").format(name=name, offer=draft.offer.strip()))
    else:
        lines.append(_("Micro-target {name}: its offer becomes: {offer}").format(name=name, offer=draft.offer.strip()))
    for item in draft.adjacent:
        lines.append(_("New lead {organisation} in {target}, stage identified.").format(
            organisation=item["organisation"], target=name))
    try:  # (the date it means, not the "+2w" typed: the summary is what will be written)
        follow_up = fmt.day(parse_date(draft.follow_up, repo.today))
    except ValueError:
        follow_up = shown_as_typed(draft.follow_up)
    for item in draft.recommendations:
        who = recommendation_name(repo, item)
        if item.get("contact_uid"):
            lines.append(_("Ask {name} for a recommendation; follow up on {date}.").format(
                name=who, date=follow_up))
        else:
            lines.append(_("New contact {name} to ask for a recommendation; follow up on {date}.").format(
                name=who, date=follow_up))
    return lines


@dataclass
class Applied:
    review: Review
    target: Target
    opportunities: int
    contacts_asked: int
    contacts_new: int

    def message(self) -> str:
        return _("Review saved: micro-target {target}, {leads}, {asks}.").format(
            target=self.target.label(),
            leads=ngettext("{count} lead", "{count} leads", self.opportunities).format(count=self.opportunities),
            asks=ngettext("{count} recommendation to ask", "{count} recommendations to ask",
                          self.contacts_asked).format(count=self.contacts_asked))


def apply_review(repo: Repository, draft: Draft) -> Applied:
    """Everything the review decided, in one write."""
    problem = first_error(repo, draft)
    if problem is not None:
        step, errors = problem
        raise ValidationError("review", {f"step {step}": message for message in errors.values()})
    from .dates import parse_date

    follow_up = parse_date(draft.follow_up, repo.today) if draft.recommendations else None
    with repo.transaction():
        mission: Mission = repo.get("mission", draft.mission_uid)  # type: ignore[assignment]
        review = draft_review(repo, draft.mission_uid)
        if review is None:
            review = repo.add("review", {"mission_uid": mission.uid, "created": repo.today})  # type: ignore[assignment]
        assert review is not None
        offer = draft.offer.strip()
        if draft.new_target is not None:
            target = repo.add("target", {
                "name": draft.new_target.name.strip(), "sector": draft.new_target.sector,
                "decision_maker": draft.new_target.decision_maker, "need": draft.new_target.need,
                "offer": offer, "status": "active", "created": repo.today, "review_uid": review.uid,
            })
        else:
            target = repo.update("target", draft.target_uid, {"offer": offer})  # type: ignore[arg-type]
        adjacent = []
        source = _("review of {mission}").format(mission=mission.label())
        for item in draft.adjacent:
            opportunity = repo.add("opportunity", {
                "title": item["organisation"], "organisation": item["organisation"], "target_uid": target.uid,
                "stage": "identified", "source": source, "notes": item.get("note", ""), "review_uid": review.uid,
            })
            adjacent.append({"organisation": item["organisation"], "note": item.get("note", ""),
                             "opportunity_uid": opportunity.uid})
        recommendations = []
        new_contacts = 0
        for item in draft.recommendations:
            if item.get("contact_uid"):
                contact = repo.update("contact", item["contact_uid"], {"next_follow_up": follow_up})
            else:
                contact = repo.add("contact", {
                    "name": item["name"], "company": item.get("company", ""), "circle": "professional",
                    "target_uids": [target.uid], "next_follow_up": follow_up, "created": repo.today,
                    "review_uid": review.uid,
                })
                new_contacts += 1
            recommendations.append({"contact_uid": contact.uid, "status": "to-ask"})
        review = repo.update("review", review.uid, {  # type: ignore[assignment]
            "completed": repo.today, "actually_bought": draft.actually_bought.strip(), "sold_as": mission.sold_as,
            "target_uid": target.uid, "expertise": offer, "adjacent": adjacent,
            "recommendations": recommendations, "draft": None,
        })
        repo.update("mission", mission.uid, {"review_uid": review.uid})
    return Applied(review, target, len(adjacent), len(recommendations), new_contacts)  # type: ignore[arg-type]
