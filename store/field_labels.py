"""A field's label as the user reads it, in the language in use: the forms', the detail's
and the refusals' of the store that name a field (``relance rm``: "(micro-target)")."""

from __future__ import annotations

from .i18n import N_, _
from .models import kind_name

#: field labels not made from the field's name (marked here, translated by ``field_label``)
LABELS = {
    "target_uids": N_("Micro-targets"), "referred_by": N_("Referred by"), "next_follow_up": N_("Next follow-up"),
    "last_contact": N_("Last contact"), "cadence_days": N_("Cadence (days)"), "company_size": N_("Company size"),
    "decision_maker": N_("Decision maker"), "daily_rate": N_("Daily rate"), "estimated_days": N_("Estimated days"),
    "expected_start": N_("Expected start"), "first_contact": N_("First contact"), "next_action": N_("Next action"),
    "next_action_date": N_("Next action date"), "lost_reason": N_("Lost reason"), "days_per_week": N_("Days per week"),
    "total_days": N_("Total days sold"), "sold_as": N_("Sold as"), "ended_on": N_("Ended early on"),
    "target_monthly": N_("Monthly target"), "horizon_months": N_("Horizon (months)"),
    "default_lead_time_days": N_("Lead time (days)"), "fee_rate": N_("Fee rate"), "net_share": N_("Net share"),
    "email": N_("E-mail"), "url": N_("URL"), "review_uid": N_("From the review"), "language": N_("Language"),
    "name": N_("Name"), "company": N_("Company"), "role": N_("Role"), "phone": N_("Phone"), "circle": N_("Circle"),
    "tags": N_("Tags"), "notes": N_("Notes"), "note": N_("Note"), "sector": N_("Sector"), "need": N_("Need"), "offer": N_("Offer"),
    "status": N_("Status"), "title": N_("Title"), "organisation": N_("Organisation"), "stage": N_("Stage"),
    "source": N_("Source"), "probability": N_("Probability"), "closed": N_("Closed"), "client": N_("Client"),
    "start": N_("Start"), "end": N_("End"), "date": N_("Date"), "kind": N_("Kind"), "summary": N_("Summary"),
    "currency": N_("Currency"), "country": N_("Country"), "subdivision": N_("Subdivision"), "theme": N_("Theme"),
    "created": N_("Created"), "completed": N_("Completed"), "actually_bought": N_("Actually bought"),
    "expertise": N_("Expertise"), "next_steps": N_("Next steps"), "adjacent": N_("Adjacent"),
    "recommendations": N_("Recommendations"), "mission_uid": N_("Mission"), "draft": N_("Draft"),
}
#: reference fields labelled with the kind they point at
KIND_LABELS = {"target_uid": "target", "contact_uid": "contact", "opportunity_uid": "opportunity"}


def field_label(name: str) -> str:
    """The field's label, in the language now in use."""
    if name in KIND_LABELS:
        kind = kind_name(KIND_LABELS[name])
        return kind[:1].upper() + kind[1:]
    return _(LABELS.get(name) or name.replace("_", " ").capitalize())
