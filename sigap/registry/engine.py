"""Score a whole social-protection registry and draw the outreach lists, streaming and columnar.

One pass over the file (CSV or Parquet) with Polars' streaming engine: the file is read, validated
(:mod:`sigap.registry.schema`) and scored (:mod:`sigap.registry.points`) batch by batch; each batch adds
its rejected rows to the error list, its per-village sums to the area table and its best candidates per
village to a small running short list. Nothing is done per row in Python; memory is bounded by the batch
size and the short list, not by the file.

Safeguard: the identities (NIK, name, date of birth, household) of a child leave this module only when the
child is placed on an outreach list. Every scored child's score comes out only when asked
(``scores_out``), as a Parquet file the caller owns.

Outreach order inside a village: score (highest first), then the younger child first — among children
with the same score the younger one has had fewer years to be protected by school and is furthest from
the legal working age, and an early visit changes the most — then the row number in the file.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from . import points as points_module
from .points import Points
from .schema import COLUMNS, OUTCOME, UNREADABLE, empty_errors, errors_of, header_map, missing_required, prepare

BATCH_ROWS = int(os.environ.get("SIGAP_REGISTRY_BATCH_ROWS", "150000"))
BLOCK_BYTES = int(os.environ.get("SIGAP_REGISTRY_BLOCK_BYTES", str(16 << 20)))
PROGRESS_EVERY = 100_000  # at most one progress call per this many rows (and one per batch)
TOP_FACTORS = 3

OUTREACH_COLUMNS = (
    "row_number",
    "source_id",
    "nik",
    "name",
    "birth_date",
    "sex",
    "age",
    "village_code",
    "district_code",
    "regency_code",
    "province_code",
    "household_id",
    "score",
    "factors",
    "rank_in_village",
    "rank_in_district",
)
AREA_KEYS = ("province_code", "regency_code", "district_code", "village_code")


class RegistryFileError(ValueError):
    """The file as a whole cannot be screened (missing, unreadable, not CSV/Parquet, required columns
    absent). The message is in Bahasa Indonesia, fit to show to the person who gave the file."""


@dataclass
class ScreenResult:
    rows_read: int
    rows_scored: int
    rows_rejected: int
    outreach: pl.DataFrame
    areas: pl.DataFrame
    errors: pl.DataFrame
    points_version: str
    scores_path: Path | None


def factor_words(codes: list[str], language: str, points: Points | None = None) -> list[str]:
    """The factors' names in `language` ("id" or "en…"), in the given order; an unknown code is shown as is."""
    model = points or points_module.load()
    words = []
    for code in codes:
        factor = model.factor(code)
        words.append(factor.name(language) if factor else code)
    return words


def screen(
    source: Path,
    *,
    points: Points | None = None,
    as_of: date | None = None,
    per_village: int = 20,
    threshold: int | None = None,
    scores_out: Path | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ScreenResult:
    """Score every child in the registry file `source` and list, per village, at most `per_village`
    children whose score is at least `threshold` (the points file's `outreach_threshold` by default)."""
    model = points or points_module.load()
    cutoff = model.outreach_threshold if threshold is None else threshold
    if per_village < 1:
        raise ValueError("per_village must be at least 1")
    as_of = as_of or date.today()
    reader = _open(Path(source))
    has_outcome = OUTCOME in reader.columns
    total = reader.total

    reporter = _Progress(progress, total)
    errors: list[pl.DataFrame] = []
    area_parts: list[pl.DataFrame] = []
    shortlist = _Shortlist(per_village)
    writer: pq.ParquetWriter | None = None
    rows_read = rows_scored = 0
    try:
        for block in reader:
            batch = _score(block, model, as_of)
            rows_read += batch.height
            rejected = batch.get_column("rejected")
            bad = int(rejected.sum())
            if bad:
                errors.append(_compact(errors_of(batch.filter(rejected))))
            good = batch.filter(~rejected) if bad else batch
            rows_scored += good.height
            area_parts.append(
                _compact(
                    good.group_by("village_code").agg(
                        children=pl.len().cast(pl.Int64),
                        score_sum=pl.col("score").sum().cast(pl.Int64),
                        at_or_above_threshold=(pl.col("score") >= cutoff).sum().cast(pl.Int64),
                        max_score=pl.col("score").max(),
                    )
                )
            )
            if len(area_parts) >= 16:
                area_parts = [_sum_areas(area_parts)]
            shortlist.add(_compact(good.filter(pl.col("score") >= cutoff).select(_CANDIDATE_COLUMNS)))
            if scores_out is not None:
                table = good.select(
                    "row_number",
                    "source_id",
                    "nik",
                    "household_id",
                    "age",
                    "sex",
                    *AREA_KEYS,
                    "score",
                    *points_module.polars_unmask(model),
                    *([pl.col(OUTCOME)] if has_outcome else []),
                ).to_arrow()
                if writer is None:
                    scores_out.parent.mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(scores_out, table.schema, compression="zstd")
                writer.write_table(table)
            reporter(rows_read)
    finally:
        if writer is not None:
            writer.close()
    if scores_out is not None and writer is None:  # no child scored: still give the caller a readable file
        pl.DataFrame(schema={"row_number": pl.Int64, "score": pl.Int32}).write_parquet(scores_out)
    reporter.finish(rows_read)

    return ScreenResult(
        rows_read=rows_read,
        rows_scored=rows_scored,
        rows_rejected=rows_read - rows_scored,
        outreach=_outreach(shortlist.result(), model),
        areas=_areas(area_parts, cutoff),
        errors=pl.concat(errors) if errors else empty_errors(),
        points_version=model.version,
        scores_path=scores_out,
    )


def _score(block: pl.DataFrame, model: Points, as_of: date) -> pl.DataFrame:
    """A block of the file (string columns under schema names, `row_number`) validated and scored."""
    lf = prepare(block.lazy(), as_of).with_columns(points_module.polars_flags(model))
    lf = lf.with_columns(score=points_module.polars_score(model), fmask=points_module.polars_mask(model))
    return lf.collect(engine="in-memory")


_CANDIDATE_COLUMNS = (
    "row_number",
    "source_id",
    "nik",
    "name",
    "birth_date",
    "sex",
    "household_id",
    "age",
    "village_code",
    "score",
    "fmask",
)


# --- reading ------------------------------------------------------------------------------------------------


class _Reader:
    """The file in blocks of string columns under schema names with their `row_number`, read one block
    at a time (the next block is read in a second thread while the current one is scored)."""

    def __init__(self, path: Path, columns: list[str], total: int | None, blocks: Callable[[], Iterator[pl.DataFrame]]):
        self.path = path
        self.columns = columns
        self.total = total
        self._blocks = blocks

    def __iter__(self) -> Iterator[pl.DataFrame]:
        with ThreadPoolExecutor(max_workers=1) as pool:
            it = self._blocks()
            ahead = pool.submit(next, it, None)
            while (block := ahead.result()) is not None:
                ahead = pool.submit(next, it, None)
                yield block


def _open(path: Path) -> _Reader:
    if not path.is_file():
        raise RegistryFileError(f"Berkas registri {path.name} tidak ditemukan.")
    try:
        with path.open("rb") as handle:
            head = handle.read(65536)
    except OSError as exc:
        raise RegistryFileError(f"Berkas registri {path.name} tidak dapat dibaca ({exc.strerror}).") from exc
    if head.startswith(b"PAR1"):
        return _open_parquet(path)
    return _open_csv(path, head)


def _check_columns(path: Path, names: list[str]) -> dict[str, str]:
    missing = missing_required(names)
    if missing:
        raise RegistryFileError(
            f"Kolom wajib tidak ada di berkas {path.name}: {', '.join(missing)}. "
            f"Kolom yang dikenali: {', '.join((*COLUMNS, OUTCOME))}."
        )
    return header_map(names)


def _conform(frame: pl.DataFrame, mapping: dict[str, str], first_row: int) -> pl.DataFrame:
    """Schema names, every schema column present (missing optional ones blank), strings, `row_number`."""
    present = set(mapping.values())
    return frame.select(
        pl.int_range(first_row, first_row + pl.len(), dtype=pl.Int64).alias("row_number"),
        *(pl.col(src).cast(pl.String).alias(dst) for src, dst in mapping.items() if dst != OUTCOME),
        *(pl.lit(None, dtype=pl.String).alias(c) for c in COLUMNS if c not in present),
        *([pl.col(k).cast(pl.Int8, strict=False).alias(OUTCOME) for k, v in mapping.items() if v == OUTCOME]),
        *([pl.col(UNREADABLE)] if UNREADABLE in frame.columns else []),
    )


def _parse_lines(block: bytes, names: list[str], separator: str) -> pl.DataFrame:
    """The slow path for a block Polars cannot parse (an unclosed quote swallows the lines after it): each
    line on its own with the csv module; a line that still fails is kept as an unreadable row (column
    `line`), so every later line keeps its number."""
    lines = block.decode("utf-8", errors="replace").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = len(names)
    rows: list[list[str | None]] = []
    unreadable: list[str | None] = []
    for line in lines:
        try:
            fields: list[str | None] = list(next(csv.reader([line.rstrip("\r")], delimiter=separator, strict=True), []))
            rows.append((fields + [None] * width)[:width])
            unreadable.append(None)
        except csv.Error:
            rows.append([None] * width)
            unreadable.append(line.rstrip("\r") or " ")
    columns = {name: [row[i] or None for row in rows] for i, name in enumerate(names)}
    return pl.DataFrame({**columns, UNREADABLE: unreadable}, schema={n: pl.String for n in [*names, UNREADABLE]})


def _open_parquet(path: Path) -> _Reader:
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        total = int(parquet.metadata.num_rows)
    except Exception as exc:
        raise RegistryFileError(f"Berkas Parquet {path.name} rusak atau tidak dapat dibaca.") from exc
    mapping = _check_columns(path, names)

    def blocks() -> Iterator[pl.DataFrame]:
        first = 1  # Parquet: the first data row is row 1
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS, columns=list(mapping)):
            frame = pl.from_arrow(batch)
            assert isinstance(frame, pl.DataFrame)
            yield _conform(frame, mapping, first)
            first += frame.height

    return _Reader(path, list(mapping.values()), total, blocks)


def _open_csv(path: Path, head: bytes) -> _Reader:
    """CSV, comma- or semicolon-separated (whichever the header has more of), UTF-8 (a BOM is allowed).
    The file is cut into blocks at line breaks and each block parsed by Polars; a row's number is its line
    number (header = line 1), which holds as long as no value contains a line break."""
    line, _, _ = head.partition(b"\n")
    try:
        header = line.decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError as exc:
        raise RegistryFileError(
            f"Berkas {path.name} bukan CSV UTF-8 atau Parquet. Simpan registri sebagai CSV (UTF-8) atau Parquet."
        ) from exc
    if not header.strip():
        raise RegistryFileError(f"Berkas registri {path.name} kosong atau baris judulnya kosong.")
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        names = pl.read_csv(io.BytesIO(line + b"\n"), separator=separator, infer_schema=False).columns
    except Exception as exc:
        raise RegistryFileError(f"Baris judul berkas CSV {path.name} tidak dapat dibaca.") from exc
    mapping = _check_columns(path, names)
    size = path.stat().st_size
    header_bytes = len(line) + 1
    average = max(len(head) / max(head.count(b"\n"), 1), 1.0)
    total = int((size - header_bytes) / average) if size > len(head) else max(head.count(b"\n") - 1, 0)

    def parse(block: bytes, first: int) -> pl.DataFrame:
        try:
            frame = pl.read_csv(
                io.BytesIO(block),
                has_header=False,
                new_columns=names,
                separator=separator,
                infer_schema=False,
                truncate_ragged_lines=True,
                encoding="utf8-lossy",
                columns=[names.index(c) for c in mapping],
            )
        except pl.exceptions.PolarsError:
            frame = _parse_lines(block, names, separator).select(*mapping, UNREADABLE)
        return _conform(frame, mapping, first)

    def blocks() -> Iterator[pl.DataFrame]:
        first = 2  # CSV: the header is line 1
        with path.open("rb") as handle:
            handle.seek(header_bytes)
            rest = b""
            while True:
                chunk = handle.read(BLOCK_BYTES)
                data = rest + chunk
                if not chunk:
                    if data.strip(b"\r\n"):
                        yield parse(data, first)
                    return
                cut = data.rfind(b"\n") + 1
                if cut == 0:
                    rest = data
                    continue
                block, rest = data[:cut], data[cut:]
                lines = block.count(b"\n")
                frame = parse(block, first)
                first += lines
                yield frame

    return _Reader(path, list(mapping.values()), total, blocks)


# --- outreach and areas -------------------------------------------------------------------------------------

_ORDER = ["village_code", "score", "birth_date", "row_number"]
_DESC = [False, True, True, False]


class _Shortlist:
    """The candidates (score ≥ threshold) seen so far, cut to the best `per_village` per village whenever
    they pile up, so memory stays bounded whatever the threshold."""

    def __init__(self, per_village: int) -> None:
        self.per_village = per_village
        self.parts: list[pl.DataFrame] = []
        self.rows = 0
        self.limit = 1_000_000

    def add(self, candidates: pl.DataFrame) -> None:
        if not candidates.height:
            return
        self.parts.append(candidates)
        self.rows += candidates.height
        if self.rows > self.limit:
            self.parts = [self._top(pl.concat(self.parts))]
            self.rows = self.parts[0].height
            self.limit = max(self.limit, 2 * self.rows)

    def _top(self, frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.sort(_ORDER, descending=_DESC, nulls_last=True)
            .group_by("village_code", maintain_order=True)
            .head(self.per_village)
        )

    def result(self) -> pl.DataFrame | None:
        if not self.parts:
            return None
        return self._top(pl.concat(self.parts))


def _outreach(candidates: pl.DataFrame | None, model: Points) -> pl.DataFrame:
    schema = pl.Schema(
        {
            "row_number": pl.Int64(),
            "source_id": pl.String(),
            "nik": pl.String(),
            "name": pl.String(),
            "birth_date": pl.Date(),
            "sex": pl.String(),
            "age": pl.Int32(),
            "village_code": pl.String(),
            "district_code": pl.String(),
            "regency_code": pl.String(),
            "province_code": pl.String(),
            "household_id": pl.String(),
            "score": pl.Int32(),
            "factors": pl.List(pl.String),
            "rank_in_village": pl.UInt32(),
            "rank_in_district": pl.UInt32(),
        }
    )
    if candidates is None:
        return pl.DataFrame(schema=schema)
    ranked = (
        candidates.with_columns(
            factors=points_module.polars_top_factors(model, TOP_FACTORS),
            district_code=pl.col("village_code").str.slice(0, 8),
            regency_code=pl.col("village_code").str.slice(0, 5),
            province_code=pl.col("village_code").str.slice(0, 2),
        )
        .sort(["district_code", "score", "birth_date", "row_number"], descending=[False, True, True, False])
        .with_columns(rank_in_district=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("district_code"))
        .sort(_ORDER, descending=_DESC)
        .with_columns(rank_in_village=pl.int_range(1, pl.len() + 1, dtype=pl.UInt32).over("village_code"))
    )
    return ranked.select(pl.col(c).cast(t) for c, t in schema.items())


def _compact(frame: pl.DataFrame) -> pl.DataFrame:
    """A copy holding only its own strings: a filtered Polars string column still points into the whole
    block's string buffers, which would keep every block in memory."""
    return pl.DataFrame(pl.from_arrow(frame.to_arrow(compat_level=pl.CompatLevel.oldest())))


def _sum_areas(parts: list[pl.DataFrame]) -> pl.DataFrame:
    return (
        pl.concat(parts)
        .group_by("village_code")
        .agg(
            children=pl.col("children").sum(),
            score_sum=pl.col("score_sum").sum(),
            at_or_above_threshold=pl.col("at_or_above_threshold").sum(),
            max_score=pl.col("max_score").max(),
        )
    )


def _areas(parts: list[pl.DataFrame], cutoff: int) -> pl.DataFrame:
    schema = pl.Schema(
        {
            "province_code": pl.String,
            "regency_code": pl.String,
            "district_code": pl.String,
            "village_code": pl.String,
            "children": pl.Int64,
            "mean_score": pl.Float64,
            "at_or_above_threshold": pl.Int64,
            "max_score": pl.Int32,
        }
    )
    if not parts:
        return pl.DataFrame(schema=schema)
    combined = (
        _sum_areas(parts)
        .with_columns(
            mean_score=pl.col("score_sum") / pl.col("children"),
            district_code=pl.col("village_code").str.slice(0, 8),
            regency_code=pl.col("village_code").str.slice(0, 5),
            province_code=pl.col("village_code").str.slice(0, 2),
        )
        .sort("village_code")
    )
    return combined.select(pl.col(c).cast(t) for c, t in schema.items())


class _Progress:
    def __init__(self, callback: Callable[[int, int | None], None] | None, total: int | None) -> None:
        self.callback = callback
        self.total = total
        self.last = -PROGRESS_EVERY

    def __call__(self, done: int) -> None:
        if self.callback is None or done - self.last < PROGRESS_EVERY:
            return
        self.last = done
        total = self.total if self.total is not None and self.total >= done else None
        self.callback(done, total)

    def finish(self, done: int) -> None:
        if self.callback is not None:
            self.callback(done, done)
