"""One translation function for every user-facing sentence.

Sentences are whole, with named placeholders, so that a French catalogue
(``locale/fr/LC_MESSAGES/relance.mo``) can be added without touching the
code that shows them::

    _("{field}: expected a date as YYYY-MM-DD, got {value!r}.").format(...)
"""

from __future__ import annotations

import gettext
from pathlib import Path

_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
_translation: gettext.NullTranslations = gettext.translation(
    "relance", localedir=_LOCALE_DIR, fallback=True
)


def set_language(language: str | None) -> None:
    """Switch the catalogue (``None`` follows the environment: LANGUAGE, LANG...)."""
    global _translation
    languages = [language] if language else None
    _translation = gettext.translation(
        "relance", localedir=_LOCALE_DIR, languages=languages, fallback=True
    )


def _(message: str) -> str:
    """Translate one whole sentence."""
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """Translate a word whose meaning depends on ``context`` (``May`` the month, abbreviated)."""
    return _translation.pgettext(context, message)
