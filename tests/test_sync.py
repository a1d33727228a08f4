"""Two sessions on one file: live sync and edit conflicts (Pilot, a second Repository
standing for the other session, and a real `relance add` process)."""

from __future__ import annotations

import json

import pytest

from store.errors import DataFileError
from store.repository import Repository
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forms import ConflictScreen, RecordForm

from .conftest import TODAY, run_relance
from .test_dashboard import settle, type_text


def disk(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


async def wait_until(pilot, condition, seconds: float = 3.0) -> float:
    """Let the app run until ``condition()``; returns the time it took."""
    import time

    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > seconds:
            raise AssertionError("not within %.1f s" % seconds)
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_a_change_from_relance_add_appears_without_a_key_press(demo_path):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        network = app.dashboard.pane("network")
        await pilot.press("j", "j", "j")
        selected = network.table.selected_uid
        await pilot.press("2", "n")  # a form open in this session
        await type_text(pilot, "Half typ")
        result = run_relance("--data", str(demo_path), "add", "contact", "--name", "Aaron Abel", "--next-follow-up", "2026-11-20")
        assert result.returncode == 0, result.stderr
        took = await wait_until(pilot, lambda: network.table.row_count == 41)
        assert took < 2.0
        assert network.border_title.startswith("1 Network (41)")
        assert network.table.selected_uid == selected  # the cursor stayed on its record
        form = app.screen
        assert isinstance(form, RecordForm) and form.query_one("#field-name").value == "Half typ"


async def test_a_new_user_with_no_data_file_is_not_told_of_another_session(tmp_path):
    """No file yet (a first start): each look at the file found none again, counted it
    as a change, and the dashboard said "Updated with changes saved in another session"
    every second under the welcome form."""
    path = tmp_path / "relance" / "relance.json"
    repository = Repository(path, today=TODAY)
    before = repository.generation
    assert repository.list("contact") == [] and repository.list("contact") == []
    assert repository.generation == before
    app = make_app(repository)
    app.SYNC_SECONDS = 0.1
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(1.0)  # ten looks at the file
        assert not path.exists()
        assert [n.message for n in app._notifications] == []
        assert repository.generation == before
    # and once another session creates it, this one does pick it up
    app = make_app(Repository(path, today=TODAY), offer_reviews=False)
    app.SYNC_SECONDS = 0.1
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        Repository(path, today=TODAY).add("contact", {"name": "Zoé Durand"})
        network = app.dashboard.pane("network")
        await wait_until(pilot, lambda: network.table.row_count == 1)
        await wait_until(pilot, lambda: any("another session" in n.message for n in app._notifications))


async def test_two_dashboards_see_each_others_saves(demo_path):
    first = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    second = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        await one.press("n")
        await type_text(one, "Zoé Durand")
        await one.press("ctrl+s")
        await settle(one)
        await wait_until(two, lambda: second.dashboard.pane("network").table.row_count == 41)
        assert any(c.name == "Zoé Durand" for c in second.repository.list("contact"))


async def open_edit_of(pilot, app, name: str):
    network = app.dashboard.pane("network")
    uid = next(c.uid for c in app.repository.list("contact") if c.name == name)
    while network.table.selected_uid != uid:
        await pilot.press("j")
    await pilot.press("e")
    assert isinstance(app.screen, RecordForm)
    return uid


async def change_company(pilot, app, text: str) -> None:
    await pilot.press("tab")
    assert app.focused.id == "field-company"
    await pilot.press(*["backspace"] * 40)
    await type_text(pilot, text)


@pytest.mark.parametrize("choice", ["k", "t", "o"])
async def test_editing_a_record_changed_in_another_session_asks(demo_path, choice):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    other = Repository(demo_path, today=TODAY)  # the other session
    async with app.run_test(size=(120, 40)) as pilot:
        uid = await open_edit_of(pilot, app, "Claire Rousseau")
        await change_company(pilot, app, "Mine SA")
        other.update("contact", uid, {"company": "Theirs SARL", "role": "DAF"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        assert "was changed in another session" in str(dialog.query_one(".question").render())
        assert "Company, Role" in str(dialog.query_one(".detail").render())
        stored = lambda: next(c for c in disk(demo_path)["contacts"].values() if c["uid"] == uid)  # noqa: E731
        assert stored()["company"] == "Theirs SARL"  # nothing overwritten yet
        await pilot.press(choice)
        await settle(pilot)
        if choice == "o":
            assert isinstance(app.screen, DashboardScreen)
            assert stored()["company"] == "Mine SA"
            assert stored()["role"] == "Responsable conformité"  # the whole form is yours, role included
        elif choice == "t":
            form = app.screen
            assert isinstance(form, RecordForm)
            assert form.query_one("#field-company").value == "Theirs SARL" and form.query_one("#field-role").value == "DAF"
            await pilot.press("escape")
            assert stored()["company"] == "Theirs SARL"
        else:
            form = app.screen
            assert isinstance(form, RecordForm) and form.query_one("#field-company").value == "Mine SA"
            await pilot.press("ctrl+s")  # checked against their version now: saves
            await settle(pilot)
            assert isinstance(app.screen, DashboardScreen)
            assert stored()["company"] == "Mine SA"


async def test_saving_a_record_deleted_in_another_session_asks_and_can_create_it_again(demo_path):
    other = Repository(demo_path, today=TODAY)
    other.add("contact", {"name": "Aaron Abel", "company": "Theirs"})
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        uid = await open_edit_of(pilot, app, "Aaron Abel")
        await change_company(pilot, app, "Mine SA")
        other.delete("contact", uid)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        assert "was deleted in another session" in str(dialog.query_one(".question").render())
        await pilot.press("o")  # not offered for a deleted record
        assert app.screen is dialog
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [doc] = [c for c in disk(demo_path)["contacts"].values() if c["uid"] == uid]
        assert doc["company"] == "Mine SA" and doc["name"] == "Aaron Abel"


async def test_settings_changed_in_another_session_are_not_overwritten_silently(demo_path):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    other = Repository(demo_path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        await pilot.press(*["backspace"] * 12)
        await type_text(pilot, "12000")
        other.set_settings({"daily_rate": "800"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        assert "Daily rate" in str(app.screen.query_one(".detail").render())
        await pilot.press("t")
        assert isinstance(app.screen, RecordForm)
        assert app.screen.query_one("#field-daily_rate").value == "800.00"


async def test_the_sorted_list_patched_after_changes_equals_a_full_sort(demo_path):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    other = Repository(demo_path, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        network = app.dashboard.pane("network")
        contacts = other.list("contact")
        other.update("contact", contacts[10].uid, {"next_follow_up": "2026-10-01"})  # now the most overdue
        other.delete("contact", next(c.uid for c in contacts[20:] if not other.referrers("contact", c.uid)))
        other.add("contact", {"name": "Aaron Abel", "next_follow_up": "2026-11-26"})
        await wait_until(pilot, lambda: network.table.row_count == 40 and network.table.get_row_at(0)[0].plain == contacts[10].name)
        patched = [r.uid for r in network.sorted_records()]
        full = [r.uid for r in network.sort(list(app.repository.records("contact").values()))]
        assert patched == full
        assert [network.table.get_row_at(i)[0].plain for i in range(3)][0] == contacts[10].name


@pytest.mark.parametrize("mishap", ["damaged", "moved away", "a record made invalid"])
async def test_a_file_damaged_or_moved_away_while_open_is_said_and_nothing_is_lost(demo_path, mishap):
    """Another program breaks the data file, moves it away, or leaves a record invalid (an
    e-mail typed wrong in an editor: the dashboard took the file, and crashed as soon as a
    pane drew the contacts) under an open dashboard: it says so once, naming the file, and
    goes on showing what the file last held: every key still works (a detail, the month by
    month, a filter) and nothing crashes. A save is refused with the reason, and the file is
    left as it is (no new file in place of a moved one). When the file is back, the dashboard
    takes it up again, and saves work."""
    from tui.detail import DetailScreen
    from tui.forecast import ForecastScreen

    good = demo_path.read_bytes()
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    app.SYNC_SECONDS = 0.2
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        network = app.dashboard.pane("network")
        title = str(network.border_title)
        data = disk(demo_path)
        doc_id = next(iter(data["contacts"]))
        if mishap == "damaged":
            demo_path.write_text("{ broken", encoding="utf-8")
            said = "not valid JSON"
        elif mishap == "moved away":
            demo_path.rename(demo_path.with_name("elsewhere.json"))
            said = "no longer there"
        else:
            data["contacts"][doc_id]["email"] = "not an email"
            demo_path.write_text(json.dumps(data), encoding="utf-8")
            said = f"record {doc_id} of table contacts is invalid: email"
        await wait_until(pilot, lambda: any(said in n.message and str(demo_path) in n.message for n in app._notifications))
        await pilot.pause(0.6)  # more looks at the file: said once
        assert sum(said in n.message for n in app._notifications) == 1
        assert str(network.border_title) == title and network.table.row_count == 40
        await pilot.press("j", "enter")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("escape", "4", "enter")
        assert isinstance(app.screen, ForecastScreen)
        await pilot.press("escape", "1", "slash")
        await type_text(pilot, "fournier")
        assert network.table.row_count == 1
        await pilot.press("escape", "e")
        assert isinstance(app.screen, RecordForm)
        await pilot.press("tab")
        await type_text(pilot, " SA")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)  # not saved: the form keeps the typing
        assert any("Not saved" in (n.title or "") and said in n.message for n in app._notifications)
        if mishap == "damaged":
            assert demo_path.read_text(encoding="utf-8") == "{ broken"
        elif mishap == "moved away":
            assert not demo_path.exists()
        else:
            assert disk(demo_path)["contacts"][doc_id]["email"] == "not an email"
        # the file is back (with a contact more, added while it was away)
        elsewhere = demo_path.with_name("elsewhere.json")
        elsewhere.write_bytes(good)
        Repository(elsewhere, today=TODAY).add("contact", {"name": "Aaron Abel"})
        elsewhere.rename(demo_path)
        await wait_until(pilot, lambda: network.table.row_count == 41)
        await pilot.press("ctrl+s")  # the form still open: saved now
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert any(d.get("company", "").endswith(" SA") for d in disk(demo_path)["contacts"].values())
        assert "Aaron Abel" in {d["name"] for d in disk(demo_path)["contacts"].values()}


async def test_a_save_the_disk_refuses_keeps_the_form_and_says_why(demo_path):
    """A full disk or a quota refuses the new version of the file (here, a limit on the
    size of the files this process may write): the form stays open with the typing, the
    reason is said, the file is unchanged and no "another session" is made up. Once the
    disk takes it, ctrl+s saves."""
    from .helpers.disk import files_at_most

    before = demo_path.read_bytes()
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    app.SYNC_SECONDS = 0.2
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoé Plein")
        with files_at_most(len(before) // 2):
            await pilot.press("ctrl+s")
            await wait_until(pilot, lambda: any("Not saved" in (n.title or "") for n in app._notifications))
        [said] = [n.message for n in app._notifications if "Not saved" in (n.title or "")]
        assert said.startswith(f"Could not save to {demo_path}: File too large.")
        assert isinstance(app.screen, RecordForm) and app.screen.query_one("#field-name").value == "Zoé Plein"
        assert demo_path.read_bytes() == before
        await pilot.pause(0.6)
        assert not any("another session" in n.message for n in app._notifications)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Zoé Plein" in {d["name"] for d in disk(demo_path)["contacts"].values()}


def test_a_record_damaged_by_hand_is_refused_at_start_even_where_the_first_screen_does_not_look(demo_path):
    """The interactions are read after the first paint, and ``relance status`` never reads
    them: a file changed by another program (its ``_meta`` check no longer matches) has
    every record checked when it is read, so the dashboard, ``status`` and a save all
    refuse it at once, naming the record, and the file is left for ``relance doctor``."""

    data = disk(demo_path)
    first_id, first = next(iter(data["interactions"].items()))
    first["kind"] = "bogus"
    demo_path.write_text(json.dumps(data), encoding="utf-8")
    before = demo_path.read_bytes()
    said = "record {} of table interactions is invalid: kind: expected one of".format(first_id)
    with pytest.raises(DataFileError) as err:
        Repository(demo_path, today=TODAY)
    assert said in str(err.value)
    for command in (["status"], ["status", "--short"], ["list", "missions"], ["add", "target", "--name", "X"], []):
        result = run_relance("--data", str(demo_path), *command)
        assert result.returncode == 1, (command, result.stdout)
        assert said in result.stderr and "Traceback" not in result.stderr
    assert demo_path.read_bytes() == before


async def test_an_invalid_record_met_by_a_key_or_a_save_before_the_poll_is_refused_too(demo_path):
    """The same edit, met first by a read (a detail opened) or by a save, before the file
    poll looked (here it never does): the version is refused there too, never taken."""
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    app.SYNC_SECONDS = 3600
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        data = disk(demo_path)
        doc_id, doc = next(iter(data["contacts"].items()))
        doc["email"] = "not an email"
        demo_path.write_text(json.dumps(data), encoding="utf-8")
        await pilot.press("enter", "escape", "n")
        await type_text(pilot, "Zoé Durand")
        await pilot.press("ctrl+s")
        await settle(pilot)
        said = f"record {doc_id} of table contacts is invalid: email"
        assert any(said in n.message and "Not saved" in (n.title or "") for n in app._notifications)
        await pilot.press("escape", "y", "j", "enter", "escape", "2", "3", "4", "1")
        await settle(pilot)
        assert app.dashboard.pane("network").table.row_count == 40
    assert disk(demo_path)["contacts"][doc_id]["email"] == "not an email"


def test_a_save_from_another_session_rebuilds_only_the_tables_it_changed(data_path):
    """A save elsewhere that logged an interaction leaves the contacts' bytes as they were:
    their records are kept (at 30,000 contacts each such save rebuilt them, ~0.4 s and
    ~45 MB more for a while); a table whose bytes changed is built again, and shows it."""
    first = Repository(data_path, today=TODAY)
    ada = first.add("contact", {"name": "Ada"})
    first.add("target", {"name": "Retail"})
    first.close()
    mine = Repository(data_path, today=TODAY)  # (a session opened on the file, as the dashboard)
    mine.update("contact", ada.uid, {"role": "CTO"})  # (and saved once: line by line)
    contacts, targets = mine.records("contact"), mine.records("target")
    other = Repository(data_path, today=TODAY)
    other.add("interaction", {"contact_uid": ada.uid, "kind": "call", "date": "2026-11-02"})
    mine.reload()
    assert mine.records("contact") is contacts and mine.records("target") is targets
    assert [i.kind for i in mine.interactions_of(ada.uid)] == ["call"]
    other.update("contact", ada.uid, {"company": "Acme"})
    mine.reload()
    assert mine.records("contact") is not contacts and mine.get("contact", ada.uid).company == "Acme"
    assert mine.records("target") is targets
