"""The registry pages: upload with clear errors, progress, where risk concentrates, the outreach lists,
the district XLSX, rejected rows and the visit status form."""

from __future__ import annotations

import csv
import io

from django.db.models import Count
from django.urls import reverse
from openpyxl import load_workbook

from sigap.audit.models import AuditEvent
from sigap.registry import services
from sigap.registry.generate import generate
from sigap.registry.models import OutreachEntry, RegistryRun, RunStatus

from .test_services import (  # noqa: F401 — shared fixtures
    AS_OF,
    KEBRAON,
    KEDURUS,
    LISTED,
    NOT_LISTED,
    REGISTRY,
    fixture_registry_settings,
    fixture_run,
    registry_csv,
    screened,
    upload,
    uploads_left,
)


def _post_upload(client, file, **fields):
    data = {"as_of": "2026-01-01", "per_village": "2", "threshold": "", **fields}
    if file is not None:
        data["file"] = file
    return client.post(reverse("registry:list"), data)


# --- upload -------------------------------------------------------------------------------------------------


def test_a_supervisor_uploads_a_registry_and_lands_on_the_finished_run_page(
    world, as_user, django_capture_on_commit_callbacks
):
    client = as_user("supervisor_sby")
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_upload(client, upload())
    run = RegistryRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:detail", args=[run.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Selesai" in page and "Karang Pilang" in page  # status and the district in the chart/table
    assert "bukan penilaian bahwa anak menjadi korban" in page
    assert 'hx-trigger="every 2s"' not in page  # done: no more polling
    assert "31/12/2012" in page and "NIK harus 16 angka" in page  # rejected rows with reasons
    assert not any(name in page for name in LISTED | NOT_LISTED)  # the run page carries no names
    assert uploads_left() == []


def test_a_wrong_file_type_gives_a_clear_message_and_keeps_the_other_values(world, as_user):
    response = _post_upload(as_user("supervisor_sby"), upload(b"%PDF-1.4 ...", "registri.pdf"), per_village="7")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Jenis berkas .pdf tidak diterima. Unggah registri sebagai berkas .csv atau .parquet." in body
    assert 'value="7"' in body and 'value="2026-01-01"' in body
    assert not RegistryRun.objects.exists() and uploads_left() == []


def test_an_empty_file_gives_a_clear_message(world, as_user):
    response = _post_upload(as_user("supervisor_sby"), upload(b"", "registri.csv"))
    assert response.status_code == 400
    assert "Berkas kosong. Pilih berkas registri yang berisi data anak." in response.content.decode()
    assert not RegistryRun.objects.exists()


def test_a_file_without_the_required_columns_names_the_missing_ones_and_keeps_the_values(world, as_user):
    content = registry_csv(columns=["nik", "name", "birth_date", "sex"])
    response = _post_upload(as_user("supervisor_sby"), upload(content), threshold="9")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Kolom wajib tidak ada di berkas: village_code, household_id." in body
    assert 'value="9"' in body
    assert not RegistryRun.objects.exists() and uploads_left() == []


def test_a_parquet_named_file_that_is_not_parquet_is_refused(world, as_user):
    response = _post_upload(as_user("supervisor_sby"), upload(registry_csv(), "registri.parquet"))
    assert response.status_code == 400
    assert "bukan berkas Parquet yang sah" in response.content.decode()


def test_form_errors_are_specific_and_keep_what_was_entered(world, as_user):
    response = _post_upload(as_user("supervisor_sby"), upload(), per_village="0", as_of="31-31-2026")
    body = response.content.decode()
    assert response.status_code == 400
    assert "Jumlah anak per desa paling sedikit 1." in body
    assert "Tanggal acuan usia tidak sah." in body and 'value="31-31-2026"' in body
    assert not RegistryRun.objects.exists()


def test_the_upload_form_is_offered_only_to_people_who_may_screen(world, as_user):
    assert 'id="registry-upload-form"' in as_user("supervisor_sby").get(reverse("registry:list")).content.decode()
    client = as_user("worker_sby")
    assert 'id="registry-upload-form"' not in client.get(reverse("registry:list")).content.decode()
    assert _post_upload(client, upload()).status_code == 403
    assert not RegistryRun.objects.exists()


# --- progress -----------------------------------------------------------------------------------------------


def test_the_run_page_polls_its_progress_every_two_seconds_while_running(world, as_user):
    run = services.create_run(world.supervisor_sby, source_name="registri.csv")
    RegistryRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, rows_done=300_000, rows_total=1_200_000)
    client = as_user("supervisor_sby")
    page = client.get(reverse("registry:detail", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and reverse("registry:progress", args=[run.pk]) in page
    fragment = client.get(reverse("registry:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert "300000 dari 1200000 baris diproses (25%)" in fragment.content.decode()
    assert "HX-Refresh" not in fragment


def test_the_progress_fragment_asks_for_a_reload_once_the_run_has_ended(run, as_user):
    response = as_user("supervisor_sby").get(reverse("registry:progress", args=[run.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert 'hx-trigger="every 2s"' not in response.content.decode()


def test_a_failed_run_shows_its_message(world, as_user):
    run = services.create_run(world.supervisor_sby, source_name="registri.csv")
    services._fail(run.pk, "Berkas registri registri.csv kosong.")
    page = as_user("supervisor_sby").get(reverse("registry:detail", args=[run.pk])).content.decode()
    assert "Gagal" in page and "Berkas registri registri.csv kosong." in page


# --- outreach lists -----------------------------------------------------------------------------------------


def test_the_district_outreach_list_is_ranked_with_factors_in_words_and_each_child_read_is_audited(run, as_user):
    page = as_user("worker_sby").get(reverse("registry:district", args=[run.pk, "35.78.01"])).content.decode()
    order = [page.index(name) for name in ("Citra Lestari", "Fajar Nugroho", "Bagus Pratama")]
    assert order == sorted(order)  # all score 15: the youngest first across the district
    assert "Bekerja melebihi batas jam untuk usianya (BPS)" in page and "Putus sekolah" in page
    assert "Kebraon" in page and "Kedurus" in page
    assert "Dimas Saputra" not in page  # third in Kebraon with 2 per village: never stored
    reads = AuditEvent.objects.filter(action="list", object_type="outreachentry", actor_username="worker_sby")
    listed = OutreachEntry.objects.filter(run=run, district_code="35.78.01")
    assert sorted(reads.values_list("object_id", flat=True)) == sorted(str(e.pk) for e in listed)


def test_the_village_list_is_in_village_rank_order_and_audited(run, as_user):
    page = as_user("supervisor_sby").get(reverse("registry:village", args=[run.pk, KEBRAON])).content.decode()
    assert page.index("Citra Lestari") < page.index("Bagus Pratama")
    assert "Fajar Nugroho" not in page  # another village
    assert AuditEvent.objects.filter(action="list", object_type="outreachentry").count() == 2


def test_factors_are_shown_in_english_on_an_english_page(run, as_user):
    client = as_user("worker_sby")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("registry:village", args=[run.pk, KEBRAON]), HTTP_ACCEPT_LANGUAGE="en").content
    assert b"Dropped out of school" in page


def test_the_district_xlsx_has_a_cover_and_one_sheet_per_village_in_rank_order_and_is_audited(run, as_user):
    response = as_user("worker_sby").get(reverse("registry:district_xlsx", args=[run.pk, "35.78.01"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Ringkasan", "Kebraon", "Kedurus"]
    cover = [row for row in book["Ringkasan"].iter_rows(values_only=True)]
    flat = " ".join(str(v) for row in cover for v in row if v is not None)
    assert "bukan penilaian bahwa anak menjadi korban" in flat and "Versi tabel poin" in flat
    rows = list(book["Kebraon"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Peringkat", "Nama", "NIK")
    assert [(r[0], r[1]) for r in rows[1:]] == [(1, "Citra Lestari"), (2, "Bagus Pratama")]
    assert "Putus sekolah" in rows[1][8] and rows[1][5] == "Perempuan"
    event = AuditEvent.objects.get(action="download", object_type="registryrun", object_id=str(run.pk))
    assert event.changes == {"file": "xlsx", "district": "35.78.01", "children": 3}


def test_a_name_that_looks_like_a_formula_is_written_to_the_xlsx_as_text(
    world, as_user, django_capture_on_commit_callbacks
):
    rows = [{**REGISTRY[0], "name": '=HYPERLINK("http://contoh.invalid","x")'}]
    run = screened(world.supervisor_sby, django_capture_on_commit_callbacks, registry_csv(rows))
    response = as_user("supervisor_sby").get(reverse("registry:district_xlsx", args=[run.pk, "35.78.01"]))
    cell = load_workbook(io.BytesIO(response.content))["Kebraon"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_the_rejected_rows_csv_lists_every_rejected_row_with_its_row_number_and_reason(run, as_user):
    response = as_user("supervisor_sby").get(reverse("registry:errors_csv", args=[run.pk]))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["nomor_baris", "kolom", "nilai", "kode_alasan", "alasan"]
    assert [(r[0], r[1], r[3]) for r in rows[1:]] == [
        ("9", "birth_date", "birth_date_format"),
        ("10", "nik", "nik_format"),
    ]
    assert "35780199" not in body  # the rejected NIK stays masked


def test_a_case_worker_marks_a_child_visited_from_the_list(run, as_user):
    entry = OutreachEntry.objects.get(run=run, name="Fajar Nugroho")
    client = as_user("worker_sby")
    response = client.post(
        reverse("registry:entry_status", args=[entry.pk]),
        {"status": "visited", "note": "Keluarga ditemui", "next": reverse("registry:village", args=[run.pk, KEDURUS])},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/desa/{KEDURUS}/")
    entry.refresh_from_db()
    assert (entry.status, entry.status_note) == ("visited", "Keluarga ditemui")
    fragment = client.post(
        reverse("registry:entry_status", args=[entry.pk]), {"status": "not_found"}, HTTP_HX_REQUEST="true"
    )
    assert fragment.status_code == 200 and "Tersimpan." in fragment.content.decode()
    entry.refresh_from_db()
    assert entry.status == "not_found"


def test_an_unknown_visit_status_is_refused_with_a_message(run, as_user):
    entry = OutreachEntry.objects.get(run=run, name="Fajar Nugroho")
    response = as_user("worker_sby").post(
        reverse("registry:entry_status", args=[entry.pk]), {"status": "victim"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400 and "Pilih status kunjungan." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == "to_visit"


def test_a_long_district_list_comes_fifty_children_a_page_and_only_those_shown_are_audited(
    world, as_user, django_capture_on_commit_callbacks, tmp_path
):
    made = generate(tmp_path / "r.csv", 6000, seed=5, as_of=AS_OF)
    run = screened(world.supervisor_sby, django_capture_on_commit_callbacks, made.path.read_bytes(), per_village=20)
    district = (
        OutreachEntry.objects.filter(run=run).values("district_code").annotate(n=Count("id")).order_by("-n").first()
    )
    assert district["n"] > 50
    client = as_user("worker_sby")
    url = reverse("registry:district", args=[run.pk, district["district_code"]])
    first = client.get(url).content.decode()
    assert first.count('class="card" id="entry-') == 50 and "Halaman 1 dari" in first
    assert AuditEvent.objects.filter(action="list", object_type="outreachentry").count() == 50
    second = client.get(url + "?page=2").content.decode()
    assert second.count('class="card" id="entry-') == min(50, district["n"] - 50)
