"""One translation function for every user-facing sentence.

Sentences are whole, with named placeholders, so that a French catalogue
(``locale/fr/LC_MESSAGES/relance.mo``) can be added without touching the
code that shows them::

    _("{field}: expected a date as YYYY-MM-DD, got {value!r}.").format(...)

Nothing is translated when a module is imported: a text defined ahead (a key's
description, a column title, a form label) is marked with :func:`N_`, which
returns it as it is, and translated with :func:`_` where it is shown. So the
language can change while the dashboard runs (:func:`set_language`, from the
settings' ``language``). Extraction tools find both markers: Babel knows ``N_``
by default, ``xgettext`` with ``--keyword=N_ --keyword=pgettext:1c,2``. A test
(tests/test_i18n.py) fails if a call to ``_``, ``ngettext`` or ``pgettext`` is
evaluated at import time.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
#: the environment variables gettext reads to choose a language, in its order
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def locale_dir() -> Path:
    """Where the catalogues are: ``RELANCE_LOCALEDIR`` when set (a catalogue not
    installed yet, the tests' own), else ``locale/`` beside the code."""
    return Path(os.environ.get("RELANCE_LOCALEDIR") or _LOCALE_DIR)


def _wanted(language: str | None, localedir: Path) -> tuple:
    """What a catalogue is chosen from: no language follows the environment."""
    chosen = (language,) if language else tuple(os.environ.get(name) for name in _ENVIRONMENT)
    return (chosen, str(localedir))


_translation: gettext.NullTranslations = gettext.translation("relance", localedir=locale_dir(), fallback=True)
_applied = _wanted(None, locale_dir())
#: bumped at each change of catalogue: what caches translated text keys on it
_generation = 0


def set_language(language: str | None, localedir: str | Path | None = None) -> bool:
    """Switch the catalogue: ``language`` is a code such as ``fr``; ``None`` or ``""``
    follows the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), as gettext does.
    ``localedir`` defaults to :func:`locale_dir`. True when the catalogue changed
    (what is on screen is to be drawn again); the same choice again costs nothing."""
    global _translation, _applied, _generation
    where = Path(localedir) if localedir else locale_dir()
    wanted = _wanted(language, where)
    if wanted == _applied:
        return False
    _translation = gettext.translation(
        "relance", localedir=where, languages=[language] if language else None, fallback=True
    )
    _applied = wanted
    _generation += 1
    return True


def generation() -> int:
    """A number that changes with the catalogue (a key for text kept drawn)."""
    return _generation


def N_(message: str) -> str:
    """Mark a text to translate where it is shown, not here (gettext's no-op marker)."""
    return message


def _(message: str) -> str:
    """Translate one whole sentence (a dictionary lookup: cheap enough for every paint).
    The empty text stays empty (gettext would give the catalogue's header)."""
    return _translation.gettext(message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a word whose meaning depends on ``context`` (``May`` the month, abbreviated)."""
    return _translation.pgettext(context, message)
