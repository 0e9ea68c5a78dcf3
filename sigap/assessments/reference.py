"""Reference data of the assessments app, read and validated once per process:

- ``data/mental_health_instruments.json``: screening instruments whose *scores* an assessment may
  record (never their items);
- ``data/ilo_forced_labour_indicators.json``: the eleven ILO indicators of forced labour (SAP-FL 2012).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sigap.text import bilingual

DATA = Path(__file__).parent / "data"
INSTRUMENTS_PATH = DATA / "mental_health_instruments.json"
ILO_PATH = DATA / "ilo_forced_labour_indicators.json"
VALIDATION_STATUSES = ("validated", "translated", "not_validated", "unknown")
# Keys that would mean an instrument's items were copied into the file: refused, they are licensed.
FORBIDDEN_KEYS = frozenset({"items", "questions", "butir", "pertanyaan"})


@dataclass(frozen=True)
class Instrument:
    code: str
    name_id: str
    name_en: str
    licence_id: str
    licence_en: str
    validation_status: str
    validation_id: str
    validation_en: str
    score_min: Decimal
    score_max: Decimal
    decimal: bool
    note_id: str
    note_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)

    @property
    def licence(self) -> str:
        return bilingual(self.licence_id, self.licence_en)

    @property
    def validation(self) -> str:
        return bilingual(self.validation_id, self.validation_en)

    @property
    def note(self) -> str:
        return bilingual(self.note_id, self.note_en)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_id: str
    name_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


def _read(path: Path, key: str) -> list[dict[str, Any]]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw[key]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc
    if not isinstance(raw.get("version"), int):
        raise ImproperlyConfigured(f"{path}: 'version' must be a whole number")
    if not isinstance(items, list) or not items:
        raise ImproperlyConfigured(f"{path}: {key!r} must be a non-empty list")
    codes = [str(i.get("code", "")) for i in items]
    if not all(codes) or len(set(codes)) != len(codes):
        raise ImproperlyConfigured(f"{path}: every entry needs a unique 'code'")
    return items


def _text(path: Path, entry: dict[str, Any], key: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ImproperlyConfigured(f"{path}: {entry.get('code')}: {key!r} is required")
    return value


@cache
def instruments() -> dict[str, Instrument]:
    path = INSTRUMENTS_PATH
    out: dict[str, Instrument] = {}
    for entry in _read(path, "instruments"):
        code = entry["code"]
        if FORBIDDEN_KEYS & set(entry):
            raise ImproperlyConfigured(f"{path}: {code}: record scores only, never an instrument's items")
        lo, hi = entry.get("score_min"), entry.get("score_max")
        numbers = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lo, hi))
        if not numbers or Decimal(str(lo)) >= Decimal(str(hi)):
            raise ImproperlyConfigured(f"{path}: {code}: score_min and score_max must be numbers, min < max")
        status = entry.get("validation_status")
        if status not in VALIDATION_STATUSES:
            raise ImproperlyConfigured(f"{path}: {code}: validation_status must be one of {VALIDATION_STATUSES}")
        out[code] = Instrument(
            code=code,
            name_id=_text(path, entry, "name_id"),
            name_en=_text(path, entry, "name_en"),
            licence_id=_text(path, entry, "licence_id"),
            licence_en=_text(path, entry, "licence_en"),
            validation_status=status,
            validation_id=_text(path, entry, "validation_id"),
            validation_en=_text(path, entry, "validation_en"),
            score_min=Decimal(str(lo)),
            score_max=Decimal(str(hi)),
            decimal=bool(entry.get("decimal", False)),
            note_id=_text(path, entry, "note_id"),
            note_en=_text(path, entry, "note_en"),
        )
    return out


@cache
def ilo_indicators() -> dict[str, Indicator]:
    path = ILO_PATH
    items = [
        Indicator(e["code"], _text(path, e, "name_id"), _text(path, e, "name_en")) for e in _read(path, "indicators")
    ]
    if len(items) != 11:
        raise ImproperlyConfigured(f"{path}: the ILO (SAP-FL 2012) list has 11 indicators, found {len(items)}")
    return {i.code: i for i in items}


def ilo_choices() -> list[tuple[str, str]]:
    return [(i.code, i.name) for i in ilo_indicators().values()]
