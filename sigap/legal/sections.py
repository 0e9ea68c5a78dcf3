"""The legal section of the case page (key "legal", order 50)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases.models import Case
from sigap.people.roles import Permission

from . import services
from .models import AllegedPerpetrator, LpskRequest, PoliceReferral, PoliceReport, ProsecutionEvent, Restitution
from .reference import stages
from .views import police_clock_state

TEMPLATE = "legal/_section.html"


def context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    user: Any = request.user
    if not getattr(user, "is_authenticated", False):
        return None

    def of(model: Any) -> list[Any]:
        return list(model.objects.visible_to(user).filter(case=case))

    referrals = of(PoliceReferral)
    police_reports = of(PoliceReport)
    lpsk = of(LpskRequest)
    order = {code: i for i, code in enumerate(stages())}
    prosecution = sorted(of(ProsecutionEvent), key=lambda e: (e.occurred_on, order.get(e.stage, 99), e.pk))
    restitutions = of(Restitution)
    shown: list[Any] = [*referrals, *police_reports, *lpsk, *prosecution, *restitutions]
    out: dict[str, Any] = {
        "clock": police_clock_state(user, case),
        "referrals": referrals,
        "police_reports": police_reports,
        "lpsk": lpsk,
        "prosecution": prosecution,
        "restitutions": restitutions,
        "can_edit": services.can_manage_legal(user, case, after_closure=True),
        "can_edit_clock": services.can_manage_legal(user, case),
    }
    # The restricted field group: absent from the context (not even a count) without the permission.
    if user.can(Permission.READ_PERPETRATORS):
        perpetrators = list(
            AllegedPerpetrator.objects.visible_to(user).filter(case=case).select_related("family_member")
        )
        shown.extend(perpetrators)
        out["perpetrators"] = perpetrators
        out["can_edit_perpetrators"] = services.can_manage_perpetrators(user, case)
    audit.record_many(user, Action.LIST, shown)
    return out
