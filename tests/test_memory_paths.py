"""The commands made to read a large file a part at a time (issue 22: doctor --fix, export
ics and vcard, import json, restore's listing, list) say and write exactly what the
whole-file reads said and wrote: each is compared with that read on small files holding
every kind of record, and on hostile ones. Their memory is measured by the benchmark
(benchmarks/cli.py), not here."""

from __future__ import annotations

import copy
import json
import shutil
import uuid
from pathlib import Path

import pytest

from store import export_stream
from store.repository import Repository
from tests.conftest import TODAY
from tui.cli import main


def _export() -> dict:
    """The demo, with a review of each shape (items pointing at a contact and an
    opportunity), so that the export holds every kind of record."""
    from seeds.demo import build_demo

    payload = build_demo(TODAY)
    mission, contact, opportunity, target = (payload[table][0] for table in ("missions", "contacts", "opportunities", "targets"))
    payload["reviews"].append({
        "uid": str(uuid.UUID(int=7)), "mission_uid": mission["uid"], "created": "2026-11-01", "completed": "2026-11-02",
        "actually_bought": "an audit", "sold_as": "a mission", "target_uid": target["uid"], "expertise": "SI",
        "adjacent": [{"organisation": "Globex", "note": "a lead", "opportunity_uid": opportunity["uid"]}],
        "recommendations": [{"contact_uid": contact["uid"], "status": "asked"}], "next_steps": "call", "draft": None,
    })
    return payload


def _import(tmp_path: Path, name: str, text: str, capsys, *extra: str) -> tuple[int, str, str, bytes | None]:
    source = tmp_path / f"{name}.json"
    source.write_text(text, encoding="utf-8")
    data = tmp_path / name / "relance.json"
    try:
        code = main(["--data", str(data), "--today", TODAY.isoformat(), "import", "json", str(source), *extra])
    except SystemExit as exit:
        code = exit.code
    out, err = capsys.readouterr()
    return code, out.replace(str(data), "DATA"), err.replace(str(source), "SOURCE"), data.read_bytes() if data.exists() else None


def _both_ways(tmp_path, capsys, monkeypatch, text: str):
    """The import of ``text`` a record at a time, and read whole (the path before issue 22)."""
    streamed = _import(tmp_path, "streamed", text, capsys)
    with monkeypatch.context() as patch:
        patch.setattr(export_stream, "read_export", lambda text, today: None)
        whole = _import(tmp_path, "whole", text, capsys)
    return streamed, whole


@pytest.mark.parametrize("piece", [7, 64, 1 << 20])
def test_an_export_read_a_piece_at_a_time_past_latin_1_is_the_file_the_whole_read_writes(tmp_path, capsys, monkeypatch, piece):
    """The export's text is decoded a piece at a time (held whole, one character past
    Latin-1 made it two bytes a character: 119 MB at 30,000 contacts); a record, a string
    or a character cut between two pieces is read as the whole read reads it, and a BOM
    or a lone surrogate escape in a later piece too."""
    payload = _export()
    payload["contacts"][0]["name"] = "Zoë O’Brien €"
    payload["contacts"][1]["notes"] = "naïve 😀 note " * 40
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    monkeypatch.setattr(export_stream._Window, "PIECE", piece)
    monkeypatch.setattr(export_stream._Window, "LOW", max(1, piece // 4))
    assert export_stream.read_export(text, TODAY) is not None
    streamed, whole = _both_ways(tmp_path, capsys, monkeypatch, "\ufeff" + text)
    assert streamed == whole and streamed[0] == 0 and "Zoë O’Brien €" in streamed[3].decode("utf-8")
    late = text.replace('"naïve', '"\\ud800naïve', 1)  # (a lone surrogate escape, far from the start)
    assert export_stream.read_export(late, TODAY) is None
    (tmp_path / "late").mkdir()
    streamed, whole = _both_ways(tmp_path / "late", capsys, monkeypatch, late)
    assert streamed == whole and streamed[0] == 2


def test_an_export_imported_a_record_at_a_time_is_the_file_the_whole_read_writes(tmp_path, capsys, monkeypatch):
    payload = _export()
    text = json.dumps(payload, ensure_ascii=False, indent=1)
    assert export_stream.read_export(text, TODAY) is not None  # (this export takes the new path)
    streamed, whole = _both_ways(tmp_path, capsys, monkeypatch, text)
    assert streamed == whole and streamed[0] == 0 and "2 reviews" in streamed[1]
    # and the file it wrote is read as any other
    repo = Repository(tmp_path / "streamed" / "relance.json", today=TODAY)
    assert len(repo.list("review")) == 2 and repo.settings().daily_rate == Repository(
        tmp_path / "whole" / "relance.json", today=TODAY).settings().daily_rate
    assert [c.uid for c in repo.list("contact")] == [c["uid"] for c in payload["contacts"]]


def _hostile() -> dict[str, str]:
    payload = _export()
    texts = {}

    def variant(name, change):
        changed = copy.deepcopy(payload)
        change(changed)
        texts[name] = json.dumps(changed, ensure_ascii=False, indent=1)

    variant("uid twice across kinds", lambda p: p["targets"][0].__setitem__("uid", p["contacts"][0]["uid"]))
    variant("uid twice in a kind", lambda p: p["contacts"][1].__setitem__("uid", p["contacts"][0]["uid"]))
    variant("reference to nothing", lambda p: p["interactions"][0].__setitem__("contact_uid", str(uuid.UUID(int=9))))
    variant("review item to nothing", lambda p: p["reviews"][0]["recommendations"][0].__setitem__("contact_uid", str(uuid.UUID(int=9))))
    variant("bad field", lambda p: p["contacts"][3].__setitem__("email", "not an address"))
    variant("not an object", lambda p: p["contacts"].insert(2, ["a list"]))
    variant("table not a list", lambda p: p.__setitem__("targets", {"a": 1}))
    variant("no uid", lambda p: p["missions"][0].__setitem__("uid", ""))
    variant("bad settings", lambda p: p["settings"].__setitem__("daily_rate", "lots"))
    variant("settings not an object", lambda p: p.__setitem__("settings", [1]))
    variant("not relance", lambda p: p.__setitem__("format", "other"))
    variant("newer schema", lambda p: p.__setitem__("schema", 99))
    variant("no settings", lambda p: p.pop("settings"))
    variant("no interactions", lambda p: p.pop("interactions"))
    variant("empty tables", lambda p: [p.__setitem__(t, []) for t in ("contacts", "interactions", "opportunities", "reviews", "missions")])
    variant("unknown key", lambda p: p.__setitem__("extra", {"deep": [1, 2, {"x": None}]}))
    # tables in another order than relance writes them, and in one line
    reordered = dict(reversed(list(payload.items())))
    texts["tables reordered"] = json.dumps(reordered, ensure_ascii=False)
    good = json.dumps(payload, ensure_ascii=False, indent=1)
    texts["a key twice"] = good[:-1] + ', "contacts": []}'
    texts["trailing garbage"] = good + " x"
    texts["cut short"] = good[: len(good) // 2]
    texts["lone surrogate"] = good.replace('"Acme"', '"Ac\\ud800me"', 1)
    texts["escaped text"] = good.replace('"Acme"', '"\\u0041cme \\u00e9\\"q\\""', 1)
    texts["nested deep"] = good[:-1] + ', "extra": ' + "[" * 5000 + "]" * 5000 + "}"
    texts["long number"] = good[:-1] + ', "extra": ' + "9" * 5000 + "}"
    texts["not an object"] = "[1, 2]"
    texts["empty object"] = "{}"
    texts["white space"] = "\r\n " + good + "\n\t"
    return texts


@pytest.mark.parametrize("case", list(_hostile()))
def test_a_hostile_export_is_said_and_written_as_the_whole_read_does(case, tmp_path, capsys, monkeypatch):
    streamed, whole = _both_ways(tmp_path, capsys, monkeypatch, _hostile()[case])
    assert streamed == whole


def test_import_json_into_a_file_that_holds_records_is_refused_then_replaces_it(tmp_path, capsys, monkeypatch, demo_path):
    text = json.dumps(_export(), ensure_ascii=False)
    for extra in ((), ("--replace",)):
        results = []
        for streaming in (True, False):
            data = tmp_path / f"held-{streaming}" / "relance.json"
            data.parent.mkdir(exist_ok=True)
            shutil.copyfile(demo_path, data)
            source = tmp_path / "export.json"
            source.write_text(text, encoding="utf-8")
            with monkeypatch.context() as patch:
                if not streaming:
                    patch.setattr(export_stream, "read_export", lambda text, today: None)
                try:
                    code = main(["--data", str(data), "--today", TODAY.isoformat(), "import", "json", str(source), *extra])
                except SystemExit as exit:
                    code = exit.code
            out, err = capsys.readouterr()
            backups = sorted((data.parent / "backups").glob("*.json"))
            results.append((code, out.replace(str(data.parent), "D").splitlines()[0] if out else "", err,
                            data.read_bytes(), [b.read_bytes() for b in backups]))
        assert results[0] == results[1]


# -- restore's listing ----------------------------------------------------------------------


def test_restore_lists_a_checked_backup_as_the_whole_read_counts_it(demo_path, capsys, monkeypatch):
    from store import restore

    main(["--data", str(demo_path), "backup"])
    text = demo_path.read_text(encoding="utf-8")
    main(["--data", str(demo_path), "backup"])
    folder = demo_path.parent / "backups"
    edited, damaged = sorted(folder.glob("*.json"))[-2:]
    edited.write_text(text.replace('"name":', '"name" :', 1), encoding="utf-8")  # (by hand: not checked)
    damaged.write_bytes(b'{"_meta": {')
    main(["--data", str(demo_path), "backup"])  # (a checked one, the newest)
    capsys.readouterr()
    outputs = []
    for lined in (True, False):
        with monkeypatch.context() as patch:
            if not lined:
                patch.setattr(restore, "_checked_counts", lambda path: None)
            assert main(["--data", str(demo_path), "restore"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "unreadable" in outputs[0] and "40 contacts" in outputs[0]
    assert restore._checked_counts(sorted(folder.glob("*.json"))[-1]) is not None
    assert restore._checked_counts(edited) is None and restore._checked_counts(damaged) is None


# -- doctor --------------------------------------------------------------------------------


def _checked_file_with(demo_path: Path, change) -> Path:
    """The demo written by relance (checked) after ``change`` to its parsed tables."""
    from store.storage import DurableStorage

    storage = DurableStorage(demo_path)
    with storage.transaction():
        data = copy.deepcopy(storage.read())
        change(data)
        storage.write(data)
    storage.close()
    return demo_path


def _first(data, table):
    return next(iter(data[table]))


CHANGES = {
    "sound": lambda data: None,
    "uid twice": lambda data: data["contacts"][list(data["contacts"])[1]].__setitem__(
        "uid", data["contacts"][_first(data, "contacts")]["uid"]),
    "link to nothing": lambda data: data["contacts"][_first(data, "contacts")].__setitem__(
        "referred_by", str(uuid.UUID(int=5))),
    "required link to nothing": lambda data: data["interactions"][_first(data, "interactions")].__setitem__(
        "contact_uid", str(uuid.UUID(int=7))),
    "list link to nothing": lambda data: data["contacts"][_first(data, "contacts")].__setitem__(
        "target_uids", [str(uuid.UUID(int=6))]),
}


@pytest.mark.parametrize("case", list(CHANGES))
def test_doctor_reads_a_checked_file_in_batches_as_the_whole_read_does(case, demo_path):
    from store.doctor import read_data_file
    from store.doctor_records import check_data, dangling, duplicate_uids, needs_repair, tables_of

    path = _checked_file_with(demo_path, CHANGES[case])
    tables = tables_of(path)
    data = read_data_file(path)[0]
    assert [f.line() for f in check_data(tables)] == [f.line() for f in check_data(data)]
    assert needs_repair(tables) == bool(duplicate_uids(data) or dangling(data)) == (case != "sound")


@pytest.mark.parametrize("case", list(CHANGES))
def test_doctor_fix_repairs_a_checked_file_as_before(case, demo_path, capsys):
    path = _checked_file_with(demo_path, CHANGES[case])
    before = path.read_bytes()
    main(["--data", str(path), "doctor", "--fix"])
    out = capsys.readouterr().out
    if case in ("sound", "required link to nothing"):
        # (an interaction's contact may not be empty: emptying it made the file unusable;
        # found by the third outside pass)
        assert path.read_bytes() == before and "fixed" not in out
        assert case == "sound" or "may not be empty: point it at an existing one" in out
    else:
        assert "fixed" in out and path.read_bytes() != before
        main(["--data", str(path), "doctor"])
        report = capsys.readouterr().out
        assert "Every uid is unique." in report
        # (the twin's interactions still point at the uid it had: left, and said)
        assert "Every reference points at an existing record." in report or "may not be empty" in report
    Repository(path, today=TODAY).load_all()  # (the file opens, whatever --fix did)


# -- the calendar and the cards ------------------------------------------------------------


def test_the_calendar_written_an_event_at_a_time_is_the_one_icalendar_writes(demo_path):
    from icalendar import Calendar

    from store.calendar_export import previous_revisions, write_ics
    from store import calendar_export

    repo = Repository(demo_path, today=TODAY)
    text = write_ics(repo)
    assert Calendar.from_ical(text).to_ical().decode("utf-8") == text and text.count("BEGIN:VEVENT") > 10
    # a previous export read an event at a time, as read whole
    changed = text.replace("Follow up: ", "Follow up again: ", 3)
    assert calendar_export._own_events(changed) is not None
    whole = calendar_export._own_events
    try:
        calendar_export._own_events = lambda text: None
        expected = previous_revisions(changed)
    finally:
        calendar_export._own_events = whole
    assert previous_revisions(changed) == expected and len(expected) == text.count("BEGIN:VEVENT")
    # any other calendar is read whole: an alarm inside an event, another program's head
    for other in (changed.replace("TRANSP:TRANSPARENT\r\n", "BEGIN:VALARM\r\nACTION:DISPLAY\r\nEND:VALARM\r\n", 1),
                  changed.replace("PRODID:-//relance//relance//EN", "PRODID:-//other//EN"), changed.replace("\r\n", "\n")):
        assert calendar_export._own_events(other) is None


def test_the_cards_sorted_a_batch_at_a_time_are_the_cards_of_the_contacts_sorted(demo_path):
    from store.rules import collation_key
    from store.vcard import sorted_cards, write_vcards

    repo = Repository(demo_path, today=TODAY)
    with repo.transaction():  # (two names the same: the order of the file between them)
        first = repo.list("contact")[0]
        repo.add("contact", {"name": first.name, "company": "Twin & Co"})
    repo = Repository(demo_path, today=TODAY)
    expected = write_vcards(sorted(repo.list("contact"), key=lambda c: collation_key(c.name)))
    assert "".join(sorted_cards(Repository(demo_path, today=TODAY).batches("contact", size=7))) == expected
