"""A demo registry run: a synthetic social-protection registry of the home regency's children, screened by
the demo supervisor through the real services, so the outreach lists, the district chart and the XLSX
downloads have something to show. The registry file itself is deleted after screening, as on the page."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import polars as pl
from django.utils import timezone

from sigap.people.models import User
from sigap.regions.models import Level, Region
from sigap.registry import services
from sigap.registry.generate import generate

ROWS = 5000


def seed(seed: int, stdout: Any = None) -> dict[str, int]:
    supervisor = User.objects.filter(username="supervisor").select_related("organisation").first()
    org = supervisor.organisation if supervisor else None
    if supervisor is None or org is None or not org.jurisdiction_id:
        return {"registry_runs": 0}
    villages = list(
        Region.objects.filter(level=Level.VILLAGE, code__startswith=org.jurisdiction_id + ".")
        .order_by("code")
        .values_list("code", flat=True)
    )
    if not villages:
        return {"registry_runs": 0}
    with tempfile.TemporaryDirectory() as tmp:
        raw, path = Path(tmp) / "raw.csv", Path(tmp) / "registri-demo.csv"
        # Ages as of today, so that only the deliberately spoilt rows (1 %) are rejected.
        generate(raw, ROWS, seed=seed, fmt="csv", bad_fraction=0.01, as_of=timezone.localdate())
        frame = pl.read_csv(raw, infer_schema=False)
        # Place the synthetic households in the home regency's villages (a household stays in one village).
        codes = frame.get_column("village_code").unique(maintain_order=True).to_list()
        mapping = {c: villages[i % len(villages)] for i, c in enumerate(codes) if c}
        frame = frame.with_columns(pl.col("village_code").replace(mapping))
        frame.write_csv(path)
        run = services.create_run(supervisor, source_name=path.name, source_size=path.stat().st_size)
        run = services.process_run(run.pk, path)
    if stdout:
        stdout.write(
            f"Registri demo: {run.rows_scored} anak dinilai, {run.entries.count()} di daftar penjangkauan, "
            f"{run.rows_rejected} baris ditolak."
        )
    return {"registry_runs": 1}
