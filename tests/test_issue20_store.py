"""Issue 20, points 11, 13 and 18: plain amounts, ending never extends (and is undone
with u), and what ``relance doctor --fix`` will and will not repair."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest

from seeds.demo import build_demo
from store.errors import ValidationError
from store.files import temp_prefix
from store.repository import Repository
from store.review import end_mission, end_problem
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.review import EndMissionScreen, ReviewScreen

from .conftest import TODAY, run_relance
from .test_dashboard import settle, type_text


def disk(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


# -- 11. an amount is typed plain ---------------------------------------------------------------


@pytest.mark.parametrize("typed", ["1e3", "1E3", "inf", "nan", "-inf", "0x10", "1_000", "1,000.50"])
def test_an_amount_with_an_exponent_or_another_non_plain_form_is_refused(repo, typed):
    with pytest.raises(ValidationError) as refused:
        repo.add("mission", {"client": "Acme", "title": "Audit", "source": "natural", "start": "2026-09-01",
                             "end": "2026-12-31", "daily_rate": typed})
    assert refused.value.errors == {"daily_rate": f"expected an amount such as 650 or 650.50, got {typed!r}."}


@pytest.mark.parametrize("typed, kept", [("650", "650.00"), ("650.50", "650.50"), ("1 200,50", "1200.50"),
                                         ("1\u00a0200", "1200.00"), (" 700 ", "700.00"), ("650,5", "650.50")])
def test_plain_amounts_are_still_taken(repo, typed, kept):
    mission = repo.add("mission", {"client": "Acme", "title": "Audit", "source": "natural", "start": "2026-09-01",
                                   "end": "2026-12-31", "daily_rate": typed})
    assert str(mission.daily_rate) == kept


def test_the_cli_refuses_1e3_with_what_it_expects(data_path):
    result = run_relance("--data", str(data_path), "add", "mission", "--client", "Acme", "--title", "Audit",
                         "--source", "natural", "--start", "2026-09-01", "--end", "2026-12-31", "--daily-rate", "1e3")
    assert result.returncode == 2, result.stderr
    assert "expected an amount such as 650 or 650.50, got '1e3'." in result.stderr
    assert "Traceback" not in result.stderr
    assert not data_path.exists() or not disk(data_path).get("missions")


def test_a_stored_1e3_still_loads_and_is_saved_back_plain(data_path):
    """A file is not typing: a script's "1e3" loads as 1000.00 (as it always did), and the
    next save writes it "1000.00". What relance writes is always plain."""
    repo = Repository(data_path, today=TODAY)
    mission = repo.add("mission", {"client": "Acme", "title": "Audit", "source": "natural", "start": "2026-09-01",
                                   "end": "2026-12-31", "daily_rate": "650"})
    repo.close()
    data = disk(data_path)
    [doc] = data["missions"].values()
    assert doc["daily_rate"] == "650.00"
    doc["daily_rate"] = "1e3"
    data_path.write_text(json.dumps(data), encoding="utf-8")
    repo = Repository(data_path, today=TODAY)
    assert str(repo.get("mission", mission.uid).daily_rate) == "1000.00"
    repo.update("mission", mission.uid, {"title": "Audit SI"})
    repo.close()
    [doc] = disk(data_path)["missions"].values()
    assert doc["daily_rate"] == "1000.00"
    exported = run_relance("--data", str(data_path), "export", "json")
    assert exported.returncode == 0 and '"1000.00"' in exported.stdout


# -- 13. ending never extends, and u undoes it ---------------------------------------------------


@pytest.fixture
def demo(data_path) -> Repository:
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    return repo


def migration(repo: Repository):
    return next(m for m in repo.list("mission") if m.title == "Migration ERP")


def test_ending_after_the_planned_end_is_refused_and_changes_nothing(demo, data_path):
    main = migration(demo)
    later = main.end + timedelta(days=365)
    assert end_problem(main, later) == (f"{later} is after the planned end {main.end}: ending a mission never "
                                        "extends it; to extend it, edit its end.")
    before = data_path.read_bytes()
    with pytest.raises(ValidationError) as refused:
        end_mission(demo, main.uid, later)
    assert list(refused.value.errors) == ["ended_on"]
    assert data_path.read_bytes() == before and demo.get("mission", main.uid) == main
    assert end_problem(main, main.end) is None and end_problem(main, main.start) is None
    on_time = end_mission(demo, main.uid, main.end)
    assert on_time.end == main.end and on_time.ended_on is None


async def goto_migration(app, pilot, main) -> None:
    await pilot.press("3")
    while app.dashboard.pane("missions").table.selected_uid != main.uid:
        await pilot.press("j")


async def test_x_with_a_later_date_says_why_and_keeps_the_mission(demo, data_path):
    app = make_app(demo, offer_reviews=False)
    main = migration(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await goto_migration(app, pilot, main)
        before = data_path.read_bytes()
        await pilot.press("x")
        assert isinstance(app.screen, EndMissionScreen)
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, (main.end + timedelta(days=365)).isoformat())
        # said as it is typed, under the field; enter does not close it
        assert "ending a mission never extends it" in str(app.screen.query_one("#end-error").content)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EndMissionScreen)
        assert data_path.read_bytes() == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert data_path.read_bytes() == before


async def test_x_on_a_mission_whose_planned_end_is_past_offers_that_end(demo):
    """The date offered is today, or the planned end when it is already past: ending never
    extends a mission, so today would be refused."""
    app = make_app(demo, offer_reviews=False)
    audit = next(m for m in demo.list("mission") if m.title == "Audit SI express")
    assert audit.end < TODAY
    async with app.run_test(size=(80, 24)) as pilot:
        await goto_migration(app, pilot, audit)
        await pilot.press("x")
        assert isinstance(app.screen, EndMissionScreen)
        assert app.screen.query_one("#end-date").value == audit.end.isoformat()
        assert not str(app.screen.query_one("#end-error").content)


async def test_x_then_u_puts_the_mission_back_as_it_was(demo, data_path):
    app = make_app(demo, offer_reviews=False)
    main = migration(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await goto_migration(app, pilot, main)
        await pilot.press("x")
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "-2d")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        [saved] = [m for m in disk(data_path)["missions"].values() if m["uid"] == main.uid]
        assert saved["ended_on"] == (TODAY - timedelta(days=2)).isoformat()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("u")
        await settle(pilot)
        assert not any(n.message == "Nothing to undo." for n in app._notifications)
        assert "Undid the end of 'Migration ERP'." in [n.message for n in app._notifications]
        [saved] = [m for m in disk(data_path)["missions"].values() if m["uid"] == main.uid]
        assert saved["ended_on"] is None and saved["end"] == main.end.isoformat()
        assert demo.get("mission", main.uid).ended_on is None


# -- 18. doctor says what --fix will and will not do ---------------------------------------------


@pytest.fixture
def small(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Zoé Durand"})
    repo.close()
    return data_path


def last_line(result) -> str:
    return result.stdout.strip().splitlines()[-1]


def test_doctor_when_fix_repairs_nothing_of_what_it_found(small):
    (small.parent / "notes.txt").write_text("mine", encoding="utf-8")  # a folder shared with other files
    os.chmod(small.parent, 0o755)
    result = run_relance("--data", str(small), "doctor")
    assert result.returncode == 1
    assert last_line(result) == "1 problem found: --fix cannot repair it (the line above says what to do)."


def test_doctor_when_fix_repairs_some_of_it(small):
    (small.parent / "notes.txt").write_text("mine", encoding="utf-8")
    os.chmod(small.parent, 0o755)
    os.chmod(small, 0o644)
    (small.parent / (temp_prefix(small) + "x")).write_text("{}", encoding="utf-8")
    result = run_relance("--data", str(small), "doctor")
    assert result.returncode == 1
    assert last_line(result) == ("3 problems found: relance doctor --fix repairs 2 (the lines that name --fix); "
                                 "1 needs you (its line says what to do).")
    fixed = run_relance("--data", str(small), "doctor", "--fix")
    assert fixed.returncode == 1
    assert last_line(fixed) == "1 problem is left: the line above says what to do."


def test_doctor_when_fix_repairs_all_of_it(small):
    os.chmod(small, 0o644)
    result = run_relance("--data", str(small), "doctor")
    assert result.returncode == 1
    assert last_line(result) == "1 problem found: relance doctor --fix repairs it."
    assert run_relance("--data", str(small), "doctor", "--fix").returncode == 0
