import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from sigap.audit.models import AuditEvent
from sigap.cases import services
from sigap.cases.models import Case, CaseShare, Note
from sigap.identity.models import Child, FamilyMember

from .helpers import make_case


def share(case, organisation, user=None):
    return CaseShare.objects.create(case=case, organisation=organisation, user=user, reason="referral")


def test_an_accepted_share_lets_the_receiving_organisation_see_the_case_and_child(world):
    case = make_case(world)
    assert not Case.objects.visible_to(world.worker_dinsos).exists()
    s = share(case, world.dinsos_sby)
    assert list(Case.objects.visible_to(world.worker_dinsos)) == [case]
    assert list(Child.objects.visible_to(world.worker_dinsos)) == [case.child]
    s.ended_at = timezone.now()
    s.save()
    assert not Case.objects.visible_to(world.worker_dinsos).exists()
    assert not Child.objects.visible_to(world.worker_dinsos).exists()


def test_a_share_never_reaches_aggregate_users_or_community_reporters(world):
    case = make_case(world)
    share(case, world.gugus)
    share(case, world.patbm_kebraon)
    for person in (world.analyst, world.analyst_all, world.reporter):
        assert not Case.objects.visible_to(person).exists()


def test_a_share_to_one_person_is_seen_by_that_person_only(world):
    case = make_case(world)
    world.worker_dinsos.record_scope = "own"
    world.worker_dinsos.save()
    share(case, world.dinsos_sby, user=world.worker_dinsos)
    assert Case.objects.visible_to(world.worker_dinsos).exists()


def test_confidential_notes_stay_inside_the_owning_organisation(world, as_user):
    case = make_case(world)
    services.add_note(world.worker_sby, case.pk, "Catatan internal tentang kunjungan rumah.", confidential=True)
    services.add_note(world.worker_sby, case.pk, "Anak sudah kembali bersekolah.", shareable=True)
    share(case, world.dinsos_sby)
    assert Note.objects.visible_to(world.worker_sby).count() == 2
    assert [n.text for n in Note.objects.visible_to(world.worker_dinsos)] == ["Anak sudah kembali bersekolah."]
    page = as_user("worker_dinsos").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "kunjungan rumah" not in page
    assert "kembali bersekolah" in page


def test_a_note_cannot_be_both_confidential_and_shareable(world):
    case = make_case(world)
    with pytest.raises(ValidationError):
        services.add_note(world.worker_sby, case.pk, "x", confidential=True, shareable=True)
    with pytest.raises(IntegrityError):
        Note.objects.create(
            case=case, text="x", confidential=True, shareable=True, author=world.worker_sby, organisation=world.uptd_sby
        )


def test_adding_a_note_through_the_page(world, as_user):
    case = make_case(world)
    client = as_user("worker_sby")
    empty = client.post(reverse("cases:add_note", args=[case.pk]), {"text": " "})
    assert empty.status_code == 400
    ok = client.post(reverse("cases:add_note", args=[case.pk]), {"text": "Kunjungan rumah dijadwalkan."})
    assert ok.status_code == 302
    assert "Kunjungan rumah dijadwalkan." in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_flagging_a_family_member_needs_a_reason_and_is_audited(world, as_user):
    case = make_case(world)
    client = as_user("worker_sby")
    data = {"name": "Slamet", "relationship": "father", "suspected_involvement": "on", "suspicion_note": ""}
    refused = client.post(reverse("cases:family_add", args=[case.pk]), data)
    assert refused.status_code == 400
    assert "Slamet" in refused.content.decode()  # what was typed is kept
    data["suspicion_note"] = "Menurut keterangan tetangga, ayah yang mengantar anak ke tempat kerja."
    assert client.post(reverse("cases:family_add", args=[case.pk]), data).status_code == 302
    member = FamilyMember.objects.get()
    assert member.suspected_involvement and member.is_parent_or_guardian
    assert AuditEvent.objects.filter(object_type="familymember", action="create").exists()
    assert "Diduga terlibat" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_family_members_are_invisible_outside_the_case_scope(world):
    case = make_case(world)
    services.add_family_member(world.worker_sby, case.pk, name="Sri", relationship="mother")
    assert FamilyMember.objects.visible_to(world.worker_sby).count() == 1
    assert FamilyMember.objects.visible_to(world.worker_malang).count() == 0
    assert FamilyMember.objects.visible_to(world.analyst_all).count() == 0
    with pytest.raises(PermissionDenied):
        services.add_family_member(world.worker_malang, case.pk, name="X", relationship="other")


def test_a_shared_organisation_sees_the_case_but_not_the_owners_history_or_report_links(world, as_user):
    case = make_case(world)
    share(case, world.dinsos_sby)
    report = case.reports.get()
    page = as_user("worker_dinsos").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert report.tracking_code in page
    assert reverse("intake:detail", args=[report.pk]) not in page
    assert 'id="case-history"' not in page
    own = as_user("worker_sby").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("intake:detail", args=[report.pk]) in own and 'id="case-history"' in own


def test_a_confidential_note_of_a_partner_is_seen_by_the_partner_and_the_owner_only(world):
    case = make_case(world)
    share(case, world.dinsos_sby)
    services.add_note(world.worker_dinsos, case.pk, "Catatan rahasia Dinas Sosial.", confidential=True)
    assert Note.objects.visible_to(world.worker_dinsos).count() == 1
    assert Note.objects.visible_to(world.worker_sby).count() == 1
    share(case, world.uptd_malang)
    assert Note.objects.visible_to(world.worker_malang).count() == 0
