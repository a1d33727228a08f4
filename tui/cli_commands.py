"""What each ``relance`` command does, once :mod:`tui.cli` has read its arguments.

Only the dashboard imports Textual (``tui.app``, about 0.3 s); ``add``, ``list``,
``export``, ``import`` and the others run on the store alone and start fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import stat
import sys
from pathlib import Path
from typing import Any

from store.errors import AmbiguousError, NotFoundError, RelanceError, ValidationError
from store.fields import Choice, Ref, Refs, has_line_break
from store import fmt
from store.fmt import shown
from store.i18n import _, language, set_language
from store.models import MODELS, Record, Settings, a_kind, counted, kind_name

def cli_kind(kind: str) -> str:
    """A kind as the command line writes it: ``time-off`` for ``time_off``."""
    return kind.replace("_", "-")


#: every name the command line takes for a kind -> the kind: ``relance list contacts`` and
#: ``relance list contact`` both work, ``time-off`` and ``time_off``
KIND_NAMES = {**{kind: kind for kind in MODELS}, **{model.TABLE: kind for kind, model in MODELS.items()},
              **{cli_kind(kind): kind for kind in MODELS}}


def flag(name: str) -> str:
    """The option of a field: ``--daily-rate`` for ``daily_rate``."""
    return "--" + name.replace("_", "-")


def option(name: str) -> str:
    """The option a user types for a field, as messages name it: ``--contact`` for
    ``contact_uid``, ``--targets`` for ``target_uids`` (the parser's other spelling)."""
    if name.endswith("_uids"):
        return flag(name[: -len("_uids")] + "s")
    return flag(name[: -len("_uid")]) if name.endswith("_uid") else flag(name)


#: what ``json.dumps(ensure_ascii=False)`` leaves as it is that a terminal takes as a command
_RAW_CONTROL = re.compile("[\x7f-\x9f]")


def json_text(value: Any) -> str:
    """``value`` as readable JSON (``ensure_ascii=False``, indented) with DEL and the C1
    controls escaped too (``\\u009b``), as JSON escapes the C0 ones: a field relance does
    not know, kept as the file holds it, never reaches the terminal as a command."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    return _RAW_CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)



def _open(args: argparse.Namespace):
    from store.paths import resolve_data_path
    from store.repository import Repository

    repo = Repository(resolve_data_path(getattr(args, "data", None)), today=getattr(args, "today", None))
    set_language(repo.settings().language)  # (the settings are read with the file: no read more)
    report_migration(repo)
    return repo


def _speak_stored_language(path: Path) -> None:
    """doctor, backup and restore do not open the file through the repository (it may be
    damaged, or another's): its settings' language is read alone, cheaply; the
    environment's when it cannot be."""
    from store.layout import stored_language

    set_language(stored_language(path))


def report_migration(repo) -> None:
    if repo.migrated:
        old, new, backup = repo.migrated
        print(_("relance: {path} was migrated from schema {old} to {new}; the previous version is kept in {backup}.").format(
            path=repo.path, old=old, new=new, backup=backup), file=sys.stderr)
    elif repo.unmigrated:
        print(unmigrated_text(repo), file=sys.stderr)


def unmigrated_text(repo) -> str:
    """Why an older file is read as it is (the dashboard says it too)."""
    from store.layout import SCHEMA

    old, why = repo.unmigrated
    return _("relance: {path} is of schema {old} and could not be migrated to schema {new} here, so it is read as it "
             "is; the first change will migrate it. ({why})").format(path=repo.path, old=old, new=SCHEMA, why=why)


class DuplicateError(RelanceError):
    """``relance add`` of a record identical to one already there, without ``--force``."""


def defaults(model: type[Record]) -> dict[str, Any]:
    """The fields ``relance add`` fills with a default when they are not given (the
    contract requires a value and has one: a contact's circle, a mission's source):
    field -> its default."""
    found = {}
    for spec in dataclasses.fields(model):
        if spec.metadata["type"].required and spec.default not in (dataclasses.MISSING, None, ""):
            found[spec.name] = spec.default
    return found


def given_fields(model: type[Record]) -> list[str]:
    """The fields ``relance add`` and ``edit`` take as options (not those relance fills in)."""
    return [name for name in model.field_types() if name not in ("uid", "review_uid", "created")]


def command_name(args: argparse.Namespace) -> str:
    """``relance add contact``, ``relance edit mission``: how messages name the command."""
    return f"relance {args.command} {cli_kind(KIND_NAMES[args.record_kind])}"


def _given(args: argparse.Namespace, model: type[Record], repo, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The values given as options, references made uids (a reference no record answers
    to is a usage error). A line break is kept in a text of several lines (notes...) and
    refused in any other field: the store would make it a space without a word."""
    data: dict[str, Any] = {}
    types = model.field_types()
    for name in given_fields(model):
        ftype, raw = types[name], getattr(args, name, None)
        if raw is None:
            continue
        if not ftype.multiline and has_line_break(raw):
            kept = ", ".join(option(other) for other in given_fields(model) if types[other].multiline)
            parser.exit(2, _("{command}: error: {flag}: one line only, and the value holds a line break (line breaks "
                             "are kept in {kept}).\n").format(command=command_name(args), flag=option(name), kept=kept))
        try:
            if isinstance(ftype, Ref) and raw.strip():
                raw = repo.find(ftype.kind, raw).uid
            elif isinstance(ftype, Refs):
                raw = [repo.find(ftype.kind, part).uid for part in raw.split(",") if part.strip()]
        except (NotFoundError, AmbiguousError) as err:
            parser.exit(2, _("{command}: error: {flag}: {problem}\n").format(
                command=command_name(args), flag=option(name), problem=err))
        data[name] = raw
    return data


def _filled_in(model: type[Record], given: dict[str, Any], usual: dict[str, Any], record: Record) -> list[str]:
    """A sentence for each value of ``record`` the user did not type: a default, or a
    value from the settings."""
    types = model.field_types()
    notes = []
    for name, default in defaults(model).items():
        if name not in given:
            ftype = types[name]
            value = ftype.edit_text(getattr(record, name))
            if isinstance(ftype, Choice):  # (labels, not the stored English values: both are read back)
                notes.append(_("{flag}: {value}, the default (one of {choices}).").format(
                    flag=option(name), value=ftype.label(getattr(record, name)), choices=", ".join(ftype.labels())))
            else:
                notes.append(_("{flag}: {value}, the default.").format(flag=option(name), value=value))
    for name in usual:
        notes.append(_("{flag}: {value}, your usual one from the settings (relance settings {flag}).").format(
            flag=option(name), value=types[name].edit_text(getattr(record, name))))
    return notes


def cmd_add(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Add a record; its uid is the only line on stdout, what was filled in and a refusal
    go to stderr. A record identical to one already there (``lookup.identical_record``)
    is refused, exit 1, unless ``--force``."""
    from store.rules import usual_values

    kind = KIND_NAMES[args.record_kind]
    model = MODELS[kind]
    repo = _open(args)
    given = _given(args, model, repo, parser)
    usual = {name: value for name, value in usual_values(kind, repo.settings()).items()
             if not str(given.get(name) or "").strip()}
    data = {**given, **usual}
    met_today = kind == "opportunity" and "first_contact" not in given and "closed" not in given
    if met_today:
        # a lead added today was met today, as a rule (the dashboard's form says so too): it
        # counts at once among the week's new leads of the plan, which go by first contact
        data["first_contact"] = repo.today
    try:
        with repo.transaction():  # (the check and the add in one write: no twin in between)
            twin = repo.identical(repo.build(kind, data))
            if twin is not None and not args.force:
                raise DuplicateError(_(
                    "{kind_name} {label!r} ({uid}) is already there with the same values in every field: "
                    "nothing was added (--force adds it again).").format(
                        kind_name=kind_name(kind).capitalize(), label=twin.label(), uid=twin.uid[:8]))
            # an interaction moves its contact's last contact and follow-up, as the dashboard's l does
            record = repo.log_interaction(data) if kind == "interaction" else repo.add(kind, data)
    except ValidationError as err:
        parser.exit(2, _("relance add {kind}: error: {problems}\n").format(kind=cli_kind(kind), problems=_problems(err, kind)))
    print(record.uid)
    notes = _filled_in(model, given, usual, record)
    if kind == "interaction":
        contact = repo.get("contact", record.contact_uid)
        follow_up = fmt.day(contact.next_follow_up) if contact.next_follow_up else _("none")
        notes.append(_("{name}: last contact {last}, next follow-up {next}.").format(
            name=shown(contact.label(), limit=60), last=fmt.day(contact.last_contact), next=follow_up))
    if met_today:
        notes.append(_("{flag}: today, {day}, so it counts among this week's new leads (give another date, or \"\", "
                       "with {flag}).").format(flag=option("first_contact"), day=fmt.day(record.first_contact)))
    print(" ".join([_("Added {a_kind}: {label} ({uid}).").format(  # (a line break shown as \\n, as edit does)
        a_kind=a_kind(kind), label=shown(record.label(), limit=60), uid=record.uid[:8]), *notes]), file=sys.stderr)
    return 0


def _problems(err: ValidationError, kind: str) -> str:
    """The sentences of a refused add; a required field the settings could give says so."""
    from store.rules import FROM_SETTINGS

    for name, source in FROM_SETTINGS.get(kind, {}).items():
        if err.errors.get(name) == _("is required."):
            err.errors[name] = _("is required when the settings hold no usual one: give {flag}, or set it "
                                 "once with relance settings {setting}.").format(flag=option(name), setting=flag(source))
    return err.sentences(option)


from .cli_list import LIST_COLUMNS, cmd_list  # noqa: E402,F401  (relance list: a module of its own)


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


def _previous_export(target: Path | None) -> str | None:
    """The text of the file an export replaces (the calendar export keeps what it said of
    the entries that did not change); None when there is none or it cannot be read."""
    if target is None:
        return None
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK)  # (a pipe would wait for a writer)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as file:
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # (a pipe, a device: nothing to read back)
                return None
            return file.read(64 * 1024 * 1024).decode("utf-8", "replace")
        except OSError:
            return None


def cmd_export(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    repo = _open(args)
    try:
        target = _export_target(args, repo)
    except ExportError as err:
        parser.exit(2, _("relance export: error: {problem}\n").format(problem=err))
    import itertools

    end = ""  # (after the pieces: a line break after the JSON)
    if args.format == "csv":
        from store.csv_export import write_csv

        text = write_csv(repo, args.kind)
    elif args.format == "vcard":
        from store.vcard import sorted_cards

        pieces, text = iter(sorted_cards(repo.batches("contact"))), None  # (a card at a time)
    elif args.format == "ics":
        from store.calendar_export import ics_pieces

        pieces, text = ics_pieces(repo, previous=_previous_export(target)), None  # (an event at a time)
    else:
        from store.transfer import export_pieces

        end = "\n"

        # (piece by piece: 2,000 records at a time, not 90,000 documents and their text)
        pieces = export_pieces(repo.settings(), repo.batches, clean=lambda text: _RAW_CONTROL.sub(
            lambda match: f"\\u{ord(match.group()):04x}", text))
        text = None
    if target is None:
        if text is None:
            for piece in pieces:
                sys.stdout.write(piece)
            sys.stdout.write(end)
        else:
            sys.stdout.write(text)
        return 0
    from store.files import replace_file

    # a file beside the target, then put in its place: a reader never sees half an export
    try:
        replace_file(target, text.encode("utf-8") if text is not None else
                     (piece.encode("utf-8") for piece in itertools.chain(pieces, [end])))
    except OSError as err:  # a full disk, no right to write there...
        raise RelanceError(_("Could not write {path}: {reason}. Nothing was written.").format(
            path=target, reason=err.strerror or err)) from None
    print(_("Exported to {path}.").format(path=target), file=sys.stderr)
    return 0


def _read_export_whole(source: Path, parser: argparse.ArgumentParser) -> Any:
    """The export parsed whole (the path for any export the record-at-a-time read does not
    take), or the one-line error saying what is wrong with the file."""
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
        return loads(text)
    except json.JSONDecodeError as err:
        parser.exit(2, _("relance import json: error: {path}: not valid JSON: {msg} at line {line}, column {col}\n").format(
            path=source, msg=err.msg, line=err.lineno, col=err.colno))


def cmd_import(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.format in ("linkedin", "csv", "vcard"):
        return cmd_import_contacts(args, parser)
    from datetime import date

    from store.export_stream import read_export

    source = Path(args.file)
    # a record at a time when it can (see store/export_stream.py: the text is never held
    # whole), else read and parsed whole, which also says what is wrong with the file
    streamed = None
    try:
        with open(source, "rb") as handle:
            streamed = read_export(handle, getattr(args, "today", None) or date.today())
    except OSError:
        pass  # (said by the whole read)
    payload = None
    if streamed is None:
        payload = _read_export_whole(source, parser)
    repo = _open(args)
    had_data = not repo.is_empty()
    try:
        counts = (repo.import_data(payload, replace=args.replace) if streamed is None
                  else repo.import_streamed(streamed, replace=args.replace))
    except ValidationError as err:
        problems = err.sentences(first=20)
        more = len(err.errors) - 20
        if more > 0:
            problems += " " + _("(and {count} more problems)").format(count=more)
        parser.exit(2, _("relance import json: error: {path}: nothing was imported: {problems}\n").format(
            path=source, problems=problems))
    summary = ", ".join(counted(table, count) for table, count in counts.items())
    print(_("Imported {summary} into {path}.").format(summary=summary, path=repo.path))
    if had_data:
        print(_("The previous data was kept in {backup}.").format(backup=repo.storage.backups.list()[0]))
    return 0


def cmd_import_contacts(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """``relance import linkedin|vcard|csv``: plan, show, then apply in one write (or not: --dry-run)."""
    from store.contact_import import apply_import, plan_import, read_contacts_file
    from store.contact_import import where as place

    source = Path(args.file)
    where = f"relance import {args.format}"
    mapping = {}
    for pair in filter(None, (part.strip() for part in getattr(args, "map", "").split(","))):
        name, sep, header = pair.partition("=")
        if not sep:
            parser.exit(2, _("{where}: error: --map {pair!r}: write FIELD=HEADER.\n").format(where=where, pair=pair))
        mapping[name.strip()] = header.strip()
    try:
        read_as, rows = read_contacts_file(source, args.format, mapping)
    except ValidationError as err:
        problem = " ".join(_("{where}: {problem}").format(where=k, problem=v) if k.startswith("--") else v
                           for k, v in err.errors.items())
        if not problem.startswith(str(source)):
            problem = _("{where}: {problem}").format(where=source, problem=problem)
        parser.exit(2, _("{where}: error: {problem}\n").format(where=where, problem=problem))
    repo = _open(args)
    if getattr(rows, "unused_columns", None):  # (a CSV's columns that hold values no field takes)
        print(_("{path}: columns not used: {columns}.").format(
            path=source.name, columns=", ".join(rows.unused_columns)), file=sys.stderr)
    plan = plan_import(repo, rows, circle=args.circle, tags=args.tag)
    # (a folder's rows name their own file: "alice.vcf, line 3"; a file's, "cards.vcf, line 3")
    prefix = "" if source.is_dir() else source.name + ", "
    for at, problem in plan.problems:
        print(_("{where}: {problem}").format(where=prefix + place(at), problem=problem), file=sys.stderr)
    for at, warning in plan.warnings:
        print(_("{where}: {problem}").format(where=prefix + place(at), problem=warning), file=sys.stderr)
    if args.dry_run:
        for line in plan.lines():
            print(line)
        print(_("Dry run, nothing written: {summary}.").format(summary=plan.summary(read_as)))
        return 0
    added, updated = apply_import(repo, plan) if plan.add or plan.update else (0, 0)
    said = _("Imported from {path}: {summary}").format(path=source.name, summary=plan.summary(read_as, (added, updated)))
    print(said + ".")
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


def cmd_settings(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from store import config

    repo = _open(args)
    changes = {name: getattr(args, name) for name in Settings.field_types() if getattr(args, name, None) is not None}
    theme = changes.pop("theme", None)
    if theme is not None:
        from store.paths import themes_dir
        from themes import THEMES, known_themes

        known, _problems = known_themes(themes_dir())
        if theme.strip() not in known:  # (one line, exit 2, nothing written: as any bad argument)
            parser.exit(2, _("relance settings: error: --theme: {name} is not a theme relance knows ({known}, a "
                             "theme file's, or one of Textual's).\n").format(
                                 name=shown(theme), known=", ".join(t.name for t in THEMES)))
        # a preference of the person, kept in the config file since there is one (the data
        # file's is read only when the config file names none): no data written for it
        config.write_option("theme", theme.strip())
        print(_("theme: written to your config file {path}.").format(path=config.current().path), file=sys.stderr)
        config.use(None)
    if changes:
        try:
            repo.set_settings(changes)
        except ValidationError as err:
            problems = err.sentences(flag)
            parser.exit(2, _("relance settings: error: {problems}\n").format(problems=problems))
    settings = repo.settings()
    set_language(settings.language)  # (a language just chosen speaks at once, as in the dashboard)
    types = settings.field_types()
    width = max(len(flag(name)) - 2 for name in types)
    conf = config.current()
    for name, ftype in types.items():
        if name == "uid":
            continue
        value = ftype.edit_text(getattr(settings, name))
        if name == "theme" and conf.sources["theme"][0] != config.DEFAULT:
            value = conf.values["theme"]  # (the one in force: the config file's)
        print(f"{flag(name)[2:]:<{width}}  {value}".rstrip())
    source, detail = conf.sources["language"]
    if "language" in changes and source != config.DEFAULT:
        print(_("language: {value} comes first, from {where}; the settings' is used where it says nothing.").format(
            value=conf.values["language"], where=config.where_from(conf, "language")), file=sys.stderr)
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
    from store.doctor import diagnose, problems, repair, summary
    from store.paths import resolve_data_path

    path = resolve_data_path(getattr(args, "data", None))
    _speak_stored_language(path)
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
        print(summary(wrong, fixed=args.fix))
        return 1
    print(_("Nothing wrong."))
    return 0


def _storage(args: argparse.Namespace, command: str):
    """The storage of an existing data file (nothing is created for a file that is not there)."""
    from store.paths import resolve_data_path
    from store.storage import DurableStorage

    path = resolve_data_path(getattr(args, "data", None))
    _speak_stored_language(path)
    if not path.exists():
        raise RelanceError(_("{command}: there is no data file at {path} yet.").format(command=command, path=path))
    return DurableStorage(path)


def cmd_backup(args: argparse.Namespace) -> int:
    storage = _storage(args, "backup")
    print(storage.backup_now())
    return 0


def _size(n: int) -> str:
    if n < 1024:
        return _("{size} B").format(size=n)
    size = f"{n / 1024:.1f}"
    return _("{size} kB").format(size=size.replace(".", ",") if language() == "fr" else size)


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
            when = f"{fmt.day(item.when.date())} {item.when:%H:%M:%S}" if item.when else "?"
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
            repo.load("contact", "target", "opportunity", "mission", "review", "time_off")
        from tui.app import make_app  # Textual is imported here only

        app = make_app(repo, demo=args.demo)
        if demo_dir:
            app.exit_hooks = [lambda: shutil.rmtree(demo_dir, ignore_errors=True)]
        app.run()
        return app.return_code or 0
    finally:
        if demo_dir:
            shutil.rmtree(demo_dir, ignore_errors=True)
