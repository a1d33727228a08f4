"""Issue 20, point 10: texts of several lines (notes, a mission's "sold as", a micro-target's
offer, an interaction's summary, the review's answers) are typed, pasted, saved and shown
with their lines; a one-line field keeps a pasted text of several lines on one line.
Point 12: in the review's steps 4 and 5, what is typed in a list's fields is added with
enter, or when the step is left, or the step says why it cannot be."""

from __future__ import annotations

import json

import pytest
from textual import events

from seeds.demo import build_demo
from store.repository import Repository
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.detail import DetailScreen
from tui.forms import ConfirmScreen, RecordForm
from tui.review import ReviewScreen
from widgets.textfields import NoteArea

from .conftest import TODAY
from .test_dashboard import settle, type_text
from .test_typeahead import burst, spelled
from .test_typeahead import settle as settle_burst


def disk(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def contact_doc(path, name: str) -> dict:
    return next(d for d in disk(path)["contacts"].values() if d["name"] == name)


@pytest.fixture
def demo(data_path) -> Repository:
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    return repo


def paste(app, text: str) -> None:
    """A bracketed paste, as the terminal driver delivers it."""
    event = events.Paste(text)
    event.set_sender(app)
    app._driver.send_message(event)


# -- 10. the store ---------------------------------------------------------------------------------


def test_the_long_texts_keep_their_lines_and_a_one_line_field_takes_none(repo):
    mission = repo.add("mission", {"client": "Acme", "start": "2026-01-05", "end": "2026-03-27", "daily_rate": "650",
                                   "sold_as": "Un audit\nPuis un plan", "notes": "a\nb"})
    assert (mission.sold_as, mission.notes) == ("Un audit\nPuis un plan", "a\nb")
    target = repo.add("target", {"name": "PME", "offer": "Je remets\nun SI", "need": "vite\nbien"})
    assert target.offer == "Je remets\nun SI"
    assert target.need == "vite bien"  # one line: the store never keeps a break there


# -- 10. the forms ---------------------------------------------------------------------------------


async def test_a_paste_of_several_lines_into_notes_keeps_every_line(demo, data_path):
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n")
        await type_text(pilot, "Zoe")
        await pilot.press("shift+tab")  # from the first field back to the last: the notes
        assert app.focused.id == "field-notes" and isinstance(app.focused, NoteArea)
        paste(app, "Rencontrée au salon\r\nRappeler en mars")
        await settle(pilot)
        assert app.focused.text == "Rencontrée au salon\nRappeler en mars"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert contact_doc(data_path, "Zoe")["notes"] == "Rencontrée au salon\nRappeler en mars"


async def test_a_paste_of_several_lines_into_a_one_line_field_keeps_them_on_one_line(demo, data_path):
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n")
        paste(app, "Zoé\nDurand\n")
        await settle(pilot)
        assert app.focused.id == "field-name" and app.focused.value == "Zoé Durand"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert contact_doc(data_path, "Zoé Durand")["notes"] == ""


async def test_enter_in_notes_starts_a_line_tab_leaves_ctrl_s_saves_esc_asks(demo, data_path):
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n")
        await type_text(pilot, "Ana")
        await pilot.press("shift+tab")
        await type_text(pilot, "un")
        await pilot.press("enter")
        await type_text(pilot, "deux")
        await pilot.press("tab")  # leaves the notes (a tab is never typed into them)
        assert app.focused.id == "field-name"
        assert app.screen.query_one("#field-notes").text == "un\ndeux"
        await pilot.press("shift+tab", "escape")  # esc in the notes: the form's cancel
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        assert isinstance(app.screen, RecordForm) and app.focused.id == "field-notes"
        await pilot.press("ctrl+s")  # ctrl+s from inside the notes
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert contact_doc(data_path, "Ana")["notes"] == "un\ndeux"


async def test_a_form_at_80x24_scrolls_to_the_notes_as_they_grow(demo):
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("1", "n")
        await pilot.press("shift+tab")
        for line in "abcdef":
            await pilot.press(line, "enter")
        await pilot.pause()
        area = app.focused
        fields = app.screen.query_one("#form-fields")
        assert 3 < area.region.height <= 8
        assert fields.max_scroll_y > 0 and area.region.bottom <= fields.region.bottom


async def test_a_burst_with_notes_lands_in_the_right_fields(data_path):
    repo = Repository(data_path)
    repo.set_settings({"target_monthly": "11000", "daily_rate": "650"})
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, "n", *spelled("Ana"), "shift+tab", *spelled("un"), "enter", *spelled("deux"), "tab",
              *spelled("x"), "ctrl+s")
        await settle_burst(pilot, 1.5)
        assert not isinstance(app.screen, RecordForm)
    assert [(c.name, c.notes) for c in Repository(data_path).list("contact")] == [("Anax", "un\ndeux")]


async def test_the_detail_and_the_tables_show_the_lines(demo):
    contact = demo.add("contact", {"name": "Zoé", "notes": "ligne un\nligne deux"})
    demo.add("interaction", {"contact_uid": contact.uid, "date": TODAY, "kind": "call", "summary": "appel\nsuite"})
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(DetailScreen(demo, "contact", contact.uid))
        await settle(pilot)
        shown = str(app.screen.query_one("#detail-fields").render())
        assert "ligne un\n" + " " * 18 + "ligne deux" in shown
        log = app.screen.query_one("#detail-log")
        assert "appel ⏎ suite " in log.render_line(1).text  # (the column as wide as the text shown)


# -- 10 and 12. the review ---------------------------------------------------------------------------


async def start_review(pilot) -> ReviewScreen:
    await pilot.pause()
    await pilot.press("y")
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def to_step_4(pilot) -> None:
    await type_text(pilot, "Un plan")
    await pilot.press("ctrl+n", "tab")
    await type_text(pilot, "PME")
    await pilot.press("ctrl+n")
    await type_text(pilot, "Mon offre")
    await pilot.press("ctrl+n")


def step(screen) -> str:
    return str(screen.query_one("#review-step").render())


async def test_a_pasted_answer_keeps_its_lines(demo, data_path):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        paste(app, "Un plan\nEt un coach")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, "Puis")
        await pilot.press("ctrl+n")
        assert "Step 2 of 6" in step(screen)
        assert screen.draft.actually_bought == "Un plan\nEt un coach\nPuis"


async def test_step_4_enter_in_the_organisation_adds_it(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        await to_step_4(pilot)
        assert "Step 4 of 6" in step(screen) and app.focused.id == "adjacent-organisation"
        await type_text(pilot, "Filiale Nord")
        await pilot.press("enter")
        assert screen.draft.adjacent == [{"organisation": "Filiale Nord", "note": ""}]
        assert app.focused.id == "adjacent-organisation" and app.focused.value == ""
        await type_text(pilot, "Vega")
        await pilot.press("tab")
        await type_text(pilot, "partenaire")
        await pilot.press("enter")
        assert screen.draft.adjacent[1] == {"organisation": "Vega", "note": "partenaire"}
        assert screen.query_one("#adjacent-list").row_count == 2


async def test_step_4_what_is_typed_is_kept_when_the_step_is_left(demo, data_path):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        await to_step_4(pilot)
        await type_text(pilot, "Filiale Nord")
        await pilot.press("tab")
        await type_text(pilot, "même problème")
        await pilot.press("ctrl+n")
        assert "Step 5 of 6" in step(screen)
        assert screen.draft.adjacent == [{"organisation": "Filiale Nord", "note": "même problème"}]
        # back, then a note without its organisation: the step says why and stays
        await pilot.press("ctrl+b")
        assert "Step 4 of 6" in step(screen)
        await pilot.press("tab")
        await type_text(pilot, "sans nom")
        await pilot.press("ctrl+n")
        assert "Step 4 of 6" in step(screen)
        assert "organisation first" in str(screen.query_one("#review-error").render())
        assert screen.query_one("#adjacent-note").value == "sans nom" and app.focused.id == "adjacent-organisation"
        # too long for the lead it becomes: said, not lost
        await type_text(pilot, "x" * 201)
        await pilot.press("ctrl+n")
        assert "Step 4 of 6" in step(screen)
        assert "at most 200" in str(screen.query_one("#review-error").render())
        await pilot.press(*["backspace"] * 195, "escape")  # esc keeps it in the draft, as ctrl+n would
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    [draft] = [r for r in disk(data_path)["reviews"].values() if not r["completed"]]
    assert draft["draft"]["adjacent"] == [{"organisation": "Filiale Nord", "note": "même problème"},
                                          {"organisation": "xxxxxx", "note": "sans nom"}]


async def test_step_5_a_new_contact_typed_is_kept_and_a_hang_up_keeps_step_4s(demo):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_review(pilot)
        await to_step_4(pilot)
        await type_text(pilot, "Vega")
        assert screen.current_draft().adjacent == [{"organisation": "Vega", "note": ""}]
        assert screen.draft.adjacent == []  # (what a hang-up saves; the screen is left alone)
        await pilot.press("ctrl+n", "tab", "tab")
        assert app.focused.id == "reco-name"
        await type_text(pilot, "Jean Neuf")
        await pilot.press("enter")
        await type_text(pilot, "Lou")
        await pilot.press("tab")
        await type_text(pilot, "Orée")
        await pilot.press("ctrl+n")
        assert "Step 6 of 6" in step(screen)
        assert screen.draft.recommendations == [{"name": "Jean Neuf", "company": ""}, {"name": "Lou", "company": "Orée"}]
