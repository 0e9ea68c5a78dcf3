"""The child-labour determination: Indonesian law, the BPS definition, SDG 8.7.1 and ILO hazardous work.

The rules are data (``scoring.rules`` of an instrument with ``scoring.method == "child_labour"``, see
``data/instruments/child_labour.json`` and ``docs/screening.md``); this module is the engine that applies
them. Each rule has an age range (inclusive, completed years), a declarative ``test`` on the answers and
the ``result`` it gives. The determination is the most severe result of all rules that fire and lists
every rule that fired, with its reason text filled with the child's own values, so that a social
worker reads *why* ("BPS: usia 13–14 tahun bekerja lebih dari 15 jam seminggu (16 jam)").

A rule's ``test`` is either the name of a test without a parameter (``"night_work"``) or an object with
one key, the test, and its parameter (``{"weekly_hours_gt": 15}``, ``{"worst_form_in": ["gambling"]}``):

==================== =============== ===================================================================
test                 parameter       fires when
==================== =============== ===================================================================
``works``            –               the child worked in the reference week (``works`` = yes), any hours
``works_any``        –               ``works`` = yes and ``weekly_hours`` ≥ 1, or the hours are unknown
``weekly_hours_gt``  number          ``works`` = yes and ``weekly_hours`` > N
``weekly_hours_gte`` number          ``works`` = yes and ``weekly_hours`` ≥ N
``daily_hours_gt``   number          ``works`` = yes and ``daily_hours`` (the longest day) > N
``night_work``       –               ``works`` = yes and ``night_work`` = yes
``school_hours``     –               ``works`` = yes and ``school_hours`` = yes
``hazard_any``       –               ``works`` = yes and any ``hazards`` choice other than an exclusive one
``hazard_in``        choice values   ``works`` = yes and ``hazards`` includes one of the values
``worst_form_any``   –               any ``worst_forms`` choice other than an exclusive one (any ``works``)
``worst_form_in``    choice values   ``worst_forms`` includes one of the values (any ``works``)
==================== =============== ===================================================================

Answers about the work (hours, night, school hours, hazards) count only when ``works`` is ``yes``: they
are asked only then, and an answer that contradicts "did not work" must not make a child a child
labourer. ``worst_forms`` is asked of every child and counts whatever ``works`` says. An answer of
``unknown`` never fires a rule; an unknown number of weekly hours still fires ``works_any``.

Reason texts may use the placeholders ``{age}``, ``{weekly_hours}``, ``{daily_hours}``, ``{hazards}``
and ``{worst_forms}``; the last two are the labels of the choices the rule looked at and found, as
they read inside a sentence (first letter in lower case, examples in brackets left out). Unknown
hours read "tidak diketahui" / "unknown".
Numbers are written the Indonesian way in ``id`` (``15,5``) and the English way in ``en`` (``15.5``).
"""

from __future__ import annotations

import copy
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

RESULTS = ("not_child_labour", "child_labour", "hazardous_child_labour", "worst_form")  # severity 0..3
FRAMEWORKS = ("uu_13_2003", "bps", "sdg_8_7_1", "ilo_hazardous")
LANGUAGES = ("id", "en")
MAX_AGE = 17  # a child is under 18 (UU 13/2003 Pasal 1 angka 26)
RULE_KEYS = ("code", "framework", "citation", "text", "age_min", "age_max", "test", "result")
REASON_KEYS = ("code", "framework", "citation", "text", "result")
PLACEHOLDERS = ("age", "weekly_hours", "daily_hours", "hazards", "worst_forms")
CODE = re.compile(r"^[a-z][a-z0-9_]*$")

# Test name -> (kind of parameter: None, "number" or "choices"; the items it reads, the first being the
# item whose choices a "choices" parameter names).
TESTS: dict[str, tuple[str | None, tuple[str, ...]]] = {
    "works": (None, ("works",)),
    "works_any": (None, ("works", "weekly_hours")),
    "weekly_hours_gt": ("number", ("weekly_hours", "works")),
    "weekly_hours_gte": ("number", ("weekly_hours", "works")),
    "daily_hours_gt": ("number", ("daily_hours", "works")),
    "night_work": (None, ("night_work", "works")),
    "school_hours": (None, ("school_hours", "works")),
    "hazard_any": (None, ("hazards", "works")),
    "hazard_in": ("choices", ("hazards", "works")),
    "worst_form_any": (None, ("worst_forms",)),
    "worst_form_in": ("choices", ("worst_forms",)),
}
# The type each item the tests read must have in the instrument.
ITEM_TYPES: dict[str, tuple[str, ...]] = {
    "age": ("integer",),
    "works": ("yes_no",),
    "weekly_hours": ("decimal", "integer"),
    "daily_hours": ("decimal", "integer"),
    "night_work": ("yes_no",),
    "school_hours": ("yes_no",),
    "hazards": ("select_multiple",),
    "worst_forms": ("select_multiple",),
}
# Answers that exist only when the child works (see the module docstring).
WORK_ITEMS = ("weekly_hours", "daily_hours", "night_work", "school_hours", "hazards")
UNKNOWN_VALUE = {"id": "tidak diketahui", "en": "unknown"}


@dataclass(frozen=True)
class Determination:
    """The outcome of :func:`determine`. ``fired`` holds, in the file's order, the rules that fired as
    ``{code, framework, citation, text, result}`` with the text filled with the child's values."""

    result: str
    severity: int
    fired: tuple[dict[str, Any], ...]

    def reasons(self) -> list[dict[str, Any]]:
        """Every rule that fired, as plain JSON-ready dicts (copies: safe to store or change)."""
        return [copy.deepcopy(rule) for rule in self.fired]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(rule["code"] for rule in self.fired)


# --- Validation -----------------------------------------------------------------------------------


def _text_ok(value: Any) -> bool:
    return isinstance(value, dict) and all(isinstance(value.get(k), str) and value[k].strip() for k in LANGUAGES)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _split_test(test: Any, where: str) -> tuple[str, Any]:
    """The name and parameter of a rule's test, or ValueError."""
    if isinstance(test, str):
        return test, None
    if isinstance(test, dict) and len(test) == 1:
        ((name, param),) = test.items()
        return name, param
    raise ValueError(f"{where}: test must be a test name or an object with exactly one test")


def _check_text(text: Any, where: str) -> None:
    if not _text_ok(text):
        raise ValueError(f"{where}: text needs both 'id' and 'en' (Bahasa Indonesia and English)")
    for lang in LANGUAGES:
        try:
            fields = list(string.Formatter().parse(text[lang]))
        except ValueError as exc:
            raise ValueError(f"{where}: text.{lang} has a broken placeholder ({exc}); write {{{{ for a brace") from exc
        for _literal, name, spec, conversion in fields:
            if name is None:
                continue
            if name not in PLACEHOLDERS or spec or conversion:
                raise ValueError(
                    f"{where}: text.{lang} uses {{{name}}}; the placeholders are "
                    + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                )


def _check_test(test: Any, items: Mapping[str, Mapping[str, Any]], where: str) -> None:
    name, param = _split_test(test, where)
    if name not in TESTS:
        raise ValueError(f"{where}: unknown test {name!r}; the tests are {', '.join(TESTS)}")
    kind, reads = TESTS[name]
    for item_id in reads:
        if item_id not in items:
            raise ValueError(f"{where}: test {name!r} reads the item {item_id!r}, which the instrument does not have")
    if kind is None:
        if param not in (None, True):
            raise ValueError(f"{where}: test {name!r} takes no parameter (write it as {name!r})")
    elif kind == "number":
        if not _is_number(param) or param < 0:
            raise ValueError(f"{where}: test {name!r} needs a number of hours ≥ 0")
    else:
        item = items[reads[0]]
        allowed = {c["value"] for c in item.get("choices", []) if isinstance(c, dict) and not c.get("exclusive")}
        if not isinstance(param, list) or not param or not all(isinstance(v, str) for v in param):
            raise ValueError(f"{where}: test {name!r} needs a non-empty list of choice values of {reads[0]!r}")
        unknown = [v for v in param if v not in allowed]
        if unknown:
            raise ValueError(
                f"{where}: test {name!r} names {', '.join(map(repr, unknown))}, which "
                f"{'is not a' if len(unknown) == 1 else 'are not'} non-exclusive choice of {reads[0]!r}"
            )


def validate_rules(definition: dict[str, Any]) -> None:
    """Raise ValueError saying what is wrong with the child-labour rules of an instrument definition
    (its items are assumed valid; the instrument loader checks them first)."""
    items: dict[str, Mapping[str, Any]] = {
        item["id"]: item for item in definition.get("items") or [] if isinstance(item, dict) and "id" in item
    }
    for item_id, item in items.items():
        expected = ITEM_TYPES.get(item_id)
        if expected and item.get("type") not in expected:
            raise ValueError(f"child-labour rules read the item {item_id!r}, which must be {' or '.join(expected)}")
    if "age" not in items:
        raise ValueError("child-labour rules need an integer item 'age' (completed years)")
    scoring = definition.get("scoring")
    rules = scoring.get("rules") if isinstance(scoring, dict) else None
    if not isinstance(rules, list) or not rules:
        raise ValueError("scoring.rules must be a non-empty list of child-labour rules")
    seen: set[str] = set()
    for position, rule in enumerate(rules):
        where = f"rule {position + 1}"
        if not isinstance(rule, dict):
            raise ValueError(f"{where}: must be an object")  # noqa: TRY004 - the loader reports ValueErrors
        code = rule.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            raise ValueError(f"{where}: code must match {CODE.pattern}")
        where = f"rule {code!r}"
        if code in seen:
            raise ValueError(f"{where}: repeated code")
        seen.add(code)
        missing = [k for k in RULE_KEYS if k not in rule]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        extra = sorted(set(rule) - set(RULE_KEYS))
        if extra:
            raise ValueError(f"{where}: unknown key(s) {', '.join(extra)}; a rule has {', '.join(RULE_KEYS)}")
        if rule["framework"] not in FRAMEWORKS:
            raise ValueError(f"{where}: framework must be one of {', '.join(FRAMEWORKS)}")
        if not isinstance(rule["citation"], str) or not rule["citation"].strip():
            raise ValueError(f"{where}: citation must name the law or standard")
        _check_text(rule["text"], where)
        low, high = rule["age_min"], rule["age_max"]
        if not all(isinstance(a, int) and not isinstance(a, bool) and 0 <= a <= MAX_AGE for a in (low, high)):
            raise ValueError(f"{where}: age_min and age_max must be whole years from 0 to {MAX_AGE}")
        if low > high:
            raise ValueError(f"{where}: age_min ({low}) is greater than age_max ({high})")
        if rule["result"] not in RESULTS[1:]:
            raise ValueError(f"{where}: result must be one of {', '.join(RESULTS[1:])}")
        _check_test(rule["test"], items, where)
    bands = definition.get("bands")
    if isinstance(bands, list) and all(isinstance(b, dict) for b in bands):
        found = [(b.get("code"), b.get("min")) for b in bands]
        wanted = [(code, severity) for severity, code in enumerate(RESULTS)]
        if found != wanted:
            raise ValueError(
                "a child-labour instrument's bands are the results by severity: "
                + ", ".join(f"{code} (min {severity})" for code, severity in wanted)
            )


# --- Determination --------------------------------------------------------------------------------


def _number_text(value: float, lang: str) -> str:
    if float(value).is_integer():
        text = str(int(value))
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def _short(label: str) -> str:
    """A choice label as it reads inside a sentence: without its trailing examples in brackets and
    without the capital of its first word ("Mengangkat beban berat (karung)" → "mengangkat beban berat")."""
    text = re.sub(r"\s*\([^()]*\)\s*$", "", label).strip() or label
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text


def _selected(answers: Mapping[str, Any], item: Mapping[str, Any] | None) -> list[str]:
    """The non-exclusive choices chosen for a select_multiple item, in the item's order."""
    value = answers.get(item["id"]) if item else None
    if not item or not isinstance(value, list):
        return []
    return [c["value"] for c in item["choices"] if c["value"] in value and not c.get("exclusive")]


class _Case:
    """The answers of one child, read the way the rules need them."""

    def __init__(self, definition: Mapping[str, Any], answers: Mapping[str, Any]) -> None:
        self.items = {item["id"]: item for item in definition.get("items", [])}
        works = answers.get("works")
        self.works = works == "yes"
        self.answers = {k: v for k, v in answers.items() if self.works or k not in WORK_ITEMS}
        self.age = answers.get("age")
        if not isinstance(self.age, int) or isinstance(self.age, bool) or self.age < 0:
            raise ValueError("the child's age (completed years, a whole number ≥ 0) is needed for a determination")
        self.matched: dict[str, list[str]] = {}  # item id -> choices a choice test found, for {hazards} etc.

    def hours(self, item_id: str) -> float | None:
        value = self.answers.get(item_id)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        return None

    def choices(self, item_id: str, among: list[str] | None) -> list[str]:
        chosen = _selected(self.answers, self.items.get(item_id))
        found = [v for v in chosen if among is None or v in among]
        self.matched[item_id] = found
        return found

    def test(self, name: str, param: Any) -> bool:
        weekly = self.hours("weekly_hours")
        if name == "works":
            return self.works
        if name == "works_any":
            return self.works and (weekly is None or weekly >= 1)
        if name == "weekly_hours_gt":
            return weekly is not None and weekly > param
        if name == "weekly_hours_gte":
            return weekly is not None and weekly >= param
        if name == "daily_hours_gt":
            daily = self.hours("daily_hours")
            return daily is not None and daily > param
        if name in ("night_work", "school_hours"):
            return self.answers.get(name) == "yes"
        if name in ("hazard_any", "hazard_in"):
            return bool(self.choices("hazards", param if name == "hazard_in" else None))
        if name in ("worst_form_any", "worst_form_in"):
            return bool(self.choices("worst_forms", param if name == "worst_form_in" else None))
        raise ValueError(f"unknown child-labour test {name!r}")

    def values(self, lang: str) -> dict[str, str]:
        filled = {"age": str(self.age)}
        for item_id in ("weekly_hours", "daily_hours"):
            hours = self.hours(item_id)
            filled[item_id] = UNKNOWN_VALUE[lang] if hours is None else _number_text(hours, lang)
        for item_id in ("hazards", "worst_forms"):
            item = self.items.get(item_id)
            found = self.matched.get(item_id) or []
            labels = [_short(c["label"][lang]) for c in (item or {}).get("choices", []) if c["value"] in found]
            filled[item_id] = "; ".join(labels) if labels else UNKNOWN_VALUE[lang]
        return filled


def determine(definition: dict[str, Any], answers: Mapping[str, Any]) -> Determination:
    """Apply the instrument's child-labour rules to one child's typed answers.

    ``answers`` come from the instrument parser: yes_no → "yes"/"no"/"unknown", integer → int, decimal →
    float, select_multiple → list of values; items not asked or not answered are absent. The child's
    ``age`` must be present (ValueError otherwise)."""
    case = _Case(definition, answers)
    fired: list[dict[str, Any]] = []
    for rule in definition["scoring"]["rules"]:
        if not rule["age_min"] <= case.age <= rule["age_max"]:
            continue
        name, param = _split_test(rule["test"], f"rule {rule.get('code')!r}")
        case.matched.clear()
        if not case.test(name, param):
            continue
        reason = {key: copy.deepcopy(rule[key]) for key in REASON_KEYS}
        reason["text"] = {lang: rule["text"][lang].format(**case.values(lang)) for lang in LANGUAGES}
        fired.append(reason)
    severity = max((RESULTS.index(rule["result"]) for rule in fired), default=0)
    return Determination(result=RESULTS[severity], severity=severity, fired=tuple(fired))
