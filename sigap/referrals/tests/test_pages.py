from django.urls import reverse

from sigap.referrals.models import Consent, HandOff

from .helpers import CHILD_NAME, legal_basis, make_case, note, parent, refer
from .test_consent import PARENT_MESSAGE


def test_a_worker_refers_a_case_through_the_form(world, as_user):
    case = make_case(world)
    basis = legal_basis(world, case)
    shared = note(world, case, "Anak butuh pendampingan.", shareable=True)
    note(world, case, "Tidak untuk dibagikan.")
    client = as_user("worker_sby")
    page = client.get(reverse("referrals:create", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="handoff-submit"' in html and "Tidak untuk dibagikan." not in html
    assert "Dinas Sosial Kota Surabaya" in html
    response = client.post(
        reverse("referrals:create", args=[case.pk]),
        {
            "kind": "referral",
            "to_organisation": world.dinsos_sby.pk,
            "service_type": "social_rehabilitation",
            "reason": "additional_services",
            "details": "Segera.",
            "basis": str(basis.pk),
            "shared_notes": [shared.pk],
        },
    )
    handoff = HandOff.objects.get()
    assert response.status_code == 302 and response.url == reverse("referrals:detail", args=[handoff.pk])
    assert handoff.consent == basis and list(handoff.shared_notes.all()) == [shared]
    assert handoff.service.status == "referred"


def test_the_form_refuses_a_referral_without_basis_and_keeps_what_was_typed(world, as_user):
    case = make_case(world)
    response = as_user("worker_sby").post(
        reverse("referrals:create", args=[case.pk]),
        {
            "kind": "referral",
            "to_organisation": world.dinsos_sby.pk,
            "service_type": "social_rehabilitation",
            "reason": "additional_services",
            "details": "Keterangan yang sudah diketik.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Rujukan memerlukan persetujuan atau dasar hukum yang tercatat" in html
    assert "Keterangan yang sudah diketik." in html
    assert not HandOff.objects.exists()


def test_a_case_worker_is_not_offered_the_override(world, as_user):
    case = make_case(world)
    assert (
        'value="override"'
        not in as_user("worker_sby").get(reverse("referrals:create", args=[case.pk])).content.decode()
    )
    assert (
        'value="override"'
        in as_user("supervisor_sby").get(reverse("referrals:create", args=[case.pk])).content.decode()
    )
    response = as_user("worker_sby").post(
        reverse("referrals:create", args=[case.pk]),
        {
            "kind": "referral",
            "to_organisation": world.dinsos_sby.pk,
            "service_type": "social_rehabilitation",
            "reason": "additional_services",
            "basis": "override",
            "override_reason": "Darurat.",
        },
    )
    assert response.status_code == 400 and not HandOff.objects.exists()


def test_the_consent_page_refuses_a_parents_consent_when_a_parent_is_flagged(world, as_user):
    case = make_case(world)
    mother = parent(case)
    parent(case, suspected=True, relationship="father", name="Joko Susilo")
    client = as_user("worker_sby")
    page = client.get(reverse("referrals:consents", args=[case.pk]))
    assert 'id="consent-parent-warning"' in page.content.decode()
    response = client.post(
        reverse("referrals:consents", args=[case.pk]),
        {
            "purposes": ["referral_services", "information_sharing"],
            "basis": "consent",
            "given_by_family_member": mother.pk,
            "scope": "Cakupan yang sudah diketik.",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert PARENT_MESSAGE in html and "Cakupan yang sudah diketik." in html
    assert not Consent.objects.exists()


def test_a_legal_basis_for_two_purposes_is_recorded_and_can_be_withdrawn(world, as_user):
    case = make_case(world)
    client = as_user("worker_sby")
    response = client.post(
        reverse("referrals:consents", args=[case.pk]),
        {
            "purposes": ["referral_services", "information_sharing"],
            "basis": "legal_obligation",
            "law": "uu_35_2014",
            "given_by_child": "on",
            "given_at": "2024-01-05T10:00",
            "scope": "Data dasar anak kepada penyedia layanan.",
        },
    )
    assert response.status_code == 302
    assert sorted(Consent.objects.values_list("purpose", flat=True)) == ["information_sharing", "referral_services"]
    consent = Consent.objects.get(purpose="referral_services")
    bad = client.post(reverse("referrals:withdraw_consent", args=[consent.pk]), {f"withdraw-{consent.pk}-reason": ""})
    assert bad.status_code == 400
    done = client.post(
        reverse("referrals:withdraw_consent", args=[consent.pk]), {f"withdraw-{consent.pk}-reason": "Salah catat."}
    )
    assert done.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    section = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert 'id="section-referrals"' in section and f'id="section-consent-{consent.pk}"><s>' in section


def test_the_incoming_list_puts_waiting_hand_offs_first_with_their_due_time(world, as_user):
    case = make_case(world)
    legal_basis(world, case)
    first = refer(world, case)
    second = refer(world, case, service_type="temporary_shelter")
    from sigap.referrals import services

    services.reject_handoff(world.worker_dinsos, first.pk, "Penuh.")
    html = as_user("worker_dinsos").get(reverse("referrals:incoming")).content.decode()
    assert html.index(f'id="handoff-{second.pk}"') < html.index(f'id="handoff-{first.pk}"')
    assert case.number in html and CHILD_NAME not in html
    outgoing = as_user("worker_sby").get(reverse("referrals:outgoing")).content.decode()
    assert f'id="handoff-{first.pk}"' in outgoing
    assert f'id="handoff-{first.pk}"' not in as_user("worker_sby").get(reverse("referrals:incoming")).content.decode()


def test_a_provider_with_access_is_offered_only_a_transfer_request(world, as_user):
    from sigap.referrals import services
    from sigap.referrals.models import Purpose

    case = make_case(world)
    legal_basis(world, case)
    legal_basis(world, case, purpose=Purpose.INFORMATION_SHARING)
    handoff = refer(world, case)
    services.accept_handoff(world.worker_dinsos, handoff.pk)
    client = as_user("worker_dinsos")
    html = client.get(reverse("referrals:create", args=[case.pk])).content.decode()
    assert 'value="transfer_request"' in html and 'value="referral"' not in html
    response = client.post(
        reverse("referrals:create", args=[case.pk]), {"kind": "transfer_request", "reason": "change_of_location"}
    )
    assert response.status_code == 302
    assert HandOff.objects.filter(kind="transfer_request", to_organisation=world.uptd_sby).exists()


def test_the_organisation_and_user_pickers_filter(world, as_user):
    client = as_user("worker_sby")
    html = client.get(reverse("referrals:organisation_options"), {"q": "dinas"}).content.decode()
    assert "Dinas Sosial Kota Surabaya" in html and "UPTD PPA Kabupaten Malang" not in html
    html = client.get(reverse("referrals:user_options"), {"to_organisation": world.uptd_malang.pk}).content.decode()
    assert "worker_malang" in html and "supervisor_malang" in html and "worker_sby" not in html
    assert as_user("analyst").get(reverse("referrals:user_options")).status_code == 403
