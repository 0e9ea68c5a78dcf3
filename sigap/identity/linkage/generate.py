"""A seeded generator of synthetic Indonesian child records with known identities, as hard as real data.

Everything is invented: names come from hand-made lists, Faker's ``id_ID`` lists and a long tail of
synthesised names; NIKs and family-card (KK) numbers are well-formed but fictitious. The truth travels in the
``true_*`` columns; a linkage method must never read them.

What makes it hard, as in the field:

- **Children.** Ages 0–17 as of ``AS_OF`` (so only about 6,500 distinct birth dates). Given names are drawn
  from Zipf–Mandelbrot weights over a few hundred common names followed by a long tail of rare ones; about
  15 % of children carry a single name. Boys often carry a "Muhammad" (or "Abdul …") prefix, girls "Siti" or
  "Nur". Most children have an NIK whose region part is their birth district and whose sequence separates
  children born the same day in the same district (so twins' NIKs differ by a digit or two).
- **Households** of 1–4 children share a village, a family-card number and usually a family name: a clan
  name (Batak, Minahasa, Maluku …) carried by every child, or a second name shared by the siblings, or the
  father's given name, or nothing. Siblings are born 15 months to 5 years apart. ``TWIN_SHARE`` of the
  multi-child households hold twins (same birth date, same or different sex, sometimes rhyming names such as
  Rizki/Rizka). Some households move: part of their records show the old village, part the new one.
- **Records.** Each child has 1–10 records (``RECORDS_PER_CHILD_P``). Each record comes from a source of its
  own completeness and habits (``SOURCES``): hotlines rarely have an NIK or an exact birth date and use
  nicknames and first names; schools and the registry usually have both, often in capitals and old spellings.
- **Corruption.** Typos (substitution, deletion, insertion, transposition), old spellings (oe/u, dj/j, tj/c,
  nj/ny, sj/sy, ch/kh, j/y), the many written forms of Muhammad and Abdul, nicknames, dropped and swapped
  name parts, "bin"/"binti" with the father's name, "An." (anak) before a name, day ±1, day/month swaps,
  year-only and guessed years, 1 January placeholders, missing values, NIK digit errors and transpositions,
  the family-card number written in the NIK field, NIKs written with spaces.

The generator works in chunks of ``CHUNK_RECORDS`` records with numpy and Polars (no Python loop per row):
on the 2-core development machine 1,000,000 records take about 8 s and 530 MiB peak in memory with
``generate``, or 10 s and 370 MiB streamed to Parquet with ``write`` (30 MB file; reading it back peaks at
about 280 MiB). A benchmark that reports peak memory should therefore ``write`` the set first (or in another
process) and read the Parquet file. A child's records all fall in one chunk; households, children and twin
groups are numbered across chunks. The same ``(n_records, seed)`` always gives the same frame.

This module shares no code with ``sigap.identity.normalise``: it is the test of that module, so its
spelling and name tables are its own.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

AS_OF = date(2026, 1, 1)
CHUNK_RECORDS = 100_000
MAX_AGE_DAYS = int(17.95 * 365.25)
VILLAGES_CSV = Path(__file__).resolve().parents[3] / "node_modules" / "idn-area-data" / "data" / "villages.csv"
CHILDREN_PER_VILLAGE = 150

HOUSEHOLD_SIZE_P = np.array([0.42, 0.33, 0.17, 0.08])  # 1, 2, 3, 4 children
RECORDS_PER_CHILD_P = np.array([0.34, 0.22, 0.14, 0.09, 0.065, 0.05, 0.04, 0.025, 0.017, 0.013])  # 1 … 10
TWIN_SHARE = 0.04  # of households with two or more children
TWINS_SAME_SEX = 0.6
SINGLE_NAME_SHARE = 0.15
MOVE_SHARE = 0.08  # of households; a moved household's record shows the new village with probability 1/2
NIK_SHARE = 0.9  # of children aged 1 or more (0.6 of babies)
# Household naming styles (households without a clan name).
CLAN_SHARE = 0.3
SHARED_SECOND_SHARE = 0.25
FATHER_NAME_SHARE = 0.15

COLUMNS = (
    "record_id",
    "source",
    "name",
    "birth_date",
    "sex",
    "nik",
    "village_code",
    "district_code",
    "regency_code",
    "household_ref",
    "family_name",
    "true_child_id",
    "true_household_id",
    "true_twin_group",
)


@dataclass(frozen=True)
class Source:
    """How one kind of source records a child: the share of records with each field and its habits of
    corruption (probabilities per record)."""

    weight: float  # share of all records
    nik: float  # NIK written (when the child has one)
    exact_date: float  # full birth date written; else year only with `year_only`, else nothing
    year_only: float
    year_guess_off: float  # a year-only date is a guess one year off
    sex: float
    village: float
    district_only: float  # district written when the village is not
    family_name: float
    household_ref: float  # the source's household/family id (KK number or its own id)
    typo: float
    spelling: float  # old spellings
    nickname: float
    drop_part: float
    swap_parts: float
    patronym: float  # "bin"/"binti" and the father's name appended
    upper: float  # written in capitals
    day_off: float  # birth day one off
    anak_prefix: float = 0.0  # "An." before the name (clinics)


# fmt: off
SOURCES: dict[str, Source] = {
    #                 weight  nik  exact  year  guess  sex    vill  dist  fam   ref   typo  spell nick  drop  swap  bin   upper day±1 "An."
    "hotline":  Source(0.15, 0.03, 0.15,  0.45, 0.40, 0.92,  0.45, 0.75, 0.15, 0.0,  0.22, 0.05, 0.30, 0.35, 0.03, 0.02, 0.05, 0.05),
    "school":   Source(0.20, 0.85, 0.95,  0.03, 0.0,  0.99,  0.90, 0.90, 0.80, 0.30, 0.04, 0.04, 0.0,  0.03, 0.02, 0.01, 0.30, 0.01),
    "police":   Source(0.10, 0.45, 0.60,  0.30, 0.20, 0.98,  0.75, 0.80, 0.55, 0.60, 0.10, 0.10, 0.05, 0.10, 0.06, 0.10, 0.50, 0.03),
    "shelter":  Source(0.10, 0.30, 0.55,  0.30, 0.25, 0.97,  0.60, 0.70, 0.50, 0.70, 0.10, 0.06, 0.10, 0.10, 0.04, 0.08, 0.20, 0.10),
    "registry": Source(0.27, 0.92, 0.97,  0.02, 0.0,  0.995, 0.98, 0.95, 0.90, 0.95, 0.05, 0.12, 0.0,  0.02, 0.05, 0.03, 0.60, 0.01),
    "health":   Source(0.18, 0.70, 0.90,  0.05, 0.10, 0.99,  0.90, 0.90, 0.60, 0.60, 0.07, 0.05, 0.02, 0.05, 0.02, 0.01, 0.30, 0.02, 0.15),
}
# fmt: on
SOURCE_NAMES = tuple(SOURCES)
# Whose household id a source writes: the family-card (KK) number, its own file number, or none.
KK_SOURCES = ("school", "registry", "health")
OWN_REF_PREFIX = {"police": "LP", "shelter": "RPS"}

# What a record needs to know of its child.
CHILD_COLUMNS = (
    "_male", "_birth", "_age_days", "_pre", "_given", "_mid", "_last", "_father", "_family", "_nik", "_kk",
    "_village", "_new_village", "_moved", "true_child_id", "true_household_id", "true_twin_group",
)  # fmt: skip

# Date corruption of exact dates (one at most per record).
DAY_MONTH_SWAP = 0.03
YEAR_OFF = 0.01
JAN_FIRST_PLACEHOLDER = 0.015
SEX_FLIP = 0.005
NIK_DIGIT_ERROR = 0.02
NIK_TRANSPOSED = 0.01
KK_IN_NIK_FIELD = 0.004
NIK_WITH_SPACES = 0.03
KK_DIGIT_ERROR = 0.01
SECOND_TYPO = 0.3  # of records with a typo, the share with two

# ---------------------------------------------------------------------------------------------------------
# Name tables (the generator's own; lower case, turned to title case or capitals per record).

MALE_HEAD = (
    "rizki", "ahmad", "fajar", "dimas", "aditya", "bayu", "andi", "agus", "budi", "dani", "eko", "farhan",
    "galih", "hendra", "ilham", "joko", "arif", "yusuf", "rafi", "reza", "satria", "teguh", "wahyu", "yoga",
    "zaki", "hasan", "iqbal", "fikri", "cahyo", "syahrul", "khairul", "umar", "nyoman", "surya", "bagus",
    "rangga", "ilyas", "jaya", "rendi", "yudi", "hafiz", "alif", "dafa", "raka", "kevin", "yosua", "joni",
)  # fmt: skip
FEMALE_HEAD = (
    "putri", "dewi", "ayu", "aisyah", "nabila", "anisa", "fitri", "lestari", "rina", "sri", "wulan", "indah",
    "citra", "yuni", "khadijah", "nurul", "aulia", "salsabila", "zahra", "cahyani", "intan", "rahma", "yulia",
    "sari", "maya", "dinda", "jihan", "syifa", "kayla", "nadia", "tiara", "ratna", "juwita", "najwa",
    "mutiara", "nyimas", "yohana", "chika",
)  # fmt: skip
SECOND_PAIRS = (
    ("saputra", "saputri"), ("putra", "putri"), ("pratama", "pratiwi"), ("ramadhan", "ramadhani"),
    ("kurniawan", "kurniawati"), ("setiawan", "setiawati"), ("hidayat", "hidayati"), ("wijaya", "wijayanti"),
    ("permana", "permatasari"), ("nugraha", "nugraheni"), ("santoso", "santika"), ("firmansyah", "febriyanti"),
    ("maulana", "maulida"), ("wibowo", "wulandari"), ("susanto", "susanti"), ("syahputra", "syahputri"),
    ("rahman", "rahmawati"), ("kusuma", "kusumawati"), ("prasetyo", "prasetyowati"), ("julianto", "julianti"),
)  # fmt: skip
CLAN_HEAD = (
    "siregar", "nasution", "harahap", "lubis", "simanjuntak", "sitompul", "hutagalung", "sinaga", "pardede",
    "manurung", "situmorang", "sihombing", "pangaribuan", "tambunan", "panjaitan", "simatupang", "damanik",
    "ginting", "tarigan", "sembiring", "purba", "saragih", "wenas", "rumengan", "lumenta", "sumual",
    "tuasikal", "latuconsina", "pattiasina", "tanamal", "wattimena", "manuputty", "rumbiak", "wanggai",
    "tanjung", "chaniago", "koto", "sikumbang", "jambak", "piliang",
)  # fmt: skip
ABDUL_NAMES = (
    "rahman", "rahim", "aziz", "malik", "karim", "latif", "halim", "jalil", "majid", "wahab", "razak", "qodir",
    "hamid", "ghani", "basith", "fattah", "jabbar", "salam",
)  # fmt: skip
# Written forms of the prefixes, with their shares.
MUHAMMAD_FORMS = (
    ("muhammad", 0.42), ("muh.", 0.10), ("moh.", 0.08), ("m.", 0.14), ("mochammad", 0.05), ("mohamad", 0.05),
    ("muhamad", 0.05), ("mohammad", 0.04), ("moch.", 0.04), ("mhd.", 0.02), ("muhamat", 0.01),
)  # fmt: skip
ABDUL_FORMS = (("abdul", 0.7), ("abd.", 0.2), ("abdoel", 0.05), ("abd", 0.05))
# Nicknames of common names (others get a rule: the last syllable, doubled when it is open: Dewi → Wiwi).
NICKNAMES = {
    "rizki": "kiki", "ahmad": "mamat", "muhammad": "mamad", "anisa": "nisa", "putri": "put", "budi": "bud",
    "agus": "gus", "aisyah": "ais", "nabila": "bila", "salsabila": "salsa", "khadijah": "ijah", "fajar": "jay",
    "aditya": "adit", "dimas": "dim", "farhan": "han", "syahrul": "arul", "khairul": "irul", "mutiara": "tiara",
    "yusuf": "ucup", "cahyani": "yani", "lestari": "tari", "nurul": "nunung", "intan": "tata", "kayla": "kay",
}  # fmt: skip
# Old spellings (before the 1972 reform), applied to a lower-case name in this order; each rule is applied
# to a record with probability OLD_SPELLING_RULE_P so real mixtures such as "Djoko Susanto" appear.
OLD_SPELLINGS = (("j", "dj"), ("c", "tj"), ("kh", "ch"), ("ny", "nj"), ("sy", "sj"), ("y", "j"), ("u", "oe"))
OLD_SPELLING_RULE_P = 0.7
LETTERS = tuple("abcdefghijklmnoprstuwy")


@dataclass(frozen=True)
class _Pools:
    male: pl.Series
    female: pl.Series
    male_w: np.ndarray
    female_w: np.ndarray
    second_m: pl.Series
    second_f: pl.Series
    second_w: np.ndarray
    clan: pl.Series
    clan_w: np.ndarray
    pair_m: pl.Series
    pair_f: pl.Series
    abdul: pl.Series


def _zipf(n: int, s: float = 1.0, q: float = 2.0) -> np.ndarray:
    """Zipf–Mandelbrot probabilities of ranks 1…n."""
    w = 1.0 / (np.arange(1, n + 1) + q) ** s
    return np.asarray(w / w.sum())


def _synthesised(
    rng: np.random.Generator, count: int, suffixes: tuple[str, ...], prefixes: tuple[str, ...] = ("",)
) -> list[str]:
    """`count` invented name-like words: prefix + two open syllables + a suffix, or a closing consonant when
    the suffix is empty (Sarinah, Gumanto, Simarpaung)."""
    onsets = np.array(["b", "d", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "w", "y", "c", "ny", "sy"])
    first_onsets = np.concatenate([onsets, ["", "", ""]])
    vowels = np.array(["a", "a", "i", "u", "e", "o"])
    codas = np.array(["", "", "n", "r", "h", "l", "s", "ng"])
    m = count * 2

    def pick(values: np.ndarray | tuple[str, ...]) -> np.ndarray:
        values = np.asarray(values)
        return np.asarray(values[rng.integers(0, values.size, m)])

    prefix = pick(prefixes)
    first = pick(first_onsets)
    first = np.where(np.char.str_len(prefix) > 0, pick(onsets), first)
    suffix = pick(suffixes)
    ending = np.where(suffix == "", pick(codas), suffix)
    words = prefix
    for part in (first, pick(vowels), pick(onsets), pick(vowels), ending):
        words = np.char.add(words, part)
    return list(dict.fromkeys(words.tolist()))[:count]


def _ordered(*groups: list[str] | tuple[str, ...]) -> list[str]:
    return list(dict.fromkeys(word for group in groups for word in group if len(word) >= 2))


@lru_cache(maxsize=1)
def _pools() -> _Pools:
    """The name pools, head first (most common), then Faker's lists, then the synthesised long tail. Fixed:
    they do not depend on the seed."""
    from faker.providers.person.id_ID import Provider

    rng = np.random.default_rng(20_260_101)

    def faker(names: object) -> list[str]:
        words = sorted({str(name).lower() for name in names if " " not in str(name)})  # type: ignore[attr-defined]
        return [words[i] for i in rng.permutation(len(words))]

    male = _ordered(
        MALE_HEAD,
        faker(Provider.first_names_male),
        _synthesised(rng, 20_000, ("", "to", "di", "man", "wan", "no", "ran", "sa")),
    )
    female = _ordered(
        FEMALE_HEAD,
        faker(Provider.first_names_female),
        _synthesised(rng, 20_000, ("", "ti", "ni", "wati", "sih", "yanti", "nah")),
    )
    second_m = _ordered(
        [m for m, _ in SECOND_PAIRS],
        faker(Provider.last_names_male),
        _synthesised(rng, 6_000, ("to", "wan", "di", "man")),
    )
    second_f = _ordered(
        [f for _, f in SECOND_PAIRS],
        faker(Provider.last_names_female),
        _synthesised(rng, 6_000, ("ti", "wati", "ni", "sari")),
    )
    clans = _ordered(
        CLAN_HEAD,
        _synthesised(rng, 5_000, ("", "ng", "pan", "gar", "pang"), ("si", "pa", "ma", "hu", "la", "ta", "ri", "tu")),
    )
    second_n = min(len(second_m), len(second_f))
    return _Pools(
        male=pl.Series(male, dtype=pl.String),
        female=pl.Series(female, dtype=pl.String),
        male_w=_zipf(len(male)),
        female_w=_zipf(len(female)),
        second_m=pl.Series(second_m[:second_n], dtype=pl.String),
        second_f=pl.Series(second_f[:second_n], dtype=pl.String),
        second_w=_zipf(second_n),
        clan=pl.Series(clans, dtype=pl.String),
        clan_w=_zipf(len(clans), s=1.1),
        pair_m=pl.Series([m for m, _ in SECOND_PAIRS], dtype=pl.String),
        pair_f=pl.Series([f for _, f in SECOND_PAIRS], dtype=pl.String),
        abdul=pl.Series(ABDUL_NAMES, dtype=pl.String),
    )


def _villages(n_records: int) -> pl.Series:
    """A contiguous run of village codes, about one per CHILDREN_PER_VILLAGE children (so a small set
    covers a few districts and a large one a few regencies)."""
    mean_records = float(RECORDS_PER_CHILD_P @ np.arange(1, 11))
    wanted = max(5, int(n_records / mean_records / CHILDREN_PER_VILLAGE))
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
    # Start at East Java's first regency when the Kemendagri list is present (100,000 records cover two
    # regencies, 1,000,000 about eight); otherwise at the start.
    start = next((i for i, code in enumerate(codes) if code.startswith("35.")), 0)
    start = min(start, max(0, len(codes) - wanted))
    return pl.Series(codes[start : start + wanted], dtype=pl.String)


@dataclass
class _Next:
    """The next free ids, carried from chunk to chunk."""

    record: int = 1
    child: int = 1
    household: int = 1
    twin: int = 1
    chunk: int = 0


def generate(n_records: int, seed: int = 1) -> pl.DataFrame:
    """`n_records` synthetic child records (columns ``COLUMNS``); the same arguments give the same frame."""
    chunks = list(iter_chunks(n_records, seed))
    if not chunks:
        return _empty()
    return pl.concat(chunks, how="vertical")


def write(path: Path | str, n_records: int, seed: int = 1) -> Path:
    """Write `generate(n_records, seed)` to a Parquet file chunk by chunk (memory stays at one chunk)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer: pq.ParquetWriter | None = None
    try:
        for chunk in iter_chunks(n_records, seed):
            table = chunk.to_arrow()
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema, compression="zstd")
            writer.write_table(table)
        if writer is None:
            _empty().write_parquet(path)
    finally:
        if writer is not None:
            writer.close()
    return path


def iter_chunks(n_records: int, seed: int = 1, chunk_records: int = CHUNK_RECORDS) -> Iterator[pl.DataFrame]:
    """The records in chunks of at most `chunk_records` rows, record ids rising from 1."""
    if n_records < 0:
        raise ValueError("n_records must be ≥ 0")
    pools = _pools()
    villages = _villages(n_records)
    at = _Next()
    while at.record <= n_records:
        target = min(chunk_records, n_records - at.record + 1)
        rng = np.random.default_rng([seed, at.chunk])
        frame, at = _chunk(rng, target, pools, villages, at)
        yield frame


def _empty() -> pl.DataFrame:
    numbers = ("record_id", "true_child_id", "true_household_id", "true_twin_group")
    return pl.DataFrame(schema={name: pl.Int64 if name in numbers else pl.String for name in COLUMNS})


def _source_table() -> dict[str, np.ndarray]:
    return {f.name: np.array([getattr(SOURCES[s], f.name) for s in SOURCE_NAMES]) for f in fields(Source)}


def _chunk(
    rng: np.random.Generator, target: int, pools: _Pools, villages: pl.Series, at: _Next
) -> tuple[pl.DataFrame, _Next]:
    # --- households, children and records per child, cut to exactly `target` records
    h_n = target // 4 + 16
    while True:
        sizes = rng.choice(np.arange(1, 5), size=h_n, p=HOUSEHOLD_SIZE_P)
        per_child = rng.choice(np.arange(1, 11), size=int(sizes.sum()), p=RECORDS_PER_CHILD_P)
        if per_child.sum() >= target:
            break
        h_n *= 2
    ends = np.cumsum(per_child)
    last_child = int(np.searchsorted(ends, target))  # index of the child holding record `target`
    per_child = per_child[: last_child + 1].copy()
    per_child[-1] -= int(ends[last_child] - target)
    n_children = last_child + 1
    household = np.repeat(np.arange(sizes.size), sizes)[:n_children]
    h_count = int(household[-1]) + 1
    sizes = np.bincount(household, minlength=h_count)
    h_first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    position = np.arange(n_children) - h_first[household]

    # --- the household: place, moves, naming style, twins, KK
    h_village = rng.integers(0, villages.len(), size=h_count)
    moved = rng.random(h_count) < MOVE_SHARE
    near = rng.random(h_count) < 0.5
    h_new_village = np.where(
        near,
        np.clip(h_village + rng.integers(-8, 9, size=h_count), 0, villages.len() - 1),
        rng.integers(0, villages.len(), size=h_count),
    )
    style = rng.random(h_count)
    clan = style < CLAN_SHARE
    shared_second = (~clan) & (style < CLAN_SHARE + (1 - CLAN_SHARE) * SHARED_SECOND_SHARE)
    father_style = (
        (~clan) & (~shared_second) & (style < CLAN_SHARE + (1 - CLAN_SHARE) * (SHARED_SECOND_SHARE + FATHER_NAME_SHARE))
    )
    h_clan = rng.choice(pools.clan.len(), size=h_count, p=pools.clan_w)
    h_pair = rng.integers(0, pools.pair_m.len(), size=h_count)
    h_father = rng.choice(pools.male.len(), size=h_count, p=pools.male_w)
    h_father_second = rng.choice(pools.second_m.len(), size=h_count, p=pools.second_w)
    twins = (sizes >= 2) & (rng.random(h_count) < TWIN_SHARE)
    twin_ids = np.full(h_count, -1, dtype=np.int64)
    twin_ids[twins] = at.twin + np.arange(int(twins.sum()))
    kk_issue = np.datetime64("2008-01-01") + rng.integers(0, 6200, size=h_count).astype("timedelta64[D]")
    kk_seq = rng.integers(1, 10_000, size=h_count)

    # --- the child: birth, sex, name parts
    gap = np.where(position == 0, 0, rng.integers(450, 1800, size=n_children))
    twin_of_first = twins[household] & (position == 1)
    gap = np.where(twin_of_first, 0, gap)
    cum = np.cumsum(gap)
    within = cum - cum[h_first[household]]
    span = np.zeros(h_count, dtype=np.int64)
    np.maximum.at(span, household, within)
    youngest = 1 + (rng.random(h_count) * (MAX_AGE_DAYS - span)).astype(np.int64)
    age_days = youngest[household] + within
    birth = np.datetime64(AS_OF.isoformat()) - age_days.astype("timedelta64[D]")
    male = rng.random(n_children) < 0.51
    co_twin_male = np.roll(male, 1)
    male = np.where(twin_of_first, np.where(rng.random(n_children) < TWINS_SAME_SEX, co_twin_male, ~co_twin_male), male)
    in_twin = twins[household] & (position <= 1)
    twin_group = np.where(in_twin, twin_ids[household], -1)

    single = rng.random(n_children) < SINGLE_NAME_SHARE
    u_prefix = rng.random(n_children)
    muhammad = male & (u_prefix < 0.14) & ~single
    abdul = male & (u_prefix >= 0.14) & (u_prefix < 0.16) & ~single
    siti = ~male & (u_prefix < 0.08) & ~single
    nur = ~male & (u_prefix >= 0.08) & (u_prefix < 0.13) & ~single
    second_idx = rng.choice(pools.second_m.len(), size=n_children, p=pools.second_w)
    has_nik = rng.random(n_children) < np.where(age_days >= 365, NIK_SHARE, 0.6)

    kids = pl.DataFrame(
        {
            "_h": household,
            "_male": male,
            "_birth": birth.astype("datetime64[D]"),
            "_age_days": age_days,
            "_single": single,
            "_muhammad": muhammad,
            "_abdul": abdul,
            "_siti": siti,
            "_nur": nur,
            "_given_m": pools.male.gather(rng.choice(pools.male.len(), size=n_children, p=pools.male_w)),
            "_given_f": pools.female.gather(rng.choice(pools.female.len(), size=n_children, p=pools.female_w)),
            "_middle_m": pools.male.gather(rng.choice(pools.male.len(), size=n_children, p=pools.male_w)),
            "_middle_f": pools.female.gather(rng.choice(pools.female.len(), size=n_children, p=pools.female_w)),
            "_second_m": pools.second_m.gather(second_idx),
            "_second_f": pools.second_f.gather(second_idx),
            "_abdul_name": pools.abdul.gather(rng.integers(0, pools.abdul.len(), n_children)),
            "_u_mid": rng.random(n_children),
            "_u_extra": rng.random(n_children),
            "_twin_first": twin_of_first,
            "_u_rhyme": rng.random(n_children),
            "_vowel": rng.integers(0, 3, n_children),
            "_has_nik": has_nik,
            "_twin_group": twin_group,
        }
    )
    homes = pl.DataFrame(
        {
            "_h": np.arange(h_count),
            "_village": villages.gather(h_village),
            "_new_village": villages.gather(h_new_village),
            "_moved": moved,
            "_clan_house": clan,
            "_shared_second": shared_second,
            "_father_style": father_style,
            "_clan": pools.clan.gather(h_clan),
            "_pair_m": pools.pair_m.gather(h_pair),
            "_pair_f": pools.pair_f.gather(h_pair),
            "_father": pools.male.gather(h_father),
            "_father_second": pools.second_m.gather(h_father_second),
            "_kk_issue": kk_issue.astype("datetime64[D]"),
            "_kk_seq": kk_seq,
        }
    )
    kids = kids.join(homes, on="_h", how="left", maintain_order="left")
    kids = _name_parts(kids)
    kids = _identity_numbers(kids, at.chunk)
    kids = kids.with_columns(
        true_child_id=pl.int_range(pl.len(), dtype=pl.Int64) + at.child,
        true_household_id=pl.col("_h").cast(pl.Int64) + at.household,
        true_twin_group=pl.when(pl.col("_twin_group") >= 0).then(pl.col("_twin_group").cast(pl.Int64)),
    )

    # --- the records
    child_of_record = np.repeat(np.arange(n_children), per_child)
    records = kids.select(pl.col(CHILD_COLUMNS).gather(child_of_record))
    del kids
    records = _records(records, rng)

    order = rng.permutation(target)
    records = records.select(pl.all().gather(order)).with_columns(
        record_id=pl.int_range(pl.len(), dtype=pl.Int64) + at.record
    )
    following = _Next(
        record=at.record + target,
        child=at.child + n_children,
        household=at.household + h_count,
        twin=at.twin + int(twins.sum()),
        chunk=at.chunk + 1,
    )
    return records.select(COLUMNS), following


def _name_parts(kids: pl.DataFrame) -> pl.DataFrame:
    """The child's true name as parts: prefix, given, middle, last; and the household's family name."""
    male = pl.col("_male")
    own_given = pl.when(male).then(pl.col("_given_m")).otherwise(pl.col("_given_f"))
    other_given = pl.when(male).then(pl.col("_middle_m")).otherwise(pl.col("_middle_f"))
    base = pl.when(pl.col("_abdul")).then(pl.col("_abdul_name")).otherwise(own_given)
    # A twin born second sometimes gets the co-twin's name with its last vowel changed (Rizki, Rizka), and
    # never the very same name.
    co_twin = base.shift(1)
    rhymed = (
        pl.when(pl.col("_vowel") == 0)
        .then(co_twin.str.replace(r"[aiueo]([^aiueo]*)$", "a$1"))
        .when(pl.col("_vowel") == 1)
        .then(co_twin.str.replace(r"[aiueo]([^aiueo]*)$", "i$1"))
        .otherwise(co_twin.str.replace(r"[aiueo]([^aiueo]*)$", "u$1"))
    )
    twin = pl.col("_twin_first")
    given = (
        pl.when(twin & (pl.col("_u_rhyme") < 0.35) & (rhymed != co_twin))
        .then(rhymed)
        .when(twin & (base == co_twin))
        .then(other_given)
        .otherwise(base)
    )
    prefix = (
        pl.when(pl.col("_muhammad"))
        .then(pl.lit("muhammad"))
        .when(pl.col("_abdul"))
        .then(pl.lit("abdul"))
        .when(pl.col("_siti"))
        .then(pl.lit("siti"))
        .when(pl.col("_nur"))
        .then(pl.lit("nur"))
    )
    pair = pl.when(male).then(pl.col("_pair_m")).otherwise(pl.col("_pair_f"))
    single, clan = pl.col("_single"), pl.col("_clan_house")
    last = (
        pl.when(single)
        .then(None)
        .when(clan)
        .then(pl.col("_clan"))
        .when(pl.col("_shared_second"))
        .then(pair)
        .when(pl.col("_father_style"))
        .then(pl.col("_father"))
        .when(pl.col("_u_mid") < 0.75)
        .then(pl.when(male).then(pl.col("_second_m")).otherwise(pl.col("_second_f")))
        .otherwise(other_given)
    )
    extra = pl.col("_u_extra")
    middle = (
        pl.when(~single & clan & (extra < 0.3))
        .then(other_given)
        .when(~single & ~clan & (pl.col("_u_mid") < 0.75) & (extra < 0.15))
        .then(other_given)
    )
    family = (
        pl.when(pl.col("_clan_house"))
        .then(pl.col("_clan"))
        .otherwise(pl.concat_str([pl.col("_father"), pl.col("_father_second")], separator=" "))
    )
    kids = kids.with_columns(_pre=prefix, _given=given, _mid=middle, _last=last, _family=family)
    return kids.with_columns(
        _mid=pl.when((pl.col("_mid") != pl.col("_given")) & (pl.col("_mid") != pl.col("_last"))).then(pl.col("_mid")),
        _last=pl.when(pl.col("_last") != pl.col("_given")).then(pl.col("_last")),
    )


def _identity_numbers(kids: pl.DataFrame, chunk: int) -> pl.DataFrame:
    """The child's NIK and the household's KK number. The sequence separates children of one district born
    on the same day with the same sex (so same-sex twins differ only there)."""
    district6 = pl.col("_village").str.slice(0, 8).str.replace_all(".", "", literal=True)
    day = pl.col("_birth").dt.day() + pl.when(pl.col("_male")).then(0).otherwise(40)
    sequence = pl.int_range(pl.len()).over([district6, pl.col("_birth"), pl.col("_male")]) + 1 + 37 * chunk
    nik = pl.concat_str(
        [
            district6,
            day.cast(pl.String).str.zfill(2),
            pl.col("_birth").dt.strftime("%m%y"),
            sequence.cast(pl.String).str.zfill(4),
        ]
    )
    kk = pl.concat_str(
        [district6, pl.col("_kk_issue").dt.strftime("%d%m%y"), pl.col("_kk_seq").cast(pl.String).str.zfill(4)]
    )
    return kids.with_columns(_nik=pl.when(pl.col("_has_nik")).then(nik), _kk=kk)


def _records(records: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Each record as its source writes it."""
    n = records.height
    table = _source_table()
    source = rng.choice(len(SOURCE_NAMES), size=n, p=table["weight"] / table["weight"].sum())
    # Children under 6 have no school record: those records come from a clinic.
    young = records.get_column("_age_days").to_numpy() < 6 * 365
    source = np.where(young & (source == SOURCE_NAMES.index("school")), SOURCE_NAMES.index("health"), source)

    def p(name: str) -> np.ndarray:
        return table[name][source]

    def chance(name: str) -> pl.Series:
        return pl.Series(rng.random(n) < p(name))

    def uniform() -> pl.Series:
        return pl.Series(rng.random(n))

    records = records.with_columns(
        source=pl.Series(np.array(SOURCE_NAMES)[source]),
        _r_nick=chance("nickname"),
        _r_drop=chance("drop_part"),
        _r_drop_kind=pl.Series(rng.integers(0, 3, n)),
        _r_swap=chance("swap_parts"),
        _r_patronym=chance("patronym"),
        _r_spelling=chance("spelling"),
        _r_typo=chance("typo"),
        _r_upper=chance("upper"),
        _r_anak=chance("anak_prefix"),
        _r_lower=uniform(),
        _r_space=uniform(),
        _r_muh=pl.Series(rng.choice(len(MUHAMMAD_FORMS), size=n, p=[s for _, s in MUHAMMAD_FORMS])),
        _r_abd=pl.Series(rng.choice(len(ABDUL_FORMS), size=n, p=[s for _, s in ABDUL_FORMS])),
        _r_fam=chance("family_name"),
        _r_fam_first=uniform(),
    )
    records = _written_name(records, rng)
    records = _written_family(records, rng)
    records = _written_nik(records, rng, p("nik"))
    records = records.with_columns(
        birth_date=_written_birth(records, rng, p),
        sex=_written_sex(rng, n, p("sex")),
        **_written_place(rng, n, p("village"), p("district_only")),
        household_ref=_written_ref(records, rng, source, p("household_ref")),
    )
    return records


def _written_name(records: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The name as the record writes it, built step by step in the column ``name``."""
    n = records.height
    muhammad_forms = pl.Series([f for f, _ in MUHAMMAD_FORMS])
    abdul_forms = pl.Series([f for f, _ in ABDUL_FORMS])
    drop, kind, nick = pl.col("_r_drop"), pl.col("_r_drop_kind"), pl.col("_r_nick")
    # Dropped parts: given name only (kind 0) / no last part (1) / no prefix, else no middle (2).
    pre = (
        pl.when(drop & ((kind == 0) | (kind == 2)) | nick)
        .then(None)
        .when(pl.col("_pre") == "muhammad")
        .then(pl.lit(muhammad_forms).gather(pl.col("_r_muh")))
        .when(pl.col("_pre") == "abdul")
        .then(pl.lit(abdul_forms).gather(pl.col("_r_abd")))
        .otherwise(pl.col("_pre"))
    )
    mid = pl.when(drop & ((kind == 0) | ((kind == 2) & pl.col("_pre").is_null())) | nick).then(None).otherwise("_mid")
    last = pl.when(drop & ((kind == 0) | (kind == 1)) | nick).then(None).otherwise("_last")
    records = records.with_columns(
        _n_pre=pre,
        _n_mid=mid,
        _n_last=last,
        _n_rule=pl.col("_given").str.extract(r"([^aiueo]?[aiueo]+[^aiueo]*)$", 1),
    )
    rule = pl.col("_n_rule")
    by_rule = pl.when(rule.str.contains(r"^[^aiueo]?[aiueo]$")).then(rule + rule).otherwise(rule)
    nickname = pl.col("_given").replace_strict(NICKNAMES, default=by_rule.fill_null(pl.col("_given")))
    records = records.with_columns(_n_given=pl.when(nick).then(nickname).otherwise("_given"))
    parts = ["_n_pre", "_n_given", "_n_mid", "_n_last"]
    in_order = pl.concat_str(parts, separator=" ", ignore_nulls=True)
    last_first = pl.concat_str([parts[3], *parts[:3]], separator=" ", ignore_nulls=True)
    records = records.with_columns(
        name=pl.when(pl.col("_r_swap") & pl.col("_n_last").is_not_null()).then(last_first).otherwise(in_order)
    )
    bin_ = pl.when(pl.col("_male")).then(pl.lit(" bin ")).otherwise(pl.lit(" binti "))
    records = records.with_columns(
        name=pl.when(pl.col("_r_patronym")).then(pl.col("name") + bin_ + pl.col("_father")).otherwise("name")
    )
    records = _old_spelling(records, "name", pl.col("_r_spelling"), rng)
    records = _typo(records, "name", pl.col("_r_typo"), rng)
    records = _typo(records, "name", pl.col("_r_typo") & pl.Series(rng.random(n) < SECOND_TYPO), rng)
    name = pl.col("name")
    name = pl.when(pl.col("_r_anak")).then(pl.lit("an. ") + name).otherwise(name)
    records = records.with_columns(
        name=pl.when(pl.col("_r_space") < 0.02)
        .then(name.str.replace(" ", "  ", literal=True))
        .when(pl.col("_r_space") < 0.04)
        .then(name + pl.lit(" "))
        .otherwise(name)
    )
    return records.with_columns(name=_cased(pl.col("name")))


def _written_family(records: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """The family name (clan name or father's name), when the source writes one; sometimes only the
    father's first name."""
    n = records.height
    family = pl.col("_family")
    records = records.with_columns(
        family_name=pl.when(pl.col("_r_fam_first") < 0.2).then(family.str.extract(r"^(\S+)", 1)).otherwise(family)
    )
    records = _old_spelling(records, "family_name", pl.col("_r_spelling"), rng)
    records = _typo(records, "family_name", pl.Series(rng.random(n) < 0.03), rng)
    return records.with_columns(family_name=pl.when(pl.col("_r_fam")).then(_cased(pl.col("family_name"))))


def _cased(name: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("_r_upper"))
        .then(name.str.to_uppercase())
        .when(pl.col("_r_lower") < 0.05)
        .then(name)
        .otherwise(name.str.to_titlecase())
    )


def _old_spelling(
    frame: pl.DataFrame, column: str, chosen: pl.Expr | pl.Series, rng: np.random.Generator
) -> pl.DataFrame:
    """Old spellings in `column` of the chosen rows, each rule on a random part of them."""
    text = pl.col(column)
    for new, old in OLD_SPELLINGS:
        rule = chosen & pl.Series(rng.random(frame.height) < OLD_SPELLING_RULE_P)
        frame = frame.with_columns(pl.when(rule).then(text.str.replace_all(new, old, literal=True)).otherwise(text))
    return frame


def _typo(frame: pl.DataFrame, column: str, chosen: pl.Expr | pl.Series, rng: np.random.Generator) -> pl.DataFrame:
    """One keyboard slip at a random place of `column` in the chosen rows: substitution, deletion,
    insertion or transposition."""
    n = frame.height
    text = pl.col(column)
    kind = pl.Series(rng.integers(0, 4, n))
    pos = (pl.Series(rng.random(n)) * text.str.len_chars()).floor().cast(pl.Int64)
    frame = frame.with_columns(
        _t_pos=pos, _t_letter=pl.lit(pl.Series(LETTERS)).gather(pl.Series(rng.integers(0, len(LETTERS), n)))
    )
    pos, letter = pl.col("_t_pos"), pl.col("_t_letter")
    head = text.str.slice(0, pos)
    slipped = (
        pl.when(kind == 0)
        .then(head + letter + text.str.slice(pos + 1))
        .when(kind == 1)
        .then(head + text.str.slice(pos + 1))
        .when(kind == 2)
        .then(head + letter + text.str.slice(pos))
        .otherwise(head + text.str.slice(pos + 1, 1) + text.str.slice(pos, 1) + text.str.slice(pos + 2))
    )
    frame = frame.with_columns(pl.when(chosen & (text.str.len_chars() >= 2)).then(slipped).otherwise(text))
    return frame.drop("_t_pos", "_t_letter")


def _written_birth(records: pl.DataFrame, rng: np.random.Generator, p: Callable[[str], np.ndarray]) -> pl.Expr:
    """Exact (now and then a day off, day and month swapped, a year off, or 1 January for an unknown
    date), year only (sometimes a guess a year off), or missing."""
    n = records.height
    get = p
    u = rng.random(n)
    exact = u < get("exact_date")
    year_only = ~exact & (u < get("exact_date") + get("year_only"))
    birth = records.get_column("_birth").to_numpy().astype("datetime64[D]")
    damage = rng.random(n)
    day_off = damage < get("day_off")
    shifted = birth + np.where(day_off, rng.choice([-1, 1], size=n), 0).astype("timedelta64[D]")
    year = shifted.astype("datetime64[Y]").astype(np.int64) + 1970
    month = shifted.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (shifted - shifted.astype("datetime64[M]")).astype(np.int64) + 1
    t = get("day_off")
    swap = (damage >= t) & (damage < t + DAY_MONTH_SWAP) & (day <= 12) & (day != month)
    year_off = (damage >= t + DAY_MONTH_SWAP) & (damage < t + DAY_MONTH_SWAP + YEAR_OFF)
    jan_first = (damage >= t + DAY_MONTH_SWAP + YEAR_OFF) & (
        damage < t + DAY_MONTH_SWAP + YEAR_OFF + JAN_FIRST_PLACEHOLDER
    )
    # A year off, never into the future.
    step = np.where(year >= AS_OF.year - 1, -1, rng.choice([-1, 1], size=n))
    year = np.where(year_off, year + step, year)
    month, day = np.where(swap, day, month), np.where(swap, month, day)
    day = np.where(year_off & (month == 2) & (day == 29), 28, day)
    month = np.where(jan_first, 1, month)
    day = np.where(jan_first, 1, day)
    true_year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    guessed = true_year + np.where(rng.random(n) < get("year_guess_off"), rng.choice([-1, 1], size=n), 0)
    full = pl.format(
        "{}-{}-{}",
        pl.lit(pl.Series(year)),
        pl.lit(pl.Series(month)).cast(pl.String).str.zfill(2),
        pl.lit(pl.Series(day)).cast(pl.String).str.zfill(2),
    )
    return (
        pl.when(pl.lit(pl.Series(exact)))
        .then(full)
        .when(pl.lit(pl.Series(year_only)))
        .then(pl.lit(pl.Series(guessed)).cast(pl.String))
        .alias("birth_date")
    )


def _written_sex(rng: np.random.Generator, n: int, present: np.ndarray) -> pl.Expr:
    flip = pl.Series(rng.random(n) < SEX_FLIP)
    male = pl.col("_male") ^ flip
    return pl.when(pl.Series(rng.random(n) < present)).then(pl.when(male).then(pl.lit("M")).otherwise(pl.lit("F")))


def _digit_error(frame: pl.DataFrame, column: str, chosen: pl.Series, rng: np.random.Generator) -> pl.DataFrame:
    """One digit of the 16 replaced by a random digit (possibly the same) in the chosen rows."""
    n = frame.height
    text = pl.col(column)
    pos = pl.Series(rng.integers(0, 16, n))
    digit = pl.Series(rng.integers(0, 10, n)).cast(pl.String)
    wrong = text.str.slice(0, pos) + digit + text.str.slice(pos + 1)
    return frame.with_columns(pl.when(chosen).then(wrong).otherwise(text))


def _written_nik(records: pl.DataFrame, rng: np.random.Generator, present: np.ndarray) -> pl.DataFrame:
    """The NIK as written: a digit wrong, two digits swapped, the KK number in its place, written in
    groups of four; or missing."""
    n = records.height
    records = records.with_columns(nik=pl.col("_nik"))
    records = _digit_error(records, "nik", pl.Series(rng.random(n) < NIK_DIGIT_ERROR), rng)
    nik = pl.col("nik")
    pos = pl.Series(rng.integers(0, 15, n))
    transposed = nik.str.slice(0, pos) + nik.str.slice(pos + 1, 1) + nik.str.slice(pos, 1) + nik.str.slice(pos + 2)
    records = records.with_columns(
        nik=pl.when(pl.Series(rng.random(n) < NIK_TRANSPOSED)).then(transposed).otherwise(nik)
    )
    records = records.with_columns(
        nik=pl.when(pl.Series(rng.random(n) < KK_IN_NIK_FIELD)).then(pl.col("_kk")).otherwise(nik)
    )
    spaced = pl.concat_str(
        [nik.str.slice(0, 4), nik.str.slice(4, 4), nik.str.slice(8, 4), nik.str.slice(12, 4)], separator=" "
    )
    records = records.with_columns(nik=pl.when(pl.Series(rng.random(n) < NIK_WITH_SPACES)).then(spaced).otherwise(nik))
    return records.with_columns(nik=pl.when(pl.Series(rng.random(n) < present)).then(nik))


def _written_place(
    rng: np.random.Generator, n: int, village_p: np.ndarray, district_p: np.ndarray
) -> dict[str, pl.Expr]:
    new = pl.col("_moved") & pl.Series(rng.random(n) < 0.5)
    code = pl.when(new).then(pl.col("_new_village")).otherwise(pl.col("_village"))
    has_village = pl.Series(rng.random(n) < village_p)
    has_district = has_village | pl.Series(rng.random(n) < district_p)
    has_regency = has_district | pl.Series(rng.random(n) < 0.8)
    return {
        "village_code": pl.when(has_village).then(code),
        "district_code": pl.when(has_district).then(code.str.slice(0, 8)),
        "regency_code": pl.when(has_regency).then(code.str.slice(0, 5)),
    }


def _written_ref(records: pl.DataFrame, rng: np.random.Generator, source: np.ndarray, present: np.ndarray) -> pl.Series:
    """The family-card number (schools, registry, clinics; a digit wrong now and then) or the source's own
    file number for the family (police, shelters); hotlines keep none."""
    n = records.height
    names = np.array(SOURCE_NAMES)[source]
    kk = _digit_error(records.select("_kk"), "_kk", pl.Series(rng.random(n) < KK_DIGIT_ERROR), rng).to_series()
    own_number = ((pl.col("true_household_id") * 2_654_435_761 + 97) % 10_000_000).cast(pl.String).str.zfill(7)
    prefix = pl.Series([OWN_REF_PREFIX.get(s, "") for s in SOURCE_NAMES]).gather(pl.Series(source))
    ref = (
        pl.when(pl.Series(np.isin(names, KK_SOURCES)))
        .then(pl.lit(kk))
        .when(pl.Series(np.isin(names, list(OWN_REF_PREFIX))))
        .then(pl.concat_str([pl.lit(prefix), own_number], separator="-"))
    )
    return records.select(pl.when(pl.Series(rng.random(n) < present)).then(ref)).to_series()
