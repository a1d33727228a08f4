"""Issue 21: searching and ordering like a French user. The dashboard's filter, ``relance
list KIND FILTER`` and every reference ignore accents and case (``store.rules.fold``), and
names are listed in dictionary order (``store.rules.collation_key``), not byte order."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.repository import Repository
from store.rules import collation_key, fold, follow_ups_first
from tui.app import make_app

from .conftest import TODAY, run_relance
from .test_dashboard import pane, settle, type_text

NAMES = ["Zoé", "Éric", "Eva", "Emma", "Fabrice", "Élodie"]
ORDERED = ["Élodie", "Emma", "Éric", "Eva", "Fabrice", "Zoé"]


def test_the_collation_key_orders_names_as_a_dictionary_does():
    assert sorted(NAMES, key=collation_key) == ORDERED
    assert sorted(NAMES) != ORDERED  # (byte order puts É after Z)
    # same letters: one stable order, the unaccented first
    assert sorted(["Éric", "eric", "Eric"], key=collation_key) == ["Eric", "eric", "Éric"]
    assert sorted(["Œuvre", "Odile", "Ophélie"], key=collation_key) == ["Odile", "Œuvre", "Ophélie"]


def test_fold_drops_case_and_accents():
    assert fold("Orée Lefèvre Ça") == "oree lefevre ca"
    assert fold("ŒUVRE Læticia Straße") == "oeuvre laeticia strasse"


@given(st.text(), st.text())
def test_fold_is_idempotent_and_keeps_a_part_a_part(a, b):
    assert fold(fold(a)) == fold(a)
    assert fold(a) in fold(a + b)


@pytest.fixture
def people(data_path):
    repo = Repository(data_path, today=TODAY)
    for name, company in [("Zoé Durand", "Orée Agro"), ("Éric Garnier", "Acme"), ("Emma Lefèvre", "Globex"),
                          ("Eva Roux", "Acme"), ("Élodie Petit", "Initech"), ("Fabrice Morel", "Acme")]:
        repo.add("contact", {"name": name, "company": company})
    return data_path


def names(output: str) -> list[str]:
    return [line.split("  ")[1].strip() for line in output.splitlines()[1:]]


def test_list_finds_without_accents_and_sorts_by_the_collation(people):
    assert names(run_relance("--data", str(people), "list", "contacts", "lefevre").stdout) == ["Emma Lefèvre"]
    assert names(run_relance("--data", str(people), "list", "contacts", "OREE").stdout) == ["Zoé Durand"]
    assert names(run_relance("--data", str(people), "list", "contacts").stdout) == [
        "Élodie Petit", "Emma Lefèvre", "Éric Garnier", "Eva Roux", "Fabrice Morel", "Zoé Durand"]


def test_references_are_found_accents_aside(people):
    added = run_relance("--data", str(people), "add", "interaction", "--contact", "zoe", "--date", "today",
                        "--summary", "coffee")
    assert added.returncode == 0, added.stderr
    edited = run_relance("--data", str(people), "edit", "contact", "eric garnier", "--company", "Globex")
    assert edited.returncode == 0, edited.stderr
    data = json.loads(people.read_text(encoding="utf-8"))
    by_name = {d["name"]: d for d in data["contacts"].values()}
    assert [d["contact_uid"] for d in data["interactions"].values()] == [by_name["Zoé Durand"]["uid"]]
    assert by_name["Éric Garnier"]["company"] == "Globex"


def test_a_reference_typed_with_its_accents_prefers_that_spelling(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Zoe Martin"})
    repo.add("contact", {"name": "Zoé Martin"})
    from store.lookup import find_record
    from store.models import Contact
    contacts = repo.records("contact")
    assert find_record(Contact, contacts, "zoé martin").name == "Zoé Martin"
    assert find_record(Contact, contacts, "ZOE MARTIN").name == "Zoe Martin"


def test_the_network_pane_keeps_follow_ups_first_then_the_collation(people):
    repo = Repository(people, today=TODAY)
    contacts = repo.list("contact")
    ordered = [c.name for c in follow_ups_first(contacts, TODAY)]
    assert ordered == ["Élodie Petit", "Emma Lefèvre", "Éric Garnier", "Eva Roux", "Fabrice Morel", "Zoé Durand"]


async def test_the_dashboard_filter_and_order(people):
    repo = Repository(people, today=TODAY)
    zoe = next(c for c in repo.list("contact") if c.name == "Zoé Durand")
    repo.update("contact", zoe.uid, {"next_follow_up": TODAY.isoformat()})  # due: listed first
    app = make_app(Repository(people, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        network = pane(app, "network")
        assert [r.name for r in network.records()] == [
            "Zoé Durand", "Élodie Petit", "Emma Lefèvre", "Éric Garnier", "Eva Roux", "Fabrice Morel"]
        await pilot.press("1", "slash")
        await settle(pilot)
        await type_text(pilot, "oree")
        await settle(pilot)
        assert [r.name for r in network.records()] == ["Zoé Durand"]


def test_the_follow_ups_of_a_day_are_in_the_same_order():
    from store.followups import FollowUp, oldest
    due = [FollowUp(str(i), name, "", TODAY) for i, name in enumerate(NAMES)]
    assert [f.name for f in oldest(due, None)] == ORDERED


def test_letters_that_are_not_a_letter_and_a_mark_fold_too():
    from store.rules import collation_key, fold

    assert [fold(name) for name in ("Łódź", "Øresund", "Işık", "Þór")] == ["lodz", "oresund", "isik", "thor"]
    assert sorted(["Zoé", "Øyvind", "Oscar", "Łukasz", "Luc"], key=collation_key) == ["Luc", "Łukasz", "Oscar", "Øyvind", "Zoé"]


def test_collation_keys_made_together_are_the_keys_made_one_by_one():
    """``collation_keys`` folds many names at once (``relance list``); each key is the one
    ``collation_key`` gives, for names in any script, with marks, ligatures and case."""
    from hypothesis import given, strategies as st

    from store.rules import collation_key, collation_keys

    @given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)), max_size=12), max_size=20))
    def check(names):
        assert collation_keys(names) == [collation_key(name) for name in names]

    check()
    assert collation_keys(["Œuvre", "Łódź", "ÉRIC", "e\u0301ric", "ﬁn"]) == [collation_key(n) for n in ["Œuvre", "Łódź", "ÉRIC", "e\u0301ric", "ﬁn"]]
