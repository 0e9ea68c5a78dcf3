"""The social-protection registry file: its columns, how each value is read, and why a row is rejected.

Pure library code (no Django). The rules are written once as Polars expressions here and once as Spark
Column expressions in :mod:`sigap.registry.spark`; ``tests/test_spark.py`` checks that the two agree on
every row, rejected rows included. Everything is done on whole columns: there is no per-row Python.

A value is first *stripped* (spaces, tabs, line breaks at both ends); a value that is empty after
stripping is blank. Dates and numbers are read by pattern and integer arithmetic (no locale, no time zone),
so the embedded engine and Spark read them identically.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

# Every column the registry may carry, in the documented order. `source_id` and `outcome` are optional
# and carried through; any other column in the file is ignored.
COLUMNS = (
    "source_id",
    "nik",
    "name",
    "birth_date",
    "sex",
    "village_code",
    "household_id",
    "school_status",
    "welfare_decile",
    "social_assistance",
    "parent_abroad",
    "lives_with_parents",
    "child_works",
    "weekly_hours",
    "sector",
)
REQUIRED = ("name", "birth_date", "sex", "village_code", "household_id")
OUTCOME = "outcome"  # optional 0/1: the child was later identified in a case (for calibration)

SCHOOL_STATUSES = ("enrolled", "not_enrolled", "dropped_out", "never_enrolled", "unknown")
SECTORS = (
    "agriculture",
    "fishing",
    "domestic_work",
    "street",
    "manufacturing",
    "mining",
    "construction",
    "services",
    "other",
)
BOOLEAN_COLUMNS = ("social_assistance", "parent_abroad", "lives_with_parents", "child_works")
TRUE_WORDS = ("true", "1", "ya", "y", "yes")
FALSE_WORDS = ("false", "0", "tidak", "n", "no")
SEX_WORDS = {"M": "M", "L": "M", "F": "F", "P": "F"}  # L = laki-laki, P = perempuan
MAX_WEEKLY_HOURS = 112.0
MAX_AGE = 17

# Patterns. `[0-9]` rather than `\d`: Rust's `\d` matches every Unicode digit, Java's only ASCII ones.
STRIP_CHARS = " \t\r\n"
NIK_PATTERN = r"^[0-9]{16}$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
VILLAGE_DOTTED = r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$"
VILLAGE_DIGITS = r"^[0-9]{10}$"
DECILE_PATTERN = r"^[0-9]{1,2}$"
HOURS_PATTERN = r"^[0-9]{1,3}([.,][0-9]{1,4})?$"

# The columns a points condition may refer to, with their kind and (for codes) the allowed values.
CONDITION_COLUMNS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "age": ("int", None),
    "sex": ("str", ("M", "F")),
    "school_status": ("str", SCHOOL_STATUSES),
    "welfare_decile": ("int", None),
    "social_assistance": ("bool", None),
    "parent_abroad": ("bool", None),
    "lives_with_parents": ("bool", None),
    "child_works": ("bool", None),
    "weekly_hours": ("float", None),
    "sector": ("str", SECTORS),
    "province_code": ("str", None),
    "regency_code": ("str", None),
    "district_code": ("str", None),
    "village_code": ("str", None),
}


@dataclass(frozen=True)
class Reason:
    code: str
    column: str
    text_id: str
    text_en: str


REASONS: dict[str, Reason] = {
    r.code: r
    for r in (
        Reason("nik_format", "nik", "NIK harus 16 angka (boleh dikosongkan).", "NIK must be 16 digits (or blank)."),
        Reason("name_missing", "name", "Nama anak wajib diisi.", "The child's name is required."),
        Reason("birth_date_missing", "birth_date", "Tanggal lahir wajib diisi.", "The date of birth is required."),
        Reason(
            "birth_date_format",
            "birth_date",
            "Tanggal lahir harus tanggal yang sah berformat TTTT-BB-HH, misalnya 2012-05-31.",
            "The date of birth must be a real date written YYYY-MM-DD, e.g. 2012-05-31.",
        ),
        Reason(
            "birth_date_future",
            "birth_date",
            "Tanggal lahir sesudah tanggal acuan penyaringan.",
            "The date of birth is after the screening reference date.",
        ),
        Reason(
            "age_over_17",
            "birth_date",
            "Usia 18 tahun atau lebih pada tanggal acuan: bukan anak, tidak disaring.",
            "Aged 18 or over on the reference date: not a child, not screened.",
        ),
        Reason("sex_missing", "sex", "Jenis kelamin wajib diisi.", "Sex is required."),
        Reason(
            "sex_unknown",
            "sex",
            "Jenis kelamin harus M/L (laki-laki) atau F/P (perempuan).",
            "Sex must be M/L (male) or F/P (female).",
        ),
        Reason("village_missing", "village_code", "Kode desa wajib diisi.", "The village code is required."),
        Reason(
            "village_format",
            "village_code",
            "Kode desa harus kode Kemendagri 10 angka, dengan titik (35.78.01.1001) atau tanpa titik (3578011001).",
            "The village code must be a 10-digit Kemendagri code, dotted (35.78.01.1001) or not (3578011001).",
        ),
        Reason(
            "household_missing",
            "household_id",
            "ID rumah tangga wajib diisi.",
            "The household id is required.",
        ),
        Reason(
            "school_status_unknown",
            "school_status",
            "Status sekolah tidak dikenal (enrolled, not_enrolled, dropped_out, never_enrolled, unknown).",
            "Unknown school status (enrolled, not_enrolled, dropped_out, never_enrolled, unknown).",
        ),
        Reason(
            "welfare_decile_invalid",
            "welfare_decile",
            "Desil kesejahteraan harus bilangan bulat 1 sampai 10.",
            "The welfare decile must be a whole number from 1 to 10.",
        ),
        *(
            Reason(
                f"{column}_invalid",
                column,
                "Nilai ya/tidak tidak dikenal (true/false, 1/0, ya/tidak, y/n).",
                "Unknown yes/no value (true/false, 1/0, ya/tidak, y/n).",
            )
            for column in BOOLEAN_COLUMNS
        ),
        Reason(
            "weekly_hours_invalid",
            "weekly_hours",
            "Jam kerja per minggu harus angka 0 sampai 112.",
            "Weekly hours must be a number from 0 to 112.",
        ),
        Reason(
            "weekly_hours_not_working",
            "weekly_hours",
            "Jam kerja per minggu lebih dari 0 padahal anak tercatat tidak bekerja (child_works = tidak).",
            "Weekly hours above 0 while the child is recorded as not working (child_works = false).",
        ),
        Reason(
            "sector_unknown",
            "sector",
            "Sektor kerja tidak dikenal.",
            "Unknown work sector.",
        ),
        Reason(
            "line_unreadable",
            "line",
            "Baris CSV tidak dapat dibaca (tanda kutip tidak ditutup atau pemisah salah).",
            "The CSV line cannot be read (an unclosed quote or a wrong separator).",
        ),
    )
}
UNREADABLE = "line"  # set by the CSV reader to the text of a line it could not parse
VALUE_CHARS = 60  # an error's `value` is cut to this many characters


def header_map(names: list[str]) -> dict[str, str]:
    """The file's column names → schema names (case and surrounding spaces ignored, a UTF-8 BOM dropped);
    unknown columns are left out."""
    wanted = {*COLUMNS, OUTCOME}
    found: dict[str, str] = {}
    for name in names:
        key = name.replace("\ufeff", "").strip().lower()
        if key in wanted and key not in found.values():
            found[name] = key
    return found


def missing_required(names: list[str]) -> list[str]:
    present = set(header_map(names).values())
    return [c for c in REQUIRED if c not in present]


# --- Polars ------------------------------------------------------------------------------------------------


def _blank_to_null(expr: pl.Expr) -> pl.Expr:
    s = expr.cast(pl.String).str.strip_chars(STRIP_CHARS)
    return pl.when(s.str.len_bytes() > 0).then(s)


def _is_leap(y: pl.Expr) -> pl.Expr:
    return ((y % 4 == 0) & (y % 100 != 0)) | (y % 400 == 0)


def _days_in_month(y: pl.Expr, m: pl.Expr) -> pl.Expr:
    return (
        pl.when(m == 2)
        .then(pl.when(_is_leap(y)).then(29).otherwise(28))
        .when(m.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def _bool(raw: pl.Expr) -> pl.Expr:
    low = raw.str.to_lowercase()
    return pl.when(low.is_in(TRUE_WORDS)).then(True).when(low.is_in(FALSE_WORDS)).then(False)


def prepare(lf: pl.LazyFrame, as_of: date) -> pl.LazyFrame:
    """From a frame of the file's columns (already renamed to schema names; missing optional columns
    added as nulls) and `row_number`: the stripped raw values (`raw_<column>`), the parsed values under the
    schema names plus `age` and the area codes, `errmask` (bit i set when the i-th reason of `REASONS`
    applies) and `rejected`."""
    raw = {c: _blank_to_null(pl.col(c)) for c in COLUMNS}
    lf = lf.select(
        "row_number",
        *(raw[c].alias(f"raw_{c}") for c in COLUMNS),
        *([pl.col(OUTCOME)] if OUTCOME in lf.collect_schema() else []),
        (pl.col(UNREADABLE) if UNREADABLE in lf.collect_schema() else pl.lit(None, dtype=pl.String)).alias(
            f"raw_{UNREADABLE}"
        ),
    )
    r = {c: pl.col(f"raw_{c}") for c in COLUMNS}

    date_ok = r["birth_date"].str.contains(DATE_PATTERN).fill_null(False)
    lf = lf.with_columns(
        _y=pl.when(date_ok).then(r["birth_date"].str.slice(0, 4).cast(pl.Int32, strict=False)),
        _m=pl.when(date_ok).then(r["birth_date"].str.slice(5, 2).cast(pl.Int32, strict=False)),
        _d=pl.when(date_ok).then(r["birth_date"].str.slice(8, 2).cast(pl.Int32, strict=False)),
    )
    y, m, d = pl.col("_y"), pl.col("_m"), pl.col("_d")
    real_date = (m >= 1) & (m <= 12) & (d >= 1) & (d <= _days_in_month(y, m)) & (y >= 1)
    ymd = y * 10000 + m * 100 + d
    as_of_ymd = as_of.year * 10000 + as_of.month * 100 + as_of.day
    age = pl.lit(as_of.year) - y - pl.when((m * 100 + d) > (as_of.month * 100 + as_of.day)).then(1).otherwise(0)

    village = r["village_code"]
    dotted = village.str.contains(VILLAGE_DOTTED).fill_null(False)
    digits = village.str.contains(VILLAGE_DIGITS).fill_null(False)
    village_norm = (
        pl.when(dotted)
        .then(village)
        .when(digits)
        .then(
            pl.concat_str(
                [village.str.slice(0, 2), village.str.slice(2, 2), village.str.slice(4, 2), village.str.slice(6, 4)],
                separator=".",
            )
        )
    )
    school = r["school_status"].str.to_lowercase()
    sector = r["sector"].str.to_lowercase()
    decile_ok = r["welfare_decile"].str.contains(DECILE_PATTERN).fill_null(False)
    decile = pl.when(decile_ok).then(r["welfare_decile"].cast(pl.Int32, strict=False))
    hours_ok = r["weekly_hours"].str.contains(HOURS_PATTERN).fill_null(False)
    hours = pl.when(hours_ok).then(r["weekly_hours"].str.replace(",", ".", literal=True).cast(pl.Float64))
    sex_up = r["sex"].str.to_uppercase()

    lf = lf.with_columns(
        source_id=r["source_id"],
        nik=r["nik"],
        name=r["name"],
        birth_ok=real_date.fill_null(False),
        _ymd=ymd,
        age=age.cast(pl.Int32),
        sex=sex_up.replace_strict(SEX_WORDS, default=None, return_dtype=pl.String),
        village_code=village_norm,
        household_id=r["household_id"],
        school_status=pl.when(school.is_null()).then(pl.lit("unknown")).otherwise(school),
        welfare_decile=decile,
        **{c: _bool(r[c]) for c in BOOLEAN_COLUMNS},
        weekly_hours=hours,
        sector=sector,
    )
    ok = pl.col("birth_ok")
    lf = lf.with_columns(
        e_nik_format=r["nik"].is_not_null() & ~r["nik"].str.contains(NIK_PATTERN),
        e_name_missing=r["name"].is_null(),
        e_birth_date_missing=r["birth_date"].is_null(),
        e_birth_date_format=r["birth_date"].is_not_null() & ~ok,
        e_birth_date_future=ok & (pl.col("_ymd") > as_of_ymd),
        e_age_over_17=ok & (pl.col("_ymd") <= as_of_ymd) & (pl.col("age") > MAX_AGE),
        e_sex_missing=r["sex"].is_null(),
        e_sex_unknown=r["sex"].is_not_null() & pl.col("sex").is_null(),
        e_village_missing=village.is_null(),
        e_village_format=village.is_not_null() & pl.col("village_code").is_null(),
        e_household_missing=r["household_id"].is_null(),
        e_school_status_unknown=~pl.col("school_status").is_in(SCHOOL_STATUSES),
        e_welfare_decile_invalid=r["welfare_decile"].is_not_null()
        & ~((pl.col("welfare_decile") >= 1) & (pl.col("welfare_decile") <= 10)).fill_null(False),
        **{f"e_{c}_invalid": r[c].is_not_null() & pl.col(c).is_null() for c in BOOLEAN_COLUMNS},
        e_weekly_hours_invalid=r["weekly_hours"].is_not_null()
        & ~(pl.col("weekly_hours") <= MAX_WEEKLY_HOURS).fill_null(False),
        e_weekly_hours_not_working=(
            (pl.col("weekly_hours") > 0) & (pl.col("weekly_hours") <= MAX_WEEKLY_HOURS) & (pl.col("child_works").not_())
        ).fill_null(False),
        e_sector_unknown=sector.is_not_null() & ~sector.is_in(SECTORS),
    )
    unreadable = pl.col(f"raw_{UNREADABLE}").is_not_null()
    lf = lf.with_columns(e_line_unreadable=unreadable)
    flags = [f"e_{code}" for code in REASONS]
    # an unreadable line is reported once, as unreadable, not also for each of its (missing) values
    errmask = (
        pl.when(unreadable)
        .then(1 << (len(flags) - 1))
        .otherwise(
            pl.sum_horizontal([pl.col(f).fill_null(False).cast(pl.UInt32) * (1 << i) for i, f in enumerate(flags)])
        )
    )
    lf = lf.with_columns(
        errmask=errmask.cast(pl.UInt32),
        birth_date=pl.when(ok).then(pl.date(y, m, d)),
        district_code=pl.col("village_code").str.slice(0, 8),
        regency_code=pl.col("village_code").str.slice(0, 5),
        province_code=pl.col("village_code").str.slice(0, 2),
    )
    return lf.with_columns(rejected=pl.col("errmask") != 0).drop("_y", "_m", "_d", "_ymd", "birth_ok", *flags)


def errors_of(bad: pl.DataFrame) -> pl.DataFrame:
    """One row per problem of the rejected rows in `bad` (columns `row_number`, `errmask` and the
    `raw_<column>` values), ordered by row number."""
    parts = []
    for i, (code, reason) in enumerate(REASONS.items()):
        hit = bad.filter((pl.col("errmask") & (1 << i)) != 0)
        if hit.height:
            parts.append(
                hit.select(
                    pl.col("row_number").cast(pl.Int64),
                    pl.lit(reason.column).alias("column"),
                    pl.col(f"raw_{reason.column}").str.slice(0, VALUE_CHARS).fill_null("").alias("value"),
                    pl.lit(code).alias("reason_code"),
                    pl.lit(reason.text_id).alias("reason"),
                )
            )
    return pl.concat(parts).sort("row_number", maintain_order=True) if parts else empty_errors()


def empty_errors() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "row_number": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "reason_code": pl.String,
            "reason": pl.String,
        }
    )
