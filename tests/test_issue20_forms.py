"""Issue 20, points 7, 8 and 9: the forms start from the settings, a select opens when
typed on, and the checks across fields follow both fields (tui/forms.py,
widgets/search_select.py, store/records.py ``linked_problems``)."""

from __future__ import annotations

import shlex
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static
from textual import events
from textual.widgets._select import SelectCurrent

from store.repository import Repository
from tests.conftest import ROOT, TODAY, run_relance
from tests.test_e2e import keys, tmux, type_text, wait_for
from tests.test_typeahead import burst, settle
from tui.app import make_app
from tui.forms import RecordForm
from widgets.search_select import SHOWN_AT_MOST, SearchOverlay, SearchSelect


@pytest.fixture
def people(data_path) -> Path:
    """Settings with a usual daily rate of 650; contacts whose order puts Zoé last and
    "zo" inside another name (Alice Zola), and an accented name."""
    repo = Repository(data_path, today=TODAY)
    repo.set_settings({"target_monthly": "11000", "daily_rate": "650"})
    for name in ("Alice Zola", "Bruno Petit", "Éric Martin", "Zoé Durand"):
        repo.add("contact", {"name": name})
    repo.close()
    return data_path


def uid_of(path: Path, name: str) -> str:
    return next(c.uid for c in Repository(path, today=TODAY).list("contact") if c.name == name)


async def open_form(app, pilot, kind: str, uid: str | None = None) -> RecordForm:
    if uid is None:
        app.new_record(kind)
    else:
        app.edit_record(kind, uid)
    await pilot.pause()
    await pilot.pause()
    assert isinstance(app.screen, RecordForm) and app.screen.kind == kind
    return app.screen


async def type_into(pilot, form: RecordForm, name: str, text: str) -> None:
    field = form.query_one(f"#field-{name}", Input)
    field.focus()
    await pilot.pause()
    field.value = ""
    await pilot.press(*text)
    await pilot.pause()


def message(form: RecordForm, name: str) -> str:
    shown = form.query(f"#error-{name}")
    if not shown:
        return ""
    static = shown.first(Static)
    return str(static.content) if static.has_class("visible") else ""


# -- 7. new records start from the settings ------------------------------------------------------


async def test_new_mission_and_opportunity_start_with_the_usual_daily_rate_set_in_the_settings(people):
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.open_settings()
        await pilot.pause()
        await pilot.pause()
        await type_into(pilot, app.screen, "daily_rate", "600")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
        assert not isinstance(app.screen, RecordForm)

        form = await open_form(app, pilot, "mission")
        rate = form.query_one("#field-daily_rate", Input)
        assert rate.value == "600.00"  # a value, not a dim placeholder
        assert form.query_one("#field-days_per_week", Input).value == "5"
        await type_into(pilot, form, "client", "Acme")
        await type_into(pilot, form, "start", "2027-01-04")
        await type_into(pilot, form, "end", "2027-03-31")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
        assert not isinstance(app.screen, RecordForm)

        form = await open_form(app, pilot, "opportunity")
        assert form.query_one("#field-daily_rate", Input).value == "600.00"
        await type_into(pilot, form, "title", "Audit SI")
        await pilot.press("escape")  # unchanged but for the title: asks, then discards
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        form = await open_form(app, pilot, "opportunity")
        await type_into(pilot, form, "title", "Audit SI")
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
        assert not isinstance(app.screen, RecordForm)
    repo = Repository(people, today=TODAY)
    assert [m.daily_rate for m in repo.list("mission")] == [Decimal("600.00")]
    assert [o.daily_rate for o in repo.list("opportunity")] == [Decimal("600.00")]


async def test_an_edit_keeps_the_records_rate_and_no_usual_rate_says_where_to_set_one(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.set_settings({"target_monthly": "11000"})
    mission = repo.add("mission", {"client": "Acme", "start": "2027-01-04", "end": "2027-01-29", "daily_rate": "700"})
    repo.close()
    app = make_app(data_path, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "mission", mission.uid)
        assert form.query_one("#field-daily_rate", Input).value == "700.00"
        await pilot.press("escape")
        await pilot.pause()
        form = await open_form(app, pilot, "opportunity")
        rate = form.query_one("#field-daily_rate", Input)
        assert rate.value == "" and "settings" in rate.placeholder and "650" not in rate.placeholder


def test_relance_add_takes_the_same_usual_rate_for_an_opportunity_and_a_mission(people):
    """One rule for the forms and the command (store.rules.FROM_SETTINGS)."""
    added = run_relance("add", "opportunity", "--title", "Audit SI", "--data", str(people), "--today", "2026-11-27")
    assert added.returncode == 0, added.stderr
    assert "--daily-rate: 650.00, your usual one from the settings" in added.stderr
    added = run_relance("add", "mission", "--client", "Acme", "--start", "2027-01-04", "--end", "2027-01-29",
                        "--data", str(people), "--today", "2026-11-27")
    assert added.returncode == 0, added.stderr
    repo = Repository(people, today=TODAY)
    assert [o.daily_rate for o in repo.list("opportunity")] == [Decimal("650.00")]
    assert [m.daily_rate for m in repo.list("mission")] == [Decimal("650.00")]
    helped = run_relance("add", "opportunity", "--help")
    assert "default: your usual one (relance settings --daily-rate)" in " ".join(helped.stdout.split())


# -- 8. typing on a select opens it filtered by what is typed ------------------------------------


def shown(select: Select) -> list[str]:
    """The options the open list shows, as read."""
    overlay = select.query_one(SearchOverlay)
    return [str(option.prompt) for option in overlay.options]


def highlighted(select: Select) -> str:
    overlay = select.query_one(SearchOverlay)
    return str(overlay.get_option_at_index(overlay.highlighted).prompt)


def current_line(select: Select) -> str:
    return str(select.query_one(SelectCurrent).query_one("#label", Static).content)


async def focus_contact(pilot, form: RecordForm) -> Select:
    select = form.query_one("#field-contact_uid", Select)
    select.focus()
    await pilot.pause()
    return select


async def test_typing_on_the_contact_select_opens_it_filtered_to_the_contacts_holding_the_text(people):
    zoe = uid_of(people, "Zoé Durand")
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "opportunity")
        await pilot.press(*"Audit", "tab", "tab")
        select = form.query_one("#field-contact_uid", Select)
        assert app.focused is select and not select.expanded
        # letters are the select's, as an Input's are its own; space opens it (a binding)
        assert select.check_consume_key("z", "z") and not select.check_consume_key("space", " ")
        await pilot.press("z")
        overlay = select.query_one(SearchOverlay)
        assert select.expanded and shown(select) == ["Alice Zola", "Zoé Durand"]
        assert highlighted(select) == "Zoé Durand"  # the one holding the text earliest
        assert current_line(select) == "z▏ — 2 of 4"
        await pilot.press("o")
        assert select.expanded and app.focused is overlay
        assert overlay.query == "zo"  # the first letter, typed on the closed select, kept
        assert shown(select) == ["Alice Zola", "Zoé Durand"] and highlighted(select) == "Zoé Durand"
        await pilot.press("u")  # (no contact holds "zou": the list says so)
        await pilot.press("backspace")
        assert shown(select) == ["Alice Zola", "Zoé Durand"] and current_line(select) == "zo▏ — 2 of 4"
        await pilot.press("enter")
        await pilot.pause()
        assert not select.expanded and app.focused is select and select.value == zoe
        assert current_line(select) == "Zoé Durand"
        await pilot.press("tab")  # moves on
        assert app.focused is form.query_one("#field-target_uid", Select)
        await pilot.press("ctrl+s")
        await settle(pilot, 0.5)
        assert not isinstance(app.screen, RecordForm)
    assert [o.contact_uid for o in Repository(people, today=TODAY).list("opportunity")] == [zoe]


async def test_the_arrows_move_in_the_filtered_list_and_enter_picks_there(people):
    alice = uid_of(people, "Alice Zola")
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "interaction")
        select = await focus_contact(pilot, form)
        await pilot.press("z", "o", "up")
        assert highlighted(select) == "Alice Zola"
        await pilot.press("up")  # only the two: from the top, round to the bottom (no blank option)
        assert highlighted(select) == "Zoé Durand"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not select.expanded and select.value == alice


async def test_a_text_no_option_holds_says_so_and_keeps_the_value(people):
    bruno = uid_of(people, "Bruno Petit")
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "interaction")
        select = await focus_contact(pilot, form)
        select.value = bruno
        await pilot.pause()
        await pilot.press(*"xyzq")
        assert select.expanded and shown(select) == ["no contact matches 'xyzq'"]
        assert current_line(select) == "xyzq▏ — none"
        await pilot.press("enter")  # nothing to pick: the list stays, the value too
        await pilot.pause()
        assert select.expanded and select.value == bruno
        await pilot.press("escape")
        await pilot.pause()
        assert not select.expanded and app.focused is select and select.value == bruno
        assert current_line(select) == "Bruno Petit"


async def test_backspace_widens_the_list_again_down_to_every_option_and_the_blank_one(people):
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "interaction")
        select = await focus_contact(pilot, form)
        await pilot.press(*"zoe")
        assert shown(select) == ["Zoé Durand"] and current_line(select) == "zoe▏ — 1 of 4"
        await pilot.press("backspace")
        assert shown(select) == ["Alice Zola", "Zoé Durand"]
        await pilot.press("backspace", "backspace")
        assert select.expanded and select.query_one(SearchOverlay).query == ""
        assert shown(select) == ["(none: type to search)", "Alice Zola", "Bruno Petit", "Éric Martin", "Zoé Durand"]
        await pilot.press("backspace")  # nothing more to widen: still open
        assert select.expanded and len(shown(select)) == 5


async def test_the_search_ignores_accents_and_esc_closes_without_changing_the_value(people):
    bruno = uid_of(people, "Bruno Petit")
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "interaction")
        select = await focus_contact(pilot, form)
        await pilot.press(*"eric")
        assert shown(select) == ["Éric Martin"]
        await pilot.press("escape")
        await pilot.pause()
        assert not select.expanded and app.focused is select and select.value is Select.NULL
        await pilot.press("down")  # the arrows still open it: every option, the blank one first
        assert select.expanded and shown(select)[0] == "(none: type to search)" and len(shown(select)) == 5
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        assert select.value == bruno
        await pilot.press("i", "c")  # typed on a chosen contact, then esc: the contact stays
        assert select.expanded and shown(select) == ["Alice Zola", "Éric Martin"]
        await pilot.press("escape")
        await pilot.pause()
        assert select.value == bruno and current_line(select) == "Bruno Petit"
        await pilot.press("t")  # the names are searched, not the blank option's "(none: type to search)"
        assert select.expanded and shown(select) == ["Bruno Petit", "Éric Martin"]
        assert select.query_one(SearchOverlay).query == "t"  # (esc forgot the "ic")


async def test_the_same_keys_in_one_burst_pick_the_same_contact(people):
    zoe = uid_of(people, "Zoé Durand")
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_form(app, pilot, "opportunity")
        burst(app, *"Audit", "tab", "tab", "z", "o", "u", "backspace", "enter", "ctrl+s")
        await settle(pilot, 1.5)
        assert not isinstance(app.screen, RecordForm)
    saved = Repository(people, today=TODAY).list("opportunity")
    assert [(o.title, o.contact_uid) for o in saved] == [("Audit", zoe)]


async def test_a_burst_filters_letter_by_letter_and_one_that_matches_nothing_keeps_the_value(people):
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "interaction")
        select = await focus_contact(pilot, form)
        burst(app, *"xyzq", "enter")
        await settle(pilot, 1.0)
        assert select.expanded and shown(select) == ["no contact matches 'xyzq'"] and select.value is Select.NULL
        burst(app, "escape", *"eric", "enter")
        await settle(pilot, 1.0)
        assert not select.expanded and select.value == uid_of(people, "Éric Martin")


async def test_a_select_of_10000_options_shows_at_most_shown_at_most_of_the_matches():
    """The forms pick among more than 200 records with a RefInput, not a select; a select
    given 10,000 options shows at most ``SHOWN_AT_MOST`` matches (the others counted), which
    keeps a letter at ~6 ms (the first, which opens the list, 11-17 ms; all 4,000 matches of
    "m" drawn took 130-300 ms a letter). Timings are not asserted here (a shared machine)."""
    from seeds.synthetic import build_synthetic
    from textual.app import App

    names = sorted({c["name"] for c in build_synthetic(10_000, TODAY)["contacts"]}, key=str.casefold)
    assert len(names) == 10_000

    class One(App):
        def compose(self):
            yield SearchSelect([(n, i) for i, n in enumerate(names)], compact=True, kind="contact")

    app = One()
    async with app.run_test(size=(80, 24)) as pilot:
        select = app.query_one(SearchSelect)
        select.focus()
        await pilot.pause()
        for key in ["m", "a", "r", "backspace", "backspace", "backspace", "e", "r", "x"]:
            if select.expanded:
                await select.query_one(SearchOverlay)._on_key(events.Key(key, None if len(key) > 1 else key))
            else:
                await select._on_key(events.Key(key, key))
            await pilot.pause()
            assert len(shown(select)) <= SHOWN_AT_MOST + 1  # (+ the line counting the others)
        assert select.query_one(SearchOverlay).query == "erx"


# -- 9. checks across fields follow both fields --------------------------------------------------


async def test_the_end_before_the_start_is_said_again_as_the_start_changes(people):
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "mission")
        await type_into(pilot, form, "start", "2026-05-16")
        assert message(form, "end") == ""  # not reached yet: not "required" already
        await type_into(pilot, form, "end", "2026-05-01")
        assert message(form, "end") == "the end 2026-05-01 is before the start 2026-05-16."
        await type_into(pilot, form, "client", "Acme")
        await type_into(pilot, form, "daily_rate", "650")
        await pilot.press("ctrl+s")  # refused: the message of the save, the same sentence
        await settle(pilot, 0.3)
        assert app.screen is form and message(form, "end") == "the end 2026-05-01 is before the start 2026-05-16."
        await type_into(pilot, form, "start", "2026-05-10")
        assert message(form, "end") == "the end 2026-05-01 is before the start 2026-05-10."
        await type_into(pilot, form, "start", "2026-04-20")
        assert message(form, "end") == ""
        assert not form.query_one("#row-end").has_class("invalid")
        await type_into(pilot, form, "ended_on", "2026-04-10")
        assert message(form, "ended_on") == "the early end 2026-04-10 is before the start 2026-04-20."
        await type_into(pilot, form, "start", "2026-04-01")
        assert message(form, "ended_on") == "" and message(form, "end") == ""


async def test_an_opportunitys_closing_date_follows_its_first_contact(people):
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "opportunity")
        # a new opportunity starts met today (the plan's week counts it): an old one's
        # first contact is typed over, or cleared, as here
        assert form.query_one("#field-first_contact", Input).value == "2026-11-27"
        await type_into(pilot, form, "first_contact", "")
        await type_into(pilot, form, "closed", "2026-03-01")
        assert message(form, "closed") == ""
        await type_into(pilot, form, "first_contact", "2026-03-10")
        assert message(form, "closed") == "the closing date 2026-03-01 is before the first contact 2026-03-10."
        await type_into(pilot, form, "closed", "2026-03-20")
        assert message(form, "closed") == ""


# -- 8, in a real terminal -----------------------------------------------------------------------


@pytest.fixture
def term():
    name = f"relance-select-{time.monotonic_ns()}"
    yield name
    tmux("kill-session", "-t", name)


@pytest.mark.e2e
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (apt-get install tmux)")
def test_in_tmux_at_80x24_letters_typed_on_the_contact_select_filter_it_and_pick_the_contact(term, people, tmp_path):
    command = (f"cd {shlex.quote(str(ROOT))} && LANGUAGE=en HOME={shlex.quote(str(tmp_path))} "
               f"PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m tui.cli "
               f"--data {shlex.quote(str(people))} --today 2026-11-27; sleep 30")
    tmux("new-session", "-d", "-s", term, "-x", "80", "-y", "24", command)
    wait_for(term, "1 Network (4)")
    keys(term, "3", "n")
    wait_for(term, "New mission")
    type_text(term, "Audit")
    keys(term, "Tab")
    type_text(term, "Acme")
    keys(term, "Tab")
    type_text(term, "xyzq")  # one send-keys: the letters arrive together
    shown = wait_for(term, "xyzq▏ — none", "no contact matches 'xyzq'")
    keys(term, "BSpace", "BSpace", "BSpace", "BSpace")
    type_text(term, "zo")
    shown = wait_for(term, "zo▏ — 2 of 4", "Alice Zola", "Zoé Durand")  # the list, filtered...
    assert "Bruno Petit" not in shown and "Éric Martin" not in shown
    keys(term, "Enter")  # ...at Zoé, whom enter picks
    shown = wait_for(term, "Zoé Durand")
    assert "Alice Zola" not in shown
    [contact_row] = [line for line in shown.splitlines() if "Contact" in line]
    assert "Zoé Durand" in contact_row
    keys(term, "Tab", "Tab", "Tab")  # micro-target, source, start
    type_text(term, "2027-01-04")
    keys(term, "Tab")
    type_text(term, "2027-01-29")
    keys(term, "C-s")
    wait_for(term, "3 Missions (1)")
    [mission] = Repository(people, today=TODAY).list("mission")
    assert (mission.title, mission.contact_uid, mission.daily_rate) == ("Audit", uid_of(people, "Zoé Durand"),
                                                                        Decimal("650.00"))


async def test_the_mission_form_refuses_1_500_and_an_end_after_the_planned_end_as_either_changes(people):
    app = make_app(people, offer_reviews=False, today=TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        form = await open_form(app, pilot, "mission")
        await type_into(pilot, form, "daily_rate", "1,500")
        assert message(form, "daily_rate").startswith("1,500 is ambiguous: write 1500 or 1.50")
        await type_into(pilot, form, "daily_rate", "1 500,50")
        assert message(form, "daily_rate") == ""
        await type_into(pilot, form, "start", "2026-05-04")
        await type_into(pilot, form, "end", "2026-05-29")
        await type_into(pilot, form, "ended_on", "2026-06-10")
        assert message(form, "ended_on").startswith("2026-06-10 is after the planned end 2026-05-29")
        await type_into(pilot, form, "end", "2026-06-30")  # (LINKED: said again as the end changes)
        assert message(form, "ended_on") == ""
