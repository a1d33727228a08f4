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
    return make_app(repo)


async def _steady(pilot) -> None:
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_dashboard_on_demo_data(snap_compare, demo_app, size):
    """The dashboard on the demo data. At 80x24: the data path on top, the tab
    line 1-4, the Network pane alone with the four overdue follow-ups first
    ("! 47d late" ... "! 3d late"), the footer with n e d / a ? q. At 120x40:
    the four panes in a 2x2 grid; Targets flags "! empty pipeline" on
    Collectivités; Missions shows "! review due"; Revenue gap lists six months
    with the gap from January 2027."""
    assert snap_compare(demo_app, terminal_size=size, run_before=_steady)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_form_with_validation_errors(snap_compare, demo_app, size):
    """The new-mission form after ctrl+s on an empty form with a bad rate: the
    title field first, each required field marked *, "is required." under
    Client, Start and End, and "must be more than zero" under Daily rate; the
    focus on Client (the first field in error)."""

    async def fill(pilot):
        await pilot.press("3", "n")
        for _ in range(7):
            await pilot.press("tab")
        await pilot.press("minus", "5")
        await pilot.press("ctrl+s")
        await _steady(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=fill)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, demo_app, size):
    """The help screen: the dashboard keys (1-4, n, e, d, u, /, esc, a, l, >, <,
    s, ?, q) with what they do, then the form keys (ctrl+s, esc), the detail
    keys (esc, e, l), ctrl+p, and the moves (j/k, g/G, page keys, tab, enter)."""

    async def open_help(pilot):
        await pilot.press("question_mark")
        await _steady(pilot)

    assert snap_compare(demo_app, terminal_size=size, run_before=open_help)
