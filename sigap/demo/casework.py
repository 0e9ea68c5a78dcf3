"""Demo case work: the demo case worker's cases carried through the workflow by the real services.

The bulk generator writes reports and cases as a data load (status "terdaftar", no tasks). This step
then (1) gives every open demo case its first-contact clock, met for most older cases and missed
for some, and (2) takes a few dozen of the demo case worker's cases through assessment,
identification, plan, a referral to the social office, follow-up and closure, as the demo worker
and supervisor would — through the same service functions the pages call, so every step is in the
audit log and every clock is a real task. Seeded: the same seed gives the same stages.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sigap.assessments import services as assessments
from sigap.cases import services as cases
from sigap.cases import workflow
from sigap.cases.models import Case, CaseStatus, FollowUp, Task, TaskStatus
from sigap.intake.models import ResponseClock
from sigap.people.models import User
from sigap.plans import services as plans
from sigap.plans.models import CaseService
from sigap.referrals import services as referrals

# How many of the demo worker's cases end in each stage.
STAGES = [
    ("assessment", 5),
    ("assessment_submitted", 4),
    ("identification", 4),
    ("case_plan_submitted", 4),
    ("implementation", 6),
    ("referral_accepted", 6),
    ("follow_up", 4),
    ("closure_proposed", 2),
    ("closed", 4),
]

DOMAINS = {
    "safety": "Anak tinggal bersama ibu; tidak ada ancaman langsung di rumah saat ini.",
    "health": "Sehat secara umum; belum imunisasi lanjutan.",
    "mental_health": "Anak tampak cemas saat membicarakan tempat kerja; perlu layanan psikologis.",
    "education": "Putus sekolah sejak kelas 5; ingin kembali bersekolah.",
    "family": "Ibu pengasuh utama; ayah bekerja di luar kota.",
    "economic": "Penghasilan keluarga tidak tetap; belum terdaftar PKH.",
}


def _first_contact_clocks(rng: random.Random, org_ids: list[int]) -> int:
    """A first-contact task for every open demo case without one: met for most cases older than
    their clock, missed for about one in eight, still running for recent ones."""
    now = timezone.now()
    hours = ResponseClock.effective_table()
    open_cases = (
        Case.objects.filter(organisation_id__in=org_ids, status=CaseStatus.REGISTERED, tasks__isnull=True)
        .select_related("worker")
        .order_by("pk")
    )
    rows, met = [], []
    for case in open_cases.iterator(chunk_size=1000):
        due = case.opened_at + timedelta(hours=hours.get(case.risk_level, 24))
        task = Task(
            case=case,
            kind="first_contact",
            title="Kontak pertama dengan anak",
            organisation_id=case.organisation_id,
            assignee=case.worker,
            starts_at=case.opened_at,
            due_at=due,
        )
        if due < now and rng.random() > 0.12:
            contact = case.opened_at + (due - case.opened_at) * rng.uniform(0.2, 0.9)
            task.status, task.done_at, task.done_by = TaskStatus.DONE, contact, case.worker
            met.append((case.pk, contact))
        rows.append(task)
    Task.objects.bulk_create(rows, batch_size=1000)
    for pk, contact in met:
        Case.objects.filter(pk=pk).update(first_contact_at=contact)
    return len(rows)


def _assess(worker: User, case: Case, *, submit: bool) -> None:
    workflow.record_first_contact(worker, case.pk)
    workflow.move_to(worker, case.pk, "assessment")
    a = assessments.create_assessment(
        worker,
        case.pk,
        **{k: v for k, v in DOMAINS.items()},
        **{f"{k}_concern": "medium" for k in DOMAINS},
        child_views="Anak ingin berhenti bekerja dan kembali bersekolah.",
        recommended_risk=case.risk_level,
    )
    if submit:
        assessments.submit_assessment(worker, a.pk, "Asesmen awal selesai, mohon ditinjau.")


def _approve(supervisor: User, case: Case, kind: str) -> None:
    approval = case.approvals.get(kind=kind, status="pending")
    workflow.decide_approval(supervisor, approval.pk, approve=True, comment="Disetujui.")


def _identify(worker: User, case: Case) -> None:
    assessments.record_identification(
        worker,
        case.pk,
        status="potential",
        forms=["worst_forms_child_labour"],
        evidence_notes="Anak bekerja lebih dari 8 jam sehari di tempat berbahaya menurut keterangan anak dan tetangga.",
        decision_org_type="government",
        decided_by="Tim UPTD PPA",
        decided_on=timezone.localdate(),
    )
    workflow.move_to(worker, case.pk, "case_plan")


def _plan(worker: User, case: Case) -> None:
    plan = plans.create_plan(
        worker,
        case.pk,
        "Anak aman dari pekerjaan berbahaya, kembali bersekolah dan keluarga mendapat dukungan ekonomi.",
        "Kunjungan rumah dua mingguan; koordinasi dengan sekolah dan Dinas Sosial.",
        timezone.localdate() + timedelta(days=180),
    )
    plans.add_goal(worker, plan.pk, "Anak kembali bersekolah dalam tiga bulan.")
    plans.add_goal(worker, plan.pk, "Keluarga terdaftar dalam program perlindungan sosial (PKH).")
    plans.add_service(worker, case.pk, "case_management", case.organisation_id, plan_id=plan.pk)
    plans.add_service(worker, case.pk, "accompaniment", case.organisation_id, plan_id=plan.pk)
    plans.submit_plan(worker, plan.pk, "Rencana kasus siap ditinjau.")


def _refer(worker: User, case: Case, social: Any, social_worker: User | None, *, accept: bool) -> None:
    consent = referrals.record_consent(
        worker,
        case.pk,
        purpose="referral_services",
        basis="legal_obligation",
        law="uu_35_2014",
        scope="Data identitas dasar anak dan kebutuhan layanan untuk Dinas Sosial.",
        given_by_child=True,
    )
    note = cases.add_note(worker, case.pk, "Anak sudah bersedia mengikuti rehabilitasi sosial.", shareable=True)
    handoff = referrals.create_handoff(
        worker,
        case.pk,
        "referral",
        social.pk,
        service_type="social_rehabilitation",
        details="Mohon rehabilitasi sosial dan pendampingan keluarga.",
        consent_id=consent.pk,
        shared_note_ids=[note.pk],
    )
    if accept and social_worker is not None:
        referrals.accept_handoff(social_worker, handoff.pk)
        service = CaseService.objects.get(case=case, provider=social, service_type="social_rehabilitation")
        plans.start_service(social_worker, service.pk, timezone.localdate())


def _run(stage: str, worker: User, supervisor: User, social: Any, social_worker: User | None, case: Case) -> None:
    if stage == "assessment":
        return _assess(worker, case, submit=False)
    _assess(worker, case, submit=True)
    if stage == "assessment_submitted":
        return None
    _approve(supervisor, case, "assessment")
    if stage == "identification":
        return None
    _identify(worker, case)
    _plan(worker, case)
    if stage == "case_plan_submitted":
        return None
    _approve(supervisor, case, "case_plan")
    _refer(worker, case, social, social_worker, accept=stage != "implementation")
    if stage in ("implementation", "referral_accepted"):
        return None
    entry = FollowUp.objects.get(case=case, kind="entry")
    workflow.record_follow_up(
        worker,
        entry.pk,
        re_exploited="no",
        in_school="yes",
        living_situation="parents",
        social_support="some",
        legal_contact="none",
        notes="Anak mulai bersekolah kembali.",
    )
    workflow.move_to(worker, case.pk, "follow_up")
    if stage == "follow_up":
        return None
    workflow.request_approval(worker, case.pk, "closure", payload={"reason": "goals_met", "note": ""})
    if stage == "closed":
        _approve(supervisor, case, "closure")
    return None


def advance(seed: int, stdout: Any = None) -> dict[str, int]:
    """Give the demo cases their clocks and carry some of the demo worker's cases along the workflow."""
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.filter(username__in=["pekerja", "supervisor", "pekerja.dinsos"])}
    worker, supervisor = users.get("pekerja"), users.get("supervisor")
    if worker is None or supervisor is None or worker.organisation_id is None:
        return {"tasks": 0, "advanced": 0}
    from sigap.demo.generator import DEMO_DOMAIN

    org_ids = list(
        Case.objects.filter(organisation__email__endswith="@" + DEMO_DOMAIN)
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        made = _first_contact_clocks(rng, org_ids)
    social_worker = users.get("pekerja.dinsos")
    social = social_worker.organisation if social_worker else None
    candidates = list(
        Case.objects.filter(worker=worker, status=CaseStatus.REGISTERED).order_by("-opened_at")[
            : sum(n for _, n in STAGES)
        ]
    )
    rng.shuffle(candidates)
    advanced = 0
    for stage, n in STAGES:
        for case in candidates[advanced : advanced + n]:
            if social is None and stage not in ("assessment", "assessment_submitted", "identification"):
                continue
            with transaction.atomic():
                _run(stage, worker, supervisor, social, social_worker, case)
        advanced += n
    if stdout:
        stdout.write(
            f"Tugas kontak pertama: {made}; kasus yang dibawa melalui alur kerja: {min(advanced, len(candidates))}."
        )
    return {"tasks": made, "advanced": min(advanced, len(candidates))}
