"""Pages of case plans and services (/rencana/) and the plan section of the case page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases import clocks, workflow
from sigap.cases.models import Approval, ApprovalKind, ApprovalStatus, Case, CaseStatus, Task, TaskStatus
from sigap.people import orgtypes
from sigap.people.typing import AuthenticatedRequest
from sigap.text import refusal

from . import catalogue, services
from .forms import CompleteForm, GoalForm, GoalUpdateForm, PlanForm, ReasonForm, ServiceForm, StartForm, SubmitForm
from .models import (
    ACTIVE_SERVICE_STATUSES,
    NOT_STARTED_SERVICE_STATUSES,
    CasePlan,
    CaseService,
    Goal,
    PlanStatus,
)

# --- lookups: 404 outside the person's scope -------------------------------------------------


def _case(request: HttpRequest, pk: int) -> Case:
    case = Case.objects.visible_to(request.user).select_related("organisation").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _plan(request: HttpRequest, pk: int) -> CasePlan:
    plan = CasePlan.objects.visible_to(request.user).select_related("case", "case__organisation").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def _service(request: HttpRequest, pk: int) -> CaseService:
    service = (
        CaseService.objects.visible_to(request.user).select_related("case", "provider", "plan").filter(pk=pk).first()
    )
    if service is None:
        raise Http404
    return service


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _next_url(request: HttpRequest, fallback: str) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return fallback


def _case_url(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id]) + "#section-plan"


# --- the case page section -------------------------------------------------------------------


@dataclass
class ServiceRow:
    service: CaseService
    clock_task: Task | None
    can_start: bool
    can_complete: bool
    can_cancel: bool
    can_decline: bool

    @property
    def clock_overdue(self) -> bool:
        return self.clock_task is not None and self.clock_task.is_overdue()

    @property
    def clock_state(self) -> str:
        """A badge class: met (on_time), missed (overdue), due within the reminder window (due_soon)."""
        task = self.clock_task
        if task is None or task.status == TaskStatus.CANCELLED:
            return ""
        if task.status == TaskStatus.DONE:
            return "on_time"
        if task.is_overdue():
            return "overdue"
        return "due_soon" if task.due_at - timezone.now() <= clocks.reminder_before() else ""

    @property
    def has_actions(self) -> bool:
        return self.can_start or self.can_complete or self.can_cancel or self.can_decline


def _rows(user: Any, case: Case, items: list[CaseService]) -> list[ServiceRow]:
    owner = workflow.can_work_on(user, case)
    clock_tasks: dict[int | None, Task] = {
        t.subject_id: t
        for t in Task.objects.filter(
            case_id=case.pk, subject_type="service", subject_id__in=[s.pk for s in items]
        ).order_by("created_at")
    }
    rows = []
    for s in items:
        provider = services.is_provider_worker(user, s)
        may = case.is_open and (owner or provider)
        rows.append(
            ServiceRow(
                service=s,
                clock_task=clock_tasks.get(s.pk) if s.type_info.clock else None,
                can_start=may and s.status in NOT_STARTED_SERVICE_STATUSES,
                can_complete=may and s.status in ACTIVE_SERVICE_STATUSES,
                can_cancel=case.is_open and owner and s.status in ACTIVE_SERVICE_STATUSES,
                can_decline=may and provider and s.status in NOT_STARTED_SERVICE_STATUSES,
            )
        )
    return rows


def case_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The plan in force or being written, its goals, and the case's services with the actions this
    person may take (the case's people on all; a provider organisation's people on theirs)."""
    user = request.user
    plans = list(CasePlan.objects.visible_to(user).filter(case=case).prefetch_related("goals"))
    current = plans[0] if plans else None
    in_force = next((p for p in plans if p.status == PlanStatus.APPROVED), None)
    items = list(
        CaseService.objects.visible_to(user)
        .filter(case=case)
        .select_related("provider", "plan")
        .order_by("requested_on", "pk")
    )
    owner = workflow.can_work_on(user, case)
    pending = Approval.objects.filter(case=case, kind=ApprovalKind.CASE_PLAN, status=ApprovalStatus.PENDING).exists()
    can_edit = bool(owner and case.is_open and current is not None and current.is_editable)
    can_submit = can_edit and case.status == CaseStatus.CASE_PLAN and not pending
    if current is not None:
        audit.record(user, Action.VIEW, current)
    audit.record_many(user, Action.LIST, items)
    return {
        "plan": current,
        "goals": list(current.goals.all()) if current else [],
        "in_force": in_force if in_force is not current else None,
        "rows": _rows(user, case, items),
        "owner": owner,
        "pending": pending,
        "can_create_plan": owner
        and case.status == CaseStatus.CASE_PLAN
        and (current is None or current.status not in (PlanStatus.DRAFT, PlanStatus.SUBMITTED)),
        "can_edit_plan": can_edit,
        "can_submit": can_submit,
        "problem": services.plan_problem(case) if can_submit else None,
        "can_add_service": owner and case.is_open,
        "submit_form": SubmitForm(),
    }


# --- plans -----------------------------------------------------------------------------------


def _require_owner(request: AuthenticatedRequest, case: Case) -> None:
    if not workflow.can_work_on(request.user, case):
        raise PermissionDenied(_("Hanya pekerja kasus dan supervisor organisasi pemilik yang dapat mengubah rencana."))


@login_required
def plan_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    _require_owner(request, case)
    audit.record(request.user, Action.VIEW, case)
    previous = services.latest_plan(case)
    initial = {}
    if previous is not None:
        audit.record(request.user, Action.VIEW, previous)
        initial = {"objectives": previous.objectives, "action_plan": previous.action_plan}
    form = PlanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                plan = services.create_plan(
                    request.user, case.pk, d["objectives"], d["action_plan"], d.get("planned_end")
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(
                    request,
                    _("Rencana kasus versi %(version)s dibuat. Tambahkan tujuan dan layanan.")
                    % {"version": plan.version},
                )
                return redirect("plans:detail", pk=plan.pk)
        status = 400
    return render(request, "plans/plan_form.html", {"case": case, "form": form, "previous": previous}, status=status)


def _plan_context(
    request: AuthenticatedRequest,
    plan: CasePlan,
    goal_forms: dict[int, GoalUpdateForm] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    owner = workflow.can_work_on(request.user, plan.case)
    latest = services.latest_plan(plan.case)
    editable = owner and plan.case.is_open and plan.is_editable and latest is not None and latest.pk == plan.pk
    goals = list(plan.goals.all())
    items = list(services.services_of(plan).select_related("provider", "plan", "case"))
    pending = Approval.objects.filter(
        case_id=plan.case_id, kind=ApprovalKind.CASE_PLAN, status=ApprovalStatus.PENDING
    ).exists()
    can_submit = editable and plan.case.status == CaseStatus.CASE_PLAN and not pending
    context = {
        "case": plan.case,
        "plan": plan,
        "owner": owner,
        "editable": editable,
        "goal_status_editable": owner and plan.case.is_open and (editable or plan.status == PlanStatus.APPROVED),
        "goal_rows": [
            (
                g,
                (goal_forms or {}).get(g.pk)
                or GoalUpdateForm(initial={"description": g.description, "status": g.status}, prefix=f"goal-{g.pk}"),
            )
            for g in goals
        ],
        "goal_form": GoalForm(),
        "form": PlanForm(
            initial={"objectives": plan.objectives, "action_plan": plan.action_plan, "planned_end": plan.planned_end}
        ),
        "rows": _rows(request.user, plan.case, items),
        "can_submit": can_submit,
        "problem": services.plan_problem(plan.case) if can_submit else None,
        "submit_form": SubmitForm(),
    }
    context.update(extra)
    return context


@login_required
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The plan page: read by everyone who sees the case; edited by its own people while a draft."""
    plan = _plan(request, pk)
    extra: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        _require_owner(request, plan.case)
        form = PlanForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.update_plan(request.user, plan.pk, d["objectives"], d["action_plan"], d.get("planned_end"))
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Rencana kasus disimpan."))
                return redirect("plans:detail", pk=plan.pk)
        extra["form"] = form
        status = 400
    context = _plan_context(request, plan, **extra)
    audit.record(request.user, Action.VIEW, plan)
    audit.record_many(request.user, Action.LIST, [r.service for r in context["rows"]])
    return render(request, "plans/plan_detail.html", context, status=status)


def _goals_response(request: AuthenticatedRequest, plan: CasePlan, status: int, **extra: Any) -> HttpResponse:
    """After a goal change: the goals fragment for htmx, else the plan page (or a redirect to it)."""
    if status == 200 and not _is_htmx(request):
        return redirect(reverse("plans:detail", args=[plan.pk]) + "#goals")
    plan.refresh_from_db()
    context = _plan_context(request, plan, **extra)
    template = "plans/_goals.html" if _is_htmx(request) else "plans/plan_detail.html"
    return render(request, template, context, status=status)


@login_required
@require_POST
def goal_add(request: AuthenticatedRequest, plan_pk: int) -> HttpResponse:
    plan = _plan(request, plan_pk)
    _require_owner(request, plan.case)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.add_goal(request.user, plan.pk, form.cleaned_data["description"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error("description", refusal(exc))
        else:
            if not _is_htmx(request):
                messages.success(request, _("Tujuan ditambahkan."))
            return _goals_response(request, plan, 200)
    return _goals_response(request, plan, 400, goal_form=form)


@login_required
@require_POST
def goal_update(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    goal = Goal.objects.filter(plan__in=CasePlan.objects.visible_to(request.user), pk=pk).first()
    if goal is None:
        raise Http404
    plan = _plan(request, goal.plan_id)
    _require_owner(request, plan.case)
    form = GoalUpdateForm(request.POST, prefix=f"goal-{goal.pk}")
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.update_goal(request.user, goal.pk, description=d["description"] or None, status=d["status"])
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, refusal(exc))
        else:
            if not _is_htmx(request):
                messages.success(request, _("Tujuan disimpan."))
            return _goals_response(request, plan, 200)
    return _goals_response(request, plan, 400, goal_forms={goal.pk: form})


@login_required
def plan_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    _require_owner(request, plan.case)
    form = SubmitForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_plan(request.user, plan.pk, form.cleaned_data["comment"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Rencana kasus diajukan untuk persetujuan supervisor."))
                return redirect(_case_url(plan.case_id))
        status = 400
    audit.record(request.user, Action.VIEW, plan)
    return render(
        request,
        "plans/submit.html",
        {"plan": plan, "case": plan.case, "form": form, "problem": services.plan_problem(plan.case)},
        status=status,
    )


# --- services --------------------------------------------------------------------------------


@login_required
def service_add(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    _require_owner(request, case)
    audit.record(request.user, Action.VIEW, case)
    plan = services.latest_plan(case)
    form = ServiceForm(request.POST or None, plan=plan, initial={"provider": case.organisation_id})
    back = _next_url(request, _case_url(case.pk))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                service = services.add_service(
                    request.user,
                    case.pk,
                    d["service_type"],
                    d["provider"].pk,
                    goal_id=d.get("goal"),
                    requested_on=d["requested_on"],
                    notes=d["notes"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Layanan %(service)s ditambahkan.") % {"service": service.type_info.name})
                return redirect(back)
        status = 400
    return render(
        request, "plans/service_form.html", {"case": case, "plan": plan, "form": form, "next": back}, status=status
    )


@dataclass(frozen=True)
class ServiceAction:
    key: str
    title: Any  # lazy text
    form: type[forms.Form]
    allowed: Callable[[Any, CaseService], bool]
    perform: Callable[[Any, CaseService, dict[str, Any]], CaseService]
    done: Any  # lazy text with %(service)s
    danger: bool = False


def _owner_of(user: Any, service: CaseService) -> bool:
    return workflow.can_work_on(user, service.case)


def _action_view(action: ServiceAction) -> Callable[..., HttpResponse]:
    @login_required
    def view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
        service = _service(request, pk)
        if not action.allowed(request.user, service):
            raise PermissionDenied(_("Anda tidak dapat mengubah layanan ini."))
        initial = {"started_on": timezone.localdate(), "completed_on": timezone.localdate()}
        form = action.form(request.POST or None, initial=initial)
        back = _next_url(request, _case_url(service.case_id))
        status = 200
        if request.method == "POST":
            if form.is_valid():
                try:
                    action.perform(request.user, service, form.cleaned_data)
                except (ValidationError, PermissionDenied) as exc:
                    form.add_error(None, refusal(exc))
                else:
                    messages.success(request, str(action.done) % {"service": service.type_info.name})
                    return redirect(back)
            status = 400
        audit.record(request.user, Action.VIEW, service)
        context = {"service": service, "case": service.case, "form": form, "action": action, "next": back}
        return render(request, "plans/service_action.html", context, status=status)

    view.__name__ = f"service_{action.key}"
    return view


service_start = _action_view(
    ServiceAction(
        "start",
        gettext_lazy("Mulai layanan"),
        StartForm,
        services.can_update_service,
        lambda u, s, d: services.start_service(u, s.pk, d["started_on"]),
        gettext_lazy("Layanan %(service)s dimulai."),
    )
)
service_complete = _action_view(
    ServiceAction(
        "complete",
        gettext_lazy("Selesaikan layanan"),
        CompleteForm,
        services.can_update_service,
        lambda u, s, d: services.complete_service(u, s.pk, d["completed_on"], d["outcome"]),
        gettext_lazy("Layanan %(service)s selesai."),
    )
)
service_cancel = _action_view(
    ServiceAction(
        "cancel",
        gettext_lazy("Batalkan layanan"),
        ReasonForm,
        _owner_of,
        lambda u, s, d: services.cancel_service(u, s.pk, d["reason"]),
        gettext_lazy("Layanan %(service)s dibatalkan."),
        danger=True,
    )
)
service_decline = _action_view(
    ServiceAction(
        "decline",
        gettext_lazy("Tolak layanan"),
        ReasonForm,
        services.can_update_service,
        lambda u, s, d: services.decline_service(u, s.pk, d["reason"]),
        gettext_lazy("Layanan %(service)s ditolak."),
        danger=True,
    )
)


# --- the catalogue ---------------------------------------------------------------------------


@login_required
def catalogue_page(request: AuthenticatedRequest) -> HttpResponse:
    """The service catalogue with each service's statutory clock, for reading (no personal data)."""
    types = orgtypes.load()
    groups = [
        (
            name,
            [
                {
                    "service": s,
                    "clock": clocks.get(s.clock) if s.clock else None,
                    "days": clocks.get(s.clock).duration().days if s.clock else None,
                    "providers": [types[p].name for p in s.providers if p in types],
                }
                for s in items
            ],
        )
        for name, items in catalogue.by_group()
    ]
    return render(request, "plans/catalogue.html", {"groups": groups})
