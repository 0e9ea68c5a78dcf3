from __future__ import annotations

from typing import Any

from django.utils import timezone

from sigap.assessments import services
from sigap.assessments.models import Assessment
from sigap.cases import workflow
from sigap.cases.models import Approval, Case
from sigap.cases.services import NewChild, open_case
from sigap.identity.models import FamilyMember
from sigap.intake.services import triage_report
from sigap.testing import make_report

FULL = {
    "safety": "Anak tinggal sementara di rumah aman; tidak ada ancaman langsung saat ini.",
    "safety_concern": "medium",
    "health": "Pemeriksaan puskesmas: kondisi umum baik, perlu imunisasi susulan.",
    "health_concern": "low",
    "mental_health": "Anak tampak cemas saat membicarakan tempat kerja sebelumnya.",
    "mental_health_concern": "medium",
    "education": "Putus sekolah sejak kelas 5; ingin kembali bersekolah.",
    "education_concern": "high",
    "family": "Tinggal bersama ibu; ayah bekerja di luar kota.",
    "family_concern": "medium",
    "economic": "Penghasilan keluarga tidak tetap.",
    "economic_concern": "medium",
    "mental_health_scores": {"sdq": 18, "hscl25": 1.8},
    "child_views": "Anak ingin tinggal bersama ibunya dan kembali ke sekolah.",
    "recommended_risk": "high",
}


def make_case(world: Any, *, worker: Any = None, risk: str = "high", **report: Any) -> Case:
    """A case opened through the real services: report → triage → case."""
    worker = worker or world.worker_sby
    r = make_report(**report)
    triage_report(worker, r.pk, risk, "Anak bekerja pada malam hari tanpa pengawasan orang dewasa.")
    return open_case(worker, r.pk, new_child=NewChild(name="Budi Santoso", approx_age=13, sex="M"))


def in_assessment(world: Any, **kwargs: Any) -> Case:
    case = make_case(world, **kwargs)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    case.refresh_from_db()
    return case


def submitted(world: Any, case: Case, **fields: Any) -> Assessment:
    a = services.create_assessment(world.worker_sby, case.pk, **{**FULL, **fields})
    return services.submit_assessment(world.worker_sby, a.pk, "Mohon ditinjau.")


def in_identification(world: Any, **kwargs: Any) -> Case:
    """A case whose assessment has been approved (stage: identification)."""
    case = in_assessment(world, **kwargs)
    submitted(world, case)
    approval = Approval.objects.get(case=case, status="pending")
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=True)
    case.refresh_from_db()
    return case


PANEL = [
    {"name": "Sri Wahyuni", "role": "Pekerja sosial, UPTD PPA Kota Surabaya"},
    {"name": "Agus Salim", "role": "Psikolog, UPTD PPA Kota Surabaya"},
    {"name": "Dewi Lestari", "role": "Pekerja sosial, Dinas Sosial Kota Surabaya"},
]


def record_bid(world: Any, case: Case, decision: str = "return_to_family", **kwargs: Any) -> Any:
    args: dict[str, Any] = {
        "panel": PANEL,
        "options": [
            {"option": "return_to_family", "notes": "Ibu tidak terlibat; paman pindah dari rumah."},
            {"option": "kinship_care", "notes": "Nenek bersedia mengasuh."},
        ],
        "child_views": "Anak ingin pulang ke ibunya.",
        "decision": decision,
        "reasons": "Ibu mampu melindungi anak dengan dukungan pemantauan rutin.",
        "decided_on": timezone.localdate(),
    }
    args.update(kwargs)
    return services.record_bid(world.worker_sby, case.pk, **args)


def suspect_family_member(case: Case) -> FamilyMember:
    return FamilyMember.objects.create(
        child=case.child, name="Paman", relationship="relative", suspected_involvement=True
    )


IDENTIFICATION = {
    "status": "identified",
    "forms": ["trafficking"],
    "acts": ["recruitment", "transportation"],
    "purposes": ["child_labour"],
    "evidence_notes": "Keterangan anak dan saksi konsisten tentang perekrutan ke luar kota untuk bekerja.",
    "decision_org_type": "government",
    "decided_by": "Tim identifikasi UPTD PPA Kota Surabaya",
    "decided_on": timezone.localdate(),
}


def identify(world: Any, case: Case, **kwargs: Any) -> Any:
    return services.record_identification(world.worker_sby, case.pk, **{**IDENTIFICATION, **kwargs})
