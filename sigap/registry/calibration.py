"""How well the registry score ranks and fits, once outcomes are known (children later identified in cases),
and which weights the data would suggest — for people to review, never applied automatically.

Input: the scored children (the Parquet written by ``engine.screen(scores_out=…)``: ``score``, the factor
flags ``f_<code>``, ``district_code``) with an outcome column (1 = identified later, 0 = not).

- **AUC**: the probability that a child later identified has a higher score than one not identified (ties
  count half) — the Mann–Whitney U statistic divided by the number of pairs, from average ranks.
- **Precision at the top k per district**: of the k highest-scored children of each district (score, then
  row number), the share later identified, beside the district's base rate.
- **Calibration bins**: children grouped by score into (about) ten bins of similar size — a score value is
  never split — each with its count, observed rate and the rate predicted by a logistic fit of the outcome
  on the score.
- **Suggested weights**: a logistic regression of the outcome on the factor flags (fitted on the counts of
  each combination of flags, which gives exactly the per-child maximum-likelihood estimates and standard
  errors); each coefficient is scaled so that the largest one gets the largest points of the current model,
  and rounded.

Pure library code: no Django. Heavy lifting is columnar (Polars) and on grouped counts.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np
import polars as pl
from scipy.stats import rankdata

from . import points as points_module
from .points import Points

BINS = 10


@dataclass(frozen=True)
class Coefficient:
    code: str
    coefficient: float | None  # log-odds; None when the factor could not be estimated
    std_error: float | None
    p_value: float | None
    current_points: int
    suggested_points: int | None


@dataclass
class CalibrationReport:
    children: int
    identified: int
    auc: float
    k: int
    precision_at_k: pl.DataFrame  # district_code, children, identified, listed, hits, precision, base_rate
    bins: pl.DataFrame  # bin, score_min, score_max, children, identified, observed_rate, predicted_rate
    score_intercept: float
    score_slope: float
    intercept: float | None
    coefficients: list[Coefficient]
    points_version: str
    notes: list[str] = field(default_factory=list)

    @property
    def base_rate(self) -> float:
        return self.identified / self.children if self.children else 0.0

    @property
    def mean_precision_at_k(self) -> float:
        """Mean over districts of the precision at the top k."""
        if not self.precision_at_k.height:
            return 0.0
        return float(self.precision_at_k["precision"].mean())  # type: ignore[arg-type]

    def to_dict(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "identified": self.identified,
            "base_rate": self.base_rate,
            "auc": self.auc,
            "k": self.k,
            "mean_precision_at_k": self.mean_precision_at_k,
            "precision_at_k": self.precision_at_k.to_dicts(),
            "bins": self.bins.to_dicts(),
            "score_fit": {"intercept": self.score_intercept, "slope": self.score_slope},
            "intercept": self.intercept,
            "coefficients": [c.__dict__ for c in self.coefficients],
            "points_version": self.points_version,
            "notes": self.notes,
        }

    def svg(self, *, width: int = 360, height: int = 320, title: str = "Plot kalibrasi skor registri") -> str:
        return calibration_svg(self.bins, width=width, height=height, title=title)


def calibrate(
    scores: pl.DataFrame, outcome_column: str, *, k: int = 20, points: Points | None = None
) -> CalibrationReport:
    """The calibration report of `scores` (one row per scored child) against `outcome_column` (0/1)."""
    model = points or points_module.load()
    if outcome_column not in scores.columns:
        raise ValueError(f"Kolom hasil {outcome_column!r} tidak ada pada data skor.")
    if "score" not in scores.columns:
        raise ValueError("Kolom 'score' tidak ada pada data skor.")
    if k < 1:
        raise ValueError("k harus paling sedikit 1.")
    data = scores.with_columns(pl.col(outcome_column).cast(pl.Int8, strict=False).alias("_y")).filter(
        pl.col("_y").is_in([0, 1]) & pl.col("score").is_not_null()
    )
    notes = []
    dropped = scores.height - data.height
    if dropped:
        notes.append(f"{dropped} baris tanpa hasil 0/1 atau tanpa skor tidak dihitung.")
    n = data.height
    identified = int(data["_y"].sum())
    if identified == 0 or identified == n:
        raise ValueError("Kalibrasi memerlukan anak yang teridentifikasi dan yang tidak (hasil 1 dan 0).")
    if "row_number" not in data.columns:
        data = data.with_row_index("row_number", offset=1)
    if "district_code" not in data.columns:
        data = data.with_columns(district_code=pl.lit("semua"))

    intercept_s, slope_s = _score_fit(data)
    intercept, coefficients, fit_notes = _factor_fit(data, model)
    return CalibrationReport(
        children=n,
        identified=identified,
        auc=auc(data["score"].to_numpy(), data["_y"].to_numpy()),
        k=k,
        precision_at_k=_precision_at_k(data, k),
        bins=_bins(data, intercept_s, slope_s),
        score_intercept=intercept_s,
        score_slope=slope_s,
        intercept=intercept,
        coefficients=coefficients,
        points_version=model.version,
        notes=notes + fit_notes,
    )


def auc(score: np.ndarray, outcome: np.ndarray) -> float:
    """Area under the ROC curve = Mann–Whitney U / (positives × negatives), ties counted half."""
    y = np.asarray(outcome).astype(bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if not positives or not negatives:
        raise ValueError("AUC needs both outcomes")
    ranks = rankdata(np.asarray(score, dtype=float))  # average ranks for ties
    u = float(ranks[y].sum()) - positives * (positives + 1) / 2
    return u / (positives * negatives)


def _precision_at_k(data: pl.DataFrame, k: int) -> pl.DataFrame:
    ranked = data.sort(["district_code", "score", "row_number"], descending=[False, True, False]).with_columns(
        _rank=pl.int_range(1, pl.len() + 1).over("district_code")
    )
    return (
        ranked.group_by("district_code")
        .agg(
            children=pl.len(),
            identified=pl.col("_y").sum().cast(pl.Int64),
            listed=(pl.col("_rank") <= k).sum().cast(pl.Int64),
            hits=pl.col("_y").filter(pl.col("_rank") <= k).sum().cast(pl.Int64),
        )
        .with_columns(
            precision=pl.col("hits") / pl.col("listed"),
            base_rate=pl.col("identified") / pl.col("children"),
        )
        .sort("district_code")
    )


def _glm_binomial(successes: np.ndarray, trials: np.ndarray, design: np.ndarray) -> Any:
    import statsmodels.api as sm

    endog = np.column_stack([successes, trials - successes]).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sm.GLM(endog, design, family=sm.families.Binomial()).fit()


def _score_fit(data: pl.DataFrame) -> tuple[float, float]:
    grouped = data.group_by("score").agg(n=pl.len(), y=pl.col("_y").sum()).sort("score")
    score = grouped["score"].to_numpy().astype(float)
    design = np.column_stack([np.ones_like(score), score])
    if score.size < 2:
        rate = float(grouped["y"].sum()) / float(grouped["n"].sum())
        return math.log(rate / (1 - rate)), 0.0
    fit = _glm_binomial(grouped["y"].to_numpy(), grouped["n"].to_numpy(), design)
    return float(fit.params[0]), float(fit.params[1])


def _factor_fit(data: pl.DataFrame, model: Points) -> tuple[float | None, list[Coefficient], list[str]]:
    notes: list[str] = []
    flags = [f for f in model.factors if f.flag in data.columns]
    missing = [f.code for f in model.factors if f.flag not in data.columns]
    if missing:
        notes.append(f"Faktor tanpa kolom pada data skor: {', '.join(missing)}.")
    usable = []
    for f in flags:
        share = data[f.flag].cast(pl.Float64).mean()
        if share is None or share in (0.0, 1.0):
            notes.append(
                f"Faktor {f.code} tidak dapat diperkirakan: {'tidak pernah' if not share else 'selalu'} berlaku."
            )
        else:
            usable.append(f)
    if not usable:
        return None, [Coefficient(f.code, None, None, None, f.points, None) for f in model.factors], notes
    grouped = data.group_by([f.flag for f in usable]).agg(n=pl.len(), y=pl.col("_y").sum())
    x = grouped.select([pl.col(f.flag).cast(pl.Float64) for f in usable]).to_numpy()
    design = np.column_stack([np.ones(x.shape[0]), x])
    try:
        fit = _glm_binomial(grouped["y"].to_numpy(), grouped["n"].to_numpy(), design)
        params, errors, pvalues = np.asarray(fit.params), np.asarray(fit.bse), np.asarray(fit.pvalues)
    except (np.linalg.LinAlgError, ValueError) as exc:
        notes.append(f"Regresi logistik faktor gagal: {exc}.")
        return None, [Coefficient(f.code, None, None, None, f.points, None) for f in model.factors], notes
    if not np.all(np.isfinite(errors)):
        notes.append("Sebagian faktor saling bergantung sempurna; koefisiennya tidak stabil.")
    largest_points = max((f.points for f in model.factors), default=1)
    largest_coef = max((abs(float(b)) for b in params[1:]), default=0.0)
    scale = largest_points / largest_coef if largest_coef > 0 else 0.0
    fitted = {f.code: i + 1 for i, f in enumerate(usable)}
    coefficients = []
    for f in model.factors:
        i = fitted.get(f.code)
        if i is None:
            coefficients.append(Coefficient(f.code, None, None, None, f.points, None))
            continue
        b = float(params[i])
        coefficients.append(Coefficient(f.code, b, float(errors[i]), float(pvalues[i]), f.points, round(b * scale)))
    return float(params[0]), coefficients, notes


def _bins(data: pl.DataFrame, intercept: float, slope: float) -> pl.DataFrame:
    """About BINS bins of similar size over the score, never splitting a score value."""
    counts = data.group_by("score").agg(n=pl.len(), y=pl.col("_y").sum()).sort("score")
    total = int(counts["n"].sum())
    cumulative = counts["n"].cum_sum().to_numpy()
    # a score value's bin: where the middle of its run of children falls among BINS equal slices
    middle = cumulative - counts["n"].to_numpy() / 2
    bins = np.minimum((middle * BINS / total).astype(int), BINS - 1)
    counts = counts.with_columns(bin=pl.Series(bins, dtype=pl.Int32))
    predicted = 1 / (1 + (-(intercept + slope * pl.col("score").cast(pl.Float64))).exp())
    result = (
        counts.with_columns(_p=predicted * pl.col("n"))
        .group_by("bin")
        .agg(
            score_min=pl.col("score").min(),
            score_max=pl.col("score").max(),
            children=pl.col("n").sum().cast(pl.Int64),
            identified=pl.col("y").sum().cast(pl.Int64),
            _p=pl.col("_p").sum(),
        )
        .sort("bin")
        .with_columns(
            bin=pl.int_range(1, pl.len() + 1, dtype=pl.Int32),
            observed_rate=pl.col("identified") / pl.col("children"),
            predicted_rate=pl.col("_p") / pl.col("children"),
        )
        .drop("_p")
    )
    return result


def calibration_svg(bins: pl.DataFrame, *, width: int = 360, height: int = 320, title: str = "") -> str:
    """An inline SVG calibration plot: predicted (x) against observed (y) rate per bin, a circle per bin
    sized by its count, the diagonal of perfect calibration; axes labelled in Bahasa Indonesia."""
    left, right, top, bottom = 52, 16, 28, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    rates = bins.select(pl.max("observed_rate", "predicted_rate").fill_null(0.0).max()).row(0)
    top_rate = max(0.05, *(float(r) for r in rates))
    top_rate = math.ceil(top_rate * 20) / 20  # round up to 5 %

    def x(v: float) -> float:
        return left + plot_w * v / top_rate

    def y(v: float) -> float:
        return top + plot_h * (1 - v / top_rate)

    most = max(int(bins.select(pl.col("children").max().fill_null(1)).item()), 1)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-labelledby="cal-title cal-desc" font-family="sans-serif" font-size="11">'
        ),
        f'<title id="cal-title">{escape(title)}</title>',
        (
            '<desc id="cal-desc">Setiap lingkaran adalah satu kelompok skor: sumbu mendatar peluang yang '
            "diprediksi, sumbu tegak proporsi anak yang kemudian teridentifikasi. Garis diagonal berarti "
            "kalibrasi sempurna.</desc>"
        ),
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
        (
            f'<line x1="{x(0):.1f}" y1="{y(0):.1f}" x2="{x(top_rate):.1f}" y2="{y(top_rate):.1f}" '
            'stroke="#bbb" stroke-dasharray="4 3"/>'
        ),
    ]
    steps = 5
    for i in range(steps + 1):
        v = top_rate * i / steps
        parts.append(f'<text x="{x(v):.1f}" y="{top + plot_h + 14}" text-anchor="middle">{v:.0%}</text>')
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0%}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle">Peluang diprediksi</text>')
    parts.append(
        f'<text x="14" y="{top + plot_h / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 14 {top + plot_h / 2:.1f})">Proporsi teridentifikasi</text>'
    )
    for row in bins.iter_rows(named=True):
        r = 3 + 9 * math.sqrt(row["children"] / most)
        label = (
            f"Skor {row['score_min']}–{row['score_max']}: {row['children']} anak, "
            f"teramati {row['observed_rate']:.1%}, diprediksi {row['predicted_rate']:.1%}"
        )
        parts.append(
            f'<circle cx="{x(row["predicted_rate"]):.1f}" cy="{y(row["observed_rate"]):.1f}" r="{r:.1f}" '
            f'fill="#1f6feb" fill-opacity="0.55" stroke="#0b3d91"><title>{escape(label)}</title></circle>'
        )
    parts.append("</svg>")
    return "".join(parts)
