"""Every user-facing text is translated when it is shown, so the language can change
while the dashboard runs: no translation at import time, and a switch in the settings
form redraws the dashboard in the new language at once."""

from __future__ import annotations

import array
import ast
import struct
from pathlib import Path

import pytest

from store import i18n
from store.repository import Repository
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forms import FORM_FIELDS, RecordForm
from widgets.keybar import KeyBar

from .conftest import ROOT, TODAY

#: the functions that translate (``N_`` only marks: it may be called anywhere)
TRANSLATING = {"_", "ngettext", "pgettext", "npgettext"}


def eager_calls(source: str) -> list[tuple[int, str]]:
    """(line, call) of each call to a translating function that runs when the module is
    imported: at module level, in a class body, in a default argument or a decorator.
    A function's (or a lambda's) body runs later, when the text is shown."""
    found: list[tuple[int, str]] = []

    def visit(node: ast.AST, deferred: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            arguments = node.args
            for default in [*arguments.defaults, *(d for d in arguments.kw_defaults if d is not None)]:
                visit(default, deferred)
            for decorator in getattr(node, "decorator_list", []):
                visit(decorator, deferred)
            for statement in node.body if isinstance(node.body, list) else [node.body]:
                visit(statement, True)
            return
        if isinstance(node, ast.Call) and not deferred:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in TRANSLATING:
                found.append((node.lineno, ast.unparse(node)[:80]))
        for child in ast.iter_child_nodes(node):
            visit(child, deferred)

    visit(ast.parse(source), False)
    return found


def test_the_check_finds_translations_made_at_import_time():
    source = '''
LABEL = _("Name")
class Pane:
    TITLE = _("Network")
    COLUMNS = (N_("Name"),)
    def title(self, text=pgettext("c", "x")):
        return _(self.TITLE)
def later():
    return [ngettext("a", "b", 2)]
SHOWN = lambda: _("deferred")
'''
    assert [line for line, _call in eager_calls(source)] == [2, 4, 6]


def test_nothing_is_translated_when_a_module_is_imported():
    eager = []
    for package in ("store", "tui", "widgets", "themes"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for line, call in eager_calls(path.read_text(encoding="utf-8")):
                eager.append(f"{path.relative_to(ROOT)}:{line}: {call}")
    assert eager == [], "translated at import time (mark with N_, translate where shown):\n" + "\n".join(eager)


# -- a language switched in the dashboard ---------------------------------------------------------

#: a tiny catalogue for a made-up language, ``xx``
CATALOGUE = {
    "New": "Nouveau",
    "Help": "Aide",
    "Network": "Réseau",
    "Name": "Nom",
    "Monthly target": "Objectif mensuel",
    "Settings": "Réglages",
    "secured": "acquis",
}


def write_mo(path: Path, messages: dict[str, str]) -> None:
    """A GNU .mo file, as Python's Tools/i18n/msgfmt.py writes one."""
    messages = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=(n != 1);\n",
                **messages}
    keys = sorted(messages, key=lambda k: k.encode("utf-8"))
    ids = strs = b""
    offsets = []
    for key in keys:
        msgid, msgstr = key.encode("utf-8"), messages[key].encode("utf-8")
        offsets.append((len(ids), len(msgid), len(strs), len(msgstr)))
        ids += msgid + b"\0"
        strs += msgstr + b"\0"
    key_start = 7 * 4 + 16 * len(keys)
    value_start = key_start + len(ids)
    key_offsets: list[int] = []
    value_offsets: list[int] = []
    for id_at, id_length, str_at, str_length in offsets:
        key_offsets += [id_length, id_at + key_start]
        value_offsets += [str_length, str_at + value_start]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header + array.array("i", key_offsets + value_offsets).tobytes() + ids + strs)


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    """The ``xx`` catalogue in a folder of its own, found through RELANCE_LOCALEDIR; the
    language the environment gives (English) again afterwards."""
    folder = tmp_path / "locale"
    write_mo(folder / "xx" / "LC_MESSAGES" / "relance.mo", CATALOGUE)
    monkeypatch.setenv("RELANCE_LOCALEDIR", str(folder))
    yield folder
    i18n.set_language(None)
    monkeypatch.delenv("RELANCE_LOCALEDIR", raising=False)
    i18n.set_language(None)


def test_set_language_takes_a_catalogue_folder(catalogue, monkeypatch):
    monkeypatch.delenv("RELANCE_LOCALEDIR")
    assert i18n.set_language("xx", localedir=catalogue)
    assert i18n._("Network") == "Réseau" and i18n._("Targets") == "Targets" and i18n._("") == ""
    assert not i18n.set_language("xx", localedir=catalogue)  # the same again: nothing to redraw
    assert i18n.set_language(None)
    assert i18n._("Network") == "Network"


async def test_the_language_saved_in_the_settings_form_redraws_the_dashboard_at_once(demo_path, catalogue):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        network = dashboard.pane("network")
        gauge = dashboard.pane("revenue").gauge

        def key_bar() -> str:
            return dashboard.query_one(KeyBar).render().plain

        def header() -> str:
            return "".join(segment.text for segment in network.table.render_line(0))

        assert " New " in key_bar() and " Help " in key_bar()
        assert str(network.border_title).startswith("1 Network (")
        assert header().split()[0] == "Name"
        assert "█ secured" in " ".join(gauge.plain_lines())

        # the user's way: s, tab down to the language, type it to find it in the select, enter, ctrl+s
        await pilot.press("s")
        form = app.screen
        assert isinstance(form, RecordForm)
        assert "Monthly target" in str(form.query_one("#row-target_monthly .field-label").render())
        await pilot.press(*["tab"] * (len(FORM_FIELDS["settings"]) - 1))
        assert app.focused.id == "field-language"
        await pilot.press("x", "x", "enter", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dashboard and app.repository.settings().language == "xx"

        # no restart: what is on screen is in the new language
        assert " Nouveau " in key_bar() and " Aide " in key_bar() and " New " not in key_bar()
        assert str(network.border_title).startswith("1 Réseau (")
        assert header().split()[0] == "Nom"
        assert "█ acquis" in " ".join(gauge.plain_lines()) and "█ secured" not in " ".join(gauge.plain_lines())
        await pilot.press("s")
        form = app.screen
        assert isinstance(form, RecordForm)
        assert "Objectif mensuel" in str(form.query_one("#row-target_monthly .field-label").render())
        assert str(form.query_one(".form-title").render()) == "Réglages"
