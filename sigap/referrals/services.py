"""State changes of consents (and other legal bases) and of hand-offs between organisations.

Processing a child's data for a purpose needs an active record of its basis (:func:`basis_for`): a
consent by a parent, guardian, caregiver or another adult, or a legal basis (a legal obligation under
UU 21/2007, UU 35/2014 or UU 12/2022, the child's vital interest, a public task). A child's assent
is recorded with another basis; alone it is not one. A parent's or guardian's consent does not count
while any parent or guardian of the child is suspected of involvement in the exploitation.

A hand-off (:func:`create_handoff`) needs a basis for its purpose, or an override by a person with
the ``handoff_override`` permission and a written reason. Until the receiving side accepts it sees
only the hand-off; acceptance of a referral shares the case with the provider, a transfer moves the
case to the other organisation, an assignment gives the case to another worker.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases import tasks
from sigap.cases.models import (
    Approval,
    ApprovalKind,
    ApprovalStatus,
    Case,
    CaseShare,
    Note,
    Task,
    TaskStatus,
)
from sigap.cases.services import access_case
from sigap.cases.workflow import access_case_for_work, can_work_on
from sigap.identity.models import FamilyMember
from sigap.inbox.services import notify
from sigap.people.models import Organisation, User
from sigap.people.roles import CASEWORK_ROLES, Permission, Role
from sigap.plans import catalogue
from sigap.plans import services as plans_services
from sigap.plans.models import ACTIVE_SERVICE_STATUSES, CaseService, ServiceStatus

from .models import (
    PURPOSE_OF,
    SUFFICIENT_BASES,
    Basis,
    Consent,
    HandOff,
    HandOffKind,
    HandOffStatus,
    Law,
    Purpose,
    ReferralReason,
    parent_or_guardian_q,
)

SHARE_REASONS = ("referral", "assignment")
RESPONSE_CLOCK = "handoff_response"


def parent_consent_message() -> str:
    return _(
        "Persetujuan orang tua/wali tidak dapat menjadi dasar karena orang tua/wali diduga terlibat. "
        "Gunakan persetujuan anak (assent) bersama dasar hukum lain, misalnya kewajiban hukum UU 35/2014."
    )


def basis_required_message() -> str:
    return _("Rujukan memerlukan persetujuan atau dasar hukum yang tercatat, atau izin pengecualian dengan alasan.")


# --- consent and legal basis -----------------------------------------------------------------


def suspected_parent_or_guardian(child_id: int) -> bool:
    """Whether any parent or guardian of the child is flagged as suspected of involvement."""
    return FamilyMember.objects.filter(parent_or_guardian_q(), child_id=child_id, suspected_involvement=True).exists()


def _giver_problem(member: FamilyMember | None, child_id: int) -> str | None:
    if member is None:
        return None
    if member.is_parent_or_guardian and suspected_parent_or_guardian(child_id):
        return parent_consent_message()
    if member.suspected_involvement:
        return _("Anggota keluarga yang diduga terlibat tidak dapat memberikan persetujuan.")
    return None


def consent_problem(consent: Consent, purpose: str | None = None) -> str | None:
    """Why ``consent`` cannot be the basis (for ``purpose``), or ``None`` when it can."""
    if consent.withdrawn_at is not None:
        return _("Persetujuan atau dasar hukum ini sudah ditarik.")
    if purpose is not None and consent.purpose != purpose:
        return _("Persetujuan atau dasar hukum ini tidak mencakup tujuan %(purpose)s.") % {
            "purpose": Purpose(purpose).label.lower()
        }
    if consent.basis not in SUFFICIENT_BASES:
        return _("Persetujuan anak (assent) saja tidak cukup; catat juga persetujuan atau dasar hukum lain.")
    return _giver_problem(consent.given_by_family_member, consent.case.child_id)


def basis_for(case: Case | int, purpose: str) -> Consent | None:
    """The newest active consent or legal basis that covers ``purpose`` for the case and may be used
    (see :meth:`ConsentQuerySet.usable`), or ``None``."""
    case_id = case if isinstance(case, int) else case.pk
    return Consent.objects.usable().filter(case_id=case_id, purpose=purpose).order_by("-given_at", "-pk").first()


def _match_family_member(child_id: int, name: str) -> FamilyMember | None:
    """A family member of the child recorded under ``name``: typing a parent's name instead of
    choosing them must not get around the gate on a parent's consent."""
    wanted = " ".join(name.split()).casefold()
    for member in FamilyMember.objects.filter(child_id=child_id):
        if " ".join(member.name.split()).casefold() == wanted:
            return member
    return None


@transaction.atomic
def record_consent(
    actor: User,
    case_id: int,
    *,
    purpose: str,
    basis: str,
    scope: str,
    law: str = "",
    given_by_child: bool = False,
    given_by_family_member_id: int | None = None,
    given_by_name: str = "",
    given_at: datetime | None = None,
) -> Consent:
    """Record a consent, the child's assent or another legal basis for one purpose."""
    case = access_case_for_work(case_id, actor)
    if purpose not in Purpose.values:
        raise ValidationError(_("Pilih tujuan pemrosesan data."))
    if basis not in Basis.values:
        raise ValidationError(_("Pilih dasar pemrosesan data."))
    scope = scope.strip()
    if not scope:
        raise ValidationError(_("Tuliskan cakupannya: informasi apa yang boleh dibagikan kepada siapa."))
    given_at = given_at or timezone.now()
    if given_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError(_("Waktu persetujuan tidak boleh di masa depan."))
    if basis == Basis.LEGAL_OBLIGATION:
        if law not in Law.values:
            raise ValidationError(_("Pilih undang-undang yang menjadi dasar kewajiban hukum."))
    else:
        law = ""
    member: FamilyMember | None = None
    name = " ".join(given_by_name.split())
    if basis == Basis.CONSENT:
        if given_by_family_member_id is not None:
            member = FamilyMember.objects.filter(pk=given_by_family_member_id, child_id=case.child_id).first()
            if member is None:
                raise ValidationError(_("Anggota keluarga tidak ditemukan pada data anak ini."))
        elif name:
            member = _match_family_member(case.child_id, name)
        if member is None and not name:
            raise ValidationError(
                _("Pilih anggota keluarga atau tuliskan nama orang dewasa yang memberikan persetujuan.")
            )
        if problem := _giver_problem(member, case.child_id):
            raise ValidationError(problem)
        name = name or (member.name if member else "")
    elif basis == Basis.ASSENT:
        given_by_child, name = True, ""
    else:
        name = ""
    consent = Consent.objects.create(
        case=case,
        purpose=purpose,
        basis=basis,
        law=law,
        given_by_child=given_by_child,
        given_by_family_member=member,
        given_by_name=name[:120],
        given_at=given_at,
        scope=scope,
        recorded_by=actor,
    )
    audit.record(
        actor,
        Action.CREATE,
        consent,
        {
            "purpose": purpose,
            "basis": basis,
            "law": law,
            "given_by_child": given_by_child,
            "given_by_family_member": member.pk if member else None,
        },
    )
    return consent


@transaction.atomic
def withdraw_consent(actor: User, consent_id: int, reason: str) -> Consent:
    """Withdraw a consent (or end a recorded basis) with a reason; it stops counting at once. Hand-offs
    already accepted keep their access; those waiting need another basis to be accepted."""
    consent = Consent.objects.select_for_update().filter(pk=consent_id).first()
    if consent is None:
        raise PermissionDenied(_("Persetujuan tidak ditemukan."))
    access_case_for_work(consent.case_id, actor, allow_closed=True)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("Persetujuan ini sudah ditarik."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan penarikan."))
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.withdrawal_reason = reason
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record(actor, Action.WITHDRAW, consent, {"purpose": consent.purpose, "reason": reason})
    return consent


def htcds_consent(case: Case, purpose: str = Purpose.CASE_MANAGEMENT) -> bool:
    """HTCDS ``con_Consent`` / ``vic_AgreementToManagePersonalData`` for an export."""
    return basis_for(case, purpose) is not None


# --- who may do what with a hand-off ---------------------------------------------------------


def _is_casework_member(actor: Any, organisation_id: int | None) -> bool:
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.has_role(*CASEWORK_ROLES)
        and organisation_id is not None
        and actor.organisation_id == organisation_id
    )


def can_respond(actor: Any, handoff: HandOff) -> bool:
    """The receiving side: the person it is addressed to, or the receiving organisation's case workers
    and supervisors (only supervisors for a transfer request, which the owner decides)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*CASEWORK_ROLES):
        return False
    supervisor = actor.organisation_id == handoff.to_organisation_id and actor.can(Permission.APPROVE)
    if handoff.to_user_id is not None:
        return actor.pk == handoff.to_user_id or supervisor
    if handoff.kind == HandOffKind.TRANSFER_REQUEST:
        return supervisor
    return _is_casework_member(actor, handoff.to_organisation_id)


def is_sender(actor: Any, handoff: HandOff) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.has_role(*CASEWORK_ROLES):
        return False
    return actor.pk == handoff.created_by_id or _is_casework_member(actor, handoff.from_organisation_id)


def can_revoke(actor: Any, handoff: HandOff) -> bool:
    return is_sender(actor, handoff) and revocable(handoff)


def revocable(handoff: HandOff) -> bool:
    """Any hand-off waiting for an answer; an accepted or finished referral (to end the provider's
    access to the case)."""
    if handoff.status == HandOffStatus.IN_PROGRESS:
        return True
    return handoff.kind == HandOffKind.REFERRAL and handoff.status in (HandOffStatus.ACCEPTED, HandOffStatus.DONE)


def can_complete(actor: Any, handoff: HandOff) -> bool:
    if handoff.status != HandOffStatus.ACCEPTED:
        return False
    return is_sender(actor, handoff) or _is_casework_member(actor, handoff.to_organisation_id)


def can_request_transfer(actor: Any, case: Case) -> bool:
    """A case worker or supervisor of another organisation who can see the case (through a referral's
    share, or their jurisdiction) may ask the owner to transfer it."""
    return bool(
        getattr(actor, "is_authenticated", False)
        and actor.has_role(*CASEWORK_ROLES)
        and actor.organisation_id is not None
        and actor.organisation_id != case.organisation_id
        and Case.objects.visible_to(actor).filter(pk=case.pk).exists()
    )


def allowed_kinds(actor: Any, case: Case) -> list[str]:
    if can_work_on(actor, case):
        return [HandOffKind.REFERRAL, HandOffKind.TRANSFER, HandOffKind.ASSIGNMENT]
    if can_request_transfer(actor, case):
        return [HandOffKind.TRANSFER_REQUEST]
    return []


# --- helpers ---------------------------------------------------------------------------------


def detail_url(handoff: HandOff) -> str:
    return reverse("referrals:detail", args=[handoff.pk])


def _casework_people(organisation_id: int) -> list[User]:
    return list(
        User.objects.filter(
            organisation_id=organisation_id, is_active=True, role__in=[Role.CASE_WORKER, Role.SUPERVISOR]
        )
    )


def receivers(handoff: HandOff) -> list[User]:
    """The people told about a new hand-off: the addressee, or who may answer it."""
    if handoff.to_user_id is not None and handoff.to_user is not None:
        return [handoff.to_user]
    if handoff.kind == HandOffKind.TRANSFER_REQUEST:
        return tasks.supervisors(handoff.to_organisation_id)
    return _casework_people(handoff.to_organisation_id)


def response_task(handoff: HandOff) -> Task | None:
    return (
        Task.objects.filter(case_id=handoff.case_id, kind=RESPONSE_CLOCK, subject_type="handoff", subject_id=handoff.pk)
        .order_by("-created_at")
        .first()
    )


def _kind_label(kind: str) -> str:
    return str(HandOffKind(kind).label)


def _end_shares(handoff: HandOff) -> int:
    return CaseShare.objects.filter(
        case_id=handoff.case_id, source_id=handoff.pk, reason__in=SHARE_REASONS, ended_at__isnull=True
    ).update(ended_at=timezone.now())


def _lock(actor: User, handoff_id: int) -> HandOff:
    handoff = HandOff.objects.visible_to(actor).select_for_update().filter(pk=handoff_id).first()
    if handoff is None:
        raise PermissionDenied(_("Rujukan tidak ditemukan dalam cakupan akses Anda."))
    return handoff


def _locked_case(handoff: HandOff) -> Case:
    return Case.objects.select_for_update().get(pk=handoff.case_id)


def _choose_basis(
    actor: User, case: Case, purpose: str, consent_id: int | None, override: bool, override_reason: str
) -> tuple[Consent | None, str]:
    if override:
        if not actor.can(Permission.HANDOFF_OVERRIDE):
            raise PermissionDenied(
                _("Anda tidak memiliki izin untuk merujuk tanpa persetujuan atau dasar hukum yang tercatat.")
            )
        reason = override_reason.strip()
        if not reason:
            raise ValidationError(_("Tuliskan alasan pengecualian: mengapa rujukan dilakukan tanpa persetujuan."))
        return None, reason
    if consent_id is not None:
        consent = (
            Consent.objects.select_related("case", "given_by_family_member").filter(pk=consent_id, case=case).first()
        )
        if consent is None:
            raise ValidationError(_("Persetujuan yang dipilih tidak ditemukan pada kasus ini."))
        if problem := consent_problem(consent, purpose):
            raise ValidationError(problem)
        return consent, ""
    consent = basis_for(case, purpose)
    if consent is None:
        blocked = any(
            consent_problem(c, purpose) == parent_consent_message()
            for c in Consent.objects.active().filter(case=case, purpose=purpose, basis=Basis.CONSENT)
        )
        raise ValidationError([basis_required_message(), *([parent_consent_message()] if blocked else [])])
    return consent, ""


def _shared_notes(case: Case, note_ids: Iterable[int]) -> list[Note]:
    ids = {int(i) for i in note_ids}
    notes = list(Note.objects.filter(case=case, pk__in=ids, shareable=True, confidential=False))
    if len(notes) != len(ids):
        raise ValidationError(_("Hanya catatan kasus ini yang ditandai boleh dibagikan yang dapat dilampirkan."))
    return notes


def _end_service(actor: User, service: CaseService, status: str, reason: str) -> None:
    """Decline or cancel the referred service with the hand-off. The plans services' permission
    checks need the actor to see the case, which the receiving side of a referral it has not
    accepted cannot, and they would send a second notice; so only the recording is shared."""
    if service.status in ACTIVE_SERVICE_STATUSES:
        plans_services.end_service(actor, service, status, reason)


# --- hand-offs -------------------------------------------------------------------------------


@transaction.atomic
def create_handoff(
    actor: User,
    case_id: int,
    kind: str,
    to_organisation_id: int | None = None,
    *,
    to_user_id: int | None = None,
    service_type: str = "",
    reason: str = ReferralReason.ADDITIONAL_SERVICES,
    details: str = "",
    consent_id: int | None = None,
    override: bool = False,
    override_reason: str = "",
    shared_note_ids: Iterable[int] = (),
) -> HandOff:
    """Refer the case to another organisation for a service, transfer it, ask its owner to transfer
    it (``transfer_request``, ``to_organisation_id`` is the owner) or assign it to a worker. Needs a
    basis for the purpose (:data:`~.models.PURPOSE_OF`) or an override with a reason."""
    if kind not in HandOffKind.values:
        raise ValidationError(_("Pilih jenis rujukan."))
    if kind == HandOffKind.TRANSFER_REQUEST:
        case = access_case(case_id, actor, for_update=True)
        if not can_request_transfer(actor, case):
            raise PermissionDenied(_("Hanya pekerja kasus organisasi lain yang dapat meminta pengalihan kasus ini."))
        if not case.is_open:
            raise ValidationError(_("Kasus ini sudah ditutup."))
        if to_organisation_id not in (None, case.organisation_id):
            raise ValidationError(_("Permintaan pengalihan ditujukan kepada organisasi pemilik kasus."))
        to_organisation_id = case.organisation_id
        assert actor.organisation is not None
        from_org: Organisation = actor.organisation
    else:
        case = access_case_for_work(case_id, actor)
        from_org = case.organisation

    to_user: User | None = None
    if to_user_id is not None:
        to_user = User.objects.select_related("organisation").filter(pk=to_user_id, is_active=True).first()
        if to_user is None or not to_user.has_role(*CASEWORK_ROLES) or to_user.organisation_id is None:
            raise ValidationError(_("Penerima harus pekerja kasus atau supervisor yang aktif."))
        if kind == HandOffKind.ASSIGNMENT and to_organisation_id is None:
            to_organisation_id = to_user.organisation_id
        if to_user.organisation_id != to_organisation_id:
            raise ValidationError(_("Penerima yang dipilih bukan anggota organisasi penerima."))
    to_org = Organisation.objects.filter(pk=to_organisation_id, is_active=True).first() if to_organisation_id else None
    if to_org is None:
        raise ValidationError(_("Pilih organisasi penerima yang aktif."))

    in_progress = HandOff.objects.filter(case=case, status=HandOffStatus.IN_PROGRESS)
    if kind == HandOffKind.REFERRAL:
        if service_type not in catalogue.services():
            raise ValidationError(_("Pilih layanan yang dirujuk dari katalog."))
        if to_org.pk == case.organisation_id:
            raise ValidationError(
                _(
                    "Rujukan layanan ditujukan ke organisasi lain. Layanan oleh organisasi sendiri dicatat di rencana kasus."
                )
            )
        if in_progress.filter(kind=kind, to_organisation=to_org, service_type=service_type).exists():
            raise ValidationError(_("Rujukan layanan ini ke organisasi tersebut masih menunggu tanggapan."))
    else:
        service_type = ""
    if kind in (HandOffKind.TRANSFER, HandOffKind.TRANSFER_REQUEST):
        if kind == HandOffKind.TRANSFER and to_org.pk == case.organisation_id:
            raise ValidationError(_("Kasus sudah dimiliki organisasi ini. Pilih organisasi lain."))
        if in_progress.filter(kind__in=[HandOffKind.TRANSFER, HandOffKind.TRANSFER_REQUEST]).exists():
            raise ValidationError(_("Masih ada pengalihan kasus ini yang menunggu tanggapan."))
    if kind == HandOffKind.ASSIGNMENT:
        if to_user is None:
            raise ValidationError(_("Pilih pekerja kasus yang akan ditugaskan."))
        if to_user.pk == case.worker_id:
            raise ValidationError(_("Orang ini sudah menjadi pekerja kasus ini."))
        if in_progress.filter(kind=kind).exists():
            raise ValidationError(_("Masih ada penugasan kasus ini yang menunggu tanggapan."))

    if reason not in ReferralReason.values:
        raise ValidationError(_("Pilih alasan rujukan."))
    details = details.strip()
    if reason == ReferralReason.OTHER and not details:
        raise ValidationError(_("Jelaskan alasan rujukan lainnya."))
    purpose = PURPOSE_OF[kind]
    consent, override_reason = _choose_basis(actor, case, purpose, consent_id, override, override_reason)
    notes = _shared_notes(case, shared_note_ids)

    service = None
    if kind == HandOffKind.REFERRAL:
        service = plans_services.add_service(actor, case.pk, service_type, to_org.pk, status=ServiceStatus.REFERRED)
    handoff = HandOff.objects.create(
        case=case,
        kind=kind,
        from_organisation=from_org,
        to_organisation=to_org,
        to_user=to_user,
        service=service,
        service_type=service_type,
        reason=reason,
        details=details,
        consent=consent,
        override=override,
        override_reason=override_reason,
        created_by=actor,
    )
    handoff.shared_notes.set(notes)
    audit.record(
        actor,
        Action.HANDOFF,
        handoff,
        {
            "kind": kind,
            "from_organisation": from_org.pk,
            "to_organisation": to_org.pk,
            "to_user": to_user.pk if to_user else None,
            "service_type": service_type,
            "reason": reason,
            "basis": consent.pk if consent else "override",
            "override_reason": override_reason,
            "shared_notes": [n.pk for n in notes],
        },
    )
    task = tasks.schedule(
        case,
        RESPONSE_CLOCK,
        organisation=to_org,
        assignee=to_user,
        subject=("handoff", handoff.pk),
        title=_("Tanggapi %(kind)s dari %(org)s") % {"kind": _kind_label(kind).lower(), "org": from_org.name},
    )
    what = _kind_label(kind)
    if service_type:
        what = f"{what} ({catalogue.get(service_type).name_id})"
    notify(
        receivers(handoff),
        "handoff_received",
        _("%(what)s untuk kasus %(case)s dari %(org)s") % {"what": what, "case": case.number, "org": from_org.name},
        _("Mohon tanggapi sebelum %(due)s. Buka halaman rujukan untuk melihat informasi yang dibagikan.")
        % {"due": timezone.localtime(task.due_at).strftime("%d-%m-%Y %H:%M")},
        detail_url(handoff),
    )
    return handoff


def _respond_check(actor: User, handoff: HandOff, case: Case) -> None:
    if not can_respond(actor, handoff):
        raise PermissionDenied(
            _("Hanya supervisor organisasi pemilik yang dapat memutuskan permintaan pengalihan ini.")
            if handoff.kind == HandOffKind.TRANSFER_REQUEST
            else _("Hanya penerima rujukan ini yang dapat menanggapinya.")
        )
    if handoff.status != HandOffStatus.IN_PROGRESS:
        raise ValidationError(_("Rujukan ini sudah ditanggapi atau dibatalkan."))


def _move_case(actor: User, case: Case, organisation: Organisation, worker: User | None, handoff: HandOff) -> None:
    """Give the case to another organisation: it becomes the owner, the old one keeps no access of its
    own (only other grounds, such as a share or its jurisdiction, remain)."""
    before = (case.organisation_id, case.worker_id)
    case.organisation = organisation
    case.worker = worker
    case.save(update_fields=["organisation", "worker"])
    tasks.reassign(case, worker, organisation)
    # Supervisor tasks (approvals waiting) follow the case: the new owner's supervisors decide now.
    Task.objects.filter(case=case, status=TaskStatus.OPEN).exclude(role="").exclude(kind=RESPONSE_CLOCK).update(
        organisation=organisation
    )
    CaseShare.objects.filter(case=case, reason="assignment", ended_at__isnull=True).update(ended_at=timezone.now())
    audit.record(
        actor,
        Action.HANDOFF,
        case,
        {
            "handoff": handoff.pk,
            "kind": handoff.kind,
            "organisation": [before[0], organisation.pk],
            "worker": [before[1], worker.pk if worker else None],
        },
    )


def _assign(actor: User, case: Case, worker: User, handoff: HandOff) -> None:
    before = case.worker_id
    case.worker = worker
    case.save(update_fields=["worker"])
    now = timezone.now()
    CaseShare.objects.filter(case=case, reason="assignment", ended_at__isnull=True).exclude(user=worker).update(
        ended_at=now
    )
    if worker.organisation_id != case.organisation_id and worker.organisation is not None:
        CaseShare.objects.create(
            case=case,
            organisation=worker.organisation,
            user=worker,
            reason="assignment",
            source_id=handoff.pk,
            granted_by=actor,
        )
    tasks.reassign(case, worker, case.organisation)
    audit.record(
        actor, Action.HANDOFF, case, {"handoff": handoff.pk, "kind": handoff.kind, "worker": [before, worker.pk]}
    )


@transaction.atomic
def accept_handoff(actor: User, handoff_id: int) -> HandOff:
    """Accept a hand-off: a referral shares the case with the provider (its service stays referred
    until the provider starts it); a transfer moves the case to the receiving organisation (or, for a
    transfer request, to the requesting one); an assignment gives the case to the addressee."""
    handoff = _lock(actor, handoff_id)
    case = _locked_case(handoff)
    _respond_check(actor, handoff, case)
    if not case.is_open:
        raise ValidationError(_("Kasus ini sudah ditutup; rujukan tidak dapat diterima."))
    if not handoff.override:
        problem = consent_problem(handoff.consent, handoff.purpose) if handoff.consent else basis_required_message()
        if problem:
            substitute = basis_for(case, handoff.purpose)
            if substitute is None:
                raise ValidationError(
                    _(
                        "Dasar rujukan ini tidak berlaku lagi: %(problem)s Organisasi pengirim perlu mencatat dasar yang baru."
                    )
                    % {"problem": problem}
                )
            handoff.consent = substitute
    handoff.status = HandOffStatus.ACCEPTED
    handoff.responded_by = actor
    handoff.responded_at = timezone.now()
    handoff.save(update_fields=["status", "responded_by", "responded_at", "consent"])
    if handoff.kind == HandOffKind.REFERRAL:
        if handoff.to_organisation_id != case.organisation_id:
            CaseShare.objects.create(
                case=case,
                organisation_id=handoff.to_organisation_id,
                reason="referral",
                source_id=handoff.pk,
                granted_by=actor,
            )
    elif handoff.kind == HandOffKind.TRANSFER:
        _move_case(actor, case, handoff.to_organisation, handoff.to_user or actor, handoff)
    elif handoff.kind == HandOffKind.TRANSFER_REQUEST:
        requester = handoff.created_by
        worker = (
            requester if requester.is_active and requester.organisation_id == handoff.from_organisation_id else None
        )
        _move_case(actor, case, handoff.from_organisation, worker, handoff)
    elif handoff.kind == HandOffKind.ASSIGNMENT:
        assert handoff.to_user is not None
        _assign(actor, case, handoff.to_user, handoff)
    tasks.complete(case, RESPONSE_CLOCK, actor, subject=("handoff", handoff.pk))
    audit.record(actor, Action.ACCEPT, handoff, {"status": [HandOffStatus.IN_PROGRESS, HandOffStatus.ACCEPTED]})
    notify(
        [handoff.created_by],
        "handoff_accepted",
        _("%(kind)s kasus %(case)s diterima oleh %(org)s")
        % {"kind": _kind_label(handoff.kind), "case": case.number, "org": handoff.to_organisation.name},
        "",
        detail_url(handoff),
    )
    return handoff


@transaction.atomic
def reject_handoff(actor: User, handoff_id: int, reason: str) -> HandOff:
    """Decline a hand-off with a reason; a referred service becomes "declined by the provider"."""
    handoff = _lock(actor, handoff_id)
    case = _locked_case(handoff)
    _respond_check(actor, handoff, case)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan penolakan agar pengirim dapat mencari jalan lain."))
    handoff.status = HandOffStatus.REJECTED
    handoff.rejection_reason = reason
    handoff.responded_by = actor
    handoff.responded_at = timezone.now()
    handoff.save(update_fields=["status", "rejection_reason", "responded_by", "responded_at"])
    if handoff.service is not None:
        _end_service(actor, handoff.service, ServiceStatus.DECLINED, reason)
    tasks.complete(case, RESPONSE_CLOCK, actor, subject=("handoff", handoff.pk))
    audit.record(
        actor, Action.REJECT, handoff, {"status": [HandOffStatus.IN_PROGRESS, HandOffStatus.REJECTED], "reason": reason}
    )
    notify(
        [handoff.created_by],
        "handoff_rejected",
        _("%(kind)s kasus %(case)s ditolak oleh %(org)s")
        % {"kind": _kind_label(handoff.kind), "case": case.number, "org": handoff.to_organisation.name},
        _("Buka halaman rujukan untuk melihat alasannya."),
        detail_url(handoff),
    )
    return handoff


def _revoke(actor: User, handoff: HandOff, case: Case, reason: str) -> None:
    previous = handoff.status
    handoff.status = HandOffStatus.REVOKED
    handoff.revoked_at = timezone.now()
    handoff.revoked_by = actor
    handoff.revoke_reason = reason
    handoff.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    ended = _end_shares(handoff)
    if previous == HandOffStatus.IN_PROGRESS:
        tasks.cancel(case, RESPONSE_CLOCK, subject=("handoff", handoff.pk))
    audit.record(
        actor,
        Action.REVOKE,
        handoff,
        {"status": [previous, HandOffStatus.REVOKED], "reason": reason, "shares_ended": ended},
    )
    people = (
        receivers(handoff) if previous == HandOffStatus.IN_PROGRESS else _casework_people(handoff.to_organisation_id)
    )
    notify(
        people,
        "handoff_revoked",
        _("%(kind)s kasus %(case)s dibatalkan oleh %(org)s")
        % {"kind": _kind_label(handoff.kind), "case": case.number, "org": handoff.from_organisation.name},
        "",
        detail_url(handoff),
    )


@transaction.atomic
def revoke_handoff(actor: User, handoff_id: int, reason: str) -> HandOff:
    """The sender calls a hand-off off with a reason: a waiting one is withdrawn, an accepted or
    finished referral ends the provider's access to the case (a service not yet finished is
    cancelled)."""
    handoff = _lock(actor, handoff_id)
    case = _locked_case(handoff)
    if not is_sender(actor, handoff):
        raise PermissionDenied(_("Hanya organisasi pengirim yang dapat membatalkan rujukan ini."))
    if not revocable(handoff):
        raise ValidationError(_("Rujukan ini tidak dapat dibatalkan lagi."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Tuliskan alasan pembatalan."))
    _revoke(actor, handoff, case, reason)
    if handoff.service is not None:
        _end_service(actor, handoff.service, ServiceStatus.CANCELLED, reason)
    return handoff


def _complete(actor: User | None, handoff: HandOff) -> None:
    handoff.status = HandOffStatus.DONE
    handoff.done_at = timezone.now()
    handoff.save(update_fields=["status", "done_at"])
    audit.record(actor, Action.COMPLETE, handoff, {"status": [HandOffStatus.ACCEPTED, HandOffStatus.DONE]})


@transaction.atomic
def complete_handoff(actor: User, handoff_id: int) -> HandOff:
    """Mark an accepted hand-off done (a referral is done by itself when its service is completed).
    A finished referral keeps the provider's read access while the case is open."""
    handoff = _lock(actor, handoff_id)
    if not (is_sender(actor, handoff) or _is_casework_member(actor, handoff.to_organisation_id)):
        raise PermissionDenied(_("Hanya organisasi pengirim atau penerima yang dapat menyelesaikan rujukan ini."))
    if handoff.status != HandOffStatus.ACCEPTED:
        raise ValidationError(_("Hanya rujukan yang sudah diterima yang dapat diselesaikan."))
    _complete(actor, handoff)
    return handoff


# --- following other apps --------------------------------------------------------------------


def on_service_status_changed(sender: Any, service: CaseService, actor: User, previous: str, **kwargs: Any) -> None:
    """A referral is done when the service it asked for is completed; cancelling the service (by the
    case's own people) calls the referral off and ends the provider's access."""
    with transaction.atomic():
        if service.status == ServiceStatus.COMPLETED:
            for handoff in HandOff.objects.select_for_update().filter(
                service=service, kind=HandOffKind.REFERRAL, status=HandOffStatus.ACCEPTED
            ):
                _complete(actor, handoff)
        elif service.status == ServiceStatus.CANCELLED:
            for handoff in HandOff.objects.select_for_update().filter(
                service=service,
                kind=HandOffKind.REFERRAL,
                status__in=[HandOffStatus.IN_PROGRESS, HandOffStatus.ACCEPTED],
            ):
                _revoke(actor, handoff, service.case, service.status_reason or _("Layanan dibatalkan."))


def on_approval_decided(sender: Any, approval: Approval, actor: User, **kwargs: Any) -> None:
    """When a case is closed, hand-offs still waiting are called off (with the services they asked
    for) and the access that referrals and assignments gave ends."""
    if approval.kind != ApprovalKind.CLOSURE or approval.status != ApprovalStatus.APPROVED:
        return
    with transaction.atomic():
        case = approval.case
        reason = _("Kasus ditutup.")
        for handoff in HandOff.objects.select_for_update().filter(case=case, status=HandOffStatus.IN_PROGRESS):
            _revoke(actor, handoff, case, reason)
            if handoff.service is not None:
                _end_service(actor, handoff.service, ServiceStatus.CANCELLED, reason)
        CaseShare.objects.filter(case=case, reason__in=SHARE_REASONS, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
