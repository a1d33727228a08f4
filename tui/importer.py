"""Import contacts from the dashboard: a file, its preview, then one write.

Opened from the command palette ("Import contacts from a file"). The file is read and
matched in a worker; the preview is the plan ``relance import ... --dry-run`` prints;
ctrl+s applies it in one write, esc leaves without writing anything.
"""

from __future__ import annotations

from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from store.errors import RelanceError
from store.i18n import N_, _, ngettext

from . import keymap
from .screens import RelanceScreen

#: lines of each kind shown in the preview
SHOWN = 40


class ImportScreen(RelanceScreen, ModalScreen[str | None]):
    """File path → preview → apply; dismissed with what the closing notification says."""

    BINDINGS = [
        Binding("ctrl+s", "apply", N_("Import"), id="import.apply", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="import.cancel"),
        Binding("pagedown", "scroll_preview(1)", N_("Scroll the preview down"), show=False, id="import.page_down"),
        Binding("pageup", "scroll_preview(-1)", N_("Scroll the preview up"), show=False, id="import.page_up"),
    ]

    def __init__(self, repository, path: str = ""):
        super().__init__()
        self.repository = repository
        self.start_path = path
        self.plan = None
        self.source: Path | None = None
        self.format = "csv"

    def compose(self) -> ComposeResult:
        with Vertical(id="import"):
            yield Static(_("Import contacts from a file"), classes="form-title")
            yield Static(_("LinkedIn's Connections.csv, a vCard file (.vcf) or a folder of them, or a CSV with a "
                           "header row. Type its path, then enter to preview."), classes="intro")
            yield Input(self.start_path, placeholder=_("~/Downloads/Connections.csv"), id="import-path")
            with VerticalScroll(id="import-preview"):
                yield Static("", id="import-plan")
            keys = {name: keymap.keys_shown(self.BINDINGS, f"import.{name}", sep="/")
                    for name in ("page_up", "page_down", "apply", "cancel")}
            yield Static(_("enter preview · {page_up}/{page_down} scroll it · {apply} import · {cancel} cancel").format(
                **keys), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            return
        self.plan = None
        self.query_one("#import-plan", Static).update(_("Reading {path}…").format(path=text))
        self.preview(Path(text).expanduser())

    @work(thread=True, exclusive=True, group="import")
    def preview(self, path: Path) -> None:
        """Read and match in a worker (a file of thousands of contacts takes a moment)."""
        from store.contact_import import plan_import, read_contacts_file

        try:
            format, rows = read_contacts_file(path)
            plan = plan_import(self.repository, rows)
        except RelanceError as err:
            message = "; ".join(getattr(err, "errors", {}).values()) or str(err)
            self.app.call_from_thread(self.show_problem, path, message)
            return
        self.app.call_from_thread(self.show_plan, path, format, plan, getattr(rows, "unused_columns", []))

    def show_problem(self, path: Path, message: str) -> None:
        self.plan = None
        if message.startswith(str(path)):  # (the path said once)
            text = _("Cannot import: {problem}").format(problem=message)
        else:
            text = _("Cannot import {path}: {problem}").format(path=path, problem=message)
        self.query_one("#import-plan", Static).update(text)

    def show_plan(self, path: Path, format: str, plan, unused: list[str] = ()) -> None:
        self.plan, self.source, self.format = plan, path, format
        from store.contact_import import where

        names = {"linkedin": _("LinkedIn's Connections export"), "vcard": _("vCard file"), "csv": _("CSV file")}
        if path.is_dir():
            names["vcard"] = _("folder of vCard files")
        # the summary on a line of its own: a long path must not push it onto two lines
        lines = [_("{format}: {name}").format(format=names[format], name=path.name), plan.summary(format) + "."]
        if unused:  # (as the CLI says it: values of the file that no field takes)
            lines.append(_("Columns not used: {columns}.").format(columns=", ".join(unused)))
        lines.append("")
        body = plan.lines()
        lines += body[:SHOWN]
        if len(body) > SHOWN:
            lines.append(_("… and {count} more.").format(count=len(body) - SHOWN))
        if plan.problems:
            lines += ["", _("Not imported:")]
            lines += [_("{where}: {problem}").format(where=where(at), problem=problem) for at, problem in plan.problems[:SHOWN]]
        if plan.warnings:
            lines += ["", _("Imported without these values:")]
            lines += [_("{where}: {problem}").format(where=where(at), problem=warning) for at, warning in plan.warnings[:SHOWN]]
            if len(plan.warnings) > SHOWN:
                lines.append(_("… and {count} more.").format(count=len(plan.warnings) - SHOWN))
        lines += ["", _("ctrl+s imports it all in one write; esc leaves without writing anything.")
                  if plan.add or plan.update else _("Nothing to import: every contact is already there.")]
        self.query_one("#import-plan", Static).update("\n".join(lines))

    def action_apply(self) -> None:
        plan = self.plan
        if plan is None or not (plan.add or plan.update):
            self.app.bell()
            return
        from store.contact_import import apply_import

        self.plan = None  # (once)
        source = self.source or Path()

        def done(counts: tuple[int, int]) -> None:
            said = ngettext("Imported: {added} added, {updated} updated", "Imported: {added} added, {updated} updated",
                            counts[0]).format(added=counts[0], updated=counts[1])  # ("ajouté" by its count in French)
            if plan.warnings:  # (the values not kept: the preview of the same file lists them again)
                said += ", " + ngettext("{count} warning (a new preview of {file} lists it)",
                                        "{count} warnings (a new preview of {file} lists them)",
                                        len(plan.warnings)).format(count=len(plan.warnings), file=source.name)
            self.dismiss(said + ".")

        def failed(err) -> bool:
            self.plan = plan  # not written (a full disk...): ctrl+s can try again
            return False  # (and the reason is said as for any save)

        self.relance.store_job(lambda: apply_import(self.repository, plan), done, failed)

    def action_scroll_preview(self, direction: int) -> None:
        preview = self.query_one("#import-preview", VerticalScroll)
        if direction > 0:
            preview.scroll_page_down(animate=False)
        else:
            preview.scroll_page_up(animate=False)

    def action_cancel(self) -> None:
        self.dismiss(None)
