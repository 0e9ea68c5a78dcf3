import time

import pytest

from sigap.regions.models import Level, Region
from sigap.regions.testing import load_test_regions


@pytest.mark.django_db
def test_load_test_regions_loads_jakarta_jawa_barat_and_jawa_timur_quickly():
    started = time.perf_counter()
    load_test_regions()
    elapsed = time.perf_counter() - started

    assert set(Region.objects.filter(level=Level.PROVINCE).values_list("code", flat=True)) == {"31", "32", "35"}
    assert Region.objects.filter(code="35.78.01.1002", name="Kebraon").exists()
    assert elapsed < 5, f"load_test_regions took {elapsed:.1f} s"  # about 1 s on SQLite; slack for busy machines


@pytest.mark.django_db
def test_load_test_regions_can_be_called_again_in_the_same_test():
    load_test_regions(("31",))
    count = Region.objects.count()
    load_test_regions(("31",))
    assert Region.objects.count() == count
