"""Sending notifications: one row per recipient in the inbox, and an email after the transaction
commits (a rolled-back change sends nothing)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone

from .models import Notification

log = logging.getLogger(__name__)


def notify(recipients: Iterable[Any], kind: str, subject: str, body: str = "", url: str = "") -> list[Notification]:
    """Notify each active recipient once. ``subject`` and ``body`` must not carry a child's
    identity: use the case number and the task."""
    seen: set[int] = set()
    rows = []
    for user in recipients:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, subject=subject[:200], body=body, url=url[:300]))
    created = Notification.objects.bulk_create(rows)
    emails = [(n, n.recipient.email) for n in created if n.recipient.email]
    if emails:
        transaction.on_commit(lambda: _send(emails))
    return created


def _send(items: list[tuple[Notification, str]]) -> None:
    base = getattr(settings, "SIGAP_BASE_URL", "").rstrip("/")
    messages = []
    for n, address in items:
        text = n.body + (f"\n\n{base}{n.url}" if n.url else "")
        messages.append(EmailMessage(f"[Sigap] {n.subject}", text.strip(), None, [address]))
    try:
        sent = get_connection(fail_silently=False).send_messages(messages)
    except Exception:  # the inbox already holds the notice; mail is best effort
        log.exception("sending %d notification emails failed", len(messages))
        return
    if sent:
        Notification.objects.filter(pk__in=[n.pk for n, _ in items]).update(emailed_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
