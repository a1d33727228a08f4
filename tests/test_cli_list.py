"""``relance list KIND FILTER`` (issue 20, point 4): the records the dashboard's ``/``
finds, by the one rule of ``store.rules.search_text``, and the missions' source shown."""

from __future__ import annotations

import pytest

from store.repository import Repository
from tui.app import make_app

from .conftest import TODAY, run_relance
from .test_dashboard import pane, settle, type_text


@pytest.fixture
def people(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.add("contact", {"name": "Zoé Durand", "company": "Orée Agro", "tags": ["salon"]})
    repo.add("contact", {"name": "Paul Roux", "company": "Acme", "notes": "met at the salon in May"})
    repo.add("contact", {"name": "Anne Leroy", "company": "Acme", "email": "anne@acme.example"})
    repo.add("mission", {"client": "Acme", "daily_rate": "600", "start": "2027-01-04", "end": "2027-03-31",
                         "source": "recommendation"})
    return data_path


def names(output: str) -> list[str]:
    return [line.split("  ")[1].strip() for line in output.splitlines()[1:]]


def test_list_takes_a_filter_looked_for_in_every_searched_field(people):
    assert names(run_relance("--data", str(people), "list", "contacts", "SALON").stdout) == ["Paul Roux", "Zoé Durand"]
    assert names(run_relance("--data", str(people), "list", "contacts", "acme.example").stdout) == ["Anne Leroy"]
    empty = run_relance("--data", str(people), "list", "contacts", "nobody")
    assert empty.returncode == 0 and empty.stdout.splitlines()[-1] == "(no contact contains 'nobody')"
    assert len(run_relance("--data", str(people), "list", "contacts").stdout.splitlines()) == 4  # (no filter: all)


def test_the_missions_source_is_listed(people):
    header, row = run_relance("--data", str(people), "list", "missions").stdout.splitlines()
    assert header.split()[:4] == ["uid", "client", "title", "source"] and "recommendation" in row.split()


async def test_the_dashboard_filter_finds_what_the_command_finds(people):
    listed = names(run_relance("--data", str(people), "list", "contacts", "salon").stdout)
    app = make_app(Repository(people, today=TODAY), offer_reviews=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "slash")
        await settle(pilot)
        await type_text(pilot, "salon")
        await settle(pilot)
        shown = sorted(record.name for record in pane(app, "network").records())
    assert shown == sorted(listed) == ["Paul Roux", "Zoé Durand"]
