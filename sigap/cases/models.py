"""Cases: a child's protection work, owned by one organisation and one worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.identity.models import Child
from sigap.intake.models import Report, RiskLevel
from sigap.people.access import ScopeFields, filter_visible
from sigap.people.models import Organisation
from sigap.regions.models import Placed


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("Terdaftar")
    CLOSED = "closed", _("Ditutup")


class CaseQuerySet(models.QuerySet["Case"]):
    # A community reporter (identified scope) never sees a case: the case file is not theirs.
    SCOPE = ScopeFields(organisation="organisation", own=("worker",), identified=())

    def visible_to(self, user: object) -> CaseQuerySet:
        return filter_visible(self, user, self.SCOPE)  # type: ignore[no-any-return]


class Case(Placed):
    number = models.CharField(_("nomor kasus"), max_length=20, unique=True, null=True, blank=True)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cases", verbose_name=_("anak"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="cases", verbose_name=_("organisasi pemilik")
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("pekerja kasus"),
    )
    risk_level = models.CharField(_("tingkat risiko"), max_length=8, choices=RiskLevel.choices)
    status = models.CharField(_("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.REGISTERED)
    opened_at = models.DateTimeField(_("dibuka"), default=timezone.now, db_index=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reports = models.ManyToManyField(Report, through="CaseReport", related_name="cases", verbose_name=_("laporan"))

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("kasus")
        verbose_name_plural = _("kasus")
        indexes = [models.Index(fields=["organisation", "status", "opened_at"])]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    def audit_label(self) -> str:
        return str(self)

    def audit_organisation_id(self) -> int | None:
        return self.organisation_id


class CaseReport(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="report_links")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="case_links")
    linked_at = models.DateTimeField(default=timezone.now)
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "report"], name="case_report_unique")]
