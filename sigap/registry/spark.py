"""The same registry screening on Spark, for national scale (80 million children).

``screen_spark(spark, source, points=…, as_of=…)`` gives one row per scored child — ``row_number``,
``score``, ``factors`` — exactly as the embedded engine (:mod:`sigap.registry.engine`) scores it: the same
row numbers (CSV: line number, header = line 1; Parquet: first data row = 1), the same rejections, the same
points. The points conditions go through the one translator in :mod:`sigap.registry.points`
(``to_spark``), and the reading rules below mirror :func:`sigap.registry.schema.prepare` rule for rule;
``tests/test_spark.py`` compares the two engines row by row.

A CSV file is read as lines (``spark.read.text``) and each line parsed with ``from_csv``, so a blank line
stays a (rejected) row and the line numbers match. Row numbers come from each partition's position in the
file (``input_file_block_start``) and the row's position in its partition — no shuffle, no Python per row.
The source must be one file.
"""

from __future__ import annotations

from datetime import date
from functools import reduce
from pathlib import Path
from typing import TYPE_CHECKING

from . import points as points_module
from .points import Points
from .schema import (
    BOOLEAN_COLUMNS,
    COLUMNS,
    DATE_PATTERN,
    DECILE_PATTERN,
    FALSE_WORDS,
    HOURS_PATTERN,
    MAX_AGE,
    MAX_WEEKLY_HOURS,
    NIK_PATTERN,
    SCHOOL_STATUSES,
    SECTORS,
    TRUE_WORDS,
    VILLAGE_DIGITS,
    VILLAGE_DOTTED,
    header_map,
    missing_required,
)

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

STRIP = r"^[ \t\r\n]+|[ \t\r\n]+$"


def screen_spark(spark: SparkSession, source: Path | str, *, points: Points | None = None, as_of: date) -> DataFrame:
    """Every scored child of the registry file `source`: `row_number` (long), `score` (int), `factors`
    (array of factor codes, highest points first, at most 3). Rejected rows are left out, as in the
    embedded engine."""
    from pyspark.sql import functions as F

    model = points or points_module.load()
    raw = _read(spark, str(source))
    prepared = _prepare(raw, as_of)
    flags = [points_module.to_spark(f.when).alias(f.flag) for f in model.factors]
    scored = prepared.filter(~F.col("rejected")).select("row_number", *flags)
    score = reduce(
        lambda a, b: a + b,
        [F.when(F.col(f.flag), F.lit(f.points)).otherwise(F.lit(0)) for f in model.factors],
        F.lit(0),
    ).cast("int")
    positive = [f for f in model.factors if f.points > 0]
    codes = F.array(*[F.when(F.col(f.flag), F.lit(f.code)) for f in positive]) if positive else F.array()
    factors = F.slice(F.filter(codes, lambda c: c.isNotNull()), 1, 3)
    return scored.select(
        F.col("row_number").cast("long").alias("row_number"), score.alias("score"), factors.alias("factors")
    )


def _read(spark: SparkSession, path: str) -> DataFrame:
    """The file's rows: `row_number` and one string column per schema column (missing optional ones null)."""
    from pyspark.sql import functions as F

    with_parquet = _is_parquet(spark, path)
    if with_parquet:
        frame = spark.read.parquet(path)
        names = frame.columns
        mapping = header_map(names)
        first_row = 1
        frame = _numbered(spark, frame, first_row)
        columns = {dst: F.col(f"`{src}`").cast("string") for src, dst in mapping.items()}
    else:
        lines = spark.read.text(path)
        header_line = lines.first()
        header = (header_line[0] if header_line else "").lstrip("\ufeff").rstrip("\r")
        separator = ";" if header.count(";") > header.count(",") else ","
        names = [n.strip().strip('"') for n in header.split(separator)]
        mapping = header_map(names)
        numbered = _numbered(spark, lines, 1).filter(F.col("row_number") > 1)
        schema = ", ".join(f"c{i} STRING" for i in range(len(names)))
        parsed = F.from_csv(F.col("value"), schema, {"sep": separator, "mode": "PERMISSIVE"})
        frame = numbered.select("row_number", parsed.alias("r"))
        columns = {dst: F.col(f"r.c{names.index(src)}") for src, dst in mapping.items()}
    missing = missing_required(list(mapping))
    if missing:
        raise ValueError(f"Kolom wajib tidak ada: {', '.join(missing)}.")
    return frame.select(
        "row_number",
        *(columns[c].alias(c) if c in columns else F.lit(None).cast("string").alias(c) for c in COLUMNS),
    )


def _is_parquet(spark: SparkSession, path: str) -> bool:
    local = Path(path)
    if local.is_file():
        with local.open("rb") as handle:
            return handle.read(4) == b"PAR1"
    return path.lower().endswith(".parquet")


def _numbered(spark: SparkSession, frame: DataFrame, first: int) -> DataFrame:
    """`frame` with `row_number`: its position in the file, counting from `first`. Each partition's offset
    is the number of rows in the partitions that start earlier in the file."""
    from pyspark.sql import functions as F

    tagged = frame.select(
        "*",
        F.spark_partition_id().alias("_pid"),
        F.input_file_block_start().alias("_start"),
        F.monotonically_increasing_id().alias("_mid"),
    )
    counts = tagged.groupBy("_pid", "_start").count().collect()
    offsets: dict[int, int] = {}
    running = 0
    for row in sorted(counts, key=lambda r: (r["_start"], r["_pid"])):
        offsets[row["_pid"]] = running
        running += row["count"]
    if offsets:
        pairs = [F.lit(x) for pid, off in offsets.items() for x in (pid, off)]
        offset = F.create_map(*pairs)[F.col("_pid")]
    else:
        offset = F.lit(0)
    index_in_partition = F.col("_mid").bitwiseAND(F.lit((1 << 33) - 1))
    return tagged.withColumn("row_number", (offset + index_in_partition + F.lit(first)).cast("long")).drop(
        "_pid", "_start", "_mid"
    )


def _prepare(frame: DataFrame, as_of: date) -> DataFrame:
    """The rules of :func:`sigap.registry.schema.prepare`, as Spark Column expressions."""
    from pyspark.sql import functions as F

    def blank_to_null(c: str) -> Column:
        s = F.regexp_replace(F.col(c), STRIP, "")
        return F.when(F.length(s) > 0, s)

    frame = frame.select("row_number", *(blank_to_null(c).alias(f"raw_{c}") for c in COLUMNS))
    r = {c: F.col(f"raw_{c}") for c in COLUMNS}

    def matches(col: Column, pattern: str) -> Column:
        return F.coalesce(col.rlike(pattern), F.lit(False))

    date_ok = matches(r["birth_date"], DATE_PATTERN)
    frame = frame.withColumns(
        {
            "_y": F.when(date_ok, F.substring(r["birth_date"], 1, 4).try_cast("int")),
            "_m": F.when(date_ok, F.substring(r["birth_date"], 6, 2).try_cast("int")),
            "_d": F.when(date_ok, F.substring(r["birth_date"], 9, 2).try_cast("int")),
        }
    )
    y, m, d = F.col("_y"), F.col("_m"), F.col("_d")
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    days = F.when(m == 2, F.when(leap, 29).otherwise(28)).when(m.isin(4, 6, 9, 11), 30).otherwise(31)
    real_date = F.coalesce((m >= 1) & (m <= 12) & (d >= 1) & (d <= days) & (y >= 1), F.lit(False))
    ymd = y * 10000 + m * 100 + d
    as_of_ymd = as_of.year * 10000 + as_of.month * 100 + as_of.day
    age = F.lit(as_of.year) - y - F.when((m * 100 + d) > (as_of.month * 100 + as_of.day), 1).otherwise(0)

    village = r["village_code"]
    village_norm = F.when(matches(village, VILLAGE_DOTTED), village).when(
        matches(village, VILLAGE_DIGITS),
        F.concat_ws(
            ".",
            F.substring(village, 1, 2),
            F.substring(village, 3, 2),
            F.substring(village, 5, 2),
            F.substring(village, 7, 4),
        ),
    )
    school = F.lower(r["school_status"])
    sector = F.lower(r["sector"])
    decile = F.when(matches(r["welfare_decile"], DECILE_PATTERN), r["welfare_decile"].try_cast("int"))
    hours = F.when(
        matches(r["weekly_hours"], HOURS_PATTERN), F.regexp_replace(r["weekly_hours"], ",", ".").try_cast("double")
    )
    sex_up = F.upper(r["sex"])

    def boolean(raw: Column) -> Column:
        low = F.lower(raw)
        return F.when(low.isin(*TRUE_WORDS), F.lit(True)).when(low.isin(*FALSE_WORDS), F.lit(False))

    frame = frame.withColumns(
        {
            "birth_ok": real_date,
            "_ymd": ymd,
            "age": age.cast("int"),
            "sex": F.when(sex_up.isin("M", "L"), F.lit("M")).when(sex_up.isin("F", "P"), F.lit("F")),
            "village_code": village_norm,
            "school_status": F.coalesce(school, F.lit("unknown")),
            "welfare_decile": decile,
            **{c: boolean(r[c]) for c in BOOLEAN_COLUMNS},
            "weekly_hours": hours,
            "sector": sector,
        }
    )
    ok = F.col("birth_ok")
    hours_c = F.col("weekly_hours")
    problems = [
        r["nik"].isNotNull() & ~matches(r["nik"], NIK_PATTERN),
        r["name"].isNull(),
        r["birth_date"].isNull(),
        r["birth_date"].isNotNull() & ~ok,
        ok & (F.col("_ymd") > as_of_ymd),
        ok & (F.col("_ymd") <= as_of_ymd) & (F.col("age") > MAX_AGE),
        r["sex"].isNull(),
        r["sex"].isNotNull() & F.col("sex").isNull(),
        village.isNull(),
        village.isNotNull() & F.col("village_code").isNull(),
        r["household_id"].isNull(),
        ~F.col("school_status").isin(*SCHOOL_STATUSES),
        r["welfare_decile"].isNotNull()
        & ~F.coalesce((F.col("welfare_decile") >= 1) & (F.col("welfare_decile") <= 10), F.lit(False)),
        *(r[c].isNotNull() & F.col(c).isNull() for c in BOOLEAN_COLUMNS),
        r["weekly_hours"].isNotNull() & ~F.coalesce(hours_c <= MAX_WEEKLY_HOURS, F.lit(False)),
        F.coalesce((hours_c > 0) & (hours_c <= MAX_WEEKLY_HOURS) & ~F.col("child_works"), F.lit(False)),
        sector.isNotNull() & ~sector.isin(*SECTORS),
    ]
    rejected = reduce(lambda a, b: a | b, [F.coalesce(p, F.lit(False)) for p in problems])
    return frame.withColumns(
        {
            "rejected": rejected,
            "district_code": F.substring(F.col("village_code"), 1, 8),
            "regency_code": F.substring(F.col("village_code"), 1, 5),
            "province_code": F.substring(F.col("village_code"), 1, 2),
        }
    )
