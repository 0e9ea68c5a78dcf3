"""Registry runs: upload → progress → done, what is kept, what is deleted, visit status.

The helpers here (a small hand-written registry, uploads, a screened run) are shared with the other
test files of this app: import ``fixture_registry_settings`` (autouse) and ``fixture_run`` to use them."""

from __future__ import annotations

import csv
import io
import os
import time
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.registry import engine, schema, services
from sigap.registry.generate import generate
from sigap.registry.models import OutreachEntry, RegistryRun, RunArea, RunError, RunStatus, VisitStatus

AS_OF = date(2026, 1, 1)
KEBRAON = "35.78.01.1002"  # Kebraon, Karang Pilang, Kota Surabaya
KEDURUS = "35.78.01.1003"  # Kedurus, Karang Pilang
TULUNGREJO = "35.07.01.2001"  # Tulungrejo, Kabupaten Malang
MENTENG = "31.71.06.1001"  # Menteng, Jakarta Pusat

COLUMNS = list(schema.COLUMNS)
# A child who left school, works long hours in the street, in a very poor household: score 15.
HIGH = {
    "school_status": "dropped_out",
    "welfare_decile": "1",
    "social_assistance": "false",
    "parent_abroad": "false",
    "lives_with_parents": "true",
    "child_works": "true",
    "weekly_hours": "30",
    "sector": "street",
}
# An enrolled child of a better-off household who does not work: score 0.
LOW = {
    "school_status": "enrolled",
    "welfare_decile": "8",
    "social_assistance": "false",
    "parent_abroad": "false",
    "lives_with_parents": "true",
    "child_works": "false",
    "weekly_hours": "0",
    "sector": "",
}


def child(n: int, name: str, village: str, born: str, risk: dict[str, str], sex: str = "M") -> dict[str, str]:
    return {
        "source_id": f"REG-{n:04d}",
        "nik": f"357801{n:010d}",
        "name": name,
        "birth_date": born,
        "sex": sex,
        "village_code": village,
        "household_id": f"RT-{n:04d}",
        **risk,
    }


# Rows in file order; the CSV's header is line 1, so row i (0-based) is line i + 2.
REGISTRY = [
    child(1, "Bagus Pratama", KEBRAON, "2012-03-01", HIGH),  # line 2, 13 years: listed (rank 2)
    child(2, "Citra Lestari", KEBRAON, "2012-09-01", HIGH, "F"),  # line 3, younger: listed (rank 1)
    child(3, "Dimas Saputra", KEBRAON, "2011-02-01", HIGH),  # line 4, 14 years: third, NOT listed (2 per village)
    child(4, "Eka Wulandari", KEBRAON, "2015-05-05", LOW, "F"),  # line 5, score 0: not listed
    child(5, "Fajar Nugroho", KEDURUS, "2012-04-04", HIGH),  # line 6, listed
    child(6, "Gita Permata", TULUNGREJO, "2012-06-06", HIGH, "F"),  # line 7, Malang: listed
    child(7, "Hadi Santoso", MENTENG, "2012-07-07", HIGH),  # line 8, Jakarta: listed
    {**child(8, "Intan Ditolak", KEBRAON, "31/12/2012", HIGH, "F")},  # line 9, bad date: rejected
    {**child(9, "Joko Ditolak", KEBRAON, "2012-01-01", HIGH), "nik": "35780199"},  # line 10, bad NIK: rejected
]
LISTED = {"Bagus Pratama", "Citra Lestari", "Fajar Nugroho", "Gita Permata", "Hadi Santoso"}
NOT_LISTED = {"Dimas Saputra", "Eka Wulandari", "Intan Ditolak", "Joko Ditolak"}


def registry_csv(rows: list[dict[str, str]] = REGISTRY, columns: list[str] = COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(content: bytes | None = None, name: str = "registri.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, registry_csv() if content is None else content, content_type="text/csv")


def uploads_left() -> list[Path]:
    folder = services.upload_dir()
    return sorted(folder.iterdir()) if folder.is_dir() else []


def screened(
    actor: Any, capture: Any, content: bytes | None = None, per_village: int = 2, **options: Any
) -> RegistryRun:
    """A run started by ``actor`` and processed synchronously."""
    with capture(execute=True):
        run = services.start_run(actor, upload(content), as_of=AS_OF, per_village=per_village, **options)
    run.refresh_from_db()
    return run


@pytest.fixture(name="registry_settings", autouse=True)
def fixture_registry_settings(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Uploads in a temporary folder; committed runs processed at once, in the test's thread."""
    settings.SIGAP_DOCUMENTS_DIR = tmp_path / "documents"
    monkeypatch.setattr(services, "runner", services.process_run)
    return settings.SIGAP_DOCUMENTS_DIR


@pytest.fixture(name="run")
def fixture_run(world: SimpleNamespace, django_capture_on_commit_callbacks: Any) -> RegistryRun:
    return screened(world.supervisor_sby, django_capture_on_commit_callbacks)


# --- upload → progress → done -----------------------------------------------------------------------------


def test_an_uploaded_registry_is_screened_to_done_with_areas_outreach_entries_and_errors(run):
    assert run.status == RunStatus.DONE
    assert (run.rows_read, run.rows_scored, run.rows_rejected, run.outreach_count) == (9, 7, 2, 5)
    assert run.rows_done == run.rows_total == 9 and run.percent == 100
    assert run.points_version and run.threshold == 6 and run.started_at and run.finished_at
    kebraon = RunArea.objects.get(run=run, village_code=KEBRAON)
    assert (kebraon.children, kebraon.at_or_above_threshold, kebraon.max_score, kebraon.district_code) == (
        4,
        3,
        15,
        "35.78.01",
    )
    assert set(RunArea.objects.filter(run=run).values_list("village_code", flat=True)) == {
        KEBRAON,
        KEDURUS,
        TULUNGREJO,
        MENTENG,
    }
    ranked = list(OutreachEntry.objects.filter(run=run, village_code=KEBRAON).order_by("rank_in_village"))
    assert [e.name for e in ranked] == ["Citra Lestari", "Bagus Pratama"]  # same score: the younger first
    assert ranked[0].factors[:2] == ["child_labour_hours", "dropped_out"]
    assert ranked[0].status == VisitStatus.TO_VISIT
    assert list(RunError.objects.filter(run=run).values_list("row_number", "column")) == [
        (9, "birth_date"),
        (10, "nik"),
    ]


def test_the_page_sees_progress_written_while_the_file_is_screened(world):
    run = services.create_run(world.supervisor_sby, source_name="registri.csv", as_of=AS_OF)
    services._ProgressWriter(run.pk)(500_000, 2_000_000)
    run.refresh_from_db()
    assert (run.rows_done, run.rows_total, run.percent) == (500_000, 2_000_000, 25)


def test_the_uploaded_file_is_deleted_after_a_successful_run(run):
    assert run.status == RunStatus.DONE
    assert uploads_left() == []


def test_the_uploaded_file_is_deleted_and_the_run_fails_with_a_clear_message_when_screening_breaks(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    seen: list[Path] = []

    def broken(path: Path, **options: Any) -> Any:
        seen.append(Path(path))
        assert Path(path).is_file()  # the file was there while it was being screened
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(engine, "screen", broken)
    run = screened(world.supervisor_sby, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "hubungi admin sistem" in run.failure_message and "disk" not in run.failure_message
    assert seen and not seen[0].exists() and uploads_left() == []
    assert not OutreachEntry.objects.filter(run=run).exists()


def test_a_file_the_engine_cannot_read_fails_the_run_with_the_engines_indonesian_message(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    def unreadable(path: Path, **options: Any) -> Any:
        raise engine.RegistryFileError("Berkas registri registri.csv kosong.")

    monkeypatch.setattr(engine, "screen", unreadable)
    run = screened(world.supervisor_sby, django_capture_on_commit_callbacks)
    assert (run.status, run.failure_message) == (RunStatus.FAILED, "Berkas registri registri.csv kosong.")
    assert uploads_left() == []


def test_a_refused_upload_leaves_no_file_and_no_run(world):
    with pytest.raises(ValidationError):
        services.start_run(world.supervisor_sby, upload(registry_csv(columns=["nik", "name", "sex"])), as_of=AS_OF)
    assert uploads_left() == [] and not RegistryRun.objects.exists()


def test_a_person_without_the_screening_permission_cannot_start_a_run(world):
    for person in (world.worker_sby, world.analyst, world.org_admin_sby, world.reporter):
        with pytest.raises(PermissionDenied):
            services.start_run(person, upload(), as_of=AS_OF)
    assert uploads_left() == [] and not RegistryRun.objects.exists()


def test_a_granted_screening_permission_lets_a_case_worker_screen(world, django_capture_on_commit_callbacks):
    world.worker_sby.granted_permissions = ["screen_registry"]
    world.worker_sby.save()
    run = screened(world.worker_sby, django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE and run.organisation == world.uptd_sby


def test_starting_a_run_is_audited_as_create_and_finishing_it_as_complete(run, world):
    create = AuditEvent.objects.get(action="create", object_type="registryrun", object_id=str(run.pk))
    assert create.actor_username == "supervisor_sby" and create.organisation_id == world.uptd_sby.pk
    assert create.changes["per_village"] == 2 and create.changes["as_of"] == "2026-01-01"
    complete = AuditEvent.objects.get(action="complete", object_type="registryrun", object_id=str(run.pk))
    assert complete.changes == {"rows_read": 9, "rows_scored": 7, "rows_rejected": 2, "outreach": 5}


# --- what is kept -----------------------------------------------------------------------------------------


def test_only_the_identities_of_children_placed_on_an_outreach_list_are_stored(run):
    assert set(OutreachEntry.objects.filter(run=run).values_list("name", flat=True)) == LISTED
    assert OutreachEntry.objects.count() == run.outreach_count == 5
    call_command("dumpdata", "registry", "audit", "people", stdout=(dump := io.StringIO()))
    stored = dump.getvalue()
    assert all(name in stored for name in LISTED)
    for name in NOT_LISTED:
        assert name not in stored
    for row in REGISTRY:
        if row["name"] in NOT_LISTED:
            assert row["nik"] not in stored and row["household_id"] not in stored


def test_a_rejected_nik_is_stored_masked_with_its_row_number_and_reason(run):
    error = RunError.objects.get(run=run, column="nik")
    assert (error.row_number, error.reason_code) == (10, "nik_format")
    assert "35780199" not in error.value and "8" in error.value  # "(disamarkan, 8 karakter)"
    assert error.reason.startswith("NIK harus 16 angka")
    date_error = RunError.objects.get(run=run, column="birth_date")
    assert (date_error.row_number, date_error.value) == (9, "31/12/2012")  # not an identity: kept to fix the row


def test_every_rejected_row_of_a_large_registry_is_kept_with_its_row_number(
    world, django_capture_on_commit_callbacks, tmp_path
):
    made = generate(tmp_path / "besar.csv", 4000, seed=7, bad_fraction=0.05, as_of=AS_OF)
    run = screened(world.supervisor_sby, django_capture_on_commit_callbacks, made.path.read_bytes(), per_village=20)
    assert run.rows_read == 4000 and run.rows_rejected == made.bad_rows > 100
    rows = set(RunError.objects.filter(run=run).values_list("row_number", flat=True))
    assert len(rows) == made.bad_rows  # every rejected row, none silently dropped
    assert min(rows) >= 2 and max(rows) <= 4001
    assert run.rows_scored + run.rows_rejected == run.rows_read


def test_a_parquet_registry_is_screened_like_a_csv(world, django_capture_on_commit_callbacks, tmp_path):
    made = generate(tmp_path / "r.parquet", 600, seed=3, fmt="parquet", as_of=AS_OF)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(
            world.supervisor_sby, upload(made.path.read_bytes(), "registri.parquet"), as_of=AS_OF, per_village=5
        )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.rows_scored == 600 and run.outreach_count > 0


def test_a_run_that_stopped_with_the_server_is_failed_and_its_file_removed(world):
    run = services.create_run(world.supervisor_sby, source_name="registri.csv", as_of=AS_OF)
    folder = services.upload_dir()
    folder.mkdir(parents=True)
    left = folder / f"run-{run.pk}-{'a' * 32}.csv"
    left.write_bytes(registry_csv())
    orphan = folder / f"pending-{'b' * 32}.csv"
    orphan.write_bytes(b"name\n")
    old = time.time() - 3 * 3600
    os.utime(orphan, (old, old))
    RegistryRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    assert set(services.sweep_uploads(timezone.now() + timedelta(hours=2))) == {left, orphan}
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and "unggah lagi" in run.failure_message
    assert uploads_left() == []


def test_the_file_of_a_live_run_is_not_swept(world):
    run = services.create_run(world.supervisor_sby, source_name="registri.csv", as_of=AS_OF)
    folder = services.upload_dir()
    folder.mkdir(parents=True)
    live = folder / f"run-{run.pk}-{'c' * 32}.csv"
    live.write_bytes(registry_csv())
    services.sweep_uploads()
    assert live.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.QUEUED


# --- visit status -----------------------------------------------------------------------------------------


def test_a_visit_status_change_is_saved_with_who_and_when_and_audited_once(run, world):
    entry = OutreachEntry.objects.get(run=run, name="Citra Lestari")
    services.update_entry_status(world.worker_sby, entry.pk, VisitStatus.VISITED, "Bertemu ibunya")
    services.update_entry_status(world.worker_sby, entry.pk, VisitStatus.VISITED, "Bertemu ibunya")  # again
    entry.refresh_from_db()
    assert (entry.status, entry.status_note, entry.status_changed_by) == ("visited", "Bertemu ibunya", world.worker_sby)
    assert entry.status_changed_at is not None
    events = AuditEvent.objects.filter(action="update", object_type="outreachentry", object_id=str(entry.pk))
    assert events.count() == 1
    assert events.get().changes["status"] == ["to_visit", "visited"]
    assert "Citra" not in events.get().object_label


def test_a_case_worker_of_another_organisation_cannot_change_a_visit_status(run, world):
    entry = OutreachEntry.objects.get(run=run, name="Gita Permata")
    for person in (world.worker_malang, world.analyst, world.org_admin_sby, world.supervisor_jatim):
        with pytest.raises(PermissionDenied):
            services.update_entry_status(person, entry.pk, VisitStatus.NOT_FOUND)
    entry.refresh_from_db()
    assert entry.status == VisitStatus.TO_VISIT


def test_an_unknown_visit_status_is_refused(run, world):
    entry = OutreachEntry.objects.filter(run=run).first()
    with pytest.raises(ValidationError):
        services.update_entry_status(world.worker_sby, entry.pk, "found_victim")


@pytest.mark.django_db(transaction=True)
def test_the_pages_runner_screens_the_committed_run_in_a_background_thread(monkeypatch):
    import threading

    from sigap.people.models import Organisation, User
    from sigap.people.roles import Role

    monkeypatch.setattr(services, "runner", services.run_in_thread)
    org = Organisation.objects.create(name="UPTD PPA Uji", type="uptd_ppa")
    person = User.objects.create_user("supervisor_uji", password="x", role=Role.SUPERVISOR, organisation=org)
    run = services.start_run(person, upload(), as_of=AS_OF, per_village=2)
    worker = next(t for t in threading.enumerate() if t.name == f"registry-run-{run.pk}")
    worker.join()
    run.refresh_from_db()
    assert (run.status, run.outreach_count) == (RunStatus.DONE, 5)
    assert uploads_left() == []
