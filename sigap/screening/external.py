"""Licensed tools whose results (never items) a case may record: the tools of
``data/external_tools.json`` and the mental-health tools the assessments app lists."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sigap.assessments import reference as assessments
from sigap.text import bilingual

PATH = Path(__file__).resolve().parent / "data" / "external_tools.json"
STATUSES = ("validated", "validated_elsewhere", "translated", "not_validated", "unknown")
FORBIDDEN_KEYS = assessments.FORBIDDEN_KEYS


@dataclass(frozen=True)
class ExternalTool:
    code: str
    name_id: str
    name_en: str
    licence_id: str
    licence_en: str
    validation_status: str
    validation_id: str
    validation_en: str
    score_min: Decimal | None
    score_max: Decimal | None
    bands: tuple[tuple[str, str, str], ...]  # (code, name_id, name_en)

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
    def takes_score(self) -> bool:
        return self.score_min is not None

    def band_name(self, code: str) -> str:
        return next((bilingual(i, e) for c, i, e in self.bands if c == code), code)


def _tool(entry: dict[str, Any]) -> ExternalTool:
    code = entry.get("code", "")
    if FORBIDDEN_KEYS & set(entry):
        raise ImproperlyConfigured(f"{PATH}: {code}: record results only, never a tool's items")
    texts = ("name_id", "name_en", "licence_id", "licence_en", "validation_id", "validation_en")
    if not code or not all(isinstance(entry.get(k), str) and entry[k].strip() for k in texts):
        raise ImproperlyConfigured(f"{PATH}: {code or '?'}: code, names, licence and validation texts are required")
    if entry.get("validation_status") not in STATUSES:
        raise ImproperlyConfigured(f"{PATH}: {code}: validation_status must be one of {STATUSES}")
    bands = tuple((b["code"], b["name_id"], b["name_en"]) for b in entry.get("bands", []))
    has_score = "score_min" in entry
    if not bands and not has_score:
        raise ImproperlyConfigured(f"{PATH}: {code}: a tool reports bands, a score, or both")
    return ExternalTool(
        code=code,
        name_id=entry["name_id"],
        name_en=entry["name_en"],
        licence_id=entry["licence_id"],
        licence_en=entry["licence_en"],
        validation_status=entry["validation_status"],
        validation_id=entry["validation_id"],
        validation_en=entry["validation_en"],
        score_min=Decimal(str(entry["score_min"])) if has_score else None,
        score_max=Decimal(str(entry["score_max"])) if has_score else None,
        bands=bands,
    )


@cache
def tools() -> dict[str, ExternalTool]:
    try:
        raw = json.loads(PATH.read_text(encoding="utf-8"))
        entries = raw["tools"]
    except (OSError, ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{PATH}: {exc}") from exc
    found = {t.code: t for t in map(_tool, entries)}
    for m in assessments.instruments().values():
        found.setdefault(
            m.code,
            ExternalTool(
                code=m.code,
                name_id=m.name_id,
                name_en=m.name_en,
                licence_id=m.licence_id,
                licence_en=m.licence_en,
                validation_status=m.validation_status,
                validation_id=m.validation_id,
                validation_en=m.validation_en,
                score_min=m.score_min,
                score_max=m.score_max,
                bands=(),
            ),
        )
    return found


def choices() -> list[tuple[str, str]]:
    return [(t.code, t.name) for t in tools().values()]
