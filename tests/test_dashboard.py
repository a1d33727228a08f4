"""Every dashboard flow by keyboard only, checked in the data file on disk."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from textual import events
from textual.geometry import Size

from seeds.demo import build_demo
from store import config
from store.repository import Repository
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.detail import DetailScreen
from tui.forms import ConfirmScreen, RecordForm
from tui.help import HelpScreen
from tui.panes import Pane
from widgets.keybar import KeyBar

from .conftest import TODAY


def disk(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def names_on_disk(path, table="contacts") -> list[str]:
    return sorted(d.get("name") or d.get("title") for d in disk(path).get(table, {}).values())


@pytest.fixture
def demo_repo(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    return repo


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[c if c != " " else "space" for c in text])


def pane(app, key) -> Pane:
    return app.screen.query_one(f"#pane-{key}", Pane) if isinstance(app.screen, DashboardScreen) else app.dashboard.pane(key)


async def test_create_contact_with_keys_only(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "n")
        form = app.screen
        assert isinstance(form, RecordForm) and app.focused.id == "field-name"
        await type_text(pilot, "Zoé Durand")
        await pilot.press("tab")
        assert app.focused.id == "field-company"
        await type_text(pilot, "Acme")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [doc] = [d for d in disk(data_path)["contacts"].values() if d["name"] == "Zoé Durand"]
        assert doc["company"] == "Acme" and doc["circle"] == "natural"
        # the new contact is selected in the pane
        assert pane(app, "network").table.selected_uid == doc["uid"]


async def test_form_validates_as_you_type_and_saves_only_when_valid(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        before = disk(data_path)
        await pilot.press("n")
        await type_text(pilot, "Léa")
        for _ in range(4):
            await pilot.press("tab")
        assert app.focused.id == "field-email"
        await type_text(pilot, "lea.at.acme")
        error = app.screen.query_one("#error-email")
        assert "e-mail address like name@example.com" in str(error.render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        assert disk(data_path) == before
        await pilot.press(*["backspace"] * len("lea.at.acme"))
        await type_text(pilot, "lea@acme.fr")
        assert str(app.screen.query_one("#error-email").render()) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Léa" in names_on_disk(data_path)


async def test_required_field_message_on_save(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "n")
        assert app.focused.id == "field-title"
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecordForm)
        for name in ("client", "start", "end"):
            assert str(screen.query_one(f"#error-{name}").render()) == "is required."
        assert screen.query_one("#field-daily_rate").value == "650.00"  # the settings' usual one
        assert not screen.query("#error-daily_rate")
        assert app.focused.id == "field-client"


async def test_escape_asks_before_discarding(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("n")
        await type_text(pilot, "Draft")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, RecordForm)
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Draft" not in names_on_disk(data_path)
        # a form without edits closes at once
        await pilot.press("n", "escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_edit_then_undo(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        uid = pane(app, "network").table.selected_uid
        old = demo_repo.get("contact", uid)
        await pilot.press("e")
        assert app.screen.query_one("#field-name").value == old.name
        await pilot.press("tab")
        await pilot.press(*["backspace"] * len(old.company))
        await type_text(pilot, "Globex")
        await pilot.press("ctrl+s")
        await settle(pilot)
        doc = next(d for d in disk(data_path)["contacts"].values() if d["uid"] == uid)
        assert doc["company"] == "Globex"
        await pilot.press("u")
        await settle(pilot)
        doc = next(d for d in disk(data_path)["contacts"].values() if d["uid"] == uid)
        assert doc["company"] == old.company


async def test_delete_with_confirmation_then_undo(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "j")  # the short mission (nothing refers to it; the first one has its review)
        uid = pane(app, "missions").table.selected_uid
        title = demo_repo.get("mission", uid).title
        await pilot.press("d")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert title in names_on_disk(data_path, "missions")
        await pilot.press("d", "y")
        await settle(pilot)
        assert title not in names_on_disk(data_path, "missions")
        await pilot.press("u")
        await settle(pilot)
        assert any(d["uid"] == uid for d in disk(data_path)["missions"].values())


async def test_an_undo_the_disk_refuses_can_be_tried_again(demo_repo, data_path):
    """u after a delete, with the write refused (a limit on file sizes stands for a full
    disk): the reason is said and u still undoes it once the disk takes the write."""
    from .helpers.disk import files_at_most

    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3", "j", "d", "y")  # (the short mission: nothing refers to it)
        await settle(pilot)
        uid = app.undo_stack[-1].before.uid  # the mission just deleted
        assert not any(d["uid"] == uid for d in disk(data_path)["missions"].values())
        with files_at_most(data_path.stat().st_size // 2):
            await pilot.press("u")
            await settle(pilot)
        assert any("Could not save" in n.message for n in app._notifications)
        assert not any(d["uid"] == uid for d in disk(data_path)["missions"].values())
        await pilot.press("u")
        await settle(pilot)
        assert any(d["uid"] == uid for d in disk(data_path)["missions"].values())


async def test_delete_refused_when_referenced(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        # "Mutuelles", with contacts and an opportunity (the last micro-target: G goes on to
        # the row "Without a micro-target", which is not one)
        await pilot.press("2", "G", "k")
        uid = pane(app, "targets").table.selected_uid
        assert demo_repo.get("target", uid).name.startswith("Mutuelles")
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert any(d["uid"] == uid for d in disk(data_path)["targets"].values())


async def test_filter_as_you_type_and_escape_clears(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        network = pane(app, "network")
        assert network.table.row_count == 40
        await pilot.press("slash")
        await type_text(pilot, "fournier")
        assert network.table.row_count == 1
        assert "(1/40)" in str(network.border_title)
        await pilot.press("enter")  # keep the filter, back to the list
        assert app.focused is network.table and network.table.row_count == 1
        await pilot.press("escape")
        assert network.table.row_count == 40
        # tags and notes are searched too
        await pilot.press("slash")
        await type_text(pilot, "prospection")
        assert network.table.row_count == 12


async def test_a_record_saved_while_the_search_warms_up_is_found_by_its_new_text(demo_repo, data_path):
    """``/`` makes every record's search text in a worker; a save landing meanwhile (here
    another session's, read by the file poll) must not leave the old text behind it."""
    import threading

    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        network = pane(app, "network")
        last = network.sorted_records()[-1]  # the worker reaches it last
        started = threading.Event()
        slow = NetworkPaneSlowSearch(network, started)
        await pilot.press("slash")
        assert started.wait(5)
        Repository(data_path, today=TODAY).update("contact", last.uid, {"name": "Zébulon Nouveau"})
        assert app.repository.reload()
        app.refresh_views()
        slow.release.set()  # the worker goes on, from the list it was given
        await settle(pilot)
        await type_text(pilot, "zébulon")
        assert [network.table.get_row_at(i)[0].plain for i in range(network.table.row_count)] == ["Zébulon Nouveau"]
        await pilot.press("escape", "slash")
        await type_text(pilot, last.name.casefold())  # the old name finds it no more
        assert "Zébulon Nouveau" not in [network.table.get_row_at(i)[0].plain for i in range(network.table.row_count)]


class NetworkPaneSlowSearch:
    """Holds the search worker after its first record until ``release`` is set."""

    def __init__(self, pane, started):
        import threading

        self.release = threading.Event()
        original = pane.haystack

        def haystack(record):
            started.set()
            self.release.wait(5)
            return original(record)

        pane.haystack = haystack


async def test_a_dashboard_left_open_overnight_moves_to_the_new_day(demo_path):
    """Left open past midnight (a tmux session on a server), the dashboard counts from the
    new date within a second: a follow-up for the new day is due, with its contact at the
    top of the list and in the count; "late" grows; a new month opens the gauge. With
    ``--today`` (a date given at start) the date stays."""
    from .test_revenue import gauge_lines

    day = [date(2026, 11, 30)]
    repo = Repository(demo_path, clock=lambda: day[0])
    tomorrow = repo.add("contact", {"name": "Due Tomorrow", "next_follow_up": "2026-12-01"})
    late = repo.add("contact", {"name": "Late Already", "next_follow_up": "2026-11-29"})
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        network = pane(app, "network")

        def row_of(uid):
            index = network.table._uids.index(uid)
            return [getattr(cell, "plain", cell) for cell in network.table.get_row_at(index)], index

        assert row_of(tomorrow.uid)[0][1] == "2026-12-01" and row_of(late.uid)[0][1] == "! 1d late"
        due_before = int(str(network.border_title).split(" due")[0].rsplit("· ", 1)[1])
        assert gauge_lines(app)[0].startswith("Nov 2026")
        day[0] = date(2026, 12, 1)
        await pilot.pause(1.3)  # the file is looked at every second; the date too
        row, index = row_of(tomorrow.uid)
        assert row[1] == "! today" and index < due_before + 1  # among the due ones, at the top
        assert row_of(late.uid)[0][1] == "! 2d late"
        assert f"· {due_before + 1} due" in str(network.border_title)
        assert gauge_lines(app)[0].startswith("Dec 2026")
        assert repo.today == date(2026, 12, 1)
    pinned = Repository(demo_path, today=date(2026, 11, 30))
    day[0] = date(2026, 12, 2)
    assert not pinned.new_day() and pinned.today == date(2026, 11, 30)


async def test_log_interaction_from_contact_detail(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        contact = next(c for c in demo_repo.list("contact") if c.name == "Camille Fournier")
        await pilot.press("slash")
        await type_text(pilot, "Camille Fournier")
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("l")
        assert isinstance(app.screen, RecordForm) and app.focused.id == "field-summary"
        await type_text(pilot, "Point sur la suite")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        log = app.screen.query_one("#detail-log")
        assert log.row_count >= 2
        data = disk(data_path)
        logged = [i for i in data["interactions"].values() if i["summary"] == "Point sur la suite"]
        assert logged and logged[0]["contact_uid"] == contact.uid and logged[0]["date"] == TODAY.isoformat()
        doc = next(d for d in data["contacts"].values() if d["uid"] == contact.uid)
        assert doc["last_contact"] == TODAY.isoformat()
        assert doc["next_follow_up"] == (TODAY + timedelta(days=contact.cadence_days)).isoformat()


async def test_stage_moves_and_won_creates_the_mission(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        targets = pane(app, "targets")
        erp = next(t for t in demo_repo.list("target") if t.name.startswith("DSI"))
        while targets.table.selected_uid != erp.uid:
            await pilot.press("j")
        await pilot.press("tab")
        assert app.focused.id == "opps-table"
        uid = targets.opps_table.selected_uid
        opp = demo_repo.get("opportunity", uid)
        assert opp.stage == "proposal"
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert next(d for d in disk(data_path)["opportunities"].values() if d["uid"] == uid)["stage"] == "negotiation"
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert next(d for d in disk(data_path)["opportunities"].values() if d["uid"] == uid)["stage"] == "proposal"
        await pilot.press("greater_than_sign")
        await settle(pilot)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        won = next(d for d in disk(data_path)["opportunities"].values() if d["uid"] == uid)
        assert won["stage"] == "won" and won["closed"] == TODAY.isoformat()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        form = app.screen
        assert isinstance(form, RecordForm) and form.kind == "mission"
        assert form.query_one("#field-client").value == opp.organisation
        assert form.query_one("#field-daily_rate").value == "700.00"
        assert form.query_one("#field-total_days").value == "30"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen), [str(e.render()) for e in app.screen.query(".field-error")] + [n.message for n in app._notifications]
        [mission] = [m for m in disk(data_path)["missions"].values() if m.get("opportunity_uid") == uid]
        assert mission["client"] == opp.organisation and mission["target_uid"] == erp.uid
        assert mission["daily_rate"] == "700.00" and mission["source"] == "recommendation"


async def test_new_target_and_opportunity_inside_it(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "n")
        await type_text(pilot, "Cliniques privées")
        await pilot.press("ctrl+s")
        await settle(pilot)
        target = next(d for d in disk(data_path)["targets"].values() if d["name"] == "Cliniques privées")
        assert pane(app, "targets").table.selected_uid == target["uid"]
        await pilot.press("tab", "n")
        await type_text(pilot, "Audit de sécurité")
        await pilot.press("ctrl+s")
        await settle(pilot)
        opp = next(d for d in disk(data_path)["opportunities"].values() if d["title"] == "Audit de sécurité")
        assert opp["target_uid"] == target["uid"] and opp["stage"] == "identified"


async def test_help_lists_every_binding(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(static_text(w) for w in app.screen.query("Static"))
        for words in ("Undo", "Filter", "Maximise", "Log interaction", "Next stage", "Save", "ctrl+p"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, DashboardScreen)


async def test_maximise_and_restore(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        def key_bar() -> str:
            bar = app.screen.query_one(KeyBar)
            return str(bar.render()) if bar.display and bar.region.height else ""

        assert "a Maximise" in key_bar()
        await pilot.press("3", "a")
        assert app.screen.maximized is pane(app, "missions")
        # the key bar stays on screen, and says how to come back
        await pilot.pause()
        assert "a Restore" in key_bar() and "Maximise" not in key_bar()
        await pilot.press("a")
        assert app.screen.maximized is None
        await pilot.pause()
        assert "a Maximise" in key_bar()
        await pilot.press("a", "escape")  # esc restores too
        assert app.screen.maximized is None


async def test_a_form_opens_styled_once_and_laid_out_once(demo_repo, data_path):
    """Opening a form styled each of its widgets three times (the scroll around the fields
    took the focus, then gave it to the first field; Textual styled the new screen again
    when showing it) and laid it out twice (the screen's first layout sent it a Resize to
    the size it had just been laid out at): a third of the time of each form opened."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        restyled: list[list] = []  # the nodes of each restyle
        update_nodes = app.stylesheet.update_nodes

        def counted(nodes, animate=False):
            nodes = list(nodes)
            restyled.append(nodes)
            return update_nodes(nodes, animate=animate)

        app.stylesheet.update_nodes = counted
        await pilot.press("1", "e")
        form = app.screen
        assert isinstance(form, RecordForm) and app.focused.id == "field-name"
        await pilot.pause()
        widgets = list(form.walk_children(with_self=True))
        assert len(widgets) > 40
        # styled when mounted; after that a widget at a time, with its own parts (a field
        # marked valid, the focused one, a Select), never the whole form again
        assert max(len([node for node in nodes if node in widgets]) for nodes in restyled) <= 8

        layouts: list = []
        form.screen_layout_refresh_signal.subscribe(form, lambda screen: layouts.append(screen.outer_size), immediate=True)
        size = form.outer_size
        form.post_message(events.Resize(size, size))  # what its first layout sends it
        await pilot.pause()
        assert layouts == []
        # a real resize of the terminal is laid out as before, and the form still saves
        await pilot.resize_terminal(90, 30)
        await pilot.pause()
        assert layouts and form.outer_size == Size(90, 30)
        assert form.query_one("#form").outer_size.width == 76
        await pilot.press("end", *"son", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any(name.endswith("son") for name in names_on_disk(data_path))


async def test_in_a_short_terminal_the_focused_field_and_the_hint_stay_in_sight(demo_repo):
    """The fields scroll between the title and the hint; they used to run under the
    dialog's bottom border, taking the hint and the last fields out of sight."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 18)) as pilot:
        await pilot.press("1", "e", *["tab"] * 13)
        await pilot.pause()
        assert app.focused.id == "field-notes"
        inside = app.screen.query_one("#form").content_region
        assert inside.contains_region(app.focused.region)
        assert inside.contains_region(app.screen.query_one("#form > .hint").region)


async def test_narrow_terminal_shows_one_pane_at_a_time(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.has_class("narrow")
        await pilot.press("2")
        await pilot.pause()
        shown = [p.KEY for p in app.screen.query(Pane) if p.display and p.has_class("current")]
        assert shown == ["targets"]
        assert "2 Targets" in str(app.screen.query_one("#tabs").render())


async def test_a_resize_behind_a_form_reaches_the_dashboard(demo_repo):
    """The terminal narrowed while a form is open: once it closes, the dashboard shows one
    pane at a time (the Resize a screen sends itself is skipped, not a real one)."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "e")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen) and app.screen.has_class("narrow")
        assert [p.KEY for p in app.screen.query(Pane) if p.display] == ["network"]
        assert pane(app, "network").region.width == 80
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not app.screen.has_class("narrow") and pane(app, "network").region.width == 60


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_dialog_s_keys_are_shown_whole(demo_repo, size):
    """The contact detail's key line lost “· esc close” at 80 columns, and the review's
    lost “(the draft is kept)”: a key line wraps when it must, and is never cut."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=size) as pilot:

        def shown(widget) -> str:
            return " ".join(widget.render_line(y).text.strip() for y in range(widget.region.height))

        await pilot.press("1", "enter")
        await pilot.pause()
        assert isinstance(app.screen, DetailScreen)
        hint = app.screen.query_one(".hint")
        assert app.screen.query_one("#detail").content_region.contains_region(hint.region)
        assert shown(hint) == "e edit · l log · tab to the log, then e / d on an interaction · esc close"
        await pilot.press("escape", "3", "j", "r")
        await pilot.pause()
        hint = app.screen.query_one("#review-hint")
        assert shown(hint).endswith("esc close (the draft is kept)")


async def test_at_80_columns_right_scrolls_a_wide_list_to_its_last_columns(demo_repo):
    """The missions' rate and days a week are past the edge at 80 columns: → brings them
    in, ← goes back, and the help says so."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        table = app.screen.query_one("#missions-table")
        assert "d/wk" not in table.render_line(0).text
        await pilot.press(*["right"] * 20)
        await pilot.pause()
        assert "d/wk" in table.render_line(0).text and "650" in table.render_line(1).text
        await pilot.press(*["left"] * 20)
        await pilot.pause()
        assert table.render_line(0).text.lstrip().startswith("Client")
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(static_text(w) for w in app.screen.query("Static"))
        assert "page sideways through a wide list" in text


async def test_onboarding_on_an_empty_file(data_path):
    app = make_app(data_path, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RecordForm) and form.form == "onboarding"
        assert "relance --demo" in str(form.query_one(".form-note").render())
        # the empty fields say what the amount is, not a format that reads like a value
        assert form.query_one("#field-target_monthly").placeholder == "billed turnover per month, excl. tax"
        await type_text(pilot, "12000")
        await pilot.press("tab")
        await type_text(pilot, "650")
        await pilot.press("ctrl+s")
        await settle(pilot)
        settings = next(iter(disk(data_path)["settings"].values()))
        assert settings["target_monthly"] == "12000.00" and settings["daily_rate"] == "650.00"
        await pilot.press("4")
        await pilot.pause()
        gauge = app.screen.query_one("#revenue-gauge")
        assert any("target 12\u202f000\u202fEUR/month" in line for line in gauge.plain_lines())


async def test_theme_choice_persists(demo_repo, data_path):
    """Kept in the person's config file (tests/test_config.py: and not in the data file)."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        app.theme = "relance-light"
        await settle(pilot)
    assert 'theme = "relance-light"' in config.current().path.read_text(encoding="utf-8")
    again = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    async with again.run_test(size=(120, 40)):
        assert again.theme == "relance-light"


async def test_a_theme_it_does_not_know_is_said_and_the_default_used(demo_repo, data_path):
    """A theme named in the settings that this relance does not know (a typo in
    `relance settings --theme`, a theme of a newer version): the default colours, and a
    word saying so and where to choose one; the setting is left as it is."""
    demo_repo.set_settings({"theme": "solarised-nope"})
    app = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "relance-dark"
        [said] = [n.message for n in app._notifications if "solarised-nope" in n.message]
        assert "relance-dark" in said and "ctrl+p" in said
    assert next(iter(disk(data_path)["settings"].values()))["theme"] == "solarised-nope"


async def test_revenue_gauge_shows_true_numbers(demo_repo):
    from store.forecast import Calendar, Month, billable_days

    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        lines = pane(app, "revenue").gauge.plain_lines()
        assert [line[:8] for line in lines[:6]] == ["Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027", "Mar 2027", "Apr 2027"]
        main = next(m for m in demo_repo.list("mission") if m.title == "Migration ERP")
        december = billable_days(main, Month(2026, 12), Calendar("FR")) * main.daily_rate
        coverage = round(december / 10000 * 100)
        assert lines[1].rstrip().endswith(f"{coverage}\u202f%")
        january = billable_days(main, Month(2027, 1), Calendar("FR")) * main.daily_rate
        assert lines[2].rstrip().endswith(f"\u2212{10000 - january:,.0f}\u202fEUR".replace(",", "\u202f"))


async def test_tab_cycles_through_the_panes_even_at_80x24(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        seen = []
        for _ in range(6):
            await pilot.press("tab")
            seen.append(app.focused.id)
        assert seen == ["targets-table", "opps-table", "missions-table", "timeoff-table", "revenue-gauge", "network-table"]
        await pilot.press("shift+tab")
        assert app.focused.id == "revenue-gauge"
        assert [p.KEY for p in app.screen.query(Pane) if p.has_class("current")] == ["revenue"]


async def test_delete_contact_with_its_interactions_then_undo(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        contact = next(c for c in demo_repo.list("contact") if c.name == "Camille Fournier")
        logged = [i.uid for i in demo_repo.list("interaction") if i.contact_uid == contact.uid]
        assert logged
        # Camille is also referred to by an opportunity and a mission: refused
        await pilot.press("slash")
        await type_text(pilot, "Camille")
        await pilot.press("enter", "d")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert any(d["uid"] == contact.uid for d in disk(data_path)["contacts"].values())
        # a contact with only interactions: deleted with them, and undo puts all back
        other = next(c for c in demo_repo.list("contact") if c.uid == demo_repo.list("interaction")[3].contact_uid)
        others_log = {i.uid for i in demo_repo.list("interaction") if i.contact_uid == other.uid}
        await pilot.press("escape", "slash")
        await type_text(pilot, other.name)
        await pilot.press("enter", "d")
        assert isinstance(app.screen, ConfirmScreen)
        assert "will be deleted with it" in str(app.screen.query_one(".detail").render())
        await pilot.press("y")
        await settle(pilot)
        data = disk(data_path)
        assert not any(d["uid"] == other.uid for d in data["contacts"].values())
        assert not others_log & {d["uid"] for d in data["interactions"].values()}
        await pilot.press("u")
        await settle(pilot)
        data = disk(data_path)
        assert any(d["uid"] == other.uid for d in data["contacts"].values())
        assert others_log <= {d["uid"] for d in data["interactions"].values()}


KIND_FLOWS = {
    # kind: (pane key, keys to reach the list, first-field text, the table, field to edit)
    "contact": ("1", [], "Zoé Durand", "contacts", "name"),
    "target": ("2", [], "Cliniques privées", "targets", "name"),
    "opportunity": ("2", ["tab"], "Audit de sécurité", "opportunities", "title"),
    "mission": ("3", [], "Migration CRM", "missions", "title"),
}


@pytest.mark.parametrize("kind", list(KIND_FLOWS))
async def test_create_edit_delete_undo_each_kind(demo_repo, data_path, kind):
    key, reach, first, table, field = KIND_FLOWS[kind]
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key, *reach, "n")
        await type_text(pilot, first)
        if kind == "mission":  # client, dates and rate are required
            await pilot.press("tab")
            await type_text(pilot, "Acme")
            for _ in range(4):
                await pilot.press("tab")
            await type_text(pilot, "2027-01-04")
            await pilot.press("tab")
            await type_text(pilot, "+3m")  # (the daily rate: the settings' usual one, filled in)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [doc] = [d for d in disk(data_path)[table].values() if d[field] == first]
        uid = doc["uid"]
        # edit: the new record is selected
        await pilot.press("e")
        await type_text(pilot, " bis")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert next(d for d in disk(data_path)[table].values() if d["uid"] == uid)[field] == f"{first} bis"
        await pilot.press("u")
        await settle(pilot)
        assert next(d for d in disk(data_path)[table].values() if d["uid"] == uid)[field] == first
        # delete, then undo
        await pilot.press("d", "y")
        await settle(pilot)
        assert not any(d["uid"] == uid for d in disk(data_path)[table].values())
        await pilot.press("u")
        await settle(pilot)
        assert next(d for d in disk(data_path)[table].values() if d["uid"] == uid)[field] == first


async def test_edit_and_delete_an_interaction_from_the_contact_detail(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        contact = next(c for c in demo_repo.list("contact") if c.name == "Camille Fournier")
        [interaction] = [i for i in demo_repo.list("interaction") if i.contact_uid == contact.uid]
        await pilot.press("slash")
        await type_text(pilot, "Camille")
        await pilot.press("enter", "enter", "tab")
        assert app.focused.id == "detail-log"
        await pilot.press("e")
        assert isinstance(app.screen, RecordForm) and app.screen.kind == "interaction"
        await pilot.press(*["backspace"] * len(interaction.summary))
        await type_text(pilot, "Déjeuner de rentrée")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert disk(data_path)["interactions"][next(
            k for k, d in disk(data_path)["interactions"].items() if d["uid"] == interaction.uid)]["summary"] == "Déjeuner de rentrée"
        assert isinstance(app.screen, DetailScreen)
        app.screen.query_one("#detail-log").focus()
        await pilot.press("d", "y")
        await settle(pilot)
        assert not any(d["uid"] == interaction.uid for d in disk(data_path)["interactions"].values())
        assert app.screen.query_one("#detail-log").row_count == 0
        await pilot.press("u")
        await settle(pilot)
        assert any(d["uid"] == interaction.uid for d in disk(data_path)["interactions"].values())


async def test_a_long_list_makes_only_the_rows_on_screen(data_path):
    from seeds.synthetic import build_synthetic

    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_synthetic(3000, TODAY))
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = pane(app, "network").table
        assert table.row_count == 3000
        made = len(table._cells)
        assert made < 300  # the visible rows and a sample to size the columns, not 3,000
        await pilot.press("G")
        assert table.cursor_row == 2999 and table.selected_uid == table._uids[-1]
        await pilot.press("g", "pagedown")
        assert table.cursor_row > 10


async def test_with_many_contacts_a_reference_is_typed_by_name(data_path):
    """Above 200 records a reference field is a text box with completion (a list of
    10,000 names took most of a second to open); the name is resolved on save."""
    from seeds.synthetic import build_synthetic
    from tui.forms import RefInput

    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_synthetic(300, TODAY))
    referrer = repo.list("contact")[17]
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await type_text(pilot, "Zoé Durand")
        form = app.screen
        box = form.query_one("#field-referred_by")
        assert isinstance(box, RefInput)
        box.focus()
        await type_text(pilot, "Nobody Atall")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, RecordForm)
        assert "Nobody Atall" in str(form.query_one("#error-referred_by").render())
        box.value = ""
        await type_text(pilot, referrer.name)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [doc] = [d for d in disk(data_path)["contacts"].values() if d["name"] == "Zoé Durand"]
        assert doc["referred_by"] == referrer.uid


async def test_at_80_columns_the_network_pane_shows_every_column(demo_repo):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = pane(app, "network").table
        header = table.render_line(0).text
        assert header.split() == ["Name", "Next", "follow-up", "Company", "Last", "contact", "Circle"]
        assert "2026-07-29" in table.render_line(1).text  # Nathan Garcia's last contact, not cut off


async def test_empty_lists_say_what_to_do_next(data_path):
    """A new user's dashboard is not four blank boxes: each empty list says how to fill
    it, a filter that matches nothing says so, and the text goes once there is a row."""
    repository = Repository(data_path, today=TODAY)
    repository.set_settings({"target_monthly": "8000", "daily_rate": "600"})

    def shown(table) -> str:
        return " ".join(table.render_line(y).text.strip() for y in range(1, 6))

    app = make_app(repository, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        network = pane(app, "network").table
        assert "No contact yet. n adds one; i imports LinkedIn's Connections.csv" in shown(network)
        await pilot.press("2")
        await settle(pilot)
        assert "No micro-target yet" in shown(pane(app, "targets").table)
        await pilot.press("1", "n")
        await type_text(pilot, "Zoé Durand")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert network.row_count == 1
        assert "No contact yet" not in shown(network) and "Zoé Durand" in network.render_line(1).text
        await pilot.press("slash")
        await type_text(pilot, "xyz")
        await settle(pilot)
        assert network.row_count == 0
        assert "Nothing matches “xyz”: esc clears the filter." in shown(network)


async def test_a_save_says_what_was_saved(demo_repo):
    """The flows tell what each save did (and that u undoes an edit), beside the redraw."""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1", "n")
        await type_text(pilot, "Zoé Durand")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved the contact 'Zoé Durand'." in [n.message for n in app._notifications]
        await pilot.press("e", "tab")
        await type_text(pilot, "Acme")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved 'Zoé Durand' (u undoes)." in [n.message for n in app._notifications]


def static_text(widget) -> str:
    """The text a Static shows; the help's key table, row by row."""
    from rich.table import Table

    shown = widget.render()
    table = getattr(shown, "_renderable", shown)  # (Textual wraps a Rich renderable in a RichVisual)
    if isinstance(table, Table):
        rows = zip(*(list(column.cells) for column in table.columns))
        return " ".join(" ".join(str(cell) for cell in row) for row in rows)
    return str(shown)

