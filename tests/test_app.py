"""The dashboard driven by keys through Textual's Pilot, on a real data file."""

from __future__ import annotations

from seeds.demo import build_demo
from store.repository import Repository
from tui.app import make_app
from tui.panes import Pane

from .conftest import TODAY


def titles(app) -> list[str]:
    return [str(pane.border_title) for pane in app.query(Pane)]


async def test_dashboard_shows_path_and_pane_counts(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    app = make_app(repo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        where = str(app.query_one("#where").render())
        assert where.startswith("Data: ") and where.endswith("/data/relance.json") and len(where) <= 78
        assert titles(app) == ["1 Network (40)", "2 Targets (4)", "3 Missions (2)", "4 Revenue gap"]
        network = str(app.query_one("#pane-network .summary").render())
        assert "28 natural, 12 professional" in network
        assert "4 follow-ups due" in network
        targets = str(app.query_one("#pane-targets .summary").render())
        assert "Collectivités : dématérialisation" in targets and "nothing in the pipeline" in targets
        missions = str(app.query_one("#pane-missions .summary").render())
        assert "review due" in missions and "active" in missions


def test_short_path_keeps_the_file_name(monkeypatch, tmp_path):
    from pathlib import Path

    from tui.app import short_path

    monkeypatch.setenv("HOME", "/home/zoe")
    assert short_path(Path("/home/zoe/.local/share/relance/relance.json"), 80) == "~/.local/share/relance/relance.json"
    long = Path("/srv/shared/consultants/2026/zoe.durand/archives/relance/relance.json")
    short = short_path(long, 40)
    assert len(short) == 40 and short.startswith("/srv/shared") and short.endswith("relance/relance.json") and "…" in short


async def test_number_keys_focus_panes_and_q_quits(data_path):
    app = make_app(data_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.focused.id == "pane-network"
        for key, pane in (("2", "targets"), ("4", "revenue"), ("3", "missions"), ("1", "network")):
            await pilot.press(key)
            assert app.focused.id == f"pane-{pane}"
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_empty_file_shows_how_to_start(data_path):
    app = make_app(data_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert titles(app)[0] == "1 Network (0)"
        assert "relance add contact" in str(app.query_one("#pane-network .summary").render())
    assert not data_path.exists()  # opening the dashboard writes nothing
