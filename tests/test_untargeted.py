"""Pane 2's last row, "Without a micro-target": the opportunities of no micro-target
(the new-opportunity form's default, ``relance add opportunity``) are seen, edited,
moved and deleted there, by keys only, and checked in the data file on disk."""

from __future__ import annotations

from textual.widgets import Select

from store.repository import Repository
from tests.test_dashboard import demo_repo, disk, pane, settle, type_text  # noqa: F401  (demo_repo: a fixture)
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forms import RecordForm
from tui.targets_pane import UNTARGETED

from .conftest import TODAY

ROW = "Without a micro-target"
SAY = "This row gathers the opportunities without a micro-target: tab to them to open, edit or delete one."


def on_disk(data_path, uid: str) -> dict | None:
    return next((d for d in disk(data_path)["opportunities"].values() if d["uid"] == uid), None)


def rows(table) -> list[str]:
    return [table.get_row_at(i)[0].__str__() for i in range(table.row_count)]


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_an_opportunity_saved_without_a_micro_target_is_shown_edited_and_deleted_under_its_row(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        targets = pane(app, "targets")
        # the tester's steps: a micro-target selected, tab, n, its micro-target set to none
        await pilot.press("2", "tab", "n")
        await type_text(pilot, "Piste chaude")
        app.screen.query_one("#field-target_uid", Select).value = Select.NULL
        await pilot.press("ctrl+s")
        await settle(pilot)
        [doc] = [d for d in disk(data_path)["opportunities"].values() if d["title"] == "Piste chaude"]
        assert not doc.get("target_uid")
        uid = doc["uid"]
        # shown: the last row of the micro-targets is selected, the new lead in the list below
        assert rows(targets.table)[-1] == ROW and targets.table.selected_uid == UNTARGETED
        assert targets.border_title == "2 Targets (4)"  # (the row is not counted as a micro-target)
        assert "Piste chaude" in rows(targets.opps_table) and "Audit SI express" in rows(targets.opps_table)
        assert targets.opps_table.selected_uid == uid and app.focused is targets.opps_table
        assert "1 identified" in str(targets.table.get_row_at(targets.table.row_count - 1)[1])
        # edited from there, its stage moved, then deleted
        await pilot.press("e")
        assert isinstance(app.screen, RecordForm)
        await type_text(pilot, " bis")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_disk(data_path, uid)["title"] == "Piste chaude bis"
        assert "Piste chaude bis" in rows(targets.opps_table)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert on_disk(data_path, uid)["stage"] == "contacted"
        await pilot.press("d", "y")
        await settle(pilot)
        assert on_disk(data_path, uid) is None
        assert "Piste chaude bis" not in rows(targets.opps_table)
        assert rows(targets.table)[-1] == ROW  # (Audit SI express, won, is still without one)
        await pilot.press("u")
        await settle(pilot)
        assert on_disk(data_path, uid) is not None and targets.opps_table.selected_uid == uid


async def test_e_d_on_the_row_say_what_to_do_and_change_nothing_and_enter_opens_its_list(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        targets = pane(app, "targets")
        await pilot.press("2", "G")
        await settle(pilot)
        assert targets.table.selected_uid == UNTARGETED
        before = data_path.read_bytes()
        for key in ("e", "d"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen) and notes(app)[-1] == SAY
            app.clear_notifications()
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert data_path.read_bytes() == before
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused is targets.opps_table and rows(targets.opps_table) == ["Audit SI express"]
        # n on the targets table still makes a micro-target, not a record of this row
        await pilot.press("2", "n")
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "target"


async def test_n_under_a_micro_target_presets_it_and_under_the_row_leaves_it_empty(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        targets = pane(app, "targets")
        dsi = next(t for t in demo_repo.list("target") if t.name.startswith("DSI"))
        await pilot.press("2")
        while targets.table.selected_uid != dsi.uid:
            await pilot.press("j")
        await pilot.press("tab", "n")
        assert app.screen.query_one("#field-target_uid", Select).value == dsi.uid
        await type_text(pilot, "Lead DSI")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [doc] = [d for d in disk(data_path)["opportunities"].values() if d["title"] == "Lead DSI"]
        assert doc["target_uid"] == dsi.uid and "Lead DSI" in rows(targets.opps_table)
        await pilot.press("2", "G", "tab", "n")
        assert app.screen.query_one("#field-target_uid", Select).value is Select.NULL
        await type_text(pilot, "Lead libre")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [doc] = [d for d in disk(data_path)["opportunities"].values() if d["title"] == "Lead libre"]
        assert not doc.get("target_uid") and "Lead libre" in rows(targets.opps_table)


async def test_the_row_shows_only_while_needed_and_follows_the_filter(data_path):
    repository = Repository(data_path, today=TODAY)
    target = repository.add("target", {"name": "Cliniques privées"})
    lone = repository.add("opportunity", {"title": "Audit express", "stage": "meeting"})
    app = make_app(repository, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        targets = pane(app, "targets")
        await pilot.press("2")
        await settle(pilot)
        assert rows(targets.table) == ["Cliniques privées", ROW]
        await pilot.press("slash")
        await type_text(pilot, "clin")
        await settle(pilot)
        assert rows(targets.table) == ["Cliniques privées"] and targets.border_title == "2 Targets (1/1)"
        await pilot.press("escape")
        await pilot.press("slash")
        await type_text(pilot, "without")
        await settle(pilot)
        assert rows(targets.table) == [ROW] and targets.border_title == "2 Targets (0/1)"
        await pilot.press("escape")
        await settle(pilot)
        # its last opportunity given a micro-target elsewhere: the row goes
        repository.update("opportunity", lone.uid, {"target_uid": target.uid})
        app.refresh_views()
        await settle(pilot)
        assert rows(targets.table) == ["Cliniques privées"]
