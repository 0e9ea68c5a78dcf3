"""What the browser tests share: Debian's Chromium driven by Playwright, a phone-sized page in
Bahasa Indonesia, waiting for htmx, and signing in through the login form (with two-factor)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from sigap.testing import PASSWORD

CHROMIUM = os.environ.get("SIGAP_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SHOTS = Path(settings.BASE_DIR) / "test-results"
PHONE_WIDTH = 390


@pytest.fixture(name="browser")
def fixture_browser() -> Iterator[Any]:
    """Debian's Chromium, headless. Import ``fixture_browser`` into a test module to use ``browser``."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's chromium is needed for the browser tests ({CHROMIUM} not found): run `make test`.")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def settled(page: Any) -> None:
    """Wait until htmx has swapped and wired up new content (a person is never this quick)."""
    page.wait_for_function("!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.wait_for_timeout(50)


def phone(browser: Any) -> Any:
    """A new page in its own context (its own cookies: one person), 390 px wide, in Indonesian."""
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 844},
        locale="id-ID",
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(15000)
    return context.new_page()


def fits_the_phone(page: Any) -> bool:
    """Nothing on the page is wider than the phone's screen."""
    return bool(page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH)


def sign_in(page: Any, base_url: str, username: str, totp_key: bytes | None = None) -> None:
    """Sign in through the login form; with ``totp_key`` (the key of a confirmed TOTP device) also
    pass two-factor with the code an authenticator app would show now."""
    page.goto(f"{base_url}/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    if totp_key is not None:
        from django_otp.oath import totp

        page.wait_for_url(re.compile(r"/akun/2fa/"))
        page.get_by_label("Kode 6 angka dari aplikasi autentikator").fill(f"{totp(totp_key):06d}")
        page.get_by_role("button", name="Verifikasi").click()
    page.wait_for_url(re.compile(r"/triase/"))
