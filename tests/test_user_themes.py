"""The person's own themes (issue 24): ``$XDG_CONFIG_HOME/relance/themes/*.toml`` loaded at
start-up and offered in the palette; an invalid file named, with its field, and skipped."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from textual.color import Color

from store.repository import Repository
from themes import THEMES
from themes.user_themes import FIELDS, MAX_BYTES, load_user_themes, textual_variables
from tui.app import make_app
from tui.textual_texts import RelanceCommandPalette

from .conftest import TODAY
from .test_dashboard import settle

RESERVED = {theme.name for theme in THEMES}

#: every field of a theme file, each away from Textual's default
OCEAN = """\
# the theme of a consultant who likes the sea
name = "ocean"
primary = "#2e86ab"
secondary = "#a23b72"
warning = "#f18f01"
error = "#c73e1d"
success = "#3b8c5a"
accent = "#f6ae2d"
foreground = "#e8eef2"
background = "#0b1d26"
surface = "#12303d"
panel = "#1a4152"
boost = "#ffffff10"
dark = true
luminosity_spread = 0.2
text_alpha = 0.9

[variables]
text-muted = "#8fb3c4"
block-cursor-text-style = "bold reverse"
footer-background = "red 50%"
text = "auto 90%"
"""


def write(folder: Path, name: str, text: str | bytes, mode: int = 0o644) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    return path


@pytest.fixture
def themes(tmp_path, monkeypatch) -> Path:
    """The themes folder of a config home of the test's own (the app reads it at start-up)."""
    from store import config

    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    config.use(None)  # (the config file read again, from there)
    return home / "relance" / "themes"


@pytest.fixture
def demo_repo(data_path):
    from seeds.demo import build_demo

    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    return repo


# -- the loader ----------------------------------------------------------------------------------


def test_a_theme_file_with_every_field_is_loaded(tmp_path):
    write(tmp_path, "ocean.toml", OCEAN)
    [theme], problems = load_user_themes(tmp_path, RESERVED)
    assert problems == []
    assert (theme.name, theme.primary, theme.secondary, theme.warning, theme.error, theme.success) == (
        "ocean", "#2e86ab", "#a23b72", "#f18f01", "#c73e1d", "#3b8c5a")
    assert (theme.accent, theme.foreground, theme.background, theme.surface, theme.panel, theme.boost) == (
        "#f6ae2d", "#e8eef2", "#0b1d26", "#12303d", "#1a4152", "#ffffff10")
    assert (theme.dark, theme.luminosity_spread, theme.text_alpha) == (True, 0.2, 0.9)
    assert theme.variables == {"text-muted": "#8fb3c4", "block-cursor-text-style": "bold reverse",
                               "footer-background": "red 50%", "text": "auto 90%"}


def test_the_name_defaults_to_the_file_stem_and_files_are_read_in_order(tmp_path):
    write(tmp_path, "zinc.toml", 'primary = "#777777"\ndark = false\n')
    write(tmp_path, "amber.toml", 'primary = "#ffbf00"\n')
    write(tmp_path, "notes.txt", "not a theme")
    write(tmp_path, ".#amber.toml", "an editor's lock file")  # (hidden: left alone)
    loaded, problems = load_user_themes(tmp_path, RESERVED)
    assert [(theme.name, theme.dark) for theme in loaded] == [("amber", True), ("zinc", False)]
    assert problems == []


def test_no_folder_is_no_theme_and_no_problem(tmp_path):
    assert load_user_themes(tmp_path / "absent", RESERVED) == ([], [])


@pytest.mark.parametrize("text,said", [
    ('primary = "#2e86ab"\nbackground = "dark blue"\n', 'bad.toml: background: "dark blue" is not a colour'),
    ('primary = 42\n', "bad.toml: primary: 42 is not a colour"),
    ('secondary = "#123456"\n', "bad.toml: primary: missing"),
    ('primary = "#2e86ab"\ncolour = "#000000"\n', "bad.toml: colour: not a field of a theme"),
    ('primary = "#2e86ab"\ndark = "yes"\n', "bad.toml: dark: must be true or false"),
    ('primary = "#2e86ab"\ntext_alpha = 3\n', "bad.toml: text_alpha: must be a number from 0.0 to 1.0"),
    ('primary = "#2e86ab"\nluminosity_spread = true\n', "bad.toml: luminosity_spread: must be a number"),
    ('primary = "#2e86ab"\nname = 7\n', "bad.toml: name: must be text"),
    ('primary = "#2e86ab"\nname = "my theme"\n', 'bad.toml: name: "my theme" may hold only letters'),
    ('primary = "#2e86ab"\nname = "' + "a" * 61 + '"\n', 'bad.toml: name: "' + "a" * 39 + '…" may hold only letters'),
    ('primary = "#2e86ab"\nname = "relance-dark"\n', 'bad.toml: name: "relance-dark" is the name of a built-in theme'),
    ('primary = "#2e86ab"\nname = "nord"\n', 'bad.toml: name: "nord" is the name of a built-in theme'),
    ('primary = "#2e86ab"\nansi = true\n', "bad.toml: ansi: not taken in a theme file"),
    ('primary = "#2e86ab"\nvariables = "red"\n', "bad.toml: variables: must be a table"),
    ('primary = "#2e86ab"\n[variables]\nmy-colour = "red"\n', "bad.toml: variables.my-colour: not one of Textual's theme variables"),
    ('primary = "#2e86ab"\n[variables]\nsurface = 3\n', "bad.toml: variables.surface: must be text"),
    # what Textual would take at registration and fail on when switched to (the app ends)
    ('primary = "#2e86ab"\n[variables]\nsurface = "auto 50%"\n', 'bad.toml: variables.surface: "auto 50%" is not a value'),
    ('primary = "#2e86ab"\n[variables]\ntext-muted = "grey; color: red"\n', "bad.toml: variables.text-muted:"),
    ('primary = "#2e86ab"\n[variables]\nblock-cursor-text-style = "blink2"\n', "bad.toml: variables.block-cursor-text-style:"),
    ('primary = "#2e86ab"\n[variables]\nborder = "initial"\n', 'bad.toml: variables.border: "initial" is not a value'),
    ('primary = "#2e86ab"\n[variables]\nprimary-lighten-1 = "red 50%"\n',
     'bad.toml: variables.primary-lighten-1: "red 50%" refused by Textual: failed to parse'),
    ('primary = "#2e86ab"\nbackground = "transparent"\n[variables]\nsurface = "#00000000"\n',
     "bad.toml: background, surface: both transparent"),
    ('primary = "#2e86ab"\nname = = 3\n', "bad.toml: line 2, column 8: not valid TOML: Invalid value"),
    ('primary = "#2e86ab', "bad.toml: line 1, column 19: not valid TOML: Unterminated string"),
    (b'primary = "#2e86ab"\nname = "caf\xe9"\n', "bad.toml: line 2: not UTF-8 text"),
])
def test_an_invalid_file_is_named_with_its_field_and_skipped(tmp_path, text, said):
    write(tmp_path, "good.toml", 'primary = "#2e86ab"\n')
    write(tmp_path, "bad.toml", text)
    loaded, problems = load_user_themes(tmp_path, RESERVED)
    assert [theme.name for theme in loaded] == ["good"]  # (the others are loaded)
    assert any(problem.startswith(said) for problem in problems), problems
    assert all(problem.startswith("bad.toml: ") and "\n" not in problem for problem in problems)


def test_every_problem_of_a_file_is_said_at_once(tmp_path):
    write(tmp_path, "bad.toml", 'primary = "nope"\nshade = 1\n[variables]\nwho = "red"\n')
    _loaded, problems = load_user_themes(tmp_path, RESERVED)
    assert [problem.split(":")[1].strip() for problem in problems] == ["primary", "shade", "variables.who"]


def test_two_files_of_one_name_keep_the_first(tmp_path):
    write(tmp_path, "a.toml", 'name = "sea"\nprimary = "#2e86ab"\n')
    write(tmp_path, "b.toml", 'name = "sea"\nprimary = "#000080"\n')
    [theme], [problem] = load_user_themes(tmp_path, RESERVED)
    assert theme.primary == "#2e86ab"
    assert problem == 'b.toml: name: "sea" is already the name of the theme in a.toml'


def test_a_quoted_value_never_carries_a_terminal_command(tmp_path):
    write(tmp_path, "bad.toml", 'primary = "\\u001b]0;pwned\\u0007"\n')
    _loaded, [problem] = load_user_themes(tmp_path, RESERVED)
    assert "\x1b" not in problem and "\x07" not in problem and "\\x1b]0;pwned" in problem


# -- files another user could have planted, and files that are not small regular files ----------


def test_a_file_others_may_write_is_refused(tmp_path):
    write(tmp_path, "shared.toml", 'primary = "#2e86ab"\n', mode=0o666)
    write(tmp_path, "group.toml", 'primary = "#2e86ab"\n', mode=0o664)
    loaded, problems = load_user_themes(tmp_path, RESERVED)
    assert loaded == []
    assert problems == ["group.toml: other users may change it (mode 664): not read; chmod go-w group.toml makes it yours alone",
                        "shared.toml: other users may change it (mode 666): not read; chmod go-w shared.toml makes it yours alone"]


def test_a_file_owned_by_another_user_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path, "planted.toml", 'primary = "#2e86ab"\n')
    if os.geteuid() == 0:
        os.chown(path, 54321, -1)
    else:  # (only root may give a file away: the reader is made someone else instead)
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    loaded, [problem] = load_user_themes(tmp_path, RESERVED)
    assert loaded == [] and problem.startswith("planted.toml: owned by another user (uid ")


def test_a_link_out_of_the_folder_is_not_followed_but_one_within_it_is(tmp_path):
    folder = tmp_path / "themes"
    write(folder, "ocean.toml", OCEAN)
    outside = write(tmp_path, "elsewhere.toml", 'name = "elsewhere"\nprimary = "#2e86ab"\n')
    (folder / "away.toml").symlink_to(outside)
    (folder / "sea.toml").symlink_to("ocean.toml")  # (two names for one file: one theme name, twice)
    loaded, problems = load_user_themes(folder, RESERVED)
    assert [theme.name for theme in loaded] == ["ocean"]
    assert problems[0].startswith("away.toml: a symbolic link to ") and "outside the themes folder: not followed" in problems[0]
    assert problems[1] == 'sea.toml: name: "ocean" is already the name of the theme in ocean.toml'


def test_a_loop_of_links_is_named(tmp_path):
    (tmp_path / "a.toml").symlink_to("b.toml")
    (tmp_path / "b.toml").symlink_to("a.toml")
    loaded, problems = load_user_themes(tmp_path, RESERVED)
    assert loaded == [] and problems == ["a.toml: a loop of symbolic links: not followed",
                                         "b.toml: a loop of symbolic links: not followed"]


def test_a_folder_a_pipe_and_a_huge_file_are_not_read(tmp_path):
    (tmp_path / "folder.toml").mkdir()
    os.mkfifo(tmp_path / "pipe.toml")  # (opening it to read would wait for a writer for ever)
    write(tmp_path, "huge.toml", 'primary = "#2e86ab"\n' + "# " + "x" * MAX_BYTES + "\n")
    loaded, problems = load_user_themes(tmp_path, RESERVED)
    assert loaded == []
    assert problems == ["folder.toml: not a regular file (a folder, a device or a pipe): not read",
                        "huge.toml: larger than 64 KiB: not read",
                        "pipe.toml: not a regular file (a folder, a device or a pipe): not read"]


toml_keys = st.sampled_from(sorted(FIELDS) + ["colour", "ansi", ""])
CSS_VALUES = ["#2e86ab", "red", "auto 50%", "red 50%", "bold", "b reverse", "initial", "ansi_red", "none", "transparent"]
toml_values = st.one_of(
    st.text(max_size=30), st.sampled_from(CSS_VALUES),
    st.integers(), st.floats(allow_nan=True), st.booleans())


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return {"nan": "nan", "inf": "inf", "-inf": "-inf"}.get(repr(value), repr(value))
    if isinstance(value, int):
        return str(value)
    return '"' + "".join(c if c.isalnum() or c in " #%()-,._;" else f"\\U{ord(c):08x}" for c in value) + '"'


@st.composite
def theme_files(draw) -> bytes:
    """Bytes anywhere from noise to a theme file one value away from a valid one."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    names = st.sampled_from(sorted(textual_variables()) + ["nope"])
    if draw(st.booleans()):  # (most random fields are refused: half the files get further)
        fields = {"primary": "#2e86ab", "dark": draw(st.booleans())}
        variables = draw(st.dictionaries(names, st.sampled_from(CSS_VALUES), max_size=4))
    else:
        fields = draw(st.dictionaries(toml_keys, toml_values, max_size=8))
        variables = draw(st.dictionaries(names, toml_values, max_size=4))
    text = "".join(f'"{key}" = {_toml(value)}\n' for key, value in fields.items() if key != "variables")
    if variables:
        text += "[variables]\n" + "".join(f'"{key}" = {_toml(value)}\n' for key, value in variables.items())
    return text.encode()


@settings(max_examples=300, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(content=theme_files())
def test_the_loader_never_raises_whatever_the_file_holds(tmp_path, content):
    write(tmp_path, "any.toml", content)
    loaded, problems = load_user_themes(tmp_path, RESERVED)
    event("loaded" if loaded else "skipped")  # (--hypothesis-show-statistics: both happen)
    assert len(loaded) + len(problems) >= 1
    assert all(problem.startswith("any.toml: ") for problem in problems)
    for theme in loaded:  # what was taken, Textual takes too
        theme.to_color_system().generate()
        Color.parse(theme.primary)


# -- the app ---------------------------------------------------------------------------------------


async def test_the_app_registers_a_user_theme_and_the_palette_offers_it(themes, demo_repo):
    write(themes, "ocean.toml", OCEAN)
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.user_themes == ["ocean"]
        assert not [n for n in app._notifications if n.severity == "warning"]
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert [t for t in titles if t.startswith("Theme: ")] == [
            "Theme: relance-contrast", "Theme: relance-dark", "Theme: relance-light", "Theme: ocean"]

        # chosen in the palette, as a person would
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, RelanceCommandPalette)
        await pilot.press(*"Theme: ocean")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == "ocean"
        assert app.current_theme.primary == "#2e86ab"
        assert app.screen.styles.background == Color.parse("#0b1d26")  # (what is drawn)
        assert app.theme_variables["text-muted"] == "#8fb3c4"
        assert app.theme_variables["footer-background"] == "red 50%"
    # the choice is kept in the config file, and taken at the next start
    assert (themes.parent / "config.toml").read_text(encoding="utf-8") == 'theme = "ocean"\n'
    from store import config

    config.use(None)
    again = make_app(Repository(demo_repo.path, today=TODAY), offer_reviews=False)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.theme == "ocean" and again.screen.styles.background == Color.parse("#0b1d26")


async def test_a_user_theme_named_in_the_config_file_is_the_theme_at_start_up(themes, demo_repo):
    """The wanted theme is looked up after the user's themes are registered."""
    write(themes, "paper.toml", 'primary = "#005f87"\nbackground = "#fffff0"\ndark = false\n')
    write(themes.parent, "config.toml", 'theme = "paper"\n', mode=0o600)
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "paper" and not app.current_theme.dark
        assert app.screen.styles.background == Color.parse("#fffff0")
        assert not [n.message for n in app._notifications if n.severity == "warning"]


async def test_a_user_theme_in_the_data_files_settings_is_the_theme_at_start_up(themes, demo_repo):
    """(where relance kept the theme before the config file, still read when it names none)"""
    write(themes, "ocean.toml", OCEAN)
    write(themes, "paper.toml", 'primary = "#005f87"\nbackground = "#fffff0"\ndark = false\n')
    demo_repo.set_settings({"theme": "paper"})
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "paper" and not app.current_theme.dark
        assert app.screen.styles.background == Color.parse("#fffff0")
        assert not any("paper" in n.message for n in app._notifications)


async def test_invalid_files_are_skipped_and_named_in_one_warning(themes, demo_repo):
    write(themes, "ocean.toml", OCEAN)
    write(themes, "colour.toml", 'primary = "#2e86ab"\nsurface = "sea green"\n')
    write(themes, "field.toml", 'primary = "#2e86ab"\nshade = 2\n')
    write(themes, "syntax.toml", 'primary = "#2e86ab"\n\nname = "broken\n')
    write(themes, "clash.toml", 'name = "relance-light"\nprimary = "#2e86ab"\n')
    write(themes, "shared.toml", 'primary = "#2e86ab"\n', mode=0o666)
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.user_themes == ["ocean"]
        [said] = [n for n in app._notifications if n.severity == "warning"]
        lines = said.message.splitlines()
        assert lines[0] == f"Theme files skipped, in {themes}:"
        assert lines[1:] == [
            'clash.toml: name: "relance-light" is the name of a built-in theme; choose another',
            'colour.toml: surface: "sea green" is not a colour (e.g. "#5fafd7", "red", "rgb(95, 175, 215)", "hsl(200, 60%, 61%)")',
            "field.toml: shade: not a field of a theme (they are: accent, background, boost, dark, error, foreground, "
            "luminosity_spread, name, panel, primary, secondary, success, surface, text_alpha, variables, warning)",
            "shared.toml: other users may change it (mode 666): not read; chmod go-w shared.toml makes it yours alone",
            "syntax.toml: line 3, column 15: not valid TOML: Illegal character '\\n'",  # (tomllib's words)
        ]
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme: ocean" in titles and not any(name in " ".join(titles) for name in ("colour", "field", "syntax"))


async def test_many_problems_are_counted_past_the_first_ones(themes, demo_repo):
    for number in range(12):
        write(themes, f"bad{number:02}.toml", "primary = 1\n")
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        [said] = [n.message for n in app._notifications if n.severity == "warning"]
        assert len(said.splitlines()) == 1 + 8 + 1 and said.endswith("…and 4 more.")


async def test_whatever_variable_value_the_loader_takes_textual_draws(themes, demo_repo):
    """The loader's check of a variable's value stands for Textual's CSS parser: a value it
    lets through never makes the stylesheets fail when the theme is switched to (which
    would end the app). One theme per value, with every variable the loader takes it for."""
    from themes.user_themes import _theme

    def taken_for(name: str, value: str) -> bool:
        text = f'primary = "#2e86ab"\n[variables]\n{name} = "{value}"\n'
        return _theme(text, "t.toml", "t", RESERVED, {})[0] is not None

    taken = {}
    for number, value in enumerate(CSS_VALUES):
        names = [name for name in textual_variables() if taken_for(name, value)]
        taken[f"values{number}"] = len(names)
        write(themes, f"values{number}.toml", 'primary = "#2e86ab"\n[variables]\n'
              + "".join(f'{name} = "{value}"\n' for name in names))
    app = make_app(demo_repo, offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # (all but "transparent" everywhere: both backgrounds see-through, refused as a whole)
        assert app.user_themes == [theme.name for theme in load_user_themes(themes, RESERVED)[0]]
        assert sorted(taken) == sorted([*app.user_themes, "values9"]), [n.message for n in app._notifications]
        await pilot.press("e")  # (a form too: its inputs use the cursor and selection variables)
        await settle(pilot)
        for name in app.user_themes:
            app.theme = name
            await settle(pilot)
            assert app.theme == name and app.is_running
    assert app.return_code in (None, 0)
    assert min(taken.values()) > 0


@pytest.mark.parametrize("readme,heading", [("README.md", "## Your own themes"), ("README.fr.md", "## Vos propres thèmes")])
def test_the_readme_example_is_a_valid_theme_file(tmp_path, readme, heading):
    text = (Path(__file__).resolve().parent.parent / readme).read_text(encoding="utf-8")
    example = text.split(heading + "\n", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    write(tmp_path, "ocean.toml", example)
    [theme], problems = load_user_themes(tmp_path, RESERVED)
    assert problems == [] and theme.name == "ocean" and theme.variables["text-muted"] == "#8fb3c4"


def test_the_problems_are_said_in_the_language_in_use(tmp_path):
    from store.i18n import set_language

    write(tmp_path, "bad.toml", "dark = true\n")
    set_language("fr")
    _loaded, [problem] = load_user_themes(tmp_path, RESERVED)
    assert problem.startswith("bad.toml\u00a0: primary\u00a0: absent (la couleur principale du thème")
