"""``relance import linkedin``: LinkedIn's Connections export read as LinkedIn writes it
(preamble, BOM, quoted commas, date-only rows, translated headers), matched against the
contacts there, applied in one write, and safe to run twice."""

from __future__ import annotations

import json
from datetime import date

import pytest

from store.contact_import import plan_import
from store.csv_contacts import parse_linkedin_date, read_linkedin
from store.repository import Repository

from .conftest import ROOT, TODAY, run_relance

FIXTURES = ROOT / "tests" / "fixtures"
LINKEDIN = FIXTURES / "linkedin_connections.csv"
LINKEDIN_FR = FIXTURES / "linkedin_connections_fr.csv"


def contacts_on_disk(path) -> list[dict]:
    return list(json.loads(path.read_text(encoding="utf-8"))["contacts"].values())


def test_the_export_is_read_as_linkedin_writes_it():
    rows = read_linkedin(LINKEDIN.read_text(encoding="utf-8"))
    by_line = {row.line: row for row in rows}
    assert sorted(by_line) == [5, 6, 7, 8, 9, 10, 11]  # the header is line 4, after the notes
    assert by_line[5].data == {"name": "Camille Durand", "company": "Acme", "role": "Directrice financière",
                               "email": "camille.durand@example.com",
                               "url": "https://www.linkedin.com/in/camille-durand", "created": date(2024, 3, 12)}
    assert by_line[6].data["company"] == "Bernard, Fils & Associés" and by_line[6].data["email"] == ""
    assert by_line[7].data["name"] == "Élodie Lefèvre-Nguyễn"
    assert "no name" in by_line[8].problem  # a member who left: only the date is left
    assert not by_line[9].problem and "31 Foo 2022" in by_line[9].warnings[0]  # imported, without the date (issue 19)


def test_a_translated_export_is_found_by_its_headers():
    rows = read_linkedin(LINKEDIN_FR.read_text(encoding="utf-8"))
    assert [(r.line, r.data["name"], r.data["company"], r.data["created"]) for r in rows] == [
        (5, "Sophie Roux", "Garance Assurances", date(2024, 3, 7)),
        (6, "Karim Benali", "Zénith, Logistique", date(2022, 12, 21)),
    ]


def test_dates_in_the_forms_linkedin_writes():
    assert parse_linkedin_date("12 Mar 2024") == date(2024, 3, 12)
    assert parse_linkedin_date("1 août 2019") == date(2019, 8, 1)
    assert parse_linkedin_date("2024-03-12") == date(2024, 3, 12)


def test_import_twice_adds_nothing_and_writes_once(data_path):
    first = run_relance("--data", str(data_path), "import", "linkedin", str(LINKEDIN), "--tag", "linkedin")
    assert first.returncode == 0, first.stderr
    # (issue 19: a bad e-mail no longer drops Julie Martin, nor an unreadable date Marc Petit: they are
    # added without them, and it is said)
    # (the row of a person already in the file is merged into it, not "already there": issue 19's review)
    assert ("5 added, 0 updated, 0 already there, 1 with problems, 2 warnings (1 row merged into an earlier row "
            "of the same person)") in first.stdout
    for line, reason in ((8, "no name"), (9, "31 Foo 2022"), (11, "not-an-email")):
        assert f"line {line}: " in first.stderr and reason in first.stderr
    saved = contacts_on_disk(data_path)
    assert sorted(c["name"] for c in saved) == ["Camille Durand", "Julie Martin", "Marc Petit", "Thomas Bernard",
                                                "Élodie Lefèvre-Nguyễn"]
    assert all(c["tags"] == ["linkedin"] and c["circle"] == "natural" for c in saved)
    assert next(c for c in saved if c["name"] == "Camille Durand")["created"] == "2024-03-12"
    backups = len(Repository(data_path).storage.backups.list())
    again = run_relance("--data", str(data_path), "import", "linkedin", str(LINKEDIN), "--tag", "linkedin")
    assert "0 added, 0 updated, 6 already there" in again.stdout
    assert contacts_on_disk(data_path) == saved
    assert len(Repository(data_path).storage.backups.list()) == backups  # nothing to write: not written


def test_a_contact_already_there_is_completed_not_doubled(data_path):
    repo = Repository(data_path, today=TODAY)
    known = repo.add("contact", {"name": "Thomas Bernard", "company": "Bernard, Fils & Associés",
                                 "notes": "met at the fair", "tags": "salon"})
    backups = len(repo.storage.backups.list())
    result = run_relance("--data", str(data_path), "import", "linkedin", str(LINKEDIN), "--tag", "linkedin",
                         "--circle", "professional")
    # (issue 19: Julie Martin added without her bad e-mail, Marc Petit without his date)
    assert "4 added, 1 updated" in result.stdout
    thomas = next(c for c in contacts_on_disk(data_path) if c["uid"] == known.uid)
    assert thomas["url"] == "https://www.linkedin.com/in/thomas-bernard-42" and thomas["role"] == "CTO"
    assert thomas["notes"] == "met at the fair" and thomas["tags"] == ["salon", "linkedin"]
    assert thomas["circle"] == "natural"  # (what was there stays)
    assert len(contacts_on_disk(data_path)) == 5
    assert len(Repository(data_path).storage.backups.list()) == backups + 1  # one write for all of it


def test_dry_run_prints_the_plan_and_writes_nothing(data_path):
    Repository(data_path, today=TODAY).add("contact", {"name": "Sophie Roux", "company": "Garance Assurances"})
    before = data_path.read_bytes()
    result = run_relance("--data", str(data_path), "import", "linkedin", str(LINKEDIN_FR), "--dry-run")
    assert result.returncode == 0
    assert "line 5: update Sophie Roux: role, email, url\n" in result.stdout  # (its creation date stays)
    assert "line 6: add Karim Benali (Zénith, Logistique)" in result.stdout
    assert "Dry run, nothing written: 1 to add, 1 to update" in result.stdout
    assert data_path.read_bytes() == before


def test_a_file_that_is_not_a_linkedin_export_is_refused(data_path, tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("name,phone\nAda,123\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "linkedin", str(other))
    # (issue 19: a contacts CSV is named as one, with the importer that reads it)
    assert result.returncode == 2 and "not LinkedIn's Connections export: import it with `relance import csv`" in result.stderr
    assert not data_path.exists()
    missing = run_relance("--data", str(data_path), "import", "linkedin", str(tmp_path / "nope.csv"))
    assert missing.returncode == 2 and "no such file" in missing.stderr


@pytest.mark.parametrize("text", ["hello\nworld\n", "root:x:0:0:root:/root:/bin/bash\nuser:x:1000:1000::/home/user:/bin/sh\n"])
def test_a_file_that_is_not_a_vcard_is_refused(data_path, tmp_path, text):
    """Lines of "name:value" (a passwd-like file) read as a card by the library: without a
    BEGIN:VCARD it is no vCard, not one card without a name at "line 0"."""
    other = tmp_path / "other.vcf"
    other.write_text(text, encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "vcard", str(other))
    assert result.returncode == 2 and f"{other}: no card in it (BEGIN:VCARD ... END:VCARD)." in result.stderr
    assert not data_path.exists()


def test_rows_of_one_file_naming_the_same_person_are_one_contact(repo):
    text = ("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
            "Ada,Lovelace,https://linkedin.com/in/ada,,Engines,,01 Jan 2020\n"
            "Ada,Lovelace,http://www.linkedin.com/in/ada/,,Engines,,01 Jan 2020\n")
    plan = plan_import(repo, read_linkedin(text))
    assert [line for line, _data in plan.add] == [2]
    assert plan.skipped == [(3, "the same person as line 2.")]


def test_csv_export_then_import_adds_nothing(demo_path, tmp_path):
    data_path = demo_path
    before = contacts_on_disk(data_path)
    exported = tmp_path / "contacts.csv"
    result = run_relance("--data", str(data_path), "export", "csv", "--kind", "contacts", "-o", str(exported))
    assert result.returncode == 0
    header = exported.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("uid,name,company,role,email,phone,url,circle,tags")
    again = run_relance("--data", str(data_path), "import", "csv", str(exported))
    assert f"0 added, 0 updated, {len(before)} already there, 0 with problems" in again.stdout, again.stdout + again.stderr
    assert contacts_on_disk(data_path) == before
    for kind in ("targets", "opportunities", "missions"):
        rows = run_relance("--data", str(data_path), "export", "csv", "--kind", kind).stdout.splitlines()
        assert len(rows) == 1 + len(json.loads(data_path.read_text(encoding="utf-8"))[kind])


def test_csv_columns_recognised_or_mapped(data_path, tmp_path):
    source = tmp_path / "outlook.csv"
    source.write_text("Contact;Société;Courriel;Tags;Mobile\n"
                      "Ada Lovelace;Engines;ada@example.com;math, history;+44 20 7946 0000\n"
                      ";Nobody Ltd;;;\n"
                      "Grace Hopper;Navy;grace(at)navy;;\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "csv", str(source), "--map", "name=Contact",
                         "--circle", "professional")
    # (issue 19: Grace Hopper is added without her unreadable e-mail, and it is said; a row with
    # a company and no name is named after the company, and it is said)
    assert "3 added, 0 updated, 0 already there, 0 with problems, 2 warnings" in result.stdout
    assert "line 3: no name: the company 'Nobody Ltd' is taken as the name." in result.stderr
    assert "line 4: email:" in result.stderr
    ada, grace, nobody = sorted(contacts_on_disk(data_path), key=lambda c: c["name"])
    assert (nobody["name"], nobody["company"]) == ("Nobody Ltd", "Nobody Ltd")
    assert (grace["name"], grace["company"], grace["email"]) == ("Grace Hopper", "Navy", "")
    assert (ada["name"], ada["company"], ada["email"], ada["tags"], ada["phone"], ada["circle"]) == (
        "Ada Lovelace", "Engines", "ada@example.com", ["math", "history"], "+44 20 7946 0000", "professional")
    wrong = run_relance("--data", str(data_path), "import", "csv", str(source), "--map", "nom=Contact")
    assert wrong.returncode == 2 and "--map nom: is not a field that can be mapped" in wrong.stderr
    absent = run_relance("--data", str(data_path), "import", "csv", str(source), "--map", "name=Who")
    assert absent.returncode == 2 and "no column is named 'Who'" in absent.stderr
    unnamed = tmp_path / "unnamed.csv"
    unnamed.write_text("Société,Courriel\nAcme,a@example.com\n", encoding="utf-8")
    refused = run_relance("--data", str(data_path), "import", "csv", str(unnamed))
    assert refused.returncode == 2 and "no column gives the name" in refused.stderr
    assert len(contacts_on_disk(data_path)) == 3  # nothing half-written by the refused ones


def test_vcards_3_and_4_are_read_with_folding_escapes_and_several_values():
    from store.vcard import read_vcard

    v3 = read_vcard((FIXTURES / "contacts_v3.vcf").read_text(encoding="utf-8"))
    assert [row.line for row in v3] == [1, 14, 21]
    zoe, ase, nameless = v3
    assert zoe.data["company"] == "Durand, Fils & Cie"  # an escaped comma
    assert zoe.data["notes"] == ("Rencontrée au salon, très intéressée par l'audit\nRappeler en janvier\n"
                                 "Other e-mails: zoe@example.net\nOther phones: +33 1 23 45 67 89")
    assert (zoe.data["email"], zoe.data["phone"]) == ("zoe.durand@example.com", "+33 6 12 34 56 78")  # the first of each
    assert zoe.data["tags"] == ["salon", "achats"]
    assert ase.data["name"] == "Åse Øyelund"  # from N, with no FN
    assert ase.data["notes"].endswith("folded by the writer, as vCard lines longer than 75 octets are.")
    # a card with no name but a company is named after it (issue 19: a phone's company card)
    assert nameless.data["name"] == "Nobody Ltd" and "named 'Nobody Ltd', after its company" in nameless.warnings[0]
    (karim,) = read_vcard((FIXTURES / "contacts_v4.vcf").read_text(encoding="utf-8"))
    assert (karim.data["name"], karim.data["phone"], karim.data["url"]) == (
        "Karim Benali", "+33-6-98-76-54-32", "https://www.linkedin.com/in/karim-benali")


def test_vcard_export_then_import_adds_nothing(demo_path, tmp_path):
    import vobject

    data_path = demo_path
    before = contacts_on_disk(data_path)
    cards = tmp_path / "contacts.vcf"
    assert run_relance("--data", str(data_path), "export", "vcard", "-o", str(cards)).returncode == 0
    parsed = list(vobject.readComponents(cards.read_text(encoding="utf-8")))
    assert len(parsed) == len(before) and {c.uid.value for c in parsed} == {c["uid"] for c in before}
    again = run_relance("--data", str(data_path), "import", "vcard", str(cards))
    assert f"0 added, 0 updated, {len(before)} already there" in again.stdout, again.stdout + again.stderr
    assert contacts_on_disk(data_path) == before
    added = run_relance("--data", str(data_path), "import", "vcard", str(FIXTURES / "contacts_v3.vcf"), "--tag", "phone")
    assert "3 added" in added.stdout and "line 21: the card has no name: it is named 'Nobody Ltd'" in added.stderr


def test_ics_export_is_read_back_by_the_library_with_stable_uids(demo_path, tmp_path):
    from icalendar import Calendar

    data_path = demo_path
    repo = Repository(data_path, today=TODAY)
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    assert run_relance("--data", str(data_path), "export", "ics", "-o", str(first)).returncode == 0
    assert run_relance("--data", str(data_path), "export", "ics", "-o", str(second)).returncode == 0
    events = Calendar.from_ical(first.read_bytes()).walk("VEVENT")
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids)) and uids == [str(e["UID"]) for e in Calendar.from_ical(second.read_bytes()).walk("VEVENT")]
    follow = [c for c in repo.list("contact") if c.next_follow_up]
    assert sum(u.startswith("follow-up-") for u in uids) == len(follow)
    one = follow[0]
    event = next(e for e in events if str(e["UID"]) == f"follow-up-{one.uid}@relance")
    assert event.decoded("DTSTART") == one.next_follow_up and str(event["SUMMARY"]) == f"Follow up: {one.name}"
    ended = [m for m in repo.list("mission") if m.last_day]
    assert sum(u.startswith("mission-end-") for u in uids) == len(ended)
    assert any(u.startswith("review-") for u in uids)  # the demo has a mission ended without its review
    opps = [o for o in repo.list("opportunity") if o.next_action_date and o.stage not in ("won", "lost")]
    assert sum(u.startswith("next-action-") for u in uids) == len(opps)


async def test_the_dashboard_previews_then_imports_in_one_write(data_path):
    from tui.app import make_app
    from tui.importer import ImportScreen

    from .test_dashboard import settle, type_text

    Repository(data_path, today=TODAY).add("contact", {"name": "Sophie Roux", "company": "Garance Assurances"})
    app = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        before = data_path.read_bytes()
        await type_text(pilot, str(LINKEDIN_FR))
        await pilot.press("enter")
        await settle(pilot)
        preview = str(screen.query_one("#import-plan").render())
        assert "LinkedIn's Connections export" in preview and "1 to add, 1 to update" in preview
        assert "line 6: add Karim Benali" in preview and "line 5: update Sophie Roux" in preview
        assert data_path.read_bytes() == before  # a preview writes nothing
        backups = len(app.repository.storage.backups.list())
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)
        names = sorted(c["name"] for c in contacts_on_disk(data_path))
        assert names == ["Karim Benali", "Sophie Roux"]
        assert len(app.repository.storage.backups.list()) == backups + 1
        network = app.dashboard.pane("network")
        assert network.table.row_count == 2  # the dashboard shows them at once
        app.open_import()
        await settle(pilot)
        await type_text(pilot, "/nowhere/contacts.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert str(app.screen.query_one("#import-plan").render()) == "Cannot import: /nowhere/contacts.csv: no such file."
        await pilot.press("ctrl+s")  # nothing to apply: nothing happens
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)


def test_a_french_excel_csv_in_windows_1252_is_read_with_its_accents(data_path, tmp_path):
    """Excel's "CSV (point-virgule)" and Outlook on Windows write Windows-1252, not UTF-8:
    such a file is read with its accents (a file in UTF-8 is read as UTF-8)."""
    source = tmp_path / "contacts.csv"
    source.write_bytes("Prénom;Nom;Société;E-mail\nZoé;Durand;Crédit Agricole;zoe@example.com\n".encode("cp1252"))
    result = run_relance("--data", str(data_path), "import", "csv", str(source))
    assert result.returncode == 0, result.stderr
    [doc] = Repository(data_path, today=TODAY).list("contact")
    assert (doc.name, doc.company, doc.email) == ("Zoé Durand", "Crédit Agricole", "zoe@example.com")


@pytest.mark.parametrize("what", ["binary", "folder"])
def test_a_file_that_cannot_be_contacts_is_said_plainly(data_path, tmp_path, what):
    source = tmp_path / "photo.csv"
    if what == "binary":
        source.write_bytes(bytes(range(256)) * 20)  # (NUL bytes: no text file has them)
        said = f"{source}: not a text file: a CSV, a vCard or LinkedIn's Connections.csv is text."
    else:
        source.mkdir()
        said = f"{source} is a folder: give the file in it."
    result = run_relance("--data", str(data_path), "import", "csv", str(source))
    assert result.returncode == 2 and said in result.stderr and "Errno" not in result.stderr, result.stderr
    assert not data_path.exists()


async def test_an_import_the_disk_refuses_can_be_tried_again(data_path):
    """The write refused (a limit on file sizes standing for a full disk): the reason is
    said, the import screen stays with its preview, and ctrl+s tries again."""
    from tui.app import make_app
    from tui.importer import ImportScreen

    from .helpers.disk import files_at_most
    from .test_dashboard import settle, type_text

    Repository(data_path, today=TODAY).add("contact", {"name": "Sophie Roux", "company": "Garance Assurances"})
    before = data_path.read_bytes()
    app = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(LINKEDIN_FR))
        await pilot.press("enter")
        await settle(pilot)
        with files_at_most(len(before)):
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        assert any("Could not save" in n.message for n in app._notifications)
        assert data_path.read_bytes() == before
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
    names = sorted(c["name"] for c in contacts_on_disk(data_path))
    assert names == ["Karim Benali", "Sophie Roux"]


def test_the_csv_export_cannot_run_a_formula_and_reads_back_as_it_was(data_path, tmp_path):
    """A spreadsheet runs a cell beginning with = + - @ as a formula: a contact named
    '=HYPERLINK(...)' (from a LinkedIn export: other people choose their names) would run
    in the consultant's spreadsheet. Such cells are written after a ' (the spreadsheet's own
    mark for "text"), which also keeps '+33 6 ...' a phone number; importing the file back
    takes the mark off: nothing added, nothing changed."""
    import csv

    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": '=HYPERLINK("http://evil.example","Ada")', "phone": "+33 6 12 34 56 78",
                         "company": "@Home", "notes": "- first\n- second"})
    repo.add("contact", {"name": "Plain Name", "company": "it's fine"})
    before = contacts_on_disk(data_path)
    exported = tmp_path / "contacts.csv"
    assert run_relance("--data", str(data_path), "export", "csv", "--kind", "contacts", "-o", str(exported)).returncode == 0
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    evil = next(r for r in rows if "HYPERLINK" in r["name"])
    assert evil["name"].startswith("'=") and evil["phone"] == "'+33 6 12 34 56 78" and evil["company"] == "'@Home"
    assert evil["notes"].startswith("'- first")
    assert next(r for r in rows if r["name"] == "Plain Name")["company"] == "it's fine"
    assert not any(cell[:1] in "=+-@" and cell for row in rows for cell in row.values())
    again = run_relance("--data", str(data_path), "import", "csv", str(exported))
    assert "0 added, 0 updated, 2 already there, 0 with problems" in again.stdout, again.stdout + again.stderr
    assert contacts_on_disk(data_path) == before


def test_a_vcard_line_the_library_skips_is_reported_with_its_number(data_path, tmp_path):
    """vobject skips a line it cannot read and printed its own log line about it on stderr
    ("vobject.base ERROR Skipped line 4 ..."); the import now lists it with the others,
    in its own words, and the cards around it still go in."""
    source = tmp_path / "cards.vcf"
    source.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nthis is not a vcard line\nEND:VCARD\n"
                      "BEGIN:VCARD\nVERSION:3.0\nFN:Grace Hopper\nEND:VCARD\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "vcard", str(source))
    assert result.returncode == 0, result.stderr
    assert "vobject" not in result.stderr and "ERROR" not in result.stderr
    assert "line 4: not a vCard line (skipped): this is not a vcard line" in result.stdout + result.stderr
    assert "2 added" in result.stdout and "1 with problems" in result.stdout
