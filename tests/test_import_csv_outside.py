"""What an outside tester found in the contact CSV import after issue 19's work: a row
with a company or an e-mail and no name, French Outlook's two "Titre" columns and its
"Tél." phones, a quote never closed, a cell over the csv module's 131,072 characters,
relance's own tags with ";", the count of merged rows, and the dashboard's preview.
The fixtures (tests/fixtures/csv/) are written for these tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.contact_import import apply_import, plan_import, read_contacts_file
from store.csv_contacts import read_csv
from store.errors import ValidationError
from store.repository import Repository

from .conftest import ROOT, TODAY, run_relance

FIXTURES = ROOT / "tests" / "fixtures" / "csv"


def contacts_on_disk(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    return {c["name"]: c for c in json.loads(path.read_text(encoding="utf-8"))["contacts"].values()}


def import_twice(data_path: Path, source: Path, format: str = "csv"):
    """(the first plan, the contacts stored): read, planned and applied into the data
    file as the CLI does it, then again: the second run adds and changes nothing."""
    first = plan_import(Repository(data_path, today=TODAY), read_contacts_file(source, format)[1])
    apply_import(Repository(data_path, today=TODAY), first)
    saved = data_path.read_bytes()
    again = plan_import(Repository(data_path, today=TODAY), read_contacts_file(source, format)[1])
    assert not again.add and not again.update, (again.add, again.update)
    assert data_path.read_bytes() == saved
    return first, contacts_on_disk(data_path)


# -- 1. no name, but a company or an e-mail --------------------------------------------


def test_a_row_with_a_company_or_an_e_mail_and_no_name_is_named_after_it(data_path):
    plan, stored = import_twice(data_path, FIXTURES / "google_no_name.csv")
    assert plan.problems == []
    assert plan.warnings == [(2, "no name: the company 'Société Only SARL' is taken as the name."),
                             (3, "no name: the e-mail address 'solo@example.org' is taken as the name.")]
    assert {name: (c["company"], c["email"], c["role"]) for name, c in stored.items()} == {
        "Société Only SARL": ("Société Only SARL", "contact@only.example", ""),
        "solo@example.org": ("", "solo@example.org", ""),
        "Zoé Martin": ("Acme", "zoe@acme.example", "CTO"),
    }


def test_a_linkedin_row_without_a_name_is_still_a_member_who_left():
    rows = read_contacts_file(FIXTURES / "linkedin_2018.csv", "linkedin")[1]
    text = ("First Name,Last Name,Email Address,Company,Position,Connected On\n"
            ",,gone@example.com,Acme,,11/14/17, 5:06 AM\n")
    from store.linkedin import read_linkedin

    assert [(row.line, row.problem) for row in read_linkedin(text)] == [
        (2, "no name (only a date: the member may have left LinkedIn).")]
    assert all(row.data.get("name") for row in rows if not row.problem)


# -- 2. French Outlook -----------------------------------------------------------------


def test_french_outlook_courtesy_title_is_no_role_and_its_phones_are_read(data_path):
    result = run_relance("--data", str(data_path), "import", "csv", str(FIXTURES / "outlook_fr_titre.csv"))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("Imported from outlook_fr_titre.csv: 2 added, 0 updated, 0 already there, "
                             "0 with problems, 0 warnings.\n")
    # the courtesy title is named as not used, as English Outlook's "Title" is
    assert result.stderr == "outlook_fr_titre.csv: columns not used: Titre, Service.\n"
    stored = contacts_on_disk(data_path)
    fields = ("company", "role", "phone", "email", "notes")
    assert {name: tuple(c[f] for f in fields) for name, c in stored.items()} == {
        "Anne Lebrun": ("Orange", "Acheteuse", "06 22 33 44 55", "anne@orange.example", ""),
        "Paul Roux": ("Bouygues", "Directeur", "01 40 00 00 01", "paul@bouygues.example",
                      "Vu au salon\nOther e-mails: p.roux@example.org\n"
                      "Other phones: 01 40 00 00 02, 06 10 00 00 03, 06 10 00 00 04"),
    }
    again = run_relance("--data", str(data_path), "import", "csv", str(FIXTURES / "outlook_fr_titre.csv"))
    assert "0 added, 0 updated, 2 already there" in again.stdout


# -- 3. a quote never closed -----------------------------------------------------------


def test_a_quote_never_closed_refuses_the_file_naming_its_line(data_path):
    result = run_relance("--data", str(data_path), "import", "csv", str(FIXTURES / "unclosed_quote.csv"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        f"relance import csv: error: {FIXTURES / 'unclosed_quote.csv'}: line 2: a quote opened here is never "
        "closed; the rest of the file would be read as one cell. Close it (\"), or double a quote meant as "
        "text (\"\").\n")
    assert not data_path.exists()  # nothing written


@pytest.mark.parametrize("text, line", [
    ('Name;Notes\nA;"x ""y"" z\nw"\nB;5" disk\nC;"open\nD;x\n', 5),  # (an even number of quotes)
    ('Name,Notes\r\nA,"x\r\ny"\r\nB,"z\r\n\r\nw', 4),
    ('Name,Notes\rA,"x\rB,y\r', 2),  # (old Mac line ends)
])
def test_the_line_of_the_quote_never_closed_is_the_editor_s(text, line):
    with pytest.raises(ValidationError) as refused:
        read_csv(text)
    assert refused.value.errors["file"].startswith(f"line {line}: a quote opened here is never closed;")


@pytest.mark.parametrize("text", [
    'Name,Notes\nA,"a note\nover lines"\nB,5" disk\n',  # a stray quote in an unquoted cell: read as text
    'Name,Notes\nA,"""quoted"" text"\nB,"last ""one"""',  # doubled quotes, no line end at the end
])
def test_closed_quotes_and_stray_ones_are_read(text):
    assert [row.data["name"] for row in read_csv(text)] == ["A", "B"]


# -- 4. a cell over 131,072 characters -------------------------------------------------


def test_a_cell_over_the_csv_module_s_limit_is_a_warning_not_a_refused_file(data_path, tmp_path):
    source = tmp_path / "big.csv"
    source.write_text('Name,E-mail,Notes\nA One,a@example.com,"' + "x" * 200_000 + '"\nB Two,b@example.com,ok\n',
                      encoding="utf-8")
    plan, stored = import_twice(data_path, source)
    assert [(at, text[:50]) for at, text in plan.warnings] == [(2, "notes '" + "x" * 43)]
    assert plan.warnings[0][1].endswith("is too long (200000 characters, at most 20000). Imported without it.")
    assert {name: (c["email"], c["notes"]) for name, c in stored.items()} == {
        "A One": ("a@example.com", ""), "B Two": ("b@example.com", "ok")}


def test_a_linkedin_cell_over_the_limit_is_a_warning_too(data_path, tmp_path):
    source = tmp_path / "Connections.csv"
    source.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
                      "Ada,Lovelace,," + "x" * 140_000 + ",Engines,CTO,01 Jan 2024\n", encoding="utf-8")
    plan, stored = import_twice(data_path, source, "linkedin")
    assert [at for at, _text in plan.warnings] == [2] and plan.warnings[0][1].startswith("email 'xxx")
    ada = stored["Ada Lovelace"]
    assert (ada["email"], ada["company"], ada["role"], ada["created"]) == ("", "Engines", "CTO", "2024-01-01")


# -- 5. relance's own tags with ";" ----------------------------------------------------


def test_relance_s_own_export_brings_back_a_tag_with_a_semicolon_whole(data_path, tmp_path):
    added = run_relance("--data", str(data_path), "add", "contact", "--name", "Tag Person", "--tags", "a;b, c")
    assert added.returncode == 0, added.stderr
    export = tmp_path / "contacts.csv"
    assert run_relance("--data", str(data_path), "export", "csv", "-o", str(export)).returncode == 0
    assert '"a;b, c"' in export.read_text(encoding="utf-8")
    before = data_path.read_bytes()
    again = run_relance("--data", str(data_path), "import", "csv", str(export))
    assert "0 added, 0 updated, 1 already there" in again.stdout, again.stdout + again.stderr
    assert data_path.read_bytes() == before
    fresh = tmp_path / "fresh.json"
    run_relance("--data", str(fresh), "import", "csv", str(export))
    assert contacts_on_disk(fresh)["Tag Person"]["tags"] == ["a;b", "c"]


def test_another_tool_s_tags_are_still_split_at_semicolons():
    rows = read_csv("Name,Categories\nAda,friends;work\n")
    assert rows[0].data["tags"] == ["friends", "work"]


# -- 6. the count of merged rows -------------------------------------------------------


def test_rows_merged_into_a_new_contact_are_not_already_there(data_path):
    source = str(FIXTURES / "same_person.csv")
    dry = run_relance("--data", str(data_path), "import", "csv", source, "--dry-run")
    assert dry.stdout == (
        "line 2: add Ada Lovelace\n"
        "line 4: add Bob Martin\n"
        "line 3: the same person as line 2, nothing new\n"
        "line 5: the same person as line 2, nothing new\n"
        "line 6: the same person as line 4, adds phone\n"
        "Dry run, nothing written: 2 to add, 0 to update, 0 already there, 0 with problems, 0 warnings "
        "(3 rows merged into an earlier row of the same person).\n")
    first = run_relance("--data", str(data_path), "import", "csv", source)
    assert first.stdout == ("Imported from same_person.csv: 2 added, 0 updated, 0 already there, 0 with problems, "
                            "0 warnings (3 rows merged into an earlier row of the same person).\n")
    assert contacts_on_disk(data_path)["Bob Martin"]["phone"] == "01 23 45 67 89"
    before = data_path.read_bytes()
    again = run_relance("--data", str(data_path), "import", "csv", source)
    # (the second time they are all there: the contacts are)
    assert again.stdout == ("Imported from same_person.csv: 0 added, 0 updated, 5 already there, 0 with problems, "
                            "0 warnings.\n")
    assert data_path.read_bytes() == before


def test_one_merged_row_is_said_in_the_singular_and_a_card_is_a_card(repo):
    from store.contact_rows import Row

    rows = [Row(2, {"name": "Ada", "email": "ada@example.com"}), Row(3, {"name": "Ada", "email": "ada@example.com"})]
    plan = plan_import(repo, rows)
    assert plan.summary() == ("1 to add, 0 to update, 0 already there, 0 with problems, 0 warnings "
                              "(1 row merged into an earlier row of the same person)")
    assert plan.summary("vcard", (1, 0)) == ("1 added, 0 updated, 0 already there, 0 with problems, 0 warnings "
                                             "(1 card merged into an earlier card of the same person)")


# -- the parser's properties -----------------------------------------------------------

_cells = st.text(st.sampled_from('ab ,;"\r\n\t-=é'), max_size=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(st.sampled_from('Name,E-mail;"\r\n\tab@.xé'), max_size=120))
def test_any_text_is_read_or_refused_with_a_validation_error(text):
    try:
        read_csv(text)
    except ValidationError as err:
        assert "\n" not in str(err)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.from_regex(r"[A-Z][a-zé]{1,8} [A-Z][a-z]{1,8}", fullmatch=True), _cells, _cells),
                min_size=1, max_size=8))
def test_every_named_row_a_csv_writer_wrote_is_read(people):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["Name", "Notes", "Company"])
    writer.writerows(people)
    rows = read_csv(out.getvalue())
    assert [row.data["name"] for row in rows] == [name for name, *_rest in people]


# -- 7. the dashboard's preview and its closing notification ---------------------------


async def test_the_dashboard_names_the_columns_not_used_and_counts_the_warnings(data_path, tmp_path):
    from tui.app import make_app
    from tui.importer import ImportScreen

    from .test_dashboard import settle, type_text

    source = tmp_path / "r.csv"
    source.write_text("Name,E-mail,Service\nA One,a@example.com,Achats\nC Three,not-an-email,\n", encoding="utf-8")
    Repository(data_path, today=TODAY).add("contact", {"name": "Someone"})
    app = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    said: list[str] = []
    app.notify = lambda message, **_options: said.append(message)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(source))
        await pilot.press("enter")
        await settle(pilot)
        preview = str(app.screen.query_one("#import-plan").render())
        assert "2 to add, 0 to update, 0 already there, 0 with problems, 1 warning.\nColumns not used: Service.\n" \
            in preview
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.pause()
        assert not isinstance(app.screen, ImportScreen)
    assert said == ["Imported: 2 added, 0 updated, 1 warning (a new preview of r.csv lists it)."]
    assert sorted(contacts_on_disk(data_path)) == ["A One", "C Three", "Someone"]
