"""Screening a registry file with the embedded (Polars) engine: reading, rejecting, scoring, listing."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from sigap.registry import engine, points
from sigap.registry.engine import RegistryFileError, factor_words, screen
from sigap.registry.schema import COLUMNS

AS_OF = date(2026, 1, 1)
VILLAGE = "35.78.01.1001"


def child(**values: object) -> dict[str, object]:
    """A valid registry row of a 10-year-old at school in a middle-income household (score 0)."""
    row: dict[str, object] = {
        "source_id": "",
        "nik": "",
        "name": "Anak Contoh",
        "birth_date": "2015-06-01",
        "sex": "F",
        "village_code": VILLAGE,
        "household_id": "RT-1",
        "school_status": "enrolled",
        "welfare_decile": "6",
        "social_assistance": "false",
        "parent_abroad": "false",
        "lives_with_parents": "true",
        "child_works": "false",
        "weekly_hours": "",
        "sector": "",
    }
    row.update(values)
    return row


def write_csv(path: Path, rows: list[dict[str, object]], separator: str = ",", columns=COLUMNS) -> Path:
    lines = [separator.join(columns)]
    lines += [separator.join(str(r.get(c, "")) for c in columns) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(tmp_path: Path, rows: list[dict[str, object]], **kwargs: object) -> engine.ScreenResult:
    return screen(write_csv(tmp_path / "registri.csv", rows), as_of=AS_OF, **kwargs)  # type: ignore[arg-type]


def scores_of(tmp_path: Path, rows: list[dict[str, object]]) -> list[int]:
    out = tmp_path / "scores.parquet"
    run(tmp_path, rows, scores_out=out)
    return pl.read_parquet(out).sort("row_number")["score"].to_list()


# --- scoring ---------------------------------------------------------------------------------------------------


def test_a_poor_working_girl_who_dropped_out_scores_the_sum_of_her_factors(tmp_path: Path) -> None:
    rows = [
        child(
            name="Siti",
            birth_date="2011-03-01",  # 14
            school_status="dropped_out",
            child_works="ya",
            weekly_hours="30",
            sector="domestic_work",
            welfare_decile="1",
        )
    ]
    result = run(tmp_path, rows)
    listed = result.outreach.row(0, named=True)
    # dropped out 3 + hours over BPS limit at 14 (4) + hazardous sector 3 + works 2 + decile 1 (2) + age 13-17 (1)
    assert listed["score"] == 15
    assert listed["factors"] == ["child_labour_hours", "dropped_out", "hazardous_sector"]
    assert listed["name"] == "Siti"


def test_a_child_with_nothing_known_against_them_scores_zero_and_is_not_listed(tmp_path: Path) -> None:
    result = run(tmp_path, [child()])
    assert result.rows_scored == 1
    assert result.outreach.height == 0
    assert result.areas["max_score"].to_list() == [0]


def test_blank_values_are_unknown_and_add_no_points(tmp_path: Path) -> None:
    blank = child(
        school_status="",
        welfare_decile="",
        social_assistance="",
        parent_abroad="",
        lives_with_parents="",
        child_works="",
        weekly_hours="",
        sector="",
    )
    assert scores_of(tmp_path, [blank]) == [0]


@pytest.mark.parametrize(
    ("birth_date", "hours", "counts"),
    [
        ("2014-06-01", "1", True),  # 11: any work is child labour
        ("2011-06-01", "16", True),  # 14: more than 15 hours
        ("2011-06-01", "15", False),
        ("2009-06-01", "41", True),  # 16: more than 40 hours
        ("2009-06-01", "40", False),
    ],
)
def test_the_child_labour_hours_factor_follows_the_bps_age_thresholds(
    tmp_path: Path, birth_date: str, hours: str, counts: bool
) -> None:
    out = tmp_path / "scores.parquet"
    run(tmp_path, [child(birth_date=birth_date, child_works="true", weekly_hours=hours)], scores_out=out)
    assert pl.read_parquet(out)["f_child_labour_hours"].to_list() == [counts]


def test_yes_no_words_and_l_p_sex_codes_in_any_case_are_understood(tmp_path: Path) -> None:
    rows = [
        child(sex="l", parent_abroad="YA", lives_with_parents="tidak"),
        child(sex="P", parent_abroad="1", lives_with_parents="0"),
        child(sex="m", parent_abroad="Y", lives_with_parents="n"),
        child(sex="f", parent_abroad="True", lives_with_parents="FALSE"),
    ]
    result = run(tmp_path, rows, threshold=0)
    assert result.rows_rejected == 0
    assert result.outreach.sort("row_number")["sex"].to_list() == ["M", "F", "M", "F"]
    assert result.outreach["score"].to_list() == [4, 4, 4, 4]  # parent abroad 2 + not with parents 2


def test_a_threshold_given_to_screen_overrides_the_points_file(tmp_path: Path) -> None:
    rows = [child(parent_abroad="true"), child(parent_abroad="true", lives_with_parents="false")]
    assert run(tmp_path, rows).outreach.height == 0  # 2 and 4 are below the file's threshold (6)
    assert run(tmp_path, rows, threshold=4).outreach["score"].to_list() == [4]


# --- reading and rejecting ------------------------------------------------------------------------------------


def test_each_bad_value_is_reported_with_its_line_number_and_reason(tmp_path: Path) -> None:
    rows = [
        child(),  # line 2
        child(nik="12345"),
        child(birth_date="31/05/2012"),
        child(birth_date="2012-02-30"),
        child(birth_date="2007-12-31"),  # 18 on the reference date
        child(birth_date="2026-06-01"),  # after the reference date
        child(sex="X"),
        child(name=""),
        child(village_code="35-78-01"),
        child(household_id=" "),
        child(school_status="libur"),
        child(welfare_decile="11"),
        child(parent_abroad="mungkin"),
        child(weekly_hours="150", child_works="true"),
        child(weekly_hours="20", child_works="false"),
        child(sector="perkebunan"),
    ]
    result = run(tmp_path, rows)
    found = [(e["row_number"], e["reason_code"]) for e in result.errors.iter_rows(named=True)]
    assert found == [
        (3, "nik_format"),
        (4, "birth_date_format"),
        (5, "birth_date_format"),
        (6, "age_over_17"),
        (7, "birth_date_future"),
        (8, "sex_unknown"),
        (9, "name_missing"),
        (10, "village_format"),
        (11, "household_missing"),
        (12, "school_status_unknown"),
        (13, "welfare_decile_invalid"),
        (14, "parent_abroad_invalid"),
        (15, "weekly_hours_invalid"),
        (16, "weekly_hours_not_working"),
        (17, "sector_unknown"),
    ]
    assert (result.rows_read, result.rows_scored, result.rows_rejected) == (16, 1, 15)
    first = result.errors.row(0, named=True)
    assert (first["column"], first["value"]) == ("nik", "12345")
    assert first["reason"].startswith("NIK harus 16 angka")


def test_a_row_with_two_problems_is_listed_once_per_problem(tmp_path: Path) -> None:
    result = run(tmp_path, [child(sex="?", welfare_decile="nol")])
    assert sorted(result.errors["reason_code"].to_list()) == ["sex_unknown", "welfare_decile_invalid"]
    assert result.errors["row_number"].to_list() == [2, 2]
    assert result.rows_rejected == 1


def test_a_rejected_row_is_neither_scored_nor_listed(tmp_path: Path) -> None:
    high = {"school_status": "dropped_out", "child_works": "true", "weekly_hours": "50", "sector": "mining"}
    result = run(tmp_path, [child(name="Ditolak", nik="123", **high), child(name="Diterima", **high)])
    assert result.outreach["name"].to_list() == ["Diterima"]
    assert result.areas["children"].to_list() == [1]


def test_a_blank_line_in_the_middle_is_reported_and_later_lines_keep_their_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [child(), child(nik="1")])
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n")
    result = screen(path, as_of=AS_OF)
    assert {e["row_number"] for e in result.errors.iter_rows(named=True)} == {3, 4}
    assert result.errors.filter(pl.col("row_number") == 4)["reason_code"].to_list() == ["nik_format"]


def test_a_line_with_an_unclosed_quote_is_reported_as_unreadable_and_the_other_lines_are_read(
    tmp_path: Path,
) -> None:
    path = write_csv(tmp_path / "r.csv", [child(name="Budi"), child(name="Ani"), child(name="Cici")])
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("Ani", '"Ani')
    path.write_text("\n".join(lines) + "\n")
    result = screen(path, as_of=AS_OF, threshold=0)
    assert result.errors.select("row_number", "column", "reason_code").rows() == [(3, "line", "line_unreadable")]
    assert result.errors["value"][0].startswith(',,"Ani,2015-06-01')
    assert result.outreach.sort("row_number").select("row_number", "name").rows() == [(2, "Budi"), (4, "Cici")]


def test_line_numbers_stay_right_across_blocks_of_a_large_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BLOCK_BYTES", 1000)
    rows = [child(household_id=f"RT-{i}") for i in range(500)]
    rows[437] = child(nik="999")
    result = run(tmp_path, rows)
    assert result.errors["row_number"].to_list() == [439]
    assert result.rows_read == 500


def test_village_codes_without_dots_are_normalised_with_their_district_regency_and_province(tmp_path: Path) -> None:
    result = run(
        tmp_path,
        [child(village_code="3578011001", school_status="dropped_out", parent_abroad="ya", lives_with_parents="tidak")],
    )
    listed = result.outreach.row(0, named=True)
    assert (listed["village_code"], listed["district_code"], listed["regency_code"], listed["province_code"]) == (
        "35.78.01.1001",
        "35.78.01",
        "35.78",
        "35",
    )


def test_a_semicolon_separated_file_with_spaces_and_a_bom_is_read(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [child(name=" Budi ", sex=" L ")], separator=";")
    path.write_bytes("\ufeff".encode() + path.read_bytes())
    result = screen(path, as_of=AS_OF, threshold=0)
    assert result.rows_rejected == 0
    assert result.outreach.select("name", "sex").row(0) == ("Budi", "M")


def test_a_parquet_registry_numbers_its_rows_from_one(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    pl.DataFrame([child(), child(sex="X")]).write_parquet(path)
    result = screen(path, as_of=AS_OF)
    assert result.errors["row_number"].to_list() == [2]


def test_optional_columns_may_be_left_out_of_the_file(tmp_path: Path) -> None:
    columns = ("name", "birth_date", "sex", "village_code", "household_id")
    path = write_csv(tmp_path / "r.csv", [child()], columns=columns)
    result = screen(path, as_of=AS_OF)
    assert (result.rows_scored, result.rows_rejected) == (1, 0)


def test_a_file_without_required_columns_is_refused_naming_them(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", [child()], columns=("name", "sex", "village_code"))
    with pytest.raises(RegistryFileError, match="birth_date, household_id"):
        screen(path, as_of=AS_OF)


def test_a_missing_file_is_refused_in_plain_words(tmp_path: Path) -> None:
    with pytest.raises(RegistryFileError, match="tidak ditemukan"):
        screen(tmp_path / "tidak-ada.csv", as_of=AS_OF)


def test_a_binary_file_that_is_not_parquet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00\x81")
    with pytest.raises(RegistryFileError, match="bukan CSV UTF-8 atau Parquet"):
        screen(path, as_of=AS_OF)


# --- outreach lists ---------------------------------------------------------------------------------------------

HIGH = {"school_status": "dropped_out", "child_works": "true", "weekly_hours": "45", "sector": "fishing"}


def test_the_outreach_list_holds_at_most_per_village_children_at_or_above_the_threshold(tmp_path: Path) -> None:
    other = "35.78.01.1002"
    rows = [child(name=f"A{i}", **HIGH) for i in range(5)]
    rows += [child(name=f"B{i}", village_code=other, **HIGH) for i in range(2)]
    rows += [child(name="Rendah", parent_abroad="true")]  # score 2, below 6
    result = run(tmp_path, rows, per_village=3)
    counts = dict(result.outreach.group_by("village_code").len().iter_rows())
    assert counts == {VILLAGE: 3, other: 2}
    assert "Rendah" not in result.outreach["name"].to_list()


def test_equal_scores_list_the_younger_child_first_then_the_earlier_row(tmp_path: Path) -> None:
    rows = [
        child(name="Tua", birth_date="2009-01-05", **HIGH),
        child(name="Muda-2", birth_date="2010-02-01", **HIGH),
        child(name="Muda-1", birth_date="2010-02-01", **HIGH),
    ]
    result = run(tmp_path, rows)
    ordered = result.outreach.sort("rank_in_village")
    assert ordered["name"].to_list() == ["Muda-2", "Muda-1", "Tua"]
    assert ordered["rank_in_village"].to_list() == [1, 2, 3]


def test_district_ranks_run_over_every_village_of_the_district(tmp_path: Path) -> None:
    rows = [
        child(name="Desa1-tinggi", **HIGH, welfare_decile="1"),
        child(name="Desa2-sedang", village_code="35.78.01.1002", **HIGH),
        child(name="Desa1-sedang", **HIGH, birth_date="2012-01-01"),
        child(name="Kecamatan-lain", village_code="35.78.02.1001", **HIGH),
    ]
    result = run(tmp_path, rows)
    ranks = {r["name"]: (r["rank_in_village"], r["rank_in_district"]) for r in result.outreach.iter_rows(named=True)}
    assert ranks == {
        "Desa1-tinggi": (1, 1),
        "Desa1-sedang": (2, 2),
        "Desa2-sedang": (1, 3),
        "Kecamatan-lain": (1, 1),
    }


def test_identities_leave_the_engine_only_for_listed_children(tmp_path: Path) -> None:
    rows = [
        child(name="Terdaftar", nik="3578010101150001", **HIGH),
        child(name="Tidak-terdaftar", nik="3578010101150002"),
    ]
    result = run(tmp_path, rows)
    assert result.outreach["name"].to_list() == ["Terdaftar"]
    shown = " ".join(str(v) for f in (result.areas, result.errors) for v in f.to_dict(as_series=False).values())
    assert "Tidak-terdaftar" not in shown and "3578010101150002" not in shown
    assert result.scores_path is None


def test_areas_count_every_scored_child_per_village(tmp_path: Path) -> None:
    rows = [child(**HIGH), child(), child(village_code="35.78.01.1002", parent_abroad="true")]
    result = run(tmp_path, rows)
    areas = {r["village_code"]: r for r in result.areas.iter_rows(named=True)}
    assert areas[VILLAGE]["children"] == 2
    assert areas[VILLAGE]["at_or_above_threshold"] == 1
    assert areas[VILLAGE]["mean_score"] == areas[VILLAGE]["max_score"] / 2
    assert areas["35.78.01.1002"]["mean_score"] == 2.0
    assert areas["35.78.01.1002"]["district_code"] == "35.78.01"


def test_every_scored_child_is_written_to_scores_out_when_asked(tmp_path: Path) -> None:
    out = tmp_path / "out" / "scores.parquet"
    result = run(tmp_path, [child(source_id="S-1", **HIGH), child(source_id="S-2"), child(sex="X")], scores_out=out)
    scores = pl.read_parquet(out).sort("row_number")
    assert result.scores_path == out
    assert scores["source_id"].to_list() == ["S-1", "S-2"]
    assert scores["row_number"].to_list() == [2, 3]
    assert scores["f_dropped_out"].to_list() == [True, False]
    assert "name" not in scores.columns


def test_progress_is_reported_a_few_times_and_ends_with_the_rows_read(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BLOCK_BYTES", 20_000)
    monkeypatch.setattr(engine, "PROGRESS_EVERY", 300)
    calls: list[tuple[int, int | None]] = []
    rows = [child(household_id=f"RT-{i}") for i in range(2000)]
    run(tmp_path, rows, progress=lambda done, total: calls.append((done, total)))
    assert 2 < len(calls) < 40
    assert calls[-1] == (2000, 2000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- the points file ----------------------------------------------------------------------------------------


def test_factor_words_are_given_in_indonesian_or_english() -> None:
    assert factor_words(["dropped_out", "works"], "id") == ["Putus sekolah", "Anak bekerja"]
    assert factor_words(["dropped_out", "works"], "en") == ["Dropped out of school", "Child works"]
    assert factor_words(["unknown_code"], "id") == ["unknown_code"]


def test_the_shipped_points_file_loads_and_says_its_weights_are_expert_set() -> None:
    model = points.load()
    assert model.outreach_threshold == 6
    assert "expert-set" in model.description_en and "NOT fitted" in model.description_en
    assert [f.points for f in model.factors] == sorted((f.points for f in model.factors), reverse=True)


def write_points(tmp_path: Path, **changes: object) -> Path:
    raw = json.loads(points.PATH.read_text())
    raw.update(changes)
    path = tmp_path / "points.json"
    path.write_text(json.dumps(raw))
    return path


@pytest.mark.parametrize(
    ("factor", "message"),
    [
        ({"column": "income", "gte": 1}, "unknown column 'income'"),
        ({"column": "sector", "in": ["tambang"]}, "'tambang' is not a known 'sector'"),
        ({"column": "age", "between": [1, 2]}, "needs exactly one operator"),
        ({"column": "school_status", "gte": 3}, "needs a numeric column"),
        ({"column": "child_works", "eq": "ya"}, "not a valid value for .child_works."),
        ({"column": "child_works", "gt": 0}, "is yes/no"),
        ({"any": []}, "non-empty list"),
    ],
)
def test_a_points_file_with_a_bad_condition_is_refused_saying_why(tmp_path: Path, factor: dict, message: str) -> None:
    path = write_points(tmp_path, factors=[{"code": "x", "name_id": "X", "name_en": "X", "points": 1, "when": factor}])
    with pytest.raises(ValueError, match=message):
        points.load(path)


def test_a_points_file_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "points.json"
    path.write_text("{ not json")
    with pytest.raises(ValueError, match="not valid JSON"):
        points.load(path)


def test_a_changed_points_file_changes_the_scores(tmp_path: Path) -> None:
    path = write_points(
        tmp_path,
        version="test-1",
        factors=[
            {
                "code": "girl",
                "name_id": "Perempuan",
                "name_en": "Girl",
                "points": 5,
                "when": {"column": "sex", "eq": "F"},
            },
            {
                "code": "not_enrolled",
                "name_id": "Tidak sekolah",
                "name_en": "Not enrolled",
                "points": 2,
                "when": {"not": {"column": "school_status", "eq": "enrolled"}},
            },
        ],
    )
    model = points.load(path)
    result = screen(
        write_csv(tmp_path / "r.csv", [child(), child(sex="M", school_status="")]),
        points=model,
        as_of=AS_OF,
        threshold=0,
    )
    assert result.points_version == "test-1"
    assert sorted(result.outreach["score"].to_list()) == [2, 5]
