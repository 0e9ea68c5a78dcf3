"""Before accepting, the receiving organisation sees only the hand-off page; acceptance opens the
case, revocation closes it again, and nobody else sees anything."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.cases.models import CaseShare, Task
from sigap.referrals import services

from .helpers import CHILD_NAME, REPORT_TEXT, legal_basis, make_case, note, parent, refer

SHARED = "Anak membutuhkan pendampingan psikososial dan tempat aman sementara."
INTERNAL = "Catatan internal tentang keluarga yang tidak untuk dibagikan."
SECRET = "Catatan rahasia organisasi pemilik."


@pytest.fixture
def referral(world):
    case = make_case(world)
    legal_basis(world, case)
    parent(case, name="Siti Aminah")
    shared = note(world, case, SHARED, shareable=True)
    note(world, case, INTERNAL)
    note(world, case, SECRET, confidential=True)
    return refer(world, case, notes=(shared,), details="Mohon dijemput di kantor UPTD.")


def case_url(handoff):
    return reverse("cases:detail", args=[handoff.case_id])


def page_url(handoff):
    return reverse("referrals:detail", args=[handoff.pk])


def test_the_receiving_organisation_cannot_open_the_case_before_accepting(world, as_user, referral):
    assert as_user("worker_dinsos").get(case_url(referral)).status_code == 404


def test_the_hand_off_page_shows_only_the_limited_fields(world, as_user, referral):
    response = as_user("worker_dinsos").get(page_url(referral))
    assert response.status_code == 200
    html = response.content.decode()
    assert CHILD_NAME in html
    assert "Laki-laki" in html or "12 tahun" in html
    assert "Rehabilitasi sosial" in html
    assert "Risiko tinggi" in html
    assert SHARED in html
    assert "Mohon dijemput" in html
    for hidden in (INTERNAL, SECRET, REPORT_TEXT, "Siti Aminah", "Anak bekerja di malam hari"):
        assert hidden not in html
    assert 'id="handoff-accept"' in html
    assert 'id="handoff-case-link"' not in html
    viewer = world.worker_dinsos.pk
    assert AuditEvent.objects.filter(actor_id=viewer, action="view", object_type="child").exists()
    assert AuditEvent.objects.filter(
        actor_id=viewer, action="view", object_type="handoff", object_id=str(referral.pk)
    ).exists()


def test_after_acceptance_the_case_page_opens(world, as_user, referral):
    client = as_user("worker_dinsos")
    response = client.post(reverse("referrals:accept", args=[referral.pk]))
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert referral.service.status == "referred"  # until the provider starts it
    assert CaseShare.objects.filter(case=referral.case, organisation=world.dinsos_sby, ended_at=None).exists()
    assert client.get(case_url(referral)).status_code == 200
    assert 'id="handoff-case-link"' in client.get(page_url(referral)).content.decode()
    task = Task.objects.get(kind="handoff_response", subject_id=referral.pk)
    assert task.status == "done" and task.done_by == world.worker_dinsos
    assert list(
        AuditEvent.objects.filter(object_type="handoff", object_id=str(referral.pk))
        .exclude(action__in=["view", "list"])
        .values_list("action", flat=True)
        .order_by("id")
    ) == ["handoff", "accept"]


def test_after_revocation_the_case_page_closes_again(world, as_user, referral):
    services.accept_handoff(world.worker_dinsos, referral.pk)
    services.revoke_handoff(world.worker_sby, referral.pk, "Anak pindah ke luar kota.")
    referral.refresh_from_db()
    assert referral.status == "revoked"
    assert referral.service.status == "cancelled"
    assert not CaseShare.objects.filter(case=referral.case, ended_at=None).exists()
    client = as_user("worker_dinsos")
    assert client.get(case_url(referral)).status_code == 404
    assert AuditEvent.objects.filter(object_type="handoff", action="revoke").count() == 1


def test_an_unrelated_organisation_sees_nothing(world, as_user, referral):
    for username in ("worker_malang", "worker_jakpus", "analyst", "analyst_all", "reporter", "org_admin_sby"):
        client = as_user(username)
        assert client.get(page_url(referral)).status_code == 404, username
        assert client.get(case_url(referral)).status_code == 404, username
        assert referral.case.number not in client.get(reverse("referrals:incoming")).content.decode()
        assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "in_progress"


def test_rejection_needs_a_reason(world, as_user, referral):
    with pytest.raises(ValidationError, match="alasan"):
        services.reject_handoff(world.worker_dinsos, referral.pk, "  ")
    client = as_user("worker_dinsos")
    response = client.post(reverse("referrals:reject", args=[referral.pk]), {"reject-reason": ""})
    assert response.status_code == 400
    assert "Tuliskan alasannya." in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == "in_progress"
    response = client.post(
        reverse("referrals:reject", args=[referral.pk]), {"reject-reason": "Kuota rehabilitasi sedang penuh."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "rejected" and referral.rejection_reason == "Kuota rehabilitasi sedang penuh."
    assert referral.service.status == "declined"
    assert client.get(case_url(referral)).status_code == 404
    assert Task.objects.get(kind="handoff_response", subject_id=referral.pk).status == "done"


def test_only_the_receiver_answers_and_only_the_sender_revokes(world, referral):
    with pytest.raises(PermissionDenied):
        services.accept_handoff(world.worker_sby, referral.pk)
    with pytest.raises(PermissionDenied):
        services.revoke_handoff(world.worker_dinsos, referral.pk, "Bukan pengirim.")
    services.accept_handoff(world.worker_dinsos, referral.pk)
    with pytest.raises(ValidationError, match="sudah ditanggapi"):
        services.reject_handoff(world.worker_dinsos, referral.pk, "Terlambat.")


def test_a_revoked_waiting_referral_can_no_longer_be_accepted(world, as_user, referral):
    services.revoke_handoff(world.worker_sby, referral.pk, "Salah organisasi tujuan.")
    assert Task.objects.get(kind="handoff_response", subject_id=referral.pk).status == "cancelled"
    response = as_user("worker_dinsos").post(reverse("referrals:accept", args=[referral.pk]))
    assert response.status_code == 400
    assert "sudah ditanggapi atau dibatalkan" in response.content.decode()
    assert as_user("worker_dinsos").get(case_url(referral)).status_code == 404


def test_the_receiving_organisation_does_not_see_the_consent_page_before_accepting(world, as_user, referral):
    client = as_user("worker_dinsos")
    assert client.get(reverse("referrals:consents", args=[referral.case_id])).status_code == 404
    assert client.get(reverse("referrals:create", args=[referral.case_id])).status_code == 404


def test_a_receiving_worker_limited_to_their_own_records_does_not_see_the_organisations_hand_offs(
    world, as_user, referral
):
    world.worker_dinsos.record_scope = "own"
    world.worker_dinsos.save()
    assert as_user("worker_dinsos").get(page_url(referral)).status_code == 404
    with pytest.raises(PermissionDenied):
        services.accept_handoff(world.worker_dinsos, referral.pk)


@pytest.mark.parametrize("ending", ["reject", "revoke"])
def test_once_the_receiving_side_has_no_access_its_hand_off_page_no_longer_shows_the_child(
    world, as_user, referral, ending
):
    if ending == "reject":
        services.reject_handoff(world.worker_dinsos, referral.pk, "Kapasitas rumah aman penuh.")
    else:
        services.revoke_handoff(world.worker_sby, referral.pk, "Anak dirujuk ke lembaga lain.")
    page = as_user("worker_dinsos").get(page_url(referral)).content.decode()
    assert CHILD_NAME not in page
    assert SHARED not in page
    assert 'id="handoff-child-hidden"' in page
    # the sender still sees the whole record
    assert CHILD_NAME in as_user("worker_sby").get(page_url(referral)).content.decode()
