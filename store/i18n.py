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
import re
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


#: what a catalogue's text must not hold: a terminal's commands (C0 but tab and line
#: feed, DEL, C1); an entry holding one is left out (its English is shown)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: why the catalogue of the language asked for could not be read ("" when it was), and
#: that language, for ``relance doctor``
problem = ""
problem_language = ""


def _compiled(language: str, po: Path, mo: Path) -> gettext.GNUTranslations:
    """The catalogue from its ``.mo`` when it is as new as its ``.po``, else from the
    ``.po`` compiled in memory with Babel. Raises on anything damaged."""
    po_time = po.stat().st_mtime if po.is_file() else None
    if mo.is_file() and (po_time is None or mo.stat().st_mtime >= po_time):
        try:
            with mo.open("rb") as handle:
                return gettext.GNUTranslations(handle)
        except Exception:  # a .mo cut short or damaged (an interrupted build): the .po, if any
            if po_time is None:
                raise
    if po_time is None:
        raise FileNotFoundError(str(po))
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _catalogue(language: str, where: Path) -> gettext.NullTranslations:
    """The catalogue of ``language``, or none (the code's own English) when it cannot be
    read: a damaged catalogue (cut short, an unknown charset, bytes that are no catalogue)
    must not stop relance. Why is kept in :data:`problem` for ``relance doctor``."""
    global problem, problem_language
    problem, problem_language = "", language
    if language == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    folder = where / language / "LC_MESSAGES"
    try:
        translation = _compiled(language, folder / "relance.po", folder / "relance.mo")
    except Exception as err:  # noqa: BLE001  (any damage: read as no catalogue, said by doctor)
        problem = f"{folder}: {type(err).__name__}: {err}"[:300]
        return gettext.NullTranslations()
    # (the compiled messages, a dict of the standard library's GNUTranslations)
    messages = getattr(translation, "_catalog", {})
    for key in [key for key, text in messages.items() if key and _CONTROL.search(text)]:
        del messages[key]
    return translation


class _Translated(str):
    """A translated text that remembers its English: formatting it with values its
    placeholders do not match (a catalogue edited by hand: a ``{name}`` the code does not
    pass, a brace left open) gives the English sentence rather than a traceback."""

    __slots__ = ()

    def format(self, *args, **kwargs) -> str:  # type: ignore[override]
        try:
            return str.format(self, *args, **kwargs)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return str.format(_SOURCES.get(self, self), *args, **kwargs)

    def __mod__(self, values) -> str:  # (argparse formats its texts with %)
        try:
            return str.__mod__(self, values)
        except (KeyError, IndexError, ValueError, TypeError):
            return str.__mod__(_SOURCES.get(self, self), values)


#: translated text → its English, for :class:`_Translated` (as many as the catalogue has)
_SOURCES: dict[str, str] = {}


def _kept(translated: str, source: str) -> str:
    """``translated``, formatting safely (see :class:`_Translated`); the English as it is."""
    if translated is source or translated == source:
        return translated
    _SOURCES.setdefault(translated, source)
    return _Translated(translated)


_language = resolve(None)
_translation: gettext.NullTranslations = _catalogue(_language, locale_dir())
_applied: tuple = (_language, str(locale_dir()))
#: the last request to :func:`set_language` (the language, the folder, the environment)
_asked: tuple = ("", str(locale_dir()), tuple(os.environ.get(name) for name in _ENVIRONMENT))
#: bumped at each change of catalogue: what caches translated text keys on it
_generation = 0
#: the language the person's config file (or --language, RELANCE_LANGUAGE) asks for: it
#: comes before the data file's settings, which every set_language call passes
_preferred = ""
#: the last language a caller asked for (the settings'), applied again when the preference changes
_requested: str | None = None


def prefer(language: str) -> bool:
    """Speak ``language`` whatever the data file's settings say ("": the settings again);
    True when the catalogue changed."""
    global _preferred
    _preferred = language or ""
    return set_language(_requested)


def set_language(language: str | None, localedir: str | Path | None = None) -> bool:
    """Switch the catalogue: ``language`` is a code such as ``fr``; ``None`` or ``""``
    follows the environment (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), as gettext does.
    ``localedir`` defaults to :func:`locale_dir`. True when the catalogue changed
    (what is on screen is to be drawn again); the same choice again costs nothing."""
    global _translation, _applied, _generation, _language, _asked, _requested
    _requested = language
    language = _preferred or language
    where = Path(localedir) if localedir else locale_dir()
    # (called after every save and every change from another session: the same request
    # again is answered without listing the catalogues' folder)
    asked = (language or "", str(where), tuple(os.environ.get(name) for name in _ENVIRONMENT))
    if asked == _asked:
        return False
    _asked = asked
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


def drawn_text_changed() -> None:
    """Something else than the catalogue changed how text is drawn (the config file's date
    style): what keeps text drawn draws it again."""
    global _generation
    _generation += 1


def generation() -> int:
    """A number that changes with the catalogue (a key for text kept drawn)."""
    return _generation


def N_(message: str) -> str:
    """Mark a text to translate where it is shown, not here (gettext's no-op marker)."""
    return message


def _(message: str) -> str:
    """Translate one whole sentence (a dictionary lookup: cheap enough for every paint).
    The empty text stays empty (gettext would give the catalogue's header)."""
    return _kept(_translation.gettext(message), message) if message else message


def ngettext(singular: str, plural: str, n: int) -> str:
    return _kept(_translation.ngettext(singular, plural, n), singular if n == 1 else plural)


def pgettext(context: str, message: str) -> str:
    """Translate a word whose meaning depends on ``context`` (``May`` the month, abbreviated)."""
    return _kept(_translation.pgettext(context, message), message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    """:func:`pgettext` by a count: a word after a number ("2 identifiées")."""
    return _kept(_translation.npgettext(context, singular, plural, n), singular if n == 1 else plural)
