"""Keys typed ahead: each one handled, in order, where it would have gone if typed slowly.

Textual hands every key to the widget focused *when the App reads it*, while what a key
does often lands later: ``Widget.focus()`` moves the focus on the App's next turn, a
pushed screen mounts its fields and focuses the first one over several turns, a save
runs in a worker. Keys that arrive together (fast typing over SSH, a paste as keys,
tmux ``send-keys``, a macro) were read before that happened: ``1 n`` sent while pane 3
had the focus opened a new *mission*; ``n Jean Tab Acme`` typed at 20 ms a key gave the
name "JeanAcme"; ``n "Jean Rapide"`` left the new form empty.

So ``KeyGate`` lets one key (or paste) through, then holds the next ones until what the
first started has settled: every task of the event loop waits (nothing ready to run),
the screen has no callback waiting for its next frame, and no save or search started
by a key is still running in its thread. Then the next key goes, exactly as if typed
then. Keys that are not typed ahead pass at once: the first key of a burst is never
delayed, and a key typed alone costs one loop turn of bookkeeping.

A burst costs a few loop turns a key when nothing is waited for (a 100-letter burst into
a form field: 85-115 ms, against 25-50 ms dispatched without the gate; ``python -m
benchmarks`` measures it), and it is never held for ever: after ``SETTLE_LIMIT`` seconds
the next key goes anyway, or, behind a save, once the save could have waited for another
session's lock (``RELANCE_LOCK_TIMEOUT``) and given up.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING

from textual import events

from store import filelock

from . import tuning

if TYPE_CHECKING:
    from textual.app import App

#: the workers a key's effect waits for: a save (its form closes after it), the filter's
#: search (the table the next key moves in), the first read of the file at start-up
WAITED_GROUPS = frozenset({"store", "search", "load"})

#: the longest a key is held (seconds): then it goes even if something still runs
SETTLE_LIMIT = 3.0

#: ... but behind a save, as long as the save may wait for another session's lock, and
#: then some: a burst released into a form still saving (or onto the dashboard as it
#: closes) edited the record just saved and lost the next one ("n Alpha ctrl+s n Beta"
#: gave one contact, "Alphata": the "e" of Beta opened the edit form)
SAVE_MARGIN = 2.0

#: how often a running worker or a frame still to come is looked at again (seconds)
POLL = 0.004


class KeyGate:
    """One key at a time: the App sends each key (and paste) here first (``offer``)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.held: deque[events.Key | events.Paste] = deque()
        #: a key was let through and what it started has not settled yet
        self.busy = False
        self._released: events.Event | None = None
        self._since = 0.0

    def offer(self, event: events.Event) -> bool:
        """True when ``event`` is held (the App must not dispatch it now). Called with every
        event the App reads; only keys and pastes read from the terminal are concerned."""
        if not isinstance(event, (events.Key, events.Paste)) or event.is_forwarded:
            return False
        if event is self._released:
            self._released = None
        elif self.busy or self.held:
            self.held.append(event)
            return True
        self.busy = True
        self._since = time.monotonic()
        tuning.call_when_loop_idle(self._settled)
        return False

    def drop(self) -> int:
        """Forget the keys held (a save they were typed behind failed: they were meant for
        what comes after it, not for the form left open); how many there were."""
        count = len(self.held)
        self.held.clear()
        return count

    def _settled(self) -> None:
        """The event loop has nothing ready to run: the key's effects are done, unless the
        screen waits for its next frame or a worker still runs."""
        app = self.app
        running = self._workers_running()
        limit = filelock.timeout() + SAVE_MARGIN if "store" in running else SETTLE_LIMIT
        waiting = time.monotonic() - self._since < limit
        if waiting and (running or self._frame_pending()):
            app.set_timer(POLL, lambda: tuning.call_when_loop_idle(self._settled))
            return
        if not self.held:
            self.busy = False
            return
        queued = self.held.popleft()
        # a copy: the held event was dispatched to the App once already (and refused)
        fresh = (events.Key(queued.key, queued.character) if isinstance(queued, events.Key)
                 else events.Paste(queued.text))
        fresh.set_sender(app)
        self._released = fresh
        app.post_message(fresh)

    def _frame_pending(self) -> bool:
        try:
            screen = self.app.screen
        except Exception:  # no screen yet (start-up) or any more (leaving): nothing to wait for
            return False
        return tuning.screen_waits_for_frame(screen)

    def _workers_running(self) -> set[str]:
        return {worker.group for worker in self.app.workers
                if worker.group in WAITED_GROUPS and not worker.is_finished}
