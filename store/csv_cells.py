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

#: a cell may be longer than the csv module's 131,072 characters (a note pasted from a
#: mail thread, a photo in base64): the row is read and its field refused by the contact
#: rules as a warning, instead of the whole file being refused. 16 MB bounds what one cell
#: may take in memory. (A process-wide setting: relance's readers are its only users.)
FIELD_SIZE_LIMIT = 16 * 1024 * 1024
csv.field_size_limit(FIELD_SIZE_LIMIT)

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


def csv_rows(text: str, dialect: Any = csv.excel, whole: bool = True) -> Iterator[tuple[int, list[str]]]:
    """(the line a row begins on, its cells), as a text editor numbers lines: a row whose
    quoted cell spans lines is named by its first. The reader's own error (a cell over
    ``FIELD_SIZE_LIMIT``, a NUL...) is a one-line problem naming the line, not ``_csv.Error``;
    so is a quote never closed when ``text`` is the ``whole`` file (not its beginning)."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    # a quote never closed makes the reader take the rest of the file as one cell, without a
    # word: the last row (the one that reaches the file's last line) is scanned for it
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    last = breaks + (1 if text and text[-1] not in "\r\n" else 0) if whole else -1
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
        if reader.line_num == last and '"' in text:
            lines = io.StringIO(text, newline="").readlines()
            opened = _unclosed_quote(lines, first, getattr(dialect, "delimiter", ","))
            if opened:
                raise ValidationError("import", {"file": _(
                    "line {line}: a quote opened here is never closed; the rest of the file would be read "
                    "as one cell. Close it (\"), or double a quote meant as text (\"\").").format(line=opened)})
        yield first, cells


def _unclosed_quote(lines: Sequence[str], first: int, delimiter: str) -> int:
    """The line of the quote opening a cell of the row beginning on line ``first`` (of
    ``lines``) that runs to the end of the file without being closed; 0 when the row's
    quotes are all closed. The states are the csv module's, not strict: a quote opens a
    cell only at its start; inside, a doubled quote is a quote."""
    line, opened, state, previous = first, 0, "start", ""
    for char in "".join(lines[first - 1:]):
        if state == "quoted":
            state = "quote" if char == '"' else "quoted"
        elif char == '"' and state in ("start", "quote"):
            state, opened = "quoted", opened if state == "quote" else line  # ("" is a quote: the cell goes on)
        elif char in (delimiter, "\r", "\n"):
            state = "start"
        else:
            state = "field"
        if char == "\r" or (char == "\n" and previous != "\r"):
            line += 1
        previous = char
    return opened if state == "quoted" else 0


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
