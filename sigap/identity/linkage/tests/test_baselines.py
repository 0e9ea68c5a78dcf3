"""The two baselines the linkage model is measured against."""

from __future__ import annotations

import polars as pl
import pytest

from sigap.identity.linkage import evaluate
from sigap.identity.linkage.baselines import _plain_frame, components, jw_rule, plain_splink
from sigap.identity.linkage.generate import generate
from sigap.identity.linkage.prepare import INPUT_COLUMNS


def records(*rows: dict[str, object]) -> pl.DataFrame:
    full = [{c: None for c in INPUT_COLUMNS} | {"record_id": i + 1} | r for i, r in enumerate(rows)]
    return pl.DataFrame(full, schema={c: pl.Int64 if c == "record_id" else pl.String for c in INPUT_COLUMNS})


def linked_pairs(df: pl.DataFrame) -> set[tuple[int, int]]:
    return set(jw_rule(df).pairs.select("record_id_l", "record_id_r").rows())


def test_the_rule_links_names_within_jaro_winkler_075_born_the_same_day_with_the_same_sex() -> None:
    df = records(
        {"name": "Rizki Saputra", "birth_date": "2015-03-12", "sex": "M"},
        {"name": "RIZKY SAPUTRA", "birth_date": "2015-03-12", "sex": "M"},  # case and one letter: linked
        {"name": "Dewi Lestari", "birth_date": "2015-03-12", "sex": "M"},  # another name: not linked
    )
    assert linked_pairs(df) == {(1, 2)}


def test_the_rule_never_links_different_sexes_or_birth_dates() -> None:
    df = records(
        {"name": "Rizki Saputra", "birth_date": "2015-03-12", "sex": "M"},
        {"name": "Rizki Saputra", "birth_date": "2015-03-12", "sex": "F"},
        {"name": "Rizki Saputra", "birth_date": "2015-03-13", "sex": "M"},
        {"name": "Rizki Saputra", "birth_date": None, "sex": "M"},
    )
    assert linked_pairs(df) == set()


def test_the_rule_compares_name_and_birth_date_alone_on_data_without_sex() -> None:
    df = records(
        {"name": "charlie ebert", "birth_date": "1971-10-20"}, {"name": "charlie ebrt", "birth_date": "1971-10-20"}
    )
    assert linked_pairs(df) == {(1, 2)}


def test_the_plain_model_sees_the_names_as_written_without_indonesian_normalisation() -> None:
    frame = _plain_frame(records({"name": " M. Rizki  Saputra"}, {"name": "Rizki"}), ["village_code"])
    assert frame.select("first_name", "surname").rows() == [("m.", "saputra"), ("rizki", None)]


def test_components_put_every_record_in_a_cluster_named_by_its_smallest_id() -> None:
    found = components(pl.Series([1, 2, 3, 4, 5]), pl.DataFrame({"record_id_l": [1, 4], "record_id_r": [2, 2]}))
    assert dict(found.rows()) == {1: 1, 2: 1, 3: 3, 4: 1, 5: 5}


@pytest.fixture(scope="module")
def generated() -> pl.DataFrame:
    return generate(3000, seed=5)


def test_the_plain_model_trained_by_em_links_generated_duplicates(generated: pl.DataFrame) -> None:
    result = plain_splink(generated.select(INPUT_COLUMNS), seed=1)
    scores = evaluate.pairwise(result.pairs, generated)
    assert scores.precision > 0.6
    assert scores.recall > 0.5
    assert result.pairs.filter(pl.col("match_probability") < 0.5).is_empty()
    assert result.clusters.height == generated.height
