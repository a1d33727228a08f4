"""Where the consultant's data file lives."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_path() -> Path:
    """``$XDG_DATA_HOME/relance/relance.json``, else ``~/.local/share/relance/relance.json``."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "relance" / "relance.json"


def _expanded(text: str, where: str) -> Path:
    """``text`` with a leading ``~`` or ``~user`` made a home folder; a user this machine
    does not know is said in one line (Python raises RuntimeError)."""
    try:
        return Path(text).expanduser()
    except RuntimeError:
        from .errors import UnsafeFileError
        from .fmt import shown
        from .i18n import _

        raise UnsafeFileError(_("{where}: {value} names the home folder of a user this machine does not know.").format(
            where=where, value=shown(text))) from None


def resolve_data_path(option: str | None) -> Path:
    """``--data``, else ``RELANCE_DATA``, else the config file's ``data``, else the XDG default."""
    if option:
        return _expanded(option, "--data")
    env = os.environ.get("RELANCE_DATA")
    if env:
        return _expanded(env, "RELANCE_DATA")
    from .config import current

    return current().data_path() or default_data_path()


def config_dir() -> Path:
    """``$XDG_CONFIG_HOME/relance``, else ``~/.config/relance``: the person's preferences
    (config.toml, themes/), kept apart from the data they are about."""
    base = os.environ.get("XDG_CONFIG_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".config"
    return root / "relance"


def config_path() -> Path:
    """The config file: ``config.toml`` in :func:`config_dir`."""
    return config_dir() / "config.toml"


def themes_dir() -> Path:
    """The user's theme files: ``themes/*.toml`` in :func:`config_dir`."""
    return config_dir() / "themes"
