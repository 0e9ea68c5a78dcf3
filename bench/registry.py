"""Registry-wide risk screening: an 11,000,000-child registry scored on this machine, beside a pandas
baseline, and Spark against the embedded engine on a 1,000,000-child sample.

- `registry_screen`: `engine.screen` on the CSV a ministry would hand over (11,000,000 children,
  BENCH_REGISTRY_ROWS), in its own process: wall time and that process's peak RSS (`os.wait4`), with
  `rows`, `scored`, `rejected`, `listed`. `baseline_wall_s` is a straightforward pandas script on the
  same file (read_csv, the same validation and points with vectorised pandas, sort, top 20 per village)
  in its own process; `baseline_same_result` says whether it
  listed the same children with the same scores and ranks and the same village figures; `speedup` =
  baseline / engine. Targets: ≤ 60 s and ≤ 2 GiB (2,048 MiB).
- `registry_screen_spark`: `spark.screen_spark` (local mode, 2 cores) on a 1,000,000-child sample
  with 0.1 % bad rows; `identical` is true when every row number, score and factor list equals the
  embedded engine's.

The registries are generated once (seeded) and kept in var/bench/. No database is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # also runnable as `python bench/registry.py`

from bench.common import PYTHON, ROOT, VAR, emit, log

ROWS = int(os.environ.get("BENCH_REGISTRY_ROWS", "11000000"))
SPARK_ROWS = int(os.environ.get("BENCH_REGISTRY_SPARK_ROWS", "1000000"))
SEED = 1
BAD_FRACTION = 0.001
AS_OF = "2026-01-01"
TARGET_S = 60
TARGET_MIB = 2048


def registry_file(rows: int, fmt: str = "csv") -> Path:
    """The seeded registry of `rows` children, generated once (about 9 s per million rows)."""
    path = VAR / f"registry-{rows}-seed{SEED}.{fmt}"
    stamp = path.with_suffix(path.suffix + ".json")
    wanted = {"rows": rows, "seed": SEED, "bad_fraction": BAD_FRACTION, "as_of": AS_OF, "version": 1}
    if path.exists() and stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return path
    VAR.mkdir(parents=True, exist_ok=True)
    log(f"generating a {rows:,}-child registry in {path} (once)")
    started = time.monotonic()
    _python(
        f"from datetime import date; from pathlib import Path; from sigap.registry.generate import generate; "
        f"generate(Path({str(path)!r}), {rows}, seed={SEED}, fmt={fmt!r}, bad_fraction={BAD_FRACTION}, "
        f"as_of=date.fromisoformat({AS_OF!r}))"
    )
    stamp.write_text(json.dumps(wanted))
    log(f"generated in {time.monotonic() - started:.0f} s")
    return path


def _python(code: str) -> str:
    result = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"bench step failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def measured(code: str) -> tuple[dict[str, object], float, float]:
    """Run `code` in a fresh Python; its last stdout line (JSON), wall seconds and peak RSS in MiB."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        proc = subprocess.Popen([PYTHON, "-c", code], cwd=ROOT, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"bench step failed:\n{stdout}\n{stderr}")
    return json.loads(stdout.strip().splitlines()[-1]), wall, usage.ru_maxrss / 1024  # Linux: KiB


SCREEN = """
import json
from datetime import date
from pathlib import Path
from sigap.registry.engine import screen
from bench.registry import digest
r = screen(Path({path!r}), as_of=date.fromisoformat({as_of!r}))
print(json.dumps({{"rows": r.rows_read, "scored": r.rows_scored, "rejected": r.rows_rejected,
                  "listed": r.outreach.height, "digest": digest(r.outreach, r.areas)}}))
"""


def digest(outreach: pl.DataFrame, areas: pl.DataFrame) -> list[int]:
    """A few exact integers that change if any listed child, rank, or village figure differs."""
    return [
        int(outreach.select((pl.col("row_number") * pl.col("score")).sum()).item()),
        int(outreach.select((pl.col("row_number") * pl.col("rank_in_village")).sum()).item()),
        int(outreach.select((pl.col("row_number") * pl.col("rank_in_district")).sum()).item()),
        areas.height,
        int(areas["children"].sum()),
        round(float((areas["mean_score"] * areas["children"]).sum())),
        int(areas["at_or_above_threshold"].sum()),
        int(areas["max_score"].sum()),
    ]


def baseline(path: str, as_of_text: str, per_village: int = 20) -> dict[str, object]:
    """The straightforward pandas way: read everything, validate and score with vectorised pandas, sort,
    take the top per village. Same rules as the engine (so the results can be compared)."""
    from datetime import date

    import numpy as np
    import pandas as pd

    from sigap.registry import points as points_module
    from sigap.registry import schema as s

    as_of = date.fromisoformat(as_of_text)
    model = points_module.load()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["row_number"] = np.arange(2, len(df) + 2)
    raw = {
        c: df[c].str.strip(s.STRIP_CHARS).replace("", None) if c in df else pd.Series(None, index=df.index, dtype=str)
        for c in s.COLUMNS
    }
    bad = pd.Series(False, index=df.index)

    def invalid(cond: pd.Series) -> None:
        nonlocal bad
        bad |= cond.fillna(False).astype(bool)

    bd = raw["birth_date"]
    date_ok = bd.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False).astype(bool)
    y = pd.to_numeric(bd.str.slice(0, 4).where(date_ok), errors="coerce")
    m = pd.to_numeric(bd.str.slice(5, 7).where(date_ok), errors="coerce")
    d = pd.to_numeric(bd.str.slice(8, 10).where(date_ok), errors="coerce")
    leap = ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)
    dim = np.where(m == 2, np.where(leap, 29, 28), np.where(m.isin([4, 6, 9, 11]), 30, 31))
    real = (m >= 1) & (m <= 12) & (d >= 1) & (d <= dim) & (y >= 1)
    ymd = y * 10000 + m * 100 + d
    as_of_ymd = as_of.year * 10000 + as_of.month * 100 + as_of.day
    age = as_of.year - y - ((m * 100 + d) > (as_of.month * 100 + as_of.day)).astype(int)
    village = raw["village_code"]
    dotted = village.str.fullmatch(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}").fillna(False).astype(bool)
    digits = village.str.fullmatch(r"[0-9]{10}").fillna(False).astype(bool)
    norm = village.where(dotted)
    joined = (
        village.str.slice(0, 2)
        + "."
        + village.str.slice(2, 4)
        + "."
        + village.str.slice(4, 6)
        + "."
        + village.str.slice(6, 10)
    )
    norm = norm.where(dotted, joined.where(digits))
    sex = raw["sex"].str.upper().map({"M": "M", "L": "M", "F": "F", "P": "F"})
    school = raw["school_status"].str.lower().fillna("unknown")
    sector = raw["sector"].str.lower()
    decile = pd.to_numeric(
        raw["welfare_decile"].where(raw["welfare_decile"].str.fullmatch(r"[0-9]{1,2}").fillna(False).astype(bool)),
        errors="coerce",
    )
    hours_ok = raw["weekly_hours"].str.fullmatch(r"[0-9]{1,3}([.,][0-9]{1,4})?").fillna(False).astype(bool)
    hours = pd.to_numeric(raw["weekly_hours"].where(hours_ok).str.replace(",", "."), errors="coerce")

    def boolean(v: pd.Series) -> pd.Series:
        low = v.str.lower()
        out = pd.Series(None, index=v.index, dtype=object)
        out[low.isin(s.TRUE_WORDS)] = True
        out[low.isin(s.FALSE_WORDS)] = False
        return out

    bools = {c: boolean(raw[c]) for c in s.BOOLEAN_COLUMNS}
    invalid(raw["nik"].notna() & ~raw["nik"].str.fullmatch(r"[0-9]{16}").fillna(False).astype(bool))
    invalid(raw["name"].isna())
    invalid(bd.isna())
    invalid(bd.notna() & ~real)
    invalid(real & (ymd > as_of_ymd))
    invalid(real & (ymd <= as_of_ymd) & (age > s.MAX_AGE))
    invalid(raw["sex"].isna() | sex.isna())
    invalid(norm.isna())
    invalid(raw["household_id"].isna())
    invalid(~school.isin(s.SCHOOL_STATUSES))
    invalid(raw["welfare_decile"].notna() & ~((decile >= 1) & (decile <= 10)))
    for c in s.BOOLEAN_COLUMNS:
        invalid(raw[c].notna() & bools[c].isna())
    invalid(raw["weekly_hours"].notna() & ~(hours <= s.MAX_WEEKLY_HOURS))
    invalid((hours > 0) & (hours <= s.MAX_WEEKLY_HOURS) & (bools["child_works"] == False))
    invalid(sector.notna() & ~sector.isin(s.SECTORS))

    columns = {
        "age": age,
        "sex": sex,
        "school_status": school,
        "welfare_decile": decile,
        "weekly_hours": hours,
        "sector": sector,
        "village_code": norm,
        **bools,
    }

    def cond(c: dict) -> pd.Series:
        if "all" in c:
            out = pd.Series(True, index=df.index)
            for sub in c["all"]:
                out &= cond(sub)
            return out
        if "any" in c:
            out = pd.Series(False, index=df.index)
            for sub in c["any"]:
                out |= cond(sub)
            return out
        if "not" in c:
            return ~cond(c["not"])
        col = columns[c["column"]]
        op = next(k for k in c if k != "column")
        v = c[op]
        if op == "is_null":
            return col.isna() if v else col.notna()
        res = {
            "eq": lambda: col == v,
            "ne": lambda: col != v,
            "gt": lambda: col > v,
            "gte": lambda: col >= v,
            "lt": lambda: col < v,
            "lte": lambda: col <= v,
            "in": lambda: col.isin(v),
            "not_in": lambda: ~col.isin(v),
        }[op]()
        return (res & col.notna()).fillna(False).astype(bool)

    score = sum(cond(f.when).astype(int) * f.points for f in model.factors)
    good = pd.DataFrame({"row_number": df["row_number"], "village_code": norm, "score": score, "ymd": ymd})[~bad]
    good["district_code"] = good["village_code"].str.slice(0, 8)
    areas = good.groupby("village_code").agg(
        children=("score", "size"),
        score_sum=("score", "sum"),
        at_or_above_threshold=("score", lambda x: int((x >= model.outreach_threshold).sum())),
        max_score=("score", "max"),
    )
    listed = good[good["score"] >= model.outreach_threshold].sort_values(
        ["village_code", "score", "ymd", "row_number"], ascending=[True, False, False, True]
    )
    listed = listed.groupby("village_code").head(per_village).copy()
    listed["rank_in_village"] = listed.groupby("village_code").cumcount() + 1
    listed = listed.sort_values(["district_code", "score", "ymd", "row_number"], ascending=[True, False, False, True])
    listed["rank_in_district"] = listed.groupby("district_code").cumcount() + 1
    figures = [
        int((listed["row_number"] * listed["score"]).sum()),
        int((listed["row_number"] * listed["rank_in_village"]).sum()),
        int((listed["row_number"] * listed["rank_in_district"]).sum()),
        len(areas),
        int(areas["children"].sum()),
        int(areas["score_sum"].sum()),
        int(areas["at_or_above_threshold"].sum()),
        int(areas["max_score"].sum()),
    ]
    return {"rows": len(df), "scored": len(good), "listed": len(listed), "digest": figures}


BASELINE = """
import json
from bench.registry import baseline
print(json.dumps(baseline({path!r}, {as_of!r})))
"""


SPARK = """
import json, os, sys, tempfile
from datetime import date
from pathlib import Path
import polars as pl
from pyspark.sql import SparkSession
from sigap.registry import points
from sigap.registry.engine import screen
from sigap.registry.spark import screen_spark

path, as_of = Path({path!r}), date.fromisoformat({as_of!r})
model = points.load()
with tempfile.TemporaryDirectory(dir={var!r}) as tmp:
    screen(path, as_of=as_of, scores_out=Path(tmp) / "embedded.parquet")
    ours = (pl.read_parquet(Path(tmp) / "embedded.parquet")
            .with_columns(fmask=points.polars_mask(model))
            .select("row_number", "score", points.polars_top_factors(model).alias("factors")).sort("row_number"))
    spark = (SparkSession.builder.master("local[2]").appName("sigap-bench")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "2g")
             .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    screen_spark(spark, path, points=model, as_of=as_of).write.parquet(str(Path(tmp) / "spark"))
    spark.stop()
    theirs = pl.read_parquet(Path(tmp) / "spark" / "*.parquet").select(
        pl.col("row_number").cast(pl.Int64), pl.col("score").cast(pl.Int32), pl.col("factors")).sort("row_number")
    print(json.dumps({{"rows": ours.height, "spark_rows": theirs.height, "identical": ours.equals(theirs)}}))
"""


def run(target: object = None) -> None:
    """Both benchmarks; `target` (a database) is not needed and ignored."""
    path = registry_file(ROWS)
    log(f"scoring {ROWS:,} children with the embedded engine")
    result, wall, rss = measured(SCREEN.format(path=str(path), as_of=AS_OF))
    log(f"engine: {wall:.1f} s, {rss:.0f} MiB; now the pandas baseline on the same file")
    base, baseline_wall, baseline_rss = measured(BASELINE.format(path=str(path), as_of=AS_OF))
    emit(
        {
            "bench": "registry_screen",
            "rows": result["rows"],
            "scored": result["scored"],
            "rejected": result["rejected"],
            "listed": result["listed"],
            "format": "csv",
            "file_mib": round(path.stat().st_size / 2**20),
            "wall_s": round(wall, 2),
            "peak_rss_mib": round(rss),
            "target_wall_s": TARGET_S,
            "target_rss_mib": TARGET_MIB,
            "met": wall <= TARGET_S and rss <= TARGET_MIB,
            "baseline_wall_s": round(baseline_wall, 2),
            "baseline_peak_rss_mib": round(baseline_rss),
            "baseline_same_result": base["digest"] == result["digest"] and base["scored"] == result["scored"],
            "speedup": round(baseline_wall / wall, 2),
        }
    )
    run_spark()


def run_spark() -> None:
    path = registry_file(SPARK_ROWS)
    log(f"Spark (local[2]) against the embedded engine on {SPARK_ROWS:,} children")
    result, wall, _ = measured(SPARK.format(path=str(path), as_of=AS_OF, var=str(VAR)))
    emit(
        {
            "bench": "registry_screen_spark",
            "rows": SPARK_ROWS,
            "scored": result["rows"],
            "identical": bool(result["identical"]) and result["rows"] == result["spark_rows"],
            "wall_s": round(wall, 1),
        }
    )


if __name__ == "__main__":
    run()
