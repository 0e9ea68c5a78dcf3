"""Registry prioritisation, clicked through in Debian's Chromium on 390-px-wide phone screens in Bahasa
Indonesia (issue 4): the supervisor of UPTD PPA Kota Surabaya (passing two-factor) uploads a synthetic
social-protection registry of Surabaya children, watches the run finish, reads where risk concentrates
and which rows were rejected and why, opens a district's ranked outreach list (factors in words),
downloads the district's workbook for the outreach team and records a visit. An analyst of the national
task force sees the same run as aggregates only, and a case worker of another organisation cannot open
it at all."""

from __future__ import annotations

import csv
import json
import re
import threading
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from django.conf import settings as django_settings
from django.db import connections
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import load_workbook
from playwright.sync_api import expect

from sigap.registry import services
from sigap.registry.generate import generate
from sigap.registry.schema import REASONS
from sigap.testing import PASSWORD, SURABAYA_VILLAGE, build_world
from sigap.tests.browser import SHOTS, fits_the_phone, fixture_browser, phone, settled, sign_in  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = 400
SEED = 2  # a registry whose spoilt rows include a bad village code and a missing name
AS_OF = date(2026, 1, 1)  # the generator's ages are as of this date
SOURCE = "registri-surabaya.csv"
# The Surabaya villages the households are placed in: the four of Karang Pilang, two of Wonocolo.
KARANG_PILANG = ("35.78.01.1001", SURABAYA_VILLAGE, "35.78.01.1003", "35.78.01.1004")
WONOCOLO = ("35.78.02.1001", "35.78.02.1002")
VILLAGE_NAMES = {
    "35.78.01.1001": "Karang Pilang",
    "35.78.01.1002": "Kebraon",
    "35.78.01.1003": "Kedurus",
    "35.78.01.1004": "Waru Gunung",
    "35.78.02.1001": "Sidosermo",
    "35.78.02.1002": "Bendul Merisi",
}
CAUTION = "Skor ini adalah daftar prioritas kunjungan, bukan penilaian bahwa anak menjadi korban."
ONLY_AGGREGATES = "Anda melihat angka agregat saja; daftar nama anak hanya untuk pekerja kasus dan supervisor"
VISIT_NOTE = "Anak ditemui di rumah bersama ibunya."


def test_a_supervisor_screens_a_registry_and_an_analyst_sees_only_its_aggregates(
    live_server, browser, settings, tmp_path, monkeypatch
):
    # The uploaded file is kept (until the run ends) under the documents folder: a temporary one here.
    settings.SIGAP_DOCUMENTS_DIR = tmp_path / "documents"
    # The page's own runner (a background thread of the server) screens the file, but only once the
    # test has seen the run waiting: a small file is screened faster than a page loads.
    release, abandoned = threading.Event(), threading.Event()

    def held_back(run_id: int, path: Path) -> None:
        def start() -> None:
            if release.wait(timeout=600) and not abandoned.is_set():
                services.run_in_thread(run_id, path)

        threading.Thread(target=start, name=f"held-registry-run-{run_id}", daemon=True).start()

    monkeypatch.setattr(services, "runner", held_back)
    pages: dict[str, Any] = {}
    try:
        walk_the_registry_path(live_server, browser, tmp_path, pages, release)
    except Exception:
        SHOTS.mkdir(exist_ok=True)
        for who, page in pages.items():  # what each person saw when it went wrong
            page.screenshot(path=str(SHOTS / f"registry-failed-{who}.png"), full_page=True)
        raise
    finally:
        abandoned.set()  # a run the test did not release is never screened after it
        release.set()
        # Playwright's context got its own database connection, which no fixture can reach.
        connections.close_all()


# --- the registry file -------------------------------------------------------------------------


def surabaya_registry(folder: Path) -> tuple[Path, int]:
    """A synthetic registry of ROWS children living in the villages above, and how many of its rows are
    spoilt. Each household is placed in one village; a spoilt village code stays spoilt, and a code the
    ministry wrote without dots stays without dots."""
    raw = folder / "raw.csv"
    generated = generate(raw, ROWS, seed=SEED, fmt="csv", bad_fraction=0.02, as_of=AS_OF)
    frame = pl.read_csv(raw, infer_schema=False)
    villages = (*KARANG_PILANG, *WONOCOLO)
    households = frame.get_column("household_id").drop_nulls().unique(maintain_order=True).to_list()
    dotted = {h: villages[i % len(villages)] for i, h in enumerate(households)}
    plain = {h: code.replace(".", "") for h, code in dotted.items()}
    code = pl.col("village_code")
    frame = frame.with_columns(
        pl.when(code.str.contains(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"))
        .then(pl.col("household_id").replace_strict(dotted, default=None))
        .when(code.str.contains(r"^\d{10}$"))
        .then(pl.col("household_id").replace_strict(plain, default=None))
        .otherwise(code)
        .alias("village_code")
    )
    path = folder / SOURCE
    frame.write_csv(path)
    return path, generated.bad_rows


def file_lines(path: Path) -> list[dict[str, str]]:
    """The file's lines as a person numbers them: index 1 is the header line, 2 the first child."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [{}, {}, *csv.DictReader(handle)]


def factor_names() -> set[str]:
    points = json.loads((Path(django_settings.BASE_DIR) / "sigap/registry/data/risk_points.json").read_text())
    return {factor["name_id"] for factor in points["factors"]}


# --- what a person sees and does ---------------------------------------------------------------


def table(page: Any, selector: str) -> list[list[str]]:
    """The text of each cell of each body row of a table."""
    return list(
        page.eval_on_selector_all(
            f"{selector} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText.trim()))"
        )
    )


def outreach_list(page: Any) -> list[dict[str, str]]:
    """The children on an outreach list as shown: rank and name, score, the line under the name, factors."""
    return list(
        page.eval_on_selector_all(
            "ol.outreach-list > li.card",
            """items => items.map(li => {
                const p = li.querySelectorAll('p');
                return {heading: li.querySelector('strong').innerText.trim(),
                        score: li.querySelector('.badge').innerText.trim(),
                        details: p[1].innerText.trim(), factors: p[2].innerText.trim()};
            })""",
        )
    )


def sign_in_without_two_factor(page: Any, base_url: str, username: str) -> None:
    """Sign in through the login form as someone whose start page is not the triage queue (an analyst)."""
    page.goto(f"{base_url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/akun/" not in url)


def statuses(page: Any, urls: list[str]) -> list[int]:
    """What the server answers this person for each of these addresses; back to where they were after."""
    here = page.url
    answers = [page.goto(url).status for url in urls]
    page.goto(here)
    return answers


def walk_the_registry_path(
    live_server: Any, browser: Any, folder: Path, pages: dict[str, Any], release: threading.Event
) -> None:
    world = build_world()
    SHOTS.mkdir(exist_ok=True)
    base = live_server.url
    registry, spoilt = surabaya_registry(folder)
    lines = file_lines(registry)
    all_names = {row["name"] for row in lines[2:] if row["name"]}
    scored = ROWS - spoilt
    # The supervisor enrolled an authenticator app earlier; the test reads the code it would show.
    device = TOTPDevice.objects.create(user=world.supervisor_sby, name="Sigap", confirmed=True)

    # 1. The supervisor opens "Registri" from the menu and uploads the registry.
    supervisor = phone(browser)
    pages["supervisor_sby"] = supervisor
    sign_in(supervisor, base, "supervisor_sby", totp_key=device.bin_key)
    supervisor.get_by_role("link", name="Registri", exact=True).click()
    expect(supervisor.locator("h1")).to_have_text("Prioritas penjangkauan dari registri perlindungan sosial")
    expect(supervisor.locator("#registry-runs")).to_contain_text("Belum ada penyaringan registri.")
    supervisor.get_by_label("Berkas registri").set_input_files(str(registry))
    supervisor.get_by_label("Tanggal acuan usia").fill(AS_OF.isoformat())
    expect(supervisor.get_by_label("Anak per desa dalam daftar penjangkauan")).to_have_value("20")
    assert fits_the_phone(supervisor)
    supervisor.screenshot(path=str(SHOTS / "registry-1-upload.png"), full_page=True)
    supervisor.get_by_role("button", name="Unggah dan saring").click()

    # 2. The run page: the file is accepted and waits; the page follows the run (htmx) until it is done.
    supervisor.wait_for_url(re.compile(r"/registri/\d+/$"))
    run_url = supervisor.url
    run_id = int(re.search(r"/registri/(\d+)/$", run_url).group(1))  # type: ignore[union-attr]
    expect(supervisor.locator("ul.messages[role=status]")).to_contain_text(
        "Berkas diterima. Penyaringan berjalan; halaman ini memperbarui kemajuannya."
    )
    expect(supervisor.locator("h1")).to_have_text(f"Penyaringan registri #{run_id}")
    expect(supervisor.locator("main dl.facts")).to_contain_text(SOURCE)
    expect(supervisor.locator("main dl.facts")).to_contain_text("UPTD PPA Kota Surabaya")
    expect(supervisor.locator("main dl.facts")).to_contain_text("1 Jan 2026")
    progress = supervisor.locator("#run-progress")
    expect(supervisor.locator("#run-status")).to_have_text("Menunggu")
    expect(progress.locator("progress")).to_be_visible()
    expect(progress).to_contain_text("0 baris diproses.")
    expect(progress).to_contain_text("Halaman ini memperbarui diri setiap 2 detik.")
    expect(supervisor.locator("#district-table")).to_have_count(0)
    assert fits_the_phone(supervisor)
    supervisor.screenshot(path=str(SHOTS / "registry-2-waiting.png"), full_page=True)
    # The screening starts; the person only watches: the page polls and shows the results by itself.
    release.set()
    # The screening is a background thread of the server: give a slow machine time.
    expect(supervisor.locator("#run-status")).to_have_text("Selesai", timeout=120_000)
    expect(supervisor.locator("#district-table")).to_be_visible()
    settled(supervisor)
    expect(progress).to_contain_text(f"{ROWS} baris dibaca, {scored} anak dinilai, {spoilt} baris ditolak, ")
    listed = int(re.search(r"(\d+) anak masuk daftar penjangkauan", progress.inner_text()).group(1))  # type: ignore[union-attr]
    assert listed > 0
    expect(supervisor.locator("main")).to_contain_text(CAUTION)

    # Where risk concentrates: the chart and the table, districts by children at or above the threshold.
    districts = table(supervisor, "#district-table")
    assert [row[0] for row in districts] == ["Karang Pilang 35.78.01", "Wonocolo 35.78.02"]
    assert sum(int(row[1]) for row in districts) == scored
    assert int(districts[0][2]) >= int(districts[1][2]) > 0
    at_or_above = sum(int(row[2]) for row in districts)
    expect(supervisor.locator("#district-table caption")).to_have_text(
        f"Jumlah: {scored} anak dinilai, {at_or_above} dengan skor ≥ ambang."
    )
    chart = supervisor.locator("#where + p + figure")
    expect(chart).to_contain_text("Karang Pilang")
    expect(chart).to_contain_text("Wonocolo")

    # The rejected rows: each with its line in the file, the column, the value and the reason in words.
    expect(supervisor.locator("#errors + p")).to_contain_text(f"{spoilt} baris tidak dinilai.")
    rejected = table(supervisor, "#error-table")
    assert len(rejected) == spoilt
    reasons = {(r.column, r.text_id) for r in REASONS.values()}
    for number, column, value, reason in rejected:
        assert (column, reason) in reasons, (number, column, reason)
        in_file = lines[int(number)][column]
        if column in ("nik", "name", "household_id", "source_id") and in_file:
            # Identities of children who are not listed are not kept, not even in the error list.
            assert value == f"(disamarkan, {len(in_file)} karakter)", (number, column, value)
        else:
            assert value == (in_file or "-"), (number, column, value, in_file)
    assert any(
        column == "village_code" and reason.startswith("Kode desa harus kode Kemendagri 10 angka")
        for _n, column, _v, reason in rejected
    )
    missing_names = [r[2:] for r in rejected if r[1] == "name"]
    assert missing_names and all(r == ["-", "Nama anak wajib diisi."] for r in missing_names)
    assert not {name for name in all_names if name in supervisor.content()}  # nobody is named on this page
    assert fits_the_phone(supervisor)
    supervisor.screenshot(path=str(SHOTS / "registry-3-run.png"), full_page=True)

    # 3. Karang Pilang: its villages and the ranked outreach list, factors in words.
    supervisor.locator("#district-table").get_by_role("link", name="Karang Pilang", exact=True).click()
    expect(supervisor.locator("h1")).to_have_text("Kecamatan Karang Pilang 35.78.01")
    expect(supervisor.locator("main")).to_contain_text(CAUTION)
    villages = table(supervisor, "#village-table")
    assert [row[0] for row in villages] == [f"{VILLAGE_NAMES[c]} {c}" for c in KARANG_PILANG]
    assert sum(int(row[1]) for row in villages) == int(districts[0][1])
    expected_per_village = {row[0].rsplit(" ", 1)[0]: min(int(row[2]), 20) for row in villages}
    entries = outreach_list(supervisor)
    assert len(entries) == sum(expected_per_village.values())
    assert [int(e["heading"].split(".", 1)[0]) for e in entries] == list(range(1, len(entries) + 1))
    scores = [int(e["score"].removeprefix("Skor ")) for e in entries]
    assert scores == sorted(scores, reverse=True) and scores[-1] >= 6  # the shipped threshold
    words = factor_names()
    by_village: dict[str, list[str]] = {}
    for entry in entries:
        factors = entry["factors"].removeprefix("Faktor utama: ").split("; ")
        assert factors and set(factors) <= words, entry  # the factors in words, never as codes
        place = re.search(r"Desa (.+), peringkat desa (\d+)$", entry["details"])
        assert place, entry
        by_village.setdefault(place.group(1), []).append(entry["heading"].split(". ", 1)[1])
        assert int(place.group(2)) == len(by_village[place.group(1)])  # ranks within the village too
    assert {v: len(n) for v, n in by_village.items()} == {v: n for v, n in expected_per_village.items() if n}
    assert fits_the_phone(supervisor)
    supervisor.screenshot(path=str(SHOTS / "registry-4-district.png"), full_page=True)

    # The district's workbook for the outreach team: a cover sheet, then one sheet per village in rank order.
    with supervisor.expect_download() as download_info:
        supervisor.get_by_role("link", name="Unduh XLSX untuk tim penjangkauan").click()
    download = download_info.value
    assert download.suggested_filename == f"penjangkauan-{run_id}-35.78.01.xlsx"
    workbook_path = folder / download.suggested_filename
    download.save_as(workbook_path)
    workbook = load_workbook(workbook_path, read_only=True)
    # The villages in the order of the village table (by code).
    assert workbook.sheetnames == ["Ringkasan", *(v for v, n in expected_per_village.items() if n)]
    cover = [row for row in workbook["Ringkasan"].iter_rows(values_only=True) if row]
    assert cover[0][0] == "Daftar penjangkauan anak — Kecamatan Karang Pilang (35.78.01)"
    assert cover[1][0] == CAUTION
    for village, names in by_village.items():
        rows = list(workbook[village].iter_rows(values_only=True))
        assert rows[0][:2] == ("Peringkat", "Nama")
        assert [(row[0], row[1]) for row in rows[1:]] == list(enumerate(names, start=1))
    workbook.close()

    # A visit: the first child on the list was found at home.
    first = supervisor.locator("ol.outreach-list > li.card").first
    first_name = entries[0]["heading"].split(". ", 1)[1]
    expect(first.locator("strong")).to_have_text(entries[0]["heading"])
    first.get_by_label("Status").select_option(label="Sudah dikunjungi")
    first.get_by_label("Catatan").fill(VISIT_NOTE)
    first.get_by_role("button", name="Simpan").click()
    expect(first.get_by_role("status")).to_have_text("Tersimpan.")
    settled(supervisor)
    supervisor.reload()
    first = supervisor.locator("ol.outreach-list > li.card").first
    expect(first.locator("strong")).to_have_text(f"1. {first_name}")
    expect(first.get_by_label("Status").locator("option:checked")).to_have_text("Sudah dikunjungi")
    expect(first.get_by_label("Catatan")).to_have_value(VISIT_NOTE)
    assert fits_the_phone(supervisor)
    supervisor.screenshot(path=str(SHOTS / "registry-5-visited.png"), full_page=True)
    district_url = supervisor.url
    village_url = f"{base}/registri/{run_id}/desa/{SURABAYA_VILLAGE}/"
    xlsx_url = f"{base}/registri/{run_id}/kecamatan/35.78.01/xlsx/"
    errors_url = f"{base}/registri/{run_id}/baris-ditolak.csv"

    # 4. The analyst of the national task force finds the run and sees its aggregates, no child.
    analyst = phone(browser)
    pages["analyst"] = analyst
    sign_in_without_two_factor(analyst, base, "analyst")
    analyst.get_by_role("link", name="Registri", exact=True).click()
    expect(analyst.locator("main")).to_contain_text("Anda melihat angka agregat per wilayah saja, tanpa nama anak.")
    expect(analyst.locator("#registry-upload-form")).to_have_count(0)
    seen = [analyst.content()]
    analyst.locator("#registry-runs").get_by_role("link", name=SOURCE).click()
    expect(analyst.locator("h1")).to_have_text(f"Penyaringan registri #{run_id}")
    expect(analyst.locator("#run-progress")).to_contain_text(f"{scored} anak dinilai, {spoilt} baris ditolak, ")
    assert table(analyst, "#district-table") == [row[:5] for row in districts]  # no XLSX column
    expect(analyst.locator("#error-table")).to_have_count(0)
    expect(analyst.get_by_role("link", name="XLSX")).to_have_count(0)
    assert fits_the_phone(analyst)
    analyst.screenshot(path=str(SHOTS / "registry-6-analyst-run.png"), full_page=True)
    seen.append(analyst.content())
    analyst.locator("#district-table").get_by_role("link", name="Karang Pilang", exact=True).click()
    expect(analyst.locator("h1")).to_have_text("Kecamatan Karang Pilang 35.78.01")
    expect(analyst.locator("main")).to_contain_text(ONLY_AGGREGATES)
    assert table(analyst, "#village-table") == villages
    expect(analyst.locator("#village-table").get_by_role("link")).to_have_count(0)
    expect(analyst.locator("ol.outreach-list")).to_have_count(0)
    expect(analyst.get_by_role("link", name="Unduh XLSX untuk tim penjangkauan")).to_have_count(0)
    assert fits_the_phone(analyst)
    analyst.screenshot(path=str(SHOTS / "registry-7-analyst-district.png"), full_page=True)
    seen.append(analyst.content())
    analyst.goto(f"{base}/registri/{run_id}/kecamatan/35.78.02/")
    expect(analyst.locator("main")).to_contain_text(ONLY_AGGREGATES)
    seen.append(analyst.content())
    # The outreach list, the workbook and the rejected rows are refused, even by their address.
    assert statuses(analyst, [village_url, xlsx_url, errors_url]) == [403, 403, 403]
    assert not {name for name in all_names if any(name in page for page in seen)}

    # 5. A case worker of UPTD PPA Kabupaten Malang cannot open the run, nor find it.
    malang = phone(browser)
    pages["worker_malang"] = malang
    sign_in(malang, base, "worker_malang")
    malang.get_by_role("link", name="Registri", exact=True).click()
    expect(malang.locator("#registry-runs")).to_contain_text("Belum ada penyaringan registri.")
    expect(malang.locator("#registry-upload-form")).to_have_count(0)
    assert statuses(malang, [run_url, district_url, village_url, xlsx_url, errors_url]) == [404] * 5
    assert first_name not in malang.content()
