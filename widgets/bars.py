"""The revenue-gap bars as Rich text: one line per month of the horizon.

Rich only (no Textual), so that ``relance status`` draws the same bars as the
dashboard's gauge. The glyphs tell secured revenue, weighted pipeline and what
is missing apart without colour; the target is a vertical rule at the same
column on every line::

    Nov 2026 ██████████████████████│███▒▒   118 %
    Jan 2027 █████████▒▒▒░░░░░░░░░░│         45 %  −6 050 EUR
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from rich.style import StyleType
from rich.text import Text

from store import fmt
from store.forecast import Forecast, MonthForecast
from store.headlines import Headline, month_name
from store.i18n import _, ngettext

SECURED = "█"
PIPELINE = "▒"
MISSING = "░"
TARGET = "│"
MINUS = "−"


@dataclass(frozen=True)
class BarStyles:
    secured: StyleType = "green"
    pipeline: StyleType = "yellow"
    missing: StyleType = "dim"
    target: StyleType = "bold"
    short: StyleType = "bold red"
    muted: StyleType = "dim"
    alert: StyleType = "bold red"
    warning: StyleType = "yellow"
    info: StyleType = ""


def _cells(amount: Decimal, scale: Decimal, room: int) -> int:
    if amount <= 0 or scale <= 0:
        return 0
    cells = int((amount / scale * room).to_integral_value(rounding=ROUND_HALF_UP))
    return max(1, cells)  # a small amount still shows


def _amounts(fc: Forecast, row: MonthForecast, net: bool) -> tuple[Decimal, Decimal, Decimal | None, Decimal | None]:
    convert = fc.net if net else (lambda amount: amount)
    return convert(row.secured), convert(row.pipeline_weighted), convert(row.target), convert(row.gap)  # type: ignore[return-value]


def gauge_lines(fc: Forecast, width: int, net: bool = False, styles: BarStyles = BarStyles()) -> list[Text]:
    """One line per month, ``width`` cells wide at most."""
    if not fc.months:
        return [Text(_("The horizon is empty: set at least one month in the settings."), style=styles.muted)]
    currency = fc.currency
    labels = [month_name(row, short=True) for row in fc.months]
    coverages = [fmt.percent(row.coverage) for row in fc.months]
    amounts = [_amounts(fc, row, net) for row in fc.months]
    gaps = [f"{MINUS}{fmt.money(gap, currency)}" if gap else "" for _s, _p, _t, gap in amounts]
    label_w = max(len(text) for text in labels)
    cov_w = max(len(text) for text in coverages)
    gap_w = max(len(text) for text in gaps)
    bar_w = width - label_w - 1 - 1 - cov_w - (2 + gap_w if gap_w else 0)
    if bar_w < 8 and gap_w:  # too narrow for the gap column: the detail screen has it
        gap_w = 0
        bar_w = width - label_w - 2 - cov_w
    bar_w = max(4, bar_w)
    target = fc.target_monthly if fc.target_monthly else None
    has_target = target is not None
    room = bar_w - (1 if has_target else 0)
    scale = max([t or Decimal(0) for _s, _p, t, _g in amounts] + [s + p for s, p, _t, _g in amounts])
    lines = []
    for label, coverage, gap_text, row, (sec, pipe, tgt, _gap) in zip(labels, coverages, gaps, fc.months, amounts):
        s = min(room, _cells(sec, scale, room))
        p = min(room - s, max(0, _cells(sec + pipe, scale, room) - s) if pipe > 0 else 0)
        if pipe > 0 and p == 0 and s < room:
            p = 1
        t = min(room, _cells(tgt, scale, room)) if tgt else 0
        line = Text(label.ljust(label_w) + " ")
        for i in range(room):
            if has_target and i == t:
                line.append(TARGET, style=styles.target)
            if i < s:
                line.append(SECURED, style=styles.secured)
            elif i < s + p:
                line.append(PIPELINE, style=styles.pipeline)
            elif i < t:
                line.append(MISSING, style=styles.missing)
            else:
                line.append(" ")
        if has_target and t >= room:
            line.append(TARGET, style=styles.target)
        line.append(" ")
        line.append(coverage.rjust(cov_w), style=styles.short if row.short else "")
        if gap_w:
            line.append("  ")
            line.append(gap_text.rjust(gap_w), style=styles.short)
        lines.append(line)
    return lines


def legend(fc: Forecast, net: bool = False, styles: BarStyles = BarStyles(), width: int = 0) -> list[Text]:
    """What the glyphs mean, and the target; wrapped between items to ``width`` (0: one line)."""
    items = [
        (SECURED, styles.secured, _("secured")),
        (PIPELINE, styles.pipeline, _("weighted pipeline")),
        (MISSING, styles.missing, _("missing")),
    ]
    if fc.target_monthly:
        target = fc.net(fc.target_monthly) if net else fc.target_monthly
        items.append((TARGET, styles.target, _("target {amount}/month").format(amount=fmt.money(target, fc.currency))))
    lines = [Text()]
    for glyph, style, words in items:
        line = lines[-1]
        size = len(glyph) + 1 + len(words)
        if line.plain and width and len(line.plain) + 2 + size > width:
            line = Text()
            lines.append(line)
        if line.plain:
            line.append("  ")
        line.append(glyph, style=style)
        line.append(" " + words)
    return lines


#: the cells of the week's bar (a quota of 5: two cells a lead)
WEEK_CELLS = 10


def week_progress(fc: Forecast, styles: BarStyles = BarStyles()) -> Text | None:
    """This week's new leads against the plan's weekly quota, as a small bar:
    ``! This week ██░░░░░░░░ 1/5 new leads`` (``!`` while behind, as a warning is marked:
    it reads without colour). None when the plan asks for no lead."""
    plan = fc.plan
    if plan is None or not plan.weekly_leads:
        return None
    done, quota = plan.this_week, plan.weekly_leads
    filled = min(WEEK_CELLS, (2 * WEEK_CELLS * done + quota) // (2 * quota))  # (rounded half up)
    if done and not filled:
        filled = 1  # a first lead shows
    behind = done < quota
    template = ngettext("This week {bar} {done}/{quota} new lead", "This week {bar} {done}/{quota} new leads", quota)
    before, _bar, after = template.partition("{bar}")
    words = styles.warning if behind else styles.info
    line = Text()
    line.append(("! " if behind else "") + before.format(done=done, quota=quota), style=words)
    line.append(SECURED * filled, style=styles.secured)
    line.append(MISSING * (WEEK_CELLS - filled), style=styles.missing)
    line.append(after.format(done=done, quota=quota), style=words)
    return line


#: no-break spaces (inside amounts and percentages) that Rich's wrapping would break at
_NO_BREAK = {"\u202f": "\ue000", "\u00a0": "\ue001"}


def wrap(text: Text, width: int) -> list[Text]:
    """``text`` wrapped to ``width`` cells, never inside ``10 000 EUR`` or ``26 %``."""
    from rich.console import Console

    plain = text.plain
    for space, stand_in in _NO_BREAK.items():
        plain = plain.replace(space, stand_in)
    guarded = Text(plain, style=text.style, spans=list(text.spans))
    lines = []
    for line in guarded.wrap(Console(width=max(1, width)), max(1, width)):
        restored = line.plain
        for space, stand_in in _NO_BREAK.items():
            restored = restored.replace(stand_in, space)
        lines.append(Text(restored, style=line.style, spans=list(line.spans)))
    return lines


class Unbroken:
    """A Rich renderable: ``text`` wrapped by :func:`wrap` to the width it is drawn at
    (Rich's own wrapping breaks at the no-break spaces of ``30 900 €`` and ``semaine ;``)."""

    def __init__(self, text: Text):
        self.text = text

    def __rich_console__(self, console, options):
        yield from wrap(self.text, options.max_width)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        return Measurement.get(console, options, self.text)


def headline_text(headline: Headline, styles: BarStyles = BarStyles()) -> Text:
    """One sentence of the forecast, styled by its level; alerts and warnings carry a ``!``
    so that they stand out without colour."""
    style = {"alert": styles.alert, "warning": styles.warning}.get(headline.level, styles.info)
    mark = "! " if headline.level in ("alert", "warning") else ""
    return Text(mark + headline.text, style=style)
