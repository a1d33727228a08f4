"""Time off from the command line, the schema 2 migration that brought it, and the plan
in ``relance status``: real child processes on a real data file."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path

import pytest

from store.errors import SaveError
from store.layout import SCHEMA
from store.repository import Repository

from .conftest import run_relance

TODAY = "2027-01-06"


def relance(data_path: Path, *args: str, env: dict | None = None):
    return run_relance("--data", str(data_path), "--today", TODAY, *args,
                       env={"COLUMNS": "100", "NO_COLOR": "1", **(env or {})})


def with_a_cliff(data_path: Path) -> Path:
    """A target of 10,000 a month, 500 a day, a mission to the end of April: May is short."""
    assert relance(data_path, "settings", "--target-monthly", "10000", "--daily-rate", "500").returncode == 0
    added = relance(data_path, "add", "mission", "--client", "Acme", "--start", "2027-01-04", "--end", "2027-04-30",
                    "--daily-rate", "500")
    assert added.returncode == 0, added.stderr
    return data_path


def test_add_list_edit_and_delete_time_off(data_path):
    with_a_cliff(data_path)
    added = relance(data_path, "add", "time-off", "--start", "2027-02-15", "--end", "2027-02-19", "--note", "Ski")
    assert added.returncode == 0, added.stderr
    uid = added.stdout.strip()
    assert "Added a period of time off: Ski (2027-02-15 to 2027-02-19)" in added.stderr
    listed = relance(data_path, "list", "time-off")
    assert listed.stdout.splitlines()[1].split() == [uid[:8], "2027-02-15", "2027-02-19", "Ski"]
    # the table's name and the kind's are taken too
    assert json.loads(relance(data_path, "list", "time_off", "--json").stdout)[0]["note"] == "Ski"
    edited = relance(data_path, "edit", "time-off", "ski", "--end", "2027-02-26")
    assert edited.returncode == 0, edited.stderr
    assert "--end: '2027-02-19' → '2027-02-26'" in edited.stderr
    # the forecast: ten working days of February off
    doc = json.loads(relance(data_path, "status", "--json").stdout)
    february = next(m for m in doc["months"] if m["month"] == "2027-02")
    assert (february["working_days"], february["time_off_days"], february["secured"]) == (20, 10, "5000.00")
    removed = relance(data_path, "rm", "time-off", uid[:8], "--yes")
    assert removed.returncode == 0, removed.stderr
    assert "Ski" not in relance(data_path, "list", "time-off").stdout


def test_a_time_off_ending_before_it_starts_is_refused_and_nothing_is_written(data_path):
    with_a_cliff(data_path)
    before = data_path.read_bytes()
    refused = relance(data_path, "add", "time-off", "--start", "2027-03-01", "--end", "2027-02-26")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip() == ("relance add time-off: error: --end: the end 2027-02-26 is before "
                                      "the start 2027-03-01.")
    missing = relance(data_path, "add", "time-off", "--start", "2027-03-01")
    assert missing.returncode == 2 and "--end: is required" in missing.stderr
    assert data_path.read_bytes() == before
    unknown = relance(data_path, "rm", "time-off", "nothing", "--yes")
    assert unknown.returncode != 0 and "No time off is named 'nothing'" in unknown.stderr


def test_french_dates_are_taken_for_time_off(data_path):
    with_a_cliff(data_path)
    env = {"LANG": "fr_FR.UTF-8", "LANGUAGE": ""}
    added = relance(data_path, "add", "time-off", "--start", "15/02/2027", "--end", "19/02/2027", env=env)
    assert added.returncode == 0, added.stderr
    assert relance(data_path, "list", "time-off", "--json").stdout.count("2027-02-1") == 2


def test_time_off_goes_through_an_export_and_an_import(data_path, tmp_path):
    with_a_cliff(data_path)
    relance(data_path, "add", "time-off", "--start", "2027-02-15", "--end", "2027-02-19", "--note", "Ski")
    exported = tmp_path / "export.json"
    assert relance(data_path, "export", "json", "-o", str(exported)).returncode == 0
    doc = json.loads(exported.read_text())
    assert doc["schema"] == SCHEMA == 2
    assert [(t["start"], t["end"], t["note"]) for t in doc["time_off"]] == [("2027-02-15", "2027-02-19", "Ski")]
    other = tmp_path / "other" / "relance.json"
    imported = relance(other, "import", "json", str(exported))
    assert imported.returncode == 0, imported.stderr
    assert "1 period of time off" in imported.stdout
    assert json.loads(relance(other, "list", "time-off", "--json").stdout)[0]["note"] == "Ski"
    # an export of schema 1 (no time off) is still read
    doc["schema"] = 1
    del doc["time_off"]
    exported.write_text(json.dumps(doc))
    third = tmp_path / "third" / "relance.json"
    assert relance(third, "import", "json", str(exported)).returncode == 0
    assert "Acme" in relance(third, "list", "missions").stdout


def test_a_schema_1_file_is_migrated_to_schema_2_after_a_backup(data_path):
    data_path.parent.mkdir(mode=0o700)
    schema_1 = {
        "_meta": {"1": {"schema": 1}},
        "settings": {"1": {"uid": "s", "target_monthly": "10000.00", "daily_rate": "500.00"}},
        "missions": {"1": {"uid": "0b5f7a1e-0000-4000-8000-000000000001", "client": "Acme", "start": "2027-01-04",
                           "end": "2027-04-30", "daily_rate": "500.00"}},
    }
    original = json.dumps(schema_1).encode()
    data_path.write_bytes(original)
    os.chmod(data_path, 0o600)
    result = relance(data_path, "list", "missions")
    assert result.returncode == 0, result.stderr
    assert "migrated from schema 1 to 2" in result.stderr and "Acme" in result.stdout
    on_disk = json.loads(data_path.read_text())
    assert on_disk["_meta"]["1"]["schema"] == 2 and on_disk["time_off"] == {}
    assert on_disk["missions"]["1"]["client"] == "Acme"
    backups = sorted((data_path.parent / "backups").iterdir())
    assert [b.read_bytes() for b in backups] == [original]
    # once: the next command writes nothing
    again = data_path.read_bytes()
    second = relance(data_path, "add", "time-off", "--start", "2027-02-15", "--end", "2027-02-19")
    assert second.returncode == 0 and "migrated" not in second.stderr
    assert data_path.read_bytes() != again
    repo = Repository(data_path)
    try:
        assert [t.start.isoformat() for t in repo.list("time_off")] == ["2027-02-15"]
    finally:
        repo.close()


def test_a_schema_2_file_is_refused_by_a_reader_of_schema_1_only(data_path):
    # what an older relance says: checked with the layout check of this one, one schema up
    from store.layout import check_layout

    assert "newer relance (schema 3)" in check_layout({"_meta": {"1": {"schema": SCHEMA + 1}}})


def test_status_says_the_plan_and_the_short_line_counts_the_week(data_path):
    with_a_cliff(data_path)
    # a lead first contacted on Monday of this week, one on the Sunday before
    for day in ("2027-01-04", "2027-01-03"):
        added = relance(data_path, "add", "opportunity", "--title", f"Lead {day}", "--first-contact", day)
        assert added.returncode == 0, added.stderr
    result = relance(data_path, "status")
    text = " ".join(result.stdout.split())
    # May short: 20,000 uncovered (May and June), 10,000 a mission (500 × 20), 2 missions,
    # 40 leads at 5 %; the deadline (1 May − the default 180 days) has passed, so the weeks
    # run to 1 May, 115 days away: 17 weeks, 3 leads a week
    assert "This week: 1 of 3 new leads — 40 leads by 1 May 2027 to cover May 2027, at your 5 % win rate (default)." \
        in text.replace("\u202f", " ")
    short = relance(data_path, "status", "--short")
    assert "1/3 leads this week" in short.stdout
    plan = json.loads(relance(data_path, "status", "--json").stdout)["plan"]
    assert plan == {"win_rate": 0.05, "win_rate_source": "default", "mission_value": "10000.00",
                    "mission_value_source": "default", "uncovered": "20000.00", "missions_needed": 2,
                    "leads_needed": 40, "weeks": 17, "weekly_leads": 3, "this_week": 1}


SCHEMA_1 = {
    "_meta": {"1": {"schema": 1}},
    "settings": {"1": {"uid": "s", "target_monthly": "10000.00", "daily_rate": "500.00"}},
    "contacts": {"1": {"uid": "0b5f7a1e-0000-4000-8000-000000000002", "name": "Zoé"}},
}


def test_a_schema_1_file_on_a_read_only_disk_is_read_as_it_is(read_only_mount):
    """Every file became schema 1 → 2 with time off: one on a backup disk or a snapshot
    must stay readable where the migration cannot be written."""
    mount = read_only_mount
    path = mount / "relance.json"
    path.write_text(json.dumps(SCHEMA_1))
    os.chmod(path, 0o600)
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    before = path.read_bytes()
    listed = relance(path, "list", "contacts")
    assert listed.returncode == 0, listed.stderr
    assert "Zoé" in listed.stdout
    assert "is of schema 1 and could not be migrated to schema 2 here" in listed.stderr
    assert "read-only file system" in listed.stderr and len(listed.stderr.strip().splitlines()) == 1
    status = relance(path, "status", "--json")
    assert status.returncode == 0 and json.loads(status.stdout)["plan"]["mission_value"] == "10000.00"
    refused = relance(path, "add", "time-off", "--start", "2027-02-15", "--end", "2027-02-19")
    assert refused.returncode == 1 and "read-only file system" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert path.read_bytes() == before
    # writable again: the first change migrates, then makes the change
    subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)
    added = relance(path, "add", "time-off", "--start", "2027-02-15", "--end", "2027-02-19")
    assert added.returncode == 0, added.stderr
    on_disk = json.loads(path.read_text())
    assert on_disk["_meta"]["1"]["schema"] == 2 and len(on_disk["time_off"]) == 1
    assert on_disk["contacts"]["1"]["name"] == "Zoé"


def test_a_schema_1_file_on_a_full_disk_is_read_and_a_write_says_why(data_path):
    from .helpers.disk import files_at_most

    data_path.parent.mkdir(mode=0o700)
    data_path.write_text(json.dumps(SCHEMA_1))
    os.chmod(data_path, 0o600)
    before = data_path.read_bytes()
    # (a write of any file past 64 bytes fails as on a full disk: the backup, the new file)
    with files_at_most(64):
        repo = Repository(data_path, today=date(2027, 1, 6))
        try:
            assert repo.unmigrated is not None and repo.unmigrated[0] == 1
            assert [c.name for c in repo.list("contact")] == ["Zoé"]
            assert repo.list("time_off") == []
            with pytest.raises(SaveError):
                repo.add("time_off", {"start": "2027-02-15", "end": "2027-02-19"})
        finally:
            repo.close()
    assert data_path.read_bytes() == before


def test_add_interaction_moves_the_contacts_last_contact_and_clears_a_follow_up_done(data_path):
    """Found from outside: the CLI's interaction left the contact's last contact as it was,
    so "who to contact now" kept listing them."""
    relance(data_path, "add", "contact", "--name", "Nat Quiet", "--last-contact", "2025-05-15",
            "--next-follow-up", "2027-01-02")
    added = relance(data_path, "add", "interaction", "--contact", "Nat Quiet", "--date", "2027-01-05", "--kind", "call")
    assert added.returncode == 0, added.stderr
    assert "Nat Quiet: last contact 2027-01-05, next follow-up none." in added.stderr
    [doc] = json.loads(relance(data_path, "list", "contacts", "--json").stdout)
    assert (doc["last_contact"], doc["next_follow_up"]) == ("2027-01-05", None)
    # an older interaction logged later moves nothing back
    relance(data_path, "add", "interaction", "--contact", "Nat Quiet", "--date", "2026-12-01")
    [doc] = json.loads(relance(data_path, "list", "contacts", "--json").stdout)
    assert doc["last_contact"] == "2027-01-05"
