"""The person's keys: the config file's ``[keymap]`` checked against relance's bindings,
then handed to Textual (``App.set_keymap``), as Posting does.

Every binding a person may move carries an id (``record.new``, ``table.down``...). The
places are the screens, each with the widgets it holds and the App's keys: a key is
given to one binding per place, so a key already taken there, an unknown id or an
unknown key name is refused, with its line, and the binding keeps its default key.

What is shown of a key (the footer, the help screen, the palette) comes from
:func:`key_of` and :func:`keys_of`, which read the keys in force.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from textual.binding import Binding
from textual.keys import KEY_TO_UNICODE_NAME, REPLACED_KEYS, Keys, _character_to_key, format_key, key_to_character

from store.i18n import N_, _


@dataclass(frozen=True)
class Place:
    """A screen: where a key means one thing at a time."""

    name: str
    title: str  # (N_: translated when shown)
    screen: str  # "module:Class"
    widgets: tuple[str, ...] = ()
    #: holds text fields: a plain letter is typed into them, never reaches a binding
    typing: bool = False


_TABLE = "widgets.record_table:RecordTable"
PLACES = (
    Place("dashboard", N_("Dashboard"), "tui.dashboard:DashboardScreen", (_TABLE, "widgets.gauge:RevenueGauge")),
    Place("form", N_("Forms"), "tui.forms:RecordForm", typing=True),
    Place("confirm", N_("Questions (yes or no)"), "tui.forms:ConfirmScreen"),
    Place("conflict", N_("A record changed in another session"), "tui.forms:ConflictScreen"),
    Place("contact_now", N_("Who to contact now"), "tui.contact_now:ContactNowScreen", (_TABLE,)),
    Place("detail", N_("Record detail"), "tui.detail:DetailScreen", (_TABLE,)),
    Place("forecast", N_("Revenue gap, month by month"), "tui.forecast:ForecastScreen"),
    Place("review", N_("Lessons-learned review"), "tui.review:ReviewScreen", (_TABLE,), typing=True),
    Place("end_mission", N_("Ending a mission"), "tui.review:EndMissionScreen", typing=True),
    Place("import", N_("Importing contacts"), "tui.importer:ImportScreen", typing=True),
    Place("help", N_("Help"), "tui.help:HelpScreen"),
)
#: the App's own keys, active in every place
EVERYWHERE = "tui.app:RelanceApp"
#: Textual's keys that carry no id, in every place (the palette, quit, copy): their action and what they do
FIXED = {"ctrl+p": ("command_palette", N_("command palette")), "ctrl+q": ("quit", N_("quit")),
         "ctrl+c": ("help_quit", N_("copy, or how to quit"))}

#: key names as people write them (the help screen's, and the config file's)
KEY_NAMES = {
    "greater_than_sign": ">", "less_than_sign": "<", "slash": "/", "question_mark": "?",
    "escape": "esc", "enter": "enter",
}
MODIFIERS = ("ctrl", "alt", "shift", "meta", "super", "hyper")
#: keys a terminal cannot tell from others, as the others (a binding on ctrl+i never fires)
_ALIASED = {"ctrl+i": "tab", "ctrl+m": "enter", "ctrl+left_square_bracket": "escape"}
#: the names Textual gives keys that are not characters (up, f5, pagedown...)
_NAMED_KEYS = frozenset(
    key.value.rpartition("+")[2] for key in Keys if not key.value.startswith("<")) | {"space", "minus", "plus"}


#: bindings of a place without text fields that are pressed while one is focused (the filter's)
WHILE_TYPING = frozenset({"pane.clear_filter"})


@lru_cache(maxsize=1)
def _text_keys() -> frozenset[str]:
    """The keys a text field takes for itself (editing, moving, cut and paste), and those that
    move between a form's fields: given to a form's binding, they would never reach it."""
    from textual.widgets import Input, TextArea

    from widgets.textfields import LineInput, NoteArea

    keys = {"tab", "shift+tab", "enter"}
    for cls in (Input, TextArea, LineInput, NoteArea):
        for binding in cls.BINDINGS:
            written = binding.key if isinstance(binding, Binding) else binding[0]
            keys.update(key.strip() for key in written.split(","))
    return frozenset(keys)


@dataclass(frozen=True)
class Entry:
    """A binding that may be given another key."""

    id: str
    keys: tuple[str, ...]  # its default keys, in Textual's names
    description: str  # (N_)
    action: str
    places: tuple[str, ...]
    owner: str  # the class that declares it: bindings sharing a key there share it by design


def _class(path: str):
    """The class ``module:Class`` of :data:`PLACES`, imported here (each by name, so that the
    layers' check reads them: tests/test_layers.py)."""
    from widgets.gauge import RevenueGauge
    from widgets.record_table import RecordTable

    from .app import RelanceApp
    from .contact_now import ContactNowScreen
    from .dashboard import DashboardScreen
    from .detail import DetailScreen
    from .forecast import ForecastScreen
    from .forms import ConfirmScreen, ConflictScreen, RecordForm
    from .help import HelpScreen
    from .importer import ImportScreen
    from .review import EndMissionScreen, ReviewScreen

    classes = (RevenueGauge, RecordTable, RelanceApp, ContactNowScreen, DashboardScreen, DetailScreen,
               ForecastScreen, ConfirmScreen, ConflictScreen, RecordForm, HelpScreen, ImportScreen,
               EndMissionScreen, ReviewScreen)
    return next(cls for cls in classes if f"{cls.__module__}:{cls.__qualname__}" == path)


def _bindings(path: str) -> list[tuple[str, Binding]]:
    """The bindings of the class at ``path`` and of its bases, with the class declaring each."""
    found = []
    for cls in _class(path).__mro__:
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding) and binding.id:
                found.append((f"{cls.__module__}:{cls.__qualname__}", binding))
    return found


@lru_cache(maxsize=1)
def catalogue() -> dict[str, Entry]:
    """Every binding with an id, by id: its default keys, its description and its places
    (importing every screen's module, ~15 ms: paid only by a config with a keymap, and
    by ``relance config``)."""
    entries: dict[str, Entry] = {}
    sources = [(EVERYWHERE, tuple(place.name for place in PLACES))]
    for place in PLACES:
        sources += [(place.screen, (place.name,))] + [(widget, (place.name,)) for widget in place.widgets]
    for path, places in sources:
        for owner, binding in _bindings(path):
            keys = tuple(key.strip() for key in binding.key.split(","))
            old = entries.get(binding.id)
            entries[binding.id] = Entry(binding.id, keys, binding.description or binding.action, binding.action, tuple(
                dict.fromkeys([*(old.places if old else ()), *places])), owner)
    return entries


def normalized(key: str) -> str | None:
    """``key`` in Textual's names (``?`` → ``question_mark``, ``Ctrl+N`` → ``ctrl+n``), or None
    when it is not a key a terminal sends."""
    key = key.strip()
    if len(key) == 1:
        return _character_to_key(key) if key.isprintable() and not key.isspace() else None
    *modifiers, base = key.split("+")
    modifiers = [modifier.lower() for modifier in modifiers]
    if any(modifier not in MODIFIERS for modifier in modifiers) or len(set(modifiers)) != len(modifiers):
        return None
    if len(base) == 1:
        if not base.isprintable() or base.isspace():
            return None
        if modifiers == ["shift"]:
            # a terminal sends shift+s as the letter S; shift with any other character, as
            # the character the keyboard gives, which relance cannot know: refused
            return base.upper() if base.isalpha() else None
        base = _character_to_key(base.lower() if modifiers else base)
    elif base.lower() == "comma":  # (the separator of several keys: its name, as Textual gives it)
        base = "comma"
    elif base.lower() in ("esc", "return"):
        base = {"esc": "escape", "return": "enter"}[base.lower()]
    elif base.lower() in _NAMED_KEYS or base.lower() in KEY_TO_UNICODE_NAME or base.lower() in REPLACED_KEYS:
        base = base.lower()
    else:  # (not any Unicode name: "banana" is one, 🍌, but no terminal sends it as a key)
        return None
    key = "+".join([*sorted(modifiers, key=MODIFIERS.index), base])
    # a terminal sends these as the keys they stand for: ctrl+i is tab (Textual's KEY_ALIASES)
    return _ALIASED.get(key, key)


def shown(key: str) -> str:
    """A key as the screens write it: ``>``, ``esc``, ``ctrl+n``."""
    if key in KEY_NAMES:
        return KEY_NAMES[key]
    *modifiers, base = key.split("+")
    return "+".join([*modifiers, KEY_NAMES.get(base) or format_key(base)])


def shown_for_config(key: str) -> str:
    """A key as the config file writes it: the character when it is one (``?``, ``>``),
    else Textual's name (``escape``, ``ctrl+n``)."""
    if "+" in key:
        return key
    character = key_to_character(REPLACED_KEYS.get(key, key)) or key_to_character(key)
    return character if character and character.isprintable() and not character.isspace() else key


def section(entry: Entry) -> str:
    """The title (N_) under which ``relance config init`` and the README list a binding."""
    if entry.owner == EVERYWHERE or len(entry.places) == len(PLACES):
        return N_("Everywhere")
    if entry.owner == _TABLE:
        return N_("Lists (the panes, the detail, who to contact now)")
    return next(place.title for place in PLACES if place.name == entry.places[0])


@dataclass
class Applied:
    """A keymap checked: what Textual is given, and what was refused."""

    #: binding id → its keys in force, for every binding moved (Textual's ``set_keymap``)
    keymap: dict[str, str]
    problems: list[str]


def check(keymap: dict[str, str], lines: dict[str, int] | None = None, where: str = "") -> Applied:
    """The person's ``keymap`` (binding id → keys, ``"n,insert"``) checked: an unknown id,
    an unknown key name, a plain letter where text is typed, or a key another binding has
    in one of its places is refused with its line, the binding left at its default."""
    lines = lines or {}
    entries = catalogue()
    places = {place.name: place for place in PLACES}
    problems: list[str] = []

    def at(binding_id: str) -> str:
        line = lines.get(binding_id)
        return f"{where}:{line}" if where and line else where or "[keymap]"

    wanted: dict[str, tuple[str, ...]] = {}
    for binding_id, text in keymap.items():
        entry = entries.get(binding_id)
        if entry is None:
            close = difflib.get_close_matches(binding_id, entries, n=1)
            problems.append(_("{where}: unknown binding id {id!r}{hint}; relance config init lists them all.").format(
                where=at(binding_id), id=binding_id,
                hint=_(" (did you mean {id!r}?)").format(id=close[0]) if close else ""))
            continue
        keys = [normalized(key) for key in text.split(",")]
        if not text.strip() or None in keys:
            bad = [key.strip() for key, name in zip(text.split(","), keys) if name is None]
            problems.append(_("{where}: {id}: {key!r} is not a key name (keys are written n, N, ?, ctrl+n, f5, "
                              "escape, enter, pagedown, comma...); it keeps {default}.").format(
                                  where=at(binding_id), id=binding_id, key=bad[0] if bad else text,
                                  default=_shown_keys(entry.keys)))
            continue
        typed = [key for key in keys if (key_to_character(key) or "\0").isprintable()]
        typing = [places[name] for name in entry.places if name in places and places[name].typing]
        if typed and typing and len(entry.places) == 1:
            problems.append(_("{where}: {id}: {key} would be typed into the text fields of {place}; give it a key "
                              "with ctrl+, or a function key. It keeps {default}.").format(
                                  where=at(binding_id), id=binding_id, key=shown(typed[0]),
                                  place=_(typing[0].title), default=_shown_keys(entry.keys)))
            continue
        taken = [key for key in keys if key not in entry.keys and key in _text_keys()]
        # (a screen's own binding where text is typed; a list's bindings act while the list,
        # not a field, has the focus)
        if taken and ((typing and len(entry.places) == 1) or binding_id in WHILE_TYPING):
            place = typing[0] if typing else places["dashboard"]
            problems.append(_("{where}: {id}: {key} is a key of the text fields of {place} (they take it first: "
                              "{id} would not be reached while one is focused); it keeps {default}.").format(
                                  where=at(binding_id), id=binding_id, key=shown(taken[0]), place=_(place.title),
                                  default=_shown_keys(entry.keys)))
            continue
        wanted[binding_id] = tuple(dict.fromkeys(keys))
    # the clashes are looked for with every move made at once (a swap of two keys is fine),
    # refusing the later line of each until none is left
    while True:
        clash = _first_clash(entries, wanted, lines)
        if clash is None:
            break
        binding_id, key, other, place = clash
        problems.append(_("{where}: {id}: {key} is already the key of {other} ({other_id}) in {place}; {id} keeps "
                          "{default}.").format(
                              where=at(binding_id), id=binding_id, key=shown(key),
                              other=_(entries[other].description) if other in entries else _(FIXED[other][1]),
                              other_id=other, place=_(places[place].title), default=_shown_keys(entries[binding_id].keys)))
        del wanted[binding_id]
    applied = {binding_id: ",".join(keys) for binding_id, keys in wanted.items()}
    # Textual's keymap takes a key away from every binding of the class that had it: the
    # bindings sharing a key by design (a maximises, or restores) keep theirs explicitly
    for binding_id in wanted:
        moved = entries[binding_id]
        for entry in entries.values():
            if entry.id not in applied and entry.owner == moved.owner and set(entry.keys) & set(moved.keys):
                applied[entry.id] = ",".join(entry.keys)
    return Applied(applied, sorted(problems, key=line_number))


def line_number(problem: str) -> int:
    """A problem's line in the config file (its order in the file: the person reads them so)."""
    found = re.match(r".*?:(\d+)\xa0?: ", problem)  # (French puts a no-break space before the colon)
    return int(found.group(1)) if found else 0


def _first_clash(entries: dict[str, Entry], wanted: dict[str, tuple[str, ...]], lines: dict[str, int]):
    """(binding moved, key, the other binding, place) of the clash whose move is written
    last, or None."""
    def keys(entry: Entry) -> tuple[str, ...]:
        return wanted.get(entry.id, entry.keys)

    clashes = []
    for binding_id, new_keys in wanted.items():
        moved = entries[binding_id]
        for place in moved.places:
            holders = [(other.id, keys(other), other.keys) for other in entries.values()
                       if place in other.places and other.id != binding_id]
            # (a fixed key doing the same thing is no clash: "quit" = "ctrl+q")
            holders += [(key, (key,), (key,)) for key, (action, _what) in FIXED.items() if action != moved.action]
            for other_id, other_keys, other_defaults in holders:
                for key in new_keys:
                    # (a key both had from the start is shared by design: a maximises, or restores)
                    if key in other_keys and not (key in moved.keys and key in other_defaults):
                        later = binding_id if other_id not in wanted or lines.get(binding_id, 0) >= lines.get(
                            other_id, 0) else other_id
                        clashes.append((lines.get(later, 0), later, key, other_id if later == binding_id else binding_id,
                                        place))
    if not clashes:
        return None
    # a key held by a binding left where it is settles first: the message then never names
    # a binding whose own move is refused after it
    certain = [clash for clash in clashes if clash[3] not in wanted]
    _line, binding_id, key, other, place = max(certain or clashes)
    return binding_id, key, other, place


def _shown_keys(keys) -> str:
    return " / ".join(shown(key) for key in keys)


#: the keys in force by binding id, set by :func:`use` (the defaults when absent)
_in_force: dict[str, str] = {}


def use(applied: dict[str, str]) -> None:
    global _in_force
    _in_force = dict(applied)


def keys_of(binding: Binding) -> list[str]:
    """The keys of ``binding`` in force (the person's, else its own)."""
    if binding.id and binding.id in _in_force:
        return _in_force[binding.id].split(",")
    return [key.strip() for key in binding.key.split(",")]


def keys_shown(bindings, *binding_ids: str, sep: str = " / ", first: bool = False) -> str:
    """The keys in force of ``binding_ids`` as a hint writes them (``k / esc``; ``first``: the
    first key of each only): the person's, else those of the binding in ``bindings`` (the
    class's own: no import of every screen)."""
    shown_keys = []
    for binding_id in binding_ids:
        keys = _in_force.get(binding_id) or next(
            (binding.key for binding in bindings if getattr(binding, "id", None) == binding_id), "")
        if not keys:
            continue
        shown_keys += [shown(key.strip()) for key in keys.split(",")][:1 if first else None]
    return sep.join(shown_keys)


def keys_in_force(binding_id: str) -> list[str]:
    """The keys in force of the binding ``binding_id`` (Textual's names)."""
    if binding_id in _in_force:
        return _in_force[binding_id].split(",")
    entry = catalogue().get(binding_id)
    return list(entry.keys) if entry else []


def key_of(binding_id: str) -> str:
    """The first key in force of the binding ``binding_id``, as shown (the palette's "(e)")."""
    keys = keys_in_force(binding_id)
    return shown(keys[0]) if keys else ""
