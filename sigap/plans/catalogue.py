"""The service catalogue (``data/services.json``), read and validated once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from sigap.text import bilingual

PATH = Path(__file__).parent / "data" / "services.json"
GROUPS = ("ppt", "uptd", "programme")
GROUP_NAMES = {
    "ppt": _("Layanan Pusat Pelayanan Terpadu (PPT) bagi saksi dan korban"),
    "uptd": _("Layanan UPTD PPA"),
    "programme": _("Program terkait"),
}
HTCDS_TYPES = frozenset(
    {
        "Education",
        "Financial",
        "Health",
        "LabourExploitationRehabilitation",
        "Legal",
        "Livelihood",
        "RightsBasedTraining",
        "SexualExploitationRehabilitation",
        "SocialCare",
        "Other",
    }
)


@dataclass(frozen=True)
class ServiceType:
    code: str
    group: str
    name_id: str
    name_en: str
    htcds_type: str
    clock: str | None
    family_return: bool
    providers: tuple[str, ...]

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


@cache
def services() -> dict[str, ServiceType]:
    from sigap.cases import clocks
    from sigap.people import orgtypes

    try:
        raw = json.loads(PATH.read_text(encoding="utf-8"))["services"]
        items = [
            ServiceType(
                str(s["code"]),
                str(s["group"]),
                str(s["name_id"]),
                str(s["name_en"]),
                str(s["htcds_type"]),
                s.get("clock"),
                bool(s.get("family_return", False)),
                tuple(s.get("providers", ())),
            )
            for s in raw
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"{PATH}: {exc}") from exc
    known_org_types = set(orgtypes.load())
    for s in items:
        if s.group not in GROUPS:
            raise ImproperlyConfigured(f"{PATH}: {s.code}: unknown group {s.group!r}")
        if s.htcds_type not in HTCDS_TYPES:
            raise ImproperlyConfigured(f"{PATH}: {s.code}: unknown HTCDS spl_Type {s.htcds_type!r}")
        if s.clock is not None and s.clock not in clocks.clocks():
            raise ImproperlyConfigured(f"{PATH}: {s.code}: unknown clock {s.clock!r}")
        if not set(s.providers) <= known_org_types:
            raise ImproperlyConfigured(f"{PATH}: {s.code}: unknown provider type")
    if len({s.code for s in items}) != len(items):
        raise ImproperlyConfigured(f"{PATH}: repeated code")
    return {s.code: s for s in items}


def get(code: str) -> ServiceType:
    try:
        return services()[code]
    except KeyError:
        raise ImproperlyConfigured(f"{PATH}: no service {code!r}") from None


def choices() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in services().values()]


def grouped_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Choices for a select, one option group per catalogue group in the catalogue's order."""
    by_group: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    for s in services().values():
        by_group[s.group].append((s.code, s.name))
    return [(str(GROUP_NAMES[g]), items) for g, items in by_group.items() if items]


def by_group() -> list[tuple[str, list[ServiceType]]]:
    """The catalogue for display: (group name, its services) in the catalogue's order."""
    groups: dict[str, list[ServiceType]] = {g: [] for g in GROUPS}
    for s in services().values():
        groups[s.group].append(s)
    return [(str(GROUP_NAMES[g]), items) for g, items in groups.items() if items]
