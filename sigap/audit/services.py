"""Writing to the audit log. Every read or write of a child's record or a report with personal
data goes through :func:`record` (or :func:`record_many` for list pages)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from .context import current
from .models import AuditEvent


def _label(obj: models.Model) -> str:
    label = getattr(obj, "audit_label", None)
    return str(label() if callable(label) else label or "")[:100]


def _event(actor: Any, action: str, obj: models.Model, changes: dict[str, Any] | None) -> AuditEvent:
    info = current.get()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    owner = getattr(obj, "audit_organisation_id", None)
    return AuditEvent(
        actor_id=actor.pk if authenticated else None,
        actor_username=actor.get_username() if authenticated else "",
        actor_organisation_id=getattr(actor, "organisation_id", None) if authenticated else None,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=str(obj.pk),
        object_label=_label(obj),
        organisation_id=owner() if callable(owner) else owner,
        changes=changes or {},
        ip=info.ip if info else None,
        path=info.path if info else "",
    )


def record(actor: Any, action: str, obj: models.Model, changes: dict[str, Any] | None = None) -> AuditEvent:
    event = _event(actor, action, obj, changes)
    event.save()
    return event


def record_many(actor: Any, action: str, objects: Iterable[models.Model]) -> None:
    """One entry per record shown, e.g. each row of a list page that carries personal data."""
    AuditEvent.objects.bulk_create([_event(actor, action, obj, None) for obj in objects])


def history(*objects: models.Model) -> models.QuerySet[AuditEvent]:
    """Every write recorded against any of ``objects``, oldest first."""
    q = models.Q(pk__in=[])
    for obj in objects:
        q |= models.Q(object_type=obj._meta.model_name, object_id=str(obj.pk))
    return AuditEvent.objects.filter(q).exclude(action__in=["view", "list"]).order_by("at", "id")
