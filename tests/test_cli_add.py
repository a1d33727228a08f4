"""``relance add`` from the shell (issue 20, points 3, 5, 6): the same record twice is
refused, the defaults are said, a mission's daily rate comes from the settings.

Run as a real child process on a real data file, like ``test_cli.py``."""

from __future__ import annotations

import json
import re

import pytest

from store.repository import Repository

from .conftest import run_relance

MISSION = ("add", "mission", "--client", "Acme", "--start", "2027-01-04", "--end", "2027-03-31")


def relance(data_path, *args):
    return run_relance("--data", str(data_path), *args)


def count(data_path, kind: str) -> int:
    return len(Repository(data_path).list(kind))


def test_the_same_mission_twice_is_refused_naming_the_first(data_path):
    first = relance(data_path, *MISSION, "--daily-rate", "650", "--source", "natural")
    assert first.returncode == 0, first.stderr
    uid = first.stdout.strip()
    before = data_path.read_bytes()
    # the same values, written differently (650.00 for 650, the source's case): the same mission
    again = relance(data_path, *MISSION, "--daily-rate", "650.00", "--source", "Natural")
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr == (f"relance: Mission 'Acme' ({uid[:8]}) is already there with the same values in every "
                            "field: nothing was added (--force adds it again).\n")
    assert data_path.read_bytes() == before
    assert count(data_path, "mission") == 1


def test_force_adds_the_same_record_again(data_path):
    assert relance(data_path, "add", "contact", "--name", "Zoé Durand").returncode == 0
    forced = relance(data_path, "add", "contact", "--name", "Zoé Durand", "--force")
    assert forced.returncode == 0, forced.stderr
    assert re.fullmatch(r"[0-9a-f-]{36}\n", forced.stdout)
    assert count(data_path, "contact") == 2


@pytest.mark.parametrize("other", [
    ("--company", "Acme"),          # a field the first one leaves empty
    ("--name", "zoé durand"),        # texts are compared as they are, case included
    ("--circle", "professional"),   # a field left out is compared as its default
])
def test_a_record_that_differs_in_one_field_is_added(data_path, other):
    assert relance(data_path, "add", "contact", "--name", "Zoé Durand").returncode == 0
    args = ["add", "contact", "--name", "Zoé Durand", *other]
    assert relance(data_path, *args).returncode == 0
    assert count(data_path, "contact") == 2


def test_the_date_of_creation_is_not_compared(data_path):
    """Added again the next day, the same contact is still the same contact."""
    assert relance(data_path, "--today", "2026-11-27", "add", "contact", "--name", "Zoé").returncode == 0
    again = relance(data_path, "--today", "2026-11-28", "add", "contact", "--name", "Zoé")
    assert again.returncode == 1 and "'Zoé'" in again.stderr


def test_the_same_interaction_twice_is_refused(data_path):
    relance(data_path, "add", "contact", "--name", "Zoé Durand")
    log = ("--today", "2026-11-27", "add", "interaction", "--contact", "Zoé", "--date", "today", "--kind", "call",
           "--summary", "Café")
    assert relance(data_path, *log).returncode == 0
    again = relance(data_path, *log)
    assert again.returncode == 1 and "'2026-11-27 call: Café'" in again.stderr
    assert count(data_path, "interaction") == 1


def test_the_defaults_are_stated_in_help():
    mission = " ".join(run_relance("add", "mission", "--help").stdout.split())
    assert "--source VALUE natural|prospecting|recommendation|other; default: other" in mission
    assert "--days-per-week VALUE days per week, up to 5; default: 5" in mission
    assert "--daily-rate VALUE required, unless the settings hold a usual one (relance settings --daily-rate)" in mission
    contact = " ".join(run_relance("add", "contact", "--help").stdout.split())
    assert "default: natural" in contact and "required; natural" not in contact
    assert "--force" in contact


def test_the_defaults_are_said_on_stderr_and_the_uid_alone_on_stdout(data_path):
    added = relance(data_path, *MISSION, "--daily-rate", "650")
    assert added.returncode == 0, added.stderr
    uid = added.stdout.strip()
    assert added.stdout == uid + "\n"
    assert added.stderr == (f"Added a mission: Acme ({uid[:8]}). --source: other, the default (one of natural, "
                            "prospecting, recommendation, other). --days-per-week: 5, the default.\n")
    contact = relance(data_path, "add", "contact", "--name", "Zoé")
    assert "--circle: natural, the default (one of natural, pro)." in contact.stderr
    given = relance(data_path, "add", "contact", "--name", "Anne", "--circle", "professional")
    assert given.stderr == f"Added a contact: Anne ({given.stdout.strip()[:8]}).\n"


def test_a_mission_without_daily_rate_takes_the_usual_one(data_path):
    assert relance(data_path, "settings", "--daily-rate", "650").returncode == 0
    added = relance(data_path, *MISSION, "--source", "natural")
    assert added.returncode == 0, added.stderr
    assert "--daily-rate: 650.00, your usual one from the settings (relance settings --daily-rate)." in added.stderr
    stored = json.loads(data_path.read_text())["missions"]
    assert [doc["daily_rate"] for doc in stored.values()] == ["650.00"]
    # a rate given wins, and nothing is said of the settings
    given = relance(data_path, *MISSION, "--source", "natural", "--daily-rate", "700")
    assert given.returncode == 0 and "settings" not in given.stderr


def test_a_mission_without_daily_rate_nor_usual_one_names_both_ways(data_path):
    refused = relance(data_path, *MISSION, "--source", "natural")
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == ("relance add mission: error: --daily-rate: is required when the settings hold no usual "
                              "one: give --daily-rate, or set it once with relance settings --daily-rate.\n")
    assert not data_path.exists() or count(data_path, "mission") == 0
