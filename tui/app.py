"""The relance App and its factory ``make_app``, used by the CLI, the tests and the benchmarks."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.widgets import Footer, Static

from store.i18n import _
from store.repository import Repository
from themes import DEFAULT_THEME, register_themes

from .panes import PANES, Pane


def short_path(path: Path, width: int) -> str:
    """``path`` with the home folder as ``~`` and, if still too wide, its middle elided."""
    text = str(path)
    home = str(Path.home())
    if home != "/" and text.startswith(home + "/"):
        text = "~" + text[len(home):]
    if len(text) <= width or width < 12:
        return text
    keep = width - 1
    head = keep // 3
    return text[:head] + "…" + text[len(text) - (keep - head):]


class WhereLine(Static):
    """Which data file is open: always in sight, shortened to fit."""

    def __init__(self, path: Path, demo: bool, id: str | None = None):
        super().__init__(id=id)
        self.path = path
        self.demo = demo

    def render(self) -> str:
        label = _("Demo (a temporary copy):") if self.demo else _("Data:")
        room = max(12, self.size.width - len(label) - 3)
        return f"{label} {short_path(self.path, room)}"


class RelanceApp(App[None]):
    """One screen, four panes, each reachable by one key."""

    CSS_PATH = "app.tcss"
    TITLE = "relance"
    BINDINGS = [
        Binding("1", "focus_pane('network')", _("Network"), id="pane.network"),
        Binding("2", "focus_pane('targets')", _("Targets"), id="pane.targets"),
        Binding("3", "focus_pane('missions')", _("Missions"), id="pane.missions"),
        Binding("4", "focus_pane('revenue')", _("Revenue gap"), id="pane.revenue"),
        Binding("q", "quit", _("Quit"), id="quit"),
    ]

    def __init__(self, repository: Repository, demo: bool = False):
        super().__init__()
        self.repository = repository
        self.demo = demo

    def on_mount(self) -> None:
        register_themes(self)
        wanted = self.repository.settings().theme or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        self.query_one("#pane-network", Pane).focus()

    def compose(self) -> ComposeResult:
        yield WhereLine(self.repository.path, self.demo, id="where")
        with Container(id="panes"):
            for pane in PANES:
                yield pane(self.repository, id=f"pane-{pane.KEY}")
        yield Footer()

    def action_focus_pane(self, key: str) -> None:
        self.query_one(f"#pane-{key}", Pane).focus()


def make_app(repository: Repository | str | Path, demo: bool = False, today=None) -> RelanceApp:
    """Build the App on a repository, or on a data file path."""
    if not isinstance(repository, Repository):
        repository = Repository(repository, today=today)
    return RelanceApp(repository, demo=demo)
