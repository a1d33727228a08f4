"""The lessons-learned review: one modal, six steps, one question each.

``ctrl+n`` checks the step and goes on (and, on the summary, applies it all in
one write); ``ctrl+b`` goes back; ``esc`` closes and keeps the draft. The
draft is saved at every step (and on ``esc``), so that quitting or a dropped
connection loses at most the step being typed; ``r`` on the mission resumes it.
"""

from __future__ import annotations

import copy
import threading
from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import ContentSwitcher, Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from store import fmt
from store.choices import RECOMMENDATION_STATUS, choice_label
from store.dates import hint as date_hint, parse_date, shown_as_typed
from store.errors import NotFoundError
from store.i18n import N_, _
from store.models import Mission, Target
from store.repository import Repository
from store.review import (
    STEPS, Applied, Draft, NewTarget, adjacent_problem, apply_review, end_problem, new_contact_problem, save_draft,
    step_errors, summary,
)
from store.rules import collation_key, fold
from widgets import CheckList, RecordTable
from widgets.textfields import LineInput, NoteArea

from . import keymap
from .screens import RelanceScreen

if TYPE_CHECKING:
    from .app import RelanceApp

NEW_TARGET = "__new__"
#: contacts listed at once in step 5 (type to narrow a large network)
PICK_LIMIT = 50

#: the two fields of the lists built by typing, steps 4 and 5: typed, then added with enter
#: (or on leaving the step)
PAIRS = {4: ("#adjacent-organisation", "#adjacent-note"), 5: ("#reco-name", "#reco-company")}

#: the title of each step (translated when shown)
STEP_TITLES = {
    1: N_("What the client bought"),
    2: N_("The micro-target"),
    3: N_("Your offer for that need"),
    4: N_("Adjacent environments"),
    5: N_("Recommendations"),
    6: N_("Summary"),
}


class ReviewScreen(RelanceScreen, ModalScreen[Applied | None]):
    BINDINGS = [
        Binding("ctrl+n,pagedown", "next", N_("Next step (apply on the summary)"), id="review.next", priority=True),
        # inside tmux, ctrl+b is tmux's own prefix: page up works everywhere
        Binding("ctrl+b,pageup", "previous", N_("Previous step"), id="review.previous", priority=True),
        Binding("escape", "close", N_("Close, keeping the draft"), id="review.close"),
        Binding("delete", "remove", N_("Remove the selected lead or contact"), id="review.remove", show=False),
    ]

    def __init__(self, repository: Repository, draft: Draft):
        super().__init__()
        self.repository = repository
        self.draft = draft
        self.mission: Mission = repository.get("mission", draft.mission_uid)  # type: ignore[assignment]
        self._save_lock = threading.Lock()
        self._version = 0
        self._saved_version = 0
        self._applying = False

    # building ------------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="review", classes="dialog"):
            yield Static(_("Lessons learned — {mission}").format(mission=self.mission.label()), classes="form-title")
            yield Static("", id="review-step")
            with ContentSwitcher(initial="step-1", id="review-steps"):
                with Vertical(id="step-1", classes="review-step"):
                    yield Static(_("What did the client actually buy?"), classes="question")
                    pitched = self.mission.sold_as or _("(not recorded on the mission)")
                    yield Static(_("It is often not what you thought you sold. You pitched: {pitched}").format(
                        pitched=pitched), classes="detail", id="pitched")
                    yield NoteArea(self.draft.actually_bought, id="bought")
                with Vertical(id="step-2", classes="review-step"):
                    yield Static(_("Which micro-target does this mission reveal?"), classes="question")
                    yield Static(_("A sector × a decision maker × a need your expertise answers. "
                                   "↑↓ pick one, or “New micro-target” and tab to its fields."), classes="detail")
                    yield OptionList(*[Option(label, id=uid) for label, uid in self._target_options()],
                                     id="target-choice", compact=True)
                    with Vertical(id="new-target"):
                        for name, label in (("name", _("Name *")), ("sector", _("Sector")),
                                            ("decision_maker", _("Decision maker")), ("need", _("Need"))):
                            with Horizontal(classes="field-line"):
                                yield Label(label, classes="field-label")
                                yield LineInput(id=f"new-target-{name}", compact=True)
                with Vertical(id="step-3", classes="review-step"):
                    yield Static(_("Restate your expertise for that need."), classes="question")
                    yield Static("", classes="detail", id="offer-context")
                    yield NoteArea("", id="offer")
                with Vertical(id="step-4", classes="review-step"):
                    yield Static(_("Which adjacent environments did you meet?"), classes="question")
                    yield Static("", classes="detail", id="adjacent-help")
                    with Horizontal(classes="field-line"):
                        yield LineInput(placeholder=_("organisation (enter adds)"), id="adjacent-organisation",
                                        compact=True)
                        yield LineInput(placeholder=_("note, if any (enter adds)"), id="adjacent-note", compact=True)
                    yield RecordTable((_("Organisation"), _("Note")), id="adjacent-list", shrinks=(0, 1))
                with Vertical(id="step-5", classes="review-step"):
                    yield Static(_("Whom will you ask for a recommendation or an introduction?"), classes="question")
                    yield LineInput(placeholder=_("type a name or company, then tab to the list; space picks"),
                                    id="reco-search", compact=True)
                    yield CheckList(id="reco-contacts", compact=True)
                    with Horizontal(classes="field-line"):
                        yield LineInput(placeholder=_("or a new contact: name (enter adds)"), id="reco-name",
                                        compact=True)
                        yield LineInput(placeholder=_("company, if any (enter adds)"), id="reco-company", compact=True)
                    yield RecordTable((_("To ask"), ""), id="reco-list", shrinks=(0, 1))
                    with Horizontal(classes="field-line"):
                        yield Label(_("Follow up on"), classes="field-label")
                        yield LineInput(shown_as_typed(self.draft.follow_up), id="reco-follow-up", compact=True,
                                        placeholder=date_hint())
                with VerticalScroll(id="step-6", classes="review-step summary-step"):
                    yield Static(_("This is what confirming will save:"), classes="question")
                    yield Static("", id="summary")
            yield Static("", classes="field-error", id="review-error")
            yield Static("", classes="hint", id="review-hint")

    def _target_options(self) -> list[tuple[str, str]]:
        targets = sorted(self.repository.list("target"), key=lambda t: collation_key(t.label()))
        return [(_("+ New micro-target"), NEW_TARGET)] + [(t.label(), t.uid) for t in targets]

    def on_mount(self) -> None:
        self._load_draft()
        self.show_step(self.draft.step)

    def _load_draft(self) -> None:
        d = self.draft
        choice = self.query_one("#target-choice", OptionList)
        ids = [uid for _label, uid in self._target_options()]
        if d.new_target is not None:
            choice.highlighted = 0
            for name in ("name", "sector", "decision_maker", "need"):
                self.query_one(f"#new-target-{name}", Input).value = getattr(d.new_target, name)
        elif d.target_uid in ids:
            choice.highlighted = ids.index(d.target_uid)
        else:
            choice.highlighted = 0
        self.query_one("#offer", TextArea).text = d.offer
        self._show_new_target()
        self._fill_adjacent()
        self._fill_recommendations()
        self._filter_contacts("")

    # steps ---------------------------------------------------------------------------------------

    def show_step(self, step: int) -> None:
        self.draft.step = step
        self.query_one(ContentSwitcher).current = f"step-{step}"
        self.query_one("#review-step", Static).update(
            _("Step {step} of {steps} — {title}").format(step=step, steps=STEPS, title=_(STEP_TITLES[step])))
        self.show_error("")
        if step == 3:
            self._offer_context()
        elif step == 4:
            self.query_one("#adjacent-help", Static).update(_(
                "Neighbouring departments, companies, partners met during the mission: each becomes a lead "
                "(stage identified) in {target}. enter adds the one typed; delete removes the one selected "
                "in the list.").format(
                target=self._target_name() or _("the micro-target")))
        elif step == 6:
            lines = Text()
            for sentence in summary(self.repository, self.draft):
                lines.append("• " + sentence.replace("\n", "\n  ") + "\n")  # an answer's lines under its first
            self.query_one("#summary", Static).update(lines)
        # (the last step saves with the first key of "next" alone: pgdn there is no "save all")
        keys = {name: keymap.keys_shown(self.BINDINGS, f"review.{name}", sep="/", first=name == "next" and step == STEPS)
                for name in ("next", "previous", "close")}
        hint = (_("{next} save all of it · {previous} back · {close} close (the draft is kept)") if step == STEPS
                else _("{next} next · {previous} back · tab next field · {close} close (the draft is kept)")).format(**keys)
        self.query_one("#review-hint", Static).update(hint)
        self.call_after_refresh(self._focus_step, step)

    def _focus_step(self, step: int) -> None:
        first = {1: "#bought", 2: "#target-choice", 3: "#offer", 4: "#adjacent-organisation", 5: "#reco-search"}.get(step)
        if first:
            self.query_one(first).focus()
        else:
            self.query_one("#step-6").focus()

    def _target_name(self) -> str:
        if self.draft.new_target is not None:
            return self.draft.new_target.name
        if self.draft.target_uid:
            try:
                return self.repository.get("target", self.draft.target_uid).label()
            except NotFoundError:
                return ""
        return ""

    def _offer_context(self) -> None:
        target: Target | None = None
        if self.draft.new_target is None and self.draft.target_uid:
            try:
                target = self.repository.get("target", self.draft.target_uid)  # type: ignore[assignment]
            except NotFoundError:
                target = None
        need = self.draft.new_target.need if self.draft.new_target is not None else (target.need if target else "")
        previous = target.offer if target else ""
        lines = [_("The offer you will make to {target}, saved as its offer.").format(target=self._target_name())]
        if need:
            lines.append(_("Need: {need}").format(need=need))
        lines.append(_("Previous offer: {offer}").format(offer=previous) if previous else _("No offer recorded yet."))
        self.query_one("#offer-context", Static).update("\n".join(lines))
        area = self.query_one("#offer", TextArea)
        if not area.text.strip() and previous:
            area.text = previous

    # reading the widgets into the draft ----------------------------------------------------------

    def collect(self) -> None:
        """The answers of the step on screen, into the draft (no checks)."""
        d = self.draft
        step = d.step
        if step == 1:
            d.actually_bought = self.query_one("#bought", TextArea).text
        elif step == 2:
            value = self._target_choice()
            if value == NEW_TARGET:
                d.new_target = NewTarget(**{name: self.query_one(f"#new-target-{name}", Input).value
                                            for name in ("name", "sector", "decision_maker", "need")})
                d.target_uid = None
            else:
                d.new_target = None
                d.target_uid = value
        elif step == 3:
            d.offer = self.query_one("#offer", TextArea).text
        elif step == 5:
            d.follow_up = self.query_one("#reco-follow-up", Input).value

    def show_error(self, message: str) -> None:
        error = self.query_one("#review-error", Static)
        error.update(message)
        error.set_class(bool(message), "visible")

    # keys ----------------------------------------------------------------------------------------

    def action_next(self) -> None:
        if self._applying or not self.add_typed(self.draft.step):
            return
        self.collect()
        step = self.draft.step
        errors = step_errors(self.repository, self.draft, step)
        if errors:
            self.show_error(" ".join(errors.values()))
            return
        if step < STEPS:
            self.show_step(step + 1)
            self.save_draft()
            return
        self._applying = True
        draft = copy.deepcopy(self.draft)

        def finished(applied: Applied) -> None:
            self.dismiss(applied)

        def job() -> Applied:
            try:
                with self._save_lock:
                    # drafts still queued are older than this: they must not write after it
                    self._saved_version = self._version + 1
                    return apply_review(self.repository, draft)
            finally:
                self._applying = False

        self.relance.store_job(job, finished)

    def action_previous(self) -> None:
        if not self.add_typed(self.draft.step):
            return
        self.collect()
        if self.draft.step > 1:
            self.show_step(self.draft.step - 1)
            self.save_draft()

    def current_draft(self) -> Draft:
        """The draft with what is on screen now (saved by the App on a hang-up), an entry
        typed in step 4 or 5 and not added yet included if it can be. Nothing is drawn
        (the terminal may be gone)."""
        self.collect()
        draft = self.draft
        typed = self._typed(draft.step)
        if typed is not None and self._entry_problem(draft.step, *typed) is None:
            draft = copy.deepcopy(draft)
            self._append(draft, draft.step, *typed)
        return draft

    def action_close(self) -> None:
        if not self.add_typed(self.draft.step):
            return
        self.collect()
        self.save_draft()
        self.app.notify(_("The review is kept as a draft: r on the mission resumes it."), timeout=4)
        self.dismiss(None)

    def action_remove(self) -> None:
        focused = self.focused
        if isinstance(focused, RecordTable) and focused.row_count:
            index = focused.cursor_row
            if focused.id == "adjacent-list":
                del self.draft.adjacent[index]
                self._fill_adjacent()
            elif focused.id == "reco-list":
                removed = self.draft.recommendations.pop(index)
                self._fill_recommendations()
                if removed.get("contact_uid"):
                    self._filter_contacts(self.query_one("#reco-search", Input).value)

    # saving the draft, off the event loop ----------------------------------------------------------

    def save_draft(self) -> None:
        self._version += 1
        draft, version, app = copy.deepcopy(self.draft), self._version, self.relance
        # the App's worker, not the screen's: after esc the screen leaves the DOM (and would
        # cancel its own workers) while the save must still happen
        app.run_worker(lambda: self._save(draft, version, app), thread=True, group="review-draft")

    def _save(self, draft: Draft, version: int, app: RelanceApp) -> None:
        with self._save_lock:
            if version < self._saved_version:
                return  # a newer draft is already on disk
            try:
                before = self.repository.stamp
                review = save_draft(self.repository, draft)
                after = self.repository.stamp
            except Exception as err:  # the draft is also still on screen: say it, keep going
                app.call_from_thread(app.notify, str(err), title=_("Draft not saved"), severity="error")
                return
            self._saved_version = version
            self.draft.review_uid = review.uid
        app.call_from_thread(app.wrote_aside, before, after)
        app.call_from_thread(app.refresh_views)  # the Missions pane shows "review: draft"

    # step 2: the new micro-target fields show only for "New micro-target" ------------------------

    def _target_choice(self) -> str | None:
        choice = self.query_one("#target-choice", OptionList)
        if choice.highlighted is None:
            return None
        return choice.get_option_at_index(choice.highlighted).id

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "target-choice":
            self._show_new_target()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """enter on a micro-target: on to its fields (new) or the next step."""
        if event.option_list.id == "target-choice":
            if event.option.id == NEW_TARGET:
                self.query_one("#new-target-name", Input).focus()
            else:
                self.action_next()

    def _show_new_target(self) -> None:
        self.query_one("#new-target").display = self._target_choice() == NEW_TARGET

    # steps 4 and 5: lists built with enter ----------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        wid = f"#{event.input.id}"
        step = next((step for step, pair in PAIRS.items() if wid in pair), None)
        if step is not None:
            self.add_typed(step, asked=True)
        elif wid == "#reco-search":
            self.query_one("#reco-contacts").focus()
        else:
            self.focus_next()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "reco-search":
            self._filter_contacts(event.value)
        elif event.input.id == "reco-follow-up":
            try:
                parse_date(event.value, self.repository.today)
            except ValueError as err:
                self.show_error(_("Follow up on: {problem}").format(problem=err))
            else:
                self.show_error("")

    def _typed(self, step: int) -> tuple[str, str] | None:
        """What is typed in the two fields of step ``step``'s list (4, 5), or None."""
        if step not in PAIRS:
            return None
        first, second = (self.query_one(wid, Input).value.strip() for wid in PAIRS[step])
        return (first, second) if first or second else None

    @staticmethod
    def _entry_problem(step: int, first: str, second: str) -> str | None:
        return adjacent_problem(first, second) if step == 4 else new_contact_problem(first, second)

    @staticmethod
    def _append(draft: Draft, step: int, first: str, second: str) -> None:
        if step == 4:
            draft.adjacent.append({"organisation": first, "note": second})
        else:
            draft.recommendations.append({"name": first, "company": second})

    def add_typed(self, step: int, asked: bool = False) -> bool:
        """Two inputs make one list entry (organisation + note, name + company): enter in
        either (``asked``), or leaving the step with something typed, adds it, clears both
        and goes back to the first for the next one. False, with the reason on screen, when
        what is typed cannot be added (a note without its organisation, a name too long):
        the step is not left, and nothing typed is lost."""
        typed = self._typed(step)
        if typed is None:
            if asked:  # enter on empty fields: say what goes first
                self.show_error(self._entry_problem(step, "", "") or "")
            return True
        first, second = (self.query_one(wid, Input) for wid in PAIRS[step])
        problem = self._entry_problem(step, *typed)
        if problem is not None:
            self.show_error(problem)
            (second if typed[0] and self._entry_problem(step, typed[0], "") is None else first).focus()
            return False
        self._append(self.draft, step, *typed)
        first.value = ""
        second.value = ""
        self.show_error("")
        if step == 4:
            self._fill_adjacent()
        else:
            self._fill_recommendations()
        first.focus()
        return True

    def _fill_adjacent(self) -> None:
        self.query_one("#adjacent-list", RecordTable).set_rows(
            (str(i), (item["organisation"], item.get("note", ""))) for i, item in enumerate(self.draft.adjacent))

    def _chosen(self) -> set[str]:
        return {item["contact_uid"] for item in self.draft.recommendations if item.get("contact_uid")}

    def _fill_recommendations(self) -> None:
        rows = []
        for i, item in enumerate(self.draft.recommendations):
            if item.get("contact_uid"):
                try:
                    contact = self.repository.get("contact", item["contact_uid"])
                except NotFoundError:
                    rows.append((str(i), (item["contact_uid"][:8], _("(deleted: press delete to remove)"))))
                    continue
                rows.append((str(i), (contact.label(), contact.company)))  # type: ignore[attr-defined]
            else:
                rows.append((str(i), (item["name"], _("{company} (new)").format(company=item.get("company", "")).strip())))
        self.query_one("#reco-list", RecordTable).set_rows(rows)

    def _filter_contacts(self, text: str) -> None:
        needle = fold(text.strip())
        chosen = self._chosen()
        contacts = sorted(self.repository.list("contact"), key=lambda c: collation_key(c.label()))
        if needle:
            contacts = [c for c in contacts if needle in fold(f"{c.name} {c.company}")]  # type: ignore[attr-defined]
        listing = self.query_one("#reco-contacts", SelectionList)
        self._listing = True
        listing.clear_options()
        listing.add_options([(f"{c.name}  {c.company}".strip(), c.uid, c.uid in chosen)  # type: ignore[attr-defined]
                             for c in contacts[:PICK_LIMIT]])
        if listing.option_count:
            listing.highlighted = 0
        self._listing = False

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        if getattr(self, "_listing", False):
            return
        uid = str(event.selection.value)
        chosen = self._chosen()
        if uid in chosen:
            self.draft.recommendations = [r for r in self.draft.recommendations if r.get("contact_uid") != uid]
        else:
            self.draft.recommendations.append({"contact_uid": uid})
        self._fill_recommendations()


def review_text(repository: Repository, review) -> Text:
    """A completed review, for the mission's detail."""
    text = Text()

    def line(label: str, value: str) -> None:
        if value:
            text.append(f"{label:<18}", style="dim")
            text.append(value.replace("\n", "\n" + " " * 18) + "\n")

    line(_("Completed"), fmt.day(review.completed))
    line(_("Pitched"), review.sold_as)
    line(_("Actually bought"), review.actually_bought)
    if review.target_uid:
        try:
            line(_("Micro-target"), repository.get("target", review.target_uid).label())
        except NotFoundError:
            pass
    line(_("Offer"), review.expertise)
    for item in review.adjacent:
        line(_("Adjacent"), f"{item['organisation']} — {item.get('note') or ''}".rstrip(" —"))
    for item in review.recommendations:
        try:
            name = repository.get("contact", item["contact_uid"]).label()
        except NotFoundError:
            continue
        line(_("Recommendation"), f"{name} ({choice_label(RECOMMENDATION_STATUS, item['status'])})")
    return text


class EndMissionScreen(RelanceScreen, ModalScreen[date | None]):
    """``x``: when did the mission end? Then its review opens."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="end.cancel")]

    def __init__(self, mission: Mission, today: date):
        super().__init__()
        self.mission = mission
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="end-mission", classes="dialog"):
            yield Static(_("End the mission {mission}").format(mission=self.mission.label()), classes="question")
            planned = fmt.day(self.mission.end) if self.mission.end else "—"
            yield Static(_("Planned end: {end}. An earlier date is saved as an early end; "
                           "then the lessons-learned review opens.").format(end=planned), classes="detail")
            with Horizontal(classes="field-line"):
                yield Label(_("Ended on"), classes="field-label")
                # today, or the planned end if it is already past (ending never extends)
                first = min(self.today, self.mission.end) if self.mission.end else self.today
                yield Input(fmt.day(first), id="end-date", compact=True, placeholder=date_hint())
            yield Static("", classes="field-error", id="end-error")
            yield Static(_("enter end it and review · {cancel} cancel").format(
                cancel=keymap.keys_shown(self.BINDINGS, "end.cancel")), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#end-date", Input).focus()

    def check(self, raw: str) -> date | None:
        error = self.query_one("#end-error", Static)
        try:
            day = parse_date(raw, self.today)
            if day is None:
                raise ValueError(_("is required."))
            if (problem := end_problem(self.mission, day)) is not None:  # (the rule the save checks)
                raise ValueError(problem)
        except ValueError as err:
            error.update(str(err))
            error.add_class("visible")
            return None
        error.update("")
        error.remove_class("visible")
        return day

    def on_input_changed(self, event: Input.Changed) -> None:
        self.check(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        day = self.check(event.value)
        if day is not None:
            self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
