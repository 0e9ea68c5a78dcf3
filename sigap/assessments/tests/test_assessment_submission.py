import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sigap.assessments import services
from sigap.assessments.models import Assessment
from sigap.audit.models import AuditEvent
from sigap.cases import workflow
from sigap.cases.models import Approval, CaseShare

from .helpers import FULL, in_assessment, make_case, submitted


def test_submitting_a_complete_assessment_requests_approval_and_leaves_the_stage_alone(world):
    case = in_assessment(world)
    assessment = submitted(world, case)
    case.refresh_from_db()
    approval = Approval.objects.get(case=case)
    assert assessment.status == "submitted"
    assert assessment.submitted_by == world.worker_sby
    assert approval.kind == "assessment"
    assert approval.status == "pending"
    assert approval.subject_id == assessment.pk
    assert approval.comment == "Mohon ditinjau."
    assert case.status == "assessment"


def test_the_supervisors_approval_marks_the_assessment_approved(world):
    case = in_assessment(world)
    assessment = submitted(world, case)
    approval = Approval.objects.get(case=case)
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=True, comment="Lengkap.")
    assessment.refresh_from_db()
    case.refresh_from_db()
    assert assessment.status == "approved"
    assert assessment.decided_at is not None
    assert case.status == "identification"
    assert AuditEvent.objects.filter(object_type="assessment", object_id=str(assessment.pk), action="approve").exists()


def test_a_rejected_assessment_can_be_revised_and_submitted_again(world):
    case = in_assessment(world)
    assessment = submitted(world, case)
    approval = Approval.objects.get(case=case)
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=False, comment="Lengkapi ranah pendidikan.")
    assessment.refresh_from_db()
    assert assessment.status == "rejected"
    assert assessment.decision_comment == "Lengkapi ranah pendidikan."
    services.update_assessment(world.worker_sby, assessment.pk, education="Ingin kembali ke SD negeri terdekat.")
    assessment.refresh_from_db()
    assert assessment.status == "draft"
    services.submit_assessment(world.worker_sby, assessment.pk, "Sudah dilengkapi.")
    assert Approval.objects.filter(case=case, status="pending", subject_id=assessment.pk).exists()


def test_an_assessment_without_the_childs_views_cannot_be_submitted(world):
    case = in_assessment(world)
    draft = services.create_assessment(world.worker_sby, case.pk, **{**FULL, "child_views": "  "})
    with pytest.raises(ValidationError, match="pandangan anak"):
        services.submit_assessment(world.worker_sby, draft.pk)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert not Approval.objects.filter(case=case).exists()


def test_a_draft_may_be_saved_incomplete(world):
    case = make_case(world)
    draft = services.create_assessment(world.worker_sby, case.pk, safety="Belum dikunjungi.")
    assert draft.status == "draft"
    assert "Kesehatan" in draft.missing()


def test_a_different_recommended_risk_changes_the_cases_risk_with_a_reason(world):
    case = in_assessment(world, risk="low")
    submitted(world, case, recommended_risk="high")
    case.refresh_from_db()
    assert case.risk_level == "high"
    event = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="update").latest("id")
    assert event.changes["risk_level"] == ["low", "high"]
    assert "asesmen" in event.changes["reason"].lower()


def test_submission_fails_whole_outside_the_assessment_stage(world):
    case = make_case(world)  # still "registered"
    draft = services.create_assessment(world.worker_sby, case.pk, **{**FULL, "recommended_risk": "low"})
    with pytest.raises(ValidationError):
        services.submit_assessment(world.worker_sby, draft.pk)
    draft.refresh_from_db()
    case.refresh_from_db()
    assert draft.status == "draft"
    assert case.risk_level == "high"  # the risk review rolled back with the request


def test_approval_cannot_be_requested_without_a_complete_assessment(world):
    case = in_assessment(world)
    with pytest.raises(ValidationError, match="asesmen"):
        workflow.request_approval(world.worker_sby, case.pk, "assessment")
    services.create_assessment(world.worker_sby, case.pk, safety="Sebagian.")
    with pytest.raises(ValidationError):
        workflow.request_approval(world.worker_sby, case.pk, "assessment")


def test_only_one_undecided_assessment_per_case(world):
    case = in_assessment(world)
    services.create_assessment(world.worker_sby, case.pk)
    with pytest.raises(ValidationError):
        services.create_assessment(world.worker_sby, case.pk)


def test_a_submitted_assessment_cannot_be_changed(world):
    case = in_assessment(world)
    assessment = submitted(world, case)
    with pytest.raises(ValidationError):
        services.update_assessment(world.worker_sby, assessment.pk, safety="Diubah.")


def test_scores_are_checked_against_the_instruments_range(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="antara"):
        services.create_assessment(world.worker_sby, case.pk, mental_health_scores={"sdq": 41})
    with pytest.raises(ValidationError, match="tidak dikenal"):
        services.create_assessment(world.worker_sby, case.pk, mental_health_scores={"item_1": 2})
    with pytest.raises(ValidationError, match="bulat"):
        services.create_assessment(world.worker_sby, case.pk, mental_health_scores={"phqa": 4.5})
    draft = services.create_assessment(world.worker_sby, case.pk, mental_health_scores={"hscl25": "2.125", "sdq": 12})
    assert draft.mental_health_scores == {"hscl25": 2.12, "sdq": 12}


@pytest.mark.parametrize("who", ["worker_malang", "worker_dinsos", "analyst", "org_admin_sby"])
def test_people_outside_the_owning_organisation_cannot_write(world, who):
    case = in_assessment(world)
    CaseShare.objects.create(case=case, organisation=world.dinsos_sby, reason="referral")  # dinsos may read
    draft = services.create_assessment(world.worker_sby, case.pk, **FULL)
    person = getattr(world, who)
    with pytest.raises(PermissionDenied):
        services.create_assessment(person, case.pk)
    with pytest.raises(PermissionDenied):
        services.update_assessment(person, draft.pk, safety="Diubah.")
    with pytest.raises(PermissionDenied):
        services.submit_assessment(person, draft.pk)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert draft.safety == FULL["safety"]


def test_writes_are_audited_without_the_assessments_content(world):
    case = in_assessment(world)
    assessment = submitted(world, case)
    events = AuditEvent.objects.filter(object_type="assessment", object_id=str(assessment.pk))
    assert set(events.values_list("action", flat=True)) == {"create", "request"}
    created = events.get(action="create")
    assert "safety" in created.changes["fields"]
    assert FULL["safety"] not in str(created.changes)
    assert created.organisation_id == world.uptd_sby.pk


def test_a_review_follows_an_approved_assessment(world):
    from .helpers import in_identification

    case = in_identification(world)
    review = services.create_assessment(world.worker_sby, case.pk)
    assert review.kind == "review"
    assert Assessment.objects.filter(case=case).count() == 2
