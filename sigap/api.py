"""API wiring shared by the apps: errors come back as JSON with a message, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger("sigap.api")


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = drf_exception_handler(exc, context)
    if response is None:
        log.exception("Unhandled API error", exc_info=exc)
        return Response({"detail": "Terjadi kesalahan pada server. Silakan coba lagi."}, status=500)
    return response
