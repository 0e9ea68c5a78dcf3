"""Reading regions for people: short labels, full paths, name search and the picker's chain of choices."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from .models import Level, Region, ancestor_codes

CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2
SEARCH_MAX_LENGTH = 60

LEVEL_KEYS = {
    Level.PROVINCE: "province",
    Level.REGENCY: "regency",
    Level.DISTRICT: "district",
    Level.VILLAGE: "village",
}
PLACEHOLDERS = {
    Level.PROVINCE: _("Pilih provinsi"),
    Level.REGENCY: _("Pilih kabupaten/kota"),
    Level.DISTRICT: _("Pilih kecamatan"),
    Level.VILLAGE: _("Pilih desa/kelurahan"),
}
WAITING = {
    Level.REGENCY: _("Pilih provinsi dulu"),
    Level.DISTRICT: _("Pilih kabupaten/kota dulu"),
    Level.VILLAGE: _("Pilih kecamatan dulu"),
}
NO_OPTIONS = _("Tidak ada pilihan")


def is_region_code(value: str) -> bool:
    return bool(CODE_RE.match(value))


def short_label(region: Region) -> str:
    """The name with its kind, as written in addresses: "Desa X", "Kec. Y", "Kab. Z", "Kota Z", "Prov. W"."""
    if region.level == Level.PROVINCE:
        return f"Prov. {region.name}"
    if region.level == Level.REGENCY:
        if region.name.startswith("Kabupaten "):
            return "Kab. " + region.name.removeprefix("Kabupaten ")
        if region.name.startswith("Kota "):
            return region.name
        return f"{'Kota' if region.kind == 'Kota' else 'Kab.'} {region.name}"
    if region.level == Level.DISTRICT:
        return f"Kec. {region.name}"
    return f"{region.kind} {region.name}"


def path_label(chain: Iterable[Region]) -> str:
    """Labels from the deepest region up to the province: "Desa X, Kec. Y, Kab. Z, Prov. W"."""
    return ", ".join(short_label(r) for r in sorted(chain, key=lambda r: -r.level))


def path_labels(regions: Iterable[Region]) -> dict[str, str]:
    """The full path label of each region, keyed by code, with one query for all their ancestors."""
    regions = list(regions)
    wanted = {c for r in regions for c in ancestor_codes(r.code)[1:]}
    known = {r.code: r for r in regions}
    missing = wanted - known.keys()
    if missing:
        known.update({r.code: r for r in Region.objects.filter(code__in=missing)})
    return {r.code: path_label(known[c] for c in ancestor_codes(r.code) if c in known) for r in regions}


def normalise_query(q: str) -> str:
    return " ".join(q.split())[:SEARCH_MAX_LENGTH]


def search_regions(q: str, limit: int = SEARCH_LIMIT) -> list[Region]:
    """Regions whose name contains ``q`` (case-insensitive); names starting with it first, then by level and name."""
    q = normalise_query(q)
    if len(q) < SEARCH_MIN_LENGTH:
        return []
    return list(search_queryset(q)[:limit])


# Kind words people type before a name: "kec. menteng", "desa cikole", "kab bandung".
KIND_PREFIXES = (
    (re.compile(r"^(?:prov\.?|provinsi)\s+", re.IGNORECASE), Level.PROVINCE, ""),
    (re.compile(r"^(?:kab\.?|kabupaten)\s+", re.IGNORECASE), Level.REGENCY, "Kabupaten "),
    (re.compile(r"^kota\s+", re.IGNORECASE), Level.REGENCY, "Kota "),
    (re.compile(r"^(?:kec\.?|kecamatan)\s+", re.IGNORECASE), Level.DISTRICT, ""),
    (re.compile(r"^(?:desa|ds\.|kel\.?|kelurahan)\s+", re.IGNORECASE), Level.VILLAGE, ""),
)


def search_queryset(q: str) -> QuerySet[Region]:
    """Regions whose name contains ``q``, best first. A leading kind word ("kec.", "desa", "kab") also
    matches the rest of the text at that level."""
    q = normalise_query(q)
    term, match = q, Q(name__icontains=q)
    for pattern, level, name_prefix in KIND_PREFIXES:
        rest = pattern.sub("", q, count=1)
        if rest != q and rest:
            term = name_prefix + rest
            match |= Q(level=level, name__icontains=term)
            break
    rank = Case(
        When(name__istartswith=term, then=Value(0)),
        When(name__icontains=f" {term}", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return Region.objects.filter(match).annotate(rank=rank).order_by("rank", "level", "name", "code")


@dataclass
class PickerLevel:
    level: Level
    key: str
    label: str
    placeholder: str
    parent_code: str  # the code chosen one level up ("" for provinces)
    options: list[Region] = field(default_factory=list)
    selected: str = ""
    enabled: bool = False


@dataclass
class PickerState:
    chain: list[Region]  # province first
    levels: list[PickerLevel]

    @property
    def code(self) -> str:
        return self.chain[-1].code if self.chain else ""

    @property
    def region(self) -> Region | None:
        return self.chain[-1] if self.chain else None

    @property
    def label(self) -> str:
        return path_label(self.chain)


def picker_state(code: str | None) -> PickerState:
    """The chosen chain for ``code`` and the options of every level, in one query.

    An unknown code keeps its deepest known ancestor, so a person never loses more than the bad part.
    """
    code = (code or "").strip()
    codes = ancestor_codes(code) if is_region_code(code) else []
    found = Region.objects.filter(Q(level=Level.PROVINCE) | Q(parent_id__in=codes)).order_by("name", "code")
    by_parent: dict[str | None, list[Region]] = defaultdict(list)
    by_code: dict[str, Region] = {}
    for region in found:
        by_parent[region.parent_id].append(region)
        by_code[region.code] = region
    chain: list[Region] = []
    for c in reversed(codes):
        link = by_code.get(c)
        if link is None or (chain and link.parent_id != chain[-1].code):
            break
        chain.append(link)
    levels = []
    for level in Level:
        parent = chain[level - 2] if level > 1 and len(chain) >= level - 1 else None
        options = by_parent[None] if level == Level.PROVINCE else (by_parent[parent.code] if parent else [])
        levels.append(
            PickerLevel(
                level=level,
                key=LEVEL_KEYS[level],
                label=str(level.label),
                placeholder=str(
                    PLACEHOLDERS[level]
                    if options or level == Level.PROVINCE
                    else (NO_OPTIONS if parent else WAITING[level])
                ),
                parent_code=parent.code if parent else "",
                options=options,
                selected=chain[level - 1].code if len(chain) >= level else "",
                enabled=bool(options),
            )
        )
    return PickerState(chain=chain, levels=levels)
