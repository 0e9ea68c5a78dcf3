"""A case worker's case list and task list with 1,000,000 cases and 5,000,000 tasks stored: p95 latency.

The bench worker (a case worker of the bench organisation, which owns 20,000 of the cases, 2,500 of
them the worker's) opens each page REQUESTS times, spread over CLIENTS clients that each sign in and
keep their connection (http.client, so the load generator takes little of the 2 cores the server and
database share), after WARMUP untimed requests.

- `case_list`: `/kasus/` (the organisation's cases, newest first, 50 per page with a capped count; it
  writes one audit row per listed case) is the figure; `/kasus/?milik=saya` (the worker's own),
  `/kasus/?tahap=terbuka` (open cases) and `/kasus/?page=2` are reported beside it.
- `task_list`: `/kasus/tugas/` (open tasks for me, soonest deadline first) is the figure;
  `/kasus/tugas/?page=2` beside it.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.common import BENCH_PASSWORD, BENCH_WORKER, Target, emit, percentile, server
from bench.intake import _shell

REQUESTS = int(os.environ.get("BENCH_LIST_REQUESTS", "200"))
CLIENTS = int(os.environ.get("BENCH_LIST_CLIENTS", "2"))
WARMUP = 10

COUNTS = """
import json
from sigap.cases.models import Case, Task
from sigap.people.models import User
u = User.objects.get(username="{worker}")
print(json.dumps({{
    "cases": Case.objects.count(),
    "org_cases": Case.objects.filter(organisation_id=u.organisation_id).count(),
    "my_cases": Case.objects.filter(worker=u).count(),
    "tasks": Task.objects.count(),
    "open_tasks": Task.objects.open().count(),
    "my_open_tasks": Task.objects.visible_to(u).open().count(),
}}))
"""


class Session:
    """One signed-in client on a persistent connection."""

    def __init__(self, url: str) -> None:
        host, port = url.removeprefix("http://").split(":")
        self.url = url
        self.conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self.cookies: dict[str, str] = {}
        page = self.request("GET", "/akun/masuk/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page[1])
        if page[0] != 200 or token is None:
            raise SystemExit(f"sign-in page: {page[0]}")
        body = urlencode({"csrfmiddlewaretoken": token.group(1), "username": BENCH_WORKER, "password": BENCH_PASSWORD})
        status, _ = self.request(
            "POST",
            "/akun/masuk/",
            body,
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"{url}/akun/masuk/"},
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"bench worker could not sign in: {status}")

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.msg.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({k: m.value for k, m in cookie.items()})
        return response.status, text

    def close(self) -> None:
        self.conn.close()


def _measure(url: str, pages: dict[str, tuple[str, str]]) -> dict[str, tuple[list[float], int]]:
    """Each page (name → (path, text every good answer contains)) REQUESTS times over CLIENTS
    clients, interleaved; latencies in ms and the number of bad answers per page."""
    results: dict[str, tuple[list[float], list[int]]] = {name: ([], [0]) for name in pages}
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS
    failures: list[str] = []

    def client(c: int) -> None:
        try:
            session = Session(url)
        except SystemExit as exc:
            failures.append(str(exc))
            return
        try:
            for i in range(WARMUP // CLIENTS + per_client):
                for name, (path, expect) in pages.items():
                    started = time.perf_counter()
                    status, text = session.request("GET", path)
                    took = (time.perf_counter() - started) * 1000
                    with lock:
                        if status != 200 or expect not in text:
                            results[name][1][0] += 1
                        if i >= WARMUP // CLIENTS:
                            results[name][0].append(took)
        finally:
            session.close()

    threads = [threading.Thread(target=client, args=(c,)) for c in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failures:
        raise SystemExit("; ".join(failures))
    return {name: (latencies, errors[0]) for name, (latencies, errors) in results.items()}


def _counts(target: Target) -> dict[str, int]:
    return dict(json.loads(_shell(target, COUNTS.format(worker=BENCH_WORKER))))


def _figures(latencies: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(latencies, 0.50), 1), "p95_ms": round(percentile(latencies, 0.95), 1)}


def run_case_list(target: Target) -> None:
    counts = _counts(target)
    pages = {
        "all": ("/kasus/", "KS-"),
        "mine": ("/kasus/?milik=saya", "KS-"),
        "open": ("/kasus/?tahap=terbuka", "KS-"),
        "page2": ("/kasus/?page=2", "KS-"),
    }
    with server(target, workers=2, threads=2) as url:
        measured = _measure(url, pages)
    latencies = measured["all"][0]
    emit(
        {
            "bench": "case_list",
            "db": target.db,
            "cases": counts["cases"],
            "org_cases": counts["org_cases"],
            "my_cases": counts["my_cases"],
            "requests": len(latencies),
            "clients": CLIENTS,
            **_figures(latencies),
            "mine_p95_ms": round(percentile(measured["mine"][0], 0.95), 1),
            "open_p95_ms": round(percentile(measured["open"][0], 0.95), 1),
            "page2_p95_ms": round(percentile(measured["page2"][0], 0.95), 1),
            "errors": sum(e for _, e in measured.values()),
        }
    )


def run_task_list(target: Target) -> None:
    counts = _counts(target)
    pages = {"mine": ("/kasus/tugas/", 'class="task'), "page2": ("/kasus/tugas/?page=2", 'class="task')}
    with server(target, workers=2, threads=2) as url:
        measured = _measure(url, pages)
    latencies = measured["mine"][0]
    emit(
        {
            "bench": "task_list",
            "db": target.db,
            "events": counts["tasks"],
            "open_tasks": counts["open_tasks"],
            "my_open_tasks": counts["my_open_tasks"],
            "requests": len(latencies),
            "clients": CLIENTS,
            **_figures(latencies),
            "page2_p95_ms": round(percentile(measured["page2"][0], 0.95), 1),
            "errors": sum(e for _, e in measured.values()),
        }
    )
