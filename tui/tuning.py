"""Speed and terminal tuning that leans on how Textual works inside: the one module that does.

Checked against Textual 8.2.8. Each function or class names the internal it relies on
and what it saves; tests/test_textual_internals.py fails if Textual changes any of them
(then remove the tuning, or adapt it, and measure again with ``python -m benchmarks``).
Also here: the garbage-collector policy, which the same frames depend on.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import TYPE_CHECKING

from textual import events
from textual.app import App

if TYPE_CHECKING:
    from textual.screen import Screen as _Screen
    from textual.theme import Theme
else:
    _Screen = object  # a mixin at run time; typed as the screens it is mixed into

# the garbage collector ------------------------------------------------------------------------

DEFAULT_GC_THRESHOLDS = gc.get_threshold()


def collect_at_rest_only() -> None:
    """Young objects are collected as usual (well under a millisecond a pass); full
    collections, which walk every object made since the data was frozen, wait for the
    app to call them when the keyboard rests (``release_closed_screens``, the file
    poll). Python's own remains as a backstop, after ~1,000 young passes instead of 10."""
    young, middle, _old = DEFAULT_GC_THRESHOLDS
    gc.set_threshold(young, middle, 1000)


def return_freed_memory() -> None:
    """Give the memory freed since back to the system (glibc's ``malloc_trim``; elsewhere
    nothing). A version of a 25 MB file read at each save from another session is freed
    once taken, but glibc keeps the freed heap: the dashboard's RSS climbed ~25 MB a save,
    to ~50 MB over its size at rest; trimming takes ~5 ms. Not after the dashboard's own
    saves, which leave no such heap: the pages given back would be taken again by the
    next save, and fresh pages cost this VM ~10 us each (see storage.py, ``_write``)."""
    global _trim
    if _trim is None:
        try:
            import ctypes

            _trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)


_trim = None


def default_collections() -> None:
    """Python's own thresholds again (the app is leaving)."""
    gc.set_threshold(*DEFAULT_GC_THRESHOLDS)


# the theme ------------------------------------------------------------------------------------


def registered_theme(app: App, name: str) -> Theme | None:
    """The theme of that name, without a copy. ``App.available_themes`` copies every
    registered theme into a new dict at each call, and ``App.get_theme`` calls it for each
    widget at each redraw (the dark/light pseudo-classes): ~4 ms a frame. Relies on
    ``App._registered_themes``, the dict ``register_theme`` fills."""
    return app._registered_themes.get(name)


def set_theme_before_css(app: App, name: str) -> bool:
    """Set the theme before the first CSS parse; False when it must be set the usual way.

    Setting ``App.theme`` queues a parse of every stylesheet again (~15 ms of each start);
    a dark theme, like the default one Textual set up in ``__init__``, needs only its name
    (the reactive, without its watcher), its ``-theme-`` class and its colours. Relies on
    what ``App._watch_theme`` does beyond that (the dark/light classes, the truecolor
    filter) being already right for a dark theme over Textual's dark default."""
    if not (app.available_themes[name].dark and app.current_theme.dark):
        return False
    app.set_reactive(App.theme, name)
    app.set_class(True, f"-theme-{name}", update=False)
    app.stylesheet.set_variables(app.get_css_variables())  # (nothing is parsed yet)
    return True


# closed screens -------------------------------------------------------------------------------


def release_style_caches() -> None:
    """Textual's ``StylesCache.get_inner_outer`` (textual._styles_cache) is an ``lru_cache``
    on a method, so it keeps the style caches of up to 1,024 widgets alive, closed forms'
    included (~65 a form): after fifteen saves the next frame took 100 ms instead of 20,
    the garbage collector walking them all. Emptied here, beside a full collection."""
    from textual._styles_cache import StylesCache

    clear = getattr(getattr(StylesCache, "get_inner_outer", None), "cache_clear", None)
    if clear is not None:
        clear()


class StyledOnce(_Screen):
    """Mixed into each relance screen, before Textual's ``Screen`` or ``ModalScreen``.

    When a new screen is shown, Textual styles every node of it again, though each was
    styled as it was mounted (no relance screen has CSS of its own: all of it is parsed
    at start-up, before anything is styled). And the screen's first layout sends the
    screen a Resize to the size it was just laid out at, which lays it all out and draws
    it a second time. Together they were a fifth of the time to open a form (edit form at
    10,000 contacts, key to first frame: 142 -> 113 ms), and every start paid them for the
    dashboard (~10 ms). A later resume (a theme changed meanwhile) and a Resize to a new
    size (the terminal's) are handled as Textual does.

    Relies on Textual calling a mixin's handler before ``Screen._on_screen_resume`` (the
    class order), on that handler restyling only when ``ScreenResume.refresh_styles``, and
    on ``Screen._on_resize`` being what ``prevent_default`` skips.
    """

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not getattr(self, "_shown_once", False):
            self._shown_once = True
            event.refresh_styles = False

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.outer_size:
            event.prevent_default()  # (Textual's own handler would lay the screen out again)


# the terminal, after a hang-up ----------------------------------------------------------------


def restore_terminal(app: App) -> None:
    """Best effort, for a SIGHUP sent to a live terminal: mouse reporting, the alternate
    screen and the cursor back to normal, the terminal modes as they were. Textual's own
    shutdown would block writing to a terminal that is gone; the modes it saved are the
    Linux driver's ``attrs_before`` (``App._driver``)."""
    import termios

    with contextlib.suppress(Exception):
        fd = sys.__stderr__.fileno()
        os.set_blocking(fd, False)
        os.write(fd, b"\x1b[?1000l\x1b[?1003l\x1b[?1015l\x1b[?1006l\x1b[?2004l\x1b[?1004l\x1b[?1049l\x1b[?25h")
    with contextlib.suppress(Exception):
        attrs = getattr(app._driver, "attrs_before", None)
        if attrs is not None:
            termios.tcsetattr(sys.__stdin__.fileno(), termios.TCSANOW, attrs)


# keys typed ahead (tui/typeahead.py) -------------------------------------------------------------

#: loop turns a settling key may take before it is let go (each turn runs what is ready;
#: a key's effects settle in a handful)
MAX_TURNS = 2000


def call_when_loop_idle(callback) -> None:
    """Call ``callback`` on the first turn of the event loop at which nothing else is ready
    to run: every task (each Textual widget and screen is one) waits for a message, a
    timer or a thread. Relies on asyncio's default loop keeping its ready callbacks in
    ``loop._ready`` (CPython's ``BaseEventLoop``); without it, after a few turns."""
    import asyncio

    loop = asyncio.get_running_loop()
    ready = getattr(loop, "_ready", None)

    def turn(count: int) -> None:
        busy = len(ready) > 0 if ready is not None else count < 8
        if busy and count < MAX_TURNS:
            loop.call_soon(turn, count + 1)
        else:
            callback()

    loop.call_soon(turn, 0)


def screen_waits_for_frame(screen) -> bool:
    """True while the screen holds callbacks for its next frame (``call_after_refresh``:
    Textual refreshes the key bar so after a focus change, a form may focus a field so).
    Relies on ``Screen._callbacks``. A layout still to make is not waited for: Textual's
    ``Input`` asks for one at each letter (its ``virtual_size``), and waiting for the frame
    made a 100-letter burst take 1.7 s instead of 25 ms; no key relance binds depends on it."""
    return any(not _redraws_the_key_bar(callback) for callback, _sender in getattr(screen, "_callbacks", ()))


def _redraws_the_key_bar(callback) -> bool:
    """``Screen.refresh_bindings``, which Textual queues so after a focus change: it redraws
    the key bar, and where a key goes does not depend on it (bindings are looked up at each
    key). Waiting a frame for it at every key made a 100-letter burst at 10,000 contacts
    take 85-256 ms instead of 85."""
    function = getattr(callback, "func", callback)
    return getattr(function, "__name__", "") == "refresh_bindings"


#: what may follow ESC in a sequence Textual reads as one key: CSI and SS3 (arrows, function
#: keys, the mouse, a paste), ESC ESC, and alt+tab/backspace/b/f (shift+tab, word moves)
SEQUENCE_AFTER_ESCAPE = frozenset("[O]P\\\x1b\t\x7fbf")

#: the escape key as the kitty keyboard protocol writes it, which Textual reads at once
KITTY_ESCAPE = "\x1b[27u"


def split_glued_escape(data: str) -> str:
    """``esc`` then ``3`` typed fast arrive in one read as ``ESC 3``, which Textual reads as
    WezTerm's Option+3 ("£"); ``ESC n`` waits for more and then reads alt+n, or, if another
    ESC follows in the same read, a "^" and the letters typed. So an ESC followed, in the
    same read, by a character that starts no sequence is written as the escape key alone
    (``KITTY_ESCAPE``), then the character: what was typed. relance binds no alt key;
    alt+letter, which a terminal sends the same way, is read as esc then the letter, as
    vim does. A lone ESC at the end of a read still waits for what may follow, as before."""
    if "\x1b" not in data:
        return data
    parts = data.split("\x1b")
    out = [parts[0]]
    for index, part in enumerate(parts[1:], 1):
        last = index == len(parts) - 1
        if part and part[0] not in SEQUENCE_AFTER_ESCAPE:
            out.append(KITTY_ESCAPE + part)
        elif not part and not last:  # ESC ESC: left as Textual reads it
            out.append("\x1b")
        else:
            out.append("\x1b" + part)
    return "".join(out)


def read_glued_escapes_apart() -> None:
    """Install ``EscapeSplitter`` in front of the Linux driver's parser. Relies on
    ``textual.drivers.linux_driver`` making its ``XTermParser`` at each start from the module's
    name, on the driver calling the parser's ``tick`` at least every 0.1 s, and on the parser
    reading ``ESC [ 27 u`` as the escape key (``_parse_extended_key``)."""
    from textual.drivers import linux_driver

    if getattr(linux_driver.XTermParser, "splits_glued_escapes", False):
        return
    linux_driver.XTermParser = escape_splitter()


def escape_splitter():
    """The parser class: Textual's, with ``split_glued_escape`` before it and a lone ESC at
    the end of a read held back until the next read says what it was. Over SSH, esc then
    a key typed 20-60 ms apart arrive in two reads; Textual, waiting ``ESCDELAY`` (100 ms)
    for the rest of a sequence, read them as alt+key, or dropped the escape and stored a "^"
    in a name. Held here, the ESC joins the next read when that read goes on with a sequence
    (an arrow key cut in two), and is the escape key otherwise (a read of one character
    included: a key typed), or after ``ESCDELAY`` without any."""
    import time

    from textual import constants
    from textual._xterm_parser import XTermParser

    class EscapeSplitter(XTermParser):
        splits_glued_escapes = True
        #: when a lone ESC ending a read was held back (None: none is)
        held_since: float | None = None

        def feed(self, data: str):
            if self.held_since is not None and data:
                self.held_since = None
                # one character alone in the next read was typed (a terminal writes a
                # sequence in one go): esc then "O" or "[" typed fast is not the start of one
                data = (KITTY_ESCAPE if len(data) == 1 and data != "\x1b" else "\x1b") + data
            text = split_glued_escape(data)
            if text.endswith("\x1b") and data:
                text = text[:-1]
                if text.endswith("\x1b") and not text.endswith("\x1b\x1b"):
                    text = text[:-1] + KITTY_ESCAPE  # (esc esc: the first one is a key)
                self.held_since = time.monotonic()
                if not text:
                    return iter(())  # ("" would tell the parser the input ended)
            elif not data and self.held_since is not None:  # the end: the escape was a key
                self.held_since = None
                text = KITTY_ESCAPE
                return self._then_end(text)
            return super().feed(text)

        def _then_end(self, text: str):
            yield from super().feed(text)
            yield from super().feed("")

        def tick(self):
            if self.held_since is not None and time.monotonic() - self.held_since >= constants.ESCAPE_DELAY:
                self.held_since = None
                yield from super().feed(KITTY_ESCAPE)
            yield from super().tick()

    return EscapeSplitter
