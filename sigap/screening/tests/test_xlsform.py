"""Instruments and the concern report as XLSForms for ODK Collect / KoboCollect, and the download page."""

from __future__ import annotations

import copy
import re
from io import BytesIO
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from sigap.intake import reference
from sigap.screening import instruments, xlsform
from sigap.screening.instruments import Instrument, InstrumentError

INSTRUMENT_IDS = sorted(path.stem for path in instruments.DATA_DIR.glob("*.json"))
ID_LABEL = "label::Bahasa Indonesia (id)"
EN_LABEL = "label::English (en)"


def sheet(book: bytes, name: str) -> list[dict[str, Any]]:
    rows = list(load_workbook(BytesIO(book), read_only=True)[name].iter_rows(values_only=True))
    header = [str(h) for h in rows[0]]
    return [{h: ("" if v is None else v) for h, v in zip(header, row, strict=False)} for row in rows[1:]]


def converted(book: bytes) -> tuple[str, list[str]]:
    warnings: list[str] = []
    result = convert(xlsform=BytesIO(book), file_type=".xlsx", warnings=warnings)
    return result.xform, warnings


def early_warning_with(*items: dict[str, Any]) -> Instrument:
    definition = copy.deepcopy(instruments.builtin()["early_warning"].definition)
    definition["items"] = [*definition["items"], *items]
    instruments.validate(definition)
    return Instrument(definition)


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_instrument_converts_with_pyxform_without_error_or_warning(instrument_id: str) -> None:
    instrument = instruments.builtin()[instrument_id]
    xform, warnings = converted(xlsform.instrument_xlsform(instrument))
    assert warnings == []
    assert f'id="{instrument.id}"' in xform and f'version="{instrument.version}"' in xform
    assert '<bind nodeset="/data/meta/instanceID" type="string" readonly="true()" jr:preload="uid"/>' in xform


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_instruments_skip_logic_refers_only_to_earlier_fields(instrument_id: str) -> None:
    instrument = instruments.builtin()[instrument_id]
    rows = sheet(xlsform.instrument_xlsform(instrument), "survey")
    seen: set[str] = set()
    for row in rows:
        for column in ("relevant", "calculation", "constraint"):
            mentioned = set(re.findall(r"\$\{(\w+)\}", str(row.get(column, ""))))
            assert mentioned <= seen, f"{row['name']}: {column} mentions {mentioned - seen}"
        if row.get("name"):
            seen.add(row["name"])
    relevant = {row["name"]: row["relevant"] for row in rows if row.get("name")}
    for item in instrument.items:
        assert bool(relevant[item["id"]]) == ("relevant" in item), item["id"]


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_every_item_is_asked_by_its_id_in_both_languages_and_required_as_the_instrument_says(
    instrument_id: str,
) -> None:
    instrument = instruments.builtin()[instrument_id]
    rows = {row["name"]: row for row in sheet(xlsform.instrument_xlsform(instrument), "survey") if row["name"]}
    for item in instrument.items:
        row = rows[item["id"]]
        if row["type"] == "calculate":
            assert item["id"] == "age" and row["calculation"] == "${child_age}"
            continue
        assert (row[ID_LABEL], row[EN_LABEL]) == (item["label"]["id"], item["label"]["en"])
        required = item["type"] != "note" and item.get("required", item["type"] != "text")
        assert (row["required"] == "yes") == required, item["id"]
        expected_type = {"yes_no": "select_one yes_no", "select_one": f"select_one {item['id']}"}.get(
            item["type"], f"select_multiple {item['id']}" if item["type"] == "select_multiple" else item["type"]
        )
        assert row["type"] == expected_type


def test_the_form_starts_with_the_child_and_carries_the_instruments_id_version_and_indonesian_title() -> None:
    instrument = instruments.builtin()["early_warning"]
    book = xlsform.instrument_xlsform(instrument)
    rows = sheet(book, "survey")
    names = [row["name"] for row in rows]
    assert names[:10] == [
        "start",
        "end",
        "sigap_form",
        "child",
        "child_name",
        "child_age",
        "child_sex",
        "village_code",
        "screened_on",
        "",
    ]
    by_name = {row["name"]: row for row in rows}
    assert by_name["sigap_form"]["calculation"] == "'early_warning@1.0.0'"
    assert by_name["child_age"]["constraint"] == ". >= 5 and . <= 17"
    assert by_name["village_code"]["constraint"] == r"regex(., '^\d{2}\.\d{2}\.\d{2}\.\d{4}$')"
    assert "35.78.01.1002" in by_name["village_code"]["hint::Bahasa Indonesia (id)"]
    assert by_name["screened_on"]["default"] == "today()"
    assert by_name["child_sex"]["type"] == "select_one child_sex"
    settings = sheet(book, "settings")[0]
    assert settings["form_id"] == "early_warning" and settings["version"] == "1.0.0"
    assert settings["form_title"] == instrument.definition["title"]["id"]
    assert settings["default_language"] == "Bahasa Indonesia (id)"
    assert "${child_name}" in settings["instance_name"]


def test_yes_no_questions_offer_yes_no_and_unknown_in_both_languages() -> None:
    choices = sheet(xlsform.instrument_xlsform(instruments.builtin()["early_warning"]), "choices")
    yes_no = [(c["name"], c[ID_LABEL], c[EN_LABEL]) for c in choices if c["list_name"] == "yes_no"]
    assert yes_no == [("yes", "Ya", "Yes"), ("no", "Tidak", "No"), ("unknown", "Tidak tahu", "Unknown")]


def test_skip_logic_is_written_in_xpath_with_sigaps_meaning() -> None:
    x = xlsform.xpath_condition
    assert x({"item": "works", "equals": "yes"}) == "${works} = 'yes'"
    assert x({"item": "hazards", "includes": "night"}) == "selected(${hazards}, 'night')"
    assert x({"item": "age", "gte": 13}) == "${age} != '' and ${age} >= 13"
    assert x({"item": "works", "not_equals": "no"}) == "${works} != '' and ${works} != 'no'"
    assert x({"not": {"item": "works", "equals": "yes"}}) == "not(${works} = 'yes')"
    assert (
        x({"all": [{"item": "works", "equals": "yes"}, {"any": [{"item": "age", "lt": 15}, {"item": "n", "gt": 2.5}]}]})
        == "${works} = 'yes' and ((${age} != '' and ${age} < 15) or (${n} != '' and ${n} > 2.5))"
    )
    # An answer to a question no longer asked never counts (Sigap drops it).
    guarded = x({"item": "weekly_hours", "gt": 15}, {"weekly_hours": "${works} = 'yes'"})
    assert guarded == "${works} = 'yes' and (${weekly_hours} != '' and ${weekly_hours} > 15)"


def test_an_exclusive_choice_cannot_be_combined_with_others_on_the_phone() -> None:
    instrument = early_warning_with(
        {
            "id": "places",
            "type": "select_multiple",
            "label": {"id": "Tempat", "en": "Places"},
            "choices": [
                {"value": "street", "label": {"id": "Jalan", "en": "Street"}},
                {"value": "market", "label": {"id": "Pasar", "en": "Market"}},
                {"value": "none", "label": {"id": "Tidak ada", "en": "None"}, "exclusive": True},
            ],
        }
    )
    row = next(r for r in sheet(xlsform.instrument_xlsform(instrument), "survey") if r["name"] == "places")
    assert row["constraint"] == "not(selected(., 'none') and count-selected(.) > 1)"
    assert "Tidak ada" in row["constraint_message::Bahasa Indonesia (id)"]


def test_numbers_are_bounded_on_the_phone_as_in_the_instrument() -> None:
    instrument = early_warning_with(
        {"id": "hours", "type": "decimal", "min": 0, "max": 112, "label": {"id": "Jam", "en": "Hours"}}
    )
    row = next(r for r in sheet(xlsform.instrument_xlsform(instrument), "survey") if r["name"] == "hours")
    assert row["constraint"] == ". >= 0 and . <= 112"
    assert row["constraint_message::Bahasa Indonesia (id)"] == "Isi angka antara 0 dan 112."


def test_an_instrument_that_asks_the_age_takes_it_from_the_child_group() -> None:
    instrument = early_warning_with(
        {"id": "age", "type": "integer", "min": 5, "max": 17, "label": {"id": "Usia", "en": "Age"}}
    )
    rows = {r["name"]: r for r in sheet(xlsform.instrument_xlsform(instrument), "survey")}
    assert rows["age"]["type"] == "calculate" and rows["age"]["calculation"] == "${child_age}"


def test_an_item_named_like_a_field_of_the_form_itself_is_refused() -> None:
    instrument = early_warning_with({"id": "child_age", "type": "integer", "label": {"id": "Usia", "en": "Age"}})
    with pytest.raises(InstrumentError, match="child_age"):
        xlsform.instrument_xlsform(instrument)


def test_the_report_form_converts_with_pyxform_and_offers_every_concern_type() -> None:
    book = xlsform.report_xlsform()
    xform, warnings = converted(book)
    assert warnings == []
    assert 'id="sigap_report"' in xform
    concerns = [c["name"] for c in sheet(book, "choices") if c["list_name"] == "concerns"]
    assert concerns == list(reference.concern_types())
    rows = {r["name"]: r for r in sheet(book, "survey")}
    assert rows["consent_to_contact"]["relevant"] == "${anonymous} = 'no' and ${reporter_phone} != ''"


@pytest.mark.parametrize("form_id", [*INSTRUMENT_IDS, "report"])
def test_odk_validate_accepts_every_form(form_id: str) -> None:
    """JavaRosa (the engine of ODK Collect) loads each form: pyxform runs ODK Validate on the XForm."""
    book = (
        xlsform.report_xlsform() if form_id == "report" else xlsform.instrument_xlsform(instruments.builtin()[form_id])
    )
    convert(xlsform=BytesIO(book), file_type=".xlsx", validate=True)


# --- The download page ----------------------------------------------------------------------------------


def test_the_download_page_lists_every_instrument_with_its_version_status_and_both_files(as_user: Any) -> None:
    html = as_user("cadre").get(reverse("screening:odk_export")).content.decode()
    for instrument in instruments.builtin().values():
        assert f'id="odk-form-{instrument.id}"' in html
        assert reverse("screening:odk_xlsform", args=[instrument.id]) in html
        assert reverse("screening:odk_xform", args=[instrument.id]) in html
    assert "Belum divalidasi" in html
    assert reverse("screening:odk_xlsform", args=["report"]) in html
    assert "ODK Collect" in html and reverse("screening:odk_import") in html


def test_the_xlsform_download_is_a_workbook_pyxform_converts(as_user: Any) -> None:
    response = as_user("cadre").get(reverse("screening:odk_xlsform", args=["early_warning"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="early_warning-1.0.0.xlsx"'
    xform, warnings = converted(response.content)
    assert warnings == [] and 'id="early_warning"' in xform


def test_the_xform_download_is_the_xml_odk_central_would_build(as_user: Any) -> None:
    response = as_user("worker_sby").get(reverse("screening:odk_xform", args=["report"]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    assert 'id="sigap_report"' in response.content.decode()


def test_an_unknown_form_is_not_found(as_user: Any) -> None:
    assert as_user("cadre").get(reverse("screening:odk_xlsform", args=["nothing_here"])).status_code == 404


def test_the_forms_are_for_signed_in_people(client: Any) -> None:
    response = client.get(reverse("screening:odk_export"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("people:login"))
