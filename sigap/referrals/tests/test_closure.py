from sigap.cases import workflow
from sigap.cases.models import Case, CaseShare
from sigap.referrals.models import HandOffStatus

from .helpers import legal_basis, make_case, refer


def test_closing_the_case_ends_the_providers_access_and_calls_off_waiting_hand_offs(world):
    from sigap.referrals import services

    case = make_case(world)
    legal_basis(world, case)
    accepted = refer(world, case)
    services.accept_handoff(world.worker_dinsos, accepted.pk)
    waiting = refer(world, case, to=world.uptd_malang, service_type="legal_aid")
    approval = workflow.request_approval(world.worker_sby, case.pk, "closure", payload={"reason": "goals_met"})
    workflow.decide_approval(world.supervisor_sby, approval.pk, approve=True)
    case.refresh_from_db()
    assert case.status == "closed"
    waiting.refresh_from_db()
    assert waiting.status == HandOffStatus.REVOKED
    assert not CaseShare.objects.filter(case=case, ended_at=None).exists()
    assert not Case.objects.visible_to(world.worker_dinsos).filter(pk=case.pk).exists()
    assert waiting.service.status == "cancelled"
