"""The NIK (Nomor Induk Kependudukan) and the family-card (KK) number: parsing and checks.

Both are 16 digits: ``PP RR DD`` the province, regency/city and district where the number was issued
(Kemendagri codes, written ``PP.RR.DD`` in ``sigap.regions``), then six date digits, then a four-digit
sequence. In a NIK the date is the holder's birth date ``DDMMYY`` with 40 added to the day for a woman
(``410512`` = 1 May 2012, female); in a KK it is the issue date ``DDMMYY``. The year has two digits: of
19YY and 20YY the latest that is not after today is taken, and a stated birth date is checked against
both. The region part records where the number was first issued, so a child who has moved keeps it;
and districts split over time, so an old code may be missing from today's table.

:func:`check_nik` and :func:`check_kk` return a list of :class:`NikProblem` (empty when nothing is
wrong), each with a code for programs and a message in Bahasa Indonesia and English for people. All
functions are total: any value (None, an int, a float from a spreadsheet, text with spaces or dots) is
accepted, and what is not 16 digits is reported, never raised. :func:`nik_columns` gives the same
parsing as Polars expressions for batch work.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

# Kemendagri province codes, as in node_modules/idn-area-data (with the four Papua provinces of 2022).
# fmt: off
PROVINCE_CODES = frozenset({
    "11", "12", "13", "14", "15", "16", "17", "18", "19", "21", "31", "32", "33", "34", "35", "36", "51", "52", "53",
    "61", "62", "63", "64", "65", "71", "72", "73", "74", "75", "76", "81", "82", "91", "92", "93", "94", "95", "96",
})
# fmt: on
FEMALE_DAY_OFFSET = 40

_SEPARATORS = re.compile(r"[\s.\-'’_/]+")
_SIXTEEN = re.compile(r"[0-9]{16}")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_DMY_DATE = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")
_YEAR = re.compile(r"[0-9]{4}")
_SEXES = {
    "m": "M",
    "l": "M",
    "lk": "M",
    "male": "M",
    "laki": "M",
    "laki-laki": "M",
    "laki laki": "M",
    "pria": "M",
    "f": "F",
    "p": "F",
    "pr": "F",
    "female": "F",
    "perempuan": "F",
    "wanita": "F",
}


@dataclass(frozen=True)
class NikProblem:
    code: str
    message_id: str
    message_en: str

    @property
    def message(self) -> str:
        """The message in the active language (Bahasa Indonesia unless the page is in English)."""
        from sigap.text import bilingual

        return bilingual(self.message_id, self.message_en)


@dataclass(frozen=True)
class NikInfo:
    nik: str
    province_code: str  # "35"
    regency_code: str  # "35.78"
    district_code: str  # "35.78.01"
    birth_date: date | None  # None when the date digits are no date
    sex: str  # "M", "F", or "" when the day digits are no day
    sequence: str  # "0001"

    @property
    def birth_dates(self) -> tuple[date, ...]:
        """Every birth date the digits allow (19YY and 20YY when both are real dates)."""
        return _candidates(_day_of(self.nik[6:8]), int(self.nik[8:10]), int(self.nik[10:12]))


@dataclass(frozen=True)
class KkInfo:
    kk: str
    province_code: str
    regency_code: str
    district_code: str
    issue_date: date | None
    sequence: str


def digits16(value: object) -> str:
    """The 16 digits of a NIK or KK number written with spaces, dots or dashes, or "" if it has no 16.

    A spreadsheet may hand over a NIK as an int or a float; both are accepted when they are whole.
    """
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return ""
        text = str(int(value))
    elif isinstance(value, str):
        text = value
    else:
        return ""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = _SEPARATORS.sub("", text)
    return text if _SIXTEEN.fullmatch(text) else ""


def _day_of(dd: str) -> int:
    day = int(dd)
    return day - FEMALE_DAY_OFFSET if day > FEMALE_DAY_OFFSET else day


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _candidates(day: int, month: int, yy: int) -> tuple[date, ...]:
    found = (_real_date(2000 + yy, month, day), _real_date(1900 + yy, month, day))
    return tuple(d for d in found if d is not None)


def _pick(candidates: tuple[date, ...], today: date) -> date | None:
    """Of 20YY and 19YY, the first that is not after today."""
    for candidate in candidates:
        if candidate <= today:
            return candidate
    return None


def parse_nik(value: object, *, today: date | None = None) -> NikInfo | None:
    """The parts of a NIK, or None when it is not 16 digits (after removing spaces, dots and dashes)."""
    nik = digits16(value)
    if not nik:
        return None
    day = int(nik[6:8])
    sex = "F" if FEMALE_DAY_OFFSET < day <= FEMALE_DAY_OFFSET + 31 else "M" if 1 <= day <= 31 else ""
    birth = _pick(_candidates(_day_of(nik[6:8]), int(nik[8:10]), int(nik[10:12])), today or date.today())
    return NikInfo(nik, nik[:2], f"{nik[:2]}.{nik[2:4]}", f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}", birth, sex, nik[12:])


def parse_kk(value: object, *, today: date | None = None) -> KkInfo | None:
    """The parts of a family-card number, or None when it is not 16 digits."""
    kk = digits16(value)
    if not kk:
        return None
    issued = _pick(_candidates(int(kk[6:8]), int(kk[8:10]), int(kk[10:12])), today or date.today())
    return KkInfo(kk, kk[:2], f"{kk[:2]}.{kk[2:4]}", f"{kk[:2]}.{kk[2:4]}.{kk[4:6]}", issued, kk[12:])


def _region_problems(
    label_id: str, label_en: str, codes: tuple[str, str, str], region_exists: Callable[[str], bool] | None
) -> list[NikProblem]:
    province, regency, district = codes
    if province not in PROVINCE_CODES:
        return [
            NikProblem(
                "bad_province",
                f"Dua angka pertama {label_id} ({province}) bukan kode provinsi.",
                f"The first two digits of the {label_en} ({province}) are not a province code.",
            )
        ]
    for code in (regency, district):
        unknown = code.endswith(".00") or (region_exists is not None and not region_exists(code))
        if unknown:
            return [
                NikProblem(
                    "unknown_region",
                    f"Kode wilayah {code} pada {label_id} tidak ada dalam daftar wilayah.",
                    f"The region code {code} in the {label_en} is not in the list of regions.",
                )
            ]
    return []


def _sequence_problem(sequence: str, label_id: str, label_en: str) -> list[NikProblem]:
    if sequence != "0000":
        return []
    return [
        NikProblem(
            "zero_sequence",
            f"Nomor urut {label_id} (empat angka terakhir) tidak boleh 0000.",
            f"The sequence number of the {label_en} (last four digits) cannot be 0000.",
        )
    ]


def _not_16(label_id: str, label_en: str) -> list[NikProblem]:
    return [NikProblem("not_16_digits", f"{label_id} harus 16 angka.", f"The {label_en} must have 16 digits.")]


def stated_sex(value: object) -> str:
    """ "M", "F" or "" from the ways sex is written (M/F, L/P, laki-laki/perempuan …)."""
    return _SEXES.get(value.strip().lower(), "") if isinstance(value, str) else ""


def stated_birth_date(value: object) -> date | int | None:
    """A stated birth date as a date, a year alone (int) when only the year is known, or None.

    Accepts date/datetime, "YYYY-MM-DD", "DD-MM-YYYY"/"DD/MM/YYYY" and "YYYY".
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    iso = _ISO_DATE.fullmatch(text)
    if iso:
        return _real_date(int(iso[1]), int(iso[2]), int(iso[3]))
    dmy = _DMY_DATE.fullmatch(text)
    if dmy:
        return _real_date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    if _YEAR.fullmatch(text):
        return int(text)
    return None


def _format(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def check_nik(
    value: object,
    *,
    sex: object = None,
    birth_date: object = None,
    region_exists: Callable[[str], bool] | None = None,
    today: date | None = None,
) -> list[NikProblem]:
    """What is wrong with a NIK, alone and against the sex and birth date recorded for the person.

    ``region_exists(code)`` (e.g. :func:`regions_table`) is asked about the regency then the district
    code; without it only the province is checked. A blank or short NIK gives ``not_16_digits``: the
    caller decides whether a missing NIK is allowed. The century of the year is not checked: a stated
    birth date matches when it equals the NIK date in 19YY or in 20YY. A stated year alone is checked
    against the year only.
    """
    today = today or date.today()
    info = parse_nik(value, today=today)
    if info is None:
        return _not_16("NIK", "NIK")
    nik = info.nik
    problems = _region_problems(
        "NIK", "NIK", (info.province_code, info.regency_code, info.district_code), region_exists
    )
    candidates = info.birth_dates
    if not info.sex or not candidates:
        problems.append(
            NikProblem(
                "bad_date",
                f"Angka tanggal lahir pada NIK ({nik[6:12]}) bukan tanggal yang sah (perempuan: tanggal ditambah 40).",
                f"The birth-date digits of the NIK ({nik[6:12]}) are not a real date (women: day plus 40).",
            )
        )
    problems += _sequence_problem(info.sequence, "NIK", "NIK")
    recorded_sex = stated_sex(sex)
    if info.sex and recorded_sex and recorded_sex != info.sex:
        nik_id, nik_en = ("perempuan", "a woman") if info.sex == "F" else ("laki-laki", "a man")
        problems.append(
            NikProblem(
                "sex_mismatch",
                f"Menurut NIK pemiliknya {nik_id}, berbeda dengan jenis kelamin yang tercatat.",
                f"The NIK says its holder is {nik_en}, unlike the sex recorded.",
            )
        )
    recorded = stated_birth_date(birth_date)
    if info.sex and candidates and recorded is not None:
        if isinstance(recorded, int):
            matches = any(d.year == recorded for d in candidates)
            shown = str(recorded)
        else:
            matches = recorded in candidates
            shown = _format(recorded)
        if not matches:
            nik_date = _format(info.birth_date or candidates[0])
            problems.append(
                NikProblem(
                    "birth_date_mismatch",
                    f"Tanggal lahir menurut NIK ({nik_date}) berbeda dengan tanggal lahir tercatat ({shown}).",
                    f"The birth date in the NIK ({nik_date}) differs from the recorded birth date ({shown}).",
                )
            )
    return problems


def check_kk(
    value: object, *, region_exists: Callable[[str], bool] | None = None, today: date | None = None
) -> list[NikProblem]:
    """What is wrong with a family-card (KK) number: length, region part, issue date, sequence."""
    today = today or date.today()
    info = parse_kk(value, today=today)
    if info is None:
        return _not_16("Nomor KK", "family card number")
    kk = info.kk
    problems = _region_problems(
        "nomor KK", "family card number", (info.province_code, info.regency_code, info.district_code), region_exists
    )
    if info.issue_date is None:
        problems.append(
            NikProblem(
                "bad_date",
                f"Angka tanggal terbit pada nomor KK ({kk[6:12]}) bukan tanggal yang sah.",
                f"The issue-date digits of the family card number ({kk[6:12]}) are not a real date.",
            )
        )
    return problems + _sequence_problem(info.sequence, "KK", "family card number")


def regions_table() -> Callable[[str], bool]:
    """A ``region_exists`` for the checks, backed by the regions table (provinces, regencies and
    districts read once, when the returned function is first called)."""
    codes: set[str] = set()

    def region_exists(code: str) -> bool:
        if not codes:
            from sigap.regions.models import Level, Region

            codes.update(Region.objects.filter(level__lte=Level.DISTRICT).values_list("code", flat=True))
        return code in codes

    return region_exists


def nik_columns(column: str = "nik", *, prefix: str = "nik_", today: date | None = None) -> list[pl.Expr]:
    """Polars expressions parsing a NIK column like :func:`parse_nik`, for batch work:
    ``{prefix}clean`` (16 digits or null), ``province_code``, ``regency_code``, ``district_code``,
    ``birth_date`` (date, century as in parse_nik), ``sex`` ("M"/"F") and ``sequence``, all null when
    the NIK is not 16 digits (or, for sex and birth date, when its date digits are no date)."""
    import polars as pl

    today = today or date.today()
    raw = pl.col(column).cast(pl.String).str.replace_all(r"[\s.\-'_/]+", "")
    clean = pl.when(raw.str.contains(r"^[0-9]{16}$")).then(raw)
    day_digits = clean.str.slice(6, 2).cast(pl.Int32)
    female = (day_digits > FEMALE_DAY_OFFSET) & (day_digits <= FEMALE_DAY_OFFSET + 31)
    male = (day_digits >= 1) & (day_digits <= 31)
    day = pl.when(female).then(day_digits - FEMALE_DAY_OFFSET).otherwise(day_digits)
    tail = pl.format("-{}-{}", clean.str.slice(8, 2), day.cast(pl.String).str.zfill(2))
    in_2000s = pl.concat_str(pl.lit("20"), clean.str.slice(10, 2), tail).str.to_date("%Y-%m-%d", strict=False)
    in_1900s = pl.concat_str(pl.lit("19"), clean.str.slice(10, 2), tail).str.to_date("%Y-%m-%d", strict=False)
    birth = pl.when(in_2000s <= pl.lit(today)).then(in_2000s).otherwise(in_1900s)
    return [
        clean.alias(f"{prefix}clean"),
        clean.str.slice(0, 2).alias(f"{prefix}province_code"),
        pl.format("{}.{}", clean.str.slice(0, 2), clean.str.slice(2, 2)).alias(f"{prefix}regency_code"),
        pl.format("{}.{}.{}", clean.str.slice(0, 2), clean.str.slice(2, 2), clean.str.slice(4, 2)).alias(
            f"{prefix}district_code"
        ),
        pl.when(male | female).then(birth).alias(f"{prefix}birth_date"),
        pl.when(female).then(pl.lit("F")).when(male).then(pl.lit("M")).alias(f"{prefix}sex"),
        clean.str.slice(12, 4).alias(f"{prefix}sequence"),
    ]
