import pytest

from sigap.regions.loader import RegionDataError, load_regions
from sigap.regions.models import Level, Region


@pytest.mark.django_db
def test_the_province_filter_loads_only_those_provinces_and_everything_under_them():
    counts = load_regions(provinces=("31", "34"))

    assert set(Region.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)) == {"31", "34"}
    assert {code[:2] for code in Region.objects.values_list("code", flat=True)} == {"31", "34"}
    assert counts["provinces"] == 2
    assert counts["regencies"] == 6 + 5  # Jakarta: 5 cities + Kepulauan Seribu; Yogyakarta: 4 + 1
    assert Region.objects.filter(level=Level.VILLAGE).count() == counts["villages"] > 0
    assert Region.objects.filter(code="31.71.06.1001", name="Menteng").exists()


@pytest.mark.django_db
def test_an_unknown_province_is_refused():
    with pytest.raises(RegionDataError, match="99"):
        load_regions(provinces=("99",))
    with pytest.raises(RegionDataError, match="Jawa"):
        load_regions(provinces=("Jawa",))
    assert not Region.objects.exists()
