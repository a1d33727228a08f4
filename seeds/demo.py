"""The demo data: the article's story, with dates relative to today.

A consultant whose main mission, found through the natural network, ends in
about six weeks; an earlier short mission ended without its review, and the first
one, over a year ago, was reviewed (a recommendation still to ask); about 40
contacts, most of them from the natural network; four micro-targets, one with
nothing in it; a thin pipeline; a few follow-ups overdue; a week of holidays
planned after the main mission.

    python -m seeds.demo -o demo.json          # an export file (relance import json)
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import date, timedelta
from typing import Any

from store.dates import add_months
from store.layout import SCHEMA

from .names import COMPANY_HEAD, COMPANY_TAIL, FIRST, LAST, ROLES


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_demo(today: date, seed: int = 7) -> dict[str, Any]:
    """An export document (docs/DATA.md, "The export format") telling the article's story."""
    rng = random.Random(seed)
    iso = date.isoformat

    def days(n: int) -> str:
        return iso(today + timedelta(days=n))

    targets = [
        {
            "uid": _uid(rng), "name": "DSI de PME industrielles", "sector": "industrie",
            "company_size": "50-250", "decision_maker": "DSI",
            "need": "Remplacer un ERP vieillissant sans arrêter la production",
            "offer": "Cadrage et pilotage de migration ERP en 3 mois", "status": "active",
            "notes": "", "created": days(-120),
        },
        {
            "uid": _uid(rng), "name": "Directions financières d'ETI", "sector": "distribution",
            "company_size": "250-5000", "decision_maker": "DAF",
            "need": "Clôturer plus vite et fiabiliser le reporting", "offer": "", "status": "exploring",
            "notes": "", "created": days(-60),
        },
        {
            "uid": _uid(rng), "name": "Mutuelles : conformité DORA", "sector": "assurance",
            "company_size": "250-5000", "decision_maker": "Responsable conformité",
            "need": "Mettre en conformité la gestion des risques informatiques", "offer": "",
            "status": "exploring", "notes": "", "created": days(-30),
        },
        {
            "uid": _uid(rng), "name": "Collectivités : dématérialisation", "sector": "secteur public",
            "company_size": "", "decision_maker": "DGS",
            "need": "Dématérialiser les courriers et les actes", "offer": "", "status": "exploring",
            "notes": "Idée à creuser : rien encore dans le pipeline.", "created": days(-10),
        },
    ]
    erp, daf, dora, _empty = (t["uid"] for t in targets)

    contacts: list[dict[str, Any]] = []
    used: set[str] = set()

    def person() -> str:
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in used:
                used.add(name)
                return name

    def company() -> str:
        return f"{rng.choice(COMPANY_HEAD)} {rng.choice(COMPANY_TAIL)}"

    for index in range(40):
        natural = index < 28
        name = person()
        last = -rng.randint(5, 200)
        cadence = rng.choice([None, 30, 60, 90]) if natural else rng.choice([30, 45, 60])
        # follow-ups planned ahead; a few are made overdue below
        follow = rng.randint(2, 60) if cadence else None
        slug = name.lower().replace(" ", ".").replace("é", "e").replace("ë", "e").replace("è", "e").replace("ï", "i").replace("ç", "c")
        contacts.append(
            {
                "uid": _uid(rng), "name": name, "company": company(), "role": rng.choice(ROLES),
                "email": f"{slug}@example.com" if rng.random() < 0.7 else "",
                "phone": "", "url": "", "circle": "natural" if natural else "professional",
                "tags": ["ancien collègue"] if natural and index % 3 == 0 else ([] if natural else ["prospection"]),
                "target_uids": [] if natural else [[erp, daf, dora][index % 3]],
                "referred_by": None, "last_contact": days(last),
                "next_follow_up": days(follow) if follow is not None else None,
                "cadence_days": cadence, "notes": "", "created": days(-rng.randint(200, 900)),
            }
        )
    # the sponsor of the current mission: a former colleague
    sponsor = contacts[0]
    sponsor.update(name="Camille Fournier", company="Meridia Assurances", role="DSI",
                   email="camille.fournier@example.com", tags=["ancien collègue", "client"],
                   last_contact=days(-9), next_follow_up=days(5), cadence_days=14)
    # a few follow-ups overdue, one of them by far
    for contact, late in zip(contacts[1:5], (3, 12, 25, 47)):
        contact["next_follow_up"] = days(-late)
        contact["cadence_days"] = contact["cadence_days"] or 30
    # who introduced whom
    contacts[29]["referred_by"] = sponsor["uid"]
    contacts[30]["referred_by"] = contacts[2]["uid"]
    contacts[33]["referred_by"] = contacts[29]["uid"]

    start_main = _monday(add_months(today, -4)) + timedelta(days=7)
    end_main = today + timedelta(days=42)
    end_main -= timedelta(days=max(0, end_main.weekday() - 4))  # a Friday at the latest
    won_main = _uid(rng)
    won_early = _uid(rng)
    opportunities = [
        {
            "uid": won_main, "title": "Migration ERP Meridia", "organisation": "Meridia Assurances",
            "contact_uid": sponsor["uid"], "target_uid": erp, "stage": "won", "source": "réseau naturel",
            "daily_rate": "650.00", "estimated_days": "100", "expected_start": iso(start_main),
            "probability": None, "first_contact": iso(start_main - timedelta(days=35)),
            "closed": iso(start_main - timedelta(days=14)), "lost_reason": "", "next_action": "",
            "next_action_date": None, "notes": "",
        },
        {
            "uid": won_early, "title": "Audit SI express", "organisation": contacts[5]["company"],
            "contact_uid": contacts[5]["uid"], "target_uid": None, "stage": "won", "source": "réseau naturel",
            "daily_rate": "600.00", "estimated_days": "12", "expected_start": days(-200),
            "probability": None, "first_contact": None, "closed": days(-205), "lost_reason": "",
            "next_action": "", "next_action_date": None, "notes": "Un ancien collègue a appelé : pas de prospection.",
        },
        {
            "uid": _uid(rng), "title": "Schéma directeur SI", "organisation": contacts[30]["company"],
            "contact_uid": contacts[30]["uid"], "target_uid": erp, "stage": "proposal", "source": "recommandation",
            "daily_rate": "700.00", "estimated_days": "30", "expected_start": days(75),
            "probability": None, "first_contact": days(-40), "closed": None, "lost_reason": "",
            "next_action": "Relancer sur la proposition", "next_action_date": days(-2), "notes": "",
        },
        {
            "uid": _uid(rng), "title": "Fast close T1", "organisation": contacts[31]["company"],
            "contact_uid": contacts[31]["uid"], "target_uid": daf, "stage": "meeting", "source": "prospection",
            "daily_rate": "680.00", "estimated_days": "20", "expected_start": days(100),
            "probability": None, "first_contact": days(-15), "closed": None, "lost_reason": "",
            "next_action": "Préparer le 2e rendez-vous", "next_action_date": days(6), "notes": "",
        },
        {
            "uid": _uid(rng), "title": "Cartographie des risques IT", "organisation": contacts[32]["company"],
            "contact_uid": contacts[32]["uid"], "target_uid": dora, "stage": "identified", "source": "salon",
            "daily_rate": None, "estimated_days": None, "expected_start": None, "probability": None,
            "first_contact": days(-5), "closed": None, "lost_reason": "", "next_action": "Premier appel",
            "next_action_date": days(3), "notes": "",
        },
        {
            "uid": _uid(rng), "title": "Reprise de données ERP", "organisation": contacts[34]["company"],
            "contact_uid": contacts[34]["uid"], "target_uid": erp, "stage": "lost", "source": "prospection",
            "daily_rate": "650.00", "estimated_days": "25", "expected_start": None, "probability": None,
            "first_contact": days(-90), "closed": days(-50), "lost_reason": "Budget gelé", "next_action": "",
            "next_action_date": None, "notes": "",
        },
    ]
    missions = [
        {
            "uid": _uid(rng), "title": "Audit SI express", "client": contacts[5]["company"],
            "contact_uid": contacts[5]["uid"], "target_uid": None, "opportunity_uid": won_early,
            "source": "natural", "start": days(-200), "end": days(-184), "daily_rate": "600.00",
            "days_per_week": "5", "total_days": "12", "sold_as": "Audit de l'infrastructure",
            "ended_on": None, "review_uid": None, "notes": "",
        },
        {
            "uid": _uid(rng), "title": "Migration ERP", "client": "Meridia Assurances",
            "contact_uid": sponsor["uid"], "target_uid": erp, "opportunity_uid": won_main,
            "source": "natural", "start": iso(start_main), "end": iso(end_main), "daily_rate": "650.00",
            "days_per_week": "4", "total_days": None, "sold_as": "Pilotage de la migration ERP",
            "ended_on": None, "review_uid": None, "notes": "",
        },
    ]
    kinds = ("call", "meeting", "email", "message", "event")
    interactions = []
    for contact in contacts[:16]:
        interactions.append(
            {
                "uid": _uid(rng), "contact_uid": contact["uid"], "opportunity_uid": None,
                "date": contact["last_contact"], "kind": rng.choice(kinds),
                "summary": rng.choice(["Café", "Point d'étape", "Échange sur ses projets", "Déjeuner", "Appel rapide"]),
            }
        )
    # a week off after the main mission: the forecast leaves its working days out of the
    # days still free (a week in February when the story is told in late November)
    off_start = _monday(today) + timedelta(weeks=11)
    time_off = [{"uid": _uid(rng), "start": iso(off_start), "end": iso(off_start + timedelta(days=4)),
                 "note": "Vacances en famille"}]
    # the first mission, over a year ago, from the natural network too, reviewed: the review
    # named two people to ask for a recommendation, and only one was asked (the "who to
    # contact now" list shows the other). Made last: the values drawn before stay the same.
    first_mission, first_review = _uid(rng), _uid(rng)
    colleague, asked = contacts[7], contacts[8]
    missions.append(
        {
            "uid": first_mission, "title": "Pilotage de projets", "client": colleague["company"],
            "contact_uid": colleague["uid"], "target_uid": None, "opportunity_uid": None,
            "source": "natural", "start": days(-430), "end": days(-340), "daily_rate": "550.00",
            "days_per_week": "5", "total_days": None, "sold_as": "Un chef de projet en renfort",
            "ended_on": None, "review_uid": first_review, "notes": "",
        }
    )
    reviews = [
        {
            "uid": first_review, "mission_uid": first_mission, "created": days(-338), "completed": days(-336),
            "actually_bought": "Un regard extérieur sur le portefeuille de projets",
            "sold_as": "Un chef de projet en renfort", "target_uid": None, "expertise": "", "adjacent": [],
            "recommendations": [{"contact_uid": colleague["uid"], "status": "to-ask"},
                                {"contact_uid": asked["uid"], "status": "asked"}],
            "next_steps": "", "draft": None,
        }
    ]
    settings = {
        "currency": "EUR", "target_monthly": "10000.00", "daily_rate": "650.00", "country": "FR",
        "subdivision": None, "horizon_months": 6, "default_lead_time_days": 180, "fee_rate": "0.08",
        "net_share": "0.50", "theme": "relance-dark", "language": "",
    }
    return {
        "format": "relance", "schema": SCHEMA, "settings": settings, "contacts": contacts,
        "targets": targets, "opportunities": opportunities, "missions": missions,
        "interactions": interactions, "reviews": reviews, "time_off": time_off,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seeds.demo", description="Write the demo data as an export file.")
    parser.add_argument("-o", "--output", default="-", help="file to write (default: standard output)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="date the story is told from")
    args = parser.parse_args(argv)
    payload = json.dumps(build_demo(args.today or date.today()), ensure_ascii=False, indent=1)
    if args.output == "-":
        sys.stdout.write(payload + "\n")
    else:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(payload + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
