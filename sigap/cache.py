"""Small per-process caches for reference data read on every request (routing table, clocks)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")


class Reloading(Generic[T]):
    """A value loaded from the database, reloaded when one of ``models`` is saved or deleted in this
    process and at least every ``settings.SIGAP_REFERENCE_CACHE_SECONDS`` (so other processes see an
    administrator's change within seconds). Queryset ``update()``/``delete()`` send no signals: code
    that changes these models that way must call :meth:`invalidate`."""

    def __init__(self, load: Callable[[], T], *watched: type[models.Model]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded_at = 0.0
        for model in watched:
            uid = f"reloading-{id(self)}-{model._meta.label}"
            post_save.connect(self.invalidate, sender=model, dispatch_uid=f"{uid}-save", weak=False)
            post_delete.connect(self.invalidate, sender=model, dispatch_uid=f"{uid}-delete", weak=False)

    def get(self) -> T:
        ttl = settings.SIGAP_REFERENCE_CACHE_SECONDS
        with self._lock:
            if self._value is None or time.monotonic() - self._loaded_at >= ttl:
                self._value, self._loaded_at = self._load(), time.monotonic()
            return self._value

    def invalidate(self, **kwargs: Any) -> None:
        with self._lock:
            self._value = None
