from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.identity.models import Child, FamilyMember
from sigap.intake.models import Report
from sigap.intake.services import can_triage
from sigap.paging import CappedPaginator
from sigap.people.access import scope_filter
from sigap.people.roles import CASEWORK_ROLES, Permission
from sigap.people.typing import AuthenticatedRequest
from sigap.regions.models import Placed
from sigap.text import refusal

from . import clocks, sections, services, workflow
from .forms import AttachForm, OpenCaseForm
from .models import ApprovalStatus, Case, CaseQuerySet, CaseStatus, Note, Task, TaskStatus


def _report_to_handle(request: HttpRequest, pk: int) -> Report:
    report = Report.objects.visible_to(request.user).select_related("region", "routed_org").filter(pk=pk).first()
    if report is None:
        raise Http404
    if not can_triage(request.user, report):
        raise PermissionDenied
    return report


def _child_search(request: HttpRequest, q: str, age: int | None, region_code: str) -> list[Child]:
    """Children the person may see, by name or nickname, approximate age (±2 years) and place."""
    qs = Child.objects.visible_to(request.user)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(nickname__icontains=q))
    if age is not None:
        year = timezone.localdate().year
        qs = qs.filter(
            Q(birth_date__year__range=(year - age - 2, year - age + 2))
            | Q(birth_year_estimated__range=(year - age - 2, year - age + 2))
        )
    if region_code:
        qs = qs.filter(Placed.q_within(region_code))
    children = list(qs.select_related("region")[:20])
    audit.record_many(request.user, Action.LIST, children)
    return children


@login_required
def child_search(request: AuthenticatedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    try:
        age: int | None = int(request.GET["usia"]) if request.GET.get("usia") else None
    except ValueError:
        age = None
    region_code = request.GET.get("wilayah", "").strip()
    children = _child_search(request, q, age, region_code) if (q or age is not None or region_code) else []
    return render(request, "cases/child_search_results.html", {"children": children, "searched": bool(q)})


@login_required
def open_case(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = _report_to_handle(request, report_pk)
    reported = list(report.children.all())
    first = reported[0] if reported else None
    initial: dict[str, object] = {"region": report.region_id}
    if first:
        initial.update(reported_child=first.pk, name=first.name, sex=first.sex, approx_age=first.approx_age)
    form = OpenCaseForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                case = services.open_case(
                    request.user,
                    report.pk,
                    existing_child_id=d.get("existing_child") or None,
                    new_child=None
                    if d.get("existing_child")
                    else services.NewChild(
                        name=d.get("name") or "",
                        nickname=d.get("nickname") or "",
                        sex=d["sex"],
                        birth_date=d.get("birth_date"),
                        approx_age=d.get("approx_age"),
                        region=d.get("region"),
                    ),
                    reported_child_id=d.get("reported_child"),
                )
            except ValidationError as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Kasus %(number)s dibuka.") % {"number": case.number})
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(
        request, "cases/open_case.html", {"report": report, "form": form, "reported": reported}, status=status
    )


@login_required
def attach(request: AuthenticatedRequest, report_pk: int) -> HttpResponse:
    report = _report_to_handle(request, report_pk)
    form = AttachForm(request.POST or None)
    q = request.GET.get("q", "").strip()
    found = []
    if q:
        found = list(Case.objects.visible_to(request.user).filter(number__icontains=q).select_related("child")[:20])
        audit.record_many(request.user, Action.LIST, found)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = services.attach_to_case(
                    request.user, report.pk, form.cleaned_data["case"], form.cleaned_data["note"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Laporan dilampirkan ke kasus %(number)s.") % {"number": case.number})
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(request, "cases/attach.html", {"report": report, "form": form, "found": found, "q": q}, status=status)


@login_required
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = Case.objects.visible_to(request.user).select_related("child", "organisation", "worker")
    mine = request.GET.get("milik") == "saya"
    if mine:
        qs = qs.filter(worker=request.user)
    stage = request.GET.get("tahap", "")
    if stage == "terbuka":
        qs = qs.open()
    elif stage in CaseStatus.values:
        qs = qs.filter(status=stage)
    else:
        stage = ""
    page = CappedPaginator(qs.order_by("-opened_at", "-pk"), 50).get_page(request.GET.get("page"))
    audit.record_many(request.user, Action.LIST, page.object_list)
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "mine": mine, "stage": stage, "stages": CaseStatus.choices},
    )


@login_required
def case_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = (
        Case.objects.visible_to(request.user)
        .select_related("child", "child__region", "organisation", "worker", "opened_by")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    audit.record(request.user, Action.VIEW, case)
    audit.record(request.user, Action.VIEW, case.child)
    reports = list(case.reports.order_by("received_at").prefetch_related("concern_rows"))
    user = request.user
    can_work = workflow.can_work_on(user, case)
    # Organisations that see the case only through a hand-off (a share) get the case, not the
    # owning side's working history or the reports behind it.
    own_side = Case.objects.filter(pk=case.pk).filter(scope_filter(user, CaseQuerySet.SCOPE) or Q(pk__in=[])).exists()
    readable_reports = set(
        Report.objects.visible_to(user).filter(pk__in=[r.pk for r in reports]).values_list("pk", flat=True)
    )
    approvals = list(case.approvals.select_related("requested_by", "decided_by"))
    for a in approvals:
        a.can_decide = a.status == ApprovalStatus.PENDING and workflow.can_approve(user, case, a.requested_by_id)  # type: ignore[attr-defined]
    family = list(FamilyMember.objects.visible_to(user).filter(child_id=case.child_id))
    audit.record_many(user, Action.VIEW, family)
    notes = list(Note.objects.visible_to(user).filter(case=case).select_related("author", "organisation"))
    now = timezone.now()
    context = {
        "case": case,
        "reports": reports,
        "history": list(audit.history(case, case.child, *reports)) if own_side else None,
        "readable_reports": readable_reports,
        "sections": sections.render_list(request, case),
        "can_work": can_work,
        "steps": workflow.steps(case),
        "moves": [(s, CaseStatus(s).label) for s in workflow.WORKER_MOVES.get(case.status, ())] if can_work else [],
        "approvals": approvals,
        "tasks": list(case.tasks.filter(status=TaskStatus.OPEN).order_by("due_at")),
        "follow_ups": list(case.follow_ups.all()),
        "notes": notes,
        "family": family,
        "now": now,
        "can_note": can_work or (user.has_role(*CASEWORK_ROLES) and user.organisation_id is not None),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
def task_list(request: AuthenticatedRequest) -> HttpResponse:
    """My tasks: open tasks for me (assigned to me, or to my organisation for my role), soonest
    deadline first; supervisors can switch to their organisation's overdue tasks."""
    now = timezone.now()
    view = request.GET.get("lihat", "saya")
    org_id = request.user.organisation_id
    supervisor = request.user.can(Permission.APPROVE) and org_id is not None
    qs = Task.objects.visible_to(request.user).open()
    if view == "terlambat" and org_id is not None and supervisor:
        qs = qs.filter(organisation_id=org_id, due_at__lt=now)
    else:
        view = "saya"
        q = Q(assignee=request.user)
        if request.user.organisation_id is not None:
            q |= Q(
                assignee__isnull=True, organisation_id=request.user.organisation_id, role__in=["", request.user.role]
            )
        qs = qs.filter(q)
    qs = qs.select_related("case", "assignee").order_by("due_at", "pk")
    page = CappedPaginator(qs, 50).get_page(request.GET.get("page"))
    soon = now + clocks.reminder_before()
    return render(
        request,
        "cases/task_list.html",
        {"page": page, "view": view, "supervisor": supervisor, "now": now, "soon": soon},
    )
