import pytest

from sigap.regions.loader import load_regions
from sigap.regions.models import Region


@pytest.mark.django_db
def test_loading_twice_changes_nothing():
    first = load_regions(provinces=("31", "34"))
    total = Region.objects.count()

    second = load_regions(provinces=("31", "34"))

    assert first["created"] == total > 0
    assert second["created"] == second["updated"] == 0
    assert second["unchanged"] == total
    assert Region.objects.count() == total
