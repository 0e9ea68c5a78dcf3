"""Screening pages as people use them."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

from django.urls import reverse

from sigap.audit.models import Action, AuditEvent
from sigap.cases.tests.helpers import make_case
from sigap.screening.models import ExternalResult, Screening
from sigap.screening.tests.test_instruments import EARLY_WARNING_NOTHING
from sigap.testing import SURABAYA_VILLAGE


def form_data(answers: dict[str, str], **subject: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"q_{k}": v for k, v in answers.items()}
    data["submission_key"] = uuid.uuid4().hex
    data.update(subject)
    return data


CHILD = {"child_name": "Sari", "child_age": "13", "child_sex": "F", "region": SURABAYA_VILLAGE}


def test_the_instruments_page_shows_licence_and_validation_status(as_user: Any) -> None:
    page = as_user("worker_sby").get(reverse("screening:instruments")).content.decode()
    assert "Daftar periksa peringatan dini" in page and "CC BY 4.0" in page and "Belum divalidasi" in page
    assert "CSE-IT" in page and "WestCoast" in page


def test_an_instruments_page_lists_its_questions_bands_and_rules(as_user: Any) -> None:
    client = as_user("cadre")
    client.get(reverse("screening:instruments"))
    page = client.get(reverse("screening:instrument", args=["child_labour", _version("child_labour")])).content.decode()
    assert "UU 13/2003" in page or "13/2003" in page


def _version(instrument_id: str) -> str:
    from sigap.screening.instruments import builtin

    return builtin()[instrument_id].version


def test_a_cadre_fills_the_checklist_and_sees_the_result_with_reasons_and_validation_status(as_user: Any) -> None:
    client = as_user("cadre")
    answers = {**EARLY_WARNING_NOTHING, "out_of_school": "yes", "job_offer_far": "yes"}
    response = client.post(reverse("screening:create", args=["early_warning"]), form_data(answers, **CHILD))
    screening = Screening.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("screening:detail", args=[screening.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Perlu asesmen segera" not in page and "Perlu asesmen oleh pekerja sosial" in page
    assert "Tawaran kerja jauh dari rumah" in page and "Tidak bersekolah atau putus sekolah" in page
    assert "{&#x27;id&#x27;" not in page and "{'id'" not in page  # reasons in words, not raw data
    assert (
        'value="' + date.today().isoformat() + '"'
        in client.get(reverse("screening:create", args=["early_warning"])).content.decode()
    )
    assert "Belum divalidasi" in page and "tidak menetapkan anak sebagai korban" in page
    assert screening.filed_report.tracking_code in page


def test_a_form_with_missing_answers_keeps_what_was_entered_and_names_each_problem(as_user: Any) -> None:
    client = as_user("cadre")
    answers = {**EARLY_WARNING_NOTHING, "street": "yes"}
    del answers["earlier_harm"]
    response = client.post(
        reverse("screening:create", args=["early_warning"]), form_data(answers, **{**CHILD, "child_age": "3"})
    )
    page = response.content.decode()
    assert response.status_code == 200 and Screening.objects.count() == 0
    assert "Wajib dijawab." in page and "5–17" in page
    assert 'value="Sari"' in page
    assert re.search(r'<input[^>]*name="q_street"[^>]*value="yes"[^>]*checked', page)


def test_a_case_worker_screens_a_child_on_a_case_and_the_case_page_lists_it(world: Any, as_user: Any) -> None:
    case = make_case(world)
    client = as_user("worker_sby")
    answers = {**EARLY_WARNING_NOTHING, "street": "yes"}
    url = reverse("screening:create", args=["early_warning"]) + f"?kasus={case.pk}"
    form_page = client.get(url).content.decode()
    assert "child_name" not in form_page  # the case's child is the subject
    response = client.post(url, form_data(answers))
    screening = Screening.objects.get()
    assert response.status_code == 302 and screening.case == case and screening.task is not None
    case_page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("screening:detail", args=[screening.pk]) in case_page
    tasks_page = client.get(reverse("cases:tasks")).content.decode()
    assert "skrining" in tasks_page.lower()


def test_another_organisations_worker_cannot_open_the_result(world: Any, as_user: Any) -> None:
    as_user("cadre").post(
        reverse("screening:create", args=["early_warning"]),
        form_data({**EARLY_WARNING_NOTHING, "street": "yes"}, **CHILD),
    )
    screening = Screening.objects.get()
    assert as_user("worker_malang").get(reverse("screening:detail", args=[screening.pk])).status_code == 404
    assert as_user("analyst").get(reverse("screening:detail", args=[screening.pk])).status_code == 404
    assert as_user("analyst").get(reverse("screening:list")).status_code == 403


def test_people_who_do_not_screen_cannot_open_the_form(as_user: Any) -> None:
    for username in ("reporter", "operator", "analyst"):
        assert as_user(username).get(reverse("screening:create", args=["early_warning"])).status_code == 403


def test_the_list_of_screenings_audits_the_rows_it_shows(world: Any, as_user: Any) -> None:
    client = as_user("cadre")
    client.post(reverse("screening:create", args=["early_warning"]), form_data(EARLY_WARNING_NOTHING, **CHILD))
    page = client.get(reverse("screening:list")).content.decode()
    assert "Sari" in page
    assert AuditEvent.objects.filter(actor_id=world.cadre.pk, action=Action.LIST, object_type="screening").count() == 1


def test_a_worker_records_a_licensed_tools_result_on_the_case(world: Any, as_user: Any) -> None:
    case = make_case(world)
    client = as_user("worker_sby")
    url = reverse("screening:external", args=[case.pk])
    bad = client.post(url, {"tool": "cse_it", "tool_version": "", "administered_on": "2026-11-01", "band": ""})
    assert bad.status_code == 200 and "Isi skor atau kategori hasil." in bad.content.decode()
    ok = client.post(
        url, {"tool": "cse_it", "tool_version": "2.0", "administered_on": "2026-11-01", "band": "clear_concern"}
    )
    assert ok.status_code == 302
    assert ExternalResult.objects.get().band == "clear_concern"
    assert "Kekhawatiran jelas" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert as_user("worker_malang").get(url).status_code == 403


def test_a_report_page_offers_screening_and_lists_the_screenings_of_the_report(world: Any, as_user: Any) -> None:
    from sigap.testing import make_report

    report = make_report()
    client = as_user("worker_sby")
    page = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    start = reverse("screening:create", args=["early_warning"]) + f"?laporan={report.pk}"
    assert start in page
    client.post(start, form_data({**EARLY_WARNING_NOTHING, "street": "yes"}, child_name="Budi", child_age="12"))
    screening = Screening.objects.get()
    assert screening.report == report
    page = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    assert reverse("screening:detail", args=[screening.pk]) in page
    other = as_user("reporter").get(reverse("intake:detail", args=[report.pk]))
    assert reverse("screening:detail", args=[screening.pk]) not in other.content.decode()


def test_the_report_a_positive_screen_filed_links_back_to_the_screening(world: Any, as_user: Any) -> None:
    as_user("cadre").post(
        reverse("screening:create", args=["early_warning"]),
        form_data({**EARLY_WARNING_NOTHING, "street": "yes"}, **CHILD),
    )
    screening = Screening.objects.get()
    page = as_user("worker_sby").get(reverse("intake:detail", args=[screening.filed_report_id])).content.decode()
    assert reverse("screening:detail", args=[screening.pk]) in page and "Diskrining oleh cadre" in page
