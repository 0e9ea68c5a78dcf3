"""Records made comparable: the columns the linkage model compares and blocks on.

:func:`prepare` takes child records in the generator's layout (``record_id``, ``source``, ``name``,
``birth_date``, ``sex``, ``nik``, ``village_code``, ``district_code``, ``regency_code``, ``household_ref``,
``family_name``; missing columns count as empty, other columns are carried along) and adds:

- from the name, through :mod:`sigap.identity.normalise` applied once per *distinct* name or word, never
  per record: ``name_canon`` (the canonical own name), ``personal`` (its words without the Muhammad/Abdul/
  Siti/Nur prefixes that half a village shares, space-separated, in written order), ``name_ph`` (their
  Indonesian sound keys, a list), ``name_key`` (the distinct sound keys sorted and joined: the same for
  "Budi Santoso" and "SANTOSO Budi") and ``name_pad`` (the same between spaces, for word searches),
  ``name_parts``, ``name_bits`` (a 62-bit signature of the sound keys, a cheap pre-test), ``given`` /
  ``given_ph`` (the first personal word and its key), ``given_stem`` (a doubled nickname's stem: "kiki" →
  "ki"), ``nick_ph`` (sound keys of the formal names a listed nickname stands for, or null) and
  ``nick_root`` (the first of them), ``father_ph`` (the sound key of the first name after bin/binti);
- from ``family_name``: ``family_canon`` and ``family_ph`` (the sound key of its first word);
- dates: ``dob`` (a full birth date ``YYYY-MM-DD``; from the NIK when the record has none but a NIK whose
  date and sex agree with what it does say), ``dob_swap`` (day and month swapped, when that is a date),
  ``dob_day`` (days since 1970), ``birth_year`` and ``dob_from_nik``;
- ``sex`` (``M``/``F``; from the NIK when not written); ``nik`` (16 digits, kept only when its date and sex
  agree with the record's — a contradicting NIK is mistyped or another number) and ``nik_head`` (its first
  12 digits: district, birth date and sex); the place codes filled upwards (a village gives its district
  and regency); ``household_ref`` trimmed and ``ref_kind`` (its letters: "" for a family-card number,
  "LP-" for a police file …, so numbers of different kinds are never compared).

Everything is columnar (Polars). The only Python loops run over distinct names and words: a name without
punctuation, titles, degrees, bin/binti and the like is canonicalised word by word, exactly as
:func:`normalise.canonical_tokens` would do it whole (``tests/test_model.py`` holds the two together).
From 100,000 records on, a second Python process (:class:`Helper`) takes half of those loops.
"""

from __future__ import annotations

import json
import os
import pickle
import string
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from typing import TypeVar

import polars as pl

from sigap.identity import normalise

# Prefixes so common that agreeing on them says little about identity (kept in `name_canon`).
GENERIC_TOKENS = ("abdul", "muhammad", "nur", "siti")
INPUT_COLUMNS = (
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
)
NAME_COLUMNS = (
    "name_canon",
    "personal",
    "name_ph",
    "name_key",
    "name_pad",
    "name_parts",
    "name_bits",
    "given",
    "given_ph",
    "given_stem",
    "nick_ph",
    "nick_root",
    "father_ph",
)
PREPARED_COLUMNS = (
    *NAME_COLUMNS,
    "family_canon",
    "family_ph",
    "dob",
    "dob_swap",
    "dob_day",
    "birth_year",
    "dob_from_nik",
    "nik",
    "nik_head",
    "ref_kind",
)
FEMALE_DAY_OFFSET = 40
PARALLEL_MIN_RECORDS = 100_000
_SEX = {"M": "M", "L": "M", "F": "F", "P": "F"}


def prepare(df: pl.DataFrame, *, today: date | None = None, parallel: bool | None = None) -> pl.DataFrame:
    """`df` with the comparison columns added (see the module docstring). Row order and count are kept.
    With `parallel` (by default for 100,000 records or more on a machine with two cores or more) a second
    process canonicalises half of the distinct names and words."""
    df = _with_input_columns(df)
    if parallel is None:
        parallel = df.height >= PARALLEL_MIN_RECORDS and (os.cpu_count() or 1) > 1
    with _helper(parallel) as helper:
        names = _name_table(df.get_column("name"), helper)
        families = _family_table(df.get_column("family_name"), helper)
    out = (
        df.with_columns(_key=_lowered("name"), _family_key=_lowered("family_name"))
        .join(names, left_on="_key", right_on="key", how="left", maintain_order="left")
        .join(families, left_on="_family_key", right_on="key", how="left", maintain_order="left")
        .with_columns(name_parts=pl.col("name_parts").fill_null(0), name_bits=pl.col("name_bits").fill_null(0))
    )
    return _dates_sex_nik_place(out, today or date.today())


@contextmanager
def _helper(wanted: bool) -> Iterator[Helper | None]:
    if not wanted:
        yield None
        return
    helper = Helper()
    try:
        yield helper
    finally:
        helper.close()


class Helper:
    """A second Python process (``python -m sigap.identity.linkage.prepare --helper``) that applies the
    normalisation functions to lists of names sent through a pipe. A fresh interpreter, not a fork: the
    threads of Polars and DuckDB in this process never reach it."""

    FUNCTIONS = ("_canonical_words", "_canonical_whole", "_sounds", "_nickname_keys")

    def __init__(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, "--helper"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def map(self, function: Callable[[list[str]], list[T]], items: list[str]) -> Callable[[], list[T]]:
        """Send the work now; the returned function waits for the result."""
        assert self._process.stdin is not None and self._process.stdout is not None
        if function.__name__ not in self.FUNCTIONS:
            raise ValueError(f"the helper does not run {function.__name__}")
        pickle.dump((function.__name__, items), self._process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        self._process.stdin.flush()
        stdout = self._process.stdout
        return lambda: pickle.load(stdout)  # our own child process

    def close(self) -> None:
        """Ask the helper to stop; it exits on its own (not waited for: freeing its memory takes time)."""
        if self._process.stdin is not None:
            try:
                pickle.dump(None, self._process.stdin)
                self._process.stdin.close()
            except BrokenPipeError:
                pass


def _serve() -> None:
    """The helper's loop: (function name, items) in, results out, until None."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (message := pickle.load(stdin)) is not None:  # from our own parent process
        name, items = message
        pickle.dump(globals()[name](items), stdout, protocol=pickle.HIGHEST_PROTOCOL)
        stdout.flush()


def _with_input_columns(df: pl.DataFrame) -> pl.DataFrame:
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in INPUT_COLUMNS if c not in df.columns]
    if missing:
        df = df.with_columns(missing)
    strings = [c for c in INPUT_COLUMNS if c != "record_id" and df.schema[c] != pl.String]
    if strings:
        df = df.with_columns(pl.col(strings).cast(pl.String))
    return df


def _lowered(column: str) -> pl.Expr:
    """The written text in lower case with spaces collapsed: the same canonical form, fewer distinct values."""
    return pl.col(column).str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


@cache
def _special_words() -> tuple[list[str], list[str]]:
    """Words that may play a role other than "part of the name" (titles, degrees, bin/binti, alias,
    Balinese I/Ni, "An.", single letters, one-word placeholders), and whole-name placeholders, from the
    normalisation data file: a name with none of them is canonicalised word by word."""
    raw = json.loads(normalise.PATH.read_text(encoding="utf-8"))
    words = set(string.ascii_lowercase)
    for key in (
        "prefix_titles",
        "suffix_degrees",
        "patronym_markers",
        "alias_markers",
        "balinese_prefixes",
        "baby_of_markers",
        "placeholder_names",
    ):
        words.update(w for w in raw[key] if " " not in w)
    return sorted(words), sorted(raw["placeholder_names"])


def canonical_names(keys: pl.Series, helper: Helper | None = None) -> pl.DataFrame:
    """For distinct lower-cased written names `keys`: ``key``, ``name_canon`` (null when nothing is left)
    and ``father`` (the first word after bin/binti, or null). With a `helper` process, it takes half."""
    special, placeholders = _special_words()
    frame = keys.to_frame("key").with_columns(words=pl.col("key").str.split(" "))
    frame = frame.with_columns(
        plain=pl.col("key").str.contains(r"^[a-z0-9 ]+$")
        & ~pl.col("words").list.eval(pl.element().is_in(special)).list.any()
        & ~pl.col("key").is_in(placeholders)
    )
    plain = frame.filter("plain")
    distinct_words = plain.get_column("words").explode().drop_nulls().unique().to_list()
    by_word = dict(zip(distinct_words, _shared(_canonical_words, distinct_words, helper), strict=True))
    plain = plain.select(
        "key",
        name_canon=pl.col("words")
        .list.eval(pl.element().replace_strict(by_word, return_dtype=pl.String))
        .list.join(" ")
        .str.replace_all(" +", " ")
        .str.strip_chars(),
        father=pl.lit(None, dtype=pl.String),
    )
    other_keys = frame.filter(~pl.col("plain")).get_column("key").to_list()
    done = _shared(_canonical_whole, other_keys, helper)
    other = pl.DataFrame(
        {"key": other_keys, "name_canon": [c for c, _ in done], "father": [f for _, f in done]},
        schema={"key": pl.String, "name_canon": pl.String, "father": pl.String},
    )
    table = pl.concat([plain, other])
    return table.with_columns(name_canon=pl.when(pl.col("name_canon") != "").then(pl.col("name_canon")))


def _canonical_words(words: list[str]) -> list[str]:
    return ["" if w.isdigit() else " ".join(normalise.canonical_tokens(w)) for w in words]


def _canonical_whole(keys: list[str]) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for key in keys:
        father = normalise.patronym(key).split()
        out.append((" ".join(normalise.canonical_tokens(key)), father[0] if father else None))
    return out


def _sounds(words: list[str]) -> list[str]:
    return [normalise.phonetic(w) or w for w in words]


def _sound_keys(words: list[str], helper: Helper | None = None) -> dict[str, str]:
    return dict(zip(words, _shared(_sounds, words, helper), strict=True))


T = TypeVar("T")
HELPER_MIN_ITEMS = 20_000


def _shared(function: Callable[[list[str]], list[T]], items: list[str], helper: Helper | None) -> list[T]:
    """`function` over `items`, the second half in the `helper` process while this one does the first."""
    if helper is None or len(items) < HELPER_MIN_ITEMS:
        return function(items)
    half = len(items) // 2
    try:
        later = helper.map(function, items[half:])
    except OSError:  # the helper is gone: do it all here
        return function(items)
    first = function(items[:half])
    try:
        return first + later()
    except (OSError, EOFError, pickle.UnpicklingError):
        return first + function(items[half:])


def _name_table(names: pl.Series, helper: Helper | None = None) -> pl.DataFrame:
    """One row per distinct written name (lower-cased) with its features."""
    keys = names.to_frame("name").select(_lowered("name").alias("key")).get_column("key").drop_nulls().unique()
    table = canonical_names(keys, helper)
    tokens = pl.col("name_canon").str.split(" ")
    own = tokens.list.filter(pl.element().is_in(GENERIC_TOKENS).not_())
    table = table.with_columns(personal=pl.when(own.list.len() > 0).then(own).otherwise(tokens))
    distinct = pl.concat([table.get_column("personal").explode(), table.get_column("father")]).drop_nulls().unique()
    sounds = _sound_keys(distinct.to_list(), helper)
    sound = pl.element().replace_strict(sounds, return_dtype=pl.String)
    table = table.with_columns(
        name_ph=pl.col("personal").list.eval(sound),
        father_ph=pl.col("father").replace_strict(sounds, default=None, return_dtype=pl.String),
        given=pl.col("personal").list.first(),
    )
    table = table.with_columns(
        given_ph=pl.col("name_ph").list.first(),
        name_key=pl.col("name_ph").list.unique().list.sort().list.join(" "),
        name_parts=pl.col("name_ph").list.len().cast(pl.Int8),
        name_bits=_bits(pl.col("name_ph")),
        personal=pl.col("personal").list.join(" "),
    ).with_columns(name_key=pl.when(pl.col("name_key") != "").then(pl.col("name_key")))
    nick = _nickname_table(table.get_column("given").drop_nulls().unique().to_list(), helper)
    return (
        table.join(nick, on="given", how="left")
        .with_columns(
            given_stem=_stem(pl.col("given_ph")),
            name_pad=pl.concat_str(pl.lit(" "), pl.col("name_key"), pl.lit(" ")),
            nick_root=pl.col("nick_ph").list.first(),
        )
        .select("key", *NAME_COLUMNS)
    )


def _bits(tokens: pl.Expr) -> pl.Expr:
    """A 62-bit signature of a list of words (one bit per word hash): two lists can share a word only if
    their signatures share a bit — a cheap test before comparing the lists."""
    bit = (pl.element().hash(seed=7) % 62).cast(pl.Int64)
    return tokens.list.eval(pl.lit(2, dtype=pl.Int64).pow(bit)).list.unique().list.sum()


def _nickname_table(tokens: list[str], helper: Helper | None = None) -> pl.DataFrame:
    keys = _shared(_nickname_keys, tokens, helper)
    return pl.DataFrame(
        {"given": tokens, "nick_ph": keys}, schema={"given": pl.String, "nick_ph": pl.List(pl.String)}
    ).filter(pl.col("nick_ph").is_not_null())


def _nickname_keys(tokens: list[str]) -> list[list[str] | None]:
    """The sound keys of the formal names each token may be a listed nickname of (None: not a nickname)."""
    out: list[list[str] | None] = []
    for token in tokens:
        roots = normalise.nickname_roots(token)
        out.append(sorted({normalise.phonetic(r) for r in roots} - {""}) if roots else None)
    return out


def _stem(key: pl.Expr) -> pl.Expr:
    """A doubled nickname's stem ("kiki" → "ki", "wiwi" → "wi"): what the formal name ends with."""
    pattern = r"^([^aiueo]?[aiueo])([^aiueo]?[aiueo])$"
    half, second = key.str.extract(pattern, 1), key.str.extract(pattern, 2)
    return pl.when(half.is_not_null() & (half == second)).then(half)


def _family_table(families: pl.Series, helper: Helper | None = None) -> pl.DataFrame:
    keys = families.to_frame("f").select(_lowered("f").alias("key")).get_column("key").drop_nulls().unique()
    table = canonical_names(keys, helper).select("key", family_canon="name_canon")
    first = table.get_column("family_canon").str.split(" ").list.first()
    sounds = _sound_keys(first.drop_nulls().unique().to_list(), helper)
    return table.with_columns(family_ph=first.replace_strict(sounds, default=None, return_dtype=pl.String))


def _nik_digits(column: str) -> list[pl.Expr]:
    """``_digits`` (the value without spaces, dots or dashes) and ``_nik16`` (those digits when they are 16)."""
    raw = pl.col(column).cast(pl.String).str.replace_all(r"[\s.\-'_/]+", "")
    return [raw.alias("_digits"), pl.when(raw.str.contains(r"^[0-9]{16}$")).then(raw).alias("_nik16")]


def _nik_date_sex(today: date) -> list[pl.Expr]:
    """``_nik_date`` and ``_nik_sex`` read from ``_nik16`` as :func:`sigap.identity.nik.parse_nik` reads
    them (day + 40 for a woman; of 19YY and 20YY the latest not after `today`), written for speed on
    millions of rows (``tests/test_model.py`` checks it against :func:`sigap.identity.nik.nik_columns`)."""
    nik = pl.col("_nik16")
    dd = nik.str.slice(6, 2).cast(pl.Int32)
    female = (dd > FEMALE_DAY_OFFSET) & (dd <= FEMALE_DAY_OFFSET + 31)
    male = (dd >= 1) & (dd <= 31)
    day = pl.when(female).then(dd - FEMALE_DAY_OFFSET).otherwise(dd).cast(pl.String).str.zfill(2)
    tail = pl.concat_str(pl.lit("-"), nik.str.slice(8, 2), pl.lit("-"), day)
    recent = pl.concat_str(pl.lit("20"), nik.str.slice(10, 2), tail).str.to_date("%Y-%m-%d", strict=False)
    older = pl.concat_str(pl.lit("19"), nik.str.slice(10, 2), tail).str.to_date("%Y-%m-%d", strict=False)
    birth = pl.when(recent <= pl.lit(today)).then(recent).otherwise(older)
    return [
        pl.when(male | female).then(birth).alias("_nik_date"),
        pl.when(female).then(pl.lit("F")).when(male).then(pl.lit("M")).alias("_nik_sex"),
    ]


def _dates_sex_nik_place(df: pl.DataFrame, today: date) -> pl.DataFrame:
    text = pl.col("birth_date").str.strip_chars()
    written = text.str.to_date("%Y-%m-%d", strict=False)
    year_only = text.str.extract(r"^([0-9]{4})$", 1).cast(pl.Int32, strict=False)
    stated_sex = pl.col("sex").str.strip_chars().str.to_uppercase().replace_strict(_SEX, default=None)
    lazy = (
        df.lazy()
        .with_columns(*_nik_digits("nik"), _full=written, _sex=stated_sex)
        .with_columns(*_nik_date_sex(today), _year=pl.coalesce(pl.col("_full").dt.year().cast(pl.Int32), year_only))
    )
    nik_date, full = pl.col("_nik_date"), pl.col("_full")
    agrees = (
        nik_date.is_not_null()
        & (pl.col("_year").is_null() | (nik_date.dt.year().cast(pl.Int32) == pl.col("_year")))
        & (pl.col("_sex").is_null() | (pl.col("_nik_sex") == pl.col("_sex")))
    )
    near = ((full - nik_date).dt.total_days().abs() <= 1) | (
        (full.dt.year() == nik_date.dt.year())
        & (full.dt.month() == nik_date.dt.day())
        & (full.dt.day() == nik_date.dt.month())
    )
    lazy = lazy.with_columns(
        _from_nik=full.is_null() & agrees,
        _agrees=agrees,
        _trusted=agrees & (full.is_null() | near),
    ).with_columns(_dob=pl.when(pl.col("_from_nik")).then(nik_date).otherwise(full))
    village = pl.col("village_code").str.strip_chars()
    district = pl.coalesce(pl.col("district_code").str.strip_chars(), village.str.slice(0, 8))
    regency = pl.coalesce(pl.col("regency_code").str.strip_chars(), district.str.slice(0, 5))
    ref = pl.col("household_ref").str.strip_chars().str.to_uppercase()
    dob = pl.col("_dob")
    lazy = lazy.with_columns(
        dob=dob.dt.strftime("%Y-%m-%d"),
        dob_swap=pl.when((dob.dt.day() <= 12) & (dob.dt.day() != dob.dt.month())).then(
            pl.concat_str(
                dob.dt.year().cast(pl.String),
                pl.lit("-"),
                dob.dt.day().cast(pl.String).str.zfill(2),
                pl.lit("-"),
                dob.dt.month().cast(pl.String).str.zfill(2),
            )
        ),
        dob_day=dob.cast(pl.Int32),
        birth_year=pl.coalesce(pl.col("_year"), dob.dt.year().cast(pl.Int32)),
        dob_from_nik=pl.col("_from_nik"),
        sex=pl.coalesce(pl.col("_sex"), pl.when(pl.col("_agrees")).then(pl.col("_nik_sex"))),
        # Another kind of ID number (not 16 digits, e.g. FEBRL's SOC_SEC_ID) is compared as it is.
        nik=pl.when(pl.col("_trusted"))
        .then(pl.col("_nik16"))
        .when(pl.col("_nik16").is_null() & pl.col("_digits").str.contains(r"^[0-9]{5,20}$"))
        .then(pl.col("_digits")),
        nik_head=pl.when(pl.col("_trusted")).then(pl.col("_nik16").str.slice(0, 12)),
        village_code=pl.when(village != "").then(village),
        district_code=pl.when(district != "").then(district),
        regency_code=pl.when(regency != "").then(regency),
        household_ref=pl.when(ref != "").then(ref),
        ref_kind=pl.when(ref != "").then(ref.str.replace_all("[0-9]", "")),
    )
    out = lazy.collect()
    return out.drop([c for c in out.columns if c.startswith("_")])


if __name__ == "__main__" and sys.argv[1:] == ["--helper"]:
    _serve()
