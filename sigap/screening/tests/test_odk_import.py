"""Importing ODK Central / KoboToolbox exports into screenings and reports: round trips, idempotency by
instance id, and every rejected row reported with its number and reason."""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from sigap.intake import routing
from sigap.intake.models import Channel, Report
from sigap.regions.models import Region
from sigap.screening import instruments, odk, services, xlsform
from sigap.screening.instruments import Instrument
from sigap.screening.models import Screening, Source
from sigap.testing import JAKPUS_VILLAGE, SURABAYA_VILLAGE

INSTRUMENT_IDS = sorted(path.stem for path in instruments.DATA_DIR.glob("*.json"))
XF = "{http://www.w3.org/2002/xforms}"
CENTRAL_TAIL = (
    "KEY",
    "SubmitterID",
    "SubmitterName",
    "AttachmentsPresent",
    "AttachmentsExpected",
    "Status",
    "ReviewState",
    "DeviceID",
    "Edits",
    "FormVersion",
)


# --- Building exports the way ODK Central and KoboToolbox write them -------------------------------------


def form_paths(form: str) -> list[tuple[str, ...]]:
    """The fields of a form as ODK Central and Kobo name them: the leaves of the XForm's instance."""
    xml = xlsform.report_xform_xml() if form == "report" else xlsform.xform_xml(instruments.builtin()[form])
    model = ElementTree.fromstring(xml).find(f".//{XF}model")
    assert model is not None
    instance = model.find(f"{XF}instance")
    assert instance is not None
    data = instance[0]
    paths: list[tuple[str, ...]] = []

    def walk(element: Any, prefix: tuple[str, ...]) -> None:
        children = list(element)
        if not children:
            paths.append(prefix)
        for child in children:
            walk(child, (*prefix, child.tag.replace(XF, "")))

    walk(data, ())
    return paths


def sample_answers(instrument: Instrument, pattern: int) -> dict[str, str]:
    """Raw answers (as the phone writes them) to every question the instrument asks; pattern 0 leans to
    signs of risk, pattern 1 away from them. Questions not asked are left out, as ODK does."""
    raw: dict[str, str] = {}
    for position, item in enumerate(instrument.answerable):
        kind = item["type"]
        if kind == "yes_no":
            raw[item["id"]] = ("no", "unknown")[position % 2] if pattern else "yes"
        elif kind == "select_one":
            raw[item["id"]] = item["choices"][0 if pattern == 0 else -1]["value"]
        elif kind == "select_multiple":
            plain = [c["value"] for c in item["choices"] if not c.get("exclusive")]
            exclusive = [c["value"] for c in item["choices"] if c.get("exclusive")]
            raw[item["id"]] = " ".join(plain[:2]) if pattern == 0 or not exclusive else exclusive[0]
        elif kind in ("integer", "decimal"):
            low, high = item.get("min", 0), item.get("max", 40)
            value = 13 if item["id"] == "age" else (high + low) // 2 if pattern == 0 else low
            raw[item["id"]] = str(value if kind == "integer" else value + 0.5 if value < high else value)
        elif kind == "text":
            raw[item["id"]] = "Anak membantu di warung sepulang sekolah."
        elif kind == "date":
            raw[item["id"]] = "2024-03-15"
    parsed = instruments.parse_answers(instrument, raw)
    return {k: v for k, v in raw.items() if k in parsed.answers}


def submission(form: str, answers: dict[str, str], **fields: str) -> dict[str, str]:
    """All the values of one submission, by field name (last path segment)."""
    if form == "report":
        key = f"{xlsform.report_form_id()}@{xlsform.report_version()}"
        values = {"village_code": SURABAYA_VILLAGE}
    else:
        instrument = instruments.builtin()[form]
        key = f"{instrument.id}@{instrument.version}"
        values = {
            "child_name": "Sari",
            "child_age": answers.get("age", "13"),
            "child_sex": "F",
            "village_code": SURABAYA_VILLAGE,
            "screened_on": "2024-03-15",
            "age": answers.get("age", "13"),
        }
    values.update(
        start="2024-03-15T09:00:00.000+07:00",
        end="2024-03-15T09:10:00.000+07:00",
        sigap_form=key,
        instanceID=f"uuid:{uuid.uuid4()}",
        instanceName="Sari",
        SubmitterName="kader_sari",
        FormVersion=key.partition("@")[2],
    )
    values.update(answers)
    values.update(fields)
    return values


def central_csv(form: str, rows: list[dict[str, str]], *, split: bool = False, drop: tuple[str, ...] = ()) -> bytes:
    """An ODK Central CSV export (group paths joined by '-', split select-multiple columns when asked)."""
    header = ["SubmissionDate"]
    multiple = {}
    if form != "report":
        multiple = {
            i["id"]: [c["value"] for c in i["choices"]]
            for i in instruments.builtin()[form].answerable
            if i["type"] == "select_multiple"
        }
    for path in form_paths(form):
        header.append("-".join(path))
        if split and path[-1] in multiple:
            header += ["-".join(path) + "/" + choice for choice in multiple[path[-1]]]
    header += CENTRAL_TAIL
    header = [h for h in header if h.rsplit("-", 1)[-1] not in drop]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        line = []
        for column in header:
            name = column.rsplit("-", 1)[-1]
            if "/" in name:
                item, choice = name.split("/")
                line.append("1" if choice in values.get(item, "").split() else "0")
            elif name == "KEY":
                line.append(values.get("KEY", values["instanceID"]))
            elif name == "SubmissionDate":
                line.append("2024-03-15T03:00:00.000Z")
            else:
                line.append(values.get(name, ""))
        writer.writerow(line)
    return out.getvalue().encode("utf-8")


def kobo_records(form: str, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """KoboToolbox submissions as its API returns them: 'group/item' keys, only answered fields."""
    records = []
    for index, values in enumerate(rows, start=1):
        record: dict[str, Any] = {"_id": 1000 + index, "formhub/uuid": "c0ffee", "__version__": "vKoboInternal"}
        for path in form_paths(form):
            value = values.get(path[-1], "")
            if value != "":
                record["/".join(path)] = value
        record.update(
            _uuid=values["instanceID"].removeprefix("uuid:"),
            _submitted_by=values["SubmitterName"],
            _submission_time="2024-03-15T03:00:00",
            _validation_status={},
            _attachments=[],
            _tags=[],
            _notes=[],
            _geolocation=[None, None],
        )
        records.append(record)
    return records


def kobo_json(form: str, rows: list[dict[str, str]]) -> bytes:
    records = kobo_records(form, rows)
    return json.dumps({"count": len(records), "next": None, "previous": None, "results": records}).encode()


def import_(actor: Any, form: str, data: bytes, filename: str = "export.csv") -> odk.ImportResult:
    return odk.import_submissions(actor, data, filename=filename, form=form)


def direct(actor: Any, form: str, answers: dict[str, str]) -> Screening:
    screening, _created = services.record_screening(
        actor,
        form,
        answers,
        idempotency_key=uuid.uuid4().hex,
        subject=services.Subject(
            name="Sari", age=int(answers.get("age", 13)), sex="F", region=Region.objects.get(code=SURABAYA_VILLAGE)
        ),
    )
    return screening


# --- Round trips ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", INSTRUMENT_IDS)
def test_a_central_csv_export_round_trips_into_screenings_scored_like_a_direct_screening(world: Any, form: str) -> None:
    instrument = instruments.builtin()[form]
    answer_sets = [sample_answers(instrument, 0), sample_answers(instrument, 1)]
    rows = [submission(form, answers) for answers in answer_sets]
    result = import_(world.cadre, form, central_csv(form, rows))
    assert (result.created, result.duplicates, result.rejected) == (2, 0, [])
    for values, answers in zip(rows, answer_sets, strict=True):
        imported = Screening.objects.get(submission_id=values["instanceID"])
        expected = direct(world.cadre, form, answers)
        assert (imported.score, imported.band, imported.positive) == (expected.score, expected.band, expected.positive)
        assert imported.answers == expected.answers and imported.reasons == expected.reasons


@pytest.mark.parametrize("form", INSTRUMENT_IDS)
def test_a_kobo_json_export_round_trips_into_screenings_scored_like_a_direct_screening(world: Any, form: str) -> None:
    instrument = instruments.builtin()[form]
    answer_sets = [sample_answers(instrument, 0), sample_answers(instrument, 1)]
    rows = [submission(form, answers) for answers in answer_sets]
    result = import_(world.cadre, form, kobo_json(form, rows), "data.json")
    assert (result.created, result.duplicates, result.rejected) == (2, 0, [])
    for values, answers in zip(rows, answer_sets, strict=True):
        imported = Screening.objects.get(submission_id=values["instanceID"])
        expected = direct(world.cadre, form, answers)
        assert (imported.score, imported.band, imported.positive) == (expected.score, expected.band, expected.positive)


def central_odata(form: str, rows: list[dict[str, str]]) -> bytes:
    """An ODK Central OData export: nested groups, typed numbers, ``__id`` and ``__system``."""
    numbers = {"child_age", "age"} | {
        i["id"] for i in instruments.builtin()[form].answerable if i["type"] in ("integer", "decimal")
    }
    records = []
    for values in rows:
        record: dict[str, Any] = {"__id": values["instanceID"]}
        for path in form_paths(form):
            value: Any = values.get(path[-1]) or None
            if value is not None and path[-1] in numbers:
                value = float(value) if "." in value else int(value)
            target = record
            for group in path[:-1]:
                target = target.setdefault(group, {})
            target[path[-1]] = value
        record["__system"] = {
            "submissionDate": "2024-03-15T03:00:00.000Z",
            "submitterId": "5",
            "submitterName": values["SubmitterName"],
            "reviewState": values.get("ReviewState") or None,
            "formVersion": values["FormVersion"],
            "edits": 0,
        }
        records.append(record)
    return json.dumps({"@odata.context": "https://central.example/v1/$metadata#Submissions", "value": records}).encode()


@pytest.mark.parametrize("form", INSTRUMENT_IDS)
def test_a_central_odata_export_with_nested_groups_round_trips(world: Any, form: str) -> None:
    instrument = instruments.builtin()[form]
    answers = sample_answers(instrument, 0)
    values = submission(form, answers, SubmitterName="kader_odata")
    result = import_(world.cadre, form, central_odata(form, [values]), "Submissions.json")
    assert (result.created, result.rejected) == (1, [])
    imported = Screening.objects.get(submission_id=values["instanceID"])
    expected = direct(world.cadre, form, answers)
    assert (imported.score, imported.band, imported.answers) == (expected.score, expected.band, expected.answers)
    assert imported.submitted_by_name == "kader_odata" and imported.child_age == int(values["child_age"])


def test_an_imported_screening_is_the_importers_and_keeps_the_odk_submitter_and_instance_id(world: Any) -> None:
    answers = sample_answers(instruments.builtin()["early_warning"], 0)
    values = submission("early_warning", answers, SubmitterName="Kader Sari (ponsel 2)", child_sex="F")
    result = import_(world.cadre, "early_warning", central_csv("early_warning", [values]))
    screening = Screening.objects.get()
    assert result.created == 1 and result.positive == int(screening.positive) == 1
    assert screening.screener == world.cadre and screening.source == Source.ODK
    assert screening.submitted_by_name == "Kader Sari (ponsel 2)"
    assert (
        screening.submission_id == values["instanceID"] and screening.idempotency_key == f"odk:{values['instanceID']}"
    )
    assert (screening.child_name, screening.child_age, screening.child_sex) == ("Sari", 13, "F")
    assert screening.region_id == SURABAYA_VILLAGE and str(screening.screened_on) == "2024-03-15"
    assert screening.instrument.version == "1.0.0"
    assert screening.filed_report is not None and screening.filed_report.routed_org == world.uptd_sby


def test_importing_the_same_file_twice_creates_nothing_new(world: Any) -> None:
    instrument = instruments.builtin()["early_warning"]
    rows = [submission("early_warning", sample_answers(instrument, p)) for p in (0, 1, 0)]
    data = central_csv("early_warning", rows)
    first = import_(world.cadre, "early_warning", data)
    counts = (Screening.objects.count(), Report.objects.count())
    second = import_(world.cadre, "early_warning", data)
    assert (first.created, first.duplicates) == (3, 0)
    assert (second.created, second.duplicates, second.rejected) == (0, 3, [])
    assert (Screening.objects.count(), Report.objects.count()) == counts == (3, 2)


def test_the_same_submissions_exported_again_from_kobo_as_csv_are_duplicates(world: Any) -> None:
    instrument = instruments.builtin()["early_warning"]
    rows = [submission("early_warning", sample_answers(instrument, p)) for p in (0, 1)]
    import_(world.cadre, "early_warning", kobo_json("early_warning", rows), "data.json")
    records = kobo_records("early_warning", rows)
    header = sorted({k for r in records for k in r if not isinstance(r[k], dict | list)} - {"meta/instanceID"})
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")  # Kobo's CSV uses semicolons
    writer.writerow(header)
    for record in records:
        writer.writerow([record.get(h, "") for h in header])
    again = import_(world.cadre, "early_warning", out.getvalue().encode())
    assert (again.created, again.duplicates, again.rejected) == (0, 2, [])


def test_select_multiple_answers_split_into_one_column_per_choice_are_put_back_together(world: Any) -> None:
    instrument = instruments.builtin()["child_labour"]
    answers = sample_answers(instrument, 0)
    values = submission("child_labour", answers)
    multiple = [i["id"] for i in instrument.answerable if i["type"] == "select_multiple" and i["id"] in answers]
    assert multiple  # the sample answers at least one select-multiple question
    data = central_csv("child_labour", [values], split=True, drop=tuple(multiple))
    result = import_(world.cadre, "child_labour", data)
    assert (result.created, result.rejected) == (1, [])
    screening = Screening.objects.get()
    for item_id in multiple:
        assert screening.answers[item_id] == answers[item_id].split()


# --- Rejected rows -----------------------------------------------------------------------------------


def test_malformed_rows_are_rejected_with_their_row_number_and_reason_while_good_rows_are_imported(
    world: Any,
) -> None:
    instrument = instruments.builtin()["child_labour"]
    good = sample_answers(instrument, 0)
    assert good["works"] == "yes" and "hazards" in good
    rows = [
        submission("child_labour", good),  # row 2
        submission("child_labour", good, instanceID="", KEY=""),  # row 3
        submission("child_labour", good, village_code="35.78.01"),  # row 4
        submission("child_labour", good, village_code="35.78.01.9999"),  # row 5
        submission("child_labour", {**good, "age": "19"}, child_age="19"),  # row 6
        submission("child_labour", {**good, "works": "maybe"}),  # row 7
        submission("child_labour", good, sigap_form="child_labour@9.9.9", FormVersion="9.9.9"),  # row 8
        submission("child_labour", {**good, "hazards": "heavy_loads flying"}),  # row 9
        submission("child_labour", sample_answers(instrument, 1)),  # row 10
        submission("child_labour", good, child_age="dua belas"),  # row 11
    ]
    result = import_(world.cadre, "child_labour", central_csv("child_labour", rows))
    assert result.created == 2 and result.duplicates == 0
    rejected = {r.row_number: r for r in result.rejected}
    assert sorted(rejected) == [3, 4, 5, 6, 7, 8, 9, 11]
    assert rejected[3].instance_id == "" and "ID kiriman" in rejected[3].reason
    assert rejected[4].reason.startswith("village_code “35.78.01”")
    assert "village_code “35.78.01.9999”" in rejected[5].reason and "tidak dikenal" in rejected[5].reason
    assert rejected[6].reason.startswith("child_age “19”")
    assert rejected[7].reason == "works “maybe”: Pilih ya, tidak, atau tidak tahu."
    assert "Versi formulir 9.9.9 tidak dikenal" in rejected[8].reason
    assert rejected[9].reason == "hazards “heavy_loads flying”: Pilihan tidak dikenal: flying."
    assert rejected[11].reason == "child_age “dua belas”: Isi dengan bilangan bulat."
    assert all(r.instance_id == rows[n - 2]["instanceID"] for n, r in rejected.items() if n != 3)
    assert Screening.objects.count() == 2


def test_a_bad_row_neither_undoes_nor_blocks_the_rows_around_it(world: Any) -> None:
    good = sample_answers(instruments.builtin()["early_warning"], 0)
    bad = {**good, "street": "maybe"}
    rows = [submission("early_warning", a) for a in (bad, good, bad, good)]
    result = import_(world.cadre, "early_warning", central_csv("early_warning", rows))
    assert result.created == 2 and [r.row_number for r in result.rejected] == [2, 4]
    assert set(Screening.objects.values_list("submission_id", flat=True)) == {
        rows[1]["instanceID"],
        rows[3]["instanceID"],
    }


def test_a_large_file_is_imported_in_parts_by_importing_it_again(world: Any, settings: Any) -> None:
    settings.SIGAP_ODK_IMPORT_MAX_NEW = 2
    rows = [submission("early_warning", sample_answers(instruments.builtin()["early_warning"], 1)) for _ in range(3)]
    data = central_csv("early_warning", rows)
    first = import_(world.cadre, "early_warning", data)
    assert (first.created, first.pending, first.rejected) == (2, 1, [])
    second = import_(world.cadre, "early_warning", data)
    assert (second.created, second.duplicates, second.pending) == (1, 2, 0)
    assert Screening.objects.count() == 3


def test_rows_of_a_json_export_are_numbered_by_their_position(world: Any) -> None:
    good = sample_answers(instruments.builtin()["early_warning"], 1)
    rows = [submission("early_warning", good), submission("early_warning", {**good, "street": "kadang"})]
    result = import_(world.cadre, "early_warning", kobo_json("early_warning", rows), "data.json")
    assert result.created == 1
    assert [(r.row_number, r.instance_id) for r in result.rejected] == [(2, rows[1]["instanceID"])]
    assert result.rejected[0].reason == "street “kadang”: Pilih ya, tidak, atau tidak tahu."


def test_a_submission_the_reviewer_rejected_in_central_is_not_imported(world: Any) -> None:
    good = sample_answers(instruments.builtin()["early_warning"], 1)
    rows = [submission("early_warning", good, ReviewState="rejected"), submission("early_warning", good)]
    result = import_(world.cadre, "early_warning", central_csv("early_warning", rows))
    assert result.created == 1 and [r.row_number for r in result.rejected] == [2]
    assert "ditolak peninjau" in result.rejected[0].reason


def test_a_file_from_another_form_is_refused_with_a_clear_message(world: Any) -> None:
    rows = [submission("forced_labour", sample_answers(instruments.builtin()["forced_labour"], 0))]
    with pytest.raises(ValidationError) as refused:
        import_(world.cadre, "early_warning", central_csv("forced_labour", rows))
    assert "formulir forced_labour" in refused.value.messages[0]
    assert Screening.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Berkas kosong."),
        (b"\x00\x01\x02binary", "bukan CSV, JSON atau XLSX"),
        (b'{"hello": "world"}', "bukan ekspor kiriman"),
        (b"Nama;Umur\nSari;13\n", "tidak berisi kolom formulir"),
        (b"KEY,child-child_age\n", "tidak berisi satu kiriman pun"),
    ],
)
def test_a_file_that_is_not_an_export_of_submissions_is_refused(world: Any, data: bytes, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        import_(world.cadre, "early_warning", data)
    assert message in refused.value.messages[0]


def test_someone_who_may_not_screen_cannot_import(world: Any) -> None:
    rows = [submission("early_warning", sample_answers(instruments.builtin()["early_warning"], 0))]
    for person in (world.operator, world.analyst, world.reporter):
        with pytest.raises(PermissionDenied):
            import_(person, "early_warning", central_csv("early_warning", rows))
    assert Screening.objects.count() == 0


# --- Other containers ------------------------------------------------------------------------------------


def test_the_zip_odk_central_offers_is_read_from_the_forms_own_csv(world: Any) -> None:
    rows = [submission("early_warning", sample_answers(instruments.builtin()["early_warning"], p)) for p in (0, 1)]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("early_warning-repeat.csv", "PARENT_KEY,KEY\n")
        z.writestr("early_warning.csv", central_csv("early_warning", rows))
    result = import_(world.cadre, "early_warning", archive.getvalue(), "early_warning.csv.zip")
    assert (result.created, result.rejected) == (2, [])


def test_a_kobo_xlsx_export_is_read_with_spreadsheet_row_numbers(world: Any) -> None:
    good = sample_answers(instruments.builtin()["early_warning"], 1)
    rows = [submission("early_warning", good), submission("early_warning", good, child_age="3")]
    records = kobo_records("early_warning", rows)
    header = sorted({k for r in records for k in r if not isinstance(r[k], dict | list)})
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for record in records:
        sheet.append([record.get(h) for h in header])
    out = io.BytesIO()
    book.save(out)
    result = import_(world.cadre, "early_warning", out.getvalue(), "data.xlsx")
    assert result.created == 1 and [r.row_number for r in result.rejected] == [3]
    assert result.rejected[0].reason.startswith("child_age “3”")


# --- Reports ---------------------------------------------------------------------------------------------


def report_values(**fields: str) -> dict[str, str]:
    answers = {
        "description": "Dua anak terlihat memulung di tempat pembuangan sampah setiap pagi pada jam sekolah.",
        "concerns": "waste_picking street_children",
        "location_detail": "TPS dekat jembatan",
        "child_name": "Ani",
        "child_age": "11",
        "child_sex": "F",
        "anonymous": "no",
        "reporter_name": "Bu Sri",
        "reporter_phone": "081234567890",
        "consent_to_contact": "yes",
    }
    answers.update(fields)
    return submission("report", answers)


def test_the_report_forms_submissions_become_reports_routed_like_web_reports(world: Any) -> None:
    rows = [report_values(), report_values(village_code=JAKPUS_VILLAGE, anonymous="yes", concerns="online")]
    result = import_(world.cadre, "report", central_csv("report", rows))
    assert (result.created, result.rejected) == (2, [])
    first = Report.objects.get(region_id=SURABAYA_VILLAGE)
    assert first.channel == Channel.FIELD_VISIT and first.reporter_user == world.cadre
    assert first.routed_org_id == routing.route(SURABAYA_VILLAGE, ["waste_picking", "street_children"])[0]
    assert first.routed_org == world.uptd_sby
    assert sorted(first.concerns) == ["street_children", "waste_picking"]
    assert [(c.name, c.approx_age, c.sex) for c in first.children.all()] == [("Ani", 11, "F")]
    assert (first.reporter_name, first.reporter_phone, first.consent_to_contact) == ("Bu Sri", "081234567890", True)
    assert rows[0]["instanceID"] in first.description and "kader_sari" in first.description
    second = Report.objects.get(region_id=JAKPUS_VILLAGE)
    assert second.routed_org == world.uptd_jakpus and second.anonymous and second.reporter_name == ""
    assert first.idempotency_key == f"odk:{rows[0]['instanceID']}"
    again = import_(world.cadre, "report", central_csv("report", rows))
    assert (again.created, again.duplicates) == (0, 2) and Report.objects.count() == 2


def test_a_report_without_a_description_or_with_an_unknown_concern_is_rejected_by_row(world: Any) -> None:
    rows = [report_values(description=""), report_values(concerns="gossip"), report_values(child_age="25")]
    result = import_(world.cadre, "report", kobo_json("report", rows), "data.json")
    reasons = {r.row_number: r.reason for r in result.rejected}
    assert reasons[1] == "description: Ceritakan apa yang terjadi."
    assert reasons[2] == "concerns “gossip”: Pilihan tidak dikenal: gossip."
    assert reasons[3] == "child_age “25”: Isi angka antara 0 dan 17."
    assert result.created == 0 and Report.objects.count() == 0


# --- The import page -------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "export.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_the_import_page_refuses_someone_who_may_not_screen(as_user: Any) -> None:
    for username in ("operator", "analyst", "reporter"):
        client = as_user(username)
        assert client.get(reverse("screening:odk_import")).status_code == 403
        response = client.post(reverse("screening:odk_import"), {"form": "early_warning", "file": upload(b"x")})
        assert response.status_code == 403


def test_the_import_page_shows_what_was_imported_and_every_rejected_row(as_user: Any, world: Any) -> None:
    good = sample_answers(instruments.builtin()["early_warning"], 0)
    rows = [
        submission("early_warning", good),
        submission("early_warning", good, village_code="99.99.99.9999"),
        submission("early_warning", {**good, "works": "maybe"}),
    ]
    response = as_user("cadre").post(
        reverse("screening:odk_import"), {"form": "early_warning", "file": upload(central_csv("early_warning", rows))}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "1 kiriman baru diimpor." in html and "2 baris tidak dapat diimpor." in html
    assert 'id="odk-row-3"' in html and 'id="odk-row-4"' in html and 'id="odk-row-2"' not in html
    assert rows[1]["instanceID"] in html and "kode desa/kelurahan tidak dikenal Sigap" in html
    assert "works “maybe”: Pilih ya, tidak, atau tidak tahu." in html
    assert "perlu asesmen" in html
    assert Screening.objects.filter(screener=world.cadre).count() == 1


def test_a_wrong_file_is_explained_and_the_chosen_form_is_kept(as_user: Any) -> None:
    response = as_user("worker_sby").post(
        reverse("screening:odk_import"), {"form": "child_labour", "file": upload(b'{"hello": "world"}', "x.json")}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "bukan ekspor kiriman" in html
    assert '<option value="child_labour" selected>' in html


def test_an_empty_or_oversized_file_is_refused_on_the_page(as_user: Any, settings: Any) -> None:
    client = as_user("cadre")
    empty = client.post(reverse("screening:odk_import"), {"form": "early_warning", "file": upload(b"")})
    assert empty.status_code == 400 and "Berkas kosong" in empty.content.decode()
    settings.SIGAP_ODK_IMPORT_MAX_BYTES = 100
    big = client.post(reverse("screening:odk_import"), {"form": "early_warning", "file": upload(b"a,b\n" * 100)})
    assert big.status_code == 400 and "Berkas terlalu besar" in big.content.decode()
    assert Screening.objects.count() == 0
