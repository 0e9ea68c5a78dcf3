import pytest

from sigap.regions.loader import load_regions
from sigap.regions.models import Region

FILES = {
    "provinces.csv": "code,name\n31,DKI Jakarta\n",
    "regencies.csv": "code,province_code,name\n31.71,31,Kota Administrasi Jakarta Pusat\n",
    "districts.csv": "code,regency_code,name\n31.71.06,31.71,Menteng\n",
    "villages.csv": "code,district_code,name\n31.71.06.1001,31.71.06,Menteng\n31.71.06.1002,31.71.06,Pegangsaan\n",
}


def write(directory, files):
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")


@pytest.mark.django_db
def test_a_renamed_region_gets_its_new_name(tmp_path):
    write(tmp_path, FILES)
    load_regions(source_dir=tmp_path)

    write(tmp_path, {"villages.csv": FILES["villages.csv"].replace("Pegangsaan", "Pegangsaan Baru")})
    counts = load_regions(source_dir=tmp_path)

    assert counts["villages_updated"] == 1
    assert counts["villages_unchanged"] == 1
    assert counts["updated"] == 1 and counts["created"] == 0
    village = Region.objects.get(code="31.71.06.1002")
    assert village.name == "Pegangsaan Baru"
    assert village.parent_id == "31.71.06"
    assert Region.objects.count() == 5


@pytest.mark.django_db
def test_a_region_whose_parent_is_missing_is_refused(tmp_path):
    write(tmp_path, {**FILES, "villages.csv": "code,district_code,name\n31.71.07.1001,31.71.07,Gelora\n"})

    with pytest.raises(Exception, match="31.71.07"):
        load_regions(source_dir=tmp_path)
    assert not Region.objects.exists()
