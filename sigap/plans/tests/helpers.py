from __future__ import annotations

from typing import Any

from sigap.cases.models import Case, CaseShare
from sigap.cases.services import NewChild, open_case
from sigap.intake.services import triage_report
from sigap.plans import services
from sigap.plans.models import CasePlan
from sigap.testing import make_report


def make_case(world: Any, *, worker: Any = None, stage: str | None = "case_plan", **report: Any) -> Case:
    """A case opened through the real services (report → triage → case), then put straight into
    ``stage`` so these tests do not depend on the assessment app's gates."""
    worker = worker or world.worker_sby
    r = make_report(**report)
    triage_report(worker, r.pk, "high", "Anak bekerja pada malam hari tanpa pengawasan orang dewasa.")
    case = open_case(worker, r.pk, new_child=NewChild(name="Budi Santoso", approx_age=13, sex="M"))
    if stage:
        Case.objects.filter(pk=case.pk).update(status=stage)
        case.refresh_from_db()
    return case


def share(case: Case, organisation: Any) -> CaseShare:
    """What an accepted referral leaves behind: the provider organisation sees the case."""
    return CaseShare.objects.create(case=case, organisation=organisation, reason="referral")


def ready_plan(world: Any, case: Case, *, service_type: str = "case_management") -> CasePlan:
    """A draft plan with one goal and one service by the case's own organisation."""
    plan = services.create_plan(world.worker_sby, case.pk, "Anak kembali aman dan bersekolah.", "Kunjungan rumah.")
    services.add_goal(world.worker_sby, plan.pk, "Anak kembali bersekolah dalam tiga bulan.")
    services.add_service(world.worker_sby, case.pk, service_type, case.organisation_id, plan_id=plan.pk)
    return plan
