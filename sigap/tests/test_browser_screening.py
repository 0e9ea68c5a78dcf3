"""Early detection, clicked through in Debian's Chromium on 390-px-wide phone screens in Bahasa
Indonesia (issue 4): a village cadre fills the early-warning checklist for a child; the positive result
files a report to the organisation responsible for the child's village, UPTD PPA Kota Surabaya, whose
case worker finds it in the triage queue, opens a case, screens the child for forced labour from the
case page and gets the assessment task the positive result opens. A case worker of another
organisation cannot open the result."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connections
from playwright.sync_api import expect

from sigap.testing import PASSWORD, build_world
from sigap.tests.browser import SHOTS, fits_the_phone, fixture_browser, phone, settled, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHILD = "Wulan"
EARLY_WARNING = "Daftar periksa peringatan dini (kader dan guru)"
FORCED_LABOUR = "Indikator kerja paksa ILO pada pekerjaan anak"

# The checklist's questions as the cadre reads them.
OUT_OF_SCHOOL = "Apakah anak tidak bersekolah, sudah berhenti sekolah, atau sering tidak masuk dalam sebulan terakhir?"
WORKS = "Apakah anak sudah bekerja, dibayar atau tidak, termasuk membantu usaha orang lain?"
WORKS_FAR = "Apakah anak bekerja jauh dari rumah atau menginap di tempat kerja?"
STREET = "Apakah anak bekerja, meminta-minta, atau tinggal di jalan?"
APART = "Apakah anak tinggal terpisah dari orang tua atau tanpa pengawasan orang dewasa?"
POVERTY = "Apakah keluarga anak sangat miskin atau menerima bantuan sosial (misalnya PKH atau BPNT)?"
PARENT_ABROAD = "Apakah ayah atau ibu anak bekerja di luar negeri?"
ONLINE = (
    "Apakah anak berhubungan dengan orang yang tidak dikenal keluarga lewat internet atau media sosial, "
    "yang meminta bertemu, foto, atau menawarkan uang atau hadiah?"
)
JOB_OFFER = "Apakah anak atau keluarganya mendapat tawaran kerja untuk anak di kota lain atau di luar negeri?"
EARLIER_HARM = "Apakah anak pernah mengalami eksploitasi atau kekerasan sebelumnya?"

# The forced-labour indicators as the case worker reads them.
WAGES = (
    "Apakah upah anak tidak dibayar, ditahan, atau dipotong sehingga anak tidak bisa berhenti tanpa kehilangan uangnya?"
)


def test_a_cadres_checklist_opens_an_assessment_task_for_the_surabaya_case_worker(live_server, browser):
    pages: dict[str, Any] = {}
    try:
        walk_the_screening_path(live_server, browser, pages)
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        for who, page in pages.items():  # what each person saw when it went wrong
            page.screenshot(path=str(SHOTS / f"screening-failed-{who}.png"), full_page=True)
        raise
    finally:
        # Playwright's context got its own database connection, which no fixture can reach.
        connections.close_all()


# --- what a person sees and does ---------------------------------------------------------------


def question(page: Any, label: str) -> Any:
    """The question with this wording (its answers are grouped under it)."""
    return page.get_by_role("group", name=label, exact=True)


def answer(page: Any, label: str, choice: str) -> None:
    question(page, label).get_by_label(choice, exact=True).check()


def reason(words: str, points: int) -> re.Pattern[str]:
    """A reason as the result page lists it: the reason in words, the answer given, the points added."""
    return re.compile(rf"^{re.escape(words)} — \w+ \(\+{points}\)$")


def sign_in_without_two_factor(page: Any, base_url: str, username: str) -> None:
    """Sign in through the login form as someone whose start page is not the triage queue (a cadre)."""
    page.goto(f"{base_url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/akun/" not in url)


def walk_the_screening_path(live_server: Any, browser: Any, pages: dict[str, Any]) -> None:
    build_world()
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url

    # 1. The cadre of PATBM Kebraon opens the early-warning checklist from the menu.
    cadre = phone(browser)
    pages["cadre"] = cadre
    sign_in_without_two_factor(cadre, base, "cadre")
    cadre.get_by_role("link", name="Skrining", exact=True).click()
    cadre.get_by_role("link", name=EARLY_WARNING).click()
    expect(cadre.locator("h1")).to_have_text(EARLY_WARNING)
    expect(cadre.locator("#validation-status")).to_have_text("Belum divalidasi")
    # The screening date is filled in (today) for the cadre to keep or change.
    expect(cadre.get_by_label("Tanggal skrining")).to_have_value(re.compile(r"^\d{4}-\d{2}-\d{2}$"))

    # The child: name, age, sex and village (through the region picker).
    cadre.get_by_label("Nama atau panggilan anak").fill(CHILD)
    cadre.get_by_label("Usia anak (tahun)").fill("13")
    cadre.get_by_label("Jenis kelamin").select_option(label="Perempuan")
    for level, name in (
        ("province", "Jawa Timur"),
        ("regency", "Kota Surabaya"),
        ("district", "Karang Pilang"),
        ("village", "Kebraon"),
    ):
        cadre.locator(f"#id_region__{level}").select_option(label=name)
        # The picker re-renders with the choice (and the next level's options) before the next pick.
        expect(cadre.locator("#id_region__chosen")).to_contain_text(name)
        settled(cadre)

    # Skip logic: "works far from home" is asked only of a child who works.
    expect(question(cadre, WORKS_FAR)).to_be_hidden()
    answer(cadre, WORKS, "Tidak")
    expect(question(cadre, WORKS_FAR)).to_be_hidden()
    answer(cadre, WORKS, "Ya")
    expect(question(cadre, WORKS_FAR)).to_be_visible()
    answer(cadre, WORKS_FAR, "Tidak")
    answer(cadre, JOB_OFFER, "Ya")
    # Every other question "Tidak", except one the cadre forgets.
    for label in (OUT_OF_SCHOOL, STREET, APART, POVERTY, PARENT_ABROAD, ONLINE):
        answer(cadre, label, "Tidak")
    assert fits_the_phone(cadre)
    cadre.locator("#submit-screening").click()

    # The form comes back with the problem named in Indonesian, and nothing entered is lost.
    expect(cadre.locator("div.messages[role=alert]")).to_contain_text(
        "Periksa kembali isian yang ditandai di bawah ini. Isian Anda tidak hilang."
    )
    expect(question(cadre, EARLIER_HARM).locator("xpath=..").locator(".errorlist")).to_have_text("Wajib dijawab.")
    expect(cadre.locator("#screening-form .errorlist")).to_have_count(1)
    expect(cadre.get_by_label("Nama atau panggilan anak")).to_have_value(CHILD)
    expect(cadre.get_by_label("Usia anak (tahun)")).to_have_value("13")
    expect(cadre.get_by_label("Jenis kelamin").locator("option:checked")).to_have_text("Perempuan")
    expect(cadre.locator("#id_region__chosen")).to_contain_text("Kebraon")
    expect(question(cadre, WORKS).get_by_label("Ya", exact=True)).to_be_checked()
    expect(question(cadre, WORKS_FAR)).to_be_visible()
    expect(question(cadre, WORKS_FAR).get_by_label("Tidak", exact=True)).to_be_checked()
    expect(question(cadre, JOB_OFFER).get_by_label("Ya", exact=True)).to_be_checked()
    expect(question(cadre, ONLINE).get_by_label("Tidak", exact=True)).to_be_checked()
    assert fits_the_phone(cadre)
    cadre.screenshot(path=str(SHOTS / "screening-1-missing-answer.png"), full_page=True)

    answer(cadre, EARLIER_HARM, "Tidak")
    cadre.locator("#submit-screening").click()
    cadre.wait_for_url(re.compile(r"/skrining/\d+/$"))
    result_url = cadre.url

    # 2. The result: the band, the reasons in words, the validation status, and where the report went.
    expect(cadre.locator("h1")).to_have_text("Hasil skrining")
    expect(cadre.locator("#result-band")).to_have_text("Perlu asesmen oleh pekerja sosial")
    expect(cadre.locator("#result-validation")).to_contain_text("Belum divalidasi")
    # Each reason in words, with the answer and the points it added.
    expect(cadre.locator("#result-reasons li")).to_have_text(
        [reason("Sudah bekerja", 2), reason("Tawaran kerja jauh dari rumah", 3)]
    )
    expect(cadre.locator("#screening-result")).to_contain_text("tidak menetapkan anak sebagai korban")
    follow_up = cadre.locator("#result-follow-up").inner_text()
    sent = re.search(r"Laporan ([A-Z2-9]{5}-[A-Z2-9]{5}) dikirim ke UPTD PPA Kota Surabaya untuk asesmen\.", follow_up)
    assert sent, follow_up
    code = sent.group(1)
    assert fits_the_phone(cadre)
    cadre.screenshot(path=str(SHOTS / "screening-2-result.png"), full_page=True)

    # 3. The Surabaya case worker finds the report in the triage queue, with its clock.
    worker = phone(browser)
    pages["worker_sby"] = worker
    sign_in(worker, base, "worker_sby")
    worker.get_by_role("link", name="Antrean triase").click()
    row = worker.locator(f'[data-report="{code}"]')
    expect(row).to_contain_text("Sesuai waktu")
    expect(row).to_contain_text("Batas kontak pertama")
    expect(row).to_contain_text("Kebraon")
    row.click()
    expect(worker.locator("h1")).to_have_text(f"Laporan {code}")
    facts = worker.locator("main dl.facts")
    expect(facts).to_contain_text("Hasil skrining")  # the channel
    expect(facts).to_contain_text("UPTD PPA Kota Surabaya")
    description = worker.locator("main").inner_text()
    assert EARLY_WARNING in description and "Perlu asesmen oleh pekerja sosial" in description
    assert "Sudah bekerja; Tawaran kerja jauh dari rumah" in description
    assert "Belum divalidasi" in description
    expect(worker.locator("main .card").filter(has_text=CHILD)).to_contain_text("sekitar 13 tahun")
    assert fits_the_phone(worker)
    worker.screenshot(path=str(SHOTS / "screening-3-report.png"), full_page=True)

    # Triage and open a case; the child comes from the report.
    worker.get_by_label("Sedang").check()
    worker.get_by_label("Alasan").fill("Anak 13 tahun sudah bekerja dan mendapat tawaran kerja di kota lain.")
    worker.get_by_role("button", name="Simpan penilaian risiko").click()
    expect(worker.locator(".messages")).to_contain_text("Penilaian risiko disimpan.")
    worker.get_by_role("link", name="Buka kasus").click()
    expect(worker.get_by_label("Nama lengkap anak")).to_have_value(CHILD)
    worker.get_by_role("button", name="Buka kasus").click()
    worker.wait_for_url(re.compile(r"/kasus/\d+/$"))
    case_url = worker.url

    # The case page lists the cadre's screening.
    screenings = worker.locator("#case-screenings")
    expect(screenings).to_contain_text(EARLY_WARNING)
    expect(screenings).to_contain_text("perlu asesmen")
    expect(screenings).to_contain_text("Belum divalidasi")

    # 4. From the case page the worker runs the forced-labour indicators: the case gives the child.
    worker.get_by_role("link", name=FORCED_LABOUR).click()
    expect(worker.locator("h1")).to_have_text(FORCED_LABOUR)
    expect(worker.locator("main")).to_contain_text(f"Skrining untuk {CHILD} (kasus")
    expect(worker.get_by_label("Nama atau panggilan anak")).to_have_count(0)
    expect(worker.get_by_label("Usia anak (tahun)")).to_have_count(0)
    # Eleven indicators: "Tidak" to each, then "Ya" to the withheld wages.
    questions = worker.locator("#screening-form .screening-item[data-type=yes_no]")
    expect(questions).to_have_count(11)
    for i in range(11):
        questions.nth(i).get_by_label("Tidak", exact=True).check()
    answer(worker, WAGES, "Ya")
    assert fits_the_phone(worker)
    worker.locator("#submit-screening").click()
    worker.wait_for_url(re.compile(r"/skrining/\d+/$"))
    expect(worker.locator("#result-band")).to_have_text("Ada indikator kerja paksa: perlu asesmen")
    expect(worker.locator("#result-reasons li")).to_have_text([reason("Penahanan upah", 1)])
    expect(worker.locator("#result-follow-up")).to_contain_text("Tugas asesmen dibuat untuk UPTD PPA Kota Surabaya")
    assert fits_the_phone(worker)
    worker.screenshot(path=str(SHOTS / "screening-4-case-result.png"), full_page=True)

    worker.goto(case_url)
    expect(worker.locator("#case-screenings li")).to_have_count(2)
    expect(worker.locator("#case-screenings")).to_contain_text(FORCED_LABOUR)
    assert fits_the_phone(worker)
    worker.screenshot(path=str(SHOTS / "screening-5-case-page.png"), full_page=True)

    # The task is in "Tugas saya".
    worker.get_by_role("link", name="Tugas saya").click()
    expect(worker.locator("#task-table")).to_contain_text(f"Nilai anak: skrining {FORCED_LABOUR} positif")
    assert fits_the_phone(worker)
    worker.screenshot(path=str(SHOTS / "screening-6-tasks.png"), full_page=True)

    # 5. A case worker in Malang cannot open the result, nor find the child among the screenings.
    malang = phone(browser)
    pages["worker_malang"] = malang
    sign_in(malang, base, "worker_malang")
    assert malang.goto(result_url).status == 404
    malang.goto(f"{base}/skrining/")
    expect(malang.locator("#screening-table")).to_contain_text("Belum ada hasil skrining.")
    assert CHILD not in malang.content()
