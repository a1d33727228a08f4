"""``relance list``: the records of a kind as a table (or JSON), sorted by their first column."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from store.fields import Choice
from store.quantity_fields import DateField
from store.i18n import _
from store.models import MODELS

from .cli_commands import KIND_NAMES, _open, json_text


LIST_COLUMNS = {
    "contact": ("name", "company", "circle", "last_contact", "next_follow_up"),
    "target": ("name", "status", "decision_maker", "sector"),
    "opportunity": ("title", "organisation", "stage", "daily_rate", "expected_start"),
    "mission": ("client", "title", "source", "start", "end", "ended_on", "daily_rate", "days_per_week"),
    "interaction": ("date", "kind", "contact_uid", "summary"),
    "review": ("mission_uid", "created", "completed"),
    "time_off": ("start", "end", "note"),
}


def cmd_list(args: argparse.Namespace) -> int:
    """The records of a kind, sorted by their first column; read 2,000 at a time and kept
    as the cells shown (or the documents printed), not as 60,000 records."""
    kind = KIND_NAMES[args.kind]
    repo = _open(args)
    from store.rules import collation_key, collation_keys, fold, search_text

    needle = fold((getattr(args, "filter", "") or "").strip())
    columns = LIST_COLUMNS[kind]
    names: dict[str, str] = {}
    if not args.json:
        for column in columns:
            if column.endswith("_uid"):
                names.update(repo.labels(column[: -len("_uid")]))
    key = columns[0]
    # a reference shows the referenced record's name; any other field as the forms show it
    types = MODELS[kind].field_types()
    cells = [(column, (lambda uid: names.get(uid or "", "")) if column.endswith("_uid")
              else types[column].label if isinstance(types[column], Choice) else types[column].edit_text)
             for column in columns]
    found: list = []
    # (the columns from the lines when no other kind is named in them: 60,000 interactions'
    # values held beside their contacts' names took more memory than their records, a batch
    # at a time)
    quick = repo.columns(kind, columns) if not args.json and not needle and not names else None
    if quick is not None:  # (the values read from the lines: no record built)
        uids, rows_read = quick
        # a column at a time, each distinct value shown once (10,000 contacts have a few
        # hundred dates, two circles)
        shown_columns = []
        for (_column, show), values in zip(cells, zip(*rows_read) if rows_read else [() for _cell in cells]):
            seen: dict[Any, str] = {}
            shown_columns.append([seen[value] if value in seen else seen.setdefault(value, show(value)) for value in values])
        keys = collation_keys([str(value or "") for value in (next(zip(*rows_read)) if rows_read else ())])
        found = list(zip(keys, ([uid[:8], *cells_of] for uid, *cells_of in zip(uids, *shown_columns))))
    # a value of few distinct ones (a date, a choice) shown, and its sort key made, once: 60,000
    # interactions' dates each shown and keyed on its own held ~15 MB of copies
    few = [isinstance(types[column], (Choice, DateField)) for column in columns]
    memo: list[dict[Any, str]] = [{} for _column in columns]
    keys: dict[str, Any] = {}
    for batch in (repo.batches(kind) if quick is None else ()):
        for r in batch:
            if needle and needle not in search_text(r):
                continue
            if args.json:
                found.append(json_text(r.to_doc()).replace("\n", "\n "))
                continue
            row = [r.uid[:8]]
            for (column, show), shared, seen in zip(cells, few, memo):
                value = getattr(r, column)
                row.append((seen[value] if value in seen else seen.setdefault(value, show(value))) if shared else show(value))
            text = str(getattr(r, key) or "")
            if few[0]:
                sort_key = keys.get(text)
                if sort_key is None:
                    sort_key = keys[text] = collation_key(text)
            else:
                sort_key = collation_key(text)
            found.append((sort_key, row))
    out = sys.stdout
    if args.json:  # (as json_text writes the list: one record after the other, indented once)
        out.write("[\n " + ",\n ".join(found) + "\n]\n" if found else "[]\n")
        return 0
    found.sort(key=lambda item: item[0])
    # a reference's column is named for the record it shows (mission, not mission_uid)
    rows = [["uid", *(column.removesuffix("_uid") for column in columns)], *(row for _key, row in found)]
    widths = [min(40, max(map(len, cells_of))) for cells_of in zip(*rows)]
    # (one format for every row; a cell longer than its column cut with "…" first)
    line = "  ".join(f"{{:<{width}}}" for width in widths)
    cut = [i for i, cells_of in enumerate(zip(*rows)) if max(map(len, cells_of)) > widths[i]]
    # written 2,000 lines at a time: 60,000 lines, their text and its bytes held at once took ~15 MB
    for first in range(0, len(rows), 2000):
        lines = []
        for row in rows[first:first + 2000]:
            if cut:
                row = [cell if i not in cut or len(cell) <= widths[i] else cell[: widths[i] - 1] + "…" for i, cell in enumerate(row)]
            lines.append(line.format(*row).rstrip())
        out.write("\n".join(lines) + "\n")
    if not found:
        out.write((_("(no {kind} contains {text!r})").format(kind=kind, text=args.filter.strip()) if needle
                   else _("(no {kind} yet)").format(kind=kind)) + "\n")
    return 0
