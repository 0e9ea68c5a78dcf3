from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sigap.assessments import services
from sigap.assessments.models import BestInterestsDetermination
from sigap.audit.models import AuditEvent

from .helpers import PANEL, make_case, record_bid


def test_a_best_interests_assessment_is_recorded(world):
    case = make_case(world)
    bia = services.record_bia(
        world.worker_sby,
        case.pk,
        assessed_on=timezone.localdate(),
        participants="Pekerja sosial dan psikolog UPTD PPA",
        summary="Anak tinggal di rumah aman dan mulai bersekolah kembali.",
        child_views="Anak ingin tetap bersekolah.",
        recommendation="Lanjutkan pendampingan; tinjau lagi dalam tiga bulan.",
    )
    assert bia.recorded_by == world.worker_sby
    assert AuditEvent.objects.filter(object_type="bestinterestsassessment", action="create").count() == 1


def test_a_bia_needs_the_childs_views(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="pandangan anak"):
        services.record_bia(
            world.worker_sby,
            case.pk,
            assessed_on=timezone.localdate(),
            participants="Pekerja sosial",
            summary="Ringkasan.",
            child_views="",
            recommendation="Rekomendasi.",
        )


def test_a_bid_needs_a_panel_of_three(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="tiga|3"):
        record_bid(world, case, panel=PANEL[:2])
    with pytest.raises(ValidationError, match="nama dan peran"):
        record_bid(world, case, panel=[*PANEL[:2], {"name": "Tanpa Peran", "role": ""}])
    with pytest.raises(ValidationError, match="dua kali"):
        record_bid(world, case, panel=[*PANEL[:2], PANEL[0]])
    assert not BestInterestsDetermination.objects.exists()


def test_a_bid_needs_two_options_and_decides_one_of_them(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="dua pilihan|2 pilihan"):
        record_bid(world, case, options=[{"option": "return_to_family", "notes": ""}])
    with pytest.raises(ValidationError, match="salah satu pilihan"):
        record_bid(world, case, decision="foster_care")
    with pytest.raises(ValidationError, match="lainnya"):
        record_bid(world, case, options=[{"option": "return_to_family"}, {"option": "other", "notes": ""}])
    with pytest.raises(ValidationError, match="tidak dikenal"):
        record_bid(world, case, options=[{"option": "return_to_family"}, {"option": "adoption_abroad"}])


def test_a_bid_needs_the_childs_views_and_reasons(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="pandangan anak"):
        record_bid(world, case, child_views=" ")
    with pytest.raises(ValidationError, match="alasan"):
        record_bid(world, case, reasons="")
    with pytest.raises(ValidationError, match="masa depan"):
        record_bid(world, case, decided_on=timezone.localdate() + timedelta(days=1))


def test_a_new_bid_supersedes_the_current_one_and_keeps_history(world):
    case = make_case(world)
    first = record_bid(world, case)
    second = record_bid(world, case, decision="kinship_care")
    first.refresh_from_db()
    assert first.superseded_by == second
    assert not first.is_current
    assert services.current_bid(case) == second
    assert BestInterestsDetermination.objects.filter(case=case).count() == 2


def test_a_worker_of_another_organisation_cannot_record_a_bid(world):
    case = make_case(world)
    with pytest.raises(PermissionDenied):
        services.record_bid(
            world.worker_malang,
            case.pk,
            panel=PANEL,
            options=[{"option": "return_to_family"}, {"option": "foster_care"}],
            child_views="Ingin pulang.",
            decision="return_to_family",
            reasons="Alasan.",
            decided_on=timezone.localdate(),
        )
