"""The repository API against the real file: add, update, delete, get, list, settings, export/import."""

from __future__ import annotations

import json

import pytest

from seeds.demo import build_demo
from store.errors import AmbiguousError, NotFoundError, ReferencedError, ValidationError
from store.repository import Repository

from .conftest import TODAY


def on_disk(path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_add_assigns_uid_and_created_and_saves(repo, data_path):
    contact = repo.add("contact", {"name": "Zoé Durand", "company": "Acme"})
    assert len(contact.uid) == 36 and contact.created == TODAY
    [doc] = on_disk(data_path)["contacts"].values()
    assert doc["uid"] == contact.uid and doc["name"] == "Zoé Durand" and doc["created"] == "2026-11-27"


def test_invalid_add_writes_nothing(repo, data_path):
    repo.add("contact", {"name": "Zoé"})
    before = data_path.read_bytes()
    with pytest.raises(ValidationError):
        repo.add("contact", {"name": "", "email": "bad"})
    assert data_path.read_bytes() == before
    assert repo.count("contact") == 1


def test_update_changes_only_given_fields(repo, data_path):
    contact = repo.add("contact", {"name": "Zoé", "company": "Acme", "tags": "client"})
    updated = repo.update("contact", contact.uid, {"company": "Globex"})
    assert (updated.name, updated.company, updated.tags) == ("Zoé", "Globex", ["client"])
    [doc] = on_disk(data_path)["contacts"].values()
    assert doc["company"] == "Globex" and doc["tags"] == ["client"]
    assert Repository(data_path).get("contact", contact.uid).company == "Globex"


def test_update_keeps_fields_added_by_a_newer_version(repo, data_path):
    contact = repo.add("contact", {"name": "Zoé"})
    data = on_disk(data_path)
    next(iter(data["contacts"].values()))["linkedin_id"] = "zoe-42"
    data_path.write_text(json.dumps(data))
    repo.update("contact", contact.uid, {"company": "Acme"})
    [doc] = on_disk(data_path)["contacts"].values()
    assert doc["linkedin_id"] == "zoe-42" and doc["company"] == "Acme"


def test_delete_referenced_record_names_the_referrers(repo, data_path):
    target = repo.add("target", {"name": "DSI de PME"})
    zoe = repo.add("contact", {"name": "Zoé", "target_uids": [target.uid]})
    repo.add("opportunity", {"title": "Audit SI", "contact_uid": zoe.uid, "target_uid": target.uid})
    with pytest.raises(ReferencedError) as err:
        repo.delete("target", target.uid)
    message = str(err.value)
    assert "'DSI de PME'" in message and "contact 'Zoé' (micro-targets)" in message
    assert "opportunity 'Audit SI' (micro-target)" in message
    assert repo.count("target") == 1 and len(on_disk(data_path)["targets"]) == 1


def test_referrers_are_every_record_pointing_at_one(repo):
    """The referrers found through the fields that can point at a kind are exactly the
    records whose references (any field, a review's items included) name the record."""
    repo.import_data(build_demo(TODAY))
    kinds = ("contact", "target", "opportunity", "mission", "interaction", "review")
    checked = 0
    for kind in kinds:
        for record in repo.list(kind):
            expected = [(other, r.uid, r.label(), field)
                        for other in kinds
                        for r in repo.list(other) if r.uid != record.uid
                        for field in [next((f for f, k, u in r.references() if k == kind and u == record.uid), None)]
                        if field is not None]
            assert repo.referrers(kind, record.uid) == expected
            checked += bool(expected)
    assert checked >= 5  # the demo's records do point at each other


def test_delete_removes_from_disk(repo, data_path):
    a = repo.add("contact", {"name": "A"})
    b = repo.add("contact", {"name": "B"})
    assert repo.delete("contact", a.uid).name == "A"
    assert [d["uid"] for d in on_disk(data_path)["contacts"].values()] == [b.uid]
    with pytest.raises(NotFoundError):
        repo.get("contact", a.uid)


def test_find_by_uid_prefix_or_unambiguous_name(repo):
    zoe = repo.add("contact", {"name": "Zoé Durand"})
    repo.add("contact", {"name": "Zoé Martin"})
    assert repo.find("contact", zoe.uid).uid == zoe.uid
    assert repo.find("contact", zoe.uid[:8]).uid == zoe.uid
    assert repo.find("contact", "zoé durand").uid == zoe.uid
    with pytest.raises(AmbiguousError, match="2 records of kind contact match 'Zoé'"):
        repo.find("contact", "Zoé")
    with pytest.raises(NotFoundError, match="No contact is named 'Paul'"):
        repo.find("contact", "Paul")


def test_settings_get_and_set(repo, data_path):
    assert repo.settings().target_monthly is None and repo.settings().horizon_months == 6
    repo.set_settings({"target_monthly": "12000", "daily_rate": "650"})
    repo.set_settings({"horizon_months": "9"})
    settings = Repository(data_path).settings()
    assert (str(settings.target_monthly), settings.horizon_months) == ("12000.00", 9)
    assert len(on_disk(data_path)["settings"]) == 1


def test_transaction_groups_changes_in_one_write(repo, data_path):
    with repo.transaction():
        target = repo.add("target", {"name": "DSI"})
        repo.add("contact", {"name": "Zoé", "target_uids": [target.uid]})
        assert not data_path.exists()  # nothing written before the end
    assert len(repo.storage.backups.list()) == 0
    data = on_disk(data_path)
    assert len(data["targets"]) == 1 and len(data["contacts"]) == 1


def test_records_added_are_numbered_after_the_highest_stored_one(repo, data_path):
    """New documents take the highest doc id + 1 (TinyDB's numbering), within one write,
    after a delete, and after another session added to the same file."""
    with repo.transaction():
        first = [repo.add("contact", {"name": f"Contact {n}"}) for n in range(3)]
    ids = {doc["name"]: int(key) for key, doc in on_disk(data_path)["contacts"].items()}
    assert ids == {"Contact 0": 1, "Contact 1": 2, "Contact 2": 3}
    with repo.transaction():  # a delete and two adds in one write
        repo.delete("contact", first[1].uid)
        repo.add("contact", {"name": "Contact 3"})
        repo.add("contact", {"name": "Contact 4"})
    other = Repository(data_path, today=TODAY)  # another session adds in between
    other.add("contact", {"name": "From elsewhere"})
    other.close()
    repo.add("contact", {"name": "Contact 5"})
    ids = {doc["name"]: int(key) for key, doc in on_disk(data_path)["contacts"].items()}
    assert ids == {"Contact 0": 1, "Contact 2": 3, "Contact 3": 4, "Contact 4": 5, "From elsewhere": 6, "Contact 5": 7}
    assert sorted(c.name for c in Repository(data_path, today=TODAY).list("contact")) == [
        "Contact 0", "Contact 2", "Contact 3", "Contact 4", "Contact 5", "From elsewhere"]


def test_the_first_record_of_a_new_file_and_its_settings(tmp_path):
    path = tmp_path / "new.json"
    repo = Repository(path, today=TODAY)
    repo.add("contact", {"name": "Zoé"})
    repo.set_settings({"target_monthly": "9000"})
    data = on_disk(path)
    assert list(data["contacts"]) == ["1"] and list(data["settings"]) == ["1"]
    assert data["settings"]["1"]["target_monthly"] == "9000.00"
    assert Repository(path, today=TODAY).settings().target_monthly == 9000


def test_export_then_import_gives_identical_data(repo, tmp_path):
    repo.import_data(build_demo(TODAY))
    repo.set_settings({"target_monthly": "12345.67"})
    exported = repo.export()
    other = Repository(tmp_path / "other.json", today=TODAY)
    other.import_data(json.loads(json.dumps(exported)))
    again = other.export()
    exported.pop("exported"), again.pop("exported")
    assert again == exported


def test_import_refuses_non_empty_store_unless_replace(repo, data_path):
    repo.add("contact", {"name": "Mine"})
    with pytest.raises(ValidationError, match="--replace"):
        repo.import_data(build_demo(TODAY))
    assert [c.name for c in repo.list("contact")] == ["Mine"]
    repo.import_data(build_demo(TODAY), replace=True)
    assert repo.count("contact") == 40
    previous = json.loads(repo.storage.backups.newest().read_text())
    assert [d["name"] for d in previous["contacts"].values()] == ["Mine"]


def test_import_with_errors_imports_nothing_and_names_each_problem(repo, data_path):
    payload = build_demo(TODAY)
    payload["contacts"][3]["email"] = "not-an-email"
    payload["missions"][0]["end"] = "2020-01-01"
    payload["opportunities"][2]["contact_uid"] = "0e0e0e0e-0000-4000-8000-000000000000"
    with pytest.raises(ValidationError) as err:
        repo.import_data(payload)
    errors = err.value.errors
    assert "contacts[3] email" in errors
    assert "missions[0] end" in errors
    assert not data_path.exists()
    payload = build_demo(TODAY)
    payload["opportunities"][2]["contact_uid"] = "0e0e0e0e-0000-4000-8000-000000000000"
    with pytest.raises(ValidationError) as err:
        repo.import_data(payload)
    assert any("opportunities[2]" in key and "contact_uid" in key for key in err.value.errors)
    assert not data_path.exists() and repo.count("contact") == 0


def test_import_refuses_duplicate_uids(repo):
    payload = build_demo(TODAY)
    payload["contacts"][1]["uid"] = payload["contacts"][0]["uid"]
    with pytest.raises(ValidationError) as err:
        repo.import_data(payload)
    assert "already used by contacts[0]" in err.value.errors["contacts[1] uid"]


def test_demo_tells_the_articles_story(repo):
    repo.import_data(build_demo(TODAY))
    contacts = repo.list("contact")
    assert 35 <= len(contacts) <= 45
    assert sum(c.circle == "natural" for c in contacts) > len(contacts) / 2
    overdue = [c for c in contacts if c.next_follow_up and c.next_follow_up < TODAY]
    assert 2 <= len(overdue) <= 6
    # the first mission, over a year ago, reviewed; a short one ended without its review;
    # the current one, from the natural network, ending in about six weeks
    first, earlier, current = sorted(repo.list("mission"), key=lambda m: m.start)
    assert current.source == "natural" and 35 <= (current.end - TODAY).days <= 49
    assert earlier.end < TODAY and earlier.review_uid is None
    [review] = repo.list("review")
    assert first.review_uid == review.uid and review.completed and first.source == "natural"
    assert [r["status"] for r in review.recommendations] == ["to-ask", "asked"]  # (one still to ask: pane 1's c)
    targets = repo.list("target")
    opportunities = repo.list("opportunity")
    empty = [t for t in targets if not any(o.target_uid == t.uid for o in opportunities)]
    assert 3 <= len(targets) <= 4 and len(empty) == 1
    assert sum(o.stage not in ("won", "lost") for o in opportunities) <= 4


def test_demo_dates_follow_today(tmp_path):
    from datetime import date

    later = date(2027, 6, 1)
    repo = Repository(tmp_path / "d.json", today=later)
    repo.import_data(build_demo(later))
    current = max(repo.list("mission"), key=lambda m: m.start)
    assert 35 <= (current.end - later).days <= 49


def test_follow_ups_due_read_from_documents_match_the_records(data_path):
    from seeds.demo import build_demo

    from .conftest import TODAY

    Repository(data_path, today=TODAY).import_data(build_demo(TODAY))
    fresh = Repository(data_path, today=TODAY)  # contacts not built yet: read from the documents
    count, due = fresh.follow_ups_due()
    from_documents = [(c.uid, c.name, c.company, c.next_follow_up) for c in due]
    assert "contact" not in fresh._models
    fresh.list("contact")
    count_records, due = fresh.follow_ups_due()
    from_records = [(c.uid, c.name, c.company, c.next_follow_up) for c in due]
    assert from_documents == from_records and len(from_records) == 4 == count == count_records
    assert [d for *_rest, d in from_records] == sorted(d for *_rest, d in from_records)


@pytest.mark.parametrize("first", [None, 0, 1, 15, 5000])
def test_the_oldest_follow_ups_found_from_the_lines_equal_those_of_the_records(data_path, first):
    """At 1,000 contacts (many due, many on the same day): the count and the oldest ones
    read from the file's lines, parsing only those shown, are the records' own."""
    from seeds.synthetic import build_synthetic

    from .conftest import TODAY

    Repository(data_path, today=TODAY).import_data(build_synthetic(1000, TODAY))
    fresh = Repository(data_path, today=TODAY)
    count, due = fresh.follow_ups_due(first)
    assert "contact" not in fresh._models
    fresh.list("contact")
    expected_count, expected = fresh.follow_ups_due(first)
    assert count == expected_count > 100
    assert [(c.uid, c.name, c.next_follow_up) for c in due] == [(c.uid, c.name, c.next_follow_up) for c in expected]
