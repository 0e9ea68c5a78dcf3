"""Seeding the intake reference data (routing rules, first-contact clock) from the data files.

Only missing rows are created, so a system admin's later edits survive a re-run.
"""

from __future__ import annotations

from django.db import transaction

from sigap.people import orgtypes
from sigap.regions.models import Region

from . import reference
from .models import ResponseClock, RoutingRule


@transaction.atomic
def ensure_reference_data() -> dict[str, int]:
    created = {"routing_rules": 0, "clocks": 0}
    for risk, hours in reference.default_clock_hours().items():
        _, made = ResponseClock.objects.get_or_create(risk_level=risk, defaults={"hours": hours})
        created["clocks"] += made
    for rule in reference.routing_rules():
        if rule.get("organisation_type") and rule["organisation_type"] not in orgtypes.load():
            raise ValueError(f"routing_rules.json: unknown organisation type {rule['organisation_type']!r}")
        region = Region.objects.filter(code=rule["region"]).first() if rule.get("region") else None
        _, made = RoutingRule.objects.get_or_create(
            name=rule["name"],
            defaults={
                "priority": rule.get("priority", 100),
                "concern_type": rule.get("concern_type", ""),
                "region": region,
                "organisation_type": rule.get("organisation_type", ""),
            },
        )
        created["routing_rules"] += made
    return created
