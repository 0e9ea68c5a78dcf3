#!/usr/bin/env python
"""Run Sigap's benchmarks; each prints one JSON line of figures.

    .venv/bin/python bench/run.py                 # all benchmarks, on SQLite and PostgreSQL
    .venv/bin/python bench/run.py intake          # one benchmark
    BENCH_DBS=sqlite .venv/bin/python bench/run.py

PostgreSQL is used when a server answers at 127.0.0.1:5432 (trust auth); the benchmark database is
`sigap_bench`. Prepared databases are kept in var/bench/ and reused while they have the wanted size.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import case_lists, common, intake, linkage, registry, triage_queue

BENCHMARKS = {
    "intake": intake.run,
    "triage_queue": triage_queue.run,
    "case_list": case_lists.run_case_list,
    "task_list": case_lists.run_task_list,
}
# Benchmarks that need no database: run once, not per database.
FILE_BENCHMARKS = {
    "registry": registry.run,
    "linkage": linkage.run,
}


def main(argv: list[str]) -> int:
    names = [a for a in argv if a] or [*BENCHMARKS, *FILE_BENCHMARKS]
    known = [*BENCHMARKS, *FILE_BENCHMARKS]
    unknown = [n for n in names if n not in known]
    if unknown:
        print(f"Unknown benchmark(s): {', '.join(unknown)}. Known: {', '.join(known)}", file=sys.stderr)
        return 2
    for name in names:
        if name in FILE_BENCHMARKS:
            FILE_BENCHMARKS[name]()
    names = [n for n in names if n in BENCHMARKS]
    if not names:
        return 0
    dbs = [d for d in os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",") if d]
    for db in dbs:
        if db == "postgresql" and not common.postgres_available():
            print('{"bench": "skipped", "db": "postgresql", "reason": "no server at 127.0.0.1:5432"}', flush=True)
            continue
        target = common.prepare(db)
        for name in names:
            BENCHMARKS[name](target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
