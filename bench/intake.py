"""Public report submissions per second, and latency, with 1,000,000 reports already stored.

Clients post the public form (/lapor/) as a browser does: fetch the form once for the CSRF cookie,
then submit. One submission in twenty is sent twice with the same key (a double click or a retry).
Afterwards every acknowledged key must have exactly one report: `lost` counts acknowledged keys
without a report, `duplicated` extra rows for a key."""

from __future__ import annotations

import os
import re
import subprocess
import threading
import time
import uuid

import httpx

from bench.common import PYTHON, ROOT, Target, emit, percentile, server

SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "4000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
RETRY_EVERY = 20
VILLAGES = ["35.78.01.1002", "35.07.01.2001", "31.71.06.1001", "32.73.01.1001", "33.74.01.1001"]


def _client_loop(url: str, n: int, offset: int, latencies: list[float], acked: list[str], errors: list[str]) -> None:
    with httpx.Client(base_url=url, timeout=30.0, follow_redirects=False) as client:
        page = client.get("/lapor/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or token is None:
            errors.append(f"form page {page.status_code}")
            return
        for i in range(n):
            key = uuid.uuid4().hex
            data = {
                "csrfmiddlewaretoken": token.group(1),
                "submission_key": key,
                "description": "Anak terlihat bekerja di warung hingga larut malam dan tidak bersekolah.",
                "concerns": ["other_labour"],
                "region": VILLAGES[(offset + i) % len(VILLAGES)],
                "child_0_name": "Anak Uji",
                "child_0_age": "13",
                "child_0_sex": "U",
                "anonymous": "on",
            }
            for attempt in range(2 if (offset + i) % RETRY_EVERY == 0 else 1):
                started = time.perf_counter()
                try:
                    response = client.post("/lapor/", data=data, headers={"Referer": f"{url}/lapor/"})
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status_code == 302 and "/lapor/terkirim/" in response.headers.get("location", ""):
                    if attempt == 0:
                        acked.append(key)
                else:
                    errors.append(f"status {response.status_code}")


def run(target: Target) -> None:
    count_sql = "from sigap.intake.models import Report; print(Report.objects.count())"
    existing = int(_shell(target, count_sql))
    latencies: list[float] = []
    acked: list[str] = []
    errors: list[str] = []
    per_client = SUBMISSIONS // CLIENTS
    with server(target) as url:
        threads = [
            threading.Thread(target=_client_loop, args=(url, per_client, c * per_client, latencies, acked, errors))
            for c in range(CLIENTS)
        ]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
    lost, duplicated = _check(target, acked)
    emit(
        {
            "bench": "intake",
            "db": target.db,
            "existing_reports": existing,
            "submissions": len(acked),
            "requests": len(latencies),
            "clients": CLIENTS,
            "submissions_per_s": round(len(acked) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50), 1),
            "p95_ms": round(percentile(latencies, 0.95), 1),
            "p99_ms": round(percentile(latencies, 0.99), 1),
            "errors": len(errors),
            "lost": lost,
            "duplicated": duplicated,
        }
    )


def _shell(target: Target, code: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=target.env(),
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


CHECK = """
import sys, json
from django.db.models import Count
from sigap.intake.models import Report
keys = sys.stdin.read().split()
found = {}
for i in range(0, len(keys), 500):
    chunk = keys[i:i + 500]
    for row in Report.objects.filter(idempotency_key__in=chunk).values("idempotency_key").annotate(n=Count("id")):
        found[row["idempotency_key"]] = row["n"]
lost = sum(1 for k in keys if k not in found)
duplicated = sum(n - 1 for n in found.values())
print(json.dumps([lost, duplicated]))
"""


def _check(target: Target, acked: list[str]) -> tuple[int, int]:
    import json

    lost, duplicated = json.loads(_shell(target, CHECK, stdin="\n".join(acked)))
    return int(lost), int(duplicated)
