"""Reference data of intake, read from the app's data files and validated at start."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sigap.text import bilingual

DATA = Path(__file__).parent / "data"


def _read(name: str) -> Any:
    path = DATA / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc


@dataclass(frozen=True)
class ConcernType:
    code: str
    name_id: str
    name_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


@cache
def concern_types() -> dict[str, ConcernType]:
    raw = _read("concern_types.json")
    try:
        items = [ConcernType(str(t["code"]), str(t["name_id"]), str(t["name_en"])) for t in raw["types"]]
    except (KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"concern_types.json: {exc}") from exc
    if len({t.code for t in items}) != len(items):
        raise ImproperlyConfigured("concern_types.json: repeated code")
    return {t.code: t for t in items}


def concern_choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in concern_types().values()]


@cache
def default_clock_hours() -> dict[str, int]:
    raw = _read("first_contact_clock.json")
    hours = raw.get("hours", {})
    if set(hours) != {"high", "medium", "low"} or not all(isinstance(h, int) and h > 0 for h in hours.values()):
        raise ImproperlyConfigured(
            "first_contact_clock.json: 'hours' needs positive whole numbers for high, medium, low"
        )
    return dict(hours)


def routing_rules() -> list[dict[str, Any]]:
    return list(_read("routing_rules.json")["rules"])
