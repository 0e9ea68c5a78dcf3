"""One child, one record: merging two child records that are the same child (with a supervisor's
approval) and undoing it. A merge moves nothing — the merged record points at the surviving one — so
every source record, its cases and its history stay, and an undo is clean.

Each function checks permission, changes state, writes the audit entry, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.inbox.services import notify
from sigap.people.models import Organisation, User
from sigap.people.roles import CASEWORK_ROLES, Permission

from .models import Child, ChildMerge, MergeStatus

MAX_CHAIN = 50


def root(child: Child) -> Child:
    """The record a child's records are merged into (the child itself when not merged)."""
    seen = 0
    while child.merged_into_id is not None and seen < MAX_CHAIN:
        child = Child.objects.get(pk=child.merged_into_id)
        seen += 1
    return child


def same_child(child: Child) -> list[Child]:
    """Every record of the same child (the root first), following merges in force."""
    top = root(child)
    found, frontier = [top], [top.pk]
    while frontier and len(found) < 1000:
        more = list(Child.objects.filter(merged_into_id__in=frontier).exclude(pk__in=[c.pk for c in found]))
        found.extend(more)
        frontier = [c.pk for c in more]
    return found


@dataclass(frozen=True)
class RecordElsewhere:
    """Another record of the same child, as one person may know of it: the case itself when they may
    see it, else only that a record exists at an organisation."""

    case: Any | None
    organisation: Organisation
    visible: bool


def records_elsewhere(user: Any, child: Child) -> list[RecordElsewhere]:
    """The cases of the child's other records. A case the user may not see shows only its organisation,
    until access comes through a hand-off."""
    from sigap.cases.models import Case

    others = [c.pk for c in same_child(child) if c.pk != child.pk]
    if not others:
        return []
    visible = set(Case.objects.visible_to(user).filter(child_id__in=others).values_list("pk", flat=True))
    rows = []
    for case in Case.objects.filter(child_id__in=others).select_related("organisation").order_by("opened_at"):
        seen = case.pk in visible
        rows.append(RecordElsewhere(case if seen else None, case.organisation, seen))
    return rows


def _visible_child(actor: User, child_id: int) -> Child:
    child = Child.objects.visible_to(actor).filter(pk=child_id).first()
    if child is None:
        raise PermissionDenied(_("Anda tidak berwenang melihat catatan anak ini."))
    return child


def can_request(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_role(*CASEWORK_ROLES) and actor.organisation_id)


def can_decide(actor: Any, merge: ChildMerge) -> bool:
    """A supervisor (approve permission) of the requesting organisation, never for their own request
    unless an administrator granted self-approval."""
    if not getattr(actor, "is_authenticated", False) or actor.organisation_id != merge.organisation_id:
        return False
    if actor.pk == merge.requested_by_id and not actor.can(Permission.SELF_APPROVE):
        return False
    return bool(actor.can(Permission.APPROVE))


def merge_problem(survivor: Child, merged: Child) -> str | None:
    """Why two records cannot be one child, or None."""
    if survivor.pk == merged.pk:
        return _("Kedua catatan sudah merupakan anak yang sama.")
    known = {"M", "F"}
    if survivor.sex in known and merged.sex in known and survivor.sex != merged.sex:
        return _("Jenis kelamin kedua catatan berbeda. Perbaiki catatan yang keliru sebelum digabung.")
    if survivor.nik and merged.nik and survivor.nik != merged.nik:
        return _("NIK kedua catatan berbeda. Periksa NIK sebelum digabung.")
    return None


@transaction.atomic
def request_merge(
    actor: User,
    survivor_id: int,
    merged_id: int,
    reason: str,
    *,
    probability: float | None = None,
    evidence: dict[str, Any] | None = None,
    model_version: str = "",
) -> ChildMerge:
    """Ask a supervisor to record that two child records are the same child."""
    if not can_request(actor):
        raise PermissionDenied(_("Anda tidak berwenang menggabungkan catatan anak."))
    survivor = root(_visible_child(actor, survivor_id))
    merged = root(_visible_child(actor, merged_id))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan bahwa kedua catatan adalah anak yang sama."))
    problem = merge_problem(survivor, merged)
    if problem:
        raise ValidationError(problem)
    assert actor.organisation is not None
    try:
        with transaction.atomic():
            merge = ChildMerge.objects.create(
                survivor=survivor,
                merged=merged,
                probability=probability,
                evidence=evidence or {},
                model_version=model_version[:40],
                reason=reason.strip(),
                requested_by=actor,
                organisation=actor.organisation,
            )
    except IntegrityError:
        raise ValidationError(_("Penggabungan catatan ini sudah diajukan atau berlaku.")) from None
    audit.record(actor, Action.REQUEST, merge, {"survivor": survivor.pk, "merged": merged.pk})
    approvers = [
        u
        for u in User.objects.filter(organisation=actor.organisation, is_active=True)
        if u.can(Permission.APPROVE) and u.pk != actor.pk
    ]
    notify(
        approvers,
        "child_merge",
        _("Penggabungan catatan anak menunggu persetujuan"),
        _("Dua catatan anak diajukan sebagai anak yang sama. Tinjau bukti dan setujui atau tolak."),
    )
    return merge


def _open_merge(merge_id: int) -> ChildMerge:
    merge = ChildMerge.objects.select_for_update().select_related("survivor", "merged").filter(pk=merge_id).first()
    if merge is None:
        raise PermissionDenied(_("Penggabungan tidak ditemukan."))
    return merge


@transaction.atomic
def decide_merge(actor: User, merge_id: int, *, approve: bool, note: str = "") -> ChildMerge:
    merge = _open_merge(merge_id)
    if not can_decide(actor, merge):
        raise PermissionDenied(_("Hanya supervisor organisasi pengaju (bukan pengajunya) yang dapat memutuskan."))
    if merge.status != MergeStatus.REQUESTED:
        raise ValidationError(_("Penggabungan ini sudah diputuskan."))
    if not approve and not note.strip():
        raise ValidationError(_("Tuliskan alasan penolakan."))
    if approve:
        survivor = Child.objects.select_for_update().get(pk=merge.survivor_id)
        merged = Child.objects.select_for_update().get(pk=merge.merged_id)
        if merged.merged_into_id is not None or root(survivor).pk == merged.pk:
            raise ValidationError(_("Salah satu catatan sudah digabung dengan catatan lain sejak diajukan."))
        problem = merge_problem(survivor, merged)
        if problem:
            raise ValidationError(problem)
        merged.merged_into = root(survivor)
        merged.save(update_fields=["merged_into"])
        audit.record(actor, Action.UPDATE, merged, {"merged_into": [None, merged.merged_into_id]})
    merge.status = MergeStatus.APPROVED if approve else MergeStatus.REJECTED
    merge.decided_by, merge.decided_at, merge.decision_note = actor, timezone.now(), note.strip()
    merge.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit.record(actor, Action.APPROVE if approve else Action.REJECT, merge, {"note": merge.decision_note})
    return merge


@transaction.atomic
def undo_merge(actor: User, merge_id: int, reason: str) -> ChildMerge:
    """Separate two records again. Records merged into the survivor through other merges stay merged;
    the merge row keeps its history (requested, approved, undone)."""
    merge = _open_merge(merge_id)
    if not (actor.organisation_id == merge.organisation_id and actor.can(Permission.APPROVE)):
        raise PermissionDenied(_("Hanya supervisor organisasi pengaju yang dapat memisahkan kembali."))
    if merge.status != MergeStatus.APPROVED:
        raise ValidationError(_("Hanya penggabungan yang berlaku yang dapat dibatalkan."))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan pemisahan."))
    merged = Child.objects.select_for_update().get(pk=merge.merged_id)
    before = merged.merged_into_id
    merged.merged_into = None
    merged.save(update_fields=["merged_into"])
    audit.record(actor, Action.UPDATE, merged, {"merged_into": [before, None]})
    merge.status = MergeStatus.UNDONE
    merge.undone_by, merge.undone_at, merge.undo_reason = actor, timezone.now(), reason.strip()
    merge.save(update_fields=["status", "undone_by", "undone_at", "undo_reason"])
    audit.record(actor, Action.REVOKE, merge, {"reason": merge.undo_reason})
    return merge
