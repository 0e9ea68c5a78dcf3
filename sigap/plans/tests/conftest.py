import pytest

from sigap.cases import gates
from sigap.plans import services


@pytest.fixture(autouse=True)
def plan_gates_only(monkeypatch):
    """Only this app's gates: other apps' gates (e.g. the assessment's) have their own tests."""
    fresh = gates.defaultdict(list)
    fresh[services.PLAN_GATE].append(services.plan_problem)
    monkeypatch.setattr(gates, "_gates", fresh)
    return fresh


@pytest.fixture(autouse=True)
def no_other_service_listeners(monkeypatch):
    """Other apps (referrals) follow service changes; their listeners have their own tests."""
    from sigap.plans.signals import service_status_changed

    monkeypatch.setattr(service_status_changed, "receivers", [])
    service_status_changed.sender_receivers_cache.clear()


@pytest.fixture(autouse=True)
def indonesian():
    """The messages asserted here are the Indonesian source texts, whatever an earlier test activated."""
    from django.utils import translation

    with translation.override("id"):
        yield
