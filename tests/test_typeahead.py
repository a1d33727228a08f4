"""Issue 20, point 1: keys typed ahead are handled, in order, by the screen and the widget
that would have received them had they been typed slowly (tui/typeahead.py).

The in-process tests send a burst the way the terminal driver does (all the keys queued
before the App reads the first), which is what fast typing over SSH, a paste as keys or
tmux ``send-keys`` produce; the tmux tests send the same keys from outside, in one
``send-keys`` call and one by one, and compare the data files."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import shlex
import shutil
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from textual import events

from store.repository import Repository
from tests.conftest import ROOT
from tests.test_e2e import screen, tmux, wait_for
from tui.app import make_app
from tui.forms import RecordForm

CHARACTERS = {"tab": "\t", "ctrl+s": "\x13", "enter": "\r", "escape": "\x1b", "space": " "}


def burst(app, *keys: str) -> None:
    """Queue keys as the terminal driver does when they arrive in one read: all of them
    are in the App's queue before the first is handled."""
    for key in keys:
        name = "space" if key == " " else key
        event = events.Key(name, CHARACTERS.get(name, key if len(key) == 1 else None))
        event.set_sender(app)
        app._driver.send_message(event)


def spelled(text: str) -> list[str]:
    return list(text)


async def settle(pilot, seconds: float = 0.6) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await pilot.pause()


@pytest.fixture
def configured(data_path) -> Path:
    repo = Repository(data_path)
    repo.set_settings({"target_monthly": "11000", "daily_rate": "650"})
    repo.close()
    return data_path


def contacts(path: Path) -> list[tuple[str, str | None]]:
    return sorted((c.name, c.company) for c in Repository(path).list("contact"))


def targets(path: Path) -> list[str]:
    return sorted(t.name for t in Repository(path).list("target"))


async def test_a_burst_goes_where_slow_typing_would_pane_form_and_field(configured):
    app = make_app(configured, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")  # the Missions pane has the focus
        await pilot.pause()
        # 1 then n: a new *contact* (the Network pane's), not a new mission; the name and
        # the company in their fields; saved; then the Targets pane, a new micro-target
        burst(app, "1", "n", *spelled("Jean Rapide"), "tab", *spelled("Acme"), "ctrl+s",
              "2", "n", *spelled("DSI de PME"), "ctrl+s")
        await settle(pilot, 1.5)
        assert not isinstance(app.screen, RecordForm)
    assert contacts(configured) == [("Jean Rapide", "Acme")]
    assert targets(configured) == ["DSI de PME"]


async def test_a_paste_right_after_the_key_that_opens_the_form_lands_in_it(configured):
    app = make_app(configured, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, "n")
        paste = events.Paste("Zoé Collée")
        paste.set_sender(app)
        app._driver.send_message(paste)
        burst(app, "tab", *spelled("Orée"), "ctrl+s")
        await settle(pilot, 1.0)
    assert contacts(configured) == [("Zoé Collée", "Orée")]


async def test_keys_after_a_save_go_to_the_dashboard_once_the_form_has_closed(configured):
    """ctrl+s saves in a worker; the form closes when the save is done. The keys typed
    after ctrl+s wait for it: here ``2 n`` opens a micro-target, not a second field edit."""
    app = make_app(configured, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        burst(app, "n", *spelled("Ana"), "ctrl+s", "2", "n")
        await settle(pilot, 1.5)
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "target"
        assert app.screen.focused.id == "field-name" and app.screen.focused.value == ""
    assert contacts(configured) == [("Ana", "")]


async def test_keys_typed_behind_a_save_waiting_for_a_lock_wait_for_the_save(configured, monkeypatch):
    """Another session holds the lock for 1.5 s while a burst saves one contact and types
    the next: the keys after ctrl+s wait for the save (not the 3 s of SETTLE_LIMIT, here
    0.5), so they open the next form instead of editing the record just saved."""
    import tui.typeahead as typeahead

    monkeypatch.setattr(typeahead, "SETTLE_LIMIT", 0.5)
    monkeypatch.setenv("RELANCE_LOCK_TIMEOUT", "6")
    app = make_app(configured, offer_reviews=False)
    lock = configured.with_name(configured.name + ".lock")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)  # another session saving
            burst(app, "n", *spelled("Alpha"), "ctrl+s", "n", *spelled("Beta"), "tab", *spelled("Corp"), "ctrl+s")
            await settle(pilot, 1.5)
            assert isinstance(app.screen, RecordForm) and app.screen.focused.value == "Alpha"  # still saving
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
        await settle(pilot, 2.0)
        assert not isinstance(app.screen, RecordForm)
    assert contacts(configured) == [("Alpha", ""), ("Beta", "Corp")]


async def test_keys_behind_a_save_that_gives_up_are_dropped_and_said(configured, monkeypatch):
    """The lock is held past RELANCE_LOCK_TIMEOUT: the save gives up and says so, the form
    stays open with what was typed, and the keys typed behind the save are dropped (they
    were meant for what follows a save: typed into the form left open they made
    "AlphanBeta"), which a notification says."""
    import tui.typeahead as typeahead

    monkeypatch.setattr(typeahead, "SETTLE_LIMIT", 0.3)
    monkeypatch.setattr(typeahead, "SAVE_MARGIN", 0.5)
    monkeypatch.setenv("RELANCE_LOCK_TIMEOUT", "1")
    app = make_app(configured, offer_reviews=False)
    lock = configured.with_name(configured.name + ".lock")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        handle = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            burst(app, "n", *spelled("Lia"), "ctrl+s", "n", *spelled("Zoé"))
            await settle(pilot, 2.5)
            assert isinstance(app.screen, RecordForm)
            assert app.screen.focused.value == "Lia"
            said = [n.message for n in app._notifications]
            assert "The 4 keys typed after the save were not used: the save failed." in said
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
            os.close(handle)
    assert contacts(configured) == []


# -- in a real terminal: a burst gives the same data file as the same keys one by one ------------

KEYS = ["1", "n", "Jean Rapide", "Tab", "Acme", "C-s", "2", "n", "DSI de PME", "C-s", "1", "n", "Éva Lenoir", "C-s"]


def records(path: Path, start: Path) -> dict[str, list[dict]]:
    """The records the keys added (those of the file they started from left out)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    there = json.loads(start.read_text(encoding="utf-8"))
    kept = {}
    for table in ("contacts", "targets"):
        old = {row["uid"] for row in there.get(table, {}).values()}
        rows = [row for row in document.get(table, {}).values() if row["uid"] not in old]
        kept[table] = sorted(({k: v for k, v in row.items() if k not in ("uid", "created")} for row in rows),
                             key=lambda row: json.dumps(row, sort_keys=True))
    return kept


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """5,000 contacts: a form takes ~100 ms to open, so keys 20 ms apart arrive before it."""
    from seeds.synthetic import build_synthetic

    data = tmp_path_factory.mktemp("typeahead") / "big.json"
    repo = Repository(data)
    payload = build_synthetic(5000, date(2026, 12, 1))
    payload["missions"] = []  # (no offer to review the missions that ended, in the way of the keys)
    repo.import_data(payload)
    repo.set_settings({"target_monthly": "11000", "daily_rate": "650"})
    repo.close()
    return data


def run_in_tmux(tmp_path: Path, name: str, size: str, gap: float | None, start: Path) -> dict[str, list[dict]]:
    data = tmp_path / f"{name}.json"
    shutil.copyfile(start, data)
    before = len(json.loads(data.read_text(encoding="utf-8")).get("contacts", {}))
    session = f"relance-typeahead-{name}-{time.monotonic_ns()}"
    width, height = size.split("x")
    command = (f"cd {shlex.quote(str(ROOT))} && LANGUAGE=en RELANCE_DATA={shlex.quote(str(data))} "
               f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m tui.cli --today 2026-12-01")
    tmux("new-session", "-d", "-s", session, "-x", width, "-y", height, command)
    try:
        wait_for(session, f"1 Network ({before})")
        time.sleep(0.5)
        tmux("send-keys", "-t", session, "3")  # the Missions pane, typed alone
        wait_for(session, "3 Missions (")
        time.sleep(0.3)
        if gap is None:  # one call: the keys arrive together
            tmux("send-keys", "-t", session, *KEYS)
        else:
            for key in KEYS:
                if len(key) > 1 and not key.startswith("C-") and key != "Tab":
                    for letter in key:  # typed, a letter at a time
                        tmux("send-keys", "-t", session, "-l", letter)
                        time.sleep(gap)
                else:
                    tmux("send-keys", "-t", session, key)
                    time.sleep(gap)
        wait_for(session, f"1 Network ({before + 2})")
        time.sleep(0.8)
        assert "ctrl+s save" not in screen(session)  # every form closed
    finally:
        tmux("kill-session", "-t", session)
    return records(data, start)


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_in_tmux_a_burst_gives_the_same_file_as_the_keys_one_by_one(tmp_path, size, configured, big_file):
    slowly = run_in_tmux(tmp_path, "slowly", size, 0.4, configured)
    at_once = run_in_tmux(tmp_path, "at-once", size, None, configured)
    assert at_once == slowly
    slowly = run_in_tmux(tmp_path, "big-slowly", size, 0.4, big_file)
    quick = run_in_tmux(tmp_path, "big-quick", size, 0.02, big_file)  # 20 ms a key: "JeanAcme" before
    assert sorted(c["name"] for c in slowly["contacts"]) == ["Jean Rapide", "Éva Lenoir"]
    assert [c["company"] for c in slowly["contacts"] if c["name"] == "Jean Rapide"] == ["Acme"]
    assert [t["name"] for t in slowly["targets"]] == ["DSI de PME"]
    assert quick == slowly


# -- esc glued to the next key ----------------------------------------------------------------------


@pytest.mark.parametrize("typed, keys", [
    ("n\x1b3nAudit\x1b1nZo", ["n", "escape", "3", "n", "A", "u", "d", "i", "t", "escape", "1", "n", "Z", "o"]),
    ("\x1bq", ["escape", "q"]),  # (alone, Textual waited, then read alt+q)
    ("\x1b[A\x1b2", ["up", "escape", "2"]),  # (WezTerm's "™" for Option+2, in Textual)
    ("\x1b\x1b[A", ["escape", "up"]),  # sequences are left as they were
    ("\x1b\tx", ["shift+tab", "x"]),
    ("\x1b[200~a\nb\x1b[201~", ["paste"]),
])
def test_escape_glued_to_the_next_key_in_one_read_is_read_as_the_two_keys(typed, keys):
    from textual._xterm_parser import XTermParser

    from tui.tuning import split_glued_escape

    parser = XTermParser()
    events_read = list(parser.feed(split_glued_escape(typed)))
    assert [getattr(event, "key", "paste") for event in events_read] == keys


@pytest.mark.parametrize("reads, keys", [
    (["/zz\x1b", "nJo"], ["slash", "z", "z", "escape", "n", "J", "o"]),  # esc, then n 20 ms later
    (["\x1b", "[A"], ["up"]),  # an arrow key cut in two reads stays an arrow
    (["\x1b[200~a\nb\x1b", "[201~"], ["paste"]),  # so does the end of a paste
    (["\x1b", "\x1b", "q"], ["escape", "escape", "q"]),
    (["z\x1b", "O"], ["z", "escape", "O"]),  # esc then O typed: not the start of a sequence
    (["z\x1b", "["], ["z", "escape", "left_square_bracket"]),
    (["\x1b", "b"], ["escape", "b"]),  # (in one read, alt+b: a word left)
])
def test_a_lone_escape_ending_a_read_waits_for_the_next_read(reads, keys):
    from tui.tuning import escape_splitter

    parser = escape_splitter()()
    read = []
    for data in reads:
        read += [getattr(event, "key", "paste") for event in parser.feed(data)]
    assert read == keys


def test_a_lone_escape_is_the_escape_key_once_escdelay_passed():
    from textual import constants

    from tui.tuning import escape_splitter

    parser = escape_splitter()()
    assert list(parser.feed("ab\x1b")) and not list(parser.tick())  # held, not yet
    time.sleep(constants.ESCAPE_DELAY + 0.02)
    assert [event.key for event in parser.tick()] == ["escape"]


def test_the_linux_driver_reads_keys_through_the_parser_that_splits_glued_escapes():
    from textual.drivers import linux_driver

    from tui import tuning

    tuning.read_glued_escapes_apart()
    parser = linux_driver.XTermParser()
    assert [event.key for event in parser.feed("\x1b2n")] == ["escape", "2", "n"]


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
def test_in_tmux_escape_then_a_key_in_one_burst(tmp_path, configured):
    session = f"relance-typeahead-esc-{time.monotonic_ns()}"
    command = (f"cd {shlex.quote(str(ROOT))} && LANGUAGE=en RELANCE_DATA={shlex.quote(str(configured))} "
               f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m tui.cli --today 2026-12-01")
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        wait_for(session, "1 Network (0)")
        time.sleep(0.5)
        # esc leaves the empty form at once; with "Audit" typed it asks first: y discards
        tmux("send-keys", "-t", session, "2", "n", "Escape", "3", "n", "Audit", "Escape", "y", "1", "n", "Zoé")
        shown = wait_for(session, "New contact", "Zoé")
        assert "™" not in shown and "£" not in shown and "New mission" not in shown
    finally:
        tmux("kill-session", "-t", session)


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
@pytest.mark.parametrize("gap", [0.02, 0.05])
def test_in_tmux_escape_then_a_key_a_few_ms_apart_are_the_two_keys(tmp_path, configured, gap):
    """Over SSH, esc then the next key 20-60 ms apart come in two reads: the escape used to be
    read as alt (or dropped, a "^" stored in the name)."""
    session = f"relance-typeahead-esc2-{time.monotonic_ns()}"
    command = (f"cd {shlex.quote(str(ROOT))} && LANGUAGE=en RELANCE_DATA={shlex.quote(str(configured))} "
               f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m tui.cli --today 2026-12-01")
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", command)
    try:
        wait_for(session, "1 Network (0)")
        time.sleep(0.5)
        # the filter: esc clears it, then n adds a contact; in the form, esc asks, y discards
        for key in ["/", "z", "z", "Escape", "n", "Jo", "C-s", "n", "Jean", "Escape", "y", "1"]:
            tmux("send-keys", "-t", session, *(["-l", key] if len(key) > 1 and not key[0].isupper() else [key]))
            time.sleep(gap)
        wait_for(session, "1 Network (1)")
        time.sleep(1)
        shown = screen(session)
        assert "ctrl+s save" not in shown and "Discard" not in shown
    finally:
        tmux("kill-session", "-t", session)
    assert contacts(configured) == [("Jo", "")]

