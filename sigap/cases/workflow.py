"""The case workflow: every change of stage is one function here.

registered → assessment → identification → case_plan → implementation → follow_up →
closure_proposed → closed, and reopen. Assessment, case plan and closure pass through a supervisor's
approval (:func:`request_approval`, :func:`decide_approval`); the other steps are moved by the
case's own people (:func:`move_to`). Each function checks permission, changes state, writes the
audit entry and starts or stops the clocks in one transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.inbox.services import notify
from sigap.intake.models import RiskLevel
from sigap.people.models import User
from sigap.people.roles import CASEWORK_ROLES, Permission

from . import gates, tasks
from .models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseStatus,
    ClosureReason,
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Task,
    TaskStatus,
)
from .services import access_case

S = CaseStatus
# Moves the case's own people make without approval: from → allowed targets.
WORKER_MOVES: dict[str, tuple[str, ...]] = {
    S.REGISTERED: (S.ASSESSMENT,),
    S.IDENTIFICATION: (S.CASE_PLAN,),
    S.IMPLEMENTATION: (S.FOLLOW_UP, S.CASE_PLAN),
    S.FOLLOW_UP: (S.IMPLEMENTATION,),
}
# The stage a request for approval needs, and where approval takes the case.
APPROVAL_FROM: dict[str, tuple[str, ...]] = {
    ApprovalKind.ASSESSMENT: (S.ASSESSMENT,),
    ApprovalKind.CASE_PLAN: (S.CASE_PLAN,),
    ApprovalKind.CLOSURE: tuple(s for s in S.values if s not in (S.CLOSED, S.CLOSURE_PROPOSED)),
}
APPROVAL_TO: dict[str, str] = {
    ApprovalKind.ASSESSMENT: S.IDENTIFICATION,
    ApprovalKind.CASE_PLAN: S.IMPLEMENTATION,
    ApprovalKind.CLOSURE: S.CLOSED,
}


PATH = (S.REGISTERED, S.ASSESSMENT, S.IDENTIFICATION, S.CASE_PLAN, S.IMPLEMENTATION, S.FOLLOW_UP, S.CLOSED)


def steps(case: Case) -> list[tuple[str, str, str]]:
    """The workflow path for a progress bar: (stage, label, "done" | "current" | "todo")."""
    current = S.FOLLOW_UP if case.status == S.CLOSURE_PROPOSED else case.status
    index = PATH.index(current) if current in PATH else 0
    out: list[tuple[str, str, str]] = []
    for i, stage in enumerate(PATH):
        state = "done" if i < index or case.status == S.CLOSED else "current" if i == index else "todo"
        out.append((stage, str(CaseStatus(stage).label), state))
    return out


# --- who may do what -------------------------------------------------------------------------


def can_work_on(actor: Any, case: Case) -> bool:
    """The owning organisation's case workers and supervisors, and the case's assigned worker."""
    if not (getattr(actor, "is_authenticated", False) and actor.has_role(*CASEWORK_ROLES)):
        return False
    return actor.organisation_id == case.organisation_id or actor.pk == case.worker_id


def can_approve(actor: Any, case: Case, requested_by_id: int | None = None) -> bool:
    """A supervisor (or holder of the approve permission) of the owning organisation; never on a
    case they work on or a request they made, unless an administrator granted self-approval."""
    if not getattr(actor, "is_authenticated", False) or actor.organisation_id != case.organisation_id:
        return False
    own = actor.pk in (case.worker_id, requested_by_id)
    if own:
        return actor.can(Permission.SELF_APPROVE) and (actor.can(Permission.APPROVE) or actor.has_role(*CASEWORK_ROLES))
    return actor.can(Permission.APPROVE)


def access_case_for_work(case_id: int, actor: User, *, allow_closed: bool = False) -> Case:
    """The case, locked for update, if ``actor`` may change it; raises otherwise."""
    case = access_case(case_id, actor, for_update=True)
    if not can_work_on(actor, case):
        raise PermissionDenied(
            _("Hanya pekerja kasus dan supervisor organisasi pemilik yang dapat mengubah kasus ini.")
        )
    if not allow_closed and not case.is_open:
        raise ValidationError(_("Kasus ini sudah ditutup. Buka kembali kasus terlebih dahulu."))
    return case


# --- stage changes ---------------------------------------------------------------------------


def _set_status(actor: User, case: Case, to: str, extra: dict[str, Any] | None = None) -> None:
    before = case.status
    case.status = to
    case.status_changed_at = timezone.now()
    case.save(update_fields=["status", "status_changed_at"])
    audit.record(actor, Action.TRANSITION, case, {"status": [before, to], **(extra or {})})
    _on_enter(actor, case, to)


def _on_enter(actor: User, case: Case, stage: str) -> None:
    """Follow-on work when a stage begins."""
    if stage == S.ASSESSMENT and not case.tasks.filter(kind="assessment", status="open").exists():
        tasks.schedule(case, "assessment", assignee=case.worker)
    elif stage == S.IDENTIFICATION:
        tasks.complete(case, "assessment", actor)
    elif stage == S.IMPLEMENTATION:
        _schedule_outcome_follow_ups(case)
        if not case.follow_ups.filter(kind=FollowUpKind.REVIEW, status=FollowUpStatus.SCHEDULED).exists():
            _schedule_review(case)


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _schedule_follow_up(case: Case, kind: str, due_on: date) -> FollowUp:
    follow_up = FollowUp.objects.create(case=case, kind=kind, due_on=due_on)
    clock = "follow_up" if kind == FollowUpKind.REVIEW else "outcome_follow_up"
    title = _("Pemantauan %(kind)s") % {"kind": follow_up.get_kind_display().lower()}
    tasks.schedule(
        case, clock, assignee=case.worker, subject=("followup", follow_up.pk), title=title, due_at=_end_of(due_on)
    )
    return follow_up


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _schedule_outcome_follow_ups(case: Case) -> None:
    """The outcome measures at entry, 6 and 12 months, once per case, from the start of services."""
    today = timezone.localdate()
    have = set(case.follow_ups.values_list("kind", flat=True))
    entry_due = (timezone.localtime() + tasks.clocks.get("outcome_follow_up").duration()).date()
    for kind, due in (
        (FollowUpKind.ENTRY, entry_due),
        (FollowUpKind.MONTH_6, _add_months(today, 6)),
        (FollowUpKind.MONTH_12, _add_months(today, 12)),
    ):
        if kind not in have:
            _schedule_follow_up(case, kind, due)


def _schedule_review(case: Case) -> FollowUp:
    due = (timezone.localtime() + tasks.clocks.get("follow_up").duration(case.risk_level)).date()
    return _schedule_follow_up(case, FollowUpKind.REVIEW, due)


@transaction.atomic
def record_first_contact(actor: User, case_id: int, when: datetime | None = None) -> Case:
    case = access_case_for_work(case_id, actor)
    when = when or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("Waktu kontak pertama tidak boleh di masa depan."))
    if case.first_contact_at is None:
        case.first_contact_at = when
        case.save(update_fields=["first_contact_at"])
        audit.record(actor, Action.UPDATE, case, {"first_contact_at": when.isoformat()})
    tasks.complete(case, "first_contact", actor)
    return case


@transaction.atomic
def move_to(actor: User, case_id: int, stage: str, reason: str = "") -> Case:
    """A step the case's own people take: start the assessment, start the plan after
    identification, begin follow-up after services, or go back to revise the plan."""
    case = access_case_for_work(case_id, actor)
    if stage not in WORKER_MOVES.get(case.status, ()):
        raise ValidationError(
            _("Kasus pada tahap %(from)s tidak dapat dipindah ke tahap %(to)s.")
            % {"from": case.get_status_display(), "to": CaseStatus(stage).label if stage in S.values else stage}
        )
    gates.check(f"enter:{stage}", case)
    _set_status(actor, case, stage, {"reason": reason} if reason else None)
    return case


@transaction.atomic
def review_risk(actor: User, case_id: int, risk_level: str, reason: str) -> Case:
    """Change the case's risk level with a reason (part of the assessment); open clocks that depend
    on risk keep their due dates, new ones use the new level."""
    case = access_case_for_work(case_id, actor)
    if risk_level not in RiskLevel.values:
        raise ValidationError(_("Pilih tingkat risiko."))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan perubahan tingkat risiko."))
    if risk_level != case.risk_level:
        before = case.risk_level
        case.risk_level = risk_level
        case.save(update_fields=["risk_level"])
        audit.record(actor, Action.UPDATE, case, {"risk_level": [before, risk_level], "reason": reason.strip()})
    return case


# --- approvals -------------------------------------------------------------------------------


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


@transaction.atomic
def request_approval(
    actor: User,
    case_id: int,
    kind: str,
    *,
    comment: str = "",
    subject_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Approval:
    """Ask the organisation's supervisors to approve the assessment, the case plan or closure. A
    closure request needs a reason and moves the case to "closure proposed" until decided."""
    case = access_case_for_work(case_id, actor)
    if kind not in ApprovalKind.values:
        raise ValidationError(_("Jenis persetujuan tidak dikenal."))
    if case.status not in APPROVAL_FROM[kind]:
        raise ValidationError(
            _("Persetujuan %(kind)s tidak dapat diminta pada tahap %(stage)s.")
            % {"kind": ApprovalKind(kind).label.lower(), "stage": case.get_status_display().lower()}
        )
    if case.approvals.filter(kind=kind, status=ApprovalStatus.PENDING).exists():
        raise ValidationError(_("Permintaan persetujuan ini masih menunggu keputusan."))
    payload = dict(payload or {})
    if kind == ApprovalKind.CLOSURE:
        if payload.get("reason") not in ClosureReason.values:
            raise ValidationError(_("Pilih alasan penutupan."))
        if payload["reason"] == ClosureReason.OTHER and not str(payload.get("note", "")).strip():
            raise ValidationError(_("Jelaskan alasan penutupan lainnya."))
        payload["previous_status"] = case.status
    gates.check(f"request:{kind}", case)
    approval = Approval.objects.create(
        case=case, kind=kind, requested_by=actor, comment=comment.strip(), subject_id=subject_id, payload=payload
    )
    audit.record(actor, Action.REQUEST, case, {"approval": kind, "comment": comment.strip()})
    if kind == ApprovalKind.CLOSURE:
        _set_status(actor, case, S.CLOSURE_PROPOSED, {"closure_reason": payload["reason"]})
    tasks.schedule(
        case,
        "approval",
        subject=("approval", approval.pk),
        title=_("Putuskan persetujuan %(kind)s") % {"kind": approval.get_kind_display().lower()},
    )
    notify(
        [u for u in tasks.supervisors(case.organisation_id) if can_approve(u, case, actor.pk)],
        "approval_requested",
        _("Persetujuan %(kind)s diminta untuk kasus %(case)s")
        % {"kind": approval.get_kind_display().lower(), "case": case.number},
        comment.strip(),
        _case_url(case),
    )
    return approval


@transaction.atomic
def decide_approval(actor: User, approval_id: int, *, approve: bool, comment: str = "") -> Approval:
    """Approve or reject a pending request. Approval moves the case on; rejection needs a comment
    and sends the work back (a rejected closure returns the case to the stage it was in)."""
    approval = Approval.objects.select_for_update().filter(pk=approval_id).first()
    if approval is None:
        raise PermissionDenied(_("Permintaan persetujuan tidak ditemukan."))
    case = access_case(approval.case_id, actor, for_update=True)
    if not can_approve(actor, case, approval.requested_by_id):
        if actor.pk in (case.worker_id, approval.requested_by_id) and actor.can(Permission.APPROVE):
            raise PermissionDenied(_("Anda tidak dapat menyetujui kasus yang Anda tangani sendiri."))
        raise PermissionDenied(_("Anda tidak berwenang memutuskan persetujuan ini."))
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError(_("Permintaan ini sudah diputuskan."))
    if not approve and not comment.strip():
        raise ValidationError(_("Tuliskan alasan penolakan agar pekerja kasus tahu apa yang harus diperbaiki."))
    approval.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    approval.decided_by = actor
    approval.decided_at = timezone.now()
    approval.decision_comment = comment.strip()
    approval.save(update_fields=["status", "decided_by", "decided_at", "decision_comment"])
    audit.record(
        actor,
        Action.APPROVE if approve else Action.REJECT,
        case,
        {"approval": approval.kind, "comment": approval.decision_comment},
    )
    tasks.complete(case, "approval", actor, subject=("approval", approval.pk))
    gates.approval_decided.send(sender=Approval, approval=approval, actor=actor)
    if approve:
        if approval.kind == ApprovalKind.CLOSURE:
            _close(actor, case, approval)
        else:
            _set_status(actor, case, APPROVAL_TO[approval.kind])
    elif approval.kind == ApprovalKind.CLOSURE:
        _set_status(actor, case, approval.payload.get("previous_status", S.FOLLOW_UP))
    word = _("disetujui") if approve else _("ditolak")
    notify(
        [approval.requested_by, case.worker],
        "approval_decided",
        _("Persetujuan %(kind)s kasus %(case)s %(word)s")
        % {"kind": approval.get_kind_display().lower(), "case": case.number, "word": word},
        approval.decision_comment,
        _case_url(case),
    )
    return approval


def _close(actor: User, case: Case, approval: Approval) -> None:
    case.closure_reason = approval.payload["reason"]
    case.closure_note = str(approval.payload.get("note", ""))
    case.closed_at = timezone.now()
    case.save(update_fields=["closure_reason", "closure_note", "closed_at"])
    _set_status(actor, case, S.CLOSED, {"closure_reason": case.closure_reason})
    # Every clock stops except the outcome follow-ups at 6 and 12 months: whether a child is
    # exploited again after the case closes is what programme evaluation most needs to know.
    outcome = ("followup", list(case.follow_ups.exclude(kind=FollowUpKind.REVIEW).values_list("pk", flat=True)))
    Task.objects.filter(case=case, status=TaskStatus.OPEN).exclude(
        kind="outcome_follow_up", subject_type=outcome[0], subject_id__in=outcome[1]
    ).update(status=TaskStatus.CANCELLED, done_at=timezone.now())
    case.follow_ups.filter(status=FollowUpStatus.SCHEDULED, kind=FollowUpKind.REVIEW).update(
        status=FollowUpStatus.MISSED
    )


@transaction.atomic
def reopen(actor: User, case_id: int, reason: str) -> Case:
    """Reopen a closed case with a reason; it starts again at assessment."""
    case = access_case_for_work(case_id, actor, allow_closed=True)
    if case.is_open:
        raise ValidationError(_("Kasus ini masih terbuka."))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan membuka kembali kasus."))
    before = case.closure_reason
    case.closed_at = None
    case.closure_reason = ""
    case.closure_note = ""
    case.save(update_fields=["closed_at", "closure_reason", "closure_note"])
    audit.record(actor, Action.REOPEN, case, {"reason": reason.strip(), "closure_reason": before})
    _set_status(actor, case, S.ASSESSMENT)
    return case


# --- follow-ups ------------------------------------------------------------------------------


OUTCOME_FIELDS = (
    "re_exploited",
    "re_exploitation_forms",
    "in_school",
    "living_situation",
    "mental_health_scores",
    "social_support",
    "legal_contact",
    "notes",
)


@transaction.atomic
def record_follow_up(actor: User, follow_up_id: int, *, done_on: date | None = None, **measures: Any) -> FollowUp:
    """Record a follow-up's outcome measures. A review schedules the next one while the case stays
    in services or follow-up; the entry, 6- and 12-month follow-ups may be recorded after closure."""
    follow_up = FollowUp.objects.select_for_update().filter(pk=follow_up_id).first()
    if follow_up is None:
        raise PermissionDenied(_("Jadwal pemantauan tidak ditemukan."))
    # Outcome follow-ups (entry, 6 and 12 months) are recorded even after the case has closed.
    case = access_case_for_work(follow_up.case_id, actor, allow_closed=follow_up.kind != FollowUpKind.REVIEW)
    if follow_up.status == FollowUpStatus.DONE:
        raise ValidationError(_("Pemantauan ini sudah dicatat."))
    unknown = set(measures) - set(OUTCOME_FIELDS)
    if unknown:
        raise ValidationError(_("Ukuran hasil tidak dikenal: %(names)s") % {"names": ", ".join(sorted(unknown))})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError(_("Tanggal pemantauan tidak boleh di masa depan."))
    if measures.get("re_exploited") == "yes" and not measures.get("re_exploitation_forms"):
        raise ValidationError(_("Pilih bentuk eksploitasi yang dialami kembali."))
    for name, value in measures.items():
        setattr(follow_up, name, value)
    follow_up.status = FollowUpStatus.DONE
    follow_up.done_on = done_on
    follow_up.done_by = actor
    follow_up.full_clean(exclude=["case", "done_by"])
    follow_up.save()
    audit.record(actor, Action.UPDATE, case, {"follow_up": follow_up.kind, **{k: measures[k] for k in measures}})
    tasks.complete(case, follow_up_task_kind(follow_up), actor, subject=("followup", follow_up.pk))
    if follow_up.kind == FollowUpKind.REVIEW and case.status in (S.IMPLEMENTATION, S.FOLLOW_UP):
        _schedule_review(case)
    return follow_up


def follow_up_task_kind(follow_up: FollowUp) -> str:
    return "follow_up" if follow_up.kind == FollowUpKind.REVIEW else "outcome_follow_up"
