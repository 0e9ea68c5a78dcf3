import re

import pytest
from django.urls import reverse

from sigap.regions.testing import load_test_regions


def selected(html: str, level: str, name: str = "region") -> str | None:
    """The selected option's value in the select of one level."""
    select = re.search(rf'<select name="{name}__{level}".*?</select>', html, re.DOTALL)
    assert select, f"no {level} select"
    option = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    return option.group(1) if option else None


def options(html: str, level: str, name: str = "region") -> list[str]:
    select = re.search(rf'<select name="{name}__{level}".*?</select>', html, re.DOTALL)
    assert select, f"no {level} select"
    return [v for v in re.findall(r'<option value="([^"]*)"', select.group(0)) if v]


@pytest.mark.django_db
def test_the_picker_shows_the_chain_of_a_village_with_each_level_selected(client):
    load_test_regions(("31", "32"))

    response = client.get(reverse("regions:picker"), {"name": "region", "code": "31.71.06.1001"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="region-picker" id="id_region__picker"' in html
    assert '<input type="hidden" name="region" id="id_region" value="31.71.06.1001"' in html
    assert selected(html, "province") == "31"
    assert selected(html, "regency") == "31.71"
    assert selected(html, "district") == "31.71.06"
    assert selected(html, "village") == "31.71.06.1001"
    assert set(options(html, "province")) == {"31", "32"}
    assert "31.71.06.1002" in options(html, "village")  # Pegangsaan, a sibling
    assert all(code.startswith("31.71.") for code in options(html, "district"))
    assert "Kelurahan Menteng, Kec. Menteng, Kota Administrasi Jakarta Pusat" in html
    assert 'hx-target="#id_region__picker"' in html and 'hx-swap="outerHTML"' in html
    for label in ("Provinsi", "Kabupaten/Kota", "Kecamatan", "Desa/Kelurahan"):
        assert f'aria-label="{label}"' in html
    assert 'placeholder="Cari nama desa, kecamatan, kabupaten…"' in html
    assert 'hx-trigger="input changed delay:300ms, search' in html


@pytest.mark.django_db
def test_choosing_at_a_select_fills_the_next_level(client):
    load_test_regions(("31",))

    html = client.get(reverse("regions:picker"), {"name": "region", "region__province": "31"}).content.decode()

    assert selected(html, "province") == "31"
    assert selected(html, "regency") is None
    assert "31.71" in options(html, "regency")
    assert options(html, "district") == []
    assert re.search(r'<select name="region__district"[^>]*\bdisabled\b', html)


@pytest.mark.django_db
def test_choosing_the_empty_option_falls_back_to_the_parent(client):
    load_test_regions(("31",))

    html = client.get(
        reverse("regions:picker"), {"name": "region", "parent": "31.71", "region__district": "", "focus": "3"}
    ).content.decode()

    assert 'id="id_region" value="31.71"' in html
    assert selected(html, "regency") == "31.71"
    assert selected(html, "district") is None
    assert re.search(r'<select name="region__district"[^>]*autofocus', html)


@pytest.mark.django_db
def test_two_pickers_on_one_page_have_their_own_ids(client):
    load_test_regions(("31",))

    first = client.get(reverse("regions:picker"), {"name": "region", "code": "31"}).content.decode()
    second = client.get(reverse("regions:picker"), {"name": "home_region", "code": "31"}).content.decode()

    ids_first = set(re.findall(r'\bid="([^"]+)"', first))
    ids_second = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_first and ids_second and not ids_first & ids_second
    assert 'name="home_region__province"' in second and 'hx-target="#id_home_region__picker"' in second


@pytest.mark.django_db
def test_an_unknown_code_keeps_the_known_part_and_a_bad_field_name_is_refused(client):
    load_test_regions(("31",))

    html = client.get(reverse("regions:picker"), {"name": "region", "code": "31.71.99"}).content.decode()
    assert 'id="id_region" value="31.71"' in html

    assert client.get(reverse("regions:picker"), {"name": '"><script>', "code": "31"}).status_code == 400
    assert client.get(reverse("regions:search"), {"name": "", "q": "menteng"}).status_code == 400
