"""Pages that belong to no single app: the home page and the error pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader

from sigap.people.roles import REPORTER_ROLES, Role


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated:
        if user.role in (Role.CASE_WORKER, Role.SUPERVISOR):
            return redirect("intake:queue")
        if user.role in REPORTER_ROLES or user.role == Role.HOTLINE_OPERATOR:
            return redirect("intake:mine")
    return render(request, "home.html")


def _error(template: str, status: int) -> HttpResponse:
    # Rendered without a request context: an error page must not fail on its own.
    return HttpResponse(loader.render_to_string(template), status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error("errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error("errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error("errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error("errors/500.html", 500)
