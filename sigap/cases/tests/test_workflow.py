from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases import gates, workflow
from sigap.cases.models import Approval, CaseStatus, FollowUp, Task
from sigap.testing import MALANG_VILLAGE

from .helpers import make_case


def advance_to_implementation(world, case):
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    a = workflow.request_approval(world.worker_sby, case.pk, "assessment")
    workflow.decide_approval(world.supervisor_sby, a.pk, approve=True)
    workflow.move_to(world.worker_sby, case.pk, "case_plan")
    p = workflow.request_approval(world.worker_sby, case.pk, "case_plan")
    workflow.decide_approval(world.supervisor_sby, p.pk, approve=True)
    case.refresh_from_db()
    return case


@pytest.fixture
def no_gates(monkeypatch):
    """These tests exercise the workflow alone; the gates of other apps have their own tests."""
    monkeypatch.setattr(gates, "_gates", gates.defaultdict(list))


def test_a_new_case_has_a_first_contact_clock_for_its_worker(world):
    case = make_case(world)
    task = Task.objects.get(case=case, kind="first_contact")
    report = case.reports.get()
    assert task.assignee == world.worker_sby
    assert task.due_at == report.received_at + timedelta(hours=24)


def test_recording_first_contact_stops_its_clock(world):
    case = make_case(world)
    workflow.record_first_contact(world.worker_sby, case.pk)
    case.refresh_from_db()
    assert case.first_contact_at is not None
    assert Task.objects.get(case=case, kind="first_contact").status == "done"


def test_the_case_walks_from_registered_to_closed_with_three_approvals(world, no_gates):
    case = advance_to_implementation(world, make_case(world))
    assert case.status == CaseStatus.IMPLEMENTATION
    assert set(FollowUp.objects.filter(case=case).values_list("kind", flat=True)) == {
        "entry",
        "month_6",
        "month_12",
        "review",
    }
    workflow.move_to(world.worker_sby, case.pk, "follow_up")
    closure = workflow.request_approval(
        world.worker_sby, case.pk, "closure", payload={"reason": "goals_met", "note": ""}
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_PROPOSED
    workflow.decide_approval(world.supervisor_sby, closure.pk, approve=True, comment="Tujuan tercapai.")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closure_reason == "goals_met"
    assert case.htcds_status == "Closed"
    assert set(Task.objects.filter(case=case, status="open").values_list("kind", flat=True)) == {"outcome_follow_up"}
    transitions = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="transition")
    assert [e.changes["status"][1] for e in transitions.order_by("at", "id")] == [
        "assessment",
        "identification",
        "case_plan",
        "implementation",
        "follow_up",
        "closure_proposed",
        "closed",
    ]


def test_a_stage_cannot_be_skipped(world, no_gates):
    case = make_case(world)
    with pytest.raises(ValidationError):
        workflow.move_to(world.worker_sby, case.pk, "implementation")
    with pytest.raises(ValidationError):
        workflow.request_approval(world.worker_sby, case.pk, "case_plan")
    case.refresh_from_db()
    assert case.status == CaseStatus.REGISTERED


def test_a_worker_cannot_approve_their_own_case(world, no_gates):
    case = make_case(world, worker=world.supervisor_sby)  # a supervisor who works the case themself
    workflow.move_to(world.supervisor_sby, case.pk, "assessment")
    approval = workflow.request_approval(world.supervisor_sby, case.pk, "assessment")
    with pytest.raises(PermissionDenied, match="sendiri"):
        workflow.decide_approval(world.supervisor_sby, approval.pk, approve=True)
    approval.refresh_from_db()
    assert approval.status == "pending"


def test_an_admin_can_grant_self_approval(world, no_gates):
    world.worker_sby.granted_permissions = ["self_approve"]
    world.worker_sby.save()
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    approval = workflow.request_approval(world.worker_sby, case.pk, "assessment")
    workflow.decide_approval(world.worker_sby, approval.pk, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTIFICATION


def test_a_case_worker_without_the_grant_cannot_approve_a_colleagues_case(world, no_gates):
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    approval = workflow.request_approval(world.worker_sby, case.pk, "assessment")
    with pytest.raises(PermissionDenied):
        workflow.decide_approval(world.worker2_sby, approval.pk, approve=True)


def test_a_supervisor_of_another_organisation_cannot_approve(world, no_gates):
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    approval = workflow.request_approval(world.worker_sby, case.pk, "assessment")
    with pytest.raises(PermissionDenied):
        workflow.decide_approval(world.supervisor_malang, approval.pk, approve=True)
    # the provincial supervisor sees the case through their jurisdiction but does not own it
    with pytest.raises(PermissionDenied):
        workflow.decide_approval(world.supervisor_jatim, approval.pk, approve=True)


def test_a_rejection_needs_a_reason_and_keeps_the_stage(world, no_gates):
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    approval = workflow.request_approval(world.worker_sby, case.pk, "assessment")
    with pytest.raises(ValidationError):
        workflow.decide_approval(world.supervisor_sby, approval.pk, approve=False, comment=" ")
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=False, comment="Lengkapi pandangan anak.")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT
    assert Approval.objects.get(pk=approval.pk).status == "rejected"
    again = workflow.request_approval(world.worker_sby, case.pk, "assessment")
    assert again.status == "pending"


def test_only_one_request_of_a_kind_waits_at_a_time(world, no_gates):
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    workflow.request_approval(world.worker_sby, case.pk, "assessment")
    with pytest.raises(ValidationError, match="menunggu"):
        workflow.request_approval(world.worker_sby, case.pk, "assessment")


def test_a_rejected_closure_returns_the_case_to_its_stage(world, no_gates):
    case = advance_to_implementation(world, make_case(world))
    closure = workflow.request_approval(world.worker_sby, case.pk, "closure", payload={"reason": "lost_contact"})
    workflow.decide_approval(world.supervisor_sby, closure.pk, approve=False, comment="Coba kunjungan rumah lagi.")
    case.refresh_from_db()
    assert case.status == CaseStatus.IMPLEMENTATION


def test_closure_needs_a_reason_and_other_needs_an_explanation(world, no_gates):
    case = make_case(world)
    with pytest.raises(ValidationError):
        workflow.request_approval(world.worker_sby, case.pk, "closure", payload={})
    with pytest.raises(ValidationError):
        workflow.request_approval(world.worker_sby, case.pk, "closure", payload={"reason": "other", "note": ""})


def test_a_closed_case_reopens_with_a_reason_at_assessment(world, no_gates):
    case = make_case(world)
    closure = workflow.request_approval(world.worker_sby, case.pk, "closure", payload={"reason": "moved_away"})
    workflow.decide_approval(world.supervisor_sby, closure.pk, approve=True)
    with pytest.raises(ValidationError):
        workflow.move_to(world.worker_sby, case.pk, "assessment")
    with pytest.raises(ValidationError):
        workflow.reopen(world.worker_sby, case.pk, "")
    workflow.reopen(world.worker_sby, case.pk, "Laporan baru: anak kembali bekerja di pasar.")
    case.refresh_from_db()
    assert case.status == CaseStatus.ASSESSMENT
    assert case.closure_reason == ""
    assert AuditEvent.objects.filter(object_type="case", object_id=str(case.pk), action="reopen").exists()


def test_people_of_another_organisation_cannot_move_the_case(world, no_gates):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        workflow.move_to(world.worker_malang, case.pk, "assessment")
    with pytest.raises(PermissionDenied):  # sees it (jurisdiction) but does not own it
        workflow.move_to(world.supervisor_jatim, case.pk, "assessment")


def test_a_registered_gate_blocks_a_stage_with_its_message(world, monkeypatch):
    monkeypatch.setattr(gates, "_gates", gates.defaultdict(list))
    gates.register("enter:assessment", lambda case: "Lengkapi data keluarga dulu.")
    case = make_case(world)
    with pytest.raises(ValidationError, match="keluarga"):
        workflow.move_to(world.worker_sby, case.pk, "assessment")


def test_the_risk_level_is_reviewable_with_a_reason(world):
    case = make_case(world, risk="low")
    with pytest.raises(ValidationError):
        workflow.review_risk(world.worker_sby, case.pk, "high", "")
    workflow.review_risk(world.worker_sby, case.pk, "high", "Anak tinggal dengan terduga pelaku.")
    case.refresh_from_db()
    assert case.risk_level == "high"


def test_recording_a_follow_up_keeps_its_outcome_measures(world, no_gates):
    case = advance_to_implementation(world, make_case(world))
    entry = FollowUp.objects.get(case=case, kind="entry")
    with pytest.raises(ValidationError):
        workflow.record_follow_up(world.worker_sby, entry.pk, re_exploited="yes")
    workflow.record_follow_up(
        world.worker_sby,
        entry.pk,
        re_exploited="no",
        in_school="yes",
        living_situation="parents",
        social_support="some",
        legal_contact="ongoing",
        mental_health_scores={"cpss5": 12},
    )
    entry.refresh_from_db()
    assert (entry.status, entry.in_school, entry.mental_health_scores) == ("done", "yes", {"cpss5": 12})
    assert Task.objects.get(subject_type="followup", subject_id=entry.pk).status == "done"


def test_a_recorded_review_schedules_the_next_by_risk_level(world, no_gates):
    case = advance_to_implementation(world, make_case(world, risk="high"))
    review = FollowUp.objects.get(case=case, kind="review")
    assert review.due_on == (timezone.localtime() + timedelta(days=14)).date()
    workflow.record_follow_up(world.worker_sby, review.pk, re_exploited="unknown")
    assert FollowUp.objects.filter(case=case, kind="review", status="scheduled").count() == 1


def test_the_six_and_twelve_month_follow_ups_are_due_six_and_twelve_months_on(world, no_gates):
    case = advance_to_implementation(world, make_case(world))
    today = timezone.localdate()
    six = FollowUp.objects.get(case=case, kind="month_6").due_on
    twelve = FollowUp.objects.get(case=case, kind="month_12").due_on
    assert (six.year * 12 + six.month) - (today.year * 12 + today.month) == 6
    assert twelve.year == today.year + 1 and twelve.month == today.month


def test_the_case_page_offers_the_next_step_only_to_the_case_people(world, as_user, no_gates):
    case = make_case(world)
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk]))
    assert 'id="move-assessment"' in page.content.decode()
    jatim = as_user("supervisor_jatim").get(reverse("cases:detail", args=[case.pk]))
    assert jatim.status_code == 200
    assert 'id="move-assessment"' not in jatim.content.decode()
    assert as_user("worker_malang").get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_approving_through_the_page(world, as_user, no_gates):
    case = make_case(world)
    workflow.move_to(world.worker_sby, case.pk, "assessment")
    approval = workflow.request_approval(world.worker_sby, case.pk, "assessment", comment="Mohon ditinjau.")
    worker_page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="decide-assessment"' not in worker_page
    assert as_user("worker_sby").get(reverse("cases:decide", args=[approval.pk])).status_code == 403
    sup = as_user("supervisor_sby")
    assert 'id="decide-assessment"' in sup.get(reverse("cases:detail", args=[case.pk])).content.decode()
    refused = sup.post(reverse("cases:decide", args=[approval.pk]), {"decision": "reject", "comment": ""})
    assert refused.status_code == 400
    assert "alasan" in refused.content.decode()
    ok = sup.post(reverse("cases:decide", args=[approval.pk]), {"decision": "approve", "comment": "Baik."})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.IDENTIFICATION


def test_a_refused_closure_form_keeps_what_was_typed(world, as_user):
    case = make_case(world)
    client = as_user("worker_sby")
    r = client.post(
        reverse("cases:propose_closure", args=[case.pk]), {"reason": "other", "note": "", "comment": "Catatan saya"}
    )
    assert r.status_code == 400
    assert "Catatan saya" in r.content.decode()


def test_another_organisations_case_is_not_found_for_workflow_pages(world, as_user):
    case = make_case(world, worker=world.worker_malang, region=MALANG_VILLAGE)
    client = as_user("worker_sby")
    assert client.get(reverse("cases:propose_closure", args=[case.pk])).status_code == 404
    assert client.post(reverse("cases:move", args=[case.pk]), {"stage": "assessment"}).status_code == 404


def test_the_six_and_twelve_month_follow_ups_outlive_closure(world, as_user, no_gates):
    case = advance_to_implementation(world, make_case(world))
    closure = workflow.request_approval(world.worker_sby, case.pk, "closure", payload={"reason": "goals_met"})
    workflow.decide_approval(world.supervisor_sby, closure.pk, approve=True)
    open_kinds = set(Task.objects.filter(case=case, status="open").values_list("kind", flat=True))
    assert open_kinds == {"outcome_follow_up"}
    assert Task.objects.filter(case=case, status="open").count() == 3  # entry, 6 and 12 months
    six = FollowUp.objects.get(case=case, kind="month_6")
    page = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="record-follow-up-month_6"' in page
    assert 'id="record-follow-up-review"' not in page
    workflow.record_follow_up(world.worker_sby, six.pk, re_exploited="no", in_school="yes")
    six.refresh_from_db()
    assert six.status == "done"
    review = FollowUp.objects.get(case=case, kind="review")
    assert review.status == "missed"
    with pytest.raises(ValidationError):
        workflow.record_follow_up(world.worker_sby, review.pk, re_exploited="no")
