from django.db.models import Q

from sigap.regions.models import Level, Placed, ancestor_codes, level_of


def test_the_level_is_read_off_the_code():
    assert level_of("32") == Level.PROVINCE
    assert level_of("32.04") == Level.REGENCY
    assert level_of("32.04.12") == Level.DISTRICT
    assert level_of("32.04.12.2003") == Level.VILLAGE


def test_ancestor_codes_go_from_the_region_up_to_its_province():
    assert ancestor_codes("32.04.12.2003") == ["32.04.12.2003", "32.04.12", "32.04", "32"]
    assert ancestor_codes("32.04") == ["32.04", "32"]
    assert ancestor_codes("32") == ["32"]


def test_q_within_tests_the_denormalised_code_of_the_regions_level():
    assert Placed.q_within(None) == Q()
    assert Placed.q_within("35") == Q(province_code="35")
    assert Placed.q_within("35.78") == Q(regency_code="35.78")
    assert Placed.q_within("35.78.01") == Q(district_code="35.78.01")
    assert Placed.q_within("35.78.01.1002") == Q(region_id="35.78.01.1002")
    assert Placed.q_within("35.78", prefix="report__") == Q(report__regency_code="35.78")
