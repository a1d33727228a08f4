"""``json.loads`` for text that comes from outside (a data file, an export, a backup).

The standard parser fails in two ways that are not a ``JSONDecodeError``: a value
nested deeper than Python's recursion limit (about 1,000 levels) raises
``RecursionError``, and an integer of more than 4,300 digits raises a bare
``ValueError`` (Python's limit on integer conversion). Both are turned into a
``JSONDecodeError`` with the line and column where it happens, so that every
caller says what is wrong, and where, in one line.

It also reads what it should not: an escaped lone surrogate (``"\\ud800"``, half of a
character) becomes a string that no UTF-8 file or terminal can hold, so that the next
save or print failed. That too is a ``JSONDecodeError`` here, with its place.
"""

from __future__ import annotations

import contextlib
import gc
import json
import re
import sys
from collections.abc import Iterator
from typing import Any

from .i18n import _

#: a string (skipped: its brackets do not count) or a bracket
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.S)
#: an integer past Python's limit (4,300 digits by default)
_LONG_NUMBER = re.compile(r"-?[0-9]{%d,}" % (sys.get_int_max_str_digits() + 1 if hasattr(sys, "get_int_max_str_digits") else 4301))


def _deepest(text: str) -> tuple[int, int]:
    """(the deepest nesting, where it is first reached)."""
    depth = deepest = where = 0
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest, where = depth, match.start()
        elif token in "]}":
            depth -= 1
    return deepest, where


#: the escape of a surrogate (half of a character), in text or bytes: rare, looked at closely
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE_BYTES = re.compile(rb"\\u[dD][89a-fA-F]")
#: an escape in a JSON string, in order (``\\\\`` is one: the "u" after it starts no escape)
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|.)", re.S)


def _lone_surrogate(text: str) -> int | None:
    """Where the first ``\\udXXX`` escape that is not half of a pair is, in JSON text that
    parsed: ``json.loads`` reads it into a string no UTF-8 can hold (writing it, printing
    it, would fail); None when there is none."""
    high = None  # (start, end) of a high surrogate's escape waiting for its low half
    for match in _ESCAPE.finditer(text):
        code = int(match.group(1), 16) if match.group(1) else -1
        low = 0xDC00 <= code <= 0xDFFF
        if high is not None:
            if low and match.start() == high[1]:
                high = None
                continue
            return high[0]
        if 0xD800 <= code <= 0xDBFF:
            high = (match.start(), match.end())
        elif low:
            return match.start()
    return high[0] if high is not None else None


def _text(data: str | bytes) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else data


def loads(data: str | bytes) -> Any:
    """``json.loads``: a ``JSONDecodeError`` for anything that is not JSON it can read (a
    lone surrogate escaped, ``"\\ud800"``, included), a ``UnicodeDecodeError`` for bytes
    that are not UTF-8."""
    try:
        value = json.loads(data)
        # (one regular-expression pass: ~1.5 ms for 5 MB, against ~20 ms for the parse)
        hint = (_SURROGATE_BYTES if isinstance(data, bytes) else _SURROGATE).search(data)  # type: ignore[arg-type]
        if hint is None:
            return value
        text = _text(data)
        where = _lone_surrogate(text)
        if where is None:
            return value
        raise json.JSONDecodeError(_("a lone surrogate {escape} (half of a character: no text can hold it)").format(
            escape=text[where:where + 6]), text, where)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise
    except RecursionError:
        text = _text(data)
        depth, where = _deepest(text)
        raise json.JSONDecodeError(_("nested too deeply ({depth} levels)").format(depth=depth), text, where) from None
    except ValueError:  # (an integer past Python's limit on digits)
        text = _text(data)
        match = _LONG_NUMBER.search(text)
        where = match.start() if match else 0
        digits = len(match.group().lstrip("-")) if match else 0
        raise json.JSONDecodeError(_("a number of {digits} digits, too long to read").format(digits=digits),
                                   text, where) from None


@contextlib.contextmanager
def no_gc() -> Iterator[None]:
    """Bulk loading makes hundreds of thousands of objects and no garbage: the cyclic
    garbage collector, triggered every 700 new objects, walked them all again and again
    (a third of the time of loading 10,000 contacts)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

