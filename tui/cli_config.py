"""``relance config path|show|init``: where the config file is, what is in force and
where each value came from, and a commented file to start from (store/config.py)."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from store import config, paths
from store.errors import UnsafeFileError
from store.i18n import _, language, pgettext

THEMES_BUILT_IN = ("relance-dark", "relance-light", "relance-contrast")


def add_config_command(commands, command) -> None:
    conf = command(commands, "config", _("your config file: its path, what is in force, a file to start from"),
                   _("Your preferences (theme, language, keys, date style, the default data file) are kept in "
                     "$XDG_CONFIG_HOME/relance/config.toml, apart from your data."))
    actions = conf.add_subparsers(dest="config_action", metavar=pgettext("command-line placeholder", "ACTION"),
                                  required=True, parser_class=type(conf))
    command(actions, "path", _("print the config file's path"), _("Print the config file's path, there or not."))
    command(actions, "show", _("the values in force and where each came from"),
            _("Print each option and key in force, and where it came from: default, data file, config file "
              "(with its line), environment or flag; then what is wrong in the config file."))
    command(actions, "init", _("write a commented config file listing every option and key"),
            _("Write a config file where every option and every key is written out at its default, "
              "commented out. An existing file is never overwritten."))


def cmd_config(args: argparse.Namespace) -> int:
    from store.i18n import set_language
    from store.layout import stored_language

    conf = config.current()
    # (in the language of every other command: the config file's, else the data file's settings',
    # its problems too)
    if set_language(stored_language(paths.resolve_data_path(getattr(args, "data", None)))):
        conf = config.load(conf.path, conf.flags)
        config.use(conf)
    if args.config_action == "path":
        print(conf.path)
        return 0
    if args.config_action == "init":
        return _init(conf)
    return _show(conf, args)


def _source(source: tuple[str, str]) -> str:
    kind, detail = source
    if kind == config.CONFIG_FILE and detail:
        detail = _("line {line}").format(line=detail)
    return f"{_(kind)}, {detail}" if detail else _(kind)


def _show(conf: config.Config, args: argparse.Namespace) -> int:
    from store.layout import stored_setting

    from . import keymap

    data = paths.resolve_data_path(getattr(args, "data", None))
    stored = {name: (stored_setting(data, name) or "").strip() for name in ("theme", "language")}
    state = (_("read") if conf.found else _("there, but not used: see below") if conf.refused
             else _("not there: relance config init writes one"))
    print(_("Config file: {path} ({state})").format(path=conf.path, state=state))
    from store.i18n import ngettext
    from themes import THEMES, known_themes

    known, theme_problems = known_themes(paths.themes_dir())
    from textual.theme import BUILTIN_THEMES

    count = len(known - {theme.name for theme in THEMES} - set(BUILTIN_THEMES))
    print(ngettext("Theme files: {path} ({count} read)", "Theme files: {path} ({count} read)", count).format(
        path=paths.themes_dir(), count=count))
    refused_theme = conf.values["theme"] and conf.values["theme"] not in known
    print()
    rows = []
    for name in config.OPTIONS:
        value, source = conf.values[name], _source(conf.sources[name])
        if name == "data":
            value = str(data)
        elif name == "theme" and refused_theme:  # (named below among the problems)
            value, source = stored["theme"] or THEMES_BUILT_IN[0], _(config.DEFAULT)
        elif name in ("theme", "language") and conf.sources[name][0] == config.DEFAULT:
            if stored[name]:
                value, source = stored[name], _(config.DATA_FILE)
            elif name == "theme":
                value = THEMES_BUILT_IN[0]
            else:
                value, source = language(), _("default: LANGUAGE, LC_ALL or LANG")
        rows.append((name, value, source))
    _table(rows)
    entries = keymap.catalogue()
    checked = keymap.check(conf.keymap, conf.keymap_lines, str(conf.path)) if conf.keymap else None
    moved = checked.keymap if checked else {}
    print()
    print(_("Keys (binding id, keys, where from):"))
    key_rows = []
    for entry in entries.values():
        if entry.id in conf.keymap and entry.id in moved:
            line = conf.keymap_lines.get(entry.id)
            source = _source((config.CONFIG_FILE, str(line or "")))
        else:
            source = _(config.DEFAULT)
        keys = moved[entry.id].split(",") if entry.id in moved else entry.keys
        key_rows.append(("  " + entry.id, " / ".join(keymap.shown(key) for key in keys), source))
    _table(key_rows)
    problems = conf.problems + (checked.problems if checked else []) + theme_problems
    if refused_theme:
        problems.append(_("{where}: theme: {name} is not one relance knows (relance-dark, relance-light, "
                          "relance-contrast, a theme file's, or one of Textual's); the default is used.").format(
                              where=config.where_from(conf, "theme"), name=conf.values["theme"]))
    problems.sort(key=keymap.line_number)  # (in the file's order: the person reads them so)
    if problems:
        print()
        print(_("Problems (the defaults are used in their place):"))
        for problem in problems:
            print(f"  {problem}")
    return 1 if problems else 0


def _table(rows: list[tuple[str, str, str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in (0, 1)]
    for name, value, source in rows:
        print(f"{name:<{widths[0]}}  {value:<{widths[1]}}  {source}".rstrip())


def init_text() -> str:
    """The commented file ``relance config init`` writes: every option and every key at its
    default, commented out, in the language in use (its comments are for the person)."""
    from . import keymap

    out = [
        _("# relance's config file: your preferences, kept apart from your data."),
        _("# Every option and every key is written out at its default, commented out: to change"),
        _("# one, remove the \"# \" in front of it. relance config show prints what is in force."),
        "",
    ]
    examples = {"data": str(paths.default_data_path()).replace(str(paths.Path.home()), "~", 1),
                "theme": THEMES_BUILT_IN[0], "language": "", "date_style": "language"}
    for name, option in config.OPTIONS.items():
        where = ", ".join(x for x in (option.flag, option.env and f"${option.env}") if x)
        text = _(option.help) + (_(" (overridden by {where})").format(where=where) if where else "")
        out += textwrap.wrap(text, width=88, initial_indent="# ", subsequent_indent="# ", break_on_hyphens=False)
        out.append(f"# {name} = {json.dumps(examples[name], ensure_ascii=False)}")
        out.append("")
    out += [
        "[keymap]",
        _("# A binding id = its keys (several: \"n,insert\"). Keys are written n, N, ?, ctrl+n, f5,"),
        _("# escape, enter, pagedown, comma... A key taken by another binding of the same screen is refused."),
    ]
    sections: dict[str, list] = {}
    for entry in keymap.catalogue().values():
        sections.setdefault(keymap.section(entry), []).append(entry)
    for title, here in sections.items():
        out += ["", f"# {_(title)}"]
        width = max(len(json.dumps(entry.id)) for entry in here)
        for entry in here:
            keys = json.dumps(",".join(keymap.shown_for_config(key) for key in entry.keys))
            out.append(f"# {json.dumps(entry.id):<{width}} = {keys:<14} # {_(entry.description)}")
    return "\n".join(out) + "\n"


def _init(conf: config.Config) -> int:
    from store.files import make_private_dirs, write_new_file
    from store.filesafety import check_folder, resolve

    path = conf.path
    try:
        real = resolve(path, _("config file"))
        if real.exists() or path.is_symlink():
            print(_("relance: {path} is already there: it is not overwritten. relance config show prints what "
                    "it sets; move it away first to start from a fresh one.").format(path=path), file=sys.stderr)
            return 1
        make_private_dirs(real.parent)
        check_folder(real.parent)
        write_new_file(real, init_text().encode("utf-8"))
    except FileExistsError:
        print(_("relance: {path} is already there: it is not overwritten.").format(path=path), file=sys.stderr)
        return 1
    except UnsafeFileError as err:
        print(_("relance: {message}").format(message=err), file=sys.stderr)
        return 1
    except OSError as err:
        print(_("relance: cannot write {path}: {reason}.").format(path=path, reason=err.strerror or err),
              file=sys.stderr)
        return 1
    print(path)
    print(_("Written: every option and key at its default, commented out."), file=sys.stderr)
    return 0
