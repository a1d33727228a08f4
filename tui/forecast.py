"""The revenue gap, month by month: the figures behind the gauge (the working days of
time off among them), what closes each month's gap, the prospecting plan figure by
figure with where each came from, and the turnover / net income toggle (``t``)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store import fmt
from store.forecast import Forecast
from store.headlines import closing_the_gap, headlines, month_name, plan_figures, plan_missing
from store.i18n import N_, _
from store.repository import Repository
from widgets.bars import Unbroken, headline_text

from . import keymap
from .screens import RelanceScreen


class ForecastScreen(RelanceScreen, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), id="forecast.close"),
        Binding("t", "toggle_net", N_("Turnover / net income"), id="forecast.toggle"),
        Binding("s", "settings", N_("Settings"), id="forecast.settings"),
    ]

    def __init__(self, repository: Repository, net: bool = False):
        super().__init__()
        self.repository = repository
        self.net = net

    def compose(self) -> ComposeResult:
        with Vertical(id="forecast", classes="dialog"):
            yield Static("", id="forecast-title", classes="form-title")
            with VerticalScroll(id="forecast-body"):
                yield Static("", id="forecast-content")
            yield Static("", id="forecast-hint", classes="hint")

    def on_mount(self) -> None:
        self.refresh_content()
        self.query_one("#forecast-body").focus()

    def refresh_content(self) -> None:
        fc = self.repository.forecast()
        settings = fc.settings
        if self.net:
            title = _("Revenue gap, month by month — estimated net income")
        else:
            title = _("Revenue gap, month by month — turnover excl. tax")
        self.query_one("#forecast-title", Static).update(title)
        # (here, not in compose: the settings saved from this screen may change the language)
        keys = {name: keymap.keys_shown(self.BINDINGS, f"forecast.{name}", first=True)
                for name in ("toggle", "settings", "close")}
        self.query_one("#forecast-hint", Static).update(
            _("{toggle} turnover / net income · {settings} settings · ↑↓ scroll · {close} close").format(**keys))
        parts: list = []
        if self.net:
            parts.append(Text(_("Net income = turnover × (1 − {fee} portage fee) × {share} net share. "
                                "Amounts in {currency}.").format(
                fee=fmt.percent(settings.fee_rate), share=fmt.percent(settings.net_share), currency=fc.currency),
                style="dim"))
        else:
            parts.append(Text(_("Amounts in {currency}, turnover excl. tax. Days: billable of working.").format(
                currency=fc.currency), style="dim"))
        parts.append(self.table(fc))
        if self.shows_time_off(fc):
            parts.append(Text(_("Off: the working days of your time off, which no mission bills."), style="dim"))
        closing = [(row, closing_the_gap(fc, row)) for row in fc.months if row.short]
        if closing:
            parts.append(Text(""))
            parts.append(Text(_("What closes the gap (billed amounts)"), style="bold"))
            for row, sentence in closing:
                line = Text(f"{month_name(row, short=True)}  ", style="bold")
                line.append(sentence or "")
                parts.append(Unbroken(line))
        parts.append(Text(""))
        for headline in headlines(fc, where="tui"):
            parts.append(Unbroken(headline_text(headline)))
        # the plan's quota above, figure by figure: where each came from (history or default)
        parts.append(Text(""))
        parts.append(Text(_("Prospecting plan"), style="bold"))
        figures = plan_figures(fc)
        if figures:
            bullets = Table.grid(padding=(0, 1))  # (a sentence's next lines under its first)
            bullets.add_column(no_wrap=True)
            bullets.add_column(ratio=1)
            for sentence in figures:
                bullets.add_row("•", Unbroken(Text(sentence)))
            parts.append(bullets)
        else:
            parts.append(Text(plan_missing(fc), style="dim"))
        self.content = Group(*parts)
        self.query_one("#forecast-content", Static).update(self.content)

    def plain_text(self) -> str:
        """What the screen shows, as plain text at its width (tests, copying)."""
        import io

        from rich.console import Console

        width = self.query_one("#forecast-content").content_size.width or 80
        console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
        console.print(self.content)
        return console.export_text()

    def table(self, fc: Forecast) -> Table:
        convert = fc.net if self.net else (lambda amount: amount)
        table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        table.add_column(_("Month"))
        table.add_column(_("Days"), justify="right")
        table.add_column(_("Secured"), justify="right")
        table.add_column(_("Pipeline"), justify="right")
        table.add_column(_("Target"), justify="right")
        table.add_column(_("Gap"), justify="right")
        table.add_column(_("Cover"), justify="right")
        off = self.shows_time_off(fc)
        if off:
            table.add_column(_("Off"), justify="right")
        for row in fc.months:
            gap = convert(row.gap)
            short = "bold red" if row.short else ""
            table.add_row(
                month_name(row, short=True),
                f"{fmt.days(row.billable_days)}/{row.working_days}",
                fmt.money(convert(row.secured)),
                fmt.money(convert(row.pipeline_weighted)),
                fmt.money(convert(row.target)) if row.target is not None else "—",
                Text(fmt.money(gap) if gap else ("—" if gap is None else "0"), style=short),
                Text(fmt.percent(row.coverage), style=short),
                *((str(row.time_off_days) if row.time_off_days else "",) if off else ()),
            )
        return table

    @staticmethod
    def shows_time_off(fc: Forecast) -> bool:
        """The column of days off, only when some month has any (the table stays as
        narrow as it was for whoever plans none)."""
        return any(row.time_off_days for row in fc.months)

    def action_toggle_net(self) -> None:
        self.net = not self.net
        self.refresh_content()

    def action_settings(self) -> None:
        self.relance.open_settings()

    def action_close(self) -> None:
        self.dismiss(None)
