"""The dashboard's first screen: path, panes and counts, pane keys, quitting."""

from __future__ import annotations

from pathlib import Path

from seeds.demo import build_demo
from store.repository import Repository
from tui.app import make_app, short_path
from tui.panes import Pane

from .conftest import TODAY


def titles(app) -> list[str]:
    return [str(pane.border_title) for pane in app.dashboard.query(Pane)]


async def test_dashboard_shows_path_and_pane_counts(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        where = str(app.screen.query_one("#where").render())
        assert where.startswith("Data: ") and where.endswith("/data/relance.json")
        assert titles(app) == [
            "1 Network (40) 28 natural · 12 pro · 4 due", "2 Targets (4)", "3 Missions (3)", "4 Revenue gap",
        ]
        network = app.screen.query_one("#pane-network", Pane).table
        # follow-ups due come first, the latest at the top
        assert [str(network.get_row_at(i)[1]) for i in range(4)] == ["! 47d late", "! 25d late", "! 12d late", "! 3d late"]
        targets = app.screen.query_one("#pane-targets", Pane).table
        rows = [targets.get_row_at(i) for i in range(targets.row_count)]
        empty = [str(r[0]) for r in rows if "empty pipeline" in str(r[1])]
        assert empty == ["Collectivités : dématérialisation"]
        missions = app.screen.query_one("#pane-missions", Pane).table
        assert sorted(str(missions.get_row_at(i)[1]) for i in range(2)) == ["! review due", "active"]


def test_short_path_keeps_the_file_name(monkeypatch):
    monkeypatch.setenv("HOME", "/home/zoe")
    assert short_path(Path("/home/zoe/.local/share/relance/relance.json"), 80) == "~/.local/share/relance/relance.json"
    long = Path("/srv/shared/consultants/2026/zoe.durand/archives/relance/relance.json")
    short = short_path(long, 40)
    assert len(short) == 40 and short.startswith("/srv/shared") and short.endswith("relance/relance.json") and "…" in short


async def test_number_keys_focus_panes_and_q_quits(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.focused.id == "network-table"
        for key, table in (("2", "targets-table"), ("4", "revenue-gauge"), ("3", "missions-table"), ("1", "network-table")):
            await pilot.press(key)
            assert app.focused.id == table
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_opening_the_dashboard_writes_nothing(data_path):
    app = make_app(data_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert titles(app)[0].startswith("1 Network (0)")
        await pilot.press("escape")  # skip the onboarding form
        await pilot.pause()
    assert not data_path.exists()


async def test_keys_queued_behind_q_do_not_open_screens_on_the_way_out(data_path):
    """A terminal delivers a burst of keys in one read: ``q`` then ``e`` must quit cleanly,
    not open the edit form while the app shuts down (it used to crash on mount)."""
    from textual import events

    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for key in ("q", "e", "n"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
    assert app._exception is None and app.return_code == 0
