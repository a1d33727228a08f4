"""Detail views: every field of a record, references by name, and what hangs off it
(a contact's interaction log, a micro-target's contacts and opportunities)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from store import fmt
from store.errors import NotFoundError, RelanceError
from store.choices import INTERACTION_KIND, STAGE, choice_label
from store.fields import Choice, Ref, Refs
from store.i18n import N_, _
from store.models import Record
from store.repository import Repository
from widgets import RecordTable

from store.field_labels import field_label
from . import keymap
from .screens import RelanceScreen


#: the width of a field's label in a detail: its value, and each line of a value of several
#: lines (notes), start after it
LABEL_WIDTH = 18


def indented(value: str) -> str:
    """A value of several lines with its lines after the first under the first."""
    return value.replace("\n", "\n" + " " * LABEL_WIDTH)


class DetailScreen(RelanceScreen, ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q", "close", N_("Close"), id="detail.close"),
        Binding("e", "edit", N_("Edit (the record, or the selected interaction)"), id="detail.edit"),
        Binding("d", "delete", N_("Delete the selected interaction"), id="detail.delete"),
        Binding("l", "log", N_("Log interaction"), id="detail.log"),
        Binding("u", "undo", N_("Undo"), id="detail.undo"),
        Binding("r", "review", N_("Lessons-learned review (a mission)"), id="detail.review"),
    ]

    def __init__(self, repository: Repository, kind: str, uid: str):
        super().__init__()
        self.repository = repository
        self.kind = kind
        self.uid = uid

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("log", "delete"):
            return self.kind == "contact"
        if action == "review":
            return self.kind == "mission"
        return True

    def record(self) -> Record | None:
        try:
            return self.repository.get(self.kind, self.uid)
        except NotFoundError:
            return None

    def compose(self) -> ComposeResult:
        with Vertical(id="detail", classes="dialog"):
            yield Static("", id="detail-title", classes="form-title")
            with VerticalScroll(id="detail-body"):
                yield Static("", id="detail-fields")
                if self.kind == "contact":
                    yield Static(_("Interactions (l logs one)"), classes="sublabel")
                    yield RecordTable((_("Date"), _("Kind"), _("Summary")), id="detail-log", shrinks=(2,))  # (the date whole)
                elif self.kind == "target":
                    yield Static(_("Opportunities"), classes="sublabel")
                    yield RecordTable((_("Opportunity"), _("Stage"), _("Organisation")), id="detail-opps", shrinks=(0, 2))
                elif self.kind == "mission":
                    yield Static(_("Lessons learned"), classes="sublabel")
                    yield Static("", id="detail-review")
            keys = {name: keymap.keys_shown(self.BINDINGS, f"detail.{name}", first=True)
                    for name in ("edit", "log", "delete", "review", "close")}
            if self.kind == "contact":
                hint = _("{edit} edit · {log} log · tab to the log, then {edit} / {delete} on an interaction · "
                         "{close} close").format(**keys)
            elif self.kind == "mission":
                hint = _("{edit} edit · {review} review · {close} close").format(**keys)
            else:
                hint = _("{edit} edit · {close} close").format(**keys)
            yield Static(hint, classes="hint")

    def on_mount(self) -> None:
        self.refresh_content()

    def _value(self, record: Record, name: str) -> str:
        ftype = record.field_types()[name]
        value = getattr(record, name)
        if isinstance(ftype, Ref):
            if not value:
                return ""
            try:
                return self.repository.get(ftype.kind, value).label()
            except NotFoundError:
                return value
        if isinstance(ftype, Refs):
            names = []
            for uid in value:
                try:
                    names.append(self.repository.get(ftype.kind, uid).label())
                except NotFoundError:
                    names.append(uid)
            return ", ".join(names)
        if isinstance(ftype, Choice):
            return ftype.label(value)
        return ftype.edit_text(value)

    def refresh_content(self) -> None:
        try:
            self._refresh_content()
        except RelanceError as err:  # (a damaged record among those it shows: said, not shown)
            self.relance.say_damaged(err)
            self.dismiss(None)

    def _refresh_content(self) -> None:
        record = self.record()
        if record is None:
            self.dismiss(None)
            return
        self.query_one("#detail-title", Static).update(record.label())
        lines = Text()
        for name in record.editable_fields():
            if name == "review_uid" and self.kind == "mission":
                continue  # shown in full under "Lessons learned"
            text = self._value(record, name)
            if text in ("", "[]"):
                continue
            lines.append(f"{field_label(name):<{LABEL_WIDTH}}", style="dim")
            lines.append(indented(text) + "\n")
        self.query_one("#detail-fields", Static).update(lines)
        if self.kind == "contact":
            log = self.repository.interactions_of(self.uid)
            self.query_one("#detail-log", RecordTable).set_rows(
                (i.uid, (fmt.day(i.date), choice_label(INTERACTION_KIND, i.kind), i.summary)) for i in log)
        elif self.kind == "mission":
            from store.review import completed_review, draft_review

            from .review import review_text

            review = completed_review(self.repository, record)  # type: ignore[arg-type]
            if review is not None:
                shown = review_text(self.repository, review)
            elif draft_review(self.repository, self.uid) is not None:
                shown = Text(_("A review is in progress: r resumes it."))
            else:
                shown = Text(_("Not reviewed yet: r opens the review (x ends the mission first)."))
            self.query_one("#detail-review", Static).update(shown)
        elif self.kind == "target":
            opps = [o for o in self.repository.list("opportunity") if o.target_uid == self.uid]
            self.query_one("#detail-opps", RecordTable).set_rows(
                (o.uid, (o.title, choice_label(STAGE, o.stage), o.organisation)) for o in opps)

    def action_close(self) -> None:
        self.dismiss(None)

    def _selected_interaction(self) -> str | None:
        if self.kind != "contact":
            return None
        log = self.query_one("#detail-log", RecordTable)
        return log.selected_uid if log.has_focus else None

    def action_edit(self) -> None:
        interaction = self._selected_interaction()
        if interaction:
            self.relance.edit_record("interaction", interaction)
        else:
            self.relance.edit_record(self.kind, self.uid)

    def action_delete(self) -> None:
        interaction = self._selected_interaction()
        if interaction:
            self.relance.delete_record("interaction", interaction)
        else:
            self.notify(_("Tab to the interaction log and select one to delete it."), severity="warning")

    def action_review(self) -> None:
        self.dismiss(None)
        self.relance.open_review(self.uid)

    def action_undo(self) -> None:
        self.relance.undo()

    def action_log(self) -> None:
        self.relance.log_interaction(self.uid)
