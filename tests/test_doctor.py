"""Schema migrations, relance doctor, backup and restore, on real damaged files."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from store.repository import Repository
from store.files import temp_prefix
from store.layout import SCHEMA, dump_data

from .conftest import TODAY, run_relance

FIXTURES = Path(__file__).parent / "fixtures"


def disk(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write_raw(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(path, 0o600)


def doctor(path: Path, *args: str):
    return run_relance("--data", str(path), "doctor", *args)


@pytest.fixture
def small(data_path) -> Path:
    repo = Repository(data_path, today=TODAY)
    zoe = repo.add("contact", {"name": "Zoé Durand"})
    target = repo.add("target", {"name": "DSI de PME"})
    repo.add("contact", {"name": "Léa Martin", "referred_by": zoe.uid, "target_uids": [target.uid]})
    repo.add("opportunity", {"title": "Audit", "contact_uid": zoe.uid, "target_uid": target.uid})
    repo.close()
    return data_path


# -- migrations ------------------------------------------------------------------------------


def test_a_schema_0_file_is_migrated_once_after_a_backup(data_path):
    data_path.parent.mkdir(mode=0o700)
    shutil.copy(FIXTURES / "schema0.json", data_path)
    os.chmod(data_path, 0o600)
    original = data_path.read_bytes()
    repo = Repository(data_path, today=TODAY)
    old, new, backup = repo.migrated
    assert (old, new) == (0, SCHEMA) and backup.read_bytes() == original
    on_disk = disk(data_path)
    assert on_disk["_meta"]["1"]["schema"] == SCHEMA
    assert all(doc.get("uid") for table, docs in on_disk.items() if table != "_meta" for doc in docs.values())
    # document-id references became uid references
    opportunity = repo.list("opportunity")[0]
    assert repo.get("contact", opportunity.contact_uid).name == "Zoé Durand"
    assert repo.get("target", opportunity.target_uid).name == "DSI de PME"
    zoe = next(c for c in repo.list("contact") if c.name == "Zoé Durand")
    camille = repo.get("contact", zoe.referred_by)
    assert camille.name == "Camille Fournier" and [repo.get("target", t).name for t in camille.target_uids] == ["DSI de PME"]
    mission = repo.list("mission")[0]
    assert repo.get("opportunity", mission.opportunity_uid).title == "Audit SI"
    assert repo.get("contact", repo.list("interaction")[0].contact_uid).name == "Camille Fournier"
    assert str(repo.settings().target_monthly) == "9000.00"
    # opening it again changes nothing
    before = data_path.read_bytes()
    assert Repository(data_path, today=TODAY).migrated is None and data_path.read_bytes() == before


def test_the_cli_says_when_it_migrated_the_file(data_path):
    data_path.parent.mkdir(mode=0o700)
    shutil.copy(FIXTURES / "schema0.json", data_path)
    os.chmod(data_path, 0o600)
    result = run_relance("--data", str(data_path), "list", "contacts")
    assert result.returncode == 0, result.stderr
    assert "migrated from schema 0 to 2" in result.stderr and "backups" in result.stderr
    assert "Zoé Durand" in result.stdout


def test_a_schema_0_file_with_a_broken_reference_is_refused_untouched(data_path):
    data = json.loads((FIXTURES / "schema0.json").read_text(encoding="utf-8"))
    data["opportunities"]["1"]["contact_id"] = 99
    write_raw(data_path, data)
    before = data_path.read_bytes()
    result = run_relance("--data", str(data_path), "list", "contacts")
    assert result.returncode == 1
    assert "cannot be migrated" in result.stderr and "record 99 of table contacts" in result.stderr
    assert data_path.read_bytes() == before


def test_a_file_from_a_newer_relance_says_which_version_it_needs(data_path):
    write_raw(data_path, {"_meta": {"1": {"schema": SCHEMA + 1}}, "contacts": {}})
    result = run_relance("--data", str(data_path), "status")
    assert result.returncode == 1 and f"newer relance (schema {SCHEMA + 1})" in result.stderr


# -- doctor ------------------------------------------------------------------------------------


def test_doctor_on_a_sound_file(small):
    result = doctor(small)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().endswith("Nothing wrong.")
    assert "Every reference points at an existing record." in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith(("error", "warning"))]


def test_doctor_fixes_loose_permissions(small):
    os.chmod(small, 0o644)
    os.chmod(small.parent, 0o755)
    result = doctor(small)
    assert result.returncode == 1
    assert "can be read by others (mode 644)" in result.stdout and "can be read by others (mode 755)" in result.stdout
    os.chmod(small, 0o666)
    assert "can be written by others (mode 666)" in doctor(small).stdout
    fixed = doctor(small, "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert "fixed    The data file" in fixed.stdout and "is now mode 600" in fixed.stdout
    assert oct(os.stat(small).st_mode & 0o777) == "0o600" and oct(os.stat(small.parent).st_mode & 0o777) == "0o700"


@pytest.mark.parametrize("layout", ["as relance writes it", "on one line"])
def test_doctor_removes_dangling_references_after_a_backup(small, layout):
    """Records deleted by hand leave links to nothing; --fix removes them, in the file as
    relance writes it (one record a line) and in any other layout."""
    data = disk(small)
    contacts = data["contacts"]
    lea = next(d for d in contacts.values() if d["name"] == "Léa Martin")
    zoe_id = next(k for k, d in contacts.items() if d["name"] == "Zoé Durand")
    del contacts[zoe_id]  # deleted by hand: Léa's referrer and the opportunity's contact dangle
    lea["target_uids"].append("0000dead-0000-4000-8000-000000000000")
    write_raw(small, data)
    if layout == "as relance writes it":
        small.write_bytes(dump_data(data))
    result = doctor(small)
    assert result.returncode == 1
    assert result.stdout.count("points at a contact that does not exist") == 2
    assert "target_uids points at a micro-target that does not exist (0000dead)" in result.stdout
    before = small.read_bytes()
    fixed = doctor(small, "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert fixed.stdout.count("was removed.") == 3 and "The previous version is kept in" in fixed.stdout
    after = disk(small)
    lea = next(d for d in after["contacts"].values() if d["name"] == "Léa Martin")
    assert lea["referred_by"] is None and len(lea["target_uids"]) == 1
    assert [o["contact_uid"] for o in after["opportunities"].values()] == [None]
    backups = sorted((small.parent / "backups").iterdir())
    assert backups[-1].read_bytes() == before
    assert Repository(small, today=TODAY).count("contact") == 1  # the repository opens it again


def test_a_duplicate_uid_is_refused_then_doctor_fix_renumbers_the_second_record(small):
    data = disk(small)
    first_id, first = next(iter(data["contacts"].items()))
    data["contacts"]["99"] = dict(first, name="Copie")
    write_raw(small, data)
    listed = run_relance("--data", str(small), "list", "contacts")
    assert listed.returncode == 1  # not one of the two hidden behind the other
    assert "have the same uid" in listed.stderr and "doctor --fix" in listed.stderr
    report = doctor(small)
    assert report.returncode == 1
    assert "has the uid" in report.stdout and "contacts/99 (Copie)" in report.stdout
    result = doctor(small, "--fix")
    assert result.returncode == 0, result.stdout
    assert "contacts/99 (Copie) had the uid" in result.stdout
    after = disk(small)["contacts"]
    assert after[first_id]["uid"] == first["uid"]  # the first keeps it, and the links to it
    assert after["99"]["uid"] not in (first["uid"], "") and after["99"]["name"] == "Copie"
    names = run_relance("--data", str(small), "list", "contacts", "--json")
    assert names.returncode == 0
    assert sorted(c["name"] for c in json.loads(names.stdout)) == ["Copie", "Léa Martin", "Zoé Durand"]
    backups = sorted((small.parent / "backups").iterdir())
    assert json.loads(backups[-1].read_text())["contacts"]["99"]["uid"] == first["uid"]  # kept before the fix


def test_doctor_removes_leftover_temp_files(small):
    leftover = small.parent / f"{temp_prefix(small)}99999999-abcd"
    leftover.write_text("{half", encoding="utf-8")
    result = doctor(small)
    assert result.returncode == 1 and "1 temp file left by an interrupted save" in result.stdout
    fixed = doctor(small, "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert "1 leftover temp file removed." in fixed.stdout and not leftover.exists()


def test_doctor_on_a_corrupt_file_names_the_problem_and_the_backup(small):
    Repository(small, today=TODAY).add("contact", {"name": "One more"})  # makes a backup
    small.write_text('{"contacts": {"1": {"name": "x"', encoding="utf-8")
    result = doctor(small, "--fix")
    assert result.returncode == 1
    assert "cannot be read: it is not valid JSON" in result.stdout and "line 1" in result.stdout
    assert "the newest, " in result.stdout and "is readable" in result.stdout


def test_doctor_migrates_an_old_schema_with_fix(data_path):
    data_path.parent.mkdir(mode=0o700)
    shutil.copy(FIXTURES / "schema0.json", data_path)
    os.chmod(data_path, 0o600)
    result = doctor(data_path)
    assert result.returncode == 1 and "The file has schema 0" in result.stdout
    fixed = doctor(data_path, "--fix")
    assert fixed.returncode == 0, fixed.stdout
    assert "Migrated from schema 0 to 2" in fixed.stdout and disk(data_path)["_meta"]["1"]["schema"] == 2


# -- backup and restore ---------------------------------------------------------------------------


def test_backup_then_restore_a_damaged_file(small):
    result = run_relance("--data", str(small), "backup")
    assert result.returncode == 0, result.stderr
    kept = Path(result.stdout.strip())
    assert kept.read_bytes() == small.read_bytes() and oct(kept.stat().st_mode & 0o777) == "0o600"
    # a damaged file, written in place: the backup is a copy, not a link, and stays sound
    with open(small, "r+b") as handle:
        handle.truncate(10)
    assert kept.read_bytes() != small.read_bytes() and json.loads(kept.read_text(encoding="utf-8"))
    listing = run_relance("--data", str(small), "restore")
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[1].startswith("  1  ") and "2 contacts, 1 micro-target, 1 opportunity" in lines[1]
    restored = run_relance("--data", str(small), "restore", "1")
    assert restored.returncode == 0, restored.stderr
    assert "The file it replaced is kept in" in restored.stdout
    assert sorted(c.name for c in Repository(small, today=TODAY).list("contact")) == ["Léa Martin", "Zoé Durand"]
    # the damaged version was kept too, and the listing says it cannot be read
    again = run_relance("--data", str(small), "restore").stdout
    assert "unreadable: it is not valid JSON" in again


def test_restore_refuses_what_it_cannot_find_or_read(small):
    result = run_relance("--data", str(small), "restore", "42")
    assert result.returncode == 1 and "There is no backup '42'" in result.stderr
    bad = small.parent / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    before = small.read_bytes()
    result = run_relance("--data", str(small), "restore", str(bad))
    assert result.returncode == 1 and "cannot be restored" in result.stderr
    assert small.read_bytes() == before


def test_doctor_fix_never_touches_a_shared_folder_or_a_folder_given_as_the_file(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o1777)  # like /tmp: others write there, but cannot swap the user's files
    (shared / "someone-else.txt").write_text("not relance's")
    data = shared / "relance.json"
    Repository(data, today=TODAY).add("contact", {"name": "Zoé"})
    result = doctor(data, "--fix")
    assert "it holds other files too, so --fix leaves it alone" in result.stdout
    assert oct(os.stat(shared).st_mode & 0o7777) == "0o1777"
    assert oct(os.stat(data).st_mode & 0o777) == "0o600"
    folder_as_file = tmp_path / "a-folder"
    folder_as_file.mkdir(mode=0o755)
    result = doctor(folder_as_file, "--fix")
    assert result.returncode == 1 and "is not a regular file" in result.stdout
    assert oct(os.stat(folder_as_file).st_mode & 0o777) == "0o755"


def test_backup_and_restore_of_a_missing_file_create_nothing(tmp_path):
    data = tmp_path / "nowhere" / "relance.json"
    for args in (("backup",), ("restore",)):
        result = run_relance("--data", str(data), *args)
        assert result.returncode == 1 and "there is no data file at" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_backup_the_disk_refuses_says_why_and_leaves_no_half_copy(small):
    """`relance backup` on a full disk (a limit on file sizes stands for it) ended in a
    traceback; it now says why in one line, and no half-written copy is left."""
    import subprocess
    import sys

    from .conftest import ROOT
    from .helpers.disk import limit_file_size

    before = small.read_bytes()
    folder = small.parent / "backups"
    kept = sorted(folder.iterdir()) if folder.exists() else []
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(small), "backup"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60, preexec_fn=lambda: limit_file_size(len(before) // 2))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"relance: Could not keep a backup in {folder}: File too large.")
    assert small.read_bytes() == before and sorted(folder.iterdir()) == kept


def test_doctor_reads_a_uid_in_capitals_as_every_command_does(data_path):
    """Found from outside: a contact_uid written in capitals points at its contact for every
    command (a reference is read trimmed and in lower case), but doctor called it a link to
    nothing, and --fix emptied it: the interaction's contact may not be empty, so the file
    could no longer be opened."""
    repo = Repository(data_path, today=TODAY)
    ada = repo.add("contact", {"name": "Ada"})
    repo.add("interaction", {"contact_uid": ada.uid, "kind": "call", "date": "2026-11-02"})
    repo.close()
    data = json.loads(data_path.read_text(encoding="utf-8"))
    next(iter(data["interactions"].values()))["contact_uid"] = ada.uid.upper()
    data_path.write_text(dump_data(data).decode("utf-8"), encoding="utf-8")
    report = run_relance("--data", str(data_path), "doctor")
    assert "Every reference points at an existing record." in report.stdout, report.stdout
    fixed = run_relance("--data", str(data_path), "doctor", "--fix")
    assert fixed.returncode == 0 and "removed" not in fixed.stdout
    assert Repository(data_path, today=TODAY).list("interaction")[0].contact_uid == ada.uid
