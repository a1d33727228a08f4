"""The person's config file: preferences, not data (docs/ARCHITECTURE.md, "Config file").

``$XDG_CONFIG_HOME/relance/config.toml`` (:func:`store.paths.config_path`), read with
the standard library's ``tomllib``. Each option is taken, in this order of strength,
from a flag, the environment, the config file, then its default; the language and the
theme also from the data file's settings when the config file says nothing (the data
file held them before there was a config file)::

    data = "~/relance/relance.json"   # --data, RELANCE_DATA
    theme = "relance-light"           # --theme, RELANCE_THEME
    language = "fr"                   # --language, RELANCE_LANGUAGE
    date_style = "iso"                # RELANCE_DATE_STYLE

    [keymap]
    "record.new" = "o"

A file that cannot be read or holds a mistake never stops a command: each problem is one
line naming the file, the line and the option, and the default is used in its place.
The keymap is checked against the bindings by :mod:`tui.keymap` (the store knows no keys).
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths
from .errors import UnsafeFileError
from .i18n import N_, _

#: a config file is a few lines: one much bigger is not one (and is not read whole)
MAX_BYTES = 256 * 1024
#: options, or keys of the keymap, past which a file is not a person's preferences (relance
#: has 4 options and under 100 bindings; 10,000 keymap lines took 40 s to check one by one)
MAX_ENTRIES = 200

#: where a value came from, weakest first (translated when shown)
DEFAULT, DATA_FILE, CONFIG_FILE, ENVIRONMENT, FLAG = (
    N_("default"), N_("data file"), N_("config file"), N_("environment"), N_("flag"))

DATE_STYLES = ("language", "iso", "day-first")


@dataclass(frozen=True)
class Option:
    name: str
    #: what it is for, in ``relance config init``'s comments and ``config show``
    help: str
    env: str | None = None
    flag: str | None = None


OPTIONS = {option.name: option for option in (
    Option("data", N_("the data file; a path starting with ~ is in your home folder"), "RELANCE_DATA", "--data"),
    Option("theme", N_("the colour theme: relance-dark, relance-light, relance-contrast, or the name of a "
                       "theme file in themes/ beside this file"), "RELANCE_THEME", "--theme"),
    Option("language", N_("the language relance speaks (en, fr); empty: the data file's settings, else "
                          "LANGUAGE or LANG"), "RELANCE_LANGUAGE", "--language"),
    Option("date_style", N_("how dates are shown: \"language\" (2027-01-04 in English, 04/01/2027 in French), "
                            "\"iso\" (always 2027-01-04) or \"day-first\" (always 04/01/2027)"),
           "RELANCE_DATE_STYLE"),
)}
DEFAULTS: dict[str, str] = {"data": "", "theme": "", "language": "", "date_style": "language"}


@dataclass
class Config:
    """The options in force, where each came from, the keymap as written, and what was wrong."""

    path: Path
    #: the file was there and read (its values may still have been refused one by one)
    found: bool = False
    #: the file is there but was not read (another user's, writable by others, not UTF-8...)
    refused: bool = False
    values: dict[str, str] = field(default_factory=lambda: dict(DEFAULTS))
    #: an option's source (DEFAULT, CONFIG_FILE...) and its detail (the file's line, "RELANCE_THEME")
    sources: dict[str, tuple[str, str]] = field(default_factory=lambda: {name: (DEFAULT, "") for name in DEFAULTS})
    #: binding id → keys, as the file writes them, and the line of each
    keymap: dict[str, str] = field(default_factory=dict)
    keymap_lines: dict[str, int] = field(default_factory=dict)
    #: one line each, naming the file, the line and the option
    problems: list[str] = field(default_factory=list)
    #: the flags it was read with (read again with them when the file changes)
    flags: dict[str, str | None] | None = None

    def data_path(self) -> Path | None:
        value = self.values["data"]
        return Path(value).expanduser() if value else None

    def where(self, line: int | None) -> str:
        return f"{self.path}:{line}" if line else str(self.path)


_KEY = re.compile(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=""")
_TABLE = re.compile(r"\s*\[\s*([^\]]*?)\s*\](?!\])")


def _lines(text: str) -> dict[tuple[str | None, str], int]:
    """(table, key) → the line that sets it, for every key of the file, in one pass (tomllib
    gives values, not places, and a person fixes a file by its line)."""
    found: dict[tuple[str | None, str], int] = {}
    current: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TABLE.match(line)
        if header and not line.lstrip().startswith("[["):
            current = header.group(1).strip("\"'")
            continue
        key = _KEY.match(line)
        if key:
            written = key.group(1)
            if written[0] == '"':
                try:
                    written = json.loads(written)
                except ValueError:
                    written = written[1:-1]
            elif written[0] == "'":
                written = written[1:-1]
            found.setdefault((current, written), number)
    return found


def _resolved(path: Path) -> Path:
    """``path`` with the person's own links followed; one of another user's is refused (it
    could point at any of the person's files), in words about the config file."""
    from .filesafety import resolve

    try:
        return resolve(path, _("config file"))
    except UnsafeFileError:
        raise UnsafeFileError(_("The config file {path} goes through a symbolic link of another user's: "
                                "relance does not follow it.").format(path=path)) from None


def _check_folder(folder: Path) -> None:
    """The config file's folder: the person's (or root's), and only they can put or swap
    files in it (unless it is sticky): the data folder's rule, said of the config file."""
    from .filesafety import check_folder

    check_folder(folder, _("The folder {folder} of your config file belongs to {owner}, not to you: "
                           "{owner} could swap the file there."),
                 _("The folder {folder} of your config file can be written by others (mode {mode}): "
                   "anyone could swap the file there. Fix it with: chmod go-w {folder}"))


def read_text(path: Path) -> str | None:
    """The config file's text, or None when there is none; ``UnsafeFileError`` (one line)
    for a file relance must not trust or cannot read: another user's, or one others can
    write (on a shared server they could remap a key or move the data file), a folder,
    too big, not UTF-8. The user's own symbolic link (a dotfiles folder) is followed."""
    from .filesafety import check_file

    what = _("config file")
    real = _resolved(path)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as err:  # (a link swapped in since resolve: ELOOP; a folder not open to the user)
        raise UnsafeFileError(_("Cannot read the config file {path}: {reason}.").format(
            path=path, reason=err.strerror or err)) from None
    try:
        check_file(path, os.fstat(fd), what)  # (a folder, a fifo, another user's, writable by others)
        # its folder too: in one others can write, the file could be swapped for another
        _check_folder(real.parent)
        data = os.read(fd, MAX_BYTES + 1)
    except OSError as err:
        raise UnsafeFileError(_("Cannot read the config file {path}: {reason}.").format(
            path=path, reason=err.strerror or err)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise UnsafeFileError(_("The config file {path} is over {size} KiB: it is not a config file.").format(
            path=path, size=MAX_BYTES // 1024))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[:err.start].count(b"\n") + 1
        raise UnsafeFileError(_("{where}: not UTF-8 text (byte {byte} of line {line}); save it as UTF-8.").format(
            where=f"{path}:{line}", byte=err.start - data.rfind(b"\n", 0, err.start), line=line)) from None


def load(path: Path | None = None, flags: dict[str, str | None] | None = None,
         environ: dict[str, str] | os._Environ | None = None) -> Config:
    """The config in force: ``flags`` (option → value given on the command line, None when
    not given) over the environment over the file over the defaults. Never raises for a
    problem of the file: it is in ``problems``."""
    config = Config(path or paths.config_path(), flags=flags)
    environ = os.environ if environ is None else environ
    try:
        text = read_text(config.path)
    except UnsafeFileError as err:
        config.problems.append(_("{message} Its options are not used.").format(message=err))
        config.refused = True
        text = None
    if text is not None:
        config.found = True
        _read_file(config, text)
    for name, option in OPTIONS.items():
        if option.env and environ.get(option.env):
            _take(config, name, environ[option.env], (ENVIRONMENT, option.env), f"${option.env}")
        if flags and option.flag and flags.get(name):
            _take(config, name, flags[name], (FLAG, option.flag), option.flag)
    return config


def _given(name: str, source: str) -> bool:
    """A data path given on the command line or in the environment is taken as it is, as
    before there was a config file (relative to the working folder); one in the config file,
    read from anywhere, must be whole."""
    return name == "data" and source != CONFIG_FILE


def _read_file(config: Config, text: str) -> None:
    import tomllib  # (~4 ms, paid only by those who have a config file)

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        line = re.search(r"at line (\d+)", str(err))
        config.problems.append(_("{where}: not valid TOML ({reason}); the defaults are used.").format(
            where=config.where(int(line.group(1)) if line else None), reason=str(err)))
        return
    except (ValueError, RecursionError):  # (an integer of 5,000 digits; arrays 600 deep)
        config.problems.append(_("{where}: a value too big or too deep to be a preference; the defaults are "
                                 "used.").format(where=config.where(None)))
        return
    lines = _lines(text)
    if len(document) > MAX_ENTRIES:
        config.problems.append(_("{where}: {count} options: relance has {known}; none is used.").format(
            where=config.where(None), count=len(document), known=len(OPTIONS) + 1))
        return
    for name, value in document.items():
        line = lines.get((None, name))
        if name == "keymap":
            _read_keymap(config, lines, value, line)
        elif name not in OPTIONS:
            config.problems.append(_("{where}: unknown option {name!r} (relance knows {known}); it is ignored.").format(
                where=config.where(line), name=name, known=", ".join([*OPTIONS, "[keymap]"])))
        elif not isinstance(value, str):
            config.problems.append(_("{where}: {name} should be text in quotes, as {name} = \"…\"; the default "
                                     "is used.").format(where=config.where(line), name=name))
        else:
            _take(config, name, value, (CONFIG_FILE, str(line or "")), config.where(line))


def _read_keymap(config: Config, lines: dict, table: Any, line: int | None) -> None:
    if not isinstance(table, dict):
        config.problems.append(_("{where}: keymap should be a table ([keymap], then \"binding.id\" = \"key\" "
                                 "lines); it is ignored.").format(where=config.where(line)))
        return
    if len(table) > MAX_ENTRIES:
        config.problems.append(_("{where}: {count} keys in [keymap]: relance has fewer than {known} bindings; "
                                 "none is used.").format(where=config.where(line), count=len(table), known=MAX_ENTRIES))
        return
    for binding_id, keys in table.items():
        key_line = lines.get(("keymap", binding_id))
        if not isinstance(keys, str) or not keys.strip():
            config.problems.append(_("{where}: the keys of {binding!r} should be text in quotes, as \"ctrl+n\" or "
                                     "\"n,insert\"; its default key is kept.").format(
                                         where=config.where(key_line), binding=binding_id))
            continue
        config.keymap[binding_id] = keys
        if key_line:
            config.keymap_lines[binding_id] = key_line


def _take(config: Config, name: str, value: str, source: tuple[str, str], where: str) -> None:
    """``value`` for option ``name`` when it is one it may take; else a problem, and what
    was there before stays."""
    as_given = _given(name, source[0])
    value = value if as_given else value.strip()
    if not value and not DEFAULTS[name]:  # (language = "": what it would be without the line)
        return
    problem = None if as_given else _check(name, value)
    if problem:
        config.problems.append(_("{where}: {name}: {problem}").format(where=where, name=name, problem=problem))
        return
    config.values[name] = value
    config.sources[name] = source


def _check(name: str, value: str) -> str | None:
    """What is wrong with ``value`` for option ``name``, or None. (A theme is checked once
    the themes are registered, by the dashboard: a theme file may name it.)"""
    from .fmt import shown

    if name == "date_style" and value not in DATE_STYLES:
        return _("expected one of {choices}, got {value}; the default is used.").format(
            choices=", ".join(DATE_STYLES), value=shown(value))
    if name == "language" and value:
        from .i18n import available

        if value.split("_")[0].split(".")[0] not in available():
            return _("relance does not speak {value} (it speaks {choices}); the default is used.").format(
                value=shown(value), choices=", ".join(available()))
    if name == "data" and value and not (value.startswith("~") or os.path.isabs(value)):
        return _("expected a full path (starting with / or ~), got {value}; the default is used.").format(
            value=shown(value))
    if name == "data" and value.startswith("~"):
        try:
            Path(value).expanduser()
        except RuntimeError:  # (~someone who has no account here)
            return _("{value} names the home folder of a user this machine does not know; the default is "
                     "used.").format(value=shown(value))
    if any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in value):
        return _("{value} holds a control character; the default is used.").format(value=shown(value))
    return None


def with_option(text: str, name: str, value: str) -> str:
    """``text`` (a config file) with ``name = "value"`` at the top level: the line that set
    it replaced, else a line added before the first table; every other line, comments
    included, kept as the person wrote it."""
    line = f"{name} = {json.dumps(value, ensure_ascii=False)}"  # (a JSON string is a TOML basic string)
    lines = text.splitlines()
    number = _lines(text).get((None, name))
    if number:
        comment = _comment(lines[number - 1])
        lines[number - 1] = f"{line}  {comment}" if comment else line
    else:
        first_table = next((i for i, old in enumerate(lines) if re.match(r"\s*\[", old)), len(lines))
        lines[first_table:first_table] = [line] + ([""] if first_table < len(lines) else [])
    end = "\r\n" if "\r\n" in text else "\n"  # (a file written on Windows keeps its line ends)
    return end.join(lines) + end


def _comment(line: str) -> str:
    """The ``# ...`` that ends a TOML line, outside its strings (kept when the value changes)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == "\\" and quote == '"':
                continue
            if char == quote and line[index - 1:index] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[index:]
    return ""


def write_option(name: str, value: str, path: Path | None = None) -> Path:
    """Set ``name`` to ``value`` in the config file (made 0600 in a 0700 folder when there is
    none), in one atomic replace; the file read back must give it. ``UnsafeFileError`` when
    the file cannot be trusted or is not valid TOML (a mistake there is the person's to fix:
    it is not written over). Returns the file written."""
    import tomllib

    from .files import fsync_dir, make_private_dirs, remove_temp_files, replace_file

    path = path or paths.config_path()
    text = read_text(path) or ""
    if text:
        try:
            tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError, RecursionError) as err:
            raise UnsafeFileError(_("{path} is not valid TOML ({reason}): fix it, then choose again.").format(
                path=path, reason=err)) from None
    new = with_option(text, name, value)
    try:
        placed = tomllib.loads(new).get(name) == value
    except (tomllib.TOMLDecodeError, ValueError, RecursionError):
        placed = False
    if not placed:  # (a line the simple edit above cannot place: a value over several lines)
        raise UnsafeFileError(_("{path}: {name} could not be set; set it by hand.").format(path=path, name=name))
    real = _resolved(path)  # (the person's own link to a dotfiles folder: its target)
    make_private_dirs(real.parent)
    _check_folder(real.parent)
    remove_temp_files(real)  # (of a write killed before its rename)
    replace_file(real, new.encode("utf-8"))
    fsync_dir(real.parent)
    return path


def where_from(config: Config, name: str) -> str:
    """Where option ``name`` in force was given, for a sentence: ``config.toml:3``,
    ``RELANCE_LANGUAGE``, ``--language``."""
    source, detail = config.sources[name]
    if source == CONFIG_FILE:
        return config.where(int(detail) if detail else None)
    return detail or _(source)


_loaded: Config | None = None


def current() -> Config:
    """The config of this process: what :func:`use` set, else the file and the environment
    read once."""
    global _loaded
    if _loaded is None:
        _loaded = load()
    return _loaded


def use(config: Config | None) -> None:
    """Make ``config`` the config of this process (the command line, with its flags; the
    dashboard after the file changed); None: read again at the next :func:`current`."""
    global _loaded
    _loaded = config
