import pytest
from django import forms

from sigap.regions.forms import RegionField
from sigap.regions.models import Level, Region
from sigap.regions.testing import load_test_regions


class PlaceForm(forms.Form):
    region = RegionField(label="Wilayah", required=False)
    regency = RegionField(label="Kabupaten/kota", required=False, min_level=Level.REGENCY)


@pytest.mark.django_db
def test_a_known_code_cleans_to_its_region_and_empty_to_none():
    load_test_regions(("31",))

    form = PlaceForm({"region": "31.71.06.1001", "regency": ""})

    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"] == Region.objects.get(code="31.71.06.1001")
    assert form.cleaned_data["regency"] is None


@pytest.mark.django_db
def test_an_unknown_code_asks_to_choose_from_the_list():
    load_test_regions(("31",))

    for bad in ("99.99", "31.71.99", "menteng", "31.71.06.1001; drop"):
        form = PlaceForm({"region": bad})
        assert not form.is_valid()
        assert form.errors["region"] == ["Pilih wilayah dari daftar."]


@pytest.mark.django_db
def test_min_level_asks_for_a_more_precise_region():
    load_test_regions(("31",))

    form = PlaceForm({"regency": "31"})
    assert not form.is_valid()
    assert form.errors["regency"] == ["Pilih sampai tingkat kabupaten/kota atau lebih rinci."]

    assert PlaceForm({"regency": "31.71"}).is_valid()
    assert PlaceForm({"regency": "31.71.06.1001"}).is_valid()

    village_form = type("VillageForm", (forms.Form,), {"place": RegionField(min_level=Level.VILLAGE)})
    form = village_form({"place": "31.71.06"})
    assert not form.is_valid()
    assert form.errors["place"] == ["Pilih sampai tingkat desa/kelurahan."]


@pytest.mark.django_db
def test_a_required_region_must_be_chosen():
    form = type("RequiredForm", (forms.Form,), {"place": RegionField()})({"place": ""})

    assert not form.is_valid()
    assert form.errors["place"] == ["Pilih wilayah."]


@pytest.mark.django_db
def test_the_selects_posted_by_a_browser_win_over_a_stale_hidden_value():
    load_test_regions(("31", "32"))

    # JavaScript had not run: the hidden input still holds the first choice, the selects the new one.
    form = PlaceForm({"region": "32", "region__province": "31", "region__regency": "31.71", "region__district": ""})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].code == "31.71"

    # A level that does not belong to the one above is ignored, as is everything below it.
    form = PlaceForm(
        {"region": "", "region__province": "31", "region__regency": "32.04", "region__district": "32.04.12"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].code == "31"
