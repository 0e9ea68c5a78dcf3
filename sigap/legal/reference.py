"""Reference data of the legal app, read and validated once per process: the stages of the criminal
process (``data/prosecution_stages.json``) and the ISO 3166 country codes used for nationality
(``data/countries.json``)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from sigap.text import bilingual

DATA = Path(__file__).parent / "data"
STAGES_PATH = DATA / "prosecution_stages.json"
COUNTRIES_PATH = DATA / "countries.json"
CODE = re.compile(r"^[a-z][a-z0-9_]*$")
COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class Stage:
    code: str
    order: int
    name_id: str
    name_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


@dataclass(frozen=True)
class Country:
    code: str
    name_id: str
    name_en: str

    @property
    def name(self) -> str:
        return bilingual(self.name_id, self.name_en)


def _read(path: Path, key: str) -> list[Any]:
    try:
        items = json.loads(path.read_text(encoding="utf-8"))[key]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ImproperlyConfigured(f"{path}: {exc}") from exc
    if not isinstance(items, list) or not items:
        raise ImproperlyConfigured(f"{path}: {key!r} must be a non-empty list")
    return items


@cache
def stages() -> dict[str, Stage]:
    """The stages in their order."""
    out: list[Stage] = []
    for raw in _read(STAGES_PATH, "stages"):
        try:
            stage = Stage(str(raw["code"]), raw["order"], str(raw["name_id"]), str(raw["name_en"]))
        except (KeyError, TypeError) as exc:
            raise ImproperlyConfigured(f"{STAGES_PATH}: {exc}") from exc
        if not CODE.match(stage.code):
            raise ImproperlyConfigured(f"{STAGES_PATH}: bad code {stage.code!r}")
        if not isinstance(stage.order, int) or isinstance(stage.order, bool):
            raise ImproperlyConfigured(f"{STAGES_PATH}: {stage.code}: order must be a whole number")
        if not stage.name_id or not stage.name_en:
            raise ImproperlyConfigured(f"{STAGES_PATH}: {stage.code}: needs name_id and name_en")
        out.append(stage)
    if len({s.code for s in out}) != len(out):
        raise ImproperlyConfigured(f"{STAGES_PATH}: repeated code")
    if len({s.order for s in out}) != len(out):
        raise ImproperlyConfigured(f"{STAGES_PATH}: repeated order")
    return {s.code: s for s in sorted(out, key=lambda s: s.order)}


def stage_choices() -> list[tuple[str, str]]:
    return [(s.code, s.name) for s in stages().values()]


@cache
def countries() -> dict[str, Country]:
    out: dict[str, Country] = {}
    for raw in _read(COUNTRIES_PATH, "countries"):
        try:
            country = Country(str(raw["code"]), str(raw["name_id"]), str(raw["name_en"]))
        except (KeyError, TypeError) as exc:
            raise ImproperlyConfigured(f"{COUNTRIES_PATH}: {exc}") from exc
        if not COUNTRY_CODE.match(country.code) or country.code in out:
            raise ImproperlyConfigured(f"{COUNTRIES_PATH}: bad or repeated code {country.code!r}")
        if not country.name_id or not country.name_en:
            raise ImproperlyConfigured(f"{COUNTRIES_PATH}: {country.code}: needs name_id and name_en")
        out[country.code] = country
    return out


def country_choices() -> list[tuple[str, str]]:
    """Indonesia first, then the rest by name."""
    items = sorted(countries().values(), key=lambda c: (c.code != "ID", c.name))
    return [(c.code, f"{c.name} ({c.code})") for c in items]
