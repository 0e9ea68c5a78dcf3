"""Upload, download and removal of case documents. Downloads are access-checked through
``Document.objects.visible_to`` (404 otherwise) and every one is audited."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case
from sigap.people.typing import AuthenticatedRequest
from sigap.text import refusal

from . import services
from .forms import DeleteForm, UploadForm
from .models import Document

logger = logging.getLogger(__name__)


def _section_url(case_id: int) -> str:
    return reverse("cases:detail", args=[case_id]) + "#section-documents"


@login_required
def upload(request: AuthenticatedRequest, case_pk: int) -> HttpResponse:
    case = Case.objects.visible_to(request.user).filter(pk=case_pk).first()
    if case is None:
        raise Http404
    if not services.can_upload(request.user, case):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.upload_document(
                    request.user,
                    case.pk,
                    d["file"],
                    doc_type=d["doc_type"],
                    title=d.get("title") or "",
                    confidential=bool(d.get("confidential")),
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error("file" if isinstance(exc, ValidationError) else None, refusal(exc))
            else:
                messages.success(request, _("Dokumen diunggah."))
                return redirect(_section_url(case.pk))
        status = 400
    return render(request, "documents/upload.html", {"case": case, "form": form}, status=status)


@login_required
@require_GET
def download(request: AuthenticatedRequest, pk: int) -> FileResponse:
    document = Document.objects.visible_to(request.user).select_related("case").filter(pk=pk).first()
    if document is None:
        raise Http404
    try:
        handle = open(document.path, "rb")  # noqa: SIM115 — FileResponse closes it
    except OSError:
        logger.error("Document %s has no file at %s", document.pk, document.path)
        raise Http404 from None
    audit.record(request.user, Action.DOWNLOAD, document, {"document": document.pk, "sha256": document.sha256})
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = Document.objects.visible_to(request.user).select_related("case", "uploaded_by").filter(pk=pk).first()
    if document is None:
        raise Http404
    if not services.can_delete(request.user, document):
        raise PermissionDenied
    audit.record(request.user, Action.VIEW, document)
    form = DeleteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.delete_document(request.user, document.pk, form.cleaned_data["reason"])
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, refusal(exc))
            else:
                messages.success(request, _("Dokumen dihapus."))
                return redirect(_section_url(document.case_id))
        status = 400
    return render(
        request, "documents/delete.html", {"document": document, "case": document.case, "form": form}, status=status
    )
