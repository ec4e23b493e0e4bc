"""GET /analytics/handoffs on PostgreSQL with 100,000 changes: the report's latency
against a baseline from the same run, a plain count over the same fact table.

Creates its own database, fills it with generate_series in SQL (every change has passed
two gates: the team's turn and three sign-offs each, one request for changes in five),
times the report as the API runs it, and drops the database. Run with
`.venv/bin/python -m benchmarks.analytics`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy import text

from models.analytics import AnalyticsQuery
from throughline import db
from throughline.store import analytics

CHANGES = int(os.environ.get("BENCH_CHANGES", "100000"))
SERVICES = 50
RUNS = 30
ADMIN_URL = os.environ.get("THROUGHLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")

FILL = [
    """INSERT INTO change (id, workflow_id, title, service, playbook, playbook_version,
        iteration, stage, gate_id, gate_status, status, proposer, waiting_kind,
        waiting_reason, created_at, updated_at, last_seq, last_hash, snapshot)
    SELECT 'c' || n, 'change-c' || n, 'Change ' || n, 'service ' || (n % :services),
        'pdca', 3, 1, 'delivery', '1.delivery.1', 'open', 'open', 'dev', 'submission',
        'work', :t0 + n * interval '5 minutes', :t0 + n * interval '5 minutes', 9, 'h', '{}'
    FROM generate_series(1, :changes) AS n""",
    """INSERT INTO gate (change_id, gate_id, iteration, stage, name, status, revision,
        opened_at, closed_at)
    SELECT 'c' || n, '1.' || s.stage || '.1', 1, s.stage, s.name, 'passed', 1,
        :t0 + n * interval '5 minutes' + s.i * interval '3 days',
        :t0 + n * interval '5 minutes' + (s.i + 1) * interval '3 days'
    FROM generate_series(1, :changes) AS n,
        (VALUES (0, 'intent', 'intent agreed'), (1, 'design', 'design approved'))
            AS s(i, stage, name)""",
    """INSERT INTO sign_off (change_id, seq, gate_id, revision, person_id, role, decision,
        at, counts, condition_ids)
    SELECT 'c' || n, s.i * 10 + r.j, '1.' || s.stage || '.1', 1, r.role || '-' || (n % 40),
        r.role, CASE WHEN n % 5 = 0 AND r.j = 1 THEN 'request_changes' ELSE 'approve' END,
        :t0 + n * interval '5 minutes' + s.i * interval '3 days', true, '[]'
    FROM generate_series(1, :changes) AS n,
        (VALUES (0, 'intent'), (1, 'design')) AS s(i, stage),
        (VALUES (1, 'policy'), (2, 'digital'), (3, 'operations')) AS r(j, role)""",
    """INSERT INTO handoff_fact (change_id, seq, role, service, stage, gate, opened_at,
        closed_at, waited_hours, waited_working_days, hours_bucket, days_bucket, overdue,
        per_handoff)
    SELECT 'c' || n, s.i * 10 + r.j, r.role, 'service ' || (n % :services), s.stage, s.name,
        :t0 + n * interval '5 minutes' + s.i * interval '3 days',
        :t0 + n * interval '5 minutes' + s.i * interval '3 days'
            + ((n * 7 + r.j * 13) % 200) * interval '1 hour',
        ((n * 7 + r.j * 13) % 200)::float, ((n * 7 + r.j * 13) % 200) / 24.0 * 5 / 7,
        ((n * 7 + r.j * 13) % 200) * 10, floor(((n * 7 + r.j * 13) % 200) / 24.0 * 5 / 7 * 100),
        ((n * 7 + r.j * 13) % 200) > 120, true
    FROM generate_series(1, :changes) AS n,
        (VALUES (0, 'intent', 'intent agreed'), (1, 'design', 'design approved'))
            AS s(i, stage, name),
        (VALUES (0, 'digital'), (1, 'policy'), (2, 'digital'), (3, 'operations'))
            AS r(j, role)""",
    """INSERT INTO cycle_fact (change_id, iteration, service, outcome, started_at,
        decided_at, hours, working_days, hours_bucket, days_bucket)
    SELECT 'c' || n, 1, 'service ' || (n % :services), 'adopt',
        :t0 + n * interval '5 minutes', :t0 + n * interval '5 minutes' + interval '40 days',
        960 + n % 300, 28 + (n % 300) / 24.0, (960 + n % 300) * 10,
        floor((28 + (n % 300) / 24.0) * 100)
    FROM generate_series(1, :changes) AS n WHERE n % 3 = 0""",
    "ANALYZE",
]


async def _fill(url: str) -> None:
    t0 = datetime(2025, 1, 6, 9, tzinfo=UTC)
    engine = db.make_engine(url)
    async with engine.begin() as connection:
        for statement in FILL:
            params = {"changes": CHANGES, "services": SERVICES, "t0": t0}
            await connection.execute(text(statement), params)
    await engine.dispose()


async def _time(run: Callable[[], Awaitable[object]]) -> list[float]:
    await run()  # warm the caches and the plan
    latencies = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await run()
        latencies.append(time.perf_counter() - started)
    return sorted(latencies)


def _line(name: str, latencies: list[float], baseline: list[float]) -> str:
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    base = baseline[min(len(baseline) - 1, int(len(baseline) * 0.99))]
    return (
        f"{name:<44} p50 {statistics.median(latencies) * 1000:7.1f} ms   "
        f"p99 {p99 * 1000:7.1f} ms   p99 ratio to baseline {p99 / base:5.1f}x"
    )


async def _measure(url: str) -> None:
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)

    def report(query: AnalyticsQuery) -> Callable[[], Awaitable[object]]:
        async def run() -> object:
            return await analytics.report(sessions, query)

        return run

    async def count() -> object:
        async with engine.connect() as connection:
            return (await connection.execute(text("SELECT count(*) FROM handoff_fact"))).one()

    baseline = await _time(count)
    since = datetime(2025, 3, 1, tzinfo=UTC)
    cases = {
        "every service, all time": AnalyticsQuery(),
        "one service, all time": AnalyticsQuery(service="service 7"),
        "one service, 30 days": AnalyticsQuery(
            service="service 7", since=since, until=since + timedelta(days=30)
        ),
        "every service, 30 days": AnalyticsQuery(since=since, until=since + timedelta(days=30)),
    }
    print(f"{CHANGES} changes, {SERVICES} services, {RUNS} runs each on PostgreSQL")
    print(_line("baseline: count(*) over handoff_fact", baseline, baseline))
    for name, query in cases.items():
        print(_line(f"report: {name}", await _time(report(query)), baseline))
    await engine.dispose()


def main() -> None:
    name = f"throughline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        db.migrate_sync(url)
        started = time.perf_counter()
        asyncio.run(_fill(url))
        print(f"filled in {time.perf_counter() - started:.0f} s")
        asyncio.run(_measure(url))
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
