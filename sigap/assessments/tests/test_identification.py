from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sigap.assessments.models import Identification
from sigap.audit.models import AuditEvent
from sigap.cases import workflow

from .helpers import identify, in_identification, make_case


def test_means_are_not_needed_to_identify_a_trafficked_child(world):
    case = in_identification(world)
    decision = identify(world, case, means=[])
    assert decision.status == "identified"
    assert decision.means == []
    assert decision.htcds_trafficking_status == "ActualVictimOfTrafficking"
    assert decision.htcds_types_of_exploitation == ["ChildLabour"]
    assert decision.htcds_decision_org == "NonPoliceGovernmentalOrganization"


def test_means_are_recorded_when_known(world):
    case = in_identification(world)
    decision = identify(world, case, means=["deception", "debt_bondage"])
    assert decision.means == ["deception", "debt_bondage"]


def test_trafficking_needs_an_act_and_a_purpose(world):
    case = in_identification(world)
    with pytest.raises(ValidationError, match="perbuatan"):
        identify(world, case, acts=[])
    with pytest.raises(ValidationError, match="tujuan"):
        identify(world, case, purposes=[])
    assert not Identification.objects.exists()


def test_forced_labour_of_children_needs_an_ilo_indicator(world):
    case = in_identification(world)
    with pytest.raises(ValidationError, match="ILO"):
        identify(world, case, forms=["forced_labour_children"], acts=[], purposes=[])
    decision = identify(
        world,
        case,
        forms=["forced_labour_children"],
        acts=[],
        purposes=[],
        ilo_indicators=["withholding_of_wages", "excessive_overtime"],
    )
    assert decision.indicator_labels == ["Penahanan upah", "Lembur berlebihan"]
    with pytest.raises(ValidationError, match="tidak dikenal"):
        identify(world, case, forms=["forced_labour_children"], acts=[], purposes=[], ilo_indicators=["made_up"])


def test_other_exploitation_needs_a_description(world):
    case = in_identification(world)
    with pytest.raises(ValidationError, match="Uraikan"):
        identify(world, case, forms=["other_exploitation"], acts=[], purposes=[])
    identify(world, case, forms=["other_exploitation"], acts=[], purposes=[], other_description="Dipaksa mengemis.")


def test_a_potential_victim_needs_at_least_one_form(world):
    case = in_identification(world)
    with pytest.raises(ValidationError, match="bentuk eksploitasi"):
        identify(world, case, status="potential", forms=[], acts=[], purposes=[])
    decision = identify(world, case, status="potential", forms=["worst_forms_child_labour"], acts=[], purposes=[])
    assert decision.get_status_display() == "Korban potensial"


def test_not_identified_needs_only_the_basis_of_the_decision(world):
    case = in_identification(world)
    decision = identify(world, case, status="not_identified", forms=[], acts=[], purposes=[])
    assert decision.htcds_trafficking_status == "NotAVictimOfTrafficking"
    with pytest.raises(ValidationError, match="catatan"):
        identify(world, case, status="not_identified", forms=[], acts=[], purposes=[], evidence_notes="")


def test_a_decision_cannot_be_dated_in_the_future(world):
    case = in_identification(world)
    with pytest.raises(ValidationError, match="masa depan"):
        identify(world, case, decided_on=timezone.localdate() + timedelta(days=2))


def test_identification_is_recorded_only_from_the_identification_stage(world):
    case = make_case(world)
    with pytest.raises(ValidationError, match="tahap identifikasi"):
        identify(world, case)


def test_a_worker_of_another_organisation_cannot_record_identification(world):
    case = in_identification(world)
    with pytest.raises(PermissionDenied):
        from sigap.assessments import services

        from .helpers import IDENTIFICATION

        services.record_identification(world.worker_malang, case.pk, **IDENTIFICATION)


def test_a_new_decision_supersedes_the_previous_one_and_keeps_history(world):
    case = in_identification(world)
    first = identify(world, case, status="potential", forms=["worst_forms_child_labour"], acts=[], purposes=[])
    second = identify(world, case)
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.superseded_by == second and not first.is_current
    assert list(Identification.objects.filter(case=case, superseded_at__isnull=True)) == [second]
    created = AuditEvent.objects.get(object_type="identification", object_id=str(second.pk), action="create")
    assert created.changes["supersedes"] == first.pk


def test_the_case_plan_needs_an_identification_decision(world):
    case = in_identification(world)
    with pytest.raises(ValidationError, match="identifikasi"):
        workflow.move_to(world.worker_sby, case.pk, "case_plan")
    identify(world, case)
    workflow.move_to(world.worker_sby, case.pk, "case_plan")
    case.refresh_from_db()
    assert case.status == "case_plan"
