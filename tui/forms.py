"""Modal forms: one per record kind and one for the settings, built from the
model's field types; plus the confirmation dialog.

A form validates each field as you type (the message shows under the field),
saves nothing until everything is valid (``ctrl+s``), and asks before
discarding edits (``esc``). The App gives a form its save (tui/flows.py,
``push_form``), which runs in the App's store worker while the form stays open.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, SelectionList, Static, TextArea

from store import i18n
from store.dates import hint as date_hint
from store.field_labels import field_label
from store.errors import AmbiguousError, ConflictError, NotFoundError, RelanceError, ValidationError
from store.fields import Choice, DateField, FieldType, Language, Money, Ref, Refs
from store.i18n import N_, _
from store.models import MODELS, Record, Settings, kind_name
from store.records import linked_problems
from store.repository import Repository
from store.rules import FROM_SETTINGS, collation_key, usual_values
from widgets.checklist import CheckList
from widgets.textfields import LineInput, NoteArea
from widgets.search_select import SearchSelect

from . import keymap
from .screens import RelanceScreen

#: fields of each form, in reading order; the first one gets the focus
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "contact": ("name", "company", "role", "circle", "email", "phone", "url", "tags", "target_uids",
                "referred_by", "last_contact", "next_follow_up", "cadence_days", "notes"),
    "target": ("name", "sector", "company_size", "decision_maker", "need", "offer", "status", "notes"),
    "opportunity": ("title", "organisation", "contact_uid", "target_uid", "stage", "source", "daily_rate",
                    "estimated_days", "expected_start", "probability", "first_contact", "next_action",
                    "next_action_date", "closed", "lost_reason", "notes"),
    "mission": ("title", "client", "contact_uid", "target_uid", "source", "start", "end", "daily_rate",
                "days_per_week", "total_days", "sold_as", "ended_on", "notes"),
    "interaction": ("summary", "contact_uid", "date", "kind", "opportunity_uid"),
    "time_off": ("start", "end", "note"),
    "settings": ("target_monthly", "daily_rate", "currency", "country", "subdivision", "horizon_months",
                 "default_lead_time_days", "fee_rate", "net_share", "language"),
    "onboarding": ("target_monthly", "daily_rate", "country"),
}



#: (new, edit) title of each form: whole sentences, marked here, translated when shown
TITLES = {
    "contact": (N_("New contact"), N_("Edit contact")),
    "target": (N_("New micro-target"), N_("Edit micro-target")),
    "opportunity": (N_("New opportunity"), N_("Edit opportunity")),
    "mission": (N_("New mission"), N_("Edit mission")),
    "interaction": (N_("Log an interaction"), N_("Edit interaction")),
    "time_off": (N_("New time off"), N_("Edit time off")),
    "settings": (N_("Settings"), N_("Settings")),
    "onboarding": (N_("Welcome to relance"), N_("Welcome to relance")),
}


def language_options(current: str = "") -> list[tuple[str, str]]:
    """The settings' languages, each named in itself, the environment's first; a language
    the file holds that relance does not speak is offered too (a save says why not)."""
    codes = list(i18n.available())
    options = [(_("System's ({language})").format(language=i18n.language_name(i18n.resolve(""))), "")]
    options += [(i18n.language_name(code), code) for code in codes]
    if current and current not in codes:
        options.append((current, current))
    return options


class ConfirmScreen(RelanceScreen, ModalScreen[bool]):
    """A yes/no question: ``y``, ``o`` or ``enter`` says yes, ``n`` or ``esc`` says no
    (``o`` for "oui" in every language: a French reader's hand goes to it whatever the
    language shown; the French hint names it)."""

    BINDINGS = [
        Binding("y,o,enter", "answer(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "answer(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, question: str, detail: str = ""):
        super().__init__()
        self.question = question
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm", classes="dialog"):
            yield Static(self.question, classes="question")
            if self.detail:
                yield Static(self.detail, classes="detail")
            keys = partial(keymap.keys_shown, self.BINDINGS)
            yield Static(_("{yes}: yes    {no}: no").format(yes=keys("confirm.yes"), no=keys("confirm.no")),
                         classes="hint")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class ConflictScreen(RelanceScreen, ModalScreen[str | None]):
    """Another session saved the record first: what now? Nothing is dropped silently."""

    BINDINGS = [
        Binding("o", "choose('overwrite')", N_("Overwrite with yours"), id="conflict.overwrite"),
        Binding("t", "choose('theirs')", N_("Take the other version"), id="conflict.theirs"),
        Binding("c", "choose('recreate')", N_("Create it again with yours"), id="conflict.recreate"),
        Binding("d", "choose('discard')", N_("Discard yours"), id="conflict.discard"),
        Binding("k,escape", "choose('keep')", N_("Keep editing"), id="conflict.keep"),
    ]

    def __init__(self, message: str, before: Record, current: Record | None):
        super().__init__()
        self.message = message
        self.before = before
        self.current = current

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters:
            deleted = self.current is None
            if parameters[0] in ("overwrite", "theirs"):
                return not deleted
            if parameters[0] in ("recreate", "discard"):
                return deleted
        return True

    def changed_fields(self) -> list[str]:
        if self.current is None:
            return []
        names = [n for n in self.before.field_types() if n != "uid"]
        return [field_label(n) for n in names if getattr(self.before, n) != getattr(self.current, n)]

    def compose(self) -> ComposeResult:
        keys = partial(keymap.keys_shown, self.BINDINGS)
        with Vertical(id="conflict", classes="dialog"):
            yield Static(self.message, classes="question")
            if self.current is None:
                yield Static(_("Your changes are still here."), classes="detail")
                yield Static(_("{recreate} create it again with your changes · {discard} discard yours · {keep} keep "
                               "editing").format(recreate=keys("conflict.recreate"), discard=keys("conflict.discard"),
                                                 keep=keys("conflict.keep")), classes="hint")
            else:
                changed = ", ".join(self.changed_fields()) or _("(nothing you can see)")
                yield Static(_("Changed there: {fields}.").format(fields=changed), classes="detail")
                yield Static(_("{overwrite} overwrite with yours · {theirs} take theirs · {keep} keep editing "
                               "yours").format(overwrite=keys("conflict.overwrite"), theirs=keys("conflict.theirs"),
                                               keep=keys("conflict.keep")), classes="hint")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)


class RefInput(LineInput):
    """A reference typed by name, with completion: for kinds with many records, where a
    Select listing them all took most of a second to open (10,000 contacts)."""

    #: above this many records, a reference is typed rather than picked from a list
    ABOVE = 200

    def __init__(self, repository: Repository, kind: str, uid: str | None, id: str | None = None):
        from textual.suggester import SuggestFromList

        self.repository = repository
        self.kind = kind
        self.initial_uid = uid or None
        label = ""
        if uid:
            try:
                label = repository.get(kind, uid).label()
            except NotFoundError:
                label = uid
        self.initial_text = label
        labels = [r.label() for r in repository.records(kind).values()]
        super().__init__(label, placeholder=_("type a name (→ completes it); empty for none"), id=id, compact=True,
                         select_on_focus=False, suggester=SuggestFromList(labels, case_sensitive=False))

    def _resolve(self) -> tuple[str | None, str]:
        text = self.value.strip()
        if not text:
            return None, ""
        if text == self.initial_text and self.initial_uid:
            return self.initial_uid, ""
        try:
            return self.repository.find(self.kind, text).uid, ""
        except (NotFoundError, AmbiguousError) as err:
            return None, str(err)

    def uid(self) -> str | None:
        return self._resolve()[0]

    def problem(self) -> str:
        """Why the text names no record (or several), or ""."""
        return self._resolve()[1]


class FieldRow(Horizontal):
    """A label and the field's widget. The message about the field goes on a line of its
    own below the row, made when it is first needed (a form shows none when it opens, and
    every widget less is less to style and lay out before the form is drawn)."""

    def __init__(self, name: str, widget, required: bool):
        super().__init__(classes="field-row field-line", id=f"row-{name}")
        self.field_name = name
        self.widget = widget
        self.required = required
        self.error: Static | None = None

    def compose(self) -> ComposeResult:
        yield Label(field_label(self.field_name) + (" *" if self.required else ""), classes="field-label")
        yield self.widget

    def show_error(self, message: str) -> None:
        if self.error is None:
            if not message:
                return
            self.error = Static("", classes="field-error", id=f"error-{self.field_name}")
            self.parent.mount(self.error, after=self)  # type: ignore[union-attr]
        # unchanged: nothing to do (an update lays the form out and draws it again, which
        # on ctrl+s ran beside the save and slowed it)
        if str(self.error.content) == message:
            return
        self.error.update(message)
        self.error.set_class(bool(message), "visible")
        self.set_class(bool(message), "invalid")


class RecordForm(RelanceScreen, ModalScreen[dict | None]):
    """The form of one record kind (or of the settings)."""

    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="form.save", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="form.cancel"),
    ]

    def __init__(
        self,
        repository: Repository,
        kind: str,
        base: Record | None = None,
        preset: dict[str, Any] | None = None,
        form: str | None = None,
        note: str = "",
        save: Callable[[dict], Any] | None = None,
        finished: Callable[[Any], None] | None = None,
        failed: Callable[[ConflictError, dict], bool] | None = None,
    ):
        super().__init__()
        self.repository = repository
        self.kind = kind
        self.form = form or kind
        self.base = base
        self.preset = preset or {}
        self.note = note
        self.model = Settings if kind == "settings" else MODELS[kind]
        self.types = self.model.field_types()
        self.names = FORM_FIELDS[self.form]
        #: the repository change ctrl+s makes with the valid values, in the App's store
        #: worker while the form stays open; also what a hang-up runs (``pending_values``).
        #: None: the form closes with the values
        self.save = save
        #: after a save, the form closed: redraws the views in the same frame
        self.finished = finished
        #: someone saved first (``ConflictError``), with the values of the ctrl+s, after the
        #: form closed; True: handled. Other errors are shown with the form still open
        self.failed = failed
        #: a save is running: ctrl+s and esc wait for it
        self.saving = False
        #: preset values of fields the form does not show (a mission's opportunity_uid)
        self.hidden = {k: v for k, v in self.preset.items() if k not in self.names}
        self.initial: dict[str, Any] = {}
        #: the fields a record of this kind takes from the settings (store.rules.FROM_SETTINGS),
        #: and the values the settings hold for them, which a new record starts with
        self.from_settings = FROM_SETTINGS.get(kind, {}) if kind != "settings" else {}
        self.usual = usual_values(kind, repository.settings()) if self.from_settings else {}

    # building ---------------------------------------------------------------------------

    def _initial_value(self, name: str, ftype: FieldType) -> Any:
        if self.preset.get(name) is not None:
            return self.preset[name]
        if self.base is None and name in self.usual:  # e.g. the usual daily rate of the settings
            return self.usual[name]
        if name in self.preset:
            return self.preset[name]
        if self.base is not None:
            return getattr(self.base, name)
        default = getattr(self.model(), name, None)  # e.g. 5 days a week
        return default if default not in ("", []) else None

    def _options(self, kind: str) -> list[tuple[str, str]]:
        records = self.repository.list(kind)
        return sorted(((r.label(), r.uid) for r in records), key=lambda o: collation_key(o[0]))

    def _widget(self, name: str, ftype: FieldType):
        value = self._initial_value(name, ftype)
        wid = f"field-{name}"
        if isinstance(ftype, Language):
            return SearchSelect(language_options(value or ""), value=value or "", allow_blank=False, id=wid,
                                compact=True, kind=field_label(name).lower())
        if isinstance(ftype, Choice):
            options = [(ftype.label(c), c) for c in ftype.choices]
            default = value if value is not None else getattr(self.model(), name, None)
            return SearchSelect(options, value=default if default is not None else Select.NULL,
                                allow_blank=not ftype.required, id=wid, compact=True,
                                kind=field_label(name).lower())
        if isinstance(ftype, Ref) and self.repository.count(ftype.kind) > RefInput.ABOVE:
            return RefInput(self.repository, ftype.kind, value, id=wid)
        if isinstance(ftype, Ref):
            options = [(label, uid) for label, uid in self._options(ftype.kind)
                       if not (self.base is not None and uid == self.base.uid)]
            return SearchSelect(options, value=value if value else Select.NULL, allow_blank=True, id=wid,
                                compact=True, prompt=_("(none: type to search)"), kind=kind_name(ftype.kind))
        if isinstance(ftype, Refs):
            selected = set(value or [])
            return CheckList(*[(label, uid, uid in selected) for label, uid in self._options(ftype.kind)],
                                 id=wid, compact=True)
        if value is None:
            text = ""
        elif name in self.preset and isinstance(value, str):
            text = value
        else:
            text = ftype.edit_text(value)
        if getattr(ftype, "multiline", False):  # a text of several lines (notes and the like)
            return NoteArea(text, id=wid, placeholder=_("enter: a new line · tab: the next field"))
        if isinstance(ftype, DateField):
            placeholder = date_hint()
        elif name in self.from_settings:
            placeholder = self._usual_placeholder(name, ftype)
        elif isinstance(ftype, Money) and (meaning := self.model.field_help(name)):
            # what the amount is ("billed turnover per month, excl. tax"): the format's
            # example, 650.00, read like a value proposed for a monthly target
            placeholder = meaning
        else:
            placeholder = "" if ftype.expected == "text" else ftype.described()
        return LineInput(text, placeholder=placeholder, id=wid, compact=True, select_on_focus=False)

    def _usual_placeholder(self, name: str, ftype: FieldType) -> str:
        """What an empty field the settings could fill says: the usual value, or where to set it."""
        if name in self.usual:
            return _("your usual one: {value}").format(value=ftype.edit_text(self.usual[name]))
        return _("none usual yet: set it in the settings (s)")

    def compose(self) -> ComposeResult:
        new_title, edit_title = (_(title) for title in TITLES[self.form])
        with Vertical(id="form", classes="dialog"):
            yield Static(edit_title if self.base is not None else new_title, classes="form-title")
            if self.note:
                yield Static(self.note, classes="form-note")
            # not focusable: the first field takes the focus (the scroll focused, then blurred,
            # styled the whole form twice more)
            with VerticalScroll(id="form-fields", can_focus=False):
                for name in self.names:
                    ftype = self.types[name]
                    yield FieldRow(name, self._widget(name, ftype), ftype.required)
            yield Static(_("{save} save · {cancel} cancel · tab next field · * required").format(
                save=keymap.keys_shown(self.BINDINGS, "form.save", first=True),
                cancel=keymap.keys_shown(self.BINDINGS, "form.cancel", first=True)),
                classes="hint")

    def on_mount(self) -> None:
        self.initial = self.values()
        first = self.query_one(f"#field-{self.names[0]}")
        first.focus()

    # values and validation -------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = dict(self.hidden)
        for name in self.names:
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, RefInput):
                values[name] = widget.uid()
            elif isinstance(widget, Select):
                values[name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, SelectionList):
                values[name] = list(widget.selected)
            else:
                values[name] = widget.value
        return values

    def show_error(self, name: str, message: str) -> None:
        self.query_one(f"#row-{name}", FieldRow).show_error(message)

    def validate_field(self, name: str, raw: Any) -> bool:
        try:
            self.types[name].parse(raw, self.repository.today)
        except ValueError as err:
            self.show_error(name, str(err))
            return False
        self.show_error(name, "")
        return True

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        if isinstance(event.input, RefInput):
            self.show_error(name, "")  # a name being typed: resolved when saving
            return
        if name in self.types:
            self.validate_field(name, event.value)
            self.recheck_linked(name)

    def recheck_linked(self, name: str) -> None:
        """``name`` changed: what the record's rules across fields (``check()``, the one a
        save runs) say of the fields compared with it is said again at once, cleared when
        fixed, reworded when still wrong (the end quoting the start now typed)."""
        linked = {other for group in self.model.LINKED if name in group for other in group
                  if other in self.names}
        if not linked:
            return
        compared = {other for group in self.model.LINKED for other in group if other in self.names}
        raw = {other: self.query_one(f"#field-{other}", Input).value for other in compared}
        problems = linked_problems(self.model, raw, self.repository.today, self.base)
        for other in sorted(linked):
            try:
                self.types[other].parse(raw[other], self.repository.today)
            except ValueError:
                continue  # its own message stays (a field not reached yet is not "required" now)
            self.show_error(other, problems.get(other, ""))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        name = (event.text_area.id or "").removeprefix("field-")
        if name in self.types:
            self.validate_field(name, event.text_area.text)

    def on_select_changed(self, event: Select.Changed) -> None:
        name = (event.select.id or "").removeprefix("field-")
        if name in self.types:
            self.show_error(name, "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def check(self) -> dict[str, Any] | None:
        """The values if all is valid, else None with every message shown."""
        values = self.values()
        for name in self.names:
            self.show_error(name, "")
        for ref in self.query(RefInput):
            problem = ref.problem()
            if problem:
                name = (ref.id or "").removeprefix("field-")
                self.show_error(name, problem)
                ref.focus()
                return None
        try:
            self.repository.build(self.kind, {**values}, base=self.base)
        except ValidationError as err:
            shown = [name for name in err.errors if name in self.names]
            for name in shown:
                self.show_error(name, err.errors[name])
            others = [_("{where}: {problem}").format(where=name, problem=msg) for name, msg in err.errors.items()
                      if name not in self.names]
            if others:
                self.notify("; ".join(others), severity="error")
            if shown:
                self.query_one(f"#field-{shown[0]}").focus()
            return None
        return values

    def pending_values(self) -> dict[str, Any] | None:
        """What was typed and not saved yet, if ``save`` can save it: None when nothing
        changed, when it is not valid, or when the form has no save. Checked without
        drawing anything (after a hang-up, drawing would block on the dead terminal)."""
        if self.save is None or self.values() == self.initial:
            return None
        values = self.values()
        try:
            self.repository.build(self.kind, dict(values), base=self.base)
        except RelanceError:
            return None  # not valid: nothing that can be saved
        return values

    # saving ------------------------------------------------------------------------------------

    def action_save(self) -> None:
        if self.saving:
            return
        values = self.check()
        if values is None:
            return
        save = self.save
        if save is None:
            self.dismiss(values)
            return
        self.saving = True
        self.relance.store_job(lambda: save(values), self._saved, lambda err: self._not_saved(err, values))

    def _saved(self, result: Any) -> None:
        self.dismiss(None)
        if self.finished is not None:
            self.finished(result)

    def _not_saved(self, err: RelanceError, values: dict[str, Any]) -> bool:
        if self.failed is not None and isinstance(err, ConflictError):
            self.dismiss(None)
            return self.failed(err, values)
        self.saving = False
        self.notify(str(err), title=_("Not saved"), severity="error", timeout=10)
        return True

    def action_cancel(self) -> None:
        if self.saving:
            return
        if self.values() == self.initial:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(_("Discard your changes?")), answered)
