"""Issue 20, tables in a real terminal (14): a column shows whole or not at all — no date,
amount or header cut mid-value —, the header says how many columns are hidden ("+3 →"),
→ pages sideways by a screenful; scroll bars never touch text (15); the missions' source (4)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from tests.conftest import ROOT
from tests.test_dashboard import demo_repo  # noqa: F401  (a fixture)
from tests.test_e2e import keys, screen, tmux, wait_for
from tui.app import make_app
from tui.missions_pane import MissionsPane
from tui.panes import NetworkPane
from tui.targets_pane import TargetsPane

#: the titles of each table, as the header shows them in English
TITLES = {
    "Network": NetworkPane.COLUMNS,
    "Targets": TargetsPane.COLUMNS,
    "Opportunities": TargetsPane.OPP_COLUMNS,
    "Missions": MissionsPane.COLUMNS,
    "Time off": MissionsPane.OFF_COLUMNS,
}
HINT = re.compile(r"^(← )?\+(\d+)( →)?$")
#: a date cut short: "2027-03", "2027-03-0"
CUT_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}(?:-\d)?(?![\d-])")
#: a value running into the pane's edge or a scroll bar: "Contacts n/│", "won 6│", "Mutuel▆▆"
AT_THE_EDGE = re.compile(r"[0-9A-Za-zÀ-ÿ/…](?=[│▁▂▃▄▅▆▇█▉▊▋▌▍▎▏])")


def panes(shown: str) -> dict[str, list[str]]:
    """The inside of each bordered pane on screen, by the title in its top border."""
    lines = shown.splitlines()
    found = {}
    for top, line in enumerate(lines):
        for match in re.finditer(r"╭─ \d (\w[\w ]*?) \(", line):
            left, right = match.start(), line.index("╮", match.start())
            inside = []
            for below in lines[top + 1:]:
                if below[left:left + 1] != "│":
                    break
                inside.append(below[left + 1:right])
            found[match.group(1)] = inside
    return found


def header_cells(line: str) -> list[str]:
    return [cell for cell in re.split(r"\s{2,}", line.strip()) if cell]


def check_header(kind: str, line: str) -> tuple[list[str], str]:
    """Every header cell is a whole title, but the last one when it is the hint; the hint
    shows exactly when columns are hidden and counts them. (The titles shown, the hint.)"""
    cells = header_cells(line)
    hint = cells.pop() if cells and HINT.match(cells[-1]) else ""
    titles = TITLES[kind]
    assert cells and all(cell in titles for cell in cells), f"{kind}: a header cut short: {line!r}"
    hidden = len(titles) - len(cells)
    if hidden:
        assert hint and int(HINT.match(hint).group(2)) == hidden, f"{kind}: {hidden} hidden, no hint: {line!r}"
    else:
        assert not hint, line
    return cells, hint


def check_screen(shown: str) -> None:
    assert not CUT_DATE.findall(shown), shown
    assert not AT_THE_EDGE.findall(shown), shown


@pytest.fixture
def term():
    name = f"relance-tables-{uuid.uuid4().hex[:8]}"
    yield name
    tmux("kill-session", "-t", name)


def open_demo(session: str, tmp_path, size: str, env: str = "TERM=xterm-256color") -> None:
    width, height = size.split("x")
    command = (f"cd {shlex.quote(str(ROOT))} && env {env} LANGUAGE=en TMPDIR={shlex.quote(str(tmp_path))} "
               f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m tui.cli --demo --today 2026-11-27; sleep 30")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", width, "-y", height, command], check=True)
    wait_for(session, "ended without its lessons-learned review")
    keys(session, "n")  # review later
    wait_for(session, "1 Network (40)", "q Quit")


def settled(session: str, *texts: str) -> str:
    """The screen once it stops changing (a page of columns drawn)."""
    shown = wait_for(session, *texts)
    while True:
        time.sleep(0.3)
        again = screen(session)
        if again == shown:
            return shown
        shown = again


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
@pytest.mark.parametrize("size, env", [("80x24", "TERM=xterm-256color"), ("120x40", "TERM=xterm-256color"),
                                       ("80x24", "TERM=xterm NO_COLOR=1")])
def test_every_table_shows_whole_columns_and_says_how_many_are_hidden(term, tmp_path, size, env):
    open_demo(term, tmp_path, size, env)
    seen: dict[str, list[str]] = {}
    for key, kind in (("1", "Network"), ("2", "Targets"), ("3", "Missions")):
        keys(term, key)
        shown = settled(term, f"{key} {kind} (")
        check_screen(shown)
        inside = panes(shown)[kind]
        seen[kind], _hint = check_header(kind, inside[0])
        if kind == "Targets":  # the opportunities of "DSI de PME industrielles", under the targets
            keys(term, "j", "j")
            shown = settled(term, "Opportunities in DSI de PME industrielles (3)")
            check_screen(shown)
            inside = panes(shown)["Targets"]
            at = next(i for i, line in enumerate(inside) if line.strip().startswith("Opportunities in"))
            seen["Opportunities"], _hint = check_header("Opportunities", inside[at + 1])
            assert "65 000 EUR" in "\n".join(inside[at + 2:at + 5]).replace("\u202f", " ")  # the won one's value, whole
        if kind == "Missions":  # the time off, under the missions
            at = next(i for i, line in enumerate(inside) if line.strip().startswith("Time off ("))
            seen["Time off"], _hint = check_header("Time off", inside[at + 1])
    # what matters most shows first, whole, in every size
    assert seen["Network"][:2] == ["Name", "Next follow-up"]
    assert seen["Missions"][:3] == ["Client", "Status", "End"]
    assert seen["Opportunities"][:3] == ["Opportunity", "Stage", "Value"]
    assert seen["Time off"] == list(MissionsPane.OFF_COLUMNS)  # (all fit, even in the 2x2 grid)
    if size == "80x24":
        assert seen["Network"] == list(NetworkPane.COLUMNS)  # all fit: no hint


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_right_reaches_the_last_column_in_a_few_presses_and_left_comes_back(term, tmp_path, size):
    open_demo(term, tmp_path, size)
    keys(term, "3")
    shown = settled(term, "3 Missions (3)")
    first, hint = check_header("Missions", panes(shown)["Missions"][0])
    assert hint.endswith("→") and "d/wk" not in first
    for presses in range(1, 4):
        keys(term, "Right")
        shown = settled(term, "3 Missions (3)")
        check_screen(shown)
        titles, hint = check_header("Missions", panes(shown)["Missions"][0])
        assert titles[0] == "Client"  # the first column stays
        if "d/wk" in titles:
            break
    assert "d/wk" in titles and presses <= 3 and not hint.endswith("→")
    for _press in range(presses):
        keys(term, "Left")
    shown = settled(term, "3 Missions (3)")
    assert check_header("Missions", panes(shown)["Missions"][0]) == (first, f"+{len(TITLES['Missions']) - len(first)} →")


async def test_the_missions_pane_shows_each_mission_s_source_in_the_language_in_use(demo_repo, tmp_path, monkeypatch):
    from store import i18n
    from tests.test_i18n import write_mo

    [audit] = [m for m in demo_repo.list("mission") if m.title == "Audit SI express"]
    demo_repo.update("mission", audit.uid, {"source": "recommendation"})
    write_mo(tmp_path / "locale" / "xx" / "LC_MESSAGES" / "relance.mo",
             {"Source": "Origine", "mission source\x04recommendation": "recommandation",
              "mission source\x04natural": "réseau"})  # (a choice: its context, then \x04)
    monkeypatch.setenv("RELANCE_LOCALEDIR", str(tmp_path / "locale"))
    app = make_app(demo_repo, offer_reviews=False)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3")
            await pilot.pause()
            table = app.screen.query_one("#missions-table")
            assert "Source" not in table.render_line(0).text and table.render_line(0).text.endswith("+5 → ")
            await pilot.press("a")  # maximised: every column, no hint
            await pilot.pause()
            header = table.render_line(0).text
            assert "Source" in header and "+" not in header
            at = header.index("Source")
            rows = {table.render_line(y).text.split()[0]: table.render_line(y).text[at:].split()[0] for y in (1, 2)}
            assert rows == {"Meridia": "natural", "Pavillon": "recommendation"}

            i18n.set_language("xx")  # (as a language chosen in the settings does)
            app.dashboard.pane("missions").retranslate()
            await pilot.pause()
            header = table.render_line(0).text
            at = header.index("Origine")
            rows = {table.render_line(y).text.split()[0]: table.render_line(y).text[at:].split()[0] for y in (1, 2)}
            assert rows == {"Meridia": "réseau", "Pavillon": "recommandation"}
    finally:
        i18n.set_language(None)
        monkeypatch.delenv("RELANCE_LOCALEDIR")
        i18n.set_language(None)


def dialog(shown: str) -> list[str]:
    """The inside of the dialog over the dashboard (the box with no title), its right border kept."""
    lines = shown.splitlines()
    for top, line in enumerate(lines):
        match = re.search(r"╭─+╮", line)
        if match:
            left, right = match.start(), match.end() - 1
            inside = []
            for below in lines[top + 1:]:
                if below[left:left + 1] != "│":
                    break
                inside.append(below[left + 1:right + 1])
            return inside
    raise AssertionError(f"no dialog on screen:\n{shown}")


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
@pytest.mark.parametrize("size", ["80x24", "120x40"])
def test_a_scroll_bar_never_touches_the_text_of_a_dialog(term, tmp_path, size):
    """Help and the months screen scroll at 80x24: their text keeps a blank column before
    the bar ("columns▂▂" read as one word), at the top, the middle and the end."""
    open_demo(term, tmp_path, size)
    for open_it, until, close in ((["?"], "relance: keys", "Escape"), (["4", "Enter"], "month by month —", "Escape")):
        keys(term, *open_it)
        settled(term, until)
        for move in ("Home", "PageDown", "End"):
            keys(term, move)
            shown = settled(term, until)
            inside = dialog(shown)
            assert inside and not [line for line in inside if AT_THE_EDGE.search(line)], shown
        keys(term, close)
        time.sleep(0.5)


async def test_a_table_drops_whole_columns_pages_by_screenfuls_and_refits_when_its_scroll_bar_comes():
    from textual.app import App

    from widgets import RecordTable

    class Box(App):
        def compose(self):
            yield RecordTable(["Name", "Date", "Amount", "Town", "Stage"], shrinks=(0, 3))

    def row(i: int) -> tuple[str, tuple]:
        return str(i), (f"Person number {i:02d} long", "2026-11-27", "65 000 EUR", "Saint-Rémy-de-Provence", "negotiation")

    app = Box()
    async with app.run_test(size=(58, 12)) as pilot:
        table = app.query_one(RecordTable)
        table.set_rows([row(i) for i in range(3)])
        table.focus()
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(4)]
        assert header_cells(lines[0]) == ["Name", "Date", "Amount", "+2 →"]
        assert "Person number 00 long  2026-11-27  65 000 EUR" in lines[1]  # the name has the room left
        await pilot.press("right")
        await pilot.pause()
        lines = [table.render_line(y).text for y in range(4)]
        assert header_cells(lines[0]) == ["Name", "Town", "Stage", "← +2"]
        assert "negotiation" in lines[1] and "…" in lines[1].split("negotiation")[0]  # the town, narrowed
        await pilot.press("right")  # the last page already: nothing moves
        assert header_cells(table.render_line(0).text) == ["Name", "Town", "Stage", "← +2"]
        await pilot.press("left")
        await pilot.pause()
        assert header_cells(table.render_line(0).text) == ["Name", "Date", "Amount", "+2 →"]

        table.set_rows([row(i) for i in range(30)])  # a vertical scroll bar: two cells less
        await pilot.pause()
        width = table.scrollable_content_region.width
        assert width == 56
        for y in range(5):
            line = table.render_line(y).text
            assert len(line) == width and line.endswith(" ")  # a blank before the bar
        assert "2026-11-27  65 000 EUR" in table.render_line(1).text

        await pilot.resize_terminal(120, 12)  # room for everything: no hint
        await pilot.pause()
        assert header_cells(table.render_line(0).text) == ["Name", "Date", "Amount", "Town", "Stage"]
