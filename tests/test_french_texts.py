"""What a French reader sees: dates as she writes them (never ISO in a sentence), the
stored English values named by their labels, plurals by their count."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from seeds.demo import build_demo
from store import i18n
from store.errors import ValidationError
from store.repository import Repository
from store.review import start_or_resume, summary

from .conftest import TODAY
from .test_cli_edit import relance


@pytest.fixture
def french(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "fr")  # (the dashboard follows the environment, the settings' language empty)
    i18n.set_language("fr")
    yield
    monkeypatch.undo()
    i18n.set_language(None)


@pytest.fixture
def demo(data_path):
    repository = Repository(data_path, today=TODAY)
    repository.import_data(build_demo(TODAY))
    yield repository
    repository.close()


FR = {"LANGUAGE": "fr"}


def test_an_interaction_is_labelled_with_its_french_date(demo, french):
    interaction = demo.list("interaction")[0]
    d = interaction.date
    assert interaction.label().startswith(f"{d.day:02d}/{d.month:02d}/{d.year} ")
    assert d.isoformat() not in interaction.label()


def test_a_mission_ending_before_its_start_is_refused_with_french_dates(demo, french):
    mission = demo.list("mission")[0]
    with pytest.raises(ValidationError) as caught:
        demo.update("mission", mission.uid, {"start": date(2027, 1, 6), "end": date(2027, 1, 1)})
    assert "01/01/2027" in str(caught.value) and "06/01/2027" in str(caught.value)
    assert "2027-01-01" not in str(caught.value)


def test_the_cli_refuses_an_end_before_the_start_with_french_dates(demo_path):
    result = relance(demo_path, "add", "mission", "--title", "Migration ERP", "--client", "Acme",
                     "--start", "2027-01-06", "--end", "2027-01-01", env=FR)
    assert result.returncode != 0
    assert "01/01/2027" in result.stderr and "2027-01-01" not in result.stderr, result.stderr


def test_the_review_summary_shows_the_follow_up_date_it_means(demo, french):
    mission = demo.list("mission")[0]
    contact = demo.list("contact")[0]
    draft = start_or_resume(demo, mission.uid)
    draft.recommendations = [{"contact_uid": contact.uid}]
    draft.follow_up = "+2s"
    meant = TODAY + timedelta(weeks=2)
    text = "\n".join(summary(demo, draft))
    assert f"{meant.day:02d}/{meant.month:02d}/{meant.year}" in text and "+2s" not in text, text


async def test_the_targets_pane_shows_the_next_action_date_in_french(demo, french):
    from tui.app import make_app

    for opportunity in demo.list("opportunity"):
        demo.update("opportunity", opportunity.uid, {"next_action": "Envoyer", "next_action_date": date(2026, 12, 7)})
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        with_opportunities = {o.target_uid for o in demo.list("opportunity")}
        while app.dashboard.pane("targets").table.selected_uid not in with_opportunities:
            await pilot.press("j")
            await pilot.pause()
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "07/12/2026 Envoyer" in drawn, drawn
        assert "2026-12-07" not in drawn


def test_the_defaults_filled_in_are_named_by_their_labels(data_path):
    result = relance(data_path, "add", "contact", "--name", "Zoé Durand", env=FR)
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    assert "--circle" in said and "naturel" in said and "natural" not in said, said
    result = relance(data_path, "add", "target", "--name", "DSI de PME", env=FR)
    said = result.stdout + result.stderr
    assert "--status" in said and "exploring" not in said, said


def test_rm_names_the_referrers_kind_and_field_in_french(data_path):
    from .test_cli_edit import add

    target = add(data_path, "target", "--name", "DSI de PME")
    add(data_path, "opportunity", "--title", "Audit SI", "--organisation", "Acme", "--target", target)
    result = relance(data_path, "rm", "target", "DSI de PME", "--yes", env=FR)
    assert result.returncode != 0
    assert "opportunité 'Audit SI' (micro-cible)" in result.stderr, result.stderr
    assert "target_uid" not in result.stderr and "(s)" not in result.stderr


def test_import_json_into_a_file_with_records_says_why_without_an_internal_key(demo_path, tmp_path):
    export = tmp_path / "export.json"
    exported = relance(demo_path, "export", "json", "-o", str(export))
    assert exported.returncode == 0, exported.stderr
    result = relance(demo_path, "import", "json", str(export), env=FR)
    assert result.returncode != 0
    assert "--replace" in result.stderr and "store" not in result.stderr.replace(str(demo_path), ""), result.stderr


# -- plurals by their count (French: identifiée / identifiées, ajouté / ajoutés) ------------------


def test_a_stage_after_a_count_agrees_with_it(french):
    from store.choices import STAGE, choice_label

    assert choice_label(STAGE, "identified", 1) == "identifiée"
    assert choice_label(STAGE, "identified", 2) == "identifiées"
    assert choice_label(STAGE, "meeting", 3) == "rendez-vous"
    assert choice_label(STAGE, "identified") == "identifiée"
    i18n.set_language("en")
    assert choice_label(STAGE, "identified", 2) == "identified"
    assert choice_label(STAGE, "meeting", 2) == "meetings"


async def test_the_targets_pipeline_and_the_network_title_agree_with_their_counts(demo, french):
    from tui.app import make_app

    target = next(t for t in demo.list("target") if any(o.target_uid == t.uid for o in demo.list("opportunity")))
    for title in ("Audit A", "Audit B"):
        demo.add("opportunity", {"title": title, "organisation": "Acme", "target_uid": target.uid, "stage": "identified"})
    app = make_app(demo, offer_reviews=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        drawn = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "identifiées" in drawn, drawn
        naturals = sum(1 for c in demo.list("contact") if c.circle == "natural")
        assert naturals > 1 and f"{naturals} naturels · " in drawn


def test_the_contacts_import_says_added_by_its_count(data_path):
    from .test_import_contacts import LINKEDIN

    result = relance(data_path, "import", "linkedin", str(LINKEDIN), env=FR)
    assert result.returncode == 0, result.stderr
    assert "5 ajoutés" in result.stdout and "(s)" not in result.stdout, result.stdout


@pytest.mark.parametrize("code", ["en", "fr"])
async def test_o_says_yes_to_a_question_in_every_language(demo_path, data_path, monkeypatch, code):
    from tui.app import make_app
    from tui.forms import ConfirmScreen

    from .test_dashboard import disk, settle

    monkeypatch.setenv("LANGUAGE", code)
    try:
        repo = Repository(data_path, today=TODAY)
        app = make_app(repo, offer_reviews=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3", "j")  # the short mission (nothing refers to it; the first one has its review)
            uid = app.dashboard.pane("missions").table.selected_uid
            await pilot.press("d")
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("o")
            await settle(pilot)
            assert not isinstance(app.screen, ConfirmScreen)
            assert not any(d["uid"] == uid for d in disk(data_path)["missions"].values())
    finally:
        monkeypatch.undo()
        i18n.set_language(None)


def test_the_help_names_its_placeholders_in_french(data_path):
    from .conftest import run_relance

    top = run_relance("--help", env=FR)
    assert top.returncode == 0
    assert "--data CHEMIN" in top.stdout and "COMMANDE" in top.stdout and "--today AAAA-MM-JJ" in top.stdout, top.stdout
    csv = run_relance("import", "csv", "--help", env=FR)
    assert "FICHIER" in csv.stdout and "--circle CERCLE" in csv.stdout and "--tag ÉTIQUETTE" in csv.stdout, csv.stdout
    add = run_relance("add", "contact", "--help", env=FR)
    assert "--name VALEUR" in add.stdout, add.stdout
    english = run_relance("add", "contact", "--help")
    assert "--name VALUE" in english.stdout and "--data PATH" in english.stdout


def test_an_interaction_without_summary_is_named_without_a_dangling_colon_nor_escapes():
    from datetime import date

    from store import i18n
    from store.models import Interaction

    i18n.set_language("fr")
    try:
        bare = Interaction(uid="1" * 32, contact_uid="2" * 32, date=date(2026, 12, 6), kind="call", summary="")
        said = Interaction(uid="1" * 32, contact_uid="2" * 32, date=date(2026, 12, 6), kind="call", summary="Café")
        assert bare.label() == "06/12/2026 appel"
        assert repr(said.label()) == "'06/12/2026 appel : Café'"  # (a plain space: {label!r} shows no \xa0)
    finally:
        i18n.set_language(None)
