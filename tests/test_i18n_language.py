"""The language relance speaks: chosen in the settings (only one it has a catalogue
for), switched at once from the palette or the form, followed by the command line
(argparse's own texts included), and found in the environment as gettext finds it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from store import i18n
from store.repository import Repository
from tui.app import make_app
from tui.dashboard import DashboardScreen
from tui.forms import RecordForm
from tui.textual_texts import RelanceCommandPalette
from widgets.search_select import SearchSelect

from .conftest import ROOT, TODAY, run_relance
from .test_i18n import write_mo

#: a French catalogue of the test's own (the real one is translated elsewhere)
FRENCH = {
    "Network": "Réseau",
    "Targets": "Cibles",
    "Language: {name}": "Langue : {name}",
    "System's ({language})": "Celle du système ({language})",
    "Search for commands…": "Rechercher une commande…",
    "Quit": "Quitter",
    "Keys": "Touches",
    "No matches found": "Aucun résultat",
    "usage: ": "utilisation : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "show this help message and exit": "afficher ce message d'aide et quitter",
    "the following arguments are required: %s": "les arguments suivants sont requis : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "choix invalide : %(value)r (parmi %(choices)s)",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "{prog}: error: {message} (see {prog} --help)\n": "{prog} : erreur : {message} (voir {prog} --help)\n",
    "print the version and exit": "afficher la version et quitter",
    "proposal": "proposition",
    "November": "novembre",
    "secured": "acquis",
}


@pytest.fixture
def french(tmp_path, monkeypatch):
    """The test's ``fr`` catalogue, found through RELANCE_LOCALEDIR; the environment's
    language (English) again afterwards."""
    folder = tmp_path / "locale"
    write_mo(folder / "fr" / "LC_MESSAGES" / "relance.mo", FRENCH)
    monkeypatch.setenv("RELANCE_LOCALEDIR", str(folder))
    yield folder
    monkeypatch.delenv("RELANCE_LOCALEDIR", raising=False)
    i18n.set_language(None)


def _set_stored_language(path, language: str) -> None:
    """Write a language into the file as another program (or a relance with more
    catalogues) would: the settings' refusal is the point of the tests."""
    text = path.read_text(encoding="utf-8")
    assert '"language":""' in text
    path.write_text(text.replace('"language":""', f'"language":{json.dumps(language)}'), encoding="utf-8")


# -- refusal ---------------------------------------------------------------------------------


def test_the_cli_refuses_a_language_relance_does_not_speak_and_writes_nothing(demo_path):
    before = demo_path.read_bytes()
    result = run_relance("settings", "--language", "klingon", env={"RELANCE_DATA": str(demo_path)})
    assert result.returncode == 2
    assert ("--language: 'klingon' is not a language relance speaks; available: en, fr (empty: the system's)."
            in result.stderr)
    assert demo_path.read_bytes() == before


def test_the_cli_takes_a_known_language_in_any_case_and_stores_it_lower_case(demo_path):
    result = run_relance("settings", "--language", "FR", env={"RELANCE_DATA": str(demo_path)})
    assert result.returncode == 0, result.stderr
    assert Repository(demo_path, today=TODAY).settings().language == "fr"
    result = run_relance("settings", "--language", "", env={"RELANCE_DATA": str(demo_path)})
    assert result.returncode == 0 and Repository(demo_path, today=TODAY).settings().language == ""


def test_an_import_with_an_unknown_language_is_refused(demo_path, tmp_path):
    exported = tmp_path / "export.json"
    assert run_relance("export", "json", "-o", str(exported), env={"RELANCE_DATA": str(demo_path)}).returncode == 0
    document = json.loads(exported.read_text(encoding="utf-8"))
    document["settings"]["language"] = "klingon"
    exported.write_text(json.dumps(document), encoding="utf-8")
    target = tmp_path / "other.json"
    result = run_relance("import", "json", str(exported), env={"RELANCE_DATA": str(target)})
    assert result.returncode != 0
    assert "'klingon' is not a language relance speaks" in result.stderr


def test_a_file_holding_an_unknown_language_opens_in_the_environments_and_doctor_says_so(demo_path, monkeypatch):
    _set_stored_language(demo_path, "klingon")
    repository = Repository(demo_path, today=TODAY)
    assert repository.settings().language == "klingon"
    assert i18n.resolve("klingon") == "en"  # LANGUAGE=en (conftest)
    monkeypatch.setenv("LANGUAGE", "fr")
    assert i18n.resolve("klingon") == "fr"
    result = run_relance("doctor", env={"RELANCE_DATA": str(demo_path)})
    # (in French, as LANGUAGE=fr asks, from the French catalogue)
    assert "settings/1, language\u00a0: 'klingon' n'est pas une langue que relance parle" in result.stdout
    assert run_relance("status", "--short", env={"RELANCE_DATA": str(demo_path)}).returncode == 0


async def test_the_settings_form_offers_the_languages_each_named_in_itself_and_shows_a_refusal(demo_path):
    _set_stored_language(demo_path, "klingon")
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        form = app.screen
        assert isinstance(form, RecordForm)
        select = form.query_one("#field-language", SearchSelect)
        labels = [str(option[0]) for option in select._options]
        assert labels == ["System's (English)", "English", "Français", "klingon"]
        assert select.value == "klingon"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        shown = str(form.query_one("#error-language").render())
        assert "'klingon' is not a language relance speaks; available: en, fr (empty: the system's)." in shown
        select.value = "fr"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.repository.settings().language == "fr"


# -- switched at once ----------------------------------------------------------------------------


async def _run_palette_command(pilot, app, typed: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, RelanceCommandPalette)
    await pilot.press(*typed)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_the_palette_switches_the_language_at_once_and_back(demo_path, french):
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        network = dashboard.pane("network")
        assert str(network.border_title).startswith("1 Network (")

        await _run_palette_command(pilot, app, "Language: Français")
        assert app.screen is dashboard
        assert str(network.border_title).startswith("1 Réseau (")
        assert app.repository.settings().language == "fr"

        # the palette itself now speaks French: its placeholder and Textual's commands
        await pilot.press("ctrl+p")
        await pilot.pause()
        palette = app.screen
        assert isinstance(palette, RelanceCommandPalette)
        assert palette.query_one("CommandInput").placeholder == "Rechercher une commande…"
        await pilot.press("escape")
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(dashboard)]
        assert "Quitter" in titles and "Touches" in titles and "Quit" not in titles
        assert "Langue : English" in titles

        await _run_palette_command(pilot, app, "Langue : English")
        assert str(network.border_title).startswith("1 Network (")
        assert app.repository.settings().language == "en"


# -- the environment -------------------------------------------------------------------------------


@pytest.mark.parametrize(("environment", "setting", "expected"), [
    ({"LANGUAGE": "fr:en"}, "", "fr"),
    ({"LC_ALL": "fr_FR.UTF-8"}, "", "fr"),
    ({"LANG": "fr_FR.UTF-8"}, "", "fr"),
    ({"LANG": "C"}, "", "en"),
    ({"LANGUAGE": "de:fr"}, "", "fr"),
    ({}, "", "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en", "en"),
    ({"LANG": "C"}, "fr", "fr"),
    ({"LANG": "fr_FR.UTF-8"}, "klingon", "fr"),
])
def test_the_language_is_found_as_gettext_finds_it(monkeypatch, french, environment, setting, expected):
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert i18n.resolve(setting) == expected


# -- the command line -----------------------------------------------------------------------------


def test_argparse_speaks_the_environments_language(french):
    result = run_relance("--help", env={"LANGUAGE": "fr"})
    assert result.returncode == 0
    assert result.stdout.startswith("utilisation : relance")
    assert "afficher ce message d'aide et quitter" in result.stdout and "afficher la version et quitter" in result.stdout
    result = run_relance("list", env={"LANGUAGE": "fr"})
    assert result.returncode == 2
    assert "les arguments suivants sont requis : KIND" in result.stderr
    assert "relance list : erreur :" in result.stderr
    result = run_relance("list", "nothing", env={"LANGUAGE": "fr"})
    assert "argument KIND : choix invalide : 'nothing' (parmi " in result.stderr
    assert "usage:" not in run_relance("list", env={"LANGUAGE": "fr"}).stderr


def test_help_follows_the_language_of_the_settings(demo_path, french):
    assert run_relance("settings", "--language", "fr", env={"RELANCE_DATA": str(demo_path)}).returncode == 0
    result = run_relance("--help", env={"RELANCE_DATA": str(demo_path), "LANGUAGE": "en"})
    assert result.stdout.startswith("utilisation : relance")
    result = run_relance("status", "--help", "--data", str(demo_path), env={"LANGUAGE": "en"})
    assert result.stdout.startswith("utilisation : relance status") and "arguments positionnels" not in result.stdout
    assert run_relance("--help", env={"LANGUAGE": "en"}).stdout.startswith("usage: relance")  # another file


def test_status_json_is_the_same_bytes_in_every_language(demo_path, french):
    env = {"RELANCE_DATA": str(demo_path)}
    english = run_relance("status", "--json", "--today", TODAY.isoformat(), env={**env, "LANGUAGE": "en"})
    french_ = run_relance("status", "--json", "--today", TODAY.isoformat(), env={**env, "LANGUAGE": "fr"})
    assert english.returncode == french_.returncode == 0
    assert english.stdout == french_.stdout
    short = run_relance("status", "--short", "--today", TODAY.isoformat(), env={**env, "LANGUAGE": "fr"})
    assert short.returncode == 0 and short.stdout.startswith("relance · ")


async def test_the_palette_says_no_matches_in_relances_language(demo_path, french):
    assert run_relance("settings", "--language", "fr", env={"RELANCE_DATA": str(demo_path)}).returncode == 0
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"zzqxw")
        await pilot.pause(1.0)
        from textual.command import CommandList

        shown = [str(option.prompt.renderable) for option in app.screen.query_one(CommandList).options]
        assert shown == ["Aucun résultat"]


@pytest.mark.parametrize("args", [("status", "--short"), ("status",), ("--help",), ("doctor",)])
def test_a_latin_1_terminal_gets_plain_characters_not_a_traceback(demo_path, args):
    """fr_FR.ISO-8859-1 has no narrow no-break space, no € and no em dash: French amounts
    hold the first two in every line."""
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", *args], cwd=ROOT, capture_output=True,
        env={**os.environ, "RELANCE_DATA": str(demo_path), "LANGUAGE": "fr", "PYTHONIOENCODING": "iso-8859-1",
             "COLUMNS": "100"},
    )
    out, err = result.stdout.decode("iso-8859-1"), result.stderr.decode("iso-8859-1")
    assert "Traceback" not in err and result.returncode in (0, 1), err
    assert out.strip()
    if args[0] == "status":
        assert "EUR" in out or "relance" in out
        assert "\ufffd" not in out


def test_a_locale_name_is_its_language_and_the_saved_line_speaks_it(tmp_path):
    data = {"RELANCE_DATA": str(tmp_path / "relance.json")}
    result = run_relance("settings", "--language", "fr_FR.UTF-8", env=data)
    assert result.returncode == 0, result.stderr
    assert "\nlanguage                fr\n" in result.stdout
    assert result.stderr.startswith("Enregistré dans ")  # (in the language just chosen)
    assert run_relance("settings", "--language", "en-GB", env=data).stderr.startswith("Saved to ")
