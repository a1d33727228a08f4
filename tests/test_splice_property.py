"""The line-by-line write (``store/tablelines.py``) and its check worked out from CRCs
(``store/crc.py``), against a full encoding, for any sequence of changes."""

from __future__ import annotations

import json
import os
import zlib

from hypothesis import given, settings, strategies as st

from store import crc
from store.layout import dump_data
from store.repository import Repository

from .conftest import TODAY


@given(st.binary(max_size=300), st.binary(max_size=300), st.binary(max_size=300))
def test_crc_pieces_put_together_and_taken_apart(a, b, c):
    whole = crc.of(a + b + c)
    assert crc.joined([crc.of(a), crc.of(b), crc.of(c)]) == whole
    assert crc.missing(whole, [crc.of(a)], [crc.of(c)]) == crc.of(b)
    assert crc.unshift(crc.shift(zlib.crc32(a), len(b)), len(b)) == zlib.crc32(a)


def test_x_has_the_order_the_inverse_relies_on():
    value = zlib.crc32(os.urandom(64))
    assert crc.shift(value, 0) == value
    assert crc._multiply(crc._x_power(crc._ORDER), value) == value


NAMES = st.text(alphabet="abcdéÉ \"\\/ 😀", min_size=1, max_size=12).filter(lambda t: t.strip())
STEPS = st.lists(st.tuples(st.sampled_from(["add", "edit", "delete", "log", "target"]), st.integers(0, 50), NAMES),
                 min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(STEPS)
def test_any_changes_written_line_by_line_are_the_bytes_of_a_full_encoding(tmp_path_factory, steps):
    path = tmp_path_factory.mktemp("splice") / "data" / "relance.json"
    seed = Repository(path, today=TODAY)
    with seed.transaction():
        people = [seed.add("contact", {"name": f"p{i}"}).uid for i in range(6)]
    seed.close()
    for action, number, name in steps:
        repo = Repository(path, today=TODAY)  # (a new process each time: nothing built)
        alive = [uid for uid in people if uid in {c for c in [d.get("uid") for d in json.loads(
            path.read_text(encoding="utf-8")).get("contacts", {}).values()]}]
        if action == "add" or not alive:
            people.append(repo.add("contact", {"name": name}).uid)
        elif action == "edit":
            repo.update("contact", alive[number % len(alive)], {"company": name})
        elif action == "delete":
            repo.delete_contact_with_log(alive[number % len(alive)])
        elif action == "log":
            repo.add("interaction", {"contact_uid": alive[number % len(alive)], "kind": "call", "date": "2026-11-01",
                                     "summary": name})
        else:
            repo.add("target", {"name": name})
        assert repo.storage.lines("contacts") is not None  # (still read line by line)
        assert repo.storage._lazy.crcs is not None  # (the check worked out from the tables' CRCs)
        raw = path.read_bytes()
        assert raw == dump_data(json.loads(raw)), (action, name)
