"""The relance App and its factory ``make_app``, used by the CLI, the tests and the benchmarks.

The App owns what crosses screens: its life (start-up, signals, leaving), the data file
kept in step with other sessions, the command palette and the theme. The record flows
(forms, saves in a worker, undo, reviews, settings) are ``RecordFlows``, mixed in from
tui/flows.py; what leans on Textual's insides to save time is in tui/tuning.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from store.errors import RelanceError
from store.i18n import N_, _, set_language
from store.models import kind_name
from store.paths import themes_dir
from store.repository import Repository
from themes import DEFAULT_THEME, THEMES, register_themes, register_user_themes

from . import tuning
from .dashboard import DashboardScreen, short_path
from .flows import RecordFlows, UndoEntry
from .preferences import Preferences
from .textual_texts import TextualTexts
from .typeahead import KeyGate

# The other screens (forms, detail, review, month by month, help) are imported when first
# opened: the first paint does not wait for them (~15 ms of imports, Textual's included).

__all__ = ["RelanceApp", "make_app", "short_path"]


class RelanceApp(TextualTexts, RecordFlows, Preferences, App[None]):
    """One screen, four panes, each reachable by one key."""

    # all of it here: a screen's own CSS_PATH makes Textual parse every stylesheet again
    # when the screen is first shown (~20 ms of the start-up for the dashboard's)
    CSS_PATH = ["app.tcss", "dashboard.tcss", "forms.tcss"]
    TITLE = "relance"
    BINDINGS = [
        # as in every terminal program: the shell's fg brings relance back, redrawn (the
        # terminal is in raw mode, so ctrl+z arrives as a key, not as a signal). A priority:
        # also over a form or any other modal screen, whose binding chain ends before the App's
        Binding("ctrl+z", "suspend_process", N_("suspend to the shell (fg comes back)"), id="app.suspend",
                show=False, priority=True),
    ]

    def __init__(self, repository: Repository, demo: bool = False, offer_reviews: bool = True):
        super().__init__()
        self.repository = repository
        self.demo = demo
        #: at start-up, offer once to review the missions that ended without one
        self.offer_reviews = offer_reviews
        #: set by q: the keys still queued behind it are ignored
        self.quitting = False
        #: run before the process ends on a hang-up (the demo's temporary folder)
        self.exit_hooks: list[Callable[[], None]] = []
        self._syncing = False
        self._drawn_generation = repository.generation
        #: the file version that could not be read: not retried (nor reported) until it changes
        self._bad_key = None
        self.undo_stack: list[UndoEntry] = []
        self._undo_stamp = repository.stamp
        #: when a key was last pressed or the mouse used (full collections wait for a rest)
        self.last_input = time.monotonic()
        #: when the app was made: a key or the mouse since means the user is at work
        self.opened_at = self.last_input
        self._collect_timer = None
        self._theme_ready = False
        #: keys typed ahead wait their turn (tui/typeahead.py)
        self.key_gate = KeyGate(self)
        tuning.read_glued_escapes_apart()
        # (the config file's language, else the settings', else the environment's)
        set_language(repository.settings().language)
        # The theme is set before the first CSS parse (see tuning.set_theme_before_css).
        register_themes(self)
        #: the person's own themes (README, "Your own themes"), registered before the
        #: wanted theme is looked up: it may be one of them
        self.user_themes, self._theme_problems = register_user_themes(self, themes_dir())
        wanted = self.start_preferences() or DEFAULT_THEME
        wanted = wanted if wanted in self.available_themes else DEFAULT_THEME
        if not tuning.set_theme_before_css(self, wanted):
            self.theme = wanted

    def get_theme(self, theme_name: str):
        theme = tuning.registered_theme(self, theme_name)  # (without Textual's copy of them all)
        return theme if theme is not None else super().get_theme(theme_name)

    def on_mount(self) -> None:
        self._theme_ready = True
        self.mount_preferences()
        self.push_screen(DashboardScreen(self.repository, demo=self.demo))
        ready_file = os.environ.get("RELANCE_READY_FILE")
        if ready_file:  # benchmarks/: when the dashboard is painted with the data
            self.call_after_refresh(self._report_ready, ready_file)
        if self.repository.migrated:
            old, new, backup = self.repository.migrated
            self.notify(_("Your data file was migrated from schema {old} to {new}; the previous version is kept in {backup}.").format(
                old=old, new=new, backup=backup), timeout=10)
        elif self.repository.unmigrated:
            from .cli_commands import unmigrated_text

            self.notify(unmigrated_text(self.repository), severity="warning", timeout=15)
        self.set_interval(self.SYNC_SECONDS, self.poll_file)
        self.catch_signals()
        if self._theme_problems:  # (markup=False: the lines quote the files)
            self.notify(self._theme_problems, severity="warning", timeout=20, markup=False)
        named, where = self.configured_theme()
        if named and named != self.theme:  # not known here: the default was taken
            self.unknown_theme_notice(named, where)
        self.call_after_refresh(self.check_whole_file)
        if self.repository.is_empty() and not self.demo:
            self.call_after_refresh(self.onboard)
        elif self.offer_reviews:
            self.call_after_refresh(self.offer_due_reviews)

    # a dropped connection (SIGHUP) or a kill (SIGTERM) ----------------------------------------------

    def catch_signals(self) -> None:
        """Save what is pending and leave cleanly on SIGHUP and SIGTERM (the default would
        kill relance at once: the form being typed lost, and over a live terminal, mouse
        reporting left on in the shell)."""
        if threading.current_thread() is not threading.main_thread():
            return
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(sig, lambda sig=sig: self.call_later(self.leave_on_signal, sig))

    def on_unmount(self) -> None:
        tuning.default_collections()
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(Exception):
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGHUP, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

    async def leave_on_signal(self, sig: int) -> None:
        if self.quitting:
            return
        self.quitting = True
        with contextlib.suppress(Exception):
            self.save_pending()
            await asyncio.wait_for(self.workers.wait_for_complete(), timeout=5)
        if sig == signal.SIGHUP:
            # The terminal is gone: Textual's shutdown would block writing to it. The data
            # is on disk; restore what can be restored and end the process here.
            tuning.restore_terminal(self)
            for hook in self.exit_hooks:
                with contextlib.suppress(Exception):
                    hook()
            os._exit(128 + sig)
        self.exit(return_code=128 + sig)

    @work(thread=True, group="load")
    def check_whole_file(self) -> None:
        """After the first paint: check the kinds the first screen did not need (the
        interactions, not kept: see ``Repository.check_unbuilt``), so that a damaged record
        anywhere is reported now."""
        try:
            self.repository.check_unbuilt()
            self.repository.prepare_writes()
        except RelanceError as err:
            self.call_from_thread(self.say_damaged, err, 30)
        finally:
            # what was loaded stays out of the collector's full passes (at 10,000 contacts
            # each walked ~0.5 million objects, ~60 ms in the middle of a save), and the
            # collector, off for the start-up (tui/cli_commands.py: run_dashboard), is on again
            gc.freeze()
            tuning.collect_at_rest_only()
            gc.enable()
            tuning.return_freed_memory()  # (the interactions checked, let go)

    # other sessions on the same file ------------------------------------------------------------

    #: how often the data file is looked at (one stat; parsed only when it changed)
    SYNC_SECONDS = 1.0

    def poll_file(self) -> None:
        if gc.get_count()[2] and time.monotonic() - self.last_input >= self.REST_SECONDS:
            gc.collect()  # objects reached the oldest generation since the last full pass
        self.poll_config()
        if self.repository.new_day():  # left open past midnight: due, late and the months moved
            self.dashboard.new_day()
            self.refresh_views()
        if self._syncing:
            return
        key = self.repository.changed_on_disk()
        if key is None:
            if self.repository.generation != self._drawn_generation:
                self.synced()  # another read (any view) already picked the change up
            return
        if key == self._bad_key:
            return
        self._syncing = True
        self.sync_from_disk(key)

    @work(thread=True, group="sync")
    def sync_from_disk(self, key) -> None:
        """Another session wrote the file: read it (off the event loop), then redraw in place."""
        try:
            self.repository.reload()
        except RelanceError as err:
            self._bad_key = key
            self.call_from_thread(self.notify, str(err), title=_("Cannot read the data file"), severity="error", timeout=10)
            return
        finally:
            self._syncing = False
            tuning.return_freed_memory()  # (the version replaced, and a refused one, freed)
        if self.repository.generation != self._drawn_generation:
            self.call_from_thread(self.synced)

    def synced(self) -> None:
        """Redraw every view from the new data; cursors stay on their records, open forms are left alone."""
        self.refresh_views()
        self.notify(_("Updated with changes saved in another session."), timeout=2)

    # the garbage collector, kept out of the frames that answer a key -------------------------------

    #: a full collection waits until no key was pressed for this long
    REST_SECONDS = 0.3

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.last_input = time.monotonic()
        if self.key_gate.offer(event):
            return  # typed ahead: dispatched when what the keys before it started is done
        await super().on_event(event)

    def release_closed_screens(self) -> None:
        """Free what a closed screen (a form, a detail...) left behind, once the keyboard
        rests: not in the middle of the frames that answer the next keys.

        Textual's style caches keep closed forms' widgets alive (after fifteen saves the
        next frame took 100 ms instead of 20: ``tuning.release_style_caches``). And a closed form leaves ~20,000 objects in
        reference cycles that only a full collection frees (15-80 ms): run by Python on
        its own, it fell in the frame drawn after a save one time in four."""
        if self._collect_timer is not None:
            return  # one is already waiting
        rested = time.monotonic() - self.last_input
        if rested < self.REST_SECONDS:
            def again() -> None:
                self._collect_timer = None
                self.release_closed_screens()

            self._collect_timer = self.set_timer(self.REST_SECONDS - rested, again)
            return
        tuning.release_style_caches()
        gc.collect()

    def _report_ready(self, path: str) -> None:
        import time

        with open(path, "w", encoding="utf-8") as handle:
            handle.write(repr(time.monotonic()))
        if os.environ.get("RELANCE_EXIT_WHEN_READY"):
            self.exit()

    # theme -----------------------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if self._theme_ready:
            self.save_theme(theme)  # (in the config file: tui/preferences.py)

    # help and palette ---------------------------------------------------------------------------------

    def show_help(self) -> None:
        from .contact_now import ContactNowScreen
        from .detail import DetailScreen
        from .forecast import ForecastScreen
        from .forms import RecordForm
        from .help import HelpScreen, describe
        from .review import ReviewScreen

        sections = [
            (_("Dashboard"), describe(DashboardScreen.BINDINGS)),
            (_("Forms"), describe(RecordForm.BINDINGS)),
            (_("Who to contact now"), describe(ContactNowScreen.BINDINGS)),
            (_("Record detail"), describe(DetailScreen.BINDINGS)),
            (_("Revenue gap, month by month"), describe(ForecastScreen.BINDINGS)),
            (_("Lessons-learned review"), describe(ReviewScreen.BINDINGS)),
            (_("Anywhere"), [("ctrl+p", _("command palette: every action, and the theme")), ("ctrl+q", _("quit")),
                             *describe(RelanceApp.BINDINGS)]),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from self.textual_commands(screen)  # (Textual's, in relance's language)
        if not isinstance(screen, DashboardScreen):
            return
        from .keymap import key_of

        dash = screen
        for kind, label in (("contact", _("New contact")), ("target", _("New micro-target")),
                            ("opportunity", _("New opportunity")), ("mission", _("New mission"))):
            yield SystemCommand(label, _("Open the form of a new {kind} ({key} in its pane)").format(
                                    kind=kind_name(kind), key=key_of("record.new")),
                                lambda kind=kind: self.new_record(kind))
        # ("a new time off" does not read: its own words)
        yield SystemCommand(_("New time off"), _("Open the form of a period you will not bill (holidays, training)"),
                            lambda: self.new_record("time_off"))
        for key, label in (("network", _("Network")), ("targets", _("Targets")), ("missions", _("Missions")),
                           ("revenue", _("Revenue gap"))):
            yield SystemCommand(_("Go to {pane}").format(pane=label), _("Focus the {pane} pane ({key})").format(
                                    pane=label, key=key_of(f"pane.{key}")),
                                lambda key=key: dash.action_focus_pane(key))
        yield SystemCommand(_("Time off"), _("The periods you do not bill, under the missions ({pane}, then {key})").format(
                                pane=key_of("pane.missions"), key=key_of("pane.next")),
                            dash.focus_time_off)
        yield SystemCommand(_("Edit the selected record"), _("Open its form ({key})").format(key=key_of("record.edit")), dash.action_edit)
        yield SystemCommand(_("Delete the selected record"), _("After confirmation ({key})").format(key=key_of("record.delete")), dash.action_delete)
        yield SystemCommand(_("Undo"), _("Undo the last delete or edit ({key})").format(key=key_of("record.undo")), dash.action_undo)
        yield SystemCommand(_("Filter the pane"), _("Filter the focused pane as you type ({key})").format(key=key_of("pane.filter")), dash.action_filter)
        yield SystemCommand(_("Maximise or restore the pane"), "({key})".format(key=key_of("pane.maximize")), dash.action_maximize)
        yield SystemCommand(_("Log an interaction"), _("With the selected contact ({key})").format(key=key_of("contact.log")), dash.action_log)
        yield SystemCommand(_("Who to contact now"),
                            _("Follow-ups due, recommendations to ask, the natural network gone quiet ({key})").format(
                                key=key_of("contact.now")),
                            self.open_contact_now)
        yield SystemCommand(_("End the mission"), _("End the selected mission, then review it ({key})").format(key=key_of("mission.end")), dash.action_end_mission)
        yield SystemCommand(_("Review the mission"), _("The lessons-learned review of the selected mission, or of the first one due ({key})").format(
                                key=key_of("mission.review")),
                            dash.action_review)
        yield SystemCommand(_("Next stage"), _("Move the selected opportunity on ({key})").format(key=key_of("opportunity.next_stage")), lambda: dash.action_stage(1))
        yield SystemCommand(_("Previous stage"), _("Move the selected opportunity back ({key})").format(key=key_of("opportunity.previous_stage")), lambda: dash.action_stage(-1))
        yield SystemCommand(_("Revenue gap, month by month"), _("The figures, what closes each gap, net income ({key} on {pane})").format(
                                key=key_of("gauge.open"), pane=key_of("pane.revenue")),
                            self.open_forecast)
        yield SystemCommand(_("Import contacts from a file"),
                            _("LinkedIn's Connections.csv, a vCard file or a CSV: preview, then one write ({key})").format(
                                key=key_of("import")),
                            self.open_import)
        yield SystemCommand(_("Settings"), _("Monthly target, daily rate, country, horizon ({key})").format(key=key_of("settings")), self.open_settings)
        yield SystemCommand(_("Help"), _("Every key ({key})").format(key=key_of("help")), self.show_help)
        from store import config

        from .forms import language_options

        saved_in = (_("Speak this language from now on (saved in your config file)")
                    if config.current().sources["language"][0] != config.DEFAULT
                    else _("Speak this language from now on (saved in the settings)"))

        for label, code in language_options():
            yield SystemCommand(_("Language: {name}").format(name=label),
                                saved_in,
                                lambda code=code: self.switch_language(code))
        for name in [*sorted(theme.name for theme in THEMES), *self.user_themes]:  # (not Textual's dozens)
            yield SystemCommand(_("Theme: {name}").format(name=name), _("Switch to this theme (saved in your config file)"),
                                lambda name=name: setattr(self, "theme", name))


def make_app(repository: Repository | str | Path, demo: bool = False, today=None, offer_reviews: bool = True) -> RelanceApp:
    """Build the App on a repository, or on a data file path.

    ``offer_reviews=False`` skips the start-up offer to review ended missions
    (tests of other flows start on the dashboard itself).
    """
    if not isinstance(repository, Repository):
        repository = Repository(repository, today=today)
    # a dashboard lives on: old backups are pruned beside its saves, not in them
    repository.storage.backups.background = True
    return RelanceApp(repository, demo=demo, offer_reviews=offer_reviews)
