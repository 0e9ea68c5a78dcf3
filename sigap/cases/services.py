"""State changes that make or extend a case from a report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.identity.models import Child, FamilyMember
from sigap.intake.models import Outcome, ReportedChild, Sex
from sigap.intake.services import access_report_for_triage, require_open_and_triaged, set_outcome
from sigap.people.models import User
from sigap.people.roles import CASEWORK_ROLES
from sigap.regions.models import Region

from . import tasks
from .models import Case, CaseReport, Note


@dataclass
class NewChild:
    name: str = ""
    nickname: str = ""
    sex: str = Sex.UNKNOWN
    birth_date: date | None = None
    approx_age: int | None = None
    region: Region | None = None


def access_case(case_id: int, actor: User, *, for_update: bool = False) -> Case:
    qs = Case.objects.visible_to(actor)
    if for_update:
        qs = qs.select_for_update()
    case = qs.filter(pk=case_id).first()
    if case is None:
        raise PermissionDenied(_("Kasus tidak ditemukan dalam cakupan akses Anda."))
    return case


def _create_child(actor: User, data: NewChild, fallback_region: Region | None) -> Child:
    if not (data.name.strip() or data.nickname.strip()):
        raise ValidationError(_("Isi nama atau nama panggilan anak."))
    if data.approx_age is not None and not 0 <= data.approx_age <= 17:
        raise ValidationError(_("Usia anak harus antara 0 dan 17 tahun."))
    if data.birth_date and data.birth_date > timezone.localdate():
        raise ValidationError(_("Tanggal lahir tidak boleh di masa depan."))
    child = Child(
        name=data.name.strip(),
        nickname=data.nickname.strip(),
        sex=data.sex,
        birth_date=data.birth_date,
        birth_year_estimated=(timezone.localdate().year - data.approx_age)
        if data.approx_age is not None and not data.birth_date
        else None,
        region=data.region or fallback_region,
        created_by=actor,
        registered_by_org=actor.organisation,
    )
    child.save()
    audit.record(actor, Action.CREATE, child, {"source": "triage"})
    return child


@transaction.atomic
def open_case(
    actor: User,
    report_id: int,
    *,
    existing_child_id: int | None = None,
    new_child: NewChild | None = None,
    reported_child_id: int | None = None,
) -> Case:
    """Open a case for one child of a triaged report: an existing child the actor can see, or a new
    child record. The report's outcome becomes "case opened"; the case belongs to the report's
    organisation and the actor becomes its worker."""
    report = access_report_for_triage(report_id, actor)
    require_open_and_triaged(report)
    if (existing_child_id is None) == (new_child is None):
        raise ValidationError(_("Pilih anak yang sudah terdaftar atau isi data anak baru."))
    if existing_child_id is not None:
        child = Child.objects.visible_to(actor).filter(pk=existing_child_id).first()
        if child is None:
            raise PermissionDenied(_("Data anak tidak ditemukan dalam cakupan akses Anda."))
    else:
        assert new_child is not None
        child = _create_child(actor, new_child, report.region)
    organisation = report.routed_org or actor.organisation
    if organisation is None:
        raise ValidationError(_("Laporan ini belum memiliki organisasi penanggung jawab."))
    case = Case(
        child=child,
        organisation=organisation,
        worker=actor,
        risk_level=report.risk_level,
        opened_by=actor,
        region=child.region or report.region,
    )
    case.save()
    case.number = f"KS-{case.opened_at:%Y}-{case.pk:06d}"
    case.save(update_fields=["number"])
    CaseReport.objects.create(case=case, report=report, linked_by=actor)
    if reported_child_id is not None:
        ReportedChild.objects.filter(pk=reported_child_id, report=report).update(child=child)
    audit.record(
        actor,
        Action.CREATE,
        case,
        {
            "report": report.tracking_code,
            "child": child.pk,
            "organisation": organisation.pk,
            "risk_level": case.risk_level,
        },
    )
    set_outcome(actor, report, Outcome.CASE_OPENED, note=case.number)
    tasks.schedule(case, "first_contact", start=report.received_at, assignee=actor)
    return case


@transaction.atomic
def attach_to_case(actor: User, report_id: int, case_id: int, note: str = "") -> Case:
    """Attach a triaged report to a case the actor can see (another report about the same child)."""
    report = access_report_for_triage(report_id, actor)
    require_open_and_triaged(report)
    case = access_case(case_id, actor, for_update=True)
    CaseReport.objects.get_or_create(case=case, report=report, defaults={"linked_by": actor})
    audit.record(actor, Action.ATTACH, case, {"report": report.tracking_code})
    set_outcome(actor, report, Outcome.ATTACHED, note=note or str(case.number))
    return case


@transaction.atomic
def add_note(actor: User, case_id: int, text: str, *, confidential: bool = False, shareable: bool = False) -> Note:
    """A case note. Confidential notes stay inside the owning organisation; shareable ones may be
    attached to a hand-off. Organisations the case is shared with may add notes too."""
    from .workflow import can_work_on

    case = access_case(case_id, actor, for_update=True)
    if not (can_work_on(actor, case) or (actor.has_role(*CASEWORK_ROLES) and actor.organisation_id is not None)):
        raise PermissionDenied(_("Anda tidak dapat menambah catatan pada kasus ini."))
    if not text.strip():
        raise ValidationError(_("Catatan tidak boleh kosong."))
    if confidential and shareable:
        raise ValidationError(_("Catatan rahasia tidak dapat dibagikan. Pilih salah satu."))
    note = Note.objects.create(
        case=case,
        text=text.strip(),
        confidential=confidential,
        shareable=shareable,
        author=actor,
        organisation=actor.organisation or case.organisation,
    )
    audit.record(actor, Action.CREATE, note, {"confidential": confidential, "shareable": shareable})
    return note


FAMILY_FIELDS = (
    "name",
    "relationship",
    "is_caregiver",
    "is_legal_guardian",
    "lives_with_child",
    "phone",
    "suspected_involvement",
    "suspicion_note",
)


def _check_family(data: dict[str, Any]) -> None:
    if not str(data.get("name", "")).strip():
        raise ValidationError(_("Isi nama anggota keluarga."))
    if data.get("suspected_involvement") and not str(data.get("suspicion_note", "")).strip():
        raise ValidationError(_("Jelaskan dasar dugaan keterlibatan."))


@transaction.atomic
def add_family_member(actor: User, case_id: int, **data: Any) -> FamilyMember:
    from .workflow import access_case_for_work

    case = access_case_for_work(case_id, actor)
    data = {k: v for k, v in data.items() if k in FAMILY_FIELDS}
    _check_family(data)
    member = FamilyMember.objects.create(child=case.child, created_by=actor, **data)
    audit.record(
        actor,
        Action.CREATE,
        member,
        {"relationship": member.relationship, "suspected_involvement": member.suspected_involvement},
    )
    return member


@transaction.atomic
def update_family_member(actor: User, case_id: int, member_id: int, **data: Any) -> FamilyMember:
    from .workflow import access_case_for_work

    case = access_case_for_work(case_id, actor)
    member = FamilyMember.objects.select_for_update().filter(pk=member_id, child_id=case.child_id).first()
    if member is None:
        raise PermissionDenied(_("Anggota keluarga tidak ditemukan pada kasus ini."))
    data = {k: v for k, v in data.items() if k in FAMILY_FIELDS}
    _check_family({**{f: getattr(member, f) for f in FAMILY_FIELDS}, **data})
    changes = {k: [getattr(member, k), v] for k, v in data.items() if getattr(member, k) != v and k != "phone"}
    for k, v in data.items():
        setattr(member, k, v)
    member.save()
    audit.record(actor, Action.UPDATE, member, changes)
    return member
