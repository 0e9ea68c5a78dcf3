"""Routing: which organisation is responsible for a report.

The rules and the active organisations are read into a :class:`RoutingTable` and routing is then
pure computation. Submissions share one table per process (:class:`sigap.cache.Reloading`), so an
administrator's change to a rule or an organisation applies everywhere within seconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sigap.cache import Reloading
from sigap.people.models import Organisation
from sigap.regions.models import ancestor_codes

from .models import RoutingRule


@dataclass(frozen=True)
class Rule:
    id: int
    concern_type: str
    region_id: str | None
    organisation_type: str
    organisation_id: int | None
    organisation_active: bool


@dataclass
class RoutingTable:
    rules: list[Rule]
    # (organisation type, jurisdiction code or None for national) → active organisation ids, oldest first
    organisations: dict[tuple[str, str | None], list[int]]
    _routes: dict[tuple[str | None, tuple[str, ...]], tuple[int | None, int | None]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> RoutingTable:
        rules = [
            Rule(
                r.pk,
                r.concern_type,
                r.region_id,
                r.organisation_type,
                r.organisation_id,
                bool(r.organisation and r.organisation.is_active),
            )
            for r in RoutingRule.objects.filter(is_active=True)
            .select_related("organisation")
            .order_by("priority", "id")
        ]
        organisations: dict[tuple[str, str | None], list[int]] = defaultdict(list)
        rows = Organisation.objects.filter(is_active=True).order_by("id").values_list("id", "type", "jurisdiction_id")
        for pk, type_, jurisdiction in rows:
            organisations[(type_, jurisdiction)].append(pk)
        return cls(rules, dict(organisations))

    def nearest(self, org_type: str, region_code: str | None) -> int | None:
        """The active organisation of ``org_type`` whose jurisdiction is the smallest region containing
        ``region_code`` (village → district → regency → province), else a national one of that type."""
        for code in ancestor_codes(region_code) if region_code else []:
            ids = self.organisations.get((org_type, code))
            if ids:
                return ids[0]
        national = self.organisations.get((org_type, None))
        return national[0] if national else None

    def route(self, region_code: str | None, concerns: Iterable[str]) -> tuple[int | None, int | None]:
        """(organisation id, rule id) for a report; (None, None) means the national queue."""
        key = (region_code, tuple(sorted(set(concerns))))
        if key not in self._routes:
            self._routes[key] = self._route(region_code, set(key[1]))
        return self._routes[key]

    def _route(self, region_code: str | None, concerns: set[str]) -> tuple[int | None, int | None]:
        codes = set(ancestor_codes(region_code)) if region_code else set()
        for rule in self.rules:
            if rule.concern_type and rule.concern_type not in concerns:
                continue
            if rule.region_id and rule.region_id not in codes:
                continue
            if rule.organisation_id is not None:
                if rule.organisation_active:
                    return rule.organisation_id, rule.id
                continue
            org = self.nearest(rule.organisation_type, region_code) if rule.organisation_type else None
            if org is not None:
                return org, rule.id
        return None, None


_table: Reloading[RoutingTable] = Reloading(RoutingTable.load, RoutingRule, Organisation)


def current_table() -> RoutingTable:
    return _table.get()


def invalidate() -> None:
    _table.invalidate()


def route(region_code: str | None, concerns: Iterable[str]) -> tuple[int | None, int | None]:
    return current_table().route(region_code, concerns)
