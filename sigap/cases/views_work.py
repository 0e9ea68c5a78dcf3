"""Pages that move a case through its workflow: stage steps, approvals, closure and reopening,
first contact, risk review, follow-ups, notes and family members. Each parses a form, calls one
service and redirects back to the case page; a refused step shows its reason on the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.identity.models import FamilyMember
from sigap.people.typing import AuthenticatedRequest
from sigap.text import refusal

from . import services, workflow
from .forms import ClosureForm, DecisionForm, FamilyMemberForm, FollowUpForm, NoteForm, ReopenForm, RiskForm
from .models import Approval, Case, CaseStatus, FollowUp


def _case(request: AuthenticatedRequest, pk: int) -> Case:
    case = Case.objects.visible_to(request.user).select_related("child", "organisation").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def _form_page(
    request: AuthenticatedRequest,
    case: Case,
    form: BaseForm,
    title: str,
    submit: str,
    action: Callable[[dict[str, Any]], Any],
    done: str,
    *,
    form_id: str,
    intro: str = "",
) -> HttpResponse:
    """GET shows the form; POST validates, calls ``action`` and returns to the case page, or shows
    the form again with the reason (status 400) keeping what was typed."""
    if not workflow.can_work_on(request.user, case) and form_id not in ("note-form", "decision-form"):
        raise PermissionDenied
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                action(form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, done)
                return redirect("cases:detail", pk=case.pk)
        status = 400
    context = {"case": case, "form": form, "title": title, "submit": submit, "form_id": form_id, "intro": intro}
    return render(request, "cases/work_form.html", context, status=status)


@login_required
@require_POST
def move(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    stage = request.POST.get("stage", "")
    try:
        workflow.move_to(request.user, case.pk, stage, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        label = CaseStatus(stage).label
        messages.success(request, _("Kasus masuk tahap %(stage)s.") % {"stage": str(label).lower()})
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def first_contact(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    try:
        workflow.record_first_contact(request.user, case.pk)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Kontak pertama dengan anak dicatat."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def decide(request: AuthenticatedRequest, approval_pk: int) -> HttpResponse:
    approval = Approval.objects.filter(pk=approval_pk).first()
    if approval is None:
        raise Http404
    case = _case(request, approval.case_id)
    if not workflow.can_approve(request.user, case, approval.requested_by_id):
        raise PermissionDenied
    form = DecisionForm(request.POST or None)
    approve = request.POST.get("decision") == "approve"
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                workflow.decide_approval(
                    request.user, approval.pk, approve=approve, comment=form.cleaned_data["comment"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Persetujuan diberikan.") if approve else _("Permintaan ditolak."))
                return redirect("cases:detail", pk=case.pk)
        status = 400
    return render(request, "cases/decide.html", {"case": case, "approval": approval, "form": form}, status=status)


@login_required
def propose_closure(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ClosureForm(request.POST or None)

    def act(d: dict[str, Any]) -> Any:
        return workflow.request_approval(
            request.user,
            case.pk,
            "closure",
            comment=d["comment"],
            payload={"reason": d["reason"], "note": d["note"]},
        )

    return _form_page(
        request,
        case,
        form,
        _("Usulkan penutupan kasus"),
        _("Ajukan penutupan"),
        act,
        _("Usul penutupan diajukan kepada supervisor."),
        form_id="closure-form",
        intro=_(
            "Penutupan kasus memerlukan persetujuan supervisor. Saat disetujui, tugas yang masih terbuka "
            "dibatalkan, kecuali pemantauan hasil awal, 6 dan 12 bulan."
        ),
    )


@login_required
def reopen(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = ReopenForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        _("Buka kembali kasus"),
        _("Buka kembali"),
        lambda d: workflow.reopen(request.user, case.pk, d["reason"]),
        _("Kasus dibuka kembali dan kembali ke tahap asesmen."),
        form_id="reopen-form",
    )


@login_required
def review_risk(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = RiskForm(request.POST or None, initial={"risk_level": case.risk_level})
    return _form_page(
        request,
        case,
        form,
        _("Tinjau tingkat risiko"),
        _("Simpan"),
        lambda d: workflow.review_risk(request.user, case.pk, d["risk_level"], d["reason"]),
        _("Tingkat risiko diperbarui."),
        form_id="risk-form",
    )


@login_required
def add_note(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = NoteForm(request.POST or None)
    return _form_page(
        request,
        case,
        form,
        _("Tambah catatan"),
        _("Simpan catatan"),
        lambda d: services.add_note(
            request.user, case.pk, d["text"], confidential=d["confidential"], shareable=d["shareable"]
        ),
        _("Catatan disimpan."),
        form_id="note-form",
    )


@login_required
def family_member(request: AuthenticatedRequest, pk: int, member_pk: int | None = None) -> HttpResponse:
    case = _case(request, pk)
    member = None
    if member_pk is not None:
        member = FamilyMember.objects.visible_to(request.user).filter(pk=member_pk, child_id=case.child_id).first()
        if member is None:
            raise Http404
        audit.record(request.user, Action.VIEW, member)
    form = FamilyMemberForm(request.POST or None, instance=member)

    def act(d: dict[str, Any]) -> Any:
        if member is None:
            return services.add_family_member(request.user, case.pk, **d)
        return services.update_family_member(request.user, case.pk, member.pk, **d)

    return _form_page(
        request,
        case,
        form,
        _("Anggota keluarga") if member is None else _("Ubah data anggota keluarga"),
        _("Simpan"),
        act,
        _("Data keluarga disimpan."),
        form_id="family-form",
        intro=_(
            "Tandai “diduga terlibat” bila ada dasar dugaan anggota keluarga ini terlibat dalam eksploitasi "
            "anak. Persetujuannya tidak dapat menjadi dasar pemrosesan data, dan anak hanya dapat dikembalikan "
            "ke keluarga setelah penentuan kepentingan terbaik (BID)."
        ),
    )


@login_required
def follow_up(request: AuthenticatedRequest, follow_up_pk: int) -> HttpResponse:
    item = FollowUp.objects.filter(pk=follow_up_pk).first()
    if item is None:
        raise Http404
    case = _case(request, item.case_id)
    form = FollowUpForm(request.POST or None, initial={"done_on": timezone.localdate()})

    def act(d: dict[str, Any]) -> Any:
        scores = (
            {d["mental_health_instrument"]: float(d["mental_health_score"])} if d["mental_health_instrument"] else {}
        )
        return workflow.record_follow_up(
            request.user,
            item.pk,
            done_on=d["done_on"],
            re_exploited=d["re_exploited"],
            re_exploitation_forms=d["re_exploitation_forms"],
            in_school=d["in_school"],
            living_situation=d["living_situation"],
            social_support=d["social_support"],
            legal_contact=d["legal_contact"],
            mental_health_scores=scores,
            notes=d["notes"],
        )

    return _form_page(
        request,
        case,
        form,
        _("Pemantauan %(kind)s") % {"kind": item.get_kind_display().lower()},
        _("Simpan hasil pemantauan"),
        act,
        _("Hasil pemantauan dicatat."),
        form_id="follow-up-form",
    )
