"""Where the consultant's data file lives."""

from __future__ import annotations

import os
from pathlib import Path


def default_data_path() -> Path:
    """``$XDG_DATA_HOME/relance/relance.json``, else ``~/.local/share/relance/relance.json``."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "relance" / "relance.json"


def resolve_data_path(option: str | None) -> Path:
    """``--data``, else ``RELANCE_DATA``, else the XDG default."""
    if option:
        return Path(option).expanduser()
    env = os.environ.get("RELANCE_DATA")
    if env:
        return Path(env).expanduser()
    return default_data_path()
