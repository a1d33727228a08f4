"""What the forecast means, in words: shared by the dashboard and ``relance status``.

Each sentence is whole, with placeholders, so that a catalogue can translate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from . import fmt
from .forecast import Forecast, MonthForecast, cents
from .i18n import _, ngettext
from .followups import FollowUp

#: more than this share of missions from the natural network earns a warning
NATURAL_WARNING = Decimal("0.5")
#: a deadline closer than this is a warning, not just information
DEADLINE_WARNING_DAYS = 30


@dataclass(frozen=True)
class Headline:
    #: "target", "cliff", "deadline", "lead_time", "natural", "natural_warning", "undated"
    key: str
    text: str
    #: "info" | "warning" | "alert"
    level: str


def month_name(row_or_month: Any, short: bool = False) -> str:
    month = getattr(row_or_month, "month", row_or_month)
    return fmt.month(month.year, month.month, short=short)


def headlines(fc: Forecast, where: str = "cli", brief: bool = False) -> list[Headline]:
    """The sentences under the gauge: target, cliff, deadline, lead time, natural network.

    ``where`` is "cli" or "tui" (how to set a target differs); ``brief`` leaves out
    the lead-time explanation and the week's count of new leads (the dashboard's pane,
    where room is short: its gauge draws the count as a bar).
    """
    out: list[Headline] = []
    currency = fc.currency
    if fc.target_monthly is None or fc.target_monthly == 0:
        if where == "tui":
            out.append(Headline("target", _("No monthly target is set, so there is no gap to measure: press s to set one."),
                                "warning"))
        else:
            out.append(Headline("target", _("No monthly target is set, so there is no gap to measure. "
                                            "Set one (your own figure) with:"), "warning"))
            out.append(Headline("target_command", "    relance settings --target-monthly 11000", "info"))
    elif fc.cliff is not None:
        row = fc.cliff_figures
        assert row is not None
        out.append(Headline("cliff", _("Income falls short in {month}: {coverage} of the target secured, {gap} missing.").format(
            month=month_name(row), coverage=fmt.percent(row.coverage), gap=fmt.money(row.gap, currency)), "alert"))
        out.append(deadline_headline(fc))
        if fc.plan is not None:
            out.append(plan_headline(fc, brief))
        if not brief:
            out.append(lead_time_headline(fc))
    elif fc.months:
        out.append(Headline("cliff", _("Income reaches the target in every month through {month}.").format(
            month=month_name(fc.months[-1])), "info"))
    if fc.pipeline_undated:
        out.append(Headline("undated", _("{value} of weighted pipeline has no expected start, so it is in no month above.").format(
            value=fmt.money(fc.pipeline_undated, currency)), "info"))
    share = fc.natural_share
    if share is not None:
        out.append(Headline("natural", ngettext(
            "Natural network: {natural} of {total} mission ({share}).",
            "Natural network: {natural} of {total} missions ({share}).",
            fc.missions_total).format(natural=fc.missions_natural, total=fc.missions_total, share=fmt.percent(share)), "info"))
        if share > NATURAL_WARNING:
            out.append(Headline("natural_warning", _(
                "More than half of your missions came from your natural network: prospect in your micro-targets."),
                "warning"))
    return out


def deadline_headline(fc: Forecast) -> Headline:
    assert fc.deadline is not None
    when = fmt.long_date(fc.deadline)
    late = fc.late_by_days or 0
    left = fc.days_left or 0
    if late:
        text = ngettext("Start prospecting by {date} — {days} day late.",
                        "Start prospecting by {date} — {days} days late.", late).format(date=when, days=late)
        return Headline("deadline", text, "alert")
    if left == 0:
        return Headline("deadline", _("Start prospecting today, {date}.").format(date=when), "alert")
    text = ngettext("Start prospecting by {date} — in {days} day.",
                    "Start prospecting by {date} — in {days} days.", left).format(date=when, days=left)
    return Headline("deadline", text, "warning" if left <= DEADLINE_WARNING_DAYS else "info")


def plan_headline(fc: Forecast, brief: bool = False) -> Headline:
    """The week's quota of new leads, and where it comes from (docs/ARCHITECTURE.md,
    "Prospecting plan"). ``brief``: without the week's count, which the dashboard's gauge
    draws as a bar of its own just above (``widgets.bars.week_progress``)."""
    plan = fc.plan
    assert plan is not None and fc.cliff is not None
    if not plan.leads_needed:
        text = ngettext("This week: {done} new lead; the weighted pipeline covers the gap, so none is needed.",
                        "This week: {done} new leads; the weighted pipeline covers the gap, so none is needed.",
                        plan.this_week).format(done=plan.this_week)
        return Headline("plan", text, "info")
    values = dict(done=plan.this_week, quota=plan.weekly_leads, leads=plan.leads_needed, date=fmt.long_date(plan.by),
                  month=month_name(fc.cliff_figures), rate=fmt.percent(plan.win_rate),
                  source=_("history") if plan.win_rate_source == "history" else _("default"))
    if brief:
        # (the bar above says whether the week is behind: this sentence only explains it)
        text = ngettext("{leads} new lead by {date} to cover {month}, at your {rate} win rate ({source}).",
                        "{leads} new leads by {date} to cover {month}, at your {rate} win rate ({source}).",
                        plan.leads_needed).format(**values)
        return Headline("plan", text, "info")
    if plan.leads_needed == 1:
        text = _("This week: {done} of 1 new lead — the one lead needed by {date} to cover {month}, "
                 "at your {rate} win rate ({source}).").format(**values)
    else:  # (more leads than the week's quota, which may be 1)
        text = ngettext("This week: {done} of {quota} new lead — {leads} leads by {date} to cover {month}, "
                        "at your {rate} win rate ({source}).",
                        "This week: {done} of {quota} new leads — {leads} leads by {date} to cover {month}, "
                        "at your {rate} win rate ({source}).", plan.weekly_leads).format(**values)
    return Headline("plan", text, "info" if plan.this_week >= plan.weekly_leads else "warning")


def plan_figures(fc: Forecast) -> list[str]:
    """Each figure of the plan and where it came from, a sentence each (the month-by-month
    screen and ``relance status`` explain the quota with them)."""
    plan = fc.plan
    if plan is None:
        return []
    currency = fc.currency
    out = []
    if plan.win_rate_source == "history":
        out.append(_("Win rate {rate}: {won} won of your {closed} closed opportunities.").format(
            rate=fmt.percent(plan.win_rate), won=plan.won, closed=plan.closed))
    else:
        out.append(_("Win rate {rate}: the default probability of an identified lead, until five opportunities are "
                     "closed and one of them won ({closed} closed so far).").format(
            rate=fmt.percent(plan.win_rate), closed=plan.closed))
    if plan.mission_value_source == "history":
        out.append(_("A mission is worth {value}: the median of your {count} won opportunities with an estimate "
                     "(daily rate × days).").format(value=fmt.money(plan.mission_value, currency), count=plan.mission_sample))
    else:
        out.append(_("A mission is worth {value}: your usual daily rate × 20 days, until two won opportunities have an "
                     "estimate.").format(value=fmt.money(plan.mission_value, currency)))
    out.append(ngettext("Not covered from {month} on, after the weighted pipeline: {uncovered}, or {missions} "
                        "mission at that value.",
                        "Not covered from {month} on, after the weighted pipeline: {uncovered}, or {missions} "
                        "missions at that value.", plan.missions_needed).format(
        month=month_name(fc.cliff_figures), uncovered=fmt.money(plan.uncovered, currency), missions=plan.missions_needed))
    out.append(ngettext("At that win rate, that takes {leads} new lead.",
                        "At that win rate, that takes {leads} new leads.", plan.leads_needed).format(
        leads=plan.leads_needed))
    # two sentences: one plural follows the weeks, the other the leads a week
    if plan.by == fc.deadline:
        weeks = ngettext("{weeks} week until the prospecting deadline, {date}.",
                         "{weeks} weeks until the prospecting deadline, {date}.", plan.weeks)
    else:
        weeks = ngettext("The prospecting deadline has passed: {weeks} week left until {date}, when the gap begins.",
                         "The prospecting deadline has passed: {weeks} weeks left until {date}, when the gap begins.",
                         plan.weeks)
    quota = ngettext("So {quota} new lead a week; {done} so far this week.",
                     "So {quota} new leads a week; {done} so far this week.", plan.weekly_leads)
    out.append(weeks.format(weeks=plan.weeks, date=fmt.long_date(plan.by)) + " "
               + quota.format(quota=plan.weekly_leads, done=plan.this_week))
    return out


def plan_missing(fc: Forecast) -> str:
    """Why the forecast has no prospecting plan, in one sentence ("" when it has one)."""
    if fc.plan is not None:
        return ""
    if not fc.target_monthly:
        return _("No prospecting plan: no monthly target is set, so there is no gap to cover.")
    if not fc.months:
        return _("No prospecting plan: the horizon is empty.")
    if fc.cliff is None:
        return _("No prospecting plan: income reaches the target in every month of the horizon.")
    return _("No prospecting plan: without a usual daily rate, or two won opportunities with an estimate, "
             "a mission's value is not known.")


def lead_time_headline(fc: Forecast) -> Headline:
    if fc.lead_time_source == "history":
        text = _("Lead time {days} days: the median from first contact to signature of your {count} won opportunities.").format(
            days=fc.lead_time_days, count=fc.lead_time_sample)
    else:
        text = _("Lead time {days} days: the default (the article's six months), until two won opportunities "
                 "have a first contact and a closing date.").format(days=fc.lead_time_days)
    return Headline("lead_time", text, "info")


def closing_the_gap(fc: Forecast, row: MonthForecast) -> str | None:
    """What would close one short month's gap: days at the usual rate, or the rate on the free days."""
    gap = row.gap
    if not gap:
        return None
    currency = fc.currency
    days = row.days_needed(fc.usual_rate)
    rate = row.rate_needed()
    free = fmt.days(row.free_days)
    if days is not None and rate is not None:
        if days <= row.free_days:
            return _("{days} more billable days at {rate}, or a rate of {needed} on the {free} days still free.").format(
                days=fmt.days(days), rate=fmt.money(fc.usual_rate, currency), needed=fmt.money(rate, currency), free=free)
        return _("{days} more billable days at {rate}, more than the {free} days still free; "
                 "or a rate of {needed} on those days.").format(
            days=fmt.days(days), rate=fmt.money(fc.usual_rate, currency), needed=fmt.money(rate, currency), free=free)
    if rate is not None:
        return _("A rate of {needed} on the {free} days still free (set your usual daily rate to see the days needed).").format(
            needed=fmt.money(rate, currency), free=free)
    if days is not None:
        return _("{days} more billable days at {rate}, but no working day of the month is still free.").format(
            days=fmt.days(days), rate=fmt.money(fc.usual_rate, currency))
    return _("No working day of the month is still free.")


def short_line(fc: Forecast, follow_ups_due: int) -> str:
    """One line for a shell prompt or a login message (``follow_ups_due``: how many)."""
    parts = []
    if fc.target_monthly is None or fc.target_monthly == 0:
        parts.append(_("no monthly target set (relance settings --target-monthly N)"))
    elif fc.cliff is not None:
        row = fc.cliff_figures
        parts.append(_("income short from {month} ({coverage})").format(
            month=month_name(row, short=True), coverage=fmt.percent(row.coverage if row else None)))
        late = fc.late_by_days or 0
        when = fmt.long_date(fc.deadline) if fc.deadline else ""
        if late:
            parts.append(ngettext("prospect by {date}, {days} day late", "prospect by {date}, {days} days late",
                                  late).format(date=when, days=late))
        else:
            left = fc.days_left or 0
            parts.append(ngettext("prospect by {date}, in {days} day", "prospect by {date}, in {days} days",
                                  left).format(date=when, days=left))
    elif fc.months:
        parts.append(_("income covered through {month}").format(month=month_name(fc.months[-1], short=True)))
    if fc.plan is not None and fc.plan.leads_needed:
        parts.append(_("{done}/{quota} leads this week").format(done=fc.plan.this_week, quota=fc.plan.weekly_leads))
    count = follow_ups_due
    parts.append(ngettext("{count} follow-up due", "{count} follow-ups due", count).format(count=count))
    return "relance · " + " · ".join(parts)


def _ratio(value: Decimal | None) -> float | None:
    return None if value is None else round(float(value), 4)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def status_json(fc: Forecast, follow_ups: list[FollowUp]) -> dict[str, Any]:
    """The document of ``relance status --json`` (the issue's public format)."""
    return {
        "today": fc.today.isoformat(),
        "currency": fc.currency,
        "target_monthly": cents(fc.target_monthly),
        "months": [
            {
                "month": row.month.label(),
                "working_days": row.working_days,
                "billable_days": float(row.billable_days.quantize(Decimal("0.01"))),
                "secured": cents(row.secured),
                "pipeline_weighted": cents(row.pipeline_weighted),
                "target": cents(row.target),
                "gap": cents(row.gap),
                "coverage": _ratio(row.coverage),
                "time_off_days": row.time_off_days,
            }
            for row in fc.months
        ],
        "cliff_month": fc.cliff.label() if fc.cliff else None,
        "lead_time_days": fc.lead_time_days,
        "lead_time_source": fc.lead_time_source,
        "prospecting_deadline": _iso(fc.deadline),
        "late_by_days": fc.late_by_days,
        "natural_network_share": _ratio(fc.natural_share),
        "plan": _plan_json(fc),
        "follow_ups_due": [
            {"uid": c.uid, "name": c.name, "next_follow_up": _iso(c.next_follow_up)} for c in follow_ups
        ],
    }


def _plan_json(fc: Forecast) -> dict[str, Any] | None:
    plan = fc.plan
    if plan is None:
        return None
    return {
        "win_rate": _ratio(plan.win_rate),
        "win_rate_source": plan.win_rate_source,
        "mission_value": cents(plan.mission_value),
        "mission_value_source": plan.mission_value_source,
        "uncovered": cents(plan.uncovered),
        "missions_needed": plan.missions_needed,
        "leads_needed": plan.leads_needed,
        "weeks": plan.weeks,
        "weekly_leads": plan.weekly_leads,
        "this_week": plan.this_week,
    }
