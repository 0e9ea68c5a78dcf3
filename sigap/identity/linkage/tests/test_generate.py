"""The seeded generator of synthetic child records with known identities."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import polars as pl
import pytest

from sigap.identity.linkage import generate as generator
from sigap.identity.linkage.generate import COLUMNS, MUHAMMAD_FORMS, generate, iter_chunks, write

LOWER = pl.col("name").str.to_lowercase().str.strip_chars()
EXACT = pl.col("birth_date").str.len_chars() == 10


@pytest.fixture(scope="module")
def records() -> pl.DataFrame:
    return generate(40_000, seed=3)


@pytest.fixture(scope="module")
def children(records: pl.DataFrame) -> pl.DataFrame:
    """Per child: the household, twin group, record count and the most common exact date and plain NIK."""
    plain_nik = pl.col("nik").filter(pl.col("nik").str.len_chars() == 16)
    return records.group_by("true_child_id").agg(
        pl.col("true_household_id").first(),
        pl.col("true_twin_group").first(),
        pl.len().alias("records"),
        pl.col("birth_date").filter(EXACT).mode().sort().first().alias("date"),
        plain_nik.mode().sort().first().alias("nik"),
        pl.col("sex").drop_nulls().mode().sort().first().alias("sex"),
    )


def test_the_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    assert generate(5000, seed=7).equals(generate(5000, seed=7))
    assert not generate(5000, seed=7).equals(generate(5000, seed=8))


def test_it_makes_exactly_the_records_asked_for_with_unique_ids_and_the_agreed_columns(records: pl.DataFrame) -> None:
    assert records.columns == list(COLUMNS)
    assert records.height == 40_000
    assert sorted(records.get_column("record_id").to_list()) == list(range(1, 40_001))
    assert records.schema["true_twin_group"] == pl.Int64
    assert set(records.get_column("source").unique()) == {
        "hotline",
        "school",
        "police",
        "shelter",
        "registry",
        "health",
    }
    assert set(records.get_column("sex").drop_nulls().unique()) == {"M", "F"}
    assert generate(1).height == 1


def test_zero_records_give_an_empty_frame_with_the_columns_and_a_negative_count_is_refused() -> None:
    assert generate(0).columns == list(COLUMNS)
    assert generate(0).is_empty()
    with pytest.raises(ValueError):
        generate(-1)


def test_children_households_and_records_are_numbered_across_chunks() -> None:
    chunks = list(iter_chunks(25_000, seed=2, chunk_records=10_000))
    assert [c.height for c in chunks] == [10_000, 10_000, 5000]
    frame = pl.concat(chunks)
    assert frame.get_column("record_id").sort().to_list() == list(range(1, 25_001))
    for column in ("true_child_id", "true_household_id"):
        spans = [set(c.get_column(column).unique()) for c in chunks]
        assert not spans[0] & spans[1] and not spans[1] & spans[2]


def test_write_stores_the_same_records_in_parquet(tmp_path: Path) -> None:
    path = write(tmp_path / "children.parquet", 3000, seed=4)
    assert pl.read_parquet(path).equals(generate(3000, seed=4))


def test_every_child_has_one_to_ten_records(children: pl.DataFrame) -> None:
    counts = children.get_column("records")
    assert set(counts.unique()) == set(range(1, 11))
    assert 2.5 < counts.mean() < 3.5  # type: ignore[operator]


def test_households_hold_one_to_four_children_who_mostly_share_a_village(records: pl.DataFrame) -> None:
    houses = records.group_by("true_household_id").agg(
        pl.col("true_child_id").n_unique().alias("children"),
        pl.col("village_code").drop_nulls().n_unique().alias("villages"),
    )
    assert set(houses.get_column("children").unique()) == {1, 2, 3, 4}
    moved = (houses.get_column("villages") > 1).mean()
    assert 0.01 < moved < 0.12  # type: ignore[operator]


def test_a_few_percent_of_multi_child_households_have_twins_born_the_same_day(children: pl.DataFrame) -> None:
    houses = children.group_by("true_household_id").agg(
        pl.len().alias("children"), pl.col("true_twin_group").drop_nulls().n_unique().alias("twin_births")
    )
    multi = houses.filter(pl.col("children") >= 2)
    assert 0.02 < (multi.get_column("twin_births") > 0).mean() < 0.07  # type: ignore[operator]
    twins = (
        children.filter(pl.col("true_twin_group").is_not_null())
        .group_by("true_twin_group")
        .agg(
            pl.len().alias("children"),
            pl.col("true_household_id").n_unique().alias("households"),
            pl.col("date").drop_nulls().n_unique().alias("dates"),
        )
    )
    assert twins.get_column("children").unique().to_list() == [2]
    assert twins.get_column("households").unique().to_list() == [1]
    assert (twins.get_column("dates") <= 1).mean() > 0.9  # type: ignore[operator]


def test_about_fifteen_percent_of_children_carry_a_single_name(records: pl.DataFrame) -> None:
    careful = records.filter(pl.col("source").is_in(["registry", "school"]) & ~LOWER.str.contains(r"\bbinti?\b"))
    single = careful.select(~LOWER.str.contains(" ")).to_series().mean()
    assert 0.12 < single < 0.22  # type: ignore[operator]


def test_given_names_follow_a_zipf_like_distribution_with_a_long_tail(records: pl.DataFrame) -> None:
    prefixes = ["muhammad", "siti", "nur", "abdul"]
    firsts = (
        records.filter(pl.col("source") == "registry")
        .select(LOWER.str.split(" ").list.first().alias("first"))
        .filter(~pl.col("first").is_in(prefixes) & pl.col("first").str.contains(r"^[a-z]+$"))
        .get_column("first")
        .value_counts(sort=True)
        .get_column("count")
    )
    assert firsts[0] > 30 * firsts.median()  # type: ignore[operator]
    assert (firsts == 1).mean() > 0.3  # type: ignore[operator]


def test_children_are_aged_0_to_17_so_birth_dates_repeat(children: pl.DataFrame) -> None:
    dates = children.get_column("date").drop_nulls()
    within = dates.is_between(pl.lit("2008-01-01"), pl.lit("2026-01-01"))
    assert within.mean() > 0.99  # a child's most common date is sometimes a slip of its only record
    assert dates.n_unique() < dates.len() / 2


def test_sources_differ_in_completeness_as_in_the_field(records: pl.DataFrame) -> None:
    by_source = {
        row["source"]: row
        for row in records.group_by("source")
        .agg(nik=pl.col("nik").is_not_null().mean(), exact=EXACT.fill_null(False).mean())
        .iter_rows(named=True)
    }
    assert by_source["hotline"]["nik"] < 0.05
    assert by_source["hotline"]["exact"] < 0.25
    for careful in ("school", "registry"):
        assert by_source[careful]["nik"] > 0.7
        assert by_source[careful]["exact"] > 0.9
    assert (
        records.filter(pl.col("source") == "hotline").get_column("household_ref").null_count()
        == records.filter(pl.col("source") == "hotline").height
    )


def test_names_are_written_with_old_spellings_every_muhammad_form_and_clinic_prefixes(records: pl.DataFrame) -> None:
    firsts = set(records.select(LOWER.str.split(" ").list.first()).to_series())
    assert {form for form, _ in MUHAMMAD_FORMS} <= firsts
    assert {"abdul", "abd.", "abdoel"} <= firsts
    old = records.select(LOWER.str.contains("dj|oe|tj|nj|sj|ch")).to_series().mean()
    assert 0.02 < old < 0.15  # type: ignore[operator]
    clinics = records.filter(LOWER.str.starts_with("an. ")).get_column("source").unique().to_list()
    assert clinics == ["health"]
    assert records.select(LOWER.str.contains(r" binti? ")).to_series().any()


def test_hotlines_often_write_one_name_only(records: pl.DataFrame) -> None:
    one_word = records.group_by("source").agg((~LOWER.str.contains(" ")).mean().alias("share"))
    share = dict(one_word.iter_rows())
    assert share["hotline"] > share["registry"] + 0.2


def test_birth_dates_are_corrupted_by_day_month_swaps_day_slips_years_and_placeholders(
    records: pl.DataFrame, children: pl.DataFrame
) -> None:
    written = (
        records.filter(EXACT)
        .join(children.select("true_child_id", "date"), on="true_child_id")
        .filter(pl.col("birth_date") != pl.col("date"))
        .with_columns(pl.col("birth_date").str.to_date().alias("w"), pl.col("date").str.to_date().alias("t"))
    )
    swapped = written.filter(
        (pl.col("w").dt.day() == pl.col("t").dt.month()) & (pl.col("w").dt.month() == pl.col("t").dt.day())
    )
    slipped = written.filter((pl.col("w") - pl.col("t")).dt.total_days().abs() == 1)
    year_off = written.filter(
        ((pl.col("w").dt.year() - pl.col("t").dt.year()).abs() == 1)
        & (pl.col("w").dt.ordinal_day() == pl.col("t").dt.ordinal_day())
    )
    placeholder = written.filter(pl.col("birth_date").str.ends_with("-01-01"))
    assert min(swapped.height, slipped.height, year_off.height, placeholder.height) > 0
    assert written.height < 0.1 * records.filter(EXACT).height
    assert records.filter(pl.col("birth_date").str.len_chars() == 4).height > 0.05 * records.height


def test_a_written_nik_encodes_the_childs_birth_date_and_sex(children: pl.DataFrame) -> None:
    known = children.filter(pl.col("nik").is_not_null() & pl.col("date").is_not_null() & pl.col("sex").is_not_null())
    day = pl.col("nik").str.slice(6, 2).cast(pl.Int32)
    coded = known.with_columns(
        female=day > 40,
        dmy=pl.format("{}{}", (day % 40).cast(pl.String).str.zfill(2), pl.col("nik").str.slice(8, 4)),
        expected=pl.col("date").str.slice(8, 2) + pl.col("date").str.slice(5, 2) + pl.col("date").str.slice(2, 2),
    )
    assert (coded.get_column("dmy") == coded.get_column("expected")).mean() > 0.95  # type: ignore[operator]
    assert (coded.get_column("female") == (coded.get_column("sex") == "F")).mean() > 0.98  # type: ignore[operator]


def test_niks_are_written_with_a_digit_wrong_two_swapped_or_in_groups_of_four(
    records: pl.DataFrame, children: pl.DataFrame
) -> None:
    written = (
        records.filter(pl.col("nik").is_not_null())
        .join(children.select("true_child_id", pl.col("nik").alias("true_nik")), on="true_child_id")
        .filter(pl.col("true_nik").is_not_null())
    )
    spaced = written.filter(pl.col("nik").str.contains(" "))
    assert (spaced.get_column("nik").str.replace_all(" ", "") == spaced.get_column("true_nik")).mean() > 0.9  # type: ignore[operator]
    wrong = written.filter((pl.col("nik") != pl.col("true_nik")) & (pl.col("nik").str.len_chars() == 16))
    differing = [sum(a != b for a, b in zip(w, t, strict=True)) for w, t in wrong.select("nik", "true_nik").iter_rows()]
    assert 1 in differing
    assert 2 in differing


def test_twins_have_niks_that_differ_only_in_the_day_or_the_sequence(children: pl.DataFrame) -> None:
    pairs = (
        children.filter(pl.col("true_twin_group").is_not_null() & pl.col("nik").is_not_null())
        .group_by("true_twin_group")
        .agg(pl.col("nik").sort())
        .filter(pl.col("nik").list.len() == 2)
    )
    assert pairs.height > 10
    niks = pairs.get_column("nik").to_list()
    assert all(a != b for a, b in niks)
    alike = [a[:6] == b[:6] and a[8:12] == b[8:12] for a, b in niks]  # region, month, year
    assert sum(alike) > 0.9 * len(alike)  # the rest: a child's only NIK has a slip


def test_siblings_in_the_registry_share_a_family_card_number(records: pl.DataFrame) -> None:
    cards = (
        records.filter((pl.col("source") == "registry") & pl.col("household_ref").is_not_null())
        .group_by("true_household_id", "true_child_id")
        .agg(pl.col("household_ref").mode().sort().first())
        .group_by("true_household_id")
        .agg(pl.len().alias("children"), pl.col("household_ref").n_unique().alias("cards"))
        .filter(pl.col("children") >= 2)
    )
    assert (cards.get_column("cards") == 1).mean() > 0.9  # type: ignore[operator]


def test_the_generator_shares_no_code_with_the_normaliser_it_tests() -> None:
    tree = ast.parse(inspect.getsource(generator))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)} | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    assert not {name for name in imported if name and name.startswith("sigap")}
