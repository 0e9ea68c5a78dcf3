"""Demo screenings: the demo cadre fills the early-warning checklist for children in the home regency's
villages (some positive, which files reports to the home UPTD PPA), and the demo case worker screens a few
of their open cases for child labour and forced labour (positive results open assessment tasks).

Everything goes through the real services, so the demo shows exactly what a person would see."""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction

from sigap.cases.models import Case, CaseStatus
from sigap.people.models import User
from sigap.regions.models import Level, Region
from sigap.screening import services
from sigap.screening.models import Screening

KEY = "demo-screening-"
EARLY_WARNING_SIGNS = (
    "out_of_school",
    "works",
    "street",
    "apart_from_parents",
    "extreme_poverty",
    "parent_abroad",
    "online_strangers",
    "job_offer_far",
    "earlier_harm",
)
# How often each sign is present among the children a cadre chooses to screen.
SIGN_RATE = {"out_of_school": 0.3, "works": 0.3, "extreme_poverty": 0.5, "parent_abroad": 0.15}


def _early_warning_answers(rng: random.Random) -> dict[str, str]:
    answers = {s: ("yes" if rng.random() < SIGN_RATE.get(s, 0.08) else "no") for s in EARLY_WARNING_SIGNS}
    if answers["works"] == "yes":
        answers["works_far_from_home"] = "yes" if rng.random() < 0.3 else "no"
    return answers


def _child_labour_answers(rng: random.Random, age: int) -> dict[str, Any]:
    hours = rng.choice([6, 12, 18, 25, 35, 45])
    return {
        "age": age,
        "works": "yes",
        "weekly_hours": hours,
        "daily_hours": min(12, round(hours / 6, 1)),
        "night_work": "yes" if rng.random() < 0.2 else "no",
        "school_hours": "yes" if rng.random() < 0.3 else "no",
        "hazards": rng.choice(["none", "none", "heavy_loads", "extreme_conditions"]),
        "worst_forms": "none",
    }


def seed(seed: int, stdout: Any = None) -> dict[str, int]:
    rng = random.Random(seed ^ 0x5C2)
    users = {u.username: u for u in User.objects.filter(username__in=["kader", "pekerja"])}
    cadre, worker = users.get("kader"), users.get("pekerja")
    made = 0
    if cadre is not None and worker is not None and worker.organisation and worker.organisation.jurisdiction_id:
        regency = worker.organisation.jurisdiction_id
        villages = list(
            Region.objects.filter(level=Level.VILLAGE, code__startswith=regency + ".").order_by("code")[:400]
        )
        names = [c.child.name.split()[0] for c in Case.objects.filter(worker=worker).select_related("child")[:60]]
        for n in range(24 if villages else 0):
            with transaction.atomic():
                services.record_screening(
                    cadre,
                    "early_warning",
                    _early_warning_answers(rng),
                    idempotency_key=f"{KEY}ew-{n}",
                    subject=services.Subject(
                        name=rng.choice(names or ["Anak"]) + f" ({rng.choice('ABCDEFGH')}.)",
                        age=rng.randint(8, 17),
                        sex=rng.choice("MF"),
                        region=rng.choice(villages),
                    ),
                )
            made += 1
    if worker is not None:
        open_cases = list(
            Case.objects.filter(worker=worker, status=CaseStatus.ASSESSMENT).select_related("child").order_by("pk")[:6]
        )
        for n, case in enumerate(open_cases):
            age = case.child.age() or 13
            if not 5 <= age <= 17:
                continue
            with transaction.atomic():
                if n % 2 == 0:
                    services.record_screening(
                        worker,
                        "child_labour",
                        _child_labour_answers(rng, age),
                        idempotency_key=f"{KEY}cl-{case.pk}",
                        case=case,
                    )
                else:
                    answers = {code: ("yes" if rng.random() < 0.25 else "no") for code in _forced_labour_items()}
                    services.record_screening(
                        worker, "forced_labour", answers, idempotency_key=f"{KEY}fl-{case.pk}", case=case
                    )
            made += 1
    positive = Screening.objects.filter(idempotency_key__startswith=KEY, positive=True).count()
    if stdout:
        stdout.write(f"Skrining demo: {made} (positif {positive}).")
    return {"screenings": made, "positive": positive}


def _forced_labour_items() -> list[str]:
    from sigap.screening.instruments import builtin

    return [i["id"] for i in builtin()["forced_labour"].answerable]
