"""One kind of record as CSV, for a spreadsheet (``relance export csv``)."""

from __future__ import annotations

import csv
import io

from .csv_contacts import spreadsheet_text
from .models import MODELS
from .rules import collation_key


def write_csv(repo, table: str) -> str:
    """The records of ``table`` ("contacts"...) as CSV: a column per field of the contract,
    values as a form shows them."""
    model = next(model for model in MODELS.values() if table in (model.TABLE, model.KIND))
    types = model.field_types()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(list(types))
    header = out.getvalue()
    # (read 2,000 records at a time, each kept as its CSV line: 30,000 contacts built at
    # once took 125 MB, kept as their cells 101 MB)
    rows = []
    for batch in repo.batches(model.KIND):
        for record in batch:
            out.seek(0)
            out.truncate()
            writer.writerow([spreadsheet_text(ftype.display(getattr(record, name))) for name, ftype in types.items()])
            rows.append((collation_key(record.label()), out.getvalue()))
    rows.sort(key=lambda row: row[0])
    return header + "".join(line for _key, line in rows)
