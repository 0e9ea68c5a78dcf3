from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.identity.models import Child
from sigap.intake.models import Report
from sigap.intake.services import can_triage
from sigap.people.typing import AuthenticatedRequest
from sigap.regions.models import Placed

from . import sections, services
from .forms import AttachForm, OpenCaseForm
from .models import Case


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
                form.add_error(None, " ".join(exc.messages))
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
                form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
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
    page = Paginator(qs.order_by("-opened_at"), 50).get_page(request.GET.get("page"))
    audit.record_many(request.user, Action.LIST, page.object_list)
    return render(request, "cases/case_list.html", {"page": page, "mine": mine})


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
    context = {
        "case": case,
        "reports": reports,
        "history": list(audit.history(case, case.child, *reports)),
        "sections": sections.render_list(request, case),
    }
    return render(request, "cases/case_detail.html", context)
