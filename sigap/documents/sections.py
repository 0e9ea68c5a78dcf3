"""The documents section of the case page (key "documents", order 60)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case

from . import services
from .models import Document

TEMPLATE = "documents/_section.html"


def context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    user: Any = request.user
    if not getattr(user, "is_authenticated", False):
        return None
    documents = list(Document.objects.visible_to(user).filter(case=case).select_related("uploaded_by", "case"))
    audit.record_many(user, Action.LIST, documents)
    return {
        "documents": [(d, services.can_delete(user, d)) for d in documents],
        "can_upload": services.can_upload(user, case),
    }
