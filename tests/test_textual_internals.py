"""What tui/tuning.py relies on inside Textual (checked against 8.2.8) is still there and
still behaves so. When one of these fails after a Textual upgrade, the tuning it guards
must be adapted or removed, and its saving measured again (``python -m benchmarks``)."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.screen import Screen
from textual.theme import Theme

from themes import register_themes
from tui import tuning
from tui.tuning import StyledOnce


def test_registered_themes_is_the_dict_register_theme_fills():
    app = App()
    theme = Theme(name="probe", primary="#336699", dark=True)
    app.register_theme(theme)
    assert app._registered_themes["probe"] is theme
    assert tuning.registered_theme(app, "probe") is theme
    assert tuning.registered_theme(app, "nothing") is None
    # what it stands in for: the same themes, without the copy
    assert app.available_themes == app._registered_themes
    assert app.available_themes is not app._registered_themes


@pytest.mark.parametrize("name", ["relance-dark", "relance-contrast"])
def test_the_theme_set_before_the_css_is_the_theme_set_the_usual_way(name):
    fast, usual = App(), App()
    for app in (fast, usual):
        register_themes(app)
    if not fast.available_themes[name].dark:
        pytest.skip("only dark themes take the fast path")
    assert tuning.set_theme_before_css(fast, name)
    usual.theme = name
    assert fast.theme == usual.theme == name
    assert set(fast.classes) == set(usual.classes)
    assert fast.get_css_variables() == usual.get_css_variables()
    assert fast.current_theme is usual.current_theme or fast.current_theme == usual.current_theme


def test_a_light_theme_is_left_to_the_usual_way():
    app = App()
    register_themes(app)
    light = next(name for name, theme in app.available_themes.items() if not theme.dark and name.startswith("relance-"))
    assert not tuning.set_theme_before_css(app, light)


def test_the_style_cache_is_a_method_lru_cache_that_can_be_emptied():
    from textual._styles_cache import StylesCache

    cached = StylesCache.get_inner_outer
    assert cached.cache_info().maxsize == 1024
    tuning.release_style_caches()
    assert cached.cache_info().currsize == 0


async def test_the_linux_driver_keeps_the_terminal_modes_in_attrs_before():
    import inspect

    from textual.drivers.linux_driver import LinuxDriver

    app = App()
    assert hasattr(app, "_driver")
    driver = LinuxDriver(app)  # (needs a running loop)
    assert driver.attrs_before is None  # until the app takes the terminal
    # filled then with the modes the terminal had, put back when the app leaves
    source = inspect.getsource(LinuxDriver)
    assert "self.attrs_before = termios.tcgetattr" in source
    assert "termios.tcsetattr(self.fileno, termios.TCSANOW, self.attrs_before)" in source


async def test_a_screen_is_styled_once_and_laid_out_once_when_first_shown(monkeypatch):
    """Textual restyles a screen when it is first shown and sends it a Resize to the size it
    was just laid out at; ``StyledOnce`` skips both, and handles a real resize as Textual does."""
    restyled: list[str] = []
    resized: list[str] = []
    original_resize = Screen._on_resize

    class Plain(Screen):
        def update_node_styles(self, animate: bool = True) -> None:
            restyled.append(type(self).__name__)
            super().update_node_styles(animate)

    class Once(StyledOnce, Plain):
        pass

    async def on_resize(self, event):
        resized.append(type(self).__name__)
        await original_resize(self, event)

    monkeypatch.setattr(Screen, "_on_resize", on_resize)
    app = App()
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(Plain())
        await pilot.pause()
        await app.push_screen(Once())
        await pilot.pause()
        assert "Plain" in restyled and "Plain" in resized  # what Textual does, and what it costs
        assert "Once" not in restyled and "Once" not in resized
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        assert "Once" in resized


# keys typed ahead (tui/typeahead.py) ---------------------------------------------------------------


async def test_the_loop_is_idle_only_once_the_callbacks_ready_before_have_run():
    """``call_when_loop_idle`` waits for what is ready to run: asyncio's ``loop._ready``."""
    import asyncio

    loop = asyncio.get_running_loop()
    assert hasattr(loop, "_ready")
    order: list[str] = []
    done = asyncio.Event()

    def chain(n: int) -> None:  # work that keeps scheduling more work for a few turns
        order.append(f"work{n}")
        if n < 5:
            loop.call_soon(chain, n + 1)

    loop.call_soon(chain, 0)
    tuning.call_when_loop_idle(lambda: (order.append("idle"), done.set()))
    await asyncio.wait_for(done.wait(), 2)
    assert order == ["work0", "work1", "work2", "work3", "work4", "work5", "idle"]


async def test_a_focus_moves_on_a_later_turn_and_a_screen_keeps_after_refresh_callbacks_in_callbacks():
    """Why the key gate exists (``Widget.focus`` moves the focus on the App's next turn) and
    what it watches (``Screen._callbacks``, which ``call_after_refresh`` fills)."""
    from textual.widgets import Input

    class Two(App):
        def compose(self):
            yield Input(id="one")
            yield Input(id="two")

    app = Two()
    async with app.run_test(size=(40, 10)) as pilot:
        await pilot.pause()
        app.query_one("#two").focus()
        assert app.focused.id == "one"  # not yet
        await pilot.pause()
        assert app.focused.id == "two"
        screen = app.screen
        assert isinstance(screen._callbacks, list)
        ran: list[bool] = []
        screen.refresh()  # (a frame to come: the callback waits for it)
        screen._invoke_later(lambda: ran.append(True), screen)
        assert tuning.screen_waits_for_frame(screen) and not ran
        await pilot.pause()
        assert ran and not tuning.screen_waits_for_frame(screen)
        # the key bar's refresh Textual queues after a focus change is not waited for
        import functools

        screen.refresh()
        screen._invoke_later(functools.partial(screen.refresh_bindings), screen)
        assert screen._callbacks and not tuning.screen_waits_for_frame(screen)


def test_the_select_internals_search_select_builds_on_are_there():
    """widgets/search_select.py (checked against 8.2.8): ``Select.compose`` yields a
    ``SelectCurrent`` and a ``SelectOverlay`` (the one it replaces with its own); the select
    keeps its options in ``_options`` (the blank one first) and puts them in the overlay in
    ``_setup_options_renderables`` (after which the overlay remembers them), the blank one
    as the dim prompt; picking an option sends ``UpdateSelection`` with its index in
    ``_options`` (what the filtered overlay maps its own index to); ``_watch_expanded``
    shows the list and highlights the value; ``SelectCurrent`` keeps its last label in
    ``label`` and shows it in its ``#label`` Static (where the text typed is shown); a
    handler of a message class and of its base both run unless ``prevent_default``."""
    import inspect

    from textual.widgets import Select
    from textual.widgets._select import SelectCurrent, SelectOverlay

    compose = inspect.getsource(Select.compose)
    assert "SelectCurrent(self.prompt)" in compose and "SelectOverlay(type_to_search=" in compose
    assert "data_bind" in compose
    setup = inspect.getsource(Select._setup_options_renderables)
    assert "Option(Text(self.prompt, style=\"dim\"))" in setup
    assert "for prompt, value in self._options" in setup and "option_list.add_options(options)" in setup
    assert "self._options[event.option_index][1]" in inspect.getsource(Select._update_selection)
    assert "self.UpdateSelection(event.option_index)" in inspect.getsource(
        SelectOverlay.on_option_list_option_selected)
    assert "overlay.select(index)" in inspect.getsource(Select._watch_expanded)
    assert "self.label = label" in inspect.getsource(SelectCurrent.update)
    assert "NonSelectableStatic(self.placeholder, id=\"label\")" in inspect.getsource(SelectCurrent.compose)
    from textual.message_pump import MessagePump

    assert "if message._no_default_action:" in inspect.getsource(MessagePump._get_dispatch_methods)


async def test_a_search_select_picks_the_option_filtered_not_the_one_at_its_index_in_the_full_list():
    """What the checks above guard, end to end: the second option shown is the fifth."""
    from widgets.search_select import SearchOverlay, SearchSelect

    class One(App):
        def compose(self):
            yield SearchSelect([(name, name) for name in ("Alice Zola", "Bruno", "Eric", "Zoé Durand")])

    app = One()
    async with app.run_test(size=(60, 20)) as pilot:
        select = app.query_one(SearchSelect)
        select.focus()
        await pilot.pause()
        await pilot.press("z", "o")
        overlay = select.query_one(SearchOverlay)
        assert [str(o.prompt) for o in overlay.options] == ["Alice Zola", "Zoé Durand"]
        overlay.highlighted = 1
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == "Zoé Durand" and not select.expanded


async def test_the_system_commands_relance_gives_in_its_language_are_textuals():
    """tui/textual_texts.py gives Textual's system commands with translated texts: a command
    Textual adds, renames or drops must be seen (it would show in English, or twice)."""
    from textual.app import App

    class Probe(App[None]):
        pass

    app = Probe()
    async with app.run_test():
        titles = {command.title for command in App.get_system_commands(app, app.screen)}
    assert titles <= {"Theme", "Quit", "Keys", "Minimize", "Maximize", "Screenshot"}
    assert {"Theme", "Quit", "Keys", "Screenshot"} <= titles


def test_the_palette_says_no_matches_in_the_method_relance_replaces():
    """RelanceCommandPalette replaces CommandPalette._start_no_matches_countdown, which
    holds Textual's "No matches found" and the option id the palette removes again."""
    import inspect

    from textual.command import CommandPalette

    source = inspect.getsource(CommandPalette._start_no_matches_countdown)
    assert '"No matches found"' in source and "self._NO_MATCHES" in source and "_no_matches_timer" in source
    assert hasattr(CommandPalette, "_stop_no_matches_countdown") and CommandPalette._NO_MATCHES_COUNTDOWN
