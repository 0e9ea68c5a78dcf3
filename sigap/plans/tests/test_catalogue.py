import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation

from sigap.plans import catalogue


@pytest.fixture
def bad_catalogue(tmp_path, monkeypatch):
    """Point the catalogue at a temporary file; the cached catalogue is rebuilt before and after."""
    path = tmp_path / "services.json"
    monkeypatch.setattr(catalogue, "PATH", path)
    catalogue.services.cache_clear()
    yield path
    catalogue.services.cache_clear()


def entry(**overrides):
    return {
        "code": "legal_aid",
        "group": "ppt",
        "name_id": "Bantuan hukum",
        "name_en": "Legal aid",
        "htcds_type": "Legal",
        **overrides,
    }


@pytest.mark.parametrize(
    "content",
    [
        "{not json",
        json.dumps({"version": 1}),
        json.dumps({"services": [{"code": "x"}]}),
        json.dumps({"services": [entry(group="hospital")]}),
        json.dumps({"services": [entry(htcds_type="Massage")]}),
        json.dumps({"services": [entry(clock="eight_days")]}),
        json.dumps({"services": [entry(providers=["spaceship"])]}),
        json.dumps({"services": [entry(), entry()]}),
    ],
)
def test_a_bad_catalogue_file_stops_the_application_with_a_clear_message(bad_catalogue, content):
    bad_catalogue.write_text(content, encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="services.json"):
        catalogue.services()


def test_a_missing_catalogue_file_is_reported(bad_catalogue):
    with pytest.raises(ImproperlyConfigured):
        catalogue.services()


def test_a_good_small_catalogue_loads(bad_catalogue):
    bad_catalogue.write_text(json.dumps({"services": [entry(clock="rehabilitation", providers=["ngo"])]}))
    assert catalogue.get("legal_aid").clock == "rehabilitation"
    with translation.override("id"):
        assert catalogue.grouped_choices() == [(str(catalogue.GROUP_NAMES["ppt"]), [("legal_aid", "Bantuan hukum")])]
    with translation.override("en"):
        assert catalogue.grouped_choices()[0][1] == [("legal_aid", "Legal aid")]


def test_the_shipped_catalogue_marks_the_statutory_clocks_and_family_returns():
    services = catalogue.services()
    assert {s.code for s in services.values() if s.clock} == {
        "health_rehabilitation",
        "social_rehabilitation",
        "repatriation_domestic",
        "repatriation_abroad",
        "social_reintegration",
    }
    assert all(s.clock for s in services.values() if s.family_return)
    grouped = catalogue.grouped_choices()
    assert sorted(code for _group, items in grouped for code, _name in items) == sorted(services)
