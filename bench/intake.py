"""Public report submissions per second, and latency, with 1,000,000 reports already stored.

Clients post the public form (/lapor/) as a browser does: fetch the form once for the CSRF cookie,
then submit. One submission in twenty is sent twice with the same key (a double click or a retry).
Afterwards every acknowledged key must have exactly one report: `lost` counts acknowledged keys
without a report, `duplicated` extra rows for a key.

The server is gunicorn with 4 sync workers (BENCH_WORKERS; BENCH_THREADS > 1 switches to gthread):
with keep-alive one worker ends up holding every client's connection and the others idle, while sync
workers take each request as it comes. Clients, server and database share the machine's 2 cores."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import threading
import time
import uuid
from urllib.parse import urlencode

from bench.common import PYTHON, ROOT, Target, emit, percentile, server

SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "4000"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "16"))
RETRY_EVERY = 20
VILLAGES = ["35.78.01.1002", "35.07.01.2001", "31.71.06.1001", "32.73.01.1001", "33.74.01.1001"]


def _client_loop(url: str, n: int, offset: int, latencies: list[float], acked: list[str], errors: list[str]) -> None:
    """One client: a persistent connection, like a phone browser keeping its connection open.

    The standard library's http.client keeps the load generator's own CPU use small: on a 2-core
    machine every cycle the client spends is taken from the server being measured."""
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", "/lapor/")
        page = conn.getresponse()
        html = page.read().decode()
        cookie = page.getheader("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if page.status != 200 or token is None or not cookie:
            errors.append(f"form page {page.status}")
            return
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"{url}/lapor/",
        }
        for i in range(n):
            key = uuid.uuid4().hex
            body = urlencode(
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "submission_key": key,
                    "description": "Anak terlihat bekerja di warung hingga larut malam dan tidak bersekolah.",
                    "concerns": "other_labour",
                    "region": VILLAGES[(offset + i) % len(VILLAGES)],
                    "child_0_name": "Anak Uji",
                    "child_0_age": "13",
                    "child_0_sex": "U",
                    "anonymous": "on",
                }
            )
            for attempt in range(2 if (offset + i) % RETRY_EVERY == 0 else 1):
                started = time.perf_counter()
                try:
                    conn.request("POST", "/lapor/", body=body, headers=headers)
                    response = conn.getresponse()
                    response.read()
                except (OSError, http.client.HTTPException) as exc:
                    errors.append(repr(exc))
                    conn.close()
                    conn = http.client.HTTPConnection(host, int(port), timeout=30)
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                if response.status == 302 and "/lapor/terkirim/" in (response.getheader("Location") or ""):
                    if attempt == 0:
                        acked.append(key)
                else:
                    errors.append(f"status {response.status}")
    finally:
        conn.close()


def run(target: Target) -> None:
    count_sql = "from sigap.intake.models import Report; print(Report.objects.count())"
    existing = int(_shell(target, count_sql))
    latencies: list[float] = []
    acked: list[str] = []
    errors: list[str] = []
    per_client = SUBMISSIONS // CLIENTS
    workers = int(os.environ.get("BENCH_WORKERS", "4"))
    threads = int(os.environ.get("BENCH_THREADS", "1"))
    with server(target, workers=workers, threads=threads) as url:
        clients = [
            threading.Thread(target=_client_loop, args=(url, per_client, c * per_client, latencies, acked, errors))
            for c in range(CLIENTS)
        ]
        started = time.perf_counter()
        cpu_started = time.process_time()
        for t in clients:
            t.start()
        for t in clients:
            t.join()
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - cpu_started
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
            # the load generator runs on the same 2 cores as the server: its share is reported
            "client_cpu_ms_per_request": round(client_cpu * 1000 / max(len(latencies), 1), 2),
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
