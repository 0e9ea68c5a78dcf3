"""The instrument format: validation, skip logic, answers and scoring (no database)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.utils import translation

from sigap.screening import instruments
from sigap.screening.instruments import Instrument, InstrumentError

EARLY_WARNING_NOTHING = {
    "out_of_school": "no",
    "works": "no",
    "street": "no",
    "apart_from_parents": "no",
    "extreme_poverty": "no",
    "parent_abroad": "no",
    "online_strangers": "no",
    "job_offer_far": "no",
    "earlier_harm": "no",
}


@pytest.fixture(autouse=True)
def indonesian() -> Any:
    """Messages are checked in Bahasa Indonesia, whatever language an earlier test left active."""
    with translation.override("id"):
        yield


def early_warning() -> Instrument:
    return instruments.builtin()["early_warning"]


def definition() -> dict[str, Any]:
    return copy.deepcopy(early_warning().definition)


def score(answers: dict[str, Any]) -> instruments.Outcome:
    inst = early_warning()
    parsed = instruments.parse_answers(inst, answers)
    assert parsed.ok, parsed.errors
    return instruments.evaluate(inst, parsed.answers)


def test_every_built_in_instrument_is_valid_and_named_after_its_file() -> None:
    found = instruments.builtin()
    assert {"early_warning", "forced_labour", "child_labour"} <= set(found)
    for inst in found.values():
        instruments.validate(inst.definition)
        assert inst.definition["licence"]["items_embeddable"] is True


def test_every_built_in_instrument_states_its_licence_and_validation_in_both_languages() -> None:
    for inst in instruments.builtin().values():
        d = inst.definition
        assert d["licence"]["name"] and d["licence"]["holder"]
        assert d["validation"]["status"] in instruments.VALIDATION_STATUSES
        assert d["validation"]["population"]["id"] and d["validation"]["population"]["en"]


def test_the_early_warning_checklist_is_marked_not_validated() -> None:
    assert early_warning().validation_status == "not_validated"


def test_no_signs_score_nothing_and_are_not_positive() -> None:
    outcome = score(EARLY_WARNING_NOTHING)
    assert (outcome.score, outcome.band, outcome.positive, outcome.reasons) == (0, "no_signs", False, [])


def test_one_strong_sign_reaches_the_assessment_threshold_with_its_reason() -> None:
    outcome = score({**EARLY_WARNING_NOTHING, "job_offer_far": "yes"})
    assert outcome.band == "assess" and outcome.positive
    assert [r["code"] for r in outcome.reasons] == ["job_offer_far"]
    assert outcome.reasons[0]["text"]["id"] == "Tawaran kerja jauh dari rumah"


def test_a_score_just_below_the_threshold_is_not_positive() -> None:
    outcome = score({**EARLY_WARNING_NOTHING, "out_of_school": "yes"})
    assert (outcome.score, outcome.positive) == (2, False)


def test_several_signs_make_an_urgent_assessment() -> None:
    outcome = score({**EARLY_WARNING_NOTHING, "street": "yes", "online_strangers": "yes"})
    assert (outcome.score, outcome.band) == (6, "assess_urgently")
    assert early_warning().task_hours(outcome.band) == 24


def test_unknown_answers_add_nothing() -> None:
    outcome = score({k: "unknown" for k in EARLY_WARNING_NOTHING})
    assert outcome.score == 0


def test_a_follow_up_question_is_asked_only_when_its_condition_holds() -> None:
    inst = early_warning()
    item = inst.item("works_far_from_home")
    assert not instruments.is_relevant(item, {"works": "no"})
    assert instruments.is_relevant(item, {"works": "yes"})


def test_an_answer_to_a_question_that_does_not_apply_is_dropped() -> None:
    parsed = instruments.parse_answers(early_warning(), {**EARLY_WARNING_NOTHING, "works_far_from_home": "yes"})
    assert parsed.ok and "works_far_from_home" not in parsed.answers


def test_a_follow_up_that_applies_must_be_answered() -> None:
    parsed = instruments.parse_answers(early_warning(), {**EARLY_WARNING_NOTHING, "works": "yes"})
    assert parsed.errors == {"works_far_from_home": "Wajib dijawab."}


def test_every_missing_and_invalid_answer_is_reported_at_once() -> None:
    answers = dict(EARLY_WARNING_NOTHING)
    del answers["street"]
    answers["parent_abroad"] = "maybe"
    parsed = instruments.parse_answers(early_warning(), answers)
    assert set(parsed.errors) == {"street", "parent_abroad"}
    assert "ya, tidak" in parsed.errors["parent_abroad"]


def test_indonesian_yes_and_no_are_understood() -> None:
    parsed = instruments.parse_answers(early_warning(), {**EARLY_WARNING_NOTHING, "street": "Ya", "works": "Tidak"})
    assert parsed.answers["street"] == "yes" and parsed.answers["works"] == "no"


def _with_item(item: dict[str, Any]) -> Instrument:
    d = definition()
    d["items"].append(item)
    instruments.validate(d)
    return Instrument(d)


def test_numbers_are_checked_against_their_bounds_and_accept_a_decimal_comma() -> None:
    inst = _with_item({"id": "hours", "type": "decimal", "min": 0, "max": 112, "label": {"id": "Jam", "en": "Hours"}})
    ok = instruments.parse_answers(inst, {**EARLY_WARNING_NOTHING, "hours": "12,5"})
    assert ok.answers["hours"] == 12.5
    bad = instruments.parse_answers(inst, {**EARLY_WARNING_NOTHING, "hours": "200"})
    assert bad.errors["hours"] == "Isi angka antara 0 dan 112."


def test_an_exclusive_choice_cannot_be_combined() -> None:
    inst = _with_item(
        {
            "id": "hazards",
            "type": "select_multiple",
            "label": {"id": "Bahaya", "en": "Hazards"},
            "choices": [
                {"value": "heights", "label": {"id": "Ketinggian", "en": "Heights"}, "points": 2},
                {"value": "loads", "label": {"id": "Beban berat", "en": "Heavy loads"}, "points": 1},
                {"value": "none", "label": {"id": "Tidak ada", "en": "None"}, "exclusive": True},
            ],
        }
    )
    bad = instruments.parse_answers(inst, {**EARLY_WARNING_NOTHING, "hazards": "none heights"})
    assert "hazards" in bad.errors
    ok = instruments.parse_answers(inst, {**EARLY_WARNING_NOTHING, "hazards": ["loads", "heights"]})
    assert ok.answers["hazards"] == ["heights", "loads"]
    assert instruments.evaluate(inst, ok.answers).score == 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version="satu"), "version"),
        (lambda d: d["title"].pop("en"), "title"),
        (lambda d: d["validation"].update(status="probably"), "validation.status"),
        (lambda d: d["items"][1].update(type="slider"), "type must be one of"),
        (lambda d: d["items"].append(dict(d["items"][1])), "repeated id"),
        (lambda d: d["items"][3].update(relevant={"item": "later_item", "equals": "yes"}), "not an earlier item"),
        (lambda d: d["items"][1].update(points={"perhaps": 1}), "'points' keys"),
        (lambda d: d["bands"].reverse(), "ascending"),
        (lambda d: d["triggers"]["positive"].update(concerns=["nonsense"]), "concern codes"),
        (lambda d: d["licence"].update(items_embeddable=False), "licensed tool"),
    ],
)
def test_a_malformed_instrument_is_refused_with_a_reason(change: Any, message: str) -> None:
    d = definition()
    change(d)
    with pytest.raises(InstrumentError, match=message):
        instruments.validate(d)


def test_a_file_must_be_named_after_its_instrument(tmp_path: Any) -> None:
    path = tmp_path / "something_else.json"
    path.write_text(json.dumps(definition()), encoding="utf-8")
    with pytest.raises(InstrumentError, match="named after"):
        instruments.read_file(path)
