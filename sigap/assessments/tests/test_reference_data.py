import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from sigap.assessments import reference


def test_the_instruments_carry_licence_validation_and_range_but_no_items():
    instruments = reference.instruments()
    assert {"sdq", "cpss5", "hscl25", "phqa"} <= set(instruments)
    sdq = instruments["sdq"]
    assert "Robert Goodman" in sdq.licence_id and "nonkomersial" in sdq.licence_id
    assert (sdq.score_min, sdq.score_max) == (0, 40)
    raw = json.loads(reference.INSTRUMENTS_PATH.read_text(encoding="utf-8"))
    for entry in raw["instruments"]:
        assert not reference.FORBIDDEN_KEYS & set(entry)


def test_the_ilo_list_has_the_eleven_indicators():
    indicators = reference.ilo_indicators()
    assert len(indicators) == 11
    assert indicators["debt_bondage"].name_en == "Debt bondage"


def _load_from(monkeypatch, tmp_path, attr, loader, data):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    monkeypatch.setattr(reference, attr, path)
    loader.cache_clear()
    try:
        return loader()
    finally:
        loader.cache_clear()


def test_an_instrument_file_with_items_is_refused(monkeypatch, tmp_path):
    raw = json.loads(reference.INSTRUMENTS_PATH.read_text(encoding="utf-8"))
    raw["instruments"][0]["items"] = ["..."]
    with pytest.raises(ImproperlyConfigured, match="never an instrument's items"):
        _load_from(monkeypatch, tmp_path, "INSTRUMENTS_PATH", reference.instruments, raw)


def test_an_instrument_with_a_bad_range_is_refused(monkeypatch, tmp_path):
    raw = json.loads(reference.INSTRUMENTS_PATH.read_text(encoding="utf-8"))
    raw["instruments"][0]["score_max"] = -1
    with pytest.raises(ImproperlyConfigured, match="score_min"):
        _load_from(monkeypatch, tmp_path, "INSTRUMENTS_PATH", reference.instruments, raw)


def test_an_incomplete_ilo_list_is_refused(monkeypatch, tmp_path):
    raw = json.loads(reference.ILO_PATH.read_text(encoding="utf-8"))
    raw["indicators"] = raw["indicators"][:10]
    with pytest.raises(ImproperlyConfigured, match="11"):
        _load_from(monkeypatch, tmp_path, "ILO_PATH", reference.ilo_indicators, raw)
