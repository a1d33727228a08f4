"""Large synthetic datasets for benchmarks, in the export format.

    python -m seeds.synthetic --contacts 10000 -o big.json
    relance --data big-data.json import json big.json

Per 100 contacts: 1 micro-target, 5 opportunities, 0.5 mission and 200
interactions' worth of history scaled down to 2 per contact.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import uuid
from datetime import date, timedelta
from typing import Any

from store.models import INTERACTION_KINDS, STAGES
from store.layout import SCHEMA

from .names import COMPANY_HEAD, COMPANY_TAIL, FIRST, LAST, ROLES, SECTORS


def build_synthetic(contacts: int, today: date, seed: int = 1) -> dict[str, Any]:
    rng = random.Random(seed)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    n_targets = max(3, contacts // 100)
    n_opps = max(5, contacts // 20)
    n_missions = max(2, contacts // 200)
    n_interactions = contacts * 2

    targets = [
        {
            "uid": uid(), "name": f"Cible {i + 1} : {rng.choice(SECTORS)}", "sector": rng.choice(SECTORS),
            "company_size": rng.choice(["10-50", "50-250", "250-5000"]), "decision_maker": rng.choice(ROLES),
            "need": "Besoin n°%d" % (i + 1), "offer": "", "status": rng.choice(["exploring", "active", "paused"]),
            "notes": "", "created": day(-rng.randint(0, 700)),
        }
        for i in range(n_targets)
    ]
    people = []
    for i in range(contacts):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        natural = rng.random() < 0.3
        last_contact = -rng.randint(0, 700)
        cadence = rng.choice([None, 30, 60, 90, 180])
        people.append(
            {
                "uid": uid(), "name": f"{first} {last} {i}", "company": f"{rng.choice(COMPANY_HEAD)} {rng.choice(COMPANY_TAIL)}",
                "role": rng.choice(ROLES), "email": f"c{i}@example.com" if rng.random() < 0.3 else "",
                "phone": "", "url": f"https://www.linkedin.com/in/c{i}" if rng.random() < 0.8 else "",
                "circle": "natural" if natural else "professional",
                "tags": rng.sample(["linkedin", "salon", "ancien collègue", "client", "partenaire"], k=rng.randint(0, 2)),
                "target_uids": [rng.choice(targets)["uid"]] if not natural and rng.random() < 0.5 else [],
                "referred_by": None, "last_contact": day(last_contact),
                "next_follow_up": day(last_contact + cadence) if cadence else None, "cadence_days": cadence,
                "notes": "", "created": day(-rng.randint(0, 2000)),
            }
        )
    for person in rng.sample(people, k=min(len(people), contacts // 20)):
        other = rng.choice(people)
        if other is not person:
            person["referred_by"] = other["uid"]
    opportunities = []
    for i in range(n_opps):
        stage = rng.choice(STAGES)
        first = -rng.randint(10, 600)
        closed = first + rng.randint(20, 200) if stage in ("won", "lost") else None
        opportunities.append(
            {
                "uid": uid(), "title": f"Opportunité {i + 1}", "organisation": f"{rng.choice(COMPANY_HEAD)} {rng.choice(COMPANY_TAIL)}",
                "contact_uid": rng.choice(people)["uid"], "target_uid": rng.choice(targets)["uid"], "stage": stage,
                "source": rng.choice(["prospection", "réseau naturel", "recommandation"]),
                "daily_rate": f"{rng.randint(45, 110) * 10}.00", "estimated_days": str(rng.randint(5, 120)),
                "expected_start": day(rng.randint(-30, 200)), "probability": None, "first_contact": day(first),
                "closed": day(min(closed, 0)) if closed is not None else None, "lost_reason": "",
                "next_action": "", "next_action_date": None, "notes": "",
            }
        )
    missions = []
    for i in range(n_missions):
        start = rng.randint(-700, 120)
        missions.append(
            {
                "uid": uid(), "title": f"Mission {i + 1}", "client": f"{rng.choice(COMPANY_HEAD)} {rng.choice(COMPANY_TAIL)}",
                "contact_uid": rng.choice(people)["uid"], "target_uid": rng.choice(targets)["uid"],
                "opportunity_uid": None, "source": rng.choice(["natural", "prospecting", "recommendation", "other"]),
                "start": day(start), "end": day(start + rng.randint(20, 250)),
                "daily_rate": f"{rng.randint(45, 110) * 10}.00", "days_per_week": str(rng.choice([3, 4, 5])),
                "total_days": None, "sold_as": "", "ended_on": None, "review_uid": None, "notes": "",
            }
        )
    interactions = [
        {
            "uid": uid(), "contact_uid": rng.choice(people)["uid"], "opportunity_uid": None,
            "date": day(-rng.randint(0, 700)), "kind": rng.choice(INTERACTION_KINDS), "summary": f"Échange {i}",
        }
        for i in range(n_interactions)
    ]
    settings = {
        "currency": "EUR", "target_monthly": "12000.00", "daily_rate": "650.00", "country": "FR",
        "subdivision": None, "horizon_months": 6, "default_lead_time_days": 180, "fee_rate": "0.08",
        "net_share": "0.50", "theme": "relance-dark", "language": "",
    }
    return {
        "format": "relance", "schema": SCHEMA, "settings": settings, "contacts": people, "targets": targets,
        "opportunities": opportunities, "missions": missions, "interactions": interactions, "reviews": [],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seeds.synthetic", description="Write a large synthetic export file.")
    parser.add_argument("--contacts", type=int, default=1000, help="number of contacts (default 1000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("-o", "--output", required=True, help="export file to write")
    args = parser.parse_args(argv)
    if args.contacts < 1:
        parser.error("--contacts must be at least 1")
    payload = build_synthetic(args.contacts, args.today or date.today(), args.seed)
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False)
    print(f"{args.output}: {args.contacts} contacts, {len(payload['opportunities'])} opportunities, "
          f"{len(payload['missions'])} missions, {len(payload['interactions'])} interactions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
