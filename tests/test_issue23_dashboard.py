"""Issue 23 on the dashboard: the time off under the missions (pane 3), the week's quota of
new leads in the revenue gap (pane 4), the plan explained month by month. Keys only, on
real data files, checked on disk and on screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from store import i18n
from store.repository import Repository
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forecast import ForecastScreen
from tui.forms import ConfirmScreen, RecordForm

from .conftest import TODAY
from .helpers.scenarios import SCENARIOS
from .test_dashboard import demo_repo, disk, pane, settle, type_text  # noqa: F401  (demo_repo: a fixture)
from .test_revenue import month_line, text_of


def time_off_on_disk(path) -> list[dict]:
    return sorted(disk(path).get("time_off", {}).values(), key=lambda d: d["start"])


def time_off_rows(app) -> list[tuple[str, ...]]:
    """The time-off table's rows as shown (the cells' text), top to bottom."""
    table = app.dashboard.pane("missions").time_off_table
    return [tuple(str(cell) for cell in table._render_row(uid)) for uid in table._uids]


async def add_time_off(pilot, start: str, end: str, note: str = "") -> None:
    """3, tab to the time off, n, the form filled in, ctrl+s."""
    await pilot.press("3", "tab")
    assert pilot.app.focused.id == "timeoff-table"
    await pilot.press("n")
    form = pilot.app.screen
    assert isinstance(form, RecordForm) and form.kind == "time_off"
    assert pilot.app.focused.id == "field-start"
    await type_text(pilot, start)
    await pilot.press("tab")
    await type_text(pilot, end)
    await pilot.press("tab")
    await type_text(pilot, note)
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DashboardScreen)


# -- pane 3: the time off ------------------------------------------------------------------------


async def test_time_off_is_added_edited_deleted_and_undone_from_the_missions_pane(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        missions = pane(app, "missions")
        assert time_off_rows(app) == [("2027-02-08", "2027-02-12", "5", "Vacances en famille")]  # (the demo's)
        # n on the time-off table: its form, two dates and a note
        await add_time_off(pilot, "2027-03-01", "2027-03-05", "Formation")
        [holidays, training] = time_off_on_disk(data_path)
        assert (training["start"], training["end"], training["note"]) == ("2027-03-01", "2027-03-05", "Formation")
        # newest first, the new one selected, its working days counted
        assert time_off_rows(app)[0] == ("2027-03-01", "2027-03-05", "5", "Formation")
        assert missions.time_off_table.selected_uid == training["uid"]
        assert "Time off (2)" in str(missions.query_one("#timeoff-label").content)
        # e edits the one selected: a week longer (10 working days)
        assert app.focused.id == "timeoff-table"
        await pilot.press("e")
        assert isinstance(app.screen, RecordForm) and app.screen.query_one("#field-start").value == "2027-03-01"
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "2027-03-12")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert time_off_on_disk(data_path)[1]["end"] == "2027-03-12"
        assert time_off_rows(app)[0] == ("2027-03-01", "2027-03-12", "10", "Formation")
        # an end before the start is refused in the form, nothing saved
        await pilot.press("e", "tab", "ctrl+u")
        await type_text(pilot, "2027-02-01")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        assert "before the start" in str(app.screen.query_one("#error-end").render())
        await pilot.press("escape", "y")
        await settle(pilot)
        assert time_off_on_disk(data_path)[1]["end"] == "2027-03-12"
        # d deletes it after the question; u puts it back
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert [d["note"] for d in time_off_on_disk(data_path)] == ["Vacances en famille"]
        assert [row[3] for row in time_off_rows(app)] == ["Vacances en famille"]
        await pilot.press("u")
        await settle(pilot)
        assert [d["note"] for d in time_off_on_disk(data_path)] == ["Vacances en famille", "Formation"]
        assert missions.time_off_table.selected_uid == training["uid"]
        # the missions table above still acts on missions
        await pilot.press("shift+tab")
        assert app.focused.id == "missions-table"
        assert app.dashboard.selection()[0] == "mission"


async def test_the_palette_offers_a_new_time_off_once_and_the_time_off_table(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("New time off") == 1 and titles.count("Time off") == 1
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "Time off")
        command.callback()
        await pilot.pause()
        assert app.focused.id == "timeoff-table"
        command = next(c for c in app.get_system_commands(app.screen) if c.title == "New time off")
        command.callback()
        await pilot.pause()
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "time_off"
        assert [row.field_name for row in app.screen.query("FieldRow")] == ["start", "end", "note"]


async def test_french_dates_are_typed_day_first_in_the_time_off_form(demo_repo, data_path):
    demo_repo.set_settings({"language": "fr"})
    app = make_app(demo_repo, offer_reviews=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await add_time_off(pilot, "01/03/2027", "5 mars 2027", "Formation")
            assert time_off_on_disk(data_path)[1]["start"] == "2027-03-01"
            assert time_off_on_disk(data_path)[1]["end"] == "2027-03-05"
            assert time_off_rows(app)[0] == ("01/03/2027", "05/03/2027", "5", "Formation")
            label = str(pane(app, "missions").query_one("#timeoff-label").content)
            assert label == "Congés (2)"
    finally:
        i18n.set_language(None)


# -- pane 4: the time off and the week's quota ------------------------------------------------------


@pytest.fixture
def cliff(data_path) -> Repository:
    """A mission to the end of December, the gap from January, the deadline on 12 December
    (tests/helpers/scenarios.py): 60 new leads to find, 20 a week."""
    return SCENARIOS["cliff_in_month_3"](data_path, TODAY)


async def test_the_revenue_gap_follows_a_time_off_at_once(cliff):
    app = make_app(cliff, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert month_line(app, "Dec 2026").endswith("143 %")
        assert "Income falls short in January 2027" in text_of(app)
        # two weeks off in December, inside the mission: 10 of its 22 days not billed
        await add_time_off(pilot, "2026-12-07", "2026-12-18", "Ski")
        await pilot.press("4")
        assert month_line(app, "Dec 2026").endswith("78 % \u22122 200 EUR")
        assert "Income falls short in December 2026" in text_of(app)
        # deleted, and December is covered again
        await pilot.press("3", "tab", "d", "y")
        await settle(pilot)
        await pilot.press("4")
        assert month_line(app, "Dec 2026").endswith("143 %")


def quota_line(app) -> str:
    return next(line for line in app.dashboard.pane("revenue").gauge.plain_lines() if "This week" in line)


async def test_the_week_s_quota_counts_an_opportunity_added_in_the_form(cliff, data_path):
    app = make_app(cliff, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert quota_line(app) == "! This week ░░░░░░░░░░ 0/20 new leads"
        assert "60 new leads by 12 December 2026 to cover January 2027, at your 5 % win rate (default)." in text_of(app)
        # pane 2, tab to the opportunities, n: the form starts with today's first contact
        await pilot.press("2", "tab", "n")
        form = app.screen
        assert isinstance(form, RecordForm) and form.kind == "opportunity"
        assert form.query_one("#field-first_contact").value == "2026-11-27"
        await type_text(pilot, "Audit flash")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [doc] = [d for d in disk(data_path)["opportunities"].values() if d["title"] == "Audit flash"]
        assert doc["first_contact"] == "2026-11-27"
        await pilot.press("4")
        assert quota_line(app) == "! This week █░░░░░░░░░ 1/20 new leads"
        # two more while pane 4 is hidden (at 80x24 one pane shows): drawn from the last
        for title in ("Audit express", "Revue d'architecture"):
            await pilot.press("2", "tab", "n")
            await type_text(pilot, title)
            await pilot.press("ctrl+s")
            await settle(pilot)
        await pilot.press("4")
        assert quota_line(app) == "! This week ██░░░░░░░░ 3/20 new leads"


async def test_the_week_s_quota_starts_again_on_a_new_week(data_path):
    """A dashboard left open: the day changes (the file poll sees it), the week with it."""
    day = [TODAY]
    SCENARIOS["cliff_in_month_3"](data_path, TODAY).add(
        "opportunity", {"title": "Audit flash", "stage": "identified", "first_contact": TODAY.isoformat()})
    repo = Repository(data_path, clock=lambda: day[0])
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert quota_line(app).endswith("1/20 new leads")
        day[0] = TODAY + timedelta(days=3)  # Monday 30 November
        app.poll_file()
        await settle(pilot)
        assert quota_line(app) == "! This week ░░░░░░░░░░ 0/30 new leads"  # (60 leads, 2 weeks left)


async def test_a_quota_reached_is_not_a_warning(cliff):
    for number in range(20):
        cliff.add("opportunity", {"title": f"Lead {number}", "stage": "identified", "first_contact": "2026-11-23"})
    app = make_app(cliff, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        assert quota_line(app) == "This week ██████████ 20/20 new leads"


# -- the month-by-month screen ---------------------------------------------------------------------


async def test_the_months_screen_explains_the_plan_and_counts_the_days_off(cliff):
    cliff.add("time_off", {"start": "2027-02-15", "end": "2027-02-26", "note": "Ski"})
    app = make_app(cliff, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ForecastScreen)
        text = " ".join(app.screen.plain_text().split())
        # the days off, a column of the table (February: 10 working days)
        assert "Cover Off" in text and "Off: the working days of your time off" in text
        february = next(line for line in app.screen.plain_text().splitlines() if line.strip().startswith("Feb 2027"))
        assert february.split()[-1] == "10"
        # the plan, figure by figure, each with where it came from
        assert "Prospecting plan" in text
        for sentence in (
            "Win rate 5 %: the default probability of an identified lead, until five opportunities are closed "
            "and one of them won (2 closed so far).",
            "A mission is worth 13 000 EUR: your usual daily rate × 20 days, until two won opportunities have an "
            "estimate.",
            "Not covered from January 2027 on, after the weighted pipeline: 35 800 EUR, or 3 missions at that value.",
            "At that win rate, that takes 60 new leads.",
            "3 weeks until the prospecting deadline, 12 December 2026. So 20 new leads a week; 0 so far this week.",
        ):
            assert "• " + sentence.replace("\u202f", " ") in text.replace("\u202f", " ")


async def test_the_months_screen_says_why_there_is_no_plan(data_path):
    app = make_app(SCENARIOS["covered"](data_path, TODAY), offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "enter")
        await settle(pilot)
        text = " ".join(app.screen.plain_text().split())
        assert "Prospecting plan No prospecting plan: income reaches the target in every month of the horizon." in text
        assert "Cover Off" not in text  # (no time off: no column)


async def test_the_plan_in_french(cliff):
    cliff.set_settings({"language": "fr"})
    app = make_app(cliff, offer_reviews=False)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("4")
            gauge = " ".join(" ".join(app.dashboard.pane("revenue").gauge.plain_lines()).split())
            assert "! Cette semaine ░░░░░░░░░░ 0/20 nouvelles pistes" in gauge
            assert "60 nouvelles pistes d'ici le 12 décembre 2026 pour couvrir janvier 2027" in gauge
            await pilot.press("enter")
            await settle(pilot)
            text = " ".join(app.screen.plain_text().split())
            assert "Plan de prospection" in text and "taux de réussite" in text.casefold()
    finally:
        i18n.set_language(None)
