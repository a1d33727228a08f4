"""The loader of a model's stored records, made once per model from its field types.

Loading 10,000 contacts field by field through each type's checks took ~130 ms; a
function written for the model, as dataclasses write their ``__init__``, recognises
the common stored forms inline and loads them in ~40 ms (see benchmarks/README.md,
"Records loaded by a loader made per model").
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from .fields import INLINE_NAMES, FieldType
from .fmt import shown
from .i18n import _

#: how deep a field relance does not know may nest lists and objects (see make_loader)
EXTRA_DEPTH = 100


def make_loader(model: type, types: dict[str, FieldType]):
    """A function ``(doc, today) -> (record, errors)`` made for one model, as dataclasses
    make their ``__init__``: each field's common stored forms are recognised inline
    (its type's ``stored_as_is``; ``null`` for an empty value), the rest go through the
    field type's ``load`` with its checks and messages. Missing fields take the model's
    defaults; unknown keys are kept in ``extra``."""
    fields = {f.name: f for f in dataclasses.fields(model)}
    namespace: dict[str, Any] = {
        **INLINE_NAMES, "_new": object.__new__, "_model": model, "_known": frozenset(types), "_MISSING": object(),
        "_slow": _slow, "_unprintable_uid": _unprintable_uid, "_deep_extra": _deep_extra,
    }
    lines = ["def load(doc, today):", "    errors = None", "    d = {}", "    get = doc.get"]
    for number, (name, ftype) in enumerate(types.items()):
        namespace[f"_t{number}"] = ftype
        spec = fields[name]
        lines.append(f"    v = get({name!r}, _MISSING)")
        if spec.default is not dataclasses.MISSING:
            namespace[f"_d{number}"] = spec.default
            lines.append(f"    if v is _MISSING: d[{name!r}] = _d{number}")
        else:
            namespace[f"_f{number}"] = spec.default_factory
            lines.append(f"    if v is _MISSING: d[{name!r}] = _f{number}()")
        lines += _uid_lines(number) if name == "uid" else _field_lines(number, name, ftype)
    lines += [
        "    record = _new(_model)",
        "    record.__dict__.update(d)",
        "    record.extra = {k: x for k, x in doc.items() if k not in _known} if not doc.keys() <= _known else {}",
        "    if record.extra: errors = _deep_extra(record.extra, errors)",
        "    return record, errors",
    ]
    exec(compile("\n".join(lines), f"<loader of {model.__name__}>", "exec"), namespace)
    return namespace["load"]


def _uid_lines(number: int) -> list[str]:
    """The loader's lines for a record's own uid: taken as stored (checked by the
    repository: present and unique)..."""
    return [
        "    elif v is None or (type(v) is str and v.isprintable()): d['uid'] = v",
        # ...but never with a control character: it is shown, and cleaning it would break the links
        "    elif type(v) is str: errors = _unprintable_uid(v, errors)",
        # ...nor anything but text (a list or an object as uid cannot even be looked up)
        f"    else: errors = _slow(_t{number}, 'uid', v, today, d, errors)",
    ]


def _field_lines(number: int, name: str, ftype: FieldType) -> list[str]:
    """The loader's lines for one field (``v``, not missing): null for an empty value, the
    type's inline test, else its ``load``."""
    lines = []
    slow = f"errors = _slow(_t{number}, {name!r}, v, today, d, errors)"
    if not ftype.required:
        empty = ftype.empty()
        empty_code = repr(empty) if empty is None or empty == "" else f"_t{number}.empty()"
        lines.append(f"    elif v is None: d[{name!r}] = {empty_code}")
    condition = ftype.stored_as_is("v")
    value = ftype.stored_value.format(v="v")
    if condition and value in ("v", "v[:]"):
        lines.append(f"    elif {condition}: d[{name!r}] = {value}")
    elif condition:  # (a conversion that may refuse the value: the type's load says why)
        lines += [f"    elif {condition}:", f"        try: d[{name!r}] = {value}", f"        except ValueError: {slow}"]
    lines.append(f"    else: {slow}")
    return lines


def _slow(ftype: FieldType, name: str, raw: Any, today: date, values: dict, errors: dict | None):
    try:
        values[name] = ftype.load(raw, today)
    except ValueError as err:
        errors = errors if errors is not None else {}
        message = str(err)  # (it may quote the value: a file's list of 100,000 items...)
        errors[name] = message if len(message) <= 300 else message[:299] + "…"
    except RecursionError:  # (a value nested hundreds deep, quoted or cleaned)
        errors = errors if errors is not None else {}
        errors[name] = _("is nested too deeply.")
    return errors


def _unprintable_uid(raw: str, errors: dict | None) -> dict:
    errors = errors if errors is not None else {}
    errors["uid"] = _("holds a control character: {value!r}.").format(value=raw)
    return errors


def _deep_extra(extra: dict, errors: dict | None) -> dict | None:
    """A field relance does not know is kept as it is, but not nested deeper than
    EXTRA_DEPTH: how deep JSON is read or written depends on how deep the call is (about
    1,000 levels less the stack), so a value read once could not be written, or read
    again by another command."""
    for name, value in extra.items():
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if isinstance(item, (list, dict)):
                if depth > EXTRA_DEPTH:
                    errors = errors if errors is not None else {}
                    errors[shown(name, 40)] = _("is nested too deeply.")  # (a name the file gave)
                    break
                stack.extend((x, depth + 1) for x in (item.values() if isinstance(item, dict) else item))
    return errors
