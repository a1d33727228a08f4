"""The export format (docs/DATA.md, "The export format"): everything a data file
holds as one JSON document, and the check of such a document before it is imported,
every problem named by table, index and field."""

from __future__ import annotations

import json
import reprlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any

from .errors import ValidationError
from .fmt import shown
from .i18n import _
from .layout import SCHEMA
from .models import MODELS, Record, Settings


def export_document(settings: Settings, records: Mapping[str, Mapping[str, Record]]) -> dict[str, Any]:
    """The export of ``settings`` and ``records`` (kind -> uid -> record)."""
    out: dict[str, Any] = {
        "format": "relance",
        "schema": SCHEMA,
        "exported": datetime.now().astimezone().isoformat(timespec="seconds"),
        "settings": settings.to_doc(),
    }
    for kind, model in MODELS.items():
        out[model.TABLE] = [record.to_doc() for record in records[kind].values()]
    return out


def export_pieces(settings: Settings, kinds: Callable[[str], Iterable[Iterable[Record]]],
                  clean: Callable[[str], str] = lambda text: text) -> Iterator[str]:
    """The text of :func:`export_document` as ``json.dumps(..., ensure_ascii=False,
    indent=1)`` writes it, piece by piece: ``kinds(kind)`` gives a kind's records a batch
    at a time, so that 90,000 records are never all held as documents and text at once
    (the whole document took 390 MB for 30,000 contacts). ``clean`` is applied to each
    piece (``relance export json`` escapes the C1 controls)."""
    def dumped(value: Any, depth: int) -> str:
        return json.dumps(value, ensure_ascii=False, indent=1).replace("\n", "\n" + " " * depth)

    head = {"format": "relance", "schema": SCHEMA, "exported": datetime.now().astimezone().isoformat(timespec="seconds")}
    yield clean("{\n" + "".join(f" {json.dumps(key)}: {dumped(value, 1)},\n" for key, value in head.items())
                + f' "settings": {dumped(settings.to_doc(), 1)}')
    for kind, model in MODELS.items():
        yield f",\n {json.dumps(model.TABLE)}: "
        first = True
        for batch in kinds(kind):
            text = ",\n  ".join(dumped(record.to_doc(), 2) for record in batch)
            if text:
                yield clean(("[\n  " if first else ",\n  ") + text)
                first = False
        yield "[]" if first else "\n ]"
    yield "\n}"


def parse_export(payload: Any, today: date) -> tuple[dict[str, list[Record]], Settings | None]:
    """Validate an export document; every problem is named by table, index and field."""
    if not isinstance(payload, dict) or payload.get("format") != "relance":
        raise ValidationError("import", {"format": _("this is not a relance export (no \"format\": \"relance\").")})
    schema = payload.get("schema")
    if not isinstance(schema, int) or schema > SCHEMA:
        raise ValidationError(
            "import",
            {"schema": _("schema {schema} is not supported; this relance reads schema {supported} at most.").format(
                schema=reprlib.repr(schema), supported=SCHEMA  # (reprlib: a value of the file quoted short)
            )},
        )
    errors: dict[str, str] = {}
    records: dict[str, list[Record]] = {}
    seen: dict[str, str] = {}
    for kind, model in MODELS.items():
        items = payload.get(model.TABLE, [])
        if not isinstance(items, list):
            errors[model.TABLE] = _("expected a list of records.")
            continue
        parsed = []
        for index, doc in enumerate(items):
            where = f"{model.TABLE}[{index}]"
            if not isinstance(doc, dict):
                errors[where] = _("expected an object, got {value}.").format(value=reprlib.repr(doc))
                continue
            try:
                record = model.from_doc(doc, today)
            except ValidationError as err:
                for field, problem in err.errors.items():
                    errors[f"{where} {field}"] = problem
                continue
            problems = {**record.written_problems(), **record.check_change(), **record.check()}  # (written: the rules of a write)
            for name, ftype in model.field_types().items():
                if ftype.required and getattr(record, name) in (None, "", []):
                    problems.setdefault(name, _("is required."))
            for field, problem in problems.items():
                errors[f"{where} {field}"] = problem
            if not record.uid:
                errors[f"{where} uid"] = _("is required.")
            elif record.uid in seen:
                errors[f"{where} uid"] = _("{uid} is already used by {other}.").format(uid=shown(record.uid), other=seen[record.uid])
            else:
                seen[record.uid] = where
            parsed.append(record)
        records[kind] = parsed
    settings = None
    if payload.get("settings") and not isinstance(payload["settings"], dict):
        errors["settings"] = _("expected an object, got {value}.").format(value=reprlib.repr(payload["settings"]))
    elif payload.get("settings"):
        try:
            settings = Settings.from_doc(payload["settings"], today)
            for field, problem in {**settings.written_problems(), **settings.check()}.items():
                errors[f"settings {field}"] = problem
        except ValidationError as err:
            for field, problem in err.errors.items():
                errors[f"settings {field}"] = problem
    if errors:
        raise ValidationError("import", errors)
    return records, settings
