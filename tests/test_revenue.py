"""The revenue-gap gauge and its month-by-month screen, driven by keys on real data files."""

from __future__ import annotations

import pytest

from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forecast import ForecastScreen
from tui.forms import RecordForm

from .conftest import TODAY
from .helpers.scenarios import SCENARIOS
from .test_dashboard import disk, settle, type_text


def gauge_lines(app) -> list[str]:
    return app.dashboard.pane("revenue").gauge.plain_lines()


def month_line(app, label: str) -> str:
    """One month's bar line, its spaces collapsed."""
    return " ".join(next(line for line in gauge_lines(app) if line.startswith(label)).split())


def text_of(app) -> str:
    """The gauge's text with spaces collapsed (thin spaces in amounts count as spaces)."""
    return " ".join(" ".join(gauge_lines(app)).split())


@pytest.fixture
def scenario(data_path):
    def build(name: str):
        return SCENARIOS[name](data_path, TODAY)

    return build


async def test_gauge_follows_a_new_mission_a_stage_change_and_the_target(scenario, data_path):
    repo = scenario("cliff_in_month_3")
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        assert app.focused.id == "revenue-gauge"
        assert month_line(app, "Jan 2027").endswith("0 % \u221210 000 EUR")
        assert "Income falls short in January 2027" in text_of(app)
        assert "Start prospecting by 12 December 2026 — in 15 days." in text_of(app)
        # a mission for January, typed in the form that n opens on this pane
        await pilot.press("n")
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "mission"
        await type_text(pilot, "Extension")
        await pilot.press("tab")
        await type_text(pilot, "Meridia")
        await pilot.press("tab", "tab", "tab", "tab")
        assert app.focused.id == "field-start"
        await type_text(pilot, "2027-01-04")
        await pilot.press("tab")
        await type_text(pilot, "2027-01-29")
        await pilot.press("tab")
        assert app.focused.value == "650.00"  # the usual daily rate of the settings
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any(m["title"] == "Extension" for m in disk(data_path)["missions"].values())
        # 20 working days at 650 against 10 000: January is covered; the cliff moves to February
        assert month_line(app, "Jan 2027").endswith("130 %")
        assert "Income falls short in February 2027" in text_of(app)
        assert "Start prospecting by 12 January 2027 — in 46 days." in text_of(app)
        # the proposal on January is won: it leaves the weighted pipeline
        assert "▒" in month_line(app, "Jan 2027")
        proposal = next(o for o in repo.list("opportunity") if o.stage == "proposal")
        app.move_stage(proposal, "negotiation")
        await settle(pilot)
        before = month_line(app, "Jan 2027").count("▒")
        app.move_stage(repo.get("opportunity", proposal.uid), "won")
        await settle(pilot)
        await pilot.press("escape")  # the offer to create the mission
        assert before > 0 and "▒" not in month_line(app, "Jan 2027")
        # a higher target, through the settings form (s)
        await pilot.press("s")
        assert app.focused.id == "field-target_monthly"
        await pilot.press(*["backspace"] * 12)
        await type_text(pilot, "20000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "target 20 000 EUR/month" in text_of(app)
        assert month_line(app, "Jan 2027").endswith("65 % \u22127 000 EUR")
        assert "Income falls short in November 2026" in text_of(app)


async def test_enter_opens_the_months_with_what_closes_the_gap_and_t_shows_net_income(scenario):
    app = make_app(scenario("deadline_passed"), offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "enter")
        screen = app.screen
        assert isinstance(screen, ForecastScreen)

        def shown() -> str:
            return " ".join(screen.plain_text().split())

        assert "turnover excl. tax" in str(screen.query_one("#forecast-title").render())
        text = shown()
        # December: 22 working days, nothing billed, 10 000 missing
        assert "Dec 2026 0/22 0 0 10 000 10 000 0 %" in text.replace("\u202f", " ")
        assert ("Dec 2026 15.5 more billable days at 650 EUR, or a rate of 455 EUR on the 22 days still free."
                in text.replace("\u202f", " "))
        assert "Start prospecting by 4 June 2026 — 176 days late." in text
        assert "Lead time 180 days: the default" in text
        await pilot.press("t")
        assert "net income" in str(screen.query_one("#forecast-title").render())
        # 10 000 x (1 - 8 %) x 50 % = 4 600
        assert "Dec 2026 0/22 0 0 4 600 4 600 0 %" in shown().replace("\u202f", " ")
        await pilot.press("t")
        assert "Dec 2026 0/22 0 0 10 000 10 000 0 %" in shown().replace("\u202f", " ")
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_the_month_screen_follows_a_settings_change(scenario, data_path):
    app = make_app(scenario("deadline_passed"), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "enter", "s")
        assert isinstance(app.screen, RecordForm)
        await pilot.press(*["backspace"] * 12)
        await type_text(pilot, "5000")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ForecastScreen)
        text = app.screen.plain_text().replace("\u202f", " ")
        assert "5 000" in text and "10 000" not in text


async def test_without_a_target_the_gauge_says_how_to_set_one(data_path):
    from store.repository import Repository

    repo = Repository(data_path, today=TODAY)
    repo.add("mission", {"client": "Acme", "start": "2026-11-02", "end": "2027-01-29", "daily_rate": "600"})
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        text = text_of(app)
        assert "No monthly target is set, so there is no gap to measure: press s to set one." in text
        assert "│" not in " ".join(gauge_lines(app)[:6]) and "—" in month_line(app, "Nov 2026")
