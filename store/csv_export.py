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
    # (read 2,000 records at a time and kept as their cells: 30,000 contacts built at once
    # took 125 MB)
    rows = [(collation_key(record.label()), [spreadsheet_text(ftype.display(getattr(record, name)))
                                             for name, ftype in types.items()])
            for batch in repo.batches(model.KIND) for record in batch]
    rows.sort(key=lambda row: row[0])
    writer.writerows(row for _key, row in rows)
    return out.getvalue()
