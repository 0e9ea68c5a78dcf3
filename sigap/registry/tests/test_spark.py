"""Spark (local mode) scores every child exactly as the embedded engine does.

One Spark session for the whole module (start-up takes seconds); files are split into many small
partitions so that row numbering across partitions is exercised.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from sigap.registry import points
from sigap.registry.engine import screen
from sigap.registry.generate import generate
from sigap.registry.spark import screen_spark
from sigap.registry.tests.test_engine import child, write_csv

AS_OF = date(2026, 1, 1)
MODEL = points.load()
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


@pytest.fixture(scope="module")
def spark() -> Iterator[object]:
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        pytest.fail("Spark needs Java 17 (java on PATH or JAVA_HOME)")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("sigap-registry-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.files.maxPartitionBytes", str(128 * 1024))
        .config("spark.sql.files.openCostInBytes", "0")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def embedded(path: Path, tmp_path: Path) -> pl.DataFrame:
    out = tmp_path / f"{path.stem}-scores.parquet"
    screen(path, as_of=AS_OF, scores_out=out)
    return (
        pl.read_parquet(out)
        .with_columns(fmask=points.polars_mask(MODEL))
        .select("row_number", "score", points.polars_top_factors(MODEL).alias("factors"))
        .sort("row_number")
    )


def on_spark(spark: object, path: Path) -> pl.DataFrame:
    rows = screen_spark(spark, path, points=MODEL, as_of=AS_OF).collect()  # type: ignore[arg-type]
    return pl.DataFrame(
        [(r["row_number"], r["score"], list(r["factors"])) for r in rows],
        schema={"row_number": pl.Int64, "score": pl.Int32, "factors": pl.List(pl.String)},
        orient="row",
    ).sort("row_number")


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_spark_and_the_embedded_engine_give_identical_scores_row_by_row(
    spark: object, tmp_path: Path, fmt: str
) -> None:
    made = generate(tmp_path / f"r.{fmt}", 8_000, seed=21, fmt=fmt, bad_fraction=0.03)
    ours, theirs = embedded(made.path, tmp_path), on_spark(spark, made.path)
    assert ours.height == 8_000 - made.bad_rows  # rejected rows are left out by both
    assert theirs.equals(ours)


def test_spark_rejects_the_same_edge_cases_and_keeps_line_numbers_after_a_blank_line(
    spark: object, tmp_path: Path
) -> None:
    rows = [
        child(nik="12345"),
        child(birth_date="2012-02-30"),
        child(birth_date="2008-01-01"),  # 18 on the reference date
        child(birth_date="2008-01-02"),  # still 17
        child(birth_date="2012-02-29"),
        child(sex=" l ", village_code="3578011001", parent_abroad="YA", weekly_hours="12,5", child_works="1"),
        child(weekly_hours="20", child_works="tidak"),
        child(weekly_hours="", child_works="false", school_status="", sector="MINING"),
        child(welfare_decile="0"),
        child(welfare_decile="10", school_status="Dropped_Out", lives_with_parents="N"),
    ]
    path = write_csv(tmp_path / "edge.csv", rows, separator=";")
    lines = path.read_text().splitlines()
    path.write_text("\n".join([*lines[:4], "", *lines[4:]]) + "\n")
    ours, theirs = embedded(path, tmp_path), on_spark(spark, path)
    assert ours["row_number"].to_list() == [6, 7, 8, 10, 12]
    assert theirs.equals(ours)
