"""``manage.py bench_cases``: a million synthetic cases and five million tasks for the benchmarks.

The rows are made by the database itself (``INSERT … SELECT`` over ``generate_series`` on PostgreSQL,
over a recursive CTE on SQLite), with no model instances: every value is a function of the row number,
so the same arguments always give the same data. Secondary indexes of the three tables are dropped for
the load and built again afterwards (a sort is much faster than a million B-tree inserts), all in one
transaction: the tables either get all the rows or none.

The layout (``--cases`` N, ``--tasks`` = N × tasks per case):

- every 50th case belongs to ``--organisation`` (the bench organisation), the others are spread over
  every other organisation; every 8th case of the bench organisation is ``--worker``'s, the rest belong
  to five colleagues the command creates (``<worker>.2`` … ``<worker>.6``, plus ``<worker>.supervisor``);
- about 70 % of the cases are closed, the open ones spread over the seven open stages; risk about
  20 % high, 40 % medium, 40 % low; each case has its own child (``identity_child``);
- each case has its tasks (first contact, assessment, approval, a legal/service clock, a follow-up):
  all done (a few cancelled) for a closed case, the last two open for an open case, with deadlines from
  15 days ago to 45 days ahead; approvals go unassigned to the organisation's supervisors and
  referral responses unassigned to its case workers, as ``sigap.cases.tasks.schedule`` does.

Does nothing when the database already holds at least N cases and the wanted number of tasks.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from faker import Faker

from sigap.cases import clocks
from sigap.cases.models import OPEN_STATUSES, Case, CaseShare, Task
from sigap.identity.models import Child
from sigap.people.models import Organisation, User
from sigap.people.roles import Role
from sigap.regions.models import ancestor_codes, level_of

BENCH_ORG_EVERY = 50  # every 50th case is the bench organisation's
WORKER_EVERY = 8  # every 8th of those is the bench worker's
COLLEAGUES = 5
CLOSED_PERCENT = 70
SPAN = timedelta(days=5 * 365)  # the cases were opened over the last five years
NAMES = 1000
SLOT_VARIANTS = 12
SHARE_EVERY = 50  # every 50th case (offset 25, so never the bench organisation's) is shared …
BENCH_SHARE_EVERY = 40  # … 1 in 40 of those with the bench organisation, the others elsewhere
# the kinds of a case's tasks depend on the case id modulo this

# A case's tasks in order; a tuple picks by case id.
SLOTS: list[tuple[str, ...]] = [
    ("first_contact",),
    ("assessment",),
    ("approval",),
    ("police_report", "rehabilitation", "handoff_response", "reintegration"),
    ("follow_up", "outcome_follow_up", "approval"),
]
UNASSIGNED = {"approval", "handoff_response"}  # go to the organisation (approval: its supervisors)


def _hash(expr: str, multiplier: int) -> str:
    """A well-spread 32-bit hash of an integer SQL expression (Knuth's multiplicative hashing)."""
    return f"((({expr}) * {multiplier}) % 4294967296)"


def _percent(expr: str, multiplier: int) -> str:
    """0…99, spread evenly and not correlated with ``expr`` modulo small numbers."""
    return f"({_hash(expr, multiplier)} / 42949673)"


class Dialect:
    def __init__(self) -> None:
        self.vendor = connection.vendor
        if self.vendor not in ("sqlite", "postgresql"):
            raise CommandError(f"bench_cases supports SQLite and PostgreSQL, not {self.vendor}.")

    @property
    def pg(self) -> bool:
        return self.vendor == "postgresql"

    def series(self, lo: int, hi: int) -> tuple[str, str]:
        """(a prefix for the statement, a FROM item) yielding integers ``i`` from lo to hi."""
        if self.pg:
            return "", f"generate_series({lo}::bigint, {hi}::bigint) AS s(i)"
        return f"WITH RECURSIVE s(i) AS (SELECT {lo} UNION ALL SELECT i + 1 FROM s WHERE i < {hi}) ", "s"

    def timestamp(self, value: datetime) -> str:
        text = value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
        return f"TIMESTAMPTZ '{text}+00:00'" if self.pg else f"'{text}'"

    def plus_seconds(self, ts: str, seconds: str) -> str:
        if self.pg:
            return f"({ts} + ({seconds}) * INTERVAL '1 second')"
        return f"datetime({ts}, ({seconds}) || ' seconds')"

    def case_number(self, id_expr: str, opened_at: str) -> str:
        """``KS-<year>-<id, 6 digits>`` as ``sigap.cases.services`` numbers a case."""
        if self.pg:
            return (
                f"'KS-' || to_char({opened_at} AT TIME ZONE 'UTC', 'YYYY') || '-' || "
                f"lpad(({id_expr})::text, greatest(6, length(({id_expr})::text)), '0')"
            )
        return f"'KS-' || strftime('%Y', {opened_at}) || '-' || printf('%06d', {id_expr})"

    def secondary_indexes(self, table: str) -> list[tuple[str, str]]:
        """(name, CREATE INDEX statement) of the table's non-unique indexes."""
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid "
                    "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL "
                    "AND sql NOT LIKE 'CREATE UNIQUE%%'",
                    [table],
                )
            return [(str(name), str(sql)) for name, sql in cursor.fetchall()]

    def reset_sequence(self, table: str) -> None:
        if self.pg:
            run(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        # SQLite's AUTOINCREMENT counter follows explicit ids by itself.


def run(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def scalar(sql: str) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


class Command(BaseCommand):
    help = (
        "Fill the benchmark database with synthetic cases, their children and tasks, made in bulk by the "
        "database (reused when the counts are already there). Run after the bench organisation and worker exist."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--tasks", type=int, default=5_000_000, help="a multiple of --cases")
        parser.add_argument("--organisation", required=True, help="name of the bench organisation")
        parser.add_argument("--worker", required=True, help="username of the bench organisation's case worker")

    def handle(self, *args: Any, **options: Any) -> None:
        n, n_tasks = options["cases"], options["tasks"]
        per_case = n_tasks // n if n else 0
        if n <= 0 or per_case * n != n_tasks or not 1 <= per_case <= len(SLOTS):
            raise CommandError(f"--tasks must be --cases × 1…{len(SLOTS)}.")
        try:
            org = Organisation.objects.get(name=options["organisation"])
            worker = User.objects.get(username=options["worker"], organisation=org)
        except (Organisation.DoesNotExist, User.DoesNotExist) as exc:
            raise CommandError(f"bench organisation or worker missing: {exc}") from exc
        have_cases = Case.objects.count() >= n and Task.objects.count() >= n_tasks
        have_shares = CaseShare.objects.count() >= n // SHARE_EVERY
        if have_cases and have_shares:
            self.stdout.write(
                f"already there: {Case.objects.count()} cases, {Task.objects.count()} tasks, "
                f"{CaseShare.objects.count()} shares"
            )
            return
        d = Dialect()
        started = time.monotonic()
        with transaction.atomic():
            if d.pg:
                # foreign keys checked at the end of each INSERT, not at commit: an index cannot be
                # built on a table with checks still pending
                run("SET CONSTRAINTS ALL IMMEDIATE")
                run("SET LOCAL synchronous_commit = off")
                run("SET LOCAL maintenance_work_mem = '512MB'")
            else:
                run("PRAGMA cache_size = -400000")  # 400 MB for the index builds
            self._lookup_tables(d, org)
            if not have_cases:
                self._cases_and_tasks(d, n, per_case, org, worker, started)
            if not have_shares:
                self._shares(d, n)
                self._log(f"{n // SHARE_EVERY:,} shares", started)
            for table in ("bench_org", "bench_name", "bench_slot"):
                run(f"DROP TABLE {table}")
        for model in (Child, Case, Task, CaseShare):
            run(f"ANALYZE {model._meta.db_table}")
        self._log("analysed", started)

    def _cases_and_tasks(
        self, d: Dialect, n: int, per_case: int, org: Organisation, worker: User, started: float
    ) -> None:
        colleagues = self._colleagues(org, worker)
        dropped = []
        for table in (Child._meta.db_table, Case._meta.db_table, Task._meta.db_table):
            for name, create in d.secondary_indexes(table):
                run(f'DROP INDEX "{name}"')
                dropped.append(create)
        child_base = int(scalar(f"SELECT COALESCE(MAX(id), 0) FROM {Child._meta.db_table}"))
        case_base = int(scalar(f"SELECT COALESCE(MAX(id), 0) FROM {Case._meta.db_table}"))
        now = datetime.now(UTC).replace(microsecond=0)
        step = max(1, int(SPAN.total_seconds()) // n)
        first = now - timedelta(seconds=step * n) - timedelta(days=1)
        self._children(d, n, child_base, first, step)
        self._log(f"{n:,} children", started)
        self._cases(d, n, child_base, case_base, first, step, worker, colleagues)
        self._log(f"{n:,} cases", started)
        self._tasks(d, case_base, per_case, now)
        self._log(f"{n * per_case:,} tasks", started)
        for create in dropped:
            run(create)
        self._log(f"{len(dropped)} indexes rebuilt", started)
        d.reset_sequence(Child._meta.db_table)
        d.reset_sequence(Case._meta.db_table)

    def _log(self, what: str, started: float) -> None:
        self.stdout.write(f"{what} ({time.monotonic() - started:.0f} s)")

    def _colleagues(self, org: Organisation, worker: User) -> list[int]:
        ids = []
        for k in range(2, COLLEAGUES + 2):
            user, created = User.objects.get_or_create(
                username=f"{worker.username}.{k}", defaults={"role": Role.CASE_WORKER, "organisation": org}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            ids.append(user.pk)
        supervisor, created = User.objects.get_or_create(
            username=f"{worker.username}.supervisor", defaults={"role": Role.SUPERVISOR, "organisation": org}
        )
        if created:
            supervisor.set_unusable_password()
            supervisor.save(update_fields=["password"])
        return ids

    # CROSS JOIN everywhere: SQLite then keeps the series (or the cases) as the outer loop, with one
    # primary-key lookup in each small table per row.

    def _lookup_tables(self, d: Dialect, org: Organisation) -> None:
        """Small tables the INSERT … SELECT statements join: organisations (index 0 is the bench
        organisation), child names, and the task slots."""
        temp = "TEMPORARY " if d.pg else "TEMP "
        run(
            f"CREATE {temp}TABLE bench_org (idx INTEGER PRIMARY KEY, org_id BIGINT NOT NULL, worker_id BIGINT, "
            "region_id VARCHAR(13), province_code VARCHAR(2) NOT NULL, regency_code VARCHAR(5) NOT NULL, "
            "district_code VARCHAR(8) NOT NULL)"
        )
        others = list(Organisation.objects.exclude(pk=org.pk).order_by("pk"))
        if not others:
            raise CommandError("no other organisations: run the demo generator first")
        first_worker: dict[int, int] = {}
        for uid, oid in (
            User.objects.filter(role=Role.CASE_WORKER, organisation__isnull=False)
            .order_by("pk")
            .values_list("pk", "organisation_id")
        ):
            first_worker.setdefault(oid, uid)
        rows = []
        for idx, o in enumerate([org, *others]):
            codes = {level_of(c): c for c in ancestor_codes(o.jurisdiction_id)} if o.jurisdiction_id else {}
            rows.append(
                (
                    idx,
                    o.pk,
                    None if o.pk == org.pk else first_worker.get(o.pk),
                    o.jurisdiction_id,
                    codes.get(1, ""),
                    codes.get(2, ""),
                    codes.get(3, ""),
                )
            )
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_org VALUES (%s, %s, %s, %s, %s, %s, %s)", rows)
        self.organisations = len(rows)

        run(
            f"CREATE {temp}TABLE bench_name (m INTEGER PRIMARY KEY, name VARCHAR(120) NOT NULL, sex VARCHAR(1) NOT NULL)"
        )
        fake = Faker("id_ID")
        fake.seed_instance(20260)
        names = [
            (m, fake.first_name_female() if m % 2 else fake.first_name_male(), "F" if m % 2 else "M")
            for m in range(NAMES)
        ]
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_name VALUES (%s, %s, %s)", names)

        run(
            f"CREATE {temp}TABLE bench_slot (m INTEGER NOT NULL, k INTEGER NOT NULL, kind VARCHAR(32) NOT NULL, "
            "title VARCHAR(200) NOT NULL, role VARCHAR(32) NOT NULL, unassigned INTEGER NOT NULL, "
            "PRIMARY KEY (m, k))"
        )
        slots = []
        for m in range(SLOT_VARIANTS):
            for k, kinds in enumerate(SLOTS):
                kind = kinds[m % len(kinds)]
                clock = clocks.get(kind)
                slots.append((m, k, kind, clock.title_id[:200], clock.role, int(kind in UNASSIGNED)))
        with connection.cursor() as cursor:
            cursor.executemany("INSERT INTO bench_slot VALUES (%s, %s, %s, %s, %s, %s)", slots)

    def _org_index(self, i: str) -> str:
        """The bench_org index of case ``i``: 0 (the bench organisation) for every 50th case."""
        others = self.organisations - 1
        return (
            f"(CASE WHEN {i} % {BENCH_ORG_EVERY} = 0 THEN 0 ELSE 1 + ({_hash(i, 3266489917)} / 65536) % {others} END)"
        )

    def _children(self, d: Dialect, n: int, child_base: int, first: datetime, step: int) -> None:
        prefix, series = d.series(1, n)
        opened = d.plus_seconds(d.timestamp(first), f"i * {step}")
        table = Child._meta.db_table
        run(
            f"{prefix}INSERT INTO {table} (id, province_code, regency_code, district_code, name, nickname, sex, "
            "birth_date, birth_year_estimated, created_at, created_by_id, region_id, registered_by_org_id) "
            f"SELECT {child_base} + i, o.province_code, o.regency_code, o.district_code, nm.name, '', nm.sex, "
            f"NULL, 2008 + i % 10, {opened}, NULL, o.region_id, o.org_id "
            f"FROM {series} CROSS JOIN bench_org o CROSS JOIN bench_name nm "
            f"WHERE o.idx = {self._org_index('i')} AND nm.m = {_hash('i', 2246822519)} % {NAMES}"
        )

    def _cases(
        self,
        d: Dialect,
        n: int,
        child_base: int,
        case_base: int,
        first: datetime,
        step: int,
        worker: User,
        colleagues: list[int],
    ) -> None:
        prefix, series = d.series(1, n)
        opened = d.plus_seconds(d.timestamp(first), f"i * {step}")
        h = _percent("i", 2654435761)
        open_stages = " ".join(f"WHEN {k} THEN '{stage}'" for k, stage in enumerate(OPEN_STATUSES))
        status = (
            f"CASE WHEN {h} < {CLOSED_PERCENT} THEN 'closed' "
            f"ELSE CASE ({h} - {CLOSED_PERCENT}) % {len(OPEN_STATUSES)} {open_stages} END END"
        )
        r = _percent("i", 2246822519)
        risk = f"CASE WHEN {r} < 20 THEN 'high' WHEN {r} < 60 THEN 'medium' ELSE 'low' END"
        j = f"(i / {BENCH_ORG_EVERY})"
        colleague = " ".join(f"WHEN {k} THEN {uid}" for k, uid in enumerate(colleagues))
        worker_id = (
            f"CASE WHEN o.idx = 0 THEN (CASE WHEN {j} % {WORKER_EVERY} = 0 THEN {worker.pk} "
            f"ELSE CASE {j} % {len(colleagues)} {colleague} END END) "
            "WHEN i % 4 = 0 THEN NULL ELSE o.worker_id END"
        )
        closed = f"({h} < {CLOSED_PERCENT})"
        changed = d.plus_seconds(opened, "86400 * (1 + i % 90)")
        table = Case._meta.db_table
        run(
            f"{prefix}INSERT INTO {table} (id, province_code, regency_code, district_code, number, risk_level, "
            "status, opened_at, child_id, opened_by_id, organisation_id, region_id, worker_id, closed_at, "
            "closure_note, closure_reason, first_contact_at, status_changed_at) "
            f"SELECT {case_base} + i, o.province_code, o.regency_code, o.district_code, "
            f"{d.case_number(f'{case_base} + i', opened)}, {risk}, {status}, {opened}, {child_base} + i, NULL, "
            f"o.org_id, o.region_id, {worker_id}, CASE WHEN {closed} THEN {changed} END, '', "
            f"CASE WHEN {closed} THEN 'goals_met' ELSE '' END, "
            f"CASE WHEN {status} = 'registered' THEN NULL ELSE {d.plus_seconds(opened, '3600 * (2 + i % 48)')} END, "
            f"{changed} "
            f"FROM {series} CROSS JOIN bench_org o WHERE o.idx = {self._org_index('i')}"
        )

    def _tasks(self, d: Dialect, case_base: int, per_case: int, now: datetime) -> None:
        is_open = f"(c.status <> 'closed' AND s.k >= {len(SLOTS) - 2})"
        assignee = "CASE WHEN s.unassigned = 1 THEN NULL ELSE c.worker_id END"
        spread = _hash(f"c.id * {len(SLOTS)} + s.k", 2654435761)
        open_due = d.plus_seconds(d.timestamp(now), f"({spread} % (60 * 86400)) - 15 * 86400")
        done_start = d.plus_seconds("c.opened_at", "s.k * 2 * 86400")
        due = f"CASE WHEN {is_open} THEN {open_due} ELSE {d.plus_seconds(done_start, '3 * 86400')} END"
        start = f"CASE WHEN {is_open} THEN {d.plus_seconds(open_due, '-7 * 86400')} ELSE {done_start} END"
        status = (
            f"CASE WHEN {is_open} THEN 'open' WHEN c.status = 'closed' AND s.k = {len(SLOTS) - 1} "
            "AND c.id % 10 = 0 THEN 'cancelled' ELSE 'done' END"
        )
        done_at = f"CASE WHEN {is_open} THEN NULL ELSE {d.plus_seconds(done_start, '2 * 86400')} END"
        done_by = f"CASE WHEN {is_open} THEN NULL ELSE c.worker_id END"
        table = Task._meta.db_table
        run(
            f"INSERT INTO {table} (kind, title, role, status, starts_at, due_at, created_at, done_at, "
            "subject_type, subject_id, reminded_at, breach_notified_at, assignee_id, case_id, done_by_id, "
            "organisation_id) "
            f"SELECT s.kind, s.title, CASE WHEN {assignee} IS NULL THEN s.role ELSE '' END, {status}, {start}, "
            f"{due}, {start}, {done_at}, '', NULL, NULL, NULL, {assignee}, c.id, {done_by}, c.organisation_id "
            f"FROM {Case._meta.db_table} c CROSS JOIN bench_slot s "
            f"WHERE c.id > {case_base} AND s.m = c.id % {SLOT_VARIANTS} AND s.k < {per_case}"
        )

    def _shares(self, d: Dialect, n: int) -> None:
        """Every 50th case (not the bench organisation's) is shared with another organisation by an
        accepted hand-off, 1 in 40 of them with the bench organisation; 1 in 5 shares has ended."""
        first_id = int(scalar(f"SELECT MIN(id) FROM {Case._meta.db_table}"))
        i = f"(c.id - {first_id} + 1)"
        j = f"({i} / {SHARE_EVERY})"
        others = self.organisations - 1
        target = f"(CASE WHEN {j} % {BENCH_SHARE_EVERY} = 0 THEN 0 ELSE 1 + {j} % {others} END)"
        granted = d.plus_seconds("c.opened_at", "10 * 86400")
        ended = f"CASE WHEN {j} % 5 = 1 THEN {d.plus_seconds('c.opened_at', '100 * 86400')} END"
        run(
            "INSERT INTO cases_caseshare (reason, source_id, granted_at, ended_at, case_id, granted_by_id, "
            "organisation_id, user_id) "
            f"SELECT 'referral', NULL, {granted}, {ended}, c.id, NULL, o.org_id, NULL "
            f"FROM {Case._meta.db_table} c CROSS JOIN bench_org o "
            f"WHERE {i} % {SHARE_EVERY} = {SHARE_EVERY // 2} AND o.idx = {target}"
        )
