"""Issue 17's reproductions, found by trying relance from outside (a new user with two
data files in a folder, a lock removed or held, hostile files, a read-only disk): each
test is one of them, run on the real command in a child process and the real file.
The ones that need a second account are in test_multiuser.py, the fuzzing in
test_fuzz.py."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store.repository import Repository
from store.backups import KEEP_LAST
from store.files import temp_prefix, write_new_file

from .conftest import ROOT, TODAY, run_relance


def relance(path: Path, *args: str, env: dict[str, str] | None = None):
    return run_relance("--data", str(path), "--today", TODAY.isoformat(), *args, env=env)


def one_line_refusal(result, status: int = 1) -> str:
    """The command refused in one line, with no traceback; that line."""
    assert result.returncode == status, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


# -- 1, 2: backups belong to one data file, and every command keeps the retention --------


def test_two_data_files_in_one_folder_keep_their_backups_apart(tmp_path):
    folder = tmp_path / "data"
    mine, old = folder / "relance.json", folder / "relance-old.json"
    assert relance(mine, "add", "contact", "--name", "Mine").returncode == 0
    assert relance(mine, "add", "contact", "--name", "Second").returncode == 0
    for target in ("1", "2"):
        assert relance(old, "settings", "--target-monthly", target).returncode == 0
    listing = relance(mine, "restore")
    assert listing.returncode == 0
    rows = [line for line in listing.stdout.splitlines() if line.strip()[:1].isdigit()]
    assert len(rows) == 1 and rows[0].endswith(" 1 contact") and "?" not in rows[0], listing.stdout
    restored = relance(mine, "restore", "1")
    assert restored.returncode == 0, restored.stderr
    kept = next(line for line in restored.stdout.splitlines() if "is kept in" in line)
    assert "relance-old" not in restored.stdout and "/relance-2026" in kept or "/relance-20" in kept
    names = [c["name"] for c in json.loads(relance(mine, "list", "contacts", "--json").stdout)]
    assert names == ["Mine"]  # its own previous version, not relance-old's settings
    assert json.loads(old.read_text())["settings"]["1"]["target_monthly"] == "2.00"

    # relance backup on me.json prunes me.json's backups only
    me, tui = folder / "me.json", folder / "me-tui.json"
    for n in range(4):
        assert relance(tui, "add", "contact", "--name", f"T{n}").returncode == 0
    theirs = sorted(p.name for p in (folder / "backups").iterdir() if p.name.startswith("me-tui-"))
    assert len(theirs) == 3
    relance(me, "add", "contact", "--name", "Me")
    for _ in range(KEEP_LAST + 2):
        assert relance(me, "backup").returncode == 0
    assert sorted(p.name for p in (folder / "backups").iterdir() if p.name.startswith("me-tui-")) == theirs
    assert len([p for p in (folder / "backups").iterdir() if p.name.startswith("me-2")]) == KEEP_LAST


def test_every_command_keeps_the_retention_not_only_the_dashboard(tmp_path):
    path = tmp_path / "data" / "relance.json"
    for n in range(KEEP_LAST + 3):
        assert relance(path, "add", "contact", "--name", f"C{n}").returncode == 0
    kept = sorted((path.parent / "backups").iterdir())
    # (all made today: the last 10, today's newest among them)
    assert len(kept) == KEEP_LAST
    newest = json.loads(kept[-1].read_text())
    assert len(newest["contacts"]) == KEEP_LAST + 2  # the version before the last add


# -- 3, 4: the lock ----------------------------------------------------------------------

SLOW_WRITER = """
import sys, time
from store.repository import Repository
repo = Repository(sys.argv[1])
try:
    with repo.transaction():
        repo.add("contact", {"name": "Slow"})
        print("holding", flush=True)
        time.sleep(float(sys.argv[2]))
except Exception as err:
    print("refused:", err, flush=True)
else:
    print("saved", flush=True)
"""


def test_a_removed_lock_file_never_loses_a_write_that_said_it_was_saved(data_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "First"})
    slow = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(data_path), "2"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    assert slow.stdout.readline().strip() == "holding"
    os.unlink(data_path.with_name("relance.json.lock"))
    quick = relance(data_path, "add", "contact", "--name", "Quick")
    said, _ = slow.communicate(timeout=30)
    names = {c["name"] for c in json.loads(data_path.read_text())["contacts"].values()}
    if quick.returncode == 0:
        assert "Quick" in names
    if said.startswith("saved"):
        assert "Slow" in names
    assert quick.returncode == 0 or said.startswith("saved")  # one of them went in
    assert said.startswith("refused:") and "lock file" in said  # the slow one could not know
    assert names == {"First", "Quick"}


def test_a_held_lock_is_waited_for_a_bounded_time_then_named(data_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "First"})
    before = data_path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
         "print('held', flush=True); time.sleep(60)", str(data_path) + ".lock"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        result = relance(data_path, "add", "contact", "--name", "Waits", env={"RELANCE_LOCK_TIMEOUT": "1"})
        waited = time.monotonic() - started
        line = one_line_refusal(result)
        assert str(data_path) + ".lock" in line and f"process {holder.pid}" in line and "Nothing was saved" in line
        assert waited < 10
        assert relance(data_path, "list", "contacts").returncode == 0  # a read does not wait for it
    finally:
        holder.kill()
        holder.wait()
    assert data_path.read_bytes() == before
    assert relance(data_path, "add", "contact", "--name", "After").returncode == 0


def test_a_held_lock_on_the_folder_is_waited_for_a_bounded_time_then_named(data_path):
    """A save locks the data file's folder too (the lock file can be removed under it;
    the folder cannot): a program holding that lock is waited for, then named."""
    Repository(data_path, today=TODAY).add("contact", {"name": "First"})
    before = data_path.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(60)", str(data_path.parent)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = relance(data_path, "add", "contact", "--name", "Waits", env={"RELANCE_LOCK_TIMEOUT": "1"})
        line = one_line_refusal(result)
        assert str(data_path.parent) in line and f"process {holder.pid}" in line and "Nothing was saved" in line
        assert data_path.read_bytes() == before
        assert not any(data_path.parent.glob("." + data_path.name + ".tmp-*"))
    finally:
        holder.kill()
        holder.wait()
    assert relance(data_path, "add", "contact", "--name", "After").returncode == 0
    assert "After" in data_path.read_text()


# -- 5, 7: writers and round trips ---------------------------------------------------------


def test_exporting_no_contact_as_vcard_returns_and_leaves_no_temp_file(tmp_path, data_path):
    Repository(data_path, today=TODAY).set_settings({"target_monthly": "1000"})
    out = tmp_path / "out.vcf"
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(data_path), "export", "vcard", "-o", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert result.returncode == 0 and out.read_text() == ""
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    empty = tmp_path / "empty"
    write_new_file(empty, [b"", b"", b""])  # (writev returned 0 for them: the loop never ended)
    assert empty.read_bytes() == b""


def test_export_import_export_gives_the_same_file(tmp_path, demo_path):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    assert relance(demo_path, "export", "json", "-o", str(first)).returncode == 0
    assert json.loads(first.read_text())["settings"]["subdivision"] is None
    copy = tmp_path / "copy" / "relance.json"
    assert relance(copy, "import", "json", str(first)).returncode == 0
    assert relance(copy, "export", "json", "-o", str(second)).returncode == 0
    def without_time(path: Path) -> list[str]:  # (the moment of the export is its own)
        return [line for line in path.read_text().splitlines() if not line.startswith(' "exported": ')]

    assert without_time(second) == without_time(first) and len(without_time(first)) > 20


# -- 9: a read of nothing creates nothing --------------------------------------------------


@pytest.mark.parametrize("command", [["status"], ["status", "--short"], ["list", "contacts"], ["restore"], ["doctor"]])
def test_a_read_of_a_file_not_there_creates_nothing(tmp_path, command):
    folder = tmp_path / "shared"
    folder.mkdir()
    missing = folder / "not-yet" / "relance.json"
    beside = folder / "relance.json"
    relance(missing, *command)
    relance(beside, *command)
    assert sorted(p.name for p in folder.iterdir()) == []


# -- 13: what a message quotes from a file reaches the terminal escaped -------------------


def test_messages_quoting_a_file_never_send_its_escape_sequences(tmp_path, data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("mission", {"client": "Acme", "daily_rate": "600", "start": "2027-01-04", "end": "2027-03-31"})
    repo.close()
    text = data_path.read_text().replace('"client":"Acme"', '"client":"\\u001b]0;owned\\u0007Acme\\u001b[2J"')
    data_path.write_text(text.replace('"end":"2027-03-31"', '"end":"2026-01-01"'))
    report = relance(data_path, "doctor")
    assert "is invalid" in report.stdout and "\\x1b]0;owned" in report.stdout
    header = tmp_path / "h.csv"
    header.write_text("Na\x1b[31mme,Company\nZoé,Acme\n")
    mapped = relance(tmp_path / "other.json", "import", "csv", str(header), "--map", "name=Nom")
    assert "Na\\x1b[31mme" in mapped.stderr
    card = tmp_path / "e.vcf"
    card.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nBEGIN:VCARD\x1b[31m\r\nEND:VCARD\r\n")
    parsed = relance(tmp_path / "other.json", "import", "vcard", str(card))
    for output in (report.stdout, mapped.stderr, parsed.stderr, parsed.stdout):
        assert "\x1b" not in output and "\x07" not in output


# -- 14, 15, 19: hostile data files are refused by every command ---------------------------

def _hostile(data_path: Path, kind: str) -> None:
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Zoé", "cadence_days": "7", "next_follow_up": "2026-11-01"})
    repo.set_settings({"target_monthly": "1000"})
    repo.close()
    raw = data_path.read_bytes()
    changed = {
        "deep": raw.replace(b'"name":"Zo\xc3\xa9"', b'"name":' + b"[" * 100_000 + b"]" * 100_000),
        "long-integer": raw.replace(b'"cadence_days":7', b'"cadence_days":' + b"9" * 5000),
        "not-utf8": raw.replace("Zoé".encode(), b"Zo\xff"),
        "nul": raw.replace("Zoé".encode(), b"Zo\x00"),
        "integer-name": raw.replace('"Zoé"'.encode(), b"42"),
        "impossible-date": raw.replace(b"2026-11-01", b"2026-02-31"),
        "negative-cadence": raw.replace(b'"cadence_days":7', b'"cadence_days":-7'),
        "no-final-brace": raw.rstrip()[:-1],
    }[kind]
    assert changed != raw
    data_path.write_bytes(changed)


HOSTILE = ["deep", "long-integer", "not-utf8", "nul", "integer-name", "impossible-date", "negative-cadence",
           "no-final-brace"]
SAID = {"deep": "nested too deeply", "long-integer": "5000 digits", "not-utf8": "not UTF-8", "nul": "control character",
        "integer-name": "name: expected text", "impossible-date": "not a real date",
        "negative-cadence": "cadence_days: must be between", "no-final-brace": "not valid JSON"}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_data_file_is_refused_in_one_line_by_every_command(data_path, kind):
    _hostile(data_path, kind)
    before = data_path.read_bytes()
    for command in (["list", "contacts"], ["status"], ["status", "--short"], ["status", "--json"],
                    ["add", "target", "--name", "T"], []):
        line = one_line_refusal(relance(data_path, *command))
        assert str(data_path) in line and SAID[kind] in line, (command, line)
    for command in (["doctor"], ["doctor", "--fix"]):
        result = relance(data_path, *command)
        assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
        assert SAID[kind] in result.stdout, result.stdout
    restore = relance(data_path, "restore")
    assert restore.returncode == 0 and "Traceback" not in restore.stderr
    assert data_path.read_bytes() == before


def test_a_hostile_import_is_refused_in_one_line(tmp_path, data_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "Zoé"})
    before = data_path.read_bytes()
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "nested too deeply" in one_line_refusal(relance(data_path, "import", "json", str(deep), "--replace"), 2)
    huge = tmp_path / "huge.json"
    huge.write_text('{"format": "relance", "version": ' + "1" * 5000 + "}")
    assert "5000 digits" in one_line_refusal(relance(data_path, "import", "json", str(huge), "--replace"), 2)
    # (a cell over the csv module's 131,072 characters is read since issue 19's outside review,
    # and refused by the contact rules as a warning: test_import_csv_outside.py; one over the
    # 16 MB relance's readers allow still refuses the file)
    big = "x" * (16 * 1024 * 1024 + 1)
    for name, text in (("big.csv", "Name,Notes\nA," + big + "\n"),
                       ("Connections.csv", "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                                           "A,B,," + big + ",C,D,01 Jan 2024\n")):
        source = tmp_path / name
        source.write_text(text)
        line = one_line_refusal(relance(data_path, "import", "linkedin" if name.startswith("C") else "csv", str(source)), 2)
        assert "line 2" in line and "16,777,216 characters" in line
    assert data_path.read_bytes() == before


@pytest.mark.parametrize("value, said", [("[" * 50_000 + "]" * 50_000, "nested too deeply"),
                                         ("7" * 5000, "5000 digits, too long to read")])
async def test_an_open_dashboard_says_a_hostile_file_another_program_wrote_and_goes_on(demo_path, value, said):
    from tui.app import make_app

    from .test_dashboard import settle

    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = app.dashboard.pane("network").table.row_count
        text = demo_path.read_text().replace('"name":', '"name":' + value + ',"x":', 1)
        demo_path.write_text(text)
        for _ in range(40):
            await pilot.pause(0.1)
            if any(said in n.message for n in app._notifications):
                break
        assert any(said in n.message for n in app._notifications)
        assert app.dashboard.pane("network").table.row_count == shown  # what the file last held
        await pilot.press("j", "k")
        assert app.is_running


# -- 17: a property after END:VCARD -------------------------------------------------------


def test_a_property_after_the_last_card_is_reported_and_every_card_imported(tmp_path, data_path):
    cards = tmp_path / "after.vcf"
    cards.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna\r\nEND:VCARD\r\nN:a\r\n"
                      b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEND:VCARD\r\n")
    result = relance(data_path, "import", "vcard", str(cards))
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout and "line 5: not a vCard line (skipped): N:a" in result.stderr
    assert sorted(c["name"] for c in json.loads(data_path.read_text())["contacts"].values()) == ["Anna", "Bob"]


# -- 18: a read-only file system -----------------------------------------------------------


def test_a_read_only_file_system_reads_and_refuses_writes_saying_why(read_only_mount):
    path = read_only_mount / "relance.json"
    assert relance(path, "add", "contact", "--name", "Zoé").returncode == 0
    assert relance(path, "add", "contact", "--name", "Léa").returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_mount)], check=True)
    before = path.read_bytes()
    listed = relance(path, "list", "contacts", "--json")
    assert listed.returncode == 0 and sorted(c["name"] for c in json.loads(listed.stdout)) == ["Léa", "Zoé"]
    assert relance(path, "status", "--short").returncode == 0
    assert relance(path, "restore").returncode == 0
    for command in (["add", "contact", "--name", "No"], ["backup"], ["restore", "1"], ["settings", "--target-monthly", "9"]):
        line = one_line_refusal(relance(path, *command))
        assert "read-only file system" in line, (command, line)
    fixed = relance(path, "doctor", "--fix")
    assert "Traceback" not in fixed.stdout + fixed.stderr
    assert "read-only file system" in fixed.stdout
    assert path.read_bytes() == before


# -- 20: a folder in the place of the lock -------------------------------------------------


def test_a_folder_in_the_place_of_the_lock_is_named_and_mended_when_empty(data_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "Zoé"})
    lock = data_path.with_name("relance.json.lock")
    lock.unlink()
    lock.mkdir()
    line = one_line_refusal(relance(data_path, "add", "contact", "--name", "Léa"))
    assert "lock file" in line and "is a folder" in line
    report = relance(data_path, "doctor")
    assert report.returncode == 1 and "is a folder, not a file" in report.stdout and "mode" not in report.stdout.split(str(lock))[1][:40]
    (lock / "inside").write_text("x")
    kept = relance(data_path, "doctor", "--fix")
    assert kept.returncode == 1 and "holds files" in kept.stdout and "Nothing wrong" not in kept.stdout
    (lock / "inside").unlink()
    fixed = relance(data_path, "doctor", "--fix")
    assert fixed.returncode == 0 and "was removed" in fixed.stdout, fixed.stdout
    assert lock.is_file() or not lock.exists()
    assert relance(data_path, "add", "contact", "--name", "Léa").returncode == 0


# -- 21: a mission ending before it starts -------------------------------------------------


def test_a_mission_ending_before_its_start_is_refused_from_a_file_as_by_add(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("mission", {"client": "Acme", "daily_rate": "600", "start": "2027-01-04", "end": "2027-03-31"})
    repo.close()
    refused = relance(data_path, "add", "mission", "--client", "Acme", "--daily-rate", "600", "--start", "2027-01-04",
                      "--end", "2026-12-01", "--source", "other")
    assert refused.returncode == 2 and "before the start" in refused.stderr
    data_path.write_text(data_path.read_text().replace('"end":"2027-03-31"', '"end":"2026-12-01"'))
    line = one_line_refusal(relance(data_path, "list", "missions"))
    assert "missions is invalid: end: the end 2026-12-01 is before the start 2027-01-04" in line
    report = relance(data_path, "doctor")
    assert report.returncode == 1 and "missions/1 (Acme) is invalid: end: the end 2026-12-01 is before the start" in report.stdout


async def test_the_dashboard_says_who_holds_the_lock_and_keeps_the_form_open(demo_path, monkeypatch):
    from tui.app import make_app
    from tui.dashboard import DashboardScreen
    from tui.forms import RecordForm

    from .test_dashboard import settle, type_text

    monkeypatch.setenv("RELANCE_LOCK_TIMEOUT", "0.3")
    app = make_app(Repository(demo_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        held = open(str(demo_path) + ".lock", "a")  # (another open file: its flock is another holder)
        fcntl.flock(held, fcntl.LOCK_EX)
        try:
            await pilot.press("1", "n")
            await type_text(pilot, "Jean Attend")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, RecordForm)  # what was typed is still there
            said = [n.message for n in app._notifications if "still holds its lock" in n.message]
            assert said and str(demo_path) + ".lock" in said[-1] and f"process {os.getpid()}" in said[-1]
            assert "Jean Attend" not in demo_path.read_text()
        finally:
            held.close()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert "Jean Attend" in demo_path.read_text()


# -- found by trying to break the fixes from outside ----------------------------------------


def test_a_backups_link_planted_after_the_check_is_not_followed(data_path, tmp_path, monkeypatch):
    """The race an attacker won 4 times in 40: ``backups/`` is checked (not there), then
    another user puts a link to a folder of the user's in its place before it is made.
    The save is refused; the folder the link points at is neither chmod'ed nor written."""
    from store.backups import Backups

    if os.geteuid() != 0:
        pytest.skip("a link of another user's needs root to make")
    Repository(data_path, today=TODAY).add("contact", {"name": "Zoé"})
    Repository(data_path, today=TODAY).add("contact", {"name": "Anna"})  # (makes backups/)
    (data_path.parent / "backups").rename(tmp_path / "old-backups")
    public = tmp_path / "public"
    public.mkdir(mode=0o755)
    os.chmod(public, 0o755)
    real_check = Backups.check

    def check_then_plant(self):
        found = real_check(self)
        link = self.path.parent / "backups"
        if not os.path.lexists(link):
            os.symlink(public, link)
            os.lchown(link, 65534, 65534)  # (nobody's: the attacker)
        return found

    monkeypatch.setattr(Backups, "check", check_then_plant)
    before = data_path.read_bytes()
    with pytest.raises(Exception) as err:
        Repository(data_path, today=TODAY).add("contact", {"name": "Léa"})
    assert "backup folder" in str(err.value) and "link" in str(err.value)
    assert list(public.iterdir()) == [] and stat_mode(public) == 0o755
    assert data_path.read_bytes() == before


def stat_mode(path: Path) -> int:
    return os.stat(path).st_mode & 0o777


def test_junk_named_like_backups_is_never_listed_restored_or_pruned(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Zoé"})
    repo.add("contact", {"name": "Anna"})  # (makes backups/)
    backups = data_path.parent / "backups"
    (backups / "relance-20250101T000000000000.json").mkdir()  # a folder named like a backup
    (backups / "relance-99999999T999999999999.json").write_text("")  # no real date
    os.symlink(data_path, backups / "relance-20240101T000000000000.json")
    for n in range(KEEP_LAST + 3):
        result = relance(data_path, "add", "contact", "--name", f"C{n}")
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert (backups / "relance-20250101T000000000000.json").is_dir()
    assert (backups / "relance-99999999T999999999999.json").exists()
    assert (backups / "relance-20240101T000000000000.json").is_symlink()
    listing = relance(data_path, "restore").stdout
    assert "?" not in listing and len([line for line in listing.splitlines() if line.strip()[:1].isdigit()]) == KEEP_LAST
    assert one_line_refusal(relance(data_path, "restore", "relance-99999999T999999999999.json"))


def test_paths_and_leftovers_with_escape_sequences_never_reach_the_terminal(tmp_path, data_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "Zoé"})
    planted = data_path.parent / (temp_prefix(data_path) + "1-\x1b]0;PWN\x07\x1b[2J")
    planted.write_text("")
    report = relance(data_path, "doctor")
    assert "\x1b" not in report.stdout and "\\x1b]0;PWN" in report.stdout
    evil = tmp_path / "e\x1b]0;PWNED\x07.json"
    for command in (["--data", str(evil), "list", "contacts"], ["--data", str(data_path), "import", "json", str(evil)],
                    ["--data", str(data_path), "import", "csv", str(tmp_path / "a.csv"), "--map", "x\x1b[2J=Name"],
                    ["--data", str(data_path), "export", "json", "-o", str(evil)]):
        result = run_relance(*command)
        line = one_line_refusal(result, 2)
        assert "\x1b" not in line and "control character" in line
    via_env = run_relance("list", "contacts", env={"RELANCE_DATA": str(evil)})
    assert "\x1b" not in via_env.stderr and via_env.returncode == 2
    assert not evil.exists()


def test_the_lock_is_not_made_when_the_save_is_refused_for_backups(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    (folder / "backups").mkdir()
    os.chmod(folder / "backups", 0o777)
    if os.geteuid() == 0:
        os.chown(folder / "backups", 65534, 65534)
    line = one_line_refusal(relance(folder / "relance.json", "add", "contact", "--name", "Zoé"))
    assert "backup folder" in line
    assert sorted(p.name for p in folder.iterdir()) == ["backups"]


def test_dates_outside_the_years_relance_takes_are_refused_not_a_traceback(data_path, tmp_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "Zoé", "next_follow_up": "2026-12-01"})
    for command, status in ((["--today", "9999-10-01", "status"], 2),
                            (["add", "mission", "--client", "Acme", "--daily-rate", "650", "--start", "9999-01-04",
                              "--end", "9999-12-31", "--source", "other"], 2)):
        line = one_line_refusal(run_relance("--data", str(data_path), *command), status)
        assert "outside the years 1900 to 2999" in line
    assert relance(data_path, "export", "ics", "-o", str(tmp_path / "c.ics")).returncode == 0
    data_path.write_text(data_path.read_text().replace('"next_follow_up":"2026-12-01"', '"next_follow_up":"+3d"'))
    line = one_line_refusal(relance(data_path, "list", "contacts"))
    assert "next_follow_up: expected a date as YYYY-MM-DD, got '+3d'" in line
    data_path.write_text(data_path.read_text().replace('"next_follow_up":"+3d"', '"next_follow_up":"9999-01-01"'))
    assert "outside the years" in one_line_refusal(relance(data_path, "status"))


def test_cards_nested_without_end_are_said_in_words(tmp_path, data_path):
    cards = tmp_path / "deep.vcf"
    cards.write_text("BEGIN:VCARD\r\n" * 100_000 + "FN:Zed\r\n" + "END:VCARD\r\n" * 100_000)
    line = one_line_refusal(relance(data_path, "import", "vcard", str(cards)), 2)
    assert "nested too deeply" in line and "recursion" not in line


def test_a_holiday_cache_others_can_write_is_not_used(tmp_path, data_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    os.chmod(cache, 0o1777)
    env = {"XDG_CACHE_HOME": str(cache)}
    Repository(data_path, today=TODAY).set_settings({"target_monthly": "1000"})
    honest = json.loads(relance(data_path, "status", "--json", env=env).stdout)
    folder = cache / "relance" / "holidays"
    assert folder.is_dir() and stat_mode(folder) == 0o700
    os.chmod(folder, 0o777)  # as another user's would be
    for planted in folder.iterdir():
        planted.write_text(json.dumps({f"2027-{m:02d}-{d:02d}": "fake" for m in range(1, 13) for d in range(1, 29)}))
    again = json.loads(relance(data_path, "status", "--json", env=env).stdout)
    assert [m["working_days"] for m in again["months"]] == [m["working_days"] for m in honest["months"]]
    assert all(m["working_days"] > 15 for m in again["months"])
