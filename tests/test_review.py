"""The lessons-learned review: its rules on the store, then the whole modal by keyboard,
checked in the data file on disk."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from seeds.demo import build_demo
from store.errors import ValidationError
from store.repository import Repository
from store.review import (
    Draft, NewTarget, apply_review, draft_review, end_mission, save_draft, start_or_resume, step_errors,
)
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.detail import DetailScreen
from tui.forms import ConfirmScreen
from tui.review import EndMissionScreen, ReviewScreen

from .conftest import TODAY
from .test_dashboard import settle, type_text


def disk(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def demo(data_path) -> Repository:
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    return repo


def made_here(data: dict) -> list[dict]:
    """The reviews on disk but the demo's own (its first mission's, completed)."""
    demo_reviews = {r["uid"] for r in build_demo(TODAY)["reviews"]}
    return [r for r in data["reviews"].values() if r["uid"] not in demo_reviews]


def audit(repo: Repository):
    """The demo's mission that ended in May without its review."""
    return next(m for m in repo.list("mission") if m.title == "Audit SI express")


def contact_named(repo: Repository, name: str):
    return next(c for c in repo.list("contact") if c.name == name)


# -- the store ------------------------------------------------------------------------------


def test_a_draft_is_saved_and_resumed_from_the_file(demo, data_path):
    mission = audit(demo)
    draft = start_or_resume(demo, mission.uid)
    assert draft.step == 1 and draft.follow_up == (TODAY + timedelta(days=7)).isoformat()
    assert draft_review(demo, mission.uid) is None  # nothing written before the first step
    draft.actually_bought = "Un plan de remédiation"
    draft.step = 2
    save_draft(demo, draft)
    draft.new_target = NewTarget(name="PME en croissance")
    draft.step = 3
    save_draft(demo, draft)
    reviews = made_here(disk(data_path))
    assert len(reviews) == 1 and reviews[0]["completed"] is None and reviews[0]["draft"]["step"] == 3
    again = start_or_resume(Repository(data_path, today=TODAY), mission.uid)
    assert (again.step, again.actually_bought, again.new_target.name) == (3, "Un plan de remédiation", "PME en croissance")


def test_each_step_checks_its_required_answers(demo):
    mission = audit(demo)
    draft = Draft(mission_uid=mission.uid, follow_up="+7d")
    assert "actually bought" in step_errors(demo, draft, 1)["actually_bought"]
    assert "Pick a micro-target" in step_errors(demo, draft, 2)["target_uid"]
    draft.new_target = NewTarget(name=" ")
    assert "name" in step_errors(demo, draft, 2)["target_name"]
    assert "offer" in step_errors(demo, draft, 3)["offer"]
    assert step_errors(demo, draft, 4) == {}  # adjacent environments are optional
    draft.recommendations = [{"contact_uid": demo.list("contact")[0].uid}]
    draft.follow_up = "next week"
    assert "Follow up on" in step_errors(demo, draft, 5)["follow_up"]
    with pytest.raises(ValidationError) as err:
        apply_review(demo, draft)
    assert "step 1" in err.value.errors


def test_applying_creates_every_record_in_one_write(demo, data_path):
    mission = audit(demo)
    camille = contact_named(demo, "Camille Fournier")
    draft = start_or_resume(demo, mission.uid)
    draft.actually_bought = "Un plan de remédiation"
    draft.new_target = NewTarget(name="PME en croissance", sector="Industrie", decision_maker="DG", need="Remédier vite")
    draft.offer = "Je remets un SI sous contrôle en 90 jours"
    draft.adjacent = [{"organisation": "Filiale Nord", "note": "même problème"}, {"organisation": "Cabinet Vega", "note": ""}]
    draft.recommendations = [{"contact_uid": camille.uid}, {"name": "Jean Neuf", "company": "Vega"}]
    save_draft(demo, draft)
    backups = len(demo.storage.backups.list())
    applied = apply_review(demo, draft)
    assert len(demo.storage.backups.list()) == backups + 1  # one write
    data = disk(data_path)
    [review] = made_here(data)
    assert review["completed"] == TODAY.isoformat() and review["draft"] is None
    assert review["actually_bought"] == "Un plan de remédiation" and review["sold_as"] == "Audit de l'infrastructure"
    [target] = [t for t in data["targets"].values() if t["name"] == "PME en croissance"]
    assert target["offer"] == "Je remets un SI sous contrôle en 90 jours" and target["review_uid"] == review["uid"]
    assert (target["sector"], target["decision_maker"], target["need"]) == ("Industrie", "DG", "Remédier vite")
    leads = [o for o in data["opportunities"].values() if o.get("review_uid") == review["uid"]]
    assert sorted(o["organisation"] for o in leads) == ["Cabinet Vega", "Filiale Nord"]
    assert {o["stage"] for o in leads} == {"identified"} and {o["target_uid"] for o in leads} == {target["uid"]}
    assert sorted(a["opportunity_uid"] for a in review["adjacent"]) == sorted(o["uid"] for o in leads)
    follow_up = (TODAY + timedelta(days=7)).isoformat()
    assert data["contacts"][next(k for k, c in data["contacts"].items() if c["uid"] == camille.uid)]["next_follow_up"] == follow_up
    [new] = [c for c in data["contacts"].values() if c["name"] == "Jean Neuf"]
    assert (new["company"], new["circle"], new["next_follow_up"], new["review_uid"]) == ("Vega", "professional", follow_up, review["uid"])
    assert new["target_uids"] == [target["uid"]]
    assert sorted(r["contact_uid"] for r in review["recommendations"]) == sorted([camille.uid, new["uid"]])
    assert {r["status"] for r in review["recommendations"]} == {"to-ask"}
    [saved_mission] = [m for m in data["missions"].values() if m["uid"] == mission.uid]
    assert saved_mission["review_uid"] == review["uid"]
    assert applied.message() == "Review saved: micro-target PME en croissance, 2 leads, 2 recommendations to ask."


def test_a_late_draft_does_not_come_back_after_the_review_is_completed(demo, data_path):
    mission = audit(demo)
    draft = Draft(mission_uid=mission.uid, actually_bought="Un audit", new_target=NewTarget(name="T"), offer="O")
    save_draft(demo, draft)
    apply_review(demo, draft)
    save_draft(demo, draft)  # a save that was queued before the apply
    reviews = made_here(disk(data_path))
    assert len(reviews) == 1 and reviews[0]["completed"] == TODAY.isoformat()


def test_an_existing_micro_target_gets_the_new_offer(demo, data_path):
    mission = audit(demo)
    target = next(t for t in demo.list("target") if t.name.startswith("DSI"))
    draft = Draft(mission_uid=mission.uid, actually_bought="Un audit", target_uid=target.uid, offer="Nouvelle offre")
    apply_review(demo, draft)
    assert [t["offer"] for t in disk(data_path)["targets"].values() if t["uid"] == target.uid] == ["Nouvelle offre"]
    assert len(demo.list("target")) == 4


def test_ending_a_mission_early_late_or_before_its_start(demo):
    main = next(m for m in demo.list("mission") if m.title == "Migration ERP")
    ended = end_mission(demo, main.uid, TODAY)
    assert ended.ended_on == TODAY and ended.end == main.end
    with pytest.raises(ValidationError):  # (ending never extends: issue 20, point 13)
        end_mission(demo, main.uid, main.end + timedelta(days=10))
    on_time = end_mission(demo, main.uid, main.end)
    assert on_time.end == main.end and on_time.ended_on is None
    with pytest.raises(ValidationError):
        end_mission(demo, main.uid, main.start - timedelta(days=1))


# -- the modal, by keyboard only -----------------------------------------------------------------


async def fill_step(pilot, step: int) -> None:
    """Type the answers of one step of the demo's review (without going on)."""
    if step == 1:
        await type_text(pilot, "Un plan de remédiation")
    elif step == 2:
        await pilot.press("tab")  # "+ New micro-target" is first: on to its fields
        for value in ("PME en croissance", "Industrie", "DG", "Remédier vite"):
            await type_text(pilot, value)
            await pilot.press("tab")
    elif step == 3:
        await type_text(pilot, "Je remets un SI sous contrôle en 90 jours")
    elif step == 4:
        for organisation, note in (("Filiale Nord", "même problème"), ("Cabinet Vega", "")):
            await type_text(pilot, organisation)
            await pilot.press("tab")
            await type_text(pilot, note)
            await pilot.press("enter")
    elif step == 5:
        await type_text(pilot, "Camille")
        await pilot.press("tab", "space", "tab")
        await type_text(pilot, "Jean Neuf")
        await pilot.press("tab")
        await type_text(pilot, "Vega")
        await pilot.press("enter")


async def walk_review(pilot, stop_after: int | None = None) -> None:
    """Answer the steps of the demo's review with keys, going on with ctrl+n; with
    ``stop_after``, step ``stop_after`` is typed but not left."""
    for step in range(1, 6):
        await fill_step(pilot, step)
        if step == stop_after:
            return
        await pilot.press("ctrl+n")


def outcome(path) -> dict:
    """What the review left on disk, without uids and dates of creation."""
    data = disk(path)
    [review] = [r for r in made_here(data) if r["completed"]]
    names = {c["uid"]: c["name"] for c in data["contacts"].values()}
    target = next(t for t in data["targets"].values() if t["uid"] == review["target_uid"])
    return {
        "bought": review["actually_bought"],
        "target": (target["name"], target["sector"], target["decision_maker"], target["need"], target["offer"]),
        "leads": sorted((o["organisation"], o["notes"], o["stage"]) for o in data["opportunities"].values()
                        if o.get("review_uid") == review["uid"]),
        "asks": sorted((names[r["contact_uid"]], r["status"]) for r in review["recommendations"]),
        "follow_ups": sorted((c["name"], c["next_follow_up"]) for c in data["contacts"].values()
                             if c["uid"] in {r["contact_uid"] for r in review["recommendations"]}),
        "drafts": [r for r in data["reviews"].values() if not r["completed"]],
    }


async def test_the_whole_review_by_keyboard_from_the_start_up_offer(demo, data_path):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Audit SI express" in str(app.screen.query_one(".question").render())
        await pilot.press("y")
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert "Step 1 of 6" in str(screen.query_one("#review-step").render())
        assert "Audit de l'infrastructure" in str(screen.query_one("#pitched").render())
        # at 80 columns the keys take two lines rather than losing their end
        hint = screen.query_one("#review-hint")
        assert "(the draft is kept)" in str(hint.render()) and hint.region.height == 2
        # a required answer is checked on its step
        await pilot.press("ctrl+n")
        assert "Step 1 of 6" in str(screen.query_one("#review-step").render())
        assert "actually bought" in str(screen.query_one("#review-error").render())
        await walk_review(pilot)
        assert "Step 6 of 6" in str(screen.query_one("#review-step").render())
        shown = str(screen.query_one("#summary").render())
        assert "New micro-target PME en croissance" in shown and "New lead Cabinet Vega" in shown
        assert "Ask Camille Fournier for a recommendation" in shown and "New contact Jean Neuf (Vega)" in shown
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    result = outcome(data_path)
    follow_up = (TODAY + timedelta(days=7)).isoformat()
    assert result == {
        "bought": "Un plan de remédiation",
        "target": ("PME en croissance", "Industrie", "DG", "Remédier vite", "Je remets un SI sous contrôle en 90 jours"),
        "leads": [("Cabinet Vega", "", "identified"), ("Filiale Nord", "même problème", "identified")],
        "asks": [("Camille Fournier", "to-ask"), ("Jean Neuf", "to-ask")],
        "follow_ups": [("Camille Fournier", follow_up), ("Jean Neuf", follow_up)],
        "drafts": [],
    }


async def test_quit_at_step_4_then_resume_gives_the_same_result(demo, data_path):
    app = make_app(demo)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await walk_review(pilot, stop_after=4)
        assert "Step 4 of 6" in str(app.screen.query_one("#review-step").render())
        await app.workers.wait_for_complete()
        app.exit()  # the terminal goes away mid-step: no esc, no confirmation
    draft = next(r for r in disk(data_path)["reviews"].values() if not r["completed"])
    assert draft["draft"]["step"] == 4 and draft["draft"]["new_target"]["name"] == "PME en croissance"
    again = make_app(Repository(data_path, today=TODAY))
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("n")  # not from the offer: from the mission, with r
        await pilot.press("3")
        while again.dashboard.pane("missions").table.selected_uid != audit(demo).uid:
            await pilot.press("j")
        await pilot.press("r")
        screen = again.screen
        assert isinstance(screen, ReviewScreen)
        assert "Step 4 of 6" in str(screen.query_one("#review-step").render())
        # what was typed in step 4 before the drop is lost; the steps before are kept
        await pilot.press("ctrl+b", "ctrl+b")
        assert screen.query_one("#offer").text == "Je remets un SI sous contrôle en 90 jours"
        await pilot.press("ctrl+n", "ctrl+n")
        for step in (4, 5):
            await fill_step(pilot, step)
            await pilot.press("ctrl+n")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(again.screen, DashboardScreen)
    assert outcome(data_path) == {
        "bought": "Un plan de remédiation",
        "target": ("PME en croissance", "Industrie", "DG", "Remédier vite", "Je remets un SI sous contrôle en 90 jours"),
        "leads": [("Cabinet Vega", "", "identified"), ("Filiale Nord", "même problème", "identified")],
        "asks": [("Camille Fournier", "to-ask"), ("Jean Neuf", "to-ask")],
        "follow_ups": [("Camille Fournier", (TODAY + timedelta(days=7)).isoformat()),
                       ("Jean Neuf", (TODAY + timedelta(days=7)).isoformat())],
        "drafts": [],
    }


async def test_esc_keeps_the_draft_and_the_missions_pane_says_so(demo, data_path):
    app = make_app(demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await type_text(pilot, "Un plan")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        [draft] = made_here(disk(data_path))
        assert draft["draft"]["actually_bought"] == "Un plan" and draft["completed"] is None
        row = app.dashboard.pane("missions").table.get_row(audit(demo).uid)
        assert str(row[1]) == "! review: draft"


async def test_x_ends_the_mission_early_then_opens_its_review(demo, data_path):
    app = make_app(demo, offer_reviews=False)
    main = next(m for m in demo.list("mission") if m.title == "Migration ERP")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        while app.dashboard.pane("missions").table.selected_uid != main.uid:
            await pilot.press("j")
        await pilot.press("x")
        assert isinstance(app.screen, EndMissionScreen)
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "2026-07-01")  # before the start: refused on the spot
        assert "before the start" in str(app.screen.query_one("#end-error").render())
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "-2d")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        assert "Migration ERP" in str(app.screen.query_one(".form-title").render())
        [saved] = [m for m in disk(data_path)["missions"].values() if m["uid"] == main.uid]
        assert saved["ended_on"] == (TODAY - timedelta(days=2)).isoformat() and saved["end"] == main.end.isoformat()


async def test_r_on_a_mission_not_started_says_its_review_comes_when_it_ends(demo, data_path):
    """Nothing has been bought or learnt yet: r says when the review comes instead of asking
    its questions (and writes nothing)."""
    planned = demo.add("mission", {"title": "Audit 2027", "client": "Meridia", "start": "2027-03-01",
                                   "end": "2027-04-30", "daily_rate": "700"})
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        while app.dashboard.pane("missions").table.selected_uid != planned.uid:
            await pilot.press("j")
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        [said] = [n.message for n in app._notifications if planned.label() in n.message]
        assert f"starts on {planned.start.isoformat()}" in said and "review comes when it ends" in said
    assert all(r["mission_uid"] != planned.uid for r in disk(data_path).get("reviews", {}).values())


async def test_a_completed_review_is_read_from_the_mission_detail(demo, data_path):
    mission = audit(demo)
    target = next(t for t in demo.list("target") if t.name.startswith("DSI"))
    camille = contact_named(demo, "Camille Fournier")
    apply_review(demo, Draft(mission_uid=mission.uid, actually_bought="Un plan de remédiation", target_uid=target.uid,
                             offer="Offre", adjacent=[{"organisation": "Filiale Nord", "note": "même problème"}],
                             recommendations=[{"contact_uid": camille.uid}], follow_up="+7d"))
    app = make_app(Repository(data_path, today=TODAY))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # nothing due any more: no offer
        await pilot.press("3")
        while app.dashboard.pane("missions").table.selected_uid != mission.uid:
            await pilot.press("j")
        assert str(app.dashboard.pane("missions").table.get_row(mission.uid)[1]) == "ended"
        await pilot.press("r")  # a completed review opens the mission's detail
        assert isinstance(app.screen, DetailScreen)
        shown = str(app.screen.query_one("#detail-review").render())
        for text in ("Actually bought", "Un plan de remédiation", "Pitched", "Audit de l'infrastructure",
                     target.name, "Filiale Nord — même problème", "Camille Fournier (to ask)"):
            assert text in shown


async def test_the_start_up_offer_waits_for_no_one_already_typing(demo):
    """Found by typing a burst at start-up at 30,000 contacts: the offer of a due review
    came after "/Marion" had begun, and its "o" (oui) answered it: a review opened with
    the rest of the name typed in it. Once a key was pressed, no question is stacked on
    what the user is typing (r on the mission in pane 3 still opens it)."""
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", "M", "a")
        app.offer_due_reviews()
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert app.dashboard.pane("network").filter_text == "Ma"
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.offer_due_reviews()  # (no key yet: asked)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
