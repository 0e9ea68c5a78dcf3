"""Helpers for other apps' tests."""

from __future__ import annotations

from collections.abc import Iterable

from .loader import load_regions


def load_test_regions(provinces: Iterable[str] = ("31", "32", "35")) -> None:
    """Load the real regions of a few provinces (default DKI Jakarta, Jawa Barat, Jawa Timur).

    Call it inside a test that uses the database (``@pytest.mark.django_db``); nothing is cached
    between tests, the rows live in the test's transaction.
    """
    load_regions(provinces=tuple(provinces))
