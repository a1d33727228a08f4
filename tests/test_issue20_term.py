"""Issue 20, terminal habits: ctrl+z suspends to the shell and ``fg`` redraws (17),
settings labels do not run into their values (15), ticked boxes readable without colour (16)."""

from __future__ import annotations

import shlex
import shutil
import sys
import time

import pytest

from tests.conftest import ROOT
from tests.test_e2e import keys, screen, tmux, type_text, wait_for, wait_gone
from tui.app import make_app

# -- 17. ctrl+z ---------------------------------------------------------------------------------------


async def test_ctrl_z_suspends_from_the_dashboard_and_from_a_form(data_path):
    app = make_app(data_path, offer_reviews=False)
    suspended = []
    app.action_suspend_process = lambda: suspended.append(type(app.screen).__name__)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # the onboarding form of an empty file
        await pilot.pause()
        assert type(app.screen).__name__ == "DashboardScreen"
        await pilot.press("ctrl+z")
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("Z", "ctrl+z")  # a form's Input has the focus
        await pilot.pause()
        assert suspended == ["DashboardScreen", "RecordForm"]


def test_ctrl_z_is_in_the_help_screen():
    from tui.app import RelanceApp
    from tui.help import describe

    [binding] = [b for b in RelanceApp.BINDINGS if b.key == "ctrl+z"]
    assert binding.id == "app.suspend" and binding.action == "suspend_process"
    assert describe([binding]) == [("ctrl+z", "suspend to the shell (fg comes back)")]


@pytest.fixture
def shell():
    name = f"relance-term-{time.monotonic_ns()}"
    yield name
    tmux("kill-session", "-t", name)


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_ctrl_z_in_tmux_gives_the_shell_back_and_fg_redraws(shell, tmp_path, size):
    width, height = size.split("x")
    tmux("new-session", "-d", "-s", shell, "-x", width, "-y", height,
         "env -i PATH=/usr/bin:/bin TERM=xterm-256color HOME=" + shlex.quote(str(tmp_path)) + " bash --norc --noprofile")
    time.sleep(0.3)
    command = (f"PS1='SHELL$ '; cd {shlex.quote(str(ROOT))}; LANGUAGE=en TMPDIR={shlex.quote(str(tmp_path))} "
               f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m tui.cli --demo --today 2026-11-27")
    type_text(shell, command)
    keys(shell, "Enter")
    wait_for(shell, "ended without its lessons-learned review")
    keys(shell, "n")  # review later
    wait_for(shell, "1 Network (40)", "! 47d late")
    keys(shell, "C-z")
    shown = wait_for(shell, "Stopped", "SHELL$")
    assert "1 Network (40)" not in shown  # the shell's own screen, not the dashboard's
    type_text(shell, "fg")
    keys(shell, "Enter")
    wait_for(shell, "1 Network (40)", "! 47d late", "q Quit")
    keys(shell, "3")  # it still answers keys
    wait_for(shell, "3 Missions (3)")
    # from a form: what was typed is still there after fg
    keys(shell, "n")
    wait_for(shell, "New mission")
    type_text(shell, "Kept")
    keys(shell, "C-z")
    wait_for(shell, "Stopped", "SHELL$")
    type_text(shell, "fg")
    keys(shell, "Enter")
    shown = wait_for(shell, "New mission", "Kept")
    assert "Keptfg" not in shown
    keys(shell, "Escape")
    wait_for(shell, "Discard your changes?")
    keys(shell, "y")
    wait_gone(shell, "New mission")
    keys(shell, "q")
    wait_for(shell, "SHELL$")
    assert "Network" not in screen(shell).split("SHELL$")[-1]


# -- 15. labels and values ----------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["settings", "contact", "target", "opportunity", "mission", "interaction"])
async def test_every_label_ends_before_its_value_with_a_space(repo, form):
    from textual.widgets import Label

    from tui.forms import FieldRow, RecordForm

    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(RecordForm(repo, form))
        await pilot.pause()
        for row in app.screen.query(FieldRow):
            label = row.query_one(Label)
            text = str(label.content)
            # on one line, and at least one blank cell between its end and the value
            assert label.content_region.height == 1 and len(text) < label.content_region.width + 1, text
            assert row.widget.region.x - (label.region.x + len(text)) >= 1, text


# -- 16. ticked boxes without colour ------------------------------------------------------------------


async def test_ticked_and_unticked_boxes_differ_without_colour(repo, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    from tui.forms import RecordForm
    from widgets import CheckList

    for name in ("Alpha", "Beta"):
        repo.add("target", {"name": name})
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        app.push_screen(RecordForm(repo, "contact"))
        await pilot.pause()
        boxes = app.screen.query_one("#field-target_uids", CheckList)
        boxes.select(boxes.get_option_at_index(1).value)
        await pilot.pause()
        lines = [boxes.render_line(y).text for y in range(2)]
        assert lines[0].startswith("▐ ▌ Alpha") and lines[1].startswith("▐X▌ Beta")
