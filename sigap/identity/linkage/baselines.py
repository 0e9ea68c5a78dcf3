"""The two baselines the linkage model is measured against, run on the same records in the same job.

- :func:`plain_splink`: Splink as a newcomer would set it up from its documentation: the standard name
  comparison on the first and the last word of the name, the standard date-of-birth comparison, exact
  comparisons for sex, NIK, family name and household number, every address field compared on its own
  (village, district, regency), term-frequency adjustments on the names, no Indonesian normalisation (only
  lower case and trimmed spaces), trained by EM like the model (u by random sampling, m on three
  blockings), pairs linked at match probability ≥ 0.5 and clustered by connected components.
- :func:`jw_rule`: a deterministic rule: Jaro–Winkler similarity of the (lower-case) names ≥ 0.75, and
  the same birth date and sex as written.

Both take the records in the generator's layout (raw, not prepared) and return a :class:`BaselineResult`.
They never read the ``true_*`` columns.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from .model import _components, duckdb_api

PLAIN_THRESHOLD = 0.5
JW_THRESHOLD = 0.75
ADDRESS_COLUMNS = ("village_code", "district_code", "regency_code")


@dataclass
class BaselineResult:
    pairs: pl.DataFrame  # record_id_l, record_id_r (l < r), match_probability: the linked pairs
    clusters: pl.DataFrame  # record_id, cluster_id (connected components of the linked pairs)


def _plain_frame(df: pl.DataFrame, address_columns: Sequence[str]) -> pl.DataFrame:
    """Lower case and trimmed; the first and last word of the name unless the source has them apart."""

    def text(column: str) -> pl.Expr:
        value = pl.col(column).cast(pl.String).str.strip_chars().str.to_lowercase()
        return pl.when(value != "").then(value).otherwise(None).alias(column)

    words = pl.col("name").cast(pl.String).str.strip_chars().str.to_lowercase().str.split(" ")
    columns: list[pl.Expr] = [pl.col("record_id")]
    columns.append(text("first_name") if "first_name" in df.columns else words.list.first().alias("first_name"))
    if "surname" in df.columns:
        columns.append(text("surname"))
    else:
        columns.append(pl.when(words.list.len() > 1).then(words.list.last()).alias("surname"))
    for column in ("birth_date", "sex", "nik", "family_name", "household_ref", *address_columns):
        columns.append(text(column) if column in df.columns else pl.lit(None, dtype=pl.String).alias(column))
    if "source_dataset" in df.columns:
        columns.append(pl.col("source_dataset"))
    frame = df.select(columns)
    return frame.with_columns(
        birth_year=pl.col("birth_date").str.slice(0, 4),
        first_name=pl.when(pl.col("first_name") != "").then(pl.col("first_name")),
    )


def plain_settings(address_columns: Sequence[str] = ADDRESS_COLUMNS, link_type: str = "dedupe_only") -> Any:
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons: list[Any] = [
        cl.NameComparison("first_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("birth_date", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nik"),
        cl.ExactMatch("family_name"),
        cl.ExactMatch("household_ref"),
        *[cl.ExactMatch(column) for column in address_columns],
    ]
    coarse = address_columns[-1]
    fine = address_columns[min(1, len(address_columns) - 1)]
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        unique_id_column_name="record_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("first_name", "birth_date"),
            block_on("first_name", "birth_year", coarse),
            block_on("surname", "first_name"),
            block_on("birth_date", fine),
            block_on("household_ref"),
        ],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
        em_convergence=0.001,
        max_iterations=20,
    )


def plain_splink(
    df: pl.DataFrame,
    seed: int = 1,
    *,
    threshold: float = PLAIN_THRESHOLD,
    address_columns: Sequence[str] = ADDRESS_COLUMNS,
    link_only: bool = False,
    u_max_pairs: float = 2e6,
    em_max_pairs: float = 2e6,
    memory_limit: str | None = None,
) -> BaselineResult:
    """The plain Splink model, trained on `df` and applied to it (see the module docstring)."""
    from splink import Linker, block_on

    frame = _plain_frame(df, address_columns)
    coarse = address_columns[-1]
    fine = address_columns[min(1, len(address_columns) - 1)]
    with duckdb_api(memory_limit) as db_api:
        if link_only:
            parts = sorted(frame.partition_by("source_dataset", as_dict=True).items(), key=lambda kv: str(kv[0][0]))
            inputs = [
                db_api.register(part.drop("source_dataset").to_arrow(), dataset_display_name=str(key[0]))
                for key, part in parts
            ]
        else:
            inputs = [db_api.register(frame.to_arrow(), dataset_display_name="records")]
        linker = Linker(
            inputs,
            plain_settings(address_columns, "link_only" if link_only else "dedupe_only"),
            log_level=logging.WARNING,
        )
        training = linker.training
        training.estimate_probability_two_random_records_match(
            [block_on("nik", "first_name"), block_on("first_name", "surname", "birth_date")], recall=0.6
        )
        training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
        for rule in (block_on("first_name", "birth_year", coarse), block_on("birth_date", fine), block_on("nik")):
            training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=em_max_pairs
            )
        predictions = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
        sql = (
            "SELECT least(record_id_l, record_id_r) AS record_id_l, greatest(record_id_l, record_id_r) AS record_id_r,"
            f" match_probability FROM {predictions.physical_name}"
        )
        pairs = db_api.duckdb_con.sql(sql).pl()
    return BaselineResult(pairs=pairs, clusters=components(df.get_column("record_id"), pairs))


def jw_rule(
    df: pl.DataFrame, *, threshold: float = JW_THRESHOLD, link_only: bool = False, memory_limit: str | None = None
) -> BaselineResult:
    """Pairs whose lower-case names have Jaro–Winkler ≥ `threshold` and whose birth date and sex, as
    written, are equal (and present). Data without any sex (FEBRL) is compared on name and birth date."""
    frame = df.select(
        "record_id",
        name=pl.col("name").cast(pl.String).str.strip_chars().str.to_lowercase(),
        birth_date=pl.col("birth_date").cast(pl.String).str.strip_chars(),
        sex=pl.col("sex").cast(pl.String).str.strip_chars().str.to_uppercase()
        if "sex" in df.columns and df.get_column("sex").null_count() < df.height
        else pl.lit("?"),
        source_dataset=pl.col("source_dataset").cast(pl.String) if link_only else pl.lit(""),
    ).filter(pl.col("birth_date").is_not_null() & pl.col("sex").is_not_null() & pl.col("name").is_not_null())
    with duckdb_api(memory_limit) as db_api:
        con = db_api.duckdb_con
        con.register("records", frame.to_arrow())
        across = "AND l.source_dataset <> r.source_dataset" if link_only else "AND l.record_id < r.record_id"
        sql = f"""
            SELECT least(l.record_id, r.record_id) AS record_id_l, greatest(l.record_id, r.record_id) AS record_id_r,
                   jaro_winkler_similarity(l.name, r.name) AS match_probability
            FROM records l JOIN records r ON l.birth_date = r.birth_date AND l.sex = r.sex {across}
            WHERE jaro_winkler_similarity(l.name, r.name) >= {float(threshold)}
        """
        pairs = con.sql(sql).pl()
    pairs = pairs.unique(["record_id_l", "record_id_r"])
    return BaselineResult(pairs=pairs, clusters=components(df.get_column("record_id"), pairs))


def components(record_ids: pl.Series, pairs: pl.DataFrame) -> pl.DataFrame:
    """Connected components of `pairs` over `record_ids`: record_id, cluster_id (its smallest record id)."""
    ids = np.sort(record_ids.unique().to_numpy())
    labels = _components(ids, pairs.get_column("record_id_l").to_numpy(), pairs.get_column("record_id_r").to_numpy())
    return (
        pl.DataFrame({"record_id": ids, "label": labels})
        .with_columns(cluster_id=pl.col("record_id").min().over("label"))
        .select("record_id", "cluster_id")
    )
