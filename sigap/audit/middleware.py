from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .context import RequestInfo, client_ip, current


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current.set(RequestInfo(ip=client_ip(request), path=request.get_full_path()[:300]))
        try:
            return self.get_response(request)
        finally:
            current.reset(token)
