"""Public holidays kept on disk, one file per country, subdivision and year.

Importing the ``holidays`` package and building a country costs more than all
the rest of ``relance status`` (about 0.15 s); the dates do not change, so they
are computed once. The file name carries the package's version: an upgrade that
changes a rule is picked up.
"""

from __future__ import annotations

import functools
import json
import os
import stat
from datetime import date
from pathlib import Path


@functools.lru_cache(maxsize=1)
def _version() -> str | None:
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    infos = sorted(Path(spec.origin).parent.parent.glob("holidays-*.dist-info"))
    return infos[-1].name[len("holidays-"):-len(".dist-info")] if infos else None


def _folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".cache"
    return root / "relance" / "holidays"


def _private(st: os.stat_result, kind: int) -> bool:
    """The user's own file or folder (``kind``: ``stat.S_IFREG`` or ``S_IFDIR``), no link, and
    nobody else can write it."""
    return stat.S_IFMT(st.st_mode) == kind and st.st_uid == os.geteuid() and not st.st_mode & 0o022


def _trusted() -> bool:
    """The cache folder and ``relance/`` above it are the user's alone (or not made yet): with
    ``XDG_CACHE_HOME`` in a shared folder, another user could plant a year of holidays
    there (a month of no working day) or swap a file for a link. Otherwise no cache is used."""
    for folder in (_folder().parent, _folder()):
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            continue
        except OSError:
            return False
        if not _private(st, stat.S_IFDIR):
            return False
    return True


def _path(country: str, subdivision: str | None, year: int) -> Path | None:
    version = _version()
    if version is None or not _trusted():
        return None
    return _folder() / f"{country}-{subdivision or ''}-{year}-{version}.json"


def read(country: str, subdivision: str | None, year: int) -> dict[date, str] | None:
    path = _path(country, subdivision, year)
    if path is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd, encoding="utf-8") as file:
            if not _private(os.fstat(fd), stat.S_IFREG):
                return None
            raw = json.loads(file.read())
        return {date.fromisoformat(day): str(name) for day, name in raw.items()}
    except (OSError, ValueError, AttributeError):
        return None


def write(country: str, subdivision: str | None, year: int, days: dict[date, str]) -> None:
    path = _path(country, subdivision, year)
    if path is None:
        return
    try:
        from .files import make_private_dirs, replace_file

        make_private_dirs(path.parent)
        if not _trusted():  # (made by someone else between the look and the mkdir)
            return
        text = json.dumps({d.isoformat(): n for d, n in sorted(days.items())}, ensure_ascii=False)
        replace_file(path, text.encode("utf-8"))
    except OSError:
        pass  # a read-only home: computed again next time


def known(country: str, subdivision: str | None) -> bool:
    """A calendar of this country and subdivision was built before: they are valid codes
    (the settings' check need not import the package to know it)."""
    version = _version()
    if version is None:
        return False
    folder = _folder()
    if not _trusted():
        return False
    prefix = f"{country}-{subdivision or ''}-"
    try:
        return any(n.startswith(prefix) and n.endswith(f"-{version}.json") and n[len(prefix):].split("-")[0].isdigit()
                   for n in os.listdir(folder))
    except OSError:
        return False
