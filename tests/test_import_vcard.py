"""``relance import vcard`` on the files real tools write (issue 19): a fixture per
quirk in tests/fixtures/vcard/ (Android, iPhone, macOS Contacts, Gmail, Outlook 2003
and 2007, Lotus Notes, Evolution, Thunderbird, RFC 6350's kind of card), each read
whole, with the exact values kept; and relance's own vCard export read back losslessly."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.contact_import import apply_import, plan_import, read_contacts_file
from store.contact_rows import Row
from store.errors import ValidationError
from store.repository import Repository
from store.vcard import read_vcard, write_vcards

from .conftest import ROOT, TODAY, run_relance

VCARDS = ROOT / "tests" / "fixtures" / "vcard"
NOTE_738 = (VCARDS / "outlook2007_note.txt").read_text(encoding="utf-8")
EMPTY = {"company": "", "role": "", "email": "", "phone": "", "url": "", "notes": ""}


def rows_of(name: str) -> dict[int, Row]:
    """The rows of a fixture as ``relance import`` reads it (bytes decoded, format guessed)."""
    path = VCARDS / name
    format, rows = read_contacts_file(path)
    assert format == "vcard"
    lines = path.read_bytes().count(b"\n")
    assert all(1 <= row.line <= lines for row in rows), [row.line for row in rows]  # real line numbers
    return {row.line: row for row in rows}


def contacts_on_disk(path) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(path.read_text(encoding="utf-8"))["contacts"].values()}


def import_twice(data_path, name: str, added: int, problems: int = 0) -> dict[str, dict]:
    """Import a fixture with the real command, then again: the second run adds and
    changes nothing. The contacts stored, by name."""
    source = str(VCARDS / name)
    first = run_relance("--data", str(data_path), "import", "vcard", source)
    assert first.returncode == 0, first.stderr
    assert f"{added} added, 0 updated, 0 already there, {problems} with problems" in first.stdout, first.stdout + first.stderr
    stored = data_path.read_bytes()
    again = run_relance("--data", str(data_path), "import", "vcard", source)
    assert f"0 added, 0 updated, {added} already there" in again.stdout, again.stdout + again.stderr
    assert data_path.read_bytes() == stored
    return contacts_on_disk(data_path)


# -- 1: a photo that is not base64 -----------------------------------------------------------


def test_an_android_export_with_a_broken_photo_is_read_whole(data_path):
    rows = rows_of("android_bad_photo.vcf")
    assert sorted(rows) == [1, 8, 16, 25, 34, 41]
    assert not any(row.problem or row.warnings for row in rows.values())
    assert rows[1].data == {**EMPTY, "name": "Claire Martin", "email": "claire.martin@example.org",
                            "phone": "+33 6 11 22 33 44"}
    assert rows[8].data == {**EMPTY, "name": "Hélène Léger", "company": "Léger Conseil", "phone": "+33 6 22 33 44 55",
                            "notes": "Other phones: +33 1 44 55 66 77"}  # 2.1 quoted-printable UTF-8, bare TEL;CELL
    assert rows[16].data == {**EMPTY, "name": "Marc Petit", "phone": "06 12 34 56 78"}  # the card with the photo
    assert rows[25].data["notes"] == "Cousine de Marc.\nPréfère les SMS.\nOther e-mails: julie@example.net"
    assert rows[34].data == {**EMPTY, "name": "Paul Faure"}  # ADR and X-ANDROID-CUSTOM: no field for them
    assert rows[41].data == {**EMPTY, "name": "Zoé", "phone": "+33 7 01 02 03 04"}
    stored = import_twice(data_path, "android_bad_photo.vcf", added=6)
    assert stored["Marc Petit"]["phone"] == "06 12 34 56 78"
    assert stored["Hélène Léger"]["company"] == "Léger Conseil"


# -- 2: Lotus Notes' PROFILE:VCard -----------------------------------------------------------


def test_lotus_notes_profile_is_no_reason_to_refuse_the_file(data_path):
    rows = rows_of("lotus_notes_profile.vcf")
    assert sorted(rows) == [1, 15]
    assert rows[1].data == {**EMPTY, "name": "Bernard Leclerc", "company": "Industries Leclerc, Achats",
                            "role": "Acheteur", "email": "bernard.leclerc@example.com", "phone": "+33 4 72 00 11 22"}
    # N without FN: the name as said, prefix and suffix included
    assert rows[15].data == {**EMPTY, "name": "Dr. Anne Marie Leclerc PhD", "company": "Industries Leclerc"}
    stored = import_twice(data_path, "lotus_notes_profile.vcf", added=2)
    assert stored["Bernard Leclerc"]["company"] == "Industries Leclerc, Achats"


# -- 3: tel: URIs with an extension, a 3-digit number -------------------------------------------


def test_a_tel_uri_with_an_extension_is_the_number_the_user_knows():
    (row,) = rows_of("rfc6350_tel_uri.vcf").values()
    assert row.data == {**EMPTY, "name": "Sylvie Tremblay", "company": "Laboratoire Nordique",
                        "email": "sylvie.tremblay@example.ca", "phone": "+1-418-656-9254 ext. 102",
                        "url": "https://sylvie.example.ca", "notes": "Other phones: +1-418-262-6501"}
    assert not row.problem and not row.warnings


def test_a_three_digit_number_is_passed_on_with_the_rest_of_the_card():
    (row,) = rows_of("emergency_911.vcf").values()
    assert row.data == {**EMPTY, "name": "Urgences Canada", "company": "Services d'urgence",
                        "email": "contact@urgences.example.ca", "phone": "911"}


def test_the_extension_and_the_short_number_are_stored(repo, data_path):
    """Through the real command, once the phone rule takes them (issue 19's plan part,
    done beside this reader): the contact and its phone kept as the user knows it."""
    try:
        repo.build("contact", {"name": "A", "phone": "+1-418-656-9254 ext. 102"})
        repo.build("contact", {"name": "A", "phone": "911"})
    except ValidationError:
        pytest.skip("the phone rule refuses extensions and short numbers yet (issue 19, helper plan)")
    repo.close()
    import_twice(data_path, "rfc6350_tel_uri.vcf", added=1)
    stored = import_twice(data_path, "emergency_911.vcf", added=1)
    assert (stored["Sylvie Tremblay"]["phone"], stored["Sylvie Tremblay"]["email"]) == (
        "+1-418-656-9254 ext. 102", "sylvie.tremblay@example.ca")
    assert (stored["Urgences Canada"]["phone"], stored["Urgences Canada"]["company"]) == ("911", "Services d'urgence")


# -- 4 and 5: Gmail's unescaped commas, Google's and Apple's http\: ----------------------------


def test_unescaped_commas_are_part_of_the_name_and_the_note(data_path):
    rows = rows_of("gmail_commas.vcf")
    assert rows[1].data == {**EMPTY, "name": "Mr. John Richter, James Doe Sr.", "email": "james.doe@example.com",
                            "url": "http://www.example.com/doe",
                            "notes": "Met at the conference, Lyon, 2023; wants a follow-up, in French."}
    assert rows[10].data == {**EMPTY, "name": "Durand, Zoé", "company": "Durand SA", "phone": "+33 6 12 34 56 78"}
    stored = import_twice(data_path, "gmail_commas.vcf", added=2)
    assert set(stored) == {"Mr. John Richter, James Doe Sr.", "Durand, Zoé"}
    assert stored["Mr. John Richter, James Doe Sr."]["url"] == "http://www.example.com/doe"
    assert stored["Mr. John Richter, James Doe Sr."]["notes"] == rows[1].data["notes"]


def test_apple_groups_escaped_urls_and_company_cards(data_path):
    rows = rows_of("apple_groups.vcf")
    assert rows[1].data == {
        "name": "Thi Lan Nguyen", "company": "Studio Lan", "role": "Designer", "email": "lan@example.com",
        "phone": "+33 6 55 44 33 22", "url": "https://studio-lan.example.com",
        "notes": "Rencontrée chez un client, très bonne designer.\nÀ recontacter.\nOther e-mails: lan.nguyen@example.net"}
    assert rows[19].data == {**EMPTY, "name": "Atelier Bois & Co", "company": "Atelier Bois & Co"}
    stored = import_twice(data_path, "apple_groups.vcf", added=2)
    assert stored["Thi Lan Nguyen"]["url"] == "https://studio-lan.example.com"


# -- 6: vCard 2.1 quoted-printable ---------------------------------------------------------------


def test_outlook_2007_quoted_printable_note_and_url_are_whole(data_path):
    (row,) = rows_of("outlook2007_qp.vcf").values()
    assert len(NOTE_738) == 738 and NOTE_738.count(",") == 22
    assert row.data == {"name": "Sophie Moreau", "company": "Moreau Audit", "role": "Associée",
                        "email": "sophie.moreau@example.com", "phone": "+33 1 40 00 00 01",
                        "url": "https://www.example.com/cabinet/moreau-audit/equipe/sophie-moreau?ref=outlook&lang=fr",
                        "notes": NOTE_738 + "\nOther phones: +33 6 40 00 00 02"}
    assert not row.problem and not row.warnings  # (ADR and LABEL, folded by soft breaks: read, not used)
    stored = import_twice(data_path, "outlook2007_qp.vcf", added=1)
    assert stored["Sophie Moreau"]["notes"] == NOTE_738 + "\nOther phones: +33 6 40 00 00 02"
    assert stored["Sophie Moreau"]["url"] == row.data["url"]


def test_outlook_2003_windows_1252_and_bare_quoted_printable(data_path):
    rows = rows_of("outlook2003_cp1252.vcf")
    assert rows[1].data == {"name": "Jürgen Müller", "company": "Büro Müller GmbH", "role": "Geschäftsführer",
                            "email": "juergen.mueller@example.de", "phone": "+49 30 1234567",
                            "notes": "Budget 50 000 € – « rappeler » en mars, après la foire de Francfort.\n"
                                     "Café très sucré.", "url": ""}
    assert rows[13].data == {**EMPTY, "name": "Françoise Thévenet", "phone": "+33 4 76 00 00 00"}
    stored = import_twice(data_path, "outlook2003_cp1252.vcf", added=2)
    assert stored["Jürgen Müller"]["notes"].startswith("Budget 50 000 € – « rappeler »")


# -- 7: the iPhone's CR CR LF ----------------------------------------------------------------------


def test_an_iphone_export_with_cr_cr_lf_is_read_card_by_card(data_path):
    assert (VCARDS / "iphone_crcrlf.vcf").read_bytes().count(b"\r\r\n") == 29
    rows = rows_of("iphone_crcrlf.vcf")  # (checks every line number is within the file's 29)
    assert sorted(rows) == [1, 13, 23]
    assert rows[1].data == {**EMPTY, "name": "Lucie Blanc", "email": "lucie.blanc@example.fr",
                            "phone": "+33 6 70 80 90 00"}
    assert rows[13].data == {**EMPTY, "name": "Hugo Garnier", "company": "Garnier & Fils",
                             "url": "http://garnier.example.com", "notes": "Vu à Bordeaux, en juin.\nA un projet ERP."}
    assert rows[23].data == {**EMPTY, "name": "Inès Henry", "phone": "+33 6 01 01 01 01"}
    import_twice(data_path, "iphone_crcrlf.vcf", added=3)


# -- Evolution, Thunderbird: 3.0 and 4.0, tab folding, BOM, categories ----------------------------


def test_evolution_and_thunderbird_cards(data_path):
    (paul,) = rows_of("evolution.vcf").values()
    assert paul.data == {**EMPTY, "name": "Paul Dupont", "company": "Dupont Ingénierie, Bureau d'études",
                         "role": "Gérant", "email": "paul.dupont@example.fr", "phone": "+33 6 99 88 77 66",
                         "notes": "Une note assez longue pour que l'on plie la ligne, comme Evolution le fait "
                                  "avec une tabulation.", "tags": ["Business", "Clients", "Salon 2024"]}
    (mathieu,) = rows_of("thunderbird_bom.vcf").values()
    assert mathieu.data == {**EMPTY, "name": "Mathieu Lefebvre", "email": "m.lefebvre@example.org",
                            "phone": "01 23 45 67 89", "notes": "Ancien collègue; vu en 2022.",
                            "uid": "0c6f9b84-3f2a-4b1e-9a57-2d4b8c1e7f10"}
    stored = import_twice(data_path, "evolution.vcf", added=1)
    assert stored["Paul Dupont"]["tags"] == ["Business", "Clients", "Salon 2024"]


# -- the reader on its own: lines, versions, what it ignores ------------------------------------


@pytest.mark.parametrize("end", ["\n", "\r\n", "\r", "\r\r\n"])
def test_line_numbers_are_the_file_s_whatever_the_line_ends(end):
    text = end.join(["BEGIN:VCARD", "VERSION:3.0", "FN:Ada", "not a property", "END:VCARD", "",
                     "BEGIN:VCARD", "FN:Grace", "NOTE:a long note", " folded", "END:VCARD", "N:stray", ""])
    rows = read_vcard(text)
    assert [(row.line, row.problem or row.data["name"]) for row in rows] == [
        (1, "Ada"), (4, "not a vCard line (skipped): not a property"), (7, "Grace"),
        (12, "not a vCard line (skipped): N:stray")]
    assert rows[2].data["notes"] == "a long notefolded"


def test_vcard_2_1_folding_keeps_its_space_and_bare_params_are_types():
    (row,) = read_vcard("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Ada\r\nNOTE:one\r\n two\r\nTEL;CELL;VOICE:+33 6 00 00 00 01\r\n"
                        "EMAIL;INTERNET;QUOTED-PRINTABLE:ada=40example.com\r\nEND:VCARD\r\n")
    assert (row.data["notes"], row.data["phone"], row.data["email"]) == ("one two", "+33 6 00 00 00 01", "ada@example.com")


def test_a_soft_line_break_at_a_value_s_end_does_not_swallow_the_card_s_end():
    rows = read_vcard("BEGIN:VCARD\nVERSION:2.1\nFN;QUOTED-PRINTABLE:Ad=C3=A9=\nEND:VCARD\nBEGIN:VCARD\nFN:Bob\nEND:VCARD\n")
    assert [row.data["name"] for row in rows] == ["Adé", "Bob"]


def test_what_cannot_be_decoded_is_a_warning_and_the_card_stays():
    (row,) = read_vcard("BEGIN:VCARD\nFN:Ada\nNOTE;ENCODING=b:!!!\nTITLE;CHARSET=x-klingon;QUOTED-PRINTABLE:Chef\n"
                        "ORG;CHARSET=us-ascii;QUOTED-PRINTABLE:Caf=E9\nPHOTO;ENCODING=b:A\nKEY;ENCODING=b:?\nEND:VCARD\n")
    assert (row.data["name"], row.data["notes"], row.data["role"], row.data["company"]) == ("Ada", "", "Chef", "Caf\ufffd")
    assert sorted(row.warnings) == ["NOTE: not readable base64, left out.", "ORG: not ascii text, read with replacement marks.",
                                    "TITLE: unknown charset 'x-klingon', read as UTF-8."]


def test_categories_uids_and_relance_s_own_properties():
    (row,) = read_vcard("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nCATEGORIES:a,b\\,c, a \nCATEGORIES:d\n"
                        "UID:urn:uuid:0C6F9B84-3F2A-4B1E-9A57-2D4B8C1E7F10\nX-RELANCE-CIRCLE:professional\n"
                        "X-RELANCE-CADENCE-DAYS:30\nX-RELANCE-NEXT-FOLLOW-UP:2026-12-01\nX-OTHER:x\nEND:VCARD\n")
    assert row.data["tags"] == ["a", "b,c", "d"]
    assert row.data["uid"] == "0c6f9b84-3f2a-4b1e-9a57-2d4b8c1e7f10"
    assert (row.data["circle"], row.data["cadence_days"], row.data["next_follow_up"]) == ("professional", "30", "2026-12-01")
    (other,) = read_vcard("BEGIN:VCARD\nFN:Ada\nUID:pas-id-1\nEND:VCARD\n")
    assert "uid" not in other.data  # (not relance's: it would only be refused)


def test_a_card_inside_a_card_and_a_card_without_end_are_read():
    rows = read_vcard("BEGIN:VCARD\nVERSION:2.1\nFN:Boss\nAGENT:\nBEGIN:VCARD\nFN:Assistant\nEND:VCARD\n"
                      "TEL:+33 1 00 00 00 00\nEND:VCARD\nBEGIN:VCARD\nFN:Last\n")
    assert [(row.line, row.data["name"], row.data["phone"]) for row in rows] == [
        (1, "Boss", "+33 1 00 00 00 00"), (5, "Assistant", ""), (10, "Last", "")]


@pytest.mark.parametrize("text", ["", "hello\n", "FN:Ada\n", "\ufeff", "BEGIN:VCALENDAR\nEND:VCALENDAR\n"])
def test_a_file_without_a_card_is_refused_in_one_sentence(text):
    with pytest.raises(ValidationError) as refused:
        read_vcard(text)
    assert str(refused.value) == "file: no card in it (BEGIN:VCARD ... END:VCARD)."


# -- property-based: any text, and any card written ------------------------------------------------

LINES = ["BEGIN:VCARD", "END:VCARD", "VERSION:2.1", "VERSION:3.0", "VERSION:4.0", "FN:Ada", "N:a;b;c;d;e",
         "NOTE;QUOTED-PRINTABLE:a=", "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=x:=C3=", "NOTE;ENCODING=b:=", ":", ";:",
         'TEL;VALUE=uri;TYPE="a:b:tel:1;ext=', "TEL:tel:", "X-A;B=\"", "item1.EMAIL:a@b", " folded", "\tfolded",
         "CATEGORIES:\\", "ORG:\\;;\\", "UID:urn:uuid:", "=", "AGENT:"]
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, database=None, derandomize=True,
                             suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=30)), max_size=30),
       st.sampled_from(["\n", "\r\n", "\r", "\r\r\n", ""]))
def test_any_text_is_read_or_refused_in_words(lines, end):
    try:
        rows = read_vcard(end.join(lines))
    except ValidationError as refused:
        assert str(refused).startswith("file: ")
        return
    assert all(isinstance(row, Row) and (row.problem or row.data["name"]) for row in rows)


names = st.text(st.characters(exclude_categories=["Cc", "Cs", "Zl", "Zp"]), min_size=1, max_size=40).map(str.strip)
notes = st.text(st.characters(exclude_categories=["Cs", "Zl", "Zp"], exclude_characters="\r\x0b\x0c\x1c\x1d\x1e\x85"),
                max_size=120).map(str.strip)


class _Contact:
    def __init__(self, **fields):
        self.__dict__.update({"uid": "0c6f9b84-3f2a-4b1e-9a57-2d4b8c1e7f10", "company": "", "role": "", "email": "",
                              "phone": "", "url": "", "tags": [], "notes": "", "circle": "natural", **fields})


@PROPERTY_SETTINGS
@given(st.lists(st.tuples(names.filter(bool), names, notes, st.lists(names.filter(lambda t: t and "," not in t),
                                                                      max_size=3, unique=True)), min_size=1, max_size=4),
       st.sampled_from(["\r\n", "\n", "\r\r\n"]), st.booleans())
def test_every_card_written_is_read_back_whole(people, end, bom):
    """What relance writes (vobject's escapes and folding) comes back as written, with any
    line ends and a BOM: no card with a name is lost, no comma cuts a name or a note."""
    text = write_vcards([_Contact(name=n, company=c, notes=t, tags=g) for n, c, t, g in people])
    rows = read_vcard(("\ufeff" if bom else "") + text.replace("\r\n", end))
    assert [(r.data["name"], r.data["company"], r.data["notes"], r.data.get("tags", [])) for r in rows] == [
        (n, c, t, g) for n, c, t, g in people]


def _quoted_printable(text: str, charset: str, width: int) -> str:
    """``text`` in quoted-printable, a soft line break every ``width`` characters or so
    (never inside an ``=XX``)."""
    tokens = [chr(b) if 33 <= b <= 126 and b != 61 else f"={b:02X}" for b in text.encode(charset)]
    lines = [""]
    for token in tokens:
        if len(lines[-1]) + len(token) > width:
            lines.append("")
        lines[-1] += token
    return "=\r\n".join(lines)


@PROPERTY_SETTINGS
@given(names.filter(bool), notes, st.sampled_from(["utf-8", "windows-1252", "iso-8859-1"]), st.integers(3, 80))
def test_vcard_2_1_quoted_printable_in_any_charset_is_read_back(name, note, charset, width):
    try:
        name.encode(charset), note.encode(charset)
    except UnicodeEncodeError:
        charset = "utf-8"
    note = note.replace("\n", "\r\n")
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\n"
            f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:{_quoted_printable(name, charset, width)}\r\n"
            f"NOTE;CHARSET={charset};QUOTED-PRINTABLE:{_quoted_printable(note, charset, width)}\r\nEND:VCARD\r\n")
    (row,) = read_vcard(text)
    assert (row.data["name"], row.data["notes"]) == (name.strip(), note.replace("\r\n", "\n").strip())


# -- 15: relance -> vCard -> relance keeps every field -----------------------------------------------

ROUND_TRIP_FIELDS = ("uid", "name", "company", "role", "email", "phone", "url", "circle", "tags", "notes",
                     "referred_by", "created", "last_contact", "next_follow_up", "cadence_days")


def test_relance_s_own_fields_are_written_and_read_back(demo_path):
    repo = Repository(demo_path, today=TODAY)
    contacts = repo.list("contact")
    repo.close()
    text = write_vcards(contacts)
    assert "X-RELANCE-CIRCLE:professional" in text and "X-RELANCE-REFERRED-BY:" in text
    rows = read_vcard(text)
    assert len(rows) == len(contacts) == 40
    for contact, row in zip(contacts, rows):
        expected = {name: getattr(contact, name) for name in ROUND_TRIP_FIELDS}
        expected = {k: (v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, int) else v)
                    for k, v in expected.items() if v not in (None, "", [])}
        assert {k: v for k, v in row.data.items() if v not in ("", [])} == expected


def _plan_keeps_uids() -> bool:
    """Whether plan_import gives an added contact the uid its row has (issue 19's plan
    part, done beside this reader): the round trip below needs it."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        repo = Repository(Path(folder) / "relance.json", today=TODAY)
        uid = "0c6f9b84-3f2a-4b1e-9a57-2d4b8c1e7f10"
        plan = plan_import(repo, [Row(1, {"name": "Ada", "uid": uid})])
        apply_import(repo, plan)
        kept = repo.records("contact").get(uid) is not None
        repo.close()
    return kept


def test_a_vcard_round_trip_from_relance_to_relance_is_lossless(demo_path, tmp_path):
    if not _plan_keeps_uids():
        pytest.skip("plan_import does not keep a row's uid yet (issue 19, helper plan)")
    cards = tmp_path / "contacts.vcf"
    assert run_relance("--data", str(demo_path), "export", "vcard", "-o", str(cards)).returncode == 0
    other = tmp_path / "other" / "relance.json"
    result = run_relance("--data", str(other), "import", "vcard", str(cards))
    assert "40 added, 0 updated, 0 already there, 0 with problems" in result.stdout, result.stdout + result.stderr
    before = json.loads(demo_path.read_text(encoding="utf-8"))["contacts"].values()
    after = {c["uid"]: c for c in json.loads(other.read_text(encoding="utf-8"))["contacts"].values()}
    assert sum(1 for c in before if c["referred_by"]) == 3 and sum(1 for c in before if c["circle"] != "natural") == 12
    for contact in before:
        assert {k: after[contact["uid"]][k] for k in ROUND_TRIP_FIELDS} == {k: contact[k] for k in ROUND_TRIP_FIELDS}
    again = run_relance("--data", str(other), "import", "vcard", str(cards))
    assert "0 added, 0 updated, 40 already there" in again.stdout, again.stdout + again.stderr


def test_a_vcard_2_1_keeps_its_backslashes_as_written():
    """vCard 2.1 escapes ";" only (Android's 2.1 writer leaves a backslash as it is): a name
    of two backslashes is two backslashes; 3.0's "\\\\" is one (found by hypothesis in CI)."""
    (old,) = read_vcard("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:\\\\\r\nEND:VCARD\r\n")
    (new,) = read_vcard("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:a\\\\b\r\nEND:VCARD\r\n")
    assert old.data["name"] == "\\\\" and new.data["name"] == "a\\b"
