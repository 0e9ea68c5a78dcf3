"""``manage.py screen`` and ``calibrate_registry``: files written, every bad row reported, runs saved."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from sigap.audit.models import AuditEvent
from sigap.registry.generate import generate
from sigap.registry.models import OutreachEntry, RegistryRun, RunError, RunStatus

from .test_services import AS_OF, LISTED, fixture_registry_settings, registry_csv  # noqa: F401 — shared fixtures


def _screen(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("screen", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registri.csv"
    path.write_bytes(registry_csv())
    return path


def test_screen_writes_one_xlsx_per_district_a_summary_and_the_rejected_rows(db, registry, tmp_path):
    out_dir = tmp_path / "hasil"
    stdout, _ = _screen(str(registry), "--out", str(out_dir), "--as-of", "2026-01-01", "--per-village", "2")
    names = sorted(p.name for p in out_dir.iterdir())
    assert names == [
        "31.71.06-menteng.xlsx",
        "35.07.01-donomulyo.xlsx",
        "35.78.01-karang-pilang.xlsx",
        "errors.csv",
        "summary.json",
    ]
    summary = json.loads((out_dir / "summary.json").read_text())
    assert (summary["rows_read"], summary["rows_scored"], summary["rows_rejected"], summary["outreach"]) == (9, 7, 2, 5)
    karang_pilang = next(d for d in summary["districts"] if d["district_code"] == "35.78.01")
    assert (karang_pilang["children"], karang_pilang["at_or_above_threshold"], karang_pilang["listed"]) == (5, 4, 3)
    assert "bukan penilaian" in summary["caution"]
    book = load_workbook(out_dir / "35.78.01-karang-pilang.xlsx", read_only=True)
    assert book.sheetnames == ["Ringkasan", "Kebraon", "Kedurus"]
    assert [r[1] for r in list(book["Kebraon"].iter_rows(values_only=True))[1:]] == ["Citra Lestari", "Bagus Pratama"]
    assert "9 baris dibaca, 7 anak dinilai, 2 baris ditolak, 5 anak dalam daftar penjangkauan" in stdout
    assert str(out_dir) in stdout
    assert not RegistryRun.objects.exists()  # without --save nothing is stored


def test_screen_reports_every_bad_row_with_its_row_number_and_reason(db, tmp_path):
    made = generate(tmp_path / "besar.csv", 3000, seed=11, bad_fraction=0.04, as_of=AS_OF)
    out_dir = tmp_path / "hasil"
    stdout, _ = _screen(str(made.path), "--out", str(out_dir), "--as-of", "2026-01-01")
    with (out_dir / "errors.csv").open(encoding="utf-8") as handle:
        errors = list(csv.DictReader(handle))
    assert {int(e["row_number"]) for e in errors} and len({e["row_number"] for e in errors}) == made.bad_rows
    assert all(e["reason"] and e["column"] for e in errors)
    lines = made.path.read_text(encoding="utf-8").splitlines()
    date_errors = [e for e in errors if e["reason_code"] == "birth_date_format"]
    assert date_errors and all(e["value"] in lines[int(e["row_number"]) - 1] for e in date_errors)  # the line
    assert f"{made.bad_rows} baris ditolak" in stdout


def test_screen_shows_a_progress_bar_on_stderr(db, registry, tmp_path):
    _, stderr = _screen(str(registry), "--out", str(tmp_path / "hasil"))
    assert "[" + "#" * 30 + "] 100%  9/9 baris" in stderr


def test_screen_refuses_a_missing_file_with_a_clear_message(db, tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        _screen(str(tmp_path / "tidak-ada.csv"), "--out", str(tmp_path / "hasil"))


def test_screen_refuses_a_file_without_the_required_columns(db, tmp_path):
    path = tmp_path / "registri.csv"
    path.write_bytes(registry_csv(columns=["nik", "name"]))
    with pytest.raises(CommandError, match="Kolom wajib tidak ada.*birth_date"):
        _screen(str(path), "--out", str(tmp_path / "hasil"))


def test_screen_with_save_stores_the_run_for_the_users_organisation(world, registry, tmp_path):
    stdout, _ = _screen(
        str(registry), "--out", str(tmp_path / "hasil"), "--save", "--user", "supervisor_sby", "--per-village", "2"
    )
    run = RegistryRun.objects.get()
    assert (run.organisation, run.uploaded_by, run.status) == (world.uptd_sby, world.supervisor_sby, RunStatus.DONE)
    assert set(OutreachEntry.objects.filter(run=run).values_list("name", flat=True)) == LISTED
    assert RunError.objects.filter(run=run).count() == 2
    assert AuditEvent.objects.filter(object_type="registryrun", action="create", actor_username="supervisor_sby")
    assert f"#{run.pk}" in stdout
    assert registry.exists()  # the command never deletes the operator's own file


def test_screen_with_save_refuses_a_person_without_the_permission(world, registry, tmp_path):
    with pytest.raises(CommandError, match="tidak berwenang"):
        _screen(str(registry), "--out", str(tmp_path / "hasil"), "--save", "--user", "worker_sby")
    with pytest.raises(CommandError, match="memerlukan --user"):
        _screen(str(registry), "--out", str(tmp_path / "hasil"), "--save")
    with pytest.raises(CommandError, match="organisasinya sendiri"):
        _screen(
            str(registry),
            "--out",
            str(tmp_path / "h"),
            "--save",
            "--user",
            "supervisor_sby",
            "--org",
            str(world.uptd_malang.pk),
        )
    assert not RegistryRun.objects.exists()


def test_screen_with_all_scores_writes_every_scored_child(db, registry, tmp_path):
    out_dir = tmp_path / "hasil"
    stdout, _ = _screen(str(registry), "--out", str(out_dir), "--all-scores")
    scores = pl.read_parquet(out_dir / "scores.parquet")
    assert scores.height == 7 and "name" not in scores.columns
    assert "hapus setelah dipakai" in stdout


# --- calibrate_registry -------------------------------------------------------------------------------------


@pytest.fixture
def with_outcomes(tmp_path: Path) -> tuple[Path, pl.DataFrame]:
    """A registry (without its outcome column) and the registry's children with their outcome."""
    made = generate(tmp_path / "asli.csv", 6000, seed=21, with_outcome=True, as_of=AS_OF)
    frame = pl.read_csv(made.path, infer_schema=False)
    registry = tmp_path / "registri.csv"
    frame.drop("outcome").write_csv(registry)
    return registry, frame.select("source_id", "nik", "outcome")


def _calibrate(*args: str) -> str:
    out = io.StringIO()
    call_command("calibrate_registry", *args, stdout=out)
    return out.getvalue()


def test_calibrate_registry_writes_auc_precision_per_district_the_plot_and_weights_for_review(
    db, with_outcomes, tmp_path, monkeypatch
):
    import tempfile

    registry, truth = with_outcomes
    outcomes = tmp_path / "hasil.csv"
    truth.select("source_id", pl.col("outcome").alias("identified")).write_csv(outcomes)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out_dir = tmp_path / "kalibrasi"
    stdout = _calibrate(str(registry), "--outcomes", str(outcomes), "--as-of", "2026-01-01", "--out", str(out_dir))
    summary = json.loads((out_dir / "calibration.json").read_text())
    assert summary["children"] == 6000 and summary["identified"] == int(truth["outcome"].cast(pl.Int32).sum())
    assert summary["auc"] > 0.65  # the expert points rank the children later identified well above chance
    assert {d["district_code"] for d in summary["precision_at_k"]} and all(
        d["listed"] <= 20 for d in summary["precision_at_k"]
    )
    html = (out_dir / "calibration.html").read_text()
    assert "<svg" in html and "AUC" in html and "tidak diterapkan otomatis" in html and "dropped_out" in html
    assert f"AUC {summary['auc']:.3f}" in stdout and "calibration.html" in stdout
    assert list(scratch.iterdir()) == []  # the temporary file of every child's score is gone


def test_the_calibration_report_carries_no_identity(db, with_outcomes, tmp_path):
    registry, truth = with_outcomes
    outcomes = tmp_path / "hasil.csv"
    identified = truth.filter(pl.col("outcome") == "1").filter(pl.col("nik").is_not_null())
    identified.select("nik", pl.lit(1).alias("identified")).write_csv(outcomes)  # only the identified, by NIK
    out_dir = tmp_path / "kalibrasi"
    stdout = _calibrate(str(registry), "--outcomes", str(outcomes), "--as-of", "2026-01-01", "--out", str(out_dir))
    written = (out_dir / "calibration.html").read_text() + (out_dir / "calibration.json").read_text() + stdout
    assert f"{identified.height} anak dari berkas hasil cocok" in stdout
    for nik in identified["nik"].head(50).to_list():
        assert nik not in written
    assert "REG-0" not in written and "RT-0" not in written


def test_calibrate_registry_refuses_an_outcomes_file_with_bad_values_and_names_the_lines(db, registry, tmp_path):
    outcomes = tmp_path / "hasil.csv"
    outcomes.write_text("source_id,identified\nREG-0001,1\nREG-0002,ya\nREG-0003,0\n")
    with pytest.raises(CommandError, match="baris 3"):
        _calibrate(str(registry), "--outcomes", str(outcomes))
    outcomes.write_text("nama,identified\nBudi,1\n")
    with pytest.raises(CommandError, match="nik atau source_id"):
        _calibrate(str(registry), "--outcomes", str(outcomes))


def test_calibrating_a_saved_run_explains_that_its_registry_file_is_not_kept(world, registry, tmp_path):
    _screen(
        str(registry), "--out", str(tmp_path / "hasil"), "--save", "--user", "supervisor_sby", "--as-of", "2026-01-01"
    )
    run = RegistryRun.objects.get()
    with pytest.raises(CommandError, match=f"#{run.pk} tidak menyimpan berkas registrinya.*--as-of 2026-01-01"):
        _calibrate(str(run.pk), "--outcomes", str(tmp_path / "hasil.csv"))
