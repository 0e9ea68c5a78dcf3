"""State changes of screening: storing instrument versions, recording a screening (and what a positive
result opens), recording a licensed tool's result.

Each function checks permission, changes state, writes the audit entry, in one transaction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sigap.audit import services as audit
from sigap.audit.models import Action
from sigap.cases import tasks
from sigap.cases.models import OPEN_STATUSES, Case
from sigap.cases.workflow import can_work_on
from sigap.intake import routing
from sigap.intake import services as intake
from sigap.intake.models import Channel, Outcome, Report, Sex
from sigap.people.models import User
from sigap.people.roles import SCREENING_ROLES, Role
from sigap.regions.models import Region

from . import external, instruments
from .instruments import Instrument, InstrumentError
from .models import ExternalResult, InstrumentVersion, Screening, Source

TASK_KIND = "screening_assessment"


# --- Instrument versions ----------------------------------------------------------------------------


def _digest(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def store_version(instrument: Instrument) -> tuple[InstrumentVersion, bool]:
    """Store this version of the instrument once. The same version with a different definition is
    refused: an edited instrument must raise its version so that old results stay as they were."""
    digest = _digest(instrument.definition)
    existing = InstrumentVersion.objects.filter(instrument_id=instrument.id, version=instrument.version).first()
    if existing is not None:
        if existing.digest != digest:
            raise InstrumentError(
                f"{instrument.id}: version {instrument.version} was changed after it was used; raise the version"
            )
        return existing, False
    stored = InstrumentVersion.objects.create(
        instrument_id=instrument.id,
        version=instrument.version,
        definition=instrument.definition,
        digest=digest,
        title=instrument.definition["title"]["id"][:200],
        validation_status=instrument.validation_status,
        licence=instrument.definition["licence"]["name"][:120],
        is_current=False,
    )
    return stored, True


@transaction.atomic
def sync_instruments() -> dict[str, int]:
    """Store every built-in instrument's current version and mark it current."""
    created = 0
    for instrument in instruments.builtin().values():
        stored, new = store_version(instrument)
        created += new
        InstrumentVersion.objects.filter(instrument_id=instrument.id).exclude(pk=stored.pk).update(is_current=False)
        if not stored.is_current:
            InstrumentVersion.objects.filter(pk=stored.pk).update(is_current=True)
    return {"instrument_versions": created}


def current_version(instrument_id: str) -> InstrumentVersion:
    """The version in force of a built-in instrument (stored on first use)."""
    stored = next((v for v in current_versions() if v.instrument_id == instrument_id), None)
    if stored is None:
        raise ValidationError(_("Instrumen tidak dikenal."))
    return stored


def current_versions() -> list[InstrumentVersion]:
    """The versions in force of every built-in instrument, by id (stored on first use)."""
    found = list(InstrumentVersion.objects.filter(is_current=True).order_by("instrument_id"))
    if {v.instrument_id: v.version for v in found} != {i.id: i.version for i in instruments.builtin().values()}:
        sync_instruments()
        found = list(InstrumentVersion.objects.filter(is_current=True).order_by("instrument_id"))
    return found


def version_for(instrument_id: str, version: str | None) -> InstrumentVersion:
    if not version:
        return current_version(instrument_id)
    current_version(instrument_id)  # make sure the shipped versions are stored
    stored = InstrumentVersion.objects.filter(instrument_id=instrument_id, version=version).first()
    if stored is None:
        raise ValidationError(
            _("Versi %(version)s instrumen %(id)s tidak dikenal.") % {"version": version, "id": instrument_id}
        )
    return stored


# --- Screening --------------------------------------------------------------------------------------


@dataclass
class Subject:
    """The child screened, when the screening is not linked to a case."""

    name: str = ""
    age: int | None = None
    sex: str = Sex.UNKNOWN
    region: Region | None = None


def can_screen(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.is_active and actor.role in SCREENING_ROLES)


def _subject_from_links(subject: Subject | None, case: Case | None, report: Report | None) -> Subject:
    result = Subject(**vars(subject)) if subject is not None else Subject()
    if case is not None:
        child = case.child
        result.name = result.name or child.display_name
        result.age = result.age if result.age is not None else child.age()
        result.sex = result.sex if result.sex != Sex.UNKNOWN else child.sex
        result.region = result.region or child.region or case.region
    if report is not None:
        named = report.children.first()
        if named is not None:
            result.name = result.name or named.name
            result.age = result.age if result.age is not None else named.approx_age
            result.sex = result.sex if result.sex != Sex.UNKNOWN else named.sex
        result.region = result.region or report.region
    return result


def _case_of_report(report: Report) -> Case | None:
    if report.outcome in (Outcome.CASE_OPENED, Outcome.ATTACHED):
        return report.cases.filter(status__in=OPEN_STATUSES).order_by("-opened_at").first()
    return None


def _report_text(version: InstrumentVersion, screening: Screening) -> str:
    instrument = version.instrument
    band = instrument.band(screening.band)
    lines = [
        _("Hasil skrining %(title)s (versi %(version)s): %(band)s.")
        % {"title": version.title, "version": version.version, "band": band["label"]["id"]},
    ]
    reasons = [r["text"]["id"] for r in screening.reasons]
    if reasons:
        lines.append(_("Alasan: %(reasons)s.") % {"reasons": "; ".join(reasons)})
    screener = screening.screener
    lines.append(
        _("Diskrining oleh %(name)s (%(org)s) pada %(date)s.")
        % {
            "name": screener.get_full_name() or screener.username,
            "org": screening.screener_org or "-",
            "date": screening.screened_on.isoformat(),
        }
    )
    lines.append(
        _("Status validasi instrumen: %(status)s. Hasil ini berarti anak perlu dinilai, bukan penetapan korban.")
        % {"status": version.get_validation_status_display()}
    )
    return "\n".join(lines)


def _open_follow_up(actor: User, version: InstrumentVersion, screening: Screening, subject: Subject) -> None:
    """What a positive result opens: a task on the child's open case for its organisation, or else a
    report routed to the organisation responsible for the child's area (its triage queue and clock)."""
    trigger = version.definition["triggers"]["positive"]
    hours = version.instrument.task_hours(screening.band)
    case = screening.case if screening.case is not None and screening.case.status in OPEN_STATUSES else None
    if case is None and screening.report is not None:
        case = _case_of_report(screening.report)
        if case is None and screening.report.is_open:
            return  # the linked report is already in its organisation's triage queue
    if case is not None:
        task = tasks.schedule(
            case,
            TASK_KIND,
            subject=("screening", screening.pk),
            title=_("Nilai anak: skrining %(title)s positif") % {"title": version.title},
            due_at=timezone.now() + timedelta(hours=hours),
        )
        screening.task, screening.organisation = task, case.organisation
        screening.save(update_fields=["task", "organisation"])
        return
    report, _created = intake.submit_report(
        intake.ReportInput(
            description=_report_text(version, screening),
            concerns=list(trigger["concerns"]),
            region=subject.region,
            children=[intake.ChildInput(name=subject.name, approx_age=subject.age, sex=subject.sex)],
            channel=Channel.SCREENING,
        ),
        idempotency_key=f"screening-{screening.pk}",
        actor=actor,
    )
    screening.filed_report = report
    screening.organisation_id = report.routed_org_id
    screening.save(update_fields=["filed_report", "organisation"])


def _existing(idempotency_key: str, submission_id: str) -> Screening | None:
    found = Screening.objects.filter(idempotency_key=idempotency_key).first()
    if found is None and submission_id:
        found = Screening.objects.filter(submission_id=submission_id).first()
    return found


def record_screening(
    actor: User,
    instrument_id: str,
    raw_answers: dict[str, Any],
    *,
    idempotency_key: str,
    subject: Subject | None = None,
    case: Case | None = None,
    report: Report | None = None,
    version: str | None = None,
    source: str = Source.WEB,
    submission_id: str = "",
    submitted_by_name: str = "",
    screened_on: date | None = None,
) -> tuple[Screening, bool]:
    """Score and store a screening once per ``idempotency_key`` (and once per ODK ``submission_id``).
    Returns the screening and whether it was created now. Invalid answers raise a ValidationError
    whose ``message_dict`` names each item; a positive result opens the follow-up."""
    if not can_screen(actor):
        raise PermissionDenied(_("Anda tidak berwenang melakukan skrining."))
    key = (idempotency_key or "").strip()[:120]
    if len(key) < 8:
        raise ValidationError(_("Kunci pengiriman tidak valid. Muat ulang formulir lalu kirim lagi."))
    existing = _existing(key, submission_id)
    if existing is not None:
        return existing, False
    if case is not None and not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied(_("Anda tidak berwenang melihat kasus ini."))
    if report is not None and not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise PermissionDenied(_("Anda tidak berwenang melihat laporan ini."))
    stored = version_for(instrument_id, version)
    instrument = stored.instrument
    who = _subject_from_links(subject, case, report)
    raw = dict(raw_answers)
    if "age" in {i["id"] for i in instrument.answerable} and who.age is not None and raw.get("age") in (None, ""):
        raw["age"] = who.age  # an instrument that asks the age gets the known age
    if who.age is None and isinstance(raw.get("age"), int | str) and str(raw["age"]).strip().isdigit():
        who.age = int(str(raw["age"]).strip())
    errors: dict[str, list[str]] = {}
    low, high = instrument.age_range
    if who.age is None:
        errors["child_age"] = [_("Isi usia anak.")]
    elif not low <= who.age <= high:
        errors["child_age"] = [_("Instrumen ini untuk anak usia %(min)s–%(max)s tahun.") % {"min": low, "max": high}]
    if case is None and report is None and who.region is None:
        errors["region"] = [_("Pilih desa/kelurahan tempat anak tinggal.")]
    parsed = instruments.parse_answers(instrument, raw)
    for item_id, message in parsed.errors.items():
        errors[item_id] = [message]
    if errors:
        raise ValidationError(errors)
    outcome = instruments.evaluate(instrument, parsed.answers)
    organisation_id: int | None
    if case is not None:
        organisation_id = case.organisation_id
    elif report is not None:
        organisation_id = report.routed_org_id
    else:
        concerns = instrument.definition.get("triggers", {}).get("positive", {}).get("concerns", ["other"])
        organisation_id, _rule = routing.route(who.region.code if who.region else None, concerns)
    screening = Screening(
        instrument=stored,
        screener=actor,
        screener_org=actor.organisation,
        organisation_id=organisation_id,
        case=case,
        report=report,
        child_name=who.name.strip()[:120],
        child_age=who.age,
        child_sex=who.sex or Sex.UNKNOWN,
        region=who.region,
        answers=parsed.answers,
        score=outcome.score,
        band=outcome.band,
        positive=outcome.positive,
        reasons=outcome.reasons,
        screened_on=screened_on or timezone.localdate(),
        source=source,
        submission_id=submission_id[:100],
        submitted_by_name=submitted_by_name[:120],
        idempotency_key=key,
    )
    try:
        with transaction.atomic():
            screening.save()
            audit.record(
                actor,
                Action.CREATE,
                screening,
                {"instrument": stored.instrument_id, "version": stored.version, "band": outcome.band},
            )
            if outcome.positive:
                _open_follow_up(actor, stored, screening, who)
    except IntegrityError:
        found = _existing(key, submission_id)
        if found is None:
            raise
        return found, False
    return screening, True


def read_screening(actor: User, screening_id: int) -> Screening:
    """The screening if ``actor`` may see it, with the read audited."""
    screening = (
        Screening.objects.visible_to(actor)
        .select_related("instrument", "case", "report", "filed_report", "organisation", "screener")
        .filter(pk=screening_id)
        .first()
    )
    if screening is None:
        raise PermissionDenied(_("Anda tidak berwenang melihat hasil skrining ini."))
    audit.record(actor, Action.VIEW, screening, {})
    return screening


# --- Licensed tools ------------------------------------------------------------------------------------


@transaction.atomic
def record_external_result(
    actor: User,
    case: Case,
    *,
    tool: str,
    tool_version: str,
    administered_on: date,
    score: Decimal | None = None,
    band: str = "",
    screener_name: str = "",
    note: str = "",
) -> ExternalResult:
    """Record the result of a licensed tool used outside Sigap (never its items)."""
    if not can_work_on(actor, case) or actor.role == Role.CADRE:
        raise PermissionDenied(_("Anda tidak berwenang mencatat hasil pada kasus ini."))
    info = external.tools().get(tool)
    if info is None:
        raise ValidationError({"tool": [_("Pilih alat dari daftar.")]})
    errors: dict[str, list[str]] = {}
    if not tool_version.strip():
        errors["tool_version"] = [_("Isi versi alat yang dipakai.")]
    if score is None and not band:
        errors["score"] = [_("Isi skor atau kategori hasil.")]
    if score is not None and not info.takes_score:
        errors["score"] = [_("Alat ini melaporkan kategori hasil, bukan skor.")]
    elif (
        score is not None
        and info.score_min is not None
        and info.score_max is not None
        and not info.score_min <= score <= info.score_max
    ):
        errors["score"] = [_("Skor harus antara %(min)s dan %(max)s.") % {"min": info.score_min, "max": info.score_max}]
    if band and band not in {code for code, _name_id, _name_en in info.bands}:
        errors["band"] = [_("Pilih kategori hasil dari daftar.")]
    if administered_on > timezone.localdate():
        errors["administered_on"] = [_("Tanggal tidak boleh di masa depan.")]
    if errors:
        raise ValidationError(errors)
    result = ExternalResult.objects.create(
        case=case,
        tool=tool,
        tool_version=tool_version.strip()[:40],
        score=score,
        band=band,
        administered_on=administered_on,
        screener=actor,
        screener_name=screener_name.strip()[:120],
        organisation=case.organisation,
        note=note.strip(),
    )
    audit.record(actor, Action.CREATE, result, {"tool": tool, "version": result.tool_version})
    return result
