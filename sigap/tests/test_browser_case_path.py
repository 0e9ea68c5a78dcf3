"""The whole path of one child across two organisations, clicked through in Debian's Chromium on
390-px-wide phone screens in Bahasa Indonesia (issue 3).

UPTD PPA Kota Surabaya owns the case: its case worker triages the report, opens the case, assesses
the child, records the identification decision and the plan, and refers the child to Dinas Sosial
Kota Surabaya for social rehabilitation; its supervisor approves the assessment, the plan and the
closure (passing two-factor first). Dinas Sosial's case worker sees only what the referral carries
until accepting it, then provides the service. At each step the test checks what each
organisation's worker can and cannot see.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from sigap.audit.models import Action, AuditEvent
from sigap.cases.models import Approval, Case, CaseShare, CaseStatus, FollowUp, Note
from sigap.plans.models import CasePlan, CaseService
from sigap.referrals.models import Consent, HandOff
from sigap.testing import build_world, make_report
from sigap.tests.browser import SHOTS, fits_the_phone, fixture_browser, phone, settled, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Raka"
MOTHER = "Sri Wahyuni"
REPORT_TEXT = "Anak laki-laki terlihat bekerja mengangkut barang di pasar sampai malam dan tidak bersekolah."
CONFIDENTIAL = "Ibu menyebut keluarga berutang kepada pemilik lapak tempat anak bekerja."
SHAREABLE = "Anak bersedia ikut kegiatan sore; hubungi pekerja kasus sebelum kunjungan rumah."
OUTCOME = "Anak mengikuti 8 sesi rehabilitasi sosial dan kembali bersekolah."


def test_one_child_goes_through_the_whole_path_with_two_organisations(live_server, browser):
    pages: dict[str, Any] = {}
    try:
        walk_the_case_path(live_server, browser, pages)
    except Exception:
        for who, page in pages.items():  # what each person saw when it went wrong
            page.screenshot(path=str(SHOTS / f"case-path-failed-{who}.png"), full_page=True)
        raise
    finally:
        # Playwright's context got its own database connection, which no fixture can reach.
        connections.close_all()


# --- what a person sees ----------------------------------------------------------------------


def message(page: Any) -> str:
    return str(page.locator("ul.messages[role=status]").inner_text())


def current_step(page: Any) -> str:
    return str(page.locator("#case-steps li[aria-current=step]").inner_text())


def status(page: Any) -> str:
    return str(page.locator("#case-status").inner_text())


def labelled(page: Any, label: str) -> Any:
    """The form field with exactly this label (a required field's label ends in " *")."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def none_found(page: Any, urls: list[str]) -> bool:
    """Every one of these pages answers 404 (Not Found) to this person; back to where they were after."""
    here = page.url
    statuses = [page.goto(url).status for url in urls]
    page.goto(here)
    return statuses == [404] * len(urls)


def open_notification(page: Any, subject: str) -> None:
    """Open the inbox from the menu and follow the (unread) notification with this subject.
    Notifications may go by email too: they name the case, never the child or the family."""
    page.locator("#nav-inbox").click()
    inbox = page.locator("#inbox-list").inner_text()
    assert CHILD not in inbox and MOTHER not in inbox
    page.locator("#inbox-list li.unread").filter(has_text=subject).get_by_role("button").click()


def walk_the_case_path(live_server: Any, browser: Any, pages: dict[str, Any]) -> None:
    world = build_world()
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    report = make_report(description=REPORT_TEXT, children=((CHILD, 12, "M"),))
    code = report.tracking_code
    # The supervisor enrolled an authenticator app earlier; the test reads the code it would show.
    device = TOTPDevice.objects.create(user=world.supervisor_sby, name="Sigap", confirmed=True)

    sby = phone(browser)
    dinsos = phone(browser)
    supervisor = phone(browser)
    pages.update(worker_sby=sby, worker_dinsos=dinsos, supervisor_sby=supervisor)
    sign_in(sby, base, "worker_sby")
    sign_in(dinsos, base, "worker_dinsos")
    sign_in(supervisor, base, "supervisor_sby", totp_key=device.bin_key)

    # 1. Triage from the queue (high risk, with a reason) and open the case.
    sby.locator(f'[data-report="{code}"]').click()
    sby.get_by_label("Tinggi").check()
    sby.get_by_label("Alasan").fill("Anak bekerja malam hari di pasar tanpa pendamping.")
    sby.get_by_role("button", name="Simpan penilaian risiko").click()
    assert "Penilaian risiko disimpan." in message(sby)
    sby.get_by_role("link", name="Buka kasus").click()
    assert sby.get_by_label("Nama lengkap anak").input_value() == CHILD
    sby.get_by_role("button", name="Buka kasus").click()
    sby.wait_for_url(re.compile(r"/kasus/\d+/$"))
    case = Case.objects.get()
    number = case.number
    case_url = f"{base}/kasus/{case.pk}/"
    assert message(sby) == f"Kasus {number} dibuka."
    assert status(sby) == "Terdaftar"
    assert current_step(sby) == "Terdaftar"
    assert "Risiko tinggi" in sby.locator("main").inner_text()

    # 2. First contact, the family, two notes, and the assessment.
    sby.locator("#first-contact").click()
    assert message(sby) == "Kontak pertama dengan anak dicatat."
    sby.locator("#family-add").click()
    labelled(sby, "Nama").fill(MOTHER)
    sby.get_by_label("Hubungan").select_option(label="Ibu")
    sby.get_by_label("Pengasuh utama").check()
    sby.get_by_label("Tinggal bersama anak").check()
    assert not sby.get_by_label("Diduga terlibat").is_checked()
    sby.locator("#family-form-submit").click()
    assert message(sby) == "Data keluarga disimpan."
    assert f"{MOTHER} · Ibu" in sby.locator("#case-family").inner_text()
    assert "Diduga terlibat" not in sby.locator("#case-family").inner_text()

    for text, box in (
        (CONFIDENTIAL, "Rahasia (hanya organisasi pemilik kasus)"),
        (SHAREABLE, "Boleh dibagikan saat rujukan ke organisasi lain"),
    ):
        sby.locator("#note-add").click()
        labelled(sby, "Catatan").fill(text)
        sby.get_by_label(box).check()
        sby.locator("#note-form-submit").click()
        assert message(sby) == "Catatan disimpan."
    notes = sby.locator("#case-notes").inner_text()
    assert CONFIDENTIAL in notes and SHAREABLE in notes and "Rahasia" in notes and "Dapat dibagikan" in notes

    sby.get_by_role("button", name="Lanjut ke asesmen").click()
    assert message(sby) == "Kasus masuk tahap asesmen."
    assert status(sby) == "Asesmen"
    assert current_step(sby) == "Asesmen"
    sby.locator("#assessment-new").click()
    domains = {
        "safety": "Anak bekerja di pasar hingga larut malam tanpa pengawasan orang dewasa.",
        "health": "Anak tampak lelah; belum ada pemeriksaan kesehatan.",
        "mental_health": "Anak pendiam tetapi mau bercerita kepada pekerja sosial.",
        "education": "Anak berhenti sekolah sejak kelas 5.",
        "family": "Anak tinggal bersama ibu yang bekerja sebagai buruh cuci.",
        "economic": "Penghasilan keluarga tidak tetap dan ada utang.",
    }
    for field, text in domains.items():
        sby.locator(f"#id_{field}").fill(text)
        sby.locator(f"#id_{field}_concern").select_option("high" if field == "safety" else "medium")
    sby.get_by_label("Pandangan anak sendiri").fill("Anak ingin kembali sekolah dan tidak mau bekerja malam lagi.")
    sby.get_by_label("Rekomendasi tingkat risiko").select_option(label="Tinggi")
    sby.locator("#assessment-save").click()
    assert message(sby) == "Draf asesmen disimpan."
    sby.locator("#assessment-submit-link").click()
    assert sby.locator("#assessment-missing").count() == 0
    sby.get_by_label("Catatan untuk supervisor").fill("Mohon ditinjau.")
    sby.locator("#assessment-submit").click()
    sby.wait_for_url(re.compile(r"/kasus/\d+/$"))
    assert message(sby) == "Asesmen diajukan untuk persetujuan supervisor."
    assert sby.locator("#assessment-status").inner_text() == "Diajukan"
    # No self-approval: the case worker who asked cannot decide.
    assert "Menunggu" in sby.locator("#case-approvals").inner_text()
    assert sby.get_by_role("link", name="Putuskan").count() == 0
    decide_url = f"{base}/kasus/persetujuan/{Approval.objects.get(kind='assessment').pk}/"
    assert sby.goto(decide_url).status == 403  # nor by typing the address
    sby.go_back()
    assert fits_the_phone(sby)
    sby.screenshot(path=str(SHOTS / "case-path-1-assessment-submitted.png"), full_page=True)

    # Dinas Sosial knows nothing of the case yet: not the case, nor its records, nor its report.
    assessment = case.assessments.get()
    case_records = [
        case_url,
        f"{base}/asesmen/{assessment.pk}/",
        f"{base}/rujukan/kasus/{case.pk}/persetujuan/",
        f"{base}/laporan/{report.pk}/",
    ]
    assert none_found(dinsos, case_records)
    dinsos.goto(f"{base}/kasus/")
    assert number not in dinsos.content() and CHILD not in dinsos.content()

    # 3. The supervisor approves the assessment from the notification.
    open_notification(supervisor, f"Persetujuan asesmen diminta untuk kasus {number}")
    supervisor.wait_for_url(re.compile(rf"/kasus/{case.pk}/$"))
    supervisor.get_by_role("link", name="Putuskan").click()
    supervisor.get_by_role("button", name="Setujui").click()
    assert message(supervisor) == "Persetujuan diberikan."
    assert status(supervisor) == "Identifikasi"
    assert current_step(supervisor) == "Identifikasi"

    # 4. Identification, then the case plan, approved by the supervisor.
    sby.goto(case_url)
    assert sby.locator("#assessment-status").inner_text() == "Disetujui"
    sby.get_by_role("link", name="Catat keputusan identifikasi").click()
    sby.get_by_label("Korban potensial").check()
    sby.get_by_label("Bentuk-bentuk pekerjaan terburuk untuk anak").check()
    sby.get_by_label("Catatan dasar keputusan").fill(
        "Anak usia 12 tahun bekerja mengangkut barang pada malam hari; keterangan anak dan ibu sejalan."
    )
    sby.get_by_label("Jenis lembaga yang memutuskan").select_option("government")
    sby.get_by_label("Diputuskan oleh").fill("Tim identifikasi UPTD PPA Kota Surabaya")
    sby.locator("#identification-submit").click()
    assert message(sby) == "Keputusan identifikasi dicatat."
    sby.get_by_role("link", name="Kembali ke kasus").click()
    assert sby.locator("#identification-status").inner_text() == "Korban potensial"
    sby.get_by_role("button", name="Lanjut ke rencana kasus").click()
    assert message(sby) == "Kasus masuk tahap rencana kasus."
    assert current_step(sby) == "Rencana kasus"

    sby.locator("#plan-create").click()
    sby.get_by_label("Tujuan rencana").fill("Anak aman, berhenti bekerja malam dan kembali bersekolah.")
    sby.get_by_label("Rencana tindakan").fill("Pengelolaan kasus oleh UPTD PPA; rujukan rehabilitasi sosial.")
    sby.locator("#plan-save").click()
    assert "Rencana kasus versi 1 dibuat." in message(sby)
    goal = "Anak kembali bersekolah dalam 3 bulan."
    sby.get_by_label("Tujuan baru").fill(goal)
    sby.locator("#goal-add").click()
    settled(sby)
    expect(sby.locator("#goals")).to_contain_text(goal)
    sby.locator("#service-add").click()
    sby.get_by_label("Jenis layanan").select_option(label="Pengelolaan kasus")
    assert sby.get_by_label("Organisasi penyedia").locator("option:checked").inner_text() == "UPTD PPA Kota Surabaya"
    sby.get_by_label("Untuk tujuan").select_option(label=goal)
    sby.locator("#service-save").click()
    assert "Pengelolaan kasus" in sby.locator("#services").inner_text()
    sby.get_by_label("Catatan untuk supervisor").fill("Rencana siap ditinjau.")
    sby.locator("#plan-submit").click()
    sby.wait_for_url(re.compile(r"/kasus/\d+/"))
    assert message(sby) == "Rencana kasus diajukan untuk persetujuan supervisor."
    assert sby.locator("#plan-status").inner_text() == "Diajukan"
    assert sby.get_by_role("link", name="Putuskan").count() == 0

    open_notification(supervisor, f"Persetujuan rencana kasus diminta untuk kasus {number}")
    supervisor.get_by_role("link", name="Putuskan").click()
    supervisor.get_by_role("button", name="Setujui").click()
    assert message(supervisor) == "Persetujuan diberikan."
    assert status(supervisor) == "Pelaksanaan layanan"
    assert current_step(supervisor) == "Pelaksanaan layanan"
    assert supervisor.locator("#plan-status").inner_text() == "Disetujui"

    # 5. Surabaya starts its own service; a basis for the referral (the mother's consent with the
    # child's assent); then the referral.
    sby.goto(case_url)
    own_service = CaseService.objects.get(service_type="case_management")
    sby.locator(f"#service-start-{own_service.pk}").click()
    sby.locator("#service-action-submit").click()
    assert message(sby) == "Layanan Pengelolaan kasus dimulai."
    assert sby.locator(f"#service-status-{own_service.pk}").inner_text() == "Berjalan"
    sby.locator("#referrals-consent-link").click()
    sby.locator("#consent-form").get_by_label("Rujukan layanan").check()
    sby.get_by_label("Persetujuan orang tua/wali/pengasuh atau orang dewasa lain").check()
    sby.get_by_label("Diberikan oleh anggota keluarga").select_option(label=f"{MOTHER} (Ibu)")
    sby.get_by_label("Anak juga memberikan persetujuan (assent)").check()
    sby.get_by_label("Cakupan: informasi apa yang boleh dibagikan kepada siapa").fill(
        "Data dasar anak dan kebutuhan layanan kepada Dinas Sosial Kota Surabaya untuk rehabilitasi sosial."
    )
    sby.locator("#consent-save").click()
    assert message(sby) == "Persetujuan / dasar hukum dicatat."
    assert "Berlaku" in sby.locator("#consent-list").inner_text()
    sby.locator("#consent-case-link").click()
    sby.locator("#referrals-new-handoff").click()
    sby.locator("#handoff-form").get_by_label("Rujukan layanan", exact=True).check()
    sby.get_by_label("Organisasi penerima").select_option(label="Dinas Sosial Kota Surabaya")
    settled(sby)
    sby.get_by_label("Layanan yang diminta").select_option(label="Rehabilitasi sosial")
    sby.get_by_label("Keterangan").fill("Mohon pendampingan rehabilitasi sosial di dekat rumah anak.")
    note_options = sby.locator("#field-shared_notes label")
    assert note_options.count() == 1  # the confidential note is not offered
    note_options.filter(has_text=SHAREABLE[:40]).locator("input").check()
    sby.locator("#handoff-submit").click()
    sby.wait_for_url(re.compile(r"/rujukan/\d+/$"))
    assert message(sby) == f"Rujukan layanan untuk kasus {number} dikirim."
    assert sby.locator("#handoff-status").inner_text() == "Menunggu tanggapan"
    handoff = HandOff.objects.get()

    # 6. Dinas Sosial: the notification names the case, never the child.
    dinsos.goto(f"{base}/triase/")
    dinsos.locator("#nav-inbox").click()
    inbox = dinsos.locator("#inbox-list").inner_text()
    assert f"Rujukan layanan (Rehabilitasi sosial) untuk kasus {number} dari UPTD PPA Kota Surabaya" in inbox
    assert CHILD not in inbox and MOTHER not in inbox
    dinsos.locator("#nav-referrals").click()
    dinsos.wait_for_url(re.compile(r"/rujukan/masuk/$"))
    row = dinsos.locator(f"#handoff-{handoff.pk}")
    assert "Menunggu tanggapan" in row.inner_text() and "UPTD PPA Kota Surabaya" in row.inner_text()
    row.get_by_role("link", name=number).click()
    # The hand-off page carries the child's basic identity, the risk, the service and the shared note.
    assert dinsos.locator("#handoff-child").inner_text() == CHILD
    assert dinsos.locator("#handoff-child-age").inner_text() == "12 tahun (perkiraan)"
    assert dinsos.locator("#handoff-risk").inner_text() == "Risiko tinggi"
    assert dinsos.locator("#handoff-service").inner_text() == "Rehabilitasi sosial"
    assert SHAREABLE in dinsos.locator("#handoff-notes").inner_text()
    page = dinsos.content()
    for secret in (CONFIDENTIAL, REPORT_TEXT, MOTHER, domains["family"]):
        assert secret not in page
    assert dinsos.locator("#handoff-case-link").count() == 0
    assert fits_the_phone(dinsos)
    dinsos.screenshot(path=str(SHOTS / "case-path-2-handoff-before-acceptance.png"), full_page=True)
    plan = CasePlan.objects.get()
    case_records += [f"{base}/rencana/{plan.pk}/", f"{base}/asesmen/kasus/{case.pk}/identifikasi/"]
    assert none_found(dinsos, case_records)

    dinsos.locator("#handoff-accept").click()
    assert message(dinsos) == "Rujukan diterima."
    assert dinsos.locator("#handoff-status").inner_text() == "Diterima"
    dinsos.locator("#handoff-case-link").click()
    dinsos.wait_for_url(re.compile(rf"/kasus/{case.pk}/$"))
    assert status(dinsos) == "Pelaksanaan layanan"
    assert "Anda dapat melihat kasus ini tetapi tidak mengelolanya." in dinsos.locator("#case-actions").inner_text()
    assert SHAREABLE in dinsos.locator("#case-notes").inner_text()
    assert CONFIDENTIAL not in dinsos.content() and REPORT_TEXT not in dinsos.content()
    assert dinsos.get_by_role("link", name="Putuskan").count() == 0
    assert fits_the_phone(dinsos)
    # The report (with the reporter's account of events) stays with the organisation it was routed to.
    assert dinsos.goto(f"{base}/laporan/{report.pk}/").status == 404
    dinsos.go_back()
    service = CaseService.objects.get(service_type="social_rehabilitation")
    # Dinas Sosial acts on the service it provides, not on Surabaya's.
    assert dinsos.locator(f"#service-{own_service.pk} a").count() == 0
    dinsos.locator(f"#service-start-{service.pk}").click()
    dinsos.locator("#service-action-submit").click()
    assert message(dinsos) == "Layanan Rehabilitasi sosial dimulai."
    assert dinsos.locator(f"#service-status-{service.pk}").inner_text() == "Berjalan"
    dinsos.locator(f"#service-complete-{service.pk}").click()
    dinsos.get_by_label("Hasil layanan").fill(OUTCOME)
    dinsos.locator("#service-action-submit").click()
    assert message(dinsos) == "Layanan Rehabilitasi sosial selesai."
    assert dinsos.locator(f"#service-status-{service.pk}").inner_text() == "Selesai"
    assert CONFIDENTIAL not in dinsos.content()
    dinsos.screenshot(path=str(SHOTS / "case-path-3-provider-case-page.png"), full_page=True)

    # 7. Surabaya: the referral is done; the entry follow-up, the goal met, follow-up, closure proposed.
    sby.goto(case_url)
    referral_row = sby.locator(f"#section-handoff-{handoff.pk}")
    assert "Selesai" in referral_row.inner_text()
    assert OUTCOME in sby.locator(f"#service-{service.pk}").inner_text()
    sby.locator("#record-follow-up-entry").click()
    sby.get_by_label("Kembali tereksploitasi").select_option(label="Tidak")
    sby.get_by_label("Bersekolah").select_option(label="Ya")
    sby.get_by_label("Tempat tinggal anak").select_option(label="Bersama orang tua")
    sby.get_by_label("Dukungan sosial").select_option(label="Sebagian")
    sby.get_by_label("Proses hukum").select_option(label="Tidak ada proses hukum")
    labelled(sby, "Catatan").fill("Anak bersekolah lagi dan tidak bekerja malam.")
    sby.locator("#follow-up-form-submit").click()
    assert message(sby) == "Hasil pemantauan dicatat."
    assert "Selesai" in sby.locator("#follow-up-entry").inner_text()

    sby.locator(f"#service-complete-{own_service.pk}").click()
    sby.get_by_label("Hasil layanan").fill("Anak dan ibu didampingi sampai anak kembali bersekolah.")
    sby.locator("#service-action-submit").click()
    assert message(sby) == "Layanan Pengelolaan kasus selesai."

    sby.locator("#plan-open").click()
    goal_form = sby.locator("#goals form").first
    goal_form.get_by_label("Status").select_option(label="Tercapai")
    goal_form.get_by_role("button", name="Simpan tujuan").click()
    settled(sby)
    expect(sby.locator("#goals select").first).to_have_value("met")
    sby.get_by_role("link", name="Kembali ke kasus").click()
    assert "Tercapai" in sby.locator("#plan-goals").inner_text()

    sby.get_by_role("button", name="Lanjut ke pemantauan & tinjauan").click()
    assert message(sby) == "Kasus masuk tahap pemantauan & tinjauan."
    assert current_step(sby) == "Pemantauan & tinjauan"
    sby.locator("#propose-closure").click()
    sby.get_by_label("Alasan penutupan").select_option(label="Tujuan rencana kasus tercapai")
    sby.get_by_label("Keterangan").fill("Anak aman bersama ibunya dan kembali bersekolah.")
    sby.locator("#closure-form-submit").click()
    assert message(sby) == "Usul penutupan diajukan kepada supervisor."
    assert status(sby) == "Usul penutupan"
    assert current_step(sby) == "Pemantauan & tinjauan"
    assert sby.get_by_role("link", name="Putuskan").count() == 0

    # 8. The supervisor approves closure; the case is closed and Dinas Sosial's access ends.
    open_notification(supervisor, f"Persetujuan penutupan kasus diminta untuk kasus {number}")
    supervisor.get_by_role("link", name="Putuskan").click()
    closure = supervisor.locator("main dl.facts").inner_text()
    assert "Tujuan rencana kasus tercapai. Anak aman bersama ibunya dan kembali bersekolah." in closure
    supervisor.get_by_role("button", name="Setujui").click()
    assert message(supervisor) == "Persetujuan diberikan."
    assert status(supervisor) == "Ditutup"
    assert "Tujuan rencana kasus tercapai" in supervisor.locator("#case-closed").inner_text()
    assert supervisor.locator("#case-steps li[aria-current=step]").count() == 0
    assert supervisor.locator("#case-steps li.done").count() == 7
    assert fits_the_phone(supervisor)
    supervisor.screenshot(path=str(SHOTS / "case-path-4-closed.png"), full_page=True)

    sby.goto(case_url)
    assert status(sby) == "Ditutup"
    assert sby.get_by_role("link", name="Buka kembali kasus").count() == 1
    assert none_found(dinsos, case_records)
    dinsos.goto(f"{base}/kasus/")
    assert number not in dinsos.content()
    # The provider keeps its record of the referral itself, without a way into the case.
    dinsos.goto(f"{base}/rujukan/{handoff.pk}/")
    assert dinsos.locator("#handoff-status").inner_text() == "Selesai"
    assert dinsos.locator("#handoff-case-link").count() == 0
    assert CONFIDENTIAL not in dinsos.content()

    # The record: closed, every step audited, the share ended.
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == "goals_met"
    assert case.organisation == world.uptd_sby
    assert not CaseShare.objects.filter(case=case, ended_at__isnull=True).exists()
    assert CaseShare.objects.filter(case=case, organisation=world.dinsos_sby).exists()
    assert list(Approval.objects.filter(case=case).order_by("pk").values_list("kind", "status", "decided_by")) == [
        ("assessment", "approved", world.supervisor_sby.pk),
        ("case_plan", "approved", world.supervisor_sby.pk),
        ("closure", "approved", world.supervisor_sby.pk),
    ]
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.actual_end is not None
    assert Consent.objects.get(case=case).given_by_family_member.name == MOTHER
    assert FollowUp.objects.get(case=case, kind="entry").status == "done"
    assert Note.objects.filter(case=case, confidential=True).count() == 1
    handoff.refresh_from_db()
    assert handoff.status == "done" and handoff.responded_by == world.worker_dinsos

    events = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    transitions = [e.changes["status"] for e in events.filter(action=Action.TRANSITION).order_by("at", "id")]
    assert transitions == [
        ["registered", "assessment"],
        ["assessment", "identification"],
        ["identification", "case_plan"],
        ["case_plan", "implementation"],
        ["implementation", "follow_up"],
        ["follow_up", "closure_proposed"],
        ["closure_proposed", "closed"],
    ]
    assert AuditEvent.objects.filter(
        action=Action.OPEN_CASE, object_type="report", object_id=str(report.pk), actor_username="worker_sby"
    ).exists()
    assert events.filter(action=Action.REQUEST, actor_username="worker_sby").count() == 3
    assert events.filter(action=Action.APPROVE, actor_username="supervisor_sby").count() == 3
    assert AuditEvent.objects.filter(action=Action.TRIAGE, actor_username="worker_sby").exists()
    assert AuditEvent.objects.filter(
        action=Action.HANDOFF, object_type="handoff", object_id=str(handoff.pk), actor_username="worker_sby"
    ).exists()
    assert AuditEvent.objects.filter(
        action=Action.ACCEPT, object_type="handoff", object_id=str(handoff.pk), actor_username="worker_dinsos"
    ).exists()
    assert AuditEvent.objects.filter(action=Action.COMPLETE, object_type="handoff", object_id=str(handoff.pk)).exists()
    # Dinas Sosial's reads of the case are in the log too.
    assert events.filter(action=Action.VIEW, actor_username="worker_dinsos").exists()
