"""``manage.py screen REGISTRY``: score a social-protection registry (CSV or Parquet) and write the
outreach lists.

Writes to ``--out``: one XLSX per district for the outreach teams, ``summary.json`` (the counts and
the aggregates per district) and ``errors.csv`` (every rejected row, with its row number and reason).
With ``--save`` the run is also stored for the organisation, exactly as an upload on the page would
store it (``--user`` is the person who screens; ``--org`` defaults to theirs). With ``--all-scores``
``scores.parquet`` holds the score of every child scored (with NIK and household): delete it after use.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from sigap.people.models import Organisation, User
from sigap.people.roles import Role
from sigap.regions.models import Region
from sigap.registry import engine, services, xlsx
from sigap.registry import points as points_module
from sigap.registry.models import RegistryRun, RunStatus


class ProgressBar:
    """A one-line progress bar on a terminal stream: ``[#########-----------]  45%  450000/1000000 baris``."""

    def __init__(self, write: Callable[[str], None], width: int = 30, min_interval: float = 0.2) -> None:
        self.write = write
        self.width = width
        self.min_interval = min_interval
        self.last = 0.0
        self.shown = False
        self.previous: tuple[int, int | None] | None = None

    def __call__(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        final = total is not None and done >= total
        if (not final and now - self.last < self.min_interval) or self.previous == (done, total):
            return
        self.last = now
        self.previous = (done, total)
        if total:
            filled = min(self.width, int(self.width * done / total))
            percent = min(100, int(100 * done / total))
            line = f"[{'#' * filled}{'-' * (self.width - filled)}] {percent:3d}%  {done}/{total} baris"
        else:
            line = f"{done} baris"
        self.write("\r" + line)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.write("\n")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40]


def _region_names(codes: list[str]) -> dict[str, str]:
    try:
        return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    except DatabaseError:  # no database (or no regions): codes are shown instead of names
        return {}


class Command(BaseCommand):
    help = (
        "Score a social-protection registry (CSV or Parquet) and write one outreach XLSX per district, "
        "summary.json and errors.csv to --out; --save also stores the run for the organisation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", help="the registry file (.csv or .parquet)")
        parser.add_argument("--out", help="folder for the files (default: ./screen-<file name>)")
        parser.add_argument("--as-of", dest="as_of", help="reference date for ages, YYYY-MM-DD (default: today)")
        parser.add_argument("--per-village", dest="per_village", type=int, default=20)
        parser.add_argument("--threshold", type=int, default=None, help="default: the points file's threshold")
        parser.add_argument("--save", action="store_true", help="store the run for the organisation")
        parser.add_argument("--org", type=int, help="organisation id (with --save; default: the user's)")
        parser.add_argument("--user", help="username of the person screening (required with --save)")
        parser.add_argument("--all-scores", dest="all_scores", action="store_true", help="also write scores.parquet")
        parser.add_argument("--no-progress", dest="no_progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["registry"])
        if not source.is_file():
            raise CommandError(f"Berkas registri {source} tidak ditemukan.")
        try:
            with source.open("rb"):
                pass
        except OSError as exc:
            raise CommandError(f"Berkas registri {source} tidak dapat dibaca ({exc.strerror}).") from exc
        as_of = self._as_of(options["as_of"])
        per_village = options["per_village"]
        if per_village < 1:
            raise CommandError("--per-village harus sekurang-kurangnya 1.")
        actor, org = self._who(options) if options["save"] else (None, None)
        out = Path(options["out"]) if options["out"] else Path.cwd() / f"screen-{_slug(source.stem) or 'registri'}"
        out.mkdir(parents=True, exist_ok=True)
        scores_out = out / "scores.parquet" if options["all_scores"] else None

        bar = ProgressBar(self._progress_write if not options["no_progress"] else lambda text: None)
        started = timezone.now()
        try:
            result = engine.screen(
                source,
                as_of=as_of,
                per_village=per_village,
                threshold=options["threshold"],
                scores_out=scores_out,
                progress=bar,
            )
        except engine.RegistryFileError as exc:
            raise CommandError(str(exc)) from exc
        except pl.exceptions.PolarsError as exc:
            raise CommandError(f"Berkas registri {source.name} tidak dapat dibaca sampai selesai: {exc}") from exc
        finally:
            bar.close()

        model = points_module.load()
        threshold = model.outreach_threshold if options["threshold"] is None else options["threshold"]
        run = self._save(result, actor, org, source, as_of, per_village, options["threshold"], started)
        files = self._write(out, result, source, as_of, per_village, threshold, run)

        self.stdout.write(
            f"{result.rows_read} baris dibaca, {result.rows_scored} anak dinilai, {result.rows_rejected} baris "
            f"ditolak, {result.outreach.height} anak dalam daftar penjangkauan ({len(files)} kecamatan)."
        )
        self.stdout.write(f"Berkas ditulis ke {out}: {len(files)} XLSX, summary.json, errors.csv.")
        if result.rows_rejected:
            self.stdout.write(f"Baris yang ditolak dan alasannya: {out / 'errors.csv'}")
        if scores_out is not None:
            self.stdout.write(
                f"Skor setiap anak: {scores_out} (berisi NIK dan ID keluarga setiap anak: hapus setelah dipakai)."
            )
        if run is not None:
            self.stdout.write(f"Penyaringan disimpan sebagai #{run.pk} untuk {run.organisation}.")

    def _progress_write(self, text: str) -> None:
        self.stderr.write(text, ending="")
        self.stderr.flush()

    # --- options ---

    def _as_of(self, text: str | None) -> date:
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CommandError(f"--as-of {text!r} bukan tanggal TTTT-BB-HH, misalnya 2026-01-31.") from None

    def _who(self, options: dict[str, Any]) -> tuple[User, Organisation]:
        username = options["user"]
        if not username:
            raise CommandError("--save memerlukan --user (nama pengguna yang menyaring).")
        actor = User.objects.filter(username=username, is_active=True).select_related("organisation").first()
        if actor is None:
            raise CommandError(f"Pengguna {username!r} tidak ditemukan atau tidak aktif.")
        org: Organisation | None = actor.organisation
        if options["org"] is not None:
            org = Organisation.objects.filter(pk=options["org"]).first()
            if org is None:
                raise CommandError(f"Organisasi #{options['org']} tidak ditemukan.")
            if actor.role != Role.SYSTEM_ADMIN and org.pk != actor.organisation_id:
                raise CommandError(f"{username} hanya dapat menyaring untuk organisasinya sendiri.")
        if org is None:
            raise CommandError(f"{username} tidak tergabung dalam organisasi; pilih --org.")
        if actor.role != Role.SYSTEM_ADMIN and not services.can_screen(actor):
            raise CommandError(f"{username} tidak berwenang menyaring registri (izin screen_registry).")
        return actor, org

    # --- storing and writing ---

    def _save(
        self,
        result: engine.ScreenResult,
        actor: User | None,
        org: Organisation | None,
        source: Path,
        as_of: date,
        per_village: int,
        threshold: int | None,
        started: Any,
    ) -> RegistryRun | None:
        if actor is None or org is None:
            return None
        with transaction.atomic():
            run = services.create_run(
                actor,
                source_name=source.name,
                source_size=source.stat().st_size,
                as_of=as_of,
                per_village=per_village,
                threshold=threshold,
                organisation=org,
            )
            RegistryRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=started)
            return services.store_result(run, result)

    def _write(
        self,
        out: Path,
        result: engine.ScreenResult,
        source: Path,
        as_of: date,
        per_village: int,
        threshold: int,
        run: RegistryRun | None,
    ) -> list[str]:
        result.errors.write_csv(out / "errors.csv")
        district_totals = (
            result.areas.group_by("district_code")
            .agg(
                children=pl.col("children").sum(),
                at_or_above_threshold=pl.col("at_or_above_threshold").sum(),
                score_sum=(pl.col("mean_score") * pl.col("children")).sum(),
                max_score=pl.col("max_score").max(),
            )
            .with_columns(mean_score=(pl.col("score_sum") / pl.col("children")).round(3))
            .drop("score_sum")
            .sort("district_code")
        )
        outreach = result.outreach
        codes = sorted(
            {*district_totals["district_code"].to_list(), *outreach["village_code"].unique().to_list()} - {None}  # type: ignore[arg-type]
        )
        names = _region_names(codes)
        info = xlsx.RunInfo(
            label=f"Penyaringan registri #{run.pk}" if run is not None else f"manage.py screen {source.name}",
            source_name=source.name,
            as_of=as_of,
            created=timezone.localdate(),
            points_version=result.points_version,
            threshold=threshold,
            per_village=per_village,
        )
        totals = {row["district_code"]: row for row in district_totals.iter_rows(named=True)}
        listed = dict(outreach.group_by("district_code").len().iter_rows())
        files: dict[str, str] = {}
        for (district_code,), part in outreach.partition_by("district_code", as_dict=True).items():
            name = names.get(district_code, district_code)
            filename = f"{district_code}-{_slug(name)}.xlsx" if name != district_code else f"{district_code}.xlsx"
            xlsx.district_workbook(
                out / filename,
                info=info,
                district_code=district_code,
                district_name=name,
                rows=part.iter_rows(named=True),
                village_names=names,
                totals=totals.get(district_code),
            )
            files[district_code] = filename
        summary = {
            "source": source.name,
            "as_of": as_of.isoformat(),
            "points_version": result.points_version,
            "threshold": threshold,
            "per_village": per_village,
            "rows_read": result.rows_read,
            "rows_scored": result.rows_scored,
            "rows_rejected": result.rows_rejected,
            "outreach": outreach.height,
            "run": run.pk if run is not None else None,
            "caution": xlsx.caution(),
            "errors_file": "errors.csv",
            "scores_file": "scores.parquet" if result.scores_path is not None else None,
            "districts": [
                {
                    **row,
                    "name": names.get(row["district_code"], row["district_code"]),
                    "listed": int(listed.get(row["district_code"], 0)),
                    "file": files.get(row["district_code"]),
                }
                for row in district_totals.iter_rows(named=True)
            ],
        }
        (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
        return sorted(files.values())
