"""Case plans (HTCDS ``spl_``), their goals and the services that carry them out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case
from sigap.people.models import Organisation

from . import catalogue


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui")
    REJECTED = "rejected", _("Ditolak")
    SUPERSEDED = "superseded", _("Digantikan")


EDITABLE_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.REJECTED)


class CasePlanQuerySet(models.QuerySet["CasePlan"]):
    def visible_to(self, user: Any) -> CasePlanQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CasePlan(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    version = models.PositiveIntegerField(_("versi"), default=1)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    objectives = models.TextField(_("tujuan"), blank=True)  # HTCDS spl_Objectives
    action_plan = models.TextField(_("rencana tindakan"), blank=True)  # HTCDS spl_ActionPlan
    planned_end = models.DateField(_("rencana selesai"), null=True, blank=True)  # HTCDS spl_PlannedEndDate
    actual_end = models.DateField(_("selesai"), null=True, blank=True)  # HTCDS spl_ActualEndDate
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = CasePlanQuerySet.as_manager()

    class Meta:
        ordering = ["case", "-version"]
        verbose_name = _("rencana kasus")
        verbose_name_plural = _("rencana kasus")
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="plan_version_unique"),
            # One plan in the works (draft or waiting for a decision) per case at a time.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(status__in=["draft", "submitted"]), name="plan_one_in_progress"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} v{self.version}"

    def audit_label(self) -> str:
        return f"rencana {self.case_id} v{self.version}"

    @property
    def is_editable(self) -> bool:
        """Draft or sent back by the supervisor (callers also check it is the newest version)."""
        return self.status in EDITABLE_PLAN_STATUSES

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id


class GoalStatus(models.TextChoices):
    OPEN = "open", _("Berjalan")
    MET = "met", _("Tercapai")
    PARTLY_MET = "partly_met", _("Tercapai sebagian")
    NOT_MET = "not_met", _("Tidak tercapai")


class Goal(models.Model):
    plan = models.ForeignKey(CasePlan, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField(_("tujuan"))
    status = models.CharField(_("status"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.OPEN)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("tujuan")
        verbose_name_plural = _("tujuan")

    def __str__(self) -> str:
        return self.description[:60]

    def audit_label(self) -> str:
        return f"tujuan rencana {self.plan.case_id} v{self.plan.version}"

    def audit_organisation_id(self) -> int | None:
        return self.plan.case.organisation_id


class ServiceStatus(models.TextChoices):
    REQUESTED = "requested", _("Diminta")
    REFERRED = "referred", _("Dirujuk")
    IN_PROGRESS = "in_progress", _("Berjalan")
    COMPLETED = "completed", _("Selesai")
    DECLINED = "declined", _("Ditolak penyedia")
    CANCELLED = "cancelled", _("Dibatalkan")


ACTIVE_SERVICE_STATUSES = (ServiceStatus.REQUESTED, ServiceStatus.REFERRED, ServiceStatus.IN_PROGRESS)
NOT_STARTED_SERVICE_STATUSES = (ServiceStatus.REQUESTED, ServiceStatus.REFERRED)


class CaseServiceQuerySet(models.QuerySet["CaseService"]):
    def visible_to(self, user: Any) -> CaseServiceQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class CaseService(models.Model):
    """One service for a case: from the catalogue, by a provider organisation (the owner or, through
    a referral, another), with its dates and outcome."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    plan = models.ForeignKey(CasePlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    goal = models.ForeignKey(Goal, null=True, blank=True, on_delete=models.SET_NULL, related_name="services")
    # The catalogue entry; its htcds_type is HTCDS spl_Type.
    service_type = models.CharField(_("layanan"), max_length=40, choices=catalogue.choices)
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services_provided", verbose_name=_("penyedia")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ServiceStatus.choices, default=ServiceStatus.REQUESTED
    )
    requested_on = models.DateField(_("tanggal permohonan"), default=timezone.localdate)
    started_on = models.DateField(_("tanggal mulai"), null=True, blank=True)
    completed_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    outcome = models.TextField(_("hasil"), blank=True)
    # Why the service was cancelled by the case's people or declined by the provider.
    status_reason = models.TextField(_("alasan"), blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CaseServiceQuerySet.as_manager()

    class Meta:
        ordering = ["case", "requested_on", "pk"]
        verbose_name = _("layanan")
        verbose_name_plural = _("layanan")
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return self.type_info.name

    @property
    def type_info(self) -> catalogue.ServiceType:
        return catalogue.get(self.service_type)

    def audit_label(self) -> str:
        return f"layanan {self.service_type} {self.case_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_SERVICE_STATUSES

    def audit_organisation_id(self) -> int | None:
        return self.case.organisation_id
