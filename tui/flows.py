"""The record flows of the App: each form, question and save a key starts, and the undo stack.

``RecordFlows`` is mixed into ``RelanceApp`` (tui/app.py), which owns the repository
and the screens; the screens call these flows through their typed handle
(``RelanceScreen.relance``, tui/screens.py). Every save runs in a worker thread
(``store_job``), so the UI never waits for fsync; then the views are redrawn from the
new data in one frame (``refresh_views``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App

from store import fmt
from store.errors import ConflictError, RelanceError, ValidationError
from store.i18n import _, ngettext, set_language
from store.lookup import blocking_referrers, referenced_error
from store.models import Record, kind_name
from store.repository import Repository
from store.choices import STAGE, choice_label
from store.rules import mission_from_opportunity, mission_phase, missions_due_review, stage_change

from . import keymap
from .dashboard import DashboardScreen
from .typeahead import KeyGate

if TYPE_CHECKING:
    _App = App[None]
else:
    _App = object  # a mixin at run time; typed as the App it is mixed into

# The screens (forms, detail, review, month by month, import) are imported when first
# opened: the first paint does not wait for them (~15 ms of imports, Textual's included).


@dataclass
class UndoEntry:
    description: str
    #: the version(s) to put back: one record, or a contact and its interactions
    before: Record | list[Record]


class RecordFlows(_App):
    """Forms, saves, undo, reviews and settings: mixed into ``RelanceApp``."""

    # set by RelanceApp.__init__
    repository: Repository
    key_gate: KeyGate
    undo_stack: list[UndoEntry]
    #: ``repository.stamp`` after the last action on the undo stack (or undone)
    _undo_stamp: tuple[int, int]
    #: the data version the views were last drawn from
    _drawn_generation: int

    def save_pending(self) -> None:
        """What the user typed and did not save yet: the review's draft, an open form's
        valid changes (saved as ctrl+s would; an invalid form cannot be). Done here and now,
        without drawing anything: after a hang-up, drawing would block on the dead terminal."""
        from .forms import RecordForm
        from .review import ReviewScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, ReviewScreen):
                from store.review import save_draft

                save_draft(self.repository, screen.current_draft())
                return
            if isinstance(screen, RecordForm):
                values = screen.pending_values()
                if values is not None and screen.save is not None:
                    with contextlib.suppress(RelanceError):  # e.g. changed elsewhere meanwhile: no one to ask
                        screen.save(values)
                return

    def push_form(self, kind: str, save: Callable[[dict], Any], finished: Callable[[Any], None],
                  failed: Callable[[ConflictError, dict], bool] | None = None, **options: Any) -> None:
        """Open the form of a ``kind`` (``options``: those of ``RecordForm``). On ctrl+s,
        ``save(values)`` runs in a worker while the form stays open; then the form closes
        and ``finished(result)`` redraws the views in the same frame (no flash of the old
        data, one redraw instead of two). A conflict goes to ``failed(err, values)`` after
        the form closed; any other error is shown with the form still open, so nothing
        typed is lost. ``save`` is also what a hang-up runs (``save_pending``)."""
        from .forms import RecordForm

        self.push_screen(RecordForm(self.repository, kind, save=save, finished=finished, failed=failed, **options))

    # saving, off the event loop ----------------------------------------------------------------

    @work(thread=True, group="store")
    def store_job(self, job: Callable[[], Any], done: Callable[[Any], None] | None = None,
                  failed: Callable[[RelanceError], bool] | None = None) -> None:
        """Run a repository change in a thread; then ``done(result)`` on the UI. An error goes
        to ``failed`` first (True: handled), else it is shown."""
        try:
            result = job()
        except RelanceError as err:
            self.call_from_thread(self.drop_typed_ahead)
            if failed is not None and self.call_from_thread(failed, err):
                return
            self.call_from_thread(self.notify, str(err), title=_("Not saved"), severity="error", timeout=10)
            self.call_from_thread(self.refresh_views)
            return
        if done is not None:
            self.call_from_thread(done, result)

    def drop_typed_ahead(self) -> None:
        """A save failed: the keys typed behind it were meant for what follows a save (the
        next form, the dashboard), not for the form left open or a question about the
        failure; typed into it they made a wrong record ("AlphanBeta"). Dropped, and said."""
        dropped = self.key_gate.drop()
        if dropped:
            self.notify(ngettext("The key typed after the save was not used: the save failed.",
                                 "The {count} keys typed after the save were not used: the save failed.",
                                 dropped).format(count=dropped), severity="warning", timeout=8)

    def refresh_views(self, select: tuple[str, str] | None = None) -> None:
        from .contact_now import ContactNowScreen
        from .detail import DetailScreen
        from .forecast import ForecastScreen

        self._drawn_generation = self.repository.generation
        if set_language(self.repository.settings().language):  # (saved here or in another session)
            self.dashboard.retranslate()
        self.dashboard.reload(select)
        for screen in self.screen_stack:
            if isinstance(screen, (DetailScreen, ForecastScreen, ContactNowScreen)):
                screen.refresh_content()

    def after_save(self, record: Record, message: str) -> None:
        self.refresh_views((record.KIND, record.uid))
        self.notify(message, timeout=3)

    @property
    def dashboard(self) -> DashboardScreen:
        for screen in self.screen_stack:
            if isinstance(screen, DashboardScreen):
                return screen
        raise LookupError("no dashboard")

    def say_damaged(self, err: RelanceError, seconds: float = 15) -> None:
        """A damaged record met while reading (it names the file, the record, the backup)."""
        self.notify(str(err), title=_("Damaged data file"), severity="error", timeout=seconds)

    # records ------------------------------------------------------------------------------------

    def new_record(self, kind: str, preset: dict[str, Any] | None = None, done: Callable[[Record], None] | None = None) -> None:
        if kind == "opportunity":
            # a lead typed in today was met today, as a rule: it counts at once among the
            # week's new leads of the plan (pane 4), which go by first contact; editable
            preset = {"first_contact": self.repository.today, **(preset or {})}

        def finished(record: Record) -> None:
            self.after_save(record, _("Saved the {kind} {label!r}.").format(kind=kind_name(kind), label=record.label()))
            if done:
                done(record)

        self.push_form(kind, lambda values: self.repository.add(kind, values), finished, preset=preset)

    def edit_record(self, kind: str, uid: str, before: Record | None = None, preset: dict[str, Any] | None = None) -> None:
        """The edit form of a record. Saving checks that nobody changed or deleted it
        meanwhile (another dashboard, ``relance add``...) and asks if so."""
        if before is None:
            before = self.repository.get(kind, uid)
        opened_on = before

        def finished(record: Record) -> None:
            self.remember_undo(UndoEntry(_("edit of {label!r}").format(label=opened_on.label()), opened_on))
            self.after_save(record, _("Saved {label!r} (u undoes).").format(label=record.label()))

        def failed(err: ConflictError, values: dict[str, Any]) -> bool:
            self.resolve_conflict(kind, uid, values, opened_on, err)
            return True

        self.push_form(kind, lambda values: self.repository.update(kind, uid, values, expected=opened_on), finished, failed,
                       base=before, preset=preset)

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
        # (the store's rule and sentence, as relance rm's)
        log, referrers = blocking_referrers(kind, all_referrers)
        if referrers:
            self.notify(str(referenced_error(record, referrers)), severity="error", timeout=8)
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return

            def finished(deleted: Record | list[Record]) -> None:
                label = record.label()
                self.remember_undo(UndoEntry(_("delete of {label!r}").format(label=label), deleted))
                self.refresh_views()
                self.notify(_("Deleted {label!r} (u undoes).").format(label=label), timeout=4)

            if log:
                self.store_job(lambda: self.repository.delete_contact_with_log(uid), finished)
            else:
                self.store_job(lambda: self.repository.delete(kind, uid), finished)

        question = _("Delete the {kind} {label!r}?").format(kind=kind_name(kind), label=record.label())
        detail = ngettext("Its {count} logged interaction will be deleted with it.",
                          "Its {count} logged interactions will be deleted with it.", len(log)).format(count=len(log)) if log else ""
        self.push_screen(ConfirmScreen(question, detail), answered)

    def remember_undo(self, entry: UndoEntry) -> None:
        """An action ``u`` undoes, just written: the data as it left it is marked."""
        self.undo_stack.append(entry)
        self._undo_stamp = self.repository.stamp

    def wrote_aside(self, before: tuple[int, int], after: tuple[int, int]) -> None:
        """A write ``u`` may undo past: a review's draft (what was typed, kept; the end of the
        mission it follows still undoes). Only when nothing else was written since the last
        action on the stack: the data is then as that action left it, but for the draft."""
        if self._undo_stamp == before:
            self._undo_stamp = after

    def undo(self) -> None:
        if self.undo_stack and self.repository.stamp != self._undo_stamp:
            # something written since that is not on the stack (an import, the settings, a
            # review, a new record, another session): undoing an older edit past it would put
            # back a state the user did not see last, under a message naming the wrong action
            self.undo_stack.clear()
        if not self.undo_stack:
            self.notify(_("Nothing to undo."), severity="warning")
            return
        entry = self.undo_stack.pop()

        def finished(result: Record | list[Record]) -> None:
            self._undo_stamp = self.repository.stamp  # (the undo's own write: the next entry stays)
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

    # the lessons-learned review ---------------------------------------------------------------

    def offer_due_reviews(self) -> None:
        """Once at start-up: the missions that ended without their review."""
        from .forms import ConfirmScreen

        if self.screen is not self.dashboard or self.last_input != self.opened_at:
            # a key pressed at once: a question must not take the keys typed after it (at
            # 30,000 contacts, "/Marion" typed at start opened a review: its "o" said yes)
            return
        due = missions_due_review(self.repository)
        if not due:
            return
        first = due[0]
        question = ngettext(
            "{count} mission ended without its lessons-learned review: {names}.",
            "{count} missions ended without their lessons-learned review: {names}.", len(due),
        ).format(count=len(due), names=", ".join(m.label() for m in due[:3]) + ("…" if len(due) > 3 else ""))
        detail = _("What the client bought, the micro-target it reveals, the leads and recommendations it "
                   "brings. Review {mission} now? (Later: {key} on the mission in pane {pane}.)").format(
                       mission=first.label(), key=keymap.keys_shown(DashboardScreen.BINDINGS, "mission.review", first=True),
                       pane=keymap.keys_shown(DashboardScreen.BINDINGS, "pane.missions", first=True))

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
        if mission_phase(mission, self.repository.today) == "planned":  # type: ignore[arg-type]
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
        """``x``: the end date, then the review. Never a later day than the planned end (the
        rule is ``store.review.end_problem``); ``u`` puts the mission back as it was."""
        from .review import EndMissionScreen

        from store.review import end_mission, end_problem

        mission = self.repository.get("mission", mission_uid)

        def chosen(day) -> None:
            if day is None:
                return
            if (problem := end_problem(mission, day)) is not None:  # type: ignore[arg-type]
                self.notify(problem, title=_("Not ended"), severity="error", timeout=10)
                return

            def finished(ended) -> None:
                self.remember_undo(UndoEntry(_("end of {label!r}").format(label=mission.label()), mission))
                self.refresh_views(("mission", mission_uid))
                self.notify(_("{mission} ended on {date} (u undoes).").format(mission=ended.label(), date=fmt.day(day)),
                            timeout=3)
                self.open_review(mission_uid)

            def failed(err: RelanceError) -> bool:  # (a rule broken meanwhile: its sentence alone)
                if isinstance(err, ValidationError) and "ended_on" in err.errors:
                    self.notify(err.errors["ended_on"], title=_("Not ended"), severity="error", timeout=10)
                    return True
                return False

            self.store_job(lambda: end_mission(self.repository, mission_uid, day), finished, failed)

        self.push_screen(EndMissionScreen(mission, self.repository.today), chosen)  # type: ignore[arg-type]

    def open_import(self, path: str = "") -> None:
        """Import contacts from a file, after a preview (command palette)."""
        from .importer import ImportScreen

        def done(said: str | None) -> None:
            if said is None:
                return
            self.refresh_views()
            self.notify(said, timeout=5)  # (the screen says what was imported, and the warnings)

        self.push_screen(ImportScreen(self.repository, path), done)

    def open_forecast(self, net: bool = False) -> None:
        """The revenue gap month by month (``enter`` on the gauge)."""
        from .forecast import ForecastScreen

        self.push_screen(ForecastScreen(self.repository, net=net))

    def open_contact_now(self) -> None:
        """Who to contact now (``c``, the palette): the follow-ups due, the recommendations to
        ask, the natural network gone quiet."""
        from .contact_now import ContactNowScreen

        self.push_screen(ContactNowScreen(self.repository))

    def log_interaction(self, contact_uid: str) -> None:
        contact = self.repository.get("contact", contact_uid)

        def finished(record: Record) -> None:
            self.after_save(record, _("Logged an interaction with {name}.").format(name=contact.label()))
            self.refresh_views(("contact", contact_uid))

        # (today's date, not the word: the form shows it as every date, in any language)
        preset = {"contact_uid": contact_uid, "date": self.repository.today, "kind": "call"}
        self.push_form("interaction", lambda values: self.repository.log_interaction(values), finished, preset=preset)

    def move_stage(self, opportunity, stage: str) -> None:
        changes = stage_change(opportunity, stage, self.repository.today)
        before = opportunity

        def finished(record) -> None:
            self.remember_undo(UndoEntry(_("stage change of {label!r}").format(label=before.label()), before))
            self.after_save(record, _("{label!r} is now at stage {stage}.").format(
                label=record.label(), stage=choice_label(STAGE, stage)))
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
        from .forms import ConflictScreen

        base = self.repository.settings()

        def finished(saved) -> None:
            from store import config

            self.refresh_views()
            self.notify(_("Settings saved."), timeout=3)
            conf = config.current()
            if saved.language != base.language and conf.sources["language"][0] != config.DEFAULT:
                # (saved all the same: it speaks wherever the config file says nothing)
                self.notify(_("The language in force, {value}, comes from {where}: change it there, or with the "
                              "palette's “Language”.").format(value=conf.values["language"],
                                                                 where=config.where_from(conf, "language")),
                            severity="warning", timeout=10, markup=False)

        def failed(err: ConflictError, values: dict[str, Any]) -> bool:
            def chosen(choice: str | None) -> None:
                self.refresh_views()
                if choice == "overwrite":
                    self.store_job(lambda: self.repository.set_settings(values), finished)
                elif choice == "theirs":
                    self.open_settings(form, note)
                else:
                    self.open_settings(form, note, preset=values)

            self.push_screen(ConflictScreen(str(err), base, err.current), chosen)
            return True

        self.push_form("settings", lambda values: self.repository.set_settings(values, expected=base), finished, failed,
                       base=base, form=form, note=note, preset=preset)

    def onboard(self) -> None:
        self.open_settings(
            form="onboarding",
            note=_("Tell relance what you aim to bill each month and your usual daily rate: it will show "
                   "when your income falls short. (To see a worked example first: relance --demo)"),
        )
