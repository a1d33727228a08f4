"""The relance App and its factory ``make_app``, used by the CLI, the tests and the benchmarks.

The App owns what crosses screens: saving (always in a worker thread, so the
UI never waits for fsync), the undo stack, the command palette and the theme.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.screen import Screen

from store import fmt
from store.errors import ConflictError, RelanceError
from store.i18n import _, ngettext, set_language
from store.models import Record, kind_name
from store.repository import Repository
from store.rules import mission_from_opportunity, missions_due_review, stage_change
from themes import DEFAULT_THEME, register_themes

from .dashboard import DashboardScreen, short_path

if TYPE_CHECKING:
    from .forms import RecordForm

# The other screens (forms, detail, review, month by month, help) are imported when first
# opened: the first paint does not wait for them (~15 ms of imports, Textual's included).

__all__ = ["RelanceApp", "make_app", "short_path"]


DEFAULT_GC_THRESHOLDS = gc.get_threshold()


def collect_at_rest_only() -> None:
    """Young objects are collected as usual (well under a millisecond a pass); full
    collections, which walk every object made since the data was frozen, wait for the
    app to call them when the keyboard rests (``release_closed_screens``, the file
    poll). Python's own remains as a backstop, after ~1,000 young passes instead of 10."""
    young, middle, _old = DEFAULT_GC_THRESHOLDS
    gc.set_threshold(young, middle, 1000)


@dataclass
class UndoEntry:
    description: str
    #: the version(s) to put back: one record, or a contact and its interactions
    before: Record | list[Record]


class RelanceApp(App[None]):
    """One screen, four panes, each reachable by one key."""

    # all of it here: a screen's own CSS_PATH makes Textual parse every stylesheet again
    # when the screen is first shown (~20 ms of the start-up for the dashboard's)
    CSS_PATH = ["app.tcss", "dashboard.tcss", "forms.tcss"]
    TITLE = "relance"

    def __init__(self, repository: Repository, demo: bool = False, offer_reviews: bool = True):
        super().__init__()
        self.repository = repository
        self.demo = demo
        #: at start-up, offer once to review the missions that ended without one
        self.offer_reviews = offer_reviews
        #: set by q: the keys still queued behind it are ignored
        self.quitting = False
        self._syncing = False
        #: the data version the views were last drawn from
        self._drawn_generation = repository.generation
        #: the file version that could not be read: not retried (nor reported) until it changes
        self._bad_key = None
        self.undo_stack: list[UndoEntry] = []
        #: when a key was last pressed or the mouse used (full collections wait for a rest)
        self.last_input = time.monotonic()
        self._collect_timer = None
        self._theme_ready = False
        set_language(repository.settings().language)  # ("" follows the environment)
        # The theme is set before the first CSS parse. Setting it the usual way queues a
        # parse of every stylesheet again (~15 ms of each start); a dark theme, like the
        # default one Textual set up in __init__, needs only its name and its colours.
        register_themes(self)
        wanted = repository.settings().theme or DEFAULT_THEME
        wanted = wanted if wanted in self.available_themes else DEFAULT_THEME
        if self.available_themes[wanted].dark and self.current_theme.dark:
            self.set_reactive(App.theme, wanted)
            self.set_class(True, f"-theme-{wanted}", update=False)
            self.stylesheet.set_variables(self.get_css_variables())  # (nothing is parsed yet)
        else:
            self.theme = wanted

    def get_theme(self, theme_name: str):
        # Textual copies every registered theme into a new dict at each call, and calls it
        # for each widget at each redraw (the dark/light pseudo-classes): ~4 ms a frame
        theme = self._registered_themes.get(theme_name)
        return theme if theme is not None else super().get_theme(theme_name)

    def on_mount(self) -> None:
        self._theme_ready = True
        self.push_screen(DashboardScreen(self.repository, demo=self.demo))
        ready_file = os.environ.get("RELANCE_READY_FILE")
        if ready_file:  # benchmarks/: when the dashboard is painted with the data
            self.call_after_refresh(self._report_ready, ready_file)
        if self.repository.migrated:
            old, new, backup = self.repository.migrated
            self.notify(_("Your data file was migrated from schema {old} to {new}; the previous version is kept in {backup}.").format(
                old=old, new=new, backup=backup), timeout=10)
        self.set_interval(self.SYNC_SECONDS, self.poll_file)
        self.catch_signals()
        named = self.repository.settings().theme
        if named and named != self.theme:  # not known here: the default was taken
            self.notify(_("The theme {name!r} of your settings is not one relance knows: {used} is used. "
                          "ctrl+p, then “theme”, to choose one.").format(name=named, used=self.theme), timeout=10)
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
        gc.set_threshold(*DEFAULT_GC_THRESHOLDS)
        if threading.current_thread() is threading.main_thread():
            with contextlib.suppress(Exception):
                loop = asyncio.get_running_loop()
                for sig in (signal.SIGHUP, signal.SIGTERM):
                    loop.remove_signal_handler(sig)

    #: run before the process ends on a hang-up (the demo's temporary folder)
    exit_hooks: list[Callable[[], None]]

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
            self._restore_terminal()
            for hook in getattr(self, "exit_hooks", []):
                with contextlib.suppress(Exception):
                    hook()
            os._exit(128 + sig)
        self.exit(return_code=128 + sig)

    def _restore_terminal(self) -> None:
        """Best effort, for a SIGHUP sent to a live terminal: mouse reporting, the alternate
        screen and the cursor back to normal, the terminal modes as they were."""
        import termios

        with contextlib.suppress(Exception):
            fd = sys.__stderr__.fileno()
            os.set_blocking(fd, False)
            os.write(fd, b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?1004l\x1b[?1049l\x1b[?25h")
        with contextlib.suppress(Exception):
            attrs = getattr(self._driver, "attrs_before", None)
            if attrs is not None:
                termios.tcsetattr(sys.__stdin__.fileno(), termios.TCSANOW, attrs)

    def save_pending(self) -> None:
        """What the user typed and did not save yet: the review's draft, an open form's
        valid changes (saved as ctrl+s would; an invalid form cannot be). Done here and now,
        without drawing anything: after a hang-up, drawing would block on the dead terminal."""
        from .forms import RecordForm
        from .review import ReviewScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReviewScreen):
                from store.review import save_draft

                screen.collect()
                save_draft(self.repository, screen.draft)
                return
            if isinstance(screen, RecordForm):
                save_now = getattr(screen, "save_now", None)
                if save_now is None or screen.values() == screen.initial:
                    return
                values = screen.values()
                try:
                    self.repository.build(screen.kind, dict(values), base=screen.base)
                except RelanceError:
                    return  # not valid: nothing that can be saved
                with contextlib.suppress(RelanceError):  # e.g. changed elsewhere meanwhile: no one to ask
                    save_now(values)
                return

    def push_form(self, form: RecordForm, save: Callable[[dict], Any], finished: Callable[[Any], None],
                  failed: Callable[[RelanceError], bool] | None = None) -> None:
        """Open a form. On ctrl+s, ``save(values)`` runs in a worker while the form stays
        open; then the form closes and ``finished(result)`` redraws the views in the same
        frame (no flash of the old data, one redraw instead of two). A conflict goes to
        ``failed`` after the form closed; any other error is shown with the form still
        open, so nothing typed is lost. ``save`` is also what a hang-up runs (``save_pending``)."""
        form.save_now = save

        def done(result: Any) -> None:
            form.dismiss(None)
            finished(result)

        def not_saved(err: RelanceError) -> bool:
            if failed is not None and isinstance(err, ConflictError):
                form.dismiss(None)
                return failed(err)
            form.saving = False
            self.notify(str(err), title=_("Not saved"), severity="error", timeout=10)
            return True

        form.submit = lambda values: self.store_job(lambda: save(values), done, not_saved)
        self.push_screen(form)

    @work(thread=True, group="load")
    def check_whole_file(self) -> None:
        """After the first paint: read the kinds the first screen did not need (the
        interactions...), so that a damaged record anywhere is reported now."""
        try:
            self.repository.load_all()
            self.repository.prepare_writes()
        except RelanceError as err:
            self.call_from_thread(self.say_damaged, err, 30)
        finally:
            # what was loaded stays out of the collector's full passes (at 10,000 contacts
            # each walked ~0.5 million objects, ~60 ms in the middle of a save), and the
            # collector, off for the start-up (tui/cli.py), is on again
            gc.freeze()
            collect_at_rest_only()
            gc.enable()

    def say_damaged(self, err: RelanceError, seconds: float = 15) -> None:
        """A damaged record met while reading (it names the file, the record, the backup)."""
        self.notify(str(err), title=_("Damaged data file"), severity="error", timeout=seconds)

    # other sessions on the same file ------------------------------------------------------------

    #: how often the data file is looked at (one stat; parsed only when it changed)
    SYNC_SECONDS = 1.0

    def poll_file(self) -> None:
        if gc.get_count()[2] and time.monotonic() - self.last_input >= self.REST_SECONDS:
            gc.collect()  # objects reached the oldest generation since the last full pass
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
        if self.repository.generation != self._drawn_generation:
            self.call_from_thread(self.synced)

    def synced(self) -> None:
        """Redraw every view from the new data; cursors stay on their records, open forms are left alone."""
        self.refresh_views()
        self.notify(_("Updated with changes saved in another session."), timeout=2)

    @property
    def dashboard(self) -> DashboardScreen:
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                return screen
        raise LookupError("no dashboard")

    # saving, off the event loop ----------------------------------------------------------------

    @work(thread=True, group="store")
    def store_job(self, job: Callable[[], Any], done: Callable[[Any], None] | None = None,
                  failed: Callable[[RelanceError], bool] | None = None) -> None:
        """Run a repository change in a thread; then ``done(result)`` on the UI. An error goes
        to ``failed`` first (True: handled), else it is shown."""
        try:
            result = job()
        except RelanceError as err:
            if failed is not None and self.call_from_thread(failed, err):
                return
            self.call_from_thread(self.notify, str(err), title=_("Not saved"), severity="error", timeout=10)
            self.call_from_thread(self.refresh_views)
            return
        if done is not None:
            self.call_from_thread(done, result)

    def refresh_views(self, select: tuple[str, str] | None = None) -> None:
        from .detail import DetailScreen
        from .forecast import ForecastScreen

        self._drawn_generation = self.repository.generation
        if set_language(self.repository.settings().language):  # (saved here or in another session)
            self.dashboard.retranslate()
        self.dashboard.reload(select)
        for screen in self.screen_stack:
            if isinstance(screen, (DetailScreen, ForecastScreen)):
                screen.refresh_content()

    def after_save(self, record: Record, message: str) -> None:
        self.refresh_views((record.KIND, record.uid))
        self.notify(message, timeout=3)

    # the garbage collector, kept out of the frames that answer a key -------------------------------

    #: a full collection waits until no key was pressed for this long
    REST_SECONDS = 0.3

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):
            self.last_input = time.monotonic()
        await super().on_event(event)

    def release_closed_screens(self) -> None:
        """Free what a closed screen (a form, a detail...) left behind, once the keyboard
        rests: not in the middle of the frames that answer the next keys.

        Textual's ``StylesCache.get_inner_outer`` is an ``lru_cache`` on a method, so it
        keeps the style caches of up to 1,024 widgets alive, closed forms' included (~65
        a form): after fifteen saves the next frame took 100 ms instead of 20, the
        garbage collector walking them all. And a closed form leaves ~20,000 objects in
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
        from textual._styles_cache import StylesCache

        clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
        if clear is not None:
            clear()
        gc.collect()

    # records ------------------------------------------------------------------------------------

    def new_record(self, kind: str, preset: dict[str, Any] | None = None, done: Callable[[Record], None] | None = None) -> None:
        from .forms import RecordForm

        def finished(record: Record) -> None:
            self.after_save(record, _("Saved the {kind} {label!r}.").format(kind=kind_name(kind), label=record.label()))
            if done:
                done(record)

        self.push_form(RecordForm(self.repository, kind, preset=preset), lambda values: self.repository.add(kind, values), finished)

    def edit_record(self, kind: str, uid: str, before: Record | None = None, preset: dict[str, Any] | None = None) -> None:
        """The edit form of a record. Saving checks that nobody changed or deleted it
        meanwhile (another dashboard, ``relance add``...) and asks if so."""
        from .forms import RecordForm

        if before is None:
            before = self.repository.get(kind, uid)
        opened_on = before
        form = RecordForm(self.repository, kind, base=before, preset=preset)

        def finished(record: Record) -> None:
            self.undo_stack.append(UndoEntry(_("edit of {label!r}").format(label=opened_on.label()), opened_on))
            self.after_save(record, _("Saved {label!r} (u undoes).").format(label=record.label()))

        def failed(err: RelanceError) -> bool:
            self.resolve_conflict(kind, uid, form.submitted, opened_on, err)  # type: ignore[arg-type]
            return True

        self.push_form(form, lambda values: self.repository.update(kind, uid, values, expected=opened_on), finished, failed)

    def resolve_conflict(self, kind: str, uid: str, values: dict[str, Any], before: Record, err: ConflictError) -> None:
        """Someone else saved the record first: overwrite, take theirs, or keep editing."""
        from .forms import ConflictScreen

        current = err.current

        def chosen(choice: str | None) -> None:
            if choice == "overwrite":
                self.store_job(lambda: self.repository.update(kind, uid, values),
                               lambda record: self.after_save(record, _("Saved your version of {label!r}.").format(label=record.label())))
            elif choice == "theirs":
                self.refresh_views()
                self.edit_record(kind, uid)
            elif choice == "recreate":
                def job() -> Record:
                    record = self.repository.build(kind, values, base=before)
                    record.uid = uid
                    return self.repository.put(record)

                self.store_job(job, lambda record: self.after_save(record, _("Created {label!r} again with your changes.").format(
                    label=record.label())))
            elif choice == "discard":
                self.refresh_views()
                self.notify(_("Your changes were discarded."), timeout=3)
            else:  # keep editing: your values, checked next time against the version there now
                self.refresh_views()
                self.edit_record(kind, uid, before=current if current is not None else before, preset=values)

        self.push_screen(ConflictScreen(str(err), before, current), chosen)

    def delete_record(self, kind: str, uid: str) -> None:
        from .forms import ConfirmScreen

        try:
            record = self.repository.get(kind, uid)
            all_referrers = self.repository.referrers(kind, uid)
        except RelanceError as err:  # (a damaged record among those that could refer to it)
            self.say_damaged(err)
            return
        log = [r for r in all_referrers if kind == "contact" and r[0] == "interaction" and r[3] == "contact_uid"]
        referrers = [r for r in all_referrers if r not in log]
        if referrers:
            shown = ", ".join(f"{label}" for _k, _u, label, _f in referrers[:5])
            self.notify(
                _("{label!r} cannot be deleted: {count} record(s) refer to it ({shown}). Change or delete them first.").format(
                    label=record.label(), count=len(referrers), shown=shown),
                severity="error", timeout=8)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def finished(deleted: Record | list[Record]) -> None:
                label = record.label()
                self.undo_stack.append(UndoEntry(_("delete of {label!r}").format(label=label), deleted))
                self.refresh_views()
                self.notify(_("Deleted {label!r} (u undoes).").format(label=label), timeout=4)

            if log:
                self.store_job(lambda: self.repository.delete_contact_with_log(uid), finished)
            else:
                self.store_job(lambda: self.repository.delete(kind, uid), finished)

        question = _("Delete the {kind} {label!r}?").format(kind=kind_name(kind), label=record.label())
        detail = _("Its {count} logged interaction(s) will be deleted with it.").format(count=len(log)) if log else ""
        self.push_screen(ConfirmScreen(question, detail), answered)

    def undo(self) -> None:
        if not self.undo_stack:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        entry = self.undo_stack.pop()

        def finished(result: Record | list[Record]) -> None:
            record = result[0] if isinstance(result, list) else result
            self.after_save(record, _("Undid the {what}.").format(what=entry.description))

        def failed(err: RelanceError) -> bool:
            self.undo_stack.append(entry)  # not undone (a full disk...): u can try again
            return False  # (the reason is said as for any save)

        before = entry.before
        if isinstance(before, list):
            self.store_job(lambda: self.repository.restore(before), finished, failed)
        else:
            self.store_job(lambda: self.repository.put(before), finished, failed)

    def open_detail(self, kind: str, uid: str) -> None:
        from .detail import DetailScreen

        self.push_screen(DetailScreen(self.repository, kind, uid))

    def _report_ready(self, path: str) -> None:
        import time

        with open(path, "w", encoding="utf-8") as handle:
            handle.write(repr(time.monotonic()))
        if os.environ.get("RELANCE_EXIT_WHEN_READY"):
            self.exit()

    # the lessons-learned review ---------------------------------------------------------------

    def offer_due_reviews(self) -> None:
        """Once at start-up: the missions that ended without their review."""
        from .forms import ConfirmScreen

        if self.screen is not self.dashboard:
            return  # a key pressed at once already opened something: do not stack a question on it
        due = missions_due_review(self.repository)
        if not due:
            return
        first = due[0]
        question = ngettext(
            "{count} mission ended without its lessons-learned review: {names}.",
            "{count} missions ended without their lessons-learned review: {names}.", len(due),
        ).format(count=len(due), names=", ".join(m.label() for m in due[:3]) + ("…" if len(due) > 3 else ""))
        detail = _("What the client bought, the micro-target it reveals, the leads and recommendations it "
                   "brings. Review {mission} now? (Later: r on the mission in pane 3.)").format(mission=first.label())

        def answered(yes: bool | None) -> None:
            if yes:
                self.open_review(first.uid)

        self.push_screen(ConfirmScreen(question, detail), answered)

    def open_review(self, mission_uid: str) -> None:
        """The review of a mission: resumed from its draft, or shown when completed."""
        from store.review import completed_review, start_or_resume

        from .review import ReviewScreen

        mission = self.repository.get("mission", mission_uid)
        if completed_review(self.repository, mission) is not None:  # type: ignore[arg-type]
            self.open_detail("mission", mission_uid)
            return
        if mission.start and mission.start > self.repository.today:  # type: ignore[attr-defined]
            self.notify(_("{mission} starts on {start}: nothing to learn from it yet. Its review comes when it "
                          "ends.").format(
                mission=mission.label(), start=fmt.day(mission.start)), severity="warning")  # type: ignore[attr-defined]
            return

        def done(applied) -> None:
            if applied is None:
                self.refresh_views()
                return
            self.refresh_views(("mission", mission_uid))
            self.notify(applied.message(), timeout=6)

        self.push_screen(ReviewScreen(self.repository, start_or_resume(self.repository, mission_uid)), done)

    def end_mission(self, mission_uid: str) -> None:
        """``x``: the end date, then the review."""
        from .review import EndMissionScreen

        from store.review import end_mission

        mission = self.repository.get("mission", mission_uid)

        def chosen(day) -> None:
            if day is None:
                return

            def finished(ended) -> None:
                self.refresh_views(("mission", mission_uid))
                self.notify(_("{mission} ended on {date}.").format(mission=ended.label(), date=day.isoformat()), timeout=3)
                self.open_review(mission_uid)

            self.store_job(lambda: end_mission(self.repository, mission_uid, day), finished)

        self.push_screen(EndMissionScreen(mission, self.repository.today), chosen)  # type: ignore[arg-type]

    def open_import(self, path: str = "") -> None:
        """Import contacts from a file, after a preview (command palette)."""
        from .importer import ImportScreen

        def done(counts: tuple[int, int] | None) -> None:
            if counts is None:
                return
            self.refresh_views()
            self.notify(_("Imported: {added} added, {updated} updated.").format(added=counts[0], updated=counts[1]),
                        timeout=5)

        self.push_screen(ImportScreen(self.repository, path), done)

    def open_forecast(self, net: bool = False) -> None:
        """The revenue gap month by month (``enter`` on the gauge)."""
        from .forecast import ForecastScreen

        self.push_screen(ForecastScreen(self.repository, net=net))

    def log_interaction(self, contact_uid: str) -> None:
        from .forms import RecordForm

        contact = self.repository.get("contact", contact_uid)

        def finished(record: Record) -> None:
            self.after_save(record, _("Logged an interaction with {name}.").format(name=contact.label()))
            self.refresh_views(("contact", contact_uid))

        preset = {"contact_uid": contact_uid, "date": "today", "kind": "call"}
        self.push_form(RecordForm(self.repository, "interaction", preset=preset),
                       lambda values: self.repository.log_interaction(values), finished)

    def move_stage(self, opportunity, stage: str) -> None:
        changes = stage_change(opportunity, stage, self.repository.today)
        before = opportunity

        def finished(record) -> None:
            self.undo_stack.append(UndoEntry(_("stage change of {label!r}").format(label=before.label()), before))
            self.after_save(record, _("{label!r} is now at stage {stage}.").format(label=record.label(), stage=stage))
            if stage == "won":
                self.offer_mission(record)

        self.store_job(lambda: self.repository.update("opportunity", opportunity.uid, changes), finished)

    def offer_mission(self, opportunity) -> None:
        from .forms import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if yes:
                preset = mission_from_opportunity(opportunity, self.repository.today)
                preset["opportunity_uid"] = opportunity.uid
                self.new_record("mission", preset)

        self.push_screen(ConfirmScreen(_("Won! Create the mission for {label!r} now?").format(label=opportunity.label()),
                                       _("The form is filled in from the opportunity.")), answered)

    def open_settings(self, form: str = "settings", note: str = "", preset: dict[str, Any] | None = None) -> None:
        from .forms import ConflictScreen, RecordForm

        base = self.repository.settings()
        screen = RecordForm(self.repository, "settings", base=base, form=form, note=note, preset=preset)

        def finished(_settings) -> None:
            self.refresh_views()
            self.notify(_("Settings saved."), timeout=3)

        def failed(err: RelanceError) -> bool:
            values = screen.submitted

            def chosen(choice: str | None) -> None:
                self.refresh_views()
                if choice == "overwrite":
                    self.store_job(lambda: self.repository.set_settings(values), finished)
                elif choice == "theirs":
                    self.open_settings(form, note)
                else:
                    self.open_settings(form, note, preset=values)

            self.push_screen(ConflictScreen(str(err), base, err.current), chosen)  # type: ignore[attr-defined]
            return True

        self.push_form(screen, lambda values: self.repository.set_settings(values, expected=base), finished, failed)

    def onboard(self) -> None:
        self.open_settings(
            form="onboarding",
            note=_("Tell relance what you aim to bill each month and your usual daily rate: it will show "
                   "when your income falls short. (To see a worked example first: relance --demo)"),
        )

    # theme -----------------------------------------------------------------------------------------

    def watch_theme(self, theme: str) -> None:
        if not self._theme_ready or theme == self.repository.settings().theme:
            return
        self.store_job(lambda: self.repository.set_settings({"theme": theme}))

    # help and palette ---------------------------------------------------------------------------------

    def show_help(self) -> None:
        from .detail import DetailScreen
        from .forecast import ForecastScreen
        from .forms import RecordForm
        from .help import HelpScreen, describe
        from .review import ReviewScreen

        sections = [
            (_("Dashboard"), describe(DashboardScreen.BINDINGS)),
            (_("Forms"), describe(RecordForm.BINDINGS)),
            (_("Record detail"), describe(DetailScreen.BINDINGS)),
            (_("Revenue gap, month by month"), describe(ForecastScreen.BINDINGS)),
            (_("Lessons-learned review"), describe(ReviewScreen.BINDINGS)),
            (_("Anywhere"), [("ctrl+p", _("command palette: every action, and the theme")), ("ctrl+q", _("quit"))]),
        ]
        self.push_screen(HelpScreen(sections))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if not isinstance(screen, DashboardScreen):
            return
        dash = screen
        for kind, label in (("contact", _("New contact")), ("target", _("New micro-target")),
                            ("opportunity", _("New opportunity")), ("mission", _("New mission"))):
            yield SystemCommand(label, _("Open the form of a new {kind}").format(kind=kind_name(kind)),
                                lambda kind=kind: self.new_record(kind))
        for key, label in (("network", _("Network")), ("targets", _("Targets")), ("missions", _("Missions")),
                           ("revenue", _("Revenue gap"))):
            yield SystemCommand(_("Go to {pane}").format(pane=label), _("Focus the {pane} pane").format(pane=label),
                                lambda key=key: dash.action_focus_pane(key))
        yield SystemCommand(_("Edit the selected record"), _("Open its form (e)"), dash.action_edit)
        yield SystemCommand(_("Delete the selected record"), _("After confirmation (d)"), dash.action_delete)
        yield SystemCommand(_("Undo"), _("Undo the last delete or edit (u)"), dash.action_undo)
        yield SystemCommand(_("Filter the pane"), _("Filter the focused pane as you type (/)"), dash.action_filter)
        yield SystemCommand(_("Maximise or restore the pane"), _("(a)"), dash.action_maximize)
        yield SystemCommand(_("Log an interaction"), _("With the selected contact (l)"), dash.action_log)
        yield SystemCommand(_("End the mission"), _("End the selected mission, then review it (x)"), dash.action_end_mission)
        yield SystemCommand(_("Review the mission"), _("The lessons-learned review of the selected mission, or of the first one due (r)"),
                            dash.action_review)
        yield SystemCommand(_("Next stage"), _("Move the selected opportunity on (>)"), lambda: dash.action_stage(1))
        yield SystemCommand(_("Previous stage"), _("Move the selected opportunity back (<)"), lambda: dash.action_stage(-1))
        yield SystemCommand(_("Revenue gap, month by month"), _("The figures, what closes each gap, net income (enter on 4)"),
                            self.open_forecast)
        yield SystemCommand(_("Import contacts from a file"),
                            _("LinkedIn's Connections.csv, a vCard file or a CSV: preview, then one write"),
                            self.open_import)
        yield SystemCommand(_("Settings"), _("Monthly target, daily rate, country, horizon (s)"), self.open_settings)
        yield SystemCommand(_("Help"), _("Every key (?)"), self.show_help)
        for name in sorted(n for n in self.available_themes if n.startswith("relance-")):
            yield SystemCommand(_("Theme: {name}").format(name=name), _("Switch to this theme (saved in settings)"),
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
