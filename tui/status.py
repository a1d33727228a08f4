"""``relance status``: the revenue gap in the terminal, with Rich only (no Textual).

The bars and the sentences are the dashboard's own (``widgets.bars``,
``store.headlines``), so the two never disagree.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from store import fmt
from store.forecast import Forecast
from store.headlines import headlines
from store.i18n import _, ngettext
from store.followups import FollowUp
from store.rules import days_late
from widgets.bars import gauge_lines, headline_text, legend, wrap

#: bars wider than this are harder to read, not easier
MAX_WIDTH = 100
#: the oldest follow-ups due are listed; the count says how many more
FOLLOW_UPS_SHOWN = 15


def print_status(fc: Forecast, due: int, follow_ups: list[FollowUp], console: Console | None = None) -> None:
    """The gauge, the sentences, and ``due`` follow-ups of which ``follow_ups`` are the oldest."""
    console = console or Console(highlight=False)
    width = min(console.width, MAX_WIDTH)
    title = Text(_("relance — {date}").format(date=fmt.long_date(fc.today)), style="bold")
    if fc.target_monthly:
        title.append("   " + _("target {amount} a month").format(amount=fmt.money(fc.target_monthly, fc.currency)))
    console.print(title)
    console.print()
    for line in gauge_lines(fc, width):
        console.print(line, overflow="crop", no_wrap=True)
    for line in legend(fc, width=width):
        console.print(line, no_wrap=True)
    console.print()
    for headline in headlines(fc, where="cli"):
        for line in wrap(headline_text(headline), width):
            console.print(line, no_wrap=True)
    console.print()
    if not due:
        console.print(_("No follow-up is due today."))
        return
    console.print(Text(ngettext("{count} follow-up due", "{count} follow-ups due", due).format(
        count=due), style="bold"))
    shown = follow_ups[:FOLLOW_UPS_SHOWN]
    name_w = min(30, max(len(c.name) for c in shown))
    lates = [days_late(contact.next_follow_up, fc.today) or 0 for contact in shown]
    whens = [ngettext("{days} day late", "{days} days late", late).format(days=late) if late else _("today")
             for late in lates]
    when_w = max(13, *map(len, whens))  # (the longest in the language in use: the companies line up)
    for contact, late, when in zip(shown, lates, whens):
        line = Text("  ")
        line.append(contact.name[:name_w].ljust(name_w), style="bold" if late else "")
        line.append("  ")
        line.append(when.ljust(when_w), style="red" if late else "")
        line.append("  " + (contact.company or ""))
        console.print(line, overflow="ellipsis", no_wrap=True)
    if due > len(shown):
        console.print(_("… and {count} more: relance list contacts, or the Network pane (1).").format(
            count=due - len(shown)), style="dim")
