"""What an outside tester found the command line took that it must refuse, or showed
wrongly: a blank reference (it named every record), a uid prefix that is another record's
name, values that are not UTF-8, the thousands separator read as a decimal comma, a mission
ended after its planned end; and the small things (help, messages, list's columns). The
real command on a real data file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.errors import NotFoundError
from store.fields import MONEY_MAX, Money
from store.lookup import find_record
from store.models import Contact, Mission
from store.records import linked_problems
from store.repository import Repository
from store.review import end_problem

from .conftest import TODAY
from .test_cli_edit import add, docs, relance
from .test_outside import one_line_refusal

#: bytes that are not UTF-8, as Python hands them over from the command line
BAD = "Bad\udcff\udcfe"


def unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before


# -- E: a blank reference names no record ----------------------------------------------


@pytest.mark.parametrize("blank", ["", " ", "\t"])
def test_rm_of_a_blank_reference_deletes_nothing(data_path, blank):
    add(data_path, "mission", "--client", "Acme", "--start", "2026-10-01", "--end", "2027-01-15", "--daily-rate", "600")
    add(data_path, "contact", "--name", "Only One")
    before = data_path.read_bytes()
    for kind in ("mission", "contact"):
        line = one_line_refusal(relance(data_path, "rm", kind, blank, "--yes"), status=2)
        assert "give a uid or a name" in line
    unchanged(data_path, before)


def test_edit_of_a_blank_reference_is_refused_not_called_ambiguous(data_path):
    add(data_path, "contact", "--name", "Alice")
    add(data_path, "contact", "--name", "Bob")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "contact", "", "--company", "X"), status=2)
    assert "give a uid or a name" in line and "match" not in line
    unchanged(data_path, before)


def test_a_blank_reference_finds_nothing_in_the_store_the_forms_ask_too():
    alice = Contact(uid="36ba663f0000", name="Alice")
    with pytest.raises(NotFoundError, match="give a uid or a name"):
        find_record(Contact, {alice.uid: alice}, "  ")


# -- I: a uid prefix that is also another record's name is ambiguous ---------------------


def test_a_uid_prefix_that_is_another_records_name_is_refused_naming_both(data_path):
    alice = add(data_path, "contact", "--name", "Alice")
    add(data_path, "contact", "--name", alice[:8])
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "contact", alice[:8], "--company", "Globex"), status=2)
    assert "2 records of kind contact match" in line and "Alice" in line and line.count(alice[:8]) >= 2
    unchanged(data_path, before)
    line = one_line_refusal(relance(data_path, "rm", "contact", alice[:8], "--yes"), status=2)
    assert "match" in line
    unchanged(data_path, before)
    # the whole uid still names Alice alone
    assert relance(data_path, "edit", "contact", alice, "--company", "Globex").returncode == 0


def test_a_whole_uid_names_its_record_even_when_another_is_named_with_it(data_path):
    alice = add(data_path, "contact", "--name", "Alice")
    add(data_path, "contact", "--name", alice)  # a name that is Alice's whole uid
    result = relance(data_path, "edit", "contact", alice, "--company", "Globex")
    assert result.returncode == 0, result.stderr
    companies = {doc["name"]: doc["company"] for doc in json.loads(data_path.read_text())["contacts"].values()}
    assert companies == {"Alice": "Globex", alice: ""}


# -- F: values that are not UTF-8 --------------------------------------------------------


@pytest.mark.parametrize("args, option", [
    (["add", "contact", "--name", BAD], "--name"),
    (["add", "mission", "--client", "Acme", "--notes", BAD], "--notes"),
    (["add", "interaction", "--contact", BAD, "--date", "today"], "--contact"),
    (["edit", "contact", "Zoé", "--company", BAD], "--company"),
    (["edit", "contact", BAD, "--company", "X"], "REF"),
    (["settings", "--target-monthly", BAD], "--target-monthly"),
    (["settings", "--currency", BAD], "--currency"),
    (["list", "contacts", BAD], "FILTER"),
    (["rm", "contact", BAD, "--yes"], "REF"),
    (["import", "csv", "contacts.csv", "--map", "name=" + BAD], "--map"),
    (["import", "linkedin", "contacts.csv", "--tag", BAD], "--tag"),
    (["import", "vcard", BAD], "FILE"),
    (["export", "json", "-o", BAD], "--output"),
    (["restore", BAD], "BACKUP"),
])
def test_a_value_that_is_not_utf8_is_refused_naming_its_option(data_path, args, option):
    add(data_path, "contact", "--name", "Zoé")
    (data_path.parent / "contacts.csv").write_text("Name\nBob\n", encoding="utf-8")
    args = [str(data_path.parent / a) if a == "contacts.csv" else a for a in args]
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, *args), status=2)
    assert f"{option}: not valid UTF-8 text" in line
    unchanged(data_path, before)


@pytest.mark.parametrize("args", [
    [BAD], ["add", BAD], ["list", BAD], ["rm", BAD, "x"], ["export", BAD], ["import", BAD],
    ["status", "--months", BAD], ["status", "--today", BAD], ["doctor", BAD], ["backup", BAD],
    ["edit", BAD], ["settings", BAD], ["add", "contact", BAD],
])
def test_no_command_tracebacks_on_bytes_that_are_not_utf8(data_path, args):
    add(data_path, "contact", "--name", "Zoé")
    before = data_path.read_bytes()
    result = relance(data_path, *args)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    unchanged(data_path, before)


# -- D: a thousands separator is not a decimal comma -------------------------------------


@pytest.mark.parametrize("typed", ["1,500", "10,000", "1,500,000", " 2,500 "])
def test_an_amount_with_a_comma_before_three_digits_is_refused_as_ambiguous(data_path, typed):
    add(data_path, "contact", "--name", "Zoé")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "add", "mission", "--client", "Acme", "--start", "2026-10-01",
                                    "--end", "2027-01-15", "--daily-rate", typed), status=2)
    assert f"--daily-rate: {typed.strip()}" in line and "a comma is the decimal mark" in line
    line = one_line_refusal(relance(data_path, "settings", "--target-monthly", typed), status=2)
    assert "--target-monthly" in line and "a comma is the decimal mark" in line
    unchanged(data_path, before)


def test_the_ambiguous_amount_says_both_readings():
    with pytest.raises(ValueError, match=r"^1,500 is ambiguous: write 1500 or 1\.50 \(a comma is the decimal mark"):
        Money().parse("1,500", TODAY)


@pytest.mark.parametrize("typed, stored", [
    ("650,50", "650.50"), ("1,5", "1.50"), ("1 500", "1500.00"), ("1\u00a0500,50", "1500.50"),
    ("1500", "1500.00"), ("1500.5", "1500.50"), ("1,50", "1.50"),
])
def test_a_decimal_comma_and_spaced_thousands_still_work(data_path, typed, stored):
    result = relance(data_path, "settings", "--daily-rate", typed)
    assert result.returncode == 0, result.stderr
    [doc] = docs(data_path, "settings")
    assert doc["daily_rate"] == stored


def _grouped(digits: str) -> str:
    head, rest = digits[: len(digits) % 3 or 3], digits[len(digits) % 3 or 3:]
    return " ".join([head, *(rest[i:i + 3] for i in range(0, len(rest), 3))])


amounts = st.decimals(min_value=Decimal("0.01"), max_value=MONEY_MAX, places=2, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(amounts, st.sampled_from(["point", "comma", "grouped"]))
def test_every_amount_typed_in_a_usual_way_parses_back_to_itself(value, style):
    whole, _, cents = f"{value:.2f}".partition(".")
    cents = cents.rstrip("0")
    text = {"point": f"{whole}.{cents}" if cents else whole,
            "comma": f"{whole},{cents}" if cents else whole,
            "grouped": f"{_grouped(whole)},{cents}" if cents else _grouped(whole)}[style]
    assert Money().parse(text, TODAY) == value


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.lists(st.integers(0, 999), min_size=1, max_size=2))
def test_every_amount_of_the_ambiguous_shape_is_refused(head, groups):
    text = str(head) + "".join(f",{group:03d}" for group in groups)
    with pytest.raises(ValueError, match="a comma is the decimal mark"):
        Money().parse(text, TODAY)


# -- G: a mission never ends after its planned end ---------------------------------------


def test_a_mission_added_or_edited_with_an_end_after_its_planned_end_is_refused(data_path):
    line = one_line_refusal(relance(data_path, "add", "mission", "--client", "Acme", "--start", "2026-10-01",
                                    "--end", "2026-11-15", "--ended-on", "2026-12-31", "--daily-rate", "600"), status=2)
    assert "--ended-on: 2026-12-31 is after the planned end 2026-11-15: ending a mission never extends it" in line
    assert not data_path.exists()
    add(data_path, "mission", "--client", "Acme", "--start", "2026-10-01", "--end", "2027-01-15", "--daily-rate", "600")
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "edit", "mission", "Acme", "--ended-on", "2027-02-01"), status=2)
    assert "2027-02-01 is after the planned end 2027-01-15" in line
    unchanged(data_path, before)
    # an early end, and an end moved before an early end
    assert relance(data_path, "edit", "mission", "Acme", "--ended-on", "2026-12-01").returncode == 0
    line = one_line_refusal(relance(data_path, "edit", "mission", "Acme", "--end", "2026-11-20"), status=2)
    assert "2026-12-01 is after the planned end 2026-11-20" in line


def test_a_file_already_holding_a_mission_ended_after_its_end_still_opens(data_path):
    uid = add(data_path, "mission", "--client", "Acme", "--start", "2026-10-01", "--end", "2026-11-15",
              "--daily-rate", "600")
    content = json.loads(data_path.read_text(encoding="utf-8"))
    [doc] = content["missions"].values()
    doc["ended_on"] = "2026-12-31"  # (written by an older relance; the _meta check no longer matches)
    data_path.write_text(json.dumps(content), encoding="utf-8")
    listed = relance(data_path, "list", "missions")
    assert listed.returncode == 0, listed.stderr
    assert "2026-12-31" in listed.stdout
    assert relance(data_path, "status", "--json").returncode == 0
    # a change of it says what to fix
    line = one_line_refusal(relance(data_path, "edit", "mission", uid, "--notes", "x"), status=2)
    assert "--ended-on: 2026-12-31 is after the planned end" in line
    assert relance(data_path, "edit", "mission", uid, "--ended-on", "").returncode == 0


def test_an_import_of_a_mission_ended_after_its_end_is_refused(data_path, tmp_path):
    repo = Repository(data_path, today=TODAY)
    export = repo.export()
    repo.close()
    export["missions"] = [{"uid": "m1", "client": "Acme", "start": "2026-10-01", "end": "2026-11-15",
                           "ended_on": "2026-12-31", "daily_rate": "600.00"}]
    (tmp_path / "export.json").write_text(json.dumps(export), encoding="utf-8")
    line = one_line_refusal(relance(data_path, "import", "json", str(tmp_path / "export.json")), status=2)
    assert "missions[0] ended_on: 2026-12-31 is after the planned end" in line


def test_the_form_and_the_dashboards_x_share_the_rule():
    assert ("end", "ended_on") in Mission.LINKED
    mission = Mission(client="Acme", start=TODAY, end=TODAY.replace(month=12))
    problem = linked_problems(Mission, {"ended_on": "2026-12-31"}, TODAY, base=mission)["ended_on"]
    assert problem == end_problem(mission, TODAY.replace(month=12, day=31)) == mission.end_problem(
        TODAY.replace(month=12, day=31))


# -- minor --------------------------------------------------------------------------------


def test_add_contact_help_names_the_circles_once(data_path):
    result = relance(data_path, "add", "contact", "--help")
    assert result.returncode == 0
    assert result.stdout.count("natural|pro") == 1, result.stdout  # (its labels, once)


def test_added_line_shows_a_line_break_as_backslash_n(data_path):
    add(data_path, "contact", "--name", "Zoé")
    result = relance(data_path, "add", "interaction", "--contact", "Zoé", "--date", "today", "--summary", "s1\ns2")
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("Added an interaction: 2026-11-27 other: s1\\ns2 (")
    assert len(result.stderr.strip().splitlines()) == 1


def test_list_names_a_reference_column_for_its_record_and_shows_an_early_end(data_path):
    mission = add(data_path, "mission", "--client", "Acme", "--title", "Audit", "--start", "2026-10-01",
                  "--end", "2027-01-15", "--ended-on", "2026-12-01", "--daily-rate", "600")
    repo = Repository(data_path, today=TODAY)
    repo.add("review", {"mission_uid": mission, "created": "2026-12-02"})
    repo.close()
    header, row = relance(data_path, "list", "reviews").stdout.splitlines()
    assert header.split()[:2] == ["uid", "mission"] and "Audit" in row
    header, row = relance(data_path, "list", "missions").stdout.splitlines()
    assert "ended_on" in header.split() and "2026-12-01" in row


def test_a_refused_reference_is_named_by_the_option_typed(data_path):
    line = one_line_refusal(relance(data_path, "add", "interaction", "--contact", "", "--date", "today"), status=2)
    assert "--contact:" in line and "--contact-uid" not in line


def test_a_number_of_days_with_a_thousands_comma_is_refused_too(data_path):
    """Not only amounts: "1,500" estimated days was stored as 1.5, silently."""
    before_add = relance(data_path, "add", "contact", "--name", "Zoé")
    assert before_add.returncode == 0
    before = data_path.read_bytes()
    line = one_line_refusal(relance(data_path, "add", "opportunity", "--title", "Audit", "--daily-rate", "650",
                                    "--estimated-days", "1,500"), status=2)
    assert "1,500 is ambiguous" in line
    unchanged(data_path, before)
    kept = relance(data_path, "add", "opportunity", "--title", "Audit", "--daily-rate", "650", "--estimated-days", "1,5")
    assert kept.returncode == 0, kept.stderr
    [opportunity] = json.loads(data_path.read_text())["opportunities"].values()
    assert opportunity["estimated_days"] == "1.5"
