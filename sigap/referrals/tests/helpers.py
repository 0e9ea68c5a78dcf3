"""Small builders for the referrals tests: a case, a basis, a note, a family member."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from sigap.cases.models import Case, Note
from sigap.cases.services import NewChild, open_case
from sigap.identity.models import FamilyMember
from sigap.intake.services import triage_report
from sigap.referrals import services
from sigap.referrals.models import Basis, Consent, HandOff, HandOffKind, Law, Purpose
from sigap.testing import make_report

CHILD_NAME = "Budi Santoso"
REPORT_TEXT = "Anak terlihat mengamen di perempatan setiap malam hingga larut."


def make_case(world: SimpleNamespace, worker: Any = None, region: str | None = None, risk: str = "high") -> Case:
    worker = worker or world.worker_sby
    report = make_report(region=region, description=REPORT_TEXT) if region else make_report(description=REPORT_TEXT)
    triage_report(worker, report.pk, risk, "Anak bekerja di malam hari tanpa pengawasan.")
    return open_case(worker, report.pk, new_child=NewChild(name=CHILD_NAME, nickname="Budi", approx_age=12, sex="M"))


def legal_basis(
    world: SimpleNamespace, case: Case, purpose: str = Purpose.REFERRAL_SERVICES, actor: Any = None
) -> Consent:
    return services.record_consent(
        actor or world.worker_sby,
        case.pk,
        purpose=purpose,
        basis=Basis.LEGAL_OBLIGATION,
        law=Law.UU_35_2014,
        given_by_child=True,
        scope="Data dasar anak dan kebutuhan layanan kepada penyedia layanan rujukan.",
    )


def parent(
    case: Case, *, suspected: bool = False, relationship: str = "mother", name: str = "Siti Aminah"
) -> FamilyMember:
    return FamilyMember.objects.create(
        child=case.child,
        name=name,
        relationship=relationship,
        is_caregiver=True,
        suspected_involvement=suspected,
        suspicion_note="Diduga mengatur pekerjaan anak." if suspected else "",
    )


def note(world: SimpleNamespace, case: Case, text: str, *, shareable: bool = False, confidential: bool = False) -> Note:
    return Note.objects.create(
        case=case,
        text=text,
        shareable=shareable,
        confidential=confidential,
        author=world.worker_sby,
        organisation=world.uptd_sby,
    )


def refer(
    world: SimpleNamespace, case: Case, *, to: Any = None, notes: tuple[Note, ...] = (), **kwargs: Any
) -> HandOff:
    """A referral for social rehabilitation from Surabaya's UPTD PPA to the social office."""
    kwargs.setdefault("service_type", "social_rehabilitation")
    return services.create_handoff(
        kwargs.pop("actor", world.worker_sby),
        case.pk,
        HandOffKind.REFERRAL,
        (to or world.dinsos_sby).pk,
        shared_note_ids=[n.pk for n in notes],
        **kwargs,
    )
