import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.legal import services
from sigap.legal.models import AllegedPerpetrator

from .helpers import family_member, make_case, share

DATA = {
    "name": "Pak Rahasia alias Bos",
    "sex": "M",
    "estimated_age": 45,
    "nationality": "MY",
    "relationship_to_child": "Acquainted",
    "roles": ["RecruiterOrIntermediary", "Exploiter"],
    "notes": "Menawarkan pekerjaan di luar kota.",
}


@pytest.fixture
def case_with_perpetrator(world):
    case = make_case(world)
    perpetrator = services.save_alleged_perpetrator(world.supervisor_sby, case.pk, DATA)
    return case, perpetrator


def test_a_supervisor_records_a_perpetrator_with_htcds_codes(world, case_with_perpetrator):
    _case, perpetrator = case_with_perpetrator
    assert perpetrator.roles == ["RecruiterOrIntermediary", "Exploiter"]
    assert perpetrator.relationship_to_child == "Acquainted"
    assert perpetrator.htcds_gender == "Masculine"
    event = AuditEvent.objects.get(action="create", object_type="allegedperpetrator")
    assert "Rahasia" not in str(event.changes) and "Rahasia" not in event.object_label
    assert "name" in event.changes["fields"]


def test_a_case_worker_without_the_permission_sees_nothing_about_perpetrators(as_user, world, case_with_perpetrator):
    case, perpetrator = case_with_perpetrator
    client = as_user("worker_sby")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="section-legal"' in page
    assert "Rahasia" not in page
    legal = page.split('id="section-legal"', 1)[1].split("</section>", 1)[0]
    assert "pelaku" not in legal.lower()
    assert 'id="legal-perpetrators"' not in page
    assert client.get(reverse("legal:perpetrators", args=[case.pk])).status_code == 403
    assert client.get(reverse("legal:perpetrators_edit", args=[case.pk, perpetrator.pk])).status_code in (403, 404)
    assert not AllegedPerpetrator.objects.visible_to(world.worker_sby).exists()
    assert not AuditEvent.objects.filter(object_type="allegedperpetrator", action__in=["view", "list"]).exists()


def test_a_case_worker_without_the_permission_cannot_record_a_perpetrator(as_user, world):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        services.save_alleged_perpetrator(world.worker_sby, case.pk, DATA)
    response = as_user("worker_sby").post(reverse("legal:perpetrators", args=[case.pk]), {**DATA, "roles": "Other"})
    assert response.status_code == 403
    assert not AllegedPerpetrator.objects.exists()


def test_a_granted_permission_opens_the_perpetrator_fields(as_user, world, case_with_perpetrator):
    case, _ = case_with_perpetrator
    world.worker_sby.granted_permissions = ["read_perpetrators"]
    world.worker_sby.save()
    client = as_user("worker_sby")
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="legal-perpetrators"' in page
    assert "Pak Rahasia alias Bos" in page
    assert client.get(reverse("legal:perpetrators", args=[case.pk])).status_code == 200
    assert AllegedPerpetrator.objects.visible_to(world.worker_sby).count() == 1


def test_every_read_of_perpetrator_rows_is_audited(as_user, world, case_with_perpetrator):
    case, perpetrator = case_with_perpetrator
    client = as_user("supervisor_sby")
    client.get(reverse("cases:detail", args=[case.pk]))
    client.get(reverse("legal:perpetrators", args=[case.pk]))
    client.get(reverse("legal:perpetrators_edit", args=[case.pk, perpetrator.pk]))
    reads = AuditEvent.objects.filter(object_type="allegedperpetrator", object_id=str(perpetrator.pk))
    assert reads.filter(action="list").count() == 3
    assert set(reads.values_list("actor_username", flat=True)) == {"supervisor_sby"}


def test_the_permission_does_not_reach_other_organisations_cases(as_user, world, case_with_perpetrator):
    case, perpetrator = case_with_perpetrator
    assert not AllegedPerpetrator.objects.visible_to(world.supervisor_malang).exists()
    client = as_user("supervisor_malang")
    assert client.get(reverse("legal:perpetrators", args=[case.pk])).status_code == 404
    assert client.get(reverse("legal:perpetrators_edit", args=[case.pk, perpetrator.pk])).status_code == 404


def test_a_shared_organisations_worker_with_the_grant_reads_but_cannot_write(as_user, world, case_with_perpetrator):
    case, perpetrator = case_with_perpetrator
    share(case, world.dinsos_sby)
    world.worker_dinsos.granted_permissions = ["read_perpetrators"]
    world.worker_dinsos.save()
    assert list(AllegedPerpetrator.objects.visible_to(world.worker_dinsos)) == [perpetrator]
    with pytest.raises(PermissionDenied):
        services.save_alleged_perpetrator(world.worker_dinsos, case.pk, {"name": "Ubah"}, perpetrator.pk)
    response = as_user("worker_dinsos").post(
        reverse("legal:perpetrators_edit", args=[case.pk, perpetrator.pk]), {**DATA, "name": "Ubah"}
    )
    assert response.status_code == 403


def test_an_analyst_never_sees_perpetrators_even_with_a_grant(world, case_with_perpetrator):
    world.analyst_all.granted_permissions = ["read_perpetrators"]
    world.analyst_all.save()
    assert not AllegedPerpetrator.objects.visible_to(world.analyst_all).exists()


def test_linking_a_family_member_flags_their_suspected_involvement(world):
    case = make_case(world)
    uncle = family_member(case)
    perpetrator = services.save_alleged_perpetrator(
        world.supervisor_sby,
        case.pk,
        {"name": "Paman Joko", "sex": "M", "family_member": uncle.pk, "roles": ["RecruiterOrIntermediary"]},
        suspicion_note="Membawa anak ke kota lain.",
    )
    uncle.refresh_from_db()
    assert uncle.suspected_involvement is True
    assert case.number in uncle.suspicion_note
    assert "Membawa anak ke kota lain." in uncle.suspicion_note
    assert perpetrator.relationship_to_child == "Familial"
    event = AuditEvent.objects.get(object_type="familymember", object_id=str(uncle.pk), action="update")
    assert event.changes["suspected_involvement"] == [False, True]
    assert event.actor_username == "supervisor_sby"


def test_linking_through_the_page_flags_the_family_member(as_user, world):
    case = make_case(world)
    uncle = family_member(case)
    response = as_user("supervisor_sby").post(
        reverse("legal:perpetrators", args=[case.pk]),
        {"name": "Paman Joko", "sex": "M", "family_member": uncle.pk, "suspicion_note": "Diduga perantara."},
    )
    assert response.status_code == 302
    uncle.refresh_from_db()
    assert uncle.suspected_involvement is True
    assert "Diduga perantara." in uncle.suspicion_note


def test_a_family_member_of_another_child_cannot_be_linked(world):
    case = make_case(world)
    other = make_case(world)
    stranger = family_member(other, name="Bu Sari")
    with pytest.raises(ValidationError):
        services.save_alleged_perpetrator(
            world.supervisor_sby, case.pk, {"name": "Bu Sari", "family_member": stranger.pk}
        )
    stranger.refresh_from_db()
    assert stranger.suspected_involvement is False


def test_a_family_member_cannot_be_called_a_stranger(world):
    case = make_case(world)
    uncle = family_member(case)
    with pytest.raises(ValidationError):
        services.save_alleged_perpetrator(
            world.supervisor_sby,
            case.pk,
            {"name": "Paman", "family_member": uncle.pk, "relationship_to_child": "Unaquainted"},
        )
    uncle.refresh_from_db()
    assert uncle.suspected_involvement is False


def test_unknown_roles_and_nationalities_are_refused(world):
    case = make_case(world)
    with pytest.raises(ValidationError):
        services.save_alleged_perpetrator(world.supervisor_sby, case.pk, {**DATA, "roles": ["Smuggler"]})
    with pytest.raises(ValidationError):
        services.save_alleged_perpetrator(world.supervisor_sby, case.pk, {**DATA, "nationality": "XX"})
    assert not AllegedPerpetrator.objects.exists()


def test_updating_a_perpetrator_is_audited_without_the_values(world, case_with_perpetrator):
    case, perpetrator = case_with_perpetrator
    services.save_alleged_perpetrator(world.supervisor_sby, case.pk, {**DATA, "name": "Nama Baru"}, perpetrator.pk)
    event = AuditEvent.objects.get(action="update", object_type="allegedperpetrator")
    assert event.changes == {"fields": ["name"]}
    perpetrator.refresh_from_db()
    assert perpetrator.name == "Nama Baru"
