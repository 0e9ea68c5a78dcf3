"""State changes of assessments, best-interests assessments and determinations, and identification
decisions; the gates they put on the case workflow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases import tasks, workflow
from sigap.cases.models import Approval, ApprovalKind, ApprovalStatus, Case, CaseStatus
from sigap.identity.models import FamilyMember
from sigap.intake.models import RiskLevel
from sigap.people.models import User

from . import reference
from .models import (
    DOMAINS,
    OPEN_ASSESSMENT_STATUSES,
    Assessment,
    AssessmentKind,
    AssessmentStatus,
    BestInterestsAssessment,
    BestInterestsDetermination,
    CareOption,
    ConcernLevel,
    DecisionOrgType,
    ExploitationForm,
    ExploitationPurpose,
    Identification,
    IdentificationStatus,
    TraffickingAct,
    TraffickingMeans,
)

ASSESSMENT_FIELDS: tuple[str, ...] = (
    *(name for text, concern, _label in DOMAINS for name in (text, concern)),
    "mental_health_scores",
    "child_views",
    "recommended_risk",
)
CONCERN_FIELDS = frozenset(concern for _text, concern, _label in DOMAINS)
# Stages in which an identification decision may be recorded: identification and later, not closed.
IDENTIFICATION_STAGES: tuple[str, ...] = (
    CaseStatus.IDENTIFICATION,
    CaseStatus.CASE_PLAN,
    CaseStatus.IMPLEMENTATION,
    CaseStatus.FOLLOW_UP,
    CaseStatus.CLOSURE_PROPOSED,
)
BID_MIN_PANEL = 3
BID_MIN_OPTIONS = 2


def _required(value: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError(message)
    return value


def _not_in_future(day: date | None, message: str) -> date:
    if day is None:
        raise ValidationError(_("Isi tanggal."))
    if day > timezone.localdate():
        raise ValidationError(message)
    return day


# --- the biopsychosocial assessment ----------------------------------------------------------


def clean_scores(scores: dict[str, Any] | None) -> dict[str, int | float]:
    """Screening scores keyed by instrument code, each within the instrument's range. Empty values
    are dropped. Only totals are kept: an instrument's items are never recorded."""
    known = reference.instruments()
    out: dict[str, int | float] = {}
    for code, raw in (scores or {}).items():
        if raw is None or raw == "":
            continue
        instrument = known.get(code)
        if instrument is None:
            raise ValidationError(_("Instrumen skrining tidak dikenal: %(code)s") % {"code": code})
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            raise ValidationError(_("Skor %(name)s harus berupa angka.") % {"name": instrument.name}) from None
        if not instrument.score_min <= value <= instrument.score_max:
            raise ValidationError(
                _("Skor %(name)s harus antara %(min)s dan %(max)s.")
                % {"name": instrument.name, "min": instrument.score_min, "max": instrument.score_max}
            )
        if instrument.decimal:
            out[code] = float(round(value, 2))
        elif value != value.to_integral_value():
            raise ValidationError(_("Skor %(name)s harus bilangan bulat.") % {"name": instrument.name})
        else:
            out[code] = int(value)
    return out


def _clean_assessment_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(ASSESSMENT_FIELDS)
    if unknown:
        raise ValidationError(_("Isian asesmen tidak dikenal: %(names)s") % {"names": ", ".join(sorted(unknown))})
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "mental_health_scores":
            out[name] = clean_scores(value)
        elif name in CONCERN_FIELDS:
            if (value or "") not in ("", *ConcernLevel.values):
                raise ValidationError(_("Tingkat kekhawatiran tidak dikenal."))
            out[name] = value or ""
        elif name == "recommended_risk":
            if (value or "") not in ("", *RiskLevel.values):
                raise ValidationError(_("Pilih tingkat risiko."))
            out[name] = value or ""
        else:
            out[name] = (value or "").strip()
    return out


def _apply(assessment: Assessment, fields: dict[str, Any]) -> list[str]:
    """Set ``fields`` on the assessment; the names of those that changed (never their content,
    which stays out of the audit log)."""
    changed = []
    for name, value in fields.items():
        if getattr(assessment, name) != value:
            setattr(assessment, name, value)
            changed.append(name)
    return changed


def _assessment_for_work(actor: User, assessment_id: int) -> tuple[Assessment, Case]:
    """The assessment and its case, both locked, if ``actor`` may change them."""
    found = Assessment.objects.visible_to(actor).filter(pk=assessment_id).values_list("case_id", flat=True).first()
    if found is None:
        raise PermissionDenied(_("Asesmen tidak ditemukan dalam cakupan akses Anda."))
    case = workflow.access_case_for_work(found, actor)
    assessment = Assessment.objects.select_for_update().get(pk=assessment_id)
    assessment.case = case
    return assessment, case


@transaction.atomic
def create_assessment(actor: User, case_id: int, *, kind: str | None = None, **fields: Any) -> Assessment:
    """Start a draft assessment of the case (initial, or a review once one has been approved)."""
    case = workflow.access_case_for_work(case_id, actor)
    if Assessment.objects.filter(case=case, status__in=OPEN_ASSESSMENT_STATUSES).exists():
        raise ValidationError(_("Kasus ini masih memiliki asesmen yang belum diputuskan. Lanjutkan asesmen tersebut."))
    if kind is None:
        approved = Assessment.objects.filter(case=case, status=AssessmentStatus.APPROVED).exists()
        kind = AssessmentKind.REVIEW if approved else AssessmentKind.INITIAL
    if kind not in AssessmentKind.values:
        raise ValidationError(_("Pilih jenis asesmen."))
    assessment = Assessment(case=case, kind=kind, created_by=actor)
    changed = _apply(assessment, _clean_assessment_fields(fields))
    assessment.save()
    audit.record(actor, Action.CREATE, assessment, {"kind": kind, "fields": changed})
    return assessment


@transaction.atomic
def update_assessment(actor: User, assessment_id: int, **fields: Any) -> Assessment:
    """Change a draft (or a rejected assessment, which becomes a draft again to be resubmitted)."""
    assessment, case = _assessment_for_work(actor, assessment_id)
    if not assessment.is_editable:
        raise ValidationError(_("Asesmen yang sedang diajukan atau sudah disetujui tidak dapat diubah."))
    cleaned = _clean_assessment_fields(fields)
    changes: dict[str, Any] = {"fields": _apply(assessment, cleaned)}
    if assessment.status == AssessmentStatus.REJECTED:
        other = Assessment.objects.filter(case=case, status__in=OPEN_ASSESSMENT_STATUSES).exclude(pk=assessment.pk)
        if other.exists():
            raise ValidationError(_("Kasus ini sudah memiliki draf asesmen lain. Lanjutkan draf tersebut."))
        changes["status"] = [assessment.status, AssessmentStatus.DRAFT]
        assessment.status = AssessmentStatus.DRAFT
    assessment.updated_at = timezone.now()
    assessment.save()
    audit.record(actor, Action.UPDATE, assessment, changes)
    return assessment


@transaction.atomic
def submit_assessment(actor: User, assessment_id: int, comment: str = "") -> Assessment:
    """Submit a complete draft for a supervisor's approval. A recommended risk level different from
    the case's changes the case's level now, with the assessment as the reason."""
    assessment, case = _assessment_for_work(actor, assessment_id)
    if assessment.status != AssessmentStatus.DRAFT:
        raise ValidationError(_("Hanya draf asesmen yang dapat diajukan."))
    missing = assessment.missing()
    if missing:
        raise ValidationError(
            _("Lengkapi asesmen sebelum diajukan: %(missing)s.") % {"missing": ", ".join(missing).lower()}
        )
    comment = (comment or "").strip()
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    audit.record(actor, Action.REQUEST, assessment, {"status": [AssessmentStatus.DRAFT, AssessmentStatus.SUBMITTED]})
    # A submitted assessment answers the assessment a positive screening asked for.
    tasks.complete(case, "screening_assessment", actor)
    if assessment.recommended_risk != case.risk_level:
        reason = _("Rekomendasi asesmen biopsikososial (%(kind)s).") % {"kind": assessment.get_kind_display().lower()}
        workflow.review_risk(actor, case.pk, assessment.recommended_risk, f"{reason} {comment}".strip())
    workflow.request_approval(actor, case.pk, ApprovalKind.ASSESSMENT, comment=comment, subject_id=assessment.pk)
    return assessment


def on_approval_decided(sender: Any, approval: Approval, actor: User, **kwargs: Any) -> None:
    """Mark the submitted assessment approved or rejected with the supervisor's decision."""
    if approval.kind != ApprovalKind.ASSESSMENT or approval.subject_id is None:
        return
    assessment = (
        Assessment.objects.select_for_update()
        .filter(pk=approval.subject_id, case_id=approval.case_id, status=AssessmentStatus.SUBMITTED)
        .first()
    )
    if assessment is None:
        return
    approved = approval.status == ApprovalStatus.APPROVED
    before = assessment.status
    assessment.status = AssessmentStatus.APPROVED if approved else AssessmentStatus.REJECTED
    assessment.decided_at = approval.decided_at or timezone.now()
    assessment.decision_comment = approval.decision_comment
    assessment.save(update_fields=["status", "decided_at", "decision_comment"])
    audit.record(
        actor,
        Action.APPROVE if approved else Action.REJECT,
        assessment,
        {"status": [before, assessment.status], "comment": approval.decision_comment},
    )


def latest_assessment(case: Case) -> Assessment | None:
    return Assessment.objects.filter(case=case).order_by("-created_at", "-pk").first()


def assessment_ready(case: Case) -> str | None:
    """Gate ``request:assessment``: a complete draft or submitted assessment exists."""
    for assessment in Assessment.objects.filter(case=case, status__in=OPEN_ASSESSMENT_STATUSES):
        if assessment.is_complete:
            return None
    return _(
        "Lengkapi asesmen biopsikososial (semua ranah, pandangan anak dan rekomendasi tingkat risiko) "
        "sebelum meminta persetujuan."
    )


# --- best interests --------------------------------------------------------------------------


@transaction.atomic
def record_bia(
    actor: User,
    case_id: int,
    *,
    assessed_on: date | None,
    participants: str,
    summary: str,
    child_views: str,
    recommendation: str,
) -> BestInterestsAssessment:
    """Record a best-interests assessment (BIA)."""
    case = workflow.access_case_for_work(case_id, actor)
    bia = BestInterestsAssessment.objects.create(
        case=case,
        assessed_on=_not_in_future(assessed_on, _("Tanggal BIA tidak boleh di masa depan.")),
        participants=_required(participants, _("Tuliskan siapa yang melakukan dan terlibat dalam BIA.")),
        summary=_required(summary, _("Tuliskan ringkasan situasi anak.")),
        child_views=_required(
            child_views, _("Tuliskan pandangan anak. Jika anak tidak dapat menyampaikannya, jelaskan alasannya.")
        ),
        recommendation=_required(recommendation, _("Tuliskan rekomendasi BIA.")),
        recorded_by=actor,
    )
    audit.record(actor, Action.CREATE, bia, {"assessed_on": bia.assessed_on.isoformat()})
    return bia


def clean_panel(panel: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Panel members as [{"name", "role"}]: blank rows dropped, each needs both, at least three."""
    out: list[dict[str, str]] = []
    for member in panel:
        name, role = str(member.get("name", "")).strip(), str(member.get("role", "")).strip()
        if not (name or role):
            continue
        if not (name and role):
            raise ValidationError(_("Setiap anggota panel perlu nama dan peran atau lembaga."))
        if name.casefold() in {m["name"].casefold() for m in out}:
            raise ValidationError(_("Anggota panel %(name)s tercatat dua kali.") % {"name": name})
        out.append({"name": name[:120], "role": role[:200]})
    if len(out) < BID_MIN_PANEL:
        raise ValidationError(
            _("Panel BID terdiri atas sekurang-kurangnya %(n)d orang dengan peran atau lembaga masing-masing.")
            % {"n": BID_MIN_PANEL}
        )
    return out


def clean_options(options: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Care options considered as [{"option", "notes"}]: distinct known codes, at least two."""
    out: list[dict[str, str]] = []
    for item in options:
        code, notes = str(item.get("option", "")), str(item.get("notes", "")).strip()
        if code not in CareOption.values:
            raise ValidationError(_("Pilihan pengasuhan tidak dikenal: %(code)s") % {"code": code})
        if code in {o["option"] for o in out}:
            raise ValidationError(_("Setiap pilihan cukup dicatat satu kali."))
        if code == CareOption.OTHER and not notes:
            raise ValidationError(_("Jelaskan pilihan pengasuhan lainnya yang dipertimbangkan."))
        out.append({"option": code, "notes": notes})
    if len(out) < BID_MIN_OPTIONS:
        raise ValidationError(
            _("Pertimbangkan sekurang-kurangnya %(n)d pilihan pengasuhan sebelum memutuskan.") % {"n": BID_MIN_OPTIONS}
        )
    return out


@transaction.atomic
def record_bid(
    actor: User,
    case_id: int,
    *,
    panel: Iterable[dict[str, Any]],
    options: Iterable[dict[str, Any]],
    child_views: str,
    decision: str,
    reasons: str,
    decided_on: date | None,
) -> BestInterestsDetermination:
    """Record a best-interests determination (BID) by a panel; it supersedes the current one."""
    case = workflow.access_case_for_work(case_id, actor)
    clean_panel_ = clean_panel(panel)
    clean_options_ = clean_options(options)
    child_views = _required(
        child_views, _("Tuliskan pandangan anak. Jika anak tidak dapat menyampaikannya, jelaskan alasannya.")
    )
    if decision not in {o["option"] for o in clean_options_}:
        raise ValidationError(_("Keputusan harus salah satu pilihan yang dipertimbangkan."))
    reasons = _required(reasons, _("Tuliskan alasan keputusan."))
    decided_on = _not_in_future(decided_on, _("Tanggal keputusan tidak boleh di masa depan."))
    now = timezone.now()
    previous = (
        BestInterestsDetermination.objects.select_for_update().filter(case=case, superseded_at__isnull=True).first()
    )
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    bid = BestInterestsDetermination.objects.create(
        case=case,
        panel=clean_panel_,
        options=clean_options_,
        child_views=child_views,
        decision=decision,
        reasons=reasons,
        decided_on=decided_on,
        recorded_by=actor,
        recorded_at=now,
    )
    if previous is not None:
        previous.superseded_by = bid
        previous.save(update_fields=["superseded_by"])
        audit.record(actor, Action.UPDATE, previous, {"superseded_by": bid.pk})
    audit.record(
        actor,
        Action.CREATE,
        bid,
        {
            "decision": decision,
            "options": [o["option"] for o in clean_options_],
            "panel_size": len(clean_panel_),
            "decided_on": decided_on.isoformat(),
            "supersedes": previous.pk if previous else None,
        },
    )
    return bid


def current_bid(case: Case) -> BestInterestsDetermination | None:
    return BestInterestsDetermination.objects.filter(case=case, superseded_at__isnull=True).first()


def family_return_allowed(case: Case) -> str | None:
    """Gate ``service:family_return``: ``None`` when the child may be returned to the family, or
    the reason they may not: a family member is suspected of involvement and no current
    best-interests determination has decided on return to the family."""
    suspected = FamilyMember.objects.filter(child_id=case.child_id, suspected_involvement=True).exists()
    if not suspected:
        return None
    if BestInterestsDetermination.objects.filter(
        case=case, superseded_at__isnull=True, decision=CareOption.RETURN_TO_FAMILY
    ).exists():
        return None
    return _(
        "Anak tidak dapat dikembalikan ke keluarga yang salah satu anggotanya diduga terlibat sebelum ada "
        "penentuan kepentingan terbaik (BID) yang memutuskan demikian."
    )


# --- identification --------------------------------------------------------------------------


def _codes(values: Iterable[str] | None, allowed: Iterable[str], what: str) -> list[str]:
    allowed = set(allowed)
    out: list[str] = []
    for v in values or ():
        if v not in allowed:
            raise ValidationError(_("Pilihan %(what)s tidak dikenal: %(code)s") % {"what": what, "code": v})
        if v not in out:
            out.append(v)
    return out


@transaction.atomic
def record_identification(
    actor: User,
    case_id: int,
    *,
    status: str,
    forms: Iterable[str] = (),
    acts: Iterable[str] = (),
    means: Iterable[str] = (),
    purposes: Iterable[str] = (),
    ilo_indicators: Iterable[str] = (),
    other_description: str = "",
    evidence_notes: str,
    decision_org_type: str,
    decided_by: str,
    decided_on: date | None,
) -> Identification:
    """Record the identification decision; a new decision supersedes the current one (history kept).

    All our subjects are children: trafficking needs an act and a purpose, and the means are
    recorded when known but never required (Palermo Protocol art. 3(c); UU 21/2007)."""
    case = workflow.access_case_for_work(case_id, actor)
    if case.status not in IDENTIFICATION_STAGES:
        raise ValidationError(
            _("Keputusan identifikasi dapat dicatat mulai tahap identifikasi (kasus kini pada tahap %(stage)s).")
            % {"stage": case.get_status_display().lower()}
        )
    if status not in IdentificationStatus.values:
        raise ValidationError(_("Pilih keputusan identifikasi."))
    forms_ = _codes(forms, ExploitationForm.values, _("bentuk eksploitasi"))
    acts_ = _codes(acts, TraffickingAct.values, _("perbuatan"))
    means_ = _codes(means, TraffickingMeans.values, _("cara"))
    purposes_ = _codes(purposes, ExploitationPurpose.values, _("tujuan eksploitasi"))
    indicators_ = _codes(ilo_indicators, reference.ilo_indicators(), _("indikator ILO"))
    other_description = (other_description or "").strip()
    trafficking = ExploitationForm.TRAFFICKING in forms_
    forced_labour = ExploitationForm.FORCED_LABOUR_CHILDREN in forms_
    other = ExploitationForm.OTHER_EXPLOITATION in forms_
    if status == IdentificationStatus.NOT_IDENTIFIED and forms_:
        raise ValidationError(_("Keputusan tidak teridentifikasi sebagai korban tidak disertai bentuk eksploitasi."))
    if status != IdentificationStatus.NOT_IDENTIFIED and not forms_:
        raise ValidationError(_("Pilih sekurang-kurangnya satu bentuk eksploitasi."))
    if trafficking and not (acts_ and purposes_):
        raise ValidationError(
            _(
                "Untuk perdagangan anak, pilih sekurang-kurangnya satu perbuatan dan satu tujuan eksploitasi. "
                "Unsur cara tidak diperlukan bagi anak."
            )
        )
    if not trafficking and (acts_ or means_ or purposes_):
        raise ValidationError(_("Perbuatan, cara dan tujuan eksploitasi hanya diisi untuk bentuk perdagangan anak."))
    if forced_labour and not indicators_:
        raise ValidationError(_("Untuk kerja paksa anak, centang sekurang-kurangnya satu indikator kerja paksa ILO."))
    if not forced_labour and indicators_:
        raise ValidationError(_("Indikator kerja paksa ILO hanya diisi untuk bentuk kerja paksa anak."))
    if other and not other_description:
        raise ValidationError(_("Uraikan bentuk eksploitasi lainnya."))
    if not other and other_description:
        raise ValidationError(_("Uraian eksploitasi lainnya hanya diisi jika bentuk eksploitasi lainnya dipilih."))
    evidence_notes = _required(evidence_notes, _("Tuliskan catatan singkat dasar keputusan identifikasi."))
    if decision_org_type not in DecisionOrgType.values:
        raise ValidationError(_("Pilih jenis lembaga yang memutuskan."))
    decided_by = _required(decided_by, _("Tuliskan siapa yang memutuskan (jabatan atau tim dan lembaganya)."))
    decided_on = _not_in_future(decided_on, _("Tanggal keputusan tidak boleh di masa depan."))

    now = timezone.now()
    previous = Identification.objects.select_for_update().filter(case=case, superseded_at__isnull=True).first()
    version = (Identification.objects.filter(case=case).aggregate(m=Max("version"))["m"] or 0) + 1
    if previous is not None:
        previous.superseded_at = now
        previous.save(update_fields=["superseded_at"])
    decision = Identification.objects.create(
        case=case,
        version=version,
        status=status,
        forms=forms_,
        acts=acts_,
        means=means_,
        purposes=purposes_,
        ilo_indicators=indicators_,
        other_description=other_description,
        evidence_notes=evidence_notes,
        decision_org_type=decision_org_type,
        decided_by=decided_by[:200],
        decided_on=decided_on,
        recorded_by=actor,
        recorded_at=now,
    )
    if previous is not None:
        previous.superseded_by = decision
        previous.save(update_fields=["superseded_by"])
        audit.record(actor, Action.UPDATE, previous, {"superseded_by": decision.pk})
    audit.record(
        actor,
        Action.CREATE,
        decision,
        {
            "status": status,
            "forms": forms_,
            "version": version,
            "decision_org_type": decision_org_type,
            "supersedes": previous.pk if previous else None,
        },
    )
    return decision


def current_identification(case: Case) -> Identification | None:
    return Identification.objects.filter(case=case, superseded_at__isnull=True).first()


def identification_exists(case: Case) -> str | None:
    """Gate ``enter:case_plan``: an identification decision must have been recorded."""
    if Identification.objects.filter(case=case, superseded_at__isnull=True).exists():
        return None
    return _("Catat keputusan identifikasi sebelum menyusun rencana kasus.")
