"""The linkage model: preparation, guards, clustering, training, saving, and linking generated records."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from sigap.identity import normalise
from sigap.identity.linkage import evaluate
from sigap.identity.linkage.generate import generate
from sigap.identity.linkage.model import (
    SPEC_VERSION,
    LinkageModel,
    LinkResult,
    Session,
    cluster,
    link,
    main,
    with_guards,
)
from sigap.identity.linkage.prepare import INPUT_COLUMNS, prepare
from sigap.identity.nik import nik_columns

TODAY = date(2026, 1, 1)


def records(*rows: dict[str, object]) -> pl.DataFrame:
    """Child records in the generator's layout; unnamed fields are empty."""
    full = [{c: None for c in INPUT_COLUMNS} | {"record_id": i + 1, "source": "school"} | r for i, r in enumerate(rows)]
    return pl.DataFrame(full, schema={c: pl.Int64 if c == "record_id" else pl.String for c in INPUT_COLUMNS})


def pairs(*rows: tuple[int, int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "record_id_l": [a for a, _, _ in rows],
            "record_id_r": [b for _, b, _ in rows],
            "match_probability": [p for *_, p in rows],
        },
        schema={"record_id_l": pl.Int64, "record_id_r": pl.Int64, "match_probability": pl.Float64},
    )


def guard_of(a: dict[str, object], b: dict[str, object]) -> str | None:
    prepared = prepare(records(a, b), today=TODAY)
    return with_guards(pairs((1, 2, 0.999)), prepared).get_column("guard")[0]


SIREGAR_HOUSE = {"household_ref": "3501031104216160", "family_name": "Siregar", "village_code": "35.01.03.2001"}


# --- preparation


@pytest.fixture(scope="module")
def generated() -> pl.DataFrame:
    return generate(4000, seed=3)


def test_prepare_gives_every_name_the_canonical_form_of_the_normalisation_module(generated: pl.DataFrame) -> None:
    prepared = prepare(generated.select(INPUT_COLUMNS), today=TODAY)
    expected = [normalise.canonical_name(n) or None for n in prepared.get_column("name").to_list()]
    assert prepared.get_column("name_canon").to_list() == expected


def test_prepare_gives_the_same_columns_with_a_helper_process_as_without(
    generated: pl.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sigap.identity.linkage import prepare as module

    monkeypatch.setattr(module, "HELPER_MIN_ITEMS", 0)  # share even small lists with the helper
    records = generated.select(INPUT_COLUMNS).head(1500)
    assert prepare(records, today=TODAY, parallel=True).equals(prepare(records, today=TODAY, parallel=False))


def test_prepare_reads_nik_dates_and_sexes_as_the_nik_module_does(generated: pl.DataFrame) -> None:
    from sigap.identity.linkage.prepare import _nik_date_sex, _nik_digits

    niks = pl.concat(
        [
            generated.get_column("nik"),
            pl.Series(["3578015505120001", "3578014112990003", "3578019999990001", "3578 0105 1200 02", None]),
        ]
    ).to_frame("nik")
    ours = niks.with_columns(*_nik_digits("nik")).with_columns(*_nik_date_sex(TODAY))
    theirs = niks.with_columns(nik_columns("nik", today=TODAY))
    assert ours.get_column("_nik_date").to_list() == theirs.get_column("nik_birth_date").to_list()
    assert ours.get_column("_nik_sex").to_list() == theirs.get_column("nik_sex").to_list()


def test_a_record_with_only_a_birth_year_takes_the_full_date_from_a_nik_that_agrees() -> None:
    prepared = prepare(
        records({"name": "Putri", "birth_date": "2012", "sex": "F", "nik": "3578015505120001"}), today=TODAY
    )
    row = prepared.row(0, named=True)
    assert (row["dob"], row["dob_from_nik"], row["nik"]) == ("2012-05-15", True, "3578015505120001")


def test_a_nik_whose_birth_date_contradicts_the_stated_one_is_not_compared() -> None:
    prepared = prepare(
        records({"name": "Putri", "birth_date": "2014-08-31", "sex": "F", "nik": "3578015505120001"}), today=TODAY
    )
    row = prepared.row(0, named=True)
    assert (row["dob"], row["nik"], row["nik_head"]) == ("2014-08-31", None, None)


def test_a_female_coded_nik_gives_the_sex_when_the_record_has_none() -> None:
    prepared = prepare(records({"name": "Putri", "nik": "3578015505120001"}), today=TODAY)
    assert prepared.get_column("sex")[0] == "F"


def test_a_village_code_gives_the_district_and_regency() -> None:
    prepared = prepare(records({"name": "Budi", "village_code": "35.78.01.1002"}), today=TODAY)
    assert prepared.select("district_code", "regency_code").row(0) == ("35.78.01", "35.78")


def test_reordered_old_spelling_and_capitals_give_one_sound_key() -> None:
    prepared = prepare(records({"name": "Budi Santoso"}, {"name": "SANTOSO Boedi"}, {"name": "M. Rizki"}), today=TODAY)
    keys = prepared.get_column("name_key").to_list()
    assert keys[0] == keys[1]
    assert prepared.get_column("personal")[2] == "rizki"  # Muhammad, shared by half a village, is set aside


# --- guards


def test_records_that_state_different_sexes_are_guarded() -> None:
    assert guard_of({"name": "Rizki", "sex": "M"}, {"name": "Rizki", "sex": "F"}) == "sex"


def test_rhyming_names_born_the_same_day_in_one_household_are_taken_for_twins() -> None:
    a = {"name": "Rizki Siregar", "birth_date": "2015-03-12", "sex": "M", **SIREGAR_HOUSE}
    b = {"name": "Rizka Siregar", "birth_date": "2015-03-12", "sex": "M", **SIREGAR_HOUSE}
    assert guard_of(a, b) == "twins"


def test_different_names_in_one_household_with_birth_dates_apart_are_taken_for_siblings() -> None:
    a = {"name": "Galih Siregar", "birth_date": "2012-01-05", **SIREGAR_HOUSE}
    b = {"name": "Dewi Siregar", "birth_date": "2015-07-20", **SIREGAR_HOUSE}
    assert guard_of(a, b) == "siblings"


def test_a_typo_in_the_given_name_is_not_taken_for_a_twin() -> None:
    a = {"name": "Ramadhan Santoso", "birth_date": "2014-08-31", **SIREGAR_HOUSE}
    b = {"name": "RAMADHN SANTOSO", "birth_date": "2014-08-31", **SIREGAR_HOUSE}
    assert guard_of(a, b) is None


def test_any_difference_in_a_short_given_name_on_one_birth_day_is_taken_for_twins() -> None:
    a = {"name": "Ayu Prabowo", "birth_date": "2014-03-11", **SIREGAR_HOUSE}
    b = {"name": "AYB PRABOWO", "birth_date": "2014-03-11", **SIREGAR_HOUSE}
    assert guard_of(a, b) == "twins"


def test_niks_that_differ_only_in_the_sequence_mark_twins() -> None:
    a = {"name": "Fitria Sunudi", "birth_date": "2018-08-04", "sex": "F", "nik": "3508034408180150"}
    b = {"name": "Fitri Sunudi", "birth_date": "2018-08-04", "sex": "F", "nik": "3508034408180149"}
    assert guard_of(a, b) == "twins"


def test_the_same_nik_lifts_the_twin_guard_for_a_nickname() -> None:
    a = {"name": "Ucup", "birth_date": "2014-08-31", "sex": "M", "nik": "3502023108140001", **SIREGAR_HOUSE}
    b = {"name": "Yusuf Siregar", "birth_date": "2014-08-31", "sex": "M", "nik": "3502023108140001", **SIREGAR_HOUSE}
    assert guard_of(a, b) is None


# --- clustering


def _cluster(
    rows: list[dict[str, object]], scored: pl.DataFrame, **thresholds: float
) -> tuple[dict[int, int], pl.DataFrame]:
    prepared = prepare(records(*rows), today=TODAY)
    with Session(prepared) as session:
        result = cluster(scored, prepared.get_column("record_id"), session.guard_pairs, **thresholds)
    return dict(result.clusters.rows()), result.review


def test_twins_are_never_merged_even_through_a_record_that_matches_both() -> None:
    twin_a = {"name": "Rizki Siregar", "birth_date": "2015-03-12", "sex": "M", **SIREGAR_HOUSE}
    twin_b = {"name": "Rizka Siregar", "birth_date": "2015-03-12", "sex": "M", **SIREGAR_HOUSE}
    unclear = {"name": "Siregar", "birth_date": "2015-03-12", "sex": "M", **SIREGAR_HOUSE}
    clusters, review = _cluster([twin_a, twin_b, unclear], pairs((1, 3, 0.9999), (2, 3, 0.999), (1, 2, 0.999)))
    assert clusters[1] != clusters[2]
    assert clusters[3] == clusters[1]  # the more probable link wins; the other goes to review
    assert set(review.get_column("reason")) == {"twins", "kept_apart"}


def test_records_of_different_sex_stay_apart_and_go_to_review() -> None:
    clusters, review = _cluster([{"name": "Rizki", "sex": "M"}, {"name": "Rizki", "sex": "F"}], pairs((1, 2, 0.99999)))
    assert clusters[1] != clusters[2]
    assert review.select("reason").row(0) == ("sex",)


def test_a_pair_below_the_auto_merge_threshold_goes_to_review_and_is_not_merged() -> None:
    rows = [{"name": "Rizki Saputra"}, {"name": "Rizki Saputra"}]
    clusters, review = _cluster(rows, pairs((1, 2, 0.95)), auto_merge_threshold=0.99, review_threshold=0.5)
    assert clusters[1] != clusters[2]
    assert review.select("reason").row(0) == ("below_auto_merge",)


def test_a_high_auto_merge_threshold_can_be_lowered_by_configuration() -> None:
    rows = [{"name": "Rizki Saputra"}, {"name": "Rizki Saputra"}]
    clusters, review = _cluster(rows, pairs((1, 2, 0.95)), auto_merge_threshold=0.9, review_threshold=0.5)
    assert clusters[1] == clusters[2]
    assert review.is_empty()


# --- training and linking generated records


@pytest.fixture(scope="module")
def linked(generated: pl.DataFrame) -> LinkResult:
    return link(generated.select(INPUT_COLUMNS), seed=1)


def test_linking_generated_records_merges_true_pairs_with_high_precision(
    linked: LinkResult, generated: pl.DataFrame
) -> None:
    scores = evaluate.pairwise(linked.clustering.merged, generated)
    assert scores.precision >= 0.97
    assert scores.recall >= 0.5


def test_linking_generated_records_merges_no_twins_and_few_siblings(
    linked: LinkResult, generated: pl.DataFrame
) -> None:
    assert evaluate.twins_merged(linked.clustering.clusters, generated) == 0
    assert evaluate.sibling_false_link_rate(linked.clustering.clusters, generated) <= 0.01


def test_scored_pairs_carry_the_level_of_each_comparison_as_evidence(linked: LinkResult) -> None:
    gammas = {c for c in linked.pairs.columns if c.startswith("gamma_")}
    assert gammas == {f"gamma_{c}" for c in ("name", "birth", "nik", "sex", "household", "family", "place", "source")}
    assert linked.pairs.filter(pl.col("record_id_l") >= pl.col("record_id_r")).is_empty()


def test_a_saved_model_loads_with_its_version_and_scores_the_same(
    linked: LinkResult, generated: pl.DataFrame, tmp_path: Path
) -> None:
    path = linked.model.save(tmp_path / "model.json")
    loaded = LinkageModel.load(path)
    assert loaded.model_version == linked.model.model_version
    assert json.loads(path.read_text())["model_version"].startswith(SPEC_VERSION)
    again = loaded.predict(generated.select(INPUT_COLUMNS).head(1500))
    before = link(generated.select(INPUT_COLUMNS).head(1500), model=linked.model).pairs
    assert again.sort("record_id_l", "record_id_r").equals(before.sort("record_id_l", "record_id_r"))


def test_a_model_saved_for_another_specification_must_be_retrained(linked: LinkResult, tmp_path: Path) -> None:
    path = linked.model.save(tmp_path / "model.json")
    payload = json.loads(path.read_text())
    path.write_text(json.dumps(payload | {"spec_version": "sigap-linkage-0"}))
    with pytest.raises(ValueError, match="retrain"):
        LinkageModel.load(path)


def test_the_command_retrains_a_model_from_records_and_saves_it(generated: pl.DataFrame, tmp_path: Path) -> None:
    source = tmp_path / "records.parquet"
    generated.head(2500).write_parquet(source)
    assert main(["train", str(source), str(tmp_path / "model.json"), "7"]) == 0
    model = LinkageModel.load(tmp_path / "model.json")
    assert model.training["seed"] == 7
    assert model.training["records"] == 2500


# --- triage lookup


def test_a_triage_lookup_finds_the_childs_records_with_the_batch_scores(
    linked: LinkResult, generated: pl.DataFrame
) -> None:
    from sigap.identity.linkage.model import Lookup, lookup

    records = generated.select(INPUT_COLUMNS)
    index = Lookup(linked.model, prepare(records, today=TODAY))
    try:
        # A record with several records of its child: look it up as if it came in at triage.
        target = generated.filter(
            pl.col("true_child_id").is_in(
                generated.group_by("true_child_id")
                .len()
                .filter(pl.col("len") >= 4)
                .get_column("true_child_id")
                .implode()
            )
        ).row(0, named=True)
        query = {c: target[c] for c in INPUT_COLUMNS if c != "record_id"}
        found = lookup(linked.model, index, query, top=5)
    finally:
        index.close()
    assert found.get_column("record_id")[0] == target["record_id"]  # itself, as written
    batch = linked.pairs.filter(
        (pl.col("record_id_l") == target["record_id"]) | (pl.col("record_id_r") == target["record_id"])
    ).select(
        record_id=pl.when(pl.col("record_id_l") == target["record_id"]).then("record_id_r").otherwise("record_id_l"),
        batch_probability="match_probability",
    )
    both = found.join(batch, on="record_id")
    assert both.height >= 1
    assert (both.get_column("match_probability") - both.get_column("batch_probability")).abs().max() < 1e-6
