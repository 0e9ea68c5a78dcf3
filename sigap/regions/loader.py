"""Load Indonesia's administrative areas from the idn-area-data CSV files (npm package ``idn-area-data``).

The files hold one level each: ``provinces.csv`` (code,name), ``regencies.csv`` (code,province_code,name),
``districts.csv`` (code,regency_code,name) and ``villages.csv`` (code,district_code,name).

Loading is idempotent and fast: the existing rows are read once, and only new or changed rows are
written, with ``bulk_create(update_conflicts=True)`` in batches, parents before children, inside one
transaction. Regions missing from the files are left alone (records may still point at them).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import transaction

from .lookup import is_region_code
from .models import Level, Region

BATCH_SIZE = 2000


@dataclass(frozen=True)
class LevelFile:
    level: Level
    key: str  # the plural used in the counts: "provinces", "regencies", ...
    filename: str
    parent_column: str | None


LEVEL_FILES = (
    LevelFile(Level.PROVINCE, "provinces", "provinces.csv", None),
    LevelFile(Level.REGENCY, "regencies", "regencies.csv", "province_code"),
    LevelFile(Level.DISTRICT, "districts", "districts.csv", "regency_code"),
    LevelFile(Level.VILLAGE, "villages", "villages.csv", "district_code"),
)


class RegionDataError(CommandError):
    """The region data files are missing or inconsistent (shown as a plain message by ``load_regions``)."""


def default_source_dir() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / "idn-area-data" / "data"


def _read_level(
    source_dir: Path, spec: LevelFile, provinces: frozenset[str] | None
) -> list[tuple[str, str, str | None]]:
    """(code, name, parent code) for every row of one level's file, restricted to ``provinces`` if given."""
    path = source_dir / spec.filename
    if not path.is_file():
        raise RegionDataError(
            f"Region data file {path} not found. Run `npm ci` in {settings.BASE_DIR} to install idn-area-data "
            "(`make demo` does it), or pass --source."
        )
    rows: list[tuple[str, str, str | None]] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        needed = {"code", "name"} | ({spec.parent_column} if spec.parent_column else set())
        missing = needed - set(reader.fieldnames or [])
        if missing:
            raise RegionDataError(f"{path}: missing column(s) {', '.join(sorted(missing))}.")
        for line, row in enumerate(reader, start=2):
            code = (row["code"] or "").strip()
            name = " ".join((row["name"] or "").split())
            parent = (row[spec.parent_column] or "").strip() if spec.parent_column else None
            if provinces is not None and code[:2] not in provinces:
                continue
            if not is_region_code(code) or code.count(".") + 1 != spec.level:
                raise RegionDataError(f"{path}, line {line}: {code!r} is not a {spec.key[:-1]} code.")
            if not name:
                raise RegionDataError(f"{path}, line {line}: region {code} has no name.")
            if spec.parent_column and code.rsplit(".", 1)[0] != parent:
                raise RegionDataError(f"{path}, line {line}: region {code} does not belong to parent {parent!r}.")
            rows.append((code, name[:100], parent))
    return rows


def load_regions(source_dir: Path | None = None, provinces: Iterable[str] | None = None) -> dict[str, int]:
    """Create or update the regions from the idn-area-data CSV files; return the counts.

    ``provinces`` (e.g. ``("31", "32")``) loads only those provinces and everything under them.

    The result has, for each level key (``provinces``, ``regencies``, ``districts``, ``villages``), the
    number of rows in the files (``"villages": 83762``) and ``<key>_created``, ``<key>_updated``,
    ``<key>_unchanged``; and the totals ``created``, ``updated``, ``unchanged``.
    """
    source_dir = Path(source_dir) if source_dir is not None else default_source_dir()
    if not source_dir.is_dir():
        raise RegionDataError(
            f"Region data not found at {source_dir}. Run `npm ci` in {settings.BASE_DIR} to install the "
            "idn-area-data package (`make demo` does it), or pass --source."
        )
    wanted: frozenset[str] | None = None
    if provinces is not None:
        wanted = frozenset(str(p).strip() for p in provinces)
        bad = sorted(p for p in wanted if not re.fullmatch(r"\d{2}", p))
        if bad:
            raise RegionDataError(f"Not a province code: {', '.join(bad)} (expected two digits, e.g. 32).")

    # Read and check every file before touching the database.
    levels = [(spec, _read_level(source_dir, spec, wanted)) for spec in LEVEL_FILES]
    if wanted is not None:
        found = {code for code, _, _ in levels[0][1]}
        unknown = sorted(wanted - found)
        if unknown:
            raise RegionDataError(f"Unknown province code(s): {', '.join(unknown)}.")
    known: set[str] = set()
    for spec, rows in levels:
        for code, _name, parent in rows:
            if parent is not None and parent not in known:
                raise RegionDataError(f"{spec.filename}: region {code} has an unknown parent {parent}.")
        known.update(code for code, _, _ in rows)

    counts: dict[str, int] = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        existing = {
            code: (name, parent_id) for code, name, parent_id in Region.objects.values_list("code", "name", "parent_id")
        }
        for spec, rows in levels:
            created = updated = 0
            to_write: list[Region] = []
            for code, name, parent in rows:
                current = existing.get(code)
                if current is None:
                    created += 1
                elif current != (name, parent):
                    updated += 1
                else:
                    continue
                to_write.append(Region(code=code, name=name, level=spec.level, parent_id=parent))
            if to_write:
                Region.objects.bulk_create(
                    to_write,
                    batch_size=BATCH_SIZE,
                    update_conflicts=True,
                    unique_fields=["code"],
                    update_fields=["name", "level", "parent"],
                )
            unchanged = len(rows) - created - updated
            counts[spec.key] = len(rows)
            counts[f"{spec.key}_created"] = created
            counts[f"{spec.key}_updated"] = updated
            counts[f"{spec.key}_unchanged"] = unchanged
            counts["created"] += created
            counts["updated"] += updated
            counts["unchanged"] += unchanged
    return counts
