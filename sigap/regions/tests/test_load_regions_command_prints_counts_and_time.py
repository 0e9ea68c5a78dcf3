import io
import re

import pytest
from django.core.management import call_command

from sigap.regions.models import Region


@pytest.mark.django_db
def test_the_command_loads_the_chosen_provinces_and_prints_counts_and_time():
    out = io.StringIO()
    call_command("load_regions", "--province", "31", "--province", "34", stdout=out)

    text = out.getvalue()
    assert re.search(r"provinces\s+2\s+\(created 2, updated 0, unchanged 0\)", text)
    assert re.search(r"villages\s+\d+", text)
    assert re.search(r"Regions loaded in \d+\.\d s", text)
    assert set(Region.objects.filter(level=1).values_list("code", flat=True)) == {"31", "34"}

    out = io.StringIO()
    call_command("load_regions", "--province", "31", stdout=out)
    assert re.search(r"provinces\s+1\s+\(created 0, updated 0, unchanged 1\)", out.getvalue())
