import pytest

from sigap.intake.models import RoutingRule
from sigap.intake.routing import route
from sigap.people.models import Organisation
from sigap.testing import JAKPUS_VILLAGE, MALANG_VILLAGE, SURABAYA_VILLAGE, make_report


def test_a_report_from_a_surabaya_village_goes_to_the_surabaya_uptd_ppa(world):
    report = make_report(region=SURABAYA_VILLAGE)
    assert report.routed_org == world.uptd_sby


def test_a_report_from_malang_goes_to_the_malang_uptd_ppa(world):
    assert make_report(region=MALANG_VILLAGE).routed_org == world.uptd_malang


def test_a_regency_without_its_own_uptd_ppa_falls_back_to_the_province(world):
    # Kabupaten Sidoarjo (35.15) has no UPTD PPA in the test world: the provincial one answers.
    assert make_report(region="35.15").routed_org == world.uptd_jatim


def test_a_place_with_no_responsible_organisation_goes_to_the_national_queue(world):
    report = make_report(region="32.73")  # Kota Bandung: no UPTD PPA in the test world
    assert report.routed_org is None


def test_a_report_without_a_region_goes_to_the_national_queue(world):
    assert make_report(region=None).routed_org is None


def test_an_inactive_organisation_is_skipped(world):
    Organisation.objects.filter(pk=world.uptd_sby.pk).update(is_active=False)
    assert make_report(region=SURABAYA_VILLAGE).routed_org == world.uptd_jatim


def test_a_village_level_organisation_of_the_routed_type_wins_over_the_regency(world):
    village_unit = Organisation.objects.create(
        name="UPTD PPA Kebraon", type="uptd_ppa", jurisdiction_id=SURABAYA_VILLAGE
    )
    assert make_report(region=SURABAYA_VILLAGE).routed_org == village_unit


def test_a_concern_rule_sends_labour_reports_to_a_fixed_organisation(world):
    disnaker = Organisation.objects.create(name="Disnaker Kota Surabaya", type="disnaker", jurisdiction_id="35.78")
    RoutingRule.objects.create(
        name="Pertanian ke Disnaker", priority=10, concern_type="agriculture", organisation=disnaker
    )
    assert make_report(concerns=("agriculture",)).routed_org == disnaker
    assert make_report(concerns=("street_children",)).routed_org == world.uptd_sby


def test_a_region_rule_applies_only_inside_its_region(world):
    RoutingRule.objects.create(
        name="Jakarta Pusat ke Dinas Sosial", priority=10, region_id="31.71", organisation_type="dinsos"
    )
    jakpus_dinsos = Organisation.objects.create(
        name="Dinas Sosial Jakarta Pusat", type="dinsos", jurisdiction_id="31.71"
    )
    assert make_report(region=JAKPUS_VILLAGE).routed_org == jakpus_dinsos
    assert make_report(region=SURABAYA_VILLAGE).routed_org == world.uptd_sby


def test_a_rule_whose_type_has_no_organisation_there_falls_through_to_the_next_rule(world):
    RoutingRule.objects.create(name="Ke LSM", priority=5, organisation_type="ngo")
    org_id, rule_id = route(SURABAYA_VILLAGE, ["street_children"])
    assert org_id == world.uptd_sby.pk
    assert RoutingRule.objects.get(pk=rule_id).organisation_type == "uptd_ppa"


@pytest.mark.django_db
def test_routing_with_no_rules_at_all_goes_to_the_national_queue():
    assert route(SURABAYA_VILLAGE, ["other"]) == (None, None)


def test_a_saved_rule_applies_at_once_in_this_process_even_with_caching(world, settings):
    settings.SIGAP_REFERENCE_CACHE_SECONDS = 3600
    assert make_report().routed_org == world.uptd_sby
    RoutingRule.objects.create(name="Semua ke Dinas Sosial", priority=1, organisation=world.dinsos_sby)
    assert make_report().routed_org == world.dinsos_sby


def test_a_cached_table_is_reloaded_after_its_time(world, settings):
    settings.SIGAP_REFERENCE_CACHE_SECONDS = 3600
    make_report()
    RoutingRule.objects.filter(organisation_type="uptd_ppa").update(organisation_type="dinsos")  # no signal
    assert make_report().routed_org == world.uptd_sby  # still the cached table
    settings.SIGAP_REFERENCE_CACHE_SECONDS = 0
    assert make_report().routed_org == world.dinsos_sby
