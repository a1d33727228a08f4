"""One translation function for every user-facing sentence.

Sentences are whole, with named placeholders, so that a catalogue
(``store/locale/fr/LC_MESSAGES/relance.po``, the French one) translates them
without touching the code that shows them::

    _("{field}: expected a date as YYYY-MM-DD, got {value!r}.").format(...)

Nothing is translated when a module is imported: a text defined ahead (a key's
description, a column title, a form label) is marked with :func:`N_`, which
returns it as it is, and translated with :func:`_` where it is shown. So the
language can change while the dashboard runs (:func:`set_language`, from the
settings' ``language``). Extraction tools find both markers: Babel knows ``N_``
by default, ``xgettext`` with ``--keyword=N_ --keyword=pgettext:1c,2 --keyword=npgettext:1c,2,3``. A test
(tests/test_i18n.py) fails if a call to ``_``, ``ngettext`` or ``pgettext`` is
evaluated at import time.
"""

from __future__ import annotations

import gettext
import io
import os
from pathlib import Path

#: the catalogues: ``<language>/LC_MESSAGES/relance.po`` (kept in the repository) and its
#: compiled ``.mo`` (written by ./dev.sh with Babel; compiled in memory when missing or
#: older than the ``.po``, as after ``pip install .``: ~55 ms, French only)
_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: the environment variables gettext reads to choose a language, in its order
_ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
#: the language of the code's own text: no catalogue
SOURCE_LANGUAGE = "en"


def locale_dir() -> Path:
    """Where the catalogues are: ``RELANCE_LOCALEDIR`` when set (a catalogue not
    installed yet, the tests' own), else ``store/locale/`` beside the code."""
    return Path(os.environ.get("RELANCE_LOCALEDIR") or _LOCALE_DIR)


def available(localedir: Path | None = None) -> tuple[str, ...]:
    """The languages relance speaks: English and every catalogue found, sorted."""
    where = localedir or locale_dir()
    found = {SOURCE_LANGUAGE}
    try:
        for entry in where.iterdir():
            folder = entry / "LC_MESSAGES"
            if (folder / "relance.po").is_file() or (folder / "relance.mo").is_file():
                found.add(entry.name)
    except OSError:
        pass
    return tuple(sorted(found))


def _candidates(code: str) -> list[str]:
    """``fr_FR.UTF-8@euro`` → ``fr_FR``, ``fr`` (the forms gettext tries)."""
    code = code.split(".")[0].split("@")[0].strip()
    if not code:
        return []
    return [code, code.split("_")[0]] if "_" in code else [code]


#: each language named in itself, as a choice of languages shows it (not translated:
#: "Français" is what a French reader looks for in an English list, and the reverse)
_NAMES = {"en": "English", "fr": "Français"}


def language_name(code: str) -> str:
    """``fr`` → ``Français``; a language without a name here is shown by its code."""
    return _NAMES.get(code, code)


def environment_languages() -> list[str]:
    """The languages the environment asks for, as gettext reads them: the first of
    LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set (LANGUAGE may list several, a:b);
    ``C`` or ``POSIX`` is the source language."""
    for name in _ENVIRONMENT:
        value = os.environ.get(name)
        if value:
            codes = value.split(":") if name == "LANGUAGE" else [value]
            found = [candidate for code in codes for candidate in _candidates(code)]
            return [SOURCE_LANGUAGE if code in ("C", "POSIX") else code for code in found]
    return []


def resolve(language: str | None, localedir: Path | None = None) -> str:
    """The language in use for ``language`` (a settings value; empty follows the
    environment, and so does one relance does not speak, left by a relance that had its
    catalogue): one of :func:`available`, English when nothing else is found."""
    where = localedir or locale_dir()
    known = available(where)
    wanted = [*_candidates(language or ""), *environment_languages()]
    for code in wanted:
        if code in known:
            return code
        if code == SOURCE_LANGUAGE:
            break
    return SOURCE_LANGUAGE


def _catalogue(language: str, where: Path) -> gettext.NullTranslations:
    """The compiled catalogue of ``language``: its ``.mo`` when it is as new as its
    ``.po``, else the ``.po`` compiled in memory with Babel."""
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    folder = where / language / "LC_MESSAGES"
    po, mo = folder / "relance.po", folder / "relance.mo"
    try:
        po_time = po.stat().st_mtime if po.is_file() else None
        if mo.is_file() and (po_time is None or mo.stat().st_mtime >= po_time):
            with mo.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        if po_time is not None:
            from babel.messages.mofile import write_mo
            from babel.messages.pofile import read_po

            with po.open("rb") as handle:
                catalogue = read_po(handle, locale=language)
            compiled = io.BytesIO()
            write_mo(compiled, catalogue)
            compiled.seek(0)
            return gettext.GNUTranslations(compiled)
    except (OSError, ValueError):  # a damaged catalogue: the code's own text, not a crash
        pass
    return gettext.NullTranslations()


_language = resolve(None)
_translation: gettext.NullTranslations = _catalogue(_language, locale_dir())
_applied: tuple = (_language, str(locale_dir()))
#: bumped at each change of catalogue: what caches translated text keys on it
_generation = 0


def set_language(language: str | None, localedir: str | Path | None = None) -> bool:
    """Switch the catalogue: ``language`` is a code such as ``fr``; ``None`` or ``""``
    follows the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), as gettext does.
    ``localedir`` defaults to :func:`locale_dir`. True when the catalogue changed
    (what is on screen is to be drawn again); the same choice again costs nothing."""
    global _translation, _applied, _generation, _language
    where = Path(localedir) if localedir else locale_dir()
    code = resolve(language, where)
    wanted = (code, str(where))
    if wanted == _applied:
        return False
    _translation = _catalogue(code, where)
    _applied = wanted
    _language = code
    _generation += 1
    return True


def language() -> str:
    """The language now in use (``en``, ``fr``): formats follow it."""
    return _language


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


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`pgettext` by a count: a word after a number ("2 identifiées")."""
    return _translation.npgettext(context, singular, plural, n)
