"""A fixed-window limit on public submissions per client, kept in the shared cache."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from sigap.audit.context import client_ip

WINDOW_SECONDS = 3600


def _key(scope: str, request: HttpRequest) -> str:
    ip = client_ip(request) or "unknown"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    window = int(time.time()) // WINDOW_SECONDS
    return f"rl:{scope}:{digest}:{window}"


def allow(scope: str, request: HttpRequest, limit: int | None = None) -> bool:
    """Count one attempt for this client; False once it has used up ``limit`` in this hour."""
    limit = settings.SIGAP_REPORT_RATE_LIMIT if limit is None else limit
    if limit <= 0:
        return True
    key = _key(scope, request)
    if cache.add(key, 1, WINDOW_SECONDS):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)
        return True
    return count <= limit


def allow_new_report(request: HttpRequest, key: str) -> bool:
    """Count a public submission against its client's limit; a retry of an accepted one is free."""
    if settings.SIGAP_REPORT_RATE_LIMIT <= 0:
        return True
    from .models import Report

    if Report.objects.filter(idempotency_key=key.strip()[:64]).exists():
        return True
    return allow("report", request)
