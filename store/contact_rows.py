"""One contact as read from a file, before it is matched against the data
(``store/contact_import.py``): its line, its fields, or what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Row:
    """One contact read from a file: its line, the fields, or what is wrong with it."""

    line: int
    data: dict[str, Any] = field(default_factory=dict)
    #: what makes the row no contact at all (no name...): reported, the row skipped
    problem: str = ""
    #: what was read but cannot be kept (an unreadable date, a field the contact rules
    #: refuse): reported with the line, the contact imported without it
    warnings: list[str] = field(default_factory=list)
    #: the file of a folder the row comes from ("alice.vcf"; "" for the file itself): a
    #: folder of .vcf files is one import, and its rows' line numbers are each file's own
    source: str = ""

