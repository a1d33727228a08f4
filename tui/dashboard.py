"""The dashboard screen: four panes and every key that acts on them."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.screen import Screen
from textual.widgets import Static

from store.i18n import N_, _
from store.models import Opportunity
from store.rules import missions_due_review, stage_step

from widgets import KeyBar, RecordTable, RevenueGauge

from .missions_pane import MissionsPane
from .panes import FilterInput, NetworkPane, Pane, RevenuePane
from .screens import RelanceScreen
from .targets_pane import TargetsPane

PANES: tuple[type[Pane], ...] = (NetworkPane, TargetsPane, MissionsPane, RevenuePane)


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


class DashboardScreen(RelanceScreen, Screen):
    BINDINGS = [
        Binding("1", "focus_pane('network')", N_("Network"), show=False, id="pane.network"),
        Binding("2", "focus_pane('targets')", N_("Targets"), show=False, id="pane.targets"),
        Binding("3", "focus_pane('missions')", N_("Missions"), show=False, id="pane.missions"),
        Binding("4", "focus_pane('revenue')", N_("Revenue gap"), show=False, id="pane.revenue"),
        Binding("tab", "cycle(1)", N_("Next pane"), show=False, id="pane.next"),
        Binding("shift+tab", "cycle(-1)", N_("Previous pane"), show=False, id="pane.previous"),
        Binding("n", "new", N_("New"), id="record.new"),
        Binding("e", "edit", N_("Edit"), id="record.edit"),
        Binding("d", "delete", N_("Delete"), id="record.delete"),
        Binding("u", "undo", N_("Undo"), show=False, id="record.undo"),
        Binding("slash", "filter", N_("Filter"), id="pane.filter"),
        Binding("escape", "clear_filter", N_("Clear filter"), show=False, id="pane.clear_filter"),
        Binding("a", "maximize", N_("Maximise"), id="pane.maximize"),
        Binding("a", "restore", N_("Restore"), id="pane.restore"),  # (in the maximised view, instead)
        Binding("l", "log", N_("Log interaction"), show=False, id="contact.log"),
        Binding("c", "contact_now", N_("Who to contact now"), show=False, id="contact.now"),
        Binding("greater_than_sign", "stage(1)", N_("Next stage"), show=False, id="opportunity.next_stage"),
        Binding("less_than_sign", "stage(-1)", N_("Previous stage"), show=False, id="opportunity.previous_stage"),
        Binding("x", "end_mission", N_("End the mission, then review it"), show=False, id="mission.end"),
        Binding("r", "review", N_("Lessons-learned review of the mission"), show=False, id="mission.review"),
        Binding("s", "settings", N_("Settings"), show=False, id="settings"),
        Binding("i", "import_contacts", N_("Import contacts from a file"), show=False, id="import"),
        Binding("question_mark", "help", N_("Help"), id="help"),
        Binding("q", "quit", N_("Quit"), id="quit"),
    ]

    def __init__(self, repository, demo: bool = False):
        super().__init__()
        self.repository = repository
        self.demo = demo

    def compose(self) -> ComposeResult:
        yield WhereLine(self.repository.path, self.demo, id="where")
        yield Static("", id="tabs")
        with Container(id="panes"):
            for pane in PANES:
                yield pane(self.repository, id=f"pane-{pane.KEY}")
        yield KeyBar()

    #: below this width one pane is shown at a time (1-4 switch); above, the 2x2 grid
    NARROW = 110

    def on_mount(self) -> None:
        network = self.pane("network")
        network.add_class("current")
        self.update_tabs(network)
        network.focus_main()
        self.set_class(self.size.width < self.NARROW, "narrow")

    def on_resize(self, event) -> None:
        self.set_class(event.size.width < self.NARROW, "narrow")

    def on_screen_resume(self) -> None:
        # a screen above was closed: free what it left once this one is drawn again and
        # the keyboard rests
        self.set_timer(0.2, self.relance.release_closed_screens)

    def on_descendant_focus(self, event) -> None:
        node = event.widget
        while node is not None and not isinstance(node, Pane):
            node = node.parent
        if isinstance(node, Pane):
            for pane in self.query(Pane):
                pane.set_class(pane is node, "current")
            self.update_tabs(node)

    def update_tabs(self, current: Pane) -> None:
        """In narrow mode, the line that says which pane is shown and how to reach the others."""
        from rich.text import Text

        tabs = Text(" ")
        for pane in self.query(Pane):
            label = f" {pane.key_label()} {_(pane.TITLE)} "
            tabs.append(label, style="reverse bold" if pane is current else "")
            tabs.append(" ")
        self.query_one("#tabs", Static).update(tabs)

    def retranslate(self) -> None:
        """The language changed (the settings were saved): everything drawn again in it at
        once, the panes, the tabs, the data file's line and the key bar."""
        for pane in self.query(Pane):
            pane.retranslate()
        self.update_tabs(self.current_pane())
        self.query_one(WhereLine).refresh()
        self.query_one(KeyBar).refresh()

    # panes ------------------------------------------------------------------------------

    def pane(self, key: str) -> Pane:
        return self.query_one(f"#pane-{key}", Pane)

    def current_pane(self) -> Pane:
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent
        return node if isinstance(node, Pane) else self.pane("network")

    def reload(self, select: tuple[str, str] | None = None) -> None:
        """Reload every pane from the repository, keeping each cursor (or moving to ``select``)."""
        kind, uid = select if select else (None, None)
        for pane in self.query(Pane):
            keep = uid if kind == pane.KIND and not isinstance(pane, RevenuePane) else None
            pane.reload(keep=keep)
            if kind is not None and kind == pane.SECOND_KIND:  # (an opportunity, a time off)
                pane.reload_second(keep=uid)

    def new_day(self) -> None:
        """The date changed while the dashboard was open: the next reload makes every pane
        again from it (order, counts and rows all depend on today)."""
        for pane in self.query(Pane):
            pane.forget()

    def action_focus_pane(self, key: str) -> None:
        if self.maximized is not None:
            self.minimize()
        self.pane(key).focus_main()

    def focus_time_off(self) -> None:
        """The time-off table under the missions (the palette's "Time off")."""
        self.action_focus_pane("missions")
        self.query_one("#timeoff-table").focus()

    #: the lists that tab and shift+tab walk through, in reading order
    CYCLE = ("network-table", "targets-table", "opps-table", "missions-table", "timeoff-table", "revenue-gauge")

    def action_cycle(self, step: int) -> None:
        current = self.focused.id if self.focused is not None else None
        index = self.CYCLE.index(current) if current in self.CYCLE else -step
        target = self.CYCLE[(index + step) % len(self.CYCLE)]
        if self.maximized is not None:
            self.minimize()
        self.query_one(f"#{target}").focus()

    #: the key bar stays in the maximised view: it says how to come back
    ALLOW_IN_MAXIMIZED_VIEW = "KeyBar"

    def action_maximize(self) -> None:
        if self.maximized is not None:
            self.action_restore()
        else:
            self.maximize(self.current_pane(), container=False)

    def action_restore(self) -> None:
        if self.maximized is not None:
            self.minimize()
            self.current_pane().focus_main()

    def watch_maximized(self) -> None:
        self.refresh_bindings()  # "a Maximise" becomes "a Restore", and back

    def action_filter(self) -> None:
        self.current_pane().open_filter()

    def action_clear_filter(self) -> None:
        pane = self.current_pane()
        if pane.filter_text or isinstance(self.focused, FilterInput):
            pane.close_filter(clear=True)
        elif self.maximized is not None:
            self.minimize()

    def on_record_table_row_selected(self, event: RecordTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def on_revenue_gauge_selected(self, event: RevenueGauge.Selected) -> None:
        event.stop()
        self.action_open()

    # records ----------------------------------------------------------------------------

    def selection(self) -> tuple[str, str | None]:
        return self.current_pane().selection()

    def action_open(self) -> None:
        kind, uid = self.selection()
        if kind == "forecast":
            self.relance.open_forecast()
        elif uid:
            self.relance.open_detail(kind, uid)

    def action_new(self) -> None:
        kind, _uid = self.selection()
        preset = {}
        if kind == "forecast":
            kind = "mission"
        if kind == "opportunity" or (kind == "target" and isinstance(self.focused, RecordTable) and self.focused.id == "opps-table"):
            kind = "opportunity"
            # a lead typed under a micro-target lands in it (under "Without a micro-target": in none)
            targets = self.pane("targets")
            target = targets.selected_target() if isinstance(targets, TargetsPane) else None
            if target is not None:
                preset["target_uid"] = target.uid
        self.relance.new_record(kind, preset)

    def action_edit(self) -> None:
        kind, uid = self.selection()
        if kind == "forecast":
            self.relance.open_settings()
        elif uid:
            self.relance.edit_record(kind, uid)
        else:
            self.notify(self.current_pane().not_a_record() or _("Nothing is selected."), severity="warning")

    def action_delete(self) -> None:
        kind, uid = self.selection()
        if kind == "forecast" or not uid:
            self.notify(self.current_pane().not_a_record() or _("Nothing to delete here."), severity="warning")
            return
        self.relance.delete_record(kind, uid)

    def action_undo(self) -> None:
        self.relance.undo()

    def action_log(self) -> None:
        kind, uid = self.selection()
        if kind == "contact" and uid:
            self.relance.log_interaction(uid)
        else:
            self.notify(_("Select a contact in the Network pane (1) to log an interaction."), severity="warning")

    def action_contact_now(self) -> None:
        self.relance.open_contact_now()

    def action_stage(self, step: int) -> None:
        kind, uid = self.selection()
        if kind != "opportunity" or not uid:
            self.notify(_("Select an opportunity (2, then tab to the opportunities) to move its stage."),
                        severity="warning")
            return
        opportunity: Opportunity = self.repository.get("opportunity", uid)  # type: ignore[assignment]
        if opportunity.stage == "lost":
            self.notify(_("This opportunity is lost; edit it (e) to reopen it."), severity="warning")
            return
        stage = stage_step(opportunity.stage, step)
        if stage is not None:
            self.relance.move_stage(opportunity, stage)

    def action_end_mission(self) -> None:
        kind, uid = self.selection()
        if kind != "mission" or not uid:
            self.notify(_("Select a mission (3) to end it."), severity="warning")
            return
        self.relance.end_mission(uid)

    def action_review(self) -> None:
        """The selected mission's review; elsewhere, the first one due."""
        kind, uid = self.selection()
        if kind != "mission" or not uid:
            due = missions_due_review(self.repository)
            if not due:
                self.notify(_("No review is due. Select a mission (3) to review it."), severity="warning")
                return
            uid = due[0].uid
        self.relance.open_review(uid)

    def action_settings(self) -> None:
        self.relance.open_settings()

    def action_import_contacts(self) -> None:
        self.relance.open_import()

    def action_help(self) -> None:
        self.relance.show_help()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # keys typed after q (a burst of keys in one read) must not open screens on the way out
        if self.relance.quitting:
            return False
        if action in ("maximize", "restore"):  # one of the two, as the view is
            return (action == "restore") == (self.maximized is not None)
        return True

    async def action_quit(self) -> None:
        self.relance.quitting = True
        await self.app.action_quit()
