from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .services import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the header, computed only when a template uses it."""
    return {"inbox_unread": SimpleLazyObject(lambda: unread_count(request.user))}
