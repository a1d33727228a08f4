"""The revenue-gap gauge: a bar per month, the legend, and what it means in words."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget

from store import i18n
from store.i18n import N_
from store.forecast import Forecast
from store.headlines import Headline

from .bars import BarStyles, gauge_lines, headline_text, legend, week_progress, wrap


class RevenueGauge(Widget, can_focus=True):
    """Secured revenue (█), weighted pipeline on top of it (▒) and what is missing (░)
    against the target (│), one line per month of the horizon; then the headlines
    (cliff, prospecting deadline, prospecting plan, natural-network share), the plan's
    sentence under a bar of the week's new leads against its quota (the headlines given
    are the brief ones, whose plan sentence leaves that count to the bar)."""

    BINDINGS = [Binding("enter", "select", N_("Month by month"), show=False, id="gauge.open")]

    class Selected(Message):
        """``enter`` on the gauge: the user wants the month-by-month detail."""

        def __init__(self, gauge: "RevenueGauge"):
            super().__init__()
            self.gauge = gauge

        @property
        def control(self) -> "RevenueGauge":
            return self.gauge

    COMPONENT_CLASSES = {
        "gauge--secured", "gauge--pipeline", "gauge--missing", "gauge--target",
        "gauge--short", "gauge--muted", "gauge--alert", "gauge--warning",
    }

    DEFAULT_CSS = """
    RevenueGauge {
        height: auto;
        padding: 0 1;
    }
    RevenueGauge > .gauge--secured { color: $success; }
    RevenueGauge > .gauge--pipeline { color: $warning; }
    RevenueGauge > .gauge--missing { color: $foreground-darken-3; }
    RevenueGauge > .gauge--target { color: $foreground; text-style: bold; }
    RevenueGauge > .gauge--short { color: $error; text-style: bold; }
    RevenueGauge > .gauge--muted { color: $text-muted; }
    RevenueGauge > .gauge--alert { color: $error; text-style: bold; }
    RevenueGauge > .gauge--warning { color: $warning; }
    """

    def __init__(self, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.forecast: Forecast | None = None
        self.headlines: list[Headline] = []
        self.net = False

    def show(self, forecast: Forecast, headlines: list[Headline], net: bool = False) -> None:
        self.forecast = forecast
        self.headlines = headlines
        self.net = net
        # (the lines are made again: a forecast shown while the pane was hidden left the
        # cache keyed on an older one's id, which a newer forecast may be given again)
        self._lines_key = None
        self.refresh(layout=True)

    def action_select(self) -> None:
        self.post_message(self.Selected(self))

    def styles_for_bars(self) -> BarStyles:
        style = self.get_component_rich_style
        return BarStyles(
            secured=style("gauge--secured"), pipeline=style("gauge--pipeline"), missing=style("gauge--missing"),
            target=style("gauge--target"), short=style("gauge--short"), muted=style("gauge--muted"),
            alert=style("gauge--alert"), warning=style("gauge--warning"), info="",
        )

    def lines(self, width: int) -> list[Text]:
        """The gauge's lines at ``width``; kept until the forecast, the width, the theme or
        the language change."""
        if self.forecast is None or width <= 0:
            return []
        key = (id(self.forecast), width, self.net, self.app.theme, i18n.generation())
        if getattr(self, "_lines_key", None) == key:
            return self._lines
        self._lines_key = key
        self._lines = self._make_lines(width)
        return self._lines

    def _make_lines(self, width: int) -> list[Text]:
        styles = self.styles_for_bars()
        lines = gauge_lines(self.forecast, width, self.net, styles)
        lines.extend(legend(self.forecast, self.net, styles, width))
        if self.headlines:
            lines.append(Text(""))
        for headline in self.headlines:
            if headline.key == "plan" and (progress := week_progress(self.forecast, styles)) is not None:
                lines.extend(wrap(progress, width))
            lines.extend(wrap(headline_text(headline, styles), width))
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.lines(width)))

    def render(self) -> Text:
        return Text("\n").join(self.lines(self.content_size.width))

    def plain_lines(self) -> list[str]:
        """What the gauge shows, as plain text (tests, screen readers)."""
        return [line.plain for line in self.lines(self.content_size.width)]
