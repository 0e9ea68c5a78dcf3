"""A hand-off needs a recorded basis for its purpose, or an override by someone allowed to, with a reason."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sigap.cases.models import Task
from sigap.plans.models import CaseService
from sigap.referrals import services
from sigap.referrals.models import Basis, HandOff, HandOffKind, Purpose

from .helpers import legal_basis, make_case, parent, refer
from .test_consent import PARENT_MESSAGE, consent_by

BASIS_MESSAGE = "Rujukan memerlukan persetujuan atau dasar hukum yang tercatat, atau izin pengecualian dengan alasan."


def test_no_referral_without_a_recorded_basis(world):
    case = make_case(world)
    with pytest.raises(ValidationError) as exc:
        refer(world, case)
    assert exc.value.messages == [BASIS_MESSAGE]
    assert not HandOff.objects.exists()
    assert not CaseService.objects.exists()
    assert not Task.objects.filter(kind="handoff_response").exists()


def test_a_basis_for_another_purpose_does_not_cover_a_referral(world):
    case = make_case(world)
    legal_basis(world, case, purpose=Purpose.INFORMATION_SHARING)
    with pytest.raises(ValidationError, match="persetujuan atau dasar hukum"):
        refer(world, case)
    other = legal_basis(world, case, purpose=Purpose.CASE_MANAGEMENT)
    with pytest.raises(ValidationError, match="tidak mencakup"):
        refer(world, case, consent_id=other.pk)


def test_a_transfer_needs_a_basis_for_information_sharing(world):
    case = make_case(world)
    legal_basis(world, case, purpose=Purpose.REFERRAL_SERVICES)
    with pytest.raises(ValidationError, match="persetujuan atau dasar hukum"):
        services.create_handoff(world.worker_sby, case.pk, HandOffKind.TRANSFER, world.uptd_malang.pk)
    basis = legal_basis(world, case, purpose=Purpose.INFORMATION_SHARING)
    handoff = services.create_handoff(world.worker_sby, case.pk, HandOffKind.TRANSFER, world.uptd_malang.pk)
    assert handoff.consent == basis


def test_an_override_needs_the_permission(world):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        refer(world, case, override=True, override_reason="Anak dalam bahaya, orang tua tidak dapat dihubungi.")
    assert not HandOff.objects.exists()


def test_an_override_needs_a_written_reason(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="alasan pengecualian"):
        refer(world, case, actor=world.supervisor_sby, override=True, override_reason="   ")
    assert not HandOff.objects.exists()


def test_an_override_with_the_permission_and_a_reason_is_recorded(world):
    case = make_case(world)
    world.worker_sby.granted_permissions = ["handoff_override"]
    world.worker_sby.save()
    handoff = refer(world, case, override=True, override_reason="Anak dalam bahaya, orang tua tidak dapat dihubungi.")
    assert handoff.override and handoff.consent is None
    assert handoff.override_reason.startswith("Anak dalam bahaya")


def test_a_parents_consent_cannot_be_chosen_once_a_parent_is_flagged(world):
    case = make_case(world)
    mother = parent(case)
    consent = consent_by(world, case, mother)
    mother.suspected_involvement = True
    mother.save()
    with pytest.raises(ValidationError) as exc:
        refer(world, case, consent_id=consent.pk)
    assert exc.value.messages == [PARENT_MESSAGE]
    with pytest.raises(ValidationError) as exc:
        refer(world, case)
    assert exc.value.messages == [BASIS_MESSAGE, PARENT_MESSAGE]


def test_a_withdrawn_consent_cannot_be_chosen(world):
    case = make_case(world)
    basis = legal_basis(world, case)
    services.withdraw_consent(world.worker_sby, basis.pk, "Anak dan keluarga menolak.")
    with pytest.raises(ValidationError, match="ditarik"):
        refer(world, case, consent_id=basis.pk)
    with pytest.raises(ValidationError, match="persetujuan atau dasar hukum"):
        refer(world, case)


def test_a_consent_withdrawn_while_the_referral_waits_blocks_its_acceptance(world):
    case = make_case(world)
    basis = legal_basis(world, case)
    handoff = refer(world, case)
    services.withdraw_consent(world.worker_sby, basis.pk, "Keluarga menarik persetujuan.")
    with pytest.raises(ValidationError, match="tidak berlaku lagi"):
        services.accept_handoff(world.worker_dinsos, handoff.pk)
    handoff.refresh_from_db()
    assert handoff.status == "in_progress"
    newer = services.record_consent(
        world.worker_sby,
        case.pk,
        purpose=Purpose.REFERRAL_SERVICES,
        basis=Basis.VITAL_INTEREST,
        scope="Data dasar anak kepada Dinas Sosial.",
    )
    services.accept_handoff(world.worker_dinsos, handoff.pk)
    handoff.refresh_from_db()
    assert handoff.status == "accepted" and handoff.consent == newer


def test_only_shareable_notes_of_the_case_can_go_with_a_hand_off(world):
    from .helpers import note

    case = make_case(world)
    legal_basis(world, case)
    private = note(world, case, "Catatan internal.")
    with pytest.raises(ValidationError, match="boleh dibagikan"):
        refer(world, case, notes=(private,))


def test_a_referral_names_a_service_from_the_catalogue_and_another_organisation(world):
    case = make_case(world)
    legal_basis(world, case)
    with pytest.raises(ValidationError, match="katalog"):
        refer(world, case, service_type="")
    with pytest.raises(ValidationError, match="organisasi lain"):
        refer(world, case, to=world.uptd_sby)
    with pytest.raises(ValidationError, match="aktif"):
        world.dinsos_sby.is_active = False
        world.dinsos_sby.save()
        refer(world, case)
