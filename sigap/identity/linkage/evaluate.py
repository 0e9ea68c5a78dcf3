"""Exact scores of a linkage against the truth, computed from counts (never by listing all true pairs).

A *pair* is an unordered pair of distinct records. Predicted pairs come as a frame with ``record_id_l`` and
``record_id_r`` (either order; duplicates and self-pairs are ignored); clusters as a frame with
``record_id`` and ``cluster_id`` (a record missing from the clusters is a cluster of its own). The truth is a
frame with ``record_id`` and the true identity: ``true_child_id`` (generated records) or ``true_entity_id``
(FEBRL); the household and twin measures also read ``true_household_id`` and ``true_twin_group``.

- ``pairwise(pred, truth)``: precision, recall and F1 of the predicted pairs. True pairs are counted as
  Σ C(nᵢ, 2) over true identities.
- ``cluster_f1(clusters, truth)``: the same for the pairs implied by the clusters, from the contingency
  counts nᵢⱼ of (cluster, identity): tp = Σ C(nᵢⱼ, 2), predicted = Σ C(aᵢ, 2), true = Σ C(bⱼ, 2).
- ``sibling_false_link_rate(linked, records)``: linked pairs of records of different children of one true
  household, over all pairs of records of different children within households.
- ``twins_merged(linked, records)``: twin child-pairs (two children of one ``true_twin_group``) with at
  least one pair of their records in one cluster.
- ``connected_components(pairs)``: clusters of the graph of pairs (scipy's sparse components).

Conventions for empty denominators: precision is 1.0 when nothing is predicted, recall 1.0 when there is
nothing to find, F1 0.0 when precision and recall are both 0; the sibling rate is 0.0 when no household has
two children with records.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import polars as pl
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components as _components

TRUTH_COLUMNS = ("true_child_id", "true_entity_id")


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @classmethod
    def from_counts(cls, tp: int, predicted: int, true: int) -> Scores:
        """Scores from the number of true positives, predicted pairs and true pairs."""
        if not 0 <= tp <= min(predicted, true):
            raise ValueError("true positives must be between 0 and the predicted and true pair counts")
        precision = tp / predicted if predicted else 1.0
        recall = tp / true if true else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision, recall, f1, tp, predicted - tp, true - tp)

    def as_dict(self) -> dict[str, float | int]:
        return asdict(self)


def pairwise(pred: pl.DataFrame, truth: pl.DataFrame) -> Scores:
    """Precision, recall and F1 of the predicted record pairs against the true identities."""
    ids = _truth(truth)
    pairs = _pairs(pred)
    _check_known(pairs, ids)
    labelled = _label(pairs, ids.select("record_id", pl.col("_true").alias("_t")), "_t")
    tp = int(labelled.filter(pl.col("_t_l") == pl.col("_t_r")).height)
    return Scores.from_counts(tp, pairs.height, _pair_count(ids, ["_true"]))


def cluster_f1(clusters: pl.DataFrame, truth: pl.DataFrame) -> Scores:
    """Pairwise scores of the pairs implied by the clusters (records in one cluster are all linked)."""
    ids = _truth(truth)
    members = _clusters(clusters)
    _check_known(
        members.select(pl.col("record_id").alias("record_id_l"), pl.col("record_id").alias("record_id_r")), ids
    )
    joined = members.join(ids, on="record_id", how="inner")
    tp = _pair_count(joined, ["cluster_id", "_true"])
    predicted = _pair_count(members, ["cluster_id"])
    return Scores.from_counts(tp, predicted, _pair_count(ids, ["_true"]))


def sibling_false_link_rate(linked: pl.DataFrame, records: pl.DataFrame) -> float:
    """Linked record pairs of different children in one true household, over all record pairs of different
    children within households. `linked` is predicted pairs or clusters."""
    people = (
        _truth(records, extra=("true_household_id",))
        .rename({"true_household_id": "_house"})
        .filter(pl.col("_house").is_not_null())
    )
    within_houses = _pair_count(people, ["_house"]) - _pair_count(people, ["_house", "_true"])
    if within_houses == 0:
        return 0.0
    if "cluster_id" in linked.columns:
        joined = _clusters(linked).join(people, on="record_id", how="inner")
        false_links = _pair_count(joined, ["cluster_id", "_house"]) - _pair_count(joined, ["cluster_id", "_true"])
    else:
        pairs = _pairs(linked)
        _check_known(pairs, people)
        labelled = _label(pairs, people.select("record_id", "_house", "_true"), "_house", "_true")
        false_links = labelled.filter(
            (pl.col("_house_l") == pl.col("_house_r")) & (pl.col("_true_l") != pl.col("_true_r"))
        ).height
    return false_links / within_houses


def twins_merged(linked: pl.DataFrame, records: pl.DataFrame) -> int:
    """The number of twin child-pairs whose records ended in one cluster. `linked` is merge pairs (joined
    into clusters by connected components) or clusters."""
    people = _truth(records, extra=("true_twin_group",)).rename({"true_twin_group": "_twin"})
    clusters = _clusters(linked) if "cluster_id" in linked.columns else connected_components(linked)
    twins = (
        clusters.join(people.filter(pl.col("_twin").is_not_null()), on="record_id", how="inner")
        .select("cluster_id", "_twin", "_true")
        .unique()
    )
    together = twins.join(twins, on=["cluster_id", "_twin"], suffix="_o").filter(pl.col("_true") < pl.col("_true_o"))
    return together.select("_true", "_true_o").unique().height


def connected_components(pairs: pl.DataFrame, record_ids: pl.Series | None = None) -> pl.DataFrame:
    """Clusters (``record_id``, ``cluster_id``) of the graph whose edges are the pairs; a cluster's id is its
    smallest record id. Records in `record_ids` that appear in no pair become clusters of their own."""
    edges = _pairs(pairs)
    left = edges.get_column("record_id_l").to_numpy()
    right = edges.get_column("record_id_r").to_numpy()
    nodes = [left, right]
    if record_ids is not None:
        nodes.append(record_ids.cast(pl.Int64).to_numpy())
    ids, index = np.unique(np.concatenate(nodes), return_inverse=True)
    if ids.size == 0:
        return pl.DataFrame(schema={"record_id": pl.Int64, "cluster_id": pl.Int64})
    m = left.size
    graph = coo_matrix((np.ones(m, dtype=np.int8), (index[:m], index[m : 2 * m])), shape=(ids.size, ids.size))
    _, component = _components(graph, directed=False)
    frame = pl.DataFrame({"record_id": ids, "_c": component})
    return frame.with_columns(cluster_id=pl.col("record_id").min().over("_c")).select("record_id", "cluster_id")


def _truth(frame: pl.DataFrame, extra: tuple[str, ...] = ()) -> pl.DataFrame:
    column = next((c for c in TRUTH_COLUMNS if c in frame.columns), None)
    if column is None or "record_id" not in frame.columns:
        raise ValueError(f"the truth needs record_id and one of {', '.join(TRUTH_COLUMNS)}")
    missing = [c for c in extra if c not in frame.columns]
    if missing:
        raise ValueError(f"the records need {', '.join(missing)}")
    ids = frame.select("record_id", pl.col(column).alias("_true"), *extra)
    if ids.get_column("record_id").is_duplicated().any():
        raise ValueError("record_id must be unique in the truth")
    if ids.get_column("_true").null_count():
        raise ValueError(f"{column} must not be null")
    return ids


def _pairs(pred: pl.DataFrame) -> pl.DataFrame:
    """Unordered distinct pairs as (smaller id, larger id), self-pairs dropped."""
    if not {"record_id_l", "record_id_r"} <= set(pred.columns):
        raise ValueError("pairs need record_id_l and record_id_r")
    left, right = pl.col("record_id_l"), pl.col("record_id_r")
    return (
        pred.select(record_id_l=pl.min_horizontal(left, right), record_id_r=pl.max_horizontal(left, right))
        .filter(pl.col("record_id_l") != pl.col("record_id_r"))
        .unique()
    )


def _clusters(clusters: pl.DataFrame) -> pl.DataFrame:
    if not {"record_id", "cluster_id"} <= set(clusters.columns):
        raise ValueError("clusters need record_id and cluster_id")
    members = clusters.select("record_id", "cluster_id").unique()
    if members.get_column("record_id").is_duplicated().any():
        raise ValueError("a record is in more than one cluster")
    return members


def _check_known(pairs: pl.DataFrame, ids: pl.DataFrame) -> None:
    seen = pl.concat([pairs.get_column("record_id_l"), pairs.get_column("record_id_r")]).unique()
    unknown = seen.filter(~seen.is_in(ids.get_column("record_id").implode()))
    if unknown.len():
        raise ValueError(f"{unknown.len()} record ids are not in the truth, e.g. {unknown[0]}")


def _label(pairs: pl.DataFrame, ids: pl.DataFrame, *columns: str) -> pl.DataFrame:
    """Each pair with `columns` of its left (``_l``) and right (``_r``) record."""
    left = ids.rename({"record_id": "record_id_l", **{c: f"{c}_l" for c in columns}})
    right = ids.rename({"record_id": "record_id_r", **{c: f"{c}_r" for c in columns}})
    return pairs.join(left, on="record_id_l", how="inner").join(right, on="record_id_r", how="inner")


def _pair_count(frame: pl.DataFrame, keys: list[str]) -> int:
    """Σ C(n, 2) over the groups of `keys`."""
    if frame.is_empty():
        return 0
    sizes = frame.group_by(keys).len().get_column("len").cast(pl.Int64)
    return int((sizes * (sizes - 1) // 2).sum())
