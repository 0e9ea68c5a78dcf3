"""Pages to record the legal process of a case: one page per kind of record, listing what is recorded
and, for the case's own people with the manage-legal permission, a form to add or change a record."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case
from sigap.people.models import User
from sigap.people.roles import Permission
from sigap.people.typing import AuthenticatedRequest

from . import forms, services
from .models import AllegedPerpetrator, LpskRequest, PoliceReferral, PoliceReport, ProsecutionEvent, Restitution


@dataclass(frozen=True)
class RecordKind:
    key: str
    model: type[models.Model]
    form: type[forms.LegalForm]
    save: Callable[..., models.Model]
    title: Promise
    intro: Promise
    template: str  # the list of records, shared with the case-page section
    restricted: bool = False  # alleged perpetrators: only with the read-perpetrators permission


KINDS: dict[str, RecordKind] = {
    k.key: k
    for k in (
        RecordKind(
            "police_reports",
            PoliceReport,
            forms.PoliceReportForm,
            services.save_police_report,
            gettext_lazy("Laporan polisi"),
            gettext_lazy("Laporan polisi (LP) yang dibuat tentang kasus ini dan perkembangannya."),
            "legal/_police_reports.html",
        ),
        RecordKind(
            "lpsk",
            LpskRequest,
            forms.LpskRequestForm,
            services.save_lpsk_request,
            gettext_lazy("Permohonan perlindungan LPSK"),
            gettext_lazy("Permohonan perlindungan kepada Lembaga Perlindungan Saksi dan Korban dan keputusannya."),
            "legal/_lpsk.html",
        ),
        RecordKind(
            "prosecution",
            ProsecutionEvent,
            forms.ProsecutionEventForm,
            services.save_prosecution_event,
            gettext_lazy("Proses peradilan"),
            gettext_lazy("Tahap penyidikan, penuntutan, persidangan, putusan dan upaya hukum."),
            "legal/_prosecution.html",
        ),
        RecordKind(
            "restitution",
            Restitution,
            forms.RestitutionForm,
            services.save_restitution,
            gettext_lazy("Restitusi"),
            gettext_lazy("Restitusi yang diajukan, ditetapkan pengadilan dan dibayarkan (dalam rupiah)."),
            "legal/_restitution.html",
        ),
        RecordKind(
            "perpetrators",
            AllegedPerpetrator,
            forms.AllegedPerpetratorForm,
            services.save_alleged_perpetrator,
            gettext_lazy("Terduga pelaku"),
            gettext_lazy("Data terbatas: hanya untuk yang berwenang. Setiap kali dibaca tercatat di jejak audit."),
            "legal/_perpetrators.html",
            restricted=True,
        ),
    )
}


def visible_case(request: AuthenticatedRequest, case_pk: int) -> Case:
    case = Case.objects.visible_to(request.user).select_related("child", "organisation").filter(pk=case_pk).first()
    if case is None:
        raise Http404
    return case


def can_edit(user: User, case: Case, kind: RecordKind) -> bool:
    if kind.restricted:
        return services.can_manage_perpetrators(user, case)
    return services.can_manage_legal(user, case, after_closure=True)


def _show_errors(form: Any, exc: ValidationError | PermissionDenied) -> None:
    """Put a service's message on the form: on the field it names when the form has that field."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    messages_ = getattr(exc, "messages", None) or [str(exc) or _("Anda tidak berwenang melakukan ini.")]
    form.add_error(None, " ".join(messages_))


def _section_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk]) + "#section-legal"


def _save_data(kind: RecordKind, form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = {name: form.cleaned_data.get(name) for name in form.Meta.fields}
    extra = {"suspicion_note": form.cleaned_data.get("suspicion_note") or ""} if kind.restricted else {}
    return data, extra


@login_required
def record_page(request: AuthenticatedRequest, case_pk: int, kind: str, pk: int | None = None) -> HttpResponse:
    record_kind = KINDS[kind]
    case = visible_case(request, case_pk)
    if record_kind.restricted and not request.user.can(Permission.READ_PERPETRATORS):
        raise PermissionDenied
    records = list(record_kind.model.objects.visible_to(request.user).filter(case=case))  # type: ignore[attr-defined]
    instance = None
    if pk is not None:
        instance = next((r for r in records if r.pk == pk), None)
        if instance is None:
            raise Http404
    editable = can_edit(request.user, case, record_kind)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    audit.record_many(request.user, Action.LIST, records)
    if instance is not None:
        audit.record(request.user, Action.VIEW, instance)
    form = None
    status = 200
    if editable:
        form = record_kind.form(request.POST or None, instance=instance, case=case, user=request.user)
        if request.method == "POST":
            if form.is_valid():
                data, extra = _save_data(record_kind, form)
                try:
                    record_kind.save(request.user, case.pk, data, pk, **extra)
                except (ValidationError, PermissionDenied) as exc:
                    _show_errors(form, exc)
                else:
                    messages.success(request, _("%(what)s tersimpan.") % {"what": record_kind.title})
                    return redirect(_section_url(case))
            status = 400
    context = {
        "case": case,
        "kind": record_kind,
        "title": record_kind.title,
        "intro": record_kind.intro,
        "records": records,
        "instance": instance,
        "form": form,
        "can_edit": editable,
    }
    return render(request, "legal/record_page.html", context, status=status)


@login_required
def police_referral(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    """The 3 × 24 hours clock: start it, and record when the victim's report reached the police."""
    case = visible_case(request, case_pk)
    editable = services.can_manage_legal(request.user, case)
    if request.method == "POST" and not editable:
        raise PermissionDenied
    referrals = list(PoliceReferral.objects.visible_to(request.user).filter(case=case).select_related("referred_by"))  # type: ignore[attr-defined]
    audit.record_many(request.user, Action.LIST, referrals)
    action = request.POST.get("action", "")
    clock_form = forms.PoliceClockForm(request.POST if action == "start" else None, prefix="clock")
    referral_form = forms.PoliceReferralForm(request.POST if action == "refer" else None, prefix="refer")
    status = 200
    if request.method == "POST":
        status = 400
        if action == "start" and clock_form.is_valid():
            try:
                services.start_police_clock(
                    request.user, case.pk, clock_form.cleaned_data.get("victim_reported_at") or None
                )
            except (ValidationError, PermissionDenied) as exc:
                _show_errors(clock_form, exc)
            else:
                messages.success(request, _("Jam 3 × 24 jam dimulai."))
                return redirect(_section_url(case))
        elif action == "refer" and referral_form.is_valid():
            d = referral_form.cleaned_data
            try:
                referral = services.record_police_referral(
                    request.user,
                    case.pk,
                    d["referred_at"],
                    d.get("to_unit") or "",
                    organisation=d.get("to_organisation"),
                    victim_reported_at=d.get("victim_reported_at") or None,
                    notes=d.get("notes") or "",
                )
            except (ValidationError, PermissionDenied) as exc:
                _show_errors(referral_form, exc)
            else:
                if referral.within_deadline:
                    messages.success(request, _("Penerusan ke kepolisian tercatat: tepat waktu (3 × 24 jam)."))
                else:
                    messages.warning(request, _("Penerusan ke kepolisian tercatat: melewati batas 3 × 24 jam."))
                return redirect(_section_url(case))
        elif action not in ("start", "refer"):
            referral_form.add_error(None, _("Pilih tindakan."))
    context = {
        "case": case,
        "clock": police_clock_state(request.user, case),
        "referrals": referrals,
        "clock_form": clock_form,
        "referral_form": referral_form,
        "can_edit": editable,
        "first_report_at": services.first_report_received_at(case),
    }
    return render(request, "legal/police_referral.html", context, status=status)


def police_clock_state(user: User, case: Case) -> Mapping[str, Any]:
    """What the case page says about the 3 × 24 hours clock."""
    task = services.latest_police_clock(case)
    referral = (
        PoliceReferral.objects.visible_to(user)  # type: ignore[attr-defined]
        .filter(case=case)
        .order_by("-referred_at", "-id")
        .first()
    )
    now = timezone.now()
    return {
        "task": task,
        "running": task is not None and task.status == "open",
        "overdue": task is not None and task.is_overdue(now),
        "due_at": task.due_at if task is not None else (referral.due_at if referral else None),
        "referral": referral,
    }
