"""Stored instrument versions, screenings (responses with their result) and results of licensed tools."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case, Task
from sigap.intake.models import Report, Sex
from sigap.people.access import ScopeFields, scope_filter
from sigap.people.models import Organisation
from sigap.regions.models import Placed

from .instruments import Instrument


class ValidationStatus(models.TextChoices):
    VALIDATED = "validated", _("Tervalidasi")
    VALIDATED_ELSEWHERE = "validated_elsewhere", _("Tervalidasi di tempat lain, belum di Indonesia")
    NOT_VALIDATED = "not_validated", _("Belum divalidasi")


class InstrumentVersion(models.Model):
    """One version of an instrument exactly as it was used. Never edited: a changed file must raise
    its version, which adds a row; old screenings keep pointing at the version they were scored with."""

    instrument_id = models.CharField(_("instrumen"), max_length=64, db_index=True)
    version = models.CharField(_("versi"), max_length=20)
    definition = models.JSONField()
    digest = models.CharField(max_length=64)  # sha256 of the canonical JSON of the definition
    title = models.CharField(_("judul"), max_length=200)
    validation_status = models.CharField(_("status validasi"), max_length=24, choices=ValidationStatus.choices)
    licence = models.CharField(_("lisensi"), max_length=120)
    is_current = models.BooleanField(_("versi berlaku"), default=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["instrument_id", "-loaded_at"]
        verbose_name = _("versi instrumen")
        verbose_name_plural = _("versi instrumen")
        constraints = [models.UniqueConstraint(fields=["instrument_id", "version"], name="instrument_version_once")]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def instrument(self) -> Instrument:
        return Instrument(self.definition)


class Source(models.TextChoices):
    WEB = "web", _("Formulir Sigap")
    ODK = "odk", _("ODK / KoboToolbox")


class ScreeningQuerySet(models.QuerySet["Screening"]):
    SCOPE = ScopeFields(organisation="organisation", own=("screener",), identified=("screener",))

    def visible_to(self, user: Any) -> ScreeningQuerySet:
        """The screener's own screenings; the responsible organisation's (by scope); and the screenings
        of cases the user may see. Aggregate-only roles see none."""
        q = scope_filter(user, self.SCOPE)
        if q is None:
            return self.none()
        if q == models.Q():
            return self.all()
        cases = Case.objects.visible_to(user).values("pk")
        return self.filter(q | models.Q(case__in=cases))


class Screening(Placed):
    """A filled instrument for one child, with the result as scored when it was recorded."""

    instrument = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("instrumen")
    )
    screener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("penyaring")
    )
    screener_org = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organisasi penyaring"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="screenings",
        verbose_name=_("organisasi yang bertanggung jawab"),
    )
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="screenings")
    filed_report = models.ForeignKey(
        Report, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("laporan yang dibuat")
    )
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    child_name = models.CharField(_("nama atau panggilan anak"), max_length=120, blank=True)
    child_age = models.PositiveSmallIntegerField(_("usia anak"), null=True, blank=True)
    child_sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    answers = models.JSONField(default=dict)
    score = models.FloatField(_("skor"))
    band = models.CharField(_("hasil"), max_length=40)
    positive = models.BooleanField(_("perlu tindak lanjut"), default=False)
    reasons = models.JSONField(default=list)
    screened_on = models.DateField(_("tanggal skrining"), default=timezone.localdate)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    source = models.CharField(_("sumber"), max_length=8, choices=Source.choices, default=Source.WEB)
    submission_id = models.CharField(_("ID kiriman ODK/Kobo"), max_length=100, blank=True)
    submitted_by_name = models.CharField(_("dikirim oleh (ODK)"), max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=120, unique=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("skrining")
        verbose_name_plural = _("skrining")
        constraints = [
            models.UniqueConstraint(
                fields=["submission_id"], condition=~models.Q(submission_id=""), name="screening_submission_once"
            )
        ]
        indexes = [models.Index(fields=["organisation", "positive", "created_at"])]

    def __str__(self) -> str:
        return f"{self.instrument.title} — {self.child_name or '?'}"

    def audit_label(self) -> str:
        return f"{self.instrument.instrument_id}@{self.instrument.version} #{self.pk}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id

    @property
    def band_info(self) -> dict[str, Any]:
        return self.instrument.instrument.band(self.band)


class ExternalResultQuerySet(models.QuerySet["ExternalResult"]):
    SCOPE = ScopeFields(organisation="organisation", own=("screener",), identified=("screener",), place_prefix="case__")

    def visible_to(self, user: Any) -> ExternalResultQuerySet:
        q = scope_filter(user, self.SCOPE)
        if q is None:
            return self.none()
        if q == models.Q():
            return self.all()
        return self.filter(q | models.Q(case__in=Case.objects.visible_to(user).values("pk")))


class ExternalResult(models.Model):
    """The result of a licensed tool (CSE-IT, SDQ, CPSS-5 …) used outside Sigap: never its items."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="external_results")
    tool = models.CharField(_("alat"), max_length=32)  # a code of data/external_tools.json
    tool_version = models.CharField(_("versi alat"), max_length=40)
    score = models.DecimalField(_("skor"), max_digits=7, decimal_places=2, null=True, blank=True)
    band = models.CharField(_("kategori hasil"), max_length=40, blank=True)
    administered_on = models.DateField(_("tanggal"))
    screener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("penyaring")
    )
    screener_name = models.CharField(_("nama penyaring (jika orang lain)"), max_length=120, blank=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ExternalResultQuerySet.as_manager()

    class Meta:
        ordering = ["-administered_on", "-created_at"]
        verbose_name = _("hasil alat berlisensi")
        verbose_name_plural = _("hasil alat berlisensi")

    def audit_label(self) -> str:
        return f"{self.tool} {self.case_id}"

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id
