"""Reports (pengaduan), the children named in them, routing rules and the first-contact clock."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cache import Reloading
from sigap.people import orgtypes
from sigap.people.access import ScopeFields, filter_visible
from sigap.people.models import Organisation
from sigap.regions.models import Placed, Region

from . import reference


class Channel(models.TextChoices):
    WEB = "web", _("Formulir web")
    HOTLINE = "hotline", _("Telepon / hotline")
    FIELD_VISIT = "field_visit", _("Kunjungan lapangan")
    REFERRAL = "referral", _("Rujukan")
    SCREENING = "screening", _("Hasil skrining")
    OTHER = "other", _("Lainnya")


class Status(models.TextChoices):
    RECEIVED = "received", _("Diterima")
    IN_PROGRESS = "in_progress", _("Sedang ditangani")
    CLOSED = "closed", _("Selesai")


class RiskLevel(models.TextChoices):
    HIGH = "high", _("Tinggi")
    MEDIUM = "medium", _("Sedang")
    LOW = "low", _("Rendah")


class Outcome(models.TextChoices):
    CASE_OPENED = "case_opened", _("Kasus dibuka")
    ATTACHED = "attached", _("Dilampirkan ke kasus yang ada")
    CLOSED = "closed", _("Ditutup")


class CloseReason(models.TextChoices):
    NOT_CP_CONCERN = "not_cp_concern", _("Bukan masalah perlindungan anak")
    HANDLED_ELSEWHERE = "handled_elsewhere", _("Ditangani di tempat lain")
    DUPLICATE = "duplicate", _("Laporan ganda")


class Sex(models.TextChoices):
    MALE = "M", _("Laki-laki")
    FEMALE = "F", _("Perempuan")
    UNKNOWN = "U", _("Tidak diketahui")


# Tracking codes avoid characters that are easily confused (0/O, 1/I/L).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_tracking_code() -> str:
    body = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(10))
    return f"{body[:5]}-{body[5:]}"


class ResponseClock(models.Model):
    """Hours from receipt of a report to first contact, per risk level."""

    risk_level = models.CharField(_("tingkat risiko"), max_length=8, choices=RiskLevel.choices, unique=True)
    hours = models.PositiveIntegerField(_("jam"))

    class Meta:
        verbose_name = _("jam kontak pertama")
        verbose_name_plural = _("jam kontak pertama")

    def __str__(self) -> str:
        return _("%(risk)s: %(hours)s jam") % {"risk": self.get_risk_level_display(), "hours": self.hours}

    @staticmethod
    def table() -> dict[str, int]:
        """Hours per risk level: the rows an administrator set, else the data file's defaults."""
        return {**reference.default_clock_hours(), **dict(ResponseClock.objects.values_list("risk_level", "hours"))}

    @staticmethod
    def effective_table() -> dict[str, int]:
        return _clock.get()

    @staticmethod
    def hours_for(risk_level: str) -> int:
        return _clock.get()[risk_level]


_clock: Reloading[dict[str, int]] = Reloading(ResponseClock.table, ResponseClock)


class RoutingRule(models.Model):
    name = models.CharField(_("nama"), max_length=200)
    priority = models.PositiveIntegerField(_("prioritas"), default=100, help_text=_("Angka kecil dicoba lebih dulu."))
    concern_type = models.CharField(
        _("jenis masalah"),
        max_length=32,
        blank=True,
        choices=reference.concern_choices,
        help_text=_("Kosong = semua jenis."),
    )
    region = models.ForeignKey(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("wilayah"),
        help_text=_("Kosong = seluruh Indonesia."),
    )
    organisation_type = models.CharField(
        _("jenis organisasi tujuan"),
        max_length=32,
        blank=True,
        choices=orgtypes.choices,
        help_text=_("Laporan diarahkan ke organisasi jenis ini yang wilayah kerjanya paling dekat dengan lokasi."),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisasi tujuan tetap"),
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = _("aturan pengarahan")
        verbose_name_plural = _("aturan pengarahan")

    def __str__(self) -> str:
        return self.name


class ReportQuerySet(models.QuerySet["Report"]):
    SCOPE = ScopeFields(organisation="routed_org", own=("received_by", "reporter_user"), identified=("reporter_user",))

    def visible_to(self, user: object) -> ReportQuerySet:
        return filter_visible(self, user, self.SCOPE)  # type: ignore[no-any-return]

    def open(self) -> ReportQuerySet:
        return self.filter(outcome="")


class Report(Placed):
    tracking_code = models.CharField(_("kode lacak"), max_length=11, unique=True, default=new_tracking_code)
    idempotency_key = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("saluran"), max_length=16, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)

    description = models.TextField(_("apa yang terjadi"))
    location_detail = models.CharField(_("keterangan lokasi"), max_length=300, blank=True)
    occurred_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    occurred_text = models.CharField(_("keterangan waktu"), max_length=200, blank=True)

    anonymous = models.BooleanField(_("anonim"), default=False)
    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=40, blank=True)
    reporter_email = models.EmailField(_("email pelapor"), blank=True)
    consent_to_contact = models.BooleanField(_("bersedia dihubungi"), default=False)
    reporter_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports_made"
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reports_received"
    )
    received_at = models.DateTimeField(_("diterima"), default=timezone.now, db_index=True)

    routed_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("organisasi penanggung jawab"),
    )
    routed_rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    routed_at = models.DateTimeField(null=True, blank=True)

    risk_level = models.CharField(_("tingkat risiko"), max_length=8, choices=RiskLevel.choices, blank=True)
    risk_reason = models.TextField(_("alasan penilaian risiko"), blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_contact_due = models.DateTimeField(_("batas kontak pertama"), db_index=True)

    outcome = models.CharField(_("hasil"), max_length=16, choices=Outcome.choices, blank=True)
    close_reason = models.CharField(_("alasan penutupan"), max_length=32, choices=CloseReason.choices, blank=True)
    outcome_note = models.TextField(_("catatan"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["first_contact_due"]
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        indexes = [
            models.Index(fields=["routed_org", "outcome", "first_contact_due"], name="report_queue_idx"),
            models.Index(fields=["province_code", "outcome", "first_contact_due"], name="report_prov_queue_idx"),
            models.Index(fields=["regency_code", "outcome", "first_contact_due"], name="report_reg_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    def audit_label(self) -> str:
        return self.tracking_code

    def audit_organisation_id(self) -> int | None:
        return self.routed_org_id

    @property
    def concerns(self) -> list[str]:
        return [c.concern for c in self.concern_rows.all()]

    def concern_names(self) -> list[str]:
        types = reference.concern_types()
        return [types[c].name if c in types else c for c in self.concerns]

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @staticmethod
    def due_soon_q(now: datetime) -> models.Q:
        """Open reports that are not yet overdue but within the due-soon margin of :meth:`clock_state`."""
        q = models.Q()
        for risk, hours in ResponseClock.effective_table().items():
            margin = max(timedelta(hours=hours) / 4, timedelta(hours=6))
            q |= models.Q(risk_level=risk, first_contact_due__lte=now + margin)
            if risk == RiskLevel.HIGH:  # untriaged reports run on the high-risk clock
                q |= models.Q(risk_level="", first_contact_due__lte=now + margin)
        return q & models.Q(first_contact_due__gt=now)

    def clock_state(self, now: datetime | None = None) -> str:
        """``overdue``, ``due_soon`` (a quarter of the window or six hours left, whichever is more)
        or ``on_time``, for a report still waiting for its outcome; ``done`` otherwise."""
        if not self.is_open:
            return "done"
        now = now or timezone.now()
        if self.first_contact_due <= now:
            return "overdue"
        window = self.first_contact_due - self.received_at
        if self.first_contact_due - now <= max(window / 4, timedelta(hours=6)):
            return "due_soon"
        return "on_time"


class ReportConcern(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="concern_rows")
    concern = models.CharField(max_length=32, choices=reference.concern_choices, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "concern"], name="report_concern_unique")]


class ReportedChild(models.Model):
    """A child as the reporter described them; becomes (or is matched to) a child record at triage."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="children")
    name = models.CharField(_("nama atau panggilan"), max_length=120, blank=True)
    approx_age = models.PositiveSmallIntegerField(_("perkiraan usia"), null=True, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    child = models.ForeignKey(
        "identity.Child", null=True, blank=True, on_delete=models.SET_NULL, related_name="reported_as"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name or str(_("(tanpa nama)"))
