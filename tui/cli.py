"""The ``relance`` command: argument parsing, then one function per command.

Only the dashboard imports Textual (``tui.app``, about 0.3 s); ``add``,
``list``, ``export`` and ``import`` run on the store alone and start fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from store.errors import AmbiguousError, NotFoundError, RelanceError, ValidationError
from store.fields import Ref, Refs
from store.fmt import shown
from store.i18n import _
from store.models import MODELS, Record, Settings, a_kind

#: ``relance list contacts`` and ``relance list contact`` both work
KIND_NAMES = {**{kind: kind for kind in MODELS}, **{model.TABLE: kind for kind, model in MODELS.items()}}
ADDABLE = ("contact", "target", "opportunity", "mission", "interaction")


def version() -> str:
    try:
        from importlib.metadata import version as dist_version

        return dist_version("relance")
    except Exception:  # running from a source tree without an install
        return "0+unknown"


class VersionAction(argparse.Action):
    """--version, reading the installed version only when asked (importlib.metadata
    costs ~20 ms that every other command would pay)."""

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"relance {version()}")
        parser.exit(0)


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors (exit status 2)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, _("{prog}: error: {message} (see {prog} --help)\n").format(prog=self.prog, message=message))


def _date(text: str) -> date:
    from store.dates import in_range

    try:
        return in_range(date.fromisoformat(text), text)
    except ValueError as err:
        if "outside the years" in str(err):
            raise argparse.ArgumentTypeError(str(err)) from None
        raise argparse.ArgumentTypeError(_("expected a date as YYYY-MM-DD, got {value!r}").format(value=text)) from None


def _common() -> argparse.ArgumentParser:
    """--data and --today, accepted before or after the command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data", metavar="PATH", default=argparse.SUPPRESS,
        help=_("data file (default: $RELANCE_DATA, else $XDG_DATA_HOME/relance/relance.json)"),
    )
    common.add_argument(
        "--today", metavar="YYYY-MM-DD", type=_date, default=argparse.SUPPRESS,
        help=_("pretend today is this date (demos, tests)"),
    )
    return common


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _ref_alias(name: str) -> str | None:
    if name.endswith("_uid"):
        return _flag(name[: -len("_uid")])
    if name.endswith("_uids"):
        return _flag(name[: -len("_uids")] + "s")
    return None


def build_parser() -> Parser:
    common = _common()
    parser = Parser(
        prog="relance",
        description=_("A keyboard-driven dashboard that keeps your next mission coming. "
                      "Without a command, opens the dashboard."),
        parents=[common],
    )
    parser.add_argument("--version", action=VersionAction, nargs=0, help=_("print the version and exit"))
    parser.add_argument("--demo", action="store_true", help=_("open the dashboard on a temporary copy of the demo data"))
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    add = commands.add_parser("add", parents=[common], help=_("add a record without opening the dashboard"),
                              description=_("Add a record and print its uid."))
    kinds = add.add_subparsers(dest="record_kind", metavar="KIND", required=True, parser_class=Parser)
    for kind in ADDABLE:
        model = MODELS[kind]
        sub = kinds.add_parser(kind, parents=[common], help=_("add {a_kind}").format(a_kind=a_kind(kind)),
                               description=_("Add {a_kind}. References take a uid or an unambiguous name.").format(a_kind=a_kind(kind)))
        for name, ftype in model.field_types().items():
            if name in ("uid", "review_uid") or name == "created":
                continue
            flags = [_flag(name)]
            alias = _ref_alias(name) if isinstance(ftype, (Ref, Refs)) else None
            if alias:
                flags.append(alias)
            hint = model.field_help(name)
            what = ftype.expected or ""
            text = f"{what}; {hint}" if hint and what else (hint or what)
            if ftype.required:
                text = _("required; {text}").format(text=text)
            sub.add_argument(*flags, dest=name, metavar="VALUE", default=None, help=text)

    lister = commands.add_parser("list", parents=[common], help=_("list records of one kind"),
                                 description=_("List the records of one kind."))
    lister.add_argument("kind", metavar="KIND", choices=sorted(KIND_NAMES),
                        help=", ".join(MODELS))
    lister.add_argument("--json", action="store_true", help=_("print JSON documents"))

    export = commands.add_parser("export", parents=[common], help=_("export your data"),
                                 description=_("Export everything to a file."))
    export_formats = export.add_subparsers(dest="format", metavar="FORMAT", required=True, parser_class=Parser)
    export_json = export_formats.add_parser("json", parents=[common], help=_("the relance export format"),
                                            description=_("Write everything as a relance JSON export."))
    export_csv = export_formats.add_parser("csv", parents=[common], help=_("one kind of record as CSV"),
                                           description=_("Write one kind of record as CSV: a column per field "
                                                         "of the data contract, for a spreadsheet."))
    export_csv.add_argument("--kind", choices=("contacts", "targets", "opportunities", "missions"), default="contacts",
                            help=_("what to export (default: contacts)"))
    export_vcard = export_formats.add_parser("vcard", parents=[common], help=_("the contacts as vCards"),
                                             description=_("Write the contacts as vCard 3.0 cards, for a phone or "
                                                           "a mail client."))
    export_ics = export_formats.add_parser(
        "ics", parents=[common], help=_("follow-ups and deadlines for a calendar"),
        description=_("Write an iCalendar file: the follow-ups planned, the opportunities' next actions, the "
                      "missions' ends and the reviews due, as all-day events. Each keeps its UID from one "
                      "export to the next, so importing the file again updates a calendar instead of "
                      "doubling it."))
    for export_format in (export_json, export_csv, export_vcard, export_ics):
        export_format.add_argument("-o", "--output", metavar="FILE", default="-",
                                   help=_("file to write (default: standard output)"))

    importer = commands.add_parser("import", parents=[common], help=_("import data"),
                                   description=_("Import data from a file."))
    import_formats = importer.add_subparsers(dest="format", metavar="FORMAT", required=True, parser_class=Parser)
    import_json = import_formats.add_parser("json", parents=[common], help=_("a relance JSON export"),
                                            description=_("Load a relance JSON export into an empty data file."))
    import_json.add_argument("file", metavar="FILE", help=_("export file to read"))
    import_json.add_argument("--replace", action="store_true",
                             help=_("replace the data that is there (it is backed up first)"))
    import_csv = import_formats.add_parser(
        "csv", parents=[common], help=_("contacts from a CSV file (a spreadsheet, a mail client)"),
        description=_("Add the contacts of a CSV file whose first row names the columns. Usual headers "
                      "(Name or First/Last Name, Company, Title, E-mail, Phone, URL, Tags, Notes) are "
                      "recognised; --map says the others. Contacts already there are completed, never doubled."))
    import_csv.add_argument("file", metavar="FILE", help=_("the CSV file"))
    import_csv.add_argument("--map", metavar="FIELD=HEADER,...", default="",
                            help=_("which column holds a field, e.g. --map name=Contact,company=Société"))
    import_vcard = import_formats.add_parser(
        "vcard", parents=[common], help=_("contacts from a vCard file (.vcf)"),
        description=_("Add the contacts of a vCard file (3.0 or 4.0, many cards a file), as a phone or a "
                      "mail client exports them. Contacts already there are completed, never doubled."))
    import_vcard.add_argument("file", metavar="FILE", help=_("the .vcf file"))
    import_linkedin = import_formats.add_parser(
        "linkedin", parents=[common], help=_("LinkedIn's Connections export (Connections.csv)"),
        description=_("Add the contacts of LinkedIn's Connections export. A contact already there (same "
                      "e-mail, same profile URL, or same name and company) is not added again: its empty "
                      "fields are filled and the tags added. Everything is written at once."))
    import_linkedin.add_argument("file", metavar="FILE", help=_("the Connections.csv file"))
    for contacts_import in (import_csv, import_vcard, import_linkedin):
        contacts_import.add_argument("--circle", choices=("natural", "professional"), default="natural",
                                     help=_("circle of the contacts added (default: natural)"))
        contacts_import.add_argument("--tag", action="append", default=[], metavar="TAG",
                                     help=_("tag every imported contact (may be repeated)"))
        contacts_import.add_argument("--dry-run", action="store_true",
                                     help=_("print what would be added, updated and skipped; write nothing"))
    status = commands.add_parser(
        "status", parents=[common], help=_("the revenue gap, the prospecting deadline and today's follow-ups"),
        description=_("Print the months ahead against your target, when income falls short, by when to start "
                      "prospecting, and the follow-ups due."))
    form = status.add_mutually_exclusive_group()
    form.add_argument("--short", action="store_true", help=_("one line, for a shell prompt or a login message"))
    form.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
    status.add_argument("--months", metavar="N", type=_months, default=None,
                        help=_("months to show, the current one first (default: the horizon of the settings)"))

    settings = commands.add_parser(
        "settings", parents=[common], help=_("show or change the settings (monthly target, daily rate...)"),
        description=_("Without options, print the settings. With options, change them: "
                      "relance settings --target-monthly 11000 --daily-rate 650"))
    for name, ftype in Settings.field_types().items():
        if name == "uid":
            continue
        hint = Settings.field_help(name)
        what = ftype.expected or ""
        settings.add_argument(_flag(name), dest=name, metavar="VALUE", default=None,
                              help=f"{what}; {hint}" if hint and what else (hint or what))
    doctor = commands.add_parser(
        "doctor", parents=[common], help=_("check the data file and its folder; --fix repairs what is safe"),
        description=_("Check the data path, ownership and permissions, the lock file, the JSON, the schema, "
                      "references and uids, leftover temp files and the backups. One line per finding; the "
                      "exit status is 1 when something is wrong."))
    doctor.add_argument("--fix", action="store_true",
                        help=_("repair what is safe (permissions, temp files, dangling references, an old schema), "
                               "after a backup"))

    commands.add_parser("backup", parents=[common], help=_("keep a copy of the data file now"),
                        description=_("Keep the data file as it is now in backups/ beside it."))
    restore = commands.add_parser(
        "restore", parents=[common], help=_("list the backups, or put one back"),
        description=_("Without an argument, list the backups with their date, size and records. With one, "
                      "restore it (the current file is kept as a backup first)."))
    restore.add_argument("backup", metavar="BACKUP", nargs="?", help=_("a number from the list, a backup's name, or a file"))
    return parser


#: what ``json.dumps(ensure_ascii=False)`` leaves as it is that a terminal takes as a command
_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def json_text(value: Any) -> str:
    """``value`` as readable JSON (``ensure_ascii=False``, indented) with DEL and the C1
    controls escaped too (``\\u009b``), as JSON escapes the C0 ones: a field relance does
    not know, kept as the file holds it, never reaches the terminal as a command."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return _RAW_CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 36:
        raise argparse.ArgumentTypeError(_("expected a number of months from 1 to 36, got {value!r}").format(value=text))
    return value


# -- commands ---------------------------------------------------------------------------


def _open(args: argparse.Namespace):
    from store.paths import resolve_data_path
    from store.repository import Repository

    repo = Repository(resolve_data_path(getattr(args, "data", None)), today=getattr(args, "today", None))
    report_migration(repo)
    return repo


def report_migration(repo) -> None:
    if repo.migrated:
        old, new, backup = repo.migrated
        print(_("relance: {path} was migrated from schema {old} to {new}; the previous version is kept in {backup}.").format(
            path=repo.path, old=old, new=new, backup=backup), file=sys.stderr)


def cmd_add(args: argparse.Namespace, parser: Parser) -> int:
    model = MODELS[args.record_kind]
    repo = _open(args)
    data: dict[str, Any] = {}
    for name, ftype in model.field_types().items():
        raw = getattr(args, name, None)
        if raw is None:
            continue
        try:
            if isinstance(ftype, Ref) and raw.strip():
                raw = repo.find(ftype.kind, raw).uid
            elif isinstance(ftype, Refs):
                raw = [repo.find(ftype.kind, part).uid for part in raw.split(",") if part.strip()]
        except (NotFoundError, AmbiguousError) as err:
            parser.exit(2, _("relance add {kind}: error: {flag}: {problem}\n").format(
                kind=args.record_kind, flag=_flag(name), problem=err))
        data[name] = raw
    try:
        record = repo.add(args.record_kind, data)
    except ValidationError as err:
        problems = err.sentences(_flag)
        parser.exit(2, _("relance add {kind}: error: {problems}\n").format(kind=args.record_kind, problems=problems))
    print(record.uid)
    return 0


LIST_COLUMNS = {
    "contact": ("name", "company", "circle", "last_contact", "next_follow_up"),
    "target": ("name", "status", "decision_maker", "sector"),
    "opportunity": ("title", "organisation", "stage", "daily_rate", "expected_start"),
    "mission": ("client", "title", "start", "end", "daily_rate", "days_per_week"),
    "interaction": ("date", "kind", "contact_uid", "summary"),
    "review": ("mission_uid", "created", "completed"),
}


def cmd_list(args: argparse.Namespace) -> int:
    kind = KIND_NAMES[args.kind]
    repo = _open(args)
    records = repo.list(kind)
    if args.json:
        sys.stdout.write(json_text([r.to_doc() for r in records]) + "\n")
        return 0
    columns = LIST_COLUMNS[kind]
    names: dict[str, str] = {}
    for column in columns:
        if column.endswith("_uid"):
            ref_kind = column[: -len("_uid")]
            names.update({r.uid: r.label() for r in repo.list(ref_kind)})
    key = columns[0]
    records.sort(key=lambda r: str(getattr(r, key) or "").casefold())
    # a reference shows the referenced record's name; any other field as the forms show it
    types = MODELS[kind].field_types()
    shown = [(column, (lambda uid: names.get(uid or "", "")) if column.endswith("_uid") else types[column].display)
             for column in columns]
    rows = [["uid", *columns]] + [[r.uid[:8], *(show(getattr(r, column)) for column, show in shown)] for r in records]
    widths = [min(40, max(len(row[i]) for row in rows)) for i in range(len(rows[0]))]
    out = sys.stdout
    for row in rows:
        cells = [cell if len(cell) <= width else cell[: width - 1] + "…" for cell, width in zip(row, widths)]
        out.write("  ".join(cell.ljust(width) for cell, width in zip(cells, widths)).rstrip() + "\n")
    if not records:
        out.write(_("(no {kind} yet)").format(kind=kind) + "\n")
    return 0


class ExportError(RelanceError):
    """-o names a place the export cannot go."""


def _export_target(args: argparse.Namespace, repo) -> Path | None:
    """Where ``-o`` asks the export to go (None: standard output); a place it cannot be
    written is a usage error, said before anything is made."""
    if args.output == "-":
        return None
    target = Path(args.output).expanduser()
    problem = None
    if target.is_dir():
        problem = _("{path} is a folder: give the file to write in it.")
    elif not target.parent.is_dir():
        problem = _("there is no folder {folder} to write {path} in.")
    elif target.resolve() in (repo.path, repo.storage.lock_path):
        problem = _("{path} is the data file itself: the export goes in a file of its own.")
    if problem:
        raise ExportError(problem.format(path=target, folder=target.parent))
    return target


def cmd_export(args: argparse.Namespace, parser: Parser) -> int:
    repo = _open(args)
    try:
        target = _export_target(args, repo)
    except ExportError as err:
        parser.exit(2, _("relance export: error: {problem}\n").format(problem=err))
    if args.format == "csv":
        text = export_csv(repo, args.kind)
    elif args.format == "vcard":
        from store.contact_import import write_vcards

        text = write_vcards(sorted(repo.list("contact"), key=lambda c: c.name.casefold()))
    elif args.format == "ics":
        from store.calendar_export import write_ics

        text = write_ics(repo)
    else:
        text = json_text(repo.export()) + "\n"
    if target is None:
        sys.stdout.write(text)
        return 0
    from store.files import replace_file

    # a file beside the target, then put in its place: a reader never sees half an export
    try:
        replace_file(target, text.encode("utf-8"))
    except OSError as err:  # a full disk, no right to write there...
        raise RelanceError(_("Could not write {path}: {reason}. Nothing was written.").format(
            path=target, reason=err.strerror or err)) from None
    print(_("Exported to {path}.").format(path=target), file=sys.stderr)
    return 0


def export_csv(repo, table: str) -> str:
    """One kind of record as CSV: a column per field of the contract, values as a form shows them."""
    import csv
    import io

    from store.contact_import import spreadsheet_text

    model = MODELS[KIND_NAMES[table]]
    types = model.field_types()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(types))
    for record in sorted(repo.list(model.KIND), key=lambda r: r.label().casefold()):
        writer.writerow([spreadsheet_text(ftype.display(getattr(record, name))) for name, ftype in types.items()])
    return out.getvalue()


def cmd_import(args: argparse.Namespace, parser: Parser) -> int:
    if args.format in ("linkedin", "csv", "vcard"):
        return cmd_import_contacts(args, parser)
    source = Path(args.file)
    try:
        text = source.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        parser.exit(2, _("relance import json: error: {path}: no such file.\n").format(path=source))
    except IsADirectoryError:
        parser.exit(2, _("relance import json: error: {path} is a folder: give the file in it.\n").format(path=source))
    except UnicodeDecodeError as err:  # (an export is always UTF-8)
        parser.exit(2, _("relance import json: error: {path}: not UTF-8 text (byte {at}): not a relance export.\n").format(
            path=source, at=err.start))
    except OSError as err:
        parser.exit(2, _("relance import json: error: {path}: cannot read it: {reason}.\n").format(
            path=source, reason=err.strerror or err))
    from store.jsontext import loads

    try:
        payload = loads(text)
    except json.JSONDecodeError as err:
        parser.exit(2, _("relance import json: error: {path}: not valid JSON: {msg} at line {line}, column {col}\n").format(
            path=source, msg=err.msg, line=err.lineno, col=err.colno))
    repo = _open(args)
    had_data = not repo.is_empty()
    try:
        counts = repo.import_data(payload, replace=args.replace)
    except ValidationError as err:
        problems = err.sentences(first=20)
        more = len(err.errors) - 20
        if more > 0:
            problems += " " + _("(and {count} more problems)").format(count=more)
        parser.exit(2, _("relance import json: error: {path}: nothing was imported: {problems}\n").format(
            path=source, problems=problems))
    summary = ", ".join(f"{count} {table}" for table, count in counts.items())
    print(_("Imported {summary} into {path}.").format(summary=summary, path=repo.path))
    if had_data:
        print(_("The previous data was kept in {backup}.").format(backup=repo.storage.backups.list()[0]))
    return 0


def cmd_import_contacts(args: argparse.Namespace, parser: Parser) -> int:
    """``relance import linkedin|vcard|csv``: plan, show, then apply in one write (or not: --dry-run)."""
    from store.contact_import import apply_import, plan_import, read_contacts_file

    source = Path(args.file)
    where = f"relance import {args.format}"
    mapping = {}
    for pair in filter(None, (part.strip() for part in getattr(args, "map", "").split(","))):
        name, sep, header = pair.partition("=")
        if not sep:
            parser.exit(2, _("{where}: error: --map {pair!r}: write FIELD=HEADER.\n").format(where=where, pair=pair))
        mapping[name.strip()] = header.strip()
    try:
        _format, rows = read_contacts_file(source, args.format, mapping)
    except ValidationError as err:
        problem = " ".join(f"{k}: {v}" if k.startswith("--") else v for k, v in err.errors.items())
        if not problem.startswith(str(source)):
            problem = f"{source}: {problem}"
        parser.exit(2, _("{where}: error: {problem}\n").format(where=where, problem=problem))
    repo = _open(args)
    plan = plan_import(repo, rows, circle=args.circle, tags=args.tag)
    for line, problem in plan.problems:
        print(_("{path}, line {line}: {problem}").format(path=source.name, line=line, problem=problem), file=sys.stderr)
    if args.dry_run:
        for line in plan.lines():
            print(line)
        print(_("Dry run, nothing written: {summary}.").format(summary=plan.summary()))
        return 0
    added, updated = apply_import(repo, plan) if plan.add or plan.update else (0, 0)
    print(_("Imported from {path}: {added} added, {updated} updated, {skipped} already there, {problems} with problems.").format(
        path=source.name, added=added, updated=updated, skipped=len(plan.skipped), problems=len(plan.problems)))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from store.headlines import short_line, status_json

    from tui.status import FOLLOW_UPS_SHOWN

    repo = _open(args)
    forecast = repo.forecast(months=args.months)
    if args.json:
        _count, due = repo.follow_ups_due()
        sys.stdout.write(json_text(status_json(forecast, due)) + "\n")
    elif args.short:
        count, _due = repo.follow_ups_due(first=0)
        print(short_line(forecast, count))
    else:
        from tui.status import print_status  # Rich only

        count, due = repo.follow_ups_due(first=FOLLOW_UPS_SHOWN)
        print_status(forecast, count, due)
    return 0


def cmd_settings(args: argparse.Namespace, parser: Parser) -> int:
    repo = _open(args)
    changes = {name: getattr(args, name) for name in Settings.field_types() if getattr(args, name, None) is not None}
    if changes:
        try:
            repo.set_settings(changes)
        except ValidationError as err:
            problems = err.sentences(_flag)
            parser.exit(2, _("relance settings: error: {problems}\n").format(problems=problems))
    settings = repo.settings()
    types = settings.field_types()
    width = max(len(_flag(name)) - 2 for name in types)
    for name, ftype in types.items():
        if name == "uid":
            continue
        print(f"{_flag(name)[2:]:<{width}}  {ftype.display(getattr(settings, name))}".rstrip())
    if changes:
        print(_("Saved to {path}.").format(path=repo.path), file=sys.stderr)
    return 0


def _source(args: argparse.Namespace) -> str:
    if getattr(args, "data", None):
        return _("from --data")
    if os.environ.get("RELANCE_DATA"):
        return _("from $RELANCE_DATA")
    return _("the default location")


def cmd_doctor(args: argparse.Namespace) -> int:
    from store.doctor import diagnose, problems, repair
    from store.paths import resolve_data_path

    path = resolve_data_path(getattr(args, "data", None))
    failed: list = []
    if args.fix:
        done = repair(path)
        for finding in done:
            print(finding.line())
        failed = problems(done)  # (a repair that could not be done: a read-only disk...)
    findings = diagnose(path, _source(args))
    for finding in findings:
        print(finding.line())
    wrong = problems(findings) + failed
    if wrong:
        print(_("{count} problem(s) found.").format(count=len(wrong)) + ("" if args.fix else " " + _("relance doctor --fix repairs what is safe.")))
        return 1
    print(_("Nothing wrong."))
    return 0


def _storage(args: argparse.Namespace, command: str):
    """The storage of an existing data file (nothing is created for a file that is not there)."""
    from store.paths import resolve_data_path
    from store.storage import DurableStorage

    path = resolve_data_path(getattr(args, "data", None))
    if not path.exists():
        raise RelanceError(_("{command}: there is no data file at {path} yet.").format(command=command, path=path))
    return DurableStorage(path)


def cmd_backup(args: argparse.Namespace) -> int:
    storage = _storage(args, "backup")
    print(storage.backup_now())
    return 0


def _size(n: int) -> str:
    return f"{n / 1024:.1f} kB" if n >= 1024 else f"{n} B"


def cmd_restore(args: argparse.Namespace) -> int:
    from store.restore import find_backup, list_backups, restore

    storage = _storage(args, "restore")
    if not args.backup:
        items = list_backups(storage)
        if not items:
            print(_("No backup of {path} yet: one is kept at every save, or run relance backup.").format(path=storage.path))
            return 0
        print(_("Backups of {path}, newest first (relance restore N puts one back):").format(path=storage.path))
        for item in items:
            when = item.when.strftime("%Y-%m-%d %H:%M:%S") if item.when else "?"
            print(f"{item.number:>3}  {when}  {_size(item.size):>9}  {item.summary()}")
        return 0
    chosen = find_backup(storage, args.backup)
    kept = restore(storage, chosen)
    print(_("Restored {backup} ({summary}) into {path}.").format(backup=chosen.path, summary=chosen.summary(), path=storage.path))
    if kept is not None:
        print(_("The file it replaced is kept in {kept}.").format(kept=kept))
    return 0


def run_dashboard(args: argparse.Namespace) -> int:
    import gc
    import shutil
    import tempfile

    # No garbage-collector passes until the first screen is drawn: loading makes hundreds
    # of thousands of objects and no garbage, and each full pass walked them all again.
    # The app turns it back on once the data is loaded (``check_whole_file``).
    gc.disable()

    from store.paths import resolve_data_path
    from store.repository import Repository

    demo_dir = None
    try:
        if args.demo:
            from seeds.demo import build_demo

            demo_dir = tempfile.mkdtemp(prefix="relance-demo-")
            repo = Repository(Path(demo_dir) / "relance.json", today=getattr(args, "today", None))
            repo.import_data(build_demo(repo.today))
        else:
            repo = Repository(resolve_data_path(getattr(args, "data", None)), today=getattr(args, "today", None))
            report_migration(repo)
            # what the first screen shows: a damaged table there is reported before the
            # screen opens; the interactions are read after it is drawn (and checked then)
            repo.load("contact", "target", "opportunity", "mission", "review")
        from tui.app import make_app  # Textual is imported here only

        app = make_app(repo, demo=args.demo)
        if demo_dir:
            app.exit_hooks = [lambda: shutil.rmtree(demo_dir, ignore_errors=True)]
        app.run()
        return app.return_code or 0
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)


#: a control character (C0, DEL, C1) but a line break or a tab
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


#: the arguments that name a file or a column, which messages quote as they are
_QUOTED_ARGUMENTS = ("data", "file", "output", "map", "backup")


def _refuse_control_characters(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A path (``--data``, ``RELANCE_DATA``, a file, ``-o``), a --map or a backup's name
    holding an escape sequence would reach the terminal in the messages that quote it:
    refused, shown escaped. (A record's values are cleaned instead, as everywhere.)"""
    values = [getattr(args, name, None) for name in _QUOTED_ARGUMENTS] + [os.environ.get("RELANCE_DATA")]
    for value in values:
        if isinstance(value, str) and _CONTROL.search(value):
            parser.error(_("{value} holds a control character; type it without.").format(value=shown(value)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _refuse_control_characters(parser, args)
    try:
        if args.command is None:
            return run_dashboard(args)
        if args.demo:
            parser.error(_("--demo opens the dashboard; it cannot be used with a command"))
        commands = {
            "add": lambda: cmd_add(args, parser), "list": lambda: cmd_list(args), "export": lambda: cmd_export(args, parser),
            "import": lambda: cmd_import(args, parser), "status": lambda: cmd_status(args),
            "settings": lambda: cmd_settings(args, parser), "doctor": lambda: cmd_doctor(args),
            "backup": lambda: cmd_backup(args), "restore": lambda: cmd_restore(args),
        }
        if args.command in commands:
            return commands[args.command]()
    except RelanceError as err:
        print(_("relance: {message}").format(message=err), file=sys.stderr)
        return 1
    except BrokenPipeError:  # relance list | head
        return 0
    parser.error(_("unknown command {name!r}").format(name=args.command))


if __name__ == "__main__":
    sys.exit(main())
