"""u undoes only what it recorded: a write it did not record (an import, the settings)
empties its stack, so it never goes back past it to an older edit."""

from __future__ import annotations

import pytest

from tui.app import make_app

from .test_dashboard import demo_repo, disk, pane, settle, type_text  # noqa: F401 (demo_repo: a fixture)
from .test_import_contacts import LINKEDIN_FR


async def edit_company(pilot, app, demo_repo, data_path) -> tuple[str, str]:
    uid = pane(app, "network").table.selected_uid
    old = demo_repo.get("contact", uid)
    await pilot.press("e", "tab")
    await pilot.press(*["backspace"] * len(old.company))
    await type_text(pilot, "Globex")
    await pilot.press("ctrl+s")
    await settle(pilot)
    return uid, old.company


def company_on_disk(data_path, uid) -> str:
    return next(d for d in disk(data_path)["contacts"].values() if d["uid"] == uid)["company"]


async def test_u_after_an_import_undoes_nothing_and_says_so(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        uid, _old = await edit_company(pilot, app, demo_repo, data_path)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(LINKEDIN_FR))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot)
        assert company_on_disk(data_path, uid) == "Globex"
        assert "Nothing to undo." in [n.message for n in app._notifications]


async def test_u_after_saving_the_settings_undoes_nothing(demo_repo, data_path):
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        uid, _old = await edit_company(pilot, app, demo_repo, data_path)
        app.open_settings()
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        await pilot.press("u")
        await settle(pilot)
        assert company_on_disk(data_path, uid) == "Globex"
        assert "Nothing to undo." in [n.message for n in app._notifications]


async def test_two_edits_are_undone_one_after_the_other(demo_repo, data_path):
    """(the undo's own write does not empty the stack)"""
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        uid, old = await edit_company(pilot, app, demo_repo, data_path)
        await pilot.press("j")
        other, other_old = await edit_company(pilot, app, demo_repo, data_path)
        assert other != uid
        await pilot.press("u")
        await settle(pilot)
        assert company_on_disk(data_path, other) == other_old
        await pilot.press("u")
        await settle(pilot)
        assert company_on_disk(data_path, uid) == old


@pytest.mark.parametrize("only", [False, True])
async def test_undoing_the_delete_of_an_interaction_shows_it_again_in_the_open_detail(demo_repo, data_path, only):
    from tui.detail import DetailScreen

    contact = next(c for c in demo_repo.list("contact") if c.name == "Camille Fournier")
    if only:  # the contact's one interaction: the list left empty
        for extra in [i for i in demo_repo.list("interaction") if i.contact_uid == contact.uid][1:]:
            demo_repo.delete("interaction", extra.uid)
    logged = sorted(i.summary for i in demo_repo.list("interaction") if i.contact_uid == contact.uid)
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        await type_text(pilot, "Camille Fournier")
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, DetailScreen)
        detail = app.screen
        table = detail.query_one("#detail-log")
        assert table.row_count == len(logged)
        await pilot.press("tab", "d", "y")
        await settle(pilot)
        assert app.screen is detail and table.row_count == len(logged) - 1
        await pilot.press("u")
        await settle(pilot)
        assert sorted(i["summary"] for i in disk(data_path)["interactions"].values()
                      if i["contact_uid"] == contact.uid) == logged
        assert app.screen is detail and table.row_count == len(logged)
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert all(summary[:20] in drawn for summary in logged), drawn
