from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from sigap.paging import CappedPaginator
from sigap.people.typing import AuthenticatedRequest

from .models import Notification


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    qs = Notification.objects.filter(recipient=request.user)
    unread_only = request.GET.get("belum") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = CappedPaginator(qs.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(request, "inbox/inbox.html", {"page": page, "unread_only": unread_only})


@login_required
@require_POST
def open_notification(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Mark one notification read and follow its link (only a link inside Sigap)."""
    n = Notification.objects.filter(recipient=request.user, pk=pk).first()
    if n is None:
        return redirect("inbox:list")
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
    if n.url and url_has_allowed_host_and_scheme(n.url, allowed_hosts=None):
        return redirect(n.url)
    return redirect("inbox:list")


@login_required
@require_POST
def mark_all_read(request: AuthenticatedRequest) -> HttpResponse:
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect("inbox:list")
