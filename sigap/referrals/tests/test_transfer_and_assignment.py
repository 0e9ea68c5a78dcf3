import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.cases.models import Case, CaseShare, Task
from sigap.referrals import services
from sigap.referrals.models import HandOffKind, Purpose

from .helpers import legal_basis, make_case, refer


def share_basis(world, case, actor=None):
    return legal_basis(world, case, purpose=Purpose.INFORMATION_SHARING, actor=actor)


def test_a_transfer_moves_ownership_and_the_old_organisation_loses_access(world, as_user):
    case = make_case(world)
    share_basis(world, case)
    first_contact = Task.objects.get(case=case, kind="first_contact")
    handoff = services.create_handoff(
        world.worker_sby, case.pk, HandOffKind.TRANSFER, world.uptd_malang.pk, reason="change_of_location"
    )
    assert as_user("worker_malang").get(reverse("cases:detail", args=[case.pk])).status_code == 404
    services.accept_handoff(world.worker_malang, handoff.pk)
    case.refresh_from_db()
    assert case.organisation == world.uptd_malang
    assert case.worker == world.worker_malang
    first_contact.refresh_from_db()
    assert first_contact.organisation == world.uptd_malang and first_contact.assignee == world.worker_malang
    assert as_user("worker_malang").get(reverse("cases:detail", args=[case.pk])).status_code == 200
    for username in ("worker_sby", "worker2_sby", "supervisor_sby"):
        assert as_user(username).get(reverse("cases:detail", args=[case.pk])).status_code == 404, username
    # Other grounds remain: the province's supervisor still covers Surabaya by jurisdiction.
    assert Case.objects.visible_to(world.supervisor_jatim).filter(pk=case.pk).exists()
    # The sender keeps the hand-off page (its own record), without the case.
    page = as_user("worker_sby").get(reverse("referrals:detail", args=[handoff.pk]))
    assert page.status_code == 200 and 'id="handoff-case-link"' not in page.content.decode()
    event = AuditEvent.objects.get(object_type="case", object_id=str(case.pk), action="handoff")
    assert event.changes["organisation"] == [world.uptd_sby.pk, world.uptd_malang.pk]


def test_a_transfer_to_a_named_worker_makes_them_the_worker(world):
    case = make_case(world)
    share_basis(world, case)
    handoff = services.create_handoff(
        world.worker_sby, case.pk, HandOffKind.TRANSFER, world.uptd_malang.pk, to_user_id=world.worker_malang.pk
    )
    services.accept_handoff(world.supervisor_malang, handoff.pk)
    case.refresh_from_db()
    assert case.worker == world.worker_malang


def test_only_one_transfer_waits_at_a_time(world):
    case = make_case(world)
    share_basis(world, case)
    services.create_handoff(world.worker_sby, case.pk, HandOffKind.TRANSFER, world.uptd_malang.pk)
    with pytest.raises(ValidationError, match="menunggu tanggapan"):
        services.create_handoff(world.worker_sby, case.pk, HandOffKind.TRANSFER, world.uptd_jakpus.pk)


def test_a_provider_with_access_asks_for_a_transfer_and_the_owners_supervisor_decides(world):
    case = make_case(world)
    legal_basis(world, case)
    share_basis(world, case)
    referral = refer(world, case)
    with pytest.raises(PermissionDenied):  # no access to the case before accepting the referral
        services.create_handoff(world.worker_dinsos, case.pk, HandOffKind.TRANSFER_REQUEST)
    services.accept_handoff(world.worker_dinsos, referral.pk)
    request = services.create_handoff(
        world.worker_dinsos, case.pk, HandOffKind.TRANSFER_REQUEST, details="Anak akan tinggal di panti kami."
    )
    assert request.to_organisation == world.uptd_sby and request.from_organisation == world.dinsos_sby
    task = Task.objects.get(kind="handoff_response", subject_id=request.pk)
    assert task.organisation == world.uptd_sby
    with pytest.raises(PermissionDenied):  # a case worker of the owner does not decide
        services.accept_handoff(world.worker_sby, request.pk)
    services.accept_handoff(world.supervisor_sby, request.pk)
    case.refresh_from_db()
    assert case.organisation == world.dinsos_sby and case.worker == world.worker_dinsos
    assert not Case.objects.visible_to(world.worker_sby).filter(pk=case.pk).exists()


def test_the_owner_cannot_ask_itself_for_a_transfer(world):
    case = make_case(world)
    share_basis(world, case)
    with pytest.raises(PermissionDenied):
        services.create_handoff(world.worker_sby, case.pk, HandOffKind.TRANSFER_REQUEST)


def test_a_jurisdiction_supervisor_may_ask_for_a_transfer(world):
    case = make_case(world)
    share_basis(world, case)
    request = services.create_handoff(world.supervisor_jatim, case.pk, HandOffKind.TRANSFER_REQUEST)
    services.accept_handoff(world.supervisor_sby, request.pk)
    case.refresh_from_db()
    assert case.organisation == world.uptd_jatim and case.worker == world.supervisor_jatim


def test_an_assignment_within_the_organisation_changes_the_worker(world):
    case = make_case(world)
    share_basis(world, case)
    handoff = services.create_handoff(
        world.worker_sby, case.pk, HandOffKind.ASSIGNMENT, None, to_user_id=world.worker2_sby.pk
    )
    assert handoff.to_organisation == world.uptd_sby
    with pytest.raises(PermissionDenied):  # addressed to one person
        services.accept_handoff(world.worker_sby, handoff.pk)
    services.accept_handoff(world.worker2_sby, handoff.pk)
    case.refresh_from_db()
    assert case.worker == world.worker2_sby
    assert Task.objects.get(case=case, kind="first_contact").assignee == world.worker2_sby
    assert not CaseShare.objects.filter(case=case).exists()


def test_an_assignment_across_organisations_shares_the_case_with_that_person(world):
    case = make_case(world)
    share_basis(world, case)
    handoff = services.create_handoff(
        world.worker_sby, case.pk, HandOffKind.ASSIGNMENT, world.uptd_malang.pk, to_user_id=world.worker_malang.pk
    )
    assert not Case.objects.visible_to(world.worker_malang).filter(pk=case.pk).exists()
    services.accept_handoff(world.worker_malang, handoff.pk)
    case.refresh_from_db()
    assert case.organisation == world.uptd_sby and case.worker == world.worker_malang
    assert CaseShare.objects.filter(case=case, user=world.worker_malang, reason="assignment", ended_at=None).exists()
    assert Case.objects.visible_to(world.worker_malang).filter(pk=case.pk).exists()


def test_an_assignment_needs_an_active_case_worker_of_the_receiving_organisation(world):
    case = make_case(world)
    share_basis(world, case)
    with pytest.raises(ValidationError, match="pekerja kasus"):
        services.create_handoff(world.worker_sby, case.pk, HandOffKind.ASSIGNMENT, None, to_user_id=world.analyst.pk)
    with pytest.raises(ValidationError, match="bukan anggota"):
        services.create_handoff(
            world.worker_sby, case.pk, HandOffKind.ASSIGNMENT, world.uptd_jakpus.pk, to_user_id=world.worker_malang.pk
        )
    with pytest.raises(ValidationError, match="sudah menjadi pekerja"):
        services.create_handoff(world.worker_sby, case.pk, HandOffKind.ASSIGNMENT, None, to_user_id=world.worker_sby.pk)
