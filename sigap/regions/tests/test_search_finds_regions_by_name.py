import re

import pytest
from django.urls import reverse

from sigap.regions.lookup import search_regions
from sigap.regions.testing import load_test_regions


@pytest.mark.django_db
def test_search_finds_menteng_in_jakarta_with_its_full_path(client):
    load_test_regions(("31", "32"))

    response = client.get(reverse("regions:search"), {"name": "region", "q": "menteng"})

    assert response.status_code == 200
    html = response.content.decode()
    buttons = re.findall(r"<button[^>]*>([^<]*)</button>", html)
    assert 0 < len(buttons) <= 20
    assert buttons[0] == "Kec. Menteng, Kota Administrasi Jakarta Pusat, Prov. Daerah Khusus Ibukota Jakarta"
    assert (
        "Kelurahan Menteng, Kec. Menteng, Kota Administrasi Jakarta Pusat, Prov. Daerah Khusus Ibukota Jakarta"
        in buttons
    )
    assert 'hx-get="/wilayah/pilih/?name=region&amp;id=id_region&amp;code=31.71.06.1001' in html
    assert 'hx-target="#id_region__picker"' in html
    assert 'type="button"' in html  # never submits the surrounding form


@pytest.mark.django_db
def test_search_returns_at_most_twenty_ordered_by_level_then_name():
    load_test_regions(("31", "32"))

    found = search_regions("an")

    assert len(found) == 20
    starting = [r for r in found if r.name.lower().startswith("an")]
    assert starting == found[: len(starting)]
    assert [(r.level, r.name) for r in starting] == sorted((r.level, r.name) for r in starting)


@pytest.mark.django_db
def test_search_is_case_insensitive_understands_kind_words_and_explains_empty_results(client):
    load_test_regions(("31",))

    assert [r.code for r in search_regions("MENTENG")][:2] == ["31.71.06", "31.71.06.1001"]
    assert [r.code for r in search_regions("kec. menteng")] == ["31.71.06"]
    assert search_regions("m") == []

    url = reverse("regions:search")
    assert "paling sedikit 2 huruf" in client.get(url, {"name": "region", "q": "m"}).content.decode()
    assert "Tidak ada wilayah" in client.get(url, {"name": "region", "q": "zzzz"}).content.decode()
    assert client.get(url, {"name": "region", "region__q": "menteng"}).content.decode().count("<button") >= 2
