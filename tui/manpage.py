"""The manual page ``relance(1)``, written from the argument parser::

    python -m tui.manpage > docs/relance.1     # (./dev.sh manpage does the same)
    man -l docs/relance.1

Every command, subcommand and option comes from :func:`tui.cli.build_parser` (through
:func:`tui.completion.command_tree`, built in English), so a command added there is in
the page once it is written again; ``tests/test_manpage.py`` fails while
``docs/relance.1`` is not the page this writes, and says how to write it again. The page
is in English, as the parser's source texts are. The sections around the commands
(FILES, ENVIRONMENT, EXIT STATUS) are written here.

Hand-written roff rather than the argparse-manpage package: the page needs the three
levels of commands (``relance add contact``), the options every command shares said
once rather than 40 times, and sections of its own; a few dozen lines of roff do that,
with no dependency. The ``.TH`` line carries the version, not a date, so that the page
only changes when the commands do.
"""

from __future__ import annotations

import sys

from .completion import Command, Option, command_tree

#: the options every command takes (the parser's common parent): said once, under OPTIONS
SHARED = frozenset({"-h", "--help", "--data", "--today"})


def roff(text: str) -> str:
    """``text`` as roff prints it: a backslash as ``\\e``, any character beyond ASCII as
    its Unicode escape (groff reads its input as Latin-1 without ``preconv``)."""
    out = text.replace("\\", "\\e")
    return "".join(char if ord(char) < 128 else f"\\[u{ord(char):04X}]" for char in out)


def _line(text: str) -> str:
    """A line of text: one starting with ``.`` or ``'`` would be read as a request."""
    text = roff(text)
    return "\\&" + text if text.startswith((".", "'")) else text


def _words(text: str) -> str:
    """Command words and options in bold, their hyphens as minus signs (searchable, and
    copied from the terminal as typed)."""
    return "\\fB" + roff(text).replace("-", "\\-") + "\\fR"


def _option(option: Option) -> list[str]:
    head = ", ".join(_words(string) for string in option.strings)
    if option.metavar:
        head += " \\fI" + roff(option.metavar) + "\\fR"
    return [".TP", head, _line(option.help or "")]


def _synopsis(command: Command) -> str:
    parts = [_words(" ".join(command.path))]
    if any(option.strings[0] not in SHARED for option in command.options):
        parts.append("[\\fIOPTION\\fR...]")
    if command.subcommands:
        parts.append("\\fI" + ("KIND" if command.path[-1] in ("add", "edit") else "COMMAND") + "\\fR ...")
    for metavar, _help, _values in command.positionals:
        parts.append("\\fI" + roff(metavar) + "\\fR" if not metavar.startswith("[") else
                     "[\\fI" + roff(metavar[1:-1]) + "\\fR]")
    return " ".join(parts)


def _command(command: Command) -> list[str]:
    heading = " ".join(command.path)
    lines = [f'.SS "{roff(heading)}"', _synopsis(command)]
    if command.aliases:
        lines += [".br", "(also " + ", ".join(_words(" ".join((*command.path[:-1], alias)))
                                               for alias in command.aliases) + ")"]
    lines += [".PP", _line(command.description or command.help)]
    if command.subcommands:
        for sub in command.subcommands:
            lines += [".TP", _words(sub.path[-1]), _line(sub.help)]
    for metavar, help, _values in command.positionals:
        lines += [".TP", "\\fI" + roff(metavar.strip("[]")) + "\\fR", _line(help)]
    for option in command.options:
        if option.strings[0] not in SHARED:
            lines += _option(option)
    return lines


FILES = [
    (r"\fI$XDG_DATA_HOME/relance/relance.json\fR",
     "The data file (without XDG_DATA_HOME, ~/.local/share/relance/relance.json): every record, one a line, "
     "never half-written. RELANCE_DATA or --data name another."),
    (r"\fIrelance.json.lock\fR", "Beside the data file: the lock its writers take, one at a time (a "
                                  "save waits for it at most 10 seconds)."),
    (r"\fIbackups/\fR",
     "Beside the data file: its previous versions (the last 10, plus one a day for 30 days), kept by every "
     "command that writes and by relance backup; relance restore lists them and puts one back."),
    (r"\fI$XDG_CONFIG_HOME/relance/config.toml\fR",
     "The person's preferences (without XDG_CONFIG_HOME, ~/.config/relance/config.toml), kept apart from "
     "the data they are about: data (the data file), theme, language, date_style (language, iso or "
     "day-first) and a [keymap] table of binding ids and keys. A flag comes before the environment, which "
     "comes before this file. relance config init writes one listing every option and binding; relance "
     "config show prints what is in force and where each value came from."),
    (r"\fI$XDG_CONFIG_HOME/relance/themes/*.toml\fR", "Colour themes of your own, offered beside relance's."),
]

ENVIRONMENT = [
    ("RELANCE_DATA", "The data file, when --data is not given (before the config file's data)."),
    ("RELANCE_THEME", "The dashboard's theme, when --theme is not given (before the config file's)."),
    ("RELANCE_LANGUAGE", "The language, when --language is not given (before the config file's, which comes "
                         "before the settings')."),
    ("RELANCE_DATE_STYLE", "How dates are shown: language, iso or day-first (before the config file's)."),
    ("XDG_DATA_HOME", "Where the default data file is (relance/relance.json in it); ~/.local/share without it."),
    ("XDG_CONFIG_HOME", "Where the configuration is (relance/config.toml and relance/themes/ in it); "
                        "~/.config without it."),
    ("LANGUAGE, LC_ALL, LC_MESSAGES, LANG",
     "The language of every screen, message and --help (English or French), read as gettext reads them, "
     "unless --language, RELANCE_LANGUAGE, the config file or the settings choose one (relance settings "
     "--language fr). A terminal whose encoding is not "
     "UTF-8 is shown the nearest plain characters."),
    ("NO_COLOR", "When set, the dashboard and relance status draw without colours; every pane stays "
                 "readable."),
    ("RELANCE_LOCK_TIMEOUT", "Seconds a write waits for another session's lock before it gives up (10)."),
]

EXIT_STATUS = [
    ("0", "Done."),
    ("1", "The command could not do it: a record not found or refused (a double, a record others refer "
          "to), a file that cannot be read or written, a delete not confirmed; relance doctor found "
          "something wrong."),
    ("2", "The command line is wrong: an unknown command or option, a value refused (the message names "
          "its option); nothing is written."),
    ("128+N", "The dashboard ended by signal N (SIGHUP when an SSH connection drops, SIGTERM), after "
              "saving what was pending."),
]


def _definitions(items: list[tuple[str, str]]) -> list[str]:
    """Terms and their text; a term already in roff (a path in italics) is kept as it is."""
    lines: list[str] = []
    for term, text in items:
        lines += [".TP", term if term.startswith("\\") else "\\fB" + roff(term) + "\\fR", _line(text)]
    return lines


def manpage(root: Command | None = None, version: str | None = None) -> str:
    """The page, from ``root`` (by default the tree of relance's parser)."""
    from .cli import version as installed_version

    root = root or command_tree()
    version = version or installed_version()
    lines = [
        '.\\" relance(1), written from the argument parser by "python -m tui.manpage"; do not edit.',
        f'.TH RELANCE 1 "" "relance {roff(version)}" "User Commands"',
        ".nh",  # (no hyphen in a path or an option cut at the end of a line)
        ".ad l",
        ".SH NAME",
        "relance \\- a keyboard-driven dashboard that keeps an independent consultant's next mission coming",
        ".SH SYNOPSIS",
        _words("relance") + " [\\fIOPTION\\fR...]",
        ".br",
        _words("relance") + " \\fICOMMAND\\fR [\\fIOPTION\\fR...] [\\fIARGUMENT\\fR...]",
        ".SH DESCRIPTION",
        _line(root.description),
        ".PP",
        _line("It keeps your network and who introduced whom, your micro-targets (a sector, a decision "
              "maker, a need) and the opportunities in each, your missions, and the month your income "
              "falls short, in one local file. It runs in any terminal, over SSH, at 80 columns by 24 "
              "lines, without a mouse. The commands below change and read the same file without opening "
              "the dashboard; \"relance COMMAND --help\" says the same as this page, in your language."),
        ".PP",
        _line("References (--contact, --target, a REF) take a uid, its first 8 characters, or an "
              "unambiguous name, case and accents aside."),
        ".SH OPTIONS",
    ]
    for option in root.options:
        lines += _option(option)
    lines += [".PP", _line("--data and --today are accepted before or after any command, and -h or --help "
                           "after any command prints its help.")]
    lines.append(".SH COMMANDS")
    for command in list(root.walk())[1:]:
        lines += _command(command)
    lines += [".SH FILES", *_definitions(FILES)]
    lines += [".SH ENVIRONMENT", *_definitions(ENVIRONMENT)]
    lines += [".SH \"EXIT STATUS\"", *_definitions(EXIT_STATUS)]
    lines += [
        ".SH \"SHELL COMPLETION\"",
        _line("relance completion bash, zsh or fish prints a script that completes the commands, options, "
              "kinds, files and record names; see relance completion --help for where to put it."),
        ".SH \"SEE ALSO\"",
        _line("relance --help; the README (README.md, in French README.fr.md) and docs/DATA.md of "
              "relance's sources, for the dashboard's keys and the data file's format."),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(manpage())
