"""State changes of the legal process. Every function checks that the actor may work on the case and
holds the manage-legal permission (and, for alleged perpetrators, the read-perpetrators permission),
validates, writes, and records the change in the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases import clocks, tasks
from sigap.cases.models import Case, Task, TaskStatus
from sigap.cases.workflow import access_case_for_work, can_work_on
from sigap.identity.models import FamilyMember
from sigap.people.models import Organisation, User
from sigap.people.roles import Permission

from .models import (
    POLICE_ORG_TYPE,
    AllegedPerpetrator,
    LpskRequest,
    PoliceReferral,
    PoliceReport,
    ProsecutionEvent,
    RelationshipToChild,
    Restitution,
)

CLOCK_KIND = "police_report"
CLOCK_SUBJECT = "police_clock"
# A few minutes of clock difference between the person's device and the server are not "the future".
CLOCK_SKEW = timedelta(minutes=5)

M = TypeVar("M", bound=models.Model)

# The fields a person may set on each record (everything else is set here).
POLICE_REPORT_FIELDS = ("number", "reported_on", "police_unit", "organisation", "status", "notes")
LPSK_FIELDS = ("requested_on", "protection_types", "status", "decided_on", "notes")
PROSECUTION_FIELDS = ("stage", "occurred_on", "reference_number", "notes")
RESTITUTION_FIELDS = (
    "claimed_amount",
    "claimed_on",
    "ordered_amount",
    "ordered_on",
    "paid_amount",
    "paid_on",
    "status",
    "notes",
)
PERPETRATOR_FIELDS = (
    "name",
    "sex",
    "estimated_age",
    "nationality",
    "relationship_to_child",
    "roles",
    "family_member",
    "notes",
)
# Free text whose content stays out of the audit log (the entry says that it changed).
FREE_TEXT = frozenset({"notes"})


# --- who may do what -------------------------------------------------------------------------


def can_manage_legal(actor: Any, case: Case, *, after_closure: bool = False) -> bool:
    """Whether ``actor`` may record the legal track; ``after_closure`` for the records that may
    still arrive once the case is closed (police report, LPSK, court stages, restitution)."""
    return can_work_on(actor, case) and actor.can(Permission.MANAGE_LEGAL) and (case.is_open or after_closure)


def can_manage_perpetrators(actor: Any, case: Case) -> bool:
    return can_manage_legal(actor, case) and actor.can(Permission.READ_PERPETRATORS)


def _case_for_legal(actor: User, case_id: int, *, after_closure: bool = False) -> Case:
    """The case, if ``actor`` may record its legal track. Court stages, LPSK decisions and
    restitution often arrive after the case itself is closed, so those are accepted then too."""
    case = access_case_for_work(case_id, actor, allow_closed=after_closure)
    if not actor.can(Permission.MANAGE_LEGAL):
        raise PermissionDenied(_("Anda tidak memiliki izin mencatat proses hukum."))
    return case


# --- helpers ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _snapshot(obj: models.Model, fields: tuple[str, ...]) -> dict[str, Any]:
    out = {}
    for name in fields:
        attname = getattr(obj._meta.get_field(name), "attname", name)
        out[name] = _plain(getattr(obj, attname))
    return out


def _changes(before: dict[str, Any], after: dict[str, Any], *, values: bool = True) -> dict[str, Any]:
    """``{field: [before, after]}`` for changed fields; free text (and everything when ``values`` is
    false) is named only, so that its content never reaches the audit log."""
    changed = [k for k in after if before.get(k) != after[k]]
    if not values:
        return {"fields": changed} if changed else {}
    out: dict[str, Any] = {k: [before.get(k), after[k]] for k in changed if k not in FREE_TEXT}
    named = [k for k in changed if k in FREE_TEXT]
    if named:
        out["fields_changed"] = named
    return out


def _existing(model: type[M], case: Case, pk: int | None) -> M | None:
    if pk is None:
        return None
    obj = model._default_manager.select_for_update().filter(case=case, pk=pk).first()
    if obj is None:
        raise PermissionDenied(_("Catatan tidak ditemukan pada kasus ini."))
    return obj


def _save(
    actor: User,
    case: Case,
    model: type[M],
    fields: tuple[str, ...],
    data: Mapping[str, Any],
    pk: int | None,
    *,
    audit_values: bool = True,
) -> tuple[M, dict[str, Any]]:
    """Create or update one record of ``case`` from ``data`` (only ``fields``), validate it with the
    model's rules, save it and audit it. Returns the record and its changes."""
    obj = _existing(model, case, pk)
    creating = obj is None
    if obj is None:
        obj = model(case=case, created_by=actor)
    before = {} if creating else _snapshot(obj, fields)
    for name in fields:
        if name in data:
            value = data[name]
            if isinstance(value, str):
                value = value.strip()
            setattr(obj, name, value)
    obj.full_clean(exclude=["case", "created_by"])
    obj.save()
    changes = _changes(before, _snapshot(obj, fields), values=audit_values)
    if creating or changes:
        audit.record(actor, Action.CREATE if creating else Action.UPDATE, obj, changes)
    return obj, changes


def _not_future(when: datetime, message: str) -> None:
    if when > timezone.now() + CLOCK_SKEW:
        raise ValidationError(message)


def _police_org(organisation: Organisation | int | None) -> Organisation | None:
    if organisation is None or organisation == "":
        return None
    pk = organisation.pk if isinstance(organisation, Organisation) else organisation
    org = Organisation.objects.filter(pk=pk, type=POLICE_ORG_TYPE, is_active=True).first()
    if org is None:
        raise ValidationError(_("Pilih Unit PPA kepolisian yang terdaftar."))
    return org


# --- the 3 × 24 hours clock (UU 12/2022 Pasal 41) ----------------------------------------------


def police_clock_subject(case: Case | int) -> tuple[str, int]:
    return (CLOCK_SUBJECT, case.pk if isinstance(case, Case) else case)


def open_police_clock(case: Case) -> Task | None:
    return (
        Task.objects.filter(
            case=case, kind=CLOCK_KIND, subject_type=CLOCK_SUBJECT, subject_id=case.pk, status=TaskStatus.OPEN
        )
        .order_by("-starts_at")
        .first()
    )


def latest_police_clock(case: Case) -> Task | None:
    return (
        Task.objects.filter(case=case, kind=CLOCK_KIND, subject_type=CLOCK_SUBJECT, subject_id=case.pk)
        .exclude(status=TaskStatus.CANCELLED)
        .order_by("-starts_at", "-id")
        .first()
    )


def first_report_received_at(case: Case) -> datetime | None:
    received: datetime | None = case.reports.aggregate(first=Min("received_at"))["first"]
    return received


def police_deadline(victim_reported_at: datetime) -> datetime:
    return clocks.get(CLOCK_KIND).due(victim_reported_at)


@transaction.atomic
def start_police_clock(actor: User, case_id: int, victim_reported_at: datetime | None = None) -> Task:
    """Start the 3 × 24 hours clock from the moment the victim reported to the service (by default
    when the case's first report was received)."""
    case = _case_for_legal(actor, case_id)
    if victim_reported_at is None:
        victim_reported_at = first_report_received_at(case)
        if victim_reported_at is None:
            raise ValidationError(_("Isi waktu korban melapor ke layanan."))
    _not_future(victim_reported_at, _("Waktu korban melapor tidak boleh di masa depan."))
    running = open_police_clock(case)
    if running is not None:
        raise ValidationError(
            _("Jam 3 × 24 jam untuk kasus ini sudah berjalan sejak %(start)s.")
            % {"start": timezone.localtime(running.starts_at).strftime("%d-%m-%Y %H:%M")}
        )
    task = tasks.schedule(case, CLOCK_KIND, start=victim_reported_at, subject=police_clock_subject(case))
    audit.record(
        actor,
        Action.UPDATE,
        case,
        {"police_clock_started": victim_reported_at.isoformat(), "police_clock_due": task.due_at.isoformat()},
    )
    return task


@transaction.atomic
def record_police_referral(
    actor: User,
    case_id: int,
    referred_at: datetime,
    unit: str = "",
    *,
    organisation: Organisation | int | None = None,
    victim_reported_at: datetime | None = None,
    notes: str = "",
) -> PoliceReferral:
    """Record that the victim's report was passed to the police, stop the clock and store whether it
    was within 3 × 24 hours of the victim reporting. Without an explicit ``victim_reported_at`` the
    running clock's start is used, else the case's first report."""
    case = _case_for_legal(actor, case_id)
    running = open_police_clock(case)
    if victim_reported_at is None:
        victim_reported_at = running.starts_at if running else first_report_received_at(case)
        if victim_reported_at is None:
            raise ValidationError(_("Isi waktu korban melapor ke layanan."))
    _not_future(victim_reported_at, _("Waktu korban melapor tidak boleh di masa depan."))
    _not_future(referred_at, _("Waktu penerusan ke kepolisian tidak boleh di masa depan."))
    if referred_at < victim_reported_at:
        raise ValidationError(_("Waktu penerusan ke kepolisian tidak boleh sebelum korban melapor."))
    police_org = _police_org(organisation)
    unit = unit.strip()
    if not unit and police_org is None:
        raise ValidationError(_("Isi kesatuan/unit kepolisian tujuan."))
    due_at = police_deadline(victim_reported_at)
    referral = PoliceReferral.objects.create(
        case=case,
        victim_reported_at=victim_reported_at,
        referred_at=referred_at,
        due_at=due_at,
        within_deadline=referred_at <= due_at,
        to_unit=unit[:200],
        to_organisation=police_org,
        referred_by=actor,
        notes=notes.strip(),
        created_by=actor,
    )
    subject = police_clock_subject(case)
    clock_ids = list(
        Task.objects.filter(
            case=case, kind=CLOCK_KIND, subject_type=subject[0], subject_id=subject[1], status=TaskStatus.OPEN
        ).values_list("pk", flat=True)
    )
    tasks.complete(case, CLOCK_KIND, actor, subject=subject)
    # The clock stopped when the report reached the police, not when it was written down here.
    Task.objects.filter(pk__in=clock_ids).update(done_at=referred_at)
    audit.record(
        actor,
        Action.CREATE,
        referral,
        {
            "victim_reported_at": victim_reported_at.isoformat(),
            "referred_at": referred_at.isoformat(),
            "due_at": due_at.isoformat(),
            "within_deadline": referral.within_deadline,
            "organisation": police_org.pk if police_org else None,
        },
    )
    return referral


# --- records ---------------------------------------------------------------------------------


@transaction.atomic
def save_police_report(
    actor: User, case_id: int, data: Mapping[str, Any], report_id: int | None = None
) -> PoliceReport:
    """Record a police report (LP) of the case, or update one (``report_id``)."""
    case = _case_for_legal(actor, case_id, after_closure=True)
    data = dict(data)
    if "organisation" in data:
        data["organisation"] = _police_org(data["organisation"])
    return _save(actor, case, PoliceReport, POLICE_REPORT_FIELDS, data, report_id)[0]


@transaction.atomic
def save_lpsk_request(actor: User, case_id: int, data: Mapping[str, Any], request_id: int | None = None) -> LpskRequest:
    """Record an application for protection to LPSK, or its decision (``request_id``)."""
    case = _case_for_legal(actor, case_id, after_closure=True)
    data = dict(data)
    if "protection_types" in data:
        data["protection_types"] = list(data["protection_types"] or [])
    return _save(actor, case, LpskRequest, LPSK_FIELDS, data, request_id)[0]


@transaction.atomic
def save_prosecution_event(
    actor: User, case_id: int, data: Mapping[str, Any], event_id: int | None = None
) -> ProsecutionEvent:
    """Record a step of the criminal process (investigation, prosecution, trial, verdict, appeal)."""
    case = _case_for_legal(actor, case_id, after_closure=True)
    return _save(actor, case, ProsecutionEvent, PROSECUTION_FIELDS, data, event_id)[0]


@transaction.atomic
def save_restitution(
    actor: User, case_id: int, data: Mapping[str, Any], restitution_id: int | None = None
) -> Restitution:
    """Record a restitution claim, the court's order and the payments."""
    case = _case_for_legal(actor, case_id, after_closure=True)
    return _save(actor, case, Restitution, RESTITUTION_FIELDS, data, restitution_id)[0]


@transaction.atomic
def save_alleged_perpetrator(
    actor: User,
    case_id: int,
    data: Mapping[str, Any],
    perpetrator_id: int | None = None,
    *,
    suspicion_note: str = "",
) -> AllegedPerpetrator:
    """Record an alleged perpetrator (a restricted field group). Linking the child's family member
    marks that member as suspected of involvement, with a note, so that consent and family return
    take it into account."""
    case = _case_for_legal(actor, case_id)
    if not actor.can(Permission.READ_PERPETRATORS):
        raise PermissionDenied(_("Anda tidak memiliki izin mengelola data terduga pelaku."))
    data = dict(data)
    member = data.get("family_member")
    if member is not None and member != "":
        member_id = member.pk if isinstance(member, FamilyMember) else int(member)
        found = (
            FamilyMember.objects.visible_to(actor)
            .select_for_update()
            .filter(pk=member_id, child_id=case.child_id)
            .first()
        )
        if found is None:
            raise ValidationError(_("Anggota keluarga tidak ditemukan pada data anak kasus ini."))
        data["family_member"] = found
        if not data.get("relationship_to_child"):
            data["relationship_to_child"] = RelationshipToChild.FAMILIAL
    elif "family_member" in data:
        data["family_member"] = None
    if "roles" in data:
        data["roles"] = list(data["roles"] or [])
    previous_member_id = (
        AllegedPerpetrator.objects.filter(pk=perpetrator_id, case=case)
        .values_list("family_member_id", flat=True)
        .first()
        if perpetrator_id
        else None
    )
    perpetrator, _changes_made = _save(
        actor, case, AllegedPerpetrator, PERPETRATOR_FIELDS, data, perpetrator_id, audit_values=False
    )
    if perpetrator.family_member_id and perpetrator.family_member_id != previous_member_id:
        assert perpetrator.family_member is not None
        _flag_family_member(actor, case, perpetrator.family_member, suspicion_note)
    return perpetrator


def _flag_family_member(actor: User, case: Case, member: FamilyMember, note: str) -> None:
    before = member.suspected_involvement
    line = _("Dicatat sebagai terduga pelaku pada kasus %(case)s (%(date)s).") % {
        "case": case.number,
        "date": timezone.localdate().strftime("%d-%m-%Y"),
    }
    if note.strip():
        line = f"{line} {note.strip()}"
    member.suspected_involvement = True
    member.suspicion_note = f"{member.suspicion_note}\n{line}".strip() if member.suspicion_note else line
    member.save(update_fields=["suspected_involvement", "suspicion_note"])
    audit.record(
        actor,
        Action.UPDATE,
        member,
        {"suspected_involvement": [before, True], "source": "alleged_perpetrator", "case": case.pk},
    )
