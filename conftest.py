"""Fixtures shared by every app's tests: regions, organisations, one person per role."""

from __future__ import annotations

import os

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls there
# unless told it is safe (the browser tests call the ORM only before and after driving the page).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from sigap.testing import *


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """Load the test provinces' regions once; each test's transaction rolls back to this state."""
    from sigap.regions.testing import load_test_regions

    with django_db_blocker.unblock():
        load_test_regions()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Argon2 is slow on purpose; tests that check hashing set it back."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_reference_data(settings):  # type: ignore[no-untyped-def]
    """Tests change rules and organisations with queryset updates too: never serve a cached table."""
    settings.SIGAP_REFERENCE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def default_language():  # type: ignore[no-untyped-def]
    """Each test starts in the default language (Bahasa Indonesia): a request in English leaves its
    language active in the test thread, which must not decide another test's messages."""
    from django.utils import translation

    translation.activate("id")
    yield
    translation.deactivate()
