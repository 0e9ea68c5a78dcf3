from __future__ import annotations

from datetime import datetime
from typing import Any

from sigap.cases.models import Case, CaseShare
from sigap.cases.services import NewChild, open_case
from sigap.identity.models import FamilyMember
from sigap.intake.services import triage_report
from sigap.testing import make_report


def make_case(world: Any, *, worker: Any = None, risk: str = "high", received_at: datetime | None = None) -> Case:
    """A case opened through the real services: report → triage → case."""
    worker = worker or world.worker_sby
    report = make_report()
    if received_at is not None:
        type(report).objects.filter(pk=report.pk).update(received_at=received_at)
    triage_report(worker, report.pk, risk, "Anak bekerja pada malam hari tanpa pengawasan orang dewasa.")
    return open_case(worker, report.pk, new_child=NewChild(name="Budi Santoso", approx_age=13, sex="M"))


def share(case: Case, organisation: Any, by: Any = None) -> CaseShare:
    """Access for another organisation, as an accepted referral would grant."""
    return CaseShare.objects.create(case=case, organisation=organisation, reason="referral", granted_by=by)


def family_member(case: Case, name: str = "Paman Joko", relationship: str = "relative") -> FamilyMember:
    return FamilyMember.objects.create(child=case.child, name=name, relationship=relationship)
