"""Who gets personal data: every role against every page and API endpoint that shows it.

A report about "Budi Rahasia" is filed by a community reporter in Kota Surabaya, triaged by a case
worker of the Surabaya UPTD PPA, and opened as a case. Each person then asks for every endpoint; a
person in scope gets the identity, everyone else gets a refusal (403/404, or the login page) and
never the name.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sigap.cases.services import NewChild, open_case
from sigap.intake.services import triage_report
from sigap.testing import PEOPLE, build_world, make_report, sign_in

CHILD = "Budi Rahasia"
REPORTER = "Ibu Pelapor Rahasia"

# Who may see the report, the case (and child), and the queue.
REPORT_READERS = {"reporter", "worker_sby", "worker2_sby", "supervisor_sby", "supervisor_jatim", "sysadmin"}
CASE_READERS = {"worker_sby", "worker2_sby", "supervisor_sby", "supervisor_jatim", "sysadmin"}
QUEUE_USERS = {
    "worker_sby",
    "worker2_sby",
    "worker_malang",
    "worker_jakpus",
    "worker_dinsos",
    "supervisor_sby",
    "supervisor_malang",
    "supervisor_jatim",
    "sysadmin",
}
QUEUE_READERS = {"worker_sby", "worker2_sby", "supervisor_sby", "supervisor_jatim", "sysadmin"}
HANDLERS = {"worker_sby", "worker2_sby", "supervisor_sby", "supervisor_jatim"}
ROLES = [*PEOPLE, "anonymous"]


@pytest.fixture
def scene(db):
    world = build_world()
    report = make_report(
        actor=world.reporter,
        children=((CHILD, 12, "M"),),
        reporter_name=REPORTER,
        reporter_phone="0812000111",
        consent_to_contact=True,
    )
    triage_report(world.worker_sby, report.pk, "high", "Anak bekerja malam.")
    case = open_case(world.worker_sby, report.pk, new_child=NewChild(name=CHILD, approx_age=12, sex="M"))
    # A second report about the same child, triaged and still open: it is in the queue.
    waiting = make_report(children=((CHILD, 12, "M"),), reporter_name=REPORTER)
    triage_report(world.worker_sby, waiting.pk, "medium", "Laporan lanjutan.")
    return world, report, case, waiting


def client_for(world, who: str) -> Client:
    return Client() if who == "anonymous" else sign_in(Client(), getattr(world, who))


def endpoints(report, case, waiting):
    """(name, url, who may see the identity, status for the others)."""
    return [
        ("report page", reverse("intake:detail", args=[report.pk]), REPORT_READERS, {404}),
        ("case page", reverse("cases:detail", args=[case.pk]), CASE_READERS, {404}),
        ("case list", reverse("cases:list"), CASE_READERS, {200}),
        ("triage queue", reverse("intake:queue") + "?cakupan=semua", QUEUE_READERS, {403, 200}),
        ("my reports", reverse("intake:mine"), {"reporter"}, {200}),
        ("child search", reverse("cases:child_search") + "?q=budi", CASE_READERS, {200}),
        ("open case page", reverse("cases:open", args=[waiting.pk]), HANDLERS, {403, 404}),
        ("attach page", reverse("cases:attach", args=[waiting.pk]) + f"?q={case.number}", HANDLERS, {403, 404}),
        ("API report list", "/api/reports/", REPORT_READERS, {200, 403}),
        ("API report", f"/api/reports/{report.pk}/", REPORT_READERS, {403, 404}),
        ("API case list", "/api/cases/", CASE_READERS, {200, 403}),
        ("API case", f"/api/cases/{case.pk}/", CASE_READERS, {403, 404}),
        # Last, so that the readers above have left entries of their own reads.
        ("audit log", reverse("audit:list"), {"supervisor_sby", "supervisor_jatim", "sysadmin"}, {200, 403}),
    ]


@pytest.mark.parametrize("who", ROLES)
def test_each_role_gets_personal_data_only_within_its_scope(scene, who):
    world, report, case, waiting = scene
    client = client_for(world, who)
    secrets = (CHILD, REPORTER, "0812000111", report.tracking_code, waiting.tracking_code, case.number)
    for name, url, readers, refused in endpoints(report, case, waiting):
        response = client.get(url)
        body = response.content.decode()
        if who == "anonymous":
            assert response.status_code in {302, 401, 403}, (name, response.status_code)
        elif who in readers:
            assert response.status_code == 200, (name, who, response.status_code)
            assert any(s in body for s in secrets[:1] + secrets[3:]), (name, who)
            continue
        else:
            assert response.status_code in refused, (name, who, response.status_code)
        leaked = [s for s in secrets if s in body]
        assert not leaked, (name, who, leaked)


def test_the_reporter_sees_their_report_but_not_the_case_worker_assessment(scene):
    world, report, case, _waiting = scene
    client = client_for(world, "reporter")
    html = client.get(reverse("intake:detail", args=[report.pk])).content.decode()
    assert "Anak bekerja malam." not in html  # the risk reason is the worker's, not the reporter's
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404


def test_aggregate_only_roles_never_see_an_identity_even_with_a_wide_scope(scene):
    world, report, case, _waiting = scene
    for who in ("analyst", "analyst_all"):
        client = client_for(world, who)
        for url in (f"/api/reports/{report.pk}/", f"/api/cases/{case.pk}/", "/api/reports/", "/api/cases/"):
            body = client.get(url).content.decode()
            assert CHILD not in body and REPORTER not in body, (who, url)
