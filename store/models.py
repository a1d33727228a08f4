"""The records of the data contract (see docs/ARCHITECTURE.md, "Data contract").

Field names are a public interface: add fields freely, rename none without a
schema migration. Each model knows its fields' types (``fields.py``), how to
come from and go to a JSON document, and its own record-level rules; rules
that need other records (references) live in the repository.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from .choices import (
    CIRCLE,
    INTERACTION_KIND,
    MISSION_SOURCE,
    RECOMMENDATION_STATUS,
    STAGE,
    TARGET_STATUS,
    choice_label,
)
from .fields import (
    Choice,
    Code,
    DateField,
    Email,
    FieldType,
    Integer,
    Items,
    Json,
    Language,
    Money,
    Number,
    OptionalText,
    Phone,
    Ref,
    Refs,
    Tags,
    Text,
    choice,
    date_field,
    field,
    money,
    ref,
    text,
)
from . import fmt
from .i18n import N_, _

CIRCLES = ("natural", "professional")
TARGET_STATUSES = ("exploring", "active", "paused", "dropped")
STAGES = ("identified", "contacted", "meeting", "proposal", "negotiation", "won", "lost")
OPEN_STAGES = STAGES[:5]
#: probability of an open opportunity when its own is not set (docs/ARCHITECTURE.md, "Forecast rules")
STAGE_PROBABILITY = {
    "identified": Decimal("0.05"),
    "contacted": Decimal("0.10"),
    "meeting": Decimal("0.25"),
    "proposal": Decimal("0.50"),
    "negotiation": Decimal("0.75"),
}
MISSION_SOURCES = ("natural", "prospecting", "recommendation", "other")
INTERACTION_KINDS = ("call", "meeting", "email", "message", "event", "other")
RECOMMENDATION_STATUSES = ("to-ask", "asked", "given", "declined")


def new_uid() -> str:
    import uuid  # (imported here: it costs the commands that create nothing ~3 ms)

    return str(uuid.uuid4())


@dataclasses.dataclass(kw_only=True)
class Record:
    KIND: ClassVar[str] = ""
    TABLE: ClassVar[str] = ""
    #: the field a user names the record by (CLI references, messages)
    NAME_FIELD: ClassVar[str] = "name"
    #: a stored record is held to :meth:`check` too, as a form's is
    CHECKED_ON_LOAD: ClassVar[bool] = True
    #: the kind as a user reads it, alone and with its article (:func:`kind_name`,
    #: :func:`a_kind`): whole words, so that a translation gives each its own
    #: ("une opportunité", "un contact"); marked here, translated where shown
    NAME: ClassVar[str] = ""
    A_NAME: ClassVar[str] = ""
    #: the fields each rule of :meth:`check` compares, together: a form that changes one
    #: of them has the rule say again what it says of the others (an end before its start)
    LINKED: ClassVar[tuple[tuple[str, ...], ...]] = ()

    uid: str = dataclasses.field(default="", metadata={"type": Text(), "help": "", "auto": True})

    @classmethod
    def field_types(cls) -> dict[str, FieldType]:
        """Contract fields in declaration order (``uid`` first)."""
        cached = cls.__dict__.get("_field_types")
        if cached is None:
            cached = {f.name: f.metadata["type"] for f in dataclasses.fields(cls)}
            setattr(cls, "_field_types", cached)
        return cached

    @classmethod
    def field_help(cls, name: str) -> str:
        for f in dataclasses.fields(cls):
            if f.name == name:
                return _(f.metadata.get("help", ""))  # (marked N_ in the declaration)
        return ""

    @classmethod
    def editable_fields(cls) -> list[str]:
        return [f.name for f in dataclasses.fields(cls) if not f.metadata.get("auto")]

    @classmethod
    def from_doc(cls, doc: dict[str, Any], today: date) -> "Record":
        """Build from a stored document; unknown keys are kept in ``extra``.

        Every field goes through its type's ``load`` (the same checks as a form), except
        values already in their stored form, recognised inline by a loader made once per
        model (see :func:`record_loader.make_loader`): 10,000 contacts load in ~40 ms, not ~130."""
        loader = cls.__dict__.get("_loader")
        if loader is None:
            from .record_loader import make_loader

            loader = make_loader(cls, cls.field_types())
            setattr(cls, "_loader", loader)
        record, errors = loader(doc, today)
        if not errors and cls.CHECKED_ON_LOAD:
            errors = record.check()  # the forms' rules across fields (an end before its start...)
        if errors:
            from .errors import ValidationError

            raise ValidationError(cls.KIND, errors)
        return record

    def to_doc(self) -> dict[str, Any]:
        doc = dict(getattr(self, "extra", {}) or {})
        for name, ftype in self.field_types().items():
            doc[name] = ftype.dump(getattr(self, name))
        return doc

    def check(self) -> dict[str, str]:
        """Record-level rules across fields; field -> message. Run when a file is read too."""
        return {}

    def check_change(self) -> dict[str, str]:
        """Rules across fields a record is held to when written (added, edited, imported,
        saved from a form), not when a file is read: a rule newer than a file's records must
        not make it unusable (``records.build_record`` runs both, ``from_doc`` only check)."""
        return {}

    def written_problems(self) -> dict[str, str]:
        """The values a file may hold but a write refuses (an import writes): a language
        relance does not speak. Field -> message; a form and the CLI parse them instead."""
        found = {}
        for name, ftype in self.field_types().items():
            if (problem := ftype.written_problem(getattr(self, name))) is not None:
                found[name] = problem
        return found

    def label(self) -> str:
        """How the record is named to the user."""
        value = getattr(self, self.NAME_FIELD, "") or ""
        return str(value) or self.uid[:8]

    def references(self) -> Iterator[tuple[str, str, str]]:
        """(field, kind, uid) of every record this one points at."""
        for name, ftype in self.field_types().items():
            for kind, uid in ftype.references(getattr(self, name)):
                yield (name, kind, uid)


@dataclasses.dataclass(kw_only=True)
class Settings(Record):
    KIND: ClassVar[str] = "settings"
    TABLE: ClassVar[str] = "settings"
    NAME: ClassVar[str] = N_("settings")
    A_NAME: ClassVar[str] = N_("the settings")
    #: the codes are checked against the ``holidays`` package: a file must not become
    #: unreadable because an upgrade of it dropped a subdivision (a form still checks)
    CHECKED_ON_LOAD: ClassVar[bool] = False
    LINKED: ClassVar[tuple[tuple[str, ...], ...]] = (("country", "subdivision"),)

    currency: str = field(Code(3, "EUR", N_("currency code")), default="EUR", help=N_("ISO 4217 code"))
    target_monthly: Decimal | None = money(help=N_("billed turnover per month, excl. tax"))
    daily_rate: Decimal | None = money(help=N_("usual daily rate"))
    country: str = field(Code(2, "FR", N_("country code")), default="FR", help=N_("country of public holidays"))
    subdivision: str | None = field(OptionalText(max_length=10), default=None, help=N_("holidays subdivision, e.g. 57 for Moselle"))
    horizon_months: int = field(Integer(True, 1, 36), default=6)
    default_lead_time_days: int = field(Integer(True, 1, 1000), default=180)
    fee_rate: Decimal = field(Number(True, 0, 1, expected=N_("a rate such as 0.08")), default=Decimal("0.08"))
    net_share: Decimal = field(Number(True, 0, 1, expected=N_("a share such as 0.50")), default=Decimal("0.50"))
    theme: str = field(Text(max_length=60), default="relance-dark")
    language: str = field(Language(max_length=40), default="", help=N_("a code such as fr; empty: the system's"))

    def check(self) -> dict[str, str]:
        """The country and subdivision must be ones the ``holidays`` package knows:
        a typo would otherwise give a calendar without public holidays."""
        from . import holiday_cache

        if holiday_cache.known(self.country, self.subdivision):
            return {}  # a calendar was built for them: valid (and no 0.1 s import of holidays)
        import holidays  # deferred: about 0.1 s

        supported = holidays.list_supported_countries()
        if self.country not in supported:
            return {"country": _("{code} is not a country the public-holiday calendar knows; "
                                 "use an ISO code such as FR, BE, CH, LU or CA.").format(code=self.country)}
        if self.subdivision:
            try:
                holidays.country_holidays(self.country, subdiv=self.subdivision, years=[])
            except NotImplementedError:
                known = ", ".join(supported[self.country]) or _("none")
                return {"subdivision": _("{code} is not a subdivision of {country}; known: {known}.").format(
                    code=self.subdivision, country=self.country, known=known)}
        return {}


@dataclasses.dataclass(kw_only=True)
class Contact(Record):
    KIND: ClassVar[str] = "contact"
    TABLE: ClassVar[str] = "contacts"
    NAME: ClassVar[str] = N_("contact")
    A_NAME: ClassVar[str] = N_("a contact")

    name: str = text(required=True, max_length=200)
    company: str = text(max_length=200)
    role: str = text(max_length=200)
    email: str = field(Email())
    phone: str = field(Phone())
    url: str = text(max_length=500)
    circle: str = choice(CIRCLES, default="natural", context=CIRCLE)
    tags: list[str] = field(Tags())
    target_uids: list[str] = field(Refs("target"), help=N_("micro-targets this contact belongs to"))
    referred_by: str | None = ref("contact", help=N_("who introduced you"))
    last_contact: date | None = date_field()
    next_follow_up: date | None = date_field()
    cadence_days: int | None = field(Integer(False, 1, 3650), help=N_("days between follow-ups"))
    notes: str = text(max_length=20000, multiline=True)
    created: date | None = date_field()
    review_uid: str | None = ref("review", help=N_("the lessons-learned review that added this contact"))

    def check(self) -> dict[str, str]:
        if self.referred_by and self.referred_by == self.uid:
            return {"referred_by": _("a contact cannot refer themselves.")}
        return {}


@dataclasses.dataclass(kw_only=True)
class Target(Record):
    KIND: ClassVar[str] = "target"
    TABLE: ClassVar[str] = "targets"
    NAME: ClassVar[str] = N_("micro-target")
    A_NAME: ClassVar[str] = N_("a micro-target")

    name: str = text(required=True, max_length=200)
    sector: str = text(max_length=200)
    company_size: str = text(max_length=100)
    decision_maker: str = text(max_length=200)
    need: str = text(max_length=2000)
    offer: str = text(max_length=5000, multiline=True, help=N_("your expertise, stated for this need"))
    status: str = choice(TARGET_STATUSES, default="exploring", context=TARGET_STATUS)
    notes: str = text(max_length=20000, multiline=True)
    created: date | None = date_field()
    review_uid: str | None = ref("review", help=N_("the lessons-learned review that revealed this micro-target"))


@dataclasses.dataclass(kw_only=True)
class Opportunity(Record):
    KIND: ClassVar[str] = "opportunity"
    TABLE: ClassVar[str] = "opportunities"
    NAME: ClassVar[str] = N_("opportunity")
    A_NAME: ClassVar[str] = N_("an opportunity")
    NAME_FIELD: ClassVar[str] = "title"
    LINKED: ClassVar[tuple[tuple[str, ...], ...]] = (("first_contact", "closed"),)

    title: str = text(required=True, max_length=200)
    organisation: str = text(max_length=200)
    contact_uid: str | None = ref("contact")
    target_uid: str | None = ref("target")
    stage: str = choice(STAGES, default="identified", context=STAGE)
    source: str = text(max_length=200)
    daily_rate: Decimal | None = money()
    estimated_days: Decimal | None = field(
        Number(False, 0, 1000, exclusive_minimum=True, expected=N_("a number of days"))
    )
    expected_start: date | None = date_field()
    probability: Decimal | None = field(
        Number(False, 0, 1, expected=N_("a probability between 0 and 1")), help=N_("empty = stage default")
    )
    first_contact: date | None = date_field()
    closed: date | None = date_field()
    lost_reason: str = text(max_length=2000)
    next_action: str = text(max_length=500)
    next_action_date: date | None = date_field()
    notes: str = text(max_length=20000, multiline=True)
    review_uid: str | None = ref("review", help=N_("the lessons-learned review that found this lead"))

    def check(self) -> dict[str, str]:
        errors = {}
        if self.closed and self.first_contact and self.closed < self.first_contact:
            errors["closed"] = _("the closing date {closed} is before the first contact {first}.").format(
                closed=self.closed, first=self.first_contact
            )
        return errors

    def weight(self) -> Decimal:
        """Probability used by the forecast (0 once won or lost)."""
        if self.stage not in OPEN_STAGES:
            return Decimal(0)
        if self.probability is not None:
            return self.probability
        return STAGE_PROBABILITY[self.stage]


@dataclasses.dataclass(kw_only=True)
class Mission(Record):
    KIND: ClassVar[str] = "mission"
    TABLE: ClassVar[str] = "missions"
    NAME: ClassVar[str] = N_("mission")
    A_NAME: ClassVar[str] = N_("a mission")
    NAME_FIELD: ClassVar[str] = "title"
    LINKED: ClassVar[tuple[tuple[str, ...], ...]] = (("start", "end"), ("start", "ended_on"), ("end", "ended_on"))

    title: str = text(max_length=200)
    client: str = text(required=True, max_length=200)
    contact_uid: str | None = ref("contact")
    target_uid: str | None = ref("target")
    opportunity_uid: str | None = ref("opportunity")
    source: str = choice(MISSION_SOURCES, default="other", context=MISSION_SOURCE)
    start: date | None = field(DateField(required=True))
    end: date | None = field(DateField(required=True))
    daily_rate: Decimal | None = field(Money(required=True))
    days_per_week: Decimal = field(
        Number(True, 0, 5, exclusive_minimum=True, expected=N_("days per week, up to 5")), default=Decimal(5)
    )
    total_days: Decimal | None = field(
        Number(False, 0, 5000, exclusive_minimum=True, expected=N_("a number of days")),
        help=N_("days sold, spread over the period"),
    )
    sold_as: str = text(max_length=2000, multiline=True, help=N_("what was pitched"))
    ended_on: date | None = date_field(help=N_("an early end"))
    review_uid: str | None = ref("review")
    notes: str = text(max_length=20000, multiline=True)

    def check(self) -> dict[str, str]:
        errors = {}
        if self.start and self.end and self.end < self.start:
            errors["end"] = _("the end {end} is before the start {start}.").format(end=fmt.day(self.end), start=fmt.day(self.start))
        if self.ended_on and self.start and self.ended_on < self.start:
            errors["ended_on"] = _("the early end {ended} is before the start {start}.").format(
                ended=fmt.day(self.ended_on), start=fmt.day(self.start)
            )
        return errors

    def check_change(self) -> dict[str, str]:
        problem = self.ended_on and self.end_problem(self.ended_on)
        return {"ended_on": problem} if problem else {}

    def end_problem(self, day: date) -> str | None:
        """Why the mission cannot end on ``day`` (a sentence), or None: ending never extends a
        mission, a later day is an edit of its planned end (the dashboard's ``x``, and any
        ``ended_on`` written: ``store.review.end_problem``)."""
        if self.start and day < self.start:
            return _("the end {end} is before the start {start}.").format(end=fmt.day(day), start=fmt.day(self.start))
        if self.end and day > self.end:
            return _("{day} is after the planned end {end}: ending a mission never extends it; to extend it, "
                     "edit its end.").format(day=fmt.day(day), end=fmt.day(self.end))
        return None

    def label(self) -> str:
        return self.title or self.client

    @property
    def last_day(self) -> date | None:
        return self.ended_on or self.end


@dataclasses.dataclass(kw_only=True)
class Interaction(Record):
    KIND: ClassVar[str] = "interaction"
    TABLE: ClassVar[str] = "interactions"
    NAME: ClassVar[str] = N_("interaction")
    A_NAME: ClassVar[str] = N_("an interaction")
    NAME_FIELD: ClassVar[str] = "summary"

    contact_uid: str | None = ref("contact", required=True)
    opportunity_uid: str | None = ref("opportunity")
    date: date | None = field(DateField(required=True))
    kind: str = choice(INTERACTION_KINDS, default="other", context=INTERACTION_KIND)
    summary: str = text(max_length=5000, multiline=True)

    def label(self) -> str:
        when, kind = fmt.day(self.date), choice_label(INTERACTION_KIND, self.kind)
        if not self.summary:  # (no dangling colon)
            return _("{date} {kind}").format(date=when, kind=kind)
        return _("{date} {kind}: {summary}").format(date=when, kind=kind, summary=self.summary).strip()


@dataclasses.dataclass(kw_only=True)
class Review(Record):
    KIND: ClassVar[str] = "review"
    TABLE: ClassVar[str] = "reviews"
    NAME: ClassVar[str] = N_("review")
    A_NAME: ClassVar[str] = N_("a review")
    NAME_FIELD: ClassVar[str] = "actually_bought"

    mission_uid: str | None = ref("mission", required=True)
    created: date | None = date_field()
    completed: date | None = date_field()
    actually_bought: str = text(max_length=5000, multiline=True)
    sold_as: str = text(max_length=5000, multiline=True)
    target_uid: str | None = ref("target")
    expertise: str = text(max_length=5000, multiline=True)
    adjacent: list[dict[str, Any]] = field(
        Items(
            {
                "organisation": Text(required=True, max_length=200),
                "note": Text(max_length=2000),
                "opportunity_uid": Ref("opportunity"),
            }
        )
    )
    recommendations: list[dict[str, Any]] = field(
        Items(
            {
                "contact_uid": Ref("contact", required=True),
                "status": Choice(RECOMMENDATION_STATUSES, required=True, context=RECOMMENDATION_STATUS),
            }
        )
    )
    next_steps: str = text(max_length=5000, multiline=True)
    #: the answers of a review not completed yet, and the step it stopped at
    draft: dict[str, Any] | None = field(Json())

    def label(self) -> str:
        return self.actually_bought or _("review in progress")


@dataclasses.dataclass(kw_only=True)
class TimeOff(Record):
    """A period the consultant does not bill (holidays, training, illness): its working
    days are billable for no mission (docs/ARCHITECTURE.md, "Forecast rules")."""

    KIND: ClassVar[str] = "time_off"
    TABLE: ClassVar[str] = "time_off"
    NAME: ClassVar[str] = N_("time off")
    A_NAME: ClassVar[str] = N_("a period of time off")
    NAME_FIELD: ClassVar[str] = "note"
    LINKED: ClassVar[tuple[tuple[str, ...], ...]] = (("start", "end"),)

    start: date | None = field(DateField(required=True), help=N_("the first day off"))
    end: date | None = field(DateField(required=True), help=N_("the last day off, included"))
    note: str = text(max_length=2000, multiline=True, help=N_("holidays, training, illness..."))

    def check(self) -> dict[str, str]:
        if self.start and self.end and self.end < self.start:
            return {"end": _("the end {end} is before the start {start}.").format(end=fmt.day(self.end),
                                                                               start=fmt.day(self.start))}
        return {}

    def label(self) -> str:
        """The note first, so that a reference typed as its start finds it (``relance rm
        time-off Ski``), then the period."""
        period = _("{start} to {end}").format(start=fmt.day(self.start), end=fmt.day(self.end))
        if not self.note:
            return period
        return _("{note} ({period})").format(period=period, note=self.note)


#: every kind a user can add, by its name in the repository (the CLI writes ``time-off``)
MODELS: dict[str, type[Record]] = {
    model.KIND: model for model in (Contact, Target, Opportunity, Mission, Interaction, Review, TimeOff)
}
TABLES: dict[str, str] = {model.TABLE: kind for kind, model in MODELS.items()}


def _model(kind: str) -> type[Record] | None:
    return Settings if kind == Settings.KIND else MODELS.get(kind)


def kind_name(kind: str) -> str:
    """The kind as a user reads it, translated ("micro-target" for ``target``)."""
    model = _model(kind)
    return _(model.NAME) if model is not None else kind


def counted(table: str, count: int) -> str:
    """``40 contacts``, ``1 micro-target``: a count of one table's records, translated
    (a table the code does not know is shown as it is named in the file)."""
    from .i18n import ngettext

    if table == "contacts":
        text = ngettext("{count} contact", "{count} contacts", count)
    elif table == "targets":
        text = ngettext("{count} micro-target", "{count} micro-targets", count)
    elif table == "opportunities":
        text = ngettext("{count} opportunity", "{count} opportunities", count)
    elif table == "missions":
        text = ngettext("{count} mission", "{count} missions", count)
    elif table == "interactions":
        text = ngettext("{count} interaction", "{count} interactions", count)
    elif table == "reviews":
        text = ngettext("{count} review", "{count} reviews", count)
    elif table == "time_off":
        text = ngettext("{count} period of time off", "{count} periods of time off", count)
    else:
        return f"{count} {table}"
    return text.format(count=count)


def a_kind(kind: str) -> str:
    """The kind with its article, translated, for sentences ("add {a_kind}")."""
    model = _model(kind)
    return _(model.A_NAME) if model is not None else kind
