"""State changes of case plans, their goals and the services that carry them out.

A plan is written in the "case plan" stage as a draft, given goals and services, and submitted for a
supervisor's approval (:func:`submit_plan` → ``cases.workflow.request_approval``). The decision comes
back through ``gates.approval_decided`` (:func:`on_approval_decided`): an approved plan is in force and
replaces the version before it; a rejected one can be edited and submitted again. A revision is a new
version (:func:`create_plan`); the version in force stays so until the new one is approved.

Services come from the catalogue (``data/services.json``). One provided by the case's own
organisation is added here; one by another organisation normally comes from a referral, which calls
:func:`add_service` with ``status=ServiceStatus.REFERRED``. Services with a statutory clock
(rehabilitation, repatriation, reintegration: 7 days from the application, UU 21/2007 Pasal 52–53)
start a task for the provider when requested; starting the service meets it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases import gates, tasks, workflow
from sigap.cases.models import Approval, ApprovalKind, ApprovalStatus, Case, CaseStatus
from sigap.inbox.services import notify
from sigap.people.models import Organisation, User
from sigap.people.roles import CASEWORK_ROLES, Role

from . import catalogue
from .models import (
    ACTIVE_SERVICE_STATUSES,
    EDITABLE_PLAN_STATUSES,
    NOT_STARTED_SERVICE_STATUSES,
    CasePlan,
    CaseService,
    Goal,
    GoalStatus,
    PlanStatus,
    ServiceStatus,
)
from .signals import service_status_changed

FAMILY_RETURN_GATE = "service:family_return"
PLAN_GATE = f"request:{ApprovalKind.CASE_PLAN}"
ENDED_SERVICE_STATUSES = (ServiceStatus.CANCELLED, ServiceStatus.DECLINED)


# --- reading ---------------------------------------------------------------------------------


def latest_plan(case: Case) -> CasePlan | None:
    """The newest version of the case's plan (the one being worked on, or the one in force)."""
    return CasePlan.objects.filter(case=case).order_by("-version").first()


def plan_in_force(case: Case) -> CasePlan | None:
    return CasePlan.objects.filter(case=case, status=PlanStatus.APPROVED).order_by("-version").first()


def services_of(plan: CasePlan) -> QuerySet[CaseService]:
    """The services a plan carries: its own (unless cancelled or declined) and the case's services
    still running from before it (from an earlier version or requested before any plan)."""
    own = Q(plan=plan) & ~Q(status__in=ENDED_SERVICE_STATUSES)
    return CaseService.objects.filter(Q(case_id=plan.case_id) & (own | Q(status__in=ACTIVE_SERVICE_STATUSES)))


def plan_problem(case: Case) -> str | None:
    """Why the case's plan cannot be submitted yet, or None: the newest version must be a draft or a
    rejected plan with at least one goal and at least one service (the gate ``request:case_plan``)."""
    plan = latest_plan(case)
    if plan is None or not plan.is_editable:
        return _("Buat rencana kasus terlebih dahulu.")
    if not plan.goals.exists():
        return _("Rencana kasus belum memiliki tujuan. Tambahkan minimal satu tujuan.")
    if not services_of(plan).exists():
        return _("Rencana kasus belum memiliki layanan. Tambahkan minimal satu layanan.")
    return None


def is_provider_worker(actor: Any, service: CaseService) -> bool:
    """A case worker or supervisor of the organisation that provides the service."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.has_role(*CASEWORK_ROLES)
        and actor.organisation_id is not None
        and actor.organisation_id == service.provider_id
    )


def can_update_service(actor: Any, service: CaseService) -> bool:
    """Whether ``actor`` may start, complete or decline ``service``: the case's own people (who
    :func:`~sigap.cases.workflow.can_work_on` it), and the provider organisation's case workers and
    supervisors while they can see the case (through an accepted referral's share). Cancelling is for
    the case's own people only."""
    if workflow.can_work_on(actor, service.case):
        return True
    return is_provider_worker(actor, service) and Case.objects.visible_to(actor).filter(pk=service.case_id).exists()


# --- helpers ---------------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _not_in_future(day: date, message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(message)


def _check_planned_end(planned_end: date | None) -> None:
    if planned_end is not None and planned_end < timezone.localdate():
        raise ValidationError(_("Tanggal rencana selesai tidak boleh sebelum hari ini."))


def _plan_for_work(actor: User, plan_id: int) -> tuple[CasePlan, Case]:
    """The plan, locked, with its case, if ``actor`` may change the case."""
    found = CasePlan.objects.visible_to(actor).filter(pk=plan_id).values_list("case_id", flat=True).first()
    if found is None:
        raise PermissionDenied(_("Rencana kasus tidak ditemukan dalam cakupan akses Anda."))
    case = workflow.access_case_for_work(found, actor)
    plan = CasePlan.objects.select_for_update().get(pk=plan_id)
    return plan, case


def _require_editable(plan: CasePlan) -> None:
    if not plan.is_editable:
        raise ValidationError(
            _("Rencana versi %(version)s berstatus %(status)s dan tidak dapat diubah.")
            % {"version": plan.version, "status": plan.get_status_display().lower()}
        )
    if CasePlan.objects.filter(case_id=plan.case_id, version__gt=plan.version).exists():
        raise ValidationError(_("Sudah ada versi rencana yang lebih baru; ubah versi terbaru."))


def _clean_goal_status(status: str) -> str:
    if status not in GoalStatus.values:
        raise ValidationError(_("Pilih status tujuan."))
    return status


# --- plans -----------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    actor: User, case_id: int, objectives: str, action_plan: str = "", planned_end: date | None = None
) -> CasePlan:
    """Write a plan (HTCDS ``spl_``) for a case in the case-plan stage. When the case already has a
    plan that was approved or rejected, this is its next version and starts with that plan's goals;
    the approved version stays in force until the new one is approved."""
    case = workflow.access_case_for_work(case_id, actor)
    if case.status != CaseStatus.CASE_PLAN:
        raise ValidationError(
            _("Rencana kasus dibuat pada tahap rencana kasus; kasus ini pada tahap %(stage)s.")
            % {"stage": case.get_status_display().lower()}
        )
    previous = latest_plan(case)
    if previous is not None and previous.status in (PlanStatus.DRAFT, PlanStatus.SUBMITTED):
        raise ValidationError(
            _("Rencana versi %(version)s masih berstatus %(status)s. Ubah rencana itu, jangan membuat yang baru.")
            % {"version": previous.version, "status": previous.get_status_display().lower()}
        )
    objectives = objectives.strip()
    if not objectives:
        raise ValidationError(_("Tuliskan tujuan rencana kasus."))
    _check_planned_end(planned_end)
    plan = CasePlan.objects.create(
        case=case,
        version=previous.version + 1 if previous else 1,
        objectives=objectives,
        action_plan=action_plan.strip(),
        planned_end=planned_end,
        created_by=actor,
    )
    if previous is not None:
        Goal.objects.bulk_create(
            Goal(plan=plan, description=g.description, status=g.status, order=g.order) for g in previous.goals.all()
        )
    audit.record(
        actor,
        Action.CREATE,
        plan,
        {
            "version": plan.version,
            "objectives": plan.objectives,
            "action_plan": plan.action_plan,
            "planned_end": planned_end.isoformat() if planned_end else None,
            **({"revises": previous.version} if previous else {}),
        },
    )
    return plan


@transaction.atomic
def update_plan(
    actor: User, plan_id: int, objectives: str, action_plan: str = "", planned_end: date | None = None
) -> CasePlan:
    """Change a draft or rejected plan (the newest version)."""
    plan, _case = _plan_for_work(actor, plan_id)
    _require_editable(plan)
    objectives = objectives.strip()
    if not objectives:
        raise ValidationError(_("Tuliskan tujuan rencana kasus."))
    if planned_end != plan.planned_end:
        _check_planned_end(planned_end)
    changes: dict[str, Any] = {}
    for name, value in (("objectives", objectives), ("action_plan", action_plan.strip()), ("planned_end", planned_end)):
        before = getattr(plan, name)
        if before != value:
            changes[name] = [
                before.isoformat() if isinstance(before, date) else before,
                value.isoformat() if isinstance(value, date) else value,
            ]
            setattr(plan, name, value)
    if changes:
        plan.save(update_fields=list(changes))
        audit.record(actor, Action.UPDATE, plan, changes)
    return plan


@transaction.atomic
def add_goal(actor: User, plan_id: int, description: str) -> Goal:
    plan, _case = _plan_for_work(actor, plan_id)
    _require_editable(plan)
    description = description.strip()
    if not description:
        raise ValidationError(_("Tuliskan tujuan yang ingin dicapai."))
    last = plan.goals.aggregate(m=Max("order"))["m"]
    goal = Goal.objects.create(plan=plan, description=description, order=(last or 0) + 1)
    audit.record(actor, Action.CREATE, goal, {"description": description})
    return goal


@transaction.atomic
def update_goal(actor: User, goal_id: int, *, description: str | None = None, status: str | None = None) -> Goal:
    """Change a goal. Its wording can change while the plan is a draft or rejected; its status
    (met, partly met, not met) also while the plan is in force, as services go on."""
    plan_id = (
        Goal.objects.filter(plan__in=CasePlan.objects.visible_to(actor), pk=goal_id)
        .values_list("plan_id", flat=True)
        .first()
    )
    if plan_id is None:
        raise PermissionDenied(_("Tujuan tidak ditemukan dalam cakupan akses Anda."))
    plan, _case = _plan_for_work(actor, plan_id)
    goal = Goal.objects.select_for_update().get(pk=goal_id)
    changes: dict[str, Any] = {}
    if description is not None and description.strip() != goal.description:
        _require_editable(plan)
        if not description.strip():
            raise ValidationError(_("Tuliskan tujuan yang ingin dicapai."))
        changes["description"] = [goal.description, description.strip()]
        goal.description = description.strip()
    if status is not None and status != goal.status:
        _clean_goal_status(status)
        if not (plan.is_editable or plan.status == PlanStatus.APPROVED):
            raise ValidationError(
                _("Status tujuan hanya dapat diubah pada rencana yang berlaku atau yang sedang disusun.")
            )
        changes["status"] = [goal.status, status]
        goal.status = status
    if changes:
        goal.save(update_fields=list(changes))
        audit.record(actor, Action.UPDATE, goal, changes)
    return goal


@transaction.atomic
def submit_plan(actor: User, plan_id: int, comment: str = "") -> CasePlan:
    """Send a draft or rejected plan to the organisation's supervisors for approval."""
    plan, case = _plan_for_work(actor, plan_id)
    _require_editable(plan)
    # The gate ``request:case_plan`` (goals and services) runs inside, while the plan is still a draft.
    workflow.request_approval(actor, case.pk, ApprovalKind.CASE_PLAN, comment=comment, subject_id=plan.pk)
    before = plan.status
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status"])
    audit.record(actor, Action.REQUEST, plan, {"status": [before, plan.status], "comment": comment.strip()})
    return plan


def on_approval_decided(sender: Any, approval: Approval, actor: User, **kwargs: Any) -> None:
    """Mark the submitted plan approved (superseding the version in force) or rejected; when the
    case's closure is approved, the plan in force ends that day (HTCDS ``spl_ActualEndDate``)."""
    if approval.kind == ApprovalKind.CLOSURE and approval.status == ApprovalStatus.APPROVED:
        ending = CasePlan.objects.filter(case_id=approval.case_id, status=PlanStatus.APPROVED, actual_end__isnull=True)
        for plan_in_force in ending:
            plan_in_force.actual_end = timezone.localdate()
            plan_in_force.save(update_fields=["actual_end"])
            audit.record(actor, Action.UPDATE, plan_in_force, {"actual_end": plan_in_force.actual_end.isoformat()})
        return
    if approval.kind != ApprovalKind.CASE_PLAN:
        return
    waiting = CasePlan.objects.select_for_update().filter(case_id=approval.case_id)
    if approval.subject_id is not None:
        plan = waiting.filter(pk=approval.subject_id, status=PlanStatus.SUBMITTED).first()
    else:
        # Requested straight through the workflow rather than :func:`submit_plan`: the plan the
        # gate checked is the newest version.
        plan = waiting.order_by("-version").first()
        if plan is not None and plan.status not in (*EDITABLE_PLAN_STATUSES, PlanStatus.SUBMITTED):
            plan = None
    if plan is None:
        return
    before = plan.status
    if approval.status == ApprovalStatus.APPROVED:
        for old in CasePlan.objects.select_for_update().filter(case_id=plan.case_id, status=PlanStatus.APPROVED):
            old.status = PlanStatus.SUPERSEDED
            old.save(update_fields=["status"])
            audit.record(actor, Action.UPDATE, old, {"status": [PlanStatus.APPROVED, PlanStatus.SUPERSEDED]})
        plan.status = PlanStatus.APPROVED
        plan.approved_at = approval.decided_at or timezone.now()
        plan.save(update_fields=["status", "approved_at"])
        audit.record(actor, Action.APPROVE, plan, {"status": [before, PlanStatus.APPROVED]})
    elif approval.status == ApprovalStatus.REJECTED:
        plan.status = PlanStatus.REJECTED
        plan.save(update_fields=["status"])
        audit.record(
            actor,
            Action.REJECT,
            plan,
            {"status": [before, PlanStatus.REJECTED], "comment": approval.decision_comment},
        )


# --- services --------------------------------------------------------------------------------


def _service_for_update(actor: User, service_id: int, *, owner_only: bool = False) -> CaseService:
    service = CaseService.objects.visible_to(actor).select_for_update().filter(pk=service_id).first()
    if service is None:
        raise PermissionDenied(_("Layanan tidak ditemukan dalam cakupan akses Anda."))
    case = service.case
    if workflow.can_work_on(actor, case):
        pass
    elif owner_only or not is_provider_worker(actor, service):
        raise PermissionDenied(
            _("Hanya pekerja kasus organisasi pemilik yang dapat membatalkan layanan ini.")
            if owner_only
            else _("Hanya pekerja kasus organisasi pemilik atau organisasi penyedia yang dapat mengubah layanan ini.")
        )
    if not case.is_open:
        raise ValidationError(_("Kasus ini sudah ditutup. Buka kembali kasus terlebih dahulu."))
    return service


def _family_return_gate(service: CaseService) -> None:
    if service.type_info.family_return:
        gates.check(FAMILY_RETURN_GATE, service.case)


def _changed(service: CaseService, actor: User, previous: str) -> None:
    service_status_changed.send(sender=CaseService, service=service, actor=actor, previous=previous)


def end_service(actor: User, service: CaseService, status: str, reason: str) -> str:
    """Record that a service ends unprovided (cancelled or declined) with its reason: the status,
    the audit entry, its statutory clock stopped and the status signal sent. Callers check who may
    do it first; the referrals app also calls this when a referral is rejected or revoked. Returns
    the previous status."""
    previous = service.status
    service.status = status
    service.status_reason = reason
    service.save(update_fields=["status", "status_reason"])
    audit.record(actor, Action.UPDATE, service, {"status": [previous, status], "reason": reason})
    if service.type_info.clock:
        tasks.cancel(service.case, service.type_info.clock, subject=("service", service.pk))
    _changed(service, actor, previous)
    return previous


def _case_url(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id])


@transaction.atomic
def add_service(
    actor: User,
    case_id: int,
    service_type: str,
    provider_id: int | None,
    plan_id: int | None = None,
    goal_id: int | None = None,
    requested_on: date | None = None,
    notes: str = "",
    *,
    status: str = ServiceStatus.REQUESTED,
) -> CaseService:
    """Add a service from the catalogue for a case, provided by ``provider_id`` (usually the case's own
    organisation; the referrals app passes ``status=ServiceStatus.REFERRED`` for another one). Without
    ``plan_id`` it belongs to the case's newest plan, if any. Services with a statutory clock start a
    task for the provider due 7 days from the day of the application."""
    case = workflow.access_case_for_work(case_id, actor)
    entry = catalogue.services().get(service_type)
    if entry is None:
        raise ValidationError(_("Pilih jenis layanan dari katalog."))
    if status not in NOT_STARTED_SERVICE_STATUSES:
        raise ValidationError(_("Layanan baru berstatus diminta atau dirujuk."))
    provider = Organisation.objects.filter(pk=provider_id, is_active=True).first() if provider_id else None
    if provider is None:
        raise ValidationError(_("Pilih organisasi penyedia layanan yang aktif."))
    requested_on = requested_on or timezone.localdate()
    _not_in_future(requested_on, _("Tanggal permohonan layanan tidak boleh di masa depan."))
    goal = None
    if goal_id is not None:
        goal = Goal.objects.select_related("plan").filter(pk=goal_id, plan__case=case).first()
        if goal is None:
            raise ValidationError(_("Tujuan tidak ditemukan pada rencana kasus ini."))
    if plan_id is not None:
        plan = CasePlan.objects.filter(pk=plan_id, case=case).first()
        if plan is None:
            raise ValidationError(_("Rencana tidak ditemukan pada kasus ini."))
        if plan.status == PlanStatus.SUPERSEDED:
            raise ValidationError(_("Rencana versi ini sudah digantikan; tambahkan layanan ke versi terbaru."))
        if goal is not None and goal.plan_id != plan.pk:
            raise ValidationError(_("Tujuan yang dipilih bukan bagian dari rencana ini."))
    else:
        plan = goal.plan if goal is not None else latest_plan(case)
    service = CaseService.objects.create(
        case=case,
        plan=plan,
        goal=goal,
        service_type=entry.code,
        provider=provider,
        status=status,
        requested_on=requested_on,
        notes=notes.strip(),
        created_by=actor,
    )
    audit.record(
        actor,
        Action.CREATE,
        service,
        {
            "service_type": entry.code,
            "provider": provider.pk,
            "status": status,
            "requested_on": requested_on.isoformat(),
            "plan": plan.version if plan else None,
        },
    )
    if entry.clock:
        clock = tasks.clocks.get(entry.clock)
        tasks.schedule(
            case,
            entry.clock,
            start=_start_of(requested_on),
            organisation=provider,
            subject=("service", service.pk),
            title=f"{clock.title_id} · {entry.name_id}",
        )
    return service


@transaction.atomic
def start_service(actor: User, service_id: int, started_on: date | None = None) -> CaseService:
    """The provider began the service; this meets its statutory clock."""
    service = _service_for_update(actor, service_id)
    if service.status not in NOT_STARTED_SERVICE_STATUSES:
        raise ValidationError(
            _("Layanan berstatus %(status)s tidak dapat dimulai.") % {"status": service.get_status_display().lower()}
        )
    started_on = started_on or timezone.localdate()
    _not_in_future(started_on, _("Tanggal mulai tidak boleh di masa depan."))
    if started_on < service.requested_on:
        raise ValidationError(_("Tanggal mulai tidak boleh sebelum tanggal permohonan."))
    _family_return_gate(service)
    previous = service.status
    service.status = ServiceStatus.IN_PROGRESS
    service.started_on = started_on
    service.save(update_fields=["status", "started_on"])
    audit.record(
        actor, Action.UPDATE, service, {"status": [previous, service.status], "started_on": started_on.isoformat()}
    )
    if service.type_info.clock:
        tasks.complete(service.case, service.type_info.clock, actor, subject=("service", service.pk))
    _changed(service, actor, previous)
    return service


@transaction.atomic
def complete_service(actor: User, service_id: int, completed_on: date | None, outcome: str) -> CaseService:
    """The service is done, with its outcome. A service completed without a recorded start started
    the same day."""
    service = _service_for_update(actor, service_id)
    if service.status not in ACTIVE_SERVICE_STATUSES:
        raise ValidationError(
            _("Layanan berstatus %(status)s tidak dapat diselesaikan.")
            % {"status": service.get_status_display().lower()}
        )
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError(_("Tuliskan hasil layanan."))
    completed_on = completed_on or timezone.localdate()
    _not_in_future(completed_on, _("Tanggal selesai tidak boleh di masa depan."))
    if completed_on < (service.started_on or service.requested_on):
        raise ValidationError(_("Tanggal selesai tidak boleh sebelum tanggal mulai atau tanggal permohonan."))
    _family_return_gate(service)
    previous = service.status
    service.status = ServiceStatus.COMPLETED
    service.started_on = service.started_on or completed_on
    service.completed_on = completed_on
    service.outcome = outcome
    service.save(update_fields=["status", "started_on", "completed_on", "outcome"])
    audit.record(
        actor,
        Action.COMPLETE,
        service,
        {"status": [previous, service.status], "completed_on": completed_on.isoformat(), "outcome": outcome},
    )
    if service.type_info.clock:
        tasks.complete(service.case, service.type_info.clock, actor, subject=("service", service.pk))
    _changed(service, actor, previous)
    return service


@transaction.atomic
def cancel_service(actor: User, service_id: int, reason: str) -> CaseService:
    """The case's own people call a service off (no longer needed, the child moved), with a reason."""
    service = _service_for_update(actor, service_id, owner_only=True)
    if service.status not in ACTIVE_SERVICE_STATUSES:
        raise ValidationError(
            _("Layanan berstatus %(status)s tidak dapat dibatalkan.") % {"status": service.get_status_display().lower()}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan pembatalan layanan."))
    end_service(actor, service, ServiceStatus.CANCELLED, reason)
    if service.provider_id != service.case.organisation_id:
        notify(
            _provider_people(service.provider_id),
            "service_cancelled",
            _("Layanan %(service)s untuk kasus %(case)s dibatalkan")
            % {"service": service.type_info.name_id, "case": service.case.number},
            "",
            _case_url(service.case_id),
        )
    return service


@transaction.atomic
def decline_service(actor: User, service_id: int, reason: str) -> CaseService:
    """The provider cannot provide a requested service, with a reason; the case's worker is told."""
    service = _service_for_update(actor, service_id)
    if service.status not in NOT_STARTED_SERVICE_STATUSES:
        raise ValidationError(
            _("Layanan berstatus %(status)s tidak dapat ditolak.") % {"status": service.get_status_display().lower()}
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan penolakan layanan."))
    end_service(actor, service, ServiceStatus.DECLINED, reason)
    case = service.case
    notify(
        [case.worker] if case.worker_id else tasks.supervisors(case.organisation_id),
        "service_declined",
        _("Layanan %(service)s untuk kasus %(case)s ditolak penyedia")
        % {"service": service.type_info.name_id, "case": case.number},
        _("Buka kasus untuk melihat alasannya dan mencari penyedia lain."),
        _case_url(case.pk),
    )
    return service


def _provider_people(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=[Role.CASE_WORKER, Role.SUPERVISOR]
        )
    )
