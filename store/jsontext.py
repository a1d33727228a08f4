"""``json.loads`` for text that comes from outside (a data file, an export, a backup).

The standard parser fails in two ways that are not a ``JSONDecodeError``: a value
nested deeper than Python's recursion limit (about 1,000 levels) raises
``RecursionError``, and an integer of more than 4,300 digits raises a bare
``ValueError`` (Python's limit on integer conversion). Both are turned into a
``JSONDecodeError`` with the line and column where it happens, so that every
caller says what is wrong, and where, in one line.
"""

from __future__ import annotations

import json
import re
import sys
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


def loads(data: str | bytes) -> Any:
    """``json.loads``: a ``JSONDecodeError`` for anything that is not JSON it can read,
    a ``UnicodeDecodeError`` for bytes that are not UTF-8."""
    try:
        return json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise
    except RecursionError:
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        depth, where = _deepest(text)
        raise json.JSONDecodeError(_("nested too deeply ({depth} levels)").format(depth=depth), text, where) from None
    except ValueError:  # (an integer past Python's limit on digits)
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        match = _LONG_NUMBER.search(text)
        where = match.start() if match else 0
        digits = len(match.group().lstrip("-")) if match else 0
        raise json.JSONDecodeError(_("a number of {digits} digits, too long to read").format(digits=digits),
                                   text, where) from None
