"""The person's config file in the running dashboard (store/config.py): the theme, the
language, the date style and the keys it sets, applied at start-up and again when the
file changes (polled with the data file, one ``stat`` a second); the palette's choice of
theme written back to it, never to the data file.

Mixed into :class:`tui.app.RelanceApp`.
"""

from __future__ import annotations

import os

from store import config, fmt, i18n
from store.errors import RelanceError
from store.i18n import _

from . import keymap


def signature(path) -> tuple | None:
    """What tells a changed config file from the one applied (None: there is none)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size, st.st_ino


class Preferences:
    """The config file's options in force in the dashboard."""

    def start_preferences(self) -> str:
        """Before the first paint: the date style, the language and the theme to start with
        (returned; the data file's theme when the config says nothing, as before)."""
        conf = config.current()
        if conf.problems:  # (said in the language now in force, the data file's settings' maybe: ~4 ms)
            conf = config.load(conf.path, conf.flags)
            config.use(conf)
        self._config_signature = signature(conf.path)
        #: the problems already shown: the same ones are not notified again at each change
        self._config_problems_shown: tuple[str, ...] = ()
        fmt.set_date_style(conf.values["date_style"])
        i18n.prefer(conf.values["language"])
        theme, _source = self.configured_theme()
        #: the theme the config file (or the data file) holds: choosing it again writes nothing
        self._theme_saved = theme
        return theme

    def configured_theme(self) -> tuple[str, str]:
        """(the theme asked for, where it comes from): the config file, the environment or a
        flag, else the data file's settings (relance kept it there before)."""
        conf = config.current()
        source, detail = conf.sources["theme"]
        if source != config.DEFAULT and conf.values["theme"]:
            where = conf.where(int(detail)) if source == config.CONFIG_FILE and detail else detail
            return conf.values["theme"], where
        return self.repository.settings().theme or "", _(config.DATA_FILE)

    def mount_preferences(self) -> None:
        """When mounted: the keys, then what was wrong in the config file, once."""
        self.apply_keymap(config.current())

    def apply_keymap(self, conf: config.Config) -> None:
        problems = list(conf.problems)
        applied: dict[str, str] = {}
        if conf.keymap:
            checked = keymap.check(conf.keymap, conf.keymap_lines, str(conf.path))
            applied = checked.keymap
            problems = sorted(problems + checked.problems, key=keymap.line_number)  # (in the file's order)
        keymap.use(applied)
        self.set_keymap(applied)
        if problems and tuple(problems) != self._config_problems_shown:
            # (markup=False: the lines quote the file, "[keymap]" included)
            self.notify("\n".join(problems), title=_("Your config file"), severity="warning", timeout=15,
                        markup=False)
        self._config_problems_shown = tuple(problems)

    def poll_config(self) -> None:
        """The config file changed (edited in another terminal): everything it sets applied again."""
        conf = config.current()
        now = signature(conf.path)
        if now == self._config_signature:
            return
        self._config_signature = now
        conf = config.load(conf.path, conf.flags)
        config.use(conf)
        redraw = i18n.prefer(conf.values["language"])
        before = i18n.generation()
        fmt.set_date_style(conf.values["date_style"])
        self.apply_keymap(conf)
        theme, _where = self.configured_theme()
        if theme and theme != self.theme and theme in self.available_themes:
            self._theme_saved = theme
            self.theme = theme
        if redraw or i18n.generation() != before:
            self.dashboard.retranslate()
            self.refresh_views()
        self.dashboard.refresh_bindings()

    def unknown_theme_notice(self, theme: str, where: str) -> None:
        self.notify(_("The theme {name!r} ({where}) is not one relance knows: {used} is used. "
                      "ctrl+p, then “theme”, to choose one.").format(name=theme, where=where, used=self.theme),
                    severity="warning", timeout=10, markup=False)

    # the theme and the language chosen in the palette ---------------------------------------------------

    def save_theme(self, theme: str) -> None:
        """Write the theme just chosen to the config file (a thread: an fsync), not to the data
        file: no data written, no backup made."""
        if theme == self._theme_saved:
            return
        self._theme_saved = theme
        self.save_option("theme", theme)

    def switch_language(self, code: str) -> None:
        """The palette's choice of language: everything drawn again in it at once, then saved
        where the language in force came from: the config file when it names one (or a flag or
        the environment did: the config file then, for the next start), else the data file's
        settings, as before there was a config file (``refresh_views`` puts the saved one back
        if that save fails)."""
        source = config.current().sources["language"][0]
        if source != config.DEFAULT:
            if i18n.prefer(code):
                self.dashboard.retranslate()
            self.save_option("language", code)
            return
        if i18n.set_language(code):
            self.dashboard.retranslate()
        self.store_job(lambda: self.repository.set_settings({"language": code}), lambda _settings: self.refresh_views())

    def save_option(self, name: str, value: str) -> None:
        self.run_worker(lambda: self._write_option(name, value), thread=True, group=f"config-{name}", exclusive=True)

    def _write_option(self, name: str, value: str) -> None:
        conf = config.current()
        try:
            path = config.write_option(name, value, conf.path)
        except (RelanceError, OSError, ValueError) as err:
            reason = err if isinstance(err, RelanceError) else (getattr(err, "strerror", None) or err)
            self.call_from_thread(self.notify, _("Used now, but not saved in your config file: {reason}").format(
                reason=reason), severity="warning", timeout=10, markup=False)
            return
        self._config_signature = signature(path)
        conf.values[name] = value
        source, detail = conf.sources[name]
        if source in (config.ENVIRONMENT, config.FLAG):
            self.call_from_thread(self.notify, _("Saved in {path}; {where} still chooses it when relance "
                                                 "starts.").format(path=path, where=detail), timeout=8, markup=False)
        else:
            conf.sources[name] = (config.CONFIG_FILE, "")
