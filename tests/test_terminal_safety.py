"""Text from outside (a form, the CLI, an imported file, a data file another program wrote)
never carries a terminal command: control characters are cleaned out of every text field
before it is stored or shown. A name such as "Evil\\x1b]0;title\\x07" set the terminal's
title when the dashboard or ``relance list`` showed it."""

from __future__ import annotations

import json
import os

import pytest

from store.fields import clean_text
from store.repository import Repository
from tui.app import make_app

from .conftest import TODAY, run_relance
from .test_dashboard import settle

EVIL = "Evil\x1b]0;pwned\x07 \x1b[31mRed\x1b[0m\x9b2J Name"
SEEN = "Evil]0;pwned [31mRed[0m2J Name"  # what is left: the commands' printable letters, harmless


@pytest.mark.parametrize("text,multiline,cleaned", [
    (EVIL, False, SEEN),
    ("Tab\tName", False, "Tab Name"),
    ("two\r\nlines\rhere\u2028too", False, "two lines here too"),
    ("two\r\nlines\tand a tab\x00", True, "two\nlines\tand a tab"),
    ("Zoé 王小明 🎉 a\u00a0b 👨\u200d👩\u200d👧", False, "Zoé 王小明 🎉 a\u00a0b 👨\u200d👩\u200d👧"),  # left as it is
])
def test_control_characters_are_cleaned_out(text, multiline, cleaned):
    assert clean_text(text, multiline) == cleaned


def test_every_way_in_stores_clean_text(data_path, tmp_path):
    """The CLI, the repository (forms), an imported CSV."""
    assert run_relance("--data", str(data_path), "add", "contact", "--name", EVIL, "--company", "Acme\tSA",
                       "--tags", "a\x1bb,c").returncode == 0
    source = tmp_path / "contacts.csv"
    source.write_text(f"Name,Company,Notes\nCsv {EVIL},Boîte,\"line one\r\nline\x1b two\"\n", encoding="utf-8")
    assert run_relance("--data", str(data_path), "import", "csv", str(source)).returncode == 0
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Form\x07 Typed", "notes": "kept\nlines\x1b"})
    stored = json.loads(data_path.read_text(encoding="utf-8"))["contacts"].values()
    by_name = {d["name"]: d for d in stored}
    assert set(by_name) == {SEEN, "Csv " + SEEN, "Form Typed"}
    assert by_name[SEEN]["company"] == "Acme SA" and by_name[SEEN]["tags"] == ["ab", "c"]
    assert by_name["Csv " + SEEN]["notes"] == "line one\nline two"
    assert by_name["Form Typed"]["notes"] == "kept\nlines"


def _file_written_elsewhere(data_path) -> None:
    """A data file another program wrote, control characters and all (JSON escapes them)."""
    repo = Repository(data_path, today=TODAY)
    contact = repo.add("contact", {"name": "placeholder", "next_follow_up": "2026-11-20"})
    repo.close()
    data = json.loads(data_path.read_text(encoding="utf-8"))
    [doc] = data["contacts"].values()
    doc.update(name=EVIL, company="Co\x1b[2J", notes="a\r\nb\x1b")
    data_path.write_text(json.dumps(data), encoding="utf-8")
    os.chmod(data_path, 0o600)
    return contact.uid


def test_a_data_file_holding_control_characters_shows_none(data_path):
    uid = _file_written_elsewhere(data_path)
    repo = Repository(data_path, today=TODAY)
    contact = repo.get("contact", uid)
    assert (contact.name, contact.company, contact.notes) == (SEEN, "Co[2J", "a\nb")
    for args in (["list", "contacts"], ["status"], ["list", "contacts", "--json"]):
        result = run_relance("--data", str(data_path), "--today", TODAY.isoformat(), *args)
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\x9b" not in result.stdout, args
        assert "Evil]0;pwned" in result.stdout, args


async def test_the_dashboard_shows_no_control_character(data_path):
    uid = _file_written_elsewhere(data_path)
    app = make_app(Repository(data_path, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        network = app.dashboard.pane("network")
        row = [getattr(cell, "plain", cell) for cell in network.table.get_row_at(0)]
        assert row[0] == SEEN and row[2] == "Co[2J"
        await pilot.press("enter")
        await settle(pilot)
        shown = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert SEEN in shown and "\x1b" not in shown
    assert Repository(data_path, today=TODAY).get("contact", uid).name == SEEN


def test_a_uid_holding_a_control_character_is_a_damaged_record(data_path):
    """A uid cannot be cleaned (the links to it would break): the record is refused."""
    _file_written_elsewhere(data_path)
    data = json.loads(data_path.read_text(encoding="utf-8"))
    next(iter(data["contacts"].values()))["uid"] = "abc\x1b]0;x\x07"
    data_path.write_text(json.dumps(data), encoding="utf-8")
    result = run_relance("--data", str(data_path), "list", "contacts")
    assert result.returncode == 1 and "uid: holds a control character" in result.stderr
    assert "\x1b" not in result.stderr


def test_a_review_draft_holds_no_control_character():
    """A draft's answers are shown again in the review's fields."""
    from store.models import Review

    review = Review.from_doc({"uid": "r1", "mission_uid": "0f0f0f0f-0000-4000-8000-000000000001", "draft": {
        "step": 2, "actually_bought": "an audit\x1b]0;x\x07", "adjacent": [{"organisation": "Acme\x1b[2J"}]}}, TODAY)
    assert review.draft == {"step": 2, "actually_bought": "an audit]0;x", "adjacent": [{"organisation": "Acme[2J"}]}
