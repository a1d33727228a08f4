"""``relance completion bash|zsh|fish``: shell completion scripts made from the argument
parser, and the quick read of record names they ask for (``--contact``, ``--target``,
``edit KIND REF``...).

Why static scripts, not argcomplete or shtab (measured on the development machine, a
shared 2-core VM, Python 3.11, medians of 15-21 runs; the VM's load moves them by ~30 %):

- argcomplete runs Python on every Tab: start Python (~35 ms), import ``tui.cli`` and
  the store behind it and build the parser (~110-145 ms in all, as ``relance --version``
  costs 110-180 ms), then import argcomplete (~40 ms more on its own): over a tenth of
  a second before the first candidate, on *every* Tab. A static script answers in the
  shell itself: 1.5 ms a Tab in bash (1,000 Tabs of ``relance add opportunity --st``).
- shtab writes static scripts, but for bash and zsh only (no fish), and knows nothing of
  relance's record names or of choices that are a field's rather than the parser's
  (``--circle``, ``--stage``); it would be a dependency for two thirds of the job.

So :func:`command_tree` walks the parser once, when ``relance completion SHELL`` runs,
and :mod:`tui.completion_scripts` writes the commands, subcommands, options, choices and
file arguments it found into tables of the script. Python runs only when a record's name
is to be completed: the script calls ``relance __complete-names KIND PREFIX``, which
:func:`tui.cli.main` hands to :func:`print_names` before any parser is built. That Tab
costs ~0.11 s on a small file and ~0.25-0.28 s at 30,000 contacts (the imports ~90 ms,
opening the 25 MB file ~30 ms, the 30,000 names read from its lines without building a
record ~100 ms; ~0.35 s when nothing is typed yet and all 30,000 are quoted and offered);
every other Tab stays in the shell.

The scripts are in English whatever the language (the parser is built in English for
them), and the same from one run to the next: they are generated from the parser, so
a command added to :func:`tui.cli.build_parser` is completed without a change here.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

#: the hidden command the scripts call for record names (not a subcommand of the parser:
#: handled by :func:`tui.cli.main` before the parser is built, and never in ``--help``)
NAMES_COMMAND = "__complete-names"

SHELLS = ("bash", "zsh", "fish")

#: what an argument takes. ``("choices", words)``, ``("files",)``, ``("names", kind)``:
#: a record's name of that kind, ``("names-of-kind",)``: of the kind typed before it
#: (``rm KIND REF``), ``("text",)``: a value with nothing to offer, ``()`` for a flag
Values = tuple[str, ...]

#: the arguments that name a file or a folder (``import vcard`` takes a folder too)
_FILE_DESTS = frozenset({"data", "output", "file", "backup"})


@dataclass
class Option:
    strings: tuple[str, ...]
    help: str
    values: Values  # () for a flag
    metavar: str = ""  # what --help shows for its value ("" for a flag)


@dataclass
class Command:
    """A command of the parser (``relance``, ``relance add``, ``relance add contact``)."""

    path: tuple[str, ...]
    help: str
    description: str
    aliases: tuple[str, ...] = ()
    subcommands: list[Command] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    #: (metavar, help, values) of each argument given without an option, in order (the
    #: metavar in brackets when the argument may be left out)
    positionals: list[tuple[str, str, Values]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """How the scripts name this command: ``relance/add/contact``."""
        return "/".join(self.path)

    def walk(self) -> Iterator[Command]:
        yield self
        for sub in self.subcommands:
            yield from sub.walk()


@contextlib.contextmanager
def english() -> Iterator[None]:
    """The source language while the scripts and the man page are made (they are the same
    for everyone, whatever the terminal speaks); the language in use is put back after."""
    from store.i18n import language, set_language

    was = language()
    set_language("en")
    try:
        yield
    finally:
        set_language(was)


def command_tree(parser: argparse.ArgumentParser | None = None) -> Command:
    """The commands of ``parser`` (by default relance's, built in English) as a tree."""
    if parser is None:
        from .cli import build_parser

        with english():
            return _command(build_parser(), ("relance",), "", ())
    return _command(parser, (parser.prog.split()[0],), "", ())


def _command(parser: argparse.ArgumentParser, path: tuple[str, ...], help: str, aliases: tuple[str, ...]) -> Command:
    node = Command(path, help, parser.description or "", aliases)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            seen: dict[int, list[str]] = {}
            for name, sub in action.choices.items():
                seen.setdefault(id(sub), []).append(name)
            for names in seen.values():
                sub = action.choices[names[0]]
                node.subcommands.append(_command(sub, (*path, names[0]), helps.get(names[0], ""), tuple(names[1:])))
        elif action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            takes = action.nargs != 0
            node.options.append(Option(tuple(action.option_strings), _help(action),
                                       _values(action, path) if takes else (), _metavar(action) if takes else ""))
        else:
            metavar = _metavar(action)
            node.positionals.append((f"[{metavar}]" if action.nargs == "?" else metavar, _help(action),
                                     _values(action, path)))
    return node


def _help(action: argparse.Action) -> str:
    text = action.help or ""
    if "%(" in text:
        text = text % {**vars(action), "prog": "relance", "default": action.default}
    return " ".join(text.split())


def _metavar(action: argparse.Action) -> str:
    """The value's name as ``--help`` shows it: its metavar, ``{a,b}`` for choices."""
    if isinstance(action.metavar, str):
        return action.metavar
    if action.choices:
        return "{" + ",".join(map(str, action.choices)) + "}"
    return action.dest.upper()


def _values(action: argparse.Action, path: tuple[str, ...]) -> Values:
    """What the argument of ``action``, in the command at ``path``, takes."""
    from store.fields import Choice, Ref, Refs
    from store.models import MODELS

    from .cli_commands import KIND_NAMES

    if action.choices:
        return ("choices", *_choice_words(list(action.choices), path))
    if action.dest in _FILE_DESTS:
        return ("files",)
    if action.dest == "language":  # (--language, and relance settings --language)
        from store.i18n import available

        return ("choices", *available())
    if action.dest == "theme":  # (relance's own: a theme file's name is typed, as it is the person's)
        from themes import THEMES

        return ("choices", *(theme.name for theme in THEMES))
    if action.dest == "ref":
        return ("names", KIND_NAMES[path[-1]]) if path[-1] in KIND_NAMES else ("names-of-kind",)
    model = MODELS[KIND_NAMES[path[-1]]] if path[-1] in KIND_NAMES else None
    if model is None and action.dest == "circle":  # (import's --circle: the contacts' circle)
        model = MODELS["contact"]
    ftype = model.field_types().get(action.dest) if model is not None else None
    if isinstance(ftype, (Ref, Refs)):
        return ("names", ftype.kind)
    if isinstance(ftype, Choice):
        return ("choices", *ftype.choices)
    return ("text",)


def _choice_words(choices: list[str], path: tuple[str, ...]) -> list[str]:
    """The choices a Tab offers: every one, but for a kind, which the parser takes in
    several spellings (``contact``, ``contacts``, ``time_off``...): one word a kind, as
    the README writes them: plural for ``list`` (``relance list contacts``), singular
    elsewhere, as the subcommands of ``add`` and ``edit`` are (``relance rm contact``)."""
    from store.models import MODELS

    from .cli_commands import KIND_NAMES, cli_kind

    kinds = dict.fromkeys(KIND_NAMES.get(choice) for choice in choices)
    if None in kinds or len(kinds) == len(choices):  # (not kinds, or one spelling each: as they are)
        return choices
    if path[-1] == "list":
        return [cli_kind(MODELS[kind].TABLE) for kind in kinds]
    return [cli_kind(kind) for kind in kinds]


def script(shell: str, parser: argparse.ArgumentParser | None = None) -> str:
    """The completion script for ``shell`` (one of :data:`SHELLS`)."""
    from . import completion_scripts
    from .cli import version

    return completion_scripts.WRITERS[shell](command_tree(parser), version())


# -- record names, for the scripts ----------------------------------------------------


def unquoted(word: str) -> str:
    """A word as the shell will pass it, from the text typed so far: quotes removed (an
    open one too), backslashes taken, ``~/`` left for :meth:`Path.expanduser`."""
    out: list[str] = []
    quote = ""
    chars = iter(word)
    for char in chars:
        if quote == "'":
            quote = "" if char == "'" else quote
            if quote:
                out.append(char)
        elif char == "\\":
            following = next(chars, "")
            if quote == '"' and following not in '"\\$`':
                out.append(char)
            out.append(following)
        elif quote == '"' and char == '"':
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        else:
            out.append(char)
    return "".join(out)


#: the characters a name is not written with as it is in a bash command line, but after
#: a backslash (a space, a quote, ``$``, ``:`` that bash splits words at...)
_BASH_SPECIAL = re.compile(r"[^\w./@%+,-]")


def bash_quoted(name: str, typed: str) -> str:
    """``name`` as bash is to insert it for a word typed as ``typed``: after an opening
    quote, inside that quote (readline closes it); else every special character after a
    backslash, so that ``Zoé\\ D<Tab>`` goes on from the same words."""
    if typed.startswith("'"):
        return name.replace("'", "'\\''")
    if typed.startswith('"'):
        return re.sub(r'(["\\$`])', r"\\\1", name)
    return _BASH_SPECIAL.sub(r"\\\g<0>", name)


def matching(names: Sequence[str], prefix: str) -> list[str]:
    """The names that start with ``prefix``: as typed first; when none does, case and
    accents aside ("zoe" gives "Zoé Durand"), as references are looked up."""
    exact = [name for name in names if name.startswith(prefix)]
    if exact or not prefix:
        return exact
    from store.rules import fold

    wanted = fold(prefix)
    return [name for name in names if fold(name).startswith(wanted)]


class _Quiet(argparse.ArgumentParser):
    """A parser that says nothing when the arguments are wrong (a Tab prints no error)."""

    def error(self, message: str):  # type: ignore[override]
        raise SystemExit(0)


def print_names(argv: Sequence[str]) -> int:
    """``relance __complete-names KIND [PREFIX] [--data PATH] [--bash]``: the names of
    the records of KIND (any spelling, ``contacts``), one a line, sorted;
    those starting with PREFIX (as typed on the command line, quotes and all); with
    ``--bash``, quoted for bash's command line. Never writes: a file of an older schema
    (whose opening would migrate it), a damaged or missing one, gives no name. Any
    problem gives no name, exit status 0: a Tab must not print an error."""
    finder = _Quiet(add_help=False)
    finder.add_argument("kind")
    finder.add_argument("prefix", nargs="?", default="")
    finder.add_argument("--data", default=None)
    finder.add_argument("--bash", action="store_true")
    try:
        args = finder.parse_args(argv)
        names = record_names(args.kind, unquoted(args.data) if args.data else None)
    except (Exception, SystemExit):
        return 0
    chosen = matching(names, unquoted(args.prefix))
    # (every shell sorts what it is given: a plain sort, for a stable output; relance's
    # dictionary order cost ~0.3 s more for 30,000 names and would not be seen)
    chosen.sort()
    if args.bash:
        chosen = [bash_quoted(name, args.prefix) for name in chosen]
    try:
        sys.stdout.write("".join(name + "\n" for name in chosen))
        sys.stdout.flush()
    except (BrokenPipeError, UnicodeError):
        pass
    return 0


def record_names(kind: str, data: str | None) -> list[str]:
    """The names (labels) of the records of ``kind`` in the data file ``data`` (else
    ``$RELANCE_DATA``, else the default one), each once, in the file's order."""
    from store.layout import SCHEMA
    from store.paths import resolve_data_path
    from store.repository import Repository

    from .cli_commands import KIND_NAMES

    kind = KIND_NAMES[kind]
    path = resolve_data_path(data)
    if _schema(path) != SCHEMA:
        return []
    repo = Repository(path)
    try:
        labels = repo.labels(kind)
    finally:
        repo.close()
    return list(dict.fromkeys(label for label in labels.values() if label and "\n" not in label))


#: the first lines of a data file relance wrote: ``_meta`` first, its schema first in it
_SCHEMA_HEAD = re.compile(rb'\{\n"_meta": \{\n  "[0-9]+": \{"schema":([0-9]+)[,}]')


def _schema(path) -> int | None:
    """The schema of the file at ``path`` from its first bytes (None if not so written):
    only a file of the current one is opened, so that a Tab never migrates a file."""
    from store.errors import RelanceError
    from store.filesafety import check_data_file, resolve

    try:
        # (the checks of every other command: another user's link, a fifo that would hang
        # the Tab, a file others could write are not opened)
        real = resolve(path, "data file")
        check_data_file(real)
        fd = os.open(real, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                return None
            head = handle.read(256)
    except (OSError, RelanceError):
        return None
    found = _SCHEMA_HEAD.match(head.removeprefix(b"\xef\xbb\xbf"))
    return int(found.group(1)) if found else None
