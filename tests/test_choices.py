"""A choice is stored in English and shown in the language in use; typed, its label in
that language is taken too, case and accents aside (issue 21)."""

from __future__ import annotations

import json
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import choices, i18n
from store.fields import Choice, Items
from store.models import MODELS, Settings
from store.repository import Repository
from store.rules import MISSION_STATUSES
from tui.app import make_app
from tui.forms import RecordForm

from .conftest import TODAY, run_relance
from .test_i18n import write_mo

#: the French labels (GLOSSARY), as a catalogue gives them: context, then \x04
FRENCH = {
    ("stage", "identified"): "identifiée", ("stage", "contacted"): "contactée", ("stage", "meeting"): "rendez-vous",
    ("stage", "proposal"): "proposition", ("stage", "negotiation"): "négociation", ("stage", "won"): "gagnée",
    ("stage", "lost"): "perdue", ("circle", "natural"): "naturel", ("circle", "pro"): "pro",
    ("mission source", "natural"): "réseau naturel", ("mission status", "active"): "en cours",
    ("mission status", "ended"): "terminée", ("interaction kind", "meeting"): "rendez-vous",
    ("interaction kind", "call"): "appel", ("recommendation status", "to ask"): "à demander",
}
#: stored value of each label above (the catalogue's msgid is the English label)
VALUES = {("circle", "pro"): "professional", ("recommendation status", "to ask"): "to-ask"}


@pytest.fixture
def french(tmp_path, monkeypatch):
    folder = tmp_path / "locale"
    write_mo(folder / "xx" / "LC_MESSAGES" / "relance.mo",
             {f"{context}\x04{label}": french for (context, label), french in FRENCH.items()})
    monkeypatch.setenv("RELANCE_LOCALEDIR", str(folder))
    monkeypatch.setenv("LANGUAGE", "xx")  # (what the dashboard and the CLI apply: the settings say none)
    i18n.set_language("xx")
    yield folder
    i18n.set_language(None)
    monkeypatch.delenv("RELANCE_LOCALEDIR")
    i18n.set_language(None)


def every_choice() -> list[Choice]:
    found = []
    for model in [*MODELS.values(), Settings]:
        for ftype in model.field_types().values():
            if isinstance(ftype, Choice):
                found.append(ftype)
            if isinstance(ftype, Items):
                found += [item for item in ftype.item_fields.values() if isinstance(item, Choice)]
    return found


def test_every_value_of_every_choice_has_its_label():
    table = choices._labels()
    for ftype in every_choice():
        assert ftype.context, ftype.choices
        for value in ftype.choices:
            assert (ftype.context, value) in table, (ftype.context, value)
    for status in MISSION_STATUSES:  # (computed, not stored: shown all the same)
        assert (choices.MISSION_STATUS, status) in table


def test_labels_follow_the_language(french):
    assert choices.choice_label("stage", "meeting") == "rendez-vous"
    assert choices.choice_label("interaction kind", "meeting") == "rendez-vous"
    assert choices.choice_label("mission source", "natural") == "réseau naturel"
    assert choices.choice_label("stage", "") == "" and choices.choice_label("stage", "someday") == "someday"
    i18n.set_language("en")
    assert choices.choice_label("stage", "meeting") == "meeting"
    assert choices.choice_label("circle", "professional") == "pro"


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@given(entry=st.sampled_from(sorted(FRENCH)), cases=st.lists(st.booleans(), min_size=20, max_size=20),
       accents=st.booleans(), spaces=st.sampled_from(["", " ", "  "]))
def test_a_label_typed_in_any_case_with_or_without_accents_is_its_value(entry, cases, accents, spaces):
    context, value = entry[0], VALUES.get(entry, entry[1])
    ftype = next((f for f in every_choice() if f.context == context), Choice(MISSION_STATUSES, context=context))
    typed = FRENCH[entry] if accents else strip_accents(FRENCH[entry])
    typed = "".join(c.upper() if up else c for c, up in zip(typed, cases + [False] * len(typed)))
    with french_language():
        assert ftype.parse(spaces + typed + spaces, TODAY) == value
        assert ftype.parse(value.upper(), TODAY) == value  # the stored value stays taken


class french_language:
    """The test catalogue for a block (hypothesis does not take function-scoped fixtures)."""

    folder = None

    def __enter__(self):
        if french_language.folder is None:
            import tempfile
            from pathlib import Path

            french_language.folder = Path(tempfile.mkdtemp()) / "locale"
            write_mo(french_language.folder / "xx" / "LC_MESSAGES" / "relance.mo",
                     {f"{context}\x04{label}": text for (context, label), text in FRENCH.items()})
        i18n.set_language("xx", localedir=french_language.folder)

    def __exit__(self, *exc):
        i18n.set_language(None)


def test_a_label_of_another_language_is_refused_with_the_labels_in_use():
    ftype = next(f for f in every_choice() if f.context == "stage")
    with pytest.raises(ValueError, match="expected one of identified, contacted, meeting"):
        ftype.parse("rendez-vous", TODAY)
    with french_language(), pytest.raises(ValueError, match="expected one of identifiée, contactée, rendez-vous"):
        ftype.parse("rencontre", TODAY)


def test_the_cli_takes_the_label_and_lists_it(french, data_path):
    env = {"RELANCE_LOCALEDIR": str(french), "LANGUAGE": "xx"}
    added = run_relance("--data", str(data_path), "add", "opportunity", "--title", "Audit", "--stage", "Rendez-vous",
                        env=env)
    assert added.returncode == 0, added.stderr
    stored = json.loads(data_path.read_text(encoding="utf-8"))
    [opportunity] = [row for table, rows in stored.items() if table == "opportunities" for row in rows.values()]
    assert opportunity["stage"] == "meeting"  # the file is the same in every language
    listed = run_relance("--data", str(data_path), "list", "opportunities", env=env)
    assert "rendez-vous" in listed.stdout and "meeting" not in listed.stdout
    listed = run_relance("--data", str(data_path), "list", "opportunities", env={"LANGUAGE": "en"})
    assert "meeting" in listed.stdout


async def test_a_form_lists_the_labels_and_keeps_the_values(french, demo_path):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2", "j", "tab", "e")  # an opportunity of the second micro-target
        form = app.screen
        assert isinstance(form, RecordForm)
        select = form.query_one("#field-stage")
        shown = {label: value for label, value in select._options if value is not select.BLANK}
        assert shown["rendez-vous"] == "meeting" and shown["identifiée"] == "identified"
        assert select.value in shown.values()
        assert shown_label(select) == {value: label for label, value in shown.items()}[select.value]


def shown_label(select) -> str:
    """What the select's line shows."""
    return select.query_one("SelectCurrent").query_one("Static").render().plain.strip()


def test_an_import_takes_the_circle_s_label(french, data_path, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("name\nZoé Durand\n", encoding="utf-8")
    env = {"RELANCE_LOCALEDIR": str(french), "LANGUAGE": "xx"}
    imported = run_relance("--data", str(data_path), "import", "csv", str(source), "--circle", "Pro", env=env)
    assert imported.returncode == 0, imported.stderr
    [contact] = json.loads(data_path.read_text(encoding="utf-8"))["contacts"].values()
    assert contact["circle"] == "professional"
    refused = run_relance("--data", str(data_path), "import", "csv", str(source), "--circle", "amis", env=env)
    assert refused.returncode == 2 and "naturel, pro" in refused.stderr
