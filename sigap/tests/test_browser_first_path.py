"""The first path, clicked through in Debian's Chromium on a 390-px-wide phone screen, in Bahasa
Indonesia: a person reports a concern without an account, the Surabaya case worker triages it and
opens a case, and the reporter's tracking page then says "Sedang ditangani"."""

from __future__ import annotations

import re

import pytest
from django.db import connections
from playwright.sync_api import expect

from sigap.cases.models import Case
from sigap.intake.models import Report
from sigap.testing import build_world
from sigap.tests.browser import SHOTS, fits_the_phone, fixture_browser, phone, settled, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_public_report_reaches_the_surabaya_case_worker_and_becomes_a_case(live_server, browser):
    try:
        walk_the_first_path(live_server, browser)
    finally:
        # Under Playwright the test body runs in its own context, so Django opened it its own
        # database connection, which no fixture can reach: close it here, or PostgreSQL keeps a
        # session open and the test database cannot be dropped.
        connections.close_all()


def walk_the_first_path(live_server, browser):
    build_world()
    SHOTS.mkdir(exist_ok=True)

    # 1. A person files a report on their phone, without an account, anonymously.
    reporter = phone(browser)
    reporter.goto(f"{live_server.url}/lapor/")
    assert reporter.locator("h1").inner_text() == "Laporkan kekhawatiran tentang anak"
    reporter.get_by_label("Apa yang terjadi?").fill(
        "Seorang anak laki-laki terlihat mengamen di perempatan setiap malam hingga larut dan tidak bersekolah."
    )
    reporter.get_by_label("Anak jalanan").check()
    for level, name in (
        ("province", "Jawa Timur"),
        ("regency", "Kota Surabaya"),
        ("district", "Karang Pilang"),
        ("village", "Kebraon"),
    ):
        reporter.locator(f"#id_region__{level}").select_option(label=name)
        # The picker re-renders with the choice (and the next level's options) before the next pick.
        expect(reporter.locator("#id_region__chosen")).to_contain_text(name)
        settled(reporter)
    reporter.get_by_label("Keterangan lokasi").fill("Perempatan dekat pasar")
    reporter.locator("#id_child_0_name").fill("Dodi")
    reporter.locator("#id_child_0_age").fill("11")
    reporter.locator("#id_child_0_sex").select_option(label="Laki-laki")
    reporter.get_by_label("Saya ingin melapor tanpa nama (anonim)").check()
    # Nothing on the page is wider than the phone.
    assert fits_the_phone(reporter)
    reporter.screenshot(path=str(SHOTS / "1-report-form.png"), full_page=True)
    reporter.get_by_role("button", name="Kirim laporan").click()

    reporter.wait_for_url(re.compile(r"/lapor/terkirim/"))
    code = reporter.locator("#tracking-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{5}-[A-Z2-9]{5}", code)
    reporter.get_by_role("link", name="Lihat status").click()
    assert reporter.locator("#report-status").inner_text() == "Diterima"
    report = Report.objects.get(tracking_code=code)
    assert report.region_id == "35.78.01.1002"
    assert report.routed_org.name == "UPTD PPA Kota Surabaya"

    # 2. The case worker of Kota Surabaya signs in and finds it in the triage queue.
    worker = phone(browser)
    sign_in(worker, live_server.url, "worker_sby")
    worker.locator(f'[data-report="{code}"]').click()
    assert worker.locator("h1").inner_text() == f"Laporan {code}"

    # 3. Triage: high risk, with a reason.
    worker.get_by_label("Tinggi").check()
    worker.get_by_label("Alasan").fill("Anak di jalan pada malam hari tanpa pendamping.")
    worker.get_by_role("button", name="Simpan penilaian risiko").click()
    assert "Penilaian risiko disimpan." in worker.locator(".messages").inner_text()

    # 4. Open a case; the child's data come prefilled from the report.
    worker.get_by_role("link", name="Buka kasus").click()
    assert worker.get_by_label("Nama lengkap anak").input_value() == "Dodi"
    worker.get_by_label("Nama panggilan").fill("Dodi")
    worker.get_by_role("button", name="Buka kasus").click()
    worker.wait_for_url(re.compile(r"/kasus/\d+/"))
    assert "Dodi" in worker.locator("#case-child").inner_text()
    assert fits_the_phone(worker)
    worker.screenshot(path=str(SHOTS / "2-case-page.png"), full_page=True)
    case = Case.objects.get()
    assert case.organisation.name == "UPTD PPA Kota Surabaya"
    assert list(case.reports.values_list("tracking_code", flat=True)) == [code]

    # 5. The reporter's tracking page now says the report is being handled, and nothing more.
    reporter.reload()
    assert reporter.locator("#report-status").inner_text() == "Sedang ditangani"
    assert "Dodi" not in reporter.content()
    reporter.screenshot(path=str(SHOTS / "3-tracking.png"), full_page=True)
