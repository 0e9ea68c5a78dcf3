"""The triage queue page for an organisation with 50,000 reports: p95 latency as its case worker."""

from __future__ import annotations

import os
import re
import time

import httpx

from bench.common import BENCH_PASSWORD, BENCH_WORKER, Target, emit, percentile, server
from bench.intake import _shell

REQUESTS = int(os.environ.get("BENCH_QUEUE_REQUESTS", "300"))
WARMUP = 20


def run(target: Target) -> None:
    org_reports = int(
        _shell(
            target,
            "from sigap.intake.models import Report; from sigap.people.models import User; "
            f"u = User.objects.get(username='{BENCH_WORKER}'); "
            "print(Report.objects.filter(routed_org=u.organisation).count())",
        )
    )
    latencies: list[float] = []
    errors = 0
    with server(target, workers=2, threads=2) as url, httpx.Client(base_url=url, timeout=30.0) as client:
        page = client.get("/akun/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token is not None, "no CSRF token on the sign-in page"
        signed_in = client.post(
            "/akun/masuk/",
            data={"csrfmiddlewaretoken": token.group(1), "username": BENCH_WORKER, "password": BENCH_PASSWORD},
            headers={"Referer": f"{url}/akun/masuk/"},
        )
        if signed_in.status_code != 302:
            raise SystemExit(f"bench worker could not sign in: {signed_in.status_code}")
        for i in range(WARMUP + REQUESTS):
            started = time.perf_counter()
            response = client.get("/triase/")
            took = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or "laporan terbuka" not in response.text:
                errors += 1
            if i >= WARMUP:
                latencies.append(took)
    emit(
        {
            "bench": "triage_queue",
            "db": target.db,
            "reports": org_reports,
            "requests": len(latencies),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "errors": errors,
        }
    )
