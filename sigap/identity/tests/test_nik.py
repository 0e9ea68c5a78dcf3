"""NIK and family-card (KK) numbers: parsing and checks (sigap/identity/nik.py). All numbers are invented."""

from datetime import date, datetime

import polars as pl
import pytest
from django.utils import translation

from sigap.identity.nik import (
    check_kk,
    check_nik,
    nik_columns,
    parse_kk,
    parse_nik,
    regions_table,
)

TODAY = date(2026, 6, 1)
# Kota Surabaya (35.78), Kecamatan Karang Pilang (35.78.01), born 1 May 2012, sequence 0001.
BOY = "3578010105120001"
GIRL = "3578014105120001"  # the same digits with 40 added to the day


def codes(value, **kwargs):
    return [p.code for p in check_nik(value, today=TODAY, **kwargs)]


def kk_codes(value, **kwargs):
    return [p.code for p in check_kk(value, today=TODAY, **kwargs)]


# --- parsing --------------------------------------------------------------------------------------


def test_a_nik_is_parsed_into_region_codes_birth_date_sex_and_sequence():
    info = parse_nik(BOY, today=TODAY)
    assert (info.nik, info.province_code, info.regency_code, info.district_code) == (BOY, "35", "35.78", "35.78.01")
    assert (info.birth_date, info.sex, info.sequence) == (date(2012, 5, 1), "M", "0001")


def test_a_female_nik_has_forty_added_to_the_day_of_birth():
    info = parse_nik(GIRL, today=TODAY)
    assert (info.birth_date, info.sex) == (date(2012, 5, 1), "F")
    assert parse_nik("3578017101120001", today=TODAY).birth_date == date(2012, 1, 31)


@pytest.mark.parametrize(
    "written", ["3578 0101 0512 0001", "35.78.01.010512.0001", "3578-0101-0512-0001", " 357801010512 0001\n"]
)
def test_spaces_dots_and_dashes_in_a_nik_are_ignored(written):
    assert parse_nik(written, today=TODAY).nik == BOY


def test_a_nik_read_from_a_spreadsheet_as_a_number_is_accepted():
    assert parse_nik(3578010105120001, today=TODAY).nik == BOY
    assert parse_nik(3578010105120001.0, today=TODAY).nik == BOY


@pytest.mark.parametrize(
    "value",
    [
        "357801010512000",
        "35780101051200011",
        "35780101051200O1",
        "",
        None,
        3.5,
        float("nan"),
        True,
        [BOY],
        "NIK " + BOY,
    ],
    ids=repr,
)
def test_anything_but_sixteen_digits_is_not_a_nik(value):
    assert parse_nik(value) is None
    assert codes(value) == ["not_16_digits"]


def test_the_nik_year_is_read_in_the_latest_century_not_after_today():
    assert parse_nik("3578010101250001", today=TODAY).birth_date == date(2025, 1, 1)
    assert parse_nik("3578010101300001", today=TODAY).birth_date == date(1930, 1, 1)
    assert parse_nik("3578010101250001", today=date(2024, 12, 31)).birth_date == date(1925, 1, 1)


# --- checks ---------------------------------------------------------------------------------------


def test_a_valid_nik_matching_the_record_has_no_problems():
    assert codes(BOY, sex="M", birth_date=date(2012, 5, 1)) == []
    assert codes(GIRL, sex="F", birth_date="2012-05-01") == []


@pytest.mark.parametrize("province", ["99", "00", "20", "37", "90"])
def test_a_province_code_that_does_not_exist_is_reported(province):
    problems = check_nik(province + BOY[2:], today=TODAY)
    assert [p.code for p in problems] == ["bad_province"]
    assert province in problems[0].message_id and province in problems[0].message_en


@pytest.mark.parametrize("nik", ["3500010105120001", "3578000105120001"])
def test_a_regency_or_district_code_of_00_is_an_unknown_region(nik):
    assert codes(nik) == ["unknown_region"]


def test_regions_missing_from_the_regions_table_are_reported_through_region_exists():
    known = {"35.78", "35.78.01"}
    assert codes(BOY, region_exists=known.__contains__) == []
    problems = check_nik("3578990105120001", region_exists=known.__contains__, today=TODAY)
    assert [p.code for p in problems] == ["unknown_region"] and "35.78.99" in problems[0].message_id
    assert codes("3599010105120001", region_exists=known.__contains__) == ["unknown_region"]


def test_without_region_exists_only_the_province_is_checked():
    assert codes("3599990105120001") == []


@pytest.mark.django_db
def test_region_checks_can_use_the_regions_table():
    exists = regions_table()
    assert codes(BOY, region_exists=exists) == []
    assert codes("3578990105120001", region_exists=exists) == ["unknown_region"]


@pytest.mark.parametrize(
    "date_digits",
    ["000512", "320512", "400512", "720512", "011312", "010012", "300212", "290201", "700212"],
)
def test_birth_date_digits_that_are_no_date_are_reported(date_digits):
    nik = f"357801{date_digits}0001"
    assert codes(nik) == ["bad_date"]
    assert parse_nik(nik, today=TODAY).birth_date is None


def test_a_birth_date_that_exists_in_only_one_century_is_a_date():
    assert codes("3578012902000001", birth_date="2000-02-29") == []


def test_a_sequence_of_0000_is_reported():
    assert codes("3578010105120000") == ["zero_sequence"]


@pytest.mark.parametrize("recorded", ["M", "L", "laki-laki", "Laki-laki"])
def test_a_female_nik_recorded_as_a_boy_is_a_sex_mismatch(recorded):
    assert codes(GIRL, sex=recorded) == ["sex_mismatch"]


@pytest.mark.parametrize("recorded", ["F", "P", "perempuan"])
def test_a_male_nik_recorded_as_a_girl_is_a_sex_mismatch(recorded):
    assert codes(BOY, sex=recorded) == ["sex_mismatch"]


@pytest.mark.parametrize("recorded", [None, "", "U", "tidak diketahui", 1])
def test_an_unknown_recorded_sex_is_not_checked(recorded):
    assert codes(GIRL, sex=recorded) == []


def test_a_birth_date_different_from_the_nik_is_reported():
    problems = check_nik(BOY, birth_date="2012-05-02", today=TODAY)
    assert [p.code for p in problems] == ["birth_date_mismatch"]
    assert "01-05-2012" in problems[0].message_id and "02-05-2012" in problems[0].message_id


def test_a_female_nik_is_compared_on_the_real_day_of_birth():
    assert codes(GIRL, birth_date="2012-05-01") == []
    assert codes(GIRL, birth_date="2012-05-41") == []  # not a date: not checked
    assert codes(GIRL, birth_date="2012-06-10") == ["birth_date_mismatch"]


@pytest.mark.parametrize("recorded", ["1925-01-01", "2025-01-01", date(1925, 1, 1)])
def test_the_century_of_the_nik_year_is_not_held_against_the_record(recorded):
    assert codes("3578010101250001", birth_date=recorded) == []


def test_a_year_only_birth_date_is_checked_against_the_year():
    assert codes(BOY, birth_date="2012") == []
    assert codes(BOY, birth_date="2013") == ["birth_date_mismatch"]


@pytest.mark.parametrize("recorded", ["01/05/2012", "01-05-2012", datetime(2012, 5, 1, 8, 30), " 2012-5-1 "])
def test_stated_dates_in_the_usual_formats_are_understood(recorded):
    assert codes(BOY, birth_date=recorded) == []


@pytest.mark.parametrize("recorded", ["kira-kira 2012", "2012-02-30", "", None, 2012.5])
def test_an_unreadable_stated_birth_date_is_not_checked(recorded):
    assert codes(BOY, birth_date=recorded) == []


def test_a_recorded_sex_and_date_are_not_compared_with_a_nik_date_that_is_no_date():
    assert codes("3578013505120001", sex="F", birth_date="2012-05-01") == ["bad_date"]


def test_every_problem_of_a_nik_is_reported_together():
    assert codes("3578014105120000", sex="M", birth_date="2011-05-01") == [
        "zero_sequence",
        "sex_mismatch",
        "birth_date_mismatch",
    ]


def test_problem_messages_are_in_indonesian_by_default_and_in_english_on_request():
    problem = check_nik("123", today=TODAY)[0]
    assert problem.message == "NIK harus 16 angka."
    with translation.override("en"):
        assert problem.message == "The NIK must have 16 digits."


# --- family card (KK) -----------------------------------------------------------------------------


def test_a_kk_number_is_parsed_into_region_codes_issue_date_and_sequence():
    info = parse_kk("3578011203150003", today=TODAY)
    assert (info.province_code, info.regency_code, info.district_code) == ("35", "35.78", "35.78.01")
    assert (info.issue_date, info.sequence) == (date(2015, 3, 12), "0003")


def test_a_valid_kk_number_has_no_problems():
    assert kk_codes("3578 0112 0315 0003", region_exists={"35.78", "35.78.01"}.__contains__) == []


def test_a_kk_issue_date_has_no_forty_added():
    assert parse_kk("3578015203150003", today=TODAY).issue_date is None
    assert kk_codes("3578015203150003") == ["bad_date"]


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("357801120315000", ["not_16_digits"]),
        (None, ["not_16_digits"]),
        ("9978011203150003", ["bad_province"]),
        ("3578001203150003", ["unknown_region"]),
        ("3578013203150003", ["bad_date"]),
        ("3578011203150000", ["zero_sequence"]),
    ],
)
def test_kk_checks_report_length_province_region_issue_date_and_sequence(number, expected):
    assert kk_codes(number) == expected
    if expected == ["not_16_digits"]:
        assert check_kk(number, today=TODAY)[0].message_id == "Nomor KK harus 16 angka."


def test_a_kk_region_missing_from_the_regions_table_is_reported():
    assert kk_codes("3578991203150003", region_exists={"35.78"}.__contains__) == ["unknown_region"]


# --- batch (Polars) -------------------------------------------------------------------------------


def test_the_polars_columns_parse_a_nik_column_like_parse_nik():
    niks = [BOY, GIRL, "35.78.01.410512.0001", "3578013505120001", "3578012902000001", "3578010101250001", "12", None]
    out = pl.DataFrame({"nik": niks}, schema={"nik": pl.String}).select(nik_columns(today=TODAY))
    for nik, row in zip(niks, out.iter_rows(named=True), strict=True):
        info = parse_nik(nik, today=TODAY)
        if info is None:
            assert set(row.values()) == {None}
            continue
        assert row["nik_clean"] == info.nik
        assert (row["nik_province_code"], row["nik_regency_code"], row["nik_district_code"]) == (
            info.province_code,
            info.regency_code,
            info.district_code,
        )
        assert (row["nik_birth_date"], row["nik_sex"] or "", row["nik_sequence"]) == (
            info.birth_date,
            info.sex,
            info.sequence,
        )
