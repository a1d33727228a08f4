"""KeyBar: the footer line of keys, drawn as one line of text.

Textual's ``Footer`` makes a widget per key and builds them all again whenever
the focus or the screen changes; with the dashboard's dozen keys that was ~10 ms
of styling at every change (three times per saved edit). This bar draws the same
keys, in the footer's colours, and a click on one presses it. The descriptions
are translated as the bar is drawn (marked ``N_`` in the bindings): the language can
change while the app runs.
"""

from __future__ import annotations

from functools import lru_cache

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from store.i18n import N_, _

#: Textual's own description of its command palette key (``ctrl+p``), listed here for the
#: catalogue: the bar translates it as it draws it, like the app's own keys
PALETTE = N_("palette")


@lru_cache(maxsize=64)
def _declared(screen_class: type) -> dict[str | None, int]:
    """The place of each binding id in the screen class's bindings, as declared."""
    order: dict[str | None, int] = {}
    for cls in reversed(screen_class.__mro__):
        for binding in cls.__dict__.get("BINDINGS", []):
            order.setdefault(getattr(binding, "id", None), len(order))
    return order


class KeyBar(Widget):
    """The shown keys of the focused widget and its screen; ``ctrl+p`` on the right."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
        }
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def keys(self) -> list[tuple[str, str, str, bool]]:
        """(key, how it is shown, description, enabled) of each key to show, once per action,
        the description in the language now in use."""
        shown: dict[str, tuple[str, str, str, bool]] = {}
        palette = None
        active = list(self.screen.active_bindings.values())
        # a key the person moved (config.toml's [keymap]) comes after the others in Textual's
        # map: the bar keeps the order the bindings are declared in, whatever their keys
        if self.app._keymap:
            declared = _declared(type(self.screen))
            active.sort(key=lambda item: declared.get(item[1].id, len(declared)) if item[0] is self.screen else -1)
        for _node, binding, enabled, _tooltip in active:
            if binding.key == self.app.COMMAND_PALETTE_BINDING and self.app.ENABLE_COMMAND_PALETTE:
                palette = (binding.key, self.app.get_key_display(binding), _(binding.description), enabled)
                continue
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding.key, self.app.get_key_display(binding), _(binding.description), enabled)
        keys = list(shown.values())
        if palette is not None:
            keys.append(palette)
        return keys

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        keys = self.keys()
        palette = keys.pop() if keys and keys[-1][0] == self.app.COMMAND_PALETTE_BINDING else None
        # Longer words (French: "Supprimer", "Agrandir") may not fit at 80 columns: first the
        # space after each description goes (the key's colour still parts them), then keys
        # from the right, so the palette's key, the way to every other action, always shows.
        gap = " "
        while keys and self._width(keys, palette, gap) > self.size.width:
            if gap:
                gap = ""
            else:
                keys.pop()
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for key, display, description, enabled in keys:
            self._append(line, key, display, description + gap, enabled, key_style, text_style)
        if palette is not None:  # at the right edge, as in Textual's footer
            key, display, description, enabled = palette
            room = self.size.width - line.cell_len - len(display) - len(description) - 3
            if room > 0:
                line.append(" " * room)
            self._append(line, key, display, description + " ", enabled, key_style, text_style)
        return line

    @staticmethod
    def _width(keys, palette, gap: str) -> int:
        shown = keys + ([palette] if palette else [])
        return sum(len(display) + len(description) + 2 + len(gap) for _k, display, description, _e in shown) + (
            len(gap) if palette else 0)

    @staticmethod
    def _append(line: Text, key: str, display: str, description: str, enabled: bool, key_style, text_style) -> None:
        click = Style.from_meta({"@click": f"app.simulate_key({key!r})"})
        dim = Style(dim=True) if not enabled else Style()
        line.append(f" {display} ", key_style + dim + click)
        line.append(description, text_style + dim + click)
