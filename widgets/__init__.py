"""Reusable widgets of relance (no persistence).

Names load lazily, like Textual's own ``widgets`` package: ``relance status``
imports :mod:`widgets.bars` (Rich only) without paying for Textual (~0.3 s).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .checklist import CheckList
    from .gauge import RevenueGauge
    from .keybar import KeyBar
    from .record_table import RecordTable
    from .textfields import LineInput, NoteArea

_WHERE = {"CheckList": ".checklist", "RecordTable": ".record_table", "RevenueGauge": ".gauge", "KeyBar": ".keybar",
          "LineInput": ".textfields", "NoteArea": ".textfields"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
