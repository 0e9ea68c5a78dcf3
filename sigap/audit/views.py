from __future__ import annotations

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from sigap.people.roles import AUDIT_READER_ROLES, Role
from sigap.people.typing import AuthenticatedRequest

from .models import Action, AuditEvent


def audit_visible_to(user: object) -> QuerySet[AuditEvent]:
    """Supervisors read the entries about their organisation's records or made by its people;
    system admins read everything; nobody else reads the audit log."""
    if not getattr(user, "is_authenticated", False) or user.role not in AUDIT_READER_ROLES:  # type: ignore[attr-defined]
        return AuditEvent.objects.none()
    if user.role == Role.SYSTEM_ADMIN:  # type: ignore[attr-defined]
        return AuditEvent.objects.all()
    org_id = user.organisation_id  # type: ignore[attr-defined]
    if org_id is None:
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(Q(organisation_id=org_id) | Q(actor_organisation_id=org_id))


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.CharFilter(field_name="actor_username", lookup_expr="iexact", label=_("Pengguna"))
    action = django_filters.ChoiceFilter(choices=Action.choices, label=_("Tindakan"), empty_label=_("Semua"))
    object_type = django_filters.ChoiceFilter(
        choices=[("report", _("Laporan")), ("case", _("Kasus")), ("child", _("Anak"))],
        label=_("Jenis data"),
        empty_label=_("Semua"),
    )
    object_label = django_filters.CharFilter(lookup_expr="icontains", label=_("Kode / nomor"))
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label=_("Sejak"), widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label=_("Sampai"), widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []


@login_required
def audit_list(request: AuthenticatedRequest) -> HttpResponse:
    if request.user.role not in AUDIT_READER_ROLES:
        raise PermissionDenied
    filterset = AuditFilter(request.GET or None, queryset=audit_visible_to(request.user))
    page = Paginator(filterset.qs.order_by("-at", "-id"), 100).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"filter": filterset, "page": page})
