"""The ``relance`` command, run as a real child process on a real data file."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from store.repository import Repository

from .conftest import ROOT, run_relance


def test_version():
    result = run_relance("--version")
    assert result.returncode == 0 and result.stdout.startswith("relance ")


@pytest.mark.parametrize(
    "args",
    [[], ["add"], ["add", "contact"], ["add", "mission"], ["list"], ["export"], ["export", "json"],
     ["import"], ["import", "json"], ["status"], ["settings"]],
)
def test_help_on_every_command(args):
    result = run_relance(*args, "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: relance")


def test_add_names_each_kind_with_its_article():
    listing = run_relance("add", "--help").stdout
    for line in ("add a contact", "add a micro-target", "add an opportunity", "add a mission", "add an interaction"):
        assert line in listing
    assert "Add an opportunity." in run_relance("add", "opportunity", "--help").stdout.replace("\n", " ")


def test_add_contact_prints_uid_and_saves(data_path):
    result = run_relance("--data", str(data_path), "add", "contact", "--name", "Zoé Durand",
                         "--company", "Acme", "--circle", "natural", "--next-follow-up", "2027-01-10")
    assert result.returncode == 0, result.stderr
    uid = result.stdout.strip()
    contact = Repository(data_path).get("contact", uid)
    assert (contact.name, contact.company, str(contact.next_follow_up)) == ("Zoé Durand", "Acme", "2027-01-10")


def test_data_option_after_the_command_and_env_and_xdg(data_path, tmp_path, isolated_home):
    assert run_relance("add", "contact", "--name", "A", "--data", str(data_path)).returncode == 0
    env_file = tmp_path / "env" / "r.json"
    assert run_relance("add", "contact", "--name", "B", env={"RELANCE_DATA": str(env_file)}).returncode == 0
    assert run_relance("add", "contact", "--name", "C").returncode == 0
    xdg = isolated_home / ".local" / "share" / "relance" / "relance.json"
    assert [c.name for c in Repository(data_path).list("contact")] == ["A"]
    assert [c.name for c in Repository(env_file).list("contact")] == ["B"]
    assert [c.name for c in Repository(xdg).list("contact")] == ["C"]


def test_references_by_unambiguous_name(data_path):
    run_relance("--data", str(data_path), "add", "target", "--name", "DSI de PME industrielles")
    zoe = run_relance("--data", str(data_path), "add", "contact", "--name", "Zoé Durand", "--targets", "DSI de PME").stdout.strip()
    result = run_relance("--data", str(data_path), "add", "opportunity", "--title", "Audit SI",
                         "--contact", "zoé durand", "--target", "DSI de PME", "--daily-rate", "700",
                         "--estimated-days", "20", "--stage", "proposal")
    assert result.returncode == 0, result.stderr
    repo = Repository(data_path)
    opp = repo.get("opportunity", result.stdout.strip())
    assert opp.contact_uid == zoe and opp.target_uid == repo.list("target")[0].uid
    assert repo.get("contact", zoe).target_uids == [opp.target_uid]


def test_mission_and_interaction(data_path):
    run_relance("--data", str(data_path), "add", "contact", "--name", "Zoé Durand")
    mission = run_relance("--data", str(data_path), "add", "mission", "--client", "Acme", "--daily-rate", "650",
                          "--start", "2027-01-04", "--end", "2027-03-31", "--days-per-week", "4", "--source", "natural")
    assert mission.returncode == 0, mission.stderr
    interaction = run_relance("--data", str(data_path), "--today", "2026-11-27", "add", "interaction",
                              "--contact", "Zoé", "--date", "today", "--kind", "call", "--summary", "Café")
    assert interaction.returncode == 0, interaction.stderr
    repo = Repository(data_path)
    assert str(repo.list("mission")[0].daily_rate) == "650.00"
    assert str(repo.list("interaction")[0].date) == "2026-11-27"


@pytest.mark.parametrize(
    "args,message",
    [
        (["add", "mission", "--client", "Acme", "--daily-rate", "-5", "--start", "2027-01-04", "--end", "2027-01-31"],
         "--daily-rate: must be more than zero"),
        (["add", "mission", "--client", "Acme", "--daily-rate", "650", "--start", "2027-03-01", "--end", "2027-01-31"],
         "--end: the end 2027-01-31 is before the start 2027-03-01."),
        (["add", "contact", "--name", "Zoé", "--email", "zoe"], "--email: expected an e-mail address"),
        (["add", "contact"], "--name: is required."),
        (["add", "contact", "--name", "Zoé", "--referred-by", "Nobody"], "--referred-by: No contact is named 'Nobody'"),
        (["add", "contact", "--nom", "Zoé"], "unrecognized arguments: --nom"),
        (["add", "meeting"], "invalid choice: 'meeting'"),
        (["list", "people"], "invalid choice: 'people'"),
        (["--today", "tomorrow"], "expected a date as YYYY-MM-DD"),
        (["--demo", "list", "contacts"], "--demo opens the dashboard"),
    ],
)
def test_bad_arguments_one_line_exit_2(data_path, args, message):
    result = run_relance("--data", str(data_path), *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not data_path.exists() or Repository(data_path).count("contact") == 0


def test_list_text_and_json(data_path):
    run_relance("--data", str(data_path), "add", "contact", "--name", "Zoé Durand", "--company", "Acme")
    run_relance("--data", str(data_path), "add", "contact", "--name", "Anne Petit", "--circle", "professional")
    text = run_relance("--data", str(data_path), "list", "contacts")
    lines = text.stdout.splitlines()
    assert lines[0].split()[:3] == ["uid", "name", "company"]
    assert "Anne Petit" in lines[1] and lines[1].split()[-1] == "pro"  # (the circle as shown: its label)
    assert "Zoé Durand" in lines[2] and "Acme" in lines[2]
    docs = json.loads(run_relance("--data", str(data_path), "list", "contact", "--json").stdout)
    assert sorted(d["name"] for d in docs) == ["Anne Petit", "Zoé Durand"]


def test_list_empty(data_path):
    result = run_relance("--data", str(data_path), "list", "missions")
    assert result.returncode == 0 and "(no mission yet)" in result.stdout


def test_export_import_round_trip(tmp_path):
    from seeds.demo import build_demo
    from .conftest import TODAY

    source = tmp_path / "a.json"
    Repository(source, today=TODAY).import_data(build_demo(TODAY))
    export_file = tmp_path / "export.json"
    assert run_relance("--data", str(source), "export", "json", "-o", str(export_file)).returncode == 0
    target = tmp_path / "b.json"
    result = run_relance("--data", str(target), "import", "json", str(export_file))
    assert result.returncode == 0, result.stderr
    assert "40 contacts" in result.stdout
    again = json.loads(run_relance("--data", str(target), "export", "json").stdout)
    first = json.loads(export_file.read_text())
    first.pop("exported"), again.pop("exported")
    assert again == first
    # into a non-empty file: refused, then --replace keeps a backup
    refused = run_relance("--data", str(target), "import", "json", str(export_file))
    assert refused.returncode == 2 and "--replace" in refused.stderr
    replaced = run_relance("--data", str(target), "import", "json", str(export_file), "--replace")
    assert replaced.returncode == 0 and "previous data was kept in" in replaced.stdout


def test_import_bad_file_names_line_and_column(tmp_path, data_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "relance",\n "schema": 1,\n "contacts": [}\n')
    result = run_relance("--data", str(data_path), "import", "json", str(bad))
    assert result.returncode == 2
    assert f"{bad}: not valid JSON" in result.stderr and "line 3, column" in result.stderr
    missing = run_relance("--data", str(data_path), "import", "json", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    folder = run_relance("--data", str(data_path), "import", "json", str(tmp_path))
    assert folder.returncode == 2 and folder.stderr == f"relance import json: error: {tmp_path} is a folder: give the file in it.\n"
    binary = tmp_path / "photo.json"
    binary.write_bytes(bytes(range(256)))
    result = run_relance("--data", str(data_path), "import", "json", str(binary))
    assert result.returncode == 2 and result.stderr == f"relance import json: error: {binary}: not UTF-8 text (byte 128): not a relance export.\n"
    assert not data_path.exists()


def test_corrupt_data_file_exit_1_names_file_problem_backup(data_path):
    for name in ("A", "B"):
        run_relance("--data", str(data_path), "add", "contact", "--name", name)
    data_path.write_text(data_path.read_text()[:-10])
    before = data_path.read_bytes()
    result = run_relance("--data", str(data_path), "add", "contact", "--name", "C")
    assert result.returncode == 1
    assert str(data_path) in result.stderr and "line" in result.stderr and "backups" in result.stderr
    assert data_path.read_bytes() == before


def _small_files_only(limit: int):
    """For a child process (``preexec_fn``): files may not grow past ``limit`` bytes."""
    from .helpers.disk import limit_file_size

    return lambda: limit_file_size(limit)


def test_a_save_the_system_refuses_says_why_and_changes_nothing(data_path):
    for name in ("A", "B"):
        run_relance("--data", str(data_path), "add", "contact", "--name", name)
    before = data_path.read_bytes()
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(data_path), "add", "contact", "--name", "C"],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, preexec_fn=_small_files_only(len(before) // 2))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"relance: Could not save to {data_path}: File too large.")
    assert "Nothing was changed" in result.stderr
    assert data_path.read_bytes() == before
    assert sorted(p.name for p in data_path.parent.iterdir() if not p.name.startswith("relance.json")) == ["backups"]  # no temp file left


def test_export_to_a_place_it_cannot_write_says_why_and_leaves_nothing(data_path, tmp_path):
    """-o into a folder that does not exist, onto a folder, over the data file itself, or
    onto a disk that refuses the write: one line saying why, and no file made or changed
    (a temporary file was left beside the target, even in / for ``-o /tmp``)."""
    run_relance("--data", str(data_path), "add", "contact", "--name", "Zoé Durand")
    out = tmp_path / "out"
    out.mkdir()
    data_before = data_path.read_bytes()
    cases = [
        (out / "missing" / "x.json", 2, "no folder"),
        (out, 2, "is a folder"),
        (data_path, 2, "is the data file itself"),
    ]
    for target, status, said in cases:
        for fmt in ("json", "vcard"):
            result = run_relance("--data", str(data_path), "export", fmt, "-o", str(target))
            assert result.returncode == status and "Traceback" not in result.stderr, result.stderr
            assert said in result.stderr and str(target) in result.stderr, result.stderr
    assert sorted(out.iterdir()) == [] and data_path.read_bytes() == data_before
    assert {p.name for p in data_path.parent.iterdir()} <= {"relance.json", "relance.json.lock", "backups"}
    # a disk that refuses: the file already there stays as it was
    target = out / "contacts.vcf"
    target.write_text("the previous export", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "tui.cli", "--data", str(data_path), "export", "json", "-o", str(target)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60, preexec_fn=_small_files_only(100))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"relance: Could not write {target}: File too large.")
    assert target.read_text(encoding="utf-8") == "the previous export" and sorted(out.iterdir()) == [target]
    ok = run_relance("--data", str(data_path), "export", "json", "-o", str(target))
    assert ok.returncode == 0 and json.loads(target.read_text(encoding="utf-8"))["contacts"][0]["name"] == "Zoé Durand"


FIXTURES = ROOT / "tests" / "fixtures"


@pytest.mark.parametrize("args", [
    ["list", "contacts"], ["add", "contact", "--name", "X"], ["export", "json"], ["--version"],
    ["status"], ["status", "--short"], ["status", "--json"], ["settings"],
    ["export", "csv", "--kind", "contacts"], ["export", "vcard"], ["export", "ics"],
    ["import", "vcard", str(FIXTURES / "contacts_v4.vcf")], ["import", "linkedin", str(FIXTURES / "linkedin_connections.csv")],
    ["import", "csv", "CSV"], ["doctor"], ["backup"], ["restore"],
    ["edit", "contact", "Zoé", "--company", "Acme"], ["rm", "contact", "Zoé", "--yes"],
])
def test_non_interactive_commands_do_not_import_textual(data_path, tmp_path, args):
    """Each command runs to its end (exit status 0) on a file with a contact, and Textual
    (~0.3 s to import) was never loaded."""
    spreadsheet = tmp_path / "people.csv"
    spreadsheet.write_text("Name,Company\nAnne Roux,Acme\n", encoding="utf-8")
    args = [str(spreadsheet) if arg == "CSV" else arg for arg in args]
    code = (
        "import sys\n"
        "from tui.cli import main\n"
        f"main({['--data', str(data_path), 'add', 'contact', '--name', 'Zoé Durand']!r})\n"
        f"try:\n    rc = main({['--data', str(data_path), *args]!r})\n"
        "except SystemExit as exit:\n    rc = exit.code\n"
        "print('RC', rc)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print('TEXTUAL', loaded)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert "TEXTUAL []" in result.stdout, result.stdout + result.stderr
    assert "RC 0" in result.stdout or "RC None" in result.stdout, result.stdout + result.stderr  # (it ran, and well)


def test_a_data_file_under_a_file_is_said_in_one_line(tmp_path):
    """--data whose folder is a file (a typo in a path): one line naming that file, no traceback."""
    plain = tmp_path / "notes.txt"
    plain.write_text("not a folder", encoding="utf-8")
    for args in (["status"], ["add", "contact", "--name", "A"], ["list", "contacts"]):
        result = run_relance("--data", str(plain / "relance.json"), *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr == f"relance: Cannot use the data file {plain / 'relance.json'}: {plain} is a file, not a folder.\n"
    assert plain.read_text(encoding="utf-8") == "not a folder"


def test_several_bad_fields_read_as_sentences(data_path):
    result = run_relance("--data", str(data_path), "add", "mission", "--client", "A", "--daily-rate", "-5", "--start", "2027-01-01")
    assert result.returncode == 2
    assert result.stderr == "relance add mission: error: --daily-rate: must be more than zero, got -5. --end: is required.\n"
