"""The person's keys (config.toml's [keymap], tui/keymap.py): applied to the real
dashboard, shown in the footer, the help screen and the palette, checked line by line."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import config
from store.repository import Repository
from tui import keymap
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forms import RecordForm
from tui.help import HelpScreen

from .conftest import ROOT, TODAY
from .test_config import config_file, write  # noqa: F401  (a fixture)
from .test_dashboard import demo_repo  # noqa: F401  (a fixture)
from .test_i18n_screens import screen_text


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def keybar(app) -> str:
    from widgets.keybar import KeyBar

    return app.screen.query_one(KeyBar).render().plain


async def test_a_key_moved_in_the_config_file_does_the_action_and_is_shown_everywhere(demo_repo, config_file):
    write(config_file, '[keymap]\n"record.new" = "o"\n"help" = "f1"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")  # (no longer the key of New)
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "contact"
        await pilot.press("escape")
        await settle(pilot)
        assert " o New " in keybar(app) and " n New" not in keybar(app) and " f1 Help " in keybar(app)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert re.search(r"│ o +New {3}", drawn) and not re.search(r"│ n +New ", drawn), drawn
        assert re.search(r"│ f1 +Help ", drawn), drawn


async def test_the_palette_names_the_keys_in_force(demo_repo, config_file):
    write(config_file, '[keymap]\n"record.edit" = "E"\n"contact.now" = "ctrl+w"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        said = {command.title: command.help for command in app.get_system_commands(app.screen)}
        assert said["Edit the selected record"] == "Open its form (E)"
        assert said["Who to contact now"].endswith("(ctrl+w)")
        assert said["Delete the selected record"] == "After confirmation (d)"


async def test_keys_swapped_both_work(demo_repo, config_file):
    write(config_file, '[keymap]\n"record.new" = "e"\n"record.edit" = "n"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm) and app.screen.base is None  # (a new contact)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm) and app.screen.base is not None  # (the selected one)
        assert not [n for n in app._notifications if "config.toml" in n.message]


async def test_a_clash_an_unknown_id_and_an_unknown_key_are_named_with_their_line_and_left_at_default(
        demo_repo, config_file):
    write(config_file, '[keymap]\n"record.new" = "d"\n"record.nwe" = "o"\n"settings" = "ctrl+banana"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        [said] = [n.message for n in app._notifications if "config.toml" in n.message]
        assert said.splitlines() == [
            f"{config_file}:2: record.new: d is already the key of Delete (record.delete) in Dashboard; "
            "record.new keeps n.",
            f"{config_file}:3: unknown binding id 'record.nwe' (did you mean 'record.new'?); relance config init "
            "lists them all.",
            f"{config_file}:4: settings: 'ctrl+banana' is not a key name (keys are written n, N, ?, ctrl+n, f5, "
            "escape, enter, pagedown, comma...); it keeps s.",
        ]
        await pilot.press("n")  # (the default, kept)
        await settle(pilot)
        assert isinstance(app.screen, RecordForm) and app.screen.base is None


async def test_moving_maximise_keeps_restore_on_its_key(demo_repo, config_file):
    """Textual takes a key away from every binding of the class that had it when one is
    moved: a (maximise, or restore) would have lost its restore."""
    write(config_file, '[keymap]\n"pane.maximize" = "m"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.maximized is not None
        await pilot.press("a")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_quit_on_ctrl_q_as_the_issue_writes_it(demo_repo, config_file):
    write(config_file, '[keymap]\n"quit" = "ctrl+q"\n"record.new" = "q"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert not [n for n in app._notifications if "config.toml" in n.message]
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)  # (q is New now, not quit)


async def test_a_key_changed_in_the_file_while_the_dashboard_runs_applies_at_once(demo_repo, config_file):
    write(config_file, "")
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        write(config_file, '[keymap]\n"record.new" = "w"\n')
        os.utime(config_file, ns=(10**9, 10**9))
        app.poll_config()  # (what the dashboard does each second)
        await pilot.pause()
        assert " w New " in keybar(app)
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "contact"


def test_a_plain_letter_for_a_forms_key_is_refused_it_would_be_typed():
    checked = keymap.check({"form.save": "s", "form.cancel": "ctrl+g"}, {"form.save": 2}, "config.toml")
    assert checked.keymap == {"form.cancel": "ctrl+g"}
    assert checked.problems == ["config.toml:2: form.save: s would be typed into the text fields of Forms; give it "
                                "a key with ctrl+, or a function key. It keeps ctrl+s."]


@pytest.mark.parametrize("written, key", [
    ("?", "question_mark"), ("Ctrl+N", "ctrl+n"), ("alt+x", "alt+x"), ("F5", "f5"), ("esc", "escape"),
    ("G", "G"), ("shift+tab", "shift+tab"), (">", "greater_than_sign"), ("pagedown", "pagedown"),
])
def test_key_names_as_people_write_them(written, key):
    assert keymap.normalized(written) == key


@pytest.mark.parametrize("written", ["ctrl+", "banana", "ctrl+ctrl+n", " ", "hyper+", "\x1b", "ctrl+foo"])
def test_names_that_are_no_key(written):
    assert keymap.normalized(written) is None


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(sorted(keymap.catalogue())) | st.text(max_size=10),
                       st.text(max_size=20) | st.sampled_from(["n", "e", "ctrl+s", "a", "?", "enter", "q,escape"]),
                       max_size=8))
def test_any_keymap_gives_one_key_per_place_and_problems_of_one_line(written):
    checked = keymap.check(written, {}, "config.toml")
    for problem in checked.problems:
        assert problem.startswith("config.toml") and "\n" not in problem
    # in each place, no key left to two bindings but those that shared it from the start
    entries = keymap.catalogue()
    force = {binding_id: tuple(checked.keymap.get(binding_id, ",".join(entry.keys)).split(","))
             for binding_id, entry in entries.items()}
    for place in keymap.PLACES:
        taken: dict[str, str] = {}
        for binding_id, entry in entries.items():
            if place.name not in entry.places:
                continue
            for key in force[binding_id]:
                other = taken.setdefault(key, binding_id)
                assert other == binding_id or (key in entries[other].keys and key in entry.keys), (place, key)


def test_the_readme_table_gives_every_binding_id_with_its_default_key():
    """The README's table of keys names each binding's id, for the person's [keymap]."""
    for readme in ("README.md", "README.fr.md"):
        text = Path(ROOT, readme).read_text(encoding="utf-8")
        rows = [line for line in text.splitlines() if line.startswith("| `") and "` | `" in line]
        listed = {}
        for row in rows:
            keys_cell, ids_cell = row.split(" | ")[:2]
            for binding_id in re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", ids_cell):
                listed[binding_id] = keys_cell
        missing = [binding_id for binding_id in keymap.catalogue() if binding_id not in listed]
        assert not missing, (readme, missing)
        for binding_id, entry in keymap.catalogue().items():
            shown = [keymap.shown(key) for key in entry.keys]
            assert any(f"`{key}`" in listed[binding_id] for key in shown), (readme, binding_id, shown)


def test_keys_a_terminal_sends_as_others_are_the_others():
    """ctrl+i is tab, ctrl+[ escape, ctrl+m enter: a binding there would never fire."""
    checked = keymap.check({"settings": "ctrl+i", "contact.now": "ctrl+["}, {"settings": 2, "contact.now": 3}, "c")
    assert checked.keymap == {}
    assert checked.problems == [
        "c:2: settings: tab is already the key of Next pane (pane.next) in Dashboard; settings keeps s.",
        "c:3: contact.now: esc is already the key of Clear filter (pane.clear_filter) in Dashboard; contact.now "
        "keeps c."]


def test_a_clash_names_a_binding_that_keeps_its_key():
    checked = keymap.check({"quit": "x", "record.new": "x"}, {"quit": 2, "record.new": 3}, "c")
    assert all("(mission.end)" in problem for problem in checked.problems), checked.problems


@pytest.mark.parametrize("readme", ["README.md", "README.fr.md"])
def test_the_readmes_example_config_file_is_one_relance_takes_whole(readme, tmp_path):
    text = Path(ROOT, readme).read_text(encoding="utf-8")
    [example] = [block for block in re.findall(r"```toml\n(.*?)```", text, re.S) if "[keymap]" in block]
    path = tmp_path / "relance" / "config.toml"
    path.parent.mkdir(mode=0o700)
    write(path, example)
    conf = config.load(path, environ={})
    assert conf.problems == [] and conf.keymap
    assert keymap.check(conf.keymap, conf.keymap_lines, str(path)).problems == []


def test_shift_and_a_letter_is_the_capital_letter():
    assert keymap.normalized("shift+s") == "S" and keymap.normalized("shift+1") is None
    checked = keymap.check({"settings": "shift+s"}, {}, "c")
    assert checked.keymap == {"settings": "S"} and checked.problems == []


async def test_the_help_closes_on_the_persons_help_key_and_borders_name_their_keys(demo_repo, config_file):
    write(config_file, '[keymap]\n"help" = "f1"\n"contact.now" = "w"\n"gauge.open" = "v"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.dashboard.pane("network").border_subtitle == "w: who to contact now"
        assert app.dashboard.pane("revenue").border_subtitle == "v: month by month"
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


@pytest.mark.parametrize("binding_id, key", [
    ("form.cancel", "ctrl+x"), ("form.save", "tab"), ("form.save", "ctrl+i"), ("form.save", "enter"),
    ("review.close", "ctrl+w"), ("pane.clear_filter", "ctrl+k"),
])
def test_a_key_a_text_field_takes_first_is_refused_where_one_is_typed_in(binding_id, key):
    """A text field (Textual's Input, TextArea) handles its own keys before any binding:
    moved there, cancel or save could never be reached from a field."""
    checked = keymap.check({binding_id: key}, {binding_id: 2}, "c")
    assert checked.keymap == {}
    [problem] = checked.problems
    assert problem.startswith(f"c:2: {binding_id}: ") and "is a key of the text fields of" in problem


def test_a_comma_is_a_key_by_its_name():
    assert keymap.check({"record.new": "comma"}, {}, "c").keymap == {"record.new": "comma"}


async def test_the_panes_keys_moved_are_shown_in_their_titles_and_tabs(demo_repo, config_file):
    write(config_file, '[keymap]\n"pane.network" = "f5"\n"pane.targets" = "f6"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "f5 Network" in drawn and "f6 Targets" in drawn and "3 Missions" in drawn, drawn
        await pilot.press("f6")
        await pilot.pause()
        assert app.dashboard.current_pane().KEY == "targets"
