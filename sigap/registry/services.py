"""Registry screening runs: upload, processing, and the outreach teams' visit status.

A run goes queued → running → done (or failed). :func:`start_run` checks the person and the file,
keeps the upload under a random name in ``SIGAP_DOCUMENTS_DIR/registry-uploads`` (outside every served
path), records the run and hands it to :data:`runner`. :func:`process_run` screens the file with
:func:`sigap.registry.engine.screen`, stores the village aggregates, the outreach list and every rejected
row in one transaction and deletes the uploaded file whatever happens: the registry's identities are
kept only for the children placed on an outreach list.

The page runs :func:`process_run` in a background thread (:func:`run_in_thread`), which is right for
the embedded, single-server deployment. A larger installation screens with ``manage.py screen --save``
(or sets :data:`runner` to hand the run to a worker queue); tests set it to :func:`process_run` to run
synchronously. :func:`sweep_uploads` removes what a crashed process left behind.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import IO, Any

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.people.models import Organisation, User
from sigap.people.roles import Permission, Role

from . import engine, schema
from . import points as points_module
from .models import OUTREACH_ROLES, OutreachEntry, RegistryRun, RunArea, RunError, RunStatus, VisitStatus

logger = logging.getLogger(__name__)

EXTENSIONS = ("csv", "parquet")
CHUNK = 1024 * 1024
BATCH = 2000  # rows per bulk insert
PROGRESS_SECONDS = 1.0  # at most one progress write per second
STALE_AFTER = timedelta(hours=1)  # a run without progress this long is considered dead
# Error values of these columns are not stored: they identify a child who is not on an outreach list.
MASKED_COLUMNS = ("nik", "name", "household_id", "source_id")
UPLOAD_NAME = re.compile(r"^(?:pending|run-(?P<run>\d+))-[0-9a-f]{32}\.(?:csv|parquet)$")


def max_bytes() -> int:
    return int(getattr(settings, "SIGAP_REGISTRY_MAX_BYTES", 2 * 1024 * 1024 * 1024))


def upload_dir() -> Path:
    return Path(settings.SIGAP_DOCUMENTS_DIR) / "registry-uploads"


# --- who may do what --------------------------------------------------------------------------------------


def can_screen(user: Any) -> bool:
    """Upload and screen a registry: a person holding ``SCREEN_REGISTRY`` who belongs to an organisation."""
    return (
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.organisation_id is not None
        and user.can(Permission.SCREEN_REGISTRY)
    )


def sees_outreach(user: Any, run: RegistryRun) -> bool:
    """Whether ``user`` may see the children on ``run``'s outreach lists (the same rule as
    :meth:`OutreachEntryQuerySet.visible_to`)."""
    if not _active(user):
        return False
    if user.role == Role.SYSTEM_ADMIN:
        return True
    return user.role in OUTREACH_ROLES and user.organisation_id == run.organisation_id


def can_update_entry(user: Any, entry: OutreachEntry) -> bool:
    return _active(user) and user.role in OUTREACH_ROLES and user.organisation_id == entry.run.organisation_id


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


# --- the uploaded file ------------------------------------------------------------------------------------


def _extension(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    return suffix[1:] if suffix.startswith(".") else ""


def _too_large(size: int) -> ValidationError:
    return ValidationError(
        _("Berkas terlalu besar (%(size)s). Ukuran berkas registri paling besar %(max)s.")
        % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
    )


def check_upload(upload: Any) -> tuple[str, str]:
    """The original name and extension of an upload, after checking that it is a non-empty CSV or
    Parquet file of an acceptable size. Raises ValidationError with a message for the form."""
    original = PurePath(str(getattr(upload, "name", "") or "").replace("\\", "/")).name.strip()[:255]
    ext = _extension(original)
    if ext not in EXTENSIONS:
        raise ValidationError(
            _("Jenis berkas %(ext)s tidak diterima. Unggah registri sebagai berkas .csv atau .parquet.")
            % {"ext": f".{ext}" if ext else _("tanpa ekstensi")}
        )
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("Berkas kosong. Pilih berkas registri yang berisi data anak."))
    if size > max_bytes():
        raise _too_large(size)
    return original, ext


def _save(upload: Any, target: Path) -> int:
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    size = 0
    with os.fdopen(fd, "wb") as out:
        source: IO[bytes] = upload.file if hasattr(upload, "file") else upload
        source.seek(0)
        chunks = upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: source.read(CHUNK), b"")
        for chunk in chunks:
            out.write(chunk)
            size += len(chunk)
            if size > max_bytes():
                raise _too_large(size)
    return size


def check_file(path: Path, ext: str, original: str) -> None:
    """Check, without reading the rows, that a saved upload is what its extension says and has the
    required columns. Raises ValidationError with a message for the form."""
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise ValidationError(_("Berkas kosong. Pilih berkas registri yang berisi data anak."))
    names: list[str]
    if ext == "parquet":
        if not head.startswith(b"PAR1"):
            raise ValidationError(_("Berkas %(name)s bukan berkas Parquet yang sah.") % {"name": original})
        try:
            names = list(pq.ParquetFile(path).schema_arrow.names)
        except (OSError, ValueError, pa.ArrowException):
            raise ValidationError(
                _("Berkas Parquet %(name)s rusak atau tidak dapat dibaca.") % {"name": original}
            ) from None
    else:
        if head.startswith(b"PAR1") or b"\x00" in head:
            raise ValidationError(
                _("Berkas %(name)s bukan berkas CSV teks. Simpan registri sebagai CSV (UTF-8).") % {"name": original}
            )
        try:
            first = head.split(b"\n", 1)[0].decode("utf-8-sig").strip("\r")
        except UnicodeDecodeError:
            raise ValidationError(
                _("Baris judul berkas %(name)s bukan teks UTF-8. Simpan registri sebagai CSV (UTF-8).")
                % {"name": original}
            ) from None
        separator = ";" if first.count(";") > first.count(",") else ","
        names = [n.strip().strip('"') for n in first.split(separator)]
    missing = schema.missing_required(names)
    if missing:
        raise ValidationError(
            _(
                "Kolom wajib tidak ada di berkas: %(missing)s. Baris pertama berkas harus berisi nama kolom: %(required)s."
            )
            % {"missing": ", ".join(missing), "required": ", ".join(schema.REQUIRED)}
        )


# --- starting a run ---------------------------------------------------------------------------------------


def default_threshold() -> int:
    return points_module.load().outreach_threshold


@transaction.atomic
def create_run(
    actor: User,
    *,
    source_name: str,
    source_size: int = 0,
    as_of: date | None = None,
    per_village: int = 20,
    threshold: int | None = None,
    organisation: Organisation | None = None,
) -> RegistryRun:
    """Record a run for the actor's organisation (or, for the system administrator, ``organisation``)."""
    org: Organisation | None
    if organisation is not None and actor.role == Role.SYSTEM_ADMIN:
        org = organisation
    else:
        if not can_screen(actor):
            raise PermissionDenied(
                _("Hanya petugas yang berwenang menyaring registri (misalnya supervisor) yang dapat melakukannya.")
            )
        if organisation is not None and organisation.pk != actor.organisation_id:
            raise PermissionDenied(_("Anda hanya dapat menyaring registri untuk organisasi Anda sendiri."))
        org = actor.organisation
    if org is None:
        raise PermissionDenied(_("Anda belum tergabung dalam organisasi."))
    if per_village < 1:
        raise ValidationError(_("Jumlah anak per desa paling sedikit 1."))
    run = RegistryRun.objects.create(
        organisation=org,
        uploaded_by=actor,
        source_name=source_name[:255],
        source_size=source_size,
        as_of=as_of or timezone.localdate(),
        per_village=per_village,
        threshold=default_threshold() if threshold is None else threshold,
        points_version=points_module.load().version,
    )
    audit.record(
        actor,
        Action.CREATE,
        run,
        {
            "source": run.source_name,
            "size": run.source_size,
            "as_of": run.as_of.isoformat(),
            "per_village": run.per_village,
            "threshold": run.threshold,
        },
    )
    return run


def start_run(
    actor: User, uploaded_file: Any, *, as_of: date | None = None, per_village: int = 20, threshold: int | None = None
) -> RegistryRun:
    """Check the person and the file, keep the file, record the run and hand it to :data:`runner`
    once the run is committed. A refused file is deleted at once."""
    if not can_screen(actor):
        raise PermissionDenied(
            _("Hanya petugas yang berwenang menyaring registri (misalnya supervisor) yang dapat melakukannya.")
        )
    sweep_uploads()
    original, ext = check_upload(uploaded_file)
    name = uuid.uuid4().hex
    pending = upload_dir() / f"pending-{name}.{ext}"
    path: Path | None = None
    try:
        size = _save(uploaded_file, pending)
        if size == 0:
            raise ValidationError(_("Berkas kosong. Pilih berkas registri yang berisi data anak."))
        check_file(pending, ext, original)
        with transaction.atomic():
            run = create_run(
                actor, source_name=original, source_size=size, as_of=as_of, per_village=per_village, threshold=threshold
            )
            final = pending.with_name(f"run-{run.pk}-{name}.{ext}")
            os.replace(pending, final)
            path = final
            transaction.on_commit(lambda: _launch(run.pk, final))
    except BaseException:
        pending.unlink(missing_ok=True)
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    return run


def _launch(run_id: int, path: Path) -> None:
    try:
        runner(run_id, path)
    except Exception:
        logger.exception("Could not start registry run %s", run_id)
        _fail(run_id, _("Penyaringan tidak dapat dimulai. Unggah berkasnya lagi."))
        path.unlink(missing_ok=True)


def run_in_thread(run_id: int, path: Path) -> None:
    """Process the run in a background thread of this process (the embedded deployment)."""

    def work() -> None:
        try:
            process_run(run_id, path)
        finally:
            connections.close_all()  # this thread's connections only

    threading.Thread(target=work, name=f"registry-run-{run_id}", daemon=True).start()


# How a committed run is processed; tests set it to `process_run` to run synchronously.
runner: Callable[[int, Path], None] = run_in_thread


# --- processing -------------------------------------------------------------------------------------------


class _ProgressWriter:
    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.last = 0.0

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS and (total is None or done < total):
            return
        self.last = now
        RegistryRun.objects.filter(pk=self.run_id).update(rows_done=done, rows_total=total, updated_at=timezone.now())


def process_run(run_id: int, path: Path) -> RegistryRun:
    """Screen the run's file, store what is kept, and delete the file whatever happens."""
    path = Path(path)
    try:
        updated = RegistryRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=timezone.now(), updated_at=timezone.now()
        )
        run = RegistryRun.objects.get(pk=run_id)
        if not updated:  # already taken (a second start) or finished: nothing to do
            return run
        try:
            result = engine.screen(
                path,
                as_of=run.as_of,
                per_village=run.per_village,
                threshold=run.threshold,
                progress=_ProgressWriter(run_id),
            )
            store_result(run, result)
        except engine.RegistryFileError as exc:
            _fail(run_id, str(exc))
        except pl.exceptions.PolarsError:
            logger.exception("Registry run %s: the file could not be read", run_id)
            _fail(
                run_id,
                _(
                    "Berkas registri tidak dapat dibaca sampai selesai (format CSV/Parquet rusak). "
                    "Periksa berkasnya lalu unggah lagi."
                ),
            )
        except Exception:
            logger.exception("Registry run %s failed", run_id)
            _fail(run_id, _("Penyaringan gagal karena kesalahan sistem. Berkas sudah dihapus; hubungi admin sistem."))
        run.refresh_from_db()
        return run
    finally:
        path.unlink(missing_ok=True)


def _fail(run_id: int, message: str) -> None:
    RegistryRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, failure_message=message, finished_at=timezone.now(), updated_at=timezone.now()
    )


def _masked(errors: pl.DataFrame) -> pl.DataFrame:
    template = _("(disamarkan, {} karakter)")
    return errors.with_columns(
        value=pl.when(pl.col("column").is_in(MASKED_COLUMNS) & (pl.col("value").str.len_chars() > 0))
        .then(pl.format(template, pl.col("value").str.len_chars()))
        .otherwise(pl.col("value"))
        .fill_null("")
    )


@transaction.atomic
def store_result(run: RegistryRun, result: engine.ScreenResult) -> RegistryRun:
    """Keep a screening's aggregates, outreach list and rejected rows for ``run`` and mark it done."""
    run = RegistryRun.objects.select_for_update().get(pk=run.pk)
    RunArea.objects.bulk_create(
        (RunArea(run=run, **row) for row in result.areas.iter_rows(named=True)), batch_size=BATCH
    )
    outreach = result.outreach.drop("row_number").with_columns(
        pl.col(c).fill_null("") for c in ("source_id", "nik", "household_id", "sex")
    )
    OutreachEntry.objects.bulk_create(
        (OutreachEntry(run=run, **row) for row in outreach.iter_rows(named=True)), batch_size=BATCH
    )
    for part in _masked(result.errors).iter_slices(n_rows=BATCH * 5):
        RunError.objects.bulk_create(
            (
                RunError(
                    run=run,
                    row_number=row["row_number"],
                    column=(row["column"] or "")[:64],
                    value=(row["value"] or "")[:200],
                    reason_code=(row["reason_code"] or "")[:40],
                    reason=(row["reason"] or "")[:300],
                )
                for row in part.iter_rows(named=True)
            ),
            batch_size=BATCH,
        )
    now = timezone.now()
    run.status = RunStatus.DONE
    run.rows_read = result.rows_read
    run.rows_scored = result.rows_scored
    run.rows_rejected = result.rows_rejected
    run.rows_done = result.rows_read
    run.rows_total = result.rows_read
    run.outreach_count = result.outreach.height
    run.points_version = result.points_version
    run.finished_at = now
    run.updated_at = now
    run.failure_message = ""
    run.save()
    audit.record(
        run.uploaded_by,
        Action.COMPLETE,
        run,
        {
            "rows_read": run.rows_read,
            "rows_scored": run.rows_scored,
            "rows_rejected": run.rows_rejected,
            "outreach": run.outreach_count,
        },
    )
    return run


def sweep_uploads(now: Any = None) -> list[Path]:
    """Delete uploads that no live run needs (left by a crash or a restart) and mark runs that have
    shown no progress for :data:`STALE_AFTER` as failed."""
    base = upload_dir()
    removed: list[Path] = []
    if not base.is_dir():
        return removed
    now = now or timezone.now()
    stale = now - STALE_AFTER
    dead = RegistryRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING), updated_at__lt=stale)
    for run_id in dead.values_list("pk", flat=True):
        _fail(run_id, _("Penyaringan terhenti (server dimulai ulang?). Berkas sudah dihapus; unggah lagi."))
    live = set(
        RegistryRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).values_list("pk", flat=True)
    )
    for entry in base.iterdir():
        match = UPLOAD_NAME.match(entry.name)
        if match is None:
            continue
        if match["run"] is not None:
            keep = int(match["run"]) in live
        else:
            try:
                keep = entry.stat().st_mtime > stale.timestamp()
            except FileNotFoundError:
                continue
        if not keep:
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


# --- the outreach team's work -----------------------------------------------------------------------------


@transaction.atomic
def update_entry_status(actor: User, entry_id: int, status: str, note: str = "") -> OutreachEntry:
    """Record what the outreach visit found: visited, reported, not found (or back to to visit)."""
    entry = (
        OutreachEntry.objects.visible_to(actor).select_for_update().select_related("run").filter(pk=entry_id).first()
    )
    if entry is None:
        raise PermissionDenied(_("Anak ini tidak ada dalam daftar penjangkauan yang dapat Anda lihat."))
    if not can_update_entry(actor, entry):
        raise PermissionDenied(
            _("Hanya pekerja kasus dan supervisor organisasi pemilik daftar yang dapat mengubah status kunjungan.")
        )
    if status not in VisitStatus.values:
        raise ValidationError(_("Pilih status kunjungan yang tersedia."))
    note = (note or "").strip()[:300]
    if entry.status == status and entry.status_note == note:
        return entry  # the same submission again: nothing changes
    old_status, old_note = entry.status, entry.status_note
    entry.status = status
    entry.status_note = note
    entry.status_changed_at = timezone.now()
    entry.status_changed_by = actor
    entry.save(update_fields=["status", "status_note", "status_changed_at", "status_changed_by"])
    changes: dict[str, Any] = {"status": [old_status, status]}
    if note != old_note:
        changes["note"] = [old_note, note]
    audit.record(actor, Action.UPDATE, entry, changes)
    return entry


def record_list_read(actor: User, entries: list[OutreachEntry]) -> None:
    """One audit entry per child shown on an outreach list page."""
    audit.record_many(actor, Action.LIST, entries)


def record_download(actor: User, run: RegistryRun, what: str, details: dict[str, Any]) -> None:
    audit.record(actor, Action.DOWNLOAD, run, {"file": what, **details})
