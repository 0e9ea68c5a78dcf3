"""The seeded generator of synthetic registries and its command."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import polars as pl
from django.core.management import call_command

from sigap.registry.engine import screen
from sigap.registry.generate import generate

AS_OF = date(2026, 1, 1)


def read(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


def test_the_same_seed_writes_the_same_file_and_another_seed_another(tmp_path: Path) -> None:
    a = generate(tmp_path / "a.csv", 3000, seed=7).path.read_bytes()
    b = generate(tmp_path / "b.csv", 3000, seed=7).path.read_bytes()
    c = generate(tmp_path / "c.csv", 3000, seed=8).path.read_bytes()
    assert a == b
    assert a != c


def test_a_registry_without_bad_rows_screens_with_no_rejection(tmp_path: Path) -> None:
    made = generate(tmp_path / "r.csv", 5000, seed=1)
    result = screen(made.path, as_of=AS_OF)
    assert made.bad_rows == 0
    assert (result.rows_read, result.rows_rejected) == (5000, 0)
    assert result.outreach.height > 0


def test_every_spoilt_row_is_rejected_and_reported(tmp_path: Path) -> None:
    made = generate(tmp_path / "r.csv", 20_000, seed=2, bad_fraction=0.02)
    result = screen(made.path, as_of=AS_OF)
    assert 300 < made.bad_rows < 500
    assert result.rows_rejected == made.bad_rows
    assert result.errors["row_number"].n_unique() == made.bad_rows
    assert result.errors["reason_code"].n_unique() == 11  # 12 kinds of damage, two of them bad dates


def test_children_of_a_household_share_its_village_and_welfare_and_number_one_to_four(tmp_path: Path) -> None:
    frame = read(generate(tmp_path / "r.csv", 10_000, seed=3).path)
    households = frame.group_by("household_id").agg(
        pl.len().alias("children"),
        pl.col("village_code").str.replace_all(".", "", literal=True).n_unique().alias("villages"),
        pl.col("welfare_decile").drop_nulls().n_unique().alias("deciles"),
    )
    assert households["villages"].max() == 1
    assert households["deciles"].max() == 1
    assert set(households["children"].unique().to_list()) == {1, 2, 3, 4}


def test_poorer_children_are_more_often_out_of_school_and_working(tmp_path: Path) -> None:
    frame = read(generate(tmp_path / "r.csv", 40_000, seed=4).path).with_columns(
        poor=pl.col("welfare_decile").cast(pl.Int32) <= 2,
        rich=pl.col("welfare_decile").cast(pl.Int32) >= 7,
        out=pl.col("school_status").is_in(["dropped_out", "never_enrolled"]),
        works=pl.col("child_works").is_in(["true", "ya", "1"]),
    )
    poor = frame.filter("poor").select(pl.col("out").mean(), pl.col("works").mean()).row(0)
    rich = frame.filter("rich").select(pl.col("out").mean(), pl.col("works").mean()).row(0)
    assert poor[0] > 2 * rich[0]
    assert poor[1] > 1.5 * rich[1]


def test_csv_and_parquet_hold_the_same_children(tmp_path: Path) -> None:
    csv = read(generate(tmp_path / "r.csv", 2000, seed=5).path)
    parquet = pl.read_parquet(generate(tmp_path / "r.parquet", 2000, seed=5, fmt="parquet").path)
    assert csv.equals(parquet.select(pl.all().cast(pl.String)))


def test_the_hidden_outcome_is_more_common_among_high_scores(tmp_path: Path) -> None:
    made = generate(tmp_path / "r.csv", 30_000, seed=6, with_outcome=True)
    scores = pl.read_parquet(screen(made.path, as_of=AS_OF, scores_out=tmp_path / "s.parquet").scores_path)
    high = scores.filter(pl.col("score") >= 6)["outcome"].mean()
    low = scores.filter(pl.col("score") < 6)["outcome"].mean()
    assert high > 3 * low  # type: ignore[operator]


def test_generate_registry_writes_the_file_and_says_how_many_children(tmp_path: Path) -> None:
    out = StringIO()
    call_command("generate_registry", str(tmp_path / "r.parquet"), "--rows", "1_500", "--bad-rows", "0.1", stdout=out)
    assert pl.read_parquet(tmp_path / "r.parquet").height == 1500
    assert "1,500 anak" in out.getvalue()
    assert "parquet" in out.getvalue()
