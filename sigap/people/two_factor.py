"""TOTP two-factor: enrolment and verification, built on django-otp."""

from __future__ import annotations

import base64

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The device being enrolled; created (with a new secret) on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Sigap", confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


def enrol_with_secret(user: User, secret_hex: str) -> TOTPDevice:
    """Enrol ``user`` with a known secret (demo data only)."""
    TOTPDevice.objects.filter(user=user).delete()
    return TOTPDevice.objects.create(user=user, name="Sigap", key=secret_hex, confirmed=True)
