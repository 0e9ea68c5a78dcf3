from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

# Paths a person who still has to pass two-factor may reach.
OPEN_PREFIXES = ("/static/", "/i18n/", "/akun/keluar/", "/akun/2fa/")


class RequireTwoFactorMiddleware:
    """Supervisors and administrators, and anyone who enrolled a device, pass TOTP two-factor first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
            # required for some roles; anyone else who enrolled a device is held to it too
            and (user.role in settings.SIGAP_TWO_FACTOR_REQUIRED_ROLES or user_has_device(user))
        ):
            if request.path.startswith("/api/"):
                return HttpResponse(
                    '{"detail": "Verifikasi dua langkah diperlukan."}', status=403, content_type="application/json"
                )
            return redirect(f"{reverse('people:two_factor')}?next={request.get_full_path()}")
        return self.get_response(request)
