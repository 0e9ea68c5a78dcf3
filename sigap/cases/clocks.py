"""Clock durations (``data/clocks.json``): how long each kind of task may take, read and validated
once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from sigap.text import bilingual

PATH = Path(__file__).parent / "data" / "clocks.json"
RISKS = ("high", "medium", "low")


@dataclass(frozen=True)
class Clock:
    kind: str
    title_id: str
    title_en: str
    hours: int | None
    hours_by_risk: dict[str, int] | None
    from_intake_first_contact: bool
    role: str
    basis: str

    @property
    def title(self) -> str:
        return bilingual(self.title_id, self.title_en)

    def duration(self, risk_level: str | None = None) -> timedelta:
        if self.from_intake_first_contact:
            from sigap.intake.models import ResponseClock

            return timedelta(hours=ResponseClock.hours_for(risk_level or "high"))
        if self.hours_by_risk is not None:
            return timedelta(hours=self.hours_by_risk[risk_level or "high"])
        assert self.hours is not None
        return timedelta(hours=self.hours)

    def due(self, start: datetime, risk_level: str | None = None) -> datetime:
        return start + self.duration(risk_level)


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@cache
def _load() -> tuple[dict[str, Clock], int]:
    try:
        raw = json.loads(PATH.read_text(encoding="utf-8"))
        items = raw["clocks"]
        reminder = raw["reminder_hours_before"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"{PATH}: {exc}") from exc
    if not _positive(reminder):
        raise ImproperlyConfigured(f"{PATH}: reminder_hours_before must be a positive whole number")
    clocks: dict[str, Clock] = {}
    for kind, c in items.items():
        hours, by_risk, intake = c.get("hours"), c.get("hours_by_risk"), bool(c.get("from_intake_first_contact"))
        if sum(x is not None and x is not False for x in (hours, by_risk, intake or None)) != 1:
            raise ImproperlyConfigured(f"{PATH}: clock {kind!r} needs exactly one of hours, hours_by_risk, intake")
        if hours is not None and not _positive(hours):
            raise ImproperlyConfigured(f"{PATH}: clock {kind!r}: hours must be a positive whole number")
        if by_risk is not None and (set(by_risk) != set(RISKS) or not all(_positive(h) for h in by_risk.values())):
            raise ImproperlyConfigured(f"{PATH}: clock {kind!r}: hours_by_risk needs high, medium and low")
        if not c.get("title_id") or not c.get("title_en"):
            raise ImproperlyConfigured(f"{PATH}: clock {kind!r} needs title_id and title_en")
        clocks[kind] = Clock(
            kind, c["title_id"], c["title_en"], hours, by_risk, intake, c.get("role", ""), c.get("basis", "")
        )
    return clocks, reminder


def clocks() -> dict[str, Clock]:
    return _load()[0]


def get(kind: str) -> Clock:
    try:
        return clocks()[kind]
    except KeyError:
        raise ImproperlyConfigured(f"{PATH}: no clock {kind!r}") from None


def reminder_before() -> timedelta:
    return timedelta(hours=_load()[1])
