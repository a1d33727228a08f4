"""The person's config file (store/config.py, tui/cli_config.py): where each value comes
from (default < file < environment < flag), a broken file, its modes, the theme chosen in
the dashboard written there and not to the data file, the language and the date style."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import config, fmt, i18n
from store.repository import Repository
from tui.app import make_app

from .conftest import TODAY, run_relance
from .test_dashboard import demo_repo  # noqa: F401  (a fixture)
from .test_i18n_screens import screen_text

DATE_ISO = re.compile(r"\b20\d\d-\d\d-\d\d\b")
DATE_FRENCH = re.compile(r"\b\d\d/\d\d/20\d\d\b")


@pytest.fixture
def config_file(isolated_home) -> Path:
    folder = isolated_home / ".config" / "relance"
    folder.mkdir(parents=True, mode=0o700)
    return folder / "config.toml"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


async def choose_theme(pilot, name: str) -> None:
    """The palette's choice of a theme, and its write to the config file done."""
    pilot.app.theme = name
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown(result, name: str) -> tuple[str, str]:
    """(value, where from) of option ``name`` in ``relance config show``'s output."""
    for line in result.stdout.splitlines():
        if line.startswith(name + " "):
            value, source = line[len(name):].strip().split("  ", 1)
            return value.strip(), source.strip()
    raise AssertionError(f"{name} not in:\n{result.stdout}")


def env(home: Path, **more: str) -> dict[str, str]:
    return {"HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"), **more}


def test_each_value_comes_from_the_strongest_place_default_file_environment_flag(config_file, isolated_home):
    home = isolated_home
    result = run_relance("config", "show", env=env(home))
    assert shown(result, "theme") == ("relance-dark", "default")
    assert shown(result, "date_style") == ("language", "default")
    assert shown(result, "data")[0] == str(home / ".local" / "share" / "relance" / "relance.json")

    write(config_file, 'theme = "relance-light"\ndate_style = "iso"\ndata = "~/work/relance.json"\n')
    result = run_relance("config", "show", env=env(home))
    assert shown(result, "theme") == ("relance-light", "config file, line 1")
    assert shown(result, "date_style") == ("iso", "config file, line 2")
    assert shown(result, "data") == (str(home / "work" / "relance.json"), "config file, line 3")

    result = run_relance("config", "show", env=env(home, RELANCE_THEME="relance-contrast",
                                                   RELANCE_DATA=str(home / "env.json")))
    assert shown(result, "theme") == ("relance-contrast", "environment, RELANCE_THEME")
    assert shown(result, "data") == (str(home / "env.json"), "environment, RELANCE_DATA")

    result = run_relance("--theme", "relance-dark", "--data", str(home / "flag.json"), "config", "show",
                         env=env(home, RELANCE_THEME="relance-contrast", RELANCE_DATA=str(home / "env.json")))
    assert shown(result, "theme") == ("relance-dark", "flag, --theme")
    assert shown(result, "data") == (str(home / "flag.json"), "flag, --data")
    assert result.returncode == 0 and result.stderr == ""


def test_the_config_files_data_path_is_where_commands_write(config_file, isolated_home):
    write(config_file, 'data = "~/work/relance.json"\n')
    added = run_relance("add", "contact", "--name", "Zoé Durand", env=env(isolated_home))
    assert added.returncode == 0, added.stderr
    assert "Zoé Durand" in (isolated_home / "work" / "relance.json").read_text(encoding="utf-8")
    assert not (isolated_home / ".local" / "share" / "relance" / "relance.json").exists()


def test_the_language_config_file_over_data_file_environment_and_flag_over_it(config_file, isolated_home, data_path):
    repo = Repository(data_path, today=TODAY)
    repo.set_settings({"language": "en", "target_monthly": "11000", "daily_rate": "650"})
    repo.close()
    home, data = isolated_home, str(data_path)
    assert "No follow-up is due today" in run_relance("status", "--data", data, env=env(home)).stdout  # (the data file's)
    write(config_file, 'language = "fr"\n')
    french = run_relance("status", "--data", data, env=env(home))
    assert "Aucune relance à faire aujourd'hui" in french.stdout, french.stdout
    assert shown(run_relance("config", "show", "--data", data, env=env(home)), "language") == (
        "fr", "fichier de configuration, ligne 1")  # (said in the language it sets)
    assert "No follow-up is due today" in run_relance("status", "--data", data,
                                                      env=env(home, RELANCE_LANGUAGE="en")).stdout
    assert "Aucune relance à faire" in run_relance("--language", "fr", "status", "--data", data,
                                                   env=env(home, RELANCE_LANGUAGE="en")).stdout
    config_file.unlink()
    assert shown(run_relance("config", "show", "--data", data, env=env(home, LANGUAGE="fr")), "language")[1] in (
        "data file", "fichier de données")


def test_a_broken_config_file_is_named_with_its_line_and_every_command_goes_on(config_file, isolated_home, data_path):
    write(config_file, 'theme = "relance-light"\n\nthem = "relance-dark"\n')
    result = run_relance("list", "contacts", "--data", str(data_path), env=env(isolated_home))
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        f"relance: {config_file}:3: unknown option 'them' (relance knows data, theme, language, date_style, "
        "[keymap]); it is ignored."]
    write(config_file, '# mine\ntheme = "relance-light\n')
    result = run_relance("status", "--data", str(data_path), env=env(isolated_home))
    assert result.returncode == 0
    [said] = [line for line in result.stderr.splitlines() if "config.toml" in line]
    assert f"{config_file}:2: not valid TOML" in said and "the defaults are used" in said
    shown_result = run_relance("config", "show", env=env(isolated_home))
    assert shown_result.returncode == 1 and f"{config_file}:2: not valid TOML" in shown_result.stdout
    assert "Traceback" not in result.stderr + shown_result.stderr


@pytest.mark.parametrize("text, said", [
    ('date_style = "weird"\n', ":1: date_style: expected one of language, iso, day-first"),
    ("theme = 3\n", ":1: theme should be text in quotes"),
    ('language = "de"\n', ":1: language: relance does not speak de"),
    ('data = "relative/file.json"\n', ":1: data: expected a full path"),
    ('keymap = "n"\n', ":1: keymap should be a table"),
    (b"theme = '\xff'\n", ":1: not UTF-8 text"),
])
def test_each_wrong_value_is_one_line_and_the_default_kept(config_file, text, said):
    if isinstance(text, bytes):
        config_file.write_bytes(text)
        config_file.chmod(0o600)
    else:
        write(config_file, text)
    conf = config.load(config_file, environ={})
    assert [problem for problem in conf.problems if said in problem], conf.problems
    assert conf.values == config.DEFAULTS


def test_a_config_file_others_could_write_or_not_the_users_is_not_used(config_file):
    write(config_file, 'theme = "relance-light"\n')
    config_file.chmod(0o620)
    conf = config.load(config_file, environ={})
    assert conf.values["theme"] == "" and "can be written by its group" in conf.problems[0]
    config_file.chmod(0o600)
    os.chown(config_file, 12345, 12345)
    conf = config.load(config_file, environ={})
    assert conf.values["theme"] == "" and "belongs to" in conf.problems[0]


def test_init_writes_a_commented_file_0600_in_0700_listing_every_option_and_binding(isolated_home):
    from tui.keymap import catalogue

    result = run_relance("config", "init", env=env(isolated_home))
    path = isolated_home / ".config" / "relance" / "config.toml"
    assert result.returncode == 0 and result.stdout.strip() == str(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    for name in config.OPTIONS:
        assert f"# {name} = " in text
    for binding_id, entry in catalogue().items():
        assert f'# "{binding_id}"' in text, binding_id
    # nothing is set by it: every line but the table's header is a comment
    assert config.load(path, environ={}).values == config.DEFAULTS
    # every line uncommented gives the defaults again, with no problem
    uncommented = "\n".join(line[2:] if re.match(r'# ((data|theme|language|date_style) = |")', line)
                            else line for line in text.splitlines())
    write(path, uncommented)
    shown_result = run_relance("config", "show", env=env(isolated_home))
    assert shown_result.returncode == 0, shown_result.stdout
    assert shown(shown_result, "theme") == ("relance-dark", "config file, line 11")
    assert "  record.new                  n              config file, line" in shown_result.stdout
    again = run_relance("config", "init", env=env(isolated_home))
    assert again.returncode == 1 and "is already there: it is not overwritten" in again.stderr
    assert path.read_text(encoding="utf-8") == uncommented


def test_path_follows_xdg_config_home(isolated_home, tmp_path):
    result = run_relance("config", "path", env=env(isolated_home, XDG_CONFIG_HOME=str(tmp_path / "cfg")))
    assert result.stdout.strip() == str(tmp_path / "cfg" / "relance" / "config.toml")


async def test_the_theme_chosen_is_written_to_the_config_file_and_no_data_is_written(demo_repo, data_path,
                                                                                    isolated_home):
    before = data_path.read_bytes()
    backups = data_path.parent / "backups"
    kept = sorted(backups.iterdir()) if backups.exists() else []
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_theme(pilot, "relance-contrast")
    path = isolated_home / ".config" / "relance" / "config.toml"
    assert path.read_text(encoding="utf-8") == 'theme = "relance-contrast"\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert data_path.read_bytes() == before
    assert (sorted(backups.iterdir()) if backups.exists() else []) == kept
    config.use(None)
    again = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    async with again.run_test(size=(120, 40)):
        assert again.theme == "relance-contrast"


async def test_a_theme_chosen_keeps_the_rest_of_the_config_file_as_written(demo_repo, config_file):
    write(config_file, '# my colours\ntheme = "relance-light"  # for the day\n\n[keymap]\n"record.new" = "o"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "relance-light"
        await choose_theme(pilot, "relance-dark")
    assert config_file.read_text(encoding="utf-8") == (
        '# my colours\ntheme = "relance-dark"  # for the day\n\n[keymap]\n"record.new" = "o"\n')


async def test_the_dashboard_says_a_config_files_problems_once(demo_repo, config_file):
    write(config_file, 'colour = "blue"\n')
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications if "colour" in n.message]
        assert said == [f"{config_file}:1: unknown option 'colour' (relance knows data, theme, language, "
                        "date_style, [keymap]); it is ignored."]
        app.poll_config()  # (the file has not changed: nothing said again)
        await pilot.pause()
        assert len([n for n in app._notifications if "colour" in n.message]) == 1


async def test_date_style_iso_in_french_and_its_change_while_the_dashboard_runs(demo_repo, config_file):
    demo_repo.set_settings({"language": "fr"})
    write(config_file, 'date_style = "iso"\n')
    app = make_app(Repository(demo_repo.path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert i18n.language() == "fr"
        shown_dates = DATE_ISO.findall(screen_text(app))
        assert shown_dates and not DATE_FRENCH.findall(screen_text(app)), screen_text(app)
        assert "Relances" in screen_text(app) or "Réseau" in screen_text(app)  # (and in French)
        write(config_file, 'date_style = "language"\n')
        os.utime(config_file, ns=(1, 1))
        app.poll_config()  # (as the dashboard does each second)
        await pilot.pause()
        assert DATE_FRENCH.findall(screen_text(app)) and not DATE_ISO.findall(screen_text(app))


def test_day_first_dates_are_read_and_shown_in_english_too():
    from datetime import date

    from store.dates import parse_date

    with pytest.raises(ValueError):
        parse_date("04/01/2027", TODAY)
    fmt.set_date_style("day-first")
    assert fmt.day(date(2027, 1, 4)) == "04/01/2027"
    assert parse_date("04/01/2027", TODAY) == date(2027, 1, 4)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_any_bytes_in_the_config_file_never_stop_a_command(config_file, data):
    config_file.write_bytes(data)
    config_file.chmod(0o600)
    conf = config.load(config_file, environ={})
    assert set(conf.values) == set(config.DEFAULTS)
    for problem in conf.problems:
        assert "\n" not in problem.strip() or "TOML" in problem


#: TOML-looking text: the keys and tables a config file has, in any order, with any values
_LINES = st.lists(st.one_of(
    st.sampled_from(["[keymap]", "[other]", "[[keymap]]", "# a comment", ""]),
    st.builds(lambda key, value: f"{key} = {value}",
              st.sampled_from(["data", "theme", "language", "date_style", "keymap", '"record.new"', "quit", "x.y"]),
              st.one_of(st.text(max_size=12).map(json.dumps), st.integers().map(str), st.just("[1, 2]"),
                        st.just("{a = 1}"), st.just("true")))), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_LINES)
def test_any_toml_a_person_might_write_gives_values_it_may_take_and_problems_of_one_line(config_file, lines):
    from tui.keymap import check

    write(config_file, "\n".join(lines))
    conf = config.load(config_file, environ={})
    assert conf.values["date_style"] in config.DATE_STYLES
    assert not conf.values["data"] or conf.values["data"].startswith(("~", "/"))
    for problem in conf.problems + check(conf.keymap, conf.keymap_lines, str(config_file)).problems:
        assert problem.startswith(str(config_file)) and "\n" not in problem


# -- a hostile or unusual config file (found from outside) ------------------------------------


@pytest.mark.parametrize("make, said", [
    (lambda path: path.mkdir(), "is a folder, not a file"),
    (lambda path: write(path, "x = " + "[" * 600 + "]" * 600 + "\n"), "too big or too deep"),
    (lambda path: write(path, "x = " + "9" * 5000 + "\n"), "too big or too deep"),
    (lambda path: write(path, "[keymap]\n" + "".join(f'k{i} = "x"\n' for i in range(10_000))),
     "10000 keys in [keymap]"),
    (lambda path: write(path, 'data = "~nosuchuser_relance/x.json"\n'), "a user this machine does not know"),
])
def test_a_hostile_config_file_is_one_line_and_every_command_goes_on(config_file, isolated_home, data_path, make,
                                                                     said):
    make(config_file)
    result = run_relance("list", "contacts", "--data", str(data_path), env=env(isolated_home))
    assert result.returncode == 0 and "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert str(config_file) in line and said in line, line
    shown_result = run_relance("config", "show", env=env(isolated_home))
    assert shown_result.returncode == 1 and "Traceback" not in shown_result.stderr


def test_a_config_file_in_a_folder_others_can_write_is_not_used(config_file):
    write(config_file, 'theme = "relance-light"\n')
    config_file.parent.chmod(0o777)
    conf = config.load(config_file, environ={})
    assert conf.values["theme"] == "" and conf.refused and "can be written by others" in conf.problems[0]


def test_a_user_no_one_knows_in_data_is_one_line(isolated_home):
    result = run_relance("list", "contacts", "--data", "~nosuchuser_relance/x.json", env=env(isolated_home))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == ("relance: --data: ~nosuchuser_relance/x.json names the home folder of a "
                                     "user this machine does not know.")


def test_a_value_written_back_keeps_the_lines_comment_and_line_ends():
    text = '# mine\r\ntheme = "a#b"  # for the day\r\n\r\n[keymap]\r\n"record.new" = "o"\r\n'
    assert config.with_option(text, "theme", "relance-dark") == (
        '# mine\r\ntheme = "relance-dark"  # for the day\r\n\r\n[keymap]\r\n"record.new" = "o"\r\n')


async def test_a_theme_the_file_cannot_take_is_said_and_nothing_breaks(demo_repo, monkeypatch, tmp_path):
    """A value over several lines, which the one-line edit cannot replace, and a config
    folder whose name reads as markup: a notification, the file left as it was."""
    home = tmp_path / "x[/y]"
    folder = home / "relance"
    folder.mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    config.use(None)
    path = write(folder / "config.toml", 'theme = """\nrelance-light"""\n')
    stale = folder / ".config.toml.tmp-999999999-abcd"
    stale.write_text("half")
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.theme == "relance-light"
        await choose_theme(pilot, "relance-contrast")
        [said] = [n.message for n in app._notifications if "set it by hand" in n.message]
        assert said.startswith("Used now, but not saved in your config file:") and str(path) in said
        assert app.theme == "relance-contrast"
    assert path.read_text(encoding="utf-8") == 'theme = """\nrelance-light"""\n'
    write(path, "# colours\n")
    config.use(None)
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await choose_theme(pilot, "relance-light")
    assert path.read_text(encoding="utf-8") == '# colours\ntheme = "relance-light"\n'
    assert not stale.exists()  # (a write killed before its rename left it: swept at the next)


def test_settings_theme_writes_the_config_file_and_not_the_data(isolated_home, data_path):
    repo = Repository(data_path, today=TODAY)
    repo.set_settings({"target_monthly": "11000"})
    repo.close()
    before = data_path.read_bytes()
    result = run_relance("settings", "--theme", "relance-light", "--data", str(data_path), env=env(isolated_home))
    assert result.returncode == 0, result.stderr
    path = isolated_home / ".config" / "relance" / "config.toml"
    assert path.read_text(encoding="utf-8") == 'theme = "relance-light"\n'
    assert data_path.read_bytes() == before
    assert "theme  relance-light" in result.stdout.replace("          ", "  ") or any(
        line.split() == ["theme", "relance-light"] for line in result.stdout.splitlines())
    assert f"theme: written to your config file {path}." in result.stderr


def test_a_language_set_in_the_settings_says_the_config_files_comes_first(config_file, isolated_home, data_path):
    write(config_file, '\nlanguage = "fr"\n')
    result = run_relance("settings", "--language", "en", "--data", str(data_path), env=env(isolated_home))
    assert result.returncode == 0
    assert f"{config_file}:2" in result.stderr and "fr" in result.stderr


def test_a_dates_placeholder_follows_the_date_style():
    from store.dates import hint

    assert hint() == "YYYY-MM-DD, today, +3d, +2w, +1m"
    fmt.set_date_style("day-first")
    assert hint() == "DD/MM/YYYY, today, +3d, +2w, +1m"
    i18n.set_language("fr")
    fmt.set_date_style("iso")
    assert hint() == "AAAA-MM-JJ, aujourd'hui, +3j, +2s, +1m"
