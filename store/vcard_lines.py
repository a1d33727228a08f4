"""The lines of a vCard file, read the way real exporters write them rather than the way
the RFCs say they should (``store/vcard.py`` turns them into contacts).

What phones and mail clients do, and what is tolerated here:

- line ends: LF, CRLF, a lone CR, and the iPhone's CR CR LF (one line end: a line number
  is the one a text editor such as vim, or ``wc -l``, gives);
- folding: a line going on after a space or a tab (the space removed in 3.0 and 4.0, kept
  in 2.1, whose unfolding keeps it), and quoted-printable's soft line breaks (``=`` at
  the end of a line, vCard 2.1), joined before anything else is read;
- ``group.NAME;params:value``: Apple's ``item1.`` groups, parameters in vCard 2.1's bare
  form (``TEL;CELL;VOICE``, ``;QUOTED-PRINTABLE``) or ``KEY=value,value``, quoted or not;
- values in quoted-printable or base64, in the ``CHARSET`` given (UTF-8 when none,
  Windows-1252 when UTF-8 does not fit), decoded only for the properties that are used:
  a photo that is not base64 is never looked at;
- escapes: ``\\,`` ``\\;`` ``\\:`` ``\\\\`` (Google and Apple write ``http\\://``) and
  ``\\n`` (3.0 and 4.0), while an unescaped comma stays a comma (Gmail's ``FN``).

Nothing here raises on any text: what cannot be read is reported by the caller.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from .i18n import _

_LINE_END = re.compile(r"\r*\n|\r")
_NAME = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)")  # (Lotus writes X-LOTUS-CHILD_UID)
_QP_PARAM = re.compile(r";\s*(?:ENCODING\s*=\s*)?QUOTED-PRINTABLE\s*(?:;|$)", re.IGNORECASE)
_CARD_EDGE = re.compile(r"\s*(?:BEGIN|END)\s*:\s*VCARD\s*", re.IGNORECASE)
_VERSION_21 = re.compile(r"\s*VERSION\s*:\s*2\.1\s*", re.IGNORECASE)
_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}
_ESCAPES = {",": ",", ";": ";", ":": ":", "\\": "\\"}


@dataclass
class Property:
    """One property of a card as written: ``raw`` is its value still encoded and escaped."""

    line: int
    name: str  # upper case, without its group
    params: dict[str, list[str]] = field(default_factory=dict)  # keys upper case
    raw: str = ""

    def param(self, key: str) -> str:
        values = self.params.get(key) or [""]
        return values[0].strip()


def logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(the line number it begins on, the line unfolded) for each non-blank line."""
    # a line's pieces are joined once it is whole: a note of a thousand folded lines is
    # read in linear time; whether it is quoted-printable is known once its head is read
    start, pieces, quoted_printable, v21 = 0, [], None, False
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if pieces and quoted_printable and pieces[-1].endswith("=") and not _CARD_EDGE.fullmatch(line):
            pieces[-1] = pieces[-1][:-1]  # a soft line break: the value goes on, whatever the line starts with
            pieces.append(line)
            continue
        if pieces and line[:1] in (" ", "\t"):
            pieces.append(line if v21 else line[1:])
            if quoted_printable is None and ":" in pieces[-1]:
                quoted_printable = _is_quoted_printable("".join(pieces))
            continue
        if pieces:
            whole = "".join(pieces)
            yield start, whole
            v21 = bool(_VERSION_21.fullmatch(whole)) or (v21 and not _CARD_EDGE.fullmatch(whole))
        start, pieces = number, ([line] if line.strip() else [])
        quoted_printable = _is_quoted_printable(line) if ":" in line else None
    if pieces:
        yield start, "".join(pieces)


def _is_quoted_printable(line: str) -> bool:
    head = line.split(":", 1)[0] if ":" in line else ""
    return bool(_QP_PARAM.search(head))


def parse_line(number: int, line: str) -> Property | None:
    """The property a line holds, or None when it is none (no ``NAME:``)."""
    at = _colon(line)
    if at < 0:
        return None
    head, raw = line[:at], line[at + 1:]
    pieces = _split(head, ";", quotes=True)
    name = _NAME.fullmatch(pieces[0].strip())
    if not name:
        return None
    prop = Property(number, name.group(2).upper(), raw=raw)
    for piece in pieces[1:]:
        key, sep, value = piece.partition("=")
        if not sep:  # vCard 2.1's bare form: TEL;CELL;VOICE, NOTE;QUOTED-PRINTABLE
            key, value = ("ENCODING" if key.strip().upper() in _ENCODINGS else "TYPE"), key
        values = [v.strip().strip('"') for v in _split(value, ",", quotes=True)]
        prop.params.setdefault(key.strip().upper(), []).extend(v for v in values if v)
    return prop


def _colon(line: str) -> int:
    """Where the value begins: the first colon outside a quoted parameter (or the first
    colon at all, when a quote is never closed)."""
    quoted = False
    for at, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == ":" and not quoted:
            return at
    return line.find(":")


def _split(text: str, sep: str, quotes: bool = False) -> list[str]:
    """``text`` cut at each ``sep`` that is not escaped by a backslash (nor quoted, with
    ``quotes``); the escapes are kept, for ``unescape`` once the pieces are decoded."""
    pieces, current, quoted, escaped = [], [], False, False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\" and not quotes:
            escaped = True
        elif char == '"' and quotes:
            quoted = not quoted
        elif char == sep and not quoted:
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    return pieces


def unescape(text: str, v21: bool = False) -> str:
    """A text value's escapes undone (``\\n`` is a line break in 3.0 and 4.0 only); an
    escape that means nothing is kept as written."""
    def one(match: re.Match) -> str:
        char = match.group(1)
        if char in "nN" and not v21:
            return "\n"
        if char == "\\" and v21:  # (2.1 escapes ";" only: Android's 2.1 writes a backslash as it is)
            return match.group(0)
        return _ESCAPES.get(char, match.group(0))

    return re.sub(r"\\(.)", one, text, flags=re.DOTALL)


def decode(prop: Property, raw: str, warnings: list[str]) -> str:
    """A value (or a part of one) out of its transfer encoding and charset; what cannot be
    decoded is said in ``warnings`` (and left out, or read with replacement marks)."""
    encoding = prop.param("ENCODING").upper()
    charset = prop.param("CHARSET")
    if encoding == "QUOTED-PRINTABLE":
        data = _quoted_printable(raw, charset)
    elif encoding in ("B", "BASE64"):
        try:
            data = base64.b64decode(re.sub(r"\s+", "", raw), validate=True)
        except (binascii.Error, ValueError):
            warnings.append(_("{name}: not readable base64, left out.").format(name=prop.name))
            return ""
    else:
        return raw
    return _text(prop.name, data, charset, warnings)


def _codec(charset: str) -> str | None:
    try:
        return codecs.lookup(charset).name if charset else None
    except LookupError:
        return None


def _quoted_printable(raw: str, charset: str) -> bytes:
    # the file itself was decoded already: its characters go back to bytes in the
    # card's charset, so that "=E9" and a literal "é" mean the same
    try:
        data = raw.encode(_codec(charset) or "utf-8")
    except UnicodeEncodeError:
        data = raw.encode("utf-8")
    return re.sub(rb"=([0-9A-Fa-f]{2})|=$", lambda m: bytes([int(m.group(1), 16)]) if m.group(1) else b"", data)


def _text(name: str, data: bytes, charset: str, warnings: list[str]) -> str:
    codec = _codec(charset)
    if charset and codec is None:
        warnings.append(_("{name}: unknown charset {charset!r}, read as UTF-8.").format(name=name, charset=charset[:40]))
    try:
        return data.decode(codec or "utf-8")
    except UnicodeDecodeError:
        pass
    if codec in (None, "utf-8"):  # none given, or UTF-8 given wrongly: what Windows writes
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    warnings.append(_("{name}: not {charset} text, read with replacement marks.").format(
        name=name, charset=codec or "UTF-8"))
    return data.decode(codec or "utf-8", errors="replace")


def text_value(prop: Property, v21: bool, warnings: list[str]) -> str:
    """The whole value as text: an unescaped comma or semicolon is part of it."""
    return _lines(unescape(decode(prop, prop.raw, warnings), v21))


def parts(prop: Property, sep: str, v21: bool, warnings: list[str]) -> list[str]:
    """The value's parts (N's and ORG's ``;``, CATEGORIES' ``,``), each decoded as text."""
    return [_lines(unescape(decode(prop, raw, warnings), v21)) for raw in _split(prop.raw, sep)]


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
