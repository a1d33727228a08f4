"""Data files for the revenue-gap tests, each telling one situation (today: 2026-11-27)."""

from __future__ import annotations

from pathlib import Path

from store.repository import Repository

TODAY_ISO = "2026-11-27"


def _base(path: Path, today) -> Repository:
    repo = Repository(path, today=today)
    repo.set_settings({"target_monthly": "10000", "daily_rate": "650"})
    return repo


def covered(path: Path, today) -> Repository:
    """A long mission at 700 a day: every month of the horizon above the 10 000 target."""
    repo = _base(path, today)
    repo.add("mission", {"client": "Hydra Énergie", "title": "PMO", "source": "prospecting",
                         "start": "2026-11-02", "end": "2027-06-30", "daily_rate": "700"})
    repo.add("mission", {"client": "Old friend", "source": "natural", "start": "2026-03-02",
                         "end": "2026-06-30", "daily_rate": "600"})
    repo.add("opportunity", {"title": "Extension", "stage": "proposal", "daily_rate": "700",
                             "estimated_days": "10", "expected_start": "2027-02-01"})
    return repo


def cliff_in_month_3(path: Path, today) -> Repository:
    """A mission ending in December; two quick wins make the lead time 20 days,
    so the deadline (12 December) is still ahead; a proposal weighs on January."""
    repo = _base(path, today)
    repo.add("mission", {"client": "Meridia", "title": "Migration ERP", "source": "natural",
                         "start": "2026-10-05", "end": "2026-12-31", "daily_rate": "650"})
    for first, closed in (("2026-01-05", "2026-01-25"), ("2026-05-04", "2026-05-24")):
        repo.add("opportunity", {"title": f"Won {first}", "stage": "won", "first_contact": first, "closed": closed})
    repo.add("opportunity", {"title": "Schéma directeur", "stage": "proposal", "daily_rate": "700",
                             "estimated_days": "12", "expected_start": "2027-01-11"})
    return repo


def deadline_passed(path: Path, today) -> Repository:
    """A mission ending in November: short from December, and with the default six
    months of lead time the prospecting should have started in June."""
    repo = _base(path, today)
    repo.add("mission", {"client": "Meridia", "title": "Audit", "source": "natural",
                         "start": "2026-09-01", "end": "2026-11-30", "daily_rate": "650"})
    repo.add("opportunity", {"title": "Fast close", "stage": "meeting", "daily_rate": "680",
                             "estimated_days": "20", "expected_start": "2027-02-01"})
    return repo


SCENARIOS = {"covered": covered, "cliff_in_month_3": cliff_in_month_3, "deadline_passed": deadline_passed}
