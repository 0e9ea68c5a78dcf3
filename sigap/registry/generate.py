"""A seeded generator of synthetic social-protection registries (children), of any size, for tests and
benchmarks. Everything is invented: names are drawn from Faker's ``id_ID`` name lists, NIKs are
well-formed but fictitious, households and risk factors come from random numbers.

The registry is written in chunks of ``CHUNK_ROWS`` children with numpy and Polars (no per-row Python), so
11,000,000 rows take about a minute and little memory. Realism, roughly:

- households of 1–4 children share a household id, a village, a welfare decile, social assistance and
  whether a parent works abroad; the villages are a contiguous run of Kemendagri village codes (read from
  ``node_modules/idn-area-data`` when present, otherwise synthesised), so a small registry covers a few
  districts and a large one most of the country;
- ages 0–17 are spread evenly; poorer households' children are more often out of school and working,
  older children more than younger ones; working children have weekly hours and a sector;
- values are written the way a ministry export writes them: mostly ``M``/``F`` with some ``L``/``P``,
  booleans as ``true``/``false`` with some ``ya``/``tidak`` and ``1``/``0``, village codes mostly dotted and
  some as 10 digits, a share of blank NIKs and blank optional values.

``bad_fraction`` makes that share of rows invalid in one way each (bad NIK, bad or impossible date, aged
19, unknown sex, missing name, bad village code, decile 11, hours out of range, unknown yes/no, unknown
sector, hours while not working). ``with_outcome`` adds ``outcome`` (0/1: the child was later identified
in a case) drawn from the hidden logistic model ``OUTCOME_MODEL`` over the child's true risk factors, so a
calibration report has something to find.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from .schema import COLUMNS, OUTCOME

CHUNK_ROWS = 1_000_000
DEFAULT_AS_OF = date(2026, 1, 1)
VILLAGES_CSV = Path(__file__).resolve().parents[2] / "node_modules" / "idn-area-data" / "data" / "villages.csv"
CHILDREN_PER_VILLAGE = 150

# The hidden model of `outcome`: intercept and log-odds per true risk factor (see `_outcome`).
OUTCOME_MODEL = {
    "intercept": -5.0,
    "dropped_out": 1.2,
    "out_of_school": 0.8,
    "child_labour_hours": 1.3,
    "hazardous_sector": 1.0,
    "works": 0.6,
    "not_with_parents": 0.9,
    "parent_abroad": 0.7,
    "extreme_poverty": 0.6,
    "adolescent": 0.4,
}

SECTORS = np.array(
    [
        "agriculture",
        "services",
        "domestic_work",
        "street",
        "fishing",
        "manufacturing",
        "construction",
        "mining",
        "other",
    ]
)
SECTOR_P = np.array([0.38, 0.15, 0.09, 0.07, 0.09, 0.08, 0.06, 0.03, 0.05])
HAZARDOUS = {"mining", "fishing", "construction", "street", "domestic_work"}
BAD_KINDS = (
    "nik",
    "date_format",
    "date_impossible",
    "age_19",
    "sex",
    "name",
    "village",
    "decile",
    "hours",
    "boolean",
    "sector",
    "hours_not_working",
)


@dataclass(frozen=True)
class Generated:
    path: Path
    rows: int
    bad_rows: int
    villages: int


def generate(
    path: Path,
    rows: int,
    seed: int = 1,
    fmt: str = "csv",
    bad_fraction: float = 0.0,
    with_outcome: bool = False,
    as_of: date = DEFAULT_AS_OF,
) -> Generated:
    """Write a registry of `rows` children to `path` as CSV or Parquet (`fmt`). The same arguments always
    give the same file. Ages are as of `as_of`."""
    if fmt not in ("csv", "parquet"):
        raise ValueError("fmt must be 'csv' or 'parquet'")
    if rows < 0 or not 0.0 <= bad_fraction <= 1.0:
        raise ValueError("rows must be ≥ 0 and bad_fraction between 0 and 1")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    villages = _villages(rows, seed)
    names = _Names()
    bad_total = 0
    writer: pq.ParquetWriter | None = None
    with path.open("wb") as out:
        first = True
        for index, start in enumerate(range(0, max(rows, 1), CHUNK_ROWS)):
            n = min(CHUNK_ROWS, rows - start)
            if n <= 0:
                frame = _chunk(np.random.default_rng([seed, 0]), 0, 0, villages, names, as_of, 0.0, with_outcome)
            else:
                rng = np.random.default_rng([seed, index])
                frame = _chunk(rng, start, n, villages, names, as_of, bad_fraction, with_outcome)
            bad_total += int(frame.get_column("_bad").sum())
            frame = frame.drop("_bad")
            frame = frame.with_columns(pl.when(pl.col(pl.String) != "").then(pl.col(pl.String)).name.keep())
            if fmt == "csv":
                frame.write_csv(out, include_header=first, quote_style="necessary")
            else:
                table = frame.to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(out, table.schema, compression="zstd")
                writer.write_table(table)
            first = False
        if writer is not None:
            writer.close()
    return Generated(path, rows, bad_total, len(villages))


def _villages(rows: int, seed: int) -> np.ndarray:
    """A contiguous run of village codes, about one per CHILDREN_PER_VILLAGE children."""
    wanted = max(3, rows // CHILDREN_PER_VILLAGE)
    codes: list[str] = []
    if VILLAGES_CSV.is_file():
        with VILLAGES_CSV.open(newline="", encoding="utf-8-sig") as handle:
            codes = [row["code"] for row in csv.DictReader(handle) if len(row.get("code") or "") == 13]
    if not codes:
        codes = [
            f"{p:02d}.{r:02d}.{d:02d}.{2000 + v:04d}"
            for p in range(11, 95, 3)
            for r in range(1, 8)
            for d in range(1, 15)
            for v in range(1, 21)
        ]
    codes.sort()
    rng = np.random.default_rng([seed, 999_999])
    if wanted >= len(codes):
        return np.array(codes)
    start = int(rng.integers(0, len(codes) - wanted + 1))
    return np.array(codes[start : start + wanted])


class _Names:
    """Faker's id_ID first and last names, read once as arrays."""

    def __init__(self) -> None:
        from faker.providers.person.id_ID import Provider

        self.first_m = np.array(sorted(set(Provider.first_names_male)))
        self.first_f = np.array(sorted(set(Provider.first_names_female)))
        self.last_m = np.array(sorted(set(Provider.last_names_male)))
        self.last_f = np.array(sorted(set(Provider.last_names_female)))


def _chunk(
    rng: np.random.Generator,
    start: int,
    n: int,
    villages: np.ndarray,
    names: _Names,
    as_of: date,
    bad_fraction: float,
    with_outcome: bool,
) -> pl.DataFrame:
    # households: sizes 1–4; each child's household index within the chunk
    sizes = rng.choice([1, 2, 3, 4], size=n + 1, p=[0.45, 0.32, 0.16, 0.07])
    household = np.repeat(np.arange(sizes.size), sizes)[:n]
    h_count = int(household[-1]) + 1 if n else 0
    h_village = rng.integers(0, villages.size, size=h_count)
    h_decile = rng.choice(np.arange(1, 11), size=h_count, p=[0.16, 0.15, 0.14, 0.12, 0.1, 0.09, 0.07, 0.07, 0.05, 0.05])
    h_assist = rng.random(h_count) < np.clip(0.75 - 0.08 * (h_decile - 1), 0.03, 0.9)
    h_abroad = rng.random(h_count) < 0.06
    village = villages[h_village[household]]
    decile = h_decile[household]
    assist = h_assist[household]
    abroad = h_abroad[household]
    poor = (decile <= 2).astype(float)

    # the child
    age_days = rng.integers(0, int(17.95 * 365.25), size=n)
    birth = np.datetime64(as_of.isoformat()) - age_days.astype("timedelta64[D]")
    age = _age(birth, as_of)
    male = rng.random(n) < 0.51
    older = np.clip(age - 6, 0, None).astype(float)
    u = rng.random(n)
    p_drop = np.where(age >= 7, 0.01 + 0.006 * older + 0.05 * poor, 0.0)
    p_not = np.where(age >= 7, 0.02 + 0.02 * poor, 0.7)
    p_never = np.where(age >= 7, 0.006 + 0.01 * poor, 0.0)
    p_unknown = np.full(n, 0.03)
    school = np.select(
        [u < p_drop, u < p_drop + p_not, u < p_drop + p_not + p_never, u < p_drop + p_not + p_never + p_unknown],
        ["dropped_out", "not_enrolled", "never_enrolled", "unknown"],
        "enrolled",
    )
    out = np.isin(school, ["dropped_out", "not_enrolled", "never_enrolled"]) & (age >= 7)
    logit = -4.2 + 1.1 * poor + 0.3 * (age - 10) + 1.8 * out + 0.5 * abroad
    works = (age >= 5) & (rng.random(n) < 1 / (1 + np.exp(-logit)))
    hours = np.where(works, np.clip(rng.gamma(2.2, 9.0, size=n) + 0.3 * older, 1, 84).round(0), 0.0)
    sector = np.where(works, rng.choice(SECTORS, size=n, p=SECTOR_P), "")
    with_parents = ~(rng.random(n) < 0.06 + 0.25 * abroad + 0.04 * works)

    # how the ministry writes it
    sex = np.where(male, "M", "F")
    sex = np.where(rng.random(n) < 0.1, np.where(male, "L", "P"), sex)
    first = np.where(
        male,
        names.first_m[rng.integers(0, names.first_m.size, n)],
        names.first_f[rng.integers(0, names.first_f.size, n)],
    )
    last = np.where(
        male, names.last_m[rng.integers(0, names.last_m.size, n)], names.last_f[rng.integers(0, names.last_f.size, n)]
    )
    single = rng.random(n) < 0.25
    hours_text = np.where(works, hours.astype(int).astype(str), np.where(rng.random(n) < 0.5, "0", ""))
    frame = pl.DataFrame(
        {
            "_i": np.arange(start + 1, start + n + 1, dtype=np.int64),
            "_h": household.astype(np.int64) + start,
            "_first": first,
            "_last": last,
            "_single": single,
            "_birth": birth.astype("datetime64[D]"),
            "_male": male,
            "_village": village,
            "_dotted": rng.random(n) < 0.9,
            "_nik_blank": rng.random(n) < 0.1,
            "sex": sex,
            "school_status": np.where(school == "unknown", np.where(rng.random(n) < 0.5, "unknown", ""), school),
            "welfare_decile": np.where(rng.random(n) < 0.03, "", decile.astype(str)),
            "social_assistance": _yes_no(rng, assist),
            "parent_abroad": _yes_no(rng, abroad),
            "lives_with_parents": _yes_no(rng, with_parents),
            "child_works": _yes_no(rng, works),
            "weekly_hours": hours_text,
            "sector": sector,
        }
    )
    digits = pl.col("_village").str.replace_all(".", "", literal=True)
    day = pl.col("_birth").dt.day() + pl.when(pl.col("_male")).then(0).otherwise(40)
    frame = frame.with_columns(
        source_id=pl.format("REG-{}", pl.col("_i").cast(pl.String).str.zfill(9)),
        nik=pl.when(pl.col("_nik_blank"))
        .then(pl.lit(""))
        .otherwise(
            pl.concat_str(
                [
                    digits.str.slice(0, 6),
                    day.cast(pl.String).str.zfill(2),
                    pl.col("_birth").dt.strftime("%m%y"),
                    (pl.col("_i") % 9973 + 1).cast(pl.String).str.zfill(4),
                ]
            )
        ),
        name=pl.when(pl.col("_single")).then(pl.col("_first")).otherwise(pl.format("{} {}", "_first", "_last")),
        birth_date=pl.col("_birth").dt.strftime("%Y-%m-%d"),
        village_code=pl.when(pl.col("_dotted")).then(pl.col("_village")).otherwise(digits),
        household_id=pl.format("RT-{}", (pl.col("_h") + 1).cast(pl.String).str.zfill(9)),
    )
    if with_outcome:
        frame = frame.with_columns(
            outcome=pl.Series(
                _outcome(rng, age, school, works, hours, sector, with_parents, abroad, decile), dtype=pl.Int8
            )
        )
    frame = _spoil(frame, rng, bad_fraction, as_of)
    columns = [*COLUMNS, *([OUTCOME] if with_outcome else []), "_bad"]
    return frame.select(columns)


def _age(birth: np.ndarray, as_of: date) -> np.ndarray:
    """Completed years on `as_of` for an array of datetime64[D] birth dates."""
    y = birth.astype("datetime64[Y]").astype(int) + 1970
    m = birth.astype("datetime64[M]").astype(int) % 12 + 1
    d = (birth - birth.astype("datetime64[M]")).astype(int) + 1
    before = (m * 100 + d) > (as_of.month * 100 + as_of.day)
    return np.asarray(as_of.year - y - before.astype(int))


def _yes_no(rng: np.random.Generator, value: np.ndarray) -> np.ndarray:
    """Mostly true/false, some ya/tidak and 1/0, 4% blank (unknown)."""
    style = rng.random(value.size)
    text = np.where(value, "true", "false")
    text = np.where(style < 0.15, np.where(value, "ya", "tidak"), text)
    text = np.where((style >= 0.15) & (style < 0.25), np.where(value, "1", "0"), text)
    return np.where(style > 0.96, "", text)


def _outcome(
    rng: np.random.Generator,
    age: np.ndarray,
    school: np.ndarray,
    works: np.ndarray,
    hours: np.ndarray,
    sector: np.ndarray,
    with_parents: np.ndarray,
    abroad: np.ndarray,
    decile: np.ndarray,
) -> np.ndarray:
    m = OUTCOME_MODEL
    labour = (works & (age <= 12)) | ((age >= 13) & (age <= 14) & (hours > 15)) | ((age >= 15) & (hours > 40))
    logit = (
        m["intercept"]
        + m["dropped_out"] * (school == "dropped_out")
        + m["out_of_school"] * (np.isin(school, ["not_enrolled", "never_enrolled"]) & (age >= 7))
        + m["child_labour_hours"] * labour
        + m["hazardous_sector"] * np.isin(sector, list(HAZARDOUS))
        + m["works"] * works
        + m["not_with_parents"] * ~with_parents
        + m["parent_abroad"] * abroad
        + m["extreme_poverty"] * (decile <= 2)
        + m["adolescent"] * (age >= 13)
    )
    return (rng.random(age.size) < 1 / (1 + np.exp(-logit))).astype(np.int8)


def _spoil(frame: pl.DataFrame, rng: np.random.Generator, fraction: float, as_of: date) -> pl.DataFrame:
    n = frame.height
    bad = rng.random(n) < fraction if fraction > 0 else np.zeros(n, dtype=bool)
    kind = np.where(bad, rng.integers(0, len(BAD_KINDS), n), -1)
    old = date(as_of.year - 19, 6, 15).isoformat()

    def spoilt(name: str, value: str | pl.Expr, column: str) -> pl.Expr:
        k = pl.lit(BAD_KINDS.index(name))
        return pl.when(pl.col("_kind") == k).then(value).otherwise(pl.col(column)).alias(column)

    frame = frame.with_columns(_kind=pl.Series(kind), _bad=pl.Series(bad))
    frame = frame.with_columns(
        spoilt("nik", pl.col("nik").str.slice(0, 12).fill_null("") + pl.lit("X"), "nik"),
        pl.when(pl.col("_kind") == BAD_KINDS.index("date_format"))
        .then(
            pl.col("birth_date").str.slice(8, 2)
            + "/"
            + pl.col("birth_date").str.slice(5, 2)
            + "/"
            + pl.col("birth_date").str.slice(0, 4)
        )
        .when(pl.col("_kind") == BAD_KINDS.index("date_impossible"))
        .then(pl.col("birth_date").str.slice(0, 4) + "-02-30")
        .when(pl.col("_kind") == BAD_KINDS.index("age_19"))
        .then(pl.lit(old))
        .otherwise(pl.col("birth_date"))
        .alias("birth_date"),
        spoilt("sex", pl.lit("X"), "sex"),
        spoilt("name", pl.lit(""), "name"),
        spoilt(
            "village", pl.col("village_code").str.slice(0, 5).str.replace_all(".", "-", literal=True), "village_code"
        ),
        spoilt("decile", pl.lit("11"), "welfare_decile"),
        pl.when(pl.col("_kind") == BAD_KINDS.index("hours"))
        .then(pl.lit("150"))
        .when(pl.col("_kind") == BAD_KINDS.index("hours_not_working"))
        .then(pl.lit("20"))
        .otherwise(pl.col("weekly_hours"))
        .alias("weekly_hours"),
        pl.when(pl.col("_kind") == BAD_KINDS.index("hours_not_working"))
        .then(pl.lit("false"))
        .otherwise(pl.col("child_works"))
        .alias("child_works"),
        spoilt("boolean", pl.lit("mungkin"), "parent_abroad"),
        spoilt("sector", pl.lit("perkebunan"), "sector"),
    )
    return frame.drop("_kind")
