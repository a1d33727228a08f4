"""The ``relance`` command line: the parser, its help texts, and the entry point that
hands each command to :mod:`tui.cli_commands`.

Only the dashboard imports Textual (``tui.app``, about 0.3 s); ``add``,
``list``, ``export`` and ``import`` run on the store alone and start fast.
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from store.errors import RelanceError
from store.fields import Choice, Ref, Refs
from store.fmt import shown
from store.i18n import _, pgettext, prefer, set_language
from store.models import MODELS, Record, Settings, a_kind
from store.rules import FROM_SETTINGS

from . import argparse_texts
from . import cli_commands as run
from . import cli_records as records
from .cli_commands import KIND_NAMES, cli_kind, flag, option

ADDABLE = ("contact", "target", "opportunity", "mission", "interaction", "time_off")


def _aliases(kind: str) -> list[str]:
    """The other names of a kind's subcommand: its table (``contacts``), and ``time_off``
    beside ``time-off``."""
    return sorted({kind, MODELS[kind].TABLE} - {cli_kind(kind)})


#: the kinds as ``list`` and ``rm`` offer them: as the command line writes them
LISTED = ", ".join(cli_kind(kind) for kind in MODELS)


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


def _circle(text: str) -> str:
    """``--circle``: natural or professional, or its label in the language in use (pro, naturel)."""
    try:
        return MODELS["contact"].field_types()["circle"].parse(text, date.today())
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _common() -> argparse.ArgumentParser:
    """--data and --today, accepted before or after the command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data", metavar=pgettext("command-line placeholder", "PATH"), default=argparse.SUPPRESS,
        help=_("data file (default: $RELANCE_DATA, else the config file's data, else "
               "$XDG_DATA_HOME/relance/relance.json)"),
    )
    common.add_argument(
        "--today", metavar=pgettext("command-line placeholder", "YYYY-MM-DD"), type=_date, default=argparse.SUPPRESS,
        help=_("pretend today is this date (demos, tests)"),
    )
    return common


def _ref_alias(name: str) -> str | None:
    """The option a user types for a reference (``--contact`` beside ``--contact-uid``)."""
    return option(name) if name.endswith(("_uid", "_uids")) else None


def _field_help(model: type[Record], name: str) -> str:
    """A field option's help: what is expected, then the field's own hint."""
    hint = model.field_help(name)
    what = model.field_types()[name].described()
    return _("{what}; {hint}").format(what=what, hint=hint) if hint and what else (hint or what)


def build_parser() -> Parser:
    argparse_texts.speak_ours()  # ("usage:", "options"... are looked up as the parser is built)
    common = _common()
    parser = Parser(
        prog="relance",
        description=_("A keyboard-driven dashboard that keeps your next mission coming. "
                      "Without a command, opens the dashboard."),
        parents=[common],
    )
    parser.add_argument("--version", action=VersionAction, nargs=0, help=_("print the version and exit"))
    parser.add_argument("--demo", action="store_true", help=_("open the dashboard on a temporary copy of the demo data"))
    parser.add_argument("--theme", metavar=pgettext("command-line placeholder", "NAME"), default=None,
                        help=_("open the dashboard in this theme (default: the config file's, else relance-dark)"))
    parser.add_argument("--language", metavar=pgettext("command-line placeholder", "CODE"), default=None,
                        help=_("speak this language (en, fr), whatever the config file and the settings say; "
                               "before the command: relance --language en status"))
    commands = parser.add_subparsers(dest="command", metavar=pgettext("command-line placeholder", "COMMAND"), parser_class=Parser)

    def command(group, name: str, help: str, description: str, aliases=()) -> argparse.ArgumentParser:
        return group.add_parser(name, parents=[common], help=help, description=description, aliases=list(aliases))

    _add_command(commands, command)
    _record_commands(commands, command)
    lister = command(commands, "list", _("list records of one kind"), _("List the records of one kind."))
    lister.add_argument("kind", metavar=pgettext("command-line placeholder", "KIND"), choices=sorted(KIND_NAMES), help=LISTED)
    lister.add_argument("filter", metavar=pgettext("command-line placeholder", "FILTER"), nargs="?", default="",
                        help=_("only the records that contain this text, as the dashboard's / finds them"))
    lister.add_argument("--json", action="store_true", help=_("print JSON documents"))
    _export_command(commands, command)
    _import_command(commands, command)
    _status_command(commands, command)
    settings = command(
        commands, "settings", _("show or change the settings (monthly target, daily rate...)"),
        _("Without options, print the settings. With options, change them: "
          "relance settings --target-monthly 11000 --daily-rate 650"))
    for name in Settings.field_types():
        if name != "uid":
            settings.add_argument(flag(name), dest=name, metavar=pgettext("command-line placeholder", "VALUE"), default=None, help=_field_help(Settings, name))
    _file_commands(commands, command)
    from .cli_config import add_config_command

    add_config_command(commands, command)
    _completion_command(commands, command)
    return parser


def _add_command(commands, command) -> None:
    """``relance add KIND --field VALUE...``: an option per field of the contract."""
    add = command(commands, "add", _("add a record without opening the dashboard"), _("Add a record and print its uid."))
    kinds = add.add_subparsers(dest="record_kind", metavar=pgettext("command-line placeholder", "KIND"), required=True, parser_class=Parser)
    for kind in ADDABLE:
        model = MODELS[kind]
        sub = command(kinds, cli_kind(kind), _("add {a_kind}").format(a_kind=a_kind(kind)),
                      _("Add {a_kind}. Its uid is printed; what was filled in for you is said on stderr. References "
                        "take a uid or an unambiguous name. The same record twice is refused: every field but the "
                        "uid and the date of creation equal to those of one already there.").format(a_kind=a_kind(kind)),
                      aliases=_aliases(kind))
        field_options(sub, kind)
        sub.add_argument("--force", action="store_true",
                         help=_("add it even if {a_kind} with the same values in every field is already there").format(
                             a_kind=a_kind(kind)))


def field_options(sub: argparse.ArgumentParser, kind: str, editing: bool = False) -> None:
    """An option per field a user gives (``--name``, ``--daily-rate``, ``--contact`` for
    ``contact_uid``...): ``relance add`` and ``relance edit`` take the same ones."""
    model = MODELS[kind]
    given_defaults = run.defaults(model)
    from_settings = FROM_SETTINGS.get(kind, {})
    for name, ftype in model.field_types().items():
        if name not in run.given_fields(model):
            continue
        alias = _ref_alias(name) if isinstance(ftype, (Ref, Refs)) else None
        text = _field_help(model, name)
        if ftype.multiline:
            text = _("{text}; line breaks are kept").format(text=text)
        if editing:
            if not ftype.required:
                text = _("{text}; \"\" empties it").format(text=text)
        elif name in given_defaults:
            text = _("{text}; default: {default}").format(text=text, default=ftype.label(given_defaults[name]) if isinstance(ftype, Choice) else ftype.edit_text(given_defaults[name]))
        elif name in from_settings and ftype.required:
            text = _("required, unless the settings hold a usual one (relance settings {flag}); {text}").format(
                flag=flag(from_settings[name]), text=text)
        elif name in from_settings:
            text = _("{text}; default: your usual one (relance settings {flag})").format(
                flag=flag(from_settings[name]), text=text)
        elif ftype.required:
            text = _("required; {text}").format(text=text)
        sub.add_argument(flag(name), *([alias] if alias else []), dest=name, metavar=pgettext("command-line placeholder", "VALUE"), default=None, help=text)


def _record_commands(commands, command) -> None:
    """``relance edit KIND REF --field VALUE...`` (the options of ``add``) and ``relance rm KIND REF``."""
    edit = command(commands, "edit", _("change fields of a record"),
                   _("Change some fields of a record; the others are kept."))
    kinds = edit.add_subparsers(dest="record_kind", metavar=pgettext("command-line placeholder", "KIND"), required=True, parser_class=Parser)
    for kind in ADDABLE:
        sub = command(kinds, cli_kind(kind), _("change fields of {a_kind}").format(a_kind=a_kind(kind)),
                      _("Change the fields given of {a_kind}, the others kept, in one write; what changed is said on "
                        "stderr and its uid printed. REF is a uid (or its first 8 characters) or an unambiguous name, "
                        "as are references. --FIELD \"\" empties a field that may be empty. Nothing is written when "
                        "a value is refused.").format(a_kind=a_kind(kind)),
                      aliases=_aliases(kind))
        sub.add_argument("ref", metavar=pgettext("command-line placeholder", "REF"), help=_("its uid, or its name"))
        field_options(sub, kind, editing=True)
    rm = command(commands, "rm", _("delete a record"),
                 _("Delete a record, after a question on a terminal ([y/N]; --yes answers it, and is needed "
                   "anywhere else). A record others refer to is refused, naming them; a contact's logged "
                   "interactions are deleted with it. The file as it was is kept in the backups: relance "
                   "restore puts it back."))
    rm.add_argument("kind", metavar=pgettext("command-line placeholder", "KIND"), choices=sorted(KIND_NAMES), help=LISTED)
    rm.add_argument("ref", metavar=pgettext("command-line placeholder", "REF"), help=_("its uid (or its first 8 characters), or an unambiguous name"))
    rm.add_argument("-y", "--yes", action="store_true", help=_("delete without asking"))


def _export_command(commands, command) -> None:
    export = command(commands, "export", _("export your data"), _("Export everything to a file."))
    formats = export.add_subparsers(dest="format", metavar=pgettext("command-line placeholder", "FORMAT"), required=True, parser_class=Parser)
    export_json = command(formats, "json", _("the relance export format"), _("Write everything as a relance JSON export."))
    export_csv = command(formats, "csv", _("one kind of record as CSV"),
                         _("Write one kind of record as CSV: a column per field of the data contract, for a spreadsheet."))
    export_csv.add_argument("--kind", choices=("contacts", "targets", "opportunities", "missions"), default="contacts",
                            help=_("what to export (default: contacts)"))
    export_vcard = command(formats, "vcard", _("the contacts as vCards"),
                           _("Write the contacts as vCard 3.0 cards, for a phone or a mail client."))
    export_ics = command(
        formats, "ics", _("follow-ups and deadlines for a calendar"),
        _("Write an iCalendar file: the follow-ups planned, the opportunities' next actions, the "
          "missions' ends and the reviews due, as all-day events. Each keeps its UID from one "
          "export to the next, so importing the file again updates a calendar instead of "
          "doubling it."))
    for export_format in (export_json, export_csv, export_vcard, export_ics):
        export_format.add_argument("-o", "--output", metavar=pgettext("command-line placeholder", "FILE"), default="-",
                                   help=_("file to write (default: standard output)"))


def _import_command(commands, command) -> None:
    importer = command(commands, "import", _("import data"), _("Import data from a file."))
    formats = importer.add_subparsers(dest="format", metavar=pgettext("command-line placeholder", "FORMAT"), required=True, parser_class=Parser)
    import_json = command(formats, "json", _("a relance JSON export"),
                          _("Load a relance JSON export into an empty data file."))
    import_json.add_argument("file", metavar=pgettext("command-line placeholder", "FILE"), help=_("export file to read"))
    import_json.add_argument("--replace", action="store_true",
                             help=_("replace the data that is there (it is backed up first)"))
    import_csv = command(
        formats, "csv", _("contacts from a CSV file (a spreadsheet, a mail client)"),
        _("Add the contacts of a CSV file whose first row names the columns. Usual headers "
          "(Name or First/Last Name, Company, Title, E-mail, Phone, URL, Tags, Notes) are "
          "recognised; --map says the others. Contacts already there are completed, never doubled."))
    import_csv.add_argument("file", metavar=pgettext("command-line placeholder", "FILE"), help=_("the CSV file"))
    import_csv.add_argument("--map", metavar=pgettext("command-line placeholder", "FIELD=HEADER,..."), default="",
                            help=_("which column holds a field, e.g. --map name=Contact,company=Société"))
    import_vcard = command(
        formats, "vcard", _("contacts from a vCard file (.vcf)"),
        _("Add the contacts of a vCard file (2.1, 3.0 or 4.0, many cards a file), as a phone or a "
          "mail client exports them, or of every .vcf file of a folder (a card per file, as "
          "vdirsyncer and khard keep an address book), in one write. Contacts already there are "
          "completed, never doubled."))
    import_vcard.add_argument("file", metavar=pgettext("command-line placeholder", "FILE"), help=_("the .vcf file, or a folder of them"))
    import_linkedin = command(
        formats, "linkedin", _("LinkedIn's Connections export (Connections.csv)"),
        _("Add the contacts of LinkedIn's Connections export. A contact already there (same "
          "e-mail, same profile URL, or same name and company) is not added again: its empty "
          "fields are filled and the tags added. Everything is written at once."))
    import_linkedin.add_argument("file", metavar=pgettext("command-line placeholder", "FILE"), help=_("the Connections.csv file"))
    for contacts_import in (import_csv, import_vcard, import_linkedin):
        contacts_import.add_argument("--circle", type=_circle, default="natural",
                                     metavar=pgettext("command-line placeholder", "CIRCLE"),
                                     help=_("circle of the contacts added (default: natural)"))
        contacts_import.add_argument("--tag", action="append", default=[], metavar=pgettext("command-line placeholder", "TAG"),
                                     help=_("tag every imported contact (may be repeated)"))
        contacts_import.add_argument("--dry-run", action="store_true",
                                     help=_("print what would be added, updated and skipped; write nothing"))


def _status_command(commands, command) -> None:
    status = command(
        commands, "status", _("the revenue gap, the prospecting deadline and today's follow-ups"),
        _("Print the months ahead against your target, when income falls short, by when to start "
          "prospecting, and the follow-ups due."))
    form = status.add_mutually_exclusive_group()
    form.add_argument("--short", action="store_true", help=_("one line, for a shell prompt or a login message"))
    form.add_argument("--json", action="store_true", help=_("print the figures as JSON"))
    status.add_argument("--months", metavar=pgettext("command-line placeholder", "N"), type=_months, default=None,
                        help=_("months to show, the current one first (default: the horizon of the settings)"))


def _file_commands(commands, command) -> None:
    """doctor, backup and restore: the data file itself."""
    doctor = command(
        commands, "doctor", _("check the data file and its folder; --fix repairs what is safe"),
        _("Check the data path, ownership and permissions, the lock file, the JSON, the schema, "
          "references and uids, leftover temp files and the backups. One line per finding; the "
          "exit status is 1 when something is wrong."))
    doctor.add_argument("--fix", action="store_true",
                        help=_("repair what is safe (permissions, temp files, dangling references, an old schema), "
                               "after a backup"))
    command(commands, "backup", _("keep a copy of the data file now"),
            _("Keep the data file as it is now in backups/ beside it."))
    restore = command(
        commands, "restore", _("list the backups, or put one back"),
        _("Without an argument, list the backups with their date, size and records. With one, "
          "restore it (the current file is kept as a backup first)."))
    restore.add_argument("backup", metavar=pgettext("command-line placeholder", "BACKUP"), nargs="?", help=_("a number from the list, a backup's name, or a file"))


def _completion_command(commands, command) -> None:
    """``relance completion bash|zsh|fish``: a script made from this parser (tui/completion.py)."""
    completion = command(
        commands, "completion", _("print a shell completion script (bash, zsh, fish)"),
        _("Print a script that completes relance's commands, options, kinds, files and record names "
          "in your shell. Bash: add source <(relance completion bash) to ~/.bashrc. Zsh: add source "
          "<(relance completion zsh) to ~/.zshrc, after compinit. Fish: relance completion fish > "
          "~/.config/fish/completions/relance.fish"))
    completion.add_argument("shell", metavar=pgettext("command-line placeholder", "SHELL"),
                            choices=("bash", "zsh", "fish"), help=_("bash, zsh or fish"))


def _print_completion(args: argparse.Namespace) -> int:
    from .completion import script

    sys.stdout.write(script(args.shell))
    return 0


def _months(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 36:
        raise argparse.ArgumentTypeError(_("expected a number of months from 1 to 36, got {value!r}").format(value=text))
    return value



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


#: the arguments given without an option, named as ``--help`` names them
_POSITIONALS = {"ref": "REF", "filter": "FILTER", "file": "FILE", "backup": "BACKUP", "kind": "KIND"}


def _refuse_undecodable(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """A value that is not valid UTF-8 (Python gives its bytes as lone surrogates, which
    cannot be written to the file, a terminal or a message): one line naming its option,
    exit 2, before anything is read or written."""
    for name, value in vars(args).items():
        for text in value if isinstance(value, list) else [value]:
            if isinstance(text, str) and not _is_utf8(text):
                where = _POSITIONALS.get(name) or _ref_alias(name) or flag(name)
                parser.exit(2, _("{prog}: error: {option}: not valid UTF-8 text; type it again, or convert it "
                                 "to UTF-8.\n").format(prog=parser.prog, option=where))


def _is_utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _asks_help(argv: Sequence[str]) -> bool:
    """-h or --help before a ``--``."""
    for arg in argv:
        if arg == "--":
            return False
        if arg in ("-h", "--help"):
            return True
    return False


def _stored_language(argv: Sequence[str]) -> str | None:
    """The settings' language in the data file the arguments name (``--data``, else
    ``$RELANCE_DATA``, else the default place), read without opening the file."""
    from store.layout import stored_language
    from store.paths import resolve_data_path

    finder = argparse.ArgumentParser(add_help=False)
    finder.add_argument("--data", default=None)
    try:
        known, _rest = finder.parse_known_args(argv)
    except SystemExit:  # (--data without a value: the real parser says so)
        return None
    try:
        return stored_language(resolve_data_path(known.data))
    except RelanceError:  # (~someone unknown: the command itself says so)
        return None


#: what a terminal that is not UTF-8 (``LANG=fr_FR.ISO-8859-1``) is shown for the characters
#: its encoding lacks: French puts a narrow no-break space in every amount and "€" after it
_PLAIN = {"\u202f": " ", "\u2009": " ", "€": "EUR", "—": "-", "−": "-", "–": "-", "…": "...", "→": "->", "←": "<-",
          "«": '"', "»": '"', "’": "'", "█": "#", "▒": ":", "░": ".", "│": "|", "·": "-", "⏎": "|"}


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return "".join(_PLAIN.get(c, "?") for c in error.object[error.start:error.end]), error.end


def _plain_output() -> None:
    """On a terminal whose encoding cannot write every character relance prints, write
    the nearest plain ones rather than stop with a UnicodeEncodeError."""
    codecs.register_error("relance-plain", _plain)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "\u202f€—…".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            try:
                stream.reconfigure(errors="relance-plain")  # type: ignore[union-attr]
            except (AttributeError, ValueError):
                pass


#: the options before a command that take a value (the word after them is not the command)
_VALUED = ("--data", "--theme", "--language", "--today")


def _read_config(argv: Sequence[str]):
    """The config in force for this command: the file, the environment and the flags that
    override them (read before the parser, whose help is written in the language chosen)."""
    from store import config, fmt

    flags = {"data": None, "theme": None, "language": None}
    command_seen = False
    for index, arg in enumerate(argv):
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        # --theme and --language are the dashboard's, before a command (``settings`` has its
        # own, which change the data file); --data is taken anywhere, as the parser does
        if name in ("--data", "--theme", "--language") and (name == "--data" or not command_seen):
            flags[name[2:]] = value if equals else (argv[index + 1] if index + 1 < len(argv) else None)
        elif not arg.startswith("-") and (not index or argv[index - 1] not in _VALUED):
            command_seen = True  # (a word that is no option's value: the command)
    conf = config.load(flags=flags)
    if prefer(conf.values["language"]):  # (its problems said again in the language it chose: ~4 ms)
        conf = config.load(flags=flags)
    config.use(conf)
    fmt.set_date_style(conf.values["date_style"])
    return conf


def _config(args: argparse.Namespace) -> int:
    from .cli_config import cmd_config

    return cmd_config(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["__complete-names"]:  # (a Tab of the completion scripts: no parser built)
        from .completion import print_names

        return print_names(argv[1:])
    _plain_output()
    conf = _read_config(argv)
    if _asks_help(argv):
        # The help is printed while the arguments are read, before any command opens the
        # file: read the settings' language first (the settings table alone, ~2 ms), only
        # then, so that the commands do not read the file twice.
        set_language(_stored_language(argv))
    parser = build_parser()
    args = parser.parse_args(argv)
    _refuse_undecodable(parser, args)
    _refuse_control_characters(parser, args)
    if args.command not in (None, "config"):  # (the dashboard shows them; config show lists them)
        for problem in conf.problems:
            print(_("relance: {message}").format(message=problem), file=sys.stderr)
    try:
        if args.command is None:
            return run.run_dashboard(args)
        if args.demo:
            parser.error(_("--demo opens the dashboard; it cannot be used with a command"))
        commands = {
            "add": lambda: run.cmd_add(args, parser), "list": lambda: run.cmd_list(args),
            "export": lambda: run.cmd_export(args, parser), "import": lambda: run.cmd_import(args, parser),
            "status": lambda: run.cmd_status(args), "settings": lambda: run.cmd_settings(args, parser),
            "doctor": lambda: run.cmd_doctor(args), "backup": lambda: run.cmd_backup(args),
            "restore": lambda: run.cmd_restore(args),
            "edit": lambda: records.cmd_edit(args, parser), "rm": lambda: records.cmd_rm(args, parser),
            "config": lambda: _config(args),
            "completion": lambda: _print_completion(args),
        }
        if args.command in commands:
            return commands[args.command]()
    except RelanceError as err:
        print(_("relance: {message}").format(message=err), file=sys.stderr)
        return 1
    except BrokenPipeError:  # relance list | head
        return 0
    except PermissionError as err:  # (a folder on the way not open to this user: doctor, backup...)
        print(_("relance: cannot reach {path}: {reason}. A folder on its way is not open to you: use a data file of "
                "your own (--data PATH or RELANCE_DATA), or ask its owner.").format(
                    path=shown(str(err.filename or "")), reason=err.strerror or err), file=sys.stderr)
        return 1
    parser.error(_("unknown command {name!r}").format(name=args.command))


if __name__ == "__main__":
    sys.exit(main())
