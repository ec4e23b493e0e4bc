"""Checking a change's audit chain of 10,000 events: how fast, against a baseline from the
same run (sha256 over the very bytes each event's hash covers), and how much memory the
check through the store takes as the log grows from 10,000 to 50,000 events.

In process, it times verify_chain over the whole list as models/audit.py does it, and the
streamed check (models/audit_stream.py, on the fast hash of models/chain_hash.py) fed in
chunks of 1,000, for both hash schemes. Through the store it times stream_verdict, which
the audit routes use, on a SQLite file and on a PostgreSQL database of its own (created
and dropped here), and takes tracemalloc's peak for it, for the old way (read the whole
log, then verify it) and for a streamed JSON export of the log. The target is 10,000
events in under 100 ms in process, or 200,000 events a second. Run with
`.venv/bin/python -m benchmarks.verification`.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from models.audit import AuditEvent, ChainAnchor, HashScheme, chain_event, verify_chain
from models.audit_stream import verify_stream
from models.canonical import canonical_json
from models.chain_hash import ChainLink
from models.commands import SubmitWork
from models.jcs import jcs
from models.read.audit_pages import ExportFilter, ExportFormat
from models.roles import Role
from models.tables import AuditEventRow
from models.transitions.opening import open_change
from models.transitions.sign_off import apply_sign_off
from models.transitions.submission import apply_submit
from tests.factories import PROPOSER, T0, authority, evidence, new_change, sign_command
from throughline import db
from throughline.services.audit_exports import export_text
from throughline.services.chain_checks import stream_verdict
from throughline.store import readmodel

EVENTS = int(os.environ.get("BENCH_EVENTS", "10000"))
LARGER = 5 * EVENTS
RUNS = 7
CHUNK = 1000
TARGET_MS = 100.0
ADMIN_URL = os.environ.get("THROUGHLINE_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")


def _templates() -> list[AuditEvent]:
    """The events of a change proposed, submitted and signed by three roles: real kinds
    and payloads to repeat, so the chain hashes what a real one holds."""
    state, events = open_change(new_change(), T0)
    work = SubmitWork(actor=PROPOSER, summary="intent: the case", evidence=[evidence("case")])
    events += apply_submit(state, work, authority(PROPOSER), T0)
    for person, role in (("pol-a", Role.POLICY), ("ops-a", Role.OPERATIONS)):
        events += apply_sign_off(state, sign_command(state, person, role), authority(person), T0)
    return events


def chain(log_id: str, count: int, scheme: HashScheme) -> list[AuditEvent]:
    """A chain of `count` events cycling through the templates' kinds and payloads."""
    templates, out, prev = _templates(), [], "0" * 64
    for seq in range(1, count + 1):
        model = templates[0] if seq == 1 else templates[1 + (seq - 2) % (len(templates) - 1)]
        event = chain_event(
            log_id=log_id,
            seq=seq,
            prev_hash=prev,
            at=T0 + timedelta(seconds=seq),
            actor=model.actor,
            role=model.role,
            kind=model.kind,
            payload=model.payload,
            scheme=scheme,
        )
        out.append(event)
        prev = event.hash
    return out


def _median_ms(run: Callable[[], object]) -> float:
    run()  # warm up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _line(name: str, ms: float, count: int, baseline_ms: float) -> str:
    rate = count / (ms / 1000)
    return f"{name:<52} {ms:8.1f} ms {rate:12,.0f} events/s {ms / baseline_ms:6.1f}x"


def _bodies(events: list[AuditEvent], scheme: HashScheme) -> list[bytes]:
    """The exact bytes each event's hash covers."""
    render = canonical_json if scheme is HashScheme.SORTED_JSON else jcs
    fields = ("change_id", "seq", "at", "actor", "role", "kind", "payload", "prev_hash")
    bodies = []
    for event in events:
        body: dict[str, Any] = {name: getattr(event, name) for name in fields}
        body["at"] = event.at.isoformat(timespec="microseconds")
        bodies.append(render(body).encode("utf-8"))
    return bodies


def in_process() -> float:
    """Prints each scheme's figures; returns the slower scheme's streamed events/s."""
    print(f"In process: a chain of {EVENTS:,} events, median of {RUNS} runs")
    rates = []
    for scheme in HashScheme:
        events = chain("bench", EVENTS, scheme)
        links = [ChainLink.of(e) for e in events]
        bodies = _bodies(events, scheme)
        assert hashlib.sha256(bodies[-1]).hexdigest() == events[-1].hash
        anchor = ChainAnchor(seq=EVENTS, hash=events[-1].hash, source="temporal")
        chunks = [links[i : i + CHUNK] for i in range(0, EVENTS, CHUNK)]
        base = _median_ms(lambda: [hashlib.sha256(b).hexdigest() for b in bodies])  # noqa: B023
        whole = _median_ms(lambda: verify_chain("bench", events, anchor, scheme=scheme))  # noqa: B023
        streamed = _median_ms(lambda: verify_stream("bench", chunks, anchor, scheme=scheme))  # noqa: B023
        assert verify_stream("bench", chunks, anchor, scheme=scheme).intact
        size = sum(map(len, bodies)) // EVENTS
        print(f"  scheme {scheme.value}, {size} bytes hashed per event on average")
        print("  " + _line("baseline: sha256 of the same bytes", base, EVENTS, base))
        print("  " + _line("verify_chain, whole list (models/audit.py)", whole, EVENTS, base))
        print("  " + _line("streamed ChainChecker, chunks of 1,000", streamed, EVENTS, base))
        met = "met" if streamed < TARGET_MS * EVENTS / 10_000 else "MISSED"
        print(f"  target (10,000 in under {TARGET_MS:.0f} ms, streamed): {met}")
        rates.append(EVENTS / (streamed / 1000))
    return min(rates)


async def _fill(url: str, counts: dict[str, int]) -> None:
    engine = db.make_engine(url)
    async with engine.begin() as connection:
        for log_id, count in counts.items():
            rows = [e.model_dump() for e in chain(log_id, count, HashScheme.JCS)]
            for start in range(0, count, 5000):
                await connection.execute(insert(AuditEventRow), rows[start : start + 5000])
    await engine.dispose()


async def _peak_kib(run: Callable[[], Awaitable[object]]) -> float:
    tracemalloc.start()
    try:
        await run()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


async def _seconds(run: Callable[[], Awaitable[object]]) -> float:
    await run()
    times = []
    for _ in range(3):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def through_the_store(name: str, url: str) -> None:
    counts = {f"bench-{n}": n for n in (EVENTS, LARGER)}
    await _fill(url, counts)
    engine = db.make_engine(url)
    sessions = db.session_factory(engine)
    print(f"Through the store on {name} (stream_verdict, as GET /changes/{{id}}/audit checks)")
    for log_id, count in counts.items():
        await _measure_log(sessions, log_id, count)
    await engine.dispose()


async def _measure_log(sessions: async_sessionmaker[AsyncSession], log_id: str, count: int) -> None:
    async def streamed() -> object:
        verdict = await stream_verdict(sessions, AuditEventRow, log_id, scheme=HashScheme.JCS)
        assert verdict.intact
        return verdict

    async def whole() -> object:
        async with sessions() as session:
            events = await readmodel.audit_events(session, log_id)
        return verify_chain(log_id, events, scheme=HashScheme.JCS)

    async def exported() -> object:
        where = ExportFilter(change_id=log_id)
        pieces = await export_text(sessions, where, ExportFormat.JSON)
        return [len(piece) async for piece in pieces]

    seconds = await _seconds(streamed)
    peak, old_peak = await _peak_kib(streamed), await _peak_kib(whole)
    print(
        f"  {count:>7,} events: {seconds * 1000:7.1f} ms, {count / seconds:9,.0f} events/s; "
        f"peak memory streamed {peak:8,.0f} KiB, whole log read first {old_peak:9,.0f} KiB"
    )
    print(f"  {'':>7}  its JSON export, streamed: peak memory {await _peak_kib(exported):,.0f} KiB")


def _on_postgres() -> None:
    name = f"throughline_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        db.migrate_sync(url)
        asyncio.run(through_the_store("PostgreSQL", url))
    finally:
        with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    rate = in_process()
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        db.migrate_sync(url)
        asyncio.run(through_the_store("a SQLite file", url))
    _on_postgres()
    print(f"bench audit: events_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
