"""Records made from values that come from outside, checked: the documents of a data
file's table (a bad one makes the whole file unusable, with the record named), and the
raw values of a form, the CLI or an import (each bad field named in a sentence).
References between records are checked by the repository, which holds the records."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from .errors import DataFileError, ValidationError
from .fmt import shown
from .i18n import _
from .jsontext import no_gc
from .models import Record, Settings, a_kind

#: makes the error for a problem of the data file (a sentence): it names the file and its newest backup
BadFile = Callable[[str], DataFileError]


def doc_number(doc_id: str, table: str, bad_file: BadFile) -> int:
    """TinyDB's number of a document, from its key; a key that is not one makes the file
    unusable."""
    try:
        return int(doc_id)
    except ValueError:
        raise bad_file(_("record {doc_id} of table {table} is not numbered (its key is not a "
                         "number).").format(doc_id=shown(doc_id), table=table)) from None


def load_settings(table: dict[str, Any], today: date, bad_file: BadFile) -> tuple[Settings, int | None]:
    """The settings of the file's settings table and their document number (the defaults
    and None when there are none); invalid ones make the file unusable."""
    for doc_id, doc in table.items():
        try:
            settings = Settings.from_doc(doc, today)
        except ValidationError as err:
            raise bad_file(_("the settings are invalid: {problem}.").format(problem=err)) from None
        return settings, doc_number(doc_id, Settings.TABLE, bad_file)
    return Settings(), None


def build_records(model: type[Record], table: dict[str, Any], today: date,
                  bad_file: BadFile) -> tuple[dict[str, Record], dict[str, int]]:
    """One kind's records (uid -> record) and their document numbers (uid -> number), from
    its table's documents; an invalid one makes the file unusable."""
    records: dict[str, Record] = {}
    ids: dict[str, int] = {}
    with no_gc():
        for doc_id, doc in table.items():
            number = doc_number(doc_id, model.TABLE, bad_file)
            try:
                record = model.from_doc(doc, today)
            except ValidationError as err:
                raise bad_file(
                    _("record {doc_id} of table {table} is invalid: {problem}.").format(
                        doc_id=shown(doc_id), table=model.TABLE, problem=str(err).rstrip(".")
                    )
                ) from None
            if not record.uid:
                raise bad_file(
                    _("record {doc_id} of table {table} has no uid.").format(doc_id=shown(doc_id), table=model.TABLE)
                )
            if record.uid in records:  # (one of them would be hidden: doctor --fix renumbers it)
                raise bad_file(
                    _("records {first} and {second} of table {table} have the same uid {uid}; "
                      "relance doctor --fix gives the second one a new uid.").format(
                        first=ids[record.uid], second=number, table=model.TABLE, uid=shown(record.uid))
                )
            records[record.uid] = record
            ids[record.uid] = number
    return records, ids


def build_record(model: type[Record], data: Mapping[str, Any], today: date, base: Record | None = None) -> Record:
    """Validate ``data`` (raw values from a form, the CLI or a file) into a record of
    ``model``, starting from ``base`` when given; its references are not checked here.

    Raises :class:`ValidationError` mapping each bad field to a sentence.
    """
    record, errors = _parsed(model, data, today, base)
    for name, ftype in model.field_types().items():
        if ftype.required and name not in errors and getattr(record, name) in (None, "", []):
            errors[name] = _("is required.")
    for name, message in {**record.check_change(), **record.check()}.items():
        errors.setdefault(name, message)
    if errors:
        raise ValidationError(model.KIND, errors)
    return record


def linked_problems(model: type[Record], data: Mapping[str, Any], today: date,
                    base: Record | None = None) -> dict[str, str]:
    """What the model's rules across fields (its ``check()``, :attr:`Record.LINKED`) say of
    ``data`` — field -> message, as :func:`build_record` would report them — with the
    values that do not parse left out, as there: a form asks it as either field changes."""
    record, _errors = _parsed(model, data, today, base)
    return {**record.check_change(), **record.check()}


def _parsed(model: type[Record], data: Mapping[str, Any], today: date,
            base: Record | None) -> tuple[Record, dict[str, str]]:
    """A record of ``model`` holding the values of ``data`` that parse (over ``base``'s),
    and the message of each that does not."""
    types = model.field_types()
    errors: dict[str, str] = {}
    values = {name: getattr(base, name) for name in types} if base is not None else {}
    for name, raw in data.items():
        if name not in types:
            errors[name] = _("is not a field of {a_kind}; fields are: {fields}.").format(
                a_kind=a_kind(model.KIND), fields=", ".join(model.editable_fields())
            )
            continue
        if name == "uid":
            continue
        try:
            values[name] = types[name].parse(raw, today)
        except ValueError as err:
            message = str(err)  # (it may quote the value: an imported cell of 100,000 characters...)
            errors[name] = message if len(message) <= 300 else message[:299] + "…"
    record = model(**{k: v for k, v in values.items() if k not in errors})
    if base is not None:
        record.extra = dict(getattr(base, "extra", {}) or {})
    return record, errors
