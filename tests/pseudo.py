"""A pseudo-language, ``xx``, for finding text on screen that escapes the catalogue.

Its catalogue is made from the code's own marked texts (extracted with Babel, as the
French one is): every ASCII letter of a text becomes the same letter with an accent
(``Network`` → ``Ńéţŵöŕķ``), placeholders (``{count}``, ``%(prog)s``) and Rich/Textual
markup (``[b]``, ``[/]``) kept. A letter keeps its width, so screens lay out exactly as
in English (no text cut elsewhere), and a text cut or wrapped on screen is still
recognised in each of its pieces. So on a screen in ``xx``, two ASCII letters in a row
are either data (a name, a note) or a text that never went through the catalogue.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("store", "tui", "widgets", "themes")

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "àƀçďéƒĝĥîĵķĺɱñöƥʠŕšţüʋŵχýžÀƁÇĎÉƑĜĤÎĴĶĹϺÑÖƤǪŔŠŢÜƲŴΧÝŽ"
assert len(_PLAIN) == len(_ACCENTED)
PSEUDO = str.maketrans(_PLAIN, _ACCENTED)
#: what a translation keeps as it is: a placeholder, a %-format, Textual/Rich markup
_KEPT = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[a-z]|%[sdr]|\[/?[a-z@$#][^\[\]]*\]|\[/\]")


def pseudo(text: str) -> str:
    """``text`` in the pseudo-language: letters accented, placeholders and markup kept."""
    kept = _KEPT.finditer(text)
    out, at = [], 0
    for match in kept:
        out.append(text[at:match.start()].translate(PSEUDO))
        out.append(match.group())
        at = match.end()
    out.append(text[at:].translate(PSEUDO))
    return "".join(out)


def extract() -> list[tuple[str | tuple[str, str], str | None]]:
    """(msgid or (singular, plural), context) of every marked text in the code."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for _line, message, _comments, context in extract_from_file(
                    "python", str(path), keywords=DEFAULT_KEYWORDS):
                found.append((message, context))
    return found


def build_pseudo(localedir: Path, language: str = "xx") -> Path:
    """The ``xx`` catalogue, compiled, under ``localedir``; returns ``localedir``."""
    catalogue = Catalog(locale="en")  # (two plural forms: Babel gives French three)
    for message, context in extract():
        if isinstance(message, tuple):
            catalogue.add(message, tuple(pseudo(m) for m in message), context=context)
        elif message:
            catalogue.add(message, pseudo(message), context=context)
    folder = localedir / language / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "relance.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    return localedir


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)
