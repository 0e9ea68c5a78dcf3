"""The request that is being served, so that services can audit without being handed it."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestInfo:
    ip: str | None
    path: str


current: ContextVar[RequestInfo | None] = ContextVar("sigap_request", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, trusting X-Forwarded-For only from the configured number of proxies."""
    proxies = settings.SIGAP_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR") or None
