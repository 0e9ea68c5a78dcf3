import pytest

from sigap.regions.lookup import path_label, short_label
from sigap.regions.models import Region
from sigap.regions.testing import load_test_regions


@pytest.mark.django_db
def test_a_region_knows_its_ancestors_full_name_and_kind():
    load_test_regions(("31", "32"))
    village = Region.objects.get(code="31.71.06.1001")

    assert [r.code for r in village.ancestors()] == ["31", "31.71", "31.71.06", "31.71.06.1001"]
    assert village.full_name() == ("Menteng, Menteng, Kota Administrasi Jakarta Pusat, Daerah Khusus Ibukota Jakarta")
    assert village.kind == "Kelurahan"
    assert Region.objects.get(code="32.04.12.2003").kind == "Desa"
    assert Region.objects.get(code="31.71.06").kind == "Kecamatan"
    assert Region.objects.get(code="31.71").kind == "Kota"
    assert Region.objects.get(code="32.04").kind == "Kabupaten"
    assert Region.objects.get(code="31").kind == "Provinsi"
    assert Region.objects.get(code="31").ancestors() == [Region.objects.get(code="31")]


@pytest.mark.django_db
def test_labels_abbreviate_the_kinds_as_in_addresses():
    load_test_regions(("32",))
    desa = Region.objects.get(code="32.04.12.2003")

    assert short_label(Region.objects.get(code="32.04")) == "Kab. Bandung"
    assert short_label(Region.objects.get(code="32.73")) == "Kota Bandung"
    assert short_label(Region.objects.get(code="32")) == "Prov. Jawa Barat"
    assert path_label(desa.ancestors()) == f"Desa {desa.name}, Kec. {desa.parent.name}, Kab. Bandung, Prov. Jawa Barat"
