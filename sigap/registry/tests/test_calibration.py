"""The calibration report: AUC, precision at the top k per district, calibration bins, suggested weights."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from sigap.registry import points
from sigap.registry.calibration import calibrate
from sigap.registry.engine import screen
from sigap.registry.generate import generate

MODEL = points.load()


def frame(score: list[int] | np.ndarray, outcome: list[int] | np.ndarray, **columns: object) -> pl.DataFrame:
    return pl.DataFrame({"score": np.asarray(score, dtype=np.int32), "outcome": np.asarray(outcome), **columns})


def test_a_score_that_ranks_every_identified_child_first_has_an_auc_of_one() -> None:
    report = calibrate(frame([9, 8, 7, 1, 0, 0], [1, 1, 1, 0, 0, 0]), "outcome")
    assert report.auc == 1.0


def test_a_score_that_ranks_them_last_has_an_auc_of_zero_and_ties_count_half() -> None:
    assert calibrate(frame([0, 1, 5, 6], [1, 1, 0, 0]), "outcome").auc == 0.0
    assert calibrate(frame([3, 3, 3, 3], [1, 0, 1, 0]), "outcome").auc == 0.5


def test_a_score_unrelated_to_the_outcome_has_an_auc_near_one_half() -> None:
    rng = np.random.default_rng(11)
    report = calibrate(frame(rng.integers(0, 15, 40_000), rng.random(40_000) < 0.1), "outcome")
    assert report.auc == pytest.approx(0.5, abs=0.02)


def test_precision_at_k_counts_the_identified_among_each_districts_top_k() -> None:
    data = frame(
        [9, 8, 7, 6, 5, 9, 1],
        [1, 0, 1, 0, 1, 0, 1],
        district_code=["35.78.01"] * 5 + ["35.78.02"] * 2,
        row_number=list(range(1, 8)),
    )
    report = calibrate(data, "outcome", k=3)
    rows = {r["district_code"]: r for r in report.precision_at_k.iter_rows(named=True)}
    assert (rows["35.78.01"]["listed"], rows["35.78.01"]["hits"]) == (3, 2)
    assert rows["35.78.01"]["precision"] == pytest.approx(2 / 3)
    assert rows["35.78.01"]["base_rate"] == pytest.approx(3 / 5)
    assert (rows["35.78.02"]["listed"], rows["35.78.02"]["hits"]) == (2, 1)
    assert report.mean_precision_at_k == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_bins_hold_every_child_and_a_well_calibrated_score_is_predicted_as_observed() -> None:
    rng = np.random.default_rng(5)
    score = rng.integers(0, 16, 200_000)
    outcome = rng.random(score.size) < 1 / (1 + np.exp(-(-4.0 + 0.3 * score)))
    report = calibrate(frame(score, outcome), "outcome")
    assert int(report.bins["children"].sum()) == 200_000
    assert 6 <= report.bins.height <= 10
    assert report.score_slope == pytest.approx(0.3, abs=0.02)
    gaps = (report.bins["observed_rate"] - report.bins["predicted_rate"]).abs()
    assert float(gaps.max()) < 0.01  # type: ignore[arg-type]
    scores_in_two_bins = report.bins["score_max"].to_list()[:-1]
    assert all(a < b for a, b in zip(scores_in_two_bins, report.bins["score_min"].to_list()[1:], strict=True))


def test_known_log_odds_of_the_factors_are_recovered_and_turned_into_points() -> None:
    rng = np.random.default_rng(3)
    n = 300_000
    truth = {"dropped_out": 1.5, "works": 0.75, "parent_abroad": 0.0}
    flags = {f"f_{code}": rng.random(n) < 0.3 for code in truth}
    logit = -3.0 + sum(beta * flags[f"f_{code}"] for code, beta in truth.items())
    outcome = rng.random(n) < 1 / (1 + np.exp(-logit))
    score = sum(MODEL.factor(code).points * flags[f"f_{code}"] for code in truth)  # type: ignore[union-attr]
    report = calibrate(frame(score, outcome, **flags), "outcome")
    fitted = {c.code: c for c in report.coefficients}
    for code, beta in truth.items():
        assert fitted[code].coefficient == pytest.approx(beta, abs=0.05)
        assert fitted[code].std_error is not None and fitted[code].std_error < 0.03
    assert report.intercept == pytest.approx(-3.0, abs=0.05)
    # the largest coefficient gets the model's largest points (4), the others in proportion
    assert (fitted["dropped_out"].suggested_points, fitted["works"].suggested_points) == (4, 2)
    assert fitted["parent_abroad"].suggested_points == 0
    assert fitted["hazardous_sector"].coefficient is None  # no column in the data: said, not guessed
    assert any("hazardous_sector" in note for note in report.notes)


def test_a_factor_that_never_applies_is_reported_as_not_estimable() -> None:
    rng = np.random.default_rng(2)
    n = 5000
    data = frame(rng.integers(0, 10, n), rng.random(n) < 0.2, f_works=rng.random(n) < 0.5, f_mining=np.zeros(n, bool))
    data = data.rename({"f_mining": "f_hazardous_sector"})
    report = calibrate(data, "outcome")
    fitted = {c.code: c for c in report.coefficients}
    assert fitted["hazardous_sector"].coefficient is None
    assert fitted["works"].coefficient is not None
    assert any("hazardous_sector tidak dapat diperkirakan" in note for note in report.notes)


def test_outcomes_of_one_kind_only_are_refused_in_plain_words() -> None:
    with pytest.raises(ValueError, match="teridentifikasi dan yang tidak"):
        calibrate(frame([1, 2, 3], [0, 0, 0]), "outcome")


def test_the_calibration_plot_is_an_accessible_svg_with_a_circle_per_bin() -> None:
    rng = np.random.default_rng(8)
    score = rng.integers(0, 12, 10_000)
    report = calibrate(frame(score, rng.random(score.size) < score / 40), "outcome")
    svg = report.svg()
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert root.find(f"{ns}title") is not None and root.find(f"{ns}desc") is not None
    assert len(root.findall(f"{ns}circle")) == report.bins.height
    assert "Proporsi teridentifikasi" in svg


def test_a_generated_registry_with_hidden_outcomes_calibrates_end_to_end(tmp_path: Path) -> None:
    made = generate(tmp_path / "r.parquet", 60_000, seed=9, fmt="parquet", with_outcome=True)
    result = screen(made.path, as_of=date(2026, 1, 1), scores_out=tmp_path / "s.parquet")
    report = calibrate(pl.read_parquet(result.scores_path), "outcome", k=20)  # type: ignore[arg-type]
    assert report.children == result.rows_scored
    assert 0.7 < report.auc < 0.95
    assert report.mean_precision_at_k > 2 * report.base_rate
    fitted = {c.code: c.coefficient for c in report.coefficients}
    assert fitted["not_with_parents"] == pytest.approx(0.9, abs=0.35)  # the generator's hidden log-odds
    assert set(report.to_dict()) >= {"auc", "precision_at_k", "bins", "coefficients"}
