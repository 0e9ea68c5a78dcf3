"""The registry risk points model (``data/risk_points.json``): loading, validation and the translation of
its conditions into Polars and Spark expressions.

A factor's condition (``when``) is one JSON object:

- ``{"column": "school_status", "eq": "dropped_out"}`` — equality (``ne`` for inequality);
- ``{"column": "sector", "in": ["mining", "fishing"]}`` — membership (``not_in`` likewise);
- ``{"column": "age", "gte": 13}`` — numeric comparison: ``gt``, ``gte``, ``lt``, ``lte``;
- ``{"column": "welfare_decile", "is_null": true}`` — the value is blank (or, with ``false``, is not);
- ``{"all": [cond, …]}``, ``{"any": [cond, …]}``, ``{"not": cond}``.

A comparison on a blank (unknown) value is false: an unknown never adds points. ``not`` negates that
result. Both translators apply exactly this rule, so the embedded engine and Spark cannot disagree.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from .schema import CONDITION_COLUMNS

if TYPE_CHECKING:
    from pyspark.sql import Column

PATH = Path(__file__).parent / "data" / "risk_points.json"
COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte")
OPERATORS = (*COMPARISONS, "in", "not_in", "is_null")
Condition = dict[str, Any]


class PointsFileError(ValueError):
    """The points file is missing, not JSON, or not a valid points model; the message says where and why."""


@dataclass(frozen=True)
class Factor:
    code: str
    name_id: str
    name_en: str
    points: int
    when: Condition

    def name(self, language: str) -> str:
        return self.name_en if language.startswith("en") else self.name_id

    @property
    def flag(self) -> str:
        """The boolean column holding whether the factor applies to a child."""
        return f"f_{self.code}"


@dataclass(frozen=True)
class Points:
    version: str
    description_id: str
    description_en: str
    outreach_threshold: int
    factors: tuple[Factor, ...]  # highest points first; equal points keep the file's order

    def factor(self, code: str) -> Factor | None:
        return next((f for f in self.factors if f.code == code), None)

    @property
    def max_score(self) -> int:
        return sum(f.points for f in self.factors if f.points > 0)


def load(path: Path | str | None = None) -> Points:
    """Read and validate a points file (the shipped one by default). Raises ValueError saying what is wrong."""
    path = Path(path) if path is not None else PATH
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PointsFileError(f"{path}: cannot read the points file ({exc.strerror or exc}).") from exc
    except json.JSONDecodeError as exc:
        raise PointsFileError(f"{path}: not valid JSON (line {exc.lineno}: {exc.msg}).") from exc
    return parse(raw, str(path))


def parse(raw: Any, where: str = "points") -> Points:
    """Validate a points definition already read from JSON."""
    if not isinstance(raw, dict):
        raise PointsFileError(f"{where}: expected a JSON object with version, outreach_threshold and factors.")
    version = raw.get("version")
    if not isinstance(version, str) or not version.strip():
        raise PointsFileError(f"{where}: 'version' must be a non-empty string.")
    threshold = raw.get("outreach_threshold")
    if not isinstance(threshold, int) or isinstance(threshold, bool):
        raise PointsFileError(f"{where}: 'outreach_threshold' must be an integer.")
    description = raw.get("description", {})
    if not isinstance(description, dict) or not all(isinstance(description.get(k), str) for k in ("id", "en")):
        raise PointsFileError(f"{where}: 'description' must be an object with 'id' and 'en' texts.")
    items = raw.get("factors")
    if not isinstance(items, list) or not items:
        raise PointsFileError(f"{where}: 'factors' must be a non-empty list.")
    factors: list[Factor] = []
    for i, item in enumerate(items, start=1):
        at = f"{where}: factor {i}"
        if not isinstance(item, dict):
            raise PointsFileError(f"{at}: expected an object.")
        code = item.get("code")
        if not isinstance(code, str) or not code.isidentifier() or not code.islower():
            raise PointsFileError(f"{at}: 'code' must be a lower-case identifier such as 'dropped_out'.")
        at = f"{where}: factor {code!r}"
        if any(f.code == code for f in factors):
            raise PointsFileError(f"{at}: the code is used twice.")
        for key in ("name_id", "name_en"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise PointsFileError(f"{at}: '{key}' must be a non-empty text.")
        points = item.get("points")
        if not isinstance(points, int) or isinstance(points, bool):
            raise PointsFileError(f"{at}: 'points' must be an integer.")
        if "when" not in item:
            raise PointsFileError(f"{at}: 'when' (the condition) is missing.")
        check_condition(item["when"], at)
        factors.append(Factor(code, item["name_id"].strip(), item["name_en"].strip(), points, item["when"]))
    factors.sort(key=lambda f: -f.points)  # stable: equal points keep the file's order
    return Points(version.strip(), description["id"], description["en"], threshold, tuple(factors))


def check_condition(cond: Any, at: str) -> None:
    if not isinstance(cond, dict):
        raise PointsFileError(f"{at}: a condition must be an object, got {cond!r}.")
    for group in ("all", "any"):
        if group in cond:
            if set(cond) != {group} or not isinstance(cond[group], list) or not cond[group]:
                raise PointsFileError(f"{at}: '{group}' must be the only key and hold a non-empty list of conditions.")
            for sub in cond[group]:
                check_condition(sub, at)
            return
    if "not" in cond:
        if set(cond) != {"not"}:
            raise PointsFileError(f"{at}: 'not' must be the only key of its condition.")
        check_condition(cond["not"], at)
        return
    column = cond.get("column")
    if column not in CONDITION_COLUMNS:
        known = ", ".join(CONDITION_COLUMNS)
        raise PointsFileError(f"{at}: unknown column {column!r} in a condition (known: {known}).")
    ops = [k for k in cond if k != "column"]
    if len(ops) != 1 or ops[0] not in OPERATORS:
        raise PointsFileError(f"{at}: a condition on {column!r} needs exactly one operator of {', '.join(OPERATORS)}.")
    op, value = ops[0], cond[ops[0]]
    kind, allowed = CONDITION_COLUMNS[column]
    if op == "is_null":
        if not isinstance(value, bool):
            raise PointsFileError(f"{at}: 'is_null' takes true or false.")
        return
    values = value if op in ("in", "not_in") else [value]
    if op in ("in", "not_in") and (not isinstance(value, list) or not value):
        raise PointsFileError(f"{at}: '{op}' on {column!r} needs a non-empty list.")
    if kind == "bool" and op not in ("eq", "ne"):
        raise PointsFileError(f"{at}: {column!r} is yes/no: use 'eq' or 'ne' with true or false.")
    if op in ("gt", "gte", "lt", "lte") and kind not in ("int", "float"):
        raise PointsFileError(f"{at}: '{op}' needs a numeric column, {column!r} is not.")
    for v in values:
        if not _fits(kind, v):
            raise PointsFileError(f"{at}: {v!r} is not a valid value for {column!r} ({kind}).")
        if allowed is not None and v not in allowed:
            raise PointsFileError(f"{at}: {v!r} is not a known {column!r} (known: {', '.join(allowed)}).")


def _fits(kind: str, value: Any) -> bool:
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- translators ------------------------------------------------------------------------------------------


def to_polars(cond: Condition) -> pl.Expr:
    """The condition as a Polars boolean expression that is never null."""
    if "all" in cond:
        return pl.all_horizontal([to_polars(c) for c in cond["all"]])
    if "any" in cond:
        return pl.any_horizontal([to_polars(c) for c in cond["any"]])
    if "not" in cond:
        return to_polars(cond["not"]).not_()
    col = pl.col(cond["column"])
    op = next(k for k in cond if k != "column")
    value = cond[op]
    if op == "is_null":
        return col.is_null() if value else col.is_not_null()
    expr: pl.Expr
    if op == "in":
        expr = col.is_in(value)
    elif op == "not_in":
        expr = col.is_in(value).not_()
    else:
        expr = {
            "eq": col == value,
            "ne": col != value,
            "gt": col > value,
            "gte": col >= value,
            "lt": col < value,
            "lte": col <= value,
        }[op]
    return pl.when(col.is_null()).then(pl.lit(False)).otherwise(expr)


def to_spark(cond: Condition) -> Column:
    """The same condition as a Spark Column expression that is never null."""
    from functools import reduce

    from pyspark.sql import functions as F

    if "all" in cond:
        return reduce(lambda a, b: a & b, [to_spark(c) for c in cond["all"]])
    if "any" in cond:
        return reduce(lambda a, b: a | b, [to_spark(c) for c in cond["any"]])
    if "not" in cond:
        return ~to_spark(cond["not"])
    col = F.col(cond["column"])
    op = next(k for k in cond if k != "column")
    value = cond[op]
    if op == "is_null":
        return col.isNull() if value else col.isNotNull()
    if op == "in":
        expr = col.isin(value)
    elif op == "not_in":
        expr = ~col.isin(value)
    else:
        lit = F.lit(value)
        expr = {
            "eq": col == lit,
            "ne": col != lit,
            "gt": col > lit,
            "gte": col >= lit,
            "lt": col < lit,
            "lte": col <= lit,
        }[op]
    return F.when(col.isNull(), F.lit(False)).otherwise(expr)


def polars_flags(points: Points) -> list[pl.Expr]:
    """One boolean column `f_<code>` per factor."""
    return [to_polars(f.when).alias(f.flag) for f in points.factors]


def polars_score(points: Points) -> pl.Expr:
    """The score from the flag columns (integer sum of the points of the factors that apply)."""
    return pl.sum_horizontal([pl.col(f.flag).cast(pl.Int32) * f.points for f in points.factors]).cast(pl.Int32)


def polars_mask(points: Points) -> pl.Expr:
    """The flag columns packed into one integer: bit i is set when `points.factors[i]` applies."""
    if len(points.factors) > 62:
        raise PointsFileError("at most 62 factors")
    return pl.sum_horizontal([pl.col(f.flag).cast(pl.Int64) * (1 << i) for i, f in enumerate(points.factors)])


def polars_unmask(points: Points, mask: str = "fmask") -> list[pl.Expr]:
    """The flag columns `f_<code>` back from the packed integer column `mask`."""
    return [((pl.col(mask) & (1 << i)) != 0).alias(f.flag) for i, f in enumerate(points.factors)]


def polars_top_factors(points: Points, limit: int = 3, mask: str = "fmask") -> pl.Expr:
    """The codes of the factors that apply (from the packed column `mask`), highest points first, at most
    `limit`."""
    positive = [(i, f) for i, f in enumerate(points.factors) if f.points > 0]
    if not positive:
        return pl.lit([], dtype=pl.List(pl.String))
    return (
        pl.concat_list([pl.when((pl.col(mask) & (1 << i)) != 0).then(pl.lit(f.code)) for i, f in positive])
        .list.drop_nulls()
        .list.head(limit)
    )
