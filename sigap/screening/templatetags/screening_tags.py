"""The screening part of a report page: the screenings of the report (linked to it or filed as it) that
the person may see, and, for those who screen, links to screen the named child."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from sigap.intake.models import Report

from .. import services
from ..forms import text
from ..models import Screening

register = template.Library()


@register.inclusion_tag("screening/_report_section.html", takes_context=True)
def report_screenings(context: dict[str, Any], report: Report) -> dict[str, Any]:
    user = context["request"].user
    screenings = (
        Screening.objects.visible_to(user)
        .filter(Q(report=report) | Q(filed_report=report))
        .select_related("instrument")
        .order_by("-created_at")[:20]
    )
    can_screen = services.can_screen(user) and report.is_open
    current = services.current_versions() if can_screen else []
    return {
        "report": report,
        "screenings": [(s, text(s.instrument.definition["title"])) for s in screenings],
        "current": [(v.instrument_id, text(v.definition["title"])) for v in current],
    }
