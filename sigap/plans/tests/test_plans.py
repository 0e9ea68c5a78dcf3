from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases import workflow
from sigap.cases.models import Approval, CaseStatus
from sigap.plans import services
from sigap.plans.models import CasePlan, GoalStatus, PlanStatus

from .helpers import make_case, ready_plan


def approve(world, plan):
    approval = Approval.objects.get(case_id=plan.case_id, kind="case_plan", status="pending")
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=True)
    plan.refresh_from_db()
    return plan


def test_a_plan_is_written_only_in_the_case_plan_stage(world):
    case = make_case(world, stage="assessment")
    with pytest.raises(ValidationError, match="tahap rencana kasus"):
        services.create_plan(world.worker_sby, case.pk, "Tujuan.")
    case.status = CaseStatus.CASE_PLAN
    case.save()
    plan = services.create_plan(world.worker_sby, case.pk, "  Anak aman.  ", planned_end=timezone.localdate())
    assert (plan.version, plan.status, plan.objectives, plan.created_by) == (1, "draft", "Anak aman.", world.worker_sby)
    assert AuditEvent.objects.filter(action="create", object_type="caseplan", object_id=str(plan.pk)).exists()


def test_a_plan_needs_objectives_and_a_planned_end_not_in_the_past(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="Tuliskan tujuan"):
        services.create_plan(world.worker_sby, case.pk, "   ")
    with pytest.raises(ValidationError, match="rencana selesai"):
        services.create_plan(world.worker_sby, case.pk, "Tujuan.", planned_end=timezone.localdate() - timedelta(days=1))
    assert not CasePlan.objects.exists()


def test_submitting_a_plan_requests_the_supervisors_approval(world):
    case = make_case(world)
    plan = ready_plan(world, case)
    services.submit_plan(world.worker_sby, plan.pk, "Mohon ditinjau.")
    plan.refresh_from_db()
    approval = Approval.objects.get(case=case)
    assert plan.status == PlanStatus.SUBMITTED
    assert (approval.kind, approval.status, approval.subject_id, approval.comment) == (
        "case_plan",
        "pending",
        plan.pk,
        "Mohon ditinjau.",
    )
    assert AuditEvent.objects.filter(action="request", object_type="caseplan", object_id=str(plan.pk)).exists()
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.update_plan(world.worker_sby, plan.pk, "Tujuan lain.")
    with pytest.raises(ValidationError):
        services.add_goal(world.worker_sby, plan.pk, "Tujuan tambahan.")


def test_a_plan_without_goals_or_services_cannot_be_submitted(world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    with pytest.raises(ValidationError, match="belum memiliki tujuan"):
        services.submit_plan(world.worker_sby, plan.pk)
    services.add_goal(world.worker_sby, plan.pk, "Anak kembali bersekolah.")
    with pytest.raises(ValidationError, match="belum memiliki layanan"):
        services.submit_plan(world.worker_sby, plan.pk)
    # The gate also guards a request made straight through the workflow.
    with pytest.raises(ValidationError, match="belum memiliki layanan"):
        workflow.request_approval(world.worker_sby, case.pk, "case_plan", subject_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert not Approval.objects.exists()


def test_a_cancelled_service_does_not_count_for_the_plan(world):
    case = make_case(world)
    plan = ready_plan(world, case)
    services.cancel_service(world.worker_sby, plan.services.get().pk, "Tidak diperlukan lagi.")
    with pytest.raises(ValidationError, match="belum memiliki layanan"):
        services.submit_plan(world.worker_sby, plan.pk)


def test_approval_marks_the_plan_approved_and_moves_the_case_on(world):
    case = make_case(world)
    plan = approve(world, services.submit_plan(world.worker_sby, ready_plan(world, case).pk))
    case.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_at is not None
    assert case.status == CaseStatus.IMPLEMENTATION
    assert AuditEvent.objects.filter(action="approve", object_type="caseplan", actor_username="supervisor_sby").exists()


def test_a_rejected_plan_can_be_edited_and_submitted_again(world):
    case = make_case(world)
    plan = services.submit_plan(world.worker_sby, ready_plan(world, case).pk)
    approval = Approval.objects.get(case=case)
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=False, comment="Tambahkan tujuan keluarga.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.REJECTED
    services.add_goal(world.worker_sby, plan.pk, "Orang tua mengikuti konseling.")
    services.update_plan(world.worker_sby, plan.pk, "Anak aman bersama keluarga.", "Konseling keluarga.")
    services.submit_plan(world.worker_sby, plan.pk)
    plan = approve(world, plan)
    assert plan.status == PlanStatus.APPROVED
    assert plan.goals.count() == 2
    assert plan.version == 1


def test_a_revision_is_a_new_version_and_replaces_the_old_one_only_when_approved(world):
    case = make_case(world)
    first = approve(world, services.submit_plan(world.worker_sby, ready_plan(world, case).pk))
    workflow.move_to(world.worker_sby, case.pk, "case_plan", "Anak pindah sekolah.")
    second = services.create_plan(world.worker_sby, case.pk, "Anak aman di sekolah baru.")
    first.refresh_from_db()
    assert (second.version, second.status, first.status) == (2, "draft", "approved")
    assert list(second.goals.values_list("description", flat=True)) == ["Anak kembali bersekolah dalam tiga bulan."]
    # The service from version 1 is still running, so version 2 carries it.
    services.submit_plan(world.worker_sby, second.pk)
    first.refresh_from_db()
    assert first.status == PlanStatus.APPROVED
    second = approve(world, second)
    first.refresh_from_db()
    assert (first.status, second.status) == (PlanStatus.SUPERSEDED, PlanStatus.APPROVED)
    with pytest.raises(ValidationError, match="tidak dapat diubah"):
        services.update_plan(world.worker_sby, first.pk, "Ubah versi lama.")


def test_a_rejected_version_is_kept_when_a_new_one_is_written(world):
    case = make_case(world)
    first = services.submit_plan(world.worker_sby, ready_plan(world, case).pk)
    workflow.decide_approval(world.supervisor_sby, Approval.objects.get().pk, approve=False, comment="Ulangi.")
    second = services.create_plan(world.worker_sby, case.pk, "Rencana baru.")
    first.refresh_from_db()
    assert (first.status, second.version) == (PlanStatus.REJECTED, 2)
    with pytest.raises(ValidationError, match="versi rencana yang lebih baru"):
        services.submit_plan(world.worker_sby, first.pk)


def test_only_one_plan_can_be_in_progress(world):
    case = make_case(world)
    services.create_plan(world.worker_sby, case.pk, "Rencana pertama.")
    with pytest.raises(ValidationError, match="masih berstatus draf"):
        services.create_plan(world.worker2_sby, case.pk, "Rencana kedua.")
    assert CasePlan.objects.count() == 1


def test_goal_progress_is_recorded_on_the_plan_in_force_but_its_wording_is_fixed(world):
    case = make_case(world)
    plan = approve(world, services.submit_plan(world.worker_sby, ready_plan(world, case).pk))
    goal = plan.goals.get()
    services.update_goal(world.worker_sby, goal.pk, status=GoalStatus.MET)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.MET
    assert AuditEvent.objects.filter(action="update", object_type="goal", object_id=str(goal.pk)).exists()
    with pytest.raises(ValidationError):
        services.update_goal(world.worker_sby, goal.pk, description="Tujuan yang diubah.")
    with pytest.raises(ValidationError):
        services.update_goal(world.worker_sby, goal.pk, status="unknown")


def test_people_outside_the_owning_organisation_cannot_change_the_plan(world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    for who in (world.worker_malang, world.worker_dinsos, world.reporter):
        with pytest.raises(PermissionDenied):
            services.update_plan(who, plan.pk, "Diubah.")
        with pytest.raises(PermissionDenied):
            services.create_plan(who, case.pk, "Diubah.")
        with pytest.raises(PermissionDenied):
            services.add_goal(who, plan.pk, "Diubah.")


def test_a_plan_approval_requested_through_the_workflow_still_marks_the_newest_plan(world):
    case = make_case(world)
    plan = ready_plan(world, case)
    approval = workflow.request_approval(world.worker_sby, case.pk, "case_plan")
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_the_plan_in_force_ends_on_the_day_closure_is_approved(world):
    case = make_case(world)
    plan = approve(world, services.submit_plan(world.worker_sby, ready_plan(world, case).pk))
    assert plan.actual_end is None
    closure = workflow.request_approval(world.worker_sby, case.pk, "closure", payload={"reason": "goals_met"})
    workflow.decide_approval(world.supervisor_sby, closure.pk, approve=True)
    plan.refresh_from_db()
    assert plan.actual_end == timezone.localdate()
