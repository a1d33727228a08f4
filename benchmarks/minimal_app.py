"""The baseline of the start-up figure: a Textual app that paints one Static."""

import os
import time

from textual.app import App, ComposeResult
from textual.widgets import Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("Hello")

    def on_mount(self) -> None:
        self.call_after_refresh(self.ready)

    def ready(self) -> None:
        with open(os.environ["RELANCE_READY_FILE"], "w", encoding="utf-8") as handle:
            handle.write(repr(time.monotonic()))
        self.exit()


if __name__ == "__main__":
    Minimal().run()
