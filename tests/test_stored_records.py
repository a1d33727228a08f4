"""Records read from the lines of a file relance wrote, without building their kind
(``store/stored_records.py``): every answer must be the one the built records give, for
lines in the form relance writes and for lines another program wrote that relance then
saved as they were (a name padded or escaped, a uid in capitals, fields in another order)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import AmbiguousError, NotFoundError, RelanceError
from store.repository import Repository

from .conftest import TODAY


def outcome(call):
    try:
        result = call()
    except (NotFoundError, AmbiguousError) as err:
        return type(err).__name__, str(err)
    if isinstance(result, list):
        return sorted(map(repr, result))
    return getattr(result, "uid", result)


@pytest.fixture
def odd_file(data_path):
    """A file relance wrote (its check matches) holding lines in the form relance writes
    and lines another program wrote, kept as they were by relance's next save."""
    repo = Repository(data_path, today=TODAY)
    target = repo.add("target", {"name": "Cible"})
    people = {}
    for name in ("Éric Garnier", "Eric Garnier", "Zoé Durand", "Zoe Martin", 'Jean "JJ" Dupont', "Anna Berg",
                 "Anne Bergé", "Ștefan Łódź"):
        people[name] = repo.add("contact", {"name": name, "target_uids": [target.uid] if "Z" in name else []})
    for day in range(3):
        repo.add("interaction", {"contact_uid": people["Anna Berg"].uid, "kind": "call", "date": f"2026-11-0{day + 1}",
                                 "summary": f"call {day}"})
    repo.add("opportunity", {"title": "Audit", "contact_uid": people["Zoé Durand"].uid, "stage": "identified"})
    repo.close()
    data = json.loads(data_path.read_text(encoding="utf-8"))
    contacts = data["contacts"]
    contacts["90"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "  Padded Name  ", "circle": "natural"}
    contacts["91"] = {"note_from_elsewhere": {"uid": "bbbbbbbb-0000-4000-8000-000000000000", "name": "Ghost"},
                      "uid": "aaaaaaaa-0000-4000-8000-000000000002", "name": "Extra First", "circle": "natural"}
    contacts["92"] = {"uid": "AAAAAAAA-0000-4000-8000-000000000003", "name": "Capital Uid", "circle": "natural"}
    data["interactions"]["50"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000004",
                                  "contact_uid": people["Éric Garnier"].uid.upper(), "kind": "call", "date": "2026-10-01"}
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("Padded Name", "Padded Nam\\u0065")
    data_path.write_text(text, encoding="utf-8")  # (by hand: relance reads it whole, checks it, then...)
    Repository(data_path, today=TODAY).add("target", {"name": "Second"})  # (...writes it, one record a line)
    lined = Repository(data_path, today=TODAY)
    assert lined.storage.lines("contacts") is not None  # (as relance wrote it: read line by line)
    return data_path, people


QUERIES = ["Éric Garnier", "eric garnier", "ERIC", "Eric", "eric g", "zoe", "Zoé", "Zoe Martin", "Jean \"JJ\" Dupont",
           "jean", "anna", "Anne", "anne berge", "padded name", "Padded", "extra first", "Ghost", "capital uid",
           "stefan lodz", "aaaaaaaa-0000-4000-8000-000000000002", "aaaaaaaa", "aaaaaaaa-0000", "nobody", " ", "B"]


def test_found_by_name_or_uid_as_the_built_records_say(odd_file):
    path, people = odd_file
    built = Repository(path, today=TODAY)
    built.load_all()
    for text in QUERIES + [person.uid for person in people.values()] + [people["Zoé Durand"].uid[:9]]:
        lined = Repository(path, today=TODAY)
        assert outcome(lambda: lined.find("contact", text)) == outcome(lambda: built.find("contact", text)), text
        assert "contact" not in lined._models  # (never built)


def test_references_twins_and_gets_as_the_built_records_say(odd_file):
    path, people = odd_file
    built = Repository(path, today=TODAY)
    built.load_all()
    uids = [p.uid for p in people.values()] + ["AAAAAAAA-0000-4000-8000-000000000003", "aaaaaaaa-0000-4000-8000-000000000001"]
    for uid in uids:
        lined = Repository(path, today=TODAY)
        assert outcome(lambda: lined.referrers("contact", uid)) == outcome(lambda: built.referrers("contact", uid)), uid
        assert lined.get("contact", uid).to_doc() == built.get("contact", uid).to_doc()
        twin = lined.build("contact", {"name": built.get("contact", uid).name, "circle": built.get("contact", uid).circle,
                                       "target_uids": built.get("contact", uid).target_uids})
        assert outcome(lambda: lined.identical(twin)) == outcome(lambda: built.identical(twin)), uid
        assert not lined._models.get("contact") and not lined._models.get("interaction")


def test_a_transaction_reads_its_own_changes_line_by_line(odd_file):
    """Inside one write: a record added, one changed and one removed are found (or not)
    as they are now, before anything is on disk."""
    path, people = odd_file
    results = []
    for build_first in (False, True):
        repo = Repository(path, today=TODAY)
        if build_first:
            repo.load_all()
        seen = []
        try:
            with repo.transaction():
                new = repo.add("contact", {"name": "Nouvelle Personne"})
                repo.update("contact", people["Anna Berg"].uid, {"name": "Anna Renamed"})
                repo.delete("contact", people["Eric Garnier"].uid)
                repo.add("interaction", {"contact_uid": new.uid, "kind": "email", "date": "2026-11-20"})
                seen += [outcome(lambda t=t: repo.find("contact", t)) for t in ("nouvelle", "anna", "eric garnier", "Eric Garnier")]
                seen.append(outcome(lambda: [r[1] == new.uid for r in repo.referrers("contact", new.uid)]))
                seen.append(sorted(k for k, *_ in repo.referrers("contact", new.uid)))
                raise RuntimeError("not saved")
        except RuntimeError:
            pass
        results.append([s if not isinstance(s, str) or len(s) != 36 else "uid" for s in seen])
    assert results[0] == results[1]
    assert Repository(path, today=TODAY).find("contact", "Anna Berg").uid == people["Anna Berg"].uid  # (nothing was saved)


def test_an_unchecked_file_is_read_whole(odd_file):
    """A file changed by another program since relance wrote it is never read line by line."""
    path, _people = odd_file
    path.write_bytes(path.read_bytes().replace(b"Anna Berg", b"Anna Borg"))
    repo = Repository(path, today=TODAY)
    assert repo.storage.lines("contacts") is None
    assert repo.find("contact", "anna borg").name == "Anna Borg"


def test_a_damaged_line_in_a_checked_file_is_said(data_path):
    """relance never writes a line it cannot read; if one is there anyway (a bug, a disk),
    the command says which record and where, as a whole read would."""
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Solo"})
    repo.close()
    raw = data_path.read_bytes()
    from store.layout import content_check, split_tables

    broken = raw.replace(b'"circle":"natural"', b'"circle":"nowhere"')
    spans = split_tables(broken)
    old_check = json.loads(broken[spans["_meta"][0]:spans["_meta"][1]])["1"]["check"]
    fixed = broken.replace(old_check.encode(), content_check(memoryview(broken)[spans["_meta"][1]:]).encode())
    data_path.write_bytes(fixed)
    with pytest.raises(RelanceError, match="circle"):
        Repository(data_path, today=TODAY).find("contact", "Solo")


def test_the_tables_places_kept_in_meta_are_where_the_tables_are(odd_file):
    """``_meta`` says where each table is (read in microseconds, where finding them took
    ~12 ms at 30,000 contacts); a place that does not fit the bytes is never trusted."""
    from store.layout import placed_tables, split_tables

    path, _people = odd_file
    raw = path.read_bytes()
    assert placed_tables(raw) == split_tables(raw) and len(split_tables(raw)) == 5  # (_meta and four tables)
    meta_end = raw.index(b"\n}") + 2
    meta_line = raw[:meta_end]
    places = json.loads(meta_line[meta_line.index(b'"1": ') + 5:meta_line.rindex(b"}")])["tables"]
    tampered = [
        dict(places, contacts=[places["contacts"][0] + 1, places["contacts"][1]]),  # off by one
        {k: v for k, v in places.items() if k != "interactions"},  # a table left out
        dict(reversed(list(places.items()))),  # out of order
        dict(places, nothing=[5, 9]),  # a table that is not there
        dict(places, contacts="here"),
        {},
    ]
    for wrong in tampered:
        line = meta_line.replace(json.dumps(places, separators=(",", ":")).encode(), json.dumps(wrong).encode())
        assert line != meta_line
        assert placed_tables(line + raw[meta_end:]) is None, wrong
    assert placed_tables(raw.rstrip(b"\n")) is None and placed_tables(raw[:-5]) is None
    # a file whose places an older relance kept as they were after it changed a table
    older = raw.replace(b'"name":"Cible"', b'"name":"Cible plus longue"')
    assert placed_tables(older) is None and split_tables(older) is not None


def test_export_json_written_a_batch_at_a_time_is_the_whole_document(odd_file, monkeypatch):
    """``relance export json`` reads 2,000 records at a time from the lines; the text is
    the one the whole document gives, C1 controls escaped, and it reads back."""
    import re
    import subprocess
    import sys

    from store.transfer import export_pieces
    from tui.cli_commands import json_text

    path, _people = odd_file
    repo = Repository(path, today=TODAY)
    repo.add("contact", {"name": "Control", "notes": "a\x85b"})  # (dropped when saved: no control is kept)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["contacts"]["95"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000095", "name": "Extra", "circle": "natural",
                              "elsewhere": {"raw": "c\x9bd", "deep": [1, [2, {"x": None}]]}}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    Repository(path, today=TODAY).add("target", {"name": "Third"})  # (saved by relance: checked again)
    whole = Repository(path, today=TODAY)
    expected = json_text(whole.export()) + "\n"
    for size in (2000, 3):
        lined = Repository(path, today=TODAY)
        batches = lambda kind, size=size: lined.batches(kind, size)  # noqa: E731
        text = "".join(export_pieces(lined.settings(), batches, clean=lambda t: re.sub(
            "[\x7f-\x9f]", lambda m: f"\\u{ord(m.group()):04x}", t))) + "\n"
        stamp = re.compile(r'"exported": "[^"]*"')
        assert stamp.sub("", text) == stamp.sub("", expected)
        assert not lined._models.get("contact")
    assert "\\u009b" in expected and "\x9b" not in expected
    out = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(path), "export", "json"],
                         capture_output=True, text=True, check=True).stdout
    assert stamp.sub("", out) == stamp.sub("", expected)
    assert json.loads(out)["contacts"][-1]["name"] == "Extra"


@pytest.mark.parametrize("command", [
    ["list", "contacts"], ["list", "interactions"], ["list", "opportunities"], ["list", "targets"],
    ["list", "contacts", "--json"], ["list", "interactions", "--json"], ["list", "contacts", "eric"],
    ["export", "json"], ["export", "csv"], ["status"], ["status", "--json"],
])
def test_read_commands_say_the_same_line_by_line_and_whole(odd_file, tmp_path, command):
    """Every read command prints the same from a file read line by line as from the same
    file read whole (its check broken, so every record is read and checked)."""
    import re
    import shutil
    import subprocess
    import sys

    path, _people = odd_file
    whole = tmp_path / "whole" / "relance.json"
    whole.parent.mkdir(mode=0o700)
    shutil.copyfile(path, whole)
    raw = whole.read_bytes()
    whole.write_bytes(raw.replace(b'"check":"', b'"check":"0', 1))

    def run(data):
        return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(data), "--today", TODAY.isoformat(), *command],
                              capture_output=True, text=True, check=True).stdout

    stamp = re.compile(r'"exported": "[^"]*"')
    lined, read_whole = stamp.sub("", run(path)), stamp.sub("", run(whole))
    assert lined == read_whole
    assert len(lined) > 40


def test_lines_written_by_hand_that_the_quick_reads_could_misread(data_path):
    """Found from outside: a reference with capitals anywhere in its uid, a name written
    twice in a line (JSON keeps the last), a name written with escapes, keys out of order
    or written "+2": each answer and each new key as the whole read gives."""
    repo = Repository(data_path, today=TODAY)
    bob = repo.add("contact", {"name": "Bob"})
    repo.add("contact", {"name": "AC/DC"})
    repo.add("opportunity", {"title": "Deal", "contact_uid": bob.uid})
    repo.add("interaction", {"contact_uid": bob.uid, "kind": "call", "date": "2026-11-02"})
    repo.close()
    data = json.loads(data_path.read_text(encoding="utf-8"))
    mixed = bob.uid[:3] + bob.uid[3:6].upper() + bob.uid[6:]
    next(iter(data["opportunities"].values()))["contact_uid"] = mixed
    next(iter(data["interactions"].values()))["contact_uid"] = mixed
    contacts = data["contacts"]
    contacts["10"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000010", "name": "Alias", "circle": "natural"}
    contacts = dict(sorted(contacts.items(), key=lambda item: -int(item[0])))  # keys out of order: 10, 2, 1
    data["contacts"] = contacts
    text = json.dumps(data, ensure_ascii=False).replace('"name": "Alias"', '"name": "Alias", "name": "Carol"')
    text = text.replace('"AC/DC"', '"AC\\/DC"')
    data_path.write_text(text, encoding="utf-8")
    Repository(data_path, today=TODAY).add("target", {"name": "seal"})  # (saved by relance: checked again)
    lined = Repository(data_path, today=TODAY)
    assert lined.storage.lines("contacts") is not None
    built = Repository(data_path, today=TODAY)
    built.load_all()
    for name in ("Carol", "Alias", "carol", "Bob"):
        assert outcome(lambda: lined.find("contact", name)) == outcome(lambda: built.find("contact", name)), name
    assert sorted(k for k, *_ in lined.referrers("contact", bob.uid)) == ["interaction", "opportunity"]
    twin = lined.build("contact", {"name": "AC/DC"})
    assert lined.identical(twin) is not None and built.identical(twin) is not None
    added = lined.add("contact", {"name": "Dan"})
    raw = json.loads(data_path.read_text(encoding="utf-8"))
    assert [key for key, doc in raw["contacts"].items() if doc["uid"] == added.uid] == ["11"]  # (the highest + 1)


def test_names_of_lines_as_relance_writes_them_are_read_in_one_pass(data_path, monkeypatch):
    """The quick read of the names (one regular-expression pass, ~25 ms at 30,000) is the
    one taken when every line is as relance writes it; the line-by-line read only for
    lines written otherwise."""
    from store.stored_records import StoredRecords

    repo = Repository(data_path, today=TODAY)
    with repo.transaction():
        for name in ("Zoé Durand", "Éric", "Jean Dupont", "Ana"):
            repo.add("contact", {"name": name})
    monkeypatch.setattr(StoredRecords, "_named_line_by_line", lambda *a: pytest.fail("read line by line"))
    assert Repository(data_path, today=TODAY).find("contact", "zoe").name == "Zoé Durand"


def test_doctor_says_the_same_a_table_at_a_time_and_whole(data_path, tmp_path):
    """doctor reads a file in relance's layout a table at a time, 2,000 records at once; it
    says what it said when it parsed the file whole (another layout is still parsed whole)."""
    import subprocess
    import sys

    repo = Repository(data_path, today=TODAY)
    ann = repo.add("contact", {"name": "Ann"})
    repo.add("opportunity", {"title": "Deal", "contact_uid": ann.uid})
    repo.close()
    data = json.loads(data_path.read_text(encoding="utf-8"))
    contacts = data["contacts"]
    contacts["7"] = dict(next(iter(contacts.values())), name="Twin")  # (the same uid)
    contacts["8"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000008", "name": "Bad", "email": "nope", "circle": "natural"}
    contacts["x"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000009", "name": "Unnumbered", "circle": "natural"}
    data["opportunities"]["5"] = {"uid": "aaaaaaaa-0000-4000-8000-000000000005", "title": "Lost link", "stage": "won",
                                  "contact_uid": "bbbbbbbb-0000-4000-8000-000000000000"}
    from store.layout import dump_data

    data_path.write_bytes(dump_data(data))  # relance's layout (its check matches: read a table at a time)
    whole = tmp_path / "whole" / "relance.json"
    whole.parent.mkdir(mode=0o700)
    whole.write_text(json.dumps(data, indent=2), encoding="utf-8")
    whole.chmod(0o600)
    (whole.parent / "relance.json.lock").touch(mode=0o600)
    import shutil

    shutil.rmtree(data_path.parent / "backups")  # (the two folders alike but for the file's layout)

    def doctor(path):
        out = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(path), "doctor"],
                             capture_output=True, text=True).stdout
        return [line.replace(str(path.parent), "FOLDER").replace(str(path), "FILE") for line in out.splitlines()
                if "Data file" not in line]

    said = doctor(data_path)
    assert said == doctor(whole), (said, doctor(whole))
    assert any("Twin" in line and "uid" in line for line in said)
    assert any("Bad" in line and "invalid" in line for line in said)
    assert any("Lost link" in line for line in said) and any("not numbered" in line for line in said)


@pytest.mark.parametrize("first", [None, 0, 1, 3, 15])
def test_follow_ups_due_from_the_lines_are_those_of_the_records(data_path, first):
    """``relance status`` reads the follow-ups due from the lines (two regular-expression
    passes); with notes holding line breaks and quotes, ties on a date, dates to come and
    contacts without one, it gives the count and the oldest the records give."""
    import random

    rng = random.Random(7)
    repo = Repository(data_path, today=TODAY)
    with repo.transaction():
        for number in range(60):
            day = rng.choice([None, "2026-10-01", "2026-10-01", "2026-11-20", "2026-11-27", "2026-11-28", "2027-01-05",
                              f"2026-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"])
            repo.add("contact", {"name": f"C{number:02d} {rng.choice(['Zoé', 'eric', 'Éric'])}",
                                 "next_follow_up": day, "notes": rng.choice(["", "line one\nline \"two\"", "a\\b"])})
    lined = Repository(data_path, today=TODAY)
    built = Repository(data_path, today=TODAY)
    built.load_all()
    assert lined.follow_ups_due(first) == built.follow_ups_due(first)
    assert "contact" not in lined._models


def test_list_reads_its_columns_from_the_lines_when_every_line_is_plain(data_path):
    """``relance list contacts`` takes its columns from one pass over the lines when each
    line is as relance writes it (no record built); a value the loader would change
    sends it to the records, which say the same."""
    from tui.cli_commands import LIST_COLUMNS

    repo = Repository(data_path, today=TODAY)
    with repo.transaction():
        for number in range(5):
            repo.add("contact", {"name": f"Zoé {number}", "company": "Acme", "last_contact": "2026-11-0{}".format(number + 1)})
    lined = Repository(data_path, today=TODAY)
    uids, rows = lined.columns("contact", LIST_COLUMNS["contact"])
    built = Repository(data_path, today=TODAY)
    assert [(r.uid, tuple(getattr(r, c) for c in LIST_COLUMNS["contact"])) for r in built.list("contact")] == list(zip(uids, rows))
    assert "contact" not in lined._models
    data = json.loads(data_path.read_text(encoding="utf-8"))
    next(iter(data["contacts"].values()))["name"] = "Zoé 0 "  # (trimmed when loaded)
    from store.layout import dump_data

    data_path.write_bytes(dump_data(data))
    assert Repository(data_path, today=TODAY).columns("contact", LIST_COLUMNS["contact"]) is None


def test_the_first_save_of_a_file_from_before_the_places_is_the_bytes_of_a_full_encoding(data_path):
    """A file written before ``_meta.tables`` (its check over the rest alone) is changed line
    by line at once; the save writes every table's place and highest key, as a full write."""
    from store.layout import CHECK_KEY, PLACES_KEY, content_check, dump_data, split_tables

    repo = Repository(data_path, today=TODAY)
    with repo.transaction():
        for number in range(5):
            repo.add("contact", {"name": f"Old {number}"})
        repo.add("target", {"name": "T"})
    repo.close()
    raw = data_path.read_bytes()
    data = json.loads(raw)
    meta = data["_meta"]["1"]
    del meta[PLACES_KEY]
    meta[CHECK_KEY] = "x"
    older = dump_data(data)  # (then its _meta as an older relance wrote it: no places, the check of the rest)
    spans = split_tables(older)
    rest = memoryview(older)[spans["_meta"][1]:]
    head = json.dumps({"schema": meta["schema"], "check": content_check(rest)}, separators=(",", ":")).encode()
    older = b'{\n"_meta": {\n  "1": ' + head + bytes(older[spans["_meta"][1] - 2:])
    data_path.write_bytes(older)
    again = Repository(data_path, today=TODAY)
    assert again.storage.lines("contacts") is not None  # (checked: read line by line)
    again.update("contact", again.find("contact", "Old 2").uid, {"company": "Acme"})
    raw = data_path.read_bytes()
    assert raw == dump_data(json.loads(raw))


def _relance(path, *args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(path), "--today", TODAY.isoformat(), *args],
                          capture_output=True, text=True)


def test_second_outside_pass_a_byte_between_two_batches_and_doctor_s_order(data_path):
    """Found from outside: a damaged byte between two batches of 2,000 lines was never
    parsed, and doctor said "Nothing wrong" about a file relance refuses; and its report
    put the file's problem after the lock's line."""
    repo = Repository(data_path, today=TODAY)
    with repo.transaction():
        for number in range(2005):
            repo.add("contact", {"name": f"P{number}"})
    repo.close()
    raw = data_path.read_bytes()
    lines = raw.split(b"\n")
    start = next(i for i, line in enumerate(lines) if line.startswith(b'"contacts"'))
    lines[start + 2000] = lines[start + 2000][:-1] + b"X"  # (the "," ending the 2,000th record)
    data_path.write_bytes(b"\n".join(lines))
    listed = _relance(data_path, "list", "contacts")
    assert listed.returncode == 1 and "not valid JSON" in listed.stderr
    said = _relance(data_path, "doctor").stdout.splitlines()
    wrong = [i for i, line in enumerate(said) if "cannot be read" in line]
    lock = [i for i, line in enumerate(said) if "lock" in line.lower()]
    assert wrong and lock and wrong[0] < lock[0], said
    assert not any("Nothing wrong" in line for line in said)


def test_second_outside_pass_a_field_nested_in_a_line_written_by_hand(data_path):
    """Found from outside: a line written by hand (kept as it was by relance's next save)
    holding a field inside another: the follow-ups due and the names are read as the
    whole file says, not from the nested field."""
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Bob", "next_follow_up": "2026-01-01"})
    repo.close()
    data = json.loads(data_path.read_text(encoding="utf-8"))
    data["contacts"]["9"] = {"zz": {"uid": "bbbbbbbb-0000-4000-8000-000000000000", "name": "Ghost",
                                    "next_follow_up": "2020-01-01", "cadence_days": 3},
                             "uid": "aaaaaaaa-0000-4000-8000-000000000009", "name": "Real Person", "circle": "natural"}
    text = json.dumps(data, ensure_ascii=False, indent=None).replace('"contacts": {', '"contacts": {\n  ')
    data_path.write_text(text, encoding="utf-8")
    Repository(data_path, today=TODAY).add("target", {"name": "seal"})  # (checked again; the line kept as written)
    lined = Repository(data_path, today=TODAY)
    built = Repository(data_path, today=TODAY)
    built.load_all()
    assert lined.follow_ups_due(15) == built.follow_ups_due(15)
    assert lined.find("contact", "Real Person").uid == "aaaaaaaa-0000-4000-8000-000000000009"
    assert outcome(lambda: lined.find("contact", "Ghost")) == outcome(lambda: built.find("contact", "Ghost"))


def test_second_outside_pass_a_backup_put_back_is_checked_when_read(data_path):
    """Found from outside: ``relance restore`` wrote the backup with a check, so an
    invalid record in it went unseen by the commands that read line by line; the file put
    back has no check until a save, and its records are checked when it is read."""
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Ann"})
    repo.add("contact", {"name": "Bob"})
    repo.close()
    newest = sorted((data_path.parent / "backups").iterdir())[-1]
    newest.write_bytes(newest.read_bytes().replace(b'"email":""', b'"email":"not-an-email"', 1))
    assert _relance(data_path, "restore", newest.name).returncode == 0
    listed = _relance(data_path, "list", "contacts")
    assert listed.returncode == 1 and "email" in listed.stderr


def test_second_outside_pass_a_key_with_a_control_character_is_written_escaped(data_path):
    """Found from outside: a key written by hand with a line break ("1\\n", which TinyDB's
    int() reads as 1) was written back as it was: invalid JSON behind a valid check."""
    data_path.parent.mkdir(mode=0o700)
    data_path.write_text(json.dumps({"_meta": {"1": {"schema": 1}}, "contacts": {"1\n": {
        "uid": "aaaaaaaa-0000-4000-8000-000000000001", "name": "NL Key", "circle": "natural"}}}), encoding="utf-8")
    data_path.chmod(0o600)
    Repository(data_path, today=TODAY).add("contact", {"name": "Second"})
    raw = data_path.read_bytes()
    assert sorted(d["name"] for d in json.loads(raw)["contacts"].values()) == ["NL Key", "Second"]
    from store.layout import dump_data

    assert raw == dump_data(json.loads(raw))
    assert sorted(c.name for c in Repository(data_path, today=TODAY).list("contact")) == ["NL Key", "Second"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text("aAbB0-\\u\n\"é", max_size=20), min_size=1, max_size=8), st.text("aAbB0-", min_size=1, max_size=4))
def test_a_needle_in_any_case_finds_the_lines_a_case_insensitive_pattern_finds(values, needle):
    """The lines holding a uid written in any case are found in the lowered bytes (quicker
    than a case-insensitive pattern); the same lines, whatever the bytes around."""
    import re

    from store.tablelines import AnyCase, TableLines

    body = ",\n".join(f'  "{n}": {json.dumps({"v": v}, ensure_ascii=False)}' for n, v in enumerate(values, 1))
    raw = ('{\n"t": {\n' + body + "\n}\n}\n").encode("utf-8")
    lines = TableLines(raw, (raw.index(b"{\n  "), raw.rindex(b"\n}\n}") + 2))
    pattern = re.compile(re.escape(needle.encode()), re.IGNORECASE)
    assert list(lines.lines_with(AnyCase(needle.lower().encode()))) == list(lines.lines_with(pattern))


def _sealed(path, raw: bytes) -> None:
    """``raw`` written to ``path`` with a check made to match, as an older relance wrote it
    (no ``tables`` in ``_meta``): what a person who fixes up the check by hand gets."""
    from store.layout import content_check, split_tables

    meta_end = split_tables(raw)["_meta"][1]
    meta = json.loads(raw[split_tables(raw)["_meta"][0]:meta_end])["1"]
    head = json.dumps({"schema": meta["schema"], "check": content_check(memoryview(raw)[meta_end:])},
                      separators=(",", ":")).encode()
    path.write_bytes(b'{\n"_meta": {\n  "1": ' + head + raw[meta_end - 2:])


@pytest.mark.parametrize("command", [
    ["rm", "interaction", "{first}", "--yes"],
    ["edit", "interaction", "{first}", "--summary", "changed"],
    ["add", "interaction", "--contact", "Bob", "--kind", "call", "--date", "2026-11-03"],
    ["rm", "contact", "Bob", "--yes"],
    ["list", "interactions"],
])
def test_a_record_written_over_several_lines_behind_a_matching_check_is_never_cut(data_path, command):
    """Found from outside: a record split over several lines by hand, its check made to
    match. Removing or replacing its first line left the rest behind (invalid JSON, said
    "Deleted"), and a search through the lines stopped on a traceback. The change is made
    to the tables read whole instead, and the file stays one JSON document."""
    repo = Repository(data_path, today=TODAY)
    bob = repo.add("contact", {"name": "Bob"})
    first = repo.add("interaction", {"contact_uid": bob.uid, "kind": "call", "date": "2026-11-01", "summary": "one"})
    repo.add("interaction", {"contact_uid": bob.uid, "kind": "email", "date": "2026-11-02", "summary": "two"})
    repo.close()
    raw = data_path.read_bytes()
    line_start = raw.index(b'{"uid":"' + first.uid.encode())
    line_end = raw.index(b"\n", line_start)
    split = raw[line_start:line_end].replace(b',"', b',\n      "')
    _sealed(data_path, raw[:line_start] + split + raw[line_end:])
    assert Repository(data_path, today=TODAY).storage.lines("interactions") is not None  # (its check matches)
    args = [part.format(first=first.uid[:8]) for part in command]
    result = _relance(data_path, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    after = json.loads(data_path.read_text(encoding="utf-8"))  # (one JSON document still)
    summaries = sorted(doc["summary"] for doc in after["interactions"].values())
    expected = {"rm": {"interaction": ["two"], "contact": []}, "edit": ["changed", "two"],
                "add": ["", "one", "two"], "list": ["one", "two"]}
    want = expected[args[0]]
    assert summaries == (want[args[1]] if isinstance(want, dict) else want)


def test_a_uid_no_line_holds_is_known_absent_without_building_the_kind(data_path):
    """Undo of a deleted interaction asked whether it still existed: not found in the lines,
    the 60,000 interactions were built to be sure (~55 MB kept in the dashboard). A uid no
    line holds in any case, nor escaped, is absent; one written in capitals is not."""
    from store.errors import NotFoundError

    repo = Repository(data_path, today=TODAY)
    ada = repo.add("contact", {"name": "Ada"})
    kept = repo.add("interaction", {"contact_uid": ada.uid, "kind": "call", "date": "2026-11-02"})
    gone = repo.add("interaction", {"contact_uid": ada.uid, "kind": "email", "date": "2026-11-03"})
    repo.close()
    repo = Repository(data_path, today=TODAY)
    deleted = repo.delete("interaction", gone.uid)
    with pytest.raises(NotFoundError):
        repo.get("interaction", gone.uid)
    repo.restore([deleted])
    assert not repo._built("interaction")
    assert repo.get("interaction", gone.uid).kind == "email"
    assert sorted(i.uid for i in repo.interactions_of(ada.uid)) == sorted([kept.uid, gone.uid])
    raw = data_path.read_bytes()
    _sealed(data_path, raw.replace(kept.uid.encode(), kept.uid.upper().encode()))  # (by hand, its check made to match)
    sealed = Repository(data_path, today=TODAY)
    assert sealed.storage.lines("interactions") is not None
    assert not sealed._stored.absent("interaction", kept.uid)
