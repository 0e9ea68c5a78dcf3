from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases.models import Task
from sigap.inbox.models import Notification
from sigap.people.models import Organisation
from sigap.plans import services
from sigap.plans.models import CaseService, ServiceStatus
from sigap.plans.signals import service_status_changed

from .helpers import make_case, share


def test_rehabilitation_starts_the_statutory_seven_day_clock_for_the_provider(world):
    case = make_case(world)
    requested = timezone.localdate() - timedelta(days=2)
    service = services.add_service(
        world.worker_sby, case.pk, "social_rehabilitation", world.dinsos_sby.pk, requested_on=requested
    )
    task = Task.objects.get(case=case, subject_type="service", subject_id=service.pk)
    assert task.kind == "rehabilitation"
    assert task.organisation == world.dinsos_sby
    assert task.status == "open"
    assert timezone.localtime(task.starts_at) == timezone.make_aware(datetime.combine(requested, time.min))
    assert timezone.localtime(task.due_at).date() == requested + timedelta(days=7)
    assert timezone.localtime(task.due_at) == timezone.make_aware(
        datetime.combine(requested + timedelta(days=7), time.min)
    )


def test_a_service_without_a_legal_clock_starts_no_task(world):
    case = make_case(world)
    services.add_service(world.worker_sby, case.pk, "case_management", world.uptd_sby.pk)
    assert not Task.objects.filter(case=case, subject_type="service").exists()


def test_starting_the_service_meets_its_clock(world):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "health_rehabilitation", world.uptd_sby.pk)
    services.start_service(world.worker_sby, service.pk, timezone.localdate())
    service.refresh_from_db()
    task = Task.objects.get(case=case, subject_type="service", subject_id=service.pk)
    assert (service.status, service.started_on) == (ServiceStatus.IN_PROGRESS, timezone.localdate())
    assert (task.status, task.done_by) == ("done", world.worker_sby)


def test_a_new_service_belongs_to_the_newest_plan(world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    goal = services.add_goal(world.worker_sby, plan.pk, "Anak bersekolah.")
    service = services.add_service(world.worker_sby, case.pk, "return_to_school", world.dinsos_sby.pk, goal_id=goal.pk)
    assert (service.plan, service.goal) == (plan, goal)
    other = make_case(world)
    with pytest.raises(ValidationError):
        services.add_service(world.worker_sby, other.pk, "return_to_school", world.dinsos_sby.pk, goal_id=goal.pk)
    with pytest.raises(ValidationError):
        services.add_service(world.worker_sby, other.pk, "return_to_school", world.dinsos_sby.pk, plan_id=plan.pk)


def test_the_catalogue_the_provider_and_the_date_are_checked(world):
    case = make_case(world)
    add = services.add_service
    with pytest.raises(ValidationError, match="katalog"):
        add(world.worker_sby, case.pk, "massage", world.uptd_sby.pk)
    with pytest.raises(ValidationError, match="masa depan"):
        add(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk, requested_on=timezone.localdate() + timedelta(1))
    Organisation.objects.filter(pk=world.uptd_malang.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="penyedia"):
        add(world.worker_sby, case.pk, "legal_aid", world.uptd_malang.pk)
    with pytest.raises(ValidationError):
        add(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk, status=ServiceStatus.COMPLETED)
    assert not CaseService.objects.exists()


def test_a_referral_records_a_service_as_referred(world):
    case = make_case(world)
    service = services.add_service(
        world.worker_sby, case.pk, "social_rehabilitation", world.dinsos_sby.pk, status=ServiceStatus.REFERRED
    )
    assert service.status == ServiceStatus.REFERRED
    assert Task.objects.filter(subject_type="service", subject_id=service.pk, kind="rehabilitation").exists()


def test_family_return_services_must_pass_the_family_return_gate(world, plan_gates_only):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "social_reintegration", world.uptd_sby.pk)
    seen = []

    def needs_bid(c):
        seen.append(c.pk)
        return "Perlu penentuan kepentingan terbaik (BID) terlebih dahulu."

    plan_gates_only[services.FAMILY_RETURN_GATE].append(needs_bid)
    with pytest.raises(ValidationError, match="kepentingan terbaik"):
        services.start_service(world.worker_sby, service.pk)
    with pytest.raises(ValidationError, match="kepentingan terbaik"):
        services.complete_service(world.worker_sby, service.pk, timezone.localdate(), "Anak kembali ke keluarga.")
    assert seen == [case.pk, case.pk]
    service.refresh_from_db()
    assert service.status == ServiceStatus.REQUESTED
    # Another service is not a return to the family: the gate is not asked.
    other = services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
    services.start_service(world.worker_sby, other.pk)
    assert seen == [case.pk, case.pk]
    plan_gates_only[services.FAMILY_RETURN_GATE].remove(needs_bid)
    services.start_service(world.worker_sby, service.pk)
    service.refresh_from_db()
    assert service.status == ServiceStatus.IN_PROGRESS


def test_completing_a_service_needs_an_outcome_and_a_sensible_date(world):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
    with pytest.raises(ValidationError, match="hasil layanan"):
        services.complete_service(world.worker_sby, service.pk, timezone.localdate(), "   ")
    with pytest.raises(ValidationError, match="masa depan"):
        services.complete_service(world.worker_sby, service.pk, timezone.localdate() + timedelta(days=1), "Selesai.")
    with pytest.raises(ValidationError, match="sebelum"):
        services.complete_service(world.worker_sby, service.pk, timezone.localdate() - timedelta(days=3), "Selesai.")
    services.complete_service(world.worker_sby, service.pk, timezone.localdate(), "Pendampingan hukum selesai.")
    service.refresh_from_db()
    assert (service.status, service.started_on, service.completed_on, service.outcome) == (
        ServiceStatus.COMPLETED,
        timezone.localdate(),
        timezone.localdate(),
        "Pendampingan hukum selesai.",
    )
    with pytest.raises(ValidationError):
        services.complete_service(world.worker_sby, service.pk, timezone.localdate(), "Lagi.")


def test_each_status_change_sends_the_signal_and_is_audited(world):
    case = make_case(world)
    received = []

    def listener(sender, service, actor, previous, **kwargs):
        received.append((service.pk, previous, service.status, actor.username))

    service_status_changed.connect(listener)
    try:
        a = services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
        b = services.add_service(world.worker_sby, case.pk, "outreach", world.uptd_sby.pk)
        c = services.add_service(world.worker_sby, case.pk, "mediation", world.uptd_sby.pk)
        services.start_service(world.worker_sby, a.pk)
        services.complete_service(world.worker2_sby, a.pk, None, "Selesai.")
        services.cancel_service(world.worker_sby, b.pk, "Tidak diperlukan.")
        services.decline_service(world.worker_sby, c.pk, "Petugas mediasi tidak tersedia.")
    finally:
        service_status_changed.disconnect(listener)
    assert received == [
        (a.pk, "requested", "in_progress", "worker_sby"),
        (a.pk, "in_progress", "completed", "worker2_sby"),
        (b.pk, "requested", "cancelled", "worker_sby"),
        (c.pk, "requested", "declined", "worker_sby"),
    ]
    actions = list(
        AuditEvent.objects.filter(object_type="caseservice", object_id=str(a.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "update", "complete"]
    assert (
        AuditEvent.objects.get(object_type="caseservice", object_id=str(b.pk), action="update").changes["reason"]
        == "Tidak diperlukan."
    )


def test_cancelling_needs_a_reason_and_stops_the_clock(world):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "repatriation_domestic", world.dinsos_sby.pk)
    with pytest.raises(ValidationError, match="alasan"):
        services.cancel_service(world.worker_sby, service.pk, " ")
    services.cancel_service(world.worker_sby, service.pk, "Anak sudah kembali bersama keluarga.")
    assert Task.objects.get(subject_type="service", subject_id=service.pk).status == "cancelled"
    # The provider was another organisation: its people are told, by case number only.
    notice = Notification.objects.get(recipient=world.worker_dinsos, kind="service_cancelled")
    assert case.number in notice.subject and "Budi" not in notice.subject + notice.body


def test_a_provider_worker_completes_their_service_once_the_case_is_shared(world):
    case = make_case(world)
    plan = services.create_plan(world.worker_sby, case.pk, "Anak aman.")
    theirs = services.add_service(
        world.worker_sby, case.pk, "social_rehabilitation", world.dinsos_sby.pk, status=ServiceStatus.REFERRED
    )
    ours = services.add_service(world.worker_sby, case.pk, "case_management", world.uptd_sby.pk)
    # Before the referral is accepted the provider does not see the case at all.
    assert not services.can_update_service(world.worker_dinsos, theirs)
    with pytest.raises(PermissionDenied):
        services.start_service(world.worker_dinsos, theirs.pk)
    share(case, world.dinsos_sby)
    assert services.can_update_service(world.worker_dinsos, theirs)
    assert not services.can_update_service(world.worker_dinsos, ours)
    services.start_service(world.worker_dinsos, theirs.pk)
    services.complete_service(world.worker_dinsos, theirs.pk, None, "Rehabilitasi sosial selesai.")
    theirs.refresh_from_db()
    assert theirs.status == ServiceStatus.COMPLETED
    assert Task.objects.get(subject_type="service", subject_id=theirs.pk).done_by == world.worker_dinsos
    with pytest.raises(PermissionDenied):
        services.complete_service(world.worker_dinsos, ours.pk, None, "Bukan layanan kami.")
    with pytest.raises(PermissionDenied):
        services.cancel_service(world.worker_dinsos, theirs.pk, "Tidak.")
    with pytest.raises(PermissionDenied):
        services.update_plan(world.worker_dinsos, plan.pk, "Diubah penyedia.")
    with pytest.raises(PermissionDenied):
        services.add_service(world.worker_dinsos, case.pk, "legal_aid", world.dinsos_sby.pk)


def test_a_provider_declines_and_the_case_worker_is_told(world):
    case = make_case(world)
    service = services.add_service(
        world.worker_sby, case.pk, "temporary_shelter", world.dinsos_sby.pk, status=ServiceStatus.REFERRED
    )
    share(case, world.dinsos_sby)
    with pytest.raises(ValidationError, match="alasan"):
        services.decline_service(world.worker_dinsos, service.pk, "")
    services.decline_service(world.worker_dinsos, service.pk, "Rumah aman penuh.")
    service.refresh_from_db()
    assert (service.status, service.status_reason) == (ServiceStatus.DECLINED, "Rumah aman penuh.")
    notice = Notification.objects.get(recipient=world.worker_sby, kind="service_declined")
    assert case.number in notice.subject
    with pytest.raises(ValidationError):
        services.start_service(world.worker_dinsos, service.pk)


def test_a_worker_of_an_unrelated_organisation_cannot_touch_a_service(world):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
    for act in (
        lambda who: services.start_service(who, service.pk),
        lambda who: services.complete_service(who, service.pk, None, "Selesai."),
        lambda who: services.decline_service(who, service.pk, "Tidak."),
        lambda who: services.cancel_service(who, service.pk, "Tidak."),
    ):
        for who in (world.worker_malang, world.worker_jakpus, world.analyst_all, world.reporter):
            with pytest.raises(PermissionDenied):
                act(who)
    service.refresh_from_db()
    assert service.status == ServiceStatus.REQUESTED


def test_a_closed_case_takes_no_service_changes(world):
    case = make_case(world)
    service = services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
    type(case).objects.filter(pk=case.pk).update(status="closed")
    with pytest.raises(ValidationError, match="ditutup"):
        services.start_service(world.worker_sby, service.pk)
    with pytest.raises(ValidationError, match="ditutup"):
        services.add_service(world.worker_sby, case.pk, "legal_aid", world.uptd_sby.pk)
