"""Registry screening runs and what they keep.

A run screens a social-protection registry file (``engine.screen``) and keeps:

- the run itself, with its progress and counts (:class:`RegistryRun`);
- one row of aggregates per village (:class:`RunArea`) — no identities;
- the outreach list: the children placed on it, with their identity, score and top factors
  (:class:`OutreachEntry`) — the only identities of the registry that are ever stored;
- every rejected row, by row number and reason (:class:`RunError`), with the values of identity
  columns masked.

The uploaded file is deleted when the run ends, successful or not.

Who sees what: runs and areas are aggregates, seen by the staff of the run's organisation and, inside
their jurisdiction, by analysts (aggregate-only roles); outreach entries carry identities and are seen
only by the case workers and supervisors of the run's organisation (and the system administrator).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.people.models import Organisation
from sigap.people.roles import AGGREGATE_ONLY_ROLES, CASEWORK_ROLES, Role
from sigap.regions.models import level_of

# The organisation's people who see its runs (aggregates): case workers, supervisors, its admin.
RUN_STAFF_ROLES: frozenset[str] = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.ORG_ADMIN})
# The organisation's people who see the children on its outreach lists.
OUTREACH_ROLES: frozenset[str] = CASEWORK_ROLES

AREA_FIELDS = {1: "province_code", 2: "regency_code", 3: "district_code", 4: "village_code"}


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _area_within(code: str | None, prefix: str = "") -> models.Q:
    """Areas inside region ``code`` (``None``: the whole country)."""
    if code is None:
        return models.Q()
    return models.Q(**{f"{prefix}{AREA_FIELDS[level_of(code)]}": code})


def _analyst_jurisdiction(user: Any) -> tuple[bool, str | None]:
    """(may see aggregates, jurisdiction code or None for the whole country) for an analyst."""
    org = user.organisation
    if org is None:
        return False, None
    return True, org.jurisdiction_id


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Sedang diproses")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class VisitStatus(models.TextChoices):
    TO_VISIT = "to_visit", _("Belum dikunjungi")
    VISITED = "visited", _("Sudah dikunjungi")
    REPORTED = "reported", _("Dilaporkan (laporan dibuat)")
    NOT_FOUND = "not_found", _("Tidak ditemukan")


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")


class RegistryRunQuerySet(models.QuerySet["RegistryRun"]):
    def visible_to(self, user: Any) -> RegistryRunQuerySet:
        """Runs of the user's organisation for its staff; for analysts, runs with villages inside
        their jurisdiction (they see the aggregates only); every run for the system administrator."""
        if not _active(user):
            return self.none()
        if user.role == Role.SYSTEM_ADMIN:
            return self.all()
        if user.role in AGGREGATE_ONLY_ROLES:
            allowed, code = _analyst_jurisdiction(user)
            if not allowed:
                return self.none()
            if code is None:
                return self.all()
            areas = RunArea.objects.filter(_area_within(code)).values("run_id")
            return self.filter(models.Q(pk__in=areas) | models.Q(organisation__jurisdiction_id=code))
        if user.role in RUN_STAFF_ROLES and user.organisation_id is not None:
            return self.filter(organisation_id=user.organisation_id)
        return self.none()


class RegistryRun(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="registry_runs", verbose_name=_("organisasi")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    source_name = models.CharField(_("nama berkas"), max_length=255)
    source_size = models.BigIntegerField(_("ukuran berkas (bita)"), default=0)
    status = models.CharField(
        _("status"), max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True
    )
    rows_done = models.BigIntegerField(_("baris diproses"), default=0)
    rows_total = models.BigIntegerField(_("jumlah baris (perkiraan)"), null=True, blank=True)
    rows_read = models.BigIntegerField(_("baris dibaca"), default=0)
    rows_scored = models.BigIntegerField(_("anak dinilai"), default=0)
    rows_rejected = models.BigIntegerField(_("baris ditolak"), default=0)
    outreach_count = models.IntegerField(_("anak dalam daftar penjangkauan"), default=0)
    points_version = models.CharField(_("versi tabel poin"), max_length=40, blank=True)
    as_of = models.DateField(_("tanggal acuan usia"))
    per_village = models.PositiveIntegerField(_("anak per desa dalam daftar"), default=20)
    threshold = models.IntegerField(_("ambang skor"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("mulai diproses"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    updated_at = models.DateTimeField(_("terakhir diperbarui"), auto_now=True)
    failure_message = models.TextField(_("pesan kegagalan"), blank=True)

    objects = RegistryRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("penyaringan registri")
        verbose_name_plural = _("penyaringan registri")
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_name}"

    def audit_label(self) -> str:
        return f"penyaringan registri #{self.pk}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def percent(self) -> int | None:
        if self.status == RunStatus.DONE:
            return 100
        if not self.rows_total:
            return None
        return max(0, min(99, int(self.rows_done * 100 / self.rows_total)))


class RunAreaQuerySet(models.QuerySet["RunArea"]):
    def visible_to(self, user: Any) -> RunAreaQuerySet:
        """Areas of the runs the user sees; an analyst sees only the areas inside the jurisdiction."""
        if not _active(user):
            return self.none()
        runs = RegistryRun.objects.visible_to(user)
        qs = self.filter(run__in=runs.values("pk"))
        if user.role in AGGREGATE_ONLY_ROLES:
            _allowed, code = _analyst_jurisdiction(user)
            qs = qs.filter(_area_within(code))
        return qs


class RunArea(models.Model):
    """One village's aggregates in a run: how many children were scored, their mean and highest
    score, and how many scored at or above the threshold."""

    run = models.ForeignKey(RegistryRun, on_delete=models.CASCADE, related_name="areas")
    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    district_code = models.CharField(max_length=8, blank=True)
    village_code = models.CharField(max_length=13, blank=True)
    children = models.IntegerField(_("anak dinilai"), default=0)
    mean_score = models.FloatField(_("skor rata-rata"), default=0.0)
    at_or_above_threshold = models.IntegerField(_("anak dengan skor ≥ ambang"), default=0)
    max_score = models.IntegerField(_("skor tertinggi"), default=0)

    objects = RunAreaQuerySet.as_manager()

    class Meta:
        ordering = ["village_code"]
        verbose_name = _("wilayah penyaringan")
        verbose_name_plural = _("wilayah penyaringan")
        indexes = [
            models.Index(fields=["run", "district_code"]),
            models.Index(fields=["run", "village_code"]),
        ]


class OutreachEntryQuerySet(models.QuerySet["OutreachEntry"]):
    def visible_to(self, user: Any) -> OutreachEntryQuerySet:
        """Children on outreach lists: only for the case workers and supervisors of the run's
        organisation, and the system administrator. Never analysts, organisation admins, reporters."""
        if not _active(user):
            return self.none()
        if user.role == Role.SYSTEM_ADMIN:
            return self.all()
        if user.role in AGGREGATE_ONLY_ROLES or user.role not in OUTREACH_ROLES or user.organisation_id is None:
            return self.none()
        return self.filter(run__organisation_id=user.organisation_id)


class OutreachEntry(models.Model):
    """A child placed on a run's outreach list: a priority for a visit, never a finding about the child."""

    run = models.ForeignKey(RegistryRun, on_delete=models.CASCADE, related_name="entries")
    source_id = models.CharField(_("ID di registri"), max_length=64, blank=True)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    name = models.CharField(_("nama"), max_length=200, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    age = models.PositiveSmallIntegerField(_("usia"), null=True, blank=True)
    household_id = models.CharField(_("ID keluarga"), max_length=64, blank=True)
    province_code = models.CharField(max_length=2, blank=True)
    regency_code = models.CharField(max_length=5, blank=True)
    district_code = models.CharField(max_length=8, blank=True)
    village_code = models.CharField(max_length=13, blank=True)
    score = models.IntegerField(_("skor"))
    factors = models.JSONField(_("faktor utama"), default=list, blank=True)
    rank_in_village = models.PositiveIntegerField(_("peringkat di desa"))
    rank_in_district = models.PositiveIntegerField(_("peringkat di kecamatan"))
    status = models.CharField(
        _("status kunjungan"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.TO_VISIT
    )
    status_note = models.CharField(_("catatan"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(_("status diubah"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("status diubah oleh"),
    )

    objects = OutreachEntryQuerySet.as_manager()

    class Meta:
        ordering = ["run", "district_code", "rank_in_district"]
        verbose_name = _("anak dalam daftar penjangkauan")
        verbose_name_plural = _("daftar penjangkauan")
        indexes = [
            models.Index(fields=["run", "district_code", "rank_in_district"]),
            models.Index(fields=["run", "village_code", "rank_in_village"]),
        ]

    def __str__(self) -> str:
        return self.audit_label()

    def audit_label(self) -> str:
        # Never the name: the label is shown in the audit log.
        return f"penjangkauan #{self.pk} (registri #{self.run_id})"

    def audit_organisation_id(self) -> int | None:
        return self.run.organisation_id


class RunErrorQuerySet(models.QuerySet["RunError"]):
    def visible_to(self, user: Any) -> RunErrorQuerySet:
        """Rejected rows, for the staff of the run's organisation (values of identity columns are
        masked when stored) and the system administrator; not for analysts."""
        if not _active(user) or user.role in AGGREGATE_ONLY_ROLES:
            return self.none()
        return self.filter(run__in=RegistryRun.objects.visible_to(user).values("pk"))


class RunError(models.Model):
    """A row of the registry file that was not scored, with the reason (never dropped silently)."""

    run = models.ForeignKey(RegistryRun, on_delete=models.CASCADE, related_name="errors")
    row_number = models.BigIntegerField(_("nomor baris"))
    column = models.CharField(_("kolom"), max_length=64, blank=True)
    value = models.CharField(_("nilai"), max_length=200, blank=True)
    reason_code = models.CharField(_("kode alasan"), max_length=40, blank=True)
    reason = models.CharField(_("alasan"), max_length=300)

    objects = RunErrorQuerySet.as_manager()

    class Meta:
        ordering = ["run", "row_number", "id"]
        verbose_name = _("baris ditolak")
        verbose_name_plural = _("baris ditolak")
        indexes = [models.Index(fields=["run", "row_number"])]
