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
    for record in sorted(repo.list(model.KIND), key=lambda r: collation_key(r.label())):
        writer.writerow([spreadsheet_text(ftype.display(getattr(record, name))) for name, ftype in types.items()])
    return out.getvalue()
