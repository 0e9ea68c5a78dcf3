import pytest
from django.core.exceptions import ValidationError

from sigap.assessments.services import family_return_allowed
from sigap.cases import gates

from .helpers import make_case, record_bid, suspect_family_member


def test_a_child_may_return_when_nobody_in_the_family_is_suspected(world):
    case = make_case(world)
    assert family_return_allowed(case) is None
    gates.check("service:family_return", case)  # does not raise


def test_return_is_blocked_without_a_bid_when_a_family_member_is_suspected(world):
    case = make_case(world)
    suspect_family_member(case)
    assert "BID" in family_return_allowed(case)
    with pytest.raises(ValidationError, match="diduga terlibat"):
        gates.check("service:family_return", case)


def test_return_is_allowed_after_a_bid_deciding_return_to_family(world):
    case = make_case(world)
    suspect_family_member(case)
    record_bid(world, case, decision="return_to_family")
    assert family_return_allowed(case) is None
    gates.check("service:family_return", case)


def test_a_bid_deciding_other_care_does_not_open_the_gate(world):
    case = make_case(world)
    suspect_family_member(case)
    record_bid(world, case, decision="kinship_care")
    with pytest.raises(ValidationError):
        gates.check("service:family_return", case)


def test_a_superseded_return_decision_no_longer_counts(world):
    case = make_case(world)
    suspect_family_member(case)
    record_bid(world, case, decision="return_to_family")
    record_bid(world, case, decision="kinship_care")
    assert family_return_allowed(case) is not None


def test_a_bid_of_another_case_of_the_same_child_does_not_count(world):
    case = make_case(world)
    suspect_family_member(case)
    from sigap.cases.services import open_case
    from sigap.intake.services import triage_report
    from sigap.testing import make_report

    r = make_report()
    triage_report(world.worker_sby, r.pk, "high", "Laporan kedua.")
    other = open_case(world.worker_sby, r.pk, existing_child_id=case.child_id)
    record_bid(world, other, decision="return_to_family")
    assert family_return_allowed(case) is not None
    assert family_return_allowed(other) is None
