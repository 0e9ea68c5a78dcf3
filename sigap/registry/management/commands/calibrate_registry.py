"""``manage.py calibrate_registry REGISTRY --outcomes FILE``: how well the registry score ranks and fits.

The registry is scored again (``engine.screen`` with every child's score written to a temporary Parquet
file, deleted at the end) and joined to the outcomes: a CSV with ``nik`` or ``source_id`` and
``identified`` (1 = the child was later identified in a case, 0 = not). Children of the registry who are
not in the outcomes file count as not identified. A registry that carries its own ``outcome`` column
needs no outcomes file.

Writes ``calibration.html`` (AUC, precision at the top k per district, the calibration plot, weights
suggested by a logistic regression) and ``calibration.json`` to ``--out``, and prints the summary. The
suggested weights are for people to review: nothing is applied; the points file changes only by hand,
with a new version.

Child records in Sigap carry no NIK yet, so the outcomes come from a file. A run saved in Sigap keeps
no registry file (identities outside the outreach list are never kept): to calibrate a run, give its
registry file again with the run's ``--as-of``.
"""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string
from django.utils import timezone

from sigap.registry import calibration, engine
from sigap.registry import points as points_module
from sigap.registry.models import RegistryRun

OUTCOME = "identified"
KEYS = ("source_id", "nik")


def read_outcomes(path: Path) -> tuple[str, pl.DataFrame]:
    """The join key (``source_id`` or ``nik``) and a frame of key → identified (0/1), one row per key."""
    if not path.is_file():
        raise CommandError(f"Berkas hasil {path} tidak ditemukan.")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise CommandError(f"Berkas hasil {path.name} tidak dapat dibaca sebagai CSV: {exc}") from exc
    frame = frame.rename({c: c.replace("\ufeff", "").strip().lower() for c in frame.columns})
    key = next((k for k in KEYS if k in frame.columns), None)
    if key is None or OUTCOME not in frame.columns:
        raise CommandError(
            f"Berkas hasil {path.name} harus berisi kolom nik atau source_id, dan kolom {OUTCOME} (1 atau 0)."
        )
    frame = frame.select(
        pl.col(key).str.strip_chars().alias("_key"),
        pl.col(OUTCOME).str.strip_chars().alias("_raw"),
    ).with_row_index("_line", offset=2)
    bad = frame.filter(~pl.col("_raw").is_in(["0", "1"]) | pl.col("_key").is_null() | (pl.col("_key") == ""))
    if bad.height:
        lines = ", ".join(str(n) for n in bad["_line"].head(10).to_list())
        raise CommandError(
            f"Berkas hasil {path.name}: {bad.height} baris tanpa {key} atau dengan {OUTCOME} selain 0/1 "
            f"(baris {lines}{' …' if bad.height > 10 else ''})."
        )
    outcomes = frame.group_by("_key").agg(pl.col("_raw").cast(pl.Int8).max().alias("_outcome"))
    return key, outcomes


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


class Command(BaseCommand):
    help = (
        "Calibration report of the registry score against known outcomes (AUC, precision at the top k per "
        "district, calibration plot, suggested weights for review): writes calibration.html and calibration.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", help="the registry file (.csv or .parquet), or a saved run's number")
        parser.add_argument("--outcomes", help="CSV with nik or source_id and identified (1/0)")
        parser.add_argument("--out", help="folder for the report (default: ./kalibrasi-<file name>)")
        parser.add_argument("--as-of", dest="as_of", help="reference date for ages, YYYY-MM-DD (default: today)")
        parser.add_argument("--k", type=int, default=20, help="precision at the top k children of each district")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["registry"])
        if not source.is_file():
            raise CommandError(self._missing(options["registry"]))
        if options["k"] < 1:
            raise CommandError("--k harus sekurang-kurangnya 1.")
        as_of = self._as_of(options["as_of"])
        outcomes = read_outcomes(Path(options["outcomes"])) if options["outcomes"] else None
        out = Path(options["out"]) if options["out"] else Path.cwd() / f"kalibrasi-{_slug(source.stem) or 'registri'}"

        with tempfile.TemporaryDirectory(prefix="sigap-kalibrasi-") as folder:
            scores_path = Path(folder) / "scores.parquet"
            try:
                result = engine.screen(source, as_of=as_of, scores_out=scores_path)
            except engine.RegistryFileError as exc:
                raise CommandError(str(exc)) from exc
            except pl.exceptions.PolarsError as exc:
                raise CommandError(f"Berkas registri {source.name} tidak dapat dibaca sampai selesai: {exc}") from exc
            scores = pl.read_parquet(scores_path)
        # the temporary file of every child's score is gone here; only aggregates leave this command

        scores, matched, unmatched = self._join(scores, outcomes)
        try:
            report = calibration.calibrate(scores, "_outcome", k=options["k"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc

        out.mkdir(parents=True, exist_ok=True)
        model = points_module.load()
        names = {f.code: f.name_id for f in model.factors}
        html = render_to_string(
            "registry/calibration_report.html",
            {
                "report": report,
                "svg": report.svg(),
                "source": source.name,
                "as_of": as_of,
                "made": timezone.localtime(),
                "rows_read": result.rows_read,
                "rows_rejected": result.rows_rejected,
                "matched": matched,
                "unmatched": unmatched,
                "coefficients": [{**c.__dict__, "name": names.get(c.code, c.code)} for c in report.coefficients],
                "districts": report.precision_at_k.to_dicts(),
                "bins": report.bins.to_dicts(),
            },
        )
        (out / "calibration.html").write_text(html, encoding="utf-8")
        summary = {**report.to_dict(), "source": source.name, "as_of": as_of.isoformat(), "unmatched": unmatched}
        (out / "calibration.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")

        self.stdout.write(
            f"{report.children} anak dinilai, {report.identified} teridentifikasi ({report.base_rate:.1%})."
        )
        self.stdout.write(
            f"AUC {report.auc:.3f}; presisi rata-rata pada {report.k} teratas per kecamatan "
            f"{report.mean_precision_at_k:.1%}."
        )
        if outcomes is not None:
            self.stdout.write(f"{matched} anak dari berkas hasil cocok dengan registri; {unmatched} tidak cocok.")
        for c in report.coefficients:
            if c.suggested_points is not None and c.suggested_points != c.current_points:
                self.stdout.write(f"  {c.code}: poin sekarang {c.current_points}, usulan {c.suggested_points}")
        for note in report.notes:
            self.stdout.write(f"Catatan: {note}")
        self.stdout.write(
            f"Laporan: {out / 'calibration.html'} (bobot usulan hanya untuk ditinjau, tidak diterapkan otomatis)."
        )

    def _missing(self, value: str) -> str:
        if value.isdigit():
            run = RegistryRun.objects.filter(pk=int(value)).first()
            if run is not None:
                return (
                    f"Penyaringan #{run.pk} tidak menyimpan berkas registrinya (identitas di luar daftar "
                    f"penjangkauan tidak disimpan). Jalankan lagi dengan berkas registrinya: calibrate_registry "
                    f"{run.source_name} --as-of {run.as_of.isoformat()} --outcomes HASIL.csv"
                )
            return f"Penyaringan #{value} tidak ada, dan tidak ada berkas bernama {value}."
        return f"Berkas registri {value} tidak ditemukan."

    def _as_of(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of {text!r} bukan tanggal TTTT-BB-HH, misalnya 2026-01-31.") from None

    def _join(self, scores: pl.DataFrame, outcomes: tuple[str, pl.DataFrame] | None) -> tuple[pl.DataFrame, int, int]:
        """The scores with `_outcome`, and how many outcome rows matched / did not match a scored child."""
        if outcomes is None:
            if "outcome" not in scores.columns:
                raise CommandError(
                    "Berikan --outcomes HASIL.csv (kolom nik atau source_id, dan identified 1/0); "
                    "registri ini tidak memiliki kolom outcome."
                )
            return scores.with_columns(pl.col("outcome").alias("_outcome")), 0, 0
        key, frame = outcomes
        if key not in scores.columns or scores[key].null_count() == scores.height:
            raise CommandError(f"Registri tidak memiliki kolom {key} untuk dicocokkan dengan berkas hasil.")
        keyed = scores.with_columns(pl.col(key).cast(pl.String).alias("_key"))
        joined = keyed.join(frame, on="_key", how="left").with_columns(pl.col("_outcome").fill_null(0)).drop("_key")
        matched = frame.join(keyed.select("_key").drop_nulls().unique(), on="_key", how="semi").height
        return joined, matched, frame.height - matched
