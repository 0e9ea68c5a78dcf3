"""Who sees registry runs, their aggregates and the children on their outreach lists.

Analysts see aggregates only; the children on a list are seen by the case workers and supervisors of
the run's organisation (and the system administrator) and by nobody else. The tests try to make a name
leak through every page and file."""

from __future__ import annotations

from django.urls import reverse

from sigap.people.models import Organisation, User
from sigap.people.roles import Role
from sigap.registry.models import OutreachEntry, RegistryRun, RunArea, RunError

from .test_services import KEBRAON, LISTED, TULUNGREJO, fixture_registry_settings, fixture_run  # noqa: F401 — shared fixtures


def _regional_analyst(code: str) -> User:
    org = Organisation.objects.create(name="Gugus Tugas Kota Surabaya", type="gugus_tugas", jurisdiction_id=code)
    return User.objects.create_user(username="analyst_sby", password="x", role=Role.ANALYST, organisation=org)


def test_analysts_see_runs_and_areas_but_never_a_child_on_an_outreach_list(run, world):
    for analyst in (world.analyst, world.analyst_all):
        assert list(RegistryRun.objects.visible_to(analyst)) == [run]
        assert RunArea.objects.visible_to(analyst).filter(run=run).count() == 4
        assert not OutreachEntry.objects.visible_to(analyst).exists()
        assert not RunError.objects.visible_to(analyst).exists()


def test_a_regional_analyst_sees_only_the_areas_inside_the_jurisdiction(run, world):
    analyst = _regional_analyst("35.78")
    assert list(RegistryRun.objects.visible_to(analyst)) == [run]
    assert {a.regency_code for a in RunArea.objects.visible_to(analyst)} == {"35.78"}
    outside = _regional_analyst_elsewhere()
    assert not RegistryRun.objects.visible_to(outside).exists()
    assert not RunArea.objects.visible_to(outside).exists()


def _regional_analyst_elsewhere() -> User:
    org = Organisation.objects.create(name="Gugus Tugas Jawa Barat", type="gugus_tugas", jurisdiction_id="32")
    return User.objects.create_user(username="analyst_jabar", password="x", role=Role.ANALYST, organisation=org)


def test_the_organisations_case_workers_and_supervisors_see_the_children_on_its_lists(run, world):
    for person in (world.worker_sby, world.worker2_sby, world.supervisor_sby):
        assert set(OutreachEntry.objects.visible_to(person).values_list("name", flat=True)) == LISTED
        assert RunError.objects.visible_to(person).count() == 2


def test_a_case_worker_of_another_organisation_sees_no_run_and_no_child(run, world):
    for person in (world.worker_malang, world.supervisor_malang, world.worker_jakpus, world.supervisor_jatim):
        assert not RegistryRun.objects.visible_to(person).exists()
        assert not OutreachEntry.objects.visible_to(person).exists()
        assert not RunError.objects.visible_to(person).exists()


def test_organisation_admins_see_the_aggregates_but_never_a_child(run, world):
    assert list(RegistryRun.objects.visible_to(world.org_admin_sby)) == [run]
    assert not OutreachEntry.objects.visible_to(world.org_admin_sby).exists()


def test_reporters_operators_and_cadres_see_nothing_of_a_registry_screening(run, world):
    cadre = User.objects.create_user(username="kader", password="x", role=Role.CADRE, organisation=world.patbm_kebraon)
    for person in (world.reporter, world.reporter2, world.operator, cadre):
        assert not RegistryRun.objects.visible_to(person).exists()
        assert not RunArea.objects.visible_to(person).exists()
        assert not OutreachEntry.objects.visible_to(person).exists()


def test_the_system_administrator_sees_every_child_on_every_list(run, world):
    assert OutreachEntry.objects.visible_to(world.sysadmin).count() == 5


def test_an_analyst_gets_the_aggregates_and_a_refusal_on_every_page_or_file_with_names(run, world, as_user):
    client = as_user("analyst")
    pages = [
        reverse("registry:detail", args=[run.pk]),
        reverse("registry:district", args=[run.pk, "35.78.01"]),
        reverse("registry:list"),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert not any(name in body for name in LISTED), url
        assert "3578010000000001" not in body
    assert "Karang Pilang" in client.get(pages[0]).content.decode()  # the aggregate is there
    refused = [
        reverse("registry:village", args=[run.pk, KEBRAON]),
        reverse("registry:district_xlsx", args=[run.pk, "35.78.01"]),
        reverse("registry:errors_csv", args=[run.pk]),
    ]
    for url in refused:
        response = client.get(url)
        assert response.status_code == 403, url
        assert not any(name.encode() in response.content for name in LISTED)
    entry = OutreachEntry.objects.get(run=run, village_code=TULUNGREJO)
    response = client.post(reverse("registry:entry_status", args=[entry.pk]), {"status": "visited"})
    assert response.status_code == 404


def test_a_case_worker_of_another_organisation_cannot_open_the_run_or_its_lists(run, world, as_user):
    client = as_user("worker_malang")
    for url in (
        reverse("registry:detail", args=[run.pk]),
        reverse("registry:district", args=[run.pk, "35.07.01"]),
        reverse("registry:village", args=[run.pk, TULUNGREJO]),
        reverse("registry:district_xlsx", args=[run.pk, "35.07.01"]),
        reverse("registry:errors_csv", args=[run.pk]),
        reverse("registry:progress", args=[run.pk]),
    ):
        assert client.get(url).status_code == 404, url
    entry = OutreachEntry.objects.get(run=run, village_code=TULUNGREJO)
    assert client.post(reverse("registry:entry_status", args=[entry.pk]), {"status": "visited"}).status_code == 404


def test_an_organisation_admin_sees_the_run_page_but_no_name_and_cannot_download_the_lists(run, world, as_user):
    client = as_user("org_admin_sby")
    body = client.get(reverse("registry:district", args=[run.pk, "35.78.01"])).content.decode()
    assert not any(name in body for name in LISTED)
    assert client.get(reverse("registry:district_xlsx", args=[run.pk, "35.78.01"])).status_code == 403
    assert client.get(reverse("registry:village", args=[run.pk, KEBRAON])).status_code == 403


def test_community_reporters_are_refused_the_registry_pages(run, world, as_user):
    client = as_user("reporter")
    assert client.get(reverse("registry:list")).status_code == 403
    assert client.get(reverse("registry:detail", args=[run.pk])).status_code == 404
