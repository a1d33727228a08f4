"""The person's own themes: ``$XDG_CONFIG_HOME/relance/themes/*.toml`` (README, "Your own themes").

A file holds the fields of ``textual.theme.Theme`` (its ``name`` defaults to the file's
stem) and a ``[variables]`` table of Textual's theme variables. Everything is checked
here, before the theme is registered: Textual takes a bad colour or variable without a
word and fails later, when the theme is switched to (a ``StylesheetParseError`` that ends
the app). A file with any problem is skipped whole and each problem said in one line,
``<file>: <field>: <what is wrong>``; the other files are loaded.

The files are read as the person's own configuration, so a file another user could have
planted or changed (on a shared server: owned by someone else, writable by the group or
others, a symbolic link out of the folder) is refused, and so is anything that is not a
small regular file (a folder, a FIFO, which would block the open, a huge file).

relance's own CSS (tui/*.tcss, the widgets' ``DEFAULT_CSS``) defines no variable of its
own: it uses Textual's ($primary, $surface, $text-muted...), so those are the variables a
theme may set.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

from textual.color import Color
from textual.css.tokenize import IDENTIFIER
from textual.theme import BUILTIN_THEMES, Theme

from store.fmt import shown
from store.i18n import _

#: larger than any theme needs (a full one is ~2 KiB); a bigger file is not read at all
MAX_BYTES = 64 * 1024

COLOUR_FIELDS = ("primary", "secondary", "warning", "error", "success", "accent",
                 "foreground", "background", "surface", "panel", "boost")
#: the number fields and their range (Textual accepts any float and draws nonsense)
NUMBER_FIELDS = {"luminosity_spread": (0.0, 1.0), "text_alpha": (0.0, 1.0)}
BOOL_FIELDS = ("dark",)
FIELDS = frozenset(("name", "variables", *COLOUR_FIELDS, *NUMBER_FIELDS, *BOOL_FIELDS))

_NAME = re.compile(IDENTIFIER)  # the name becomes a CSS class (``-theme-<name>``)
#: the longest name the data file's ``theme`` setting holds (store/models.py), which
#: ``relance settings --theme`` writes: a longer one could not be saved there
MAX_NAME = 60
_TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_END = re.compile(r"\s*\(at end of document\)$")


def load_user_themes(folder: Path, reserved: frozenset[str] | set[str] = frozenset()) -> tuple[list[Theme], list[str]]:
    """The valid themes of ``folder/*.toml`` (in the files' order, sorted by name) and one
    line per problem of the files skipped. ``reserved``: names of themes already there
    (relance's built-in ones); Textual's built-in names are reserved too. Never raises
    on what a file holds; a folder that cannot be listed is one problem."""
    themes: list[Theme] = []
    problems: list[str] = []
    try:
        entries = sorted(entry.name for entry in os.scandir(folder)
                         if entry.name.endswith(".toml") and not entry.name.startswith("."))
    except FileNotFoundError:
        return themes, problems
    except OSError as err:
        return themes, [_("{file}: cannot be read: {reason}").format(file=shown(str(folder)), reason=err.strerror or err)]
    taken: dict[str, str] = {}  # a user theme's name -> its file
    for entry in entries:
        path = folder / entry
        file = shown(entry)
        text, problem = _read(path, file, folder)
        if problem:
            problems.append(problem)
            continue
        theme, found = _theme(text, file, Path(entry).stem, reserved, taken)
        if found:
            problems.extend(found)
            continue
        taken[theme.name] = file
        themes.append(theme)
    return themes, problems


#: problems listed in the notification at most (the others counted)
SHOWN_PROBLEMS = 8


def problems_message(folder: Path, problems: list[str]) -> str:
    """The start-up's notification of the files skipped ("" when none was)."""
    if not problems:
        return ""
    where = str(folder)
    home = str(Path.home())
    if home != "/" and where.startswith(home + "/"):
        where = "~" + where[len(home):]
    lines = [_("Theme files skipped, in {folder}:").format(folder=shown(where, 200)), *problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(_("…and {count} more.").format(count=len(problems) - SHOWN_PROBLEMS))
    return "\n".join(lines)


# reading a file, safely -----------------------------------------------------------------------


def _read(path: Path, file: str, folder: Path) -> tuple[str, str | None]:
    """The file's text, or a problem. The checks are made on the opened file (``fstat``),
    not on its name, so that the file cannot be swapped between the check and the read."""
    try:
        st = os.lstat(path)
        if stat.S_ISLNK(st.st_mode):
            # a link within the folder (two names for one theme file) is read; one out of it
            # is not: the folder is the person's, the target may be anyone's
            target = path.resolve()
            if target.parent != folder.resolve():
                return "", _("{file}: a symbolic link to {target}, outside the themes folder: not followed").format(
                    file=file, target=shown(str(target)))
            path = target
            st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return "", _("{file}: not a regular file (a folder, a device or a pipe): not read").format(file=file)
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as err:
        return "", _("{file}: cannot be read: {reason}").format(file=file, reason=err.strerror or err)
    except RuntimeError:  # (Path.resolve in Python 3.11, on a loop of links)
        return "", _("{file}: a loop of symbolic links: not followed").format(file=file)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            return "", _("{file}: not a regular file (a folder, a device or a pipe): not read").format(file=file)
        uid = os.geteuid() if hasattr(os, "geteuid") else st.st_uid
        if st.st_uid != uid:
            return "", _("{file}: owned by another user (uid {uid}): not read").format(file=file, uid=st.st_uid)
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return "", _("{file}: other users may change it (mode {mode}): not read; chmod go-w {file} makes it yours alone").format(
                file=file, mode=oct(stat.S_IMODE(st.st_mode))[2:])
        if st.st_size > MAX_BYTES:
            return "", _("{file}: larger than {size} KiB: not read").format(file=file, size=MAX_BYTES // 1024)
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as err:
        return "", _("{file}: cannot be read: {reason}").format(file=file, reason=err.strerror or err)
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > MAX_BYTES:  # (it grew after the fstat)
        return "", _("{file}: larger than {size} KiB: not read").format(file=file, size=MAX_BYTES // 1024)
    try:
        return data.decode("utf-8-sig"), None  # (a byte-order mark, which some editors write, is dropped)
    except UnicodeDecodeError as err:
        return "", _("{file}: line {line}: not UTF-8 text").format(file=file, line=data.count(b"\n", 0, err.start) + 1)


# checking what it holds -----------------------------------------------------------------------


def _theme(text: str, file: str, stem: str, reserved, taken: dict[str, str]) -> tuple[Theme | None, list[str]]:
    """The theme the file's text describes, or its problems (all of them: fixed in one go)."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        return None, [_toml_problem(file, str(err), text)]
    except (ValueError, RecursionError):  # (tomllib's own bugs on strange input: still a problem, not a crash)
        return None, [_("{file}: not valid TOML").format(file=file)]
    problems: list[str] = []
    fields: dict = {}
    for key, value in table.items():
        found = _field_problems(file, key, value)
        if found:
            problems.extend(found)
        else:
            fields[key] = value
    if "primary" not in table:
        problems.append(_("{file}: primary: missing (the theme's main colour, e.g. primary = \"#5fafd7\")").format(file=file))
    name = table.get("name", stem)
    if isinstance(name, str):
        say = _name_problem(file, name, reserved, taken)
        if say:
            problems.append(say)
    if problems:
        return None, problems
    fields["name"] = name
    theme = Theme(**fields)
    generated, reason = _generated(theme)  # (what Textual does with it when switched to)
    if generated is not None:
        see_through = _see_through_problem(file, {**generated, **theme.variables})
        return (None, [see_through]) if see_through else (theme, [])
    # Textual reads a few variables as colours of its own (primary-lighten-1 and
    # background-darken-1 take no "red 50%"): the ones it refuses are named
    culprits = [_("{file}: {field}: {value} refused by Textual: {reason}").format(
        file=file, field="variables." + shown(key, 40), value=_quoted(value), reason=why)
        for key, value in theme.variables.items()
        if (why := _generated(Theme(**{**fields, "variables": {key: value}}))[1]) is not None]
    return None, culprits or [_("{file}: refused by Textual: {reason}").format(file=file, reason=reason)]


def _see_through_problem(file: str, variables: dict[str, str]) -> str | None:
    """Both the screen's background and the surface fully transparent (fields or variables)
    make Textual 8.2's TextArea fail to draw (an assertion in ``TextAreaTheme.apply_css``:
    it needs a background colour), and the app ends when a form with a notes field opens."""
    for name in ("background", "surface"):
        try:
            if Color.parse(variables[name]).a > 0:
                return None
        except Exception:  # ("red 50%" and the like: not a colour Color.parse reads, and not see-through)
            return None
    return _("{file}: background, surface: both transparent: Textual cannot draw a form's text areas on them; "
             "give one of them a colour").format(file=file)


def _generated(theme: Theme) -> tuple[dict[str, str] | None, str | None]:
    """Textual's variables of the theme (``ColorSystem.generate``), or why it failed."""
    try:
        return theme.to_color_system().generate(), None
    except Exception as err:  # a last net: nothing a file holds may stop relance from starting
        return None, shown(str(err))


def _toml_problem(file: str, message: str, text: str) -> str:
    """tomllib's message (in English: it has no translation) with its place said first."""
    place = _TOML_PLACE.search(message)
    if place:
        return _("{file}: line {line}, column {column}: not valid TOML: {error}").format(
            file=file, line=place[1], column=place[2], error=message[: place.start()])
    end = _TOML_END.search(message)
    if end:  # (its last line and the column after it: where an editor shows the end)
        lines = text.splitlines() or [""]
        return _("{file}: line {line}, column {column}: not valid TOML: {error}").format(
            file=file, line=len(lines), column=len(lines[-1]) + 1, error=message[: end.start()])
    return _("{file}: not valid TOML: {error}").format(file=file, error=shown(message))


def _field_problems(file: str, key: str, value) -> list[str]:
    if key == "variables":
        return _variables_problems(file, value)
    say = _field_problem(file, key, value)
    return [say] if say else []


def _field_problem(file: str, key: str, value) -> str | None:
    field = shown(key, 40)
    if key == "ansi":  # (Textual's ANSI themes need a dozen variables set just so, or its CSS fails)
        return _("{file}: ansi: not taken in a theme file; Textual's ansi-dark and ansi-light "
                 "(ctrl+p, \"Theme\") use the terminal's own colours").format(file=file)
    if key not in FIELDS:
        return _("{file}: {field}: not a field of a theme (they are: {fields})").format(
            file=file, field=field, fields=", ".join(sorted(FIELDS)))
    if key == "name":
        return None if isinstance(value, str) else _("{file}: name: must be text, in quotes").format(file=file)
    if key in COLOUR_FIELDS:
        return _colour_problem(file, field, value)
    if key in BOOL_FIELDS:
        return None if isinstance(value, bool) else _("{file}: {field}: must be true or false").format(file=file, field=field)
    low, high = NUMBER_FIELDS[key]  # (the fields left: the numbers)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high:
        return None
    return _("{file}: {field}: must be a number from {low} to {high}").format(file=file, field=field, low=low, high=high)


def _colour_problem(file: str, field: str, value) -> str | None:
    if isinstance(value, str):
        try:
            Color.parse(value)
            return None
        except Exception:  # (Color.parse raises ColorParseError, and ValueError on odd numbers)
            pass
    return _("{file}: {field}: {value} is not a colour (e.g. \"#5fafd7\", \"red\", \"rgb(95, 175, 215)\", \"hsl(200, 60%, 61%)\")").format(
        file=file, field=field, value=_quoted(value))


def _name_problem(file: str, name: str, reserved, taken: dict[str, str]) -> str | None:
    if not _NAME.fullmatch(name) or len(name) > MAX_NAME:
        return _("{file}: name: {name} may hold only letters, digits, \"-\" and \"_\" ({most} at most), "
                 "and not start with a digit").format(file=file, name=_quoted(name), most=MAX_NAME)
    if name in reserved or name in BUILTIN_THEMES:
        return _("{file}: name: {name} is the name of a built-in theme; choose another").format(file=file, name=_quoted(name))
    if name in taken:
        return _("{file}: name: {name} is already the name of the theme in {other}").format(
            file=file, name=_quoted(name), other=taken[name])
    return None


def _quoted(value) -> str:
    """A value of the file as a message shows it: quoted, escaped, cut."""
    return '"' + shown(value, 40) + '"' if isinstance(value, str) else shown(repr(value), 40)


# [variables] ----------------------------------------------------------------------------------


def _variables_problems(file: str, value) -> list[str]:
    """The ``[variables]`` table's problems, one line each."""
    if not isinstance(value, dict):
        return [_("{file}: variables: must be a table ([variables], then one name = \"value\" a line)").format(file=file)]
    known = textual_variables()
    problems = []
    for name, setting in value.items():
        field = "variables." + shown(name, 40)
        if name not in known:
            problems.append(_("{file}: {field}: not one of Textual's theme variables (e.g. text-muted, border, footer-background)").format(
                file=file, field=field))
        elif not isinstance(setting, str):
            problems.append(_("{file}: {field}: must be text, in quotes").format(file=file, field=field))
        elif not _css_value_ok(name, setting, known[name]):
            problems.append(_("{file}: {field}: {value} is not a value Textual's CSS takes there").format(
                file=file, field=field, value=_quoted(setting)))
    return problems


_VARIABLES: dict[str, str] | None = None


def textual_variables() -> dict[str, str]:
    """Textual's theme variables and a default value of each (the keys of
    ``ColorSystem.generate``): the names ``App.get_css_variables`` gives the stylesheets,
    where a theme's ``variables`` override them. (Its ANSI form, which a theme file cannot
    ask for, has two more that no stylesheet uses.)"""
    global _VARIABLES
    if _VARIABLES is None:
        from textual.design import ColorSystem

        _VARIABLES = ColorSystem("#000000").generate()
    return _VARIABLES


def _css_value_ok(name: str, value: str, default: str) -> bool:
    """Whether Textual's CSS parser takes the value where Textual uses that variable: a
    value it refuses ends the app when the theme is switched to. The declarations tried
    follow the variable's own default: a text style (``bold``), a text colour that may be
    ``auto 87%``, ``initial``, or a colour also used for backgrounds and borders."""
    from textual.css.stylesheet import Stylesheet

    if "style" in name.split("-"):
        declarations = "text-style: $v;"
    elif default.startswith("auto"):
        declarations = "color: $v;"
    elif default == "initial":
        declarations = "background: $v;"
    else:
        declarations = "background: $v; color: $v; border: solid $v;"
    sheet = Stylesheet(variables={"v": value})
    try:
        sheet.add_source("* { %s }" % declarations, read_from=("theme", name))
        sheet.parse()
    except Exception:  # (a parse error, an unexpected end: refused either way)
        return False
    return True
