"""The ILO forced-labour indicators instrument as a data file: the eleven indicators, both languages, the
bands and what a positive result triggers (the engine's own tests score it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

SIGAP = Path(__file__).resolve().parents[2]


def load(*parts: str) -> Any:
    with SIGAP.joinpath(*parts).open(encoding="utf-8") as handle:
        return json.load(handle)


DEFINITION = load("screening", "data", "instruments", "forced_labour.json")
INDICATORS = [i["code"] for i in load("assessments", "data", "ilo_forced_labour_indicators.json")["indicators"]]
CONCERNS = {t["code"] for t in load("intake", "data", "concern_types.json")["types"]}
QUESTIONS = [i for i in DEFINITION["items"] if i["type"] != "note"]


def band_for(count: int) -> dict[str, Any]:
    """The band of a count, as docs/screening.md defines it: the last band whose min ≤ score."""
    return [b for b in DEFINITION["bands"] if b["min"] <= count][-1]


def filled(text: Any) -> bool:
    return isinstance(text, dict) and all(isinstance(text.get(k), str) and text[k].strip() for k in ("id", "en"))


def test_there_is_one_yes_no_question_per_ilo_indicator_in_the_ilo_order():
    assert len(QUESTIONS) == 11
    assert [q["id"] for q in QUESTIONS] == INDICATORS
    assert {q["type"] for q in QUESTIONS} == {"yes_no"}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q["id"])
def test_each_question_has_a_label_a_hint_with_examples_and_a_reason_in_both_languages(question):
    assert filled(question["label"])
    assert filled(question["hint"])
    assert filled(question["reason"])
    assert question["label"]["id"] != question["label"]["en"]


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q["id"])
def test_only_a_yes_counts_as_an_indicator(question):
    assert question["points"] == {"yes": 1}


def test_the_result_is_the_number_of_indicators_present():
    assert DEFINITION["scoring"] == {"method": "count"}


def test_no_indicator_is_a_negative_result():
    band = band_for(0)

    assert band["code"] == "no_indicator"
    assert band["positive"] is False


def test_a_single_indicator_opens_an_assessment():
    band = band_for(1)

    assert band["code"] == "indicator_present"
    assert band["positive"] is True


@pytest.mark.parametrize("count", [2, 5, 11])
def test_two_or_more_indicators_open_an_urgent_assessment(count):
    band = band_for(count)

    assert band["code"] == "several_indicators"
    assert band["positive"] is True
    assert band["task_hours"] < band_for(1)["task_hours"]


def test_every_band_has_a_label_in_both_languages():
    assert all(filled(b["label"]) for b in DEFINITION["bands"])


def test_a_positive_result_opens_an_assessment_for_trafficking_and_child_labour():
    trigger = DEFINITION["triggers"]["positive"]

    assert trigger["action"] == "assessment"
    assert trigger["concerns"] == ["trafficking", "other_labour"]
    assert set(trigger["concerns"]) <= CONCERNS
    assert isinstance(trigger["task_hours"], int) and trigger["task_hours"] > 0
    assert filled(trigger["note"])


def test_the_indicators_are_not_presented_as_a_validated_instrument():
    validation = DEFINITION["validation"]

    assert validation["status"] == "not_validated"
    assert "Not validated" in validation["population"]["en"]
    assert "Belum divalidasi" in validation["population"]["id"]


def test_the_licence_credits_the_ilo_indicators_and_the_sigap_contributors():
    licence = DEFINITION["licence"]

    assert (licence["name"], licence["holder"], licence["items_embeddable"]) == (
        "CC BY 4.0",
        "Sigap contributors",
        True,
    )
    assert "based on ILO Indicators of Forced Labour (2012)" in licence["note"]["en"]
    assert "ILO Indicators of Forced Labour, Geneva, 2012" in DEFINITION["validation"]["reference"]


def test_the_instrument_is_named_after_its_file_and_has_a_version():
    assert DEFINITION["id"] == "forced_labour"
    assert DEFINITION["version"] == "1.0.0"
    assert all(filled(DEFINITION[key]) for key in ("title", "description", "audience"))
