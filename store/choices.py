"""The values of a choice, as a user reads and types them.

A choice is stored in English (``"meeting"``, ``"natural"``: the data file is the same
in every language) and shown translated, always through :func:`choice_label`: a table,
the detail view, a form's list, the review, a notification, ``relance list`` and
``relance edit``. Each kind of choice is its own context for :func:`pgettext`, since the
same English word need not be the same French one in each ("natural": a contact's
circle, "naturel", or a mission's source, "réseau naturel"; "active": a micro-target,
feminine, or a mission, "en cours").

What a user types (a form, ``relance add opportunity --stage rendez-vous``) may be the
English value or the label in the language in use, case and accents aside
(:func:`choice_value`).
"""

from __future__ import annotations

from collections.abc import Iterable

from .i18n import generation, npgettext, pgettext

#: the contexts (the kinds of choice), as the models' fields name them
STAGE = "stage"
CIRCLE = "circle"
TARGET_STATUS = "target status"
MISSION_SOURCE = "mission source"
MISSION_STATUS = "mission status"
INTERACTION_KIND = "interaction kind"
RECOMMENDATION_STATUS = "recommendation status"


def _labels() -> dict[tuple[str, str], str]:
    """(context, value) → label, translated now: every call written out, so that
    extraction tools find each with its context."""
    return {
        (STAGE, "identified"): pgettext("stage", "identified"),
        (STAGE, "contacted"): pgettext("stage", "contacted"),
        (STAGE, "meeting"): pgettext("stage", "meeting"),
        (STAGE, "proposal"): pgettext("stage", "proposal"),
        (STAGE, "negotiation"): pgettext("stage", "negotiation"),
        (STAGE, "won"): pgettext("stage", "won"),
        (STAGE, "lost"): pgettext("stage", "lost"),
        (CIRCLE, "natural"): pgettext("circle", "natural"),
        (CIRCLE, "professional"): pgettext("circle", "pro"),  # (a table column: short)
        (TARGET_STATUS, "exploring"): pgettext("target status", "exploring"),
        (TARGET_STATUS, "active"): pgettext("target status", "active"),
        (TARGET_STATUS, "paused"): pgettext("target status", "paused"),
        (TARGET_STATUS, "dropped"): pgettext("target status", "dropped"),
        (MISSION_SOURCE, "natural"): pgettext("mission source", "natural"),
        (MISSION_SOURCE, "prospecting"): pgettext("mission source", "prospecting"),
        (MISSION_SOURCE, "recommendation"): pgettext("mission source", "recommendation"),
        (MISSION_SOURCE, "other"): pgettext("mission source", "other"),
        (MISSION_STATUS, "planned"): pgettext("mission status", "planned"),
        (MISSION_STATUS, "active"): pgettext("mission status", "active"),
        (MISSION_STATUS, "ended"): pgettext("mission status", "ended"),
        (MISSION_STATUS, "review due"): pgettext("mission status", "review due"),
        (INTERACTION_KIND, "call"): pgettext("interaction kind", "call"),
        (INTERACTION_KIND, "meeting"): pgettext("interaction kind", "meeting"),
        (INTERACTION_KIND, "email"): pgettext("interaction kind", "email"),
        (INTERACTION_KIND, "message"): pgettext("interaction kind", "message"),
        (INTERACTION_KIND, "event"): pgettext("interaction kind", "event"),
        (INTERACTION_KIND, "other"): pgettext("interaction kind", "other"),
        (RECOMMENDATION_STATUS, "to-ask"): pgettext("recommendation status", "to ask"),
        (RECOMMENDATION_STATUS, "asked"): pgettext("recommendation status", "asked"),
        (RECOMMENDATION_STATUS, "given"): pgettext("recommendation status", "given"),
        (RECOMMENDATION_STATUS, "declined"): pgettext("recommendation status", "declined"),
    }


#: the labels of the catalogue in use, made again when it changes (a table's rows ask often)
_cache: tuple[int, dict[tuple[str, str], str]] = (-1, {})


def _table() -> dict[tuple[str, str], str]:
    global _cache
    if _cache[0] != generation():
        _cache = (generation(), _labels())
    return _cache[1]


def _counted_labels(n: int) -> dict[tuple[str, str], str]:
    """(context, value) → label after the number ``n`` ("2 identifiées"): a context of its
    own, since a catalogue holds one entry per context and word, singular or plural."""
    return {
        (STAGE, "identified"): npgettext("stage, after a count", "identified", "identified", n),
        (STAGE, "contacted"): npgettext("stage, after a count", "contacted", "contacted", n),
        (STAGE, "meeting"): npgettext("stage, after a count", "meeting", "meetings", n),
        (STAGE, "proposal"): npgettext("stage, after a count", "proposal", "proposals", n),
        (STAGE, "negotiation"): npgettext("stage, after a count", "negotiation", "negotiations", n),
        (STAGE, "won"): npgettext("stage, after a count", "won", "won", n),
        (STAGE, "lost"): npgettext("stage, after a count", "lost", "lost", n),
    }


def choice_label(context: str, value: str | None, count: int | None = None) -> str:
    """``value`` (stored, English) as the user reads it; a value the table does not know
    (a newer file's) as it is, an empty one empty. With ``count``, the label after that
    number, where the language makes it agree ("2 identifiées"; a stage only)."""
    if not value:
        return ""
    if count is not None and context == STAGE:
        return _counted_labels(count).get((context, value)) or _table().get((context, value), value)
    return _table().get((context, value), value)


def choice_value(context: str, choices: Iterable[str], typed: str) -> str | None:
    """The stored value ``typed`` names: the value itself or its label in the language in
    use, case and accents aside ("Rendez-vous", "negociation"); None if none."""
    from .rules import fold  # (rules imports the models, which import this module's callers)

    wanted = fold(typed.strip())
    for value in choices:
        if wanted == fold(value) or wanted == fold(choice_label(context, value)):
            return value
    return None
