from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login

from . import two_factor
from .forms import TokenForm


class LoginView(auth_views.LoginView):
    template_name = "people/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Verify a TOTP code, or enrol a device first if the person has none."""
    user = request.user
    device = two_factor.confirmed_device(user)  # type: ignore[arg-type]
    if device is not None and user.is_verified():  # type: ignore[union-attr]
        return render(request, "people/two_factor.html", {"active": True})
    enrolling = device is None
    if device is None:
        device = two_factor.pending_device(user)  # type: ignore[arg-type]
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed, _info = device.verify_is_allowed()
        if not allowed:
            form.add_error(
                "token", _("Terlalu banyak kode salah. Tunggu sebentar lalu coba lagi dengan kode yang baru.")
            )
        elif device.verify_token(form.cleaned_data["token"]):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, _("Verifikasi dua langkah telah diaktifkan."))
            otp_login(request, device)
            return redirect(_safe_next(request))
        else:
            form.add_error("token", _("Kode salah atau sudah kedaluwarsa. Coba kode yang baru."))
    context = {"form": form, "enrolling": enrolling, "next": _safe_next(request)}
    if enrolling:
        context.update(secret=two_factor.secret_base32(device), qr=two_factor.qr_svg(device))
    return render(request, "people/two_factor.html", context)
