"""Screening instruments as versioned data files: loading, validation, answers, skip logic and scoring.

The file format is described in ``docs/screening.md``. This module is pure: it reads the files and
evaluates answers; storing versions and screenings is ``models``/``services``' work.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sigap.text import bilingual

DATA_DIR = Path(__file__).resolve().parent / "data" / "instruments"
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
CHOICE_VALUE = re.compile(r"^[a-z0-9_]+$")
VERSION = re.compile(r"^\d+\.\d+(\.\d+)?$")
ITEM_TYPES = ("yes_no", "select_one", "select_multiple", "integer", "decimal", "text", "date", "note")
YES_NO = ("yes", "no", "unknown")
VALIDATION_STATUSES = ("validated", "validated_elsewhere", "not_validated")
SCORING_METHODS = ("sum", "count", "child_labour")
COMPARISONS = ("gt", "gte", "lt", "lte")
# Answers people type or tools export for yes/no questions, mapped to the stored value.
YES_NO_SYNONYMS = {
    "yes": "yes",
    "ya": "yes",
    "y": "yes",
    "1": "yes",
    "true": "yes",
    "no": "no",
    "tidak": "no",
    "t": "no",
    "n": "no",
    "0": "no",
    "false": "no",
    "unknown": "unknown",
    "tidak tahu": "unknown",
    "tidak_tahu": "unknown",
}


class InstrumentError(ValueError):
    """An instrument file that does not follow the format."""


def _text_ok(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip() for k in ("id", "en"))


def _check_condition(cond: Any, known: set[str], where: str) -> None:
    if not isinstance(cond, dict) or not cond:
        raise InstrumentError(f"{where}: a condition must be an object")
    if "all" in cond or "any" in cond:
        parts = cond.get("all", cond.get("any"))
        if not isinstance(parts, list) or not parts:
            raise InstrumentError(f"{where}: 'all'/'any' needs a non-empty list")
        for part in parts:
            _check_condition(part, known, where)
        return
    if "not" in cond:
        _check_condition(cond["not"], known, where)
        return
    item = cond.get("item")
    if item not in known:
        raise InstrumentError(f"{where}: condition refers to {item!r}, which is not an earlier item")
    ops = [k for k in cond if k != "item"]
    if len(ops) != 1 or ops[0] not in ("equals", "not_equals", "includes", *COMPARISONS):
        raise InstrumentError(
            f"{where}: a condition needs exactly one of equals, not_equals, includes, gt, gte, lt, lte"
        )
    if ops[0] in COMPARISONS and not isinstance(cond[ops[0]], int | float):
        raise InstrumentError(f"{where}: {ops[0]} needs a number")


def _check_item(item: Any, known: set[str], position: int) -> None:
    where = f"item {position + 1}"
    if not isinstance(item, dict):
        raise InstrumentError(f"{where}: must be an object")
    item_id = item.get("id")
    if not isinstance(item_id, str) or not IDENT.match(item_id):
        raise InstrumentError(f"{where}: id must match {IDENT.pattern}")
    where = f"item {item_id!r}"
    if item_id in known:
        raise InstrumentError(f"{where}: repeated id")
    kind = item.get("type")
    if kind not in ITEM_TYPES:
        raise InstrumentError(f"{where}: type must be one of {', '.join(ITEM_TYPES)}")
    if not _text_ok(item.get("label")):
        raise InstrumentError(f"{where}: label needs 'id' and 'en' text")
    for key in ("hint", "reason"):
        if key in item and not _text_ok(item[key]):
            raise InstrumentError(f"{where}: {key} needs 'id' and 'en' text")
    if "relevant" in item:
        _check_condition(item["relevant"], known, where)
    if kind in ("select_one", "select_multiple"):
        choices = item.get("choices")
        if not isinstance(choices, list) or len(choices) < 2:
            raise InstrumentError(f"{where}: needs at least two choices")
        values = [c.get("value") for c in choices if isinstance(c, dict)]
        if len(values) != len(choices) or len(set(values)) != len(values):
            raise InstrumentError(f"{where}: choices need distinct values")
        for choice in choices:
            if not isinstance(choice["value"], str) or not CHOICE_VALUE.match(choice["value"]):
                raise InstrumentError(f"{where}: choice value {choice['value']!r} must match {CHOICE_VALUE.pattern}")
            if not _text_ok(choice.get("label")):
                raise InstrumentError(f"{where}: choice {choice['value']!r} needs 'id' and 'en' labels")
            if not isinstance(choice.get("points", 0), int | float):
                raise InstrumentError(f"{where}: choice points must be numbers")
    elif "choices" in item:
        raise InstrumentError(f"{where}: only select items have choices")
    if "points" in item:
        points = item["points"]
        allowed = set(YES_NO) if kind == "yes_no" else {c["value"] for c in item.get("choices", [])}
        if kind not in ("yes_no", "select_one") or not isinstance(points, dict):
            raise InstrumentError(f"{where}: 'points' is a map of answer to points, for yes_no and select_one items")
        if not set(points) <= allowed or not all(isinstance(v, int | float) for v in points.values()):
            raise InstrumentError(f"{where}: 'points' keys must be answers of the item and values numbers")
    for bound in ("min", "max"):
        if bound in item and (kind not in ("integer", "decimal") or not isinstance(item[bound], int | float)):
            raise InstrumentError(f"{where}: {bound} is a number, for integer and decimal items")


def validate(definition: Any) -> None:
    """Raise InstrumentError saying what is wrong with an instrument definition."""
    if not isinstance(definition, dict):
        raise InstrumentError("an instrument is a JSON object")
    inst = definition.get("id")
    if not isinstance(inst, str) or not IDENT.match(inst):
        raise InstrumentError(f"id must match {IDENT.pattern}")
    if not isinstance(definition.get("version"), str) or not VERSION.match(definition["version"]):
        raise InstrumentError(f"{inst}: version must look like 1.0.0")
    for key in ("title", "description"):
        if not _text_ok(definition.get(key)):
            raise InstrumentError(f"{inst}: {key} needs 'id' and 'en' text")
    licence = definition.get("licence")
    if not isinstance(licence, dict) or not all(isinstance(licence.get(k), str) for k in ("name", "holder")):
        raise InstrumentError(f"{inst}: licence needs name and holder")
    if not isinstance(licence.get("items_embeddable"), bool):
        raise InstrumentError(f"{inst}: licence.items_embeddable must be true or false")
    validation = definition.get("validation")
    if not isinstance(validation, dict) or validation.get("status") not in VALIDATION_STATUSES:
        raise InstrumentError(f"{inst}: validation.status must be one of {', '.join(VALIDATION_STATUSES)}")
    if not _text_ok(validation.get("population")):
        raise InstrumentError(f"{inst}: validation.population needs 'id' and 'en' text")
    ages = definition.get("subject_age", {"min": 0, "max": 17})
    if not isinstance(ages, dict) or not 0 <= ages.get("min", -1) <= ages.get("max", -1) <= 17:
        raise InstrumentError(f"{inst}: subject_age needs min ≤ max within 0–17")
    items = definition.get("items")
    if not licence["items_embeddable"]:
        if items:
            raise InstrumentError(f"{inst}: a licensed tool whose items may not be embedded must not carry items")
        raise InstrumentError(f"{inst}: record licensed tools as external results (external_tools.json)")
    if not isinstance(items, list) or not items:
        raise InstrumentError(f"{inst}: items must be a non-empty list")
    known: set[str] = set()
    for position, item in enumerate(items):
        _check_item(item, known, position)
        known.add(item["id"])
    scoring = definition.get("scoring")
    if not isinstance(scoring, dict) or scoring.get("method") not in SCORING_METHODS:
        raise InstrumentError(f"{inst}: scoring.method must be one of {', '.join(SCORING_METHODS)}")
    if scoring["method"] == "child_labour":
        from . import childlabour

        try:
            childlabour.validate_rules(definition)
        except ValueError as exc:
            raise InstrumentError(f"{inst}: {exc}") from exc
    bands = definition.get("bands")
    if not isinstance(bands, list) or not bands:
        raise InstrumentError(f"{inst}: bands must be a non-empty list")
    mins: list[Any] = [b.get("min") for b in bands if isinstance(b, dict)]
    if len(mins) != len(bands) or not all(isinstance(m, int | float) for m in mins) or mins != sorted(set(mins)):
        raise InstrumentError(f"{inst}: bands need a numeric 'min', strictly ascending")
    codes = [b.get("code") for b in bands]
    if len(set(codes)) != len(codes) or not all(isinstance(c, str) and IDENT.match(c) for c in codes):
        raise InstrumentError(f"{inst}: bands need distinct codes")
    for band in bands:
        if not _text_ok(band.get("label")) or not isinstance(band.get("positive"), bool):
            raise InstrumentError(f"{inst}: band {band['code']!r} needs a label and positive true/false")
        if "task_hours" in band and not (isinstance(band["task_hours"], int) and band["task_hours"] > 0):
            raise InstrumentError(f"{inst}: band {band['code']!r} task_hours must be a positive whole number")
    trigger = (definition.get("triggers") or {}).get("positive")
    if any(b["positive"] for b in bands):
        if not isinstance(trigger, dict) or trigger.get("action") != "assessment":
            raise InstrumentError(f"{inst}: a positive band needs triggers.positive with action 'assessment'")
        from sigap.intake import reference

        concerns = trigger.get("concerns")
        if not isinstance(concerns, list) or not concerns or not set(concerns) <= set(reference.concern_types()):
            raise InstrumentError(f"{inst}: triggers.positive.concerns must be report concern codes")
        if not isinstance(trigger.get("task_hours"), int) or trigger["task_hours"] <= 0:
            raise InstrumentError(f"{inst}: triggers.positive.task_hours must be a positive whole number")


@dataclass(frozen=True)
class Instrument:
    """One version of an instrument, as defined in its file (or as stored for an old version)."""

    definition: dict[str, Any] = field(compare=False, hash=False)

    @property
    def id(self) -> str:
        return str(self.definition["id"])

    @property
    def version(self) -> str:
        return str(self.definition["version"])

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def items(self) -> list[dict[str, Any]]:
        return list(self.definition["items"])

    @property
    def answerable(self) -> list[dict[str, Any]]:
        return [i for i in self.definition["items"] if i["type"] != "note"]

    @property
    def validation_status(self) -> str:
        return str(self.definition["validation"]["status"])

    @property
    def age_range(self) -> tuple[int, int]:
        ages = self.definition.get("subject_age", {"min": 0, "max": 17})
        return int(ages["min"]), int(ages["max"])

    def item(self, item_id: str) -> dict[str, Any]:
        for item in self.definition["items"]:
            if item["id"] == item_id:
                return dict(item)
        raise KeyError(item_id)

    def band(self, code: str) -> dict[str, Any]:
        for band in self.definition["bands"]:
            if band["code"] == code:
                return dict(band)
        raise KeyError(code)

    def task_hours(self, band_code: str) -> int:
        band = self.band(band_code)
        return int(band.get("task_hours") or self.definition["triggers"]["positive"]["task_hours"])


def read_file(path: Path) -> Instrument:
    try:
        definition = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InstrumentError(f"{path.name}: cannot read JSON ({exc})") from exc
    validate(definition)
    if definition["id"] != path.stem:
        raise InstrumentError(f"{path.name}: the file must be named after the instrument id ({definition['id']}.json)")
    return Instrument(definition)


@cache
def builtin() -> dict[str, Instrument]:
    """The instruments shipped in ``data/instruments``, by id (the current version of each)."""
    found: dict[str, Instrument] = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        instrument = read_file(path)
        found[instrument.id] = instrument
    return found


# --- Answers --------------------------------------------------------------------------------------


def _condition_holds(cond: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    if "all" in cond:
        return all(_condition_holds(c, answers) for c in cond["all"])
    if "any" in cond:
        return any(_condition_holds(c, answers) for c in cond["any"])
    if "not" in cond:
        return not _condition_holds(cond["not"], answers)
    value = answers.get(cond["item"])
    if value is None:
        return False
    if "equals" in cond:
        return bool(value == cond["equals"])
    if "not_equals" in cond:
        return bool(value != cond["not_equals"])
    if "includes" in cond:
        return isinstance(value, list) and cond["includes"] in value
    if not isinstance(value, int | float):
        return False
    op = next(k for k in COMPARISONS if k in cond)
    limit = cond[op]
    return {"gt": value > limit, "gte": value >= limit, "lt": value < limit, "lte": value <= limit}[op]


def is_relevant(item: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """Whether ``item`` is asked, given the answers so far (skip logic)."""
    cond = item.get("relevant")
    return cond is None or _condition_holds(cond, answers)


def _number(raw: str, integer: bool) -> int | float:
    text = raw.strip().replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError from exc
    if not value.is_finite():
        raise ValueError
    if integer:
        if value != value.to_integral_value():
            raise ValueError
        return int(value)
    return float(value)


def _parse_one(item: Mapping[str, Any], raw: Any) -> Any:
    """The typed answer for one item, or ValueError with a message for the person."""
    kind = item["type"]
    if isinstance(raw, list):
        raw = " ".join(str(r) for r in raw)
    text = "" if raw is None else str(raw).strip()
    if kind == "yes_no":
        value = YES_NO_SYNONYMS.get(text.lower())
        if value is None:
            raise ValueError(_("Pilih ya, tidak, atau tidak tahu."))
        return value
    if kind in ("integer", "decimal"):
        try:
            number = _number(text, kind == "integer")
        except ValueError:
            message = _("Isi dengan bilangan bulat.") if kind == "integer" else _("Isi dengan angka.")
            raise ValueError(message) from None
        low, high = item.get("min"), item.get("max")
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(_("Isi angka antara %(min)s dan %(max)s.") % {"min": low, "max": high})
        return number
    if kind == "select_one":
        values = [c["value"] for c in item["choices"]]
        if text not in values:
            raise ValueError(_("Pilih salah satu pilihan yang tersedia."))
        return text
    if kind == "select_multiple":
        chosen = list(dict.fromkeys(text.replace(",", " ").split()))
        values = [c["value"] for c in item["choices"]]
        unknown = [c for c in chosen if c not in values]
        if unknown:
            raise ValueError(_("Pilihan tidak dikenal: %(values)s.") % {"values": ", ".join(unknown)})
        exclusive = [c for c in item["choices"] if c.get("exclusive") and c["value"] in chosen]
        if len(chosen) > 1 and exclusive:
            raise ValueError(
                _("Pilihan “%(choice)s” tidak dapat digabung dengan pilihan lain.")
                % {"choice": bilingual(exclusive[0]["label"]["id"], exclusive[0]["label"]["en"])}
            )
        if not chosen:
            raise ValueError(_("Pilih minimal satu."))
        return [v for v in values if v in chosen]  # in the instrument's order
    if kind == "date":
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            raise ValueError(_("Tanggal tidak valid (tttt-bb-hh).")) from None
    return text[:2000]


@dataclass
class ParsedAnswers:
    answers: dict[str, Any]
    errors: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_answers(instrument: Instrument, raw: Mapping[str, Any]) -> ParsedAnswers:
    """Typed answers from raw strings (a web form, an ODK row), in item order, applying skip logic:
    an answer to a question that is not asked is dropped; a required question that is asked but not
    answered is an error."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in instrument.answerable:
        if not is_relevant(item, answers):
            continue
        value = raw.get(item["id"])
        empty = value is None or (isinstance(value, str | list) and not value) or str(value).strip() == ""
        if empty:
            if item.get("required", True) and item["type"] not in ("text",):
                errors[item["id"]] = _("Wajib dijawab.")
            continue
        try:
            answers[item["id"]] = _parse_one(item, value)
        except ValueError as exc:
            errors[item["id"]] = str(exc)
    return ParsedAnswers(answers, errors)


# --- Scoring --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    score: float
    band: str
    positive: bool
    reasons: list[dict[str, Any]]


def _item_points(item: Mapping[str, Any], value: Any) -> float:
    if item["type"] == "select_multiple":
        by_value = {c["value"]: c.get("points", 0) for c in item["choices"]}
        return float(sum(by_value.get(v, 0) for v in value))
    if item["type"] == "select_one":
        if "points" in item:
            return float(item["points"].get(value, 0))
        return float(next((c.get("points", 0) for c in item["choices"] if c["value"] == value), 0))
    if item["type"] == "yes_no":
        return float(item.get("points", {}).get(value, 0))
    return 0.0


def _answer_text(item: Mapping[str, Any], value: Any) -> dict[str, str]:
    """The answer in words, both languages, for a reason line."""
    if item["type"] == "yes_no":
        words = {"yes": ("ya", "yes"), "no": ("tidak", "no"), "unknown": ("tidak tahu", "unknown")}[value]
        return {"id": words[0], "en": words[1]}
    if item["type"] in ("select_one", "select_multiple"):
        chosen = value if isinstance(value, list) else [value]
        labels = [c["label"] for c in item["choices"] if c["value"] in chosen]
        return {lang: "; ".join(label[lang] for label in labels) for lang in ("id", "en")}
    return {"id": str(value), "en": str(value)}


def evaluate(instrument: Instrument, answers: Mapping[str, Any]) -> Outcome:
    """Score typed answers: the band and the reasons (each item that added points, or each rule that
    fired), in the instrument's order."""
    definition = instrument.definition
    method = definition["scoring"]["method"]
    reasons: list[dict[str, Any]] = []
    if method == "child_labour":
        from . import childlabour

        determination = childlabour.determine(definition, answers)
        score = float(determination.severity)
        reasons = [dict(r, kind="rule") for r in determination.reasons()]
    else:
        score = 0.0
        for item in instrument.answerable:
            if item["id"] not in answers:
                continue
            points = _item_points(item, answers[item["id"]])
            if points:
                score += 1 if method == "count" else points
                reasons.append(
                    {
                        "kind": "item",
                        "code": item["id"],
                        "points": points,
                        "text": item.get("reason", item["label"]),
                        "answer": _answer_text(item, answers[item["id"]]),
                    }
                )
    band = definition["bands"][0]
    for candidate in definition["bands"]:
        if score >= candidate["min"]:
            band = candidate
    return Outcome(score=score, band=band["code"], positive=bool(band["positive"]), reasons=reasons)
