import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from sigap.audit.models import AuditEvent
from sigap.referrals import services
from sigap.referrals.models import Basis, Consent, Law, Purpose

from .helpers import legal_basis, make_case, parent

PARENT_MESSAGE = (
    "Persetujuan orang tua/wali tidak dapat menjadi dasar karena orang tua/wali diduga terlibat. "
    "Gunakan persetujuan anak (assent) bersama dasar hukum lain, misalnya kewajiban hukum UU 35/2014."
)


def consent_by(world, case, member=None, name="", purpose=Purpose.REFERRAL_SERVICES):
    return services.record_consent(
        world.worker_sby,
        case.pk,
        purpose=purpose,
        basis=Basis.CONSENT,
        given_by_family_member_id=member.pk if member else None,
        given_by_name=name,
        scope="Data dasar anak kepada Dinas Sosial untuk rehabilitasi sosial.",
    )


def test_a_parents_consent_is_the_basis_for_its_purpose_only(world):
    case = make_case(world)
    mother = parent(case)
    consent = consent_by(world, case, mother)
    assert services.basis_for(case, Purpose.REFERRAL_SERVICES) == consent
    assert services.basis_for(case, Purpose.INFORMATION_SHARING) is None
    event = AuditEvent.objects.get(object_type="consent", object_id=str(consent.pk))
    assert event.action == "create" and event.changes["basis"] == "consent"


def test_a_parents_consent_is_refused_when_a_parent_is_suspected_of_involvement(world):
    case = make_case(world)
    mother = parent(case)
    parent(case, suspected=True, relationship="father", name="Joko Susilo")
    with pytest.raises(ValidationError) as exc:
        consent_by(world, case, mother)
    assert exc.value.messages == [PARENT_MESSAGE]
    assert Consent.objects.count() == 0


def test_typing_the_parents_name_instead_of_choosing_them_does_not_get_around_the_gate(world):
    case = make_case(world)
    parent(case, name="Siti Aminah")
    parent(case, suspected=True, relationship="father", name="Joko Susilo")
    with pytest.raises(ValidationError) as exc:
        consent_by(world, case, name="  siti   AMINAH ")
    assert exc.value.messages == [PARENT_MESSAGE]


def test_a_legal_guardian_counts_as_a_parent_for_the_gate(world):
    case = make_case(world)
    uncle = parent(case, relationship="relative", name="Paman Darto")
    uncle.is_legal_guardian = True
    uncle.save()
    parent(case, suspected=True, relationship="mother")
    with pytest.raises(ValidationError, match="orang tua/wali diduga terlibat"):
        consent_by(world, case, uncle)


def test_a_consent_recorded_before_a_parent_was_flagged_stops_counting(world):
    case = make_case(world)
    mother = parent(case)
    consent_by(world, case, mother)
    father = parent(case, relationship="father", name="Joko Susilo")
    father.suspected_involvement = True
    father.save()
    assert services.basis_for(case, Purpose.REFERRAL_SERVICES) is None
    assert not Consent.objects.usable().exists()


def test_a_suspected_family_member_cannot_give_consent_even_if_not_a_parent(world):
    case = make_case(world)
    aunt = parent(case, relationship="relative", name="Bibi Rahma", suspected=True)
    with pytest.raises(ValidationError, match="diduga terlibat"):
        consent_by(world, case, aunt)


def test_another_adults_consent_still_counts_when_a_parent_is_flagged(world):
    case = make_case(world)
    grandmother = parent(case, relationship="grandparent", name="Nenek Sumi")
    parent(case, suspected=True)
    consent = consent_by(world, case, grandmother)
    assert services.basis_for(case, Purpose.REFERRAL_SERVICES) == consent


def test_the_childs_assent_with_a_legal_obligation_is_a_basis_when_a_parent_is_flagged(world):
    case = make_case(world)
    parent(case, suspected=True)
    basis = legal_basis(world, case)
    assert basis.given_by_child and basis.law == Law.UU_35_2014
    assert services.basis_for(case, Purpose.REFERRAL_SERVICES) == basis


def test_the_childs_assent_alone_is_not_a_basis(world):
    case = make_case(world)
    assent = services.record_consent(
        world.worker_sby, case.pk, purpose=Purpose.REFERRAL_SERVICES, basis=Basis.ASSENT, scope="Anak setuju dirujuk."
    )
    assert assent.given_by_child
    assert services.basis_for(case, Purpose.REFERRAL_SERVICES) is None


def test_a_legal_obligation_names_its_law_and_every_basis_its_scope(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="undang-undang"):
        services.record_consent(
            world.worker_sby, case.pk, purpose=Purpose.LEGAL_PROCESS, basis=Basis.LEGAL_OBLIGATION, scope="Polisi."
        )
    with pytest.raises(ValidationError, match="cakupan"):
        services.record_consent(
            world.worker_sby, case.pk, purpose=Purpose.LEGAL_PROCESS, basis=Basis.PUBLIC_TASK, scope="  "
        )


def test_a_withdrawn_consent_no_longer_counts(world):
    case = make_case(world)
    basis = legal_basis(world, case)
    with pytest.raises(ValidationError, match="alasan"):
        services.withdraw_consent(world.worker_sby, basis.pk, "")
    services.withdraw_consent(world.worker_sby, basis.pk, "Dicatat pada kasus yang salah.")
    assert services.basis_for(case, Purpose.REFERRAL_SERVICES) is None
    assert AuditEvent.objects.filter(object_type="consent", action="withdraw").count() == 1
    with pytest.raises(ValidationError, match="sudah ditarik"):
        services.withdraw_consent(world.worker_sby, basis.pk, "Lagi.")


def test_only_the_owning_organisation_records_or_withdraws_consent(world):
    case = make_case(world)
    basis = legal_basis(world, case)
    for outsider in (world.worker_malang, world.worker_dinsos, world.analyst):
        with pytest.raises(PermissionDenied):
            legal_basis(world, case, actor=outsider)
        with pytest.raises(PermissionDenied):
            services.withdraw_consent(outsider, basis.pk, "Tidak berhak.")
