"""Sections of the case page contributed by other apps (assessment, plan, referrals, legal,
documents), registered in their ``AppConfig.ready``. A section's context function receives the
request and the case (already access-checked and audited) and returns the template context, or
``None`` to hide the section for this person."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from .models import Case


@dataclass(frozen=True)
class Section:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest, Case], dict[str, Any] | None]


_sections: dict[str, Section] = {}


def register(section: Section) -> None:
    _sections[section.key] = section


def render_list(request: HttpRequest, case: Case) -> list[tuple[Section, dict[str, Any]]]:
    out = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        ctx = section.context(request, case)
        if ctx is not None:
            out.append((section, ctx))
    return out
