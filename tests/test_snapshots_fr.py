"""The French screens (pytest-textual-snapshot) at 80x24 and 120x40: the dashboard, a form
in error, the review's step 1 and the help screen, with the settings' language ``fr``.

French words are longer than English ones: these pictures are where a cut would show.
Update after a deliberate change: ``./dev.sh test tests/test_snapshots_fr.py --snapshot-update``,
then look at the report before committing the new pictures.
"""

from __future__ import annotations

import pytest

from seeds.demo import build_demo
from store import i18n
from store.repository import Repository
from tui.app import make_app

from .conftest import TODAY
from .test_snapshots import SIZES, _steady, fill_form_in_error


@pytest.fixture
def french_repo(isolated_home):
    repo = Repository(isolated_home / "data" / "relance.json", today=TODAY)
    repo.import_data(build_demo(TODAY))
    repo.set_settings({"language": "fr"})
    yield repo
    i18n.set_language(None)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_french_dashboard(snap_compare, french_repo, size):
    """Le tableau de bord : "1 Réseau (40) 28 naturel · 12 pro · 4 à relancer", the
    follow-ups late as "! retard 47 j", dates as 25/12/2026; at 120x40 "Écart de revenus"
    with "déc. 2026", "−4 800 €", "! Revenus insuffisants en janvier 2027", "! Cette semaine
    ░░░░░░░░░░ 0/4 nouvelles pistes", "Sans micro-cible" last under the micro-targets,
    and "Congés (1)" under the missions; the key bar
    whole with "^p palette" at 80 columns."""
    assert snap_compare(make_app(french_repo, offer_reviews=False), terminal_size=size, run_before=_steady)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_french_form_with_validation_errors(snap_compare, french_repo, size):
    """"Nouvelle mission" after ctrl+s with a rate of -5: "obligatoire." under Client,
    Début and Fin, the rate's message under TJM, every label whole."""
    assert snap_compare(make_app(french_repo, offer_reviews=False), terminal_size=size, run_before=fill_form_in_error)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_french_review_step_1(snap_compare, french_repo, size):
    """"Bilan — Audit SI express", "Étape 1 sur 6 — Ce que le client a acheté", the
    question and its help, the keys at the bottom."""

    async def open_review(pilot):
        await pilot.pause()
        await pilot.press("y")  # the start-up offer
        await _steady(pilot)

    assert snap_compare(make_app(french_repo), terminal_size=size, run_before=open_review)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_french_help_screen(snap_compare, french_repo, size):
    """"relance : touches": the same keys as in English, each with its French meaning."""

    async def open_help(pilot):
        await pilot.press("question_mark")
        await _steady(pilot)

    assert snap_compare(make_app(french_repo, offer_reviews=False), terminal_size=size, run_before=open_help)


def test_french_who_to_contact_now(snap_compare, french_repo):
    """"À contacter maintenant", "Cette semaine : 0 sur 4 nouvelles pistes", "─ 4
    relances à faire ──" ("relance en retard de 47 jours"), "─ 1 recommandation à
    demander ──" ("recommandation (bilan Orée Agro)"), "─ 15 personnes du réseau naturel
    sans contact depuis 90 jours ou plus ──" whole at 80 columns, the key bar whole."""

    async def open_list(pilot):
        await pilot.press("1", "c")
        await _steady(pilot)

    assert snap_compare(make_app(french_repo, offer_reviews=False), terminal_size=(80, 24), run_before=open_list)
