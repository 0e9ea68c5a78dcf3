"""Scores of a linkage against the truth, on small cases worked out by hand."""

from __future__ import annotations

import polars as pl
import pytest

from sigap.identity.linkage.evaluate import (
    Scores,
    cluster_f1,
    connected_components,
    pairwise,
    sibling_false_link_rate,
    twins_merged,
)
from sigap.identity.linkage.generate import generate

# Records 1–3 are child A, 4–5 child B, 6 child C, 7–8 child D: 3 + 1 + 0 + 1 = 5 true pairs.
TRUTH = pl.DataFrame({"record_id": [1, 2, 3, 4, 5, 6, 7, 8], "true_child_id": [10, 10, 10, 20, 20, 30, 40, 40]})


def pairs(*edges: tuple[int, int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"record_id_l": [a for a, _ in edges], "record_id_r": [b for _, b in edges]},
        schema={"record_id_l": pl.Int64, "record_id_r": pl.Int64},
    )


def clusters(*groups: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {"record_id": [r for g in groups for r in g], "cluster_id": [min(g) for g in groups for _ in g]}
    )


def test_pairwise_counts_each_unordered_pair_once_and_ignores_self_pairs() -> None:
    # (1,2) and (2,1) are one pair; (6,6) is no pair. True: (1,2) (1,3) (4,5); false: (5,6) (1,7).
    scores = pairwise(pairs((1, 2), (2, 1), (3, 1), (4, 5), (5, 6), (6, 6), (7, 1)), TRUTH)
    assert (scores.tp, scores.fp, scores.fn) == (3, 2, 2)
    assert scores.precision == pytest.approx(0.6)
    assert scores.recall == pytest.approx(0.6)
    assert scores.f1 == pytest.approx(0.6)


def test_pairwise_f1_is_the_harmonic_mean_of_precision_and_recall() -> None:
    # 4 of 6 predicted pairs are true, 4 of 5 true pairs found: P = 2/3, R = 4/5, F1 = 8/11.
    scores = pairwise(pairs((1, 2), (1, 3), (2, 3), (4, 5), (5, 6), (1, 7)), TRUTH)
    assert (scores.precision, scores.recall) == (pytest.approx(2 / 3), pytest.approx(4 / 5))
    assert scores.f1 == pytest.approx(8 / 11)


def test_predicting_nothing_has_full_precision_no_recall_and_zero_f1() -> None:
    scores = pairwise(pairs(), TRUTH)
    assert (scores.precision, scores.recall, scores.f1, scores.fn) == (1.0, 0.0, 0.0, 5)


def test_predicting_nothing_where_every_record_is_its_own_child_is_perfect() -> None:
    alone = pl.DataFrame({"record_id": [1, 2, 3], "true_child_id": [1, 2, 3]})
    assert pairwise(pairs(), alone) == Scores(1.0, 1.0, 1.0, 0, 0, 0)


def test_a_huge_true_cluster_is_counted_without_listing_its_pairs() -> None:
    one_child = pl.DataFrame({"record_id": range(200_000), "true_child_id": [7] * 200_000})
    scores = pairwise(pairs((0, 1)), one_child)
    assert scores.tp == 1
    assert scores.fn == 200_000 * 199_999 // 2 - 1


def test_a_pair_naming_a_record_missing_from_the_truth_is_refused() -> None:
    with pytest.raises(ValueError, match="not in the truth"):
        pairwise(pairs((1, 99)), TRUTH)


def test_a_truth_with_a_repeated_record_id_is_refused() -> None:
    with pytest.raises(ValueError, match="unique"):
        pairwise(pairs(), pl.concat([TRUTH, TRUTH.head(1)]))


def test_febrl_truth_is_read_from_true_entity_id() -> None:
    febrl_like = TRUTH.rename({"true_child_id": "true_entity_id"})
    assert pairwise(pairs((1, 2)), febrl_like).tp == 1


def test_cluster_f1_scores_the_pairs_implied_by_the_clusters() -> None:
    # Cluster {1,2,3,4} implies 6 pairs (3 true), {5,6} one false pair; 7 and 8 alone: P = 3/7, R = 3/5,
    # F1 = 1/2.
    scores = cluster_f1(clusters([1, 2, 3, 4], [5, 6], [7], [8]), TRUTH)
    assert (scores.tp, scores.fp, scores.fn) == (3, 4, 2)
    assert (scores.precision, scores.recall) == (pytest.approx(3 / 7), pytest.approx(3 / 5))
    assert scores.f1 == pytest.approx(0.5)


def test_a_record_missing_from_the_clusters_is_a_cluster_of_its_own() -> None:
    assert cluster_f1(clusters([1, 2, 3, 4], [5, 6]), TRUTH) == cluster_f1(
        clusters([1, 2, 3, 4], [5, 6], [7], [8]), TRUTH
    )


def test_a_record_in_two_clusters_is_refused() -> None:
    with pytest.raises(ValueError, match="more than one cluster"):
        cluster_f1(pl.DataFrame({"record_id": [1, 1], "cluster_id": [1, 2]}), TRUTH)


def test_cluster_f1_equals_pairwise_scores_of_every_pair_listed_by_hand() -> None:
    records = generate(3000, seed=5).select("record_id", "true_child_id", "true_household_id")
    # A deliberately imperfect clustering: the true households.
    clustered = records.select("record_id", cluster_id=pl.col("true_household_id"))
    listed = (
        clustered.join(clustered, on="cluster_id")
        .filter(pl.col("record_id") < pl.col("record_id_right"))
        .select(record_id_l="record_id", record_id_r="record_id_right")
    )
    by_contingency = cluster_f1(clustered, records)
    assert by_contingency == pairwise(listed, records)
    assert 0 < by_contingency.precision < 1
    assert by_contingency.recall == 1.0


# Household 1: child A (records 1, 2), B (3), C (4). Household 2: child D (5, 6). Household 3: E (7), F (8).
# Record pairs of different children within a household: 5 in household 1, 0 in 2, 1 in 3 = 6.
HOUSES = pl.DataFrame(
    {
        "record_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "true_child_id": [1, 1, 2, 3, 4, 4, 5, 6],
        "true_household_id": [1, 1, 1, 1, 2, 2, 3, 3],
    }
)


def test_the_sibling_false_link_rate_counts_links_between_children_of_one_household() -> None:
    # (1,3), (2,4) and (7,8) link siblings; (1,2) is one child; (4,5) links children of two households.
    linked = pairs((1, 3), (2, 4), (1, 2), (4, 5), (7, 8), (8, 7))
    assert sibling_false_link_rate(linked, HOUSES) == pytest.approx(3 / 6)


def test_the_sibling_false_link_rate_of_clusters_counts_siblings_sharing_a_cluster() -> None:
    # {1,2,3}: (1,3), (2,3) are siblings; {4,5}: two households; {7,8}: siblings. 3 of 6.
    assert sibling_false_link_rate(clusters([1, 2, 3], [4, 5], [7, 8], [6]), HOUSES) == pytest.approx(3 / 6)


def test_the_sibling_false_link_rate_is_zero_when_no_household_has_two_children() -> None:
    only_children = HOUSES.with_columns(true_household_id=pl.col("true_child_id"))
    assert sibling_false_link_rate(pairs((1, 3)), only_children) == 0.0


# Twins A (records 1, 2) and B (3, 10); twins C (4) and D (5); triplets E (6), F (7), G (8); H (9) no twin.
TWINS = pl.DataFrame(
    {
        "record_id": [1, 2, 3, 10, 4, 5, 6, 7, 8, 9],
        "true_child_id": [1, 1, 2, 2, 3, 4, 5, 6, 7, 8],
        "true_twin_group": [1, 1, 1, 1, 2, 2, 3, 3, 3, None],
    }
)


def test_twins_merged_counts_twin_child_pairs_joined_through_merge_pairs() -> None:
    # (1,3): A with B. (2,9),(9,4): A and C in one cluster, but they are not twins of one another.
    # (6,7),(7,8): the triplets all together, 3 child pairs. (5,5) merges nothing.
    merges = pairs((1, 3), (2, 9), (9, 4), (6, 7), (7, 8), (5, 5))
    assert twins_merged(merges, TWINS) == 4


def test_twins_together_in_two_clusters_count_once() -> None:
    assert twins_merged(clusters([1, 3], [2, 10], [4], [5], [6], [7], [8], [9]), TWINS) == 1


def test_connected_components_names_each_cluster_by_its_smallest_record() -> None:
    found = connected_components(pairs((5, 3), (3, 9), (1, 2), (7, 7)), record_ids=pl.Series([1, 2, 3, 5, 7, 9, 11]))
    assert dict(found.sort("record_id").iter_rows()) == {1: 1, 2: 1, 3: 3, 5: 3, 7: 7, 9: 3, 11: 11}


def test_connected_components_of_a_long_chain_is_one_cluster() -> None:
    n = 100_000
    chain = pl.DataFrame({"record_id_l": range(1, n), "record_id_r": range(2, n + 1)})
    found = connected_components(chain)
    assert found.height == n
    assert found.get_column("cluster_id").unique().to_list() == [1]
