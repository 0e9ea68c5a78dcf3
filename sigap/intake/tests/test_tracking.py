from django.test import Client
from django.urls import reverse

from sigap.intake.services import close_report, triage_report
from sigap.testing import make_report


def status_on_tracking_page(code):
    response = Client().get(reverse("intake:track"), {"code": code})
    return response, response.content.decode()


def test_the_tracking_page_shows_received_for_a_new_report(world):
    report = make_report()
    response, html = status_on_tracking_page(report.tracking_code)
    assert response.status_code == 200
    assert 'id="report-status">Diterima<' in html


def test_the_tracking_page_shows_in_progress_once_a_worker_triages(world):
    report = make_report()
    triage_report(world.worker_sby, report.pk, "medium", "Anak bekerja pada malam hari.")
    _, html = status_on_tracking_page(report.tracking_code)
    assert 'id="report-status">Sedang ditangani<' in html


def test_the_tracking_page_shows_done_when_the_report_is_closed(world):
    report = make_report()
    triage_report(world.worker_sby, report.pk, "low", "Informasi umum.")
    close_report(world.worker_sby, report.pk, "handled_elsewhere", "Sudah ditangani Dinas Sosial.")
    _, html = status_on_tracking_page(report.tracking_code)
    assert 'id="report-status">Selesai<' in html


def test_the_tracking_page_never_shows_a_detail_of_the_report(world):
    report = make_report(description="Uraian rahasia tentang anak bernama Budi.", reporter_name="Pelapor Rahasia")
    triage_report(world.worker_sby, report.pk, "high", "Alasan rahasia penilaian.")
    _, html = status_on_tracking_page(report.tracking_code)
    for secret in ("Uraian rahasia", "Budi", "Pelapor Rahasia", "Alasan rahasia", "UPTD PPA", "Tinggi"):
        assert secret not in html


def test_a_tracking_code_is_accepted_in_lower_case_and_without_the_dash(world):
    report = make_report()
    _, html = status_on_tracking_page(report.tracking_code.replace("-", "").lower())
    assert "Diterima" in html


def test_an_unknown_tracking_code_gets_a_clear_message(world):
    response, html = status_on_tracking_page("AAAAA-BBBBB")
    assert response.status_code == 404
    assert "Kode lacak tidak ditemukan" in html
