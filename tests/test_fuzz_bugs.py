"""The bugs the fuzzing of test_fuzz.py found, one plain test each: a hostile file handed
to the importers or as a data file, refused in one short line (exit status 1 or 2, no
traceback, no control character printed) and nothing written."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from store.errors import RelanceError
from store.layout import SCHEMA
from store.repository import Repository

from .conftest import TODAY
from .test_fuzz import (
    MAX_JSON_LINE, SCHEMA_0, Result, base_data, base_files, check_output, data_file, leftovers, raw_json, relance,
)


def export_with(change) -> bytes:
    """The export of the base data, changed by ``change(doc)``."""
    doc = copy.deepcopy(base_files()[1])
    change(doc)
    return json.dumps(doc).encode()


def nested(depth: int) -> list:
    """A list nested ``depth`` deep (made without recursion: json.loads would hit the limit
    under pytest's stack)."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def deep(text: bytes | str, depth: int) -> bytes:
    """JSON ``text`` with its "__DEEP__" string in place of a list nested ``depth`` deep
    (json.dumps of one would hit the recursion limit under pytest's stack)."""
    text = text.decode() if isinstance(text, bytes) else text
    return text.replace('"__DEEP__"', "[" * depth + "]" * depth).encode()


def import_json(tmp_path: Path, content: bytes) -> tuple[Result, Path]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "export.json"
    source.write_bytes(content)
    data = tmp_path / "data" / "relance.json"
    data.parent.mkdir(mode=0o700, exist_ok=True)
    result = relance("--data", str(data), "--today", TODAY.isoformat(), "import", "json", str(source))
    check_output(result, max_line=MAX_JSON_LINE)
    return result, data


def refused_by_reads_and_doctor(data: Path, said: str) -> Result:
    """``list contacts`` and ``status`` refuse ``data`` in one line saying ``said``, and doctor
    reports it (exit status 1 each); doctor's result."""
    for command in (["list", "contacts"], ["status"]):
        result = relance("--data", str(data), "--today", TODAY.isoformat(), *command)
        check_output(result)
        assert result.code == 1 and said in result.stderr, str(result)
    result = relance("--data", str(data), "doctor")
    check_output(result, refused_lines=None)
    assert result.code == 1 and said in result.stdout, str(result)
    return result


@pytest.mark.parametrize("uid", [[1], {"a": 1}, 5, True])
def test_a_uid_that_is_not_text_is_refused_not_a_traceback(tmp_path, uid):
    """record_loader.make_loader took any uid that was not text "as stored": a list or an object
    then failed as a dict key (TypeError) in import json, in every read and in doctor."""
    result, data = import_json(tmp_path, export_with(lambda doc: doc["contacts"][0].update(uid=uid)))
    assert result.code == 2 and "contacts[0] uid: expected text" in result.stderr, str(result)
    assert not data.exists()

    doc = json.loads(base_data())
    next(iter(doc["contacts"].values()))["uid"] = uid
    data = data_file(tmp_path / "file", doc)
    refused_by_reads_and_doctor(data, "is invalid: uid: expected text")


def test_a_record_whose_key_is_not_a_number_is_refused_in_one_line(tmp_path):
    """Repository._build read each key with int() unguarded: a key such as "abc" (TinyDB
    numbers its records) was a ValueError traceback; doctor said "Nothing wrong"."""
    doc = json.loads(base_data())
    contacts = doc["contacts"]
    contacts["abc"] = contacts.pop(next(iter(contacts)))
    doc["settings"] = {"\x1b[31m": next(iter(doc["settings"].values()))}
    data = data_file(tmp_path, doc)
    before = data.read_bytes()
    result = refused_by_reads_and_doctor(data, "is not numbered")
    assert "contacts/abc (Zoé Durand) is not numbered" in result.stdout, str(result)
    assert "settings/\\x1b[31m is not numbered" in result.stdout, str(result)
    assert data.read_bytes() == before


@pytest.mark.parametrize("settings_value", [[1], "x", 5])
def test_export_settings_that_are_not_an_object_are_refused(tmp_path, settings_value):
    """parse_export called Settings.from_doc on whatever "settings" held: AttributeError."""
    result, data = import_json(tmp_path, export_with(lambda doc: doc.update(settings=settings_value)))
    assert result.code == 2 and "settings: expected an object, got" in result.stderr, str(result)
    assert not data.exists()


def test_an_export_s_odd_values_are_quoted_short(tmp_path):
    """parse_export quoted the schema and a record that was not an object whole ({!r}): a
    schema of 3,000 characters or a list of 3,000 items made a line of 150,000 characters."""
    def change(doc):
        doc["contacts"][0] = ["z" * 50] * 3000
        doc["targets"][0] = "__DEEP__"

    result, _data = import_json(tmp_path, deep(export_with(change), 900))
    assert result.code == 2 and "contacts[0]: expected an object, got [" in result.stderr, str(result)
    assert "targets[0]: expected an object, got [[[[[[[...]]]]]]]" in result.stderr, str(result)
    assert len(result.stderr) < 600, str(result)
    result, _data = import_json(tmp_path, export_with(lambda doc: doc.update(schema="9" * 3000)))
    assert result.code == 2 and "schema: schema '9999" in result.stderr and len(result.stderr) < 300, str(result)


def test_a_lone_surrogate_is_a_parse_error_with_its_place(tmp_path):
    """JSON may escape half a character ("\\ud800"); json.loads made it a string that no
    UTF-8 output can hold: printing the name (relance list) or saving the file failed with
    UnicodeEncodeError. jsontext.loads refuses it, with its line and column."""
    doc = json.loads(base_data())
    next(iter(doc["contacts"].values()))["name"] = "__SURROGATE__"
    data = data_file(tmp_path, raw_json(json.dumps(doc)).encode())
    before = data.read_bytes()
    for command in (["list", "contacts"], ["status"], ["add", "contact", "--name", "New"]):
        result = relance("--data", str(data), "--today", TODAY.isoformat(), *command)
        check_output(result)
        assert result.code == 1 and "a lone surrogate \\ud800" in result.stderr, str(result)
        assert "at line 1, column " in result.stderr, str(result)
    result = relance("--data", str(data), "doctor")
    check_output(result, refused_lines=None)
    assert result.code == 1 and "a lone surrogate \\ud800" in result.stdout, str(result)
    assert data.read_bytes() == before

    result, target = import_json(tmp_path / "imp", raw_json(export_with(
        lambda doc: doc["contacts"][0].update(notes="__SURROGATE__")).decode()).encode())
    assert result.code == 2 and "a lone surrogate" in result.stderr and not target.exists(), str(result)
    # a pair of halves is one character, as it should be
    result, target = import_json(tmp_path / "pair", export_with(
        lambda doc: doc["contacts"][0].update(name="🎉 Party")))
    assert result.code == 0 and json.loads(target.read_bytes())["contacts"]["1"]["name"] == "🎉 Party", str(result)


def test_names_of_unknown_tables_are_quoted_escaped(tmp_path):
    """check_layout listed the file's unknown table names as they were: "\\x1b[31m" went to
    the terminal, and a name of any length on the line."""
    data = data_file(tmp_path, {"\x1b[31mevil": {}, "x" * 5000: {}})
    result = relance("--data", str(data), "list", "contacts")
    check_output(result)
    assert result.code == 1 and "\\x1b[31mevil" in result.stderr and len(result.stderr) < 400, str(result)


def test_doctor_quotes_uids_escaped(tmp_path):
    """doctor quoted a dangling reference and a duplicate uid as the file held them, and
    looked a uid that is a list up in a set (TypeError)."""
    doc = json.loads(base_data())
    contacts = list(doc["contacts"].values())
    contacts[0]["target_uids"] = ["\x1b[2Jdeadbeef"]
    contacts[1]["uid"] = [1]
    data = data_file(tmp_path, doc)
    result = relance("--data", str(data), "doctor")
    check_output(result, refused_lines=None)
    assert result.code == 1 and "does not exist (\\x1b[2Jdead)" in result.stdout, str(result)
    assert "is invalid: uid: expected text, got [1]" in result.stdout, str(result)


@pytest.mark.parametrize("change,problem", [
    (lambda doc: doc["contacts"]["2"].update(circle="nope"), "record 2 of table contacts is invalid: circle"),
    (lambda doc: doc["settings"]["1"].update(currency=[]), "the settings are invalid: currency"),
    (lambda doc: doc["contacts"]["1"].update(target_ids=5), "target_ids: expected a list, got 5"),
    (lambda doc: doc["opportunities"]["1"].update(contact_id="\x1b[31m"), "points at record \\x1b[31m of table"),
    (lambda doc: doc["opportunities"]["1"].update(contact_id=[[1]]), "points at record [[1]] of table"),
])
def test_a_schema_0_file_that_would_be_refused_is_refused_before_it_is_migrated(tmp_path, change, problem):
    """An old file was migrated (written, after a backup) and then refused for a record the
    migration had not looked at: the refusal left the file changed. A target_ids that was
    not a list was a TypeError; a reference quoted control characters as they were."""
    doc = json.loads(SCHEMA_0.read_bytes())
    change(doc)
    data = data_file(tmp_path, doc)
    before = data.read_bytes()
    result = relance("--data", str(data), "--today", TODAY.isoformat(), "list", "contacts")
    check_output(result)
    assert result.code == 1 and problem in result.stderr, str(result)
    assert data.read_bytes() == before and not (data.parent / "backups").exists()


def test_a_schema_0_file_holding_a_deep_value_is_migrated_or_refused(tmp_path):
    """migrate_0_to_1 copied the data with copy.deepcopy: RecursionError on a value nested
    900 deep (JSON reads it). A field relance does not know is kept to 100 levels."""
    for depth, code in ((100, 0), (900, 1)):
        doc = json.loads(SCHEMA_0.read_bytes())
        doc["contacts"]["1"]["x_extra"] = "__DEEP__"
        doc["contacts"]["1"]["\x1b[31m"] = "__DEEP__"  # (the name of a field, quoted: escaped)
        data = data_file(tmp_path / str(depth), deep(json.dumps(doc), depth))
        result = relance("--data", str(data), "--today", TODAY.isoformat(), "list", "contacts")
        check_output(result)
        assert result.code == code, str(result)
        if code:
            assert "x_extra: is nested too deeply. \\x1b[31m: is nested too deeply" in result.stderr, str(result)
        else:
            assert f"was migrated from schema 0 to {SCHEMA}" in result.stderr, str(result)


def test_a_value_nested_deeper_than_can_be_written_is_refused_before_anything_is_written(tmp_path):
    """An export with a field relance does not know nested ~980 deep was read (the parser
    runs on a short stack) but not written (the encoder runs deeper): RecursionError, or a
    data file that the next command could not read again. Such a field is now refused when
    read (EXTRA_DEPTH), and a save that still meets one says so instead of a traceback."""
    result, data = import_json(tmp_path, deep(export_with(
        lambda doc: doc["contacts"][0].update(x_extra="__DEEP__")), 979))
    assert result.code == 2 and "contacts[0] x_extra: is nested too deeply" in result.stderr, str(result)
    assert not data.exists()

    repo = Repository(data, today=TODAY)
    repo.add("contact", {"name": "Zoé Durand"})
    before = data.read_bytes()
    with pytest.raises(RelanceError, match="nested too deeply to be written. Nothing was changed"):
        with repo.storage.transaction():
            repo.storage.write({**repo.storage.read(), "contacts": {"1": {"uid": "0" * 16, "x": nested(5000)}}})
    assert data.read_bytes() == before and not leftovers(data.parent)
    repo.close()


def test_a_card_after_a_stray_property_is_read_as_the_others(tmp_path):
    """vobject puts what follows a property after END:VCARD in a nameless component and
    leaves the cards in it unread (N a text, escapes kept): AttributeError on N."""
    data = data_file(tmp_path, base_data())
    source = tmp_path / "cards.vcf"
    source.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEND:VCARD\r\nNOTE:stray\r\n"
                       b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Hopper;Grace;;;\r\nORG:Navy\\, US\r\nEND:VCARD\r\n")
    result = relance("--data", str(data), "import", "vcard", str(source), "--dry-run")
    check_output(result)
    assert result.code == 0 and "add Grace Hopper (Navy, US)" in result.stdout, str(result)
    assert "not a vCard line (skipped): NOTE:stray" in result.stderr, str(result)
    source.write_bytes(b"BEGIN:VCARD\r\nEND:VCARD\r\nNOTE:stray\r\nBEGIN:VCARD\r\nN:A;B;;;\r\n"
                       b"PHOTO;ENCODING=b:A\r\nEND:VCARD\r\n")
    result = relance("--data", str(data), "import", "vcard", str(source))
    check_output(result)
    # (issue 19: a photo that is not base64 no longer refuses the file: relance has no photo field)
    assert result.code == 0 and "1 added" in result.stdout and "line 3: not a vCard line (skipped): NOTE:stray" \
        in result.stderr, str(result)


def test_a_long_cell_is_quoted_short_in_the_import_report(tmp_path):
    """Repository.build kept a field's whole message: a circle cell of 5,000 characters
    (up to the CSV reader's 131,072) was quoted whole in the report."""
    data = data_file(tmp_path, base_data())
    source = tmp_path / "contacts.csv"
    source.write_text("name,circle\nXavier Y," + "y" * 5000 + "\n", encoding="utf-8")
    result = relance("--data", str(data), "import", "csv", str(source), "--dry-run")
    check_output(result)
    assert "line 2: circle: expected one of natural, pro; got 'yyy" in result.stderr, str(result)
    assert max(len(line) for line in result.stderr.splitlines()) <= 340, str(result)


def test_json_output_escapes_c1_controls(tmp_path):
    """A field relance does not know is kept as the file holds it; json.dumps(ensure_ascii=
    False) escapes C0 controls but not DEL and C1 ("\\x9b" is CSI): relance list --json and
    export json printed them raw."""
    doc = json.loads(base_data())
    next(iter(doc["contacts"].values()))["x_extra"] = "a\x9b2J\x7fb\x1b"
    data = data_file(tmp_path, doc)
    for command in (["list", "contacts", "--json"], ["export", "json"]):
        result = relance("--data", str(data), "--today", TODAY.isoformat(), *command)
        check_output(result)
        assert result.code == 0 and "\\u009b2J\\u007fb\\u001b" in result.stdout, str(result)
        read = json.loads(result.stdout)  # (the same value once read)
        contacts = read if command[0] == "list" else read["contacts"]
        assert {c.get("x_extra") for c in contacts} == {None, "a\x9b2J\x7fb\x1b"}



def test_a_long_connection_date_is_quoted_short(tmp_path):
    """parse_linkedin_date quoted the whole cell it could not read: a line of up to
    131,072 characters in the import's report."""
    data = data_file(tmp_path, base_data())
    source = tmp_path / "Connections.csv"
    source.write_text("First Name,Last Name,URL,Connected On\nAda,Lovelace,," + "y" * 5000 + "\n", encoding="utf-8")
    result = relance("--data", str(data), "import", "linkedin", str(source), "--dry-run")
    check_output(result)
    assert "line 2: connection date: 'yyyy" in result.stderr and "…' is not a date like" in result.stderr, str(result)
    assert max(len(line) for line in result.stderr.splitlines()) < 200, str(result)
