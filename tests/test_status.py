"""``relance status`` and ``relance settings``, run as real child processes."""

from __future__ import annotations

import json

from seeds.demo import build_demo
from store.repository import Repository

from .conftest import TODAY, run_relance


def demo_file(data_path):
    repo = Repository(data_path, today=TODAY)
    repo.import_data(build_demo(TODAY))
    repo.close()
    return str(data_path)


def status(data_path, *args, env=None):
    return run_relance("--data", str(data_path), "--today", TODAY.isoformat(), "status", *args,
                       env={"COLUMNS": "80", "NO_COLOR": "1", **(env or {})})


def test_status_prints_the_bars_the_cliff_the_deadline_and_the_follow_ups(data_path):
    result = status(demo_file(data_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("relance — 27 November 2026")
    bars = [line for line in lines if line[:8] in ("Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027", "Mar 2027", "Apr 2027")]
    assert len(bars) == 6
    assert all(len(line) <= 80 for line in lines)
    january = next(line for line in bars if line.startswith("Jan 2027"))
    assert "█" in january and "░" in january and "│" in january and january.rstrip().endswith("EUR")
    assert "▒" in next(line for line in bars if line.startswith("Mar 2027"))  # the weighted pipeline
    text = " ".join(result.stdout.split())
    assert "Income falls short in January 2027" in text
    assert "Start prospecting by 5 July 2026 — 145 days late." in text
    assert "4 follow-ups due" in text and "Nathan Garcia 47 days late" in text


def test_status_short_is_one_line(data_path):
    result = status(demo_file(data_path), "--short")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("relance · income short from Jan 2027 (26\u202f%) · "
                             "prospect by 5 July 2026, 145 days late · 0/4 leads this week · 4 follow-ups due\n")


def test_status_json_months_and_today_are_honoured(data_path):
    path = demo_file(data_path)
    doc = json.loads(status(path, "--json", "--months", "3").stdout)
    assert [m["month"] for m in doc["months"]] == ["2026-11", "2026-12", "2027-01"]
    assert doc["today"] == "2026-11-27" and doc["cliff_month"] == "2027-01"
    assert doc["months"][2]["gap"] == "7400.00" and doc["months"][2]["coverage"] == 0.26
    assert doc["prospecting_deadline"] == "2026-07-05" and doc["late_by_days"] == 145
    assert doc["lead_time_source"] == "default" and doc["natural_network_share"] == 1.0
    assert len(doc["follow_ups_due"]) == 4 and doc["follow_ups_due"][0]["next_follow_up"] == "2026-10-11"
    # another day: by 12 December the four follow-ups are later, the deadline too
    later = json.loads(run_relance("--data", path, "status", "--json", "--today", "2026-12-12").stdout)
    assert later["today"] == "2026-12-12" and later["months"][0]["month"] == "2026-12"
    assert later["late_by_days"] == 160


def test_status_without_a_target_says_how_to_set_one(data_path):
    run_relance("--data", str(data_path), "add", "mission", "--client", "Acme", "--start", "2026-11-02",
                "--end", "2027-02-26", "--daily-rate", "600")
    result = status(data_path)
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "No monthly target is set" in text and "relance settings --target-monthly" in text
    doc = json.loads(status(data_path, "--json").stdout)
    assert doc["target_monthly"] is None and doc["cliff_month"] is None and doc["prospecting_deadline"] is None
    assert doc["months"][1] == {"month": "2026-12", "working_days": 22, "billable_days": 22.0, "secured": "13200.00",
                                "pipeline_weighted": "0.00", "target": None, "gap": None, "coverage": None,
                                "time_off_days": 0}
    assert "no monthly target set" in status(data_path, "--short").stdout


def test_status_on_a_new_file_works_and_writes_nothing(data_path):
    result = status(data_path, "--short")
    assert result.returncode == 0, result.stderr
    assert "0 follow-ups due" in result.stdout
    assert not data_path.exists()


def test_status_rejects_a_bad_months_value(data_path):
    for bad in ("0", "37", "six"):
        result = status(data_path, "--months", bad)
        assert result.returncode == 2
        assert "--months" in result.stderr and "1 to 36" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_settings_then_status_follows_them(data_path):
    path = demo_file(data_path)
    result = run_relance("--data", path, "settings", "--target-monthly", "15000", "--subdivision", "57")
    assert result.returncode == 0, result.stderr
    shown = dict(line.split(None, 1) for line in result.stdout.splitlines() if len(line.split()) == 2)
    assert (shown["target-monthly"], shown["subdivision"], shown["country"]) == ("15000.00", "57", "FR")
    settings = Repository(data_path).settings()
    assert str(settings.target_monthly) == "15000.00" and settings.subdivision == "57"
    doc = json.loads(status(path, "--json").stdout)
    assert doc["target_monthly"] == "15000.00" and doc["cliff_month"] == "2026-11"


def test_settings_refuses_bad_values_and_changes_nothing(data_path):
    path = demo_file(data_path)
    before = data_path.read_bytes()
    for flag, value, words in (("--target-monthly", "lots", "--target-monthly"),
                               ("--country", "XX", "XX is not a country"),
                               ("--subdivision", "99", "99 is not a subdivision of FR"),
                               ("--horizon-months", "0", "--horizon-months")):
        result = run_relance("--data", path, "settings", flag, value)
        assert result.returncode == 2, (flag, result.stdout)
        assert words in result.stderr
    assert data_path.read_bytes() == before
