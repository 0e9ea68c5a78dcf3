import re

import pytest
from django import forms

from sigap.regions.forms import RegionField
from sigap.regions.models import Level
from sigap.regions.testing import load_test_regions


class IncidentForm(forms.Form):
    description = forms.CharField()
    region = RegionField(label="Wilayah kejadian", min_level=Level.REGENCY)
    home = RegionField(label="Alamat anak", required=False)


@pytest.mark.django_db
def test_after_a_validation_error_the_picker_still_shows_what_was_chosen():
    load_test_regions(("31",))
    form = IncidentForm(
        {
            "description": "",
            "region": "31.71.06.1001",
            "region__province": "31",
            "region__regency": "31.71",
            "region__district": "31.71.06",
            "region__village": "31.71.06.1001",
        }
    )

    assert not form.is_valid()
    assert "description" in form.errors and "region" not in form.errors
    html = str(form)
    region_html = re.search(r'<div class="region-picker" id="id_region__picker".*?</div>\s*</div>', html, re.DOTALL)
    assert region_html
    assert 'id="id_region" value="31.71.06.1001"' in html
    assert '<option value="31.71.06.1001" selected>' in html
    assert 'for="id_region__province"' in html  # the field's label points at the first select
    assert 'id="id_home__picker"' in html  # a second picker on the same form has its own ids


@pytest.mark.django_db
def test_a_region_too_coarse_is_shown_with_the_error_and_kept():
    load_test_regions(("31",))
    form = IncidentForm({"description": "x", "region": "31"})

    assert not form.is_valid()
    html = str(form)
    assert "Pilih sampai tingkat kabupaten/kota atau lebih rinci." in html
    assert 'id="id_region" value="31"' in html
    assert 'aria-invalid="true"' in html
    assert '<option value="31" selected>' in html


@pytest.mark.django_db
def test_an_initial_region_instance_is_shown():
    load_test_regions(("31",))
    from sigap.regions.models import Region

    form = IncidentForm(initial={"region": Region.objects.get(code="31.71")})

    assert 'id="id_region" value="31.71"' in str(form)
