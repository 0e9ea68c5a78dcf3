from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.paging import CappedPaginator
from sigap.people.roles import OPERATOR_ROLES, REPORTER_ROLES, TRIAGE_ROLES, Role, Scope
from sigap.people.typing import AuthenticatedRequest
from sigap.text import refusal

from . import ratelimit, services
from .forms import CloseForm, ReportForm, TrackForm, TriageForm
from .models import Report, RiskLevel


def report_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    show_channel = user.is_authenticated and (user.role in OPERATOR_ROLES or user.role in REPORTER_ROLES)
    form = ReportForm(request.POST or None, show_channel=show_channel)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            key = form.cleaned_data["submission_key"]
            if not user.is_authenticated and not ratelimit.allow_new_report(request, key):
                form.add_error(
                    None,
                    _(
                        "Terlalu banyak laporan dari perangkat ini dalam satu jam. Isian Anda tetap tersimpan di halaman ini; coba kirim lagi nanti, atau hubungi SAPA 129."
                    ),
                )
                status = 429
            else:
                try:
                    report, _created = services.submit_report(
                        form.to_input(), key, actor=user if user.is_authenticated else None
                    )
                except ValidationError as exc:
                    form.add_error(None, refusal(exc))
                    status = 400
                else:
                    return redirect("intake:submitted", code=report.tracking_code)
        else:
            status = 400
    return render(request, "intake/report_form.html", {"form": form}, status=status)


def report_submitted(request: HttpRequest, code: str) -> HttpResponse:
    if not Report.objects.filter(tracking_code=code).exists():
        raise Http404
    return render(request, "intake/report_submitted.html", {"code": code})


def track(request: HttpRequest) -> HttpResponse:
    """Status only: a tracking code never reveals a detail of the report."""
    form = TrackForm(request.GET or None)
    result = None
    status = 200
    if form.is_bound and form.is_valid():
        if not ratelimit.allow("track", request, limit=120):
            form.add_error(None, _("Terlalu banyak pencarian. Coba lagi nanti."))
            status = 429
        else:
            row = Report.objects.filter(tracking_code=form.cleaned_data["code"]).values("status").first()
            if row is None:
                form.add_error("code", _("Kode lacak tidak ditemukan. Periksa kembali huruf dan angkanya."))
                status = 404
            else:
                result = Report(status=row["status"]).get_status_display()
    return render(request, "intake/track.html", {"form": form, "result": result}, status=status)


@login_required
def my_reports(request: AuthenticatedRequest) -> HttpResponse:
    """Reports the person made (community reporter) or took in (operator)."""
    user = request.user
    qs = (
        Report.objects.visible_to(user)
        .filter(**({"reporter_user": user} if user.role in REPORTER_ROLES else {"received_by": user}))
        .order_by("-received_at")
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    audit.record_many(user, Action.LIST, page.object_list)
    return render(request, "intake/my_reports.html", {"page": page})


QUEUE_FILTERS = {"all", "untriaged", "overdue", "due_soon"}


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """Open reports the person may handle, soonest first-contact deadline first."""
    user = request.user
    if user.role not in TRIAGE_ROLES and user.role != Role.SYSTEM_ADMIN:
        raise PermissionDenied
    now = timezone.now()
    qs = Report.objects.visible_to(user).open().select_related("routed_org", "region").prefetch_related("concern_rows")
    # The queue is the reports routed to the person's organisation; people whose scope is wider
    # (a province, the country) can ask for everything they may see.
    widenable = user.scope in (Scope.JURISDICTION, Scope.ALL)
    wide = widenable and (request.GET.get("cakupan") == "semua" or user.organisation_id is None)
    if not wide:
        qs = qs.filter(routed_org_id=user.organisation_id)
    show = request.GET.get("tampil", "all")
    if show not in QUEUE_FILTERS:
        show = "all"
    if show == "untriaged":
        qs = qs.filter(risk_level="")
    elif show == "overdue":
        qs = qs.filter(first_contact_due__lte=now)
    elif show == "due_soon":
        qs = qs.filter(Report.due_soon_q(now))
    risk = request.GET.get("risiko", "")
    if risk in RiskLevel.values:
        qs = qs.filter(risk_level=risk)
    page = CappedPaginator(qs.order_by("first_contact_due", "id"), 50).get_page(request.GET.get("page"))
    rows = [(r, r.clock_state(now)) for r in page.object_list]
    audit.record_many(user, Action.LIST, page.object_list)
    context = {
        "page": page,
        "rows": rows,
        "show": show,
        "risk": risk,
        "risk_choices": RiskLevel.choices,
        "can_widen": widenable and user.organisation_id is not None,
        "wide": wide,
    }
    template = "intake/queue_rows.html" if request.headers.get("HX-Request") else "intake/queue.html"
    return render(request, template, context)


def _visible_report(request: HttpRequest, pk: int) -> Report:
    report = (
        Report.objects.visible_to(request.user)
        .select_related("routed_org", "region", "triaged_by", "received_by", "reporter_user")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404
    return report


def _detail_context(request: HttpRequest, report: Report, can_handle: bool, **forms: object) -> dict[str, object]:
    return {
        "report": report,
        "children": list(report.children.select_related("child")),
        "cases": list(report.cases.visible_to(request.user)) if can_handle else [],
        "can_handle": can_handle,
        "triage_form": TriageForm(initial={"risk_level": report.risk_level, "risk_reason": report.risk_reason}),
        "close_form": CloseForm(),
        "clock": report.clock_state(),
        **forms,
    }


@login_required
def report_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    audit.record(request.user, Action.VIEW, report)
    context = _detail_context(request, report, services.can_triage(request.user, report))
    return render(request, "intake/report_detail.html", context)


@login_required
@require_POST
def report_triage(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    form = TriageForm(request.POST)
    if form.is_valid():
        try:
            services.triage_report(
                request.user, report.pk, form.cleaned_data["risk_level"], form.cleaned_data["risk_reason"]
            )
        except ValidationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Penilaian risiko disimpan."))
            return redirect("intake:detail", pk=report.pk)
    return _detail_with_errors(request, report, triage_form=form)


@login_required
@require_POST
def report_close(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = _visible_report(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_report(request.user, report.pk, form.cleaned_data["reason"], form.cleaned_data["note"])
        except ValidationError as exc:
            form.add_error(None, refusal(exc))
        else:
            messages.success(request, _("Laporan ditutup."))
            return redirect("intake:detail", pk=report.pk)
    return _detail_with_errors(request, report, close_form=form)


def _detail_with_errors(request: HttpRequest, report: Report, **forms: object) -> HttpResponse:
    if not services.can_triage(request.user, report):
        raise PermissionDenied
    return render(request, "intake/report_detail.html", _detail_context(request, report, True, **forms), status=400)
