"""The child-labour determination on the boundary of every rule in child_labour.json (law, BPS, SDG 8.7.1,
ILO hazardous work), called directly on the file so that these tests do not depend on the loader."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from sigap.screening import childlabour
from sigap.screening.childlabour import RESULTS, determine, validate_rules

DATA = Path(childlabour.__file__).parent / "data" / "instruments"
CONCERNS = Path(childlabour.__file__).parents[1] / "intake" / "data" / "concern_types.json"

with (DATA / "child_labour.json").open(encoding="utf-8") as handle:
    DEFINITION: dict[str, Any] = json.load(handle)

NONE = ["none"]


def child(
    age: int,
    works: str = "yes",
    weekly: float | None = None,
    daily: float | None = None,
    night: str = "no",
    school: str = "no",
    hazards: list[str] | None = None,
    worst: list[str] | None = None,
) -> dict[str, Any]:
    """Typed answers as the instrument parser gives them: work questions only when the child works,
    unanswered hours absent."""
    answers: dict[str, Any] = {"age": age, "works": works, "worst_forms": worst or NONE}
    if works == "yes":
        answers.update(night_work=night, school_hours=school, hazards=hazards or NONE)
        if weekly is not None:
            answers["weekly_hours"] = float(weekly)
        if daily is not None:
            answers["daily_hours"] = float(daily)
    return answers


def codes(answers: dict[str, Any]) -> list[str]:
    return [rule["code"] for rule in determine(DEFINITION, answers).fired]


CL, HAZ, WORST, NOT = "child_labour", "hazardous_child_labour", "worst_form", "not_child_labour"

# (answers, result, codes of the rules that fired, in file order)
BOUNDARIES = [
    # Under 5: the law applies, the statistical definitions do not.
    pytest.param(child(4, weekly=2), CL, ["uu_68_under_13"], id="a child of 4 who works is child labour by law only"),
    pytest.param(child(4, works="no"), NOT, [], id="a child of 4 who does not work is not child labour"),
    # 5–11: law, BPS and SDG all count any work of at least an hour.
    pytest.param(
        child(5, weekly=1),
        CL,
        ["uu_68_under_13", "bps_5_12_any_work", "sdg_5_11_one_hour"],
        id="a child of 5 working 1 hour a week is child labour by law, bps and sdg",
    ),
    pytest.param(
        child(5, weekly=0.5),
        CL,
        ["uu_68_under_13"],
        id="a child of 5 working half an hour a week is child labour by law but below the statistical hour",
    ),
    pytest.param(
        child(11, weekly=1),
        CL,
        ["uu_68_under_13", "bps_5_12_any_work", "sdg_5_11_one_hour"],
        id="a child of 11 working 1 hour a week is child labour by law, bps and sdg",
    ),
    pytest.param(
        child(11),
        CL,
        ["uu_68_under_13", "bps_5_12_any_work", "sdg_5_11_one_hour"],
        id="a child of 11 who works unknown hours is child labour by law, bps and sdg",
    ),
    # 12: still under 13 for the law and 5–12 for BPS; SDG moves to 14 hours.
    pytest.param(
        child(12, weekly=13),
        CL,
        ["uu_68_under_13", "bps_5_12_any_work"],
        id="a child of 12 working 13 hours is child labour by law and bps but not sdg",
    ),
    pytest.param(
        child(12, weekly=14),
        CL,
        ["uu_68_under_13", "bps_5_12_any_work", "sdg_12_14_fourteen_hours"],
        id="a child of 12 working 14 hours is child labour by law, bps and sdg",
    ),
    # 13: light work is allowed by law; SDG counts from 14 hours, BPS from more than 15.
    pytest.param(
        child(13, weekly=13, daily=3), NOT, [], id="a child of 13 working 13 hours, 3 a day, is not child labour"
    ),
    pytest.param(
        child(13, weekly=14, daily=3),
        CL,
        ["sdg_12_14_fourteen_hours"],
        id="a child of 13 working 14 hours is child labour by sdg only",
    ),
    pytest.param(
        child(13, weekly=10, daily=3.5),
        CL,
        ["uu_69_daily_hours"],
        id="a child of 13 working 3.5 hours on one day breaks the 3 hour limit of the law",
    ),
    pytest.param(
        child(13, weekly=6, daily=2, school="yes"),
        CL,
        ["uu_69_school_hours"],
        id="a child of 13 working during school hours breaks the law",
    ),
    # 14: BPS more than 15 hours, SDG 14 hours or more.
    pytest.param(child(14, weekly=13, daily=3), NOT, [], id="a child of 14 working 13 hours is not child labour"),
    pytest.param(
        child(14, weekly=15, daily=3),
        CL,
        ["sdg_12_14_fourteen_hours"],
        id="a child of 14 working 15 hours is child labour by sdg but not bps",
    ),
    pytest.param(
        child(14, weekly=15.5, daily=3),
        CL,
        ["bps_13_14_over_15_hours", "sdg_12_14_fourteen_hours"],
        id="a child of 14 working 15.5 hours is child labour by bps and sdg",
    ),
    pytest.param(
        child(14, weekly=16, daily=3),
        CL,
        ["bps_13_14_over_15_hours", "sdg_12_14_fourteen_hours"],
        id="a child of 14 working 16 hours is child labour by bps and sdg",
    ),
    # 15: still in the law's 13–15 light-work range; BPS more than 40 hours, SDG 43 hours (hazardous).
    pytest.param(child(15, weekly=18, daily=3), NOT, [], id="a child of 15 working 3 hours a day is not child labour"),
    pytest.param(
        child(15, weekly=18, daily=3.5),
        CL,
        ["uu_69_daily_hours"],
        id="a child of 15 working 3.5 hours on one day breaks the 3 hour limit of the law",
    ),
    pytest.param(
        child(15, weekly=10, school="yes"),
        CL,
        ["uu_69_school_hours"],
        id="a child of 15 working during school hours breaks the law",
    ),
    pytest.param(
        child(15, weekly=10, night="yes"),
        HAZ,
        ["uu_69_night_work", "ilo_night_work"],
        id="a child of 15 working at night breaks the law and is hazardous work",
    ),
    pytest.param(child(15, weekly=40), NOT, [], id="a child of 15 working 40 hours is not child labour"),
    pytest.param(child(15, weekly=41), CL, ["bps_15_17_over_40_hours"], id="a child of 15 working 41 hours is bps"),
    # 16: outside the law's light-work range; only the statistical hours and hazards apply.
    pytest.param(child(16, weekly=20, daily=4), NOT, [], id="a child of 16 working 4 hours a day is not child labour"),
    pytest.param(
        child(16, weekly=20, daily=4, school="yes"),
        NOT,
        [],
        id="a child of 16 working during school hours is not child labour under the rules checked",
    ),
    pytest.param(
        child(16, weekly=20, night="yes"),
        HAZ,
        ["ilo_night_work"],
        id="a child of 16 working at night is hazardous work",
    ),
    pytest.param(child(16, weekly=40), NOT, [], id="a child of 16 working 40 hours is not child labour"),
    pytest.param(child(16, weekly=41), CL, ["bps_15_17_over_40_hours"], id="a child of 16 working 41 hours is bps"),
    # 17: BPS more than 40 hours; 43 hours or more is hazardous long hours (SDG).
    pytest.param(
        child(17, weekly=42), CL, ["bps_15_17_over_40_hours"], id="a child of 17 working 42 hours is bps only"
    ),
    pytest.param(
        child(17, weekly=43),
        HAZ,
        ["bps_15_17_over_40_hours", "sdg_long_hours"],
        id="a child of 17 working 43 hours is hazardous long hours",
    ),
    pytest.param(
        child(12, weekly=43),
        HAZ,
        ["uu_68_under_13", "bps_5_12_any_work", "sdg_12_14_fourteen_hours", "sdg_long_hours"],
        id="a child of 12 working 43 hours is hazardous long hours",
    ),
    # Not working.
    pytest.param(child(10, works="no"), NOT, [], id="a child of 10 who does not work is not child labour"),
    pytest.param(child(10, works="unknown"), NOT, [], id="a child of 10 whose work is unknown fires no rule"),
    # Worst forms need no work and apply under 5 too.
    pytest.param(
        child(3, works="no", worst=["sale_trafficking"]),
        WORST,
        ["uu_74_slavery"],
        id="a child of 3 who was sold is a worst form without working",
    ),
    pytest.param(
        child(9, weekly=30, daily=6, night="yes", hazards=["heavy_loads"], worst=["debt_bondage", "gambling"]),
        WORST,
        [
            "uu_68_under_13",
            "uu_74_slavery",
            "uu_74_gambling",
            "uu_74_hazardous_work",
            "bps_5_12_any_work",
            "sdg_5_11_one_hour",
            "ilo_hazardous_conditions",
            "ilo_night_work",
        ],
        id="the most severe rule decides and every rule that fired is listed in file order",
    ),
]


@pytest.mark.parametrize(("answers", "result", "fired"), BOUNDARIES)
def test_the_determination_on_the_boundary_of_each_rule(answers, result, fired):
    determination = determine(DEFINITION, answers)

    assert determination.result == result
    assert [rule["code"] for rule in determination.fired] == fired
    assert determination.severity == RESULTS.index(result)


def test_every_rule_in_the_file_is_fixed_by_a_boundary_case():
    fired = {code for case in BOUNDARIES for code in case.values[2]}
    fired |= {"uu_74_hazardous_work", "ilo_hazardous_conditions"}  # each hazard, below
    fired |= set(WORST_FORMS.values())

    assert fired == {rule["code"] for rule in DEFINITION["scoring"]["rules"]}


HAZARDS = [
    c["value"]
    for c in next(i for i in DEFINITION["items"] if i["id"] == "hazards")["choices"]
    if not c.get("exclusive")
]


@pytest.mark.parametrize("hazard", HAZARDS)
def test_each_hazardous_condition_makes_work_hazardous_child_labour_under_law_and_ilo(hazard):
    determination = determine(DEFINITION, child(16, weekly=10, daily=2, hazards=[hazard]))

    assert determination.result == HAZ
    assert [rule["code"] for rule in determination.fired] == ["uu_74_hazardous_work", "ilo_hazardous_conditions"]


def test_the_ten_hazardous_conditions_of_recommendation_190_are_all_asked():
    assert HAZARDS == [
        "abuse",
        "underground",
        "under_water",
        "heights",
        "confined_spaces",
        "dangerous_machinery",
        "heavy_loads",
        "hazardous_substances",
        "extreme_conditions",
        "confinement",
    ]


@pytest.mark.parametrize("answer", [["none"], ["unknown"]])
def test_no_hazard_or_an_unknown_hazard_fires_no_hazard_rule(answer):
    assert codes(child(16, weekly=10, hazards=answer)) == []


def test_a_hazard_of_a_child_under_5_is_hazardous_child_labour_by_law_and_ilo():
    determination = determine(DEFINITION, child(4, weekly=3, hazards=["hazardous_substances"]))

    assert determination.result == HAZ
    assert [r["code"] for r in determination.fired] == [
        "uu_68_under_13",
        "uu_74_hazardous_work",
        "ilo_hazardous_conditions",
    ]


WORST_FORMS = {
    "sale_trafficking": "uu_74_slavery",
    "debt_bondage": "uu_74_slavery",
    "forced_labour": "uu_74_slavery",
    "armed_conflict": "uu_74_slavery",
    "commercial_sexual_exploitation": "uu_74_sexual_exploitation",
    "gambling": "uu_74_gambling",
    "alcohol_drugs": "uu_74_illicit_activities",
    "other_illicit": "uu_74_illicit_activities",
}


@pytest.mark.parametrize(("form", "rule"), WORST_FORMS.items())
def test_each_worst_form_is_a_worst_form_whether_or_not_the_child_is_said_to_work(form, rule):
    for answers in (child(16, works="no", worst=[form]), child(16, weekly=5, daily=1, worst=[form])):
        determination = determine(DEFINITION, answers)

        assert determination.result == WORST
        assert [r["code"] for r in determination.fired] == [rule]


def test_every_worst_form_choice_has_its_rule():
    choices = next(i for i in DEFINITION["items"] if i["id"] == "worst_forms")["choices"]

    assert {c["value"] for c in choices if not c.get("exclusive")} == set(WORST_FORMS)


@pytest.mark.parametrize("answer", [["none"], ["unknown"]])
def test_no_worst_form_or_an_unknown_one_fires_no_worst_form_rule(answer):
    assert codes(child(16, works="no", worst=answer)) == []


def test_work_answers_of_a_child_who_did_not_work_are_ignored():
    answers = child(14, works="no")
    answers.update(weekly_hours=50.0, daily_hours=8.0, night_work="yes", school_hours="yes", hazards=["heights"])

    determination = determine(DEFINITION, answers)

    assert determination.result == NOT
    assert determination.fired == ()


def test_an_unknown_night_or_school_answer_fires_no_rule():
    assert codes(child(14, weekly=5, daily=1, night="unknown", school="unknown")) == []


def test_a_determination_without_the_childs_age_is_refused():
    answers = child(14, weekly=16)
    del answers["age"]

    with pytest.raises(ValueError, match="age"):
        determine(DEFINITION, answers)


def test_a_person_of_18_is_outside_every_rule():
    assert determine(DEFINITION, child(18, weekly=60, night="yes")).result == NOT


# --- Reasons in words -----------------------------------------------------------------------------


def reason(answers: dict[str, Any], code: str) -> dict[str, Any]:
    return next(r for r in determine(DEFINITION, answers).reasons() if r["code"] == code)


def test_the_reason_names_the_rule_and_the_childs_hours_in_both_languages():
    text = reason(child(14, weekly=16, daily=3), "bps_13_14_over_15_hours")["text"]

    assert text == {
        "id": "BPS: usia 13–14 tahun bekerja lebih dari 15 jam seminggu (16 jam).",
        "en": "BPS: aged 13–14 and working more than 15 hours a week (16 hours).",
    }


def test_fractional_hours_are_written_with_a_decimal_comma_in_bahasa_indonesia():
    text = reason(child(14, weekly=15.5, daily=3), "bps_13_14_over_15_hours")["text"]

    assert "(15,5 jam)" in text["id"]
    assert "(15.5 hours)" in text["en"]


def test_the_reason_says_the_weekly_hours_are_unknown_when_they_are():
    text = reason(child(8), "bps_5_12_any_work")["text"]

    assert "berusia 8 tahun" in text["id"]
    assert "jam kerja seminggu: tidak diketahui" in text["id"]
    assert "hours worked in the week: unknown" in text["en"]


def test_the_reason_names_the_hazards_found():
    text = reason(child(16, weekly=10, hazards=["heights", "heavy_loads"]), "uu_74_hazardous_work")["text"]

    assert "(bekerja di ketinggian yang berbahaya; mengangkat atau mengangkut beban berat)" in text["id"]
    assert "(working at dangerous heights; lifting or carrying heavy loads)" in text["en"]


def test_the_reason_of_a_worst_form_rule_names_only_the_forms_it_covers():
    answers = child(15, works="no", worst=["debt_bondage", "gambling"])

    text = reason(answers, "uu_74_slavery")["text"]

    assert "bekerja untuk melunasi utang" in text["id"]
    assert "judi" not in text["id"]


def test_a_reason_carries_the_rule_code_framework_citation_text_and_result_only():
    found = reason(child(14, weekly=16), "bps_13_14_over_15_hours")

    assert set(found) == {"code", "framework", "citation", "text", "result"}
    assert found["framework"] == "bps"
    assert found["result"] == CL
    assert found["citation"]


def test_changing_the_reasons_returned_does_not_change_the_determination():
    determination = determine(DEFINITION, child(14, weekly=16))

    determination.reasons()[0]["text"]["id"] = "diubah"

    assert determination.reasons()[0]["text"]["id"].startswith("BPS:")


def test_the_determination_does_not_change_the_definition():
    before = copy.deepcopy(DEFINITION)

    determine(DEFINITION, child(9, weekly=30, hazards=["abuse"], worst=["gambling"]))

    assert DEFINITION == before


# --- The file -------------------------------------------------------------------------------------


def test_the_shipped_rules_are_valid():
    validate_rules(DEFINITION)


def test_the_bands_are_the_results_by_severity_and_only_not_child_labour_is_negative():
    assert [(b["code"], b["min"], b["positive"]) for b in DEFINITION["bands"]] == [
        ("not_child_labour", 0, False),
        ("child_labour", 1, True),
        ("hazardous_child_labour", 2, True),
        ("worst_form", 3, True),
    ]


def test_more_severe_results_must_be_assessed_sooner():
    hours = [b.get("task_hours", DEFINITION["triggers"]["positive"]["task_hours"]) for b in DEFINITION["bands"][1:]]

    assert hours == sorted(hours, reverse=True)
    assert hours[-1] == 24


def test_a_positive_determination_files_a_child_labour_concern():
    with CONCERNS.open(encoding="utf-8") as handle:
        known = {t["code"] for t in json.load(handle)["types"]}

    trigger = DEFINITION["triggers"]["positive"]

    assert trigger["action"] == "assessment"
    assert trigger["concerns"] == ["other_labour"]
    assert set(trigger["concerns"]) <= known


def test_the_item_ids_of_the_odk_export_are_kept():
    ids = [i["id"] for i in DEFINITION["items"] if i["type"] != "note"]

    assert ids == [
        "age",
        "works",
        "weekly_hours",
        "daily_hours",
        "night_work",
        "school_hours",
        "hazards",
        "worst_forms",
    ]


def test_the_description_states_that_13_to_15_includes_15():
    assert "termasuk usia 15 tahun" in DEFINITION["description"]["id"]
    assert "including 15" in DEFINITION["description"]["en"]


# --- validate_rules refuses a bad rule set --------------------------------------------------------


def with_rule(**changes: Any) -> dict[str, Any]:
    definition = copy.deepcopy(DEFINITION)
    rule = definition["scoring"]["rules"][0]
    for key, value in changes.items():
        if value is None:
            del rule[key]
        else:
            rule[key] = value
    return definition


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        pytest.param(with_rule(test={"weekly_hours_over": 15}), "unknown test 'weekly_hours_over'", id="unknown test"),
        pytest.param(with_rule(test="sometimes"), "unknown test 'sometimes'", id="unknown test name"),
        pytest.param(with_rule(result="forced_labour"), "result must be one of", id="unknown result"),
        pytest.param(with_rule(result="not_child_labour"), "result must be one of", id="a rule cannot clear a child"),
        pytest.param(with_rule(age_min=15, age_max=13), "age_min \\(15\\) is greater than age_max \\(13\\)", id="ages"),
        pytest.param(with_rule(age_max=18), "whole years from 0 to 17", id="age over 17"),
        pytest.param(with_rule(text={"id": "Hanya bahasa Indonesia"}), "both 'id' and 'en'", id="missing english"),
        pytest.param(with_rule(text={"id": " ", "en": "English"}), "both 'id' and 'en'", id="empty indonesian"),
        pytest.param(with_rule(text=None), "missing text", id="missing text"),
        pytest.param(
            with_rule(text={"id": "{umur} tahun", "en": "{age}"}), "uses \\{umur\\}", id="unknown placeholder"
        ),
        pytest.param(with_rule(framework="unicef"), "framework must be one of", id="unknown framework"),
        pytest.param(with_rule(citation=""), "citation", id="missing citation"),
        pytest.param(with_rule(code="UU 68"), "code must match", id="bad code"),
        pytest.param(with_rule(agemax=12), "unknown key\\(s\\) agemax", id="misspelt key"),
        pytest.param(with_rule(test={"weekly_hours_gt": "15"}), "needs a number", id="hours not a number"),
        pytest.param(with_rule(test={"night_work": 3}), "takes no parameter", id="parameter for a flag test"),
        pytest.param(with_rule(test={"hazard_in": ["lava"]}), "'lava'", id="unknown hazard choice"),
        pytest.param(with_rule(test={"hazard_in": ["none"]}), "'none'", id="exclusive choice in a test"),
        pytest.param(with_rule(test={"worst_form_in": []}), "non-empty list", id="empty choice list"),
        pytest.param(with_rule(code="uu_74_gambling"), "repeated code", id="repeated code"),
    ],
)
def test_validate_rules_refuses_a_bad_rule(definition, message):
    with pytest.raises(ValueError, match=message):
        validate_rules(definition)


def test_validate_rules_refuses_an_instrument_without_rules():
    definition = copy.deepcopy(DEFINITION)
    definition["scoring"]["rules"] = []

    with pytest.raises(ValueError, match="non-empty list"):
        validate_rules(definition)


def test_validate_rules_refuses_a_test_on_an_item_the_instrument_does_not_have():
    definition = copy.deepcopy(DEFINITION)
    definition["items"] = [i for i in definition["items"] if i["id"] != "hazards"]

    with pytest.raises(ValueError, match="reads the item 'hazards'"):
        validate_rules(definition)


def test_validate_rules_refuses_an_item_of_the_wrong_type():
    definition = copy.deepcopy(DEFINITION)
    next(i for i in definition["items"] if i["id"] == "weekly_hours")["type"] = "text"

    with pytest.raises(ValueError, match="'weekly_hours', which must be decimal or integer"):
        validate_rules(definition)


def test_validate_rules_refuses_bands_that_are_not_the_results():
    definition = copy.deepcopy(DEFINITION)
    definition["bands"][2]["min"] = 3

    with pytest.raises(ValueError, match="bands are the results by severity"):
        validate_rules(definition)
