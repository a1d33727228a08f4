"""What an outside tester found after issue 19's readers were built, each with the file
it took: a company's card, one stray byte in a UTF-8 file, a UTF-16 export, a folder's
bad file named once, a card without END:VCARD, "Last, First" names in a vCard export,
and ``import vcard`` given a CSV."""

from __future__ import annotations

import json

from store.vcard import write_vcards

from .conftest import run_relance


def contacts(data_path) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(data_path.read_text(encoding="utf-8"))["contacts"].values()}


def test_a_companys_card_and_an_address_alone_are_kept_named_after_what_they_have(tmp_path, data_path):
    cards = tmp_path / "phone.vcf"
    cards.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nFN:\r\nORG:Boulangerie Paul;\r\nX-ABShowAs:COMPANY\r\n"
                     "TEL;type=WORK:+33 1 23 45 67 89\r\nEND:VCARD\r\n"
                     "BEGIN:VCARD\r\nVERSION:3.0\r\nEMAIL:only.email@example.com\r\nEND:VCARD\r\n"
                     "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nothing to call it by\r\nEND:VCARD\r\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "vcard", str(cards))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "Imported from phone.vcf: 2 added, 0 updated, 0 already there, 1 with problems, 2 warnings.\n"
    assert "line 1: the card has no name: it is named 'Boulangerie Paul', after its company." in result.stderr
    assert "line 9: the card has no name: it is named 'only.email@example.com', after its e-mail." in result.stderr
    assert "line 13: the card has no name (FN or N), company (ORG) or e-mail." in result.stderr
    stored = contacts(data_path)
    assert stored["Boulangerie Paul"]["phone"] == "+33 1 23 45 67 89"
    assert stored["Boulangerie Paul"]["company"] == "Boulangerie Paul"
    assert stored["only.email@example.com"]["email"] == "only.email@example.com"
    again = run_relance("--data", str(data_path), "import", "vcard", str(cards))
    assert "0 added, 0 updated, 2 already there" in again.stdout


def test_one_stray_byte_leaves_the_rest_of_a_utf8_file_as_it_is(tmp_path, data_path):
    cards = tmp_path / "oneeuro.vcf"
    cards.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\xc3\xa9 Martin\r\nEMAIL:zm@example.com\r\nEND:VCARD\r\n"
                      b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Paul Simple\r\nNOTE:prix 10\x80\r\nEND:VCARD\r\n")
    result = run_relance("--data", str(data_path), "import", "vcard", str(cards))
    assert result.returncode == 0, result.stderr
    stored = contacts(data_path)
    assert set(stored) == {"Zoé Martin", "Paul Simple"}
    assert stored["Paul Simple"]["notes"] == "prix 10€"  # (the stray byte read as Windows-1252, alone)


def test_a_utf16_export_is_read(tmp_path, data_path):
    people = tmp_path / "google.csv"
    people.write_bytes("Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Organization 1 - Name\r\n"
                       "Zoé Durand,Zoé,Durand,* Work,zoe@example.fr,Orée\r\n".encode("utf-16"))
    result = run_relance("--data", str(data_path), "import", "csv", str(people))
    assert result.returncode == 0, result.stderr
    stored = contacts(data_path)["Zoé Durand"]
    assert (stored["email"], stored["company"]) == ("zoe@example.fr", "Orée")


def test_a_folders_unreadable_file_is_named_once_and_hidden_files_are_left(tmp_path, data_path):
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "alice.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Alice Martin\r\nEND:VCARD\r\n", encoding="utf-8")
    (folder / "broken.vcf").write_bytes(b"\x00\x01binary")
    (folder / ".trash.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Old Card\r\nEND:VCARD\r\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "vcard", str(folder))
    assert result.returncode == 0, result.stderr
    assert "broken.vcf: not a text file" in result.stderr and "broken.vcf: broken.vcf" not in result.stderr
    assert set(contacts(data_path)) == {"Alice Martin"}


def test_a_card_without_its_end_is_imported_and_said(tmp_path, data_path):
    cards = tmp_path / "cut.vcf"
    cards.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nEMAIL:ada@example.com\r\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "vcard", str(cards))
    assert "line 1: the card has no END:VCARD: it was read to the end of the file." in result.stderr
    assert contacts(data_path)["Ada Lovelace"]["email"] == "ada@example.com"


def test_a_last_first_name_is_written_family_first_in_n():
    class Contact:
        uid, company, role, email, phone, url, tags, notes = "u1", "", "", "", "", "", [], ""
        name = "Durand, Zoé"

    assert "N:Durand;Zoé;;;" in write_vcards([Contact()])
    Contact.name = "Zoé Durand"
    assert "N:Durand;Zoé;;;" in write_vcards([Contact()])


def test_import_vcard_given_a_csv_names_the_import_that_fits(tmp_path, data_path):
    people = tmp_path / "people.vcf"
    people.write_text("Name,E-mail,Company\nAnne Roux,anne@example.com,Acme\n", encoding="utf-8")
    result = run_relance("--data", str(data_path), "import", "vcard", str(people))
    assert result.returncode == 2
    assert "it looks like a CSV file; import it with `relance import csv`." in result.stderr
