import time

import pytest

from sigap.regions.loader import load_regions
from sigap.regions.models import Level, Region


@pytest.mark.django_db
def test_loading_all_regions_gives_the_national_counts_quickly():
    started = time.perf_counter()
    counts = load_regions()
    elapsed = time.perf_counter() - started

    assert (counts["provinces"], counts["regencies"], counts["districts"], counts["villages"]) == (38, 514, 7285, 83762)
    assert counts["created"] == 91599
    assert Region.objects.filter(level=Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Level.REGENCY).count() == 514
    assert Region.objects.filter(level=Level.DISTRICT).count() == 7285
    assert Region.objects.filter(level=Level.VILLAGE).count() == 83762
    assert not Region.objects.filter(level__gt=Level.PROVINCE, parent__isnull=True).exists()
    assert elapsed < 30, f"loading took {elapsed:.1f} s"
