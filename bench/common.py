"""Shared set-up for the benchmarks: a prepared database with 1,000,000 reports, 1,000,000 cases and
5,000,000 tasks, and a server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PYTHON = sys.executable

EXISTING_REPORTS = int(os.environ.get("BENCH_EXISTING_REPORTS", "1000000"))
QUEUE_REPORTS = int(os.environ.get("BENCH_QUEUE_REPORTS", "50000"))
CASES = int(os.environ.get("BENCH_CASES", "1000000"))
TASKS = int(os.environ.get("BENCH_TASKS", "5000000"))
BENCH_ORG = "UPTD PPA Bench Kota Surabaya"
BENCH_WORKER = "bench.pekerja"
BENCH_PASSWORD = "bench-sandi-panjang-2026"
PG_URL = "postgres://postgres@127.0.0.1:5432/sigap_bench"


@dataclass(frozen=True)
class Target:
    db: str  # "sqlite" | "postgresql"
    url: str

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            SIGAP_DATABASE_URL=self.url,
            SIGAP_DEBUG="0",
            SIGAP_REPORT_RATE_LIMIT="0",  # the benchmark is one client sending many reports
            SIGAP_LOGIN_FAILURE_LIMIT="1000",
            SIGAP_LOG_LEVEL="ERROR",
            DJANGO_SETTINGS_MODULE="sigap.settings",
        )
        return env


def postgres_available() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def manage(target: Target, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=target.env(), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed on {target.db}:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def log(message: str) -> None:
    print(f"# {message}", file=sys.stderr, flush=True)


def prepare(db: str) -> Target:
    """A database with the regions, the demo world, EXISTING_REPORTS reports of which QUEUE_REPORTS
    belong to one organisation, a case worker of that organisation, and CASES cases with TASKS tasks.
    Reused when already built."""
    VAR.mkdir(parents=True, exist_ok=True)
    if db == "sqlite":
        target = Target("sqlite", f"sqlite:///{VAR / 'bench.sqlite3'}")
    elif db == "postgresql":
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-U", "postgres", "sigap_bench"], capture_output=True, check=False
        )
        target = Target("postgresql", PG_URL)
    else:
        raise SystemExit(f"unknown database {db!r}")
    stamp = VAR / f"{db}.prepared.json"
    wanted = {"existing_reports": EXISTING_REPORTS, "queue_reports": QUEUE_REPORTS, "version": 1}
    if not (stamp.exists() and json.loads(stamp.read_text()) == wanted):
        (VAR / f"{db}.cases.json").unlink(missing_ok=True)
        _prepare_reports(target, stamp, wanted)
    _prepare_cases(target)
    manage(target, "migrate", "--noinput", "-v0")  # a kept database gets the code's newest indexes
    return target


def _prepare_reports(target: Target, stamp: Path, wanted: dict[str, int]) -> None:
    db = target.db
    log(f"preparing the {db} benchmark database ({EXISTING_REPORTS:,} reports); this takes a few minutes once")
    started = time.monotonic()
    if db == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{VAR / 'bench.sqlite3'}{suffix}").unlink(missing_ok=True)
    else:
        manage(target, "flush", "--noinput")
    manage(target, "migrate", "--noinput", "-v0")
    manage(target, "createcachetable")
    manage(target, "load_regions")
    manage(target, "load_reference_data")
    manage(
        target,
        "shell",
        "-c",
        PREPARE_SNIPPET.format(
            existing=EXISTING_REPORTS,
            queue=QUEUE_REPORTS,
            org=BENCH_ORG,
            worker=BENCH_WORKER,
            password=BENCH_PASSWORD,
        ),
    )
    stamp.write_text(json.dumps(wanted))
    log(f"prepared {db} in {time.monotonic() - started:.0f} s")


def _prepare_cases(target: Target) -> None:
    """CASES cases (each with its child) over the organisations, 1 in 50 the bench organisation's and
    1 in 8 of those the bench worker's, TASKS tasks, and a share of 1 case in 50 with another
    organisation (500 with the bench organisation); made by the database in bulk
    (`manage.py bench_cases`), reused when already there."""
    stamp = VAR / f"{target.db}.cases.json"
    wanted = {"cases": CASES, "tasks": TASKS, "version": 2}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return
    log(f"adding {CASES:,} cases and {TASKS:,} tasks to the {target.db} benchmark database")
    started = time.monotonic()
    manage(target, "migrate", "--noinput", "-v0")
    out = manage(
        target,
        "bench_cases",
        f"--cases={CASES}",
        f"--tasks={TASKS}",
        f"--organisation={BENCH_ORG}",
        f"--worker={BENCH_WORKER}",
    )
    for line in out.strip().splitlines():
        log(line)
    stamp.write_text(json.dumps(wanted))
    log(f"cases and tasks ready on {target.db} in {time.monotonic() - started:.0f} s")


PREPARE_SNIPPET = """
from sigap.demo.generator import generate
from sigap.people.models import Organisation, User
from sigap.intake.models import Report
generate(reports=0, cases=0, seed=1, provinces=["31", "32", "33", "35", "52", "61"])
org, _ = Organisation.objects.get_or_create(name="{org}", defaults=dict(type="uptd_ppa", jurisdiction_id="35.78"))
if not User.objects.filter(username="{worker}").exists():
    User.objects.create_user("{worker}", password="{password}", role="case_worker", organisation=org)
generate(reports={queue}, cases=0, seed=2, provinces=["35"], organisation=org)
generate(reports={existing} - {queue}, cases=0, seed=3, provinces=["31", "32", "33", "35", "52", "61"])
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")  # planner statistics after the bulk load, as a DBA would
print(Report.objects.count())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(target: Target, workers: int = 3, threads: int = 4) -> Iterator[str]:
    """gunicorn serving Sigap on a free loopback port; yields the base URL."""
    port = free_port()
    gunicorn = shutil.which("gunicorn", path=str(Path(PYTHON).parent)) or "gunicorn"
    proc = subprocess.Popen(
        [
            gunicorn,
            "sigap.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            # sync workers take each request as it comes; gthread keeps a client's connection alive,
            # so one worker may end up serving every client
            *(["-k", "sync"] if threads == 1 else ["-k", "gthread", "--threads", str(threads)]),
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=target.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise SystemExit(f"gunicorn exited: {proc.stderr.read() if proc.stderr else ''}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def emit(figures: dict[str, object]) -> None:
    print(json.dumps(figures), flush=True)
