"""Pages of the assessments app and its section of the case page. Anyone who can see the case may
read; only those who can work on it (:func:`sigap.cases.workflow.can_work_on`) may write."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case, CaseStatus
from sigap.cases.workflow import can_work_on
from sigap.people.typing import AuthenticatedRequest
from sigap.text import refusal

from . import services
from .forms import AssessmentForm, BIAForm, BIDForm, IdentificationForm, SubmitForm
from .models import Assessment, AssessmentStatus, BestInterestsAssessment, BestInterestsDetermination, Identification


def _case(request: HttpRequest, pk: int) -> Case:
    case = Case.objects.visible_to(request.user).select_related("organisation", "worker").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _case_for_work(request: HttpRequest, pk: int) -> Case:
    case = _case(request, pk)
    if not can_work_on(request.user, case):
        raise PermissionDenied
    return case


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    found = Assessment.objects.visible_to(request.user).select_related("case", "created_by").filter(pk=pk).first()
    if found is None:
        raise Http404
    assert isinstance(found, Assessment)
    return found


def _can_submit(assessment: Assessment, case: Case) -> bool:
    return assessment.status == AssessmentStatus.DRAFT and case.status == CaseStatus.ASSESSMENT


# --- the biopsychosocial assessment ----------------------------------------------------------


@login_required
def assessment_create(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case_for_work(request, case_pk)
    approved = case.assessments.filter(status=AssessmentStatus.APPROVED).exists()
    form = AssessmentForm(request.POST or None, initial={"kind": "review" if approved else "initial"})
    if request.method == "POST":
        if form.is_valid():
            try:
                assessment = services.create_assessment(
                    request.user, case.pk, kind=form.cleaned_data["kind"], **form.service_fields()
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Draf asesmen disimpan."))
                return redirect("assessments:detail", pk=assessment.pk)
        return render(request, "assessments/assessment_form.html", {"case": case, "form": form}, status=400)
    return render(request, "assessments/assessment_form.html", {"case": case, "form": form})


@login_required
@require_safe
def assessment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    case = assessment.case
    audit.record(request.user, Action.VIEW, assessment)
    can_write = can_work_on(request.user, case) and case.is_open
    context = {
        "case": case,
        "assessment": assessment,
        "can_write": can_write,
        "can_submit": can_write and _can_submit(assessment, case),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
def assessment_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    case = assessment.case
    if not can_work_on(request.user, case):
        raise PermissionDenied
    form = AssessmentForm(request.POST or None, initial=AssessmentForm.initial_from(assessment), with_kind=False)
    context = {"case": case, "form": form, "assessment": assessment}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_assessment(request.user, assessment.pk, **form.service_fields())
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Draf asesmen disimpan."))
                return redirect("assessments:detail", pk=assessment.pk)
        return render(request, "assessments/assessment_form.html", context, status=400)
    audit.record(request.user, Action.VIEW, assessment)
    return render(request, "assessments/assessment_form.html", context)


@login_required
def assessment_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    case = assessment.case
    if not can_work_on(request.user, case):
        raise PermissionDenied
    form = SubmitForm(request.POST or None)
    context = {"case": case, "assessment": assessment, "form": form, "can_submit": _can_submit(assessment, case)}
    if request.method == "POST":
        if form.is_valid():
            try:
                services.submit_assessment(request.user, assessment.pk, form.cleaned_data["comment"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Asesmen diajukan untuk persetujuan supervisor."))
                return redirect("cases:detail", pk=case.pk)
        return render(request, "assessments/assessment_submit.html", context, status=400)
    audit.record(request.user, Action.VIEW, assessment)
    return render(request, "assessments/assessment_submit.html", context)


# --- best interests --------------------------------------------------------------------------


@login_required
def bia(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    can_write = can_work_on(request.user, case) and case.is_open
    form = BIAForm(request.POST or None, initial={"assessed_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if not can_work_on(request.user, case):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_bia(request.user, case.pk, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Asesmen kepentingan terbaik (BIA) dicatat."))
                return redirect("assessments:bia", case_pk=case.pk)
        status = 400
    records = list(
        BestInterestsAssessment.objects.visible_to(request.user).filter(case=case).select_related("recorded_by")
    )
    audit.record_many(request.user, Action.LIST, records)
    context = {"case": case, "form": form, "records": records, "can_write": can_write}
    return render(request, "assessments/bia.html", context, status=status)


@login_required
def bid(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    can_write = can_work_on(request.user, case) and case.is_open
    form = BIDForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if not can_work_on(request.user, case):
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.record_bid(
                    request.user,
                    case.pk,
                    panel=form.panel(),
                    options=form.options(),
                    child_views=d["child_views"],
                    decision=d["decision"],
                    reasons=d["reasons"],
                    decided_on=d["decided_on"],
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Penentuan kepentingan terbaik (BID) dicatat."))
                return redirect("assessments:bid", case_pk=case.pk)
        status = 400
    records = list(
        BestInterestsDetermination.objects.visible_to(request.user).filter(case=case).select_related("recorded_by")
    )
    audit.record_many(request.user, Action.LIST, records)
    context = {
        "case": case,
        "form": form,
        "records": records,
        "can_write": can_write,
        "family_return_blocked": services.family_return_allowed(case),
    }
    return render(request, "assessments/bid.html", context, status=status)


# --- identification --------------------------------------------------------------------------


@login_required
def identification(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    current = Identification.objects.visible_to(request.user).filter(case=case, superseded_at__isnull=True).first()
    can_write = can_work_on(request.user, case) and case.status in services.IDENTIFICATION_STAGES
    initial: dict[str, Any] = IdentificationForm.initial_from(current) if current else {}
    initial["decided_on"] = timezone.localdate()
    form = IdentificationForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_work_on(request.user, case):
            raise PermissionDenied
        if form.is_valid():
            d = dict(form.cleaned_data)
            d["forms"] = d.pop("exploitation_forms")
            try:
                services.record_identification(request.user, case.pk, **d)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Keputusan identifikasi dicatat."))
                return redirect("assessments:identification", case_pk=case.pk)
        status = 400
    if current is not None:
        audit.record(request.user, Action.VIEW, current)
    history_count = Identification.objects.visible_to(request.user).filter(case=case).count()
    context = {
        "case": case,
        "current": current,
        "form": form,
        "can_write": can_write,
        "history_count": history_count,
        "stage_ok": case.status in services.IDENTIFICATION_STAGES,
    }
    return render(request, "assessments/identification.html", context, status=status)


@login_required
@require_safe
def identification_history(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = _case(request, case_pk)
    decisions = list(
        Identification.objects.visible_to(request.user)
        .filter(case=case)
        .select_related("recorded_by")
        .order_by("-version")
    )
    audit.record_many(request.user, Action.LIST, decisions)
    return render(request, "assessments/identification_history.html", {"case": case, "decisions": decisions})


# --- the case-page section -------------------------------------------------------------------


def section_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The latest assessment, the BIA/BID records and the identification decision of the case
    (the case page has already checked access); every record shown is audited."""
    user = request.user
    latest = Assessment.objects.visible_to(user).filter(case=case).order_by("-created_at", "-pk").first()
    bias = list(BestInterestsAssessment.objects.visible_to(user).filter(case=case)[:5])
    bids = list(BestInterestsDetermination.objects.visible_to(user).filter(case=case)[:5])
    identifications = Identification.objects.visible_to(user).filter(case=case)
    current = identifications.filter(superseded_at__isnull=True).first()
    shown: list[Any] = [*bias, *bids]
    if latest is not None:
        audit.record(user, Action.VIEW, latest)
    if current is not None:
        audit.record(user, Action.VIEW, current)
    audit.record_many(user, Action.LIST, shown)
    can_write = can_work_on(user, case) and case.is_open
    return {
        "latest": latest,
        "bias": bias,
        "bids": bids,
        "identification": current,
        "identification_count": identifications.count(),
        "can_write": can_write,
        "can_create": can_write and (latest is None or latest.status not in ("draft", "submitted")),
        "can_submit": can_write and latest is not None and _can_submit(latest, case),
        "can_identify": can_write and case.status in services.IDENTIFICATION_STAGES,
        "family_return_blocked": services.family_return_allowed(case),
    }
