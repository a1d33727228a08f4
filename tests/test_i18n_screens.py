"""Nothing on screen escapes the catalogue (issue 21).

One walk through every screen of the dashboard on the demo data — the four panes, each
maximised, the filter, a form of every kind (new and edit), the settings, a form in
error, every modal, the six steps of the review, the help, the palette and who to
contact now — at 80x24
and 120x40, collecting what the user sees. Twice:

- in the pseudo-language ``xx`` (tests/pseudo.py), where every translated letter is
  accented: a word of plain ASCII letters on screen is data (a name, a note, a path) or
  a text that never went through the catalogue;
- in French, once its catalogue is complete: no English word of the code's texts left.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rich.table import Table
from babel.messages.pofile import read_po
from textual import events

from store.repository import Repository
from tui.app import make_app

from .conftest import ROOT, TODAY
from .pseudo import build_pseudo, extract

SIZES = ((80, 24), (120, 40))
FRENCH = ROOT / "store" / "locale" / "fr" / "LC_MESSAGES" / "relance.po"
#: a word: letters only (digits, signs and spaces between)
WORD = re.compile(r"[^\W\d_]+")
ASCII_RUN = re.compile(r"[A-Za-z]{2,}")
#: a word cut short on screen: a column or a line ends it with "…"
CUT = re.compile(r"([^\W\d_]+)…")
PATH = re.compile(r"\S*/\S*")

#: what the walk types (data, as a name is)
TYPED = ("zzq", "Un plan de remédiation", "PME en croissance", "Industrie", "DG", "Remédier vite",
         "Je remets un SI sous contrôle en 90 jours", "Filiale Nord", "même problème", "Camille", "Jean Neuf",
         "Vega")
#: not words of a language: keys as the key bar and Textual show them (the same in every
#: language, GLOSSARY "Keys"), the currency code of the settings (data), the units the
#: tests' own file name holds
TOKENS = {"ctrl", "esc", "tab", "enter", "shift", "pgup", "pgdn", "pageup", "pagedown", "space", "delete", "home", "end",
          "backspace", "EUR", "csv", "json",
          # the pseudo-language's own code, shown by the settings' language list as a
          # language with no name of its own in relance
          "xx"}
#: dates are written by store/fmt.py, another change of issue 21 (its month names go
#: through the catalogue with pgettext "month"/"month abbreviation" there): until then
#: the English month names and abbreviations are taken as formats, not text
MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
          "Dec"}


def data_words(*files: Path) -> set[str]:
    """Every word of the data: the strings of the data file (names, companies, notes,
    uids...) and of the files the walk reads, what it types, the paths shown."""
    words: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, str):
            words.update(WORD.findall(value))
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in files:
        text = path.read_text(encoding="utf-8")
        walk(json.loads(text)) if path.suffix == ".json" else words.update(WORD.findall(text))
        words.update(WORD.findall(str(path)))
    for text in TYPED:
        words.update(WORD.findall(text))
    return words | TOKENS


def textual_own() -> set[str]:
    """The words of Textual's own palette commands (Keys, Theme, Quit, Screenshot,
    Maximize...: the string literals of ``App.get_system_commands``, whatever the screen)
    and of its palette's prompt: tui/app.py's ``get_system_commands`` translates them (another
    change of issue 21, with its own test); the palette's other entries are relance's."""
    import ast
    import inspect
    import textwrap

    from textual.app import App

    tree = ast.parse(textwrap.dedent(inspect.getsource(App.get_system_commands)))
    texts = [node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    texts.append("Search for commands…")  # (CommandPalette's placeholder, an argument's default)
    return {word for text in texts for word in WORD.findall(text)}


# -- the walk ------------------------------------------------------------------------------------


def screen_text(app) -> str:
    """What the terminal shows of the screen on top: its lines as drawn, then the whole
    text of its scrolled widgets (a help longer than the screen), then its tooltips."""
    lines = [strip.text for strip in app.screen._compositor.render_strips()]
    for widget in app.screen.query("*"):
        if widget.tooltip:
            lines.append(str(widget.tooltip))
        shown = all(node.display for node in widget.ancestors_with_self if node is not app)
        if type(widget).__name__ in ("Static", "Label") and shown:
            rendered = widget.render()
            if hasattr(rendered, "plain"):  # (a Rich renderable is only read as drawn)
                lines.append(rendered.plain)
            elif isinstance(table := getattr(rendered, "_renderable", None), Table):  # (the help's rows, whole)
                lines += [str(cell) for column in table.columns for cell in column.cells]
    return "\n".join(lines)


async def walk(app, pilot, import_file: Path) -> list[tuple[str, str]]:
    """(where, text on screen) at each stop of the walk."""
    seen: list[tuple[str, str]] = []

    async def settle() -> None:
        await app.workers.wait_for_complete()
        await pilot.pause()

    async def press(*keys: str) -> None:
        await pilot.press(*keys)
        await settle()

    async def shot(where: str, screen: str) -> None:
        """What is on screen, ``screen`` (the class of the screen on top) being shown."""
        await settle()
        assert type(app.screen).__name__ == screen, f"{where}: {type(app.screen).__name__} on top, not {screen}"
        seen.append((where, screen_text(app)))

    async def type_text(text: str) -> None:
        await press(*["space" if c == " " else c for c in text])

    async def paste(text: str) -> None:
        """A text pasted in the field focused (typed, a key at a time, it costs ~0.1 s a letter)."""
        app.post_message(events.Paste(text))  # (as a terminal sends it: to the app, which gives it to the focus)
        await settle()

    async def answer(step: int) -> None:
        """The answers of tests/test_review.py's ``fill_step``, pasted."""
        if step == 1:
            await paste("Un plan de remédiation")
        elif step == 2:
            await press("tab")  # "+ New micro-target" is first: on to its fields
            for value in ("PME en croissance", "Industrie", "DG", "Remédier vite"):
                await paste(value)
                await press("tab")
        elif step == 3:
            await paste("Je remets un SI sous contrôle en 90 jours")
        elif step == 4:
            await paste("Filiale Nord")
            await press("tab")
            await paste("même problème")
            await press("enter")
        elif step == 5:
            await type_text("Camille")  # (a search: typed)
            await press("tab", "space", "tab")
            await paste("Jean Neuf")
            await press("tab")
            await paste("Vega")
            await press("enter")

    async def close(where: str) -> None:
        """Close the screen on top (esc); a form with changes asks first (yes)."""
        await press("escape")
        if type(app.screen).__name__ == "ConfirmScreen":
            await shot(f"{where}: closing", "ConfirmScreen")
            await press("y")
        assert app.screen is dashboard, where

    await shot("the offer to review an ended mission", "ConfirmScreen")
    await press("n")
    dashboard = app.screen
    await shot("dashboard", "DashboardScreen")
    for number in "1234":
        await press(number)
        await shot(f"pane {number}", "DashboardScreen")
        await press("a")
        await shot(f"pane {number} maximised", "DashboardScreen")
        await press("a")
    await press("1", "slash")
    await shot("filter", "DashboardScreen")
    await type_text("zzq")
    await shot("filter matching nothing", "DashboardScreen")
    await press("escape", "escape")
    # what the dashboard says (notifications)
    await press("1", "greater_than_sign")
    await shot("a key out of place", "DashboardScreen")
    await press("2", "j", "tab", "greater_than_sign")
    await shot("an opportunity moved on", "DashboardScreen")
    await press("u")
    await shot("undone", "DashboardScreen")

    # forms: new and edit of every kind, an interaction, the settings, one in error
    for pane, where in (("1", "contact"), ("2", "target"), ("3", "mission")):
        await press(pane, "n")
        await shot(f"new {where}", "RecordForm")
        await close(f"new {where}")
        await press(pane, "e")
        await shot(f"edit {where}", "RecordForm")
        await close(f"edit {where}")
    await press("3", "tab", "n")  # (the time off, under the missions)
    await shot("new time off", "RecordForm")
    await close("new time off")
    await press("3", "tab", "e")
    await shot("edit time off", "RecordForm")
    await close("edit time off")
    await press("2", "tab", "n")
    await shot("new opportunity", "RecordForm")
    await close("new opportunity")
    await press("2", "j", "tab", "e")  # (the first micro-target has none)
    await shot("edit opportunity", "RecordForm")
    await close("edit opportunity")
    await press("1", "l")
    await shot("new interaction", "RecordForm")
    await close("new interaction")
    await press("s")
    await shot("settings", "RecordForm")
    await close("settings")
    await press("1", "n", "ctrl+s")
    await shot("form in error", "RecordForm")
    await type_text("zzq")
    await shot("form in error, changed", "RecordForm")
    await close("form in error")

    # modals
    await press("1", "d")
    await shot("delete confirmation", "ConfirmScreen")
    await press("n")
    await press("1", "enter")
    await shot("contact detail", "DetailScreen")
    await press("escape", "2", "enter")
    await shot("micro-target detail", "DetailScreen")
    await press("escape", "3", "enter")
    await shot("mission detail", "DetailScreen")
    await press("escape", "3", "x")
    await shot("end mission", "EndMissionScreen")
    await press("escape", "4", "enter")
    await shot("month by month", "ForecastScreen")
    await press("t")
    await shot("month by month, net", "ForecastScreen")
    await press("escape", "i")
    await shot("import", "ImportScreen")
    await type_text(str(import_file))
    await press("enter")
    await shot("import preview", "ImportScreen")
    await press("escape")
    await press("question_mark")
    await shot("help", "HelpScreen")
    await press("escape", "ctrl+p")
    await shot("palette", "RelanceCommandPalette")
    await press("escape")
    await press("1", "c")
    await shot("who to contact now", "ContactNowScreen")
    await press("escape")

    # the review of the mission ended without one, its six steps
    await press("3", "j", "r")
    for step in range(1, 7):
        await shot(f"review step {step}", "ReviewScreen")
        if step < 6:
            await answer(step)
            await shot(f"review step {step}, answered", "ReviewScreen")
            await press("ctrl+n")
    await press("escape")
    return seen


@pytest.fixture
def import_file(tmp_path) -> Path:
    path = tmp_path / "contacts.csv"
    path.write_text("name,company\nZoé Test,Acme Conseil\n", encoding="utf-8")
    return path


async def screens(demo_path: Path, import_file: Path) -> list[tuple[str, str]]:
    seen = []
    for size in SIZES:
        path = demo_path.parent / f"{size[0]}x{size[1]}" / demo_path.name  # (the walk leaves a review draft)
        path.parent.mkdir()
        shutil.copy(demo_path, path)
        app = make_app(Repository(path, today=TODAY))
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.pause()
            seen += [(f"{size[0]}x{size[1]} {where}", text) for where, text in await walk(app, pilot, import_file)]
        # the first start, on no data: the welcome form
        app = make_app(Repository(path.parent / "x" / "relance.json", today=TODAY))
        async with app.run_test(size=size, notifications=True) as pilot:
            await pilot.pause()
            assert type(app.screen).__name__ == "RecordForm"
            seen.append((f"{size[0]}x{size[1]} welcome", screen_text(app)))
    return seen


def report(found: dict[str, set[str]]) -> str:
    return "\n".join(f"{where}: {', '.join(sorted(words))}" for where, words in found.items())


# -- the pseudo-language: no text outside the catalogue -----------------------------------------


def data_pieces(data: set[str]) -> set[str]:
    """The starts and ends of the data words: what a column or a dialog leaves of them."""
    return {d[:n] for d in data for n in range(2, len(d))} | {d[-n:] for d in data for n in range(2, len(d))}


def unmarked(text: str, data: set[str]) -> set[str]:
    """The words of ``text`` holding two ASCII letters in a row that are not data. A data
    word cut (by a column, "Logisti…", or a dialog drawn over the table behind) is data
    too: a translated text has no ASCII letter at all, cut or not."""
    found = set()
    pieces = data_pieces(data)
    for word in WORD.findall(text):
        if ASCII_RUN.search(word) and word not in data and word not in pieces:
            found.add(word)
    return found


async def test_every_text_on_screen_goes_through_the_catalogue(demo_path, import_file, tmp_path, monkeypatch):
    monkeypatch.setenv("RELANCE_LOCALEDIR", str(build_pseudo(tmp_path / "locale")))
    monkeypatch.setenv("LANGUAGE", "xx")
    data = data_words(demo_path, import_file)
    found: dict[str, set[str]] = {}
    try:
        for where, text in await screens(demo_path, import_file):
            words = unmarked(text, data)
            if words:
                found[where] = words
    finally:
        from store import i18n

        monkeypatch.delenv("RELANCE_LOCALEDIR")
        i18n.set_language(None)
    assert not found, "text on screen that is not in the catalogue:\n" + report(found)


def test_the_pseudo_language_finds_a_text_left_out():
    """What the check reads: a pseudo text passes, English and its data words do not."""
    from .pseudo import pseudo

    text = pseudo("Next follow-up: {date}").format(date="2026-12-01") + " Claire Rousseau  Demo (a temporary copy)"
    assert unmarked(text, {"Claire", "Rousseau"}) == {"Demo", "temporary", "copy"}
    assert pseudo("[b]{count}[/b] due, %(prog)s") == "[b]{count}[/b] ďüé, %(prog)s"
    assert unmarked("Ubac Logisti… istique Logistics", {"Ubac", "Logistique"}) == {"Logistics"}


# -- French: no English word left ----------------------------------------------------------------


def untranslated() -> int:
    """Texts of the code the French catalogue does not translate yet (none: the check runs)."""
    if not FRENCH.is_file():
        return -1
    with FRENCH.open("rb") as handle:
        catalogue = read_po(handle)
    missing = 0
    for message, context in extract():
        key = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(key, context=context)
        strings = entry.string if entry is not None else None
        if entry is None or entry.fuzzy or not all(strings if isinstance(strings, tuple) else (strings,)):
            missing += 1
    return missing


def catalogue_words() -> set[str]:
    """Every word of the French catalogue's texts, case aside."""
    with FRENCH.open("rb") as handle:
        catalogue = read_po(handle)
    found: set[str] = set()
    for entry in catalogue:
        for text in entry.string if isinstance(entry.string, tuple) else (entry.string,):
            found |= {w.casefold() for w in WORD.findall(text or "")}
    return found


def english_words(data: set[str]) -> set[str]:
    """The words of the code's texts that are English only: not in a French text too (a
    "mission", a "pipeline"), not data, not a placeholder's name."""
    with FRENCH.open("rb") as handle:
        catalogue = read_po(handle)
    placeholder = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[a-z]|\[[^\[\]]*\]")

    def words(text: str) -> set[str]:
        return {w.casefold() for w in WORD.findall(placeholder.sub(" ", text)) if len(w) > 1}

    english: set[str] = set()
    french: set[str] = set()
    for entry in catalogue:
        if not entry.id:
            continue
        for text in entry.id if isinstance(entry.id, tuple) else (entry.id,):
            english |= words(text)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        if set(strings) <= set(ids):
            continue  # (left as in English: its words are no proof of French; tests/test_i18n_catalogue.py)
        for text in strings:
            french |= words(text or "")
    return english - french - {w.casefold() for w in data}


@pytest.mark.skipif(untranslated() != 0, reason="the French catalogue is not complete yet")
async def test_no_english_word_is_left_on_a_french_screen(demo_path, import_file, monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fr")
    data = data_words(demo_path, import_file)
    english = english_words(data)
    pieces = data_pieces(data)  # ("Estuaire Log…": Logistique cut by its column, not "Log")
    whole = catalogue_words()
    found: dict[str, set[str]] = {}
    cut: dict[str, set[str]] = {}
    try:
        for where, text in await screens(demo_path, import_file):
            words = {w for w in WORD.findall(text) if w.casefold() in english and w not in pieces}
            if words:
                found[where] = words
            # French is longer than English: a word of relance's own cut short ("Entrepr…")
            # where English fitted; data cut by its column ("Estuaire Log…") is the table's rule
            # (a path is cut in its middle, and a single letter left of a name says nothing)
            # (and a whole word before "…" is the text's own: "Rechercher une commande…")
            shortened = {w + "…" for w in CUT.findall(PATH.sub(" ", text))
                         if len(w) > 1 and w not in pieces and w not in data and w.casefold() not in whole}
            if shortened:
                cut[where] = shortened
    finally:
        from store import i18n

        monkeypatch.setenv("LANGUAGE", "en")
        i18n.set_language(None)
    assert not found, "English words on a French screen:\n" + report(found)
    assert not cut, "French text cut short:\n" + report(cut)

