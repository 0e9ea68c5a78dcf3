"""The "same child elsewhere" part of the case page, and the merge requests and decisions behind it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sigap.cases.models import Case
from sigap.text import refusal

from . import services
from .models import ChildMerge, MergeStatus


def case_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    user: Any = request.user
    child = case.child
    records = services.same_child(child)
    ids = [c.pk for c in records] + [child.pk]
    merges = list(
        ChildMerge.objects.filter(Q(survivor__in=ids) | Q(merged__in=ids))
        .select_related("requested_by", "decided_by", "undone_by")
        .order_by("-requested_at")[:20]
    )
    return {
        "elsewhere": services.records_elsewhere(user, child),
        "merges": [(m, services.can_decide(user, m), _can_undo(user, m)) for m in merges],
        "can_request": services.can_request(user),
    }


def _can_undo(user: Any, merge: ChildMerge) -> bool:
    return (
        merge.status == MergeStatus.APPROVED and user.organisation_id == merge.organisation_id and user.can("approve")
    )


def _back(case_id: int) -> HttpResponse:
    return redirect(reverse("cases:detail", args=[case_id]) + "#section-identity")


@login_required
@require_POST
def request_merge(request: HttpRequest, case_id: int) -> HttpResponse:
    user: Any = request.user
    case = Case.objects.visible_to(user).filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied
    number = request.POST.get("other_case", "").strip()
    other = Case.objects.visible_to(user).filter(number=number).first() if number else None
    try:
        if other is None:
            raise ValidationError(
                _("Kasus %(number)s tidak ditemukan di antara kasus yang dapat Anda lihat.") % {"number": number or "-"}
            )
        services.request_merge(user, case.child_id, other.child_id, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Penggabungan diajukan ke supervisor."))
    return _back(case.pk)


@login_required
@require_POST
def decide_merge(request: HttpRequest, case_id: int, merge_id: int) -> HttpResponse:
    user: Any = request.user
    try:
        services.decide_merge(
            user, merge_id, approve=request.POST.get("decision") == "approve", note=request.POST.get("note", "")
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Keputusan dicatat."))
    return _back(case_id)


@login_required
@require_POST
def undo_merge(request: HttpRequest, case_id: int, merge_id: int) -> HttpResponse:
    user: Any = request.user
    try:
        services.undo_merge(user, merge_id, request.POST.get("reason", ""))
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, refusal(exc))
    else:
        messages.success(request, _("Catatan dipisahkan kembali."))
    return _back(case_id)
