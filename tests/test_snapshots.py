"""Screen snapshots (pytest-textual-snapshot) at 80x24 and 120x40.

Update after a deliberate change of the look: ``./dev.sh test tests/test_snapshots.py --snapshot-update``,
then look at the report before committing the new pictures.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from seeds.demo import build_demo
from store.repository import Repository
from tui.app import make_app

from .conftest import TODAY

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def demo_app(isolated_home):
    # the path under HOME shows as ~/data/relance.json: the same in every run
    repo = Repository(isolated_home / "data" / "relance.json", today=TODAY)
    repo.import_data(build_demo(TODAY))
    return make_app(repo, offer_reviews=False)


async def _steady(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_on_demo_data(snap_compare, demo_app, size):
    """The dashboard on the demo data. At 80x24: the data path on top, the tab
    line 1-4, the Network pane alone with the four overdue follow-ups first
    ("! 47d late" ... "! 3d late") and its five columns whole, its bottom border
    ending with "c: who to contact now", the footer with n e d / a ? q. At 120x40:
    the four panes in a 2x2 grid, each table showing whole columns and its header
    ending with how many are hidden ("+2 →"); Targets flags "! empty pipeline" on
    Collectivités and ends with the row "Without a micro-tar…" (the won Audit SI
    express has none); Missions shows its three missions, "! review due" and the end
    dates whole, and under the missions "Time off (1)" with the demo's week in
    February; the Revenue gap gauge shows
    six months with the gap from January 2027, "! Income falls short in January
    2027", "! Start prospecting by 5 July 2026 — 145 days late." and the week's
    bar "! This week ░░░░░░░░░░ 0/4 new leads" (the pane scrolls for the rest)."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_steady)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_form_with_validation_errors(snap_compare, demo_app, size):
    """The new-mission form after ctrl+s on an empty form with a bad rate (the
    usual one of the settings, filled in, replaced by -5): the
    title field first, each required field marked *, "is required." under
    Client, Start and End, and "must be more than zero" under Daily rate; the
    focus on Client (the first field in error)."""

    assert snap_compare(demo_app, terminal_size=size, run_before=fill_form_in_error)


async def fill_form_in_error(pilot) -> None:
    """A new mission saved with its required fields empty and a rate of -5."""
    await pilot.press("3", "n")
    for _ in range(7):
        await pilot.press("tab")
    await pilot.press("ctrl+u", "minus", "5")
    await pilot.press("ctrl+s")
    await _steady(pilot)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, demo_app, size):
    """The help screen: the dashboard keys (1-4, n, e, d, u, /, esc, a, l, c, >, <,
    s, ?, q) with what they do, then the form keys (ctrl+s, esc), who to contact now's
    (l, o, enter, esc / q), the detail
    keys (esc, e, l), the month-by-month keys (esc, t, s), ctrl+p, and the moves
    (j/k, g/G, page keys, tab, enter)."""

    async def open_help(pilot):
        await pilot.press("question_mark")
        await _steady(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=open_help)


def test_who_to_contact_now(snap_compare, demo_app):
    """c on pane 1 at 80x24: "Who to contact now", "This week: 0 of 4 new leads" (the
    plan's weekly quota), the columns Name, Why, Company whole; "─ 4 follow-ups due ──" over the four late ones, the most
    late first ("follow-up 47 days late" ... "3 days late"); "─ 1 recommendation to ask ──"
    over François Lemaire, "recommendation (review of Orée Agro)"; then the natural network
    not contacted for 90 days or more, the longest silence first ("last contact 196 days
    ago"); the key bar: enter Open, l Log interaction, o New opportunity, esc Close."""

    async def open_list(pilot):
        await pilot.press("1", "c")
        await _steady(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=open_list)


# -- the revenue gap ------------------------------------------------------------------------


def _scenario_app(isolated_home, name):
    from .helpers.scenarios import SCENARIOS

    return make_app(SCENARIOS[name](isolated_home / "data" / "relance.json", TODAY), offer_reviews=False)


async def _show_gauge(pilot) -> None:
    await pilot.press("4")
    await _steady(pilot)


def test_gauge_fully_covered(snap_compare, isolated_home):
    """Pane 4 at 80x24, every month above the 10 000 EUR target: six full bars
    crossing the target rule │, a ▒ pipeline tail in February, coverages from
    140 % to 154 %, no gap column, "Income reaches the target in every month
    through April 2027." and "Natural network: 1 of 2 missions (50 %)." without
    a warning."""
    assert snap_compare(_scenario_app(isolated_home, "covered"), terminal_size=(80, 24), run_before=_show_gauge)


def test_gauge_with_a_cliff_in_month_3(snap_compare, isolated_home):
    """Pane 4 at 80x24: November and December covered (130 %, 143 %), January
    to April at 0 % with "−10 000 EUR" in bold red, the January proposal as a
    ▒ bar; "! Income falls short in January 2027" and "! Start prospecting by
    12 December 2026 — in 15 days." (lead time 20 days from two quick wins); the
    week's bar "! This week ░░░░░░░░░░ 0/20 new leads" and "60 new leads by 12
    December 2026 to cover January 2027, at your 5 % win rate (default)." under it."""
    assert snap_compare(_scenario_app(isolated_home, "cliff_in_month_3"), terminal_size=(80, 24), run_before=_show_gauge)


def test_gauge_with_the_deadline_passed(snap_compare, isolated_home):
    """Pane 4 at 80x24: only November covered; "! Income falls short in
    December 2026" and "! Start prospecting by 4 June 2026 — 176 days late."
    in bold red; "! This week ░░░░░░░░░░ 0/80 new leads" and "80 new leads by 1
    December 2026" (the deadline passed: one week to the gap); the natural-network
    warning."""
    assert snap_compare(_scenario_app(isolated_home, "deadline_passed"), terminal_size=(80, 24), run_before=_show_gauge)


def test_months_screen(snap_compare, isolated_home):
    """enter on the gauge at 80x24: the month-by-month table (Days 16/20 ...,
    Secured, Pipeline, Target, Gap, Cover) in turnover, "What closes the gap"
    for January to April (days at 650 EUR or the rate on the free days); the
    prospecting plan is further down (tests/test_issue23_dashboard.py reads it)."""

    async def open_months(pilot):
        await pilot.press("4", "enter")
        await _steady(pilot)

    assert snap_compare(_scenario_app(isolated_home, "cliff_in_month_3"), terminal_size=(80, 24), run_before=open_months)


def test_missions_pane_with_time_off(snap_compare, demo_app):
    """Pane 3 at 80x24 on the demo data: the two missions ("! review due" on Audit SI
    express), then "Time off (1)" and its table (Start, End, Days off, Note) with the
    demo's week in February: 2027-02-08, 2027-02-12, 5, Vacances en famille."""

    async def show(pilot):
        await pilot.press("3")
        await _steady(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=show)


def test_gauge_with_the_week_s_quota(snap_compare, demo_app):
    """Pane 4 at 80x24 on the demo data: under "! Start prospecting by 5 July 2026 — 145
    days late.", the week's bar "! This week ░░░░░░░░░░ 0/4 new leads", then "20 new leads
    by 1 January 2027 to cover January 2027, at your 5 % win rate (default)."; all of it
    inside the pane, nothing cut."""
    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=_show_gauge)


# -- the lessons-learned review ------------------------------------------------------------------

REVIEW_STEPS = {
    1: "step 1: the question, what was pitched (Audit de l'infrastructure) and the answer typed",
    2: "step 2: “+ New micro-target” highlighted above the four demo micro-targets, its fields filled",
    3: "step 3: the new micro-target's need, “No offer recorded yet.”, the offer typed",
    4: "step 4: two adjacent environments listed (Filiale Nord — même problème, Cabinet Vega)",
    5: "step 5: Camille Fournier ticked in the list, Jean Neuf (Vega, new) added, follow-up 2026-12-04",
    6: "step 6: the summary, one bullet per record created or changed",
}


@pytest.mark.parametrize("step", sorted(REVIEW_STEPS))
def test_review_step(snap_compare, isolated_home, step):
    """The review of the demo's Audit SI express at 80x24, “Step N of 6” under the
    title and the keys at the bottom; REVIEW_STEPS says what each step shows."""
    from .test_review import fill_step

    repo = Repository(isolated_home / "data" / "relance.json", today=TODAY)
    repo.import_data(build_demo(TODAY))

    async def walk(pilot):
        await pilot.pause()
        await pilot.press("y")  # the start-up offer
        for done in range(1, step):
            await fill_step(pilot, done)
            await pilot.press("ctrl+n")
        await fill_step(pilot, step)
        await _steady(pilot)

    assert snap_compare(make_app(repo), terminal_size=(80, 24), run_before=walk)


def test_start_up_offer(snap_compare, demo_app):
    """At start on the demo data: the offer to review Audit SI express (1 mission
    ended without its review), y / n."""
    demo_app.offer_reviews = True

    async def wait(pilot):
        await pilot.pause()
        await _steady(pilot)

    assert snap_compare(demo_app, terminal_size=(80, 24), run_before=wait)
