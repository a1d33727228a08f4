"""The cells of a CSV file as the contact readers (``csv_contacts.py``, ``linkedin.py``)
take them: rows with the line each begins on, a cell's text without the spreadsheet's
formula mark, the placeholders people type for "nothing", and the refusal of a file
that belongs to another importer."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from typing import Any

from .contact_rows import Row
from .errors import ValidationError
from .fmt import shown
from .i18n import _

#: a spreadsheet runs a cell beginning with one of these as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: what people (and some exports) write in a cell for "nothing": read as an empty cell,
#: so that a "-" in an e-mail column is no refused e-mail address
PLACEHOLDERS = frozenset({
    "-", "--", "---", "—", "–", "/", "?", "n/a", "n.a.", "n/d", "n.d.", "none", "(none)", "<none>",
    "null", "(null)", "nil", "nan", "#n/a", "néant", "aucun", "aucune", "keine", "k.a.", "k. a.",
})


#: the values Outlook writes in every row of a column the person never filled ("Normal"
#: sensitivity, "False" private, "0/0/00" birthday): no loss worth naming when not used
DEFAULTS = frozenset({"normal", "false", "faux", "unspecified", "non spécifié", "0/0/00", "0.0.00", "00/00/0000"})


class Rows(list):
    """The rows a reader returns (a list of :class:`Row`), and the headers of the columns
    that hold values but give no field: what the import's summary names as not used."""

    unused_columns: list[str]

    def __init__(self, rows: Sequence[Row] = (), unused_columns: Sequence[str] = ()):
        super().__init__(rows)
        self.unused_columns = list(unused_columns)


def spreadsheet_text(text: str) -> str:
    """A CSV cell a spreadsheet shows as the text it is: one that would start a formula
    (a name chosen by someone else: '=HYPERLINK(...)'; a phone: '+33 6 ...') is written after
    a ', the spreadsheet's mark for text. :func:`cell` takes the mark off when read back."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(cells: Sequence[str], index: int | None, placeholders: bool = True) -> str:
    """The text of a cell ("" past the row's end). A placeholder is "" unless
    ``placeholders`` is false (relance's own export: what it wrote is what was typed); a
    cell carrying the formula mark is the exported text itself, placeholder or not."""
    value = cells[index].strip() if index is not None and index < len(cells) else ""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]  # (the mark of spreadsheet_text)
    if placeholders and value.casefold() in PLACEHOLDERS:
        return ""
    return value


def header_label(text: str) -> str:
    """A header as it is looked up: no byte order mark, spaces collapsed, case folded."""
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def csv_rows(text: str, dialect: Any = csv.excel) -> Iterator[tuple[int, list[str]]]:
    """(the line a row begins on, its cells), as a text editor numbers lines: a row whose
    quoted cell spans lines is named by its first. The reader's own error (a cell over its
    131,072 characters, a NUL...) is a one-line problem naming the line, not ``_csv.Error``."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    while True:
        first = reader.line_num + 1  # (the reader yields [] for a blank line: counted too)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            problem = str(err)
            if "field larger than field limit" in problem:
                problem = _("a cell is longer than {limit:,} characters, more than any contact holds").format(
                    limit=csv.field_size_limit())
            raise ValidationError("import", {"file": _("line {line}: {problem}.").format(
                line=first, problem=shown(problem))}) from None
        yield first, cells


def sniff_dialect(text: str) -> Any:
    """The file's delimiter (comma, semicolon or tab): the one its header row has most of,
    outside quotes. The header decides, not the rows: a note full of commas in a file of
    semicolons (Excel's in France) fools a guess made on the whole text."""
    header = re.sub(r'"[^"]*"', "", text[:65536]).split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    return Dialect


def refuse_vcard(text: str) -> None:
    """A vCard given to a CSV reader is said to be one, with the command that reads it."""
    if re.match(r"\s*BEGIN:VCARD", text[:200], re.IGNORECASE):
        raise ValidationError("import", {"file": _(
            "it is a vCard file (BEGIN:VCARD), not a CSV: import it with `relance import vcard`.")})


def unused_columns(header: Sequence[str], used: set[int], rows: Sequence[tuple[int, list[str]]],
                   placeholders: bool = True) -> list[str]:
    """The headers of the columns no field takes that hold a value in some row (an
    empty column loses nothing and is not worth a word)."""
    waiting = {index for index, title in enumerate(header) if index not in used and title.strip()}
    found: set[int] = set()
    for _line, cells in rows:  # (one pass: Outlook's 90 columns, mostly empty, over thousands of rows)
        for index in [index for index in waiting if index < len(cells) and cells[index]]:
            value = cell(cells, index, placeholders).casefold()
            if value and value not in DEFAULTS:
                found.add(index)
                waiting.discard(index)
        if not waiting:
            break
    return [shown(" ".join(header[index].replace("\ufeff", "").split()), 60) for index in sorted(found)]
