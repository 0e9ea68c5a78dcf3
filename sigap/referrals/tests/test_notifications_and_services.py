import pytest

from sigap.audit.models import AuditEvent
from sigap.cases.models import CaseShare, Task
from sigap.inbox.models import Notification
from sigap.plans import services as plans
from sigap.plans.models import ServiceStatus
from sigap.plans.signals import service_status_changed
from sigap.referrals import services
from sigap.referrals.models import HandOffStatus

from .helpers import CHILD_NAME, legal_basis, make_case, refer


def test_the_receiving_organisation_is_notified_without_the_childs_name(world):
    case = make_case(world)
    legal_basis(world, case)
    handoff = refer(world, case)
    notices = Notification.objects.filter(kind="handoff_received")
    assert {n.recipient for n in notices} == {world.worker_dinsos}
    for n in notices:
        assert case.number in n.subject
        assert n.url == f"/rujukan/{handoff.pk}/"
        for part in CHILD_NAME.split():
            assert part not in n.subject + n.body
    task = Task.objects.get(kind="handoff_response", subject_id=handoff.pk)
    assert task.organisation == world.dinsos_sby and task.subject_type == "handoff"


def test_a_hand_off_to_a_person_notifies_only_that_person(world):
    case = make_case(world)
    legal_basis(world, case)
    refer(world, case, to=world.uptd_malang, to_user_id=world.worker_malang.pk)
    assert [n.recipient for n in Notification.objects.filter(kind="handoff_received")] == [world.worker_malang]
    assert Task.objects.get(kind="handoff_response").assignee == world.worker_malang


def test_the_email_goes_out_after_commit_without_the_childs_name(world, mailoutbox, django_capture_on_commit_callbacks):
    world.worker_dinsos.email = "dinsos@example.org"
    world.worker_dinsos.save()
    world.worker_sby.email = "uptd@example.org"
    world.worker_sby.save()
    case = make_case(world)
    legal_basis(world, case)
    with django_capture_on_commit_callbacks(execute=True):
        handoff = refer(world, case)
    assert [m.to for m in mailoutbox] == [["dinsos@example.org"]]
    assert case.number in mailoutbox[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_handoff(world.worker_dinsos, handoff.pk)
    assert [m.to for m in mailoutbox][-1] == ["uptd@example.org"]
    assert "diterima" in mailoutbox[-1].subject
    for m in mailoutbox:
        for part in CHILD_NAME.split():
            assert part not in m.subject + m.body


def test_the_sender_is_told_of_a_rejection(world):
    case = make_case(world)
    legal_basis(world, case)
    handoff = refer(world, case)
    services.reject_handoff(world.worker_dinsos, handoff.pk, "Kuota penuh.")
    notice = Notification.objects.get(kind="handoff_rejected")
    assert notice.recipient == world.worker_sby and case.number in notice.subject
    assert "Kuota" not in notice.body  # the reason is read on the page, not sent by email


@pytest.fixture
def accepted(world):
    case = make_case(world)
    legal_basis(world, case)
    handoff = refer(world, case)
    services.accept_handoff(world.worker_dinsos, handoff.pk)
    handoff.refresh_from_db()
    return handoff


def test_a_referral_is_done_when_the_provider_completes_its_service(world, accepted):
    service = accepted.service
    assert service.provider == world.dinsos_sby and service.status == ServiceStatus.REFERRED
    plans.start_service(world.worker_dinsos, service.pk)
    accepted.refresh_from_db()
    assert accepted.status == HandOffStatus.ACCEPTED
    plans.complete_service(world.worker_dinsos, service.pk, None, "Rehabilitasi sosial selesai sesuai rencana.")
    accepted.refresh_from_db()
    assert accepted.status == HandOffStatus.DONE and accepted.done_at is not None
    assert AuditEvent.objects.filter(object_type="handoff", object_id=str(accepted.pk), action="complete").exists()
    # The provider keeps read access to the service it gave while the case is open.
    assert CaseShare.objects.filter(case=accepted.case, organisation=world.dinsos_sby, ended_at=None).exists()


def test_the_plans_signal_alone_marks_the_referral_done(world, accepted):
    service = accepted.service
    service.status = ServiceStatus.COMPLETED
    service.save()
    service_status_changed.send(
        sender=type(service), service=service, actor=world.worker_dinsos, previous="in_progress"
    )
    accepted.refresh_from_db()
    assert accepted.status == HandOffStatus.DONE


def test_cancelling_the_referred_service_calls_the_referral_off(world, accepted):
    plans.cancel_service(world.worker_sby, accepted.service.pk, "Anak kembali ke daerah asal.")
    accepted.refresh_from_db()
    assert accepted.status == HandOffStatus.REVOKED
    assert not CaseShare.objects.filter(case=accepted.case, ended_at=None).exists()


def test_an_accepted_hand_off_can_be_marked_done_by_hand(world, accepted):
    services.complete_handoff(world.worker_sby, accepted.pk)
    accepted.refresh_from_db()
    assert accepted.status == HandOffStatus.DONE
