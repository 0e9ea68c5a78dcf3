"""``manage.py demo_totp <username>``: the current two-factor code of a demo account (demo accounts only)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.demo.generator import is_demo_user
from sigap.people.models import User


def current_code(device: TOTPDevice) -> str:
    """The code ``device.verify_token`` accepts now, computed as django-otp does."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (accounts made by seed_demo only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None or not is_demo_user(user):
            raise CommandError(f"{options['username']!r} is not a demo account made by seed_demo.")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            raise CommandError(f"{user.username} has no two-factor device (only supervisors and admins have one).")
        self.stdout.write(current_code(device))
