"""Who to contact now (issue 23), driven by the keyboard on a real data file: ``c`` on
pane 1 and the palette open it, ``l`` and ``o`` act on the person selected, and the
list and the week's count follow each save."""

from __future__ import annotations

import json
from datetime import date

import pytest

from store import i18n
from store.repository import Repository
from tui.app import make_app
from tui.contact_now import HEADING, ContactNowScreen
from tui.dashboard import DashboardScreen
from tui.detail import DetailScreen
from tui.forms import RecordForm

from .conftest import TODAY

# TODAY is Friday 2026-11-27: its ISO week runs from Monday 23 to Sunday 29 November, and
# 90 days before it is 2026-08-29 (2 days of August after the 29th, 30 of September, 31 of
# October, 27 of November: 2 + 30 + 31 + 27 = 90)


@pytest.fixture
def people(data_path) -> Repository:
    """A follow-up 12 days late (with a cadence) and one due today from the natural network
    silent for long (a follow-up, once), a recommendation to ask from the review of Acme,
    natural contacts silent exactly 90 days, 89 days, and never contacted; one opportunity
    first contacted on Sunday 22 (last week) and one on Monday 23 (this week)."""
    repo = Repository(data_path, today=TODAY)
    add = repo.add
    late = add("contact", {"name": "Léa Late", "company": "Retard SA", "circle": "professional",
                           "last_contact": "2026-10-16", "next_follow_up": "2026-11-15", "cadence_days": 30})
    add("contact", {"name": "Tom Today", "company": "Jour SA", "last_contact": "2026-01-02", "next_follow_up": "2026-11-27"})
    reco = add("contact", {"name": "Rémi Reco", "company": "Reco SARL", "circle": "professional"})
    add("contact", {"name": "Quentin Quiet", "company": "Calme SA", "last_contact": "2026-08-29"})
    recent = add("contact", {"name": "Rachel Recent", "company": "Neuf SA", "last_contact": "2026-08-30"})
    add("contact", {"name": "Nina Never", "company": "Jamais SA"})
    mission = add("mission", {"client": "Acme", "title": "Audit", "start": "2026-01-05", "end": "2026-03-31",
                              "daily_rate": "600"})
    add("review", {"mission_uid": mission.uid, "created": "2026-04-01", "completed": "2026-04-10",
                   "recommendations": [{"contact_uid": reco.uid, "status": "to-ask"},
                                       {"contact_uid": recent.uid, "status": "asked"}]})
    add("opportunity", {"title": "Last week", "contact_uid": late.uid, "first_contact": "2026-11-22", "stage": "contacted"})
    add("opportunity", {"title": "This week", "contact_uid": late.uid, "first_contact": "2026-11-23", "stage": "meeting"})
    return repo


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rows(screen: ContactNowScreen) -> list[str]:
    """The rows as the list holds them: a heading's text, a person's name and why."""
    table = screen.table
    shown = []
    for uid in table._uids:
        cells = table.get_row(uid)
        shown.append(str(cells[0]) if uid.startswith(HEADING) else f"{cells[0]}: {cells[1]}")
    return shown


def week(screen: ContactNowScreen) -> str:
    return str(screen.query_one("#contact-now-week").render())


async def open_list(pilot) -> ContactNowScreen:
    await pilot.press("1", "c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ContactNowScreen)
    return screen


async def test_c_on_the_network_pane_lists_the_three_groups_in_order(people):
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        assert rows(screen) == [
            "2 follow-ups due",
            "Léa Late: follow-up 12 days late",
            "Tom Today: follow-up due today",  # (silent since January too: listed once)
            "1 recommendation to ask",
            "Rémi Reco: recommendation (review of Acme)",
            "2 in your natural network not contacted for 90 days or more",
            "Quentin Quiet: last contact 90 days ago",  # (Rachel, 89 days, is not)
            "Nina Never: never contacted",
        ]
        assert week(screen) == "This week: 1 new lead"
        # the cursor on the first person, never on a heading: down steps over them
        assert screen.selected().contact.name == "Léa Late"
        await pilot.press("j", "j")
        assert screen.selected().contact.name == "Rémi Reco"
        await pilot.press("k", "k", "k", "g")
        assert screen.selected().contact.name == "Léa Late"
        await pilot.press("G")
        assert screen.selected().contact.name == "Nina Never"
        # enter: the person's detail; esc back to the list, esc again to the dashboard
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen) and app.screen.uid == screen.selected().uid
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_logging_a_follow_up_takes_it_off_the_list(people, data_path):
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        late = screen.selected().contact
        assert late.name == "Léa Late"
        await pilot.press("l")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm) and form.kind == "interaction"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        stored = json.loads(data_path.read_text(encoding="utf-8"))
        [doc] = [d for d in stored["contacts"].values() if d["uid"] == late.uid]
        assert doc["last_contact"] == "2026-11-27" and doc["next_follow_up"] == "2026-12-27"  # (its cadence: 30 days)
        assert rows(screen)[:2] == ["1 follow-up due", "Tom Today: follow-up due today"]
        assert "Léa Late" not in " ".join(rows(screen))
        assert screen.selected().contact.name == "Tom Today"  # (the next one down)


async def test_a_new_opportunity_from_the_list_counts_in_the_week_at_once(people, data_path):
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("j", "j")  # Rémi Reco
        reco = screen.selected().contact
        assert week(screen) == "This week: 1 new lead"
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm) and form.kind == "opportunity"
        await pilot.press(*"Intro")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert week(screen) == "This week: 2 new leads"
        stored = json.loads(data_path.read_text(encoding="utf-8"))
        [doc] = [d for d in stored["opportunities"].values() if d["title"] == "Intro"]
        assert (doc["contact_uid"], doc["first_contact"], doc["stage"], doc["organisation"]) == (
            reco.uid, "2026-11-27", "contacted", "Reco SARL")


async def test_the_week_against_the_plan_s_quota(people):
    """With a target, the plan's weekly quota: 10 000 a month and nothing secured from
    November 2026 to April 2027 (6 months, 60 000), a mission worth 600 x 20 = 12 000 by
    default (no history), 5 missions, 100 leads at the default 5 % win rate, the deadline
    long passed: all of them this week."""
    people.set_settings({"target_monthly": "10000", "daily_rate": "600"})
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        assert week(screen) == "This week: 1 of 100 new leads"
        await pilot.press("o", *"Intro", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen and week(screen) == "This week: 2 of 100 new leads"


async def test_the_palette_opens_the_list(people):
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Who to contact")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ContactNowScreen)


async def test_the_help_and_the_key_bar_show_the_keys(people):
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        assert str(app.dashboard.pane("network").border_subtitle) == "c: who to contact now"
        screen = await open_list(pilot)
        from widgets.keybar import KeyBar

        bar = str(screen.query_one(KeyBar).render())
        for key in ("l Log interaction", "o New opportunity", "Open", "esc Close"):
            assert key in bar
        await pilot.press("escape", "question_mark")
        await settle(pilot)
        from .test_i18n_screens import screen_text

        shown = screen_text(app)
        assert "Who to contact now" in shown
        for words in ("New opportunity", "Log interaction"):
            assert words in shown


async def test_nobody_to_contact_says_so(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Fresh", "last_contact": "2026-11-20"})
    app = make_app(repo, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        assert screen.table.row_count == 0
        assert screen.table.empty_text.startswith("Nobody to contact now")
        await pilot.press("l")  # nobody selected: said, nothing opened
        await settle(pilot)
        assert app.screen is screen


@pytest.fixture
def in_french(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "")
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    yield
    monkeypatch.setenv("LANGUAGE", "en")
    i18n.set_language(None)


async def test_the_list_in_french(people, in_french):
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        assert str(screen.query_one("#contact-now-title").render()) == "À contacter maintenant"
        assert week(screen) == "Cette semaine\u00a0: 1 nouvelle piste"
        assert rows(screen)[:5] == ["2 relances à faire", "Léa Late: relance en retard de 12 jours",
                                    "Tom Today: relance à faire aujourd'hui", "1 recommandation à demander",
                                    "Rémi Reco: recommandation (bilan Acme)"]


async def test_logging_a_follow_up_without_a_cadence_clears_it(people, data_path):
    """Found from outside: without a cadence the follow-up stayed due after the contact was
    logged, and the person on the list; the follow-up due by the day logged is done."""
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("j")
        tom = screen.selected().contact
        assert tom.name == "Tom Today" and tom.cadence_days is None
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        stored = json.loads(data_path.read_text(encoding="utf-8"))
        [doc] = [d for d in stored["contacts"].values() if d["uid"] == tom.uid]
        assert doc["last_contact"] == "2026-11-27" and doc["next_follow_up"] is None
        assert "Tom Today" not in " ".join(rows(screen))


async def test_a_recommendation_marked_asked_leaves_the_list(people, data_path):
    """Found from outside: nothing set a recommendation "asked", so the group only grew."""
    app = make_app(people, offer_reviews=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_list(pilot)
        await pilot.press("a")  # (on a follow-up: said, nothing changed)
        await settle(pilot)
        before = data_path.read_bytes()
        assert "Rémi Reco: recommendation (review of Acme)" in rows(screen)
        await pilot.press("j", "j")
        assert screen.selected().contact.name == "Rémi Reco"
        await pilot.press("a")
        await settle(pilot)
        assert data_path.read_bytes() != before
        stored = json.loads(data_path.read_text(encoding="utf-8"))
        [review] = stored["reviews"].values()
        assert [r["status"] for r in review["recommendations"]] == ["asked", "asked"]
        assert "1 recommendation to ask" not in rows(screen) and "Rémi Reco" not in " ".join(rows(screen))
        assert any("Asked Rémi Reco for a recommendation" in str(n.message) for n in app._notifications)
