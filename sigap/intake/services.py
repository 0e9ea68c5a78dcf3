"""State changes of reports: submit (with routing), triage, close.

Each function checks permission, changes state, writes the audit entry, in one transaction.
Views and API endpoints only parse, call and render.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.people.models import User
from sigap.people.roles import OPERATOR_ROLES, REPORTER_ROLES, TRIAGE_ROLES
from sigap.regions.models import Region

from . import routing
from .models import (
    Channel,
    CloseReason,
    Outcome,
    Report,
    ReportConcern,
    ReportedChild,
    ResponseClock,
    RiskLevel,
    Sex,
    Status,
)


@dataclass
class ChildInput:
    name: str = ""
    approx_age: int | None = None
    sex: str = Sex.UNKNOWN


@dataclass
class ReportInput:
    description: str
    concerns: list[str]
    region: Region | None = None
    location_detail: str = ""
    occurred_on: date | None = None
    occurred_text: str = ""
    children: list[ChildInput] = field(default_factory=list)
    anonymous: bool = False
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    consent_to_contact: bool = False
    channel: str = Channel.WEB


# --- Submission ---------------------------------------------------------------------------------


def _channel_for(actor: User | None, requested: str) -> str:
    if actor is None or not actor.is_authenticated:
        return Channel.WEB
    if actor.role in OPERATOR_ROLES or actor.role in REPORTER_ROLES:
        return requested if requested in Channel.values else Channel.WEB
    return Channel.WEB


def submit_report(data: ReportInput, idempotency_key: str, actor: User | None = None) -> tuple[Report, bool]:
    """File a report once per ``idempotency_key``. Returns the report and whether it was created now;
    a retry or a double click with the same key returns the first report (the unique key decides, so
    concurrent twins cannot both be stored)."""
    key = (idempotency_key or "").strip()[:64]
    if len(key) < 8:
        raise ValidationError(_("Kunci pengiriman tidak valid. Muat ulang formulir lalu kirim lagi."))
    if not data.description.strip():
        raise ValidationError(_("Ceritakan apa yang terjadi."))
    if not data.concerns:
        raise ValidationError(_("Pilih minimal satu jenis kekhawatiran."))
    authenticated = actor is not None and actor.is_authenticated
    now = timezone.now()
    report = Report(
        idempotency_key=key,
        channel=_channel_for(actor, data.channel),
        description=data.description.strip(),
        region=data.region,
        location_detail=data.location_detail.strip(),
        occurred_on=data.occurred_on,
        occurred_text=data.occurred_text.strip(),
        anonymous=data.anonymous,
        reporter_name="" if data.anonymous else data.reporter_name.strip(),
        reporter_phone="" if data.anonymous else data.reporter_phone.strip(),
        reporter_email="" if data.anonymous else data.reporter_email.strip(),
        consent_to_contact=False if data.anonymous else data.consent_to_contact,
        reporter_user=actor if authenticated and actor.role in REPORTER_ROLES else None,  # type: ignore[union-attr]
        received_by=actor if authenticated and actor.role in OPERATOR_ROLES else None,  # type: ignore[union-attr]
        received_at=now,
        # Until someone triages it, a report runs on the shortest (high-risk) clock.
        first_contact_due=now + timedelta(hours=ResponseClock.hours_for(RiskLevel.HIGH)),
    )
    org_id, rule_id = routing.route(data.region.code if data.region else None, data.concerns)
    report.routed_org_id, report.routed_rule_id, report.routed_at = org_id, rule_id, now
    try:
        with transaction.atomic():
            report.save()
            ReportConcern.objects.bulk_create(
                [ReportConcern(report=report, concern=c) for c in dict.fromkeys(data.concerns)]
            )
            ReportedChild.objects.bulk_create(
                [
                    ReportedChild(report=report, name=c.name.strip(), approx_age=c.approx_age, sex=c.sex or Sex.UNKNOWN)
                    for c in data.children
                ]
            )
            audit.record(
                actor,
                Action.CREATE,
                report,
                {"channel": report.channel, "routed_org": org_id, "rule": rule_id},
            )
    except IntegrityError:
        # The key was used before (a retry, a double click, or a concurrent twin): that is the report.
        existing = Report.objects.filter(idempotency_key=key).first()
        if existing is None:
            raise
        return existing, False
    return report, True


# --- Triage and outcomes --------------------------------------------------------------------------


def can_triage(actor: Any, report: Report) -> bool:
    return (
        actor is not None
        and actor.is_authenticated
        and actor.role in TRIAGE_ROLES
        and Report.objects.visible_to(actor).filter(pk=report.pk).exists()
    )


def access_report_for_triage(report_id: int, actor: User) -> Report:
    """The report, locked for update, if ``actor`` may triage it; else PermissionDenied."""
    report = Report.objects.select_for_update().filter(pk=report_id).first()
    if report is None or not can_triage(actor, report):
        raise PermissionDenied(_("Anda tidak berwenang menangani laporan ini."))
    return report


def _triage_state(report: Report) -> dict[str, str]:
    return {
        "risk_level": report.risk_level,
        "risk_reason": report.risk_reason,
        "due": report.first_contact_due.isoformat(),
    }


@transaction.atomic
def triage_report(actor: User, report_id: int, risk_level: str, reason: str) -> Report:
    report = access_report_for_triage(report_id, actor)
    if risk_level not in RiskLevel.values:
        raise ValidationError(_("Pilih tingkat risiko: tinggi, sedang, atau rendah."))
    if not reason.strip():
        raise ValidationError(_("Tuliskan alasan penilaian risiko."))
    if not report.is_open:
        raise ValidationError(_("Laporan ini sudah selesai ditindaklanjuti."))
    old = _triage_state(report)
    report.risk_level = risk_level
    report.risk_reason = reason.strip()
    report.triaged_at = timezone.now()
    report.triaged_by = actor
    report.first_contact_due = report.received_at + timedelta(hours=ResponseClock.hours_for(risk_level))
    report.status = Status.IN_PROGRESS
    report.save()
    new = _triage_state(report)
    audit.record(actor, Action.TRIAGE, report, {k: [old[k], new[k]] for k in new if old[k] != new[k]})
    return report


def require_open_and_triaged(report: Report) -> None:
    if not report.is_open:
        raise ValidationError(_("Laporan ini sudah selesai ditindaklanjuti."))
    if not report.risk_level:
        raise ValidationError(_("Nilai tingkat risiko laporan ini terlebih dahulu."))


def set_outcome(actor: User, report: Report, outcome: str, *, reason: str = "", note: str = "") -> None:
    """Record the outcome of a report (inside the caller's transaction) and audit it."""
    report.outcome = outcome
    report.close_reason = reason
    report.outcome_note = note.strip()
    report.outcome_at = timezone.now()
    report.outcome_by = actor
    report.status = Status.CLOSED if outcome == Outcome.CLOSED else Status.IN_PROGRESS
    report.save()
    action = {Outcome.CLOSED: Action.CLOSE, Outcome.ATTACHED: Action.ATTACH}.get(Outcome(outcome), Action.OPEN_CASE)
    audit.record(actor, action, report, {"outcome": outcome, "reason": reason, "note": report.outcome_note})


@transaction.atomic
def close_report(actor: User, report_id: int, reason: str, note: str = "") -> Report:
    report = access_report_for_triage(report_id, actor)
    if reason not in CloseReason.values:
        raise ValidationError(_("Pilih alasan penutupan."))
    if not report.is_open:
        raise ValidationError(_("Laporan ini sudah selesai ditindaklanjuti."))
    if reason == CloseReason.DUPLICATE and not note.strip():
        raise ValidationError(_("Sebutkan kode laporan yang sama di catatan."))
    set_outcome(actor, report, Outcome.CLOSED, reason=reason, note=note)
    return report
