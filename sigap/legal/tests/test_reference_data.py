import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from sigap.legal import reference


def test_the_prosecution_stages_are_in_order_with_both_languages():
    stages = list(reference.stages().values())
    assert [s.code for s in stages] == ["investigation", "prosecution", "trial", "verdict", "appeal", "other"]
    assert all(s.name_id and s.name_en for s in stages)


def test_the_country_list_holds_every_iso_3166_code():
    countries = reference.countries()
    assert len(countries) == 249
    assert countries["ID"].name_id == "Indonesia"
    assert reference.country_choices()[0][0] == "ID"


@pytest.mark.parametrize(
    "stages",
    [
        [{"code": "trial", "order": 1, "name_id": "Sidang", "name_en": "Trial"}] * 2,
        [{"code": "Trial!", "order": 1, "name_id": "Sidang", "name_en": "Trial"}],
        [{"code": "trial", "order": "1", "name_id": "Sidang", "name_en": "Trial"}],
        [{"code": "trial", "order": 1, "name_id": "", "name_en": "Trial"}],
        [{"code": "trial", "order": 1}],
        [],
    ],
)
def test_a_broken_stages_file_stops_the_application_with_a_clear_message(tmp_path, monkeypatch, stages):
    path = tmp_path / "stages.json"
    path.write_text(json.dumps({"version": 1, "stages": stages}))
    monkeypatch.setattr(reference, "STAGES_PATH", path)
    reference.stages.cache_clear()
    try:
        with pytest.raises(ImproperlyConfigured, match="stages.json"):
            reference.stages()
    finally:
        monkeypatch.undo()
        reference.stages.cache_clear()
