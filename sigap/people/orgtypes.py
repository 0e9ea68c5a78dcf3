"""Organisation types, read from ``data/organisation_types.json`` and validated at start."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from sigap.text import bilingual

DATA_FILE = Path(__file__).parent / "data" / "organisation_types.json"


@dataclass(frozen=True)
class OrganisationType:
    code: str
    name_id: str
    name_en: str
    receives_reports: bool

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


@cache
def load() -> dict[str, OrganisationType]:
    try:
        raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
        types = {}
        for item in raw["types"]:
            t = OrganisationType(
                code=str(item["code"]),
                name_id=str(item["name_id"]),
                name_en=str(item["name_en"]),
                receives_reports=bool(item["receives_reports"]),
            )
            if not t.code.isidentifier() or t.code in types:
                raise ValueError(f"bad or repeated code {t.code!r}")
            types[t.code] = t
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"{DATA_FILE}: {exc}") from exc
    return types


def choices() -> list[tuple[str, str]]:
    return [(t.code, t.name_id) for t in load().values()]


def get(code: str) -> OrganisationType:
    return load()[code]
